//! Literal values and their exact text, as TVM v0.23's Python doc printer writes them.
//!
//! - `None`, `True`, `False`.
//! - Integers in decimal (`-5`).
//! - Floats: an integral value prints in fixed notation with one decimal (`1.0`, `-0.0`,
//!   `100000000000000000000.0`), like C++ `std::fixed` + `std::showpoint` at precision 1; any
//!   other finite value prints like printf `%.17g` (`0.5`, `0.10000000000000001`,
//!   `1.0000000000000001e-05`); infinities and NaN print quoted as the C library spells them
//!   (`"inf"`, `"-inf"`, `"nan"`, `"-nan"`).
//! - Strings in double quotes, escaped byte by byte: `"` and `\` get a backslash, tab, newline
//!   and carriage return become `\t`, `\n`, `\r`, and every other byte outside `0x20..=0x7E`
//!   (including each byte of a non-ASCII UTF-8 character) becomes `\xHH` with upper-case hex.

use std::fmt::Write as _;

/// The value of a [`ExprKind::Literal`](crate::ExprKind::Literal).
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `None`
    None,
    /// `True` / `False`
    Bool(bool),
    /// A decimal integer.
    Int(i64),
    /// A floating-point number; see the module docs for its format.
    Float(f64),
    /// A string; see the module docs for its escaping.
    Str(String),
}

/// Appends the text of `literal` to `out`.
pub(crate) fn write_literal(out: &mut String, literal: &Literal) {
    match literal {
        Literal::None => out.push_str("None"),
        Literal::Bool(true) => out.push_str("True"),
        Literal::Bool(false) => out.push_str("False"),
        Literal::Int(value) => write_int(out, *value),
        Literal::Float(value) => write_float(out, *value),
        Literal::Str(value) => {
            out.push('"');
            write_escaped(out, value);
            out.push('"');
        }
    }
}

/// Appends a decimal integer.
pub(crate) fn write_int(out: &mut String, value: i64) {
    let mut digits = [0u8; 20];
    let mut position = digits.len();
    let mut magnitude = value.unsigned_abs();
    loop {
        position -= 1;
        // The remainder is below 10, so the cast cannot truncate.
        digits[position] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    if value < 0 {
        out.push('-');
    }
    // The buffer holds only ASCII digits, so it is always valid UTF-8.
    out.push_str(std::str::from_utf8(&digits[position..]).unwrap_or_default());
}

/// Appends a float in TVM's format (see the module docs).
pub(crate) fn write_float(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str(if value.is_sign_negative() { "\"-nan\"" } else { "\"nan\"" });
    } else if value.is_infinite() {
        out.push_str(if value < 0.0 { "\"-inf\"" } else { "\"inf\"" });
    } else if value.fract() == 0.0 {
        // Rust's fixed-precision formatting is exact (like glibc's printf), so `{:.1}` equals
        // `%.1f`; writing to a String cannot fail.
        let _ = write!(out, "{value:.1}");
    } else {
        write_general_17(out, value);
    }
}

/// Appends a finite `value` as printf `%.17g` does: 17 significant digits, fixed notation when
/// the decimal exponent is in `-4..17`, otherwise scientific with a two-digit minimum exponent;
/// trailing zeros (and a trailing decimal point) removed.
fn write_general_17(out: &mut String, value: f64) {
    const PRECISION: i32 = 17;
    // `{:.16e}` rounds exactly to 17 significant digits, e.g. "-1.0000000000000001e-5".
    let mut scientific = String::with_capacity(32);
    let _ = write!(scientific, "{value:.16e}");
    let (mantissa, exponent) = match scientific.split_once('e') {
        Some(parts) => parts,
        None => (scientific.as_str(), "0"),
    };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if negative {
        out.push('-');
    }
    if (-4..PRECISION).contains(&exponent) {
        // Fixed notation: the first digit has weight 10^exponent.
        let mut text = String::with_capacity(24);
        if exponent < 0 {
            text.push_str("0.");
            for _ in 0..(-exponent - 1) {
                text.push('0');
            }
            text.extend(digits.iter().map(|&d| char::from(d)));
        } else {
            // `exponent` is in 0..17 here, so the cast is lossless.
            let integer_digits = exponent as usize + 1;
            text.extend(digits[..integer_digits].iter().map(|&d| char::from(d)));
            text.push('.');
            text.extend(digits[integer_digits..].iter().map(|&d| char::from(d)));
        }
        out.push_str(strip_fraction_zeros(&text));
    } else {
        let mut text = String::with_capacity(24);
        text.push(char::from(digits[0]));
        text.push('.');
        text.extend(digits[1..].iter().map(|&d| char::from(d)));
        out.push_str(strip_fraction_zeros(&text));
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        let magnitude = exponent.unsigned_abs();
        if magnitude < 10 {
            out.push('0');
        }
        let _ = write!(out, "{magnitude}");
    }
}

/// Removes trailing zeros after a decimal point, and the point itself if nothing follows it.
fn strip_fraction_zeros(text: &str) -> &str {
    if !text.contains('.') {
        return text;
    }
    let trimmed = text.trim_end_matches('0');
    trimmed.strip_suffix('.').unwrap_or(trimmed)
}

/// Appends `value` escaped as the module docs describe (without the surrounding quotes).
pub(crate) fn write_escaped(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = value.as_bytes();
    let mut run_start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let plain = (b' '..=b'~').contains(&byte) && byte != b'\\' && byte != b'"';
        if plain {
            continue;
        }
        // A non-empty run holds only plain ASCII bytes and follows an escaped byte, so both of
        // its ends are char boundaries (continuation bytes are always escaped).
        if run_start < index {
            out.push_str(&value[run_start..index]);
        }
        run_start = index + 1;
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            _ => {
                out.push_str("\\x");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xF)]));
            }
        }
    }
    if run_start < bytes.len() {
        out.push_str(&value[run_start..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(value: f64) -> String {
        let mut out = String::new();
        write_float(&mut out, value);
        out
    }

    #[test]
    fn integral_floats_keep_one_decimal() {
        assert_eq!(float(1.0), "1.0");
        assert_eq!(float(-3.0), "-3.0");
        assert_eq!(float(-0.0), "-0.0");
        assert_eq!(float(1e20), "100000000000000000000.0");
    }

    #[test]
    fn other_floats_use_17_significant_digits() {
        assert_eq!(float(0.5), "0.5");
        assert_eq!(float(0.1), "0.10000000000000001");
        assert_eq!(float(1e-5), "1.0000000000000001e-05");
        assert_eq!(float(0.0001), "0.0001");
        assert_eq!(float(-2.5e-7), "-2.4999999999999999e-07");
        assert_eq!(float(123456.789), "123456.789");
        assert_eq!(float(f64::INFINITY), "\"inf\"");
        assert_eq!(float(f64::NEG_INFINITY), "\"-inf\"");
        assert_eq!(float(f64::NAN), "\"nan\"");
    }

    #[test]
    fn strings_escape_bytes() {
        let mut out = String::new();
        write_escaped(&mut out, "a\"b\\c\td\ne\rf\u{1}g\u{7f}é");
        assert_eq!(out, "a\\\"b\\\\c\\td\\ne\\rf\\x01g\\x7F\\xC3\\xA9");
    }

    #[test]
    fn integers_are_decimal() {
        let mut out = String::new();
        write_int(&mut out, i64::MIN);
        out.push(' ');
        write_int(&mut out, 0);
        out.push(' ');
        write_int(&mut out, 42);
        assert_eq!(out, "-9223372036854775808 0 42");
    }
}

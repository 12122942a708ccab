//! Checking and decoding of number and string literals.
//!
//! The lexer calls the `check_*` functions once per literal and reports what they find; the parser then
//! calls the `decode_*` functions, which never fail: on text the checks rejected they produce a best-effort
//! value (the parse result is discarded anyway when any diagnostic is an error).

use std::ops::Range;

/// Rejects decimal integers with leading zeros (`007`), as Python does.
pub fn check_int(text: &str) -> Result<(), &'static str> {
    let bytes = text.as_bytes();
    let is_prefixed =
        bytes.len() > 1 && matches!(bytes[1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B');
    if bytes.first() == Some(&b'0')
        && !is_prefixed
        && text.bytes().any(|b| matches!(b, b'1'..=b'9'))
    {
        return Err(
            "leading zeros in decimal integer literals are not permitted (use an 0o prefix for octal)",
        );
    }
    Ok(())
}

/// The value of an integer literal, or `None` when it does not fit in an `i128`.
pub fn decode_int(text: &str) -> Option<i128> {
    let (radix, digits) = match text.get(..2) {
        Some("0x" | "0X") => (16, &text[2..]),
        Some("0o" | "0O") => (8, &text[2..]),
        Some("0b" | "0B") => (2, &text[2..]),
        _ => (10, text),
    };
    let mut value: i128 = 0;
    for c in digits.chars().filter(|&c| c != '_') {
        let digit = c.to_digit(radix)?;
        value = value.checked_mul(radix as i128)?.checked_add(digit as i128)?;
    }
    Some(value)
}

/// The value of a float literal (underscores removed). Literals too large become infinity, as in Python.
pub fn decode_float(text: &str) -> f64 {
    let cleaned: String;
    let text = if text.contains('_') {
        cleaned = text.replace('_', "");
        &cleaned
    } else {
        text
    };
    text.parse().unwrap_or(f64::NAN)
}

/// The parts of a string literal's text.
struct Parts<'a> {
    raw: bool,
    bytes: bool,
    /// Byte offset of the body within the literal's text.
    body_start: usize,
    body: &'a str,
}

fn split(text: &str) -> Parts<'_> {
    let prefix_len = text.find(['\'', '"']).unwrap_or(text.len());
    let prefix = &text[..prefix_len];
    let raw = prefix.contains(['r', 'R']);
    let bytes = prefix.contains(['b', 'B']);
    let after = &text[prefix_len..];
    let quote = after.as_bytes().first().copied().unwrap_or(b'"');
    let triple = after.len() >= 3 && after.as_bytes()[..3].iter().all(|&b| b == quote);
    let open = if triple { 3 } else { 1.min(after.len()) };
    let inner = &after[open..];
    // An unterminated literal has no closing quotes to strip.
    let close = if triple
        && inner.len() >= 3
        && inner.as_bytes()[inner.len() - 3..].iter().all(|&b| b == quote)
    {
        3
    } else if !triple && inner.as_bytes().last() == Some(&quote) && !ends_with_escape(inner) {
        1
    } else {
        0
    };
    Parts { raw, bytes, body_start: prefix_len + open, body: &inner[..inner.len() - close] }
}

/// True when the final character of `s` is escaped by an odd run of backslashes.
fn ends_with_escape(s: &str) -> bool {
    let body = &s.as_bytes()[..s.len().saturating_sub(1)];
    body.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// Finds malformed escapes and non-ASCII characters in bytes literals. Each finding is a message and
/// a byte range relative to the start of the literal's text.
pub fn check_string(text: &str) -> Vec<(String, Range<usize>)> {
    let mut found = Vec::new();
    let parts = split(text);
    if parts.bytes {
        for (at, c) in parts.body.char_indices() {
            if !c.is_ascii() {
                let start = parts.body_start + at;
                found.push((
                    "bytes literals may contain only ASCII characters".to_string(),
                    start..start + c.len_utf8(),
                ));
            }
        }
    }
    if !parts.raw {
        decode_body(parts.body, parts.bytes, &mut |message, range| {
            let start = parts.body_start + range.start;
            found.push((message.to_string(), start..parts.body_start + range.end));
        });
    }
    found
}

/// The value of a string literal: prefix and quotes removed, escapes decoded unless raw, `\r\n`
/// inside the literal normalised to `\n`. Bytes literals decode each byte to the char of the same
/// number; f-strings are decoded like plain strings with their `{...}` fields kept verbatim.
pub fn decode_string(text: &str) -> String {
    let parts = split(text);
    let value = if parts.raw {
        parts.body.to_string()
    } else {
        decode_body(parts.body, parts.bytes, &mut |_, _| {})
    };
    if value.contains('\r') { value.replace("\r\n", "\n") } else { value }
}

/// Decodes escapes in a non-raw body, reporting malformed ones (message, range within the body).
fn decode_body(body: &str, bytes: bool, report: &mut dyn FnMut(&str, Range<usize>)) -> String {
    if !body.contains('\\') {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, escaped)) = chars.next() else {
            out.push('\\');
            break;
        };
        match escaped {
            '\n' => {}
            '\r' => {
                if chars.peek().map(|&(_, c)| c) == Some('\n') {
                    chars.next();
                }
            }
            '\\' | '\'' | '"' => out.push(escaped),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut value = escaped.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|&(_, c)| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' if !(bytes && escaped != 'x') => {
                let width = match escaped {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut value = 0u32;
                let mut end = at + 2;
                let mut ok = true;
                for _ in 0..width {
                    match chars.peek().copied() {
                        Some((pos, c)) if c.is_ascii_hexdigit() => {
                            value = value * 16 + c.to_digit(16).unwrap_or(0);
                            end = pos + 1;
                            chars.next();
                        }
                        _ => {
                            ok = false;
                            break;
                        }
                    }
                }
                match char::from_u32(value) {
                    Some(c) if ok => out.push(c),
                    _ => {
                        let message = if ok {
                            "escape sequence is not a valid Unicode code point"
                        } else {
                            match escaped {
                                'x' => "truncated \\xXX escape",
                                'u' => "truncated \\uXXXX escape",
                                _ => "truncated \\UXXXXXXXX escape",
                            }
                        };
                        report(message, at..end);
                        out.push('\u{fffd}');
                    }
                }
            }
            other => {
                // Python keeps unknown escapes verbatim.
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(decode_int("0"), Some(0));
        assert_eq!(decode_int("1_000"), Some(1000));
        assert_eq!(decode_int("0xff"), Some(255));
        assert_eq!(decode_int("0o17"), Some(15));
        assert_eq!(decode_int("0b1010"), Some(10));
        assert_eq!(decode_int("170141183460469231731687303715884105727"), Some(i128::MAX));
        assert_eq!(decode_int("170141183460469231731687303715884105728"), None);
        assert!(check_int("007").is_err());
        assert!(check_int("000").is_ok());
        assert!(check_int("0x07").is_ok());
    }

    #[test]
    fn floats() {
        assert_eq!(decode_float("1."), 1.0);
        assert_eq!(decode_float(".5"), 0.5);
        assert_eq!(decode_float("1_0.5e-1"), 1.05);
        assert_eq!(decode_float("1e400"), f64::INFINITY);
    }

    #[test]
    fn strings() {
        assert_eq!(decode_string(r#""a\tb""#), "a\tb");
        assert_eq!(decode_string(r#"'it\'s'"#), "it's");
        assert_eq!(decode_string(r#"r"a\nb""#), "a\\nb");
        assert_eq!(decode_string(r#"b"\x41\101""#), "AA");
        assert_eq!(decode_string(r#""\u00e9\U0001F600""#), "é😀");
        assert_eq!(decode_string("'''a\r\nb'''"), "a\nb");
        assert_eq!(decode_string(r#""a\qb""#), "a\\qb");
        assert_eq!(decode_string(r#""open"#), "open");
        assert_eq!(decode_string(r#"f"{x}""#), "{x}");
        assert_eq!(decode_string("\"a\\\nb\""), "ab");
    }

    #[test]
    fn string_checks() {
        assert_eq!(check_string(r#""\x4""#), vec![("truncated \\xXX escape".to_string(), 1..4)]);
        assert_eq!(check_string(r#"b"é""#).len(), 1);
        assert!(check_string(r#"r"\x""#).is_empty());
    }
}

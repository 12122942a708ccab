//! `DataType`: the element type of TIR values, with TVM's string form.
//!
//! A dtype is a type code, a bit width and a lane count. Lanes are either a fixed count (1 for
//! scalars) or a scalable count `vscale × factor`. `bool` is `uint1`; `void` is a handle of 0 bits.
//! `DataType::parse` and `Display` are exact inverses on every string TVM v0.23 prints: `"float32"`,
//! `"int8x4"`, `"float32xvscalex4"`, `"boolx8"`, `"handle"`, `"void"`, `"float8_e4m3fn"`, ...

use std::fmt;

/// The type code of a dtype, as TVM's `DataType::TypeCode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeCode {
    Int,
    UInt,
    Float,
    BFloat,
    Handle,
    Float8E3M4,
    Float8E4M3,
    Float8E4M3B11Fnuz,
    Float8E4M3Fn,
    Float8E4M3Fnuz,
    Float8E5M2,
    Float8E5M2Fnuz,
    Float8E8M0Fnu,
    Float6E2M3Fn,
    Float6E3M2Fn,
    Float4E2M1Fn,
}

/// The small-float codes, their TVM spelling and their fixed bit width.
const SMALL_FLOATS: [(TypeCode, &str, u16); 11] = [
    (TypeCode::Float8E3M4, "float8_e3m4", 8),
    (TypeCode::Float8E4M3, "float8_e4m3", 8),
    (TypeCode::Float8E4M3B11Fnuz, "float8_e4m3b11fnuz", 8),
    (TypeCode::Float8E4M3Fn, "float8_e4m3fn", 8),
    (TypeCode::Float8E4M3Fnuz, "float8_e4m3fnuz", 8),
    (TypeCode::Float8E5M2, "float8_e5m2", 8),
    (TypeCode::Float8E5M2Fnuz, "float8_e5m2fnuz", 8),
    (TypeCode::Float8E8M0Fnu, "float8_e8m0fnu", 8),
    (TypeCode::Float6E2M3Fn, "float6_e2m3fn", 6),
    (TypeCode::Float6E3M2Fn, "float6_e3m2fn", 6),
    (TypeCode::Float4E2M1Fn, "float4_e2m1fn", 4),
];

/// The lane count of a dtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lanes {
    /// A fixed number of lanes, at least 1.
    Fixed(u16),
    /// `vscale × factor` lanes, factor at least 2 as TVM requires.
    Scalable(u16),
}

/// A TIR data type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DataType {
    pub code: TypeCode,
    pub bits: u16,
    pub lanes: Lanes,
}

/// Why a dtype string was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid dtype \"{text}\": {reason}")]
pub struct DTypeError {
    pub text: String,
    pub reason: String,
}

impl DataType {
    pub const fn new(code: TypeCode, bits: u16, lanes: u16) -> DataType {
        DataType { code, bits, lanes: Lanes::Fixed(lanes) }
    }
    pub const fn int(bits: u16) -> DataType {
        DataType::new(TypeCode::Int, bits, 1)
    }
    pub const fn uint(bits: u16) -> DataType {
        DataType::new(TypeCode::UInt, bits, 1)
    }
    pub const fn float(bits: u16) -> DataType {
        DataType::new(TypeCode::Float, bits, 1)
    }
    pub const fn bfloat16() -> DataType {
        DataType::new(TypeCode::BFloat, 16, 1)
    }
    pub const fn int32() -> DataType {
        DataType::int(32)
    }
    pub const fn int64() -> DataType {
        DataType::int(64)
    }
    pub const fn float32() -> DataType {
        DataType::float(32)
    }
    pub const fn bool() -> DataType {
        DataType::new(TypeCode::UInt, 1, 1)
    }
    pub const fn handle() -> DataType {
        DataType::new(TypeCode::Handle, 64, 1)
    }
    pub const fn void() -> DataType {
        DataType::new(TypeCode::Handle, 0, 1)
    }
    /// Every scalar float8/float6/float4 type this module knows, in a fixed order.
    pub fn small_floats() -> impl Iterator<Item = DataType> {
        SMALL_FLOATS.iter().map(|&(code, _, bits)| DataType::new(code, bits, 1))
    }

    /// The same element type with `lanes` fixed lanes.
    pub fn with_lanes(self, lanes: u16) -> DataType {
        DataType { lanes: Lanes::Fixed(lanes), ..self }
    }
    /// The same element type with `vscale × factor` lanes.
    pub fn with_scalable_lanes(self, factor: u16) -> DataType {
        DataType { lanes: Lanes::Scalable(factor), ..self }
    }
    /// The scalar element type.
    pub fn element_of(self) -> DataType {
        self.with_lanes(1)
    }
    /// The fixed lane count, or `None` for a scalable vector.
    pub fn fixed_lanes(self) -> Option<u16> {
        match self.lanes {
            Lanes::Fixed(n) => Some(n),
            Lanes::Scalable(_) => None,
        }
    }
    pub fn is_scalar(self) -> bool {
        self.lanes == Lanes::Fixed(1)
    }
    pub fn is_vector(self) -> bool {
        !self.is_scalar()
    }
    pub fn is_scalable(self) -> bool {
        matches!(self.lanes, Lanes::Scalable(_))
    }
    pub fn is_bool(self) -> bool {
        self.code == TypeCode::UInt && self.bits == 1
    }
    pub fn is_int(self) -> bool {
        self.code == TypeCode::Int
    }
    pub fn is_uint(self) -> bool {
        self.code == TypeCode::UInt && self.bits != 1
    }
    /// Signed or unsigned integer, excluding `bool`.
    pub fn is_integer(self) -> bool {
        self.is_int() || self.is_uint()
    }
    /// Any floating-point code: IEEE floats, bfloat16 and the small float formats.
    pub fn is_floating(self) -> bool {
        !matches!(self.code, TypeCode::Int | TypeCode::UInt | TypeCode::Handle)
    }
    pub fn is_handle(self) -> bool {
        self.code == TypeCode::Handle && self.bits != 0
    }
    pub fn is_void(self) -> bool {
        self.code == TypeCode::Handle && self.bits == 0
    }

    /// Parses a dtype string exactly as TVM's `String2DLDataType` accepts the forms it prints.
    pub fn parse(text: &str) -> Result<DataType, DTypeError> {
        let err = |reason: &str| DTypeError { text: text.to_string(), reason: reason.to_string() };
        if text == "void" {
            return Ok(DataType::void());
        }
        if text == "bool" {
            return Ok(DataType::bool());
        }
        // Split off the lane suffix: `xN` or `xvscalexN`.
        let (base, lanes) = match text.find('x') {
            Some(pos) => {
                let suffix = &text[pos + 1..];
                let lanes = if let Some(factor) = suffix.strip_prefix("vscalex") {
                    let n = parse_count(factor).ok_or_else(|| err("bad vscale factor"))?;
                    if n < 2 {
                        return Err(err("a vscale factor must be at least 2"));
                    }
                    Lanes::Scalable(n)
                } else {
                    let n = parse_count(suffix).ok_or_else(|| err("bad lane count"))?;
                    if n < 1 {
                        return Err(err("the lane count must be at least 1"));
                    }
                    Lanes::Fixed(n)
                };
                (&text[..pos], lanes)
            }
            None => (text, Lanes::Fixed(1)),
        };
        let scalar = parse_scalar(base).ok_or_else(|| err("unknown type"))?;
        if lanes != Lanes::Fixed(1) && scalar.code == TypeCode::Handle {
            return Err(err("a handle cannot have lanes"));
        }
        Ok(DataType { lanes, ..scalar })
    }

    /// The number of bytes one lane occupies in memory (sub-byte types round up).
    pub fn bytes_per_lane(self) -> usize {
        usize::from(self.bits).div_ceil(8)
    }
}

/// Parses a decimal count without sign or leading `+`.
fn parse_count(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses a scalar dtype name such as `int32`, `uint8`, `float16`, `bfloat16`, `handle` or a small float.
fn parse_scalar(base: &str) -> Option<DataType> {
    if base == "bool" {
        return Some(DataType::bool());
    }
    if base == "handle" {
        return Some(DataType::handle());
    }
    if let Some(&(code, _, bits)) = SMALL_FLOATS.iter().find(|(_, name, _)| *name == base) {
        return Some(DataType::new(code, bits, 1));
    }
    let (code, digits, default_bits) = if let Some(d) = base.strip_prefix("uint") {
        (TypeCode::UInt, d, 32)
    } else if let Some(d) = base.strip_prefix("int") {
        (TypeCode::Int, d, 32)
    } else if let Some(d) = base.strip_prefix("bfloat") {
        (TypeCode::BFloat, d, 16)
    } else if let Some(d) = base.strip_prefix("float") {
        (TypeCode::Float, d, 32)
    } else {
        return None;
    };
    let bits = if digits.is_empty() { default_bits } else { parse_count(digits)? };
    let valid = match code {
        TypeCode::Int | TypeCode::UInt => (1..=64).contains(&bits),
        TypeCode::Float => matches!(bits, 16 | 32 | 64),
        _ => bits == 16,
    };
    // `int1` is not a TVM spelling; `uint1` is `bool`, which prints as "bool".
    (valid && !(code == TypeCode::Int && bits == 1)).then_some(DataType::new(code, bits, 1))
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_void() {
            return f.write_str("void");
        }
        if self.is_bool() {
            f.write_str("bool")?;
        } else {
            match self.code {
                TypeCode::Int => write!(f, "int{}", self.bits)?,
                TypeCode::UInt => write!(f, "uint{}", self.bits)?,
                TypeCode::Float => write!(f, "float{}", self.bits)?,
                TypeCode::BFloat => write!(f, "bfloat{}", self.bits)?,
                TypeCode::Handle => f.write_str("handle")?,
                small => {
                    let name = SMALL_FLOATS
                        .iter()
                        .find(|(code, _, _)| *code == small)
                        .map_or("float8", |(_, name, _)| *name);
                    f.write_str(name)?
                }
            }
        }
        match self.lanes {
            Lanes::Fixed(1) => Ok(()),
            Lanes::Fixed(n) => write!(f, "x{n}"),
            Lanes::Scalable(n) => write!(f, "xvscalex{n}"),
        }
    }
}

impl std::str::FromStr for DataType {
    type Err = DTypeError;
    fn from_str(s: &str) -> Result<DataType, DTypeError> {
        DataType::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_printed_form_round_trips() {
        let forms = [
            "int8",
            "int16",
            "int32",
            "int64",
            "uint8",
            "uint1x4",
            "int4",
            "uint64",
            "float16",
            "float32",
            "float64",
            "bfloat16",
            "bool",
            "boolx8",
            "handle",
            "void",
            "int8x4",
            "float32x16",
            "float32xvscalex4",
            "float8_e4m3fn",
            "float8_e5m2x4",
            "float4_e2m1fn",
            "float6_e3m2fn",
            "float8_e8m0fnu",
            "int7",
        ];
        for form in forms {
            let dtype = DataType::parse(form).unwrap_or_else(|e| panic!("{e}"));
            let printed = dtype.to_string();
            let expected = if form == "uint1x4" { "boolx4" } else { form };
            assert_eq!(printed, expected, "dtype {form}");
        }
    }

    #[test]
    fn bare_names_take_default_widths() {
        assert_eq!(DataType::parse("int").unwrap(), DataType::int32());
        assert_eq!(DataType::parse("float").unwrap(), DataType::float32());
        assert_eq!(DataType::parse("uint1").unwrap(), DataType::bool());
    }

    #[test]
    fn impossible_dtypes_are_rejected() {
        for bad in [
            "",
            "int0",
            "int65",
            "float8",
            "float128",
            "bfloat32",
            "handlex4",
            "int32x0",
            "int32x",
            "float32xvscalex1",
            "int32x-4",
            "complex64",
            "int32 ",
            "int1",
            "float32x99999999",
        ] {
            assert!(DataType::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn predicates_follow_the_code() {
        assert!(DataType::bool().is_bool() && !DataType::bool().is_uint());
        assert!(DataType::bfloat16().is_floating());
        assert!(DataType::parse("float8_e4m3fn").unwrap().is_floating());
        assert!(DataType::void().is_void() && !DataType::void().is_handle());
        assert_eq!(DataType::parse("int4").unwrap().bytes_per_lane(), 1);
    }
}

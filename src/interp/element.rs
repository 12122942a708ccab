//! Scalar lane values and their in-memory encoding, shared by `NDArray` and the interpreter.
//!
//! A lane value is a `Scalar`: `Int` for int, uint and bool dtypes, `Float` for float16/32/64,
//! bfloat16 and the small floats (float8/6/4, one byte per lane, see
//! `transform::fp8_legalize_format`). Invariants: an `Int` is always canonical for its dtype
//! (sign-extended for `intN`, zero-extended for `uintN` with N < 64, the raw bit pattern for
//! `uint64`, 0 or 1 for bool); a `Float` always holds a value representable in its dtype
//! (rounded to nearest even on every conversion). In memory every lane takes
//! `DataType::bytes_per_lane` bytes in native byte order; sub-byte integers (`int4`, `bool`) take
//! one whole byte each, as TVM's host storage of bool does.

use crate::ir::{DataType, TypeCode};

/// One lane of a runtime value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    Int(i64),
    Float(f64),
}

impl Scalar {
    /// The value as an integer: floats truncate toward zero.
    pub fn as_i64(self) -> i64 {
        match self {
            Scalar::Int(v) => v,
            Scalar::Float(v) => v as i64,
        }
    }
    /// The value as a double; integers convert exactly when they fit in 53 bits.
    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Int(v) => v as f64,
            Scalar::Float(v) => v,
        }
    }
    /// Whether the value is non-zero (the truth of a condition).
    pub fn is_true(self) -> bool {
        match self {
            Scalar::Int(v) => v != 0,
            Scalar::Float(v) => v != 0.0,
        }
    }
}

/// Why a dtype cannot be stored or a lane cannot be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "dtype {0} has no runtime storage (supported: int/uint of 1-64 bits, bool, float16/32/64, bfloat16, float8/6/4)"
)]
pub struct UnsupportedDType(pub DataType);

/// Whether values of `dtype` (its scalar element) can be held and stored.
pub fn check_storable(dtype: DataType) -> Result<(), UnsupportedDType> {
    let ok = match dtype.code {
        TypeCode::Int | TypeCode::UInt => (1..=64).contains(&dtype.bits),
        TypeCode::Float => matches!(dtype.bits, 16 | 32 | 64),
        TypeCode::BFloat => dtype.bits == 16,
        TypeCode::Handle => false,
        // float8, float6 and float4: one byte per lane, decoded exactly.
        _ => crate::transform::fp8_legalize_format::SmallFloat::of(dtype).is_some(),
    };
    if ok && dtype.fixed_lanes().is_some() { Ok(()) } else { Err(UnsupportedDType(dtype)) }
}

/// Wraps `v` to the canonical representation of the integer dtype `dtype`.
pub fn wrap_int(v: i64, dtype: DataType) -> i64 {
    let bits = u32::from(dtype.bits);
    if dtype.is_bool() {
        return i64::from(v & 1 != 0);
    }
    if bits >= 64 || bits == 0 {
        return v;
    }
    let shift = 64 - bits;
    if dtype.code == TypeCode::UInt {
        ((v as u64) << shift >> shift) as i64
    } else {
        (v << shift) >> shift
    }
}

/// Rounds `v` to the nearest value of the float dtype `dtype` (ties to even).
pub fn round_float(v: f64, dtype: DataType) -> f64 {
    match (dtype.code, dtype.bits) {
        (TypeCode::Float, 64) => v,
        (TypeCode::Float, 32) => f64::from(v as f32),
        (TypeCode::Float, 16) => f16_bits_to_f64(f64_to_f16_bits(v)),
        (TypeCode::BFloat, 16) => bf16_bits_to_f64(f64_to_bf16_bits(v)),
        _ => crate::transform::fp8_legalize_format::round_to(v, dtype),
    }
}

/// Makes a scalar canonical for `dtype`: wraps integers, rounds floats, converts between the two.
pub fn canonical(value: Scalar, dtype: DataType) -> Scalar {
    if dtype.is_floating() {
        Scalar::Float(round_float(value.as_f64(), dtype))
    } else {
        Scalar::Int(wrap_int(value.as_i64(), dtype))
    }
}

/// Rounds a double to a binary float format with `exp_bits` exponent and `mant_bits` fraction bits
/// (ties to even, overflow to infinity, gradual underflow); returns the format's bit pattern.
fn f64_to_small_float_bits(x: f64, exp_bits: u32, mant_bits: u32) -> u32 {
    let bits = x.to_bits();
    let sign = ((bits >> 63) as u32) << (exp_bits + mant_bits);
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1u64 << 52) - 1);
    let exp_all_ones = (1u32 << exp_bits) - 1;
    if exp == 0x7ff {
        // Infinity stays infinity; NaN becomes a quiet NaN keeping the top payload bits.
        let payload = if mant != 0 {
            (1u32 << (mant_bits - 1)) | (mant >> (52 - mant_bits)) as u32
        } else {
            0
        };
        return sign | (exp_all_ones << mant_bits) | payload;
    }
    if exp == 0 && mant == 0 {
        return sign;
    }
    let bias = (1i64 << (exp_bits - 1)) - 1;
    // The target's biased exponent; at most 0 means a subnormal (or zero) result.
    let target_exp = exp - 1023 + bias;
    let full_mant = if exp == 0 { mant } else { mant | (1u64 << 52) };
    let drop = if target_exp >= 1 {
        52 - i64::from(mant_bits)
    } else {
        52 - i64::from(mant_bits) + 1 - target_exp
    };
    if drop > 63 {
        return sign;
    }
    let drop = drop as u32;
    let kept = full_mant >> drop;
    let rest = full_mant & ((1u64 << drop) - 1);
    let half = 1u64 << (drop - 1);
    let rounded = if rest > half || (rest == half && kept & 1 == 1) { kept + 1 } else { kept };
    // For normals `kept` includes the implicit bit at position `mant_bits`; adding the biased exponent
    // minus one places it, and a carry out of the fraction bumps the exponent as it should.
    let magnitude =
        if target_exp >= 1 { ((target_exp as u64 - 1) << mant_bits) + rounded } else { rounded };
    let max = u64::from(exp_all_ones) << mant_bits;
    sign | magnitude.min(max) as u32
}

/// Decodes a small binary float format's bit pattern to a double (exactly).
fn small_float_bits_to_f64(bits: u32, exp_bits: u32, mant_bits: u32) -> f64 {
    let sign = if bits >> (exp_bits + mant_bits) & 1 == 1 { -1.0 } else { 1.0 };
    let exp = (bits >> mant_bits) & ((1 << exp_bits) - 1);
    let mant = bits & ((1 << mant_bits) - 1);
    let bias = (1i32 << (exp_bits - 1)) - 1;
    let value = if exp == (1 << exp_bits) - 1 {
        if mant == 0 { f64::INFINITY } else { f64::NAN }
    } else if exp == 0 {
        f64::from(mant) * 2f64.powi(1 - bias - mant_bits as i32)
    } else {
        (1.0 + f64::from(mant) / f64::from(1u32 << mant_bits)) * 2f64.powi(exp as i32 - bias)
    };
    sign * value
}

/// IEEE binary16 bits of `x`, rounded to nearest even.
pub fn f64_to_f16_bits(x: f64) -> u16 {
    f64_to_small_float_bits(x, 5, 10) as u16
}
/// The value of IEEE binary16 bits.
pub fn f16_bits_to_f64(bits: u16) -> f64 {
    small_float_bits_to_f64(u32::from(bits), 5, 10)
}
/// bfloat16 bits of `x`, rounded to nearest even.
pub fn f64_to_bf16_bits(x: f64) -> u16 {
    f64_to_small_float_bits(x, 8, 7) as u16
}
/// The value of bfloat16 bits.
pub fn bf16_bits_to_f64(bits: u16) -> f64 {
    f64::from(f32::from_bits(u32::from(bits) << 16))
}

/// The layout of a float8/float6/float4 dtype.
fn small_float(dtype: DataType) -> Option<crate::transform::fp8_legalize_format::SmallFloat> {
    crate::transform::fp8_legalize_format::SmallFloat::of(dtype)
}

/// Decodes one lane of `dtype` from the first `bytes_per_lane` bytes of `bytes`.
///
/// The caller guarantees `dtype` passed `check_storable` and `bytes` is long enough.
pub fn read_lane(bytes: &[u8], dtype: DataType) -> Scalar {
    let n = dtype.bytes_per_lane();
    let mut raw = [0u8; 8];
    raw[..n].copy_from_slice(&bytes[..n]);
    let word = u64::from_ne_bytes(raw);
    // On big-endian hosts the n bytes sit at the top of the word; shift them down.
    let word = if cfg!(target_endian = "big") { word >> (64 - 8 * n) } else { word };
    match (dtype.code, dtype.bits) {
        (TypeCode::Float, 64) => Scalar::Float(f64::from_bits(word)),
        (TypeCode::Float, 32) => Scalar::Float(f64::from(f32::from_bits(word as u32))),
        (TypeCode::Float, 16) => Scalar::Float(f16_bits_to_f64(word as u16)),
        (TypeCode::BFloat, 16) => Scalar::Float(bf16_bits_to_f64(word as u16)),
        _ if dtype.is_floating() => {
            Scalar::Float(small_float(dtype).map_or(f64::NAN, |f| f.decode(word as u32)))
        }
        _ if dtype.is_bool() => Scalar::Int(i64::from(word & 0xff != 0)),
        _ => Scalar::Int(wrap_int(word as i64, dtype)),
    }
}

/// Encodes one lane of `dtype` into the first `bytes_per_lane` bytes of `bytes`.
///
/// The caller guarantees `dtype` passed `check_storable` and `bytes` is long enough.
pub fn write_lane(bytes: &mut [u8], dtype: DataType, value: Scalar) {
    let n = dtype.bytes_per_lane();
    let word: u64 = match (dtype.code, dtype.bits) {
        (TypeCode::Float, 64) => value.as_f64().to_bits(),
        (TypeCode::Float, 32) => u64::from((value.as_f64() as f32).to_bits()),
        (TypeCode::Float, 16) => u64::from(f64_to_f16_bits(value.as_f64())),
        (TypeCode::BFloat, 16) => u64::from(f64_to_bf16_bits(value.as_f64())),
        _ if dtype.is_floating() => {
            small_float(dtype).map_or(0, |f| u64::from(f.encode(value.as_f64())))
        }
        _ => wrap_int(value.as_i64(), dtype) as u64,
    };
    let word = if cfg!(target_endian = "big") { word << (64 - 8 * n) } else { word };
    bytes[..n].copy_from_slice(&word.to_ne_bytes()[..n]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float16_rounds_to_nearest_even() {
        // 1 + 2^-11 is halfway between 1 and the next float16 (1 + 2^-10): ties go to even (1).
        assert_eq!(f64_to_f16_bits(1.0 + 2f64.powi(-11)), 0x3c00);
        // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
        assert_eq!(f64_to_f16_bits(1.0 + 3.0 * 2f64.powi(-11)), 0x3c02);
        assert_eq!(f64_to_f16_bits(65504.0), 0x7bff);
        assert_eq!(f64_to_f16_bits(65520.0), 0x7c00, "halfway above the maximum overflows");
        assert_eq!(f64_to_f16_bits(2f64.powi(-24)), 0x0001);
        assert_eq!(
            f64_to_f16_bits(2f64.powi(-25)),
            0x0000,
            "half the smallest subnormal ties to 0"
        );
        assert_eq!(f64_to_f16_bits(1.5 * 2f64.powi(-25)), 0x0001);
        assert_eq!(f64_to_f16_bits(-2.0), 0xc000);
        assert!(f16_bits_to_f64(f64_to_f16_bits(f64::NAN)).is_nan());
        for bits in [0x0001u16, 0x03ff, 0x0400, 0x3c00, 0x7bff, 0xfbff, 0x8001] {
            assert_eq!(f64_to_f16_bits(f16_bits_to_f64(bits)), bits, "{bits:#x}");
        }
    }

    #[test]
    fn bfloat16_rounds_to_nearest_even() {
        assert_eq!(f64_to_bf16_bits(1.0), 0x3f80);
        assert_eq!(f64_to_bf16_bits(1.0 + 2f64.powi(-8)), 0x3f80);
        assert_eq!(f64_to_bf16_bits(1.0 + 3.0 * 2f64.powi(-8)), 0x3f82);
        assert_eq!(bf16_bits_to_f64(0x4049), 3.140625);
        assert_eq!(f64_to_bf16_bits(f64::from(f32::MAX)), 0x7f80, "rounds up to infinity");
    }

    #[test]
    fn integers_wrap_to_their_width() {
        assert_eq!(wrap_int(128, DataType::int(8)), -128);
        assert_eq!(wrap_int(-1, DataType::uint(8)), 255);
        assert_eq!(wrap_int(-1, DataType::uint(64)), -1);
        assert_eq!(wrap_int(2, DataType::bool()), 0);
        assert_eq!(wrap_int(9, DataType::int(4)), -7);
    }

    #[test]
    fn lanes_round_trip_through_bytes() {
        let cases = [
            (DataType::int(8), Scalar::Int(-5)),
            (DataType::uint(16), Scalar::Int(65535)),
            (DataType::int(64), Scalar::Int(i64::MIN)),
            (DataType::float(16), Scalar::Float(0.5)),
            (DataType::bfloat16(), Scalar::Float(-3.0)),
            (DataType::float32(), Scalar::Float(0.1f32 as f64)),
            (DataType::bool(), Scalar::Int(1)),
            (DataType::int(4), Scalar::Int(-8)),
        ];
        for (dtype, value) in cases {
            let mut bytes = [0u8; 8];
            write_lane(&mut bytes, dtype, value);
            assert_eq!(read_lane(&bytes, dtype), value, "{dtype}");
        }
    }
}

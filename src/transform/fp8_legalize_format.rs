//! The small float formats (float8, float6, float4): their encodings and exact conversions.
//!
//! Each format is `sign? | exponent | mantissa` with a bias, following the `ml_dtypes` definitions
//! TVM's runtime and NumPy data use: IEEE-like formats (`e5m2`, `e4m3`, `e3m4`) have infinities
//! and NaNs at the all-ones exponent; `fn` formats have no infinity and their only NaN is the
//! all-ones pattern (`e4m3fn`), or no NaN at all (`float6_*`, `float4_e2m1fn`); `fnuz` formats have
//! no negative zero and their NaN is the sign bit alone (`0x80`); `e8m0fnu` is an unsigned power of
//! two (no zero, NaN `0xff`).
//!
//! Invariants of `encode`: round to nearest, ties to even, with gradual underflow; a value beyond
//! the largest finite one (after rounding) becomes infinity when the format has one, else NaN when
//! it has one, else the largest finite value of that sign (saturation); NaN (and an overflow to
//! NaN) becomes the format's canonical NaN (zero for formats without one); negative zero becomes zero in `fnuz` formats. `decode` is
//! exact (every small float is a double). `encode(decode(b)) == b` for every non-NaN pattern.
//! Positive finite patterns are consecutive from 0 in increasing value, so "ties to even" means
//! ties to the even pattern, also for `e8m0fnu`, which has no mantissa bits.

use crate::ir::{DataType, TypeCode};

/// Where a format keeps its NaNs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NanStyle {
    /// All-ones exponent with a non-zero mantissa, as IEEE 754.
    Ieee,
    /// Only the all-ones pattern (exponent and mantissa) is NaN.
    AllOnes,
    /// The pattern `1000...0` (negative zero's) is the only NaN.
    NegativeZero,
    /// No NaN.
    None,
}

/// The layout of a small float format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SmallFloat {
    pub exponent_bits: u32,
    pub mantissa_bits: u32,
    pub bias: i32,
    pub signed: bool,
    pub has_infinity: bool,
    pub nan: NanStyle,
}

impl SmallFloat {
    /// The format of a small float dtype (`None` for every other dtype).
    pub fn of(dtype: DataType) -> Option<SmallFloat> {
        let f = |e, m, bias, has_infinity, nan| SmallFloat {
            exponent_bits: e,
            mantissa_bits: m,
            bias,
            signed: true,
            has_infinity,
            nan,
        };
        Some(match dtype.code {
            TypeCode::Float8E3M4 => f(3, 4, 3, true, NanStyle::Ieee),
            TypeCode::Float8E4M3 => f(4, 3, 7, true, NanStyle::Ieee),
            TypeCode::Float8E4M3Fn => f(4, 3, 7, false, NanStyle::AllOnes),
            TypeCode::Float8E4M3Fnuz => f(4, 3, 8, false, NanStyle::NegativeZero),
            TypeCode::Float8E4M3B11Fnuz => f(4, 3, 11, false, NanStyle::NegativeZero),
            TypeCode::Float8E5M2 => f(5, 2, 15, true, NanStyle::Ieee),
            TypeCode::Float8E5M2Fnuz => f(5, 2, 16, false, NanStyle::NegativeZero),
            TypeCode::Float8E8M0Fnu => {
                SmallFloat { signed: false, ..f(8, 0, 127, false, NanStyle::AllOnes) }
            }
            TypeCode::Float6E2M3Fn => f(2, 3, 1, false, NanStyle::None),
            TypeCode::Float6E3M2Fn => f(3, 2, 3, false, NanStyle::None),
            TypeCode::Float4E2M1Fn => f(2, 1, 1, false, NanStyle::None),
            _ => return None,
        })
    }

    /// The number of bits of the encoding.
    pub fn bits(self) -> u32 {
        u32::from(self.signed) + self.exponent_bits + self.mantissa_bits
    }

    /// The sign bit's mask (for an unsigned format, the bit just above the encoding).
    pub fn sign_bit(self) -> u32 {
        1 << (self.exponent_bits + self.mantissa_bits)
    }

    fn max_exponent_field(self) -> u32 {
        (1 << self.exponent_bits) - 1
    }

    /// The bit pattern of the format's canonical NaN, if it has one.
    pub fn nan_bits(self) -> Option<u32> {
        let all = (1u32 << (self.exponent_bits + self.mantissa_bits)) - 1;
        match self.nan {
            NanStyle::Ieee => Some(
                (self.max_exponent_field() << self.mantissa_bits)
                    | (1 << self.mantissa_bits.saturating_sub(1)),
            ),
            NanStyle::AllOnes => Some(all),
            NanStyle::NegativeZero => Some(self.sign_bit()),
            NanStyle::None => None,
        }
    }

    /// The largest finite magnitude's bit pattern (sign clear).
    pub fn max_finite_bits(self) -> u32 {
        let all = (1u32 << (self.exponent_bits + self.mantissa_bits)) - 1;
        if self.has_infinity || self.nan == NanStyle::Ieee {
            // The all-ones exponent is reserved: the largest finite has exponent max - 1.
            ((self.max_exponent_field() - 1) << self.mantissa_bits)
                | ((1 << self.mantissa_bits) - 1)
        } else if self.nan == NanStyle::AllOnes {
            all - 1
        } else {
            all
        }
    }

    /// The pattern (sign clear) a magnitude beyond the largest finite value becomes: infinity,
    /// else NaN, else the largest finite value (see the module invariants).
    /// `None` means NaN.
    pub fn overflow_bits(self) -> Option<u32> {
        if self.has_infinity {
            Some(self.max_exponent_field() << self.mantissa_bits)
        } else if self.nan_bits().is_some() {
            None
        } else {
            Some(self.max_finite_bits())
        }
    }

    /// The exact value of the pattern `bits` (only the format's low `bits()` bits are read).
    pub fn decode(self, bits: u32) -> f64 {
        let bits = bits & ((1u32 << self.bits()) - 1);
        if Some(bits) == self.nan_bits()
            || (self.nan == NanStyle::AllOnes
                && bits & !self.sign_bit() == self.max_finite_bits() + 1)
        {
            return f64::NAN;
        }
        let sign = if self.signed && bits & self.sign_bit() != 0 { -1.0 } else { 1.0 };
        let exponent = (bits >> self.mantissa_bits) & self.max_exponent_field();
        let mantissa = bits & ((1 << self.mantissa_bits) - 1);
        if self.nan == NanStyle::Ieee && exponent == self.max_exponent_field() {
            return if mantissa == 0 { sign * f64::INFINITY } else { f64::NAN };
        }
        let scale = |e: i32| 2f64.powi(e);
        let fraction = f64::from(mantissa) / f64::from(1u32 << self.mantissa_bits);
        let magnitude = if exponent == 0 && self.mantissa_bits > 0 {
            fraction * scale(1 - self.bias)
        } else {
            (1.0 + fraction) * scale(exponent as i32 - self.bias)
        };
        sign * magnitude
    }

    /// The pattern nearest to `x` (see the module invariants).
    pub fn encode(self, x: f64) -> u32 {
        if x.is_nan() {
            return self.nan_bits().unwrap_or(0);
        }
        let negative = x.is_sign_negative();
        if !self.signed && (negative && x != 0.0) {
            return self.nan_bits().unwrap_or(0);
        }
        let sign = if negative && self.signed { self.sign_bit() } else { 0 };
        let Some(magnitude_bits) = self.encode_magnitude(x.abs()) else {
            // An overflow to NaN gives the canonical (positive) NaN, as a NaN input does.
            return self.nan_bits().unwrap_or(0);
        };
        if magnitude_bits == 0 && self.nan == NanStyle::NegativeZero {
            return 0;
        }
        sign | magnitude_bits
    }

    /// The pattern (sign clear) nearest to `a >= 0`, handling overflow; `None` means NaN.
    fn encode_magnitude(self, a: f64) -> Option<u32> {
        let max_finite = self.max_finite_bits();
        let overflow = || self.overflow_bits();
        if a.is_infinite() {
            return overflow();
        }
        if a == 0.0 {
            // e8m0fnu has no zero: its smallest value 2^-127 is the nearest.
            return Some(0);
        }
        let bits = a.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i64;
        let mantissa = bits & ((1u64 << 52) - 1);
        let full = if exponent == 0 { mantissa } else { mantissa | (1u64 << 52) };
        // The unbiased exponent of `a`'s leading bit (subnormal doubles are far below every format).
        let e = if exponent == 0 { -1074 + 52 } else { exponent - 1023 };
        let min_normal_exponent = i64::from(1 - self.bias);
        let m = i64::from(self.mantissa_bits);
        // Keep the leading bit and `m` fraction bits for normals; fewer for subnormals.
        let (target_field, shift) = if e >= min_normal_exponent || self.mantissa_bits == 0 {
            (e + i64::from(self.bias), 52 - m)
        } else {
            (0, 52 - m + (min_normal_exponent - e))
        };
        if target_field < 0 && self.mantissa_bits == 0 {
            // Far below e8m0fnu's smallest power of two, which is the nearest value.
            return Some(0);
        }
        let rounded = if shift > 63 {
            0
        } else if shift <= 0 {
            full << (-shift)
        } else {
            let shift = shift as u32;
            let kept = full >> shift;
            let rest = full & ((1u64 << shift) - 1);
            let half = 1u64 << (shift - 1);
            // Ties go to the even pattern: the mantissa's last bit, or with no mantissa bits
            // (e8m0) the exponent field's.
            let odd = if self.mantissa_bits == 0 { target_field & 1 == 1 } else { kept & 1 == 1 };
            if rest > half || (rest == half && odd) { kept + 1 } else { kept }
        };
        // Normals: `rounded` includes the implicit bit at position m; adding (field - 1) << m places
        // it, and a carry out of the fraction bumps the exponent as it should.
        let pattern = if target_field >= 1 {
            ((target_field as u64 - 1) << m) + rounded
        } else if self.mantissa_bits == 0 {
            // e8m0: field 0 is 2^-127 (rounded == 1 then means exactly that power).
            rounded.saturating_sub(1)
        } else {
            rounded
        };
        if pattern > u64::from(max_finite) { overflow() } else { Some(pattern as u32) }
    }
}

/// The value of `x` rounded to the small float `dtype` (`x` itself for other dtypes).
pub fn round_to(x: f64, dtype: DataType) -> f64 {
    match SmallFloat::of(dtype) {
        Some(format) => format.decode(format.encode(x)),
        None => x,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(name: &str) -> SmallFloat {
        SmallFloat::of(DataType::parse(name).unwrap()).unwrap()
    }

    #[test]
    fn e4m3fn_values_match_the_ocp_definition() {
        let f = format("float8_e4m3fn");
        assert_eq!(f.decode(0x7e), 448.0, "largest finite");
        assert!(f.decode(0x7f).is_nan() && f.decode(0xff).is_nan());
        assert_eq!(f.decode(0x01), 2f64.powi(-9), "smallest subnormal");
        assert_eq!(f.decode(0x38), 1.0);
        assert_eq!(f.encode(1.0), 0x38);
        assert_eq!(f.encode(-2.0), 0xc0);
        assert_eq!(f.encode(464.0), 0x7e, "halfway below the next step ties to even (448)");
        assert_eq!(f.encode(480.0), 0x7f, "beyond the largest finite: NaN");
        assert_eq!(f.encode(2f64.powi(-10)), 0x00, "half the smallest subnormal ties to 0");
        assert_eq!(f.encode(1.0625), 0x38, "1 + 1/16 ties to the even 1.0");
        assert_eq!(f.encode(1.1875), 0x3a, "1 + 3/16 ties to the even 1.25");
    }

    #[test]
    fn e5m2_is_ieee_like() {
        let f = format("float8_e5m2");
        assert_eq!(f.decode(0x7c), f64::INFINITY);
        assert_eq!(f.decode(0x7b), 57344.0);
        assert_eq!(f.encode(1e6), 0x7c);
        assert_eq!(f.encode(f64::NEG_INFINITY), 0xfc);
        assert!(f.decode(f.encode(f64::NAN)).is_nan());
    }

    #[test]
    fn fnuz_formats_have_no_negative_zero() {
        let f = format("float8_e4m3fnuz");
        assert!(f.decode(0x80).is_nan());
        assert_eq!(f.encode(-0.0), 0);
        assert_eq!(f.decode(0x7f), 240.0);
        assert_eq!(f.encode(1000.0), 0x80, "overflow is the only NaN");
        assert_eq!(f.encode(-1000.0), 0x80);
    }

    #[test]
    fn tiny_formats_saturate() {
        let f4 = format("float4_e2m1fn");
        let values: Vec<f64> = (0..8).map(|b| f4.decode(b)).collect();
        assert_eq!(values, [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]);
        assert_eq!(f4.encode(100.0), 0x7);
        assert_eq!(f4.encode(-5.0), 0xe, "-5 ties to the even -4");
        let f6 = format("float6_e3m2fn");
        assert_eq!(f6.decode(0x1f), 28.0);
    }

    #[test]
    fn e8m0_is_a_power_of_two() {
        let f = format("float8_e8m0fnu");
        assert_eq!(f.decode(127), 1.0);
        assert_eq!(f.encode(1.0), 127);
        assert_eq!(f.encode(3.0), 128, "3 = 1.5 * 2: the tie goes to the even pattern (2)");
        assert_eq!(f.encode(6.0), 130, "6 = 1.5 * 4: the tie goes to the even pattern (8)");
        assert_eq!(f.encode(3.5), 129);
        assert!(f.decode(0xff).is_nan());
    }

    #[test]
    fn every_pattern_round_trips() {
        for dtype in DataType::small_floats() {
            let (name, f) = (dtype.to_string(), SmallFloat::of(dtype).unwrap());
            for bits in 0..(1u32 << f.bits()) {
                let v = f.decode(bits);
                if v.is_nan() {
                    continue;
                }
                let back = f.encode(v);
                let same_zero = v == 0.0 && f.decode(back) == 0.0;
                assert!(back == bits || same_zero, "{name}: {bits:#x} -> {v} -> {back:#x}");
            }
        }
    }
}

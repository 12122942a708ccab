//! `T.q_multiply_shift(x, y, q, s)`: fixed-point multiplication as TVM's `default.FLegalize`
//! rule for it computes (`src/target/intrin_rule.cc`): `round(x * y * 2^(s - q))` with int32
//! operands, done in int64 and rounded half up.
//!
//! With `y == 1 << 30` (the multiplier 0.5) TVM shifts instead: `x << (s - 1)` when `s > 1`, else
//! `(x + (1 << (e - 1))) >> e` in int32 with `e = 1 - s`. For `s == 1` that rule shifts by -1,
//! which LLVM leaves undefined; the exact result, `x`, is returned. Otherwise the shifts are
//! `left = max(s, 0)`, `right = max(-s, 0)`: `((x << left) * y + (1 << (right + q - 1))) >>
//! (right + q)` in int64, truncated to int32. Shift amounts outside 0..64 are errors.

use crate::interp::element::{Scalar, canonical};
use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::machine::Machine;
use crate::interp::value::Value;
use crate::ir::{DataType, PrimExpr};

/// `a << by` for a shift amount LLVM defines on a `bits`-wide integer.
fn shl(a: i64, by: i64, bits: i64) -> Option<i64> {
    (0..bits).contains(&by).then(|| a.wrapping_shl(by as u32))
}

/// `a >> by` (arithmetic) for a shift amount LLVM defines on a `bits`-wide integer.
fn shr(a: i64, by: i64, bits: i64) -> Option<i64> {
    (0..bits).contains(&by).then(|| a >> by)
}

/// One lane of `q_multiply_shift`, or `None` when a shift amount is out of range.
pub(crate) fn q_multiply_shift(x: i64, y: i64, q: i64, s: i64) -> Option<i64> {
    let int32 = |v: i64| canonical(Scalar::Int(v), DataType::int(32)).as_i64();
    if y == 1 << 30 {
        let exp = s - 1;
        if exp > 0 {
            return shl(x, exp, 32).map(int32);
        }
        if exp == 0 {
            return Some(x);
        }
        let e = -exp;
        let rounding = shl(1, e - 1, 32)?;
        return shr(int32(x.wrapping_add(rounding)), e, 32).map(int32);
    }
    let (left, right) = if s > 0 { (s, 0) } else { (0, -s) };
    let shifted = if left != 0 { shl(x, left, 64)? } else { x };
    let product = shifted.wrapping_mul(y);
    let total = right + q;
    let rounded = product.wrapping_add(shl(1, total - 1, 64)?);
    shr(rounded, total, 64).map(int32)
}

impl<'m> Machine<'m> {
    /// Evaluates `T.q_multiply_shift(x, y, q, s)` lane by lane.
    pub(crate) fn call_q_multiply_shift(
        &mut self,
        args: &'m [PrimExpr],
    ) -> Result<Value, InterpError> {
        if args.len() != 4 {
            return Err(self.fail(InterpErrorKind::IllFormed(format!(
                "q_multiply_shift takes 4 arguments, got {}",
                args.len()
            ))));
        }
        let mut out_of_range = false;
        let value = self.lanewise(args, "q_multiply_shift", |l| {
            let (x, y, q, s) = (l[0].as_i64(), l[1].as_i64(), l[2].as_i64(), l[3].as_i64());
            Scalar::Int(q_multiply_shift(x, y, q, s).unwrap_or_else(|| {
                out_of_range = true;
                0
            }))
        })?;
        if out_of_range {
            return Err(self.fail(InterpErrorKind::Unsupported(
                "q_multiply_shift with a shift amount LLVM leaves undefined".into(),
            )));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::q_multiply_shift;

    #[test]
    fn multiplies_by_a_fixed_point_fraction_and_rounds_half_up() {
        // y = 0.75 in Q31, no shift: 10 * 0.75 = 7.5 rounds up to 8.
        let three_quarters = 3 << 29;
        assert_eq!(q_multiply_shift(10, three_quarters, 31, 0), Some(8));
        assert_eq!(q_multiply_shift(-10, three_quarters, 31, 0), Some(-7));
        // A left shift of 2 multiplies by 4 first: 10 * 4 * 0.75 = 30.
        assert_eq!(q_multiply_shift(10, three_quarters, 31, 2), Some(30));
        // A right shift of 1 halves: 10 * 0.75 / 2 = 3.75 rounds to 4.
        assert_eq!(q_multiply_shift(10, three_quarters, 31, -1), Some(4));
    }

    #[test]
    fn a_half_multiplier_becomes_a_shift() {
        let half = 1 << 30;
        assert_eq!(q_multiply_shift(7, half, 31, 1), Some(7), "x * 0.5 * 2 is x");
        assert_eq!(q_multiply_shift(7, half, 31, 3), Some(28));
        assert_eq!(q_multiply_shift(7, half, 31, 0), Some(4), "3.5 rounds up");
        assert_eq!(q_multiply_shift(-7, half, 31, 0), Some(-3), "-3.5 rounds up");
        assert_eq!(q_multiply_shift(7, half, 31, 40), None, "shift past the width");
    }
}

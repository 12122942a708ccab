//! Expression operators with TVM's semantics: operand type matching and constant folding.
//!
//! These are the functions TVM's `operator+`, `floordiv`, `min`, ... implement (`src/tir/op/op.cc`):
//! `match_types` promotes operands as `BinaryOpMatchTypes` does (broadcasting scalars to vectors,
//! int → float, narrower → wider), `try_const_fold` folds constants and the identities `x + 0`,
//! `x * 1`, `x * 0`, `x // 1` as `arith::TryConstFold` does, and otherwise the plain node is built.
//! Integer folding wraps to the result dtype's width, as TVM's `GetFoldResultInt64Repr`.

use crate::ir::{BinaryOp, CmpOp, DataType, Expr, IrError, Lanes, PrimExpr, TypeCode};

/// Casts `value` to `dtype`, folding immediates and skipping no-op casts (TVM's `cast`).
pub fn cast(dtype: DataType, value: PrimExpr) -> Result<PrimExpr, IrError> {
    if value.dtype() == dtype {
        return Ok(value);
    }
    if dtype.is_scalar() {
        match value.expr() {
            Expr::IntImm(v) if dtype.is_integer() || dtype.is_bool() => {
                return Ok(PrimExpr::int(wrap_int(*v, dtype), dtype));
            }
            Expr::IntImm(v) if dtype.is_floating() => {
                return Ok(PrimExpr::float(*v as f64, dtype));
            }
            Expr::FloatImm(v) if dtype.is_floating() => {
                return Ok(PrimExpr::float(round_float(*v, dtype), dtype));
            }
            Expr::FloatImm(v) if dtype.is_integer() => {
                return Ok(PrimExpr::int(wrap_int(v.trunc() as i64, dtype), dtype));
            }
            _ => {}
        }
    } else if value.dtype().is_scalar() {
        // A scalar cast to a vector type is a broadcast of the cast scalar.
        let scalar = cast(dtype.element_of(), value)?;
        return broadcast(scalar, dtype.lanes);
    }
    PrimExpr::cast(dtype, value)
}

/// `Broadcast(value, lanes)` with the lane count as an int32 immediate.
pub fn broadcast(value: PrimExpr, lanes: Lanes) -> Result<PrimExpr, IrError> {
    let element = value.dtype();
    let dtype = DataType { lanes, ..element };
    let lanes_expr = match lanes {
        Lanes::Fixed(n) => PrimExpr::i32(i32::from(n)),
        Lanes::Scalable(n) => {
            let vscale =
                PrimExpr::call_op(DataType::int32(), crate::ir::Op::builtin("vscale"), vec![])?;
            PrimExpr::binary(BinaryOp::Mul, vscale, PrimExpr::i32(i32::from(n)))?
        }
    };
    PrimExpr::new(dtype, Expr::Broadcast { value, lanes: lanes_expr })
}

/// Wraps `v` to the two's-complement range of `dtype`'s width.
pub fn wrap_int(v: i64, dtype: DataType) -> i64 {
    let bits = u32::from(dtype.bits);
    if bits >= 64 || bits == 0 {
        return v;
    }
    if dtype.is_bool() {
        return i64::from(v != 0);
    }
    // Unsigned and wrapping arithmetic: at 63 bits `1 << bits` is `i64::MIN`, and the plain
    // `- 1` and `low - (1 << bits)` overflowed (found by the reliability mutation test).
    let mask = ((1u64 << bits) - 1) as i64;
    let low = v & mask;
    if dtype.is_int() && low >> (bits - 1) == 1 { low.wrapping_sub(1i64 << bits) } else { low }
}

/// Rounds a double to the precision of a float dtype, as storing it in that type would.
pub fn round_float(v: f64, dtype: DataType) -> f64 {
    if dtype.code == TypeCode::Float && dtype.bits == 32 { f64::from(v as f32) } else { v }
}

/// Promotes two operands to one dtype by TVM's `BinaryOpMatchTypes` rules.
pub fn match_types(a: PrimExpr, b: PrimExpr) -> Result<(PrimExpr, PrimExpr), IrError> {
    let (mut a, mut b) = (a, b);
    if a.dtype() == b.dtype() {
        return Ok((a, b));
    }
    if a.dtype().is_scalar() && b.dtype().is_vector() {
        a = broadcast(a, b.dtype().lanes)?;
    } else if b.dtype().is_scalar() && a.dtype().is_vector() {
        b = broadcast(b, a.dtype().lanes)?;
    }
    let (lt, rt) = (a.dtype(), b.dtype());
    if lt.lanes != rt.lanes {
        return Err(IrError::invalid(format!("cannot match type {lt} vs {rt}")));
    }
    if lt == rt {
        return Ok((a, b));
    }
    let float = |t: DataType| t.code == TypeCode::Float;
    let target_left = if float(lt) && float(rt) {
        lt.bits >= rt.bits
    } else if float(rt) || float(lt) {
        float(lt)
    } else if lt.code == TypeCode::BFloat || rt.code == TypeCode::BFloat {
        lt.code == TypeCode::BFloat
    } else if lt.is_floating() || rt.is_floating() {
        lt.is_floating()
    } else if lt.is_bool() && rt.is_integer() {
        false
    } else if lt.is_integer() && rt.is_bool() {
        true
    } else if lt.is_integer() && rt.is_integer() {
        if lt.bits != rt.bits { lt.bits > rt.bits } else { lt.is_uint() }
    } else {
        return Err(IrError::invalid(format!("cannot match type {lt} vs {rt}")));
    };
    if target_left {
        b = cast(lt, b)?
    } else {
        a = cast(rt, a)?
    }
    Ok((a, b))
}

/// Folds `a op b` when TVM's `TryConstFold` would, after types match.
fn try_const_fold(op: BinaryOp, a: &PrimExpr, b: &PrimExpr) -> Option<PrimExpr> {
    let dtype = a.dtype();
    let (ia, ib) = (a.as_int(), b.as_int());
    let (fa, fb) = (as_float(a), as_float(b));
    if let (Some(x), Some(y)) = (ia, ib) {
        let folded = match op {
            BinaryOp::Add => x.checked_add(y),
            BinaryOp::Sub => x.checked_sub(y),
            BinaryOp::Mul => x.checked_mul(y),
            BinaryOp::Div | BinaryOp::Mod if y == 0 => None,
            BinaryOp::Div => x.checked_div(y),
            BinaryOp::Mod => x.checked_rem(y),
            BinaryOp::FloorDiv | BinaryOp::FloorMod if y == 0 => None,
            BinaryOp::FloorDiv => floor_div_mod(x, y).map(|(q, _)| q),
            BinaryOp::FloorMod => floor_div_mod(x, y).map(|(_, r)| r),
            BinaryOp::Min => Some(x.min(y)),
            BinaryOp::Max => Some(x.max(y)),
        };
        return folded.map(|v| PrimExpr::int(wrap_int(v, dtype), dtype));
    }
    if let (Some(x), Some(y)) = (fa, fb)
        && (dtype.bits == 32 || dtype.bits == 64)
    {
        let v = match op {
            BinaryOp::Add => x + y,
            BinaryOp::Sub => x - y,
            BinaryOp::Mul => x * y,
            BinaryOp::Div if y != 0.0 => x / y,
            BinaryOp::Min => x.min(y),
            BinaryOp::Max => x.max(y),
            _ => return None,
        };
        return Some(PrimExpr::float(round_float(v, dtype), dtype));
    }
    let zero_a = ia == Some(0) || fa == Some(0.0);
    let zero_b = ib == Some(0) || fb == Some(0.0);
    match op {
        BinaryOp::Add if zero_a => Some(b.clone()),
        BinaryOp::Add | BinaryOp::Sub if zero_b => Some(a.clone()),
        BinaryOp::Mul if ia == Some(1) => Some(b.clone()),
        BinaryOp::Mul if ib == Some(1) => Some(a.clone()),
        BinaryOp::Mul if ia == Some(0) => Some(a.clone()),
        BinaryOp::Mul if ib == Some(0) => Some(b.clone()),
        // A zero dividend folds whatever the (non-zero) divisor, symbolic ones included, and
        // float division follows the same rules, as TVM's TryConstFold.
        BinaryOp::Div | BinaryOp::FloorDiv | BinaryOp::Mod | BinaryOp::FloorMod
            if ia == Some(0) && ib != Some(0) =>
        {
            Some(a.clone())
        }
        BinaryOp::Div if fa == Some(0.0) && fb != Some(0.0) => Some(a.clone()),
        BinaryOp::Div | BinaryOp::FloorDiv if ib == Some(1) || fb == Some(1.0) => Some(a.clone()),
        BinaryOp::Mod | BinaryOp::FloorMod if ib == Some(1) => Some(PrimExpr::int(0, dtype)),
        _ => None,
    }
}

/// Floor division and the matching non-negative-or-divisor-signed remainder; `None` on overflow.
pub fn floor_div_mod(x: i64, y: i64) -> Option<(i64, i64)> {
    let q = x.checked_div(y)?;
    let r = x.checked_rem(y)?;
    if r != 0 && ((r < 0) != (y < 0)) { Some((q - 1, r + y)) } else { Some((q, r)) }
}

fn as_float(e: &PrimExpr) -> Option<f64> {
    match e.expr() {
        Expr::FloatImm(v) => Some(*v),
        _ => None,
    }
}

/// `a op b` with type matching and constant folding, as TVM's operator functions.
pub fn binary(op: BinaryOp, a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    let (a, b) = match_types(a, b)?;
    if matches!(op, BinaryOp::FloorDiv | BinaryOp::FloorMod)
        && !(a.dtype().is_integer() || a.dtype().is_bool())
    {
        return Err(IrError::invalid(format!("{op:?} needs integer operands, not {}", a.dtype())));
    }
    if matches!(op, BinaryOp::Div | BinaryOp::Mod | BinaryOp::FloorDiv | BinaryOp::FloorMod)
        && b.as_int() == Some(0)
    {
        return Err(IrError::invalid("division by zero"));
    }
    match try_const_fold(op, &a, &b) {
        Some(folded) => Ok(folded),
        None => PrimExpr::binary(op, a, b),
    }
}

pub fn add(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    binary(BinaryOp::Add, a, b)
}
pub fn sub(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    binary(BinaryOp::Sub, a, b)
}
pub fn mul(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    binary(BinaryOp::Mul, a, b)
}
pub fn floordiv(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    binary(BinaryOp::FloorDiv, a, b)
}
pub fn floormod(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    binary(BinaryOp::FloorMod, a, b)
}
pub fn min(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    binary(BinaryOp::Min, a, b)
}
pub fn max(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    binary(BinaryOp::Max, a, b)
}

/// `-a`: a negated immediate, otherwise `0 - a` (TVM's `neg`).
pub fn neg(a: PrimExpr) -> Result<PrimExpr, IrError> {
    match a.expr() {
        Expr::IntImm(v) => Ok(PrimExpr::int(wrap_int(v.wrapping_neg(), a.dtype()), a.dtype())),
        Expr::FloatImm(v) => Ok(PrimExpr::float(-v, a.dtype())),
        _ => {
            let zero = if a.dtype().is_floating() {
                PrimExpr::float(0.0, a.dtype().element_of())
            } else {
                PrimExpr::int(0, a.dtype().element_of())
            };
            sub(zero, a)
        }
    }
}

/// A comparison with type matching and constant folding of two immediates.
pub fn compare(op: CmpOp, a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    let (a, b) = match_types(a, b)?;
    let ordering = match (a.expr(), b.expr()) {
        (Expr::IntImm(x), Expr::IntImm(y)) => x.partial_cmp(y),
        (Expr::FloatImm(x), Expr::FloatImm(y)) => x.partial_cmp(y),
        _ => None,
    };
    if let Some(ord) = ordering {
        use std::cmp::Ordering::*;
        let v = match op {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        };
        return Ok(PrimExpr::bool(v));
    }
    PrimExpr::cmp(op, a, b)
}

/// `a and b` with TVM's folding of boolean immediates.
pub fn logical_and(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    match (a.as_int(), b.as_int()) {
        (Some(0), _) => Ok(a),
        (Some(_), _) => Ok(b),
        (None, Some(0)) => Ok(b),
        (None, Some(_)) => Ok(a),
        (None, None) => PrimExpr::and(a, b),
    }
}

/// `not a` with TVM's folding of a boolean immediate.
pub fn logical_not(a: PrimExpr) -> Result<PrimExpr, IrError> {
    match a.as_int() {
        Some(v) => PrimExpr::new(a.dtype(), Expr::IntImm(i64::from(v == 0))),
        None => PrimExpr::not(a),
    }
}

/// `a or b` with TVM's folding of boolean immediates.
pub fn logical_or(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    match (a.as_int(), b.as_int()) {
        (Some(0), _) => Ok(b),
        (Some(_), _) => Ok(a),
        (None, Some(0)) => Ok(a),
        (None, Some(_)) => Ok(b),
        (None, None) => PrimExpr::or(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Var;

    #[test]
    fn constants_fold_and_identities_vanish() {
        let x = PrimExpr::var(&Var::new("x", DataType::int32()));
        assert_eq!(add(PrimExpr::i32(2), PrimExpr::i32(3)).unwrap().as_int(), Some(5));
        assert!(add(x.clone(), PrimExpr::i32(0)).unwrap().ptr_eq(&x));
        assert!(mul(PrimExpr::i32(1), x.clone()).unwrap().ptr_eq(&x));
        assert_eq!(mul(x.clone(), PrimExpr::i32(0)).unwrap().as_int(), Some(0));
        assert_eq!(floordiv(PrimExpr::i32(-7), PrimExpr::i32(2)).unwrap().as_int(), Some(-4));
        assert_eq!(floormod(PrimExpr::i32(-7), PrimExpr::i32(2)).unwrap().as_int(), Some(1));
        assert_eq!(floormod(PrimExpr::i32(7), PrimExpr::i32(-2)).unwrap().as_int(), Some(-1));
        assert!(floordiv(x, PrimExpr::i32(0)).is_err());
    }

    #[test]
    fn zero_dividends_and_unit_divisors_fold_like_tvm() {
        let n = PrimExpr::var(&Var::new("n", DataType::int32()));
        for op in [BinaryOp::FloorDiv, BinaryOp::FloorMod, BinaryOp::Div, BinaryOp::Mod] {
            let zero = PrimExpr::i32(0);
            assert!(binary(op, zero.clone(), n.clone()).unwrap().ptr_eq(&zero), "{op:?}");
        }
        let div = |a, b| binary(BinaryOp::Div, a, b);
        let y = PrimExpr::var(&Var::new("y", DataType::float32()));
        let zero = PrimExpr::f32(0.0);
        assert!(div(zero.clone(), y.clone()).unwrap().ptr_eq(&zero));
        assert!(div(y.clone(), PrimExpr::f32(1.0)).unwrap().ptr_eq(&y));
        assert!(div(y, zero).is_ok_and(|e| e.as_int().is_none()), "x / 0.0 stays a node");
    }

    #[test]
    fn integer_folding_wraps_to_the_dtype() {
        let big = add(PrimExpr::i32(i32::MAX), PrimExpr::i32(1)).unwrap();
        assert_eq!(big.as_int(), Some(i64::from(i32::MIN)));
        assert_eq!(wrap_int(300, DataType::uint(8)), 44);
        assert_eq!(wrap_int(200, DataType::int(8)), -56);
    }

    #[test]
    fn types_promote_like_tvm() {
        let i = PrimExpr::var(&Var::new("i", DataType::int64()));
        let sum = add(i, PrimExpr::i32(1)).unwrap();
        assert_eq!(sum.dtype(), DataType::int64());
        let f = PrimExpr::var(&Var::new("f", DataType::float(16)));
        let g = PrimExpr::var(&Var::new("g", DataType::float32()));
        assert_eq!(add(f.clone(), g).unwrap().dtype(), DataType::float32());
        assert_eq!(mul(f, PrimExpr::i32(2)).unwrap().dtype(), DataType::float(16));
        let v = PrimExpr::var(&Var::new("v", DataType::float32().with_lanes(4)));
        assert_eq!(add(v, PrimExpr::f32(1.0)).unwrap().dtype().to_string(), "float32x4");
    }

    #[test]
    fn comparisons_and_logic_fold() {
        assert_eq!(
            compare(CmpOp::Lt, PrimExpr::i32(1), PrimExpr::i32(2)).unwrap().as_int(),
            Some(1)
        );
        let c = PrimExpr::var(&Var::new("c", DataType::bool()));
        assert!(logical_and(PrimExpr::bool(true), c.clone()).unwrap().ptr_eq(&c));
        assert_eq!(logical_and(PrimExpr::bool(false), c.clone()).unwrap().as_int(), Some(0));
        assert!(logical_or(PrimExpr::bool(false), c.clone()).unwrap().ptr_eq(&c));
    }
}

//! LowerIntrin's floor division and modulo (TVM v0.23 `IntrinInjecter::VisitExpr_` of `FloorDiv`
//! and `FloorMod`, with bitwise ops allowed): `floordiv`/`floormod` become truncating `Div`/`Mod`
//! (`truncdiv`/`truncmod`), shifts and masks, with a sign correction where the signs of the
//! operands are not known; float operands become `floor(a / b)` and `a - floor(a / b) * b`.
//! The rules are listed in `lower_intrin`'s module docs. Every decision uses the analyzer's facts
//! at the point of the division (loop ranges, enclosing conditions).

use super::lower_intrin::{Lower, call};
use crate::arith::ops;
use crate::ir::{BinaryOp, CmpOp, DataType, Expr, IrError, PrimExpr, Var};

/// `a >> b` as TVM's `right_shift`: constants fold and a zero shift is the operand.
fn shift_right(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    match (a.as_int(), b.as_int()) {
        (Some(x), Some(y)) => Ok(PrimExpr::int(x >> y, a.dtype())),
        (_, Some(0)) => Ok(a),
        _ => call(a.dtype(), "shift_right", vec![a, b]),
    }
}

/// `a & b` as TVM's `bitwise_and`: constants fold.
fn bitwise_and(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
    match (a.as_int(), b.as_int()) {
        (Some(x), Some(y)) => Ok(PrimExpr::int(x & y, a.dtype())),
        _ => call(a.dtype(), "bitwise_and", vec![a, b]),
    }
}

/// The exponent of a positive power-of-two integer constant (scalar or broadcast).
fn power_of_two(e: &PrimExpr) -> Option<u32> {
    let v = match e.expr() {
        Expr::IntImm(v) => *v,
        Expr::Broadcast { value, .. } => value.as_int()?,
        _ => return None,
    };
    (v > 0 && (v & (v - 1)) == 0).then(|| v.trailing_zeros())
}

pub(super) fn konst(v: i64, like: &PrimExpr) -> PrimExpr {
    let scalar = PrimExpr::int(v, like.dtype().element_of());
    // As TVM's `make_const`: a constant for a vector operand is broadcast to its lanes (a
    // `bitwise_and` of a vector with a scalar mask is not valid IR).
    match like.dtype().lanes {
        crate::ir::Lanes::Fixed(n) if n > 1 => {
            ops::broadcast(scalar.clone(), crate::ir::Lanes::Fixed(n)).unwrap_or(scalar)
        }
        _ => scalar,
    }
}

impl Lower {
    pub(super) fn floordiv(
        &mut self,
        e: &PrimExpr,
        a: &PrimExpr,
        b: &PrimExpr,
    ) -> Result<PrimExpr, IrError> {
        let dtype = e.dtype();
        if dtype.is_floating() {
            return self.float_floor_quotient(a, b);
        }
        if !dtype.is_integer() {
            return Err(IrError::invalid(format!("floordiv of {dtype} cannot be lowered")));
        }
        if let Some(shift) = power_of_two(b) {
            return shift_right(a.clone(), konst(i64::from(shift), a));
        }
        let div = |x: PrimExpr, y: PrimExpr| ops::binary(BinaryOp::Div, x, y);
        if self.analyzer.can_prove_greater_equal(b, 0) {
            if self.analyzer.can_prove_greater_equal(a, 0)
                || self.analyzer.can_prove_greater_equal(e, 0)
            {
                return div(a.clone(), b.clone());
            }
            if let Some(min) = self.negative_min(a, b) {
                let one = konst(1, b);
                let numerator = ops::sub(ops::sub(b.clone(), one)?, konst(min, a))?;
                let ceildiv = div(numerator, b.clone())?;
                let shifted = ops::add(a.clone(), ops::mul(b.clone(), ceildiv.clone())?)?;
                let shifted = self.analyzer.simplify(&shifted);
                return ops::sub(div(shifted, b.clone())?, ceildiv);
            }
            let rdiv = div(a.clone(), b.clone())?;
            let rmod = ops::binary(BinaryOp::Mod, a.clone(), b.clone())?;
            if is_int32_or_64(dtype) {
                let sign = shift_right(rmod, konst(i64::from(dtype.bits) - 1, a))?;
                return ops::add(rdiv, sign);
            }
            let ge = ops::compare(CmpOp::Ge, rmod, konst(0, a))?;
            return PrimExpr::select(ge, rdiv.clone(), ops::sub(rdiv, konst(1, a))?);
        }
        let rmod = Var::new("rmod", dtype);
        let rdiv = Var::new("rdiv", dtype);
        let cond = sign_condition(b, &rmod)?;
        let pick = PrimExpr::select(
            cond,
            PrimExpr::var(&rdiv),
            ops::sub(PrimExpr::var(&rdiv), konst(1, a))?,
        )?;
        let let_rdiv = PrimExpr::let_(&rdiv, div(a.clone(), b.clone())?, pick)?;
        PrimExpr::let_(&rmod, ops::binary(BinaryOp::Mod, a.clone(), b.clone())?, let_rdiv)
    }

    pub(super) fn floormod(&mut self, a: &PrimExpr, b: &PrimExpr) -> Result<PrimExpr, IrError> {
        let dtype = a.dtype();
        if dtype.is_floating() {
            let quotient = self.float_floor_quotient(a, b)?;
            return ops::sub(a.clone(), ops::mul(quotient, b.clone())?);
        }
        if !dtype.is_integer() {
            return Err(IrError::invalid(format!("floormod of {dtype} cannot be lowered")));
        }
        if let Some(shift) = power_of_two(b) {
            return bitwise_and(a.clone(), konst((1i64 << shift) - 1, a));
        }
        let rem = |x: PrimExpr, y: PrimExpr| ops::binary(BinaryOp::Mod, x, y);
        if self.analyzer.can_prove_greater_equal(b, 0) {
            if self.analyzer.can_prove_greater_equal(a, 0) {
                return rem(a.clone(), b.clone());
            }
            if let Some(min) = self.negative_min(a, b) {
                let numerator =
                    ops::add(ops::neg(konst(min, a))?, ops::sub(b.clone(), konst(1, b))?)?;
                let ceildiv = ops::binary(BinaryOp::Div, numerator, b.clone())?;
                let shifted = ops::add(a.clone(), ops::mul(b.clone(), ceildiv)?)?;
                let shifted = self.analyzer.simplify(&shifted);
                return rem(shifted, b.clone());
            }
            let rmod = rem(a.clone(), b.clone())?;
            if is_int32_or_64(dtype) {
                let sign = shift_right(rmod.clone(), konst(i64::from(dtype.bits) - 1, a))?;
                return ops::add(rmod, bitwise_and(b.clone(), sign)?);
            }
            let ge = ops::compare(CmpOp::Ge, rmod.clone(), konst(0, a))?;
            return PrimExpr::select(ge, rmod.clone(), ops::add(rmod, b.clone())?);
        }
        let rmod = Var::new("rmod", dtype);
        let cond = sign_condition(b, &rmod)?;
        let pick = PrimExpr::select(
            cond,
            PrimExpr::var(&rmod),
            ops::add(PrimExpr::var(&rmod), b.clone())?,
        )?;
        PrimExpr::let_(&rmod, rem(a.clone(), b.clone())?, pick)
    }

    /// `floor(a / b)` for floats, lowered as the `floor` call it is (`llvm.floor`).
    fn float_floor_quotient(&mut self, a: &PrimExpr, b: &PrimExpr) -> Result<PrimExpr, IrError> {
        let quotient = ops::binary(BinaryOp::Div, a.clone(), b.clone())?;
        let floor = call(a.dtype(), "floor", vec![quotient])?;
        self.expr(&floor)
    }

    /// The constant lower bound of `a` when it is negative but finite (TVM's shifted-dividend
    /// case, `a + b * ceildiv(-min, b)`), and only when neither the shift `-min + b - 1` nor the
    /// shifted dividend can leave `a`'s dtype: TVM's own condition admits `floormod(n + 4, 5)`
    /// for an unbounded int32 `n`, whose shift of 2^31 wraps and moves the result.
    fn negative_min(&mut self, a: &PrimExpr, b: &PrimExpr) -> Option<i64> {
        let bound = self.analyzer.const_int_bound(a);
        let divisor = self.analyzer.const_int_bound(b);
        let max_value = crate::arith::ConstIntBound::everything(a.dtype().element_of()).max;
        if !(bound.min < 0 && bound.min > -max_value) {
            return None;
        }
        let shift = (-i128::from(bound.min)) + i128::from(divisor.max) - 1;
        let fits = shift <= i128::from(max_value)
            && i128::from(bound.max) + shift <= i128::from(max_value);
        fits.then_some(bound.min)
    }
}

fn is_int32_or_64(dtype: DataType) -> bool {
    dtype.is_int() && dtype.is_scalar() && (dtype.bits == 32 || dtype.bits == 64)
}

/// `(b >= 0 && rmod >= 0) || (b < 0 && rmod <= 0)`.
fn sign_condition(b: &PrimExpr, rmod: &Var) -> Result<PrimExpr, IrError> {
    let zero = konst(0, b);
    let r = PrimExpr::var(rmod);
    let pos = ops::logical_and(
        ops::compare(CmpOp::Ge, b.clone(), zero.clone())?,
        ops::compare(CmpOp::Ge, r.clone(), zero.clone())?,
    )?;
    let neg = ops::logical_and(
        ops::compare(CmpOp::Lt, b.clone(), zero.clone())?,
        ops::compare(CmpOp::Le, r, zero)?,
    )?;
    ops::logical_or(pos, neg)
}

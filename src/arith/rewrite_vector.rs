//! The rewrite simplifier's vector rules (the `is_scalable_or_fixed_length_vector` blocks of TVM's
//! `rewrite_simplify.cc`) for fixed-length `Ramp` and `Broadcast` operands.
//!
//! Arithmetic on two ramps, a ramp and a broadcast, or two broadcasts becomes one ramp or one
//! broadcast of the scalar result (`ramp(b, s, l) + broadcast(x, l)` is `ramp(b + x, s, l)`);
//! floor division and modulus of a ramp by a broadcast constant collapse when the lanes stay in
//! one block of the divisor (decided with the base's modular set, as TVM does); comparisons and
//! logic of broadcasts become broadcasts of the scalar result.

use super::analyzer::Analyzer;
use super::canonical_form::R;
use super::ops;
use crate::ir::{BinaryOp, CmpOp, DataType, Expr, Lanes, PrimExpr};

/// `(base, stride, lanes)` of a fixed-length ramp.
fn as_ramp(e: &PrimExpr) -> Option<(&PrimExpr, &PrimExpr, u16)> {
    match (e.expr(), e.dtype().lanes) {
        (Expr::Ramp { base, stride, .. }, Lanes::Fixed(n)) => Some((base, stride, n)),
        _ => None,
    }
}

/// `(value, lanes)` of a fixed-length broadcast.
fn as_broadcast(e: &PrimExpr) -> Option<(&PrimExpr, u16)> {
    match (e.expr(), e.dtype().lanes) {
        (Expr::Broadcast { value, .. }, Lanes::Fixed(n)) => Some((value, n)),
        _ => None,
    }
}

/// A ramp of `lanes` lanes; the strides are scalars of the base's dtype.
pub(crate) fn ramp(base: PrimExpr, stride: PrimExpr, lanes: u16) -> R<PrimExpr> {
    let dtype: DataType = base.dtype().with_lanes(lanes);
    PrimExpr::new(dtype, Expr::Ramp { base, stride, lanes: PrimExpr::i32(i32::from(lanes)) })
}

fn broadcast(value: PrimExpr, lanes: u16) -> R<PrimExpr> {
    ops::broadcast(value, Lanes::Fixed(lanes))
}

impl Analyzer {
    /// Applies the vector rules of a binary arithmetic operator; `None` when none matches.
    pub(crate) fn rewrite_vector_binary(
        &mut self,
        op: BinaryOp,
        a: &PrimExpr,
        b: &PrimExpr,
    ) -> R<Option<PrimExpr>> {
        let scalar = |x: &PrimExpr, y: &PrimExpr| ops::binary(op, x.clone(), y.clone());
        if let (Some((x, l1)), Some((y, l2))) = (as_broadcast(a), as_broadcast(b))
            && l1 == l2
            && !matches!(op, BinaryOp::Div | BinaryOp::Mod)
        {
            return Ok(Some(broadcast(scalar(x, y)?, l1)?));
        }
        match op {
            BinaryOp::Add | BinaryOp::Sub => {
                if let (Some((b1, s1, l1)), Some((b2, s2, l2))) = (as_ramp(a), as_ramp(b))
                    && l1 == l2
                {
                    return Ok(Some(ramp(scalar(b1, b2)?, scalar(s1, s2)?, l1)?));
                }
                if let (Some((b1, s1, l1)), Some((x, l2))) = (as_ramp(a), as_broadcast(b))
                    && l1 == l2
                {
                    return Ok(Some(ramp(scalar(b1, x)?, s1.clone(), l1)?));
                }
                if let (Some((x, l1)), Some((b1, s1, l2))) = (as_broadcast(a), as_ramp(b))
                    && l1 == l2
                {
                    let stride = if op == BinaryOp::Add {
                        s1.clone()
                    } else {
                        ops::sub(PrimExpr::int(0, s1.dtype()), s1.clone())?
                    };
                    return Ok(Some(ramp(scalar(x, b1)?, stride, l1)?));
                }
                if op == BinaryOp::Add
                    && let Some((c, _)) = as_broadcast(b)
                    && matches!(c.expr(), Expr::FloatImm(v) if *v == 0.0)
                {
                    return Ok(Some(a.clone()));
                }
            }
            BinaryOp::Mul => {
                let pair = match (as_ramp(a), as_broadcast(b), as_broadcast(a), as_ramp(b)) {
                    (Some((b1, s1, l1)), Some((x, l2)), _, _) if l1 == l2 => Some((b1, s1, x, l1)),
                    (_, _, Some((x, l1)), Some((b1, s1, l2))) if l1 == l2 => Some((b1, s1, x, l1)),
                    _ => None,
                };
                if let Some((b1, s1, x, lanes)) = pair {
                    return Ok(Some(ramp(
                        ops::mul(b1.clone(), x.clone())?,
                        ops::mul(s1.clone(), x.clone())?,
                        lanes,
                    )?));
                }
            }
            BinaryOp::FloorDiv | BinaryOp::FloorMod => {
                if let (Some((b1, s1, lanes)), Some((c2, l2))) = (as_ramp(a), as_broadcast(b))
                    && lanes == l2
                    && let (Some(c1v), Some(c2v)) = (s1.as_int(), c2.as_int())
                    && c2v != 0
                {
                    return self.ramp_divmod(op, b1, s1, c1v, c2, c2v, lanes);
                }
            }
            _ => {}
        }
        Ok(None)
    }

    /// `ramp(b1, c1, lanes) // c2` and `% c2` (TVM's ramp-by-broadcast division rules).
    #[allow(clippy::too_many_arguments)]
    fn ramp_divmod(
        &mut self,
        op: BinaryOp,
        b1: &PrimExpr,
        s1: &PrimExpr,
        c1: i64,
        c2: &PrimExpr,
        c2v: i64,
        lanes: u16,
    ) -> R<Option<PrimExpr>> {
        let is_div = op == BinaryOp::FloorDiv;
        if c1.checked_rem(c2v) == Some(0) {
            return Ok(Some(if is_div {
                ramp(
                    ops::floordiv(b1.clone(), c2.clone())?,
                    PrimExpr::int(c1.checked_div(c2v).unwrap_or(0), s1.dtype()),
                    lanes,
                )?
            } else {
                broadcast(ops::floormod(b1.clone(), c2.clone())?, lanes)?
            }));
        }
        let m = self.modular_set(b1);
        let last = i64::from(lanes) - 1;
        let span = m.base.checked_add(last.checked_mul(c1).unwrap_or(i64::MAX)).unwrap_or(i64::MAX);
        let floor = |x: i64| ops::floor_div_mod(x, c2v).map(|(q, _)| q);
        let fits_one_block = floor(m.base).is_some() && floor(m.base) == floor(span);
        let base_mod = || PrimExpr::int(m.base.rem_euclid(c2v), b1.dtype());
        if fits_one_block {
            if m.coeff % c2v == 0 {
                return Ok(Some(if is_div {
                    broadcast(ops::floordiv(b1.clone(), c2.clone())?, lanes)?
                } else {
                    ramp(base_mod(), s1.clone(), lanes)?
                }));
            }
            if m.coeff != 0 && c2v % m.coeff == 0 && span < m.coeff {
                return Ok(Some(if is_div {
                    broadcast(ops::floordiv(b1.clone(), c2.clone())?, lanes)?
                } else {
                    ramp(ops::floormod(b1.clone(), c2.clone())?, s1.clone(), lanes)?
                }));
            }
        }
        if !is_div && m.coeff % c2v == 0 {
            let inner = ramp(base_mod(), s1.clone(), lanes)?;
            return Ok(Some(ops::floormod(inner, broadcast(c2.clone(), lanes)?)?));
        }
        Ok(None)
    }

    /// Vector rules of a comparison: broadcasts compare their values, ramps of equal stride their
    /// bases.
    pub(crate) fn rewrite_vector_cmp(op: CmpOp, a: &PrimExpr, b: &PrimExpr) -> R<Option<PrimExpr>> {
        if let (Some((x, l1)), Some((y, l2))) = (as_broadcast(a), as_broadcast(b))
            && l1 == l2
        {
            return Ok(Some(broadcast(ops::compare(op, x.clone(), y.clone())?, l1)?));
        }
        if op == CmpOp::Lt
            && let (Some((x, s1, l1)), Some((y, s2, l2))) = (as_ramp(a), as_ramp(b))
            && l1 == l2
            && super::simplify::same_expr(s1, s2)
        {
            return Ok(Some(broadcast(ops::compare(op, x.clone(), y.clone())?, l1)?));
        }
        Ok(None)
    }

    /// Vector rules of `!`, `&&` and `||` over broadcasts.
    pub(crate) fn rewrite_vector_logic(e: &PrimExpr) -> R<Option<PrimExpr>> {
        match e.expr() {
            Expr::Not(x) => match as_broadcast(x) {
                Some((v, l)) => Ok(Some(broadcast(super::pattern::not(v), l)?)),
                None => Ok(None),
            },
            Expr::And(x, y) | Expr::Or(x, y) => match (as_broadcast(x), as_broadcast(y)) {
                (Some((p, l1)), Some((q, l2))) if l1 == l2 => {
                    let combined = if matches!(e.expr(), Expr::And(..)) {
                        ops::logical_and(p.clone(), q.clone())?
                    } else {
                        ops::logical_or(p.clone(), q.clone())?
                    };
                    Ok(Some(broadcast(combined, l1)?))
                }
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }
}

//! The rewrite simplifier's `min` and `max` rules (TVM's `Min` and `Max` visitors in
//! `rewrite_simplify.cc`), for scalar index expressions; one function serves both operators.
//!
//! Constant bounds decide the result when the operands' ranges do not overlap; equal operands up
//! to a constant offset pick the smaller (larger) offset; nested and distributed forms cancel;
//! constant factors and divisors move outside; constants move to the outermost operand.

use super::analyzer::Analyzer;
use super::canonical_form::R;
use super::pattern::bin;
use super::rewrite_simplify::{Mode, add, fdiv, int, max, min, mul, plus_const, sub};
use super::simplify::same_expr;
use crate::ir::{BinaryOp, PrimExpr};

impl Analyzer {
    pub(crate) fn rewrite_min_max(
        &mut self,
        a: &PrimExpr,
        b: &PrimExpr,
        is_min: bool,
        mode: Mode,
    ) -> R<Option<PrimExpr>> {
        let op = if is_min { BinaryOp::Min } else { BinaryOp::Max };
        let other = if is_min { BinaryOp::Max } else { BinaryOp::Min };
        let build = |x: &PrimExpr, y: &PrimExpr| if is_min { min(x, y) } else { max(x, y) };
        if same_expr(a, b) {
            return Ok(Some(a.clone()));
        }
        let (ba, bb) = (self.const_int_bound(a), self.const_int_bound(b));
        if is_min {
            if ba.max <= bb.min {
                return Ok(Some(a.clone()));
            }
            if bb.max <= ba.min {
                return Ok(Some(b.clone()));
            }
        } else {
            if ba.min >= bb.max {
                return Ok(Some(a.clone()));
            }
            if bb.min >= ba.max {
                return Ok(Some(b.clone()));
            }
        }
        // min(x + c1, x + c2), min(x + c1, x), min(x, x + c1).
        let pick = |c1: i64, c2: i64| if is_min { c1 < c2 } else { c1 > c2 };
        match (plus_const(a), plus_const(b)) {
            (Some((x1, c1)), Some((x2, c2))) if same_expr(x1, x2) => {
                return Ok(Some(if pick(c1, c2) { a.clone() } else { b.clone() }));
            }
            (Some((x1, c1)), _) if same_expr(x1, b) => {
                return Ok(Some(if pick(c1, 0) { a.clone() } else { b.clone() }));
            }
            (_, Some((x2, c2))) if same_expr(x2, a) => {
                return Ok(Some(if pick(c2, 0) { b.clone() } else { a.clone() }));
            }
            _ => {}
        }
        // min(min(x, y), x) => min(x, y), min(max(x, y), x) => x, and their mirror images.
        for (outer, inner) in [(a, b), (b, a)] {
            if let Some((x, y)) = bin(outer, op)
                && (same_expr(x, inner) || same_expr(y, inner))
            {
                return Ok(Some(outer.clone()));
            }
            if let Some((x, y)) = bin(outer, other)
                && (same_expr(x, inner) || same_expr(y, inner))
            {
                return Ok(Some(inner.clone()));
            }
        }
        // min(x + y, x + z) => min(y, z) + x; min(y - x, z - x) => min(y, z) - x.
        if let (Some((a1, a2)), Some((b1, b2))) = (bin(a, BinaryOp::Add), bin(b, BinaryOp::Add)) {
            for (ax, ay) in [(a2, a1), (a1, a2)] {
                for (bx, bz) in [(b2, b1), (b1, b2)] {
                    if same_expr(ax, bx) && ax.as_int().is_none() {
                        return Ok(Some(add(&build(ay, bz)?, ax)?));
                    }
                }
            }
        }
        if let (Some((y, x1)), Some((z, x2))) = (bin(a, BinaryOp::Sub), bin(b, BinaryOp::Sub)) {
            if same_expr(x1, x2) {
                return Ok(Some(sub(&build(y, z)?, x1)?));
            }
            if same_expr(y, z) {
                let inner = if is_min { max(x1, x2)? } else { min(x1, x2)? };
                return Ok(Some(sub(y, &inner)?));
            }
        }
        // min(min(x, c1), c2) => min(x, min(c1, c2)).
        if let (Some((x, c1)), Some(_)) = (bin(a, op), b.as_int())
            && c1.as_int().is_some()
        {
            return Ok(Some(build(x, &build(c1, b)?)?));
        }
        // Scaling: min(floordiv(x, c), floordiv(y, c)) and min(x * c, y * c).
        if let (Some((x, c1)), Some((y, c1b))) =
            (bin(a, BinaryOp::FloorDiv), bin(b, BinaryOp::FloorDiv))
            && let (Some(c), Some(d)) = (c1.as_int(), c1b.as_int())
            && c == d
            && c != 0
        {
            let inner = if (c > 0) == is_min { min(x, y)? } else { max(x, y)? };
            return Ok(Some(fdiv(&inner, c1)?));
        }
        if let (Some((x, c1)), Some((y, c2))) =
            (super::pattern::mul_const(a), super::pattern::mul_const(b))
            && c1 == c2
        {
            let inner = if (c1 > 0) == is_min { min(x, y)? } else { max(x, y)? };
            return Ok(Some(mul(&inner, &int(c1, x))?));
        }
        if let (Some((x, c1)), Some(c2)) = (super::pattern::mul_const(a), b.as_int()) {
            if c1 == 0 {
                let keep_c2 = if is_min { c2 < 0 } else { c2 > 0 };
                return Ok(Some(if keep_c2 { b.clone() } else { int(0, a) }));
            }
            if c2 % c1 == 0 {
                let inner = if (c1 > 0) == is_min {
                    min(x, &int(c2 / c1, x))?
                } else {
                    max(x, &int(c2 / c1, x))?
                };
                return Ok(Some(mul(&inner, &int(c1, x))?));
            }
        }
        // Canonicalization: min(min(x, c1), y) => min(min(x, y), c1); min(c1 - x, c2) => c1 - max(x, c1 - c2).
        if let Some((x, c1)) = bin(a, op)
            && c1.as_int().is_some()
            && b.as_int().is_none()
        {
            let e = build(&build(x, b)?, c1)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        if let (Some((c1, x)), Some(c2)) = (bin(a, BinaryOp::Sub), b.as_int())
            && let Some(c1v) = c1.as_int()
            && c2 != 0
            && let Some(d) = c1v.checked_sub(c2)
        {
            let inner = if is_min { max(x, &int(d, x))? } else { min(x, &int(d, x))? };
            let e = sub(c1, &inner)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        Ok(None)
    }
}

//! The rewrite simplifier's `min` and `max` rules (TVM's `Min` and `Max` visitors in
//! `rewrite_simplify.cc`), for scalar index expressions; one function serves both operators.
//!
//! Constant bounds decide the result when the operands' ranges do not overlap; equal operands up
//! to a constant offset pick the smaller (larger) offset; nested and distributed forms cancel;
//! constant factors and divisors move outside; constants move to the outermost operand.

use super::analyzer::Analyzer;
use super::canonical_form::R;
use super::ops;
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
        // min(floordiv(x + c1, c2) * c2, x) => x when c1 + 1 == c2 (max keeps the rounded-up
        // value); min(floordiv(x, c2) * c2, x) => floordiv(x, c2) * c2 (max keeps x).
        for (rounded, x) in [(a, b), (b, a)] {
            if let Some((d, c2)) = super::pattern::mul_const(rounded)
                && c2 > 0
                && let Some((num, divisor)) = bin(d, BinaryOp::FloorDiv)
                && divisor.as_int() == Some(c2)
            {
                if let Some((x2, c1)) = plus_const(num)
                    && c1.checked_add(1) == Some(c2)
                    && same_expr(x2, x)
                {
                    return Ok(Some(if is_min { x.clone() } else { rounded.clone() }));
                }
                if same_expr(num, x) {
                    return Ok(Some(if is_min { rounded.clone() } else { x.clone() }));
                }
            }
        }
        // min(max(x, y), min(x, y)) => min(x, y), in every operand order.
        let min_or_max = |e| bin(e, BinaryOp::Min).or_else(|| bin(e, BinaryOp::Max));
        if let (Some((p1, q1)), Some((p2, q2))) = (min_or_max(a), min_or_max(b)) {
            let a_is_op = bin(a, op).is_some();
            let same_operands = (same_expr(p1, p2) && same_expr(q1, q2))
                || (same_expr(p1, q2) && same_expr(q1, p2));
            if a_is_op != bin(b, op).is_some() && same_operands {
                return Ok(Some(if a_is_op { a.clone() } else { b.clone() }));
            }
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
        // min(max(x, y), max(x, z)) => max(min(y, z), x);
        // min(min(x, y), min(x, z)) => min(min(y, z), x).
        for kind in [other, op] {
            if let (Some((a1, a2)), Some((b1, b2))) = (bin(a, kind), bin(b, kind)) {
                for (ax, ay) in [(a1, a2), (a2, a1)] {
                    for (bx, bz) in [(b1, b2), (b2, b1)] {
                        if same_expr(ax, bx) {
                            let inner = build(ay, bz)?;
                            let outer = ops::binary(kind, inner, ax.clone())?;
                            return Ok(Some(outer));
                        }
                    }
                }
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
            if c2.checked_rem(c1) == Some(0) {
                let inner = if (c1 > 0) == is_min {
                    min(x, &int(c2.checked_div(c1).unwrap_or(0), x))?
                } else {
                    max(x, &int(c2.checked_div(c1).unwrap_or(0), x))?
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

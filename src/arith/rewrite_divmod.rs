//! The rewrite simplifier's floor division and floor modulus rules (TVM's `FloorDiv` and
//! `FloorMod` visitors in `rewrite_simplify.cc`), for scalar index expressions.
//!
//! Division of affine forms by constants drops residues proven to stay within one block of the
//! divisor (from constant bounds), nested divisions merge, `min`/`max` operands divisible by the
//! divisor are divided through, and a modulus disappears when the modular set or the bound of its
//! operand decides it.

use super::analyzer::Analyzer;
use super::canonical_form::R;
use super::pattern::bin;
use super::rewrite_simplify::{
    add, fdiv, floordiv_i, floormod_i, fmod, int, max, min, mul, plus_const,
};
use super::simplify::same_expr;
use crate::ir::{BinaryOp, PrimExpr};

impl Analyzer {
    pub(crate) fn rewrite_floordiv(&mut self, a: &PrimExpr, b: &PrimExpr) -> R<Option<PrimExpr>> {
        let Some(c2) = b.as_int() else {
            if same_expr(a, b) {
                return Ok(Some(int(1, a)));
            }
            return Ok(None);
        };
        // floordiv(floordiv(x, c1), c2) => floordiv(x, c1 * c2).
        if let Some((x, c1)) = bin(a, BinaryOp::FloorDiv)
            && let Some(c1) = c1.as_int().filter(|c| *c > 0)
            && c2 > 0
            && let Some(c) = c1.checked_mul(c2)
        {
            return Ok(Some(fdiv(x, &int(c, x))?));
        }
        // floordiv(floordiv(x, c1) + c2, c3) => floordiv(x + c1 * c2, c1 * c3).
        if let Some((inner, c_add)) = plus_const(a)
            && let Some((x, c1)) = bin(inner, BinaryOp::FloorDiv)
            && let Some(c1) = c1.as_int().filter(|c| *c > 0)
            && c2 > 0
            && let (Some(p), Some(q)) = (c1.checked_mul(c_add), c1.checked_mul(c2))
        {
            return Ok(Some(fdiv(&add(x, &int(p, x))?, &int(q, x))?));
        }
        // floordiv(x * c1 + y, c2), floordiv(x * c1, c2), floordiv(y + x * c1, c2).
        let affine = if let Some((x, c1)) = super::pattern::mul_const(a) {
            Some((x, c1, None))
        } else if let Some((p, q)) = bin(a, BinaryOp::Add) {
            super::pattern::mul_const(p)
                .map(|(x, c1)| (x, c1, Some(q)))
                .or_else(|| super::pattern::mul_const(q).map(|(x, c1)| (x, c1, Some(p))))
        } else {
            None
        };
        if let Some((x, c1, y)) = affine
            && c2 != 0
        {
            let y = y.cloned().unwrap_or_else(|| int(0, x));
            let c2e = int(c2, x);
            let residue = fdiv(
                &add(&mul(x, &int(floormod_i(c1, c2).unwrap_or(0), x))?, &fmod(&y, &c2e)?)?,
                &c2e,
            )?;
            let y_div_raw = fdiv(&y, &c2e)?;
            let y_div =
                if self.can_prove_equal(&y_div_raw, &int(0, x)) { int(0, x) } else { y_div_raw };
            let bound = self.const_int_bound(&residue);
            if bound.min == bound.max {
                let q = floordiv_i(c1, c2).unwrap_or(0);
                return Ok(Some(add(&mul(x, &int(q, x))?, &add(&y_div, &int(bound.max, x))?)?));
            }
            if c1 > 0 && c2 > 0 && c2 % c1 == 0 {
                let ymod = fmod(&y, &c2e)?;
                if self.can_prove_less(&ymod, c1) {
                    return Ok(Some(add(&fdiv(x, &int(c2 / c1, x))?, &y_div)?));
                }
            }
        }
        // floordiv(floormod(x, 2) + 1, 2) => floormod(x, 2).
        if c2 == 2
            && let Some((m, 1)) = plus_const(a)
            && bin(m, BinaryOp::FloorMod).is_some_and(|(_, two)| two.as_int() == Some(2))
        {
            return Ok(Some(m.clone()));
        }
        // floordiv(min(x * c1, y), c2) => min(x * (c1 / c2), floordiv(y, c2)) and the max variants.
        for (op, is_min) in [(BinaryOp::Min, true), (BinaryOp::Max, false)] {
            if let Some((p, q)) = bin(a, op)
                && c2 > 0
            {
                let build = |u: &PrimExpr, v: &PrimExpr| if is_min { min(u, v) } else { max(u, v) };
                if let Some((x, c1)) = super::pattern::mul_const(p).filter(|(_, c1)| c1 % c2 == 0) {
                    return Ok(Some(build(&mul(x, &int(c1 / c2, x))?, &fdiv(q, b)?)?));
                }
                if let Some((x, c1)) = super::pattern::mul_const(q).filter(|(_, c1)| c1 % c2 == 0) {
                    return Ok(Some(build(&fdiv(p, b)?, &mul(x, &int(c1 / c2, x))?)?));
                }
            }
        }
        // floordiv(x + c1, c2) => floordiv(x, c2) + c1 / c2 when c2 divides c1.
        if let Some((x, c1)) = plus_const(a)
            && c2 > 0
            && c1 % c2 == 0
        {
            return Ok(Some(add(&fdiv(x, b)?, &int(c1 / c2, x))?));
        }
        // floordiv(x - floormod(x, c1), c1) => floordiv(x, c1).
        if let Some((x, m)) = bin(a, BinaryOp::Sub)
            && let Some((x2, c1)) = bin(m, BinaryOp::FloorMod)
            && c1.as_int() == Some(c2)
            && same_expr(x, x2)
        {
            return Ok(Some(fdiv(x, b)?));
        }
        Ok(None)
    }

    pub(crate) fn rewrite_floormod(&mut self, a: &PrimExpr, b: &PrimExpr) -> R<Option<PrimExpr>> {
        let Some(c2) = b.as_int() else {
            if let Some((p, q)) = bin(a, BinaryOp::Mul)
                && (same_expr(q, b) || same_expr(p, b))
            {
                return Ok(Some(int(0, b)));
            }
            return Ok(None);
        };
        if c2 == 0 {
            return Ok(None);
        }
        // floormod(x * c1, c2) => floormod(x * floormod(c1, c2), c2).
        if let Some((x, c1)) = super::pattern::mul_const(a) {
            let reduced = floormod_i(c1, c2).unwrap_or(c1);
            if reduced != c1 {
                return Ok(Some(fmod(&mul(x, &int(reduced, x))?, b)?));
            }
        }
        if let Some((p, y)) = bin(a, BinaryOp::Add) {
            if let Some((x, c1)) = super::pattern::mul_const(p) {
                // floormod(x * c1 + y, c2) => floormod(x, c2 / c1) * c1 + y when 0 <= y < c1.
                if c1 > 0 && c2 > 0 && c2 % c1 == 0 {
                    let y_div = fdiv(y, &int(c1, y))?;
                    if self.can_prove_equal(&y_div, &int(0, y)) {
                        return Ok(Some(add(&mul(&fmod(x, &int(c2 / c1, x))?, &int(c1, x))?, y)?));
                    }
                }
                let reduced = floormod_i(c1, c2).unwrap_or(c1);
                if c2 > 0 && reduced != c1 {
                    return Ok(Some(fmod(&add(&mul(x, &int(reduced, x))?, y)?, b)?));
                }
            }
            // floormod(x + c1, c2) => floormod(x + floormod(c1, c2), c2) when c1 is out of [0, c2).
            if let Some(c1) = y.as_int()
                && c2 > 0
                && (c1 >= c2 || c1 < 0)
            {
                return Ok(Some(fmod(&add(p, &int(floormod_i(c1, c2).unwrap_or(c1), p))?, b)?));
            }
            if let Some((z, c1)) = super::pattern::mul_const(y) {
                let reduced = floormod_i(c1, c2).unwrap_or(c1);
                if c2 > 0 && reduced != c1 {
                    return Ok(Some(fmod(&add(p, &mul(z, &int(reduced, z))?)?, b)?));
                }
            }
        }
        if c2 > 0 {
            let m = self.modular_set(a);
            if m.coeff % c2 == 0 {
                return Ok(Some(int(floormod_i(m.base, c2).unwrap_or(m.base), a)));
            }
            let bound = self.const_int_bound(a);
            if bound.min >= 0 && bound.max < c2 {
                return Ok(Some(a.clone()));
            }
        }
        Ok(None)
    }
}

//! The rewrite simplifier's comparison rules (TVM's `EQ`, `NE`, `LE`, `LT` rules in
//! `rewrite_simplify.cc`) and `try_compare`, which decides comparisons from constant bounds.
//!
//! `a <= b` is rewritten as `!(b < a)`, `a != b` as `!(a == b)`; a comparison provable from the
//! bound of `a - b` folds to a constant; otherwise common terms cancel, constant factors divide
//! out, comparisons with `min`/`max` split into connectives and constants move to one side.

use super::analyzer::Analyzer;
use super::canonical_form::R;
use super::canonical_simplify::is_index_type;
use super::modular_set::zero_aware_gcd;
use super::pattern::{bin, cmp, mul_const, not};
use super::rewrite_logic::{and, const_minus, eq, le, lt, minus_const, or, plus_const, truth};
use super::rewrite_simplify::{CompareResult, Mode, add, fdiv, fmod, int, sub};
use super::simplify::same_expr;
use crate::ir::{BinaryOp, CmpOp, Expr, PrimExpr};

impl Analyzer {
    /// Compares `x` with `y` from the bound of `x - y` (TVM's `TryCompare`).
    pub(crate) fn try_compare(
        &mut self,
        x: &PrimExpr,
        y: &PrimExpr,
        mode: Mode,
    ) -> R<CompareResult> {
        let diff = sub(x, y)?;
        self.try_compare_const(&diff, 0, mode)
    }

    /// Compares `x` with the constant `val` (TVM's `TryCompare(x, val)`).
    pub(crate) fn try_compare_const(
        &mut self,
        x: &PrimExpr,
        val: i64,
        mode: Mode,
    ) -> R<CompareResult> {
        let diff = self.visit(x, mode)?;
        if let Some(v) = diff.as_int() {
            return Ok(match v.cmp(&val) {
                std::cmp::Ordering::Equal => CompareResult::Eq,
                std::cmp::Ordering::Greater => CompareResult::Gt,
                std::cmp::Ordering::Less => CompareResult::Lt,
            });
        }
        let bound = self.const_int_bound(&diff);
        if bound.min == val && bound.max == val {
            return Ok(CompareResult::Eq);
        }
        if bound.min > val {
            return Ok(CompareResult::Gt);
        }
        if bound.max < val {
            return Ok(CompareResult::Lt);
        }
        if bound.min >= val {
            return Ok(CompareResult::Ge);
        }
        if bound.max <= val {
            return Ok(CompareResult::Le);
        }
        if val == 0 && self.modular_set(&diff).base != 0 {
            return Ok(CompareResult::Ne);
        }
        Ok(CompareResult::Unknown)
    }

    pub(crate) fn rules_eq(
        &mut self,
        ret: &PrimExpr,
        a: &PrimExpr,
        b: &PrimExpr,
        mode: Mode,
    ) -> R<PrimExpr> {
        if ret.dtype().is_vector()
            && let Some(v) = Analyzer::rewrite_vector_cmp(CmpOp::Eq, a, b)?
        {
            return Ok(v);
        }
        if !is_index_type(a.dtype()) {
            if same_expr(a, b) && super::pattern::has_no_effect(a, true) {
                return Ok(truth(true, ret));
            }
            return Ok(ret.clone());
        }
        match self.try_compare(a, b, mode)? {
            CompareResult::Eq => return Ok(truth(true, ret)),
            CompareResult::Ne | CompareResult::Gt | CompareResult::Lt => {
                return Ok(truth(false, ret));
            }
            _ => {}
        }
        if a.as_int().is_some() {
            return eq(b, a);
        }
        if let Some(c2) = b.as_int() {
            if let Some((x, c1)) = minus_const(a) {
                return eq(x, &int(c2.wrapping_add(c1), x));
            }
            if let Some((c1, x)) = const_minus(a) {
                return eq(x, &int(c1.wrapping_sub(c2), x));
            }
            if let Some((x, c1)) = plus_const(a) {
                return eq(x, &int(c2.wrapping_sub(c1), x));
            }
            if c2 == 0
                && let Some((x, y)) = bin(a, BinaryOp::Mul)
            {
                let e = or(&eq(x, &int(0, x))?, &eq(y, &int(0, y))?)?;
                return self.recursive_rewrite(e, mode);
            }
        }
        if same_expr(a, b) {
            return Ok(truth(true, ret));
        }
        Ok(ret.clone())
    }

    pub(crate) fn visit_ne(
        &mut self,
        ret: &PrimExpr,
        a: &PrimExpr,
        b: &PrimExpr,
        mode: Mode,
    ) -> R<PrimExpr> {
        if is_index_type(a.dtype()) {
            match self.try_compare(a, b, mode)? {
                CompareResult::Ne | CompareResult::Gt | CompareResult::Lt => {
                    return Ok(truth(true, ret));
                }
                CompareResult::Eq => return Ok(truth(false, ret)),
                CompareResult::Ge => return self.rules_lt(&lt(b, a)?, b, a, mode),
                CompareResult::Le => return self.rules_lt(&lt(a, b)?, a, b, mode),
                _ => {}
            }
        }
        let equal = eq(a, b)?;
        let equal = match equal.expr() {
            Expr::Cmp { a: x, b: y, .. } => self.rules_eq(&equal, &x.clone(), &y.clone(), mode)?,
            _ => equal,
        };
        self.rules_not(&not(&equal), mode)
    }

    pub(crate) fn visit_le(
        &mut self,
        ret: &PrimExpr,
        a: &PrimExpr,
        b: &PrimExpr,
        mode: Mode,
    ) -> R<PrimExpr> {
        let flipped = lt(b, a)?;
        let flipped = match flipped.expr() {
            Expr::Cmp { a: x, b: y, .. } => {
                self.rules_lt(&flipped, &x.clone(), &y.clone(), mode)?
            }
            _ => flipped,
        };
        let result = self.rules_not(&not(&flipped), mode)?;
        if let Some((x, y)) = cmp(&result, CmpOp::Le)
            && is_index_type(x.dtype())
        {
            let (x, y) = (x.clone(), y.clone());
            match self.try_compare(&x, &y, mode)? {
                CompareResult::Le | CompareResult::Lt | CompareResult::Eq => {
                    return Ok(truth(true, ret));
                }
                CompareResult::Gt => return Ok(truth(false, ret)),
                CompareResult::Ne => return self.rules_lt(&lt(&x, &y)?, &x, &y, mode),
                CompareResult::Ge => return self.rules_eq(&eq(&x, &y)?, &x, &y, mode),
                _ => {}
            }
        }
        Ok(result)
    }

    pub(crate) fn rules_lt(
        &mut self,
        ret: &PrimExpr,
        a: &PrimExpr,
        b: &PrimExpr,
        mode: Mode,
    ) -> R<PrimExpr> {
        if ret.dtype().is_vector()
            && matches!(ret.expr(), Expr::Cmp { op: CmpOp::Lt, .. })
            && let Some(v) = Analyzer::rewrite_vector_cmp(CmpOp::Lt, a, b)?
        {
            return Ok(v);
        }
        if !matches!(ret.expr(), Expr::Cmp { op: CmpOp::Lt, .. }) || !is_index_type(a.dtype()) {
            return Ok(ret.clone());
        }
        match self.try_compare(a, b, mode)? {
            CompareResult::Lt => return Ok(truth(true, ret)),
            CompareResult::Eq | CompareResult::Gt | CompareResult::Ge => {
                return Ok(truth(false, ret));
            }
            _ => {}
        }
        // Cancel common terms: x + y < x + z => y < z, y - x < z - x, x - y < x - z.
        if let (Some((a1, a2)), Some((b1, b2))) = (bin(a, BinaryOp::Add), bin(b, BinaryOp::Add)) {
            for (ax, ay) in [(a1, a2), (a2, a1)] {
                for (bx, bz) in [(b1, b2), (b2, b1)] {
                    if same_expr(ax, bx) {
                        return lt(ay, bz);
                    }
                }
            }
        }
        if let (Some((y, x1)), Some((z, x2))) = (bin(a, BinaryOp::Sub), bin(b, BinaryOp::Sub)) {
            if same_expr(x1, x2) {
                return lt(y, z);
            }
            if same_expr(y, z) {
                return lt(x2, x1);
            }
        }
        if let Some((p, q)) = bin(b, BinaryOp::Add) {
            if same_expr(p, a) {
                return lt(&int(0, q), q);
            }
            if same_expr(q, a) {
                return lt(&int(0, p), p);
            }
        }
        if let Some((p, z)) = bin(b, BinaryOp::Sub)
            && same_expr(p, a)
        {
            return lt(z, &int(0, z));
        }
        if let (Some((x, c1)), Some((y, c1b))) = (mul_const(a), mul_const(b)) {
            if c1 == c1b && c1 > 0 {
                return lt(x, y);
            }
            if c1 == c1b && c1 < 0 {
                return lt(y, x);
            }
        }
        // x * c2 < c1 and c1 < x * c2, solved for x with truncated division as TVM does (in
        // 128-bit arithmetic; a bound that does not fit 64 bits leaves the comparison alone).
        if let (Some((x, c2)), Some(c1)) = (mul_const(a), b.as_int())
            && c2 != 0
        {
            let (c1, c2) = (i128::from(c1), i128::from(c2));
            let solved = match (c2 > 0, c1 > 0) {
                (true, true) => ((c1 - 1) / c2 + 1, true),
                (true, false) => (c1 / c2, true),
                (false, true) => ((c1 - 1) / c2 - 1, false),
                (false, false) => (c1 / c2, false),
            };
            if let (Ok(bound), upper) = (i64::try_from(solved.0), solved.1) {
                let bound = int(bound, x);
                return if upper { lt(x, &bound) } else { lt(&bound, x) };
            }
        }
        if let (Some(c1), Some((x, c2))) = (a.as_int(), mul_const(b))
            && c2 != 0
        {
            let (c1, c2) = (i128::from(c1), i128::from(c2));
            let solved = match (c2 > 0, c1 < 0) {
                (true, true) => ((c1 + 1) / c2 - 1, false),
                (true, false) => (c1 / c2, false),
                (false, true) => ((c1 + 1) / c2 + 1, true),
                (false, false) => (c1 / c2, true),
            };
            if let (Ok(bound), upper) = (i64::try_from(solved.0), solved.1) {
                let bound = int(bound, x);
                return if upper { lt(x, &bound) } else { lt(&bound, x) };
            }
        }
        // floordiv(x, c1) < c2 => x < c1 * c2; c1 < floordiv(x, c2) => (c1 + 1) * c2 - 1 < x.
        if let (Some((x, c1)), Some(c2)) = (bin(a, BinaryOp::FloorDiv), b.as_int())
            && let Some(c1) = c1.as_int().filter(|c| *c > 0)
            && let Some(bound) = c1.checked_mul(c2)
        {
            return lt(x, &int(bound, x));
        }
        if let (Some(c1), Some((x, c2))) = (a.as_int(), bin(b, BinaryOp::FloorDiv))
            && let Some(c2) = c2.as_int().filter(|c| *c > 0)
            && let Some(bound) =
                c1.checked_add(1).and_then(|v| v.checked_mul(c2)).and_then(|v| v.checked_sub(1))
        {
            return lt(&int(bound, x), x);
        }
        // floordiv(x, c1) * c1 < x => 0 < floormod(x, c1).
        if let Some((d, c1)) = mul_const(a)
            && let Some((x, c)) = bin(d, BinaryOp::FloorDiv)
            && c1 > 0
            && c.as_int() == Some(c1)
        {
            if same_expr(x, b) {
                return lt(&int(0, x), &fmod(x, c)?);
            }
            if let Some((bx, y)) = bin(b, BinaryOp::Add)
                && same_expr(x, bx)
            {
                return lt(&int(0, x), &add(&fmod(x, c)?, y)?);
            }
            if let Some((bx, y)) = bin(b, BinaryOp::Sub)
                && same_expr(x, bx)
            {
                return lt(y, &fmod(x, c)?);
            }
        }
        // Split comparisons with min and max into connectives.
        if let Some((x, y)) = bin(a, BinaryOp::Min) {
            let e = or(&lt(x, b)?, &lt(y, b)?)?;
            return self.recursive_rewrite(e, mode);
        }
        if let Some((x, y)) = bin(a, BinaryOp::Max) {
            let e = and(&lt(x, b)?, &lt(y, b)?)?;
            return self.recursive_rewrite(e, mode);
        }
        if let Some((x, y)) = bin(b, BinaryOp::Min) {
            let e = and(&lt(a, x)?, &lt(a, y)?)?;
            return self.recursive_rewrite(e, mode);
        }
        if let Some((x, y)) = bin(b, BinaryOp::Max) {
            let e = or(&lt(a, x)?, &lt(a, y)?)?;
            return self.recursive_rewrite(e, mode);
        }
        // Move constants to one side.
        if let Some(moved) = self.move_constants(a, b)? {
            return self.recursive_rewrite(moved, mode);
        }
        if let Some(merged) = merge_constants(a, b)? {
            return self.recursive_rewrite(merged, mode);
        }
        let (ma, mb) = (self.modular_set(a), self.modular_set(b));
        let factor =
            zero_aware_gcd(zero_aware_gcd(ma.base, ma.coeff), zero_aware_gcd(mb.base, mb.coeff));
        if factor > 1 {
            let f = int(factor, a);
            let e = lt(&fdiv(a, &f)?, &fdiv(b, &f)?)?;
            return self.recursive_rewrite(e, mode);
        }
        Ok(ret.clone())
    }

    /// TVM's recursive constant-moving rules for `a < b`.
    pub(crate) fn move_constants(&mut self, a: &PrimExpr, b: &PrimExpr) -> R<Option<PrimExpr>> {
        if let Some(c1) = a.as_int() {
            if let Some((x, c2)) = plus_const(b) {
                return Ok(Some(lt(&int(c1.wrapping_sub(c2), x), x)?));
            }
            if let Some((c2, x)) = const_minus(b) {
                return Ok(Some(lt(x, &int(c2.wrapping_sub(c1), x))?));
            }
            if let Some((x, c2)) = minus_const(b) {
                return Ok(Some(lt(&int(c1.wrapping_add(c2), x), x)?));
            }
        }
        if let Some(c2) = b.as_int() {
            if let Some((c1, x)) = const_minus(a) {
                return Ok(Some(lt(&int(c1.wrapping_sub(c2), x), x)?));
            }
            if let Some((x, c1)) = plus_const(a) {
                return Ok(Some(lt(x, &int(c2.wrapping_sub(c1), x))?));
            }
            if let Some((x, c2b)) = minus_const(a) {
                return Ok(Some(lt(x, &int(c2.wrapping_add(c2b), x))?));
            }
        }
        if let Some((c1, y)) = const_minus(b) {
            return Ok(Some(lt(&add(a, y)?, &int(c1, y))?));
        }
        if let Some((c1, y)) = const_minus(a) {
            return Ok(Some(lt(&int(c1, y), &add(b, y)?)?));
        }
        if let Some((c1, y)) = bin(b, BinaryOp::Add).and_then(|(c, y)| c.as_int().map(|c| (c, y))) {
            return Ok(Some(lt(&sub(a, y)?, &int(c1, y))?));
        }
        if let Some((c1, y)) = bin(a, BinaryOp::Add).and_then(|(c, y)| c.as_int().map(|c| (c, y))) {
            return Ok(Some(lt(&int(c1, y), &sub(b, y)?)?));
        }
        Ok(None)
    }
}

/// TVM's `merge_constants`: `x + c1 < y + c2` with the constants combined on one side.
fn merge_constants(a: &PrimExpr, b: &PrimExpr) -> R<Option<PrimExpr>> {
    let offset = |e: &PrimExpr| -> (PrimExpr, i64) {
        if let Some((x, c)) = plus_const(e) {
            return (x.clone(), c);
        }
        if let Some((x, c)) = minus_const(e) {
            return (x.clone(), c.wrapping_neg());
        }
        if let Some((c, x)) = const_minus(e) {
            return (x.clone(), c);
        }
        (e.clone(), 0)
    };
    let ((lhs, lo), (rhs, ro)) = (offset(a), offset(b));
    if lo == 0 && ro == 0 {
        return Ok(None);
    }
    let diff = ro.wrapping_sub(lo);
    if diff == 0 {
        return Ok(Some(lt(&lhs, &rhs)?));
    }
    if diff == 1 {
        return Ok(Some(le(&lhs, &rhs)?));
    }
    if diff < 0 && ro != 0 {
        return Ok(Some(lt(&add(&lhs, &int(diff.wrapping_neg(), &lhs))?, &rhs)?));
    }
    if diff > 0 && lo != 0 {
        return Ok(Some(lt(&lhs, &add(&rhs, &int(diff, &rhs))?)?));
    }
    Ok(None)
}

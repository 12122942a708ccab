//! TVM's rewrite simplifier (`rewrite_simplify.cc`): post-order rewriting by algebraic rules.
//!
//! Each node's children are simplified first, then the node is constant-folded and matched
//! against the rules TVM applies to it, in TVM's order; the first rule that matches wins. A
//! "recursive" rule simplifies its result again, to a bounded depth. This file holds the
//! traversal and the arithmetic rules (`+ - * // %`, `min`, `max`); `rewrite_logic.rs` holds the
//! comparison and boolean rules. Only scalar int32/int64 ("index") expressions get the
//! arithmetic rules, as in TVM; vector rules are not implemented.
//!
//! The canonical simplifier reuses these rules for nodes it has no canonical form for; `Mode`
//! says which simplifier visits the children.

use super::analyzer::Analyzer;
use super::canonical_form::R;
use super::canonical_simplify::is_index_type;
use super::ops;
use super::pattern::bin;
use super::simplify::same_expr;
use crate::ir::mutate::map_expr_children;
use crate::ir::{BinaryOp, Expr, PrimExpr};

/// Which simplifier drives the traversal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Rewrite,
    Canonical,
}

/// What is known about `x` compared with `y`, as TVM's `CompareResult` bit set
/// (`Lt | Eq == Le`, `Gt | Eq == Ge`, `Lt | Gt == Ne`, all three is unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CompareResult {
    Lt,
    Eq,
    Gt,
    Le,
    Ge,
    Ne,
    Unknown,
}

/// The deepest nesting of recursive rewrites (TVM's `kMaxRecurDepth`).
const MAX_RECURSION: usize = 5;

pub(crate) fn int(v: i64, like: &PrimExpr) -> PrimExpr {
    PrimExpr::int(v, like.dtype())
}
pub(crate) fn add(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::add(a.clone(), b.clone())
}
pub(crate) fn sub(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::sub(a.clone(), b.clone())
}
pub(crate) fn mul(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::mul(a.clone(), b.clone())
}
pub(crate) fn fdiv(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::floordiv(a.clone(), b.clone())
}
pub(crate) fn fmod(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::floormod(a.clone(), b.clone())
}
pub(crate) fn min(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::min(a.clone(), b.clone())
}
pub(crate) fn max(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::max(a.clone(), b.clone())
}

/// `floor(a / b)` on integers, with `None` for a zero divisor or overflow.
pub(crate) fn floordiv_i(a: i64, b: i64) -> Option<i64> {
    ops::floor_div_mod(a, b).map(|(q, _)| q)
}
pub(crate) fn floormod_i(a: i64, b: i64) -> Option<i64> {
    ops::floor_div_mod(a, b).map(|(_, r)| r)
}

/// `x + c` as `(x, c)`, `x - c` as `(x, -c)`.
pub(crate) fn plus_const(e: &PrimExpr) -> Option<(&PrimExpr, i64)> {
    if let Some((x, c)) = bin(e, BinaryOp::Add) {
        return c.as_int().map(|c| (x, c));
    }
    None
}

impl Analyzer {
    /// Rewrite simplification of `e`, repeated until it stops changing (at most twice, as TVM).
    pub fn rewrite_simplify(&mut self, e: &PrimExpr) -> PrimExpr {
        let mut res = e.clone();
        for _ in 0..2 {
            let Ok(next) = self.visit(&res, Mode::Rewrite) else {
                return res;
            };
            if next.ptr_eq(&res) {
                return res;
            }
            res = next;
        }
        res
    }

    /// Visits `e` with the simplifier of `mode`.
    pub(crate) fn visit(&mut self, e: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        // Deeply nested input grows the stack on demand instead of overflowing it.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || match mode {
            Mode::Rewrite => self.rewrite_node(e, Mode::Rewrite),
            Mode::Canonical => self.canon_visit(e),
        })
    }

    /// Simplifies a rule's result again, unless rewrites are nested too deeply.
    pub(crate) fn recursive_rewrite(&mut self, e: PrimExpr, mode: Mode) -> R<PrimExpr> {
        if self.rewrite_depth >= MAX_RECURSION {
            return Ok(e);
        }
        self.rewrite_depth += 1;
        let result = self.visit(&e, mode);
        self.rewrite_depth -= 1;
        result
    }

    /// Rebuilds `e` with simplified children (TVM's `IRMutatorWithAnalyzer` default).
    pub(crate) fn visit_children(&mut self, e: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        map_expr_children(e, &mut |c| self.visit(c, mode))
    }

    /// The rewriter's visit of one node: children first, then the node's rules.
    pub(crate) fn rewrite_node(&mut self, e: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        match e.expr() {
            Expr::Binary { .. } => {
                let ret = self.visit_children(e, mode)?;
                let Expr::Binary { op, a, b } = ret.expr() else {
                    return Ok(ret);
                };
                let folded = ops::binary(*op, a.clone(), b.clone())?;
                if !matches!(folded.expr(), Expr::Binary { .. }) {
                    return Ok(folded);
                }
                if ret.dtype().is_vector()
                    && let Some(v) = self.rewrite_vector_binary(*op, a, b)?
                {
                    return Ok(v);
                }
                if !is_index_type(ret.dtype()) {
                    return Ok(folded);
                }
                let rewritten = match op {
                    BinaryOp::Add => self.rewrite_add(a, b, mode)?,
                    BinaryOp::Sub => self.rewrite_sub(a, b, mode)?,
                    BinaryOp::Mul => self.rewrite_mul(a, b, mode)?,
                    BinaryOp::FloorDiv => self.rewrite_floordiv(a, b)?,
                    BinaryOp::FloorMod => self.rewrite_floormod(a, b)?,
                    BinaryOp::Min => self.rewrite_min_max(a, b, true, mode)?,
                    BinaryOp::Max => self.rewrite_min_max(a, b, false, mode)?,
                    BinaryOp::Div | BinaryOp::Mod => None,
                };
                Ok(rewritten.unwrap_or(ret))
            }
            _ => self.rewrite_logic_node(e, mode),
        }
    }

    fn rewrite_add(&mut self, a: &PrimExpr, b: &PrimExpr, mode: Mode) -> R<Option<PrimExpr>> {
        // Cancellation: (x - y) + y, x + (y - x), (x - y) + (y - z), (x - y) + (z - x).
        if let Some((x, y)) = bin(a, BinaryOp::Sub) {
            if same_expr(y, b) {
                return Ok(Some(x.clone()));
            }
            if let Some((y2, z)) = bin(b, BinaryOp::Sub) {
                if same_expr(y, y2) {
                    return Ok(Some(sub(x, z)?));
                }
                if same_expr(x, z) {
                    return Ok(Some(sub(y2, y)?));
                }
            }
        }
        if let Some((y, x)) = bin(b, BinaryOp::Sub)
            && same_expr(x, a)
        {
            return Ok(Some(y.clone()));
        }
        // min(x, y - z) + z => min(x + z, y), and the other placements, for min and max.
        for (op, is_min) in [(BinaryOp::Min, true), (BinaryOp::Max, false)] {
            let build = |p: &PrimExpr, q: &PrimExpr| if is_min { min(p, q) } else { max(p, q) };
            if let Some((x, yz)) = bin(a, op) {
                if let Some((y, z)) = bin(yz, BinaryOp::Sub)
                    && same_expr(z, b)
                {
                    return Ok(Some(build(&add(x, z)?, y)?));
                }
                if let Some((x_inner, z)) = bin(x, BinaryOp::Sub)
                    && same_expr(z, b)
                {
                    return Ok(Some(build(x_inner, &add(yz, z)?)?));
                }
                // min(x, y + c1) + c2 => min(x + c2, y) and min(x + c1, y) + c2 => min(x, y + c2)
                // when c1 == -c2.
                if let Some(c2) = b.as_int() {
                    if let Some((y, c1)) = plus_const(yz)
                        && c1.checked_neg() == Some(c2)
                    {
                        return Ok(Some(build(&add(x, b)?, y)?));
                    }
                    if let Some((x_inner, c1)) = plus_const(x)
                        && c1.checked_neg() == Some(c2)
                    {
                        return Ok(Some(build(x_inner, &add(yz, b)?)?));
                    }
                }
            }
        }
        // max(x, y) + min(x, y) => x + y.
        if let (Some((x1, y1)), Some((x2, y2))) = (
            bin(a, BinaryOp::Max).or(bin(a, BinaryOp::Min)),
            bin(b, BinaryOp::Min).or(bin(b, BinaryOp::Max)),
        ) {
            let kinds_differ = bin(a, BinaryOp::Max).is_some() != bin(b, BinaryOp::Max).is_some();
            if kinds_differ
                && ((same_expr(x1, x2) && same_expr(y1, y2))
                    || (same_expr(x1, y2) && same_expr(y1, x2)))
            {
                return Ok(Some(add(x1, y1)?));
            }
        }
        // (x + c1) + c2 => x + (c1 + c2).
        if let (Some((x, c1)), Some(c2)) = (plus_const(a), b.as_int())
            && let Some(c) = c1.checked_add(c2)
        {
            return Ok(Some(add(x, &int(c, x))?));
        }
        if same_expr(a, b) {
            return Ok(Some(mul(a, &int(2, a))?));
        }
        // Coefficient folding: x * y + x => (y + 1) * x; x * y + x * z => (y + z) * x.
        if let Some(e) = fold_common_factor(a, b, 1)? {
            return Ok(Some(e));
        }
        // floordiv(x, y) * y + floormod(x, y) => x.
        if let Some((fx, fy)) = bin(b, BinaryOp::FloorMod)
            && let Some((d, y)) = bin(a, BinaryOp::Mul)
        {
            let div = bin(d, BinaryOp::FloorDiv)
                .filter(|(_, dy)| same_expr(dy, y))
                .or_else(|| bin(y, BinaryOp::FloorDiv).filter(|(_, dy)| same_expr(dy, d)));
            if let Some((dx, dy)) = div
                && same_expr(dx, fx)
                && same_expr(dy, fy)
            {
                return Ok(Some(fx.clone()));
            }
        }
        // floordiv(x, 2) + floormod(x, 2) => floordiv(x + 1, 2).
        if let (Some((x1, two1)), Some((x2, two2))) =
            (bin(a, BinaryOp::FloorDiv), bin(b, BinaryOp::FloorMod))
            && two1.as_int() == Some(2)
            && two2.as_int() == Some(2)
            && same_expr(x1, x2)
        {
            let e = fdiv(&add(x1, &int(1, x1))?, two1)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        // Canonicalization: constants move right, min/max and x * c move left.
        if let Some((c1, y)) = bin(b, BinaryOp::Sub).filter(|(c, _)| c.as_int().is_some()) {
            let e = add(&sub(a, y)?, c1)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        if let Some((c1, y)) = bin(a, BinaryOp::Sub).filter(|(c, _)| c.as_int().is_some()) {
            let e = add(&sub(b, y)?, c1)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        if let Some((x, c1)) = plus_const(a) {
            let e = add(&add(x, b)?, &int(c1, x))?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        if let Some((y, c1)) = plus_const(b) {
            let e = add(&add(a, y)?, &int(c1, y))?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        if bin(b, BinaryOp::Max).is_some() || bin(b, BinaryOp::Min).is_some() {
            let e = add(b, a)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        if let (Some((_, c1)), Some((_, c2))) =
            (bin(a, BinaryOp::FloorMod), super::pattern::mul_const(b))
            && c1.as_int() == Some(c2)
        {
            let e = add(b, a)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        Ok(None)
    }

    fn rewrite_sub(&mut self, a: &PrimExpr, b: &PrimExpr, mode: Mode) -> R<Option<PrimExpr>> {
        // (x + y) - y => x, (y + x) - y => x, x - (x + y) => 0 - y.
        if let Some((x, y)) = bin(a, BinaryOp::Add) {
            if same_expr(y, b) {
                return Ok(Some(x.clone()));
            }
            if same_expr(x, b) {
                return Ok(Some(y.clone()));
            }
        }
        if let Some((p, q)) = bin(b, BinaryOp::Add) {
            if same_expr(q, a) {
                return Ok(Some(sub(&int(0, p), p)?));
            }
            if same_expr(p, a) {
                return Ok(Some(sub(&int(0, q), q)?));
            }
        }
        // min(x, y) - y => min(x - y, 0); max(x, y) - y => max(x - y, 0).
        for (op, is_min) in [(BinaryOp::Min, true), (BinaryOp::Max, false)] {
            if let Some((x, y)) = bin(a, op) {
                if same_expr(y, b) {
                    let d = sub(x, y)?;
                    return Ok(Some(if is_min {
                        min(&d, &int(0, &d))?
                    } else {
                        max(&d, &int(0, &d))?
                    }));
                }
                if same_expr(x, b) {
                    let d = sub(y, x)?;
                    return Ok(Some(if is_min {
                        min(&int(0, &d), &d)?
                    } else {
                        max(&int(0, &d), &d)?
                    }));
                }
            }
        }
        if same_expr(a, b) {
            return Ok(Some(int(0, a)));
        }
        // Coefficient folding: x * y - x => (y - 1) * x; x * y - x * z => (y - z) * x.
        if let Some(e) = fold_common_factor(a, b, -1)? {
            return Ok(Some(e));
        }
        // (x + c1) - c2 => x + (c1 - c2).
        if let (Some((x, c1)), Some(c2)) = (plus_const(a), b.as_int())
            && let Some(c) = c1.checked_sub(c2)
        {
            return Ok(Some(add(x, &int(c, x))?));
        }
        // (x + y) - (x + z) => y - z, in every operand order.
        if let (Some((a1, a2)), Some((b1, b2))) = (bin(a, BinaryOp::Add), bin(b, BinaryOp::Add)) {
            for (ax, ay) in [(a1, a2), (a2, a1)] {
                for (bx, bz) in [(b1, b2), (b2, b1)] {
                    if same_expr(ax, bx) {
                        return Ok(Some(sub(ay, bz)?));
                    }
                }
            }
        }
        // x - floordiv(x, c1) * c1 => floormod(x, c1); floordiv(x, c1) * c1 - x => 0 - floormod(x, c1).
        if let Some((d, c1)) = super::pattern::mul_const(b)
            && let Some((x, c)) = bin(d, BinaryOp::FloorDiv)
            && c.as_int() == Some(c1)
            && c1 != 0
            && same_expr(x, a)
        {
            return Ok(Some(fmod(x, c)?));
        }
        if let Some((d, c1)) = super::pattern::mul_const(a)
            && let Some((x, c)) = bin(d, BinaryOp::FloorDiv)
            && c.as_int() == Some(c1)
            && c1 != 0
            && same_expr(x, b)
        {
            return Ok(Some(sub(&int(0, x), &fmod(x, c)?)?));
        }
        // floordiv(x + c1, c3) - floordiv(x, c3) => floordiv(floormod(x, c3) + c1, c3).
        if let (Some((xc, c3)), Some((x2, c3b))) =
            (bin(a, BinaryOp::FloorDiv), bin(b, BinaryOp::FloorDiv))
            && let (Some((x, c1)), Some(c)) = (plus_const(xc), c3.as_int())
            && c > 0
            && c3b.as_int() == Some(c)
            && same_expr(x, x2)
        {
            return Ok(Some(fdiv(&add(&fmod(x, c3)?, &int(c1, x))?, c3)?));
        }
        // Canonicalization: x - c1 => x + (0 - c1), constants and negations move outwards.
        if let Some(c1) = b.as_int()
            && let Some(neg) = c1.checked_neg()
        {
            return Ok(Some(add(a, &int(neg, a))?));
        }
        if let Some((x, c1)) = plus_const(a) {
            let e = add(&sub(x, b)?, &int(c1, x))?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        if let Some((y, c1)) = plus_const(b)
            && let Some(neg) = c1.checked_neg()
        {
            let e = add(&sub(a, y)?, &int(neg, y))?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        if let Some((y, z)) = bin(b, BinaryOp::Sub) {
            let e = sub(&add(a, z)?, y)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        if let Some((y, c1)) = super::pattern::mul_const(b)
            && let Some(neg) = c1.checked_neg()
        {
            let e = add(a, &mul(y, &int(neg, y))?)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        Ok(None)
    }

    fn rewrite_mul(&mut self, a: &PrimExpr, b: &PrimExpr, mode: Mode) -> R<Option<PrimExpr>> {
        if let Some(c2) = b.as_int() {
            // (x + c1) * c2 => x * c2 + c1 * c2.
            if let Some((x, c1)) = plus_const(a)
                && let Some(c) = c1.checked_mul(c2)
            {
                return Ok(Some(add(&mul(x, b)?, &int(c, x))?));
            }
            // (x * c1) * c2 => x * (c1 * c2).
            if let Some((x, c1)) = super::pattern::mul_const(a)
                && let Some(c) = c1.checked_mul(c2)
            {
                return Ok(Some(mul(x, &int(c, x))?));
            }
            // (x - y) * c1 => (y - x) * (0 - c1) when c1 < 0.
            if c2 < 0
                && let Some((x, y)) = bin(a, BinaryOp::Sub)
            {
                let e = mul(&sub(y, x)?, &int(-c2, x))?;
                return Ok(Some(self.recursive_rewrite(e, mode)?));
            }
        }
        // x * (c1 * y) => (x * y) * c1; c1 * x => x * c1.
        if let Some((c1, y)) = bin(b, BinaryOp::Mul).filter(|(c, _)| c.as_int().is_some()) {
            let e = mul(&mul(a, y)?, c1)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        if a.as_int().is_some() {
            let e = mul(b, a)?;
            return Ok(Some(self.recursive_rewrite(e, mode)?));
        }
        Ok(None)
    }
}

/// `x * y ± x`, `x ± y * x` and `x * y ± x * z` with the common factor `x` pulled out, as TVM's
/// coefficient-folding rules (`sign` is 1 for `+`, -1 for `-`).
fn fold_common_factor(a: &PrimExpr, b: &PrimExpr, sign: i64) -> R<Option<PrimExpr>> {
    let combine = |p: &PrimExpr, q: &PrimExpr| if sign > 0 { add(p, q) } else { sub(p, q) };
    // x * y + x * z, with the common factor in any position, in TVM's order of alternatives.
    if let (Some(fa), Some(fb)) = (factors(a), factors(b)) {
        for (i, j) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
            let ((x, y), (x2, z)) = (fa[i], fb[j]);
            if same_expr(x, x2) {
                return Ok(Some(mul(&combine(y, z)?, x)?));
            }
        }
    }
    // x * y + x => (y + 1) * x.
    if let Some(fa) = factors(a) {
        for (x, y) in fa {
            if same_expr(x, b) {
                return Ok(Some(mul(&combine(y, &int(1, y))?, x)?));
            }
        }
    }
    // x + y * x => (y + 1) * x; x - y * x => (1 - y) * x.
    if let Some(fb) = factors(b) {
        for (x, y) in fb {
            if same_expr(x, a) {
                return Ok(Some(mul(&combine(&int(1, y), y)?, x)?));
            }
        }
    }
    Ok(None)
}

/// The two ways to read a product as `(factor, rest)`.
fn factors(e: &PrimExpr) -> Option<[(&PrimExpr, &PrimExpr); 2]> {
    bin(e, BinaryOp::Mul).map(|(p, q)| [(p, q), (q, p)])
}

//! Conditions in scope during region collection: the var ranges an `if` condition or realize
//! predicate narrows (TVM's `ConditionalBoundsContext`, for comparisons of a var with a constant),
//! and the tightening of a point access by a condition on the same index (the predicate-aware part
//! of TVM's `EstimateRegionUpperBound` that split loops with a tail need).

use crate::arith::{Analyzer, IntSet, ops};
use crate::ir::{CmpOp, Expr, PrimExpr, Var};

/// Narrows the constant bounds of a relaxed point access `index` by the enclosing conditions
/// that compare `index + d` (for a constant `d`) with a constant: the case of TVM's
/// predicate-aware `EstimateRegionUpperBound` that tiled loops with a tail produce
/// (`T.where(i0 * 32 + i1 < 100)` around an access at `i0 * 32 + i1`).
pub(super) fn tighten_by_conditions(
    pending: &[(PrimExpr, bool)],
    set: IntSet,
    index: &PrimExpr,
) -> IntSet {
    let (Some(mut lo), Some(mut hi)) =
        (set.min.as_ref().and_then(PrimExpr::as_int), set.max.as_ref().and_then(PrimExpr::as_int))
    else {
        return set;
    };
    let mut analyzer = Analyzer::new();
    for (condition, negate) in pending {
        for (lhs, op, c) in comparisons(condition, *negate) {
            let Ok(difference) = ops::sub(index.clone(), lhs) else { continue };
            let Some(d) = analyzer.simplify(&difference).as_int() else { continue };
            let bound = c.saturating_add(d);
            match op {
                CmpOp::Lt => hi = hi.min(bound.saturating_sub(1)),
                CmpOp::Le => hi = hi.min(bound),
                CmpOp::Gt => lo = lo.max(bound.saturating_add(1)),
                CmpOp::Ge => lo = lo.max(bound),
                CmpOp::Eq => {
                    lo = lo.max(bound);
                    hi = hi.min(bound);
                }
                CmpOp::Ne => {}
            }
        }
    }
    if lo > hi {
        return set;
    }
    let dtype = index.dtype();
    IntSet { min: Some(PrimExpr::int(lo, dtype)), max: Some(PrimExpr::int(hi, dtype)) }
}

/// The comparisons `var op constant` a condition (negated if asked) implies: a conjunction of
/// comparisons of a var with a constant (either side), and an integer var used as a condition
/// (meaning `var != 0`).
pub(super) fn narrowings(condition: &PrimExpr, negate: bool) -> Vec<(Var, CmpOp, i64)> {
    match condition.expr() {
        Expr::And(a, b) if !negate => {
            let mut out = narrowings(a, false);
            out.extend(narrowings(b, false));
            out
        }
        Expr::Or(a, b) if negate => {
            let mut out = narrowings(a, true);
            out.extend(narrowings(b, true));
            out
        }
        Expr::Not(a) => narrowings(a, !negate),
        Expr::Var(v) if v.dtype().is_integer() => {
            vec![(v.clone(), if negate { CmpOp::Eq } else { CmpOp::Ne }, 0)]
        }
        Expr::Cmp { op, a, b } => {
            let (var, c, op) = match (a.as_var(), b.as_int(), b.as_var(), a.as_int()) {
                (Some(v), Some(c), _, _) => (v.clone(), c, *op),
                (_, _, Some(v), Some(c)) => (v.clone(), c, op.swapped()),
                _ => return Vec::new(),
            };
            vec![(var, if negate { op.negated() } else { op }, c)]
        }
        _ => Vec::new(),
    }
}
/// The comparisons `expr op constant` a condition (negated if asked) implies, from a conjunction
/// of comparisons with a constant on either side.
fn comparisons(condition: &PrimExpr, negate: bool) -> Vec<(PrimExpr, CmpOp, i64)> {
    match condition.expr() {
        Expr::And(a, b) if !negate => {
            let mut out = comparisons(a, false);
            out.extend(comparisons(b, false));
            out
        }
        Expr::Or(a, b) if negate => {
            let mut out = comparisons(a, true);
            out.extend(comparisons(b, true));
            out
        }
        Expr::Not(a) => comparisons(a, !negate),
        Expr::Cmp { op, a, b } if a.dtype().is_integer() => {
            let (lhs, c, op) = match (b.as_int(), a.as_int()) {
                (Some(c), None) => (a.clone(), c, *op),
                (None, Some(c)) => (b.clone(), c, op.swapped()),
                _ => return Vec::new(),
            };
            vec![(lhs, if negate { op.negated() } else { op }, c)]
        }
        _ => Vec::new(),
    }
}

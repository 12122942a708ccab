//! The predicate of an iterator map (TVM's `MatchBoundConstraints`): a conjunction of integer
//! comparisons, each either bounding one input iterator, which narrows its range, or bounding a
//! compound expression of iterators, which TVM turns into a constrained fused iterator.
//!
//! Only the first kind is reproduced. A predicate with a compound bound is reported as outside
//! the subset (no detection, and no retry without the predicate, since TVM would have used it); a
//! predicate that is not such a conjunction makes TVM's detection fail, after which TVM retries
//! without it, and so does [`super::iter_map_simplify`].

use crate::arith::ops;
use crate::ir::{CmpOp, Expr, PrimExpr, Range, Var};

/// One comparison of the predicate, with the bounded side first.
struct Bound {
    iter: PrimExpr,
    lower: Option<PrimExpr>,
    upper: Option<PrimExpr>,
}

/// What parsing the predicate found.
enum Parsed {
    /// Not a conjunction of integer comparisons: TVM's detection fails on it.
    Unparsable,
    /// Some bound is on a compound expression of iterators (outside the subset).
    Compound,
    /// Bounds of single iterators only.
    Simple(Vec<Bound>),
}

/// The input iterators with their ranges narrowed by `predicate`; `None` when TVM's detection
/// fails on the predicate or the predicate is outside the subset.
pub(super) fn narrow_ranges(
    predicate: &PrimExpr,
    input_iters: &[(Var, Range)],
) -> Option<Vec<(Var, Range)>> {
    if super::is_const(predicate, 1) {
        return Some(input_iters.to_vec());
    }
    let Parsed::Simple(bounds) = parse(predicate, input_iters) else {
        return None;
    };
    let mut iters = input_iters.to_vec();
    for bound in bounds {
        let var = bound.iter.as_var()?;
        let Some(slot) = iters.iter_mut().find(|(v, _)| v == var) else {
            continue;
        };
        let range = &slot.1;
        let mut iter_min = range.min.clone();
        let mut iter_max = ops::add(range.min.clone(), range.extent.clone()).ok()?;
        if let Some(lower) = bound.lower {
            iter_min = ops::max(iter_min, lower).ok()?;
        }
        if let Some(upper) = bound.upper {
            iter_max = ops::min(iter_max, upper).ok()?;
        }
        // TVM's `Range(begin, end)` keeps `end` as the extent when `begin` is zero.
        let extent = if super::is_const(&iter_min, 0) {
            iter_max
        } else {
            ops::sub(iter_max, iter_min.clone()).ok()?
        };
        slot.1 = Range::new(iter_min, extent);
    }
    Some(iters)
}

/// Whether `predicate` bounds a compound expression of iterators, which TVM would use and which
/// is outside the subset: then no result may be derived, with or without the predicate.
pub(super) fn is_outside_subset(predicate: &PrimExpr, input_iters: &[(Var, Range)]) -> bool {
    matches!(parse(predicate, input_iters), Parsed::Compound)
}

fn uses_iter(e: &PrimExpr, input_iters: &[(Var, Range)]) -> bool {
    let mut found = false;
    crate::ir::visit::walk_expr(e, &mut |node| {
        if let Some(v) = node.as_var()
            && input_iters.iter().any(|(iter, _)| iter == v)
        {
            found = true;
        }
    });
    found
}

/// Splits off one comparison: the `a && cmp` / `cmp && a` / `cmp` shapes in TVM's match order.
fn next_comparison(pred: &PrimExpr) -> Option<(CmpOp, PrimExpr, PrimExpr, Option<PrimExpr>)> {
    let cmp = |e: &PrimExpr, want: CmpOp| match e.expr() {
        Expr::Cmp { op, a, b } if *op == want => Some((a.clone(), b.clone())),
        _ => None,
    };
    for op in [CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge] {
        if let Expr::And(x, y) = pred.expr() {
            if let Some((a, b)) = cmp(y, op) {
                return Some((op, a, b, Some(x.clone())));
            }
            if let Some((a, b)) = cmp(x, op) {
                return Some((op, a, b, Some(y.clone())));
            }
        }
        if let Some((a, b)) = cmp(pred, op) {
            return Some((op, a, b, None));
        }
    }
    None
}

fn parse(predicate: &PrimExpr, input_iters: &[(Var, Range)]) -> Parsed {
    let mut bounds = Vec::new();
    let mut compound = false;
    let mut pred = predicate.clone();
    loop {
        let Some((op, lhs, rhs, rest)) = next_comparison(&pred) else {
            return Parsed::Unparsable;
        };
        if !(lhs.dtype().is_integer() && rhs.dtype().is_integer()) {
            return Parsed::Unparsable;
        }
        let (lhs_uses, rhs_uses) = (uses_iter(&lhs, input_iters), uses_iter(&rhs, input_iters));
        if lhs_uses || rhs_uses {
            let bound_at_left = if lhs.as_int().is_some() || !lhs_uses {
                true
            } else if rhs.as_int().is_some() || !rhs_uses {
                false
            } else {
                // Both sides use iterators: TVM moves the iterator terms to one side, a compound
                // bound in all but degenerate cases.
                compound = true;
                false
            };
            let greater = matches!(op, CmpOp::Gt | CmpOp::Ge);
            let equal = matches!(op, CmpOp::Le | CmpOp::Ge);
            let plus_one = |e: &PrimExpr| ops::add(e.clone(), PrimExpr::int(1, e.dtype())).ok();
            let (iter, lower, upper) = match (greater, bound_at_left) {
                (true, true) => (rhs, None, if equal { plus_one(&lhs) } else { Some(lhs) }),
                (true, false) => (lhs, if equal { Some(rhs) } else { plus_one(&rhs) }, None),
                (false, true) => (rhs, if equal { Some(lhs) } else { plus_one(&lhs) }, None),
                (false, false) => (lhs, None, if equal { plus_one(&rhs) } else { Some(rhs) }),
            };
            if iter.as_var().is_none() {
                compound = true;
            }
            bounds.push(Bound { iter, lower, upper });
        }
        match rest {
            Some(r) => pred = r,
            None => break,
        }
    }
    if compound { Parsed::Compound } else { Parsed::Simple(bounds) }
}

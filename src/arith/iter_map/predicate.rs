//! The predicate of an iterator map (TVM's `MatchBoundConstraints`): a conjunction of integer
//! comparisons, each either bounding one input iterator, which narrows its range, or bounding a
//! compound expression of iterators, which becomes a [`Constraint`] that the rewriter turns into
//! a constrained fused iterator. A predicate that is not such a conjunction makes TVM's detection
//! fail (after which TVM retries without it, and so does [`super::iter_map_simplify`]).

use crate::arith::{Analyzer, ops};
use crate::ir::{BinaryOp, CmpOp, Expr, PrimExpr, Range, Var};

/// Input iterators with their ranges.
pub(super) type Iterators = Vec<(Var, Range)>;

/// A bound `lower <= iter < upper` on a compound expression of iterators.
pub(super) struct Constraint {
    pub(super) iter: PrimExpr,
    pub(super) lower: Option<PrimExpr>,
    pub(super) upper: Option<PrimExpr>,
}

/// The input iterators with their ranges narrowed by the single-iterator bounds of
/// `predicate`, and its compound bounds, smallest expression first; `None` when the predicate is
/// not a conjunction of integer comparisons.
pub(super) fn parse_predicate(
    predicate: &PrimExpr,
    input_iters: &[(Var, Range)],
) -> Option<(Iterators, Vec<Constraint>)> {
    let mut iters = input_iters.to_vec();
    if super::is_const(predicate, 1) {
        return Some((iters, Vec::new()));
    }
    let mut constraints = Vec::new();
    for bound in parse(predicate, input_iters)? {
        let Some(var) = bound.iter.as_var() else {
            constraints.push(bound);
            continue;
        };
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
    // TVM visits constraints from the smallest expression to the largest.
    constraints.sort_by_key(|c| expr_size(&c.iter));
    Some((iters, constraints))
}

/// The number of expression nodes of `e` (TVM's `CalculateExprComplexity`).
fn expr_size(e: &PrimExpr) -> usize {
    let mut size = 0;
    crate::ir::visit::walk_expr(e, &mut |_| size += 1);
    size
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

/// Splits `iter_side - bound_side` (both sides using iterators) into the iterator terms and the
/// rest, as TVM does, each simplified.
fn separate_iterators(
    lhs: &PrimExpr,
    rhs: &PrimExpr,
    input_iters: &[(Var, Range)],
) -> Option<(PrimExpr, PrimExpr)> {
    fn walk(
        part: &PrimExpr,
        positive: bool,
        iters: &[(Var, Range)],
        out: &mut (PrimExpr, PrimExpr),
    ) -> Option<()> {
        match part.expr() {
            Expr::Binary { op: BinaryOp::Add, a, b } => {
                walk(a, positive, iters, out)?;
                walk(b, positive, iters, out)
            }
            Expr::Binary { op: BinaryOp::Sub, a, b } => {
                walk(a, positive, iters, out)?;
                walk(b, !positive, iters, out)
            }
            _ if uses_iter(part, iters) => {
                let acc = out.0.clone();
                out.0 = if positive {
                    ops::add(acc, part.clone())
                } else {
                    ops::sub(acc, part.clone())
                }
                .ok()?;
                Some(())
            }
            _ => {
                let acc = out.1.clone();
                out.1 = if positive {
                    ops::sub(acc, part.clone())
                } else {
                    ops::add(acc, part.clone())
                }
                .ok()?;
                Some(())
            }
        }
    }
    let difference = ops::sub(lhs.clone(), rhs.clone()).ok()?;
    let mut out = (PrimExpr::i32(0), PrimExpr::i32(0));
    walk(&difference, true, input_iters, &mut out)?;
    let mut analyzer = Analyzer::new();
    Some((analyzer.simplify(&out.0), analyzer.simplify(&out.1)))
}

/// The comparisons of `predicate` that use iterators, in TVM's order; `None` when it is not a
/// conjunction of integer comparisons.
fn parse(predicate: &PrimExpr, input_iters: &[(Var, Range)]) -> Option<Vec<Constraint>> {
    let mut bounds = Vec::new();
    let mut pred = predicate.clone();
    loop {
        let (op, mut lhs, mut rhs, rest) = next_comparison(&pred)?;
        if !(lhs.dtype().is_integer() && rhs.dtype().is_integer()) {
            return None;
        }
        let (lhs_uses, rhs_uses) = (uses_iter(&lhs, input_iters), uses_iter(&rhs, input_iters));
        if lhs_uses || rhs_uses {
            let bound_at_left = if lhs.as_int().is_some() || !lhs_uses {
                true
            } else if rhs.as_int().is_some() || !rhs_uses {
                false
            } else {
                (lhs, rhs) = separate_iterators(&lhs, &rhs, input_iters)?;
                false
            };
            let greater = matches!(op, CmpOp::Gt | CmpOp::Ge);
            let equal = matches!(op, CmpOp::Le | CmpOp::Ge);
            let plus_one = |e: &PrimExpr| ops::add(e.clone(), PrimExpr::int(1, e.dtype())).ok();
            let (iter, lower, upper) = match (greater, bound_at_left) {
                (true, true) => (rhs, None, Some(if equal { plus_one(&lhs)? } else { lhs })),
                (true, false) => (lhs, Some(if equal { rhs } else { plus_one(&rhs)? }), None),
                (false, true) => (rhs, Some(if equal { lhs } else { plus_one(&lhs)? }), None),
                (false, false) => (lhs, None, Some(if equal { plus_one(&rhs)? } else { rhs })),
            };
            bounds.push(Constraint { iter, lower, upper });
        }
        match rest {
            Some(r) => pred = r,
            None => return Some(bounds),
        }
    }
}

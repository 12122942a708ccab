//! Constrained fused iterators (TVM's `RewriteIterConstraint`, `NormalizeToIterOnBoundExpr` and
//! `CheckConstraints`): a predicate bound `lower <= i * 4 + j < upper` fuses `i * 4 + j` into a
//! mark, then narrows that mark to `[max(lower, offset), min(upper, offset + extent))`. The
//! narrowed mark replaces the fused one, so an index containing `i * 4 + j` (possibly scaled,
//! `i * 8 + j * 2`) is fused through it, with the bounded extent.
//!
//! Invariants: the tables mirror TVM's maps. `fused` maps a flattened form to its mark and
//! offset, `flattened_of` a structured form to its flattened form; a narrowed mark is a new
//! object (TVM's copy-on-write of a shared mark), and `constrained` keeps the flattened forms in
//! the order the constraints were rewritten, smallest expression first.

use std::sync::Arc;

use super::fuse::{split_equal, sum_equal};
use super::predicate::Constraint;
use super::rewrite::{Rewriter, to_sum};
use super::{IterMark, IterSum, MarkSource, is_const};
use crate::arith::ops;
use crate::ir::{CmpOp, PrimExpr};

impl Rewriter<'_> {
    /// The mark and offset of a flattened form (TVM's `sum_fuse_map_` lookup).
    pub(super) fn fused_mark(&self, flattened: &IterSum) -> Option<(Arc<IterMark>, PrimExpr)> {
        self.fused
            .iter()
            .find(|(f, _, _)| sum_equal(f, flattened))
            .map(|(_, mark, offset)| (mark.clone(), offset.clone()))
    }

    /// Sets the flattened form of `structured` (TVM's `flattened_map_[structured] = ...`).
    pub(super) fn set_flattened_of(&mut self, structured: IterSum, flattened: IterSum) {
        match self.flattened_of.iter_mut().find(|(s, _)| sum_equal(s, &structured)) {
            Some(slot) => slot.1 = flattened,
            None => self.flattened_of.push((structured, flattened)),
        }
    }

    /// Rewrites one predicate bound into a constrained fused iterator; `None` (with `failed` or
    /// `outside_subset` set) when the bounded expression cannot be fused.
    pub(super) fn rewrite_constraint(&mut self, constraint: &Constraint) -> Option<()> {
        let mut sum = to_sum(self.mutate(&constraint.iter));
        let narrowed = self.narrow_to_bounds(&mut sum, constraint);
        if narrowed.is_none() {
            self.failed = true;
        }
        if self.failed || self.outside_subset { None } else { Some(()) }
    }

    /// TVM's `NormalizeToIterOnBoundExpr`.
    fn narrow_to_bounds(&mut self, sum: &mut IterSum, constraint: &Constraint) -> Option<()> {
        let (mut lower, mut upper) = (constraint.lower.clone(), constraint.upper.clone());
        let base = sum.base.clone();
        if !is_const(&base, 0) {
            sum.base = PrimExpr::int(0, base.dtype());
            lower = lower.map(|l| ops::sub(l, base.clone())).transpose().ok()?;
            upper = upper.map(|u| ops::sub(u, base.clone())).transpose().ok()?;
        }
        let fused = self.try_fuse_iters(sum.clone(), false)?;
        let split = fused.args.first()?;
        if fused.args.len() != 1 || !is_const(&split.scale, 1) {
            return None;
        }
        let MarkSource::Sum(structured) = &split.source.source else {
            return None;
        };
        let mut structured = structured.clone();
        let index = self.flattened_of.iter().position(|(s, _)| sum_equal(s, &structured))?;
        let flattened = self.flattened_of[index].1.clone();
        let (mark, offset) = self.fused_mark(&flattened)?;
        let mut iter_min = offset;
        let mut iter_max = ops::add(iter_min.clone(), mark.extent.clone()).ok()?;
        let mut min_delta = PrimExpr::int(0, iter_min.dtype());
        if let Some(lower) = lower {
            let raised = ops::max(lower, iter_min.clone()).ok()?;
            min_delta = ops::sub(raised.clone(), iter_min).ok()?;
            iter_min = raised;
        }
        if let Some(upper) = upper {
            let within = ops::compare(CmpOp::Le, upper.clone(), iter_max.clone()).ok()?;
            iter_max = if self.analyzer.can_prove(&within) {
                upper
            } else {
                ops::min(upper, iter_max).ok()?
            };
        }
        let source = if is_const(&min_delta, 0) {
            match &mark.source {
                MarkSource::Sum(s) => s.clone(),
                MarkSource::Expr(_) => return None,
            }
        } else {
            self.flattened_of.remove(index);
            structured.base = ops::sub(structured.base, min_delta).ok()?;
            self.set_flattened_of(structured.clone(), flattened.clone());
            structured
        };
        let extent = ops::sub(iter_max, iter_min.clone()).ok()?;
        let narrowed = Arc::new(IterMark { source: MarkSource::Sum(source), extent });
        match self.fused.iter_mut().find(|(f, _, _)| sum_equal(f, &flattened)) {
            Some(slot) => {
                slot.1 = narrowed;
                slot.2 = iter_min;
            }
            None => self.fused.push((flattened.clone(), narrowed, iter_min)),
        }
        self.constrained.push(flattened);
        Some(())
    }

    /// TVM's `CheckConstraints`: any two constrained sums are nested or share no split.
    pub(super) fn constraints_are_nested_or_disjoint(&self) -> bool {
        let sums = &self.constrained;
        for (i, small) in sums.iter().enumerate() {
            for large in &sums[i + 1..] {
                // 0: undecided, 1: inclusion, -1: no intersection.
                let mut state = 0;
                for a in &small.args {
                    let found = large.args.iter().any(|b| split_equal(a, b));
                    if state == 0 {
                        state = if found { 1 } else { -1 };
                    } else if (state == -1 && found) || (state == 1 && !found) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

//! Floor division and modulo of one split by a non-iterator (TVM's `SplitFloorDivConst` and
//! `SplitFloorModConst`): `(x * c1 * c2) // c2`, `(x * c1) // (c1 * c2)` and the like reduce to a
//! split with a unit scale, which the divisor then slices: `floordiv` keeps the upper part
//! (`lower_factor * d`, `extent / d`), `floormod` the lower part (extent `d`).
//!
//! Invariant: only the first, padding-free pass of TVM is reproduced. When the split plus its
//! base is not provably divisible by the divisor, TVM would pad the iterator; the rewriter then
//! records `outside_subset` and the detection is discarded.

use super::rewrite::{Rewriter, Term};
use super::{IterSplit, IterSum, is_const};
use crate::arith::ops;
use crate::ir::PrimExpr;

impl Rewriter<'_> {
    /// `(lhs + base) // rhs`; `None` when it cannot be represented.
    pub(super) fn split_floor_div(
        &mut self,
        mut lhs: IterSplit,
        mut base: PrimExpr,
        mut rhs: PrimExpr,
    ) -> Option<Term> {
        if is_const(&rhs, 1) {
            return Some(if is_const(&base, 0) {
                Term::Split(lhs)
            } else {
                Term::Sum(IterSum { args: vec![lhs], base })
            });
        }
        if !is_const(&lhs.scale, 1) {
            let one = PrimExpr::int(1, rhs.dtype());
            if self.divisible(&lhs.scale, &rhs) && is_const(&base, 0) {
                lhs.scale = ops::floordiv(lhs.scale, rhs).ok()?;
                return Some(Term::Split(lhs));
            } else if self.divisible(&lhs.scale, &rhs) && self.divisible(&base, &rhs) {
                lhs.scale = ops::floordiv(lhs.scale, rhs.clone()).ok()?;
                let base = ops::floordiv(base, rhs).ok()?;
                return Some(Term::Sum(IterSum { args: vec![lhs], base }));
            } else if self.divisible(&rhs, &lhs.scale) && is_const(&base, 0) {
                rhs = ops::floordiv(rhs, lhs.scale.clone()).ok()?;
                lhs.scale = one;
            } else if self.divisible(&rhs, &lhs.scale) && self.divisible(&base, &lhs.scale) {
                base = ops::floordiv(base, lhs.scale.clone()).ok()?;
                rhs = ops::floordiv(rhs, lhs.scale.clone()).ok()?;
                lhs.scale = one;
            } else {
                return None;
            }
        }
        let padded = self.check_no_padding(lhs, &base, &rhs)?;
        if !self.divisible(&padded.extent, &rhs) {
            // TVM's remaining branches only follow from padding.
            self.outside_subset = true;
            return None;
        }
        let extent = ops::floordiv(padded.extent.clone(), rhs.clone()).ok()?;
        let new_split = IterSplit {
            source: padded.source.clone(),
            lower_factor: ops::mul(padded.lower_factor.clone(), rhs.clone()).ok()?,
            extent: self.analyzer.simplify(&extent),
            scale: padded.scale,
        };
        // The left padding is zero here, so the new base is `base // rhs`, simplified with the
        // six steps TVM asks for.
        let new_base = self.simplify_steps(&ops::floordiv(base, rhs).ok()?, 6);
        Some(if is_const(&new_base, 0) {
            Term::Split(new_split)
        } else {
            Term::Sum(IterSum { args: vec![new_split], base: new_base })
        })
    }

    /// `(lhs + base) % rhs`; `None` when it cannot be represented.
    pub(super) fn split_floor_mod(
        &mut self,
        lhs: IterSplit,
        mut base: PrimExpr,
        mut rhs: PrimExpr,
    ) -> Option<Term> {
        if is_const(&rhs, 1) {
            return Some(Term::Plain(PrimExpr::int(0, lhs.dtype())));
        }
        if !is_const(&lhs.scale, 1) {
            if self.divisible(&lhs.scale, &rhs) && self.divisible(&base, &rhs) {
                return Some(Term::Plain(PrimExpr::int(0, lhs.dtype())));
            } else if self.divisible(&rhs, &lhs.scale) && is_const(&base, 0) {
                rhs = ops::floordiv(rhs, lhs.scale.clone()).ok()?;
            } else if self.divisible(&rhs, &lhs.scale) && self.divisible(&base, &lhs.scale) {
                rhs = ops::floordiv(rhs, lhs.scale.clone()).ok()?;
                base = ops::floordiv(base, lhs.scale.clone()).ok()?;
            } else {
                return None;
            }
        }
        let padded = self.check_no_padding(lhs, &base, &rhs)?;
        Some(Term::Split(IterSplit {
            source: padded.source,
            lower_factor: padded.lower_factor,
            extent: rhs,
            scale: padded.scale,
        }))
    }

    /// TVM's `PadDividendToDivisor` in its first pass, where no padding is needed: the split
    /// itself when `base % divisor` is zero and `extent` is a multiple of `divisor`, otherwise
    /// `None` with `outside_subset` set.
    fn check_no_padding(
        &mut self,
        split: IterSplit,
        base: &PrimExpr,
        divisor: &PrimExpr,
    ) -> Option<IterSplit> {
        let left_pad = self.analyzer.simplify(&ops::floormod(base.clone(), divisor.clone()).ok()?);
        let right_edge = ops::add(left_pad.clone(), split.extent.clone()).ok()?;
        let right_pad_is_zero = self.divisible(&right_edge, divisor) || {
            let negated = ops::neg(right_edge).ok()?;
            let pad = self.analyzer.simplify(&ops::floormod(negated, divisor.clone()).ok()?);
            is_const(&pad, 0)
        };
        if is_const(&left_pad, 0) && right_pad_is_zero {
            Some(split)
        } else {
            self.outside_subset = true;
            None
        }
    }

    /// TVM's `Analyzer::Simplify(e, steps)`: a canonical simplification, then `steps`
    /// alternating rewrite and canonical ones, stopping at a constant.
    fn simplify_steps(&mut self, e: &PrimExpr, steps: usize) -> PrimExpr {
        let mut result = self.analyzer.canonical_simplify(e);
        for step in 0..steps {
            if result.as_int().is_some() {
                break;
            }
            result = if step % 2 == 0 {
                self.analyzer.rewrite_simplify(&result)
            } else {
                self.analyzer.canonical_simplify(&result)
            };
        }
        result
    }
}

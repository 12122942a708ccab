//! Fusing the splits of a sum into one iterator (TVM's `TryFuseIters` and
//! `TryCombineSplitFromSameSource`, without iterator constraints).
//!
//! Starting from the split with the smallest scale, each next split must have exactly the scale
//! `extent * scale` of the previous one (or, when the smallest scale is one, the closest smaller
//! scale, which leaves a gap counted in the fused extent): `i * 32 + j` with `j < 32` fuses into
//! one mark over `[0, 32 * extent(i))`. Splits of one mark that are adjacent slices are first
//! merged: `x // 8 % 4 * 8 + x % 8` is the slice `x % 32`.
//!
//! Invariant: every search runs in TVM's order (reverse index order, ties as TVM breaks them),
//! and equal flattened forms reuse one mark, so that identical sums get identical marks.

use std::sync::Arc;

use super::rewrite::Rewriter;
use super::{IterMark, IterSplit, IterSum, MarkSource, is_const};
use crate::arith::{ops, same_expr};
use crate::ir::{BinaryOp, Expr, PrimExpr};

/// Calls `f` on the factors of a product tree (TVM's `UnpackReduction<MulNode>`).
fn unpack_product(e: &PrimExpr, f: &mut dyn FnMut(&PrimExpr)) {
    match e.expr() {
        Expr::Binary { op: BinaryOp::Mul, a, b } => {
            unpack_product(a, f);
            unpack_product(b, f);
        }
        _ => f(e),
    }
}

/// `lhs * rhs` as symbolic factors times one constant (TVM's `MulAndNormalize`).
pub(super) fn mul_and_normalize(lhs: &PrimExpr, rhs: &PrimExpr) -> Option<PrimExpr> {
    let mut constant = 1i64;
    let mut product = PrimExpr::int(1, lhs.dtype());
    let mut ok = true;
    for side in [lhs, rhs] {
        unpack_product(side, &mut |factor| match factor.as_int() {
            Some(c) => constant = constant.wrapping_mul(c),
            None => match ops::mul(product.clone(), factor.clone()) {
                Ok(p) => product = p,
                Err(_) => ok = false,
            },
        });
    }
    if !ok {
        return None;
    }
    if constant != 1 {
        product = ops::mul(product.clone(), PrimExpr::int(constant, product.dtype())).ok()?;
    }
    Some(product)
}

fn same_mark(a: &Arc<IterMark>, b: Option<&Arc<IterMark>>) -> bool {
    b.is_none_or(|b| Arc::ptr_eq(a, b))
}

/// TVM's `IterSplitEqual`.
pub(super) fn split_equal(a: &IterSplit, b: &IterSplit) -> bool {
    split_equal_but_scale(a, b) && same_expr(&a.scale, &b.scale)
}

/// TVM's `IterSplitEqual` with `check_scale = false`.
fn split_equal_but_scale(a: &IterSplit, b: &IterSplit) -> bool {
    Arc::ptr_eq(&a.source, &b.source)
        && same_expr(&a.lower_factor, &b.lower_factor)
        && same_expr(&a.extent, &b.extent)
}

/// TVM's `IterSumEqual`.
pub(super) fn sum_equal(a: &IterSum, b: &IterSum) -> bool {
    a.args.len() == b.args.len()
        && same_expr(&a.base, &b.base)
        && a.args.iter().zip(&b.args).all(|(x, y)| split_equal(x, y))
}

/// The index of the split with the smallest scale (TVM's `FindBaseIter`).
fn find_base_iter(
    sum: &IterSum,
    skip: &[bool],
    source: Option<&Arc<IterMark>>,
    rbegin: usize,
) -> Option<usize> {
    let candidates =
        || (0..=rbegin).rev().filter(|&i| !skip[i] && same_mark(&sum.args[i].source, source));
    let mut base: Option<(usize, i64)> = None;
    for i in candidates() {
        if let Some(scale) = sum.args[i].scale.as_int() {
            match base {
                Some((_, min)) if scale > min => {}
                Some((b, min)) if scale == min => {
                    if is_const(&sum.args[i].extent, 1) && !is_const(&sum.args[b].extent, 1) {
                        base = Some((i, min));
                    }
                }
                _ => base = Some((i, scale)),
            }
        }
    }
    if let Some((b, _)) = base {
        return Some(b);
    }
    let mut best: Option<(usize, usize)> = None;
    for i in candidates() {
        let mut size = 0;
        unpack_product(&sum.args[i].scale, &mut |_| size += 1);
        if best.is_none_or(|(_, min)| size < min) {
            best = Some((i, size));
        }
    }
    best.map(|(i, _)| i)
}

impl Rewriter<'_> {
    /// The split with exactly `scale`, unit extents first (TVM's `FindIterWithExactScale`).
    fn find_exact_scale(
        &mut self,
        sum: &IterSum,
        skip: &[bool],
        scale: &PrimExpr,
        source: Option<&Arc<IterMark>>,
        rbegin: usize,
        first_unit_extent: usize,
    ) -> Option<usize> {
        let mut matched = None;
        for j in (0..=rbegin).rev() {
            if skip[j] || !same_mark(&sum.args[j].source, source) {
                continue;
            }
            if self.analyzer.can_prove_equal(&sum.args[j].scale, scale) {
                if is_const(&sum.args[j].extent, 1) {
                    return Some(j);
                }
                matched = matched.or(Some(j));
                if j <= first_unit_extent {
                    return matched;
                }
            }
        }
        matched
    }

    /// The split whose scale is the largest one not above `expected` (TVM's
    /// `FindIterSmallerClosestToScale`), with that scale.
    fn find_smaller_closest(
        &mut self,
        sum: &IterSum,
        skip: &[bool],
        expected: &PrimExpr,
    ) -> Option<(usize, PrimExpr)> {
        let mut matched: Option<(usize, PrimExpr)> = None;
        for j in (0..sum.args.len()).rev() {
            if skip[j] {
                continue;
            }
            let scale = &sum.args[j].scale;
            let gap = ops::sub(expected.clone(), scale.clone()).ok()?;
            if self.analyzer.can_prove_greater_equal(&gap, 0)
                && self.analyzer.can_prove_greater_equal(scale, 0)
            {
                let closer = match &matched {
                    None => true,
                    Some((_, best)) => {
                        let diff = ops::sub(best.clone(), scale.clone()).ok()?;
                        self.analyzer.can_prove_less(&diff, 0)
                    }
                };
                if closer {
                    matched = Some((j, scale.clone()));
                }
            }
        }
        matched
    }

    /// Merges adjacent slices of one mark (TVM's `TryCombineSplitFromSameSource`); `None` when
    /// no mark is split twice.
    pub(super) fn try_combine_same_source(&mut self, sum: &IterSum) -> Option<IterSum> {
        let n = sum.args.len();
        if n <= 1 {
            return None;
        }
        let hits = |i: usize| {
            sum.args.iter().filter(|a| Arc::ptr_eq(&a.source, &sum.args[i].source)).count()
        };
        if (0..n).all(|i| hits(i) == 1) {
            return None;
        }
        let first_unit = sum.args.iter().position(|a| is_const(&a.extent, 1)).unwrap_or(n);
        let mut visited = vec![false; n];
        let mut reversed = Vec::new();
        let mut rend = n;
        while rend > 0 {
            let last = rend - 1;
            if visited[last] {
                rend -= 1;
                continue;
            }
            if hits(last) == 1 {
                reversed.push(sum.args[last].clone());
                visited[last] = true;
                rend -= 1;
                continue;
            }
            let source = sum.args[last].source.clone();
            let base = find_base_iter(sum, &visited, Some(&source), last)?;
            visited[base] = true;
            let mut rhs = sum.args[base].clone();
            loop {
                let lhs_scale = mul_and_normalize(&rhs.extent, &rhs.scale)?;
                let Some(m) = self.find_exact_scale(
                    sum,
                    &visited,
                    &lhs_scale,
                    Some(&source),
                    last,
                    first_unit,
                ) else {
                    break;
                };
                let lhs = &sum.args[m];
                let lhs_lower_factor = mul_and_normalize(&rhs.lower_factor, &rhs.extent)?;
                if !self.analyzer.can_prove_equal(&lhs.lower_factor, &lhs_lower_factor) {
                    break;
                }
                visited[m] = true;
                rhs.extent = mul_and_normalize(&lhs.extent, &rhs.extent)?;
            }
            reversed.push(rhs);
        }
        reversed.reverse();
        Some(IterSum { args: reversed, base: sum.base.clone() })
    }

    /// Fuses the splits of `sum` into one split of a (possibly new) mark, plus the base (TVM's
    /// `TryFuseIters`); a run of splits that forms a constrained sum is taken as that sum's
    /// mark. `None` when the scales do not chain.
    pub(super) fn try_fuse_iters(
        &mut self,
        sum: IterSum,
        allow_early_skip: bool,
    ) -> Option<IterSum> {
        let sum = match self.try_combine_same_source(&sum) {
            Some(combined) if combined.args.len() <= 1 && allow_early_skip => {
                return Some(combined);
            }
            Some(combined) => combined,
            None => sum,
        };
        let n = sum.args.len();
        if n == 0 {
            return None;
        }
        let mut visited = vec![false; n];
        let base_index = find_base_iter(&sum, &visited, None, n - 1)?;
        let base_scale = sum.args[base_index].scale.clone();
        let dtype = sum.base.dtype();
        let (mut flattened, mut grouped) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut extra_base = PrimExpr::int(0, dtype);
        let mut tail_extent = PrimExpr::int(0, dtype);
        let mut expected_scale = base_scale.clone();
        let first_unit = sum.args.iter().position(|a| is_const(&a.extent, 1)).unwrap_or(n);
        let mut i = 0;
        while i < n {
            let exact = if i == 0 {
                Some(base_index)
            } else {
                self.find_exact_scale(&sum, &visited, &expected_scale, None, n - 1, first_unit)
            };
            let (pos, matched_scale, is_exact) = match exact {
                Some(pos) => (pos, expected_scale.clone(), true),
                None if is_const(&base_scale, 1) => {
                    let (pos, scale) =
                        self.find_smaller_closest(&sum, &visited, &expected_scale)?;
                    (pos, scale, false)
                }
                None => return None,
            };
            // The longest constrained sum whose innermost split is the matched one.
            let mut constraint: Option<IterSum> = None;
            for c in &self.constrained {
                let innermost = c.args.last()?;
                if split_equal_but_scale(&sum.args[pos], innermost)
                    && constraint.as_ref().is_none_or(|best| best.args.len() < c.args.len())
                {
                    constraint = Some(c.clone());
                }
            }
            if !is_exact {
                let gap = ops::sub(expected_scale.clone(), matched_scale.clone()).ok()?;
                tail_extent = ops::add(tail_extent, gap).ok()?;
            }
            if let Some(constraint) = constraint {
                for it in constraint.args.iter().rev() {
                    let wanted = ops::mul(it.scale.clone(), matched_scale.clone()).ok()?;
                    let k = (0..n).find(|&k| {
                        !visited[k]
                            && split_equal_but_scale(&sum.args[k], it)
                            && self.analyzer.can_prove_equal(&wanted, &sum.args[k].scale)
                    })?;
                    visited[k] = true;
                    flattened.push(sum.args[k].clone());
                }
                let (mark, offset) = self.fused_mark(&constraint)?;
                let scale = ops::floordiv(matched_scale.clone(), base_scale.clone()).ok()?;
                grouped.push(IterSplit::whole(&mark, scale));
                let shift = ops::mul(offset, matched_scale.clone()).ok()?;
                extra_base = ops::add(extra_base, shift).ok()?;
                expected_scale = mul_and_normalize(&mark.extent, &matched_scale)?;
                i += constraint.args.len();
            } else {
                visited[pos] = true;
                let mut arg = sum.args[pos].clone();
                let scale = ops::floordiv(arg.scale, base_scale.clone()).ok()?;
                arg.scale = self.analyzer.simplify(&scale);
                flattened.push(arg.clone());
                grouped.push(arg);
                expected_scale = mul_and_normalize(&sum.args[pos].extent, &matched_scale)?;
                i += 1;
            }
        }
        flattened.reverse();
        grouped.reverse();
        let flattened = IterSum { args: flattened, base: PrimExpr::int(0, dtype) };
        let structured = IterSum { args: grouped, base: PrimExpr::int(0, dtype) };
        let base = ops::add(sum.base, extra_base.clone()).ok()?;
        if let Some((mark, offset)) = self.fused_mark(&flattened) {
            let old = ops::mul(offset, base_scale.clone()).ok()?;
            if !self.analyzer.can_prove_equal(&extra_base, &old) {
                return None;
            }
            return Some(IterSum { args: vec![IterSplit::whole(&mark, base_scale)], base });
        }
        let extent = ops::binary(BinaryOp::Div, expected_scale, base_scale.clone()).ok()?;
        let extent = ops::add(extent, tail_extent).ok()?;
        let mark = Arc::new(IterMark { source: MarkSource::Sum(structured.clone()), extent });
        self.fused.push((flattened.clone(), mark.clone(), extra_base));
        self.set_flattened_of(structured, flattened);
        Some(IterSum { args: vec![IterSplit::whole(&mark, base_scale)], base })
    }
}

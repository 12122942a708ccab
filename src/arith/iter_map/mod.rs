//! Iterator-map detection and simplification (TVM v0.23 `arith::IterMapSimplify`, in
//! `src/arith/iter_affine_map.cc`), the subset FlattenBuffer needs.
//!
//! An index over loop variables is rewritten into an [`IterSum`]: a sum of [`IterSplit`]s plus a
//! base free of loop variables. A split `(source // lower_factor) % extent * scale` takes a slice
//! of an [`IterMark`], an iterator `source` ranging over `[0, extent)`: a loop variable (or
//! `var - min`), or a fused sum of splits of other marks. Detection (TVM's `DetectIterMap` at the
//! surjective level, trivial unit-extent iterators simplified) rewrites each index, fuses its
//! splits into one mark when their scales chain (`i * 32 + j` with `j < 32`), and checks that the
//! splits of every mark could come from non-overlapping slices of it. A detected index is then
//! printed back from its normal form ([`to_expr`]), which is what TVM's FlattenBuffer emits:
//! `i * 16 + j * 2` with `j < 8` becomes `(i * 8 + j) * 2`.
//!
//! A predicate (`i * 4 + j < 14`) narrows single iterators and turns bounded sums into
//! constrained fused iterators ([`constraint`]), which later indices reuse.
//!
//! Invariants and the subset: every step follows TVM's algorithm (same search orders, same
//! constant folding as TVM's operators, same analyzer queries), so a detected result is the
//! expression TVM prints, provided our analyzer proves what TVM's proves. Where TVM would go on
//! with machinery not reproduced here (padding a mark that a divisor does not divide), the
//! detection reports [`NotDetected::OutsideSubset`] and [`iter_map_simplify`] returns its input
//! unchanged: TVM's own result whenever its detection fails, and otherwise a form TVM may print
//! differently, never a detection TVM would not make.

mod check;
mod constraint;
mod divide;
mod fuse;
mod predicate;
#[cfg(test)]
mod property_tests;
mod rewrite;
#[cfg(test)]
mod tests;
mod to_expr;

use std::sync::Arc;

use super::Analyzer;
use crate::ir::{DataType, PrimExpr, Range, Var};

pub use to_expr::{split_to_expr, sum_to_expr};

/// An iterator over `[0, extent)`: a loop variable (`var`, or `var - min`) or a fused sum.
#[derive(Debug)]
pub struct IterMark {
    pub source: MarkSource,
    pub extent: PrimExpr,
}

/// What an [`IterMark`] iterates over.
#[derive(Debug)]
pub enum MarkSource {
    /// A plain expression over one loop variable.
    Expr(PrimExpr),
    /// A fused iterator: the splits of other marks, outermost first, with a base.
    Sum(IterSum),
}

impl IterMark {
    pub fn dtype(&self) -> DataType {
        match &self.source {
            MarkSource::Expr(e) => e.dtype(),
            MarkSource::Sum(s) => s.base.dtype(),
        }
    }
}

/// `(source // lower_factor) % extent * scale`. Marks are compared by identity (`Arc::ptr_eq`),
/// as TVM compares `IterMark` objects.
#[derive(Clone, Debug)]
pub struct IterSplit {
    pub source: Arc<IterMark>,
    pub lower_factor: PrimExpr,
    pub extent: PrimExpr,
    pub scale: PrimExpr,
}

impl IterSplit {
    /// The whole of `mark`, scaled by `scale`.
    pub fn whole(mark: &Arc<IterMark>, scale: PrimExpr) -> IterSplit {
        IterSplit {
            source: mark.clone(),
            lower_factor: PrimExpr::int(1, mark.dtype()),
            extent: mark.extent.clone(),
            scale,
        }
    }

    pub fn dtype(&self) -> DataType {
        self.source.dtype()
    }
}

/// `args[0] + args[1] + ... + base`, the base free of input iterators.
#[derive(Clone, Debug)]
pub struct IterSum {
    pub args: Vec<IterSplit>,
    pub base: PrimExpr,
}

/// Whether `e` is the literal constant `value`.
pub(crate) fn is_const(e: &PrimExpr, value: i64) -> bool {
    e.as_int() == Some(value)
}

/// Why a detection produced no iterator map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotDetected {
    /// TVM's detection fails too.
    NotAnIterMap,
    /// TVM would go on with machinery outside the subset (padding); its result is unknown here.
    OutsideSubset,
}

/// Detects `indices` as a surjective iterator map over `input_iters` (in their recorded order)
/// under `predicate`, as TVM's `DetectIterMap` with `simplify_trivial_iterators`.
pub fn detect_iter_map(
    indices: &[PrimExpr],
    input_iters: &[(Var, Range)],
    predicate: &PrimExpr,
    analyzer: &mut Analyzer,
) -> Result<Vec<IterSum>, NotDetected> {
    if !ranges_are_independent(input_iters) {
        return Err(NotDetected::NotAnIterMap);
    }
    let (iters, constraints) =
        predicate::parse_predicate(predicate, input_iters).ok_or(NotDetected::NotAnIterMap)?;
    let mut rewriter = rewrite::Rewriter::new(analyzer, &iters);
    let outcome = |rewriter: &rewrite::Rewriter| {
        if rewriter.outside_subset { NotDetected::OutsideSubset } else { NotDetected::NotAnIterMap }
    };
    for constraint in &constraints {
        if rewriter.rewrite_constraint(constraint).is_none() {
            return Err(outcome(&rewriter));
        }
    }
    if !rewriter.constraints_are_nested_or_disjoint() {
        return Err(NotDetected::NotAnIterMap);
    }
    let mut sums = Vec::with_capacity(indices.len());
    for index in indices {
        match rewriter.rewrite(index) {
            Some(sum) => sums.push(sum),
            None => return Err(outcome(&rewriter)),
        }
    }
    if rewriter.failed || rewriter.outside_subset {
        return Err(outcome(&rewriter));
    }
    if !rewriter.check_mapping(&sums) {
        return Err(NotDetected::NotAnIterMap);
    }
    Ok(sums)
}

/// Simplifies `indices` through their iterator map (TVM's `IterMapSimplify` at the surjective
/// level): the normal form of each detected index, or `indices` unchanged when detection fails.
pub fn iter_map_simplify(
    indices: &[PrimExpr],
    input_iters: &[(Var, Range)],
    predicate: &PrimExpr,
    analyzer: &mut Analyzer,
) -> Vec<PrimExpr> {
    if !ranges_are_independent(input_iters) {
        return indices.to_vec();
    }
    let mut detected = detect_iter_map(indices, input_iters, predicate, analyzer);
    if matches!(detected, Err(NotDetected::NotAnIterMap)) && !is_const(predicate, 1) {
        // TVM retries without the predicate, whose result is valid as well.
        detected = detect_iter_map(indices, input_iters, &PrimExpr::bool(true), analyzer);
    }
    let detected = detected.ok();
    let converted = detected.and_then(|sums| {
        sums.iter().map(|s| to_expr::sum_to_expr(s, analyzer)).collect::<Option<Vec<_>>>()
    });
    converted.unwrap_or_else(|| indices.to_vec())
}

/// TVM's `IterRangeSanityCheck`: no range may mention an input iterator.
fn ranges_are_independent(input_iters: &[(Var, Range)]) -> bool {
    let mut independent = true;
    for (_, range) in input_iters {
        for e in [&range.min, &range.extent] {
            crate::ir::visit::walk_expr(e, &mut |node| {
                if let Some(v) = node.as_var()
                    && input_iters.iter().any(|(iter, _)| iter == v)
                {
                    independent = false;
                }
            });
        }
    }
    independent
}

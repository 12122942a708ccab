//! Iterator sums back to expressions (TVM's `IterMapToExprNormalizer`): a split prints as
//! `source * scale` when it is the whole mark, `source // lower_factor * scale` when it is the
//! top slice, and `source % (lower_factor * extent) // lower_factor * scale` otherwise, each
//! through TVM's constant-folding operators; a sum adds its splits in order, then its base.
//! `None` only if an operator rejects its operands (mismatched types), which detected integer
//! indices never have.

use super::{IterSplit, IterSum, MarkSource, is_const};
use crate::arith::{Analyzer, ops};
use crate::ir::{CmpOp, PrimExpr};

/// The expression of `sum`, as TVM's `ConvertIterSumExpr`.
pub fn sum_to_expr(sum: &IterSum, analyzer: &mut Analyzer) -> Option<PrimExpr> {
    let mut result = PrimExpr::i32(0);
    for arg in &sum.args {
        result = ops::add(result, split_to_expr(arg, analyzer)?).ok()?;
    }
    ops::add(result, sum.base.clone()).ok()
}

fn provably_equal(analyzer: &mut Analyzer, a: &PrimExpr, b: &PrimExpr) -> bool {
    ops::compare(CmpOp::Eq, a.clone(), b.clone()).is_ok_and(|eq| analyzer.can_prove(&eq))
}

/// The expression of one split, as TVM's `ConvertIterSplitExpr`.
pub fn split_to_expr(split: &IterSplit, analyzer: &mut Analyzer) -> Option<PrimExpr> {
    let mark = &split.source;
    let source = match &mark.source {
        MarkSource::Expr(e) => e.clone(),
        MarkSource::Sum(s) => sum_to_expr(s, analyzer)?,
    };
    let lower_factor = split.lower_factor.clone();
    if provably_equal(analyzer, &split.extent, &mark.extent) && is_const(&lower_factor, 1) {
        return ops::mul(source, split.scale.clone()).ok();
    }
    let width = ops::mul(lower_factor.clone(), split.extent.clone()).ok()?;
    if provably_equal(analyzer, &mark.extent, &width) {
        // A slice that is always zero prints as zero, except over a unit mark.
        if is_const(&split.extent, 1) && !is_const(&mark.extent, 1) {
            return Some(PrimExpr::int(0, split.extent.dtype()));
        }
        let quotient = ops::floordiv(source, lower_factor).ok()?;
        return ops::mul(quotient, split.scale.clone()).ok();
    }
    let slice = ops::floordiv(ops::floormod(source, width).ok()?, lower_factor).ok()?;
    ops::mul(slice, split.scale.clone()).ok()
}

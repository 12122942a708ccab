//! The independence check of detected indices (TVM's `CheckMapping` at the surjective level,
//! without padding): for every mark reached from the indices, its splits must be slices that
//! could tile it without overlap, i.e. chained by `lower_factor * extent`, possibly skipping
//! slices whose lower factors stay divisible, and ending on a divisor of the mark's extent.

use std::sync::Arc;

use super::rewrite::Rewriter;
use super::{IterMark, IterSplit, IterSum, MarkSource};
use crate::arith::ops;
use crate::ir::PrimExpr;

/// The marks reached from some indices, each with the splits that refer to it (TVM's
/// `IterMarkSplitCollector`).
#[derive(Default)]
struct SplitCollector {
    marks: Vec<(Arc<IterMark>, Vec<IterSplit>)>,
}

impl SplitCollector {
    fn slot(&mut self, mark: &Arc<IterMark>) -> &mut Vec<IterSplit> {
        let at = match self.marks.iter().position(|(m, _)| Arc::ptr_eq(m, mark)) {
            Some(at) => at,
            None => {
                self.marks.push((mark.clone(), Vec::new()));
                self.marks.len() - 1
            }
        };
        &mut self.marks[at].1
    }

    fn visit(&mut self, mark: &Arc<IterMark>) {
        if self.marks.iter().any(|(m, _)| Arc::ptr_eq(m, mark)) {
            return;
        }
        self.slot(mark);
        if let MarkSource::Sum(sum) = &mark.source {
            for split in &sum.args {
                self.visit(&split.source);
                self.slot(&split.source).push(split.clone());
            }
        }
    }
}

impl Rewriter<'_> {
    /// Whether the splits of every mark reached from `sums` are compatible.
    pub(super) fn check_mapping(&mut self, sums: &[IterSum]) -> bool {
        let mut collector = SplitCollector::default();
        for sum in sums {
            for split in &sum.args {
                collector.visit(&split.source);
                collector.slot(&split.source).push(split.clone());
            }
        }
        collector.marks.iter().all(|(mark, splits)| self.splits_tile_mark(mark, splits))
    }

    /// TVM's `TryNormalizeSplits` for a mark without padding, at the surjective level.
    fn splits_tile_mark(&mut self, mark: &IterMark, splits: &[IterSplit]) -> bool {
        let mut used = vec![false; splits.len()];
        let mut expected = PrimExpr::int(1, mark.dtype());
        for _ in 0..splits.len() {
            let exact = (0..splits.len()).find(|&j| {
                !used[j] && self.analyzer.can_prove_equal(&splits[j].lower_factor, &expected)
            });
            let Some(j) = exact.or_else(|| self.skip_lower_factor(splits, &used, &expected)) else {
                return false;
            };
            used[j] = true;
            match ops::mul(splits[j].lower_factor.clone(), splits[j].extent.clone()) {
                Ok(next) => expected = next,
                Err(_) => return false,
            }
        }
        self.analyzer.can_prove_equal(&expected, &mark.extent)
            || self.divisible(&mark.extent, &expected)
    }

    /// The unused split with the smallest lower factor, when every unused lower factor is a
    /// multiple of `expected` (TVM's `SearchSkipLowerFactor`).
    fn skip_lower_factor(
        &mut self,
        splits: &[IterSplit],
        used: &[bool],
        expected: &PrimExpr,
    ) -> Option<usize> {
        let mut res: Option<usize> = None;
        for i in 0..splits.len() {
            if used[i] {
                continue;
            }
            if !self.divisible(&splits[i].lower_factor, expected) {
                return None;
            }
            if res.is_none_or(|r| {
                let (a, b) = (splits[r].lower_factor.clone(), splits[i].lower_factor.clone());
                self.divisible(&a, &b)
            }) {
                res = Some(i);
            }
        }
        res
    }
}

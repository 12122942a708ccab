//! Intervals with infinite bounds, as TVM's `arith::IntervalSet` is used by LoopPartition.
//!
//! A bound is `-inf`, `+inf` or an expression. The empty interval is any interval whose minimum is
//! `+inf` or whose maximum is `-inf` (TVM's `IsEmpty`); `Interval::empty()` is `[+inf, -inf]`.
//! A single point is an interval whose two bounds are the same expression node (TVM's cheap
//! `IsSinglePoint`, which compares pointers). `min_bound`/`max_bound` follow TVM's inf-aware
//! `min`/`max` operators, and `intersect` follows `arith::Intersect`: it reports emptiness only
//! when both bounds are finite integers and the analyzer proves `max < min`.

use crate::arith::{Analyzer, ops};
use crate::ir::{CmpOp, IrError, PrimExpr};

/// One end of an interval.
#[derive(Clone, Debug)]
pub enum Bound {
    NegInf,
    PosInf,
    Finite(PrimExpr),
}

impl Bound {
    pub fn finite(&self) -> Option<&PrimExpr> {
        match self {
            Bound::Finite(e) => Some(e),
            _ => None,
        }
    }
}

/// A closed interval `[min, max]`.
#[derive(Clone, Debug)]
pub struct Interval {
    pub min: Bound,
    pub max: Bound,
}

impl Interval {
    pub fn new(min: PrimExpr, max: PrimExpr) -> Interval {
        Interval { min: Bound::Finite(min), max: Bound::Finite(max) }
    }
    pub fn empty() -> Interval {
        Interval { min: Bound::PosInf, max: Bound::NegInf }
    }
    pub fn everything() -> Interval {
        Interval { min: Bound::NegInf, max: Bound::PosInf }
    }
    pub fn is_empty(&self) -> bool {
        matches!(self.min, Bound::PosInf) || matches!(self.max, Bound::NegInf)
    }
    pub fn has_lower_bound(&self) -> bool {
        !matches!(self.min, Bound::NegInf) && !self.is_empty()
    }
    pub fn has_upper_bound(&self) -> bool {
        !matches!(self.max, Bound::PosInf) && !self.is_empty()
    }
    /// The point when both bounds are the same node.
    pub fn single_point(&self) -> Option<&PrimExpr> {
        match (&self.min, &self.max) {
            (Bound::Finite(a), Bound::Finite(b)) if a.ptr_eq(b) => Some(a),
            _ => None,
        }
    }
    /// Both bounds simplified (infinite bounds stay as they are).
    pub fn simplified(&self, analyzer: &mut Analyzer) -> Interval {
        let simplify = |b: &Bound, analyzer: &mut Analyzer| match b {
            Bound::Finite(e) => Bound::Finite(analyzer.simplify(e)),
            other => other.clone(),
        };
        Interval { min: simplify(&self.min, analyzer), max: simplify(&self.max, analyzer) }
    }
}

/// TVM's inf-aware `min(a, b)`.
pub fn min_bound(a: &Bound, b: &Bound) -> Result<Bound, IrError> {
    Ok(match (a, b) {
        (Bound::PosInf, _) => b.clone(),
        (Bound::NegInf, _) => a.clone(),
        (_, Bound::PosInf) => a.clone(),
        (_, Bound::NegInf) => b.clone(),
        (Bound::Finite(x), Bound::Finite(y)) => Bound::Finite(ops::min(x.clone(), y.clone())?),
    })
}

/// TVM's inf-aware `max(a, b)`.
pub fn max_bound(a: &Bound, b: &Bound) -> Result<Bound, IrError> {
    Ok(match (a, b) {
        (Bound::PosInf, _) => a.clone(),
        (Bound::NegInf, _) => b.clone(),
        (_, Bound::PosInf) => b.clone(),
        (_, Bound::NegInf) => a.clone(),
        (Bound::Finite(x), Bound::Finite(y)) => Bound::Finite(ops::max(x.clone(), y.clone())?),
    })
}

/// `a ∩ b`, as TVM's `arith::Intersect(analyzer, a, b)`.
pub fn intersect(analyzer: &mut Analyzer, a: &Interval, b: &Interval) -> Result<Interval, IrError> {
    let max = min_bound(&a.max, &b.max)?;
    let min = max_bound(&a.min, &b.min)?;
    if let (Bound::Finite(hi), Bound::Finite(lo)) = (&max, &min)
        && hi.dtype().is_integer()
        && lo.dtype().is_integer()
        && analyzer.can_prove(&ops::compare(CmpOp::Lt, hi.clone(), lo.clone())?)
    {
        return Ok(Interval::empty());
    }
    Ok(Interval { min, max })
}

/// The intersection of all `sets`, as TVM's `arith::Intersect(Array<IntSet>)`: nothing for no
/// set, the set itself for one, otherwise the folded intersection with both bounds simplified
/// (by a fresh analyzer).
pub fn intersect_all(sets: &[Interval]) -> Result<Interval, IrError> {
    match sets {
        [] => Ok(Interval::empty()),
        [one] => Ok(one.clone()),
        [first, rest @ ..] => {
            let mut analyzer = Analyzer::new();
            let mut acc = first.clone();
            for s in rest {
                acc = intersect(&mut analyzer, &acc, s)?;
            }
            Ok(acc.simplified(&mut analyzer))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disjoint_constant_intervals_intersect_to_nothing() {
        let mut analyzer = Analyzer::new();
        let low = Interval { min: Bound::NegInf, max: Bound::Finite(PrimExpr::i32(3)) };
        let high = Interval { min: Bound::Finite(PrimExpr::i32(5)), max: Bound::PosInf };
        assert!(intersect(&mut analyzer, &low, &high).unwrap().is_empty());
        let wide = Interval::new(PrimExpr::i32(0), PrimExpr::i32(9));
        let cut = intersect(&mut analyzer, &low, &wide).unwrap();
        assert_eq!(cut.min.finite().and_then(PrimExpr::as_int), Some(0));
        assert_eq!(cut.max.finite().and_then(PrimExpr::as_int), Some(3));
    }

    #[test]
    fn single_points_need_one_node() {
        let p = PrimExpr::i32(4);
        assert!(Interval::new(p.clone(), p).single_point().is_some());
        assert!(Interval::new(PrimExpr::i32(4), PrimExpr::i32(4)).single_point().is_none());
        assert!(Interval::empty().is_empty() && !Interval::everything().is_empty());
    }
}

//! Constant integer bounds of index expressions under loop ranges (the part of TVM's
//! `ConstIntBoundAnalyzer` the compaction needs), and the bound-aware rewrites of `max(0, x)` and
//! `min(shape, extent)` that TVM's analyzer performs when narrowing a region.

use std::collections::HashMap;

use crate::arith::{ops, simplify};
use crate::ir::{BinaryOp, Expr, IrError, PrimExpr, Var};

/// Inclusive bounds `[lo, hi]`; `None` is unbounded on that side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bound {
    pub lo: Option<i64>,
    pub hi: Option<i64>,
}

impl Bound {
    pub const EVERYTHING: Bound = Bound { lo: None, hi: None };
    pub fn exact(v: i64) -> Bound {
        Bound {
            lo: Some(v),
            hi: Some(v),
        }
    }
}

/// Known bounds of variables (loop vars over their ranges, let vars by their values).
pub type BoundMap = HashMap<Var, Bound>;

fn lift2(a: Option<i64>, b: Option<i64>, f: fn(i64, i64) -> Option<i64>) -> Option<i64> {
    f(a?, b?)
}

/// The constant bounds of `e` given the bounds of its vars.
pub fn const_bound(e: &PrimExpr, vars: &BoundMap) -> Bound {
    match e.expr() {
        Expr::IntImm(v) => Bound::exact(*v),
        Expr::Var(v) => match vars.get(v) {
            Some(b) => *b,
            None if v.is_size_var() || v.dtype().is_uint() => Bound {
                lo: Some(0),
                hi: None,
            },
            None => Bound::EVERYTHING,
        },
        Expr::Cast(inner) if e.dtype().is_integer() && inner.dtype().is_integer() => {
            const_bound(inner, vars)
        }
        Expr::Binary { op, a, b } => {
            let (x, y) = (const_bound(a, vars), const_bound(b, vars));
            match op {
                BinaryOp::Add => Bound {
                    lo: lift2(x.lo, y.lo, i64::checked_add),
                    hi: lift2(x.hi, y.hi, i64::checked_add),
                },
                BinaryOp::Sub => Bound {
                    lo: lift2(x.lo, y.hi, i64::checked_sub),
                    hi: lift2(x.hi, y.lo, i64::checked_sub),
                },
                BinaryOp::Mul => match (y.lo, y.hi, x.lo, x.hi) {
                    (Some(c), Some(d), _, _) if c == d => scale(x, c),
                    (_, _, Some(c), Some(d)) if c == d => scale(y, c),
                    _ => Bound::EVERYTHING,
                },
                BinaryOp::FloorDiv => match (y.lo, y.hi) {
                    (Some(c), Some(d)) if c == d && c > 0 => Bound {
                        lo: x.lo.map(|v| v.div_euclid(c)),
                        hi: x.hi.map(|v| v.div_euclid(c)),
                    },
                    _ => Bound::EVERYTHING,
                },
                BinaryOp::FloorMod => match (y.lo, y.hi) {
                    (Some(c), Some(d)) if c == d && c > 0 => Bound {
                        lo: Some(0),
                        hi: Some(c - 1),
                    },
                    _ => Bound::EVERYTHING,
                },
                BinaryOp::Min => Bound {
                    lo: lift2(x.lo, y.lo, |p, q| Some(p.min(q))),
                    hi: min_opt(x.hi, y.hi),
                },
                BinaryOp::Max => Bound {
                    lo: max_opt(x.lo, y.lo),
                    hi: lift2(x.hi, y.hi, |p, q| Some(p.max(q))),
                },
                BinaryOp::Div | BinaryOp::Mod => Bound::EVERYTHING,
            }
        }
        _ => Bound::EVERYTHING,
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn scale(x: Bound, c: i64) -> Bound {
    let lo = x.lo.and_then(|v| v.checked_mul(c));
    let hi = x.hi.and_then(|v| v.checked_mul(c));
    if c >= 0 {
        Bound { lo, hi }
    } else {
        Bound { lo: hi, hi: lo }
    }
}

/// `max(0, min)` simplified: `min` itself when provably non-negative.
pub fn clamp_min_at_zero(min: &PrimExpr, vars: &BoundMap) -> Result<PrimExpr, IrError> {
    let min = simplify(min);
    let bound = const_bound(&min, vars);
    if bound.lo.is_some_and(|lo| lo >= 0) {
        return Ok(min);
    }
    let zero = PrimExpr::int(0, min.dtype());
    if bound.hi.is_some_and(|hi| hi <= 0) {
        return Ok(zero);
    }
    ops::max(min, zero)
}

/// `extent` when provably at most `shape`, otherwise `min(shape, extent)` (folded when constant).
pub fn clamp_extent_to_shape(
    extent: &PrimExpr,
    shape: &PrimExpr,
    vars: &BoundMap,
) -> Result<PrimExpr, IrError> {
    let extent = simplify(extent);
    let (extent, shape_matched) = ops::match_types(extent, shape.clone())?;
    let slack = simplify(&ops::sub(shape_matched.clone(), extent.clone())?);
    if const_bound(&slack, vars).lo.is_some_and(|lo| lo >= 0) {
        return Ok(extent);
    }
    Ok(simplify(&ops::min(shape_matched, extent)?))
}

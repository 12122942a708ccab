//! Symbolic integer intervals and the evaluation of an expression over variable domains.
//!
//! An `IntSet` is `[min, max]` (both inclusive) where either bound may be infinite (`None`).
//! `eval_set` follows TVM's `IntervalSetEvaluator`: a var in the domain map takes its interval; any
//! other var is the single point of itself; when every child of a node evaluates to itself, the node
//! is the single point of itself, unchanged (so unrelaxed index expressions are kept exactly as
//! written); `+ - *` by constants, `floordiv`/`floormod` by positive constants and `min`/`max`
//! combine bounds; anything else that involves a relaxed var is the whole line.

use std::collections::HashMap;

use super::ops;
use super::simplify::{can_prove_equal, simplify};
use crate::ir::{BinaryOp, Expr, PrimExpr, Range, Var};

/// A closed integer interval with optional bounds.
#[derive(Clone, Debug)]
pub struct IntSet {
    pub min: Option<PrimExpr>,
    pub max: Option<PrimExpr>,
}

/// Variable domains for `eval_set`.
pub type DomainMap = HashMap<Var, IntSet>;

impl IntSet {
    pub fn point(e: PrimExpr) -> IntSet {
        IntSet { min: Some(e.clone()), max: Some(e) }
    }
    pub fn everything() -> IntSet {
        IntSet { min: None, max: None }
    }
    /// `[min, min + extent - 1]` with constant folding, as TVM's `IntSet::FromRange`.
    pub fn from_range(range: &Range) -> IntSet {
        let max = ops::add(range.min.clone(), range.extent.clone())
            .and_then(|e| ops::sub(e, PrimExpr::int(1, range.extent.dtype())));
        match max {
            Ok(max) => IntSet { min: Some(range.min.clone()), max: Some(max) },
            Err(_) => IntSet::everything(),
        }
    }
    /// Whether the set is syntactically one point (both bounds the same node).
    fn is_single_point(&self) -> bool {
        matches!((&self.min, &self.max), (Some(a), Some(b)) if a.ptr_eq(b))
    }
    /// Whether the set provably holds one value.
    pub fn can_prove_single_point(&self) -> bool {
        match (&self.min, &self.max) {
            (Some(a), Some(b)) => a.ptr_eq(b) || can_prove_equal(a, b),
            _ => false,
        }
    }
    /// The range covering this set, or `fallback` when a bound is infinite (TVM's `CoverRange`).
    pub fn cover_range(&self, fallback: &Range) -> Range {
        match (&self.min, &self.max) {
            (Some(min), Some(max)) => {
                let extent = ops::add(max.clone(), PrimExpr::int(1, max.dtype()))
                    .and_then(|e| ops::sub(e, min.clone()));
                match extent {
                    Ok(extent) => Range::new(simplify(min), simplify(&extent)),
                    Err(_) => fallback.clone(),
                }
            }
            _ => fallback.clone(),
        }
    }
    /// The smallest interval holding both sets.
    pub fn union(&self, other: &IntSet) -> IntSet {
        let pick = |a: &Option<PrimExpr>, b: &Option<PrimExpr>, lower: bool| match (a, b) {
            (Some(x), Some(y)) => {
                if x.ptr_eq(y) || can_prove_equal(x, y) {
                    return Some(x.clone());
                }
                let difference = ops::sub(x.clone(), y.clone()).ok().map(|d| simplify(&d));
                match difference.as_ref().and_then(PrimExpr::as_int) {
                    Some(d) => Some(if (d < 0) == lower { x.clone() } else { y.clone() }),
                    None => {
                        let combined = if lower {
                            ops::min(x.clone(), y.clone())
                        } else {
                            ops::max(x.clone(), y.clone())
                        };
                        combined.ok()
                    }
                }
            }
            _ => None,
        };
        IntSet { min: pick(&self.min, &other.min, true), max: pick(&self.max, &other.max, false) }
    }
}

/// Evaluates the set of values `e` takes when the vars of `dom` range over their sets.
pub fn eval_set(e: &PrimExpr, dom: &DomainMap) -> IntSet {
    eval(e, dom, false)
}

/// The set of lanes of a vector index, as TVM's `IntSet::Vector`: a scalar is its own single
/// point; a `Ramp` with a constant stride and lane count covers `[base, base + stride*(lanes-1)]`
/// (bounds swapped for a negative stride); a `Broadcast` is the set of its value. Variables stay
/// unrelaxed (the domain is empty), so callers relax each bound afterwards with `eval_set`.
pub fn vector_set(e: &PrimExpr) -> IntSet {
    if e.dtype().is_vector() { eval(e, &DomainMap::new(), true) } else { IntSet::point(e.clone()) }
}

/// The lane offsets `[0, stride*(lanes-1)]` of a ramp, or `None` when either is not constant.
fn ramp_offsets(base: &PrimExpr, stride: &PrimExpr, lanes: &PrimExpr) -> Option<IntSet> {
    let span = stride.as_int()?.checked_mul(lanes.as_int()?.checked_sub(1)?)?;
    let (zero, last) = (PrimExpr::int(0, base.dtype()), PrimExpr::int(span, base.dtype()));
    Some(if span >= 0 {
        IntSet { min: Some(zero), max: Some(last) }
    } else {
        IntSet { min: Some(last), max: Some(zero) }
    })
}

/// `eval_set`, with `Ramp` and `Broadcast` understood when `vectors` is set (TVM's `eval_vec`).
fn eval(e: &PrimExpr, dom: &DomainMap, vectors: bool) -> IntSet {
    match e.expr() {
        Expr::IntImm(_) => IntSet::point(e.clone()),
        Expr::Var(v) => dom.get(v).cloned().unwrap_or_else(|| IntSet::point(e.clone())),
        Expr::Ramp { base, stride, lanes } if vectors => match ramp_offsets(base, stride, lanes) {
            Some(offsets) => combine(BinaryOp::Add, &eval(base, dom, vectors), &offsets),
            None => IntSet::everything(),
        },
        Expr::Broadcast { value, .. } if vectors => eval(value, dom, vectors),
        Expr::Binary { op, a, b } => {
            let (sa, sb) = (eval(a, dom, vectors), eval(b, dom, vectors));
            if is_point_of(&sa, a) && is_point_of(&sb, b) {
                return IntSet::point(e.clone());
            }
            combine(*op, &sa, &sb)
        }
        _ => {
            if mentions_any(e, dom) || (vectors && e.dtype().is_vector()) {
                IntSet::everything()
            } else {
                IntSet::point(e.clone())
            }
        }
    }
}

fn is_point_of(set: &IntSet, e: &PrimExpr) -> bool {
    set.is_single_point() && set.min.as_ref().is_some_and(|m| m.ptr_eq(e))
}

fn lift(
    a: &Option<PrimExpr>,
    b: &Option<PrimExpr>,
    f: fn(PrimExpr, PrimExpr) -> Result<PrimExpr, crate::ir::IrError>,
) -> Option<PrimExpr> {
    match (a, b) {
        (Some(x), Some(y)) => f(x.clone(), y.clone()).ok(),
        _ => None,
    }
}

/// Combines two sets under a binary operator, as TVM's `Combine<Op>`.
fn combine(op: BinaryOp, a: &IntSet, b: &IntSet) -> IntSet {
    if a.is_single_point()
        && b.is_single_point()
        && let (Some(x), Some(y)) = (&a.min, &b.min)
        && let Ok(e) = ops::binary(op, x.clone(), y.clone())
    {
        return IntSet::point(e);
    }
    let constant = |s: &IntSet| {
        if s.is_single_point() { s.min.as_ref().and_then(PrimExpr::as_int) } else { None }
    };
    match op {
        BinaryOp::Add => {
            IntSet { min: lift(&a.min, &b.min, ops::add), max: lift(&a.max, &b.max, ops::add) }
        }
        BinaryOp::Sub => {
            IntSet { min: lift(&a.min, &b.max, ops::sub), max: lift(&a.max, &b.min, ops::sub) }
        }
        BinaryOp::Mul => match (constant(a), constant(b)) {
            (_, Some(c)) => scale(a, b.min.as_ref(), c),
            (Some(c), _) => scale(b, a.min.as_ref(), c),
            _ => IntSet::everything(),
        },
        BinaryOp::FloorDiv => match constant(b) {
            Some(c) if c > 0 => IntSet {
                min: lift(&a.min, &b.min, ops::floordiv),
                max: lift(&a.max, &b.min, ops::floordiv),
            },
            _ => IntSet::everything(),
        },
        BinaryOp::FloorMod => match (constant(b), &b.min) {
            (Some(c), Some(divisor)) if c > 0 => IntSet {
                min: Some(PrimExpr::int(0, divisor.dtype())),
                max: Some(PrimExpr::int(c - 1, divisor.dtype())),
            },
            _ => IntSet::everything(),
        },
        BinaryOp::Min => {
            IntSet { min: lift(&a.min, &b.min, ops::min), max: lift(&a.max, &b.max, ops::min) }
        }
        BinaryOp::Max => {
            IntSet { min: lift(&a.min, &b.min, ops::max), max: lift(&a.max, &b.max, ops::max) }
        }
        BinaryOp::Div | BinaryOp::Mod => IntSet::everything(),
    }
}

/// `set * c` for a constant `c` (whose expression is `c_expr`), swapping bounds when `c < 0`.
fn scale(set: &IntSet, c_expr: Option<&PrimExpr>, c: i64) -> IntSet {
    let Some(c_expr) = c_expr else { return IntSet::everything() };
    let mul = |bound: &Option<PrimExpr>| {
        bound.as_ref().and_then(|x| ops::mul(x.clone(), c_expr.clone()).ok())
    };
    if c >= 0 {
        IntSet { min: mul(&set.min), max: mul(&set.max) }
    } else {
        IntSet { min: mul(&set.max), max: mul(&set.min) }
    }
}

/// Whether `e` uses any variable of `dom`.
fn mentions_any(e: &PrimExpr, dom: &DomainMap) -> bool {
    let mut found = false;
    crate::ir::visit::walk_expr(e, &mut |sub| {
        if let Expr::Var(v) = sub.expr() {
            found |= dom.contains_key(v);
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::DataType;

    #[test]
    fn loop_vars_relax_to_their_range() {
        let vi = Var::new("vi", DataType::int32());
        let k = Var::new("k", DataType::int32());
        let mut dom = DomainMap::new();
        dom.insert(k.clone(), IntSet::from_range(&Range::from_extent(PrimExpr::i32(16))));
        let index =
            ops::add(ops::mul(PrimExpr::var(&vi), PrimExpr::i32(16)).unwrap(), PrimExpr::var(&k))
                .unwrap();
        let set = eval_set(&index, &dom);
        let range = set.cover_range(&Range::from_extent(PrimExpr::i32(256)));
        assert_eq!(range.extent.as_int(), Some(16));
        assert!(!set.can_prove_single_point());
    }

    #[test]
    fn vector_lanes_cover_their_ramp() {
        let vi = Var::new("vi", DataType::int32());
        let base = ops::mul(PrimExpr::var(&vi), PrimExpr::i32(4)).unwrap();
        let ramp = crate::arith::rewrite_vector::ramp(base.clone(), PrimExpr::i32(-2), 4).unwrap();
        let set = vector_set(&ramp);
        // Lanes base, base-2, base-4, base-6: the minimum is folded as TVM's `operator+` does.
        let expected_min = ops::add(base.clone(), PrimExpr::i32(-6)).unwrap();
        assert!(set.min.as_ref().is_some_and(|m| can_prove_equal(m, &expected_min)));
        assert!(set.max.as_ref().is_some_and(|m| m.ptr_eq(&base)));
        let splat = ops::broadcast(base.clone(), crate::ir::Lanes::Fixed(4)).unwrap();
        assert!(vector_set(&splat).min.as_ref().is_some_and(|m| m.ptr_eq(&base)));
        assert!(vector_set(&base).can_prove_single_point());
    }

    #[test]
    fn unrelaxed_expressions_stay_as_written() {
        let vi = Var::new("vi", DataType::int32());
        let index = ops::add(PrimExpr::var(&vi), PrimExpr::i32(1)).unwrap();
        let set = eval_set(&index, &DomainMap::new());
        assert!(set.min.as_ref().is_some_and(|m| m.ptr_eq(&index)));
        assert!(set.can_prove_single_point());
    }
}

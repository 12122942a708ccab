//! `deduce_bound`: the interval of one variable in which a comparison holds, as TVM's
//! `arith::DeduceBound` (`src/arith/bound_deducer.cc`).
//!
//! The comparison must use the target variable exactly once. It is first rewritten so the side
//! holding the target is compared with the other side (`a < b` with the target in `a` becomes
//! `a <= b - 1`, and so on; `!=` is not supported). Both sides are relaxed over `relax` (the
//! variables of inner loops and of `threadIdx`): a lower bound on the target uses the minimum of
//! its side and the maximum of the other, an upper bound the opposite; an equality needs both
//! sides to be single values. The target side is then peeled along the path from its root to the
//! target through `+`, `-`, `*` and `floordiv` (any other node fails), moving each other operand
//! to the result; multiplying or dividing needs the operand's sign, taken from its set over
//! `hint` (a provably positive or negative constant bound). Rounding follows TVM: `x * c >= r`
//! gives `x >= r // c + 1` unless `c` divides `r`, `x * c <= r` gives `x <= r // c`, and an
//! inexact equality fails. Failure is the empty interval; success is `[r, +inf)`, `(-inf, r]` or
//! the single point `[r, r]`, with `r` simplified by a fresh analyzer.

use super::interval::{Bound, Interval};
use crate::arith::{Analyzer, DomainMap, IntSet, eval_set, ops};
use crate::ir::{BinaryOp, CmpOp, Expr, IrError, PrimExpr, Var};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    /// The target is at least the result.
    Greater,
    /// The target is at most the result.
    Less,
    Equal,
}

impl Direction {
    fn reversed(self) -> Direction {
        match self {
            Direction::Greater => Direction::Less,
            Direction::Less => Direction::Greater,
            Direction::Equal => Direction::Equal,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sign {
    Positive,
    Negative,
    Zero,
    Unknown,
}

/// The interval of `target` in which `cond` holds, or the empty interval when it cannot be found.
pub fn deduce_bound(
    target: &Var,
    cond: &PrimExpr,
    hint: &DomainMap,
    relax: &DomainMap,
) -> Interval {
    match deduce(target, cond, hint, relax) {
        Ok(Some((Direction::Equal, r))) => Interval::new(r.clone(), r),
        Ok(Some((Direction::Greater, r))) => Interval { min: Bound::Finite(r), max: Bound::PosInf },
        Ok(Some((Direction::Less, r))) => Interval { min: Bound::NegInf, max: Bound::Finite(r) },
        Ok(None) | Err(_) => Interval::empty(),
    }
}

fn uses_count(e: &PrimExpr, target: &Var) -> usize {
    let mut count = 0;
    crate::ir::visit::walk_expr(e, &mut |sub| {
        if matches!(sub.expr(), Expr::Var(v) if v == target) {
            count += 1;
        }
    });
    count
}

/// The nodes from `e` down to a use of `target`, found depth first (left operands first).
fn path_to(e: &PrimExpr, target: &Var) -> Option<Vec<PrimExpr>> {
    if matches!(e.expr(), Expr::Var(v) if v == target) {
        return Some(vec![e.clone()]);
    }
    let mut children = Vec::new();
    crate::ir::visit::expr_children(e, &mut children);
    for child in children {
        if let Some(mut path) = path_to(child, target) {
            path.insert(0, e.clone());
            return Some(path);
        }
    }
    None
}

fn sign_of(e: &PrimExpr, hint: &DomainMap) -> Sign {
    if e.dtype().is_uint() {
        return Sign::Positive;
    }
    let set = eval_set(e, hint);
    let mut analyzer = Analyzer::new();
    let simplified = |b: &Option<PrimExpr>, analyzer: &mut Analyzer| {
        b.as_ref().and_then(|x| analyzer.simplify(x).as_int())
    };
    if simplified(&set.min, &mut analyzer).is_some_and(|v| v > 0) {
        return Sign::Positive;
    }
    if simplified(&set.max, &mut analyzer).is_some_and(|v| v < 0) {
        return Sign::Negative;
    }
    match (&set.min, &set.max) {
        (Some(a), Some(b)) if a.ptr_eq(b) && a.as_int() == Some(0) => Sign::Zero,
        _ => Sign::Unknown,
    }
}

fn one(dtype_of: &PrimExpr) -> PrimExpr {
    PrimExpr::int(1, dtype_of.dtype())
}

/// The direction and bound, `None` when the deduction fails.
fn deduce(
    target: &Var,
    cond: &PrimExpr,
    hint: &DomainMap,
    relax: &DomainMap,
) -> Result<Option<(Direction, PrimExpr)>, IrError> {
    if uses_count(cond, target) != 1 {
        return Ok(None);
    }
    let Expr::Cmp { op, a, b } = cond.expr() else { return Ok(None) };
    let target_in_a = path_to(a, target).is_some();
    let (mut dir, side, mut result) = match (op, target_in_a) {
        (CmpOp::Lt, false) => (Direction::Greater, b, ops::add(a.clone(), one(a))?),
        (CmpOp::Lt, true) => (Direction::Less, a, ops::sub(b.clone(), one(b))?),
        (CmpOp::Le, false) => (Direction::Greater, b, a.clone()),
        (CmpOp::Le, true) => (Direction::Less, a, b.clone()),
        (CmpOp::Gt, false) => (Direction::Less, b, ops::sub(a.clone(), one(a))?),
        (CmpOp::Gt, true) => (Direction::Greater, a, ops::add(b.clone(), one(b))?),
        (CmpOp::Ge, false) => (Direction::Less, b, a.clone()),
        (CmpOp::Ge, true) => (Direction::Greater, a, b.clone()),
        (CmpOp::Eq, false) => (Direction::Equal, b, a.clone()),
        (CmpOp::Eq, true) => (Direction::Equal, a, b.clone()),
        (CmpOp::Ne, _) => return Ok(None),
    };
    // Relax both sides over the inner variables.
    let side_set = eval_set(side, relax);
    let result_set = eval_set(&result, relax);
    let is_everything = |s: &IntSet| s.min.is_none() && s.max.is_none();
    if is_everything(&side_set) || is_everything(&result_set) {
        return Ok(None);
    }
    let mut analyzer = Analyzer::new();
    if dir == Direction::Equal {
        for s in [&result_set, &side_set] {
            let (Some(lo), Some(hi)) = (&s.min, &s.max) else { return Ok(None) };
            if !analyzer.can_prove(&ops::compare(CmpOp::Eq, lo.clone(), hi.clone())?) {
                return Ok(None);
            }
        }
    }
    let (expr, relaxed_result) = if dir == Direction::Greater {
        (side_set.min, result_set.max)
    } else {
        (side_set.max, result_set.min)
    };
    let (Some(expr), Some(relaxed_result)) = (expr, relaxed_result) else { return Ok(None) };
    result = relaxed_result;
    let Some(path) = path_to(&expr, target) else { return Ok(None) };
    for (node, next) in path.iter().zip(path.iter().skip(1)) {
        let Expr::Binary { op, a, b } = node.expr() else { return Ok(None) };
        let left = a.ptr_eq(next);
        let other = if left { b } else { a };
        match op {
            BinaryOp::Add => result = ops::sub(result, other.clone())?,
            BinaryOp::Sub => {
                if left {
                    result = ops::add(result, b.clone())?;
                } else {
                    result = ops::neg(ops::sub(result, a.clone())?)?;
                    dir = dir.reversed();
                }
            }
            BinaryOp::Mul => {
                match sign_of(other, hint) {
                    Sign::Negative => dir = dir.reversed(),
                    Sign::Unknown => return Ok(None),
                    Sign::Positive | Sign::Zero => {}
                }
                let remainder = ops::floormod(result.clone(), other.clone())?;
                let zero = PrimExpr::int(0, remainder.dtype());
                let divided = analyzer.can_prove(&ops::compare(CmpOp::Eq, remainder, zero)?);
                result = ops::floordiv(result, other.clone())?;
                if !divided {
                    match dir {
                        Direction::Greater => result = ops::add(result.clone(), one(&result))?,
                        Direction::Equal => return Ok(None),
                        Direction::Less => {}
                    }
                }
            }
            BinaryOp::FloorDiv => {
                if !left {
                    return Ok(None);
                }
                let mut divisor = b.clone();
                if analyzer.can_prove_equal(&divisor, &PrimExpr::int(0, divisor.dtype())) {
                    return Ok(None);
                }
                let sign = sign_of(&divisor, hint);
                match sign {
                    Sign::Negative => {
                        dir = dir.reversed();
                        divisor = ops::neg(divisor)?;
                        result = ops::neg(result)?;
                    }
                    Sign::Unknown => return Ok(None),
                    Sign::Positive | Sign::Zero => {}
                }
                match dir {
                    Direction::Greater => result = ops::mul(result, divisor.clone())?,
                    Direction::Equal => return Ok(None),
                    Direction::Less => {
                        let scaled = ops::mul(result, divisor.clone())?;
                        let with_divisor = ops::add(scaled, divisor.clone())?;
                        result = ops::sub(with_divisor, one(&divisor))?;
                    }
                }
                if sign == Sign::Negative {
                    result = ops::add(ops::sub(result, divisor.clone())?, one(&divisor))?;
                }
            }
            _ => return Ok(None),
        }
    }
    Ok(Some((dir, analyzer.simplify(&result))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DataType, Range};

    fn var(v: &Var) -> PrimExpr {
        PrimExpr::var(v)
    }

    #[test]
    fn split_tail_bound_relaxes_the_inner_loop() {
        let (outer, inner) = (Var::new("i0", DataType::int32()), Var::new("i1", DataType::int32()));
        let mut relax = DomainMap::new();
        relax.insert(inner.clone(), IntSet::from_range(&Range::from_extent(PrimExpr::i32(8))));
        let index =
            ops::add(ops::mul(var(&outer), PrimExpr::i32(8)).unwrap(), var(&inner)).unwrap();
        let lt = ops::compare(CmpOp::Lt, index.clone(), PrimExpr::i32(30)).unwrap();
        let bound = deduce_bound(&outer, &lt, &relax, &relax);
        assert!(matches!(bound.min, Bound::NegInf));
        assert_eq!(bound.max.finite().and_then(PrimExpr::as_int), Some(2));
        let ge = ops::compare(CmpOp::Ge, index, PrimExpr::i32(30)).unwrap();
        let bound = deduce_bound(&outer, &ge, &relax, &relax);
        assert_eq!(bound.min.finite().and_then(PrimExpr::as_int), Some(4));
        assert!(matches!(bound.max, Bound::PosInf));
    }

    #[test]
    fn equality_gives_a_single_point_and_double_use_fails() {
        let i = Var::new("i", DataType::int32());
        let eq = ops::compare(CmpOp::Eq, var(&i), PrimExpr::i32(63)).unwrap();
        let bound = deduce_bound(&i, &eq, &DomainMap::new(), &DomainMap::new());
        assert_eq!(bound.single_point().and_then(PrimExpr::as_int), Some(63));
        let twice = ops::add(var(&i), var(&i)).unwrap();
        let lt = ops::compare(CmpOp::Lt, twice, PrimExpr::i32(4)).unwrap();
        assert!(deduce_bound(&i, &lt, &DomainMap::new(), &DomainMap::new()).is_empty());
    }
}

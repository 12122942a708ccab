//! A property of [`super::iter_map_simplify`]: whatever it returns computes the same value as its
//! input at every point of the loop domain. Random affine indices over three small loops (sums of
//! scaled loops, their floor divisions and remainders by constants, fused sums split again) are
//! simplified and both sides evaluated over the whole domain.

use std::collections::HashMap;

use super::iter_map_simplify;
use crate::arith::{Analyzer, ops};
use crate::r#gen::SplitMix;
use crate::ir::{BinaryOp, CmpOp, DataType, Expr, PrimExpr, Range, Var};

/// The value of an integer index expression at `point`; `None` outside the index vocabulary or
/// on a division by zero.
fn eval(e: &PrimExpr, point: &HashMap<Var, i64>) -> Option<i64> {
    match e.expr() {
        Expr::IntImm(v) => Some(*v),
        Expr::Var(v) => point.get(v).copied(),
        Expr::Binary { op, a, b } => {
            let (x, y) = (eval(a, point)?, eval(b, point)?);
            match op {
                BinaryOp::Add => x.checked_add(y),
                BinaryOp::Sub => x.checked_sub(y),
                BinaryOp::Mul => x.checked_mul(y),
                BinaryOp::FloorDiv => ops::floor_div_mod(x, y).map(|(q, _)| q),
                BinaryOp::FloorMod => ops::floor_div_mod(x, y).map(|(_, r)| r),
                BinaryOp::Div if y != 0 => Some(x / y),
                _ => None,
            }
        }
        _ => None,
    }
}

fn pick(rng: &mut SplitMix, options: &[i64]) -> i64 {
    let n = u64::try_from(options.len()).unwrap_or(1);
    options[usize::try_from(rng.next_u64() % n).unwrap_or(0)]
}

/// A random index over `loops` with `extents`: a scaled sum (half the time with chained scales,
/// as fused loops have), possibly split by a constant and recombined.
fn random_index(rng: &mut SplitMix, loops: &[PrimExpr], extents: &[i64]) -> Option<PrimExpr> {
    let c = |v: i64| PrimExpr::int(v, DataType::int32());
    let mut sum = c(pick(rng, &[0, 0, 1, 5]));
    let chained = rng.next_u64().is_multiple_of(2);
    let mut stride = pick(rng, &[1, 1, 2]);
    for (l, extent) in loops.iter().zip(extents).rev() {
        let scale = if chained { stride } else { pick(rng, &[0, 1, 2, 3, 4, 8, 16, -1]) };
        stride *= extent;
        sum = ops::add(ops::mul(l.clone(), c(scale)).ok()?, sum).ok()?;
    }
    let d = pick(rng, &[2, 3, 4, 8]);
    Some(match rng.next_u64() % 5 {
        0 => sum,
        1 => ops::floordiv(sum, c(d)).ok()?,
        2 => ops::floormod(sum, c(d)).ok()?,
        3 => {
            let high = ops::mul(ops::floordiv(sum.clone(), c(d)).ok()?, c(pick(rng, &[d, 16])));
            ops::add(high.ok()?, ops::floormod(sum, c(d)).ok()?).ok()?
        }
        _ => {
            let inner = ops::floormod(ops::floordiv(sum, c(d)).ok()?, c(pick(rng, &[2, 4])));
            ops::mul(inner.ok()?, c(pick(rng, &[1, 3]))).ok()?
        }
    })
}

/// A random predicate: none, a bound on one loop, or bounds on a fused pair of loops.
fn random_predicate(rng: &mut SplitMix, loops: &[PrimExpr], extents: &[i64]) -> Option<PrimExpr> {
    let c = |v: i64| PrimExpr::int(v, DataType::int32());
    Some(match rng.next_u64() % 4 {
        0 | 1 => PrimExpr::bool(true),
        2 => {
            let bound = c(1 + pick(rng, &[0, 1, 2, 3]));
            ops::compare(CmpOp::Lt, loops[2].clone(), bound).ok()?
        }
        _ => {
            let fused = ops::add(ops::mul(loops[1].clone(), c(extents[2])).ok()?, loops[2].clone());
            let total = extents[1] * extents[2];
            let upper =
                ops::compare(CmpOp::Lt, fused.clone().ok()?, c(total - pick(rng, &[0, 1, 2])));
            let lower = ops::compare(CmpOp::Le, c(pick(rng, &[0, 1, 2])), fused.ok()?);
            ops::logical_and(lower.ok()?, upper.ok()?).ok()?
        }
    })
}

/// The truth of a predicate built by [`random_predicate`] at `point`.
fn eval_condition(e: &PrimExpr, point: &HashMap<Var, i64>) -> Option<bool> {
    match e.expr() {
        Expr::IntImm(v) => Some(*v != 0),
        Expr::And(a, b) => Some(eval_condition(a, point)? && eval_condition(b, point)?),
        Expr::Cmp { op, a, b } => {
            let (x, y) = (eval(a, point)?, eval(b, point)?);
            match op {
                CmpOp::Lt => Some(x < y),
                CmpOp::Le => Some(x <= y),
                _ => None,
            }
        }
        _ => None,
    }
}

#[test]
fn simplified_indices_compute_the_same_values() {
    let vars: Vec<Var> = ["i", "j", "k"].iter().map(|n| Var::new(*n, DataType::int32())).collect();
    let loops: Vec<PrimExpr> = vars.iter().map(PrimExpr::var).collect();
    let mut rng = SplitMix::new(0x17e2_a11a);
    let mut changed = 0;
    for _ in 0..2000 {
        let extents: Vec<i64> = (0..3).map(|_| pick(&mut rng, &[1, 2, 3, 4, 8])).collect();
        let iters: Vec<(Var, Range)> = vars
            .iter()
            .zip(&extents)
            .map(|(v, &e)| (v.clone(), Range::from_extent(PrimExpr::i32(e as i32))))
            .collect();
        let index = random_index(&mut rng, &loops, &extents).expect("int32 index operators");
        let mut analyzer = Analyzer::new();
        for (v, r) in &iters {
            analyzer.bind(v, r);
        }
        let predicate = random_predicate(&mut rng, &loops, &extents).expect("int32 comparisons");
        let out =
            iter_map_simplify(std::slice::from_ref(&index), &iters, &predicate, &mut analyzer);
        let simplified = &out[0];
        if !simplified.ptr_eq(&index) {
            changed += 1;
        }
        for p in 0..extents.iter().product::<i64>() {
            let (i, j, k) =
                (p % extents[0], p / extents[0] % extents[1], p / extents[0] / extents[1]);
            let point: HashMap<Var, i64> = vars.iter().cloned().zip([i, j, k]).collect();
            // The simplification holds where the predicate does.
            if eval_condition(&predicate, &point) == Some(false) {
                continue;
            }
            assert_eq!(
                eval(&index, &point),
                eval(simplified, &point),
                "{index:?} simplified to {simplified:?} differs at {point:?}"
            );
        }
    }
    // The sample exercises detection, not only its failure path.
    assert!(changed > 450, "only {changed} of 2000 indices were detected");
}

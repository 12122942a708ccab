//! Unit tests of iterator-map detection and simplification, each checked against the result of
//! TVM v0.23's `IterMapSimplify` derived from its algorithm.

use super::{detect_iter_map, iter_map_simplify};
use crate::arith::{Analyzer, ops};
use crate::ir::{DataType, PrimExpr, Range, Var};
use crate::print::{PrintOptions, print_expr};

fn var(name: &str) -> (Var, PrimExpr) {
    let v = Var::new(name, DataType::int32());
    let e = PrimExpr::var(&v);
    (v, e)
}

fn c(v: i64) -> PrimExpr {
    PrimExpr::i32(i32::try_from(v).expect("small test constant"))
}

fn add(a: PrimExpr, b: PrimExpr) -> PrimExpr {
    ops::add(a, b).expect("int32 add")
}
fn mul(a: PrimExpr, b: PrimExpr) -> PrimExpr {
    ops::mul(a, b).expect("int32 mul")
}
fn div(a: PrimExpr, b: PrimExpr) -> PrimExpr {
    ops::floordiv(a, b).expect("int32 floordiv")
}
fn rem(a: PrimExpr, b: PrimExpr) -> PrimExpr {
    ops::floormod(a, b).expect("int32 floormod")
}

fn range(extent: PrimExpr) -> Range {
    Range::from_extent(extent)
}

/// The printed simplification of `index` over `iters` without a predicate.
fn simplified(index: PrimExpr, iters: &[(Var, Range)]) -> String {
    let mut analyzer = Analyzer::new();
    for (v, r) in iters {
        analyzer.bind(v, r);
    }
    let out = iter_map_simplify(&[index], iters, &PrimExpr::bool(true), &mut analyzer);
    print_expr(&out[0], &PrintOptions::default())
}

fn detected(index: PrimExpr, iters: &[(Var, Range)], predicate: PrimExpr) -> bool {
    let mut analyzer = Analyzer::new();
    detect_iter_map(&[index], iters, &predicate, &mut analyzer).is_ok()
}

#[test]
fn a_common_stride_factors_out_of_the_fused_iterator() {
    let ((i, ie), (j, je)) = (var("i"), var("j"));
    let iters = [(i, range(c(4))), (j, range(c(8)))];
    let index = add(mul(ie, c(16)), mul(je, c(2)));
    assert_eq!(simplified(index, &iters), "(i * 8 + j) * 2");
}

#[test]
fn contiguous_chains_print_unchanged() {
    let ((i, ie), (j, je), (k, ke)) = (var("i"), var("j"), var("k"));
    let iters = [(i, range(c(2))), (j, range(c(4))), (k, range(c(8)))];
    let index = add(add(mul(ke.clone(), c(1)), mul(ie, c(32))), mul(je, c(8)));
    // The fused form lists the splits outermost first, whatever the input order.
    assert_eq!(simplified(index, &iters), "i * 32 + j * 8 + k");
}

#[test]
fn a_gap_between_scales_is_not_an_iterator_map() {
    let ((i, ie), (j, je)) = (var("i"), var("j"));
    let iters = [(i, range(c(4))), (j, range(c(8)))];
    let index = add(mul(ie, c(16)), je);
    assert!(!detected(index.clone(), &iters, PrimExpr::bool(true)));
    assert_eq!(simplified(index, &iters), "i * 16 + j");
}

#[test]
fn transposed_splits_of_one_loop_fuse() {
    let (f, fe) = var("f");
    let iters = [(f, range(c(256)))];
    let index = add(mul(rem(fe.clone(), c(16)), c(16)), div(fe, c(16)));
    assert_eq!(simplified(index, &iters), "f % 16 * 16 + f // 16");
}

#[test]
fn a_middle_slice_prints_as_mod_then_div() {
    let (f, fe) = var("f");
    let iters = [(f, range(c(32)))];
    assert_eq!(simplified(rem(div(fe.clone(), c(2)), c(4)), &iters), "f % 8 // 2");
    assert_eq!(simplified(div(fe, c(8)), &iters), "f // 8");
}

#[test]
fn splits_of_a_fused_sum_reuse_its_mark() {
    let ((i, ie), (j, je)) = (var("i"), var("j"));
    let iters = [(i, range(c(8))), (j, range(c(4)))];
    let fused = add(mul(ie, c(4)), je);
    let index = add(mul(div(fused.clone(), c(8)), c(8)), rem(fused, c(8)));
    assert_eq!(simplified(index, &iters), "i * 4 + j");
}

#[test]
fn unit_and_shifted_loops() {
    let ((i, ie), (j, je)) = (var("i"), var("j"));
    // A unit-extent loop is its minimum.
    let iters = [(i.clone(), range(c(1))), (j.clone(), range(c(8)))];
    assert_eq!(simplified(add(mul(ie.clone(), c(8)), je.clone()), &iters), "j");
    // A loop starting at 2 iterates over `i - 2`, and the base comes back last.
    let iters = [(i, Range::new(c(2), c(8)))];
    assert_eq!(simplified(ie, &iters), "i - 2 + 2");
}

#[test]
fn symbolic_extents_chain() {
    let ((i, ie), (j, je), (_, ne), (_, me)) = (var("i"), var("j"), var("n"), var("m"));
    let iters = [(i, range(ne)), (j, range(me.clone()))];
    let index = add(mul(ie, mul(me.clone(), c(2))), mul(je, c(2)));
    assert_eq!(simplified(index, &iters), "(i * m + j) * 2");
}

#[test]
fn non_affine_uses_and_padding_are_not_detected() {
    let ((i, ie), (j, je)) = (var("i"), var("j"));
    let iters = [(i, range(c(3))), (j, range(c(4)))];
    let t = PrimExpr::bool(true);
    // A product of two iterators.
    assert!(!detected(mul(ie.clone(), je.clone()), &iters, t.clone()));
    // An iterator under a cast.
    let cast = ops::cast(DataType::int(64), ie.clone()).expect("cast");
    assert!(!detected(cast, &iters, t.clone()));
    // `(i * 4 + j) // 8` over 12 values needs padding.
    let fused = add(mul(ie.clone(), c(4)), je.clone());
    assert!(!detected(div(fused, c(8)), &iters, t.clone()));
    // Constants and plain variables are trivially detected.
    assert!(detected(c(7), &iters, t));
}

#[test]
fn predicates_narrow_loops_and_fused_sums() {
    let ((i, ie), (j, je)) = (var("i"), var("j"));
    let iters = [(i, range(c(8))), (j, range(c(4)))];
    let index = add(mul(ie.clone(), c(8)), mul(je.clone(), c(2)));
    // `j < 2` narrows j to [0, 2): `j * 2` then no longer chains to `i * 8`.
    let lt = ops::compare(crate::ir::CmpOp::Lt, je.clone(), c(2)).expect("compare");
    assert!(!detected(index.clone(), &iters, lt.clone()));
    // TVM then retries without the predicate, which succeeds.
    let mut analyzer = Analyzer::new();
    let out = iter_map_simplify(std::slice::from_ref(&index), &iters, &lt, &mut analyzer);
    assert_eq!(print_expr(&out[0], &PrintOptions::default()), "(i * 4 + j) * 2");
    // A bound on a fused sum narrows its mark, which the scaled index is fused through.
    let fused = add(mul(ie, c(4)), je);
    let compound = ops::compare(crate::ir::CmpOp::Lt, fused.clone(), c(30)).expect("compare");
    let out = iter_map_simplify(std::slice::from_ref(&index), &iters, &compound, &mut analyzer);
    assert_eq!(print_expr(&out[0], &PrintOptions::default()), "(i * 4 + j) * 2");
    // A lower bound shifts the fused sum to start at zero, and the index adds the shift back.
    let lower = ops::compare(crate::ir::CmpOp::Le, c(2), fused.clone()).expect("compare");
    let out = iter_map_simplify(&[fused], &iters, &lower, &mut analyzer);
    assert_eq!(print_expr(&out[0], &PrintOptions::default()), "i * 4 + j + -2 + 2");
}

#[test]
fn symbolic_divisors_split_a_fused_loop() {
    let ((i, ie), (_, ne)) = (var("i"), var("n"));
    let nn = mul(ne.clone(), ne.clone());
    let iters = [(i, range(mul(nn.clone(), c(32))))];
    // B[i // (n * n), i % (n * n) // n, i % n] over a (32, n, n) buffer is B[i]: the zero base
    // of each split folds away with a symbolic divisor, as TVM's operators fold it.
    let row =
        add(mul(div(ie.clone(), nn.clone()), ne.clone()), div(rem(ie.clone(), nn), ne.clone()));
    let index = add(mul(row, ne.clone()), rem(ie, ne));
    assert_eq!(simplified(index, &iters), "i");
}

#[test]
fn symbolic_splits_recombine_into_their_source() {
    let ((x, xe), (y, ye)) = (var("x"), var("y"));
    let n = PrimExpr::var(&Var::size_var("n", DataType::int32()));
    let split_and_merge =
        |e: PrimExpr| add(mul(div(e.clone(), n.clone()), n.clone()), rem(e, n.clone()));
    // One loop over n * 16 values, split by n and merged back.
    let iters = [(x.clone(), range(mul(n.clone(), c(16))))];
    assert_eq!(simplified(split_and_merge(xe.clone()), &iters), "x");
    // A fused pair of loops, split by n and merged back: the fused sum itself.
    let iters = [(x, range(n.clone())), (y, range(c(16)))];
    let fused = add(mul(xe, c(16)), ye);
    assert_eq!(simplified(split_and_merge(fused), &iters), "x * 16 + y");
}

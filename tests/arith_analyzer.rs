//! The Analyzer's bound and modular analyses and its proof API, with cases worked out from TVM
//! v0.23's `const_int_bound.cc` / `modular_set.cc` and their Python tests.

#[path = "arith_support/dsl.rs"]
mod dsl;

use dsl::*;
use tirscript::arith::const_int_bound::{NEG_INF, POS_INF};
use tirscript::arith::{Analyzer, ConstIntBound, ModularSet};
use tirscript::ir::{DataType, PrimExpr, Range, Var};

fn bound_of(known: &[(&Var, i64, i64)], e: &E) -> (i64, i64) {
    let mut a = Analyzer::new();
    for (v, lo, hi) in known {
        a.update_const_int_bound(v, ConstIntBound::new(*lo, *hi));
    }
    let b = a.const_int_bound(&e.0);
    (b.min, b.max)
}

#[test]
fn dtypes_bound_unknown_vars() {
    let x64 = PrimExpr::var(&Var::new("x", DataType::int64()));
    let x8 = PrimExpr::var(&Var::new("x", DataType::int(8)));
    let u8 = PrimExpr::var(&Var::new("x", DataType::uint(8)));
    let size = PrimExpr::var(&Var::size_var("n", DataType::int32()));
    let mut a = Analyzer::new();
    assert_eq!(a.const_int_bound(&x64), ConstIntBound::new(NEG_INF, POS_INF));
    assert_eq!(a.const_int_bound(&x8), ConstIntBound::new(-128, 127));
    assert_eq!(a.const_int_bound(&u8), ConstIntBound::new(0, 255));
    assert_eq!(a.const_int_bound(&size), ConstIntBound::new(0, POS_INF));
}

#[test]
fn arithmetic_bounds() {
    let (xv, x) = var("x");
    let (yv, y) = var("y");
    assert_eq!(bound_of(&[(&xv, 0, 4), (&yv, 1, 10)], &(&x + &y)), (1, 14));
    assert_eq!(bound_of(&[(&xv, 0, 4), (&yv, 1, 10)], &(&x - &y)), (-10, 3));
    assert_eq!(bound_of(&[(&xv, 0, POS_INF), (&yv, 1, 10)], &(&x - &y)), (-10, POS_INF));
    assert_eq!(bound_of(&[(&xv, 0, POS_INF)], &(1 - &x)), (NEG_INF, 1));
    assert_eq!(bound_of(&[(&xv, -2, 4), (&yv, 4, 10)], &(&x * &y + 20)), (0, 60));
    assert_eq!(bound_of(&[(&xv, -3, 4), (&yv, -8, 2)], &(&x * &y)), (-32, 24));
    assert_eq!(bound_of(&[(&xv, NEG_INF, 4), (&yv, -8, 2)], &(&x * &y)), (NEG_INF, POS_INF));
}

#[test]
fn division_bounds() {
    let (xv, x) = var("x");
    let (yv, y) = var("y");
    assert_eq!(bound_of(&[(&xv, -9, 4), (&yv, 4, 10)], &tdiv(&x, &y)).0, -2);
    assert_eq!(bound_of(&[(&xv, -9, 4), (&yv, -2, 0)], &tdiv(&x, &y)), (-4, 9));
    assert_eq!(bound_of(&[(&xv, -9, 4), (&yv, -4, 12)], &tdiv(&x, &y)), (-9, 9));
    assert_eq!(bound_of(&[(&xv, -9, 4), (&yv, 4, 10)], &tmod(&x, &y)), (-9, 4));
    assert_eq!(bound_of(&[(&xv, NEG_INF, POS_INF), (&yv, 4, 10)], &tmod(&x, &y)), (-9, 9));
    assert_eq!(bound_of(&[(&xv, 1, POS_INF), (&yv, 4, 10)], &tmod(&x, &y)), (0, 9));
    assert_eq!(bound_of(&[(&xv, -9, 4), (&yv, 4, 10)], &fld(&x, &y)).0, -3);
    assert_eq!(bound_of(&[(&xv, -9, 4), (&yv, -2, 0)], &fld(&x, &y)), (-4, 9));
    assert_eq!(bound_of(&[(&xv, -9, 4), (&yv, 4, 10)], &flm(&x, &y)), (0, 9));
    assert_eq!(bound_of(&[(&xv, NEG_INF, POS_INF), (&yv, 4, 10)], &flm(&x, &y)), (0, 9));
    assert_eq!(bound_of(&[(&xv, 0, 6), (&yv, -5, 7)], &flm(&x, &y)), (-4, 6));
    assert_eq!(bound_of(&[(&xv, 0, 6), (&yv, 0, POS_INF)], &fld(&x, &y)), (0, 6));
    assert_eq!(bound_of(&[(&xv, 0, 6), (&yv, 0, POS_INF)], &flm(&x, &y)), (0, 6));
}

#[test]
fn min_max_select_let_bounds() {
    let (xv, x) = var("x");
    let (yv, y) = var("y");
    assert_eq!(bound_of(&[(&xv, -9, 11), (&yv, 4, 10)], &min(&x, &y)), (-9, 10));
    assert_eq!(bound_of(&[(&xv, NEG_INF, POS_INF), (&yv, 4, 10)], &min(&x, &y)), (NEG_INF, 10));
    assert_eq!(bound_of(&[(&xv, 1, POS_INF), (&yv, 4, 10)], &max(&x, &y)), (4, POS_INF));
    assert_eq!(bound_of(&[(&xv, -9, 11), (&yv, 4, 10)], &select(lt(&x, 0), &x, &y)), (-9, 11));
    let (lv, l) = var("l");
    let let_expr = E(PrimExpr::let_(&lv, PrimExpr::i32(1), (&l + 1).0).expect("well-typed let"));
    assert_eq!(bound_of(&[], &let_expr), (2, 2));
}

#[test]
fn mixed_index_and_modular_bounds() {
    let (xv, x) = var("x");
    let (yv, y) = var("y");
    assert_eq!(bound_of(&[(&xv, 0, 23), (&yv, 0, 2)], &(tmod(&x, 8) + tdiv(&x, 8) * 8)), (0, 23));
    assert_eq!(bound_of(&[(&xv, 0, 23), (&yv, 0, 2)], &(&y + &x * 3)), (0, 71));
    let (bv, bx) = var("bx");
    let (tv, tx) = var("tx");
    let e = flm(&bx * 2048 + &tx * 16, 7168);
    assert_eq!(bound_of(&[(&bv, 0, 3584), (&tv, 0, 128)], &e), (0, 7152));
    // Even values shifted by 2 modulo 8 are 0, 2, 4 or 6.
    assert_eq!(bound_of(&[(&xv, 0, 15)], &flm(&x * 6 + 2, 8)), (0, 6));
}

#[test]
fn constraints_narrow_bounds_in_scope_only() {
    let (av, a) = var("a");
    let mut analyzer = Analyzer::new();
    analyzer.update_const_int_bound(&av, ConstIntBound::new(0, 128));
    let e = flm(&a, 58) - 1;
    let constraint = and(le(1, flm(&a, 58)), lt(flm(&a, 58), 57));
    let inside = analyzer.with_constraint(&constraint.0, |an| an.const_int_bound(&e.0));
    assert_eq!(inside.min, 0);
    assert_eq!(analyzer.const_int_bound(&e.0).min, -1);
}

#[test]
fn modular_sets() {
    let (_, x) = var("x");
    let mut a = Analyzer::new();
    assert_eq!(a.modular_set(&(&x * 4 + 6).0), ModularSet::new(4, 2));
    assert_eq!(a.modular_set(&(&x * 6 + 3).0), ModularSet::new(6, 3));
    assert_eq!(a.modular_set(&(&x * 4 + &x * 6).0), ModularSet::new(2, 0));
    assert_eq!(a.modular_set(&(&x * 8 + 3).0), ModularSet::new(8, 3));
    assert_eq!(a.modular_set(&fld(&x * 8 + 4, 4).0), ModularSet::new(2, 1));
    assert_eq!(a.modular_set(&c(7).0), ModularSet::new(0, 7));
}

#[test]
fn bind_and_prove() {
    let (iv, i) = var("i");
    let (nv, n) = var("n");
    let mut a = Analyzer::new();
    a.bind(&iv, &Range::from_extent(PrimExpr::i32(10)));
    assert_eq!(a.const_int_bound(&i.0), ConstIntBound::new(0, 9));
    assert!(a.can_prove(&lt(&i, 10).0));
    assert!(a.can_prove(&ge(&i * 2, 0).0));
    assert!(!a.can_prove(&lt(&i, 9).0));
    assert!(a.can_prove_equal(&(fld(&i, 10)).0, &c(0).0));
    // An extent of one binds the var to the range's minimum, which simplification substitutes.
    a.bind(&nv, &Range::new(PrimExpr::i32(3), PrimExpr::i32(1)));
    assert_eq!(show(&a.simplify(&(&n * 2 + &i).0)), "i + 6");
    // A value binding substitutes the simplified value.
    let (kv, k) = var("k");
    a.bind_value(&kv, &(&i + &i).0);
    assert_eq!(show(&a.simplify(&(&k - &i).0)), "i");
    assert!(a.can_prove(&lt(&k, 19).0));
}

#[test]
fn buffer_shapes_are_non_negative() {
    let (nv, n) = var("n");
    let mut a = Analyzer::new();
    a.mark_global_non_neg_value(&(&n * 4 + 2).0);
    assert_eq!(a.const_int_bound(&n.0).min, -2);
    a.mark_global_non_neg_value(&n.0);
    assert_eq!(show(&a.simplify(&max(&n, 0).0)), "n");
    let _ = nv;
}

#[test]
fn deep_sums_do_not_overflow_the_stack() {
    let (_, x) = var("x");
    let mut e = x.clone();
    for _ in 0..1_000 {
        e = e + 1;
        e = e - &x;
        e = e + &x;
    }
    let mut a = Analyzer::new();
    let result = a.simplify(&e.0);
    assert_eq!(show(&result), "x + 1000");
}

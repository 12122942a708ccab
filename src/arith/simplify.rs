//! Convenience entry points over the `Analyzer`, and deep expression equality.
//!
//! `simplify` is TVM's `arith.Analyzer().simplify(e)` with no bindings: canonical form of index
//! expressions (terms ordered by descending coefficient, positive terms first, constants last),
//! constant folding and bound-aware rewriting. `can_prove_equal` asks a fresh analyzer whether
//! `a - b == 0`. The result is always equivalent to the input.

use super::analyzer::Analyzer;
use crate::ir::{Expr, PrimExpr};

/// Simplifies an expression with a fresh analyzer (no variable bindings).
pub fn simplify(e: &PrimExpr) -> PrimExpr {
    Analyzer::new().simplify(e)
}

/// Whether `a - b` provably equals zero; expressions of different dtypes are never equal.
pub fn can_prove_equal(a: &PrimExpr, b: &PrimExpr) -> bool {
    if a.dtype() != b.dtype() {
        return false;
    }
    if same_expr(a, b) {
        return true;
    }
    Analyzer::new().can_prove_equal(a, b)
}

/// Deep equality of expressions where vars and buffers compare by identity.
pub fn same_expr(a: &PrimExpr, b: &PrimExpr) -> bool {
    if a.ptr_eq(b) {
        return true;
    }
    if a.dtype() != b.dtype() {
        return false;
    }
    let all = |x: &[PrimExpr], y: &[PrimExpr]| {
        x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_expr(p, q))
    };
    match (a.expr(), b.expr()) {
        (Expr::IntImm(x), Expr::IntImm(y)) => x == y,
        (Expr::FloatImm(x), Expr::FloatImm(y)) => x.to_bits() == y.to_bits(),
        (Expr::StringImm(x), Expr::StringImm(y)) => x == y,
        (Expr::Var(x), Expr::Var(y)) => x == y,
        (Expr::Binary { op: o1, a: a1, b: b1 }, Expr::Binary { op: o2, a: a2, b: b2 }) => {
            o1 == o2 && same_expr(a1, a2) && same_expr(b1, b2)
        }
        (Expr::Cmp { op: o1, a: a1, b: b1 }, Expr::Cmp { op: o2, a: a2, b: b2 }) => {
            o1 == o2 && same_expr(a1, a2) && same_expr(b1, b2)
        }
        (Expr::And(a1, b1), Expr::And(a2, b2)) | (Expr::Or(a1, b1), Expr::Or(a2, b2)) => {
            same_expr(a1, a2) && same_expr(b1, b2)
        }
        (Expr::Not(x), Expr::Not(y)) | (Expr::Cast(x), Expr::Cast(y)) => same_expr(x, y),
        (
            Expr::BufferLoad { buffer: x, indices: i, predicate: None },
            Expr::BufferLoad { buffer: y, indices: j, predicate: None },
        ) => x == y && all(i, j),
        (Expr::Call { op: o1, args: a1 }, Expr::Call { op: o2, args: a2 }) => {
            o1 == o2 && all(a1, a2)
        }
        (
            Expr::Select { condition: c1, true_value: t1, false_value: f1 },
            Expr::Select { condition: c2, true_value: t2, false_value: f2 },
        ) => same_expr(c1, c2) && same_expr(t1, t2) && same_expr(f1, f2),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::ops;
    use crate::ir::{DataType, Var};

    fn v(name: &str) -> PrimExpr {
        PrimExpr::var(&Var::new(name, DataType::int32()))
    }
    fn show(e: &PrimExpr) -> String {
        match e.expr() {
            Expr::IntImm(x) => x.to_string(),
            Expr::Var(x) => x.name().to_string(),
            Expr::Binary { op, a, b } => format!("({} {:?} {})", show(a), op, show(b)),
            _ => "?".into(),
        }
    }

    #[test]
    fn cancels_and_orders_terms_by_descending_scale() {
        let (i, j) = (v("i"), v("j"));
        let i16 = ops::mul(i.clone(), PrimExpr::i32(16)).unwrap();
        let max = ops::add(i16.clone(), PrimExpr::i32(15)).unwrap();
        let extent = ops::sub(ops::add(max, PrimExpr::i32(1)).unwrap(), i16).unwrap();
        assert_eq!(simplify(&extent).as_int(), Some(16));
        let mixed = ops::add(j.clone(), ops::mul(i.clone(), PrimExpr::i32(4)).unwrap()).unwrap();
        assert_eq!(show(&simplify(&mixed)), "((i Mul 4) Add j)");
        let neg = ops::sub(ops::sub(PrimExpr::i32(3), i).unwrap(), j).unwrap();
        assert_eq!(show(&simplify(&neg)), "((3 Sub i) Sub j)");
    }

    #[test]
    fn proves_equalities_of_linear_forms() {
        let (i, j) = (v("i"), v("j"));
        let a = ops::add(i.clone(), j.clone()).unwrap();
        let b = ops::add(j, i).unwrap();
        assert!(can_prove_equal(&a, &b));
        assert!(!can_prove_equal(&a, &ops::add(b, PrimExpr::i32(1)).unwrap()));
    }
}

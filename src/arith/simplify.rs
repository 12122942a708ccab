//! A canonical simplifier for integer index expressions.
//!
//! `simplify` rewrites an integer expression into TVM's canonical sum form: a sum of
//! `atom * scale` terms plus a constant, where equal atoms are merged, terms are ordered by
//! descending scale (stably, ties keep first-appearance order, as TVM's canonical simplifier does),
//! positive terms are added first, negative terms are subtracted after, and the constant comes last.
//! An atom is any non-linear sub-expression (a var, a load, a `floordiv`, ...), itself simplified.
//! Non-integer expressions are returned with simplified children only. The result is always
//! equivalent to the input.

use super::ops;
use crate::ir::{BinaryOp, Expr, IrError, PrimExpr};

/// A linear combination `Σ scale·atom + base` of one integer dtype.
#[derive(Clone, Debug)]
struct Sum {
    terms: Vec<(PrimExpr, i64)>,
    base: i64,
}

impl Sum {
    fn constant(base: i64) -> Sum {
        Sum { terms: Vec::new(), base }
    }
    fn atom(e: PrimExpr) -> Sum {
        Sum { terms: vec![(e, 1)], base: 0 }
    }
    fn add(mut self, other: Sum, sign: i64) -> Option<Sum> {
        self.base = self.base.checked_add(other.base.checked_mul(sign)?)?;
        for (atom, scale) in other.terms {
            let scale = scale.checked_mul(sign)?;
            match self.terms.iter_mut().find(|(a, _)| same_expr(a, &atom)) {
                Some(entry) => entry.1 = entry.1.checked_add(scale)?,
                None => self.terms.push((atom, scale)),
            }
        }
        self.terms.retain(|(_, s)| *s != 0);
        Some(self)
    }
    fn scale(mut self, c: i64) -> Option<Sum> {
        self.base = self.base.checked_mul(c)?;
        for term in &mut self.terms {
            term.1 = term.1.checked_mul(c)?;
        }
        self.terms.retain(|(_, s)| *s != 0);
        Some(self)
    }
    fn as_constant(&self) -> Option<i64> {
        self.terms.is_empty().then_some(self.base)
    }
}

/// Simplifies an expression to canonical form (see the module docs).
pub fn simplify(e: &PrimExpr) -> PrimExpr {
    if !e.dtype().is_integer() || !e.dtype().is_scalar() {
        return e.clone();
    }
    match linearize(e) {
        Some(sum) => normalize(sum, e).unwrap_or_else(|_| e.clone()),
        None => e.clone(),
    }
}

/// Whether `a - b` simplifies to the constant zero.
pub fn can_prove_equal(a: &PrimExpr, b: &PrimExpr) -> bool {
    if a.dtype() != b.dtype() {
        return false;
    }
    match (linearize(a), linearize(b)) {
        (Some(x), Some(y)) => x.add(y, -1).is_some_and(|d| d.as_constant() == Some(0)),
        _ => same_expr(a, b),
    }
}

/// Turns an integer expression into a linear sum; `None` on arithmetic overflow.
fn linearize(e: &PrimExpr) -> Option<Sum> {
    match e.expr() {
        Expr::IntImm(v) => Some(Sum::constant(*v)),
        Expr::Binary { op: BinaryOp::Add, a, b } => linearize(a)?.add(linearize(b)?, 1),
        Expr::Binary { op: BinaryOp::Sub, a, b } => linearize(a)?.add(linearize(b)?, -1),
        Expr::Binary { op: BinaryOp::Mul, a, b } => {
            let (x, y) = (linearize(a)?, linearize(b)?);
            match (x.as_constant(), y.as_constant()) {
                (_, Some(c)) => x.scale(c),
                (Some(c), _) => y.scale(c),
                _ => Some(Sum::atom(rebuild_atom(e))),
            }
        }
        _ => Some(Sum::atom(rebuild_atom(e))),
    }
}

/// Simplifies the integer children of an atom, keeping its operator.
fn rebuild_atom(e: &PrimExpr) -> PrimExpr {
    match e.expr() {
        Expr::Binary { op, a, b } => {
            let (sa, sb) = (simplify(a), simplify(b));
            if sa.ptr_eq(a) && sb.ptr_eq(b) {
                return e.clone();
            }
            ops::binary(*op, sa, sb).unwrap_or_else(|_| e.clone())
        }
        _ => e.clone(),
    }
}

/// Builds the canonical expression of a sum, in the dtype of `like`.
fn normalize(mut sum: Sum, like: &PrimExpr) -> Result<PrimExpr, IrError> {
    let dtype = like.dtype();
    sum.terms.sort_by(|x, y| y.1.cmp(&x.1));
    let term = |atom: &PrimExpr, scale: i64| -> Result<PrimExpr, IrError> {
        if scale == 1 { Ok(atom.clone()) } else { ops::mul(atom.clone(), PrimExpr::int(scale, dtype)) }
    };
    let mut result = PrimExpr::int(0, dtype);
    for (atom, scale) in sum.terms.iter().filter(|(_, s)| *s > 0) {
        result = ops::add(result, term(atom, *scale)?)?;
    }
    for (atom, scale) in sum.terms.iter().filter(|(_, s)| *s < 0) {
        result = ops::sub(result, term(atom, scale.checked_neg().ok_or_else(overflow)?)?)?;
    }
    if sum.base > 0 {
        result = ops::add(result, PrimExpr::int(sum.base, dtype))?;
    } else if sum.base < 0 {
        result = ops::sub(result, PrimExpr::int(sum.base.checked_neg().ok_or_else(overflow)?, dtype))?;
    }
    Ok(result)
}

fn overflow() -> IrError {
    IrError::invalid("integer overflow while simplifying")
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
        (Expr::Call { op: o1, args: a1 }, Expr::Call { op: o2, args: a2 }) => o1 == o2 && all(a1, a2),
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
        assert_eq!(show(&simplify(&neg)), "(((0 Sub i) Sub j) Add 3)");
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

//! Small helpers the simplifiers share: matching node shapes, unpacking sums and products,
//! side-effect levels, and building boolean nodes without failing.
//!
//! Builders here follow TVM's pattern `Eval`: arithmetic goes through `ops` (constant folding as
//! TVM's operators), so a rewritten expression folds the same way TVM's does.

use super::ops;
use crate::ir::{BinaryOp, CallEffectKind, Callee, CmpOp, Expr, PrimExpr};

/// The operands of `e` when it is the binary operator `op`.
pub fn bin(e: &PrimExpr, op: BinaryOp) -> Option<(&PrimExpr, &PrimExpr)> {
    match e.expr() {
        Expr::Binary { op: o, a, b } if *o == op => Some((a, b)),
        _ => None,
    }
}

/// The operands of `e` when it is the comparison `op`.
pub fn cmp(e: &PrimExpr, op: CmpOp) -> Option<(&PrimExpr, &PrimExpr)> {
    match e.expr() {
        Expr::Cmp { op: o, a, b } if *o == op => Some((a, b)),
        _ => None,
    }
}

/// `x * c` (or `c * x` when `commute`) with an integer constant `c`.
pub fn mul_const(e: &PrimExpr) -> Option<(&PrimExpr, i64)> {
    let (a, b) = bin(e, BinaryOp::Mul)?;
    b.as_int().map(|c| (a, c))
}

/// Whether the expression has no effect beyond reading state (TVM's `SideEffect(e) <= kPure`
/// when `allow_reads` is false, `<= kReadState` when it is true).
pub fn has_no_effect(e: &PrimExpr, allow_reads: bool) -> bool {
    let mut ok = true;
    crate::ir::visit::walk_expr(e, &mut |sub| match sub.expr() {
        Expr::BufferLoad { .. } if !allow_reads => ok = false,
        Expr::Call { op: Callee::Op(op), .. } => {
            let effect = op.def().effect;
            let fine = matches!(effect, CallEffectKind::ExprAnnotation | CallEffectKind::Pure)
                || (allow_reads && effect == CallEffectKind::ReadState);
            ok &= fine;
        }
        Expr::Call { op: Callee::Global(_), .. } => ok = false,
        _ => {}
    });
    ok
}

/// Whether `e` is pure (no reads of buffers, no effectful calls).
pub fn is_pure(e: &PrimExpr) -> bool {
    has_no_effect(e, false)
}

/// Calls `f(term, sign)` for each term of a sum of `+`/`-` nodes (TVM's `UnpackSum`).
pub fn unpack_sum(e: &PrimExpr, sign: i64, f: &mut dyn FnMut(&PrimExpr, i64)) {
    match e.expr() {
        Expr::Binary { op: BinaryOp::Add, a, b } => {
            unpack_sum(a, sign, f);
            unpack_sum(b, sign, f);
        }
        Expr::Binary { op: BinaryOp::Sub, a, b } => {
            unpack_sum(a, sign, f);
            unpack_sum(b, -sign, f);
        }
        _ => f(e, sign),
    }
}

/// Calls `f` on each factor of a product of `*` nodes (TVM's `UnpackReduction<Mul>`).
pub fn unpack_product(e: &PrimExpr, f: &mut dyn FnMut(&PrimExpr)) {
    match e.expr() {
        Expr::Binary { op: BinaryOp::Mul, a, b } => {
            unpack_product(a, f);
            unpack_product(b, f);
        }
        _ => f(e),
    }
}

/// `!e`, folding a boolean constant; an ill-typed operand yields `e` unchanged.
pub fn not(e: &PrimExpr) -> PrimExpr {
    match e.as_int() {
        Some(v) if e.dtype().is_bool() => PrimExpr::bool(v == 0),
        _ => PrimExpr::not(e.clone()).unwrap_or_else(|_| e.clone()),
    }
}

fn lt(a: &PrimExpr, b: &PrimExpr) -> PrimExpr {
    ops::compare(CmpOp::Lt, a.clone(), b.clone()).unwrap_or_else(|_| PrimExpr::bool(false))
}
fn le(a: &PrimExpr, b: &PrimExpr) -> PrimExpr {
    ops::compare(CmpOp::Le, a.clone(), b.clone()).unwrap_or_else(|_| PrimExpr::bool(false))
}

/// Pushes negations into comparisons and across `&&`/`||` (TVM's `NormalizeBooleanOperators`).
pub fn normalize_boolean_operators(e: &PrimExpr) -> PrimExpr {
    let mut expr = e.clone();
    loop {
        let next = match expr.expr() {
            Expr::Not(inner) => match inner.expr() {
                Expr::Not(x) => x.clone(),
                Expr::Or(x, y) => {
                    let (nx, ny) = (
                        normalize_boolean_operators(&not(x)),
                        normalize_boolean_operators(&not(y)),
                    );
                    return ops::logical_and(nx, ny).unwrap_or(expr);
                }
                Expr::And(x, y) => {
                    let (nx, ny) = (
                        normalize_boolean_operators(&not(x)),
                        normalize_boolean_operators(&not(y)),
                    );
                    return ops::logical_or(nx, ny).unwrap_or(expr);
                }
                Expr::Cmp { op: CmpOp::Lt, a, b } => return le(b, a),
                Expr::Cmp { op: CmpOp::Gt, a, b } => return le(a, b),
                Expr::Cmp { op: CmpOp::Le, a, b } => return lt(b, a),
                Expr::Cmp { op: CmpOp::Ge, a, b } => return lt(a, b),
                Expr::Cmp { op: CmpOp::Eq, a, b } => {
                    return ops::compare(CmpOp::Ne, a.clone(), b.clone()).unwrap_or(expr);
                }
                Expr::Cmp { op: CmpOp::Ne, a, b } => {
                    return ops::compare(CmpOp::Eq, a.clone(), b.clone()).unwrap_or(expr);
                }
                _ => return expr,
            },
            Expr::Cmp { op: CmpOp::Ge, a, b } => return le(b, a),
            Expr::Cmp { op: CmpOp::Gt, a, b } => return lt(b, a),
            _ => return expr,
        };
        expr = next;
    }
}

//! RewriteUnsafeSelect (TVM v0.23 `tir.RewriteUnsafeSelect`): a `Select` whose branches may be
//! unsafe to evaluate becomes `if_then_else`, which evaluates only the branch it takes.
//!
//! `T.Select(c, t, f)` evaluates both `t` and `f`; when either may fault (a buffer load, which
//! might be out of bounds on the untaken side, or a call that is not pure) and the condition is a
//! scalar bool, the node becomes `T.if_then_else(c, t, f)`. Selects are rewritten bottom-up (inner
//! ones first). A vector condition keeps the `Select`: `if_then_else` cannot choose per lane.
//!
//! What counts as unsafe follows TVM's `UnsafeExprDetector`: loads; calls of a `GlobalVar` or of
//! an op whose effect is neither pure nor an annotation; for the rest, whether an operand is
//! unsafe, except that a nested `Select` or `if_then_else` looks at its condition only (it is
//! guarded itself), `address_of` looks at the indices of its load, and a `Ramp` is unsafe only
//! when both its base and stride are (TVM's rule, kept as is). A `Reduce` (which TVM's detector
//! does not handle) counts as unsafe.

use super::block_lowering_util::{map_stmt_tree_exprs, rewrite_expr};
use crate::ir::{Callee, Expr, IrError, Op, PrimExpr, PrimFunc};
use crate::transform::pass::Pass;

/// Rewrites the unsafe selects of `func` to `if_then_else`.
pub fn rewrite_unsafe_select(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let body = map_stmt_tree_exprs(&func.body, &mut |e| rewrite_expr(e, &mut guard_select))?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.RewriteUnsafeSelect` (opt level 0, per function).
pub fn pass() -> Pass {
    Pass::prim_func("tir.RewriteUnsafeSelect", 0, |f, _| Ok(rewrite_unsafe_select(f)?))
}

/// `e` as `if_then_else` when it is a select with an unsafe branch and a scalar bool condition.
fn guard_select(e: &PrimExpr) -> Result<PrimExpr, IrError> {
    let Expr::Select { condition, true_value, false_value } = e.expr() else {
        return Ok(e.clone());
    };
    let scalar_bool = condition.dtype().is_bool() && condition.dtype().is_scalar();
    if scalar_bool && (is_unsafe(true_value) || is_unsafe(false_value)) {
        let if_then_else = Op::get("if_then_else")
            .ok_or_else(|| IrError::invalid("no op if_then_else in the registry"))?;
        let args = vec![condition.clone(), true_value.clone(), false_value.clone()];
        return PrimExpr::call_op(e.dtype(), if_then_else, args);
    }
    Ok(e.clone())
}

/// Whether evaluating `e` may fault or have an effect (TVM's `UnsafeExprDetector`).
fn is_unsafe(e: &PrimExpr) -> bool {
    match e.expr() {
        Expr::IntImm(_) | Expr::FloatImm(_) | Expr::StringImm(_) | Expr::Var(_) => false,
        Expr::Binary { a, b, .. } | Expr::Cmp { a, b, .. } | Expr::And(a, b) | Expr::Or(a, b) => {
            is_unsafe(a) || is_unsafe(b)
        }
        Expr::Not(a) | Expr::Cast(a) => is_unsafe(a),
        Expr::Broadcast { value, .. } => is_unsafe(value),
        Expr::Ramp { base, stride, .. } => is_unsafe(base) && is_unsafe(stride),
        Expr::Shuffle { vectors, .. } => vectors.iter().any(is_unsafe),
        Expr::Let { value, body, .. } => is_unsafe(body) || is_unsafe(value),
        Expr::Select { condition, .. } => is_unsafe(condition),
        Expr::BufferLoad { .. } | Expr::Reduce { .. } => true,
        Expr::Call { op: Callee::Global(_), .. } => true,
        Expr::Call { op: Callee::Op(op), args } => match op.name() {
            "if_then_else" => args.first().is_some_and(is_unsafe),
            "address_of" => match args.first().map(PrimExpr::expr) {
                Some(Expr::BufferLoad { indices, .. }) => indices.iter().any(is_unsafe),
                _ => false,
            },
            _ if op.def().is_pure() => args.iter().any(is_unsafe),
            _ => true,
        },
    }
}

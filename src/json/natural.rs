//! Natural dtypes: the dtype an expression kind has when the file does not state one.
//!
//! The writer omits an expression's `dtype` exactly when it equals `natural_dtype` of the node,
//! and the reader fills it back in from the same function, so both agree by construction.

use crate::ir::expr::{bool_like, load_dtype};
use crate::ir::{DataType, Expr, PrimExpr};

/// The dtype implied by a node's kind and children, or `None` when the kind needs an explicit one.
pub fn natural_dtype(expr: &Expr) -> Option<DataType> {
    match expr {
        Expr::IntImm(_) => Some(DataType::int32()),
        Expr::FloatImm(_) => Some(DataType::float32()),
        Expr::StringImm(_) => Some(DataType::handle()),
        Expr::Var(v) => Some(v.dtype()),
        Expr::Binary { a, .. } | Expr::Not(a) => Some(a.dtype()),
        Expr::Cmp { a, .. } | Expr::And(a, _) | Expr::Or(a, _) => Some(bool_like(a.dtype())),
        Expr::Select { true_value, .. } => Some(true_value.dtype()),
        Expr::BufferLoad { buffer, indices, .. } => Some(load_dtype(buffer, indices)),
        Expr::Let { body, .. } => Some(body.dtype()),
        Expr::Cast(_)
        | Expr::Ramp { .. }
        | Expr::Broadcast { .. }
        | Expr::Shuffle { .. }
        | Expr::Call { .. }
        | Expr::Reduce { .. } => None,
    }
}

/// Whether `e` is the constant `true` (a bool `IntImm` 1), the default of optional conditions.
pub fn is_const_true(e: &PrimExpr) -> bool {
    e.dtype() == DataType::bool() && e.as_int() == Some(1)
}

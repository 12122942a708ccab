//! Top-level Python constants of a file (`x_value = 128` outside any function): bound in the
//! file's scope, where functions read them and hygienic macros capture them, as a Python module's
//! globals are.
//!
//! Invariant: only Python constants (`None`, bools, ints, floats, strings and tuples, lists and
//! dicts of them) are bound at the top level; anything else (a var, a buffer, a frame) would
//! outlive the function it belongs to, so it is a spanned error.

use super::Evaluator;
use super::error::{EvalResult, error_label};
use super::value::Value;
use crate::syntax::ast::{Expr, ExprKind};

/// Whether a top-level value is a Python constant (what `name = value` may bind outside any
/// function, for macros and functions to read).
fn is_python_constant(value: &Value) -> bool {
    match value {
        Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => true,
        Value::Tuple(items) | Value::List(items) => items.iter().all(is_python_constant),
        Value::Dict(entries) => {
            entries.iter().all(|(k, v)| is_python_constant(k) && is_python_constant(v))
        }
        _ => false,
    }
}

impl Evaluator {
    /// `name = value` at the top level of the file: binds a Python constant in the file's scope,
    /// where hygienic macros capture it and functions see it.
    pub(super) fn top_level_constant(&mut self, targets: &[Expr], value: &Expr) -> EvalResult<()> {
        let [target] = targets else {
            return Err(error_label(
                &targets[1].span,
                "Consequential assignments like 'a = b = c' are not supported.",
                "second target",
            ));
        };
        let ExprKind::Name(name) = &target.kind else {
            return Err(error_label(
                &target.span,
                "only a name can be assigned at the top level of a file",
                "not a name",
            ));
        };
        let evaluated = self.eval(value)?;
        if !is_python_constant(&evaluated) {
            return Err(error_label(
                &value.span,
                format!(
                    "only Python constants can be assigned at the top level of a file, got {}",
                    evaluated.kind()
                ),
                "not a constant",
            ));
        }
        self.define(name, evaluated, &target.span)
    }
}

//! Assignments with TVM v0.23's `tir/parser.py` binders: buffer stores, implicit lets (`x = expr`
//! binds a `LetStmt` unless the value is a new var, a buffer or a frame), annotated lets
//! (`x: T.int32 = expr`), tuple unpacking, and names defined in the variable table.

use super::Evaluator;
use super::error::{AtSpan, EvalResult, error, error_label};
use super::frames::PendingFrame;
use super::subscript::IndexValue;
use super::value::Value;
use crate::ir::{DataType, PrimExpr};
use crate::syntax::ast::{Expr, ExprKind, Span};

/// Which TVM binder an assignment uses (they accept different values).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Binder {
    Assign,
    For,
    With,
}

/// The names a target binds, flattened in order (`a, (b, c)` → `a b c`).
pub(super) fn target_names(target: &Expr) -> EvalResult<Vec<String>> {
    let mut names = Vec::new();
    collect_names(target, &mut names)?;
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(error(&target.span, "Duplicate vars assigned."));
        }
    }
    Ok(names)
}

fn collect_names(target: &Expr, names: &mut Vec<String>) -> EvalResult<()> {
    match &target.kind {
        ExprKind::Name(n) => names.push(n.clone()),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            for item in items {
                collect_names(item, names)?;
            }
        }
        _ => {
            return Err(error_label(
                &target.span,
                "Invalid type in assign statement",
                "cannot assign to this",
            ));
        }
    }
    Ok(())
}

impl Evaluator {
    pub(super) fn assign_stmt(
        &mut self,
        target: &Expr,
        value: &Expr,
        span: &Span,
    ) -> EvalResult<()> {
        if let ExprKind::Subscript(sub) = &target.kind {
            let rhs = self.eval_operand(value, true)?;
            return self.store(&sub.value, &sub.index, rhs, &target.span, span);
        }
        let names = target_names(target)?;
        let rhs = self.eval_named(value, &names, true)?;
        self.assign(target, rhs, Binder::Assign)
    }

    pub(super) fn store_or_bind(
        &mut self,
        target: &Expr,
        value: Value,
        span: &Span,
    ) -> EvalResult<()> {
        match &target.kind {
            ExprKind::Subscript(sub) => {
                self.store(&sub.value, &sub.index, value, &target.span, span)
            }
            _ => self.assign(target, value, Binder::Assign),
        }
    }

    /// `buffer[index] = value`.
    fn store(
        &mut self,
        buffer: &Expr,
        index: &Expr,
        value: Value,
        target: &Span,
        span: &Span,
    ) -> EvalResult<()> {
        let Value::Buffer(buffer_value) = self.eval(buffer)? else {
            return Err(error_label(
                &buffer.span,
                "only buffers can be assigned to by index",
                "not a buffer",
            ));
        };
        let indices = self.eval_indices(index)?;
        super::subscript::check_rank(&buffer_value, indices.len(), target)?;
        let indices = super::subscript::store_indices(&indices, span)?;
        let value = match value {
            Value::Bool(b) if buffer_value.dtype() == DataType::bool() => PrimExpr::bool(b),
            other => super::convert::to_expr(&other, span)?,
        };
        self.builder.buffer_store(&buffer_value, value, indices, None).at(span)
    }

    /// Evaluates a subscript index into its parts (one per dimension).
    pub(super) fn eval_indices(&mut self, index: &Expr) -> EvalResult<Vec<(IndexValue, Span)>> {
        let parts: Vec<&Expr> = match &index.kind {
            ExprKind::Tuple(items) => items.iter().collect(),
            _ => vec![index],
        };
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            out.push((self.eval_index(part)?, part.span.clone()));
        }
        Ok(out)
    }

    /// Binds `value` to `target` (a name or nested tuple of names) as Python's assignment does.
    pub(super) fn assign(&mut self, target: &Expr, value: Value, binder: Binder) -> EvalResult<()> {
        match &target.kind {
            ExprKind::Name(name) => {
                let bound = self.bind_value(name, value, binder, &target.span)?;
                self.define(name, bound, &target.span)
            }
            ExprKind::Tuple(targets) | ExprKind::List(targets) => {
                let items: Vec<Value> = match value {
                    Value::Tuple(items) | Value::List(items) => items,
                    Value::MetaVar(inner) => match *inner {
                        Value::Tuple(items) | Value::List(items) => {
                            items.into_iter().map(|v| Value::MetaVar(Box::new(v))).collect()
                        }
                        other => {
                            return Err(error(
                                &target.span,
                                format!("cannot unpack a non-iterable {}", other.kind()),
                            ));
                        }
                    },
                    other => {
                        return Err(error(
                            &target.span,
                            format!("cannot unpack a non-iterable {}", other.kind()),
                        ));
                    }
                };
                if items.len() != targets.len() {
                    return Err(error_label(
                        &target.span,
                        format!(
                            "cannot unpack {} values into {} targets",
                            items.len(),
                            targets.len()
                        ),
                        format!("{} names here", targets.len()),
                    ));
                }
                for (t, v) in targets.iter().zip(items) {
                    self.assign(t, v, binder)?;
                }
                Ok(())
            }
            _ => Err(error_label(
                &target.span,
                "Invalid type in assign statement",
                "cannot assign to this",
            )),
        }
    }

    /// Defines `name` in the innermost scope, reporting a redefinition.
    pub(super) fn define(&mut self, name: &str, value: Value, span: &Span) -> EvalResult<()> {
        self.vars.add(name, value, span).map_err(|r| {
            Box::new(
                crate::diagnostic::Diagnostic::error(
                    format!("Variable {name} already defined in current scope"),
                    span.clone(),
                )
                .with_label("redefined here")
                .with_secondary(r.previous, "first defined here")
                .with_hint("use a new name, or bind it in a nested scope"),
            )
        })
    }

    /// TVM's `bind_assign_value` / `bind_for_value` / `bind_with_value`.
    fn bind_value(
        &mut self,
        name: &str,
        value: Value,
        binder: Binder,
        span: &Span,
    ) -> EvalResult<Value> {
        match value {
            Value::MetaVar(inner) if binder == Binder::Assign => Ok(*inner),
            Value::Tuple(ref items) | Value::List(ref items) => {
                for (i, item) in items.iter().enumerate() {
                    self.bind_value(&format!("{name}_{i}"), item.clone(), binder, span)?;
                }
                Ok(value)
            }
            Value::Frame(frame) if binder == Binder::Assign => {
                self.enter_implicit(*frame, &[name.to_string()], span)
            }
            Value::Buffer(_) | Value::IterVar(_) => Ok(value),
            Value::Expr(ref e) if e.as_var().is_some_and(|v| !self.vars.knows_var(v.id())) => {
                Ok(value)
            }
            Value::Expr(_) if binder != Binder::Assign => Ok(value),
            other if binder == Binder::Assign => {
                let Some(expr) = other.to_prim_expr() else {
                    return Err(error_label(
                        span,
                        format!("cannot bind a value of type {} to `{name}`", other.kind()),
                        "only expressions, buffers and frames can be bound",
                    ));
                };
                let frame = PendingFrame::LetStmt { value: expr, type_annotation: None, var: None };
                self.enter_implicit(frame, &[name.to_string()], span)
            }
            other => Err(error(
                span,
                format!("Do not know how to bind type: {} in this statement", other.kind()),
            )),
        }
    }

    pub(super) fn ann_assign(
        &mut self,
        target: &Expr,
        annotation: &Expr,
        value: Option<&Expr>,
        span: &Span,
    ) -> EvalResult<()> {
        let ExprKind::Name(name) = &target.kind else {
            return Err(error_label(&target.span, "only a name can be annotated", "not a name"));
        };
        let Some(value) = value else {
            return Err(error_label(
                span,
                "an annotated declaration needs a value",
                "add `= value`",
            ));
        };
        let rhs = self.eval(value)?;
        let rhs = super::convert::to_expr(&rhs, &value.span)?;
        let var = match self.annotation(annotation, std::slice::from_ref(name))? {
            Value::Expr(e) if e.as_var().is_some() => e.as_var().cloned(),
            _ => None,
        };
        let Some(var) = var else {
            return Err(error_label(
                &annotation.span,
                "Annotation should be Var",
                "not a type such as T.int32",
            ));
        };
        self.define(name, Value::var(&var), &target.span)?;
        let frame = PendingFrame::LetStmt { value: rhs, type_annotation: None, var: Some(var) };
        self.enter_implicit(frame, &[], span).map(|_| ())
    }

    /// Evaluates a type annotation; a callable one (`T.int32`, `T.handle`) is called, naming
    /// what it creates after `names`.
    pub(super) fn annotation(&mut self, annotation: &Expr, names: &[String]) -> EvalResult<Value> {
        let value = self.eval_named(annotation, names, false)?;
        match value {
            Value::Builtin(b) => {
                let args = super::args::CallArgs {
                    name: super::dispatch::builtin_name(&b),
                    span: annotation.span.clone(),
                    positional: Vec::new(),
                    keywords: Vec::new(),
                };
                super::dispatch::call(self, b, args, names)
            }
            other => Ok(other),
        }
    }
}

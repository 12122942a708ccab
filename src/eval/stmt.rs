//! Statements inside a function body, with TVM v0.23's `tir/parser.py` rules: assignments (buffer
//! stores, implicit lets, naming of new vars and buffers), `for`, `while`, `if` (evaluated at parse
//! time on a Python bool), `with`, `assert`, `return`, `break`/`continue` and expression statements.

use super::Evaluator;
use super::error::{AtSpan, EvalResult, error, error_label};
use super::frames::PendingFrame;
use super::subscript::IndexValue;
use super::value::Value;
use crate::ir::{DataType, Op, PrimExpr};
use crate::syntax::ast::{Expr, ExprKind, Span, Stmt, StmtKind};

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
        _ => return Err(error_label(&target.span, "Invalid type in assign statement", "cannot assign to this")),
    }
    Ok(())
}

impl Evaluator {
    /// Evaluates a statement list.
    pub(super) fn body(&mut self, stmts: &[Stmt]) -> EvalResult<()> {
        for s in stmts {
            stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.stmt(s))?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> EvalResult<()> {
        let span = &s.span;
        match &s.kind {
            StmtKind::Assign { targets, value } => {
                if targets.len() != 1 {
                    return Err(error_label(
                        &targets[1].span,
                        "Consequential assignments like 'a = b = c' are not supported.",
                        "second target",
                    ));
                }
                self.assign_stmt(&targets[0], value, span)
            }
            StmtKind::AnnAssign { target, annotation, value } => self.ann_assign(target, annotation, value.as_ref(), span),
            StmtKind::AugAssign { target, op, value } => {
                let lhs = self.eval(target)?;
                let rhs = self.eval(value)?;
                let result = super::ops::binary(*op, lhs, rhs, span)?;
                self.store_or_bind(target, result, span)
            }
            StmtKind::For { target, iter, body } => self.for_stmt(target, iter, body, span),
            StmtKind::While { test, body } => {
                self.vars.push();
                let result = self.while_stmt(test, body, span);
                self.vars.pop();
                result
            }
            StmtKind::If { test, body, orelse } => {
                self.vars.push();
                let result = self.if_stmt(test, body, orelse);
                self.vars.pop();
                result
            }
            StmtKind::With { items, body } => {
                self.vars.push();
                let result = self.with_stmt(items, body, span);
                self.vars.pop();
                result
            }
            StmtKind::Assert { test, msg } => {
                let condition = self.condition(test)?;
                let Some(msg) = msg else {
                    return Err(error_label(span, "an assert statement needs a message", "add `, \"message\"`"));
                };
                let message = match self.eval(msg)? {
                    Value::Str(s) => s,
                    other => return Err(error(&msg.span, format!("the assert message must be a string, got {}", other.kind()))),
                };
                self.enter_implicit(PendingFrame::Assert { condition, message }, &[], span).map(|_| ())
            }
            StmtKind::Return(value) => {
                let Some(value) = value else {
                    return Err(error_label(span, "Expression to be returned must be a PrimExpr", "returns no value"));
                };
                let v = self.eval(value)?;
                let v = super::convert::to_expr(&v, &value.span)?;
                let call = PrimExpr::call_op(v.dtype(), Op::builtin("ret"), vec![v]).at(span)?;
                self.builder.evaluate(call).at(span)
            }
            StmtKind::Break => self.jump("break_loop", span),
            StmtKind::Continue => self.jump("continue_loop", span),
            StmtKind::Pass => Ok(()),
            StmtKind::Expr(e) => self.expr_stmt(e),
            StmtKind::FunctionDef(def) => Err(error_label(
                &def.name.span,
                "nested function definitions are not supported in a T.prim_func",
                "nested function",
            )),
            StmtKind::ClassDef(class) => Err(error_label(
                &class.name.span,
                "class definitions are not supported in a T.prim_func",
                "nested class",
            )),
        }
    }

    fn jump(&mut self, op: &str, span: &Span) -> EvalResult<()> {
        let call = PrimExpr::call_op(DataType::void(), Op::builtin(op), vec![]).at(span)?;
        self.builder.evaluate(call).at(span)
    }

    /// A condition: a TIR expression, or a Python bool as a `bool` immediate.
    fn condition(&mut self, test: &Expr) -> EvalResult<PrimExpr> {
        let v = self.eval(test)?;
        super::convert::to_expr(&v, &test.span)
    }

    fn assign_stmt(&mut self, target: &Expr, value: &Expr, span: &Span) -> EvalResult<()> {
        if let ExprKind::Subscript(sub) = &target.kind {
            let rhs = self.eval_operand(value, true)?;
            return self.store(&sub.value, &sub.index, rhs, &target.span, span);
        }
        let names = target_names(target)?;
        let rhs = self.eval_named(value, &names, true)?;
        self.assign(target, rhs, Binder::Assign, span)
    }

    fn store_or_bind(&mut self, target: &Expr, value: Value, span: &Span) -> EvalResult<()> {
        match &target.kind {
            ExprKind::Subscript(sub) => self.store(&sub.value, &sub.index, value, &target.span, span),
            _ => self.assign(target, value, Binder::Assign, span),
        }
    }

    /// `buffer[index] = value`.
    fn store(&mut self, buffer: &Expr, index: &Expr, value: Value, target: &Span, span: &Span) -> EvalResult<()> {
        let Value::Buffer(buffer_value) = self.eval(buffer)? else {
            return Err(error_label(&buffer.span, "only buffers can be assigned to by index", "not a buffer"));
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
    pub(super) fn assign(&mut self, target: &Expr, value: Value, binder: Binder, span: &Span) -> EvalResult<()> {
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
                        other => return Err(error(&target.span, format!("cannot unpack a non-iterable {}", other.kind()))),
                    },
                    other => return Err(error(&target.span, format!("cannot unpack a non-iterable {}", other.kind()))),
                };
                if items.len() != targets.len() {
                    return Err(error_label(
                        &target.span,
                        format!("cannot unpack {} values into {} targets", items.len(), targets.len()),
                        format!("{} names here", targets.len()),
                    ));
                }
                for (t, v) in targets.iter().zip(items) {
                    self.assign(t, v, binder, span)?;
                }
                Ok(())
            }
            _ => Err(error_label(&target.span, "Invalid type in assign statement", "cannot assign to this")),
        }
    }

    /// Defines `name` in the innermost scope, reporting a redefinition.
    pub(super) fn define(&mut self, name: &str, value: Value, span: &Span) -> EvalResult<()> {
        self.vars.add(name, value, span).map_err(|r| {
            Box::new(
                crate::diagnostic::Diagnostic::error(format!("Variable {name} already defined in current scope"), span.clone())
                    .with_label("redefined here")
                    .with_secondary(r.previous, "first defined here")
                    .with_hint("use a new name, or bind it in a nested scope"),
            )
        })
    }

    /// TVM's `bind_assign_value` / `bind_for_value` / `bind_with_value`.
    fn bind_value(&mut self, name: &str, value: Value, binder: Binder, span: &Span) -> EvalResult<Value> {
        match value {
            Value::MetaVar(inner) if binder == Binder::Assign => Ok(*inner),
            Value::Tuple(ref items) | Value::List(ref items) => {
                for (i, item) in items.iter().enumerate() {
                    self.bind_value(&format!("{name}_{i}"), item.clone(), binder, span)?;
                }
                Ok(value)
            }
            Value::Frame(frame) if binder == Binder::Assign => self.enter_implicit(*frame, &[name.to_string()], span),
            Value::Buffer(_) | Value::IterVar(_) => Ok(value),
            Value::Expr(ref e) if e.as_var().is_some_and(|v| !self.vars.knows_var(v.id())) => Ok(value),
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
            other => Err(error(span, format!("Do not know how to bind type: {} in this statement", other.kind()))),
        }
    }

    fn ann_assign(&mut self, target: &Expr, annotation: &Expr, value: Option<&Expr>, span: &Span) -> EvalResult<()> {
        let ExprKind::Name(name) = &target.kind else {
            return Err(error_label(&target.span, "only a name can be annotated", "not a name"));
        };
        let Some(value) = value else {
            return Err(error_label(span, "an annotated declaration needs a value", "add `= value`"));
        };
        let rhs = self.eval(value)?;
        let rhs = super::convert::to_expr(&rhs, &value.span)?;
        let var = match self.annotation(annotation, std::slice::from_ref(name))? {
            Value::Expr(e) if e.as_var().is_some() => e.as_var().cloned(),
            _ => None,
        };
        let Some(var) = var else {
            return Err(error_label(&annotation.span, "Annotation should be Var", "not a type such as T.int32"));
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

    fn for_stmt(&mut self, target: &Expr, iter: &Expr, body: &[Stmt], span: &Span) -> EvalResult<()> {
        let frame = match self.eval(iter)? {
            Value::Frame(f) if matches!(*f, PendingFrame::For { .. } | PendingFrame::Grid(_) | PendingFrame::ThreadBinding { .. }) => *f,
            _ => {
                return Err(error_label(
                    &iter.span,
                    "Expect the for loop to be one of the following: range, T.serial, T.grid, T.parallel, T.vectorized, T.unroll, T.thread_binding",
                    "not a loop",
                ));
            }
        };
        let names = target_names(target)?;
        self.vars.push();
        let result = (|| {
            let (value, opened) = self.enter_frame(frame, &names, span)?;
            self.assign(target, value, Binder::For, span)?;
            self.with_body(span, |e| e.body(body))?;
            for _ in 0..opened {
                self.exit_frame(span)?;
            }
            Ok(())
        })();
        self.vars.pop();
        result
    }

    fn while_stmt(&mut self, test: &Expr, body: &[Stmt], span: &Span) -> EvalResult<()> {
        let condition = self.condition(test)?;
        self.builder.while_(condition).at(span)?;
        self.with_body(span, |e| e.body(body))?;
        self.exit_frame(span)
    }

    fn if_stmt(&mut self, test: &Expr, body: &[Stmt], orelse: &[Stmt]) -> EvalResult<()> {
        let span = &test.span;
        match self.eval(test)? {
            Value::Expr(condition) => {
                self.builder.if_(condition).at(span)?;
                self.builder.then_().at(span)?;
                self.scoped_body(body, span)?;
                self.exit_frame(span)?;
                if !orelse.is_empty() {
                    self.builder.else_().at(span)?;
                    self.scoped_body(orelse, span)?;
                    self.exit_frame(span)?;
                }
                self.exit_frame(span)
            }
            Value::Bool(true) => {
                self.vars.push();
                let r = self.body(body);
                self.vars.pop();
                r
            }
            Value::Bool(false) => {
                self.vars.push();
                let r = self.body(orelse);
                self.vars.pop();
                r
            }
            other => Err(error_label(
                span,
                format!("If condition must be a boolean expression, but got {}", other.kind()),
                "not a bool or a TIR condition",
            )),
        }
    }

    fn scoped_body(&mut self, body: &[Stmt], span: &Span) -> EvalResult<()> {
        self.vars.push();
        let r = self.with_body(span, |e| e.body(body));
        self.vars.pop();
        r
    }

    fn with_stmt(&mut self, items: &[crate::syntax::ast::WithItem], body: &[Stmt], span: &Span) -> EvalResult<()> {
        let mut entered = 0;
        for item in items {
            let names = match &item.target {
                Some(t) => target_names(t)?,
                None => Vec::new(),
            };
            let frame = match self.eval(&item.context)? {
                Value::Frame(f) => *f,
                _ => {
                    return Err(error_label(
                        &item.context.span,
                        "Invalid context expression in the with-statement.",
                        "not a frame such as T.block(...)",
                    ));
                }
            };
            let (value, opened) = self.enter_frame(frame, &names, &item.span)?;
            entered += opened;
            if let Some(t) = &item.target {
                self.assign(t, value, Binder::With, &item.span)?;
            }
        }
        self.with_body(span, |e| e.body(body))?;
        for _ in 0..entered {
            self.exit_frame(span)?;
        }
        Ok(())
    }

    fn expr_stmt(&mut self, e: &Expr) -> EvalResult<()> {
        let span = &e.span;
        match self.eval(e)? {
            Value::None | Value::Str(_) => Ok(()),
            Value::Frame(frame) => self.enter_implicit(*frame, &[], span).map(|_| ()),
            Value::Expr(v) => self.builder.evaluate(v).at(span),
            Value::Int(v) => self.builder.evaluate(super::value::int_imm(v)).at(span),
            Value::Bool(b) => self.builder.evaluate(PrimExpr::bool(b)).at(span),
            other => Err(error_label(
                span,
                format!("Parsing resulted in unexpected type {}", other.kind()),
                "this statement has no effect in TIR",
            )),
        }
    }
}

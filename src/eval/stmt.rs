//! Statements inside a function body, with TVM v0.23's `tir/parser.py` rules: assignments (buffer
//! stores, implicit lets, naming of new vars and buffers), `for`, `while`, `if` (evaluated at parse
//! time on a Python bool), `with`, `assert`, `return`, `break`/`continue` and expression statements.

use super::Evaluator;
use super::assign::{Binder, target_names};
use super::error::{AtSpan, EvalResult, error, error_label};
use super::frames::PendingFrame;
use super::value::Value;
use crate::ir::{DataType, Op, PrimExpr};
use crate::syntax::ast::{Expr, Span, Stmt, StmtKind};

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
            StmtKind::AnnAssign { target, annotation, value } => {
                self.ann_assign(target, annotation, value.as_ref(), span)
            }
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
                    return Err(error_label(
                        span,
                        "an assert statement needs a message",
                        "add `, \"message\"`",
                    ));
                };
                let message = match self.eval(msg)? {
                    Value::Str(s) => s,
                    other => {
                        return Err(error(
                            &msg.span,
                            format!("the assert message must be a string, got {}", other.kind()),
                        ));
                    }
                };
                self.enter_implicit(PendingFrame::Assert { condition, message }, &[], span)
                    .map(|_| ())
            }
            StmtKind::Return(value) => {
                let Some(value) = value else {
                    return Err(error_label(
                        span,
                        "Expression to be returned must be a PrimExpr",
                        "returns no value",
                    ));
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
            StmtKind::FunctionDef(def)
                if let Some(hygienic) = super::macros::macro_decorator(def) =>
            {
                self.define_macro_reporting(def, hygienic)
            }
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

    fn for_stmt(
        &mut self,
        target: &Expr,
        iter: &Expr,
        body: &[Stmt],
        span: &Span,
    ) -> EvalResult<()> {
        let frame = match self.eval(iter)? {
            Value::Frame(f)
                if matches!(
                    *f,
                    PendingFrame::For { .. }
                        | PendingFrame::Grid(_)
                        | PendingFrame::ThreadBinding { .. }
                ) =>
            {
                *f
            }
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
            self.assign(target, value, Binder::For)?;
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

    fn with_stmt(
        &mut self,
        items: &[crate::syntax::ast::WithItem],
        body: &[Stmt],
        span: &Span,
    ) -> EvalResult<()> {
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
                self.assign(t, value, Binder::With)?;
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

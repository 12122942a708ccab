//! Expression evaluation: literals, names, attributes, calls, subscripts, containers and operators.
//!
//! `names` is the list of target names of the assignment, `for` or `with` the expression is the
//! value of; the outermost call uses them to name the vars and buffers it creates (TVM names them
//! afterwards, we name them at creation). `inject` says whether a sliced subscript at this position
//! gets TVM's implicit step of 1 (see `subscript`).

use std::sync::Arc;

use super::Evaluator;
use super::args::{Arg, CallArgs};
use super::error::{EvalResult, closest, error, error_label};
use super::value::Value;
use super::{dispatch, ops};
use crate::ir::PrimExpr;
use crate::syntax::ast::{Call, Expr, ExprKind, Span};

/// Builtins whose arguments keep slices as regions (TVM's parser skips the implicit step there).
const REGION_ARGUMENT_CALLS: [&str; 4] = ["reads", "writes", "match_buffer", "realize"];

impl Evaluator {
    /// Evaluates an expression in a plain position.
    pub(super) fn eval(&mut self, e: &Expr) -> EvalResult<Value> {
        self.eval_named(e, &[], false)
    }

    /// Evaluates an operand position, where sliced subscripts are loads when `inject` holds.
    pub(super) fn eval_operand(&mut self, e: &Expr, inject: bool) -> EvalResult<Value> {
        self.eval_named(e, &[], inject)
    }

    /// Evaluates an expression whose outermost call names what it creates after `names`.
    pub(super) fn eval_named(
        &mut self,
        e: &Expr,
        names: &[String],
        inject: bool,
    ) -> EvalResult<Value> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.eval_inner(e, names, inject))
    }

    fn eval_inner(&mut self, e: &Expr, names: &[String], inject: bool) -> EvalResult<Value> {
        let span = &e.span;
        match &e.kind {
            ExprKind::Int(Some(v)) => i64::try_from(*v).map(Value::Int).map_err(|_| {
                error_label(span, "integer literal is too large", "does not fit in 64 bits")
            }),
            ExprKind::Int(None) => {
                Err(error_label(span, "integer literal is too large", "does not fit in 64 bits"))
            }
            ExprKind::Float(f) => Ok(Value::Float(*f)),
            ExprKind::Str(s) => Ok(Value::Str(s.clone())),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::None => Ok(Value::None),
            ExprKind::Ellipsis => Err(error(span, "`...` has no meaning in TVMScript")),
            ExprKind::Name(name) => self.lookup(name, span),
            ExprKind::Attribute(attr) => {
                let base = self.eval(&attr.value)?;
                self.attribute(base, &attr.attr.name, &attr.attr.span)
            }
            ExprKind::Call(call) => self.call(call, names, span),
            ExprKind::Subscript(sub) => self.subscript(&sub.value, &sub.index, inject, span),
            ExprKind::Slice(_) => Err(error(span, "a slice is only allowed inside a subscript")),
            ExprKind::Starred(_) => {
                Err(error(span, "`*` unpacking is only allowed in call arguments"))
            }
            // `n, m = T.int32(), T.int32()`: each element is named after its own target, as TVM
            // names every unpacked value.
            ExprKind::Tuple(items) if names.len() == items.len() && names.len() > 1 => {
                let mut values = Vec::with_capacity(items.len());
                for (item, name) in items.iter().zip(names) {
                    values.push(self.eval_named(item, std::slice::from_ref(name), inject)?);
                }
                Ok(Value::Tuple(values))
            }
            ExprKind::Tuple(items) => Ok(Value::Tuple(self.eval_items(items)?)),
            ExprKind::List(items) => Ok(Value::List(self.eval_items(items)?)),
            ExprKind::Dict(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = self.eval(k)?;
                    let value = self.eval(v)?;
                    out.push((key, value));
                }
                Ok(Value::Dict(out))
            }
            ExprKind::UnaryOp { op, operand } => {
                let v = self.eval_operand(operand, true)?;
                ops::unary(*op, v, span)
            }
            ExprKind::BinOp { op, left, right } => {
                let a = self.eval_operand(left, true)?;
                let b = self.eval_operand(right, true)?;
                ops::binary(*op, a, b, span)
            }
            ExprKind::BoolOp { op, values } => {
                let mut evaluated = Vec::with_capacity(values.len());
                for v in values {
                    evaluated.push(self.eval_operand(v, true)?);
                }
                let mut iter = evaluated.into_iter();
                let mut acc = iter.next().unwrap_or(Value::None);
                for v in iter {
                    acc = ops::bool_op(*op, acc, v, span)?;
                }
                Ok(acc)
            }
            ExprKind::Compare { left, ops: comparisons } => {
                let mut operands = vec![self.eval_operand(left, true)?];
                for (_, rhs) in comparisons {
                    operands.push(self.eval_operand(rhs, true)?);
                }
                let mut result: Option<Value> = None;
                for (i, (op, _)) in comparisons.iter().enumerate() {
                    let part =
                        ops::compare(*op, operands[i].clone(), operands[i + 1].clone(), span)?;
                    result = Some(match result {
                        None => part,
                        Some(acc) => {
                            ops::bool_op(crate::syntax::ast::BoolOp::And, acc, part, span)?
                        }
                    });
                }
                Ok(result.unwrap_or(Value::None))
            }
            ExprKind::Lambda(lambda) => Ok(Value::Lambda(Arc::new((**lambda).clone()))),
            ExprKind::IfExp(ifexp) => {
                let test = self.eval_operand(&ifexp.test, true)?;
                let body = self.eval_operand(&ifexp.body, true)?;
                let orelse = self.eval_operand(&ifexp.orelse, true)?;
                match test {
                    Value::Bool(t) => Ok(if t { body } else { orelse }),
                    Value::Expr(c) if c.dtype().is_bool() => {
                        let t = super::convert::to_expr(&body, &ifexp.body.span)?;
                        let f = super::convert::to_expr(&orelse, &ifexp.orelse.span)?;
                        super::builtins_expr::if_then_else(c, t, f, span).map(Value::Expr)
                    }
                    other => Err(error(
                        &ifexp.test.span,
                        format!("Expected Python bool or TIR bool, but got {}", other.kind()),
                    )),
                }
            }
        }
    }

    fn eval_items(&mut self, items: &[Expr]) -> EvalResult<Vec<Value>> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match &item.kind {
                ExprKind::Starred(inner) => match self.eval(inner)? {
                    Value::Tuple(xs) | Value::List(xs) => out.extend(xs),
                    other => {
                        return Err(error(
                            &inner.span,
                            format!("cannot unpack a {}", other.kind()),
                        ));
                    }
                },
                _ => out.push(self.eval(item)?),
            }
        }
        Ok(out)
    }

    fn lookup(&mut self, name: &str, span: &Span) -> EvalResult<Value> {
        if let Some(v) = self.vars.get(name) {
            return Ok(v.clone());
        }
        if let Some(v) = dispatch::global_name(name) {
            return Ok(v);
        }
        if self.class_name.as_deref() == Some(name) || (name == "cls" && self.class_name.is_some())
        {
            return Ok(Value::Namespace(dispatch::MODULE_NAMESPACE));
        }
        let mut err = error_label(span, format!("Undefined variable: {name}"), "not defined");
        let candidates: Vec<&str> = self.vars.visible_names().collect();
        if let Some(near) = closest(name, candidates) {
            err.hint = Some(format!("did you mean `{near}`?"));
        }
        Err(err)
    }

    fn attribute(&mut self, base: Value, attr: &str, span: &Span) -> EvalResult<Value> {
        match base {
            Value::Namespace(dispatch::MODULE_NAMESPACE) => self
                .globals
                .iter()
                .find(|(n, _, _)| n == attr)
                .map(|(_, gv, returns)| Value::Global(gv.clone(), *returns))
                .ok_or_else(|| {
                    error_label(
                        span,
                        format!("the module has no function `{attr}`"),
                        "unknown function",
                    )
                }),
            Value::Namespace(ns) => dispatch::resolve(ns, attr, span),
            Value::Buffer(b) => super::builtins_buffer::buffer_attribute(&b, attr, span),
            Value::IterVar(iv) if attr == "var" => Ok(Value::var(&iv.var)),
            Value::Expr(e) if attr == "dtype" => Ok(Value::Str(e.dtype().to_string())),
            Value::Expr(e) if attr == "value" && e.as_int().is_some() => {
                Ok(Value::Int(e.as_int().unwrap_or_default()))
            }
            other => Err(error_label(
                span,
                format!("'{}' object has no attribute '{attr}'", other.kind()),
                "unknown attribute",
            )),
        }
    }

    fn call(&mut self, call: &Call, names: &[String], span: &Span) -> EvalResult<Value> {
        let func = self.eval(&call.func)?;
        let inject = match &call.func.kind {
            ExprKind::Attribute(a) => !REGION_ARGUMENT_CALLS.contains(&a.attr.name.as_str()),
            _ => false,
        };
        let mut args = CallArgs {
            // Builtins are named by the dispatch table; other callees only when an error needs it.
            name: match &func {
                Value::Builtin(_) => std::borrow::Cow::Borrowed(""),
                _ => callee_name(&call.func).into(),
            },
            span: span.clone(),
            positional: Vec::with_capacity(call.args.len()),
            keywords: Vec::new(),
        };
        for arg in &call.args {
            if let ExprKind::Starred(inner) = &arg.kind {
                match self.eval(inner)? {
                    Value::Tuple(xs) | Value::List(xs) => args
                        .positional
                        .extend(xs.into_iter().map(|value| Arg { value, span: arg.span.clone() })),
                    other => {
                        return Err(error(
                            &inner.span,
                            format!("cannot unpack a {}", other.kind()),
                        ));
                    }
                }
                continue;
            }
            let value = self.eval_operand(arg, inject)?;
            args.positional.push(Arg { value, span: arg.span.clone() });
        }
        for kw in &call.keywords {
            let value = self.eval(&kw.value)?;
            match &kw.name {
                Some(name) => {
                    if args.keywords.iter().any(|(k, _, _)| *k == name.name) {
                        return Err(error_label(
                            &name.span,
                            format!("keyword argument repeated: {}", name.name),
                            "repeated here",
                        ));
                    }
                    args.keywords.push((
                        name.name.clone(),
                        name.span.clone(),
                        Arg { value, span: kw.value.span.clone() },
                    ));
                }
                None => match value {
                    Value::Dict(entries) => {
                        for (k, v) in entries {
                            let Value::Str(k) = k else {
                                return Err(error(&kw.span, "keywords must be strings"));
                            };
                            args.keywords.push((
                                k,
                                kw.span.clone(),
                                Arg { value: v, span: kw.value.span.clone() },
                            ));
                        }
                    }
                    other => {
                        return Err(error(
                            &kw.span,
                            format!("argument after ** must be a dict, not {}", other.kind()),
                        ));
                    }
                },
            }
        }
        self.apply(func, args, names)
    }

    /// Calls a callable value with evaluated arguments.
    pub(super) fn apply(
        &mut self,
        func: Value,
        args: CallArgs,
        names: &[String],
    ) -> EvalResult<Value> {
        match func {
            Value::Builtin(b) => dispatch::call(self, b, args, names),
            Value::BufferMethod(buffer, method) => {
                super::builtins_buffer::call_method(self, &buffer, method, args)
            }
            Value::Global(gv, returns) => {
                args.no_keywords()?;
                let exprs =
                    args.positional.iter().map(Arg::expr).collect::<EvalResult<Vec<_>>>()?;
                PrimExpr::call_global(returns, &gv, exprs)
                    .map(Value::Expr)
                    .map_err(|e| super::error::ir_error(&args.span, e))
            }
            Value::Lambda(lambda) => self.apply_lambda(&lambda, args),
            Value::Macro(m) => self.expand_macro(&m, args),
            other => Err(error_label(
                &args.span,
                format!("'{}' object is not callable", other.kind()),
                "called here",
            )),
        }
    }

    /// Applies a lambda: its parameters are bound in a new scope and its body evaluated.
    pub(super) fn apply_lambda(
        &mut self,
        lambda: &crate::syntax::ast::Lambda,
        args: CallArgs,
    ) -> EvalResult<Value> {
        args.no_keywords()?;
        if args.positional.len() != lambda.params.len() {
            return Err(error(
                &args.span,
                format!(
                    "the lambda takes {} arguments but {} were given",
                    lambda.params.len(),
                    args.positional.len()
                ),
            ));
        }
        self.vars.push();
        let result = (|| {
            for (p, a) in lambda.params.iter().zip(&args.positional) {
                self.define(&p.name.name, a.value.clone(), &p.name.span)?;
            }
            self.eval_operand(&lambda.body, true)
        })();
        self.vars.pop();
        result
    }
}

/// The dotted name of a callee, e.g. `T.axis.remap`, for messages.
fn callee_name(func: &Expr) -> String {
    match &func.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Attribute(a) => format!("{}.{}", callee_name(&a.value), a.attr.name),
        _ => "<expression>".to_string(),
    }
}

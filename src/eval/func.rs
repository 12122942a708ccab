//! Files, modules and functions: top-level `@T.prim_func` definitions, `@I.ir_module` classes
//! (every method declared before any body is evaluated, so calls between them resolve), function
//! parameters and return types.

use super::Evaluator;
use super::error::{AtSpan, EvalResult, error, error_label};
use super::macros::macro_decorator;
use super::value::Value;
use crate::builder::BuildResult;
use crate::diagnostic::Diagnostic;
use crate::ir::{DataType, IRModule, PrimFunc, Type};
use crate::syntax::ast::{ClassDef, Expr, ExprKind, FunctionDef, Module, Span, StmtKind};

/// What a decorator asks for.
enum Decorator {
    PrimFunc { private: bool },
    IrModule,
}

/// Recognises `@T.prim_func`, `@T.prim_func(private=True)`, `@T.prim_func()` and `@I.ir_module`.
fn decorator(decorators: &[Expr], span: &Span) -> EvalResult<Decorator> {
    let Some(last) = decorators.last() else {
        return Err(error_label(span, "Function must be decorated", "add @T.prim_func above"));
    };
    let dotted = |e: &Expr| match &e.kind {
        ExprKind::Attribute(a) => match &a.value.kind {
            ExprKind::Name(ns) => Some(format!("{ns}.{}", a.attr.name)),
            _ => None,
        },
        _ => None,
    };
    if let ExprKind::Call(call) = &last.kind
        && dotted(&call.func).as_deref() == Some("T.prim_func")
        && call.args.is_empty()
    {
        let mut private = false;
        for kw in &call.keywords {
            match (kw.name.as_ref().map(|n| n.name.as_str()), &kw.value.kind) {
                (Some("private"), ExprKind::Bool(b)) => private = *b,
                (Some("check_well_formed"), ExprKind::Bool(_)) => {}
                _ => {
                    return Err(error_label(
                        &kw.span,
                        "T.prim_func accepts only `private=` and `check_well_formed=` with a literal bool",
                        "unsupported decorator argument",
                    ));
                }
            }
        }
        return Ok(Decorator::PrimFunc { private });
    }
    match dotted(last).as_deref() {
        Some("T.prim_func") => Ok(Decorator::PrimFunc { private: false }),
        Some("I.ir_module") => Ok(Decorator::IrModule),
        _ => Err(error_label(
            &last.span,
            "The parser does not understand the decorator",
            "expected @T.prim_func or @I.ir_module",
        )),
    }
}

impl Evaluator {
    /// Evaluates a whole file; errors are collected in `self.diagnostics`.
    pub(super) fn file(&mut self, tree: &Module) -> Option<IRModule> {
        let mut module: Option<IRModule> = None;
        let mut functions: Vec<(String, PrimFunc)> = Vec::new();
        // The file's own scope holds its top-level macros and Python constants.
        self.vars.push();
        for stmt in &tree.body {
            let result = match &stmt.kind {
                StmtKind::FunctionDef(def) if let Some(hygienic) = macro_decorator(def) => {
                    self.define_macro_reporting(def, hygienic)
                }
                StmtKind::Assign { targets, value } => self.top_level_constant(targets, value),
                StmtKind::FunctionDef(def) => self.top_function(def, &stmt.span).map(|f| {
                    if let Some(f) = f {
                        functions.push((def.name.name.clone(), f));
                    }
                }),
                StmtKind::ClassDef(class) => {
                    if module.is_some() {
                        Err(error(&stmt.span, "a file may hold only one @I.ir_module class"))
                    } else {
                        self.ir_module(class, &stmt.span).map(|m| module = m)
                    }
                }
                StmtKind::Expr(Expr { kind: ExprKind::Str(_), .. }) | StmtKind::Pass => Ok(()),
                _ => Err(error_label(
                    &stmt.span,
                    "only @T.prim_func functions, @T.macro functions, @I.ir_module classes and constants may appear at the top level",
                    "unexpected statement",
                )),
            };
            if let Err(e) = result {
                self.diagnostics.push(*e);
            }
        }
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        match (module, functions.is_empty()) {
            (Some(m), true) => Some(m),
            (Some(_), false) => {
                let span = tree.body.first().map_or(0..0, |s| s.span.clone());
                self.diagnostics.push(*error(&span, "a file holds either one @I.ir_module class or @T.prim_func functions, not both"));
                None
            }
            (None, _) => {
                let mut m = IRModule::new();
                for (name, f) in functions {
                    if let Err(e) = m.add(&name, f) {
                        self.diagnostics.push(*error(&tree.body[0].span, e.to_string()));
                        return None;
                    }
                }
                if m.is_empty() {
                    self.diagnostics.push(*error(
                        &(0..0),
                        "the file defines no @T.prim_func and no @I.ir_module",
                    ));
                    return None;
                }
                Some(m)
            }
        }
    }

    /// A top-level `@T.prim_func`: built alone and returned.
    fn top_function(&mut self, def: &FunctionDef, span: &Span) -> EvalResult<Option<PrimFunc>> {
        let Decorator::PrimFunc { private } = decorator(&def.decorators, &def.name.span)? else {
            return Err(error_label(
                &def.name.span,
                "@I.ir_module decorates a class, not a function",
                "not a class",
            ));
        };
        self.prim_func(def, private, span)?;
        match self.builder.take_result() {
            Some(BuildResult::Func(f)) => Ok(Some(f)),
            _ => Err(error(span, "the function produced no result")),
        }
    }

    /// An `@I.ir_module class`.
    fn ir_module(&mut self, class: &ClassDef, span: &Span) -> EvalResult<Option<IRModule>> {
        match decorator(&class.decorators, &class.name.span)? {
            Decorator::IrModule => {}
            Decorator::PrimFunc { .. } => {
                return Err(error_label(
                    &class.name.span,
                    "@T.prim_func decorates a function, not a class",
                    "not a function",
                ));
            }
        }
        if let Some(base) = class.bases.first() {
            return Err(error_label(
                &base.span,
                "an @I.ir_module class cannot have base classes",
                "unsupported base",
            ));
        }
        self.builder.ir_module().at(span)?;
        self.class_name = Some(class.name.name.clone());
        self.globals.clear();
        for stmt in &class.body {
            if let StmtKind::FunctionDef(def) = &stmt.kind
                && macro_decorator(def).is_none()
            {
                let gv = self.builder.decl_function(&def.name.name).at(&def.name.span)?;
                let returns = self.declared_return(def);
                self.globals.push((def.name.name.clone(), gv, returns));
            }
        }
        // Warnings (such as an ignored parameter default) must not drop the module: count errors only.
        let errors_before = self.diagnostics.iter().filter(|d| d.is_error()).count();
        for stmt in &class.body {
            let result = match &stmt.kind {
                StmtKind::FunctionDef(def) if let Some(hygienic) = macro_decorator(def) => {
                    let mut err = error_label(
                        &def.name.span,
                        "a @T.macro cannot be defined in an @I.ir_module class",
                        "macro in a class",
                    );
                    err.hint =
                        Some("define it at the top level of the file, before the class".into());
                    // Defined all the same, so its uses draw no second error.
                    self.diagnostics.push(*err);
                    self.define_macro_reporting(def, hygienic)
                }
                StmtKind::FunctionDef(def) => match decorator(&def.decorators, &def.name.span) {
                    Ok(Decorator::PrimFunc { private }) => self.prim_func(def, private, &stmt.span),
                    Ok(Decorator::IrModule) => Err(error_label(
                        &def.name.span,
                        "@I.ir_module decorates a class",
                        "not a class",
                    )),
                    Err(e) => Err(e),
                },
                StmtKind::Expr(e) => self.module_statement(e),
                StmtKind::Pass => Ok(()),
                _ => Err(error_label(
                    &stmt.span,
                    "an @I.ir_module class may only hold functions and I.module_attrs",
                    "unexpected statement",
                )),
            };
            if let Err(e) = result {
                self.diagnostics.push(*e);
            }
        }
        self.class_name = None;
        if self.diagnostics.iter().filter(|d| d.is_error()).count() > errors_before {
            self.builder.abandon_frames(0);
            return Ok(None);
        }
        self.builder.exit().at(span)?;
        match self.builder.take_result() {
            Some(BuildResult::Module(m)) => Ok(Some(m)),
            _ => Err(error(span, "the module produced no result")),
        }
    }

    /// A statement directly in the class body: a docstring or `I.module_attrs({...})`.
    fn module_statement(&mut self, e: &Expr) -> EvalResult<()> {
        if let ExprKind::Str(_) = e.kind {
            return Ok(());
        }
        self.vars.push();
        let result = self.eval(e);
        self.vars.pop();
        match result? {
            Value::None => Ok(()),
            other => Err(error_label(
                &e.span,
                format!("unexpected {} in an @I.ir_module class", other.kind()),
                "no effect",
            )),
        }
    }

    /// Builds one function into the builder; on error every frame it opened is discarded.
    fn prim_func(&mut self, def: &FunctionDef, private: bool, span: &Span) -> EvalResult<()> {
        let depth = self.builder.frames().len();
        let scopes = self.vars.depth();
        self.vars.push();
        let result = self.prim_func_inner(def, private, span);
        self.vars.truncate(scopes);
        if result.is_err() {
            self.builder.abandon_frames(depth);
            self.implicit.clear();
        }
        result
    }

    /// The dtype a call of `def` has, from its `-> T.dtype` annotation, as TVM's `call_tir` takes
    /// it from the declared signature: `void` without one. An annotation that does not evaluate
    /// is reported when the function itself is evaluated, so here it only means `void`.
    fn declared_return(&mut self, def: &FunctionDef) -> DataType {
        let Some(returns) = &def.returns else { return DataType::void() };
        match self.annotation(returns, &[]).ok().as_ref().and_then(super::builtins_expr::as_type) {
            Some(Type::Prim(d)) => d,
            _ => DataType::void(),
        }
    }

    fn prim_func_inner(&mut self, def: &FunctionDef, private: bool, span: &Span) -> EvalResult<()> {
        self.builder.prim_func(private).at(span)?;
        self.builder.func_name(&def.name.name).at(&def.name.span)?;
        if let Some(returns) = &def.returns {
            match self.annotation(returns, &[])? {
                Value::None => {}
                other => {
                    let ty = super::builtins_expr::as_type(&other).ok_or_else(|| {
                        error_label(
                            &returns.span,
                            format!("expected a return type, got {}", other.kind()),
                            "not a type",
                        )
                    })?;
                    let ty = match ty {
                        Type::Prim(d) if d.is_void() => Type::void(),
                        other => other,
                    };
                    self.builder.func_ret(ty).at(&returns.span)?;
                }
            }
        }
        for param in &def.params {
            let name = &param.name.name;
            let Some(annotation) = &param.annotation else {
                return Err(error_label(
                    &param.span,
                    "Type annotation required for function parameters.",
                    "add e.g. `: T.handle`",
                ));
            };
            if let Some(default) = &param.default {
                // TVM's parser ignores parameter defaults; say so instead of ignoring silently.
                self.diagnostics.push(
                    Diagnostic::warning(
                        "the default value of a parameter is ignored",
                        default.span.clone(),
                    )
                    .with_label("TVM ignores parameter defaults")
                    .with_hint("remove the default; callers always pass every parameter"),
                );
            }
            let value = self.annotation(annotation, std::slice::from_ref(name))?;
            let bound = match value {
                Value::Buffer(buffer) => {
                    Value::Buffer(self.builder.arg_buffer(buffer).at(&param.span)?)
                }
                Value::Expr(ref e) if e.as_var().is_some() => match e.as_var() {
                    Some(var) => Value::var(&self.builder.arg(var.clone()).at(&param.span)?),
                    None => Value::None,
                },
                other => {
                    return Err(error_label(
                        &annotation.span,
                        format!(
                            "a parameter annotation must make a var or a buffer, got {}",
                            other.kind()
                        ),
                        "not a parameter type",
                    ));
                }
            };
            self.define(name, bound, &param.name.span)?;
        }
        self.function_body(&def.body, span)?;
        // Closing the function completes it (root block, access regions); its errors point at the name.
        self.builder.exit().at(&def.name.span)
    }
}

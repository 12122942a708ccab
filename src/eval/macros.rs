//! `@T.macro` definitions and their inline expansion, with TVM v0.23's semantics
//! (`tvm.script.parser.tir.entry.TIRMacro`, `core.parser.ScriptMacro`).
//!
//! A macro is a Python-level function written in the script, at the top level of the file or
//! inside a prim_func body. It produces no IR where it is defined; each call inside a prim_func
//! body evaluates its body in place, as if the statements were written at the call site, and
//! the call's value is `None`. The printer therefore never sees a macro: a file with macros
//! prints as its expansion, as TVM's round trip does.
//!
//! Invariants:
//! - Hygienic macros (the default) see only their parameters and the names visible where they
//!   were defined, captured when the definition is evaluated (the macro itself is not among them,
//!   as a Python decorator runs before the name is bound). Non-hygienic macros
//!   (`@T.macro(hygienic=False)`) see their parameters and the names visible at each call site.
//! - Arguments bind to parameters by Python's rules (positional, keyword, defaults evaluated at
//!   the definition, `*args` as a tuple, keyword-only parameters after it, `**kwargs` as a dict).
//! - Statements of the body belong to the caller's body: a frame the body enters implicitly (a
//!   `LetStmt` of `x = expr`, `T.func_attr`, ...) stays open until the caller's body ends, as
//!   TVM's frame callbacks do; names the body defines disappear when the expansion ends.
//! - The n-th expansion (n ≥ 1, counted per definition over the whole file) appends `_n` to the
//!   name of every named block its body opens, as TVM's `block_name_suffix_context` does; an
//!   expansion nested in another sets its own suffix.
//! - A macro used outside a prim_func body, a macro that expands itself (directly or through
//!   other macros), a macro defined in an `@I.ir_module` class and a call whose arguments do not
//!   bind are spanned errors, never panics. So is an expansion past `MAX_EXPANSIONS` in one file
//!   (TVM has no bound: nested macros that each call the next twice would expand for hours).
//!
//! Deliberate leniencies (TVM rejects these, we accept them): parameters shadow captured names
//! of the same name (TVM's var table refuses a parameter named like a global); a hygienic macro
//! may name the module class (`Module.f`); parameter annotations are ignored, never evaluated.

use std::collections::HashMap;
use std::sync::Arc;

use super::Evaluator;
use super::args::CallArgs;
use super::error::{EvalResult, closest, error_label};
use super::value::Value;
use crate::syntax::ast::{Expr, ExprKind, FunctionDef, ParamKind, Span, Stmt};

/// A macro definition, captured when its `def` is evaluated.
#[derive(Debug)]
pub struct Macro {
    /// Unique within one evaluation; keys the expansion counter and the recursion check.
    id: u64,
    /// The definition as written.
    def: FunctionDef,
    /// The default value of each parameter of `def`, evaluated at the definition.
    defaults: Vec<Option<Value>>,
    /// For a hygienic macro, every name visible at the definition and its value then.
    closure: Option<Vec<(String, Value)>>,
}

impl Macro {
    /// The macro's name as written in its `def`.
    pub fn name(&self) -> &str {
        &self.def.name.name
    }
}

/// The most macro expansions one evaluation makes: real kernels expand a few dozen, while
/// macros that each call the previous one twice would otherwise expand 2^depth times (a hang).
pub(super) const MAX_EXPANSIONS: usize = 100_000;

/// The evaluator's macro bookkeeping.
#[derive(Debug, Default)]
pub(super) struct MacroState {
    next_id: u64,
    /// How many times each macro has been expanded so far.
    expansions: HashMap<u64, usize>,
    /// How many expansions of any macro this evaluation has made (bounded by `MAX_EXPANSIONS`).
    total_expansions: usize,
    /// The macros being expanded, outermost first.
    expanding: Vec<u64>,
    /// The suffix appended to block names in the current expansion (`""` outside macros).
    block_suffix: String,
    /// How many prim_func bodies are being evaluated (0 or 1; macros expand only inside one).
    function_bodies: usize,
}

impl MacroState {
    /// `name` as a block opened here is named: with the current expansion's suffix, unless the
    /// block is anonymous.
    pub(super) fn block_name(&self, name: String) -> String {
        if name.is_empty() || self.block_suffix.is_empty() {
            name
        } else {
            name + &self.block_suffix
        }
    }
}

/// Whether `def` is decorated with `@T.macro`; `Some(hygienic)` when it is, an error when the
/// decorator is malformed.
pub(super) fn macro_decorator(def: &FunctionDef) -> Option<EvalResult<bool>> {
    let position = def.decorators.iter().position(|d| is_macro_name(callee(d)))?;
    if def.decorators.len() > 1 {
        let other = &def.decorators[if position == 0 { 1 } else { 0 }];
        return Some(Err(error_label(
            &other.span,
            "a @T.macro cannot have other decorators",
            "extra decorator",
        )));
    }
    let decorator = &def.decorators[position];
    let ExprKind::Call(call) = &decorator.kind else {
        return Some(Ok(true));
    };
    if let Some(arg) = call.args.first() {
        return Some(Err(error_label(
            &arg.span,
            "Invalid use of T.macro. Usage: @T.macro, @T.macro(), @T.macro(hygienic=[True|False])",
            "positional argument",
        )));
    }
    let mut hygienic = true;
    for kw in &call.keywords {
        match (kw.name.as_ref().map(|n| n.name.as_str()), &kw.value.kind) {
            (Some("hygienic"), ExprKind::Bool(b)) => hygienic = *b,
            _ => {
                return Some(Err(error_label(
                    &kw.span,
                    "T.macro accepts only `hygienic=` with a literal bool",
                    "unsupported decorator argument",
                )));
            }
        }
    }
    Some(Ok(hygienic))
}

/// The decorator expression without its call parentheses.
fn callee(decorator: &Expr) -> &Expr {
    match &decorator.kind {
        ExprKind::Call(call) => &call.func,
        _ => decorator,
    }
}

fn is_macro_name(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Attribute(a)
        if a.attr.name == "macro" && matches!(&a.value.kind, ExprKind::Name(ns) if ns == "T"))
}

/// Python's rules for a parameter list: names unique, at most one `*args` and one `**kwargs`,
/// `**kwargs` last, and no required positional parameter after one with a default.
fn check_params(def: &FunctionDef) -> EvalResult<()> {
    let mut seen_default = false;
    let mut seen_varargs = false;
    for (i, param) in def.params.iter().enumerate() {
        if let Some(first) = def.params[..i].iter().find(|p| p.name.name == param.name.name) {
            return Err(Box::new(
                crate::diagnostic::Diagnostic::error(
                    format!("duplicate argument '{}' in macro definition", param.name.name),
                    param.name.span.clone(),
                )
                .with_label("duplicate")
                .with_secondary(first.name.span.clone(), "first defined here"),
            ));
        }
        match param.kind {
            ParamKind::VarArgs if seen_varargs => {
                return Err(error_label(&param.span, "only one `*args` is allowed", "second"));
            }
            ParamKind::VarArgs => seen_varargs = true,
            ParamKind::KwArgs if i + 1 != def.params.len() => {
                return Err(error_label(
                    &param.span,
                    "`**kwargs` must be the last parameter",
                    "not last",
                ));
            }
            ParamKind::KwArgs => {}
            ParamKind::Normal if seen_varargs => {}
            ParamKind::Normal if param.default.is_some() => seen_default = true,
            ParamKind::Normal if seen_default => {
                return Err(error_label(
                    &param.span,
                    "non-default argument follows default argument",
                    "needs a default",
                ));
            }
            ParamKind::Normal => {}
        }
    }
    Ok(())
}

impl Evaluator {
    /// Evaluates a `@T.macro def`: captures it and binds its name in the current scope.
    pub(super) fn define_macro(&mut self, def: &FunctionDef, hygienic: bool) -> EvalResult<()> {
        check_params(def)?;
        let mut defaults = Vec::with_capacity(def.params.len());
        for param in &def.params {
            defaults.push(match &param.default {
                Some(default) => Some(self.eval(default)?),
                None => None,
            });
        }
        let closure = hygienic.then(|| {
            let names: Vec<String> = self.vars.visible_names().map(str::to_string).collect();
            names.into_iter().filter_map(|n| self.vars.get(&n).cloned().map(|v| (n, v))).collect()
        });
        let id = self.macros.next_id;
        self.macros.next_id += 1;
        let value = Value::Macro(Arc::new(Macro { id, def: def.clone(), defaults, closure }));
        self.define(&def.name.name, value, &def.name.span)
    }

    /// Defines a macro whose decorator may be malformed: the decorator's error is reported and
    /// the macro defined as hygienic all the same, so its uses draw no second error.
    pub(super) fn define_macro_reporting(
        &mut self,
        def: &FunctionDef,
        hygienic: EvalResult<bool>,
    ) -> EvalResult<()> {
        let hygienic = hygienic.unwrap_or_else(|err| {
            self.diagnostics.push(*err);
            true
        });
        self.define_macro(def, hygienic)
    }

    /// Evaluates a prim_func body, inside which macros may be expanded.
    pub(super) fn function_body(&mut self, body: &[Stmt], span: &Span) -> EvalResult<()> {
        self.macros.function_bodies += 1;
        let result = self.with_body(span, |e| e.body(body));
        self.macros.function_bodies -= 1;
        result
    }

    /// Expands a call of `m` in place; the call's value is `None`.
    pub(super) fn expand_macro(&mut self, m: &Arc<Macro>, args: CallArgs) -> EvalResult<Value> {
        let defined_here = m.def.name.span.clone();
        if self.macros.function_bodies == 0 {
            return Err(Box::new(
                crate::diagnostic::Diagnostic::error(
                    format!("the macro `{}` can only be used inside a @T.prim_func body", m.name()),
                    args.span.clone(),
                )
                .with_label("used outside a function body")
                .with_secondary(defined_here, "macro defined here"),
            ));
        }
        if self.macros.expanding.contains(&m.id) {
            return Err(Box::new(
                crate::diagnostic::Diagnostic::error(
                    format!("the macro `{}` expands itself", m.name()),
                    args.span.clone(),
                )
                .with_label("recursive use")
                .with_secondary(defined_here, "macro defined here")
                .with_hint("a macro is expanded inline, so it cannot call itself, directly or through another macro"),
            ));
        }
        if self.macros.total_expansions >= MAX_EXPANSIONS {
            return Err(Box::new(
                crate::diagnostic::Diagnostic::error(
                    format!("more than {MAX_EXPANSIONS} macro expansions in one file"),
                    args.span.clone(),
                )
                .with_label("this expansion is over the limit")
                .with_secondary(defined_here, "macro defined here")
                .with_hint("macros that call other macros several times grow exponentially"),
            ));
        }
        self.macros.total_expansions += 1;
        let bindings = bind_arguments(m, &args)?;
        let count = self.macros.expansions.entry(m.id).or_insert(0);
        let suffix = if *count > 0 { format!("_{count}") } else { String::new() };
        *count += 1;
        let saved_suffix = std::mem::replace(&mut self.macros.block_suffix, suffix);
        self.macros.expanding.push(m.id);
        let result = self.expand_body(m, bindings);
        self.macros.expanding.pop();
        self.macros.block_suffix = saved_suffix;
        result.map(|()| Value::None).map_err(|e| {
            let note = format!("in this expansion of `{}`", m.name());
            Box::new((*e).with_secondary(args.span.clone(), note))
        })
    }

    /// Binds the parameters in the macro's scope and evaluates its body.
    fn expand_body(&mut self, m: &Macro, bindings: Vec<(String, Value, Span)>) -> EvalResult<()> {
        let saved_table = m.closure.as_ref().map(|closure| {
            let isolated = self.vars.isolated();
            let saved = std::mem::replace(&mut self.vars, isolated);
            self.vars.push();
            for (name, value) in closure {
                // A snapshot of visible names holds each name once, so this cannot collide.
                let _ = self.vars.add(name, value.clone(), &m.def.name.span);
            }
            saved
        });
        let depth = self.vars.depth();
        self.vars.push();
        let result = (|| {
            for (name, value, span) in bindings {
                self.define(&name, value, &span)?;
            }
            self.body(&m.def.body)
        })();
        self.vars.truncate(depth);
        if let Some(saved) = saved_table {
            let isolated = std::mem::replace(&mut self.vars, saved);
            self.vars.absorb_identities(isolated);
        }
        result
    }
}

/// Matches a call's arguments to the macro's parameters as Python's `inspect.Signature.bind`
/// does; each binding carries the span of its argument (or of the call, for defaults).
fn bind_arguments(m: &Macro, args: &CallArgs) -> EvalResult<Vec<(String, Value, Span)>> {
    let params = &m.def.params;
    let name = m.name();
    let mut slots: Vec<Option<(Value, Span)>> = vec![None; params.len()];
    let varargs = params.iter().position(|p| p.kind == ParamKind::VarArgs);
    let kwargs = params.iter().position(|p| p.kind == ParamKind::KwArgs);
    let positional: Vec<usize> = (0..varargs.or(kwargs).unwrap_or(params.len())).collect();
    let mut extra_positional = Vec::new();
    for (i, arg) in args.positional.iter().enumerate() {
        match positional.get(i) {
            Some(&slot) => slots[slot] = Some((arg.value.clone(), arg.span.clone())),
            None if varargs.is_some() => extra_positional.push(arg.value.clone()),
            None => {
                return Err(error_label(
                    &arg.span,
                    format!(
                        "{name}() takes {} positional argument{} but {} were given",
                        positional.len(),
                        if positional.len() == 1 { "" } else { "s" },
                        args.positional.len()
                    ),
                    "unexpected argument",
                ));
            }
        }
    }
    let mut extra_keywords = Vec::new();
    for (key, key_span, arg) in &args.keywords {
        let slot = params.iter().position(|p| p.kind == ParamKind::Normal && p.name.name == *key);
        match slot {
            Some(slot) if slots[slot].is_some() => {
                return Err(error_label(
                    key_span,
                    format!("{name}() got multiple values for argument '{key}'"),
                    "given again here",
                ));
            }
            Some(slot) => slots[slot] = Some((arg.value.clone(), arg.span.clone())),
            None if kwargs.is_some() => {
                extra_keywords.push((Value::Str(key.clone()), arg.value.clone()));
            }
            None => {
                let mut err = error_label(
                    key_span,
                    format!("{name}() got an unexpected keyword argument '{key}'"),
                    "unknown keyword",
                );
                let candidates = params.iter().map(|p| p.name.name.as_str());
                if let Some(near) = closest(key, candidates) {
                    err.hint = Some(format!("did you mean `{near}`?"));
                }
                return Err(err);
            }
        }
    }
    let mut bindings = Vec::with_capacity(params.len());
    for (i, param) in params.iter().enumerate() {
        let (value, span) = match param.kind {
            ParamKind::VarArgs => {
                (Value::Tuple(std::mem::take(&mut extra_positional)), args.span.clone())
            }
            ParamKind::KwArgs => {
                (Value::Dict(std::mem::take(&mut extra_keywords)), args.span.clone())
            }
            ParamKind::Normal => match (slots[i].take(), &m.defaults[i]) {
                (Some(bound), _) => bound,
                (None, Some(default)) => (default.clone(), args.span.clone()),
                (None, None) => {
                    return Err(Box::new(
                        crate::diagnostic::Diagnostic::error(
                            format!("{name}() missing required argument '{}'", param.name.name),
                            args.span.clone(),
                        )
                        .with_label("in this call")
                        .with_secondary(param.name.span.clone(), "parameter declared here"),
                    ));
                }
            },
        };
        bindings.push((param.name.name.clone(), value, span));
    }
    Ok(bindings)
}

#[cfg(test)]
#[path = "macro_tests.rs"]
mod tests;

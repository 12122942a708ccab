//! Binding call arguments to a builtin's parameters, with Python's rules and TVM's parameter names.
//!
//! A builtin declares its parameters as a [`Signature`]; [`CallArgs::bind`] matches positional and
//! keyword arguments to them and reports, each at the exact argument's span: too many positional
//! arguments, a missing required argument, an unknown keyword (with a "did you mean" hint) and an
//! argument given twice. No argument is ever silently ignored.

use std::borrow::Cow;

use super::error::{EvalResult, closest, error, error_label};
use super::value::Value;
use crate::syntax::ast::Span;

/// One evaluated argument and where it was written.
#[derive(Clone, Debug)]
pub struct Arg {
    pub value: Value,
    pub span: Span,
}

/// The evaluated arguments of one call.
#[derive(Clone, Debug)]
pub struct CallArgs {
    /// The builtin's full name, e.g. `T.serial`, for messages (borrowed for table entries, so the
    /// happy path allocates nothing).
    pub name: Cow<'static, str>,
    /// The span of the whole call.
    pub span: Span,
    pub positional: Vec<Arg>,
    /// Keyword arguments with the span of their name.
    pub keywords: Vec<(String, Span, Arg)>,
}

/// How a parameter may be passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Positional or keyword, must be given.
    Required,
    /// Positional or keyword, has a default.
    Optional,
    /// Keyword only, has a default.
    KeywordOnly,
}

/// A builtin's parameter list.
pub type Signature = &'static [(&'static str, ParamKind)];

/// Arguments matched to a signature: one slot per parameter.
#[derive(Debug)]
pub struct Bound {
    pub name: Cow<'static, str>,
    pub span: Span,
    slots: Vec<Option<Arg>>,
    params: Vec<(&'static str, ParamKind)>,
}

impl CallArgs {
    /// Fails unless the call has no arguments at all.
    pub fn expect_none(&self) -> EvalResult<()> {
        self.bind(&[]).map(|_| ())
    }

    /// Fails when any keyword argument is given (for variadic builtins without keywords).
    pub fn no_keywords(&self) -> EvalResult<()> {
        match self.keywords.first() {
            Some((key, span, _)) => Err(error_label(
                span,
                format!("{}() got an unexpected keyword argument '{key}'", self.name),
                "unknown keyword",
            )),
            None => Ok(()),
        }
    }

    /// Removes and returns keyword `key` (for variadic builtins with a few keywords).
    pub fn take_keyword(&mut self, key: &str) -> Option<Arg> {
        let index = self.keywords.iter().position(|(k, _, _)| k == key)?;
        Some(self.keywords.remove(index).2)
    }

    /// Matches the arguments to `params` by Python's rules.
    pub fn bind(&self, params: &[(&'static str, ParamKind)]) -> EvalResult<Bound> {
        let mut slots: Vec<Option<Arg>> = vec![None; params.len()];
        let positional_capacity =
            params.iter().filter(|(_, k)| *k != ParamKind::KeywordOnly).count();
        if self.positional.len() > positional_capacity {
            let extra = &self.positional[positional_capacity];
            return Err(error_label(
                &extra.span,
                format!(
                    "{}() takes {} positional argument{} but {} were given",
                    self.name,
                    positional_capacity,
                    if positional_capacity == 1 { "" } else { "s" },
                    self.positional.len()
                ),
                "unexpected argument",
            ));
        }
        for (i, arg) in self.positional.iter().enumerate() {
            slots[i] = Some(arg.clone());
        }
        for (key, key_span, arg) in &self.keywords {
            let Some(index) = params.iter().position(|(p, _)| p == key) else {
                let mut err = error_label(
                    key_span,
                    format!("{}() got an unexpected keyword argument '{key}'", self.name),
                    "unknown keyword",
                );
                if let Some(near) = closest(key, params.iter().map(|(p, _)| *p)) {
                    err.hint = Some(format!("did you mean `{near}`?"));
                }
                return Err(err);
            };
            if slots[index].is_some() {
                return Err(error_label(
                    key_span,
                    format!("{}() got multiple values for argument '{key}'", self.name),
                    "given again here",
                ));
            }
            slots[index] = Some(arg.clone());
        }
        for (i, (param, kind)) in params.iter().enumerate() {
            if *kind == ParamKind::Required && slots[i].is_none() {
                return Err(error_label(
                    &self.span,
                    format!("{}() missing required argument '{param}'", self.name),
                    "in this call",
                ));
            }
        }
        Ok(Bound {
            name: self.name.clone(),
            span: self.span.clone(),
            slots,
            params: params.to_vec(),
        })
    }
}

impl Bound {
    fn index(&self, param: &str) -> usize {
        // Callers only ask for parameters of the signature they bound with.
        self.params.iter().position(|(p, _)| *p == param).unwrap_or(usize::MAX)
    }

    /// The argument for `param`, if given.
    pub fn get(&self, param: &str) -> Option<&Arg> {
        self.slots.get(self.index(param)).and_then(Option::as_ref)
    }

    /// The argument for `param`, if given and not `None`.
    pub fn get_some(&self, param: &str) -> Option<&Arg> {
        self.get(param).filter(|a| !matches!(a.value, Value::None))
    }

    /// The argument for a required parameter.
    pub fn req(&self, param: &str) -> EvalResult<&Arg> {
        self.get(param).ok_or_else(|| {
            error(&self.span, format!("{}() missing required argument '{param}'", self.name))
        })
    }
}

//! `T.target(...)`: builds a compilation target's configuration as TVM v0.23 does
//! (`src/target/target.cc`, `TargetInternal::FromRawString` / `FromConfig`, and the kinds of
//! `target_kind.cc`), and keeps it as the map `Target::Export` returns, which is what the printer
//! writes back as `T.target({...})`.
//!
//! Invariants:
//! - A configuration always holds `kind` (a registered kind), `tag` (default `""`) and `keys`
//!   (the user's keys, else the kind's default keys; a `device` name is appended; duplicates
//!   dropped); every attribute has its kind's declared type, and attributes with a declared
//!   default are present. `host`, when given, is a nested configuration map built by the same
//!   rules. So a printed configuration builds the same configuration again (a fixpoint).
//! - A string target is `kind -key=value -key value -flag ...`: leading dashes are dropped, a
//!   bare flag means `1`, arrays are comma-separated, ints and bools accept `true`/`false`.
//! - Unknown kinds and attributes, repeated keys and ill-typed values are spanned errors.
//!
//! - Kinds whose TVM target parser detects the device get the values TVM picks when no device is
//!   present (`cuda`: `arch` `sm_50`; `nvptx`: `mcpu` `sm_50`; `rocm`: `mcpu` `gfx900`), and the
//!   fixed `mtriple` of `nvptx` and `rocm`.
//!
//! Not modelled: target tags (`nvidia/...`), `from_device` queries, the host triple TVM's LLVM
//! parser adds to `llvm` without `-mtriple`/`-mcpu` (it differs per machine), the Arm feature
//! parsers, and quoting inside target strings.

use super::error::{EvalResult, closest, error_label};
use super::target_kinds::AttrType::{self, Bool, Int, Str, StrArray};
use super::target_kinds::{Check, DefaultValue, KINDS, Kind};
use super::value::Value;
use crate::ir::{Annotations, AttrValue};
use crate::syntax::ast::Span;

fn kind(name: &str, span: &Span) -> EvalResult<&'static Kind> {
    KINDS.iter().find(|k| k.name == name).ok_or_else(|| {
        let mut err =
            error_label(span, format!("Target kind \"{name}\" is not defined"), "unknown kind");
        if let Some(near) = closest(name, KINDS.iter().map(|k| k.name)) {
            err.hint = Some(format!("did you mean \"{near}\"?"));
        }
        err
    })
}

/// The configuration of `T.target(value)`: a target string, a configuration dict or a target.
pub fn config(value: &Value, span: &Span) -> EvalResult<Annotations> {
    match value {
        Value::Str(s) => from_string(s, span),
        Value::Dict(entries) => {
            let mut raw = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let Value::Str(k) = k else {
                    return Err(error_label(
                        span,
                        "target config keys must be strings",
                        "not a str",
                    ));
                };
                raw.push((k.clone(), v.clone()));
            }
            from_config(raw, span)
        }
        Value::Target(config) => Ok(config.clone()),
        other => Err(error_label(
            span,
            format!("T.target expected a config dict or string, but got {}", other.kind()),
            "not a target",
        )),
    }
}

/// Sets `host` on a configuration (`T.target(target, host=...)`).
pub fn with_host(mut config: Annotations, host: &Value, span: &Span) -> EvalResult<Annotations> {
    let host = self::config(host, span)?;
    config.insert("host", AttrValue::Map(host));
    Ok(config)
}

/// `kind -key=value ...` (TVM's `FromRawString`).
fn from_string(text: &str, span: &Span) -> EvalResult<Annotations> {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let Some((name, options)) = words.split_first() else {
        return Err(error_label(span, "Cannot parse empty target string", "empty target"));
    };
    let kind = kind(name, span)?;
    let mut raw = vec![("kind".to_string(), Value::Str(name.to_string()))];
    let mut i = 0;
    while i < options.len() {
        let option = options[i].trim_start_matches('-');
        let (key, value) = match option.split_once('=') {
            Some((k, v)) if k.is_empty() || v.is_empty() => {
                return Err(error_label(
                    span,
                    format!(
                        "Empty attribute key or value in \"{option}\", during parsing target `{text}`"
                    ),
                    "malformed option",
                ));
            }
            Some((k, v)) => (k, v),
            None => match options.get(i + 1) {
                Some(next) if !next.starts_with('-') => {
                    i += 1;
                    (option, *next)
                }
                _ => (option, "1"),
            },
        };
        i += 1;
        if raw.iter().any(|(k, _)| k == key) {
            return Err(error_label(
                span,
                format!("The key \"{key}\" appears more than once"),
                "repeated option",
            ));
        }
        let ty = attr_type(kind, key, span)?;
        raw.push((key.to_string(), parse_text(value, ty, key, span)?));
    }
    from_config(raw, span)
}

fn attr_type(kind: &Kind, key: &str, span: &Span) -> EvalResult<AttrType> {
    kind.attr_type(key).ok_or_else(|| {
        let mut err = error_label(
            span,
            format!("Cannot recognize '{key}' as an attribute of target kind \"{}\"", kind.name),
            "unknown target attribute",
        );
        if let Some(near) = closest(key, kind.attr_names()) {
            err.hint = Some(format!("did you mean '{near}'?"));
        }
        err
    })
}

/// A string option's value as the attribute's type (TVM's `ParseType` from a string).
fn parse_text(text: &str, ty: AttrType, key: &str, span: &Span) -> EvalResult<Value> {
    let integer = || match text.parse::<i64>() {
        Ok(v) => Ok(v),
        Err(_) if text.eq_ignore_ascii_case("true") => Ok(1),
        Err(_) if text.eq_ignore_ascii_case("false") => Ok(0),
        Err(_) => Err(error_label(
            span,
            format!("Cannot parse integer from string: {text}, during parsing target[\"{key}\"]"),
            "not an integer",
        )),
    };
    Ok(match ty {
        Str => Value::Str(text.trim_matches(' ').to_string()),
        Int => Value::Int(integer()?),
        Bool => Value::Bool(integer()? != 0),
        StrArray => Value::List(
            text.split(',').filter(|s| !s.is_empty()).map(|s| Value::Str(s.to_string())).collect(),
        ),
        AttrType::Target => Value::Str(text.to_string()),
    })
}

/// TVM's `FromConfig` followed by `Export`.
fn from_config(raw: Vec<(String, Value)>, span: &Span) -> EvalResult<Annotations> {
    let Some((_, kind_value)) = raw.iter().find(|(k, _)| k == "kind") else {
        return Err(error_label(span, "Field \"kind\" is not found", "target without a kind"));
    };
    let Value::Str(kind_name) = kind_value else {
        return Err(error_label(span, "Expect type of field \"kind\" is String", "bad kind"));
    };
    let kind = kind(kind_name, span)?;
    let mut tag = String::new();
    let mut keys: Option<Vec<String>> = None;
    let mut device = None;
    let mut host = None;
    let mut attrs: Vec<(String, AttrValue)> = Vec::new();
    for (key, value) in raw {
        match key.as_str() {
            "kind" => {}
            "features" => {
                return Err(error_label(
                    span,
                    "Target Features should be generated by Target parser",
                    "not a user attribute",
                ));
            }
            "tag" => tag = string(&value, &key, span)?,
            "keys" => keys = Some(strings(&value, &key, span)?),
            "host" => host = Some(config(&value, span)?),
            _ => {
                let ty = attr_type(kind, &key, span)?;
                let converted = typed(&value, ty, &key, span)?;
                if key == "device" {
                    device = Some(string(&value, &key, span)?);
                }
                attrs.push((key, converted));
            }
        }
    }
    let mut all_keys = keys.clone().unwrap_or_default();
    all_keys.extend(device);
    if keys.is_none() {
        all_keys.extend(kind.keys.iter().map(|k| k.to_string()));
    }
    let mut unique: Vec<String> = Vec::with_capacity(all_keys.len());
    for key in all_keys {
        if !unique.contains(&key) {
            unique.push(key);
        }
    }
    let mut out = Annotations::new();
    out.insert("kind", AttrValue::Str(kind.name.to_string()));
    out.insert("tag", AttrValue::Str(tag));
    out.insert("keys", AttrValue::Array(unique.into_iter().map(AttrValue::Str).collect()));
    if let Some(host) = host {
        out.insert("host", AttrValue::Map(host));
    }
    for (key, value) in attrs {
        out.insert(key, value);
    }
    for (key, check) in kind.checks {
        if let Some(AttrValue::Str(value)) = out.get(key)
            && !check.accepts(value)
        {
            let requirement = match check {
                Check::Equals(v) => format!("to be \"{v}\""),
                Check::Prefix(p) => format!("to start with \"{p}\""),
                Check::Contains(c) => format!("to contain \"{c}\""),
            };
            return Err(error_label(
                span,
                format!(
                    "ValueError: target kind \"{}\" expects \"{key}\" {requirement}, but gets: {value}",
                    kind.name
                ),
                "invalid target attribute",
            ));
        }
    }
    for (key, value) in kind.parsed_defaults {
        if !out.contains_key(key) {
            out.insert(*key, AttrValue::Str(value.to_string()));
        }
    }
    for (key, default) in kind.defaults {
        if !out.contains_key(key) {
            out.insert(
                *key,
                match default {
                    DefaultValue::Int(v) => AttrValue::Int(*v),
                    DefaultValue::Bool(b) => AttrValue::Bool(*b),
                },
            );
        }
    }
    Ok(out)
}

fn string(value: &Value, key: &str, span: &Span) -> EvalResult<String> {
    match value {
        Value::Str(s) => Ok(s.clone()),
        other => Err(type_error(key, "String", other, span)),
    }
}

fn strings(value: &Value, key: &str, span: &Span) -> EvalResult<Vec<String>> {
    match value.as_sequence() {
        Some(items) => items.iter().map(|v| string(v, key, span)).collect(),
        None => Err(type_error(key, "Array", value, span)),
    }
}

/// A configuration value checked against (and converted to) the attribute's type, as TVM's
/// `ParseType` from an object: ints and bools convert into each other, strings parse.
fn typed(value: &Value, ty: AttrType, key: &str, span: &Span) -> EvalResult<AttrValue> {
    Ok(match (ty, value) {
        (_, Value::Str(s)) if ty != Str && ty != AttrType::Target => {
            return typed(&parse_text(s, ty, key, span)?, ty, key, span);
        }
        (Str, Value::Str(s)) => AttrValue::Str(s.clone()),
        (Int, Value::Int(v)) => AttrValue::Int(*v),
        (Int, Value::Bool(b)) => AttrValue::Int(i64::from(*b)),
        (Bool, Value::Bool(b)) => AttrValue::Bool(*b),
        (Bool, Value::Int(v)) => AttrValue::Bool(*v != 0),
        (StrArray, _) => {
            AttrValue::Array(strings(value, key, span)?.into_iter().map(AttrValue::Str).collect())
        }
        (AttrType::Target, _) => AttrValue::Map(config(value, span)?),
        (_, other) => {
            let expected = match ty {
                Str => "String",
                Int => "int",
                Bool => "bool",
                StrArray => "Array",
                AttrType::Target => "Target",
            };
            return Err(type_error(key, expected, other, span));
        }
    })
}

fn type_error(key: &str, expected: &str, got: &Value, span: &Span) -> super::error::EvalError {
    error_label(
        span,
        format!(
            "Expect type of field \"{key}\" is {expected}, but get type: {}, during parsing target",
            got.kind()
        ),
        "ill-typed target attribute",
    )
}

//! Conversions of evaluated arguments to the types builder calls take, each failing with a
//! diagnostic at the argument's span: expressions, Python ints and strings, dtypes, shapes,
//! annotation maps, attribute values and buffer regions.

use super::args::Arg;
use super::error::{EvalResult, error_label};
use super::value::Value;
use crate::ir::{Annotations, AttrValue, BufferRegion, DataType, Expr, PrimExpr, Range};
use crate::syntax::ast::Span;

fn expected(span: &Span, what: &str, value: &Value) -> Box<crate::diagnostic::Diagnostic> {
    error_label(
        span,
        format!("expected {what}, got {}", value.kind()),
        format!("this is a {}", value.kind()),
    )
}

/// A `PrimExpr` from a Python scalar or expression.
pub fn to_expr(value: &Value, span: &Span) -> EvalResult<PrimExpr> {
    value.to_prim_expr().ok_or_else(|| expected(span, "an expression", value))
}

impl Arg {
    pub fn expr(&self) -> EvalResult<PrimExpr> {
        to_expr(&self.value, &self.span)
    }

    /// A Python int, or an integer immediate.
    pub fn int(&self) -> EvalResult<i64> {
        match &self.value {
            Value::Int(v) => Ok(*v),
            Value::Bool(b) => Ok(i64::from(*b)),
            Value::Expr(e) if e.as_int().is_some() => Ok(e.as_int().unwrap_or_default()),
            other => Err(expected(&self.span, "an integer", other)),
        }
    }

    pub fn bool(&self) -> EvalResult<bool> {
        match &self.value {
            Value::Bool(b) => Ok(*b),
            Value::Int(v) => Ok(*v != 0),
            other => Err(expected(&self.span, "a bool", other)),
        }
    }

    pub fn str(&self) -> EvalResult<&str> {
        match &self.value {
            Value::Str(s) => Ok(s),
            Value::Expr(e) => match e.expr() {
                Expr::StringImm(s) => Ok(s),
                _ => Err(expected(&self.span, "a string", &self.value)),
            },
            other => Err(expected(&self.span, "a string", other)),
        }
    }

    /// A dtype from a string such as `"float32"` or a dtype builtin such as `T.int8`.
    pub fn dtype(&self) -> EvalResult<DataType> {
        match &self.value {
            Value::DType(d) => Ok(*d),
            Value::Builtin(super::value::Builtin::DType(d)) => Ok(*d),
            Value::Str(s) => parse_dtype(s, &self.span),
            other => Err(expected(&self.span, "a dtype string", other)),
        }
    }

    /// A shape: a tuple or list of expressions, or a single expression.
    pub fn shape(&self) -> EvalResult<Vec<PrimExpr>> {
        match self.value.as_sequence() {
            Some(items) => items.iter().map(|v| to_expr(v, &self.span)).collect(),
            None => Ok(vec![self.expr()?]),
        }
    }

    /// A list of expressions (strides, extents, ...).
    pub fn expr_list(&self) -> EvalResult<Vec<PrimExpr>> {
        self.shape()
    }

    /// A list of Python ints (axis separators).
    pub fn int_list(&self) -> EvalResult<Vec<i64>> {
        let items = self
            .value
            .as_sequence()
            .ok_or_else(|| expected(&self.span, "a list of ints", &self.value))?;
        items.iter().map(|v| Arg { value: v.clone(), span: self.span.clone() }.int()).collect()
    }

    /// An annotation map from a dict with string keys.
    pub fn annotations(&self) -> EvalResult<Annotations> {
        match &self.value {
            Value::Dict(entries) => {
                let mut map = Annotations::new();
                for (key, value) in entries {
                    let Value::Str(key) = key else {
                        return Err(expected(&self.span, "a dict with string keys", key));
                    };
                    map.insert(key.clone(), attr_value(value, &self.span)?);
                }
                Ok(map)
            }
            Value::None => Ok(Annotations::new()),
            other => Err(expected(&self.span, "a dict", other)),
        }
    }

    /// A buffer region from a sliced buffer (`A[0:4, i]`) or a load (`A[i, j]`, a point region).
    pub fn region(&self) -> EvalResult<BufferRegion> {
        to_region(&self.value, &self.span)
    }
}

/// Parses a dtype string with a diagnostic at `span`.
pub fn parse_dtype(text: &str, span: &Span) -> EvalResult<DataType> {
    DataType::parse(text).map_err(|e| error_label(span, e.to_string(), "unknown dtype"))
}

/// A buffer region from a region value or a buffer load, as TVM's `BufferRegionFromLoad`:
/// a ramp index of stride 1 covers its lanes, any other index is a point.
pub fn to_region(value: &Value, span: &Span) -> EvalResult<BufferRegion> {
    match value {
        Value::Region(r) => Ok(r.clone()),
        Value::Buffer(b) => Ok(b.full_region()),
        Value::Expr(e) => match e.expr() {
            Expr::BufferLoad { buffer, indices, .. } => {
                let mut region = Vec::with_capacity(indices.len());
                for index in indices {
                    region.push(match index.expr() {
                        Expr::Ramp { base, stride, lanes } if stride.as_int() == Some(1) => {
                            Range::new(
                                base.clone(),
                                crate::arith::ops::cast(base.dtype(), lanes.clone())
                                    .map_err(|e| super::error::ir_error(span, e))?,
                            )
                        }
                        _ => Range::point(index.clone()),
                    });
                }
                Ok(BufferRegion { buffer: buffer.clone(), region })
            }
            _ => Err(expected(span, "a buffer region such as `A[0:4, i]`", value)),
        },
        other => Err(expected(span, "a buffer region such as `A[0:4, i]`", other)),
    }
}

/// Converts a script value to an attribute value (annotations, function attributes, `T.attr`).
pub fn attr_value(value: &Value, span: &Span) -> EvalResult<AttrValue> {
    Ok(match value {
        Value::None => AttrValue::None,
        Value::Bool(b) => AttrValue::Bool(*b),
        // TVM's FFI keeps Python ints and floats in maps as plain numbers, not immediates.
        Value::Int(v) => AttrValue::Int(*v),
        Value::Float(v) => AttrValue::Float(*v),
        Value::Str(s) => AttrValue::Str(s.clone()),
        Value::Expr(e) => AttrValue::Expr(e.clone()),
        Value::Buffer(b) => AttrValue::Buffer(b.clone()),
        Value::IterVar(iv) => AttrValue::IterVar(iv.clone()),
        Value::CommReducer(r) => AttrValue::CommReducer(r.clone()),
        Value::Global(g, _) => AttrValue::Global(g.clone()),
        Value::Target(config) => AttrValue::Target(config.clone()),
        Value::MetaVar(inner) => attr_value(inner, span)?,
        Value::Tuple(items) | Value::List(items) => {
            AttrValue::Array(items.iter().map(|v| attr_value(v, span)).collect::<EvalResult<_>>()?)
        }
        Value::Dict(_) => {
            AttrValue::Map(Arg { value: value.clone(), span: span.clone() }.annotations()?)
        }
        other => return Err(expected(span, "an attribute value", other)),
    })
}

//! Runtime values of the interpreter: scalars, vectors of lanes, data pointers and strings.
//!
//! Invariants: a `Vector` has at least two lanes (one lane is a `Scalar`); every lane is canonical
//! for the dtype of the expression that produced it (see `element`). A `Handle` names a live storage
//! slot by index and generation, so a pointer that outlives its allocation is detected, not followed.

use std::sync::Arc;

use crate::interp::element::Scalar;

/// A pointer into interpreter memory: a storage slot and a byte offset into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handle {
    pub slot: u32,
    pub generation: u32,
    pub byte_offset: i64,
}

/// A value an expression evaluates to.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Vector(Vec<Scalar>),
    Handle(Handle),
    Str(Arc<str>),
}

impl Value {
    pub fn int(v: i64) -> Value {
        Value::Scalar(Scalar::Int(v))
    }
    pub fn float(v: f64) -> Value {
        Value::Scalar(Scalar::Float(v))
    }
    /// A value from lanes: one lane is a scalar.
    pub fn from_lanes(mut lanes: Vec<Scalar>) -> Value {
        if lanes.len() == 1 { Value::Scalar(lanes.remove(0)) } else { Value::Vector(lanes) }
    }
    /// The number of lanes (1 for scalars, handles and strings).
    pub fn lane_count(&self) -> usize {
        match self {
            Value::Vector(v) => v.len(),
            _ => 1,
        }
    }
    /// Lane `i`, broadcasting a scalar; `None` for handles, strings and lanes out of range.
    pub fn lane(&self, i: usize) -> Option<Scalar> {
        match self {
            Value::Scalar(s) => Some(*s),
            Value::Vector(v) => v.get(i).copied(),
            _ => None,
        }
    }
    /// The lanes of a numeric value, `None` for handles and strings.
    pub fn lanes(&self) -> Option<Vec<Scalar>> {
        match self {
            Value::Scalar(s) => Some(vec![*s]),
            Value::Vector(v) => Some(v.clone()),
            _ => None,
        }
    }
    pub fn as_scalar(&self) -> Option<Scalar> {
        match self {
            Value::Scalar(s) => Some(*s),
            _ => None,
        }
    }
    /// A short description for error messages.
    pub fn describe(&self) -> String {
        match self {
            Value::Scalar(Scalar::Int(v)) => v.to_string(),
            Value::Scalar(Scalar::Float(v)) => format!("{v:?}"),
            Value::Vector(lanes) => {
                let shown: Vec<String> =
                    lanes.iter().map(|s| Value::Scalar(*s).describe()).collect();
                format!("[{}]", shown.join(", "))
            }
            Value::Handle(h) => {
                format!("<pointer to storage {} + {} bytes>", h.slot, h.byte_offset)
            }
            Value::Str(s) => format!("{s:?}"),
        }
    }
}

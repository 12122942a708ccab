//! Attribute values and ordered annotation maps (`annotations`, function `attrs`, `AttrStmt` nodes).
//!
//! `Annotations` keeps insertion order (the order the user wrote, which the printer may re-sort as
//! TVM does) and holds each key at most once; equality of two maps ignores order.

use std::sync::Arc;

use super::buffer::{Buffer, IterVar};
use super::expr::{CommReducer, PrimExpr};
use super::var::GlobalVar;

/// A value stored in an annotation, a function attribute or an `AttrStmt`'s node field.
#[derive(Clone, Debug)]
pub enum AttrValue {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Expr(PrimExpr),
    Buffer(Buffer),
    IterVar(IterVar),
    /// A commutative reducer, as `T.attr(T.comm_reducer(...), "reduce_scope", ...)` holds.
    CommReducer(Arc<CommReducer>),
    Global(GlobalVar),
    Array(Vec<AttrValue>),
    Map(Annotations),
    /// A compilation target (`T.target(...)`), held as the configuration TVM's `Target::Export`
    /// gives: `kind`, `tag`, `keys`, every attribute with its kind's defaults, and `host` as a
    /// nested configuration map. It prints as `T.target({...})`.
    Target(Annotations),
}

/// An insertion-ordered map from string keys to attribute values.
#[derive(Clone, Debug, Default)]
pub struct Annotations {
    entries: Vec<(String, AttrValue)>,
}

impl Annotations {
    pub fn new() -> Annotations {
        Annotations::default()
    }
    /// Sets `key`, replacing an existing value in place.
    pub fn insert(&mut self, key: impl Into<String>, value: AttrValue) {
        let key = key.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }
    pub fn get(&self, key: &str) -> Option<&AttrValue> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn remove(&mut self, key: &str) -> Option<AttrValue> {
        let index = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(index).1)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &AttrValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl FromIterator<(String, AttrValue)> for Annotations {
    fn from_iter<I: IntoIterator<Item = (String, AttrValue)>>(iter: I) -> Annotations {
        let mut map = Annotations::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

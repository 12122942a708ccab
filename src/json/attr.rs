//! The JSON form of attribute values (`AttrValue`): annotations, function and module attributes,
//! and the `node` of an `AttrStmt`.
//!
//! Plain JSON values stand for themselves: `null`, booleans, integers (64-bit signed), finite
//! floats (always written with a `.` or an exponent, so they stay floats), strings and arrays.
//! Everything else is an object with exactly one key naming its kind: `{"expr": E}`,
//! `{"buffer": id}`, `{"iter_var": {...}}`, `{"comm_reducer": {...}}`, `{"global_var": id}`, `{"map": {...}}`,
//! `{"target": {...}}` (a target's exported configuration) and
//! `{"float": "inf"}` for non-finite floats. Maps keep their key order.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::schema::{BufferId, Expr, GlobalId, IterVarJson};
use super::schema_expr::CommReducerJson;
use super::values::{Counted, FloatValue, OrderedMap};

/// An attribute value counted as one nesting level.
pub type Attr = Counted<AttrJson>;
/// An ordered annotation or attribute map.
pub type AnnotationsJson = OrderedMap<Attr>;

/// One attribute value.
#[derive(Debug, Clone)]
pub enum AttrJson {
    None,
    Bool(bool),
    Int(i64),
    Float(FloatValue),
    Str(String),
    Expr(Expr),
    Buffer(BufferId),
    IterVar(Box<IterVarJson>),
    CommReducer(Box<CommReducerJson>),
    GlobalVar(GlobalId),
    Array(Vec<Attr>),
    Map(AnnotationsJson),
    Target(AnnotationsJson),
}

/// Writes a one-key object `{key: value}`.
fn tagged<S: Serializer, T: Serialize>(
    serializer: S,
    key: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(1))?;
    map.serialize_entry(key, value)?;
    map.end()
}

impl Serialize for AttrJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AttrJson::None => serializer.serialize_unit(),
            AttrJson::Bool(v) => serializer.serialize_bool(*v),
            AttrJson::Int(v) => serializer.serialize_i64(*v),
            AttrJson::Float(v) if v.0.is_finite() => serializer.serialize_f64(v.0),
            AttrJson::Float(v) => tagged(serializer, "float", v),
            AttrJson::Str(v) => serializer.serialize_str(v),
            AttrJson::Expr(e) => tagged(serializer, "expr", e),
            AttrJson::Buffer(id) => tagged(serializer, "buffer", id),
            AttrJson::IterVar(iv) => tagged(serializer, "iter_var", iv),
            AttrJson::CommReducer(r) => tagged(serializer, "comm_reducer", r),
            AttrJson::GlobalVar(id) => tagged(serializer, "global_var", id),
            AttrJson::Array(items) => items.serialize(serializer),
            AttrJson::Map(map) => tagged(serializer, "map", map),
            AttrJson::Target(config) => tagged(serializer, "target", config),
        }
    }
}

/// The key of a one-key attribute object.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum AttrTag {
    Expr,
    Buffer,
    IterVar,
    CommReducer,
    GlobalVar,
    Map,
    Target,
    Float,
}

struct AttrVisitor;

impl<'de> Visitor<'de> for AttrVisitor {
    type Value = AttrJson;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<AttrJson, E> {
        Ok(AttrJson::None)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<AttrJson, E> {
        Ok(AttrJson::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<AttrJson, E> {
        Ok(AttrJson::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<AttrJson, E> {
        i64::try_from(v).map(AttrJson::Int).map_err(|_| {
            E::custom(format_args!("integer {v} does not fit a 64-bit signed attribute value"))
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<AttrJson, E> {
        Ok(AttrJson::Float(FloatValue(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<AttrJson, E> {
        Ok(AttrJson::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<AttrJson, E> {
        Ok(AttrJson::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AttrJson, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(AttrJson::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttrJson, A::Error> {
        let Some(tag) = map.next_key::<AttrTag>()? else {
            return Err(de::Error::custom(
                "an attribute object must have one key: expr, buffer, iter_var, comm_reducer, \
                 global_var, map, target or float",
            ));
        };
        let value = match tag {
            AttrTag::Expr => AttrJson::Expr(map.next_value()?),
            AttrTag::Buffer => AttrJson::Buffer(map.next_value()?),
            AttrTag::IterVar => AttrJson::IterVar(map.next_value()?),
            AttrTag::CommReducer => AttrJson::CommReducer(map.next_value()?),
            AttrTag::GlobalVar => AttrJson::GlobalVar(map.next_value()?),
            AttrTag::Map => AttrJson::Map(map.next_value()?),
            AttrTag::Target => AttrJson::Target(map.next_value()?),
            AttrTag::Float => AttrJson::Float(map.next_value()?),
        };
        if map.next_key::<IgnoredAny>()?.is_some() {
            return Err(de::Error::custom("an attribute object must have exactly one key"));
        }
        Ok(value)
    }
}

impl<'de> Deserialize<'de> for AttrJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AttrVisitor)
    }
}

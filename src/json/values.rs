//! Leaf encodings shared by every part of the JSON schema: dtype strings, exact floats, literal
//! immediates with an optional dtype, insertion-ordered maps and the depth-counted node wrapper.
//!
//! Invariants: every `Deserialize` here consumes exactly one JSON value and never buffers it;
//! `Counted` is the only place where nesting depth grows without a bound set by the schema, so the
//! depth counter it keeps bounds the recursion of the whole reader (see `MAX_DEPTH`).

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::ir::DataType;

/// The deepest nesting of expression, statement, type and attribute nodes the reader accepts.
pub const MAX_DEPTH: usize = 4096;

/// Stack that must remain before a recursive step runs on the current stack segment.
pub(crate) const STACK_RED_ZONE: usize = 1024 * 1024;
/// Size of each extra stack segment allocated when the red zone is reached.
pub(crate) const STACK_SEGMENT: usize = 8 * 1024 * 1024;

/// How many reader levels may pass between two stack checks; each level of a debug build uses at
/// most a few KiB of stack, far below `STACK_RED_ZONE / STACK_CHECK_INTERVAL`.
const STACK_CHECK_INTERVAL: usize = 4;

/// Runs `f` with at least `STACK_RED_ZONE` bytes of stack, growing onto the heap if needed.
pub(crate) fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, f)
}

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Holds one level of the reader's nesting depth; dropping it releases the level.
struct DepthGuard;

impl DepthGuard {
    /// Enters one more level; `None` past `MAX_DEPTH`. Also returns the new depth.
    fn enter() -> Option<(DepthGuard, usize)> {
        DEPTH.with(|depth| {
            let next = depth.get() + 1;
            (next <= MAX_DEPTH).then(|| {
                depth.set(next);
                (DepthGuard, next)
            })
        })
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    }
}

/// A recursive schema node (expression, statement, type or attribute value). Reading one counts a
/// nesting level and refuses to go deeper than `MAX_DEPTH`; reading and writing it may move onto a
/// fresh stack segment, so legal depths never overflow the thread's stack.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Counted<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Some((_guard, depth)) = DepthGuard::enter() else {
            return Err(de::Error::custom(format_args!(
                "the IR nests deeper than the limit of {MAX_DEPTH} nodes"
            )));
        };
        // The red zone covers several levels of frames, so checking every few levels suffices.
        if depth % STACK_CHECK_INTERVAL == 0 {
            with_stack(|| T::deserialize(deserializer).map(Counted))
        } else {
            T::deserialize(deserializer).map(Counted)
        }
    }
}

impl<T: Serialize> Serialize for Counted<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        with_stack(|| self.0.serialize(serializer))
    }
}

/// A dtype, written as its TVM string (`"float32"`, `"int8x4"`, `"float32xvscalex4"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DType(pub DataType);

/// The spelling of the most common dtypes, written without going through `Display`.
fn common_dtype_name(dtype: DataType) -> Option<&'static str> {
    const COMMON: [(DataType, &str); 9] = [
        (DataType::int32(), "int32"),
        (DataType::int64(), "int64"),
        (DataType::float32(), "float32"),
        (DataType::bool(), "bool"),
        (DataType::handle(), "handle"),
        (DataType::void(), "void"),
        (DataType::float(16), "float16"),
        (DataType::float(64), "float64"),
        (DataType::int(8), "int8"),
    ];
    COMMON.iter().find(|(common, _)| *common == dtype).map(|(_, name)| *name)
}

impl Serialize for DType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match common_dtype_name(self.0) {
            Some(name) => serializer.serialize_str(name),
            None => serializer.collect_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for DType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DTypeVisitor;
        impl Visitor<'_> for DTypeVisitor {
            type Value = DType;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a dtype string such as \"float32\"")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<DType, E> {
                DataType::parse(text).map(DType).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(DTypeVisitor)
    }
}

/// The bit pattern of the NaN that is written as plain `"nan"`.
const CANONICAL_NAN: u64 = 0x7ff8_0000_0000_0000;
/// The largest integer magnitude every double represents exactly (2^53).
const EXACT_INT_LIMIT: u64 = 1 << 53;

/// A double that round-trips exactly: finite values as JSON numbers (shortest exact form),
/// `"inf"`, `"-inf"`, `"nan"` for the canonical quiet NaN, and `"nan:0x<16 hex digits>"` for any
/// other NaN bit pattern.
#[derive(Debug, Clone, Copy)]
pub struct FloatValue(pub f64);

impl Serialize for FloatValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.is_finite() {
            serializer.serialize_f64(v)
        } else if v.is_nan() {
            if v.to_bits() == CANONICAL_NAN {
                serializer.serialize_str("nan")
            } else {
                serializer.collect_str(&format_args!("nan:0x{:016x}", v.to_bits()))
            }
        } else if v > 0.0 {
            serializer.serialize_str("inf")
        } else {
            serializer.serialize_str("-inf")
        }
    }
}

/// Parses the string forms of non-finite doubles.
fn parse_special_float(text: &str) -> Option<f64> {
    match text {
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::from_bits(CANONICAL_NAN)),
        _ => {
            let hex = text.strip_prefix("nan:0x")?;
            if hex.len() != 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let bits = u64::from_str_radix(hex, 16).ok()?;
            let value = f64::from_bits(bits);
            value.is_nan().then_some(value)
        }
    }
}

impl<'de> Deserialize<'de> for FloatValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FloatVisitor;
        impl Visitor<'_> for FloatVisitor {
            type Value = FloatValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or one of \"inf\", \"-inf\", \"nan\", \"nan:0x...\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FloatValue, E> {
                Ok(FloatValue(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FloatValue, E> {
                if v <= EXACT_INT_LIMIT {
                    Ok(FloatValue(v as f64))
                } else {
                    Err(E::custom(format_args!("integer {v} has no exact double; write a float")))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FloatValue, E> {
                if v.unsigned_abs() <= EXACT_INT_LIMIT {
                    Ok(FloatValue(v as f64))
                } else {
                    Err(E::custom(format_args!("integer {v} has no exact double; write a float")))
                }
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<FloatValue, E> {
                parse_special_float(text).map(FloatValue).ok_or_else(|| {
                    E::custom(format_args!(
                        "invalid float \"{text}\": expected a number, \"inf\", \"-inf\", \"nan\" \
                         or \"nan:0x\" followed by 16 hex digits of a NaN"
                    ))
                })
            }
        }
        deserializer.deserialize_any(FloatVisitor)
    }
}

/// An immediate: the bare value when its dtype is the kind's default, otherwise
/// `{"value": v, "dtype": "..."}`.
#[derive(Debug, Clone)]
pub struct Imm<V> {
    pub value: V,
    pub dtype: Option<DType>,
}

impl<V: Serialize> Serialize for Imm<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.dtype {
            None => self.value.serialize(serializer),
            Some(dtype) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("value", &self.value)?;
                map.serialize_entry("dtype", dtype)?;
                map.end()
            }
        }
    }
}

/// The keys of the object form of an immediate.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum ImmField {
    Value,
    Dtype,
}

struct ImmVisitor<V>(PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for ImmVisitor<V> {
    type Value = Imm<V>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a literal or an object with `value` and `dtype`")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Imm<V>, E> {
        V::deserialize(v.into_deserializer()).map(|value| Imm { value, dtype: None })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Imm<V>, E> {
        V::deserialize(v.into_deserializer()).map(|value| Imm { value, dtype: None })
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Imm<V>, E> {
        V::deserialize(v.into_deserializer()).map(|value| Imm { value, dtype: None })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Imm<V>, E> {
        V::deserialize(v.into_deserializer()).map(|value| Imm { value, dtype: None })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Imm<V>, E> {
        V::deserialize(v.into_deserializer()).map(|value| Imm { value, dtype: None })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Imm<V>, A::Error> {
        let mut value = None;
        let mut dtype = None;
        while let Some(field) = map.next_key::<ImmField>()? {
            match field {
                ImmField::Value if value.is_some() => {
                    return Err(de::Error::duplicate_field("value"));
                }
                ImmField::Value => value = Some(map.next_value()?),
                ImmField::Dtype if dtype.is_some() => {
                    return Err(de::Error::duplicate_field("dtype"));
                }
                ImmField::Dtype => dtype = Some(map.next_value()?),
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
        Ok(Imm { value, dtype })
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Imm<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ImmVisitor(PhantomData))
    }
}

/// A JSON object whose key order is kept, with each key at most once.
#[derive(Debug, Clone)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

struct OrderedMapVisitor<V>(PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedMapVisitor<V> {
    type Value = OrderedMap<V>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMap<V>, A::Error> {
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value()?;
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            entries.push((key, value));
        }
        Ok(OrderedMap(entries))
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OrderedMapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_dtype_names_match_display() {
        for name in
            ["int32", "int64", "float32", "bool", "handle", "void", "float16", "float64", "int8"]
        {
            let dtype = DataType::parse(name).expect("valid dtype");
            assert_eq!(common_dtype_name(dtype), Some(name));
            assert_eq!(dtype.to_string(), name);
        }
        assert_eq!(common_dtype_name(DataType::int32().with_lanes(4)), None);
    }
}

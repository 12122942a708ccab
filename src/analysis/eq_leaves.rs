//! Canonical forms and short descriptions of leaf values, shared by structural comparison and
//! hashing so both treat the same values as equal (sorted map keys, NaN, default scopes).

use super::structural_eq_expr::describe_expr;
use crate::ir::{Annotations, AttrValue, Type, Var};

/// The union of two maps' keys, sorted, so both comparison and hashing visit them in one order.
pub(crate) fn sorted_keys<'a>(a: &'a Annotations, b: &'a Annotations) -> Vec<&'a str> {
    let mut keys: Vec<&str> = a.iter().map(|(k, _)| k).chain(b.iter().map(|(k, _)| k)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Float equality by value, with NaN equal to NaN.
pub(crate) fn float_eq(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// A storage scope with the default `""` spelled `"global"`.
pub(crate) fn normalize_scope(scope: &str) -> &str {
    if scope.is_empty() { "global" } else { scope }
}

/// A type with every default storage scope `""` spelled `"global"`.
pub(crate) fn normalize_type(ty: &Type) -> Type {
    match ty {
        Type::Pointer { element, scope } => Type::Pointer {
            element: Box::new(normalize_type(element)),
            scope: normalize_scope(scope).to_string(),
        },
        Type::Tuple(fields) => Type::Tuple(fields.iter().map(normalize_type).collect()),
        Type::Prim(d) => Type::Prim(*d),
    }
}

pub(crate) fn describe_var(var: &Var) -> String {
    format!("var `{}`", var.name())
}

pub(crate) fn describe_type(ty: &Type) -> String {
    match ty {
        Type::Prim(d) => d.to_string(),
        Type::Pointer { element, scope } => {
            format!("pointer to {} in \"{scope}\"", describe_type(element))
        }
        Type::Tuple(fields) if fields.is_empty() => "void".into(),
        Type::Tuple(fields) => format!("tuple of {} types", fields.len()),
    }
}

pub(crate) fn describe_attr(value: &AttrValue) -> String {
    match value {
        AttrValue::None => "None".into(),
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Int(i) => i.to_string(),
        AttrValue::Float(x) => x.to_string(),
        AttrValue::Str(s) => format!("{s:?}"),
        AttrValue::Expr(e) => describe_expr(e),
        AttrValue::Buffer(b) => format!("buffer `{}`", b.name()),
        AttrValue::IterVar(iv) => format!("iter var `{}`", iv.var.name()),
        AttrValue::CommReducer(r) => format!("comm_reducer of {} values", r.lhs.len()),
        AttrValue::Global(g) => format!("function `{}`", g.name()),
        AttrValue::Array(items) => format!("array of {}", items.len()),
        AttrValue::Map(map) => format!("map of {}", map.len()),
        AttrValue::Target(config) => match config.get("kind") {
            Some(AttrValue::Str(kind)) => format!("target of kind {kind:?}"),
            _ => "target".to_string(),
        },
    }
}

/// `AllocateConst` data compared element by element, NaN equal to NaN as floats are elsewhere.
pub(crate) struct ConstDataEq<'a>(pub Option<&'a crate::ir::ConstData>);

impl PartialEq for ConstDataEq<'_> {
    fn eq(&self, other: &Self) -> bool {
        use crate::ir::ConstData;
        match (self.0, other.0) {
            (None, None) => true,
            (Some(ConstData::Int(a)), Some(ConstData::Int(b))) => a == b,
            (Some(ConstData::Float(a)), Some(ConstData::Float(b))) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| float_eq(*x, *y))
            }
            _ => false,
        }
    }
}

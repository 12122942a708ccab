//! `EqContext`: the state of one structural comparison and its building blocks.
//!
//! It holds the var and buffer pairings (bijections from left to right identities, kept for the
//! whole comparison) and the current path. Helpers compare leaves, arrays, options and unordered
//! maps so each failure is reported at the right path on both sides; `define_var`, `use_var` and
//! `buffer` implement the pairing rules documented in `structural_eq.rs`.

use std::collections::HashMap;

use super::eq_leaves::{
    describe_attr, describe_type, describe_var, float_eq, normalize_scope, sorted_keys,
};
use super::path::{MapKey, ObjectPath, PathStep};
use super::structural_eq::{EqualOptions, Mismatch};
use super::structural_eq_expr::describe_expr;
use crate::ir::{Annotations, AttrValue, Buffer, BufferRegion, IterVar, Range, Type, Var};

/// A one-to-one correspondence between left and right identities.
#[derive(Default)]
struct Pairing {
    left_to_right: HashMap<u64, u64>,
    right_to_left: HashMap<u64, u64>,
}

impl Pairing {
    fn insert(&mut self, left: u64, right: u64) {
        self.left_to_right.insert(left, right);
        self.right_to_left.insert(right, left);
    }

    fn state(&self, left: u64, right: u64) -> PairState {
        match (self.left_to_right.get(&left), self.right_to_left.get(&right)) {
            (Some(&r), _) if r == right => PairState::Paired,
            (None, None) => PairState::Unpaired,
            _ => PairState::Conflict,
        }
    }
}

/// What a pairing lookup found for a (left, right) pair of identities.
enum PairState {
    /// The two are paired with each other.
    Paired,
    /// Neither is paired.
    Unpaired,
    /// At least one side is paired with something else.
    Conflict,
}

/// The state of one structural comparison: the pairings made so far and the current path.
pub struct EqContext {
    options: EqualOptions,
    /// True while comparing a buffer's fields, where first-seen vars are paired.
    in_buffer_fields: bool,
    vars: Pairing,
    buffers: Pairing,
    path: ObjectPath,
}

pub(crate) type EqResult = Result<(), Mismatch>;

impl EqContext {
    pub fn new(options: EqualOptions) -> EqContext {
        EqContext {
            options,
            in_buffer_fields: false,
            vars: Pairing::default(),
            buffers: Pairing::default(),
            path: ObjectPath::root(),
        }
    }

    /// A mismatch at the current path on both sides.
    pub(crate) fn fail(&self, lhs: impl Into<String>, rhs: impl Into<String>) -> Mismatch {
        Mismatch {
            lhs_path: self.path.clone(),
            rhs_path: self.path.clone(),
            lhs: lhs.into(),
            rhs: rhs.into(),
        }
    }

    /// Runs `f` with `step` appended to the current path.
    pub(crate) fn at<R>(
        &mut self,
        step: PathStep,
        f: impl FnOnce(&mut EqContext) -> Result<R, Mismatch>,
    ) -> Result<R, Mismatch> {
        self.path.push(step);
        let result = f(self)?;
        self.path.pop();
        Ok(result)
    }

    /// Runs `f` inside the field `name`.
    pub(crate) fn field<R>(
        &mut self,
        name: &'static str,
        f: impl FnOnce(&mut EqContext) -> Result<R, Mismatch>,
    ) -> Result<R, Mismatch> {
        self.at(PathStep::Attr(name), f)
    }

    /// Compares a leaf field by `==`, describing each side with `describe` on mismatch.
    pub(crate) fn leaf<T: PartialEq + ?Sized>(
        &mut self,
        name: &'static str,
        a: &T,
        b: &T,
        describe: impl Fn(&T) -> String,
    ) -> EqResult {
        if a == b {
            return Ok(());
        }
        self.field(name, |cx| Err(cx.fail(describe(a), describe(b))))
    }

    /// Compares two arrays element by element, then their lengths.
    pub(crate) fn array<T>(
        &mut self,
        name: &'static str,
        a: &[T],
        b: &[T],
        mut each: impl FnMut(&mut EqContext, &T, &T) -> EqResult,
    ) -> EqResult {
        self.field(name, |cx| {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                cx.at(PathStep::Index(index), |cx| each(cx, x, y))?;
            }
            if a.len() == b.len() {
                return Ok(());
            }
            let n = a.len().min(b.len());
            let (lhs_step, rhs_step) = if a.len() > b.len() {
                (PathStep::Index(n), PathStep::IndexMissing(n))
            } else {
                (PathStep::IndexMissing(n), PathStep::Index(n))
            };
            Err(Mismatch {
                lhs_path: cx.path.join(lhs_step),
                rhs_path: cx.path.join(rhs_step),
                lhs: format!("{} elements", a.len()),
                rhs: format!("{} elements", b.len()),
            })
        })
    }

    /// Compares two optional values; one side missing is a mismatch at the field.
    pub(crate) fn option<T>(
        &mut self,
        name: &'static str,
        a: Option<&T>,
        b: Option<&T>,
        describe: impl Fn(&T) -> String,
        each: impl FnOnce(&mut EqContext, &T, &T) -> EqResult,
    ) -> EqResult {
        match (a, b) {
            (None, None) => Ok(()),
            (Some(x), Some(y)) => self.field(name, |cx| each(cx, x, y)),
            (x, y) => {
                let show = |v: Option<&T>| v.map_or_else(|| "none".to_string(), &describe);
                self.field(name, |cx| Err(cx.fail(show(x), show(y))))
            }
        }
    }

    /// A mismatch where one map has `key` and the other lacks it.
    pub(crate) fn missing_entry(&self, key: MapKey, in_lhs: bool, what: String) -> Mismatch {
        let present = self.path.join(PathStep::Key(key.clone()));
        let absent = self.path.join(PathStep::KeyMissing(key));
        let (lhs_path, rhs_path) = if in_lhs { (present, absent) } else { (absent, present) };
        let (lhs, rhs) = if in_lhs { (what, "nothing".into()) } else { ("nothing".into(), what) };
        Mismatch { lhs_path, rhs_path, lhs, rhs }
    }

    /// Compares a var definition at the current path and pairs the two vars.
    pub(crate) fn define_var(&mut self, a: &Var, b: &Var) -> EqResult {
        match self.vars.state(a.id(), b.id()) {
            PairState::Paired => Ok(()),
            PairState::Conflict => Err(self.fail(describe_var(a), describe_var(b))),
            PairState::Unpaired => {
                self.compare_var_fields(a, b)?;
                self.vars.insert(a.id(), b.id());
                Ok(())
            }
        }
    }

    fn compare_var_fields(&mut self, a: &Var, b: &Var) -> EqResult {
        if a.is_size_var() != b.is_size_var() {
            return Err(self.fail(describe_var(a), describe_var(b)));
        }
        self.leaf("dtype", &a.dtype(), &b.dtype(), |d| d.to_string())?;
        self.field("type_annotation", |cx| cx.ty(a.type_annotation(), b.type_annotation()))
    }

    /// Compares two types field by field (TVM's `PrimType`, `PointerType` and `TupleType`); the
    /// storage scopes `""` and `"global"` are equal.
    pub(crate) fn ty(&mut self, a: &Type, b: &Type) -> EqResult {
        match (a, b) {
            (Type::Prim(x), Type::Prim(y)) => self.leaf("dtype", x, y, |d| d.to_string()),
            (
                Type::Pointer { element: e1, scope: s1 },
                Type::Pointer { element: e2, scope: s2 },
            ) => {
                self.field("element_type", |cx| cx.ty(e1, e2))?;
                let (s1, s2) = (normalize_scope(s1), normalize_scope(s2));
                self.leaf("storage_scope", s1, s2, |s| format!("{s:?}"))
            }
            (Type::Tuple(x), Type::Tuple(y)) => self.array("fields", x, y, |cx, p, q| cx.ty(p, q)),
            _ => Err(self.fail(describe_type(a), describe_type(b))),
        }
    }

    /// Compares two var uses at the current path.
    pub(crate) fn use_var(&mut self, a: &Var, b: &Var) -> EqResult {
        match self.vars.state(a.id(), b.id()) {
            PairState::Paired => Ok(()),
            PairState::Conflict => Err(self.fail(describe_var(a), describe_var(b))),
            PairState::Unpaired if self.options.map_free_vars || self.in_buffer_fields => {
                self.define_var(a, b)
            }
            PairState::Unpaired if a == b => Ok(()),
            PairState::Unpaired => Err(self.fail(describe_var(a), describe_var(b))),
        }
    }

    /// Compares two buffer occurrences at the current path, pairing them at first sight.
    pub(crate) fn buffer(&mut self, a: &Buffer, b: &Buffer) -> EqResult {
        match self.buffers.state(a.id(), b.id()) {
            PairState::Paired => Ok(()),
            PairState::Conflict => {
                Err(self.fail(format!("buffer `{}`", a.name()), format!("buffer `{}`", b.name())))
            }
            PairState::Unpaired => {
                let outer = std::mem::replace(&mut self.in_buffer_fields, true);
                let result = self.buffer_fields(a, b);
                self.in_buffer_fields = outer;
                result?;
                self.buffers.insert(a.id(), b.id());
                Ok(())
            }
        }
    }

    fn buffer_fields(&mut self, a: &Buffer, b: &Buffer) -> EqResult {
        let (x, y) = (a.node(), b.node());
        self.field("data", |cx| cx.define_var(&x.data, &y.data))?;
        self.leaf("dtype", &x.dtype, &y.dtype, |d| d.to_string())?;
        self.array("shape", &x.shape, &y.shape, |cx, p, q| cx.expr(p, q))?;
        self.array("strides", &x.strides, &y.strides, |cx, p, q| cx.expr(p, q))?;
        self.field("elem_offset", |cx| cx.expr(&x.elem_offset, &y.elem_offset))?;
        self.leaf("data_alignment", &x.data_alignment, &y.data_alignment, |v| v.to_string())?;
        self.leaf("offset_factor", &x.offset_factor, &y.offset_factor, |v| v.to_string())?;
        self.leaf("buffer_type", &x.buffer_type, &y.buffer_type, |v| format!("{v:?}"))?;
        self.leaf("axis_separators", &x.axis_separators, &y.axis_separators, |v| format!("{v:?}"))
    }

    pub(crate) fn range(&mut self, a: &Range, b: &Range) -> EqResult {
        self.field("min", |cx| cx.expr(&a.min, &b.min))?;
        self.field("extent", |cx| cx.expr(&a.extent, &b.extent))
    }

    /// Compares two `IterVar` definitions: domain, then the var (defined here), kind and tag.
    pub(crate) fn iter_var(&mut self, a: &IterVar, b: &IterVar) -> EqResult {
        let describe = |r: &Range| format!("range of extent {}", describe_expr(&r.extent));
        self.option("dom", a.dom.as_ref(), b.dom.as_ref(), describe, |cx, x, y| cx.range(x, y))?;
        self.field("var", |cx| cx.define_var(&a.var, &b.var))?;
        self.leaf("iter_type", &a.iter_type, &b.iter_type, |t| format!("{t:?}"))?;
        self.leaf("thread_tag", &a.thread_tag, &b.thread_tag, |t| format!("{t:?}"))
    }

    pub(crate) fn buffer_region(&mut self, a: &BufferRegion, b: &BufferRegion) -> EqResult {
        self.field("buffer", |cx| cx.buffer(&a.buffer, &b.buffer))?;
        self.array("region", &a.region, &b.region, |cx, p, q| cx.range(p, q))
    }

    /// Compares two annotation maps as unordered maps, visiting keys in sorted order.
    pub(crate) fn annotations(
        &mut self,
        name: &'static str,
        a: &Annotations,
        b: &Annotations,
    ) -> EqResult {
        self.field(name, |cx| {
            for key in sorted_keys(a, b) {
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => {
                        cx.at(PathStep::Key(MapKey::Str(key.into())), |cx| cx.attr_value(x, y))?
                    }
                    (Some(x), None) => {
                        return Err(cx.missing_entry(
                            MapKey::Str(key.into()),
                            true,
                            describe_attr(x),
                        ));
                    }
                    (None, Some(y)) => {
                        return Err(cx.missing_entry(
                            MapKey::Str(key.into()),
                            false,
                            describe_attr(y),
                        ));
                    }
                    (None, None) => {}
                }
            }
            Ok(())
        })
    }

    pub(crate) fn attr_value(&mut self, a: &AttrValue, b: &AttrValue) -> EqResult {
        match (a, b) {
            (AttrValue::None, AttrValue::None) => Ok(()),
            (AttrValue::Bool(x), AttrValue::Bool(y)) if x == y => Ok(()),
            (AttrValue::Int(x), AttrValue::Int(y)) if x == y => Ok(()),
            (AttrValue::Float(x), AttrValue::Float(y)) if float_eq(*x, *y) => Ok(()),
            (AttrValue::Str(x), AttrValue::Str(y)) if x == y => Ok(()),
            (AttrValue::Global(x), AttrValue::Global(y)) if x.name() == y.name() => Ok(()),
            (AttrValue::Expr(x), AttrValue::Expr(y)) => self.expr(x, y),
            (AttrValue::Buffer(x), AttrValue::Buffer(y)) => self.buffer(x, y),
            (AttrValue::IterVar(x), AttrValue::IterVar(y)) => self.iter_var(x, y),
            (AttrValue::CommReducer(x), AttrValue::CommReducer(y)) => self.comm_reducer(x, y),
            (AttrValue::Array(x), AttrValue::Array(y)) => {
                for (index, (p, q)) in x.iter().zip(y).enumerate() {
                    self.at(PathStep::Index(index), |cx| cx.attr_value(p, q))?;
                }
                if x.len() == y.len() {
                    Ok(())
                } else {
                    Err(self.fail(format!("{} elements", x.len()), format!("{} elements", y.len())))
                }
            }
            (AttrValue::Map(x), AttrValue::Map(y)) => self.annotations_here(x, y),
            (AttrValue::Target(x), AttrValue::Target(y)) => self.annotations_here(x, y),
            _ => Err(self.fail(describe_attr(a), describe_attr(b))),
        }
    }

    /// Compares nested maps at the current path (a map value inside an annotation).
    fn annotations_here(&mut self, a: &Annotations, b: &Annotations) -> EqResult {
        // `annotations` pushes a field; a nested map has none, so compare entries here directly.
        for key in sorted_keys(a, b) {
            match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) => {
                    self.at(PathStep::Key(MapKey::Str(key.into())), |cx| cx.attr_value(x, y))?
                }
                (x, y) => {
                    let in_lhs = x.is_some();
                    let what = x.or(y).map(describe_attr).unwrap_or_default();
                    return Err(self.missing_entry(MapKey::Str(key.into()), in_lhs, what));
                }
            }
        }
        Ok(())
    }
}

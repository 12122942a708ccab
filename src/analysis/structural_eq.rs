//! Structural equality of TIR modulo variable renaming, with the path to the first difference.
//!
//! Semantics (TVM's `StructuralEqual`): two trees are equal when they have the same shape and the
//! same leaves, and their variables and buffers correspond one to one.
//! - Definitions pair a left var with a right var: function params, loop vars, let vars, block iter
//!   vars and other `IterVar`s, `Allocate` buffer vars, comm_reducer `lhs`/`rhs`, and buffer data
//!   vars. A definition compares the vars' dtypes and type annotations, then records the pair.
//! - A use of a paired var must meet its partner. A use of a var paired on neither side (a free
//!   var) compares by identity, unless `map_free_vars` is set, in which case it pairs them.
//! - Buffers are paired like vars. Where a buffer is first seen (normally its declaration in
//!   `buffer_map`, `alloc_buffers`, `match_buffers` or `DeclBuffer`, otherwise its first access)
//!   its fields are compared; vars first seen inside those fields (symbolic shapes) are paired, as
//!   TVM does for buffer fields. Buffer names are not compared; `""` and `"global"` scopes are equal.
//! - `GlobalVar`s compare by name; IRModule functions are matched by name; attribute and annotation
//!   maps compare as unordered maps. Floats compare by value, and NaN equals NaN.
//! - The pairing is a bijection kept for the whole comparison, so the first difference found in
//!   traversal order (TVM's field order) is the one reported.
//!
//! `structural_hash` (in `structural_hash.rs`) walks the same fields in the same order and numbers
//! vars and buffers by first appearance, so equal trees hash equally.

use std::fmt;

pub use super::eq_context::EqContext;
use super::eq_context::EqResult;
use super::path::ObjectPath;
pub use super::structural_hash::{HashContext, structural_hash};
use crate::ir::{Buffer, BufferRegion, IRModule, PrimExpr, PrimFunc, Range, Stmt};

/// The first difference between two trees: where it is on each side and what each side holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub lhs_path: ObjectPath,
    pub rhs_path: ObjectPath,
    /// A short description of the left value, e.g. ``var `i` `` or `int32`.
    pub lhs: String,
    /// A short description of the right value.
    pub rhs: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let render = |path: &ObjectPath| {
            if path.is_root() { "<root>".to_string() } else { path.to_string() }
        };
        if self.lhs_path == self.rhs_path {
            write!(f, "{}: lhs {}, rhs {}", render(&self.lhs_path), self.lhs, self.rhs)
        } else {
            write!(
                f,
                "lhs {}: {}; rhs {}: {}",
                render(&self.lhs_path),
                self.lhs,
                render(&self.rhs_path),
                self.rhs
            )
        }
    }
}

impl std::error::Error for Mismatch {}

/// Options of a structural comparison.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EqualOptions {
    /// Pair free vars (and free buffers' vars) at first use instead of comparing them by identity.
    pub map_free_vars: bool,
}

/// IR objects that can be compared and hashed structurally.
pub trait StructuralEq {
    /// Compares `self` (left) with `other` (right) within an ongoing comparison.
    fn compare_with(&self, other: &Self, cx: &mut EqContext) -> Result<(), Mismatch>;
    /// Feeds `self` into an ongoing structural hash.
    fn hash_with(&self, hx: &mut HashContext);
}

/// Whether `a` and `b` are structurally equal, free vars compared by identity.
pub fn structural_equal<T: StructuralEq + ?Sized>(a: &T, b: &T) -> bool {
    compare_structural(a, b, EqualOptions::default()).is_ok()
}

/// Whether `a` and `b` are structurally equal under `options`.
pub fn structural_equal_with<T: StructuralEq + ?Sized>(
    a: &T,
    b: &T,
    options: EqualOptions,
) -> bool {
    compare_structural(a, b, options).is_ok()
}

/// `Ok` when `a` and `b` are structurally equal; otherwise the first difference.
pub fn assert_structural_equal<T: StructuralEq + ?Sized>(a: &T, b: &T) -> Result<(), Mismatch> {
    compare_structural(a, b, EqualOptions::default())
}

/// Compares `a` and `b` under `options`, returning the first difference.
pub fn compare_structural<T: StructuralEq + ?Sized>(
    a: &T,
    b: &T,
    options: EqualOptions,
) -> Result<(), Mismatch> {
    let mut cx = EqContext::new(options);
    a.compare_with(b, &mut cx)
}

impl StructuralEq for IRModule {
    fn compare_with(&self, other: &Self, cx: &mut EqContext) -> EqResult {
        cx.module(self, other)
    }
    fn hash_with(&self, hx: &mut HashContext) {
        hx.module(self)
    }
}

impl StructuralEq for PrimFunc {
    fn compare_with(&self, other: &Self, cx: &mut EqContext) -> EqResult {
        cx.func(self, other)
    }
    fn hash_with(&self, hx: &mut HashContext) {
        hx.func(self)
    }
}

impl StructuralEq for Stmt {
    fn compare_with(&self, other: &Self, cx: &mut EqContext) -> EqResult {
        cx.stmt(self, other)
    }
    fn hash_with(&self, hx: &mut HashContext) {
        hx.stmt(self)
    }
}

impl StructuralEq for PrimExpr {
    fn compare_with(&self, other: &Self, cx: &mut EqContext) -> EqResult {
        cx.expr(self, other)
    }
    fn hash_with(&self, hx: &mut HashContext) {
        hx.expr(self)
    }
}

impl StructuralEq for Buffer {
    fn compare_with(&self, other: &Self, cx: &mut EqContext) -> EqResult {
        cx.buffer(self, other)
    }
    fn hash_with(&self, hx: &mut HashContext) {
        hx.buffer(self)
    }
}

impl StructuralEq for Range {
    fn compare_with(&self, other: &Self, cx: &mut EqContext) -> EqResult {
        cx.range(self, other)
    }
    fn hash_with(&self, hx: &mut HashContext) {
        hx.range(self)
    }
}

impl StructuralEq for BufferRegion {
    fn compare_with(&self, other: &Self, cx: &mut EqContext) -> EqResult {
        cx.buffer_region(self, other)
    }
    fn hash_with(&self, hx: &mut HashContext) {
        hx.buffer_region(self)
    }
}

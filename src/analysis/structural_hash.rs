//! `structural_hash`: a hash consistent with `structural_equal` (equal trees hash equally).
//!
//! The hasher walks exactly the fields the comparison walks (`structural_eq_nodes.rs`), in the same
//! order. Vars and buffers are numbered by first appearance (de Bruijn-like counters), never by
//! their ids: the first appearance hashes the var's dtype and type annotation (or the buffer's
//! fields), later appearances hash only the number. Two trees equal under a renaming therefore
//! meet their vars in the same order and produce the same numbers. Unordered maps (annotations,
//! attrs, module functions) are visited in sorted key order, floats hash by canonical value
//! (`-0.0` as `0.0`, one NaN), and the mixing function is fixed, so hashes are stable across runs.

use std::collections::HashMap;

mod stmt;

use super::eq_leaves::{normalize_type, sorted_keys};
use super::structural_eq::StructuralEq;
use super::structural_eq_expr::expr_kind;
use crate::ir::{
    Annotations, AttrValue, Buffer, BufferRegion, Callee, CommReducer, DataType, Expr, IterVar,
    Lanes, PrimExpr, Range, Stmt, Type, Var,
};

/// The structural hash of `value`.
pub fn structural_hash<T: StructuralEq + ?Sized>(value: &T) -> u64 {
    let mut hx = HashContext::new();
    value.hash_with(&mut hx);
    hx.finish()
}

/// The state of one structural hash: the running value and the numbering of vars and buffers.
pub struct HashContext {
    state: u64,
    vars: HashMap<u64, u64>,
    buffers: HashMap<u64, u64>,
}

impl Default for HashContext {
    fn default() -> HashContext {
        HashContext::new()
    }
}

impl HashContext {
    pub fn new() -> HashContext {
        HashContext { state: 0x2545_f491_4f6c_dd1d, vars: HashMap::new(), buffers: HashMap::new() }
    }

    /// The final hash value.
    pub fn finish(&self) -> u64 {
        // A final avalanche so that small differences spread over all bits.
        let mut x = self.state;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }

    fn mix(&mut self, value: u64) {
        self.state = (self.state.rotate_left(5) ^ value).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn str(&mut self, s: &str) {
        self.mix(s.len() as u64);
        for chunk in s.as_bytes().chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
    }

    fn int(&mut self, value: i64) {
        self.mix(value as u64);
    }

    fn float(&mut self, value: f64) {
        let canonical = if value.is_nan() {
            f64::NAN.to_bits()
        } else if value == 0.0 {
            0
        } else {
            value.to_bits()
        };
        self.mix(canonical);
    }

    fn dtype(&mut self, dtype: DataType) {
        self.mix(dtype.code as u64);
        self.mix(u64::from(dtype.bits));
        match dtype.lanes {
            Lanes::Fixed(n) => self.mix(u64::from(n)),
            Lanes::Scalable(n) => self.mix(0x1_0000 | u64::from(n)),
        }
    }

    fn ty(&mut self, ty: &Type) {
        self.str(&format!("{:?}", normalize_type(ty)));
    }

    fn len(&mut self, n: usize) {
        self.mix(n as u64);
    }

    /// A var at a definition or a use: its number, and its type at first appearance.
    fn var(&mut self, var: &Var) {
        if let Some(&number) = self.vars.get(&var.id()) {
            self.mix(1);
            self.mix(number);
            return;
        }
        self.mix(2);
        self.mix(u64::from(var.is_size_var()));
        self.dtype(var.dtype());
        self.ty(var.type_annotation());
        let number = self.vars.len() as u64;
        self.vars.insert(var.id(), number);
    }

    /// A buffer occurrence: its number, and its fields at first appearance.
    pub(crate) fn buffer(&mut self, buffer: &Buffer) {
        if let Some(&number) = self.buffers.get(&buffer.id()) {
            self.mix(3);
            self.mix(number);
            return;
        }
        self.mix(4);
        let node = buffer.node();
        self.var(&node.data);
        self.dtype(node.dtype);
        self.exprs(&node.shape);
        self.exprs(&node.strides);
        self.expr(&node.elem_offset);
        self.int(node.data_alignment);
        self.int(node.offset_factor);
        self.str(&format!("{:?}", node.buffer_type));
        self.len(node.axis_separators.len());
        for &separator in &node.axis_separators {
            self.int(separator);
        }
        let number = self.buffers.len() as u64;
        self.buffers.insert(buffer.id(), number);
    }

    fn exprs(&mut self, exprs: &[PrimExpr]) {
        self.len(exprs.len());
        for e in exprs {
            self.expr(e);
        }
    }

    fn stmts(&mut self, stmts: &[Stmt]) {
        self.len(stmts.len());
        for s in stmts {
            self.stmt(s);
        }
    }

    fn option<T>(&mut self, value: Option<&T>, each: impl FnOnce(&mut HashContext, &T)) {
        match value {
            None => self.mix(5),
            Some(v) => {
                self.mix(6);
                each(self, v);
            }
        }
    }

    pub(crate) fn range(&mut self, range: &Range) {
        self.expr(&range.min);
        self.expr(&range.extent);
    }

    fn iter_var(&mut self, iv: &IterVar) {
        self.option(iv.dom.as_ref(), |hx, r| hx.range(r));
        self.var(&iv.var);
        self.str(&format!("{:?}", iv.iter_type));
        self.str(&iv.thread_tag);
    }

    pub(crate) fn buffer_region(&mut self, region: &BufferRegion) {
        self.buffer(&region.buffer);
        self.len(region.region.len());
        for r in &region.region {
            self.range(r);
        }
    }

    fn annotations(&mut self, map: &Annotations) {
        let keys = sorted_keys(map, map);
        self.len(keys.len());
        for key in keys {
            self.str(key);
            if let Some(value) = map.get(key) {
                self.attr_value(value);
            }
        }
    }

    fn attr_value(&mut self, value: &AttrValue) {
        match value {
            AttrValue::None => self.mix(10),
            AttrValue::Bool(b) => {
                self.mix(11);
                self.mix(u64::from(*b));
            }
            AttrValue::Int(i) => {
                self.mix(12);
                self.int(*i);
            }
            AttrValue::Float(x) => {
                self.mix(13);
                self.float(*x);
            }
            AttrValue::Str(s) => {
                self.mix(14);
                self.str(s);
            }
            AttrValue::Expr(e) => {
                self.mix(15);
                self.expr(e);
            }
            AttrValue::Buffer(b) => {
                self.mix(16);
                self.buffer(b);
            }
            AttrValue::IterVar(iv) => {
                self.mix(17);
                self.iter_var(iv);
            }
            AttrValue::CommReducer(r) => {
                self.mix(21);
                self.comm_reducer(r);
            }
            AttrValue::Global(g) => {
                self.mix(18);
                self.str(g.name());
            }
            AttrValue::Array(items) => {
                self.mix(19);
                self.len(items.len());
                for item in items {
                    self.attr_value(item);
                }
            }
            AttrValue::Map(map) => {
                self.mix(20);
                self.annotations(map);
            }
            AttrValue::Target(config) => {
                self.mix(22);
                self.annotations(config);
            }
        }
    }

    pub(crate) fn expr(&mut self, e: &PrimExpr) {
        self.str(expr_kind(e.expr()));
        if let Expr::Var(v) = e.expr() {
            self.var(v);
            return;
        }
        self.dtype(e.dtype());
        match e.expr() {
            Expr::IntImm(v) => self.int(*v),
            Expr::FloatImm(v) => self.float(*v),
            Expr::StringImm(s) => self.str(s),
            Expr::Var(v) => self.var(v),
            Expr::Binary { a, b, .. }
            | Expr::Cmp { a, b, .. }
            | Expr::And(a, b)
            | Expr::Or(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::Not(a) | Expr::Cast(a) => self.expr(a),
            Expr::Select { condition, true_value, false_value } => {
                self.expr(condition);
                self.expr(true_value);
                self.expr(false_value);
            }
            Expr::BufferLoad { buffer, indices, predicate } => {
                self.buffer(buffer);
                self.exprs(indices);
                self.option(predicate.as_ref(), |hx, p| hx.expr(p));
            }
            Expr::Ramp { base, stride, lanes } => {
                self.expr(base);
                self.expr(stride);
                self.expr(lanes);
            }
            Expr::Broadcast { value, lanes } => {
                self.expr(value);
                self.expr(lanes);
            }
            Expr::Shuffle { vectors, indices } => {
                self.exprs(vectors);
                self.exprs(indices);
            }
            Expr::Let { var, value, body } => {
                self.var(var);
                self.expr(value);
                self.expr(body);
            }
            Expr::Call { op, args } => {
                match op {
                    Callee::Op(op) => self.str(op.name()),
                    Callee::Global(g) => {
                        self.mix(7);
                        self.str(g.name());
                    }
                }
                self.exprs(args);
            }
            Expr::Reduce { combiner, source, init, axis, condition, value_index } => {
                self.comm_reducer(combiner);
                self.exprs(source);
                self.exprs(init);
                self.len(axis.len());
                for iv in axis {
                    self.iter_var(iv);
                }
                self.expr(condition);
                self.len(*value_index);
            }
        }
    }

    fn comm_reducer(&mut self, reducer: &CommReducer) {
        self.len(reducer.lhs.len());
        reducer.lhs.iter().for_each(|v| self.var(v));
        self.len(reducer.rhs.len());
        reducer.rhs.iter().for_each(|v| self.var(v));
        self.exprs(&reducer.result);
        self.exprs(&reducer.identity_element);
    }
}

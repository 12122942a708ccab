//! NarrowDataType (TVM v0.23 `tir.NarrowDataType(target_bits)`, 32 in the default pipeline):
//! rewrites index arithmetic that provably fits in `target_bits` to that width, so `T.int64`
//! loops and indices become `int32` when their values allow it.
//!
//! Two steps, as TVM:
//! 1. Decide (`Decider`, TVM's `DataTypeVisitor`). Every signed-integer expression gets a width:
//!    `target_bits` when its dtype is already that narrow or its constant bound (with loop, block
//!    and thread variables bound to their ranges) fits in a signed `target_bits` integer, else 64.
//!    Walking down, the width in force is the widest of the enclosing expressions' widths (a
//!    load's indices start again from `target_bits`). Each loop, block, thread or reduction
//!    variable then gets `min(its extent's width, width in force)`, the widest over all its uses;
//!    each signed integer constant and integer cast node gets the same rule over its own width.
//!    Decisions that keep a node's dtype are dropped.
//! 2. Rewrite (`narrow_datatype_rewrite.rs`, TVM's `NarrowDataTypeRewriter`): narrowed variables
//!    are replaced by new variables of the narrow dtype everywhere; constants and casts are
//!    narrowed only inside indices, loop bounds, allocation extents and buffer fields, or where
//!    the two operands of an arithmetic or comparison node came out with different widths; the
//!    nodes around them are rebuilt with TVM's operand matching.
//!
//! Invariants: decisions are keyed by node identity (a constant shared by two places is one
//! decision, as in TVM); only variables and constants change width, never a buffer's element
//! dtype; a stored value is cast back to its buffer's dtype when its width changed.

#[path = "narrow_datatype_rewrite.rs"]
mod rewrite;

use std::collections::HashMap;

use crate::arith::Analyzer;
use crate::ir::visit::{expr_children, stmt_parts};
use crate::ir::{
    AttrValue, DataType, Expr, IrError, PrimExpr, PrimFunc, Range, Stmt, StmtNode, Var,
};
use crate::transform::pass::Pass;

/// Narrows the index arithmetic of `func` to `target_bits` where it provably fits.
pub fn narrow_datatype(func: PrimFunc, target_bits: u16) -> Result<PrimFunc, IrError> {
    if !(2..=64).contains(&target_bits) {
        return Err(IrError::invalid(format!("NarrowDataType: bad target width {target_bits}")));
    }
    let mut decider = Decider {
        analyzer: Analyzer::new(),
        bits: target_bits,
        target_bits,
        extent_dtype: HashMap::new(),
        decisions: Decisions::default(),
    };
    decider.stmt(&func.body);
    let mut decisions = decider.decisions;
    decisions.vars.retain(|var, dtype| var.dtype() != *dtype);
    decisions.nodes.retain(|_, (original, dtype)| original != dtype);
    let body = rewrite::rewrite(&func.body, decisions)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.NarrowDataType` with `target_bits` (opt level 0, per function).
pub fn pass_with_bits(target_bits: u16) -> Pass {
    Pass::prim_func("tir.NarrowDataType", 0, move |f, _| Ok(narrow_datatype(f, target_bits)?))
}

/// The pass as the default pipeline runs it: `tir.NarrowDataType(32)`.
pub fn pass() -> Pass {
    pass_with_bits(32)
}

/// The identity of an expression node, for decisions about a node rather than its value.
fn node_key(e: &PrimExpr) -> usize {
    std::ptr::from_ref(e.expr()) as usize
}

/// The narrowed dtypes decided in step 1.
#[derive(Default)]
struct Decisions {
    /// Loop, block, thread and reduction variables.
    vars: HashMap<Var, DataType>,
    /// Integer constants and casts by node identity, with the node's original dtype.
    nodes: HashMap<usize, (DataType, DataType)>,
}

impl Decisions {
    fn var(&self, var: &Var) -> Option<DataType> {
        self.vars.get(var).copied()
    }
    fn node(&self, e: &PrimExpr) -> Option<DataType> {
        self.nodes.get(&node_key(e)).map(|(_, narrow)| *narrow)
    }
}

struct Decider {
    analyzer: Analyzer,
    /// The width in force for the expression being visited.
    bits: u16,
    target_bits: u16,
    /// The extent dtype of each variable that may be narrowed.
    extent_dtype: HashMap<Var, DataType>,
    decisions: Decisions,
}

impl Decider {
    fn bind(&mut self, var: &Var, min: &PrimExpr, extent: &PrimExpr) {
        self.analyzer.bind(var, &Range::new(min.clone(), extent.clone()));
        self.extent_dtype.insert(var.clone(), extent.dtype());
    }

    fn fits_target(&mut self, e: &PrimExpr) -> bool {
        if e.dtype().bits <= self.target_bits {
            return true;
        }
        let bound = self.analyzer.const_int_bound(e);
        let max = (1i64 << (self.target_bits - 1)) - 1;
        bound.max <= max && bound.min >= -max - 1
    }

    fn stmt(&mut self, s: &Stmt) {
        match s.node() {
            StmtNode::For(f) => self.bind(&f.loop_var, &f.min, &f.extent),
            StmtNode::Block(block) => self.bind_block(block),
            StmtNode::BlockRealize(r) => self.bind_block(&r.block),
            StmtNode::AttrStmt { node: AttrValue::IterVar(iv), attr_key, value, .. }
                if attr_key == "thread_extent" || attr_key == "virtual_thread" =>
            {
                let zero = PrimExpr::int(0, value.dtype());
                self.bind(&iv.var, &zero, value);
            }
            _ => {}
        }
        let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
        stmt_parts(s, &mut stmts, &mut exprs);
        for e in exprs {
            self.expr(e);
        }
        for child in stmts {
            self.stmt(child);
        }
    }

    fn bind_block(&mut self, block: &crate::ir::Block) {
        for iv in &block.iter_vars {
            if let Some(dom) = &iv.dom {
                self.bind(&iv.var, &dom.min, &dom.extent);
            }
        }
    }

    fn expr(&mut self, e: &PrimExpr) {
        if !e.dtype().is_int() {
            self.node(e);
            return;
        }
        let bits = if self.fits_target(e) { self.target_bits } else { 64 };
        let saved = self.bits;
        self.bits = saved.max(bits);
        self.node(e);
        self.bits = saved;
    }

    /// Records the decision for `e` itself and visits its children.
    fn node(&mut self, e: &PrimExpr) {
        match e.expr() {
            Expr::BufferLoad { indices, .. } => {
                let saved = std::mem::replace(&mut self.bits, self.target_bits);
                for index in indices {
                    self.expr(index);
                }
                self.bits = saved;
                return;
            }
            Expr::Reduce { axis, .. } => {
                for iv in axis {
                    if let Some(dom) = &iv.dom {
                        self.bind(&iv.var, &dom.min, &dom.extent);
                    }
                }
            }
            Expr::Var(v) => {
                if let Some(extent) = self.extent_dtype.get(v) {
                    // Only narrow, never widen: the width is at most the extent's.
                    let bits = extent.bits.min(self.bits);
                    self.decisions
                        .vars
                        .entry(v.clone())
                        .and_modify(|d| d.bits = d.bits.max(bits))
                        .or_insert(DataType { bits, ..v.dtype() });
                }
            }
            Expr::IntImm(_) | Expr::Cast(_) if e.dtype().is_int() => {
                let dtype = e.dtype();
                let bits = dtype.bits.min(self.bits);
                self.decisions
                    .nodes
                    .entry(node_key(e))
                    .and_modify(|(_, d)| d.bits = d.bits.max(bits))
                    .or_insert((dtype, DataType { bits, ..dtype }));
            }
            _ => {}
        }
        let mut children = Vec::new();
        expr_children(e, &mut children);
        for child in children {
            self.expr(child);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::IRModule;
    use crate::print::{PrintOptions, print_script};

    fn narrowed(source: &str, bits: u16) -> Result<String, IrError> {
        let parsed = crate::eval::parse_script("test.tir", source);
        let module: IRModule = parsed.module.expect("the test program parses");
        let mut out = module.clone();
        for (gv, func) in module.functions() {
            out.update(gv, narrow_datatype((**func).clone(), bits)?)?;
        }
        Ok(print_script(&out, true, &PrintOptions::default()))
    }

    const SMALL_LOOP: &str = "# from tvm.script import tir as T\n\n@T.prim_func\n\
        def main(A: T.Buffer((64,), \"float32\")):\n\
        \x20   for i in range(32):\n\
        \x20       A[i * 2] = T.float32(1.0)\n";

    #[test]
    fn other_widths_narrow_the_same_way() {
        // int32 indices whose values fit in 16 bits become int16 with a 16-bit target.
        let out = narrowed(SMALL_LOOP, 16).unwrap();
        assert!(out.contains("for i in range(T.int16(32)):"), "{out}");
        assert!(out.contains("A[i * T.int16(2)]"), "{out}");
        // With the default 32-bit target an int32 program is unchanged.
        assert!(narrowed(SMALL_LOOP, 32).unwrap().contains("for i in range(32):"));
    }

    #[test]
    fn a_value_too_wide_for_the_target_keeps_the_loop_width() {
        // 32 * 2048 does not fit in 16 bits, so `i` stays int32 under a 16-bit target.
        let wide = SMALL_LOOP.replace("(64,)", "(65536,)").replace("i * 2", "i * 2048");
        let out = narrowed(&wide, 16).unwrap();
        assert!(out.contains("for i in range(32):"), "{out}");
    }

    #[test]
    fn bad_target_widths_are_errors() {
        assert!(narrowed(SMALL_LOOP, 0).is_err());
        assert!(narrowed(SMALL_LOOP, 65).is_err());
    }
}

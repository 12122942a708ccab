//! VectorizeLoop (TVM v0.23 `tir.VectorizeLoop`): turns `T.vectorized` loops into vector code.
//!
//! A vectorized loop (min 0, constant extent `n >= 1`) disappears: its body is rewritten with the
//! loop var replaced by `T.Ramp(0, 1, n)`, and every expression that depends on it widened to `n`
//! lanes, as TVM's Halide-derived `Vectorizer` does:
//! - `a + b`, `a - b` with one scalar side and one ramp fold into a ramp; `a * b` with a ramp and a
//!   provably positive scalar scales the ramp; other binary operators, comparisons, `and`/`or`,
//!   `select` and casts broadcast their scalar operands to the widest operand;
//! - loads and stores take the widened indices (a store broadcasts its value or last index to the
//!   total lane count); vectorizable intrinsics (`exp`, `sqrt`, `fma`, bitwise ops, ...) widen their
//!   arguments; any other call whose arguments become vectors makes its statement scalarized;
//! - a statement that cannot be vectorized (a vector `if` condition, a vector `if_then_else`
//!   condition, a non-vectorizable call, a vector loop extent) is *scalarized*: wrapped in a serial
//!   loop over a fresh var `<name>.s` that replaces the loop var;
//! - an `Allocate` inside the loop gets one copy per lane: its last extent is multiplied by `n` and
//!   its accesses become `index * n + lane`.
//!
//! With `tir.disable_vectorize`, vectorized loops become serial loops instead (TVM's
//! `VectorizeSkipper`). Buffer-level predication (`tir.enable_buffer_level_predication`, for
//! scalable-vector targets) is not applied: it is off by default for fixed-length CPU targets.
//! Divergence from TVM v0.23: a vectorized loop whose body contains `break` or `continue` (in an
//! inner loop; AnnotateIrregularLoop rejects a vectorized loop that jumps itself) becomes a
//! serial loop. TVM vectorizes around the inner loop and scalarizes only the `if` holding the
//! jump, so the jump then leaves the per-lane loop instead of the loop it was written in.
//! Invariants: the output never contains a `Vectorized` loop made by this pass; nodes that do not
//! depend on the loop var are returned unchanged (shared).

mod alloc_access;
mod exprs;
pub mod lanes;

use std::collections::HashMap;

use super::annotate_irregular_loop::contains_jump;
use super::block_lowering_util::{map_stmt_exprs, map_stmt_tree_exprs};
use crate::arith::{Analyzer, ops};
use crate::ir::mutate::{map_stmt_children, substitute};
use crate::ir::{
    Annotations, Buffer, Expr, For, ForKind, IrError, PrimExpr, PrimFunc, Stmt, StmtNode, Var,
};
use crate::transform::pass::Pass;

use self::alloc_access::VecAllocAccess;
use self::lanes::lanes;
pub use self::lanes::{broadcast_to, make_ramp};

/// Vectorizes (or, when `enable` is false, serializes) every vectorized loop of `func`.
pub fn vectorize_loop(func: PrimFunc, enable: bool) -> Result<PrimFunc, IrError> {
    let body = if enable { find_loops(&func.body)? } else { skip(&func.body)? };
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.VectorizeLoop` (opt level 0); `tir.disable_vectorize` turns it into serializing.
pub fn pass() -> Pass {
    Pass::prim_func("tir.VectorizeLoop", 0, |f, ctx| {
        Ok(vectorize_loop(f, !ctx.config_bool("tir.disable_vectorize"))?)
    })
}

/// TVM's `LoopVectorizer`: finds vectorized loops and rewrites their bodies.
fn find_loops(s: &Stmt) -> Result<Stmt, IrError> {
    if let StmtNode::For(l) = s.node()
        && l.kind == ForKind::Vectorized
    {
        let lanes = match l.extent.as_int() {
            Some(n) if n >= 1 => n,
            _ => {
                return Err(IrError::invalid(format!(
                    "failed to vectorize loop `{}`: its extent is not a positive constant",
                    l.loop_var.name()
                )));
            }
        };
        if l.min.as_int() != Some(0) {
            return Err(IrError::invalid(format!(
                "failed to vectorize loop `{}`: its min is not zero",
                l.loop_var.name()
            )));
        }
        if l.step.as_ref().is_some_and(|s| s.as_int() != Some(1)) {
            // TVM's CanonicalizeLoop removes steps before this pass; the vectorizer assumes none.
            return Err(IrError::invalid(format!(
                "failed to vectorize loop `{}`: it has a step (run CanonicalizeLoop first)",
                l.loop_var.name()
            )));
        }
        if contains_jump(&l.body) {
            // Lanes may leave a loop at different iterations, which one vector loop cannot do:
            // the loop stays serial (see the module docs).
            let body = find_loops(&l.body)?;
            return Ok(Stmt::from(For {
                kind: ForKind::Serial,
                body,
                thread_binding: None,
                annotations: Annotations::new(),
                ..l.clone()
            }));
        }
        let lanes = u16::try_from(lanes)
            .map_err(|_| IrError::invalid(format!("vector of {lanes} lanes is too wide")))?;
        let mut v = Vectorizer::new(l.loop_var.clone(), lanes);
        return v.stmt(&l.body);
    }
    map_stmt_children(s, &mut find_loops)
}

/// TVM's `VectorizeSkipper`: vectorized loops become plain serial loops (annotations dropped).
fn skip(s: &Stmt) -> Result<Stmt, IrError> {
    let s = map_stmt_children(s, &mut skip)?;
    if let StmtNode::For(l) = s.node()
        && l.kind == ForKind::Vectorized
    {
        return Ok(Stmt::from(For {
            kind: ForKind::Serial,
            thread_binding: None,
            annotations: Annotations::new(),
            step: None,
            ..l.clone()
        }));
    }
    Ok(s)
}

/// The intrinsics TVM marks `TVectorizable`.
fn is_vectorizable_op(name: &str) -> bool {
    matches!(
        name,
        "pow"
            | "fabs"
            | "floor"
            | "ceil"
            | "round"
            | "trunc"
            | "exp"
            | "exp2"
            | "exp10"
            | "tanh"
            | "sigmoid"
            | "sqrt"
            | "log"
            | "log2"
            | "log10"
            | "tan"
            | "cos"
            | "cosh"
            | "sin"
            | "sinh"
            | "likely"
            | "bitwise_and"
            | "bitwise_or"
            | "bitwise_xor"
            | "bitwise_not"
            | "shift_left"
            | "shift_right"
            | "q_multiply_shift"
            | "q_multiply_shift_per_axis"
            | "popcount"
            | "fma"
            | "call_llvm_pure_intrin"
    )
}

struct Vectorizer {
    var: Var,
    var_lanes: u16,
    ramp: PrimExpr,
    need_scalarize: bool,
    let_binding: HashMap<Var, PrimExpr>,
    analyzer: Analyzer,
}

impl Vectorizer {
    fn new(var: Var, var_lanes: u16) -> Vectorizer {
        let dtype = var.dtype();
        let ramp = PrimExpr::new(
            dtype.with_lanes(var_lanes),
            Expr::Ramp {
                base: PrimExpr::int(0, dtype),
                stride: PrimExpr::int(1, dtype),
                lanes: PrimExpr::i32(i32::from(var_lanes)),
            },
        );
        Vectorizer {
            var,
            var_lanes,
            // The ramp of the loop var is well typed by construction; fall back to the var.
            ramp: ramp.unwrap_or_else(|_| PrimExpr::i32(0)),
            need_scalarize: false,
            let_binding: HashMap::new(),
            analyzer: Analyzer::new(),
        }
    }

    // ---- statements ----

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let ret = self.stmt_node(s)?;
        if self.need_scalarize {
            self.need_scalarize = false;
            return self.scalarize(s);
        }
        Ok(ret)
    }

    /// Wraps `s` in a serial loop over a fresh lane var that replaces the vectorized var.
    fn scalarize(&self, s: &Stmt) -> Result<Stmt, IrError> {
        let idx = Var::new(format!("{}.s", self.var.name()), self.var.dtype());
        let map = HashMap::from([(self.var.clone(), PrimExpr::var(&idx))]);
        let body = map_stmt_tree_exprs(s, &mut |e| Ok(substitute(e, &map)))?;
        Ok(Stmt::from(For {
            loop_var: idx,
            min: PrimExpr::int(0, self.var.dtype()),
            extent: PrimExpr::int(i64::from(self.var_lanes), self.var.dtype()),
            kind: ForKind::Serial,
            body,
            thread_binding: None,
            annotations: Annotations::new(),
            step: None,
        }))
    }

    fn stmt_node(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                self.store(s, buffer, value, indices, predicate)
            }
            StmtNode::For(l) => {
                if l.min.as_int() != Some(0) {
                    return Err(IrError::invalid(format!(
                        "a loop inside a vectorized loop must start at 0 (loop `{}`)",
                        l.loop_var.name()
                    )));
                }
                let extent = self.expr(&l.extent)?;
                if extent.dtype().is_vector() {
                    return self.scalarize(s);
                }
                let body = self.stmt(&l.body)?;
                if extent.ptr_eq(&l.extent) && body.ptr_eq(&l.body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::from(For { extent, body, ..l.clone() }))
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                let cond = self.expr(condition)?;
                let cond_need_scalarize = std::mem::take(&mut self.need_scalarize);
                let then_new = self.stmt(then_case)?;
                let else_new = else_case.as_ref().map(|e| self.stmt(e)).transpose()?;
                if cond_need_scalarize || cond.dtype().is_vector() {
                    return self.scalarize(s);
                }
                let same_else = match (&else_new, else_case) {
                    (Some(a), Some(b)) => a.ptr_eq(b),
                    (None, None) => true,
                    _ => false,
                };
                if cond.ptr_eq(condition) && then_new.ptr_eq(then_case) && same_else {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::IfThenElse {
                    condition: cond,
                    then_case: then_new,
                    else_case: else_new,
                }))
            }
            StmtNode::While { .. } => {
                Err(IrError::invalid("a while loop inside a vectorized loop is not supported"))
            }
            StmtNode::LetStmt { var, value, body } => {
                let new_value = self.expr(value)?;
                // TVM scalarizes here but drops the result; the flag is simply reset.
                self.need_scalarize = false;
                if self.let_binding.contains_key(var) {
                    return Err(IrError::invalid(format!(
                        "SSA violation: `{}` is bound twice inside a vectorized loop",
                        var.name()
                    )));
                }
                if new_value.dtype().lanes != value.dtype().lanes {
                    let new_var = Var::new(var.name(), new_value.dtype());
                    self.let_binding.insert(var.clone(), PrimExpr::var(&new_var));
                    let body = self.stmt(body)?;
                    return Ok(Stmt::new(StmtNode::LetStmt {
                        var: new_var,
                        value: new_value,
                        body,
                    }));
                }
                self.let_binding.insert(var.clone(), PrimExpr::var(var));
                let new_body = self.stmt(body)?;
                if new_value.ptr_eq(value) && new_body.ptr_eq(body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::LetStmt {
                    var: var.clone(),
                    value: new_value,
                    body: new_body,
                }))
            }
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, .. } => {
                let cond = self.expr(condition)?;
                if cond.dtype().is_vector() {
                    return self.scalarize(s);
                }
                let mut new_extents = Vec::with_capacity(extents.len());
                for e in extents {
                    let n = self.expr(e)?;
                    if n.dtype().is_vector() {
                        return self.scalarize(s);
                    }
                    new_extents.push(n);
                }
                if let Some(last) = new_extents.last_mut() {
                    let lanes = PrimExpr::int(i64::from(self.var_lanes), last.dtype());
                    *last = ops::mul(last.clone(), lanes)?;
                }
                let mut access = VecAllocAccess {
                    buffer_var: buffer_var.clone(),
                    var: self.var.clone(),
                    var_lanes: self.var_lanes,
                    remapped: HashMap::new(),
                    analyzer: Analyzer::new(),
                };
                let body = access.stmt(body)?;
                let body = self.stmt(&body)?;
                Ok(Stmt::new(StmtNode::Allocate {
                    buffer_var: buffer_var.clone(),
                    dtype: *dtype,
                    extents: new_extents,
                    condition: cond,
                    body,
                    annotations: Annotations::new(),
                }))
            }
            StmtNode::SeqStmt(seq) => {
                // As TVM's StmtMutator: sequences come back flattened, without `evaluate(0)`.
                let items = seq.iter().map(|c| self.stmt(c)).collect::<Result<Vec<_>, _>>()?;
                Ok(super::unroll_loop::flatten_seq(items))
            }
            _ => {
                // Other statements: children, then the expressions they hold (TVM's StmtMutator
                // with the vectorizing expression visitor).
                let with_children = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&with_children, &mut |e| self.expr(e))
            }
        }
    }

    fn store(
        &mut self,
        s: &Stmt,
        buffer: &Buffer,
        value: &PrimExpr,
        indices: &[PrimExpr],
        predicate: &Option<PrimExpr>,
    ) -> Result<Stmt, IrError> {
        let mut new_indices = Vec::with_capacity(indices.len());
        let mut changed = false;
        for i in indices {
            let n = self.expr(i)?;
            changed |= !n.ptr_eq(i);
            new_indices.push(n);
        }
        let new_value = self.expr(value)?;
        if !changed && new_value.ptr_eq(value) {
            return Ok(s.clone());
        }
        let Some((last, rest)) = new_indices.split_last_mut() else {
            return Ok(s.clone());
        };
        let mut other_lanes = u32::from(buffer.dtype().fixed_lanes().unwrap_or(1));
        for i in rest.iter() {
            other_lanes *= u32::from(lanes(i)?);
        }
        let index_lanes = other_lanes * u32::from(lanes(last)?);
        let total = index_lanes.max(u32::from(lanes(&new_value)?));
        if total % other_lanes != 0 {
            return Err(IrError::invalid(format!(
                "when storing to buffer `{}`, cannot produce {total} lanes of storage location by \
                 changing the last index",
                buffer.name()
            )));
        }
        let to_u16 = |n: u32| u16::try_from(n).map_err(|_| IrError::invalid("vector too wide"));
        *last = broadcast_to(last.clone(), to_u16(total / other_lanes)?)?;
        let new_value = broadcast_to(new_value, to_u16(total)?)?;
        Ok(Stmt::new(StmtNode::BufferStore {
            buffer: buffer.clone(),
            value: new_value,
            indices: new_indices,
            predicate: predicate.clone(),
        }))
    }
}

//! The rewriting of one virtual thread's body (TVM's `VTInjector`).
//!
//! The body is walked in order with three flags, as TVM does:
//! - `visit_touched`: the expressions just visited use a touched variable (or a touched buffer);
//! - `trigger_base_inject`: a store or evaluate was visited while sharing is not allowed
//!   (`cthread`-style threads: every statement with an effect runs once per thread);
//! - `injected`: we are inside a statement already being expanded.
//!
//! A statement whose own expressions (loop extent, `let` value, `if` condition, allocation
//! extents, attribute value) are touched is expanded whole; otherwise its children are visited
//! and a touched store or evaluate is expanded where it stands. Expanding a statement copies it
//! once per thread with the thread var replaced by `0, 1, ...` when no loop was visited inside it
//! and there are fewer than 16 threads; otherwise it is wrapped in a serial loop over a new var
//! `<thread>.s`. Each allocation that is touched (or any allocation, when sharing is not allowed)
//! gets one copy per thread: its extent is multiplied by the thread count and each access
//! `B[i]` becomes `B[i + thread * extent]` (simplified) on a buffer of the larger shape. The
//! rebuilt allocation loses its annotations, as TVM's.
//!
//! Errors where TVM stops: a `while` loop, a loop that does not start at zero, a multi-dimensional
//! allocation or access to expand, a use of an expanded allocation's address outside an access.
//! Where TVM's internal checks would abort (an attribute or assertion whose value is touched
//! inside a statement already being expanded), the statement is kept as it is inside the copy,
//! which is what the expansion means.

use std::collections::{HashMap, HashSet};

use crate::arith::{Analyzer, ops};
use crate::ir::mutate::{map_expr_children, substitute};
use crate::ir::{
    Annotations, BinaryOp, Buffer, BufferNode, Callee, Expr, For, ForKind, IrError, PrimExpr, Stmt,
    StmtNode, Var,
};
use crate::transform::block_lowering_util::map_stmt_tree_exprs;

use super::touched::access_ptr_buffer;

/// Threads below this count are unrolled when no loop is inside the expanded statement.
const MAX_UNROLLED_THREADS: i64 = 16;

pub(super) struct Injector<'a> {
    pub analyzer: &'a mut Analyzer,
    /// The virtual thread var.
    pub thread: Var,
    pub num_threads: i64,
    pub touched: HashSet<Var>,
    /// Whether threads may share buffers they only read (`vthread*` tags).
    pub allow_share: bool,
    injected: bool,
    visit_touched: bool,
    trigger_base_inject: bool,
    /// Loops visited in the current statement, as TVM's `max_loop_depth_`.
    max_loop_depth: i64,
    /// Expanded allocations: data var to the original extent.
    alloc_remap: HashMap<Var, PrimExpr>,
    /// Buffers on expanded allocations, by original buffer id.
    buffer_remap: HashMap<u64, Buffer>,
}

impl<'a> Injector<'a> {
    pub fn new(
        analyzer: &'a mut Analyzer,
        thread: Var,
        num_threads: i64,
        touched: HashSet<Var>,
        allow_share: bool,
    ) -> Injector<'a> {
        Injector {
            analyzer,
            thread,
            num_threads,
            touched,
            allow_share,
            injected: false,
            visit_touched: false,
            trigger_base_inject: false,
            max_loop_depth: 0,
            alloc_remap: HashMap::new(),
            buffer_remap: HashMap::new(),
        }
    }

    /// Visits a statement, expanding it when it is touched and nothing around it is expanded.
    pub fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        // TVM checks that the flag is clear here; every caller below clears it first.
        self.visit_touched = false;
        let out = self.dispatch(s)?;
        if self.visit_touched || self.trigger_base_inject {
            if !self.injected {
                return self.inject(out, false);
            }
            self.visit_touched = false;
            self.trigger_base_inject = false;
        }
        Ok(out)
    }

    fn dispatch(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::Evaluate(value) => {
                self.trigger_base_inject = !self.allow_share;
                let value = self.expr(value)?;
                Ok(Stmt::evaluate(value))
            }
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let value = self.expr(value)?;
                let indices = self.exprs(indices)?;
                let predicate = predicate.as_ref().map(|p| self.expr(p)).transpose()?;
                self.trigger_base_inject = !self.allow_share;
                let (buffer, indices) = self.buffer_access(buffer, indices)?;
                Ok(Stmt::new(StmtNode::BufferStore { buffer, value, indices, predicate }))
            }
            StmtNode::AttrStmt { node, attr_key, value, body } => {
                let value = self.expr(value)?;
                let coproc = matches!(attr_key.as_str(), "coproc_uop_scope" | "coproc_scope");
                if !self.injected && (self.visit_touched || (!self.allow_share && coproc)) {
                    return self.inject(s.clone(), true);
                }
                let body = self.stmt(body)?;
                Ok(Stmt::new(StmtNode::AttrStmt {
                    node: node.clone(),
                    attr_key: attr_key.clone(),
                    value,
                    body,
                }))
            }
            StmtNode::LetStmt { var, value, body } => {
                let value = self.expr(value)?;
                if self.visit_touched && !self.injected {
                    return self.inject(s.clone(), true);
                }
                let body = self.stmt(body)?;
                Ok(Stmt::new(StmtNode::LetStmt { var: var.clone(), value, body }))
            }
            StmtNode::AssertStmt { condition, message, body } => {
                let condition = self.expr(condition)?;
                let message = self.expr(message)?;
                if self.visit_touched && !self.injected {
                    return self.inject(s.clone(), true);
                }
                let body = self.stmt(body)?;
                Ok(Stmt::new(StmtNode::AssertStmt { condition, message, body }))
            }
            StmtNode::For(l) => {
                if l.min.as_int() != Some(0) {
                    return Err(IrError::invalid(format!(
                        "InjectVirtualThread expects loop `{}` to start at zero",
                        l.loop_var.name()
                    )));
                }
                let extent = self.expr(&l.extent)?;
                if self.visit_touched && !self.injected {
                    let out = self.inject(s.clone(), true)?;
                    self.max_loop_depth += 1;
                    return Ok(out);
                }
                let body = self.stmt(&l.body)?;
                self.max_loop_depth += 1;
                Ok(Stmt::from(For { extent, body, ..l.clone() }))
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                let condition = self.expr(condition)?;
                if self.visit_touched && !self.injected {
                    return self.inject(s.clone(), true);
                }
                self.expect_no_loop_visited()?;
                let then_case = self.stmt(then_case)?;
                let else_case = match else_case {
                    Some(e) => {
                        let outer = self.max_loop_depth;
                        self.max_loop_depth = 0;
                        let e = self.stmt(e)?;
                        self.max_loop_depth = self.max_loop_depth.max(outer);
                        Some(e)
                    }
                    None => None,
                };
                Ok(Stmt::new(StmtNode::IfThenElse { condition, then_case, else_case }))
            }
            StmtNode::While { .. } => {
                Err(IrError::invalid("WhileNode in InjectVirtualThread not supported yet"))
            }
            StmtNode::SeqStmt(seq) => {
                self.expect_no_loop_visited()?;
                let mut out = Vec::with_capacity(seq.len());
                for child in seq {
                    let outer = self.max_loop_depth;
                    self.max_loop_depth = 0;
                    out.push(self.stmt(child)?);
                    self.max_loop_depth = self.max_loop_depth.max(outer);
                }
                Ok(Stmt::seq(out))
            }
            StmtNode::Allocate {
                buffer_var,
                dtype,
                extents,
                condition: old,
                body,
                annotations,
            } => {
                let condition = self.expr(old)?;
                let mut new_extents = self.exprs(extents)?;
                if self.visit_touched && !self.injected {
                    return self.inject(s.clone(), true);
                }
                self.visit_touched = false;
                let expanded = self.touched.contains(buffer_var) || !self.allow_share;
                if expanded {
                    let [stride] = new_extents.as_slice() else {
                        return Err(IrError::invalid(
                            "InjectVirtualThread expects rewritten allocations to be flat memory.",
                        ));
                    };
                    let stride = stride.clone();
                    let count = PrimExpr::int(self.num_threads, stride.dtype());
                    new_extents = vec![ops::mul(stride.clone(), count)?];
                    self.alloc_remap.insert(buffer_var.clone(), stride);
                }
                let new_body = self.stmt(body)?;
                let unchanged = !expanded
                    && new_body.ptr_eq(body)
                    && condition.ptr_eq(old)
                    && new_extents.iter().zip(extents).all(|(a, b)| a.ptr_eq(b));
                if unchanged {
                    return Ok(s.clone());
                }
                // TVM rebuilds a changed allocation without its annotations.
                let _dropped = annotations;
                Ok(Stmt::new(StmtNode::Allocate {
                    buffer_var: buffer_var.clone(),
                    dtype: *dtype,
                    extents: new_extents,
                    condition,
                    body: new_body,
                    annotations: Annotations::new(),
                }))
            }
            StmtNode::AllocateConst { body, .. } | StmtNode::DeclBuffer { body, .. } => {
                // TVM leaves a declared buffer as it is and only visits the body.
                let new_body = self.stmt(body)?;
                crate::ir::mutate::map_stmt_children(s, &mut |_| Ok(new_body.clone()))
            }
            StmtNode::BufferRealize { .. } | StmtNode::Block(_) | StmtNode::BlockRealize(_) => {
                Err(IrError::invalid(
                    "InjectVirtualThread runs on lowered TIR: blocks and realizations must be \
                     lowered first",
                ))
            }
        }
    }

    fn expect_no_loop_visited(&self) -> Result<(), IrError> {
        if self.max_loop_depth != 0 {
            return Err(IrError::invalid(
                "InjectVirtualThread: a statement follows a loop outside a sequence",
            ));
        }
        Ok(())
    }

    /// Copies `stmt` once per thread (or loops over the threads); `before_mutation` says `stmt`
    /// is still to be visited.
    fn inject(&mut self, stmt: Stmt, before_mutation: bool) -> Result<Stmt, IrError> {
        self.visit_touched = false;
        self.trigger_base_inject = false;
        self.injected = true;
        let visited = if before_mutation { self.stmt(&stmt) } else { Ok(stmt) };
        self.injected = false;
        self.visit_touched = false;
        let stmt = visited?;
        let dtype = self.thread.dtype();
        if self.max_loop_depth == 0 && self.num_threads < MAX_UNROLLED_THREADS {
            let mut copies = Vec::new();
            for i in 0..self.num_threads {
                let map = HashMap::from([(self.thread.clone(), PrimExpr::int(i, dtype))]);
                copies.push(map_stmt_tree_exprs(&stmt, &mut |e| Ok(substitute(e, &map)))?);
            }
            return Ok(Stmt::seq(copies));
        }
        let index = Var::new(format!("{}.s", self.thread.name()), dtype);
        let map = HashMap::from([(self.thread.clone(), PrimExpr::var(&index))]);
        let body = map_stmt_tree_exprs(&stmt, &mut |e| Ok(substitute(e, &map)))?;
        Ok(Stmt::from(For {
            loop_var: index,
            min: PrimExpr::int(0, dtype),
            extent: PrimExpr::int(self.num_threads, dtype),
            kind: ForKind::Serial,
            body,
            thread_binding: None,
            annotations: Annotations::new(),
            step: None,
        }))
    }

    fn exprs(&mut self, es: &[PrimExpr]) -> Result<Vec<PrimExpr>, IrError> {
        es.iter().map(|e| self.expr(e)).collect()
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        match e.expr() {
            Expr::Var(v) => {
                if self.alloc_remap.contains_key(v) {
                    return Err(IrError::invalid(format!(
                        "Buffer address may get rewritten in virtual thread: `{}` is used \
                         outside a load or store",
                        v.name()
                    )));
                }
                if self.touched.contains(v) {
                    self.visit_touched = true;
                }
                Ok(e.clone())
            }
            Expr::BufferLoad { buffer, indices, predicate } => {
                let indices = self.exprs(indices)?;
                let predicate = predicate.as_ref().map(|p| self.expr(p)).transpose()?;
                let (buffer, indices) = self.buffer_access(buffer, indices)?;
                PrimExpr::new(e.dtype(), Expr::BufferLoad { buffer, indices, predicate })
            }
            Expr::Call { op: Callee::Op(op), args } if op.name() == "tvm_access_ptr" => {
                let (data, _) = access_ptr_buffer(args)?;
                let Some(extent) = self.alloc_remap.get(&data).cloned() else {
                    return map_expr_children(e, &mut |c| self.expr(c));
                };
                self.visit_touched = true;
                let offset = self.expr(&args[2])?;
                let size = self.expr(&args[3])?;
                let lanes = PrimExpr::int(
                    i64::from(args[0].dtype().fixed_lanes().unwrap_or(1)),
                    offset.dtype(),
                );
                // TVM's `/`: truncating division, folded on constants.
                let stride = ops::binary(BinaryOp::Div, extent, lanes)?;
                let offset = self.shifted_index(offset, stride)?;
                let new_args =
                    vec![args[0].clone(), args[1].clone(), offset, size, args[4].clone()];
                PrimExpr::new(e.dtype(), Expr::Call { op: Callee::Op(*op), args: new_args })
            }
            Expr::Call { op: Callee::Op(op), .. } if op.name() == "tvm_context_id" => {
                Ok(if self.allow_share { e.clone() } else { PrimExpr::var(&self.thread) })
            }
            _ => map_expr_children(e, &mut |c| self.expr(c)),
        }
    }

    /// Marks a touched buffer and moves an access to an expanded allocation into the thread's
    /// copy.
    fn buffer_access(
        &mut self,
        buffer: &Buffer,
        indices: Vec<PrimExpr>,
    ) -> Result<(Buffer, Vec<PrimExpr>), IrError> {
        if self.touched.contains(buffer.data()) {
            self.visit_touched = true;
        }
        let Some(extent) = self.alloc_remap.get(buffer.data()).cloned() else {
            return Ok((buffer.clone(), indices));
        };
        let [index] = indices.as_slice() else {
            return Err(IrError::invalid(
                "InjectVirtualThread expects rewritten allocations to be flat memory.",
            ));
        };
        let index = self.shifted_index(index.clone(), extent.clone())?;
        Ok((self.expanded_buffer(buffer, &extent)?, vec![index]))
    }

    /// `index + thread * extent`, simplified.
    fn shifted_index(&mut self, index: PrimExpr, extent: PrimExpr) -> Result<PrimExpr, IrError> {
        let shift = ops::mul(PrimExpr::var(&self.thread), extent)?;
        Ok(self.analyzer.simplify(&ops::add(index, shift)?))
    }

    /// The buffer over an expanded allocation: its one dimension reaches the last thread's copy,
    /// `dim + extent * (threads - 1)` (the new allocation extent when `dim` is the extent).
    ///
    /// Divergence from TVM v0.23, which makes it `dim * extent`: a shape that is smaller than the
    /// allocation when there are more threads than elements (accesses of the last threads then
    /// fall outside the declared buffer) and larger otherwise.
    fn expanded_buffer(&mut self, buffer: &Buffer, extent: &PrimExpr) -> Result<Buffer, IrError> {
        if let Some(b) = self.buffer_remap.get(&buffer.id()) {
            return Ok(b.clone());
        }
        let node = buffer.node();
        let [dim] = node.shape.as_slice() else {
            return Err(IrError::invalid(
                "Expected buffers being rewritten to already be flattened.",
            ));
        };
        let expanded = Buffer::new(BufferNode {
            shape: vec![self.expanded_dim(dim, extent)?],
            ..node.clone()
        });
        self.buffer_remap.insert(buffer.id(), expanded.clone());
        Ok(expanded)
    }

    fn expanded_dim(&mut self, dim: &PrimExpr, extent: &PrimExpr) -> Result<PrimExpr, IrError> {
        let same = dim.ptr_eq(extent) || self.analyzer.can_prove_equal(dim, extent);
        if same {
            return ops::mul(dim.clone(), PrimExpr::int(self.num_threads, dim.dtype()));
        }
        let others = PrimExpr::int(self.num_threads - 1, extent.dtype());
        ops::add(dim.clone(), ops::mul(extent.clone(), others)?)
    }
}

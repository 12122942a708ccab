//! Simplify (TVM v0.23 `tir.Simplify`, `src/tir/transforms/simplify.cc`): simplifies every
//! expression of a function with an `Analyzer` that knows the scope it is in.
//!
//! The walk follows TVM's `StmtSimplifier` over `IRMutatorWithAnalyzer`:
//! - buffer-map shapes are marked non-negative; loop vars are bound to their range (and
//!   `min <= v < min + extent` holds inside the loop); block iter vars to their domain;
//!   `thread_extent` / `virtual_thread` vars to `[0, value)`;
//! - a `LetStmt` whose value is a constant, a var or a pure integer expression is inlined (the
//!   analyzer substitutes it) and the binding dropped unless a buffer definition uses the var;
//! - an `if` whose condition is provably true or false is replaced by the taken branch (a missing
//!   else branch becomes `T.evaluate(0)`); otherwise each branch is simplified under its condition;
//! - `assert` bodies are simplified under the asserted condition;
//! - a store of a buffer's own load at the same indices becomes `T.evaluate(0)`.
//!
//! Every expression (indices, values, conditions, extents, regions, block bindings) goes through
//! `Analyzer::simplify`. Buffers themselves (shapes, strides) are left as they are, as in TVM.
//! Invariants: unchanged subtrees keep their identity; sequences are rebuilt without flattening.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::arith::{Analyzer, ops, same_expr};
use crate::ir::mutate::substitute;
use crate::ir::{
    AttrValue, Block, BlockRealize, BufferRegion, CmpOp, Expr, For, IrError, IterVar,
    MatchBufferRegion, PrimExpr, PrimFunc, Range, Stmt, StmtNode, Var,
};

/// Simplifies every expression of `func` (TVM's `tir.Simplify` with its default config).
pub fn simplify_func(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut simplifier = StmtSimplifier {
        analyzer: Analyzer::new(),
        used_in_buffer_def: vars_used_in_buffer_definitions(&func.body),
        non_inlined_bindings: HashMap::new(),
    };
    for (_, buffer) in &func.buffer_map {
        for dim in buffer.shape() {
            simplifier.analyzer.mark_global_non_neg_value(dim);
        }
    }
    let body = simplifier.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.Simplify` (opt level 0, per function), for pipelines.
pub fn pass() -> crate::transform::pass::Pass {
    crate::transform::pass::Pass::prim_func("tir.Simplify", 0, |f, _| Ok(simplify_func(f)?))
}

struct StmtSimplifier {
    analyzer: Analyzer,
    /// Vars that buffer shapes, strides or offsets refer to; their lets must stay.
    used_in_buffer_def: HashSet<Var>,
    /// Pure let values that were not inlined, substituted when proving `if` conditions.
    non_inlined_bindings: HashMap<Var, PrimExpr>,
}

impl StmtSimplifier {
    fn expr(&mut self, e: &PrimExpr) -> PrimExpr {
        let simplified = self.analyzer.simplify(e);
        // Keep the original node when nothing changed, so unchanged subtrees stay shared.
        if same_expr(&simplified, e) { e.clone() } else { simplified }
    }

    fn exprs(&mut self, es: &[PrimExpr]) -> (Vec<PrimExpr>, bool) {
        let mut changed = false;
        let out = es
            .iter()
            .map(|e| {
                let n = self.expr(e);
                changed |= !n.ptr_eq(e);
                n
            })
            .collect();
        (out, changed)
    }

    fn range(&mut self, r: &Range) -> (Range, bool) {
        let (min, extent) = (self.expr(&r.min), self.expr(&r.extent));
        let changed = !min.ptr_eq(&r.min) || !extent.ptr_eq(&r.extent);
        (Range::new(min, extent), changed)
    }

    fn region(&mut self, region: &BufferRegion) -> (BufferRegion, bool) {
        let mut changed = false;
        let ranges = region
            .region
            .iter()
            .map(|r| {
                let (n, c) = self.range(r);
                changed |= c;
                n
            })
            .collect();
        (BufferRegion { buffer: region.buffer.clone(), region: ranges }, changed)
    }

    /// The condition with non-inlined lets substituted and simplified, when it is a constant.
    fn prove_condition(&mut self, condition: &PrimExpr) -> Option<bool> {
        let substituted = substitute(condition, &self.non_inlined_bindings);
        self.analyzer.simplify(&substituted).as_int().map(|v| v != 0)
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::For(l) => self.for_loop(s, l),
            StmtNode::LetStmt { var, value, body } => self.let_stmt(s, var, value, body),
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                self.if_then_else(s, condition, then_case, else_case.as_ref())
            }
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let new_value = self.expr(value);
                let (new_indices, indices_changed) = self.exprs(indices);
                let new_predicate = predicate.as_ref().map(|p| self.expr(p));
                if let Expr::BufferLoad { buffer: loaded, indices: load_indices, .. } =
                    new_value.expr()
                {
                    let same_indices = load_indices.len() == new_indices.len()
                        && load_indices.iter().zip(&new_indices).all(|(a, b)| same_expr(a, b));
                    if loaded.data() == buffer.data()
                        && same_indices
                        && same_buffer_layout(loaded, buffer)
                    {
                        return Ok(Stmt::no_op());
                    }
                }
                let predicate_changed = match (&new_predicate, predicate) {
                    (Some(a), Some(b)) => !a.ptr_eq(b),
                    _ => false,
                };
                if new_value.ptr_eq(value) && !indices_changed && !predicate_changed {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::BufferStore {
                    buffer: buffer.clone(),
                    value: new_value,
                    indices: new_indices,
                    predicate: new_predicate,
                }))
            }
            StmtNode::Evaluate(value) => {
                let v = self.expr(value);
                Ok(if v.ptr_eq(value) { s.clone() } else { Stmt::evaluate(v) })
            }
            StmtNode::SeqStmt(seq) => {
                let mut changed = false;
                let mut out = Vec::with_capacity(seq.len());
                for child in seq {
                    let n = self.stmt(child)?;
                    changed |= !n.ptr_eq(child);
                    out.push(n);
                }
                Ok(if changed { Stmt::new(StmtNode::SeqStmt(out)) } else { s.clone() })
            }
            StmtNode::While { condition, body } => {
                let c = self.expr(condition);
                let b = self.stmt(body)?;
                if c.ptr_eq(condition) && b.ptr_eq(body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::While { condition: c, body: b }))
            }
            StmtNode::AttrStmt { node, attr_key, value, body } => {
                if (attr_key == "thread_extent" || attr_key == "virtual_thread")
                    && let AttrValue::IterVar(iv) = node
                {
                    let dom = Range::new(PrimExpr::int(0, value.dtype()), value.clone());
                    self.analyzer.bind(&iv.var, &dom);
                }
                let v = self.expr(value);
                let b = self.stmt(body)?;
                if v.ptr_eq(value) && b.ptr_eq(body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::AttrStmt {
                    node: node.clone(),
                    attr_key: attr_key.clone(),
                    value: v,
                    body: b,
                }))
            }
            StmtNode::AssertStmt { condition, message, body } => {
                let c = self.expr(condition);
                let m = self.expr(message);
                let b = self.scoped(std::slice::from_ref(&c), body)?;
                if c.ptr_eq(condition) && m.ptr_eq(message) && b.ptr_eq(body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::AssertStmt { condition: c, message: m, body: b }))
            }
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations } => {
                let (e, extents_changed) = self.exprs(extents);
                let c = self.expr(condition);
                let b = self.stmt(body)?;
                if !extents_changed && c.ptr_eq(condition) && b.ptr_eq(body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::Allocate {
                    buffer_var: buffer_var.clone(),
                    dtype: *dtype,
                    extents: e,
                    condition: c,
                    body: b,
                    annotations: annotations.clone(),
                }))
            }
            StmtNode::AllocateConst { extents, .. } => {
                let (e, extents_changed) = self.exprs(extents);
                let rebuilt =
                    crate::ir::mutate::map_stmt_children(s, &mut |child| self.stmt(child))?;
                if !extents_changed {
                    return Ok(rebuilt);
                }
                match rebuilt.node() {
                    StmtNode::AllocateConst {
                        buffer_var,
                        data,
                        irmod_storage_idx,
                        dtype,
                        body,
                        annotations,
                        ..
                    } => Ok(Stmt::new(StmtNode::AllocateConst {
                        buffer_var: buffer_var.clone(),
                        data: data.clone(),
                        irmod_storage_idx: *irmod_storage_idx,
                        dtype: *dtype,
                        extents: e,
                        body: body.clone(),
                        annotations: annotations.clone(),
                    })),
                    _ => Ok(rebuilt),
                }
            }
            StmtNode::BufferRealize { buffer, bounds, condition, body } => {
                let mut changed = false;
                let new_bounds = bounds
                    .iter()
                    .map(|r| {
                        let (n, c) = self.range(r);
                        changed |= c;
                        n
                    })
                    .collect();
                let c = self.expr(condition);
                let b = self.stmt(body)?;
                if !changed && c.ptr_eq(condition) && b.ptr_eq(body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::BufferRealize {
                    buffer: buffer.clone(),
                    bounds: new_bounds,
                    condition: c,
                    body: b,
                }))
            }
            StmtNode::DeclBuffer { .. } => {
                crate::ir::mutate::map_stmt_children(s, &mut |child| self.stmt(child))
            }
            StmtNode::Block(block) => {
                let new_block = self.block(block)?;
                Ok(if Arc::ptr_eq(&new_block, block) {
                    s.clone()
                } else {
                    Stmt::new(StmtNode::Block(new_block))
                })
            }
            StmtNode::BlockRealize(r) => {
                let (values, values_changed) = self.exprs(&r.iter_values);
                let predicate = self.expr(&r.predicate);
                let block = self.block(&r.block)?;
                if !values_changed
                    && predicate.ptr_eq(&r.predicate)
                    && Arc::ptr_eq(&block, &r.block)
                {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::BlockRealize(BlockRealize {
                    iter_values: values,
                    predicate,
                    block,
                })))
            }
        }
    }

    fn for_loop(&mut self, s: &Stmt, l: &For) -> Result<Stmt, IrError> {
        let range = Range::new(l.min.clone(), l.extent.clone());
        self.analyzer.bind(&l.loop_var, &range);
        let var = PrimExpr::var(&l.loop_var);
        let lower = ops::compare(CmpOp::Ge, var.clone(), l.min.clone())?;
        let end = ops::add(l.min.clone(), l.extent.clone())?;
        let upper = ops::compare(CmpOp::Lt, var, end)?;
        let min = self.expr(&l.min);
        let extent = self.expr(&l.extent);
        let step = l.step.as_ref().map(|st| self.expr(st));
        let body = self.scoped(&[lower, upper], &l.body)?;
        let step_changed = match (&step, &l.step) {
            (Some(a), Some(b)) => !a.ptr_eq(b),
            _ => false,
        };
        if min.ptr_eq(&l.min) && extent.ptr_eq(&l.extent) && body.ptr_eq(&l.body) && !step_changed {
            return Ok(s.clone());
        }
        Ok(Stmt::from(For { min, extent, body, step, ..l.clone() }))
    }

    /// Simplifies `body` with every condition of `constraints` known to hold.
    fn scoped(&mut self, constraints: &[PrimExpr], body: &Stmt) -> Result<Stmt, IrError> {
        let Some((first, rest)) = constraints.split_first() else { return self.stmt(body) };
        let mut analyzer = std::mem::take(&mut self.analyzer);
        let result = analyzer.with_constraint(first, |a| {
            std::mem::swap(a, &mut self.analyzer);
            let r = self.scoped(rest, body);
            std::mem::swap(a, &mut self.analyzer);
            r
        });
        self.analyzer = analyzer;
        result
    }

    fn let_stmt(
        &mut self,
        s: &Stmt,
        var: &Var,
        value: &PrimExpr,
        body: &Stmt,
    ) -> Result<Stmt, IrError> {
        let new_value = self.expr(value);
        let pure = crate::arith::pattern::is_pure(value);
        let can_inline = value.as_int().is_some()
            || matches!(value.expr(), Expr::FloatImm(_) | Expr::Var(_))
            || (value.dtype().is_int() && pure);
        if can_inline {
            self.analyzer.bind_value(var, &new_value);
        } else if crate::arith::pattern::is_pure(&new_value) {
            self.non_inlined_bindings.insert(var.clone(), new_value.clone());
        }
        let new_body = self.stmt(body)?;
        if can_inline && !self.used_in_buffer_def.contains(var) {
            return Ok(new_body);
        }
        if new_value.ptr_eq(value) && new_body.ptr_eq(body) {
            return Ok(s.clone());
        }
        Ok(Stmt::new(StmtNode::LetStmt { var: var.clone(), value: new_value, body: new_body }))
    }

    fn if_then_else(
        &mut self,
        s: &Stmt,
        condition: &PrimExpr,
        then_case: &Stmt,
        else_case: Option<&Stmt>,
    ) -> Result<Stmt, IrError> {
        match self.prove_condition(condition) {
            Some(true) => return self.stmt(then_case),
            Some(false) => return else_case.map_or_else(|| Ok(Stmt::no_op()), |e| self.stmt(e)),
            None => {}
        }
        let new_condition = self.expr(condition);
        let real_condition = match new_condition.expr() {
            Expr::Call { op: crate::ir::Callee::Op(op), args }
                if op.name() == "likely" && args.len() == 1 =>
            {
                args[0].clone()
            }
            _ => new_condition.clone(),
        };
        let new_then = self.scoped(std::slice::from_ref(&real_condition), then_case)?;
        let new_else = match else_case {
            Some(e) => {
                let negated =
                    self.analyzer.rewrite_simplify(&crate::arith::pattern::not(&real_condition));
                Some(self.scoped(std::slice::from_ref(&negated), e)?)
            }
            None => None,
        };
        match real_condition.as_int() {
            Some(0) => return Ok(new_else.unwrap_or_else(Stmt::no_op)),
            Some(_) => return Ok(new_then),
            None => {}
        }
        let else_same = match (&new_else, else_case) {
            (Some(a), Some(b)) => a.ptr_eq(b),
            (None, None) => true,
            _ => false,
        };
        if new_condition.ptr_eq(condition) && new_then.ptr_eq(then_case) && else_same {
            return Ok(s.clone());
        }
        Ok(Stmt::new(StmtNode::IfThenElse {
            condition: new_condition,
            then_case: new_then,
            else_case: new_else,
        }))
    }

    fn block(&mut self, block: &Arc<Block>) -> Result<Arc<Block>, IrError> {
        for iv in &block.iter_vars {
            if let Some(dom) = &iv.dom {
                self.analyzer.bind(&iv.var, dom);
            }
        }
        let mut changed = false;
        let iter_vars: Vec<IterVar> = block
            .iter_vars
            .iter()
            .map(|iv| match &iv.dom {
                Some(dom) => {
                    let (d, c) = self.range(dom);
                    changed |= c;
                    IterVar { dom: Some(d), ..iv.clone() }
                }
                None => iv.clone(),
            })
            .collect();
        let mut regions = |list: &[BufferRegion], this: &mut Self| -> Vec<BufferRegion> {
            list.iter()
                .map(|r| {
                    let (n, c) = this.region(r);
                    changed |= c;
                    n
                })
                .collect()
        };
        let reads = regions(&block.reads, self);
        let writes = regions(&block.writes, self);
        let match_buffers: Vec<MatchBufferRegion> = block
            .match_buffers
            .iter()
            .map(|m| {
                let (source, c) = self.region(&m.source);
                changed |= c;
                MatchBufferRegion { buffer: m.buffer.clone(), source }
            })
            .collect();
        let init = match &block.init {
            Some(i) => {
                let n = self.stmt(i)?;
                changed |= !n.ptr_eq(i);
                Some(n)
            }
            None => None,
        };
        let body = self.stmt(&block.body)?;
        changed |= !body.ptr_eq(&block.body);
        if !changed {
            return Ok(block.clone());
        }
        Ok(Arc::new(Block {
            iter_vars,
            reads,
            writes,
            match_buffers,
            init,
            body,
            ..(**block).clone()
        }))
    }
}

/// Whether two buffers sharing a data var also share offset, shape and strides (so a store of a
/// load at equal indices touches the same element).
fn same_buffer_layout(a: &crate::ir::Buffer, b: &crate::ir::Buffer) -> bool {
    let all = |x: &[PrimExpr], y: &[PrimExpr]| {
        x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_expr(p, q))
    };
    same_expr(a.elem_offset(), b.elem_offset())
        && all(a.shape(), b.shape())
        && all(a.strides(), b.strides())
}

/// The free vars of the shapes, strides, offsets and data of buffers loaded or stored in `body`
/// (TVM's `CollectVarsUsedInBufferDefinition`).
fn vars_used_in_buffer_definitions(body: &Stmt) -> HashSet<Var> {
    let mut buffers = Vec::new();
    crate::ir::visit::walk_stmt(body, &mut |s| {
        if let StmtNode::BufferStore { buffer, .. } = s.node() {
            buffers.push(buffer.clone());
        }
    });
    crate::ir::visit::walk_stmt_exprs(body, &mut |e| {
        crate::ir::visit::walk_expr(e, &mut |sub| {
            if let Expr::BufferLoad { buffer, .. } = sub.expr() {
                buffers.push(buffer.clone());
            }
        });
    });
    let mut vars = HashSet::new();
    for buffer in buffers {
        vars.insert(buffer.data().clone());
        let exprs = buffer
            .shape()
            .iter()
            .chain(buffer.strides())
            .chain(std::iter::once(buffer.elem_offset()));
        for e in exprs {
            crate::ir::visit::walk_expr(e, &mut |sub| {
                if let Expr::Var(v) = sub.expr() {
                    vars.insert(v.clone());
                }
            });
        }
    }
    vars
}

//! PlanAndUpdateBufferAllocationLocation (TVM v0.23 `tir.PlanAndUpdateBufferAllocationLocation`):
//! moves each block-allocated buffer to the lowest scope that contains all its accesses.
//!
//! The target scope of a buffer is the LCA of its accesses (see [`buffer_lca`]). A buffer whose LCA
//! is a block becomes one of that block's `alloc_buffers`; one whose LCA is a loop is allocated by
//! a new opaque block (empty name, no iter vars) wrapping the loop's body, whose reads and writes
//! are detected from its body over the buffers visible there. Buffers are listed in the order they
//! are first met (function parameters first, then a pre-order walk of the body). Only buffers
//! allocated by some block or declared by a `match_buffer` are moved; a buffer allocated by a block
//! but never accessed disappears. Each block's reads and writes drop the regions of buffers no
//! longer visible at it (those it or its descendants now allocate).
//!
//! Invariants: blocks must have no init (run LowerInitBlock first); `BufferRealize` is rejected;
//! loops and blocks keep their identity otherwise.

mod buffer_lca;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use buffer_lca::{ScopeKey, detect_buffer_access_lca};

use crate::analysis::block_access::block_access_regions;
use crate::ir::mutate::map_stmt_children;
use crate::ir::visit::{expr_children, stmt_parts};
use crate::ir::{
    Block, BlockRealize, Buffer, BufferRegion, Expr, For, IrError, PrimExpr, PrimFunc, Stmt,
    StmtNode, Var,
};

pub use buffer_lca::detect_buffer_access_lca as buffer_access_lca;

/// Plans the allocation site of every block-allocated buffer of `func`.
pub fn plan_and_update_buffer_allocation_location(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let lca = detect_buffer_access_lca(&func);
    let order = allocation_order(&func);
    let managed = managed_allocations(&func.body);
    let arg_vars: HashSet<Var> = func.buffer_map.iter().map(|(_, b)| b.data().clone()).collect();
    let mut locator = Locator { alloc_buffers: HashMap::new(), visible: HashMap::new(), managed };
    for (_, buffer) in &func.buffer_map {
        locator.visible.insert(buffer.data().clone(), buffer.clone());
    }
    for buffer in order {
        let Some(site) = lca.get(&buffer) else {
            continue;
        };
        if arg_vars.contains(buffer.data()) {
            continue;
        }
        if locator.managed.contains(buffer.data())
            && let Some(key) = site
        {
            locator.alloc_buffers.entry(*key).or_default().push(buffer.clone());
        }
        locator.visible.insert(buffer.data().clone(), buffer);
    }
    let body = locator.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.PlanAndUpdateBufferAllocationLocation` (opt level 0, per function), for pipelines.
pub fn pass() -> crate::transform::pass::Pass {
    crate::transform::pass::Pass::prim_func(
        "tir.PlanAndUpdateBufferAllocationLocation",
        0,
        |f, _| Ok(plan_and_update_buffer_allocation_location(f)?),
    )
}

/// The data vars of buffers allocated by blocks or declared by their match_buffers.
fn managed_allocations(body: &Stmt) -> HashSet<Var> {
    let mut managed = HashSet::new();
    crate::ir::visit::walk_stmt(body, &mut |s| {
        let block = match s.node() {
            StmtNode::Block(b) => b,
            StmtNode::BlockRealize(r) => &r.block,
            _ => return,
        };
        managed.extend(block.alloc_buffers.iter().map(|b| b.data().clone()));
        managed.extend(block.match_buffers.iter().map(|m| m.buffer.data().clone()));
    });
    managed
}

/// Buffers in the order TVM's `BufferAllocateOrderCollector` meets them.
fn allocation_order(func: &PrimFunc) -> Vec<Buffer> {
    let mut order: Vec<Buffer> = func.buffer_map.iter().map(|(_, b)| b.clone()).collect();
    fn add(order: &mut Vec<Buffer>, b: &Buffer) {
        if !order.contains(b) {
            order.push(b.clone());
        }
    }
    fn expr(order: &mut Vec<Buffer>, e: &PrimExpr) {
        if let Expr::BufferLoad { buffer, .. } = e.expr() {
            add(order, buffer);
        }
        let mut children = Vec::new();
        expr_children(e, &mut children);
        for c in children {
            expr(order, c);
        }
    }
    fn stmt(order: &mut Vec<Buffer>, s: &Stmt) {
        let block = match s.node() {
            StmtNode::Block(b) => Some(b),
            StmtNode::BlockRealize(r) => Some(&r.block),
            _ => None,
        };
        if let StmtNode::BlockRealize(r) = s.node() {
            for v in r.iter_values.iter().chain([&r.predicate]) {
                expr(order, v);
            }
        }
        if let Some(block) = block {
            order.extend(block.alloc_buffers.iter().cloned());
            for m in &block.match_buffers {
                add(order, &m.source.buffer);
            }
        }
        if let StmtNode::BufferStore { buffer, .. } = s.node() {
            add(order, buffer);
        }
        let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
        match (s.node(), block) {
            (StmtNode::BlockRealize(_), Some(b)) => {
                let as_block = Stmt::new(StmtNode::Block(b.clone()));
                stmt_parts(&as_block, &mut stmts, &mut exprs);
                exprs.iter().for_each(|e| expr(order, e));
                stmts.iter().for_each(|c| stmt(order, c));
            }
            _ => {
                stmt_parts(s, &mut stmts, &mut exprs);
                exprs.iter().for_each(|e| expr(order, e));
                stmts.iter().for_each(|c| stmt(order, c));
            }
        }
    }
    stmt(&mut order, &func.body);
    order
}

struct Locator {
    /// The buffers to allocate at each scope, in allocation order.
    alloc_buffers: HashMap<ScopeKey, Vec<Buffer>>,
    /// Buffers visible at the current point, by data var.
    visible: HashMap<Var, Buffer>,
    managed: HashSet<Var>,
}

impl Locator {
    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::For(l) => self.for_loop(s, l),
            StmtNode::Block(b) => Ok(Stmt::new(StmtNode::Block(self.block(b)?))),
            StmtNode::BlockRealize(r) => {
                let block = self.block(&r.block)?;
                if Arc::ptr_eq(&block, &r.block) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::BlockRealize(BlockRealize { block, ..r.clone() })))
            }
            StmtNode::BufferRealize { .. } => {
                Err(IrError::invalid("BufferRealize is not allowed in TensorIR"))
            }
            _ => map_stmt_children(s, &mut |c| self.stmt(c)),
        }
    }

    fn for_loop(&mut self, s: &Stmt, l: &For) -> Result<Stmt, IrError> {
        let Some(buffers) = self.alloc_buffers.get(&ScopeKey::of_loop(s)).cloned() else {
            return map_stmt_children(s, &mut |c| self.stmt(c));
        };
        for b in &buffers {
            self.visible.insert(b.data().clone(), b.clone());
        }
        let body = self.stmt(&l.body)?;
        let mut allocated = Vec::new();
        for b in &buffers {
            if self.managed.contains(b.data()) {
                self.visible.remove(b.data());
                allocated.push(b.clone());
            }
        }
        let body =
            if allocated.is_empty() { body } else { self.inject_opaque_block(body, allocated) };
        Ok(Stmt::from(For { body, ..l.clone() }))
    }

    fn block(&mut self, block: &Arc<Block>) -> Result<Arc<Block>, IrError> {
        if block.init.is_some() {
            return Err(IrError::invalid(
                "block init is not allowed in PlanAndUpdateBufferAllocationLocation; run LowerInitBlock first",
            ));
        }
        let allocated = self.alloc_buffers.get(&ScopeKey::of_block(block)).cloned();
        for b in allocated.iter().flatten() {
            self.visible.insert(b.data().clone(), b.clone());
        }
        for m in &block.match_buffers {
            if !self.visible.contains_key(m.source.buffer.data()) {
                return Err(IrError::invalid(format!(
                    "match_buffer source `{}` is not visible",
                    m.source.buffer.name()
                )));
            }
            self.visible.insert(m.buffer.data().clone(), m.buffer.clone());
        }
        let init = None;
        let body = self.stmt(&block.body)?;
        for m in &block.match_buffers {
            self.visible.remove(m.buffer.data());
        }
        for b in allocated.iter().flatten() {
            self.visible.remove(b.data());
        }
        let keep = |regions: &[BufferRegion]| -> Vec<BufferRegion> {
            regions.iter().filter(|r| self.visible.contains_key(r.buffer.data())).cloned().collect()
        };
        Ok(Arc::new(Block {
            alloc_buffers: allocated.unwrap_or_default(),
            reads: keep(&block.reads),
            writes: keep(&block.writes),
            init,
            body,
            ..(**block).clone()
        }))
    }

    /// Wraps `body` in an opaque block allocating `buffers`, with detected reads and writes.
    fn inject_opaque_block(&self, body: Stmt, buffers: Vec<Buffer>) -> Stmt {
        let mut block = Block {
            iter_vars: Vec::new(),
            reads: Vec::new(),
            writes: Vec::new(),
            name_hint: String::new(),
            alloc_buffers: buffers,
            match_buffers: Vec::new(),
            annotations: Default::default(),
            init: None,
            body,
        };
        let (reads, writes) = read_write_regions(&block, &self.visible);
        block.reads = reads;
        block.writes = writes;
        Stmt::new(StmtNode::BlockRealize(BlockRealize {
            iter_values: Vec::new(),
            predicate: PrimExpr::bool(true),
            block: Arc::new(block),
        }))
    }
}

/// TVM's `GetBlockReadWriteRegion`: detected reads and writes, where a buffer accessed opaquely is
/// reported (whole) among both reads and writes instead.
pub fn read_write_regions(
    block: &Block,
    visible: &HashMap<Var, Buffer>,
) -> (Vec<BufferRegion>, Vec<BufferRegion>) {
    let access = block_access_regions(block, visible);
    let opaque: Vec<Buffer> = access.opaque.iter().map(|r| r.buffer.clone()).collect();
    let mut writes: Vec<BufferRegion> =
        access.writes.into_iter().filter(|w| !opaque.contains(&w.buffer)).collect();
    let mut reads: Vec<BufferRegion> =
        access.reads.into_iter().filter(|r| !opaque.contains(&r.buffer)).collect();
    reads.extend(access.opaque.iter().cloned());
    writes.extend(access.opaque);
    (reads, writes)
}

//! Memory planning (TVM's `StoragePlanRewriter::PlanMemory`, `FindAlloc`, `Free` and the
//! `InplaceOpVerifier`): assigns every touched allocation to a storage entry, reusing entries freed
//! earlier in the same attach scope.
//!
//! Rules: an allocation first touched at a statement that also last touches a same-sized,
//! same-scope, same-element-type allocation whose values it only reads at the very index it writes
//! (`dst[i] = f(src[i])`, no other loads in indices) takes over that storage in place. Otherwise a
//! constant-size flat allocation reuses a free entry of size in `[size, 16 * size]` (first) or of
//! the same element type in `[size / 16, size)` (largest first), growing it; a symbolic one reuses
//! the first free symbolic entry of its element type. Small arrays (at most 32 bits), `local` /
//! `warp` memory and handle arrays are never shared. Parallel loops and thread scopes are attach
//! scopes: their allocations live (and are freed) inside them.

use std::collections::{HashMap, HashSet};

use super::liveness::{AllocInfo, Events, ScopeKind, StmtEntry, StmtKey};
use super::scope::StorageScope;
use crate::arith::same_expr;
use crate::ir::visit::{expr_children, stmt_parts};
use crate::ir::{DataType, Expr, PrimExpr, Stmt, StmtNode, Var};

/// A planned storage: one allocation in the output, shared by the allocations in `allocs`.
#[derive(Debug)]
pub struct StorageEntry {
    /// The attach scope (`None`: the function body).
    pub attach_scope: Option<StmtKey>,
    pub const_nbits: u64,
    pub scope: StorageScope,
    pub allocs: Vec<Var>,
    pub merged_children: Vec<usize>,
    pub elem_type: DataType,
    pub bits_offset: u64,
    /// The data var of the output allocation (set when the allocation is made).
    pub alloc_var: Option<Var>,
}

/// The planner's state.
pub struct Planner<'a> {
    pub allocs: &'a HashMap<Var, AllocInfo>,
    pub entries: Vec<StorageEntry>,
    /// Each planned allocation's entry index.
    pub alloc_map: HashMap<Var, usize>,
    thread_scope: Option<StmtKey>,
    /// Free constant-size entries, ordered by size (ties in insertion order).
    const_free: Vec<(u64, usize)>,
    sym_free: Vec<usize>,
}

impl<'a> Planner<'a> {
    pub fn new(allocs: &'a HashMap<Var, AllocInfo>) -> Planner<'a> {
        Planner {
            allocs,
            entries: Vec::new(),
            alloc_map: HashMap::new(),
            thread_scope: None,
            const_free: Vec::new(),
            sym_free: Vec::new(),
        }
    }

    /// Plans every allocation of `seq`; `stmts` maps keys back to the statements (for in-place
    /// checks).
    pub fn plan(
        &mut self,
        seq: &[StmtEntry],
        events: &HashMap<StmtKey, Events>,
        stmts: &HashMap<StmtKey, Stmt>,
        enable_reuse: bool,
    ) {
        let mut inplace_flag: HashSet<Var> = HashSet::new();
        for s in seq {
            let event = events.get(&s.stmt);
            if let Some(ev) = event
                && s.scope_pair_offset >= 0
            {
                let detect_inplace = ev.gen_.len() <= 2;
                for var in &ev.gen_ {
                    let Some(alloc) = self.allocs.get(var) else { continue };
                    let scope = StorageScope::parse(var.storage_scope());
                    let mut dst = None;
                    if detect_inplace {
                        for src in &ev.kill {
                            if dst.is_some() || inplace_flag.contains(src) {
                                continue;
                            }
                            let Some(&src_entry) = self.alloc_map.get(src) else { continue };
                            let e = &self.entries[src_entry];
                            let const_nbits = nbits(alloc);
                            if e.scope == scope
                                && e.attach_scope == self.thread_scope
                                && e.elem_type == alloc.dtype.element_of()
                                && stmts.get(&s.stmt).is_some_and(|st| inplace_ok(st, var, src))
                                && e.const_nbits == const_nbits
                            {
                                dst = Some(src_entry);
                                inplace_flag.insert(src.clone());
                            }
                        }
                    }
                    let dst = match dst {
                        Some(d) => d,
                        None => self.find_alloc(alloc, &scope, enable_reuse),
                    };
                    self.entries[dst].allocs.push(var.clone());
                    self.alloc_map.insert(var.clone(), dst);
                }
            }
            if s.kind == ScopeKind::Thread
                || (s.kind == ScopeKind::Parallel
                    && (self.thread_scope.is_none() || self.thread_scope == Some(s.stmt)))
            {
                self.plan_new_scope(s.stmt);
            }
            if let Some(ev) = event
                && s.scope_pair_offset <= 0
            {
                for var in &ev.kill {
                    if !inplace_flag.contains(var) {
                        self.free(var);
                    }
                }
            }
        }
    }

    fn plan_new_scope(&mut self, op: StmtKey) {
        if self.thread_scope.is_some() {
            let entries = &self.entries;
            self.const_free.retain(|(_, e)| entries[*e].attach_scope != Some(op));
            self.sym_free.retain(|e| entries[*e].attach_scope != Some(op));
            self.thread_scope = None;
        } else {
            self.thread_scope = Some(op);
        }
    }

    fn new_alloc(&mut self, alloc: &AllocInfo, scope: &StorageScope, const_nbits: u64) -> usize {
        self.entries.push(StorageEntry {
            attach_scope: self.thread_scope,
            const_nbits,
            scope: scope.clone(),
            allocs: Vec::new(),
            merged_children: Vec::new(),
            elem_type: alloc.dtype.element_of(),
            bits_offset: 0,
            alloc_var: None,
        });
        self.entries.len() - 1
    }

    fn find_alloc(&mut self, alloc: &AllocInfo, scope: &StorageScope, enable_reuse: bool) -> usize {
        const MATCH_RANGE: u64 = 16;
        let op_elem_bits = elem_bits(alloc.dtype);
        let const_nbits = nbits(alloc);
        let known = const_nbits != 0;
        let flat = alloc.extents.len() == 1;
        let small = scope.tag.is_empty()
            && (scope.rank >= super::scope::RANK_WARP
                || alloc.dtype.is_handle()
                || (known && const_nbits <= 32));
        if !enable_reuse || small || !flat {
            return self.new_alloc(alloc, scope, const_nbits);
        }
        if known {
            let lower = |bound: u64, v: &[(u64, usize)]| v.partition_point(|(k, _)| *k < bound);
            let begin = lower(const_nbits / MATCH_RANGE, &self.const_free);
            let mid = lower(const_nbits, &self.const_free);
            let end = self
                .const_free
                .partition_point(|(k, _)| *k <= const_nbits.saturating_mul(MATCH_RANGE));
            for i in mid..end {
                let e = &self.entries[self.const_free[i].1];
                if e.attach_scope != self.thread_scope || e.scope != *scope {
                    continue;
                }
                if !e.bits_offset.is_multiple_of(op_elem_bits) {
                    continue;
                }
                let id = self.const_free.remove(i).1;
                let e = &mut self.entries[id];
                e.const_nbits = e.const_nbits.max(const_nbits);
                return id;
            }
            for i in (begin..mid).rev() {
                let e = &self.entries[self.const_free[i].1];
                if e.attach_scope != self.thread_scope
                    || e.scope != *scope
                    || e.elem_type != alloc.dtype.element_of()
                {
                    continue;
                }
                let id = self.const_free.remove(i).1;
                let e = &mut self.entries[id];
                e.const_nbits = e.const_nbits.max(const_nbits);
                return id;
            }
        } else {
            let found = self.sym_free.iter().position(|&id| {
                let e = &self.entries[id];
                e.attach_scope == self.thread_scope
                    && e.scope == *scope
                    && e.elem_type == alloc.dtype.element_of()
            });
            if let Some(pos) = found {
                return self.sym_free.remove(pos);
            }
        }
        self.new_alloc(alloc, scope, const_nbits)
    }

    fn free(&mut self, var: &Var) {
        let Some(&id) = self.alloc_map.get(var) else { return };
        let e = &self.entries[id];
        if e.scope.tag.is_empty() {
            let first_is_handle = e
                .allocs
                .first()
                .and_then(|v| self.allocs.get(v))
                .is_some_and(|a| a.dtype.is_handle());
            if e.scope.rank >= super::scope::RANK_WARP || first_is_handle {
                return;
            }
            if e.const_nbits > 0 && e.const_nbits <= 32 {
                return;
            }
        }
        if e.const_nbits != 0 {
            let at = self.const_free.partition_point(|(k, _)| *k <= e.const_nbits);
            self.const_free.insert(at, (e.const_nbits, id));
        } else {
            self.sym_free.push(id);
        }
    }
}

fn elem_bits(dtype: DataType) -> u64 {
    u64::from(dtype.bits) * u64::from(dtype.fixed_lanes().unwrap_or(1))
}

/// The constant size of an allocation in bits (0 when symbolic).
pub fn nbits(alloc: &AllocInfo) -> u64 {
    u64::try_from(alloc.constant_size()).unwrap_or(0).saturating_mul(elem_bits(alloc.dtype))
}

/// TVM's `InplaceOpVerifier`: whether `stmt` only ever computes `dst[i] = f(src[i])`.
fn inplace_ok(stmt: &Stmt, dst: &Var, src: &Var) -> bool {
    let root_ok = matches!(
        stmt.node(),
        StmtNode::AttrStmt { .. }
            | StmtNode::For(_)
            | StmtNode::IfThenElse { .. }
            | StmtNode::While { .. }
            | StmtNode::BufferStore { .. }
    );
    let mut v = Inplace { dst, src, result: true, mem_nest: 0, store: None };
    root_ok && {
        v.stmt(stmt);
        v.result
    }
}

struct Inplace<'a> {
    dst: &'a Var,
    src: &'a Var,
    result: bool,
    mem_nest: usize,
    /// The store to `dst` whose value is being visited: its value dtype and indices.
    store: Option<(DataType, Vec<PrimExpr>)>,
}

impl Inplace<'_> {
    fn stmt(&mut self, s: &Stmt) {
        if !self.result {
            return;
        }
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, .. } => {
                self.mem_nest += 1;
                for i in indices {
                    self.expr(i);
                }
                self.mem_nest -= 1;
                if buffer.data() == self.dst {
                    self.store = Some((value.dtype(), indices.clone()));
                    self.expr(value);
                    self.store = None;
                } else {
                    self.expr(value);
                }
            }
            StmtNode::AttrStmt { attr_key, .. }
                if attr_key == "extern_scope" || attr_key == "volatile_scope" =>
            {
                self.result = false;
            }
            _ => {
                let mut stmts = Vec::new();
                let mut exprs = Vec::new();
                stmt_parts(s, &mut stmts, &mut exprs);
                for e in exprs {
                    self.expr(e);
                }
                for c in stmts {
                    self.stmt(c);
                }
            }
        }
    }

    fn expr(&mut self, e: &PrimExpr) {
        if !self.result {
            return;
        }
        match e.expr() {
            Expr::Var(v) => {
                if v == self.dst || v == self.src {
                    self.result = false;
                }
            }
            Expr::BufferLoad { buffer, indices, .. } => {
                let buf = buffer.data();
                if buf == self.dst || self.mem_nest != 0 {
                    self.result = false;
                    return;
                }
                if buf == self.src {
                    match &self.store {
                        Some((dtype, store_indices))
                            if *dtype == e.dtype()
                                && store_indices.len() == indices.len()
                                && store_indices
                                    .iter()
                                    .zip(indices)
                                    .all(|(a, b)| same_expr(a, b)) => {}
                        _ => {
                            self.result = false;
                            return;
                        }
                    }
                }
                self.mem_nest += 1;
                for i in indices {
                    self.expr(i);
                }
                self.mem_nest -= 1;
            }
            _ => {
                let mut children = Vec::new();
                expr_children(e, &mut children);
                for c in children {
                    self.expr(c);
                }
            }
        }
    }
}

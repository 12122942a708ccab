//! The linear access pattern of allocations (TVM's `LinearAccessPatternFinder`) and the gen/kill
//! points derived from it (`LivenessAnalysis`).
//!
//! The statement tree is flattened into a sequence of entries: a leaf entry for each store or
//! evaluate that touches an allocation, and a begin/end entry pair for each scope (loop, `if`,
//! `while`, `assert`, `let`, outermost `thread_extent`, `virtual_thread`, `extern_scope`). An access
//! is recorded on the entry at the allocation's own scope level, so liveness is tracked in units of
//! the statements that sit directly in the allocation's scope. Statements are identified by the
//! address of their node in the (borrowed, unchanged) input tree.

use std::collections::{HashMap, HashSet};

use crate::ir::visit::{expr_children, stmt_parts};
use crate::ir::{DataType, Expr, ForKind, PrimExpr, Stmt, StmtNode, Var};

/// The identity of a statement node of the input tree.
pub type StmtKey = usize;

/// The key of `s`.
pub fn key(s: &Stmt) -> StmtKey {
    s.node() as *const StmtNode as usize
}

/// What kind of scope an entry opens or closes, as the planner needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// A leaf (store or evaluate) or an ordinary scope.
    Plain,
    /// A parallel loop: allocations inside it attach to it.
    Parallel,
    /// A `thread_extent` or `virtual_thread` attribute.
    Thread,
}

/// One point of the linear sequence.
#[derive(Clone, Debug)]
pub struct StmtEntry {
    pub stmt: StmtKey,
    pub kind: ScopeKind,
    /// Positive on a scope's begin entry (distance to its end), negative on the end entry.
    pub scope_pair_offset: i64,
    pub touched: Vec<Var>,
}

/// An allocation found in the tree.
#[derive(Clone, Debug)]
pub struct AllocInfo {
    pub stmt: Stmt,
    pub buffer_var: Var,
    pub dtype: DataType,
    pub extents: Vec<PrimExpr>,
    pub condition: PrimExpr,
    /// The scope depth the allocation sits at.
    pub level: usize,
}

impl AllocInfo {
    /// The product of the extents when all are constant, else 0 (TVM's `ConstantAllocationSize`).
    pub fn constant_size(&self) -> i64 {
        let mut size = 1i64;
        for e in &self.extents {
            match e.as_int() {
                Some(v) => size = size.saturating_mul(v),
                None => return 0,
            }
        }
        size
    }
}

/// The result of the access pattern walk.
#[derive(Default)]
pub struct AccessPattern {
    pub seq: Vec<StmtEntry>,
    pub allocs: HashMap<Var, AllocInfo>,
    /// Ids of every buffer loaded or stored.
    pub buffers_accessed: HashSet<u64>,
    scope: Vec<StmtEntry>,
    in_thread_env: bool,
}

impl AccessPattern {
    /// Walks `body`.
    pub fn find(body: &Stmt) -> AccessPattern {
        let mut p = AccessPattern::default();
        p.stmt(body);
        p
    }

    fn touch(&mut self, var: &Var) {
        if let Some(info) = self.allocs.get(var)
            && let Some(entry) = self.scope.get_mut(info.level)
        {
            entry.touched.push(var.clone());
        }
    }

    fn expr(&mut self, e: &PrimExpr) {
        let mut stack = vec![e.clone()];
        while let Some(top) = stack.pop() {
            match top.expr() {
                Expr::Var(v) => self.touch(v),
                Expr::BufferLoad { buffer, .. } => {
                    self.buffers_accessed.insert(buffer.id());
                    let data = buffer.data().clone();
                    self.touch(&data);
                }
                _ => {}
            }
            let mut children = Vec::new();
            expr_children(&top, &mut children);
            stack.extend(children.into_iter().rev().cloned());
        }
    }

    fn own_exprs(&mut self, s: &Stmt) {
        let mut stmts = Vec::new();
        let mut exprs = Vec::new();
        stmt_parts(s, &mut stmts, &mut exprs);
        for e in exprs {
            self.expr(e);
        }
    }

    fn children(&mut self, s: &Stmt) {
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

    fn leaf(&mut self, s: &Stmt) {
        self.scope.push(StmtEntry {
            stmt: key(s),
            kind: ScopeKind::Plain,
            scope_pair_offset: 0,
            touched: Vec::new(),
        });
        self.own_exprs(s);
        if let StmtNode::BufferStore { buffer, .. } = s.node() {
            self.buffers_accessed.insert(buffer.id());
            let data = buffer.data().clone();
            self.touch(&data);
        }
        if let Some(entry) = self.scope.pop()
            && !entry.touched.is_empty()
        {
            self.seq.push(entry);
        }
    }

    fn new_scope(&mut self, s: &Stmt, kind: ScopeKind) {
        let blank = StmtEntry { stmt: key(s), kind, scope_pair_offset: 0, touched: Vec::new() };
        self.scope.push(blank.clone());
        let begin = self.seq.len();
        self.seq.push(blank.clone());
        self.children(s);
        let touched = self.scope.pop().map(|e| e.touched).unwrap_or_default();
        let end = self.seq.len();
        self.seq.push(StmtEntry { touched, scope_pair_offset: begin as i64 - end as i64, ..blank });
        self.seq[begin].scope_pair_offset = end as i64 - begin as i64;
    }

    fn stmt(&mut self, s: &Stmt) {
        match s.node() {
            StmtNode::Allocate { buffer_var, dtype, extents, condition, .. } => {
                self.allocs.insert(
                    buffer_var.clone(),
                    AllocInfo {
                        stmt: s.clone(),
                        buffer_var: buffer_var.clone(),
                        dtype: *dtype,
                        extents: extents.clone(),
                        condition: condition.clone(),
                        level: self.scope.len(),
                    },
                );
                self.children(s);
            }
            StmtNode::BufferStore { .. } | StmtNode::Evaluate(_) => self.leaf(s),
            StmtNode::AttrStmt { attr_key, .. } => {
                if attr_key == "thread_extent" && !self.in_thread_env {
                    self.in_thread_env = true;
                    self.new_scope(s, ScopeKind::Thread);
                    self.in_thread_env = false;
                } else if attr_key == "virtual_thread" {
                    self.new_scope(s, ScopeKind::Thread);
                } else if attr_key == "extern_scope" {
                    self.new_scope(s, ScopeKind::Plain);
                } else {
                    self.children(s);
                }
            }
            StmtNode::For(l) => {
                let kind = if l.kind == ForKind::Parallel {
                    ScopeKind::Parallel
                } else {
                    ScopeKind::Plain
                };
                self.new_scope(s, kind);
            }
            StmtNode::IfThenElse { .. }
            | StmtNode::While { .. }
            | StmtNode::AssertStmt { .. }
            | StmtNode::LetStmt { .. } => self.new_scope(s, ScopeKind::Plain),
            _ => self.children(s),
        }
    }
}

/// The allocations first touched (gen) and last touched (kill) at each statement.
#[derive(Default, Debug)]
pub struct Events {
    pub gen_: Vec<Var>,
    pub kill: Vec<Var>,
}

/// TVM's `LivenessAnalysis` over the linear sequence.
pub fn liveness(seq: &[StmtEntry]) -> HashMap<StmtKey, Events> {
    let mut events: HashMap<StmtKey, Events> = HashMap::new();
    let mut seen = HashSet::new();
    for s in seq.iter().rev() {
        for v in &s.touched {
            if seen.insert(v.clone()) {
                events.entry(s.stmt).or_default().kill.push(v.clone());
            }
        }
    }
    seen.clear();
    for (i, entry) in seq.iter().enumerate() {
        if entry.scope_pair_offset < 0 {
            continue;
        }
        let s = &seq[i + entry.scope_pair_offset as usize];
        for v in &s.touched {
            if seen.insert(v.clone()) {
                events.entry(s.stmt).or_default().gen_.push(v.clone());
            }
        }
    }
    events
}

//! The lowest common ancestor of all accesses to each buffer (TVM v0.23
//! `tir.analysis.detect_buffer_access_lca`).
//!
//! Only loops and blocks (reached through a `BlockRealize`) are scopes. A load, store or bare use
//! of a buffer's data var counts at the innermost enclosing scope; a `match_buffer` counts as an
//! access of its source at the block; buffers created by `match_buffer` are not reported. A block
//! with non-data-parallel iter vars moves the LCA of its written buffers (and of buffers whose
//! regions use opaque iter vars) above the loops those iter vars are bound to, so a reduction's
//! output is not allocated inside its own reduction loop. Buffers in global memory are hoisted
//! above every `blockIdx` launch.
//!
//! Scopes are identified by the address of their (immutable, shared) node: the `Stmt` of a loop
//! and the `Block` of a realize; the tree being analysed must outlive the returned map.

use std::collections::{HashMap, HashSet};

use crate::ir::visit::{expr_children, stmt_parts};
use crate::ir::{
    AttrValue, BlockRealize, Buffer, BufferRegion, Expr, IterVarType, PrimExpr, PrimFunc, Stmt,
    StmtNode, Var,
};

/// The identity of a scope node: a loop statement or a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeKey {
    Loop(usize),
    Block(usize),
}

impl ScopeKey {
    pub fn of_loop(s: &Stmt) -> ScopeKey {
        ScopeKey::Loop(s.node() as *const StmtNode as usize)
    }
    pub fn of_block(b: &crate::ir::Block) -> ScopeKey {
        ScopeKey::Block(b as *const crate::ir::Block as usize)
    }
}

struct Scope {
    parent: Option<usize>,
    key: Option<ScopeKey>,
    depth: usize,
}

/// Detects, for every accessed buffer, the scope its allocation should live in (`None` for the
/// function root, outside every scope).
pub fn detect_buffer_access_lca(func: &PrimFunc) -> HashMap<Buffer, Option<ScopeKey>> {
    let mut d = Detector {
        scopes: vec![Scope { parent: None, key: None, depth: 0 }],
        ancestors: vec![0],
        lca: HashMap::new(),
        buffer_vars: HashMap::new(),
        match_buffers: HashSet::new(),
        blockidx_scopes: Vec::new(),
        loop_scopes: HashMap::new(),
    };
    for (_, buffer) in &func.buffer_map {
        d.buffer_vars.entry(buffer.data().clone()).or_insert_with(|| buffer.clone());
    }
    d.stmt(&func.body);
    d.update_with_blockidx();
    d.lca.iter().map(|(b, &s)| (b.clone(), d.scopes[s].key)).collect()
}

struct Detector {
    scopes: Vec<Scope>,
    ancestors: Vec<usize>,
    lca: HashMap<Buffer, usize>,
    buffer_vars: HashMap<Var, Buffer>,
    match_buffers: HashSet<Buffer>,
    blockidx_scopes: Vec<usize>,
    loop_scopes: HashMap<Var, usize>,
}

fn is_block_idx(tag: &str) -> bool {
    tag.starts_with("blockIdx")
}

impl Detector {
    fn current(&self) -> usize {
        self.ancestors.last().copied().unwrap_or(0)
    }

    fn push_scope(&mut self, key: ScopeKey) -> usize {
        let depth = self.ancestors.len();
        self.scopes.push(Scope { parent: Some(self.current()), key: Some(key), depth });
        self.scopes.len() - 1
    }

    fn stmt(&mut self, s: &Stmt) {
        match s.node() {
            StmtNode::For(l) => {
                let scope = self.push_scope(ScopeKey::of_loop(s));
                if l.thread_binding.as_ref().is_some_and(|iv| is_block_idx(&iv.thread_tag)) {
                    self.blockidx_scopes.push(scope);
                }
                self.ancestors.push(scope);
                let previous = self.loop_scopes.insert(l.loop_var.clone(), scope);
                self.expr(&l.min);
                self.expr(&l.extent);
                if let Some(step) = &l.step {
                    self.expr(step);
                }
                self.stmt(&l.body);
                self.ancestors.pop();
                match previous {
                    Some(p) => self.loop_scopes.insert(l.loop_var.clone(), p),
                    None => self.loop_scopes.remove(&l.loop_var),
                };
            }
            StmtNode::BlockRealize(r) => self.realize(r),
            StmtNode::AttrStmt { node: AttrValue::IterVar(iv), attr_key, .. }
                if attr_key == "thread_extent" =>
            {
                if is_block_idx(&iv.thread_tag) {
                    self.blockidx_scopes.push(self.current());
                }
                self.children(s);
            }
            StmtNode::BufferStore { buffer, .. } => {
                self.update(buffer, self.current());
                self.children(s);
            }
            StmtNode::BufferRealize { buffer, .. } => {
                self.buffer_vars.entry(buffer.data().clone()).or_insert_with(|| buffer.clone());
                self.update(buffer, self.current());
                self.children(s);
            }
            _ => self.children(s),
        }
    }

    fn children(&mut self, s: &Stmt) {
        let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
        stmt_parts(s, &mut stmts, &mut exprs);
        for e in exprs {
            self.expr(e);
        }
        for c in stmts {
            self.stmt(c);
        }
    }

    fn expr(&mut self, e: &PrimExpr) {
        match e.expr() {
            Expr::BufferLoad { buffer, .. } => self.update(buffer, self.current()),
            Expr::Var(v) => {
                if let Some(buffer) = self.buffer_vars.get(v).cloned() {
                    self.update(&buffer, self.current());
                }
            }
            _ => {}
        }
        let mut children = Vec::new();
        expr_children(e, &mut children);
        for c in children {
            self.expr(c);
        }
    }

    fn realize(&mut self, r: &BlockRealize) {
        let block = &r.block;
        for buffer in &block.alloc_buffers {
            self.buffer_vars.entry(buffer.data().clone()).or_insert_with(|| buffer.clone());
        }
        let scope = self.push_scope(ScopeKey::of_block(block));
        self.ancestors.push(scope);
        self.update_dominate_scope_of_non_data_par_iter(r);
        for m in &block.match_buffers {
            self.update(&m.source.buffer, self.current());
            self.match_buffers.insert(m.buffer.clone());
        }
        for v in &r.iter_values {
            self.expr(v);
        }
        self.expr(&r.predicate);
        for dom in block.iter_vars.iter().filter_map(|iv| iv.dom.as_ref()) {
            self.expr(&dom.min);
            self.expr(&dom.extent);
        }
        let sources = block.match_buffers.iter().map(|m| &m.source);
        for region in block.reads.iter().chain(&block.writes).chain(sources) {
            for range in &region.region {
                self.expr(&range.min);
                self.expr(&range.extent);
            }
        }
        if let Some(init) = &block.init {
            self.stmt(init);
        }
        self.stmt(&block.body);
        self.ancestors.pop();
    }

    /// The scope just above the outermost loop whose var `binding` uses, if any.
    fn binding_scope(&self, binding: &PrimExpr) -> Option<usize> {
        let mut highest: Option<usize> = None;
        crate::ir::visit::walk_expr(binding, &mut |e| {
            if let Some(v) = e.as_var()
                && let Some(&loop_scope) = self.loop_scopes.get(v)
                && let Some(parent) = self.scopes[loop_scope].parent
                && highest.is_none_or(|h| self.scopes[parent].depth < self.scopes[h].depth)
            {
                highest = Some(parent);
            }
        });
        highest
    }

    fn update_dominate_scope_of_non_data_par_iter(&mut self, r: &BlockRealize) {
        let block = &r.block;
        let mut opaque_var_scope: HashMap<Var, usize> = HashMap::new();
        let mut highest_reduce: Option<usize> = None;
        let mut is_reduce_block = false;
        for (iv, binding) in block.iter_vars.iter().zip(&r.iter_values) {
            if iv.iter_type == IterVarType::DataPar {
                continue;
            }
            let Some(scope) = self.binding_scope(binding) else {
                continue;
            };
            if iv.iter_type == IterVarType::CommReduce {
                is_reduce_block = true;
                if highest_reduce.is_none_or(|h| self.scopes[scope].depth < self.scopes[h].depth) {
                    highest_reduce = Some(scope);
                }
            } else {
                opaque_var_scope.insert(iv.var.clone(), scope);
                for w in &block.writes {
                    self.update(&w.buffer, scope);
                }
            }
        }
        let do_update = |d: &mut Detector, region: &BufferRegion, is_reduce_write: bool| {
            let mut scope = d.current();
            let mut bounds = Vec::new();
            for range in &region.region {
                bounds.push(range.min.clone());
                bounds.push(range.extent.clone());
            }
            for e in &bounds {
                crate::ir::visit::walk_expr(e, &mut |sub| {
                    if let Some(v) = sub.as_var()
                        && let Some(&s) = opaque_var_scope.get(v)
                        && d.scopes[s].depth < d.scopes[scope].depth
                    {
                        scope = s;
                    }
                });
            }
            if is_reduce_write
                && let Some(h) = highest_reduce
                && d.scopes[scope].depth > d.scopes[h].depth
            {
                scope = h;
            }
            d.update(&region.buffer, scope);
        };
        if !opaque_var_scope.is_empty() {
            for read in &block.reads {
                do_update(self, read, false);
            }
            for write in &block.writes {
                do_update(self, write, is_reduce_block);
            }
        } else if is_reduce_block && highest_reduce.is_some() {
            for write in &block.writes {
                do_update(self, write, true);
            }
        }
    }

    fn update(&mut self, buffer: &Buffer, scope: usize) {
        self.buffer_vars.entry(buffer.data().clone()).or_insert_with(|| buffer.clone());
        if self.match_buffers.contains(buffer) {
            return;
        }
        let merged = match self.lca.get(buffer) {
            Some(&existing) => self.lowest_common_ancestor(existing, scope),
            None => scope,
        };
        self.lca.insert(buffer.clone(), merged);
    }

    fn update_with_blockidx(&mut self) {
        let buffers: Vec<Buffer> =
            self.lca.keys().filter(|b| b.scope().starts_with("global")).cloned().collect();
        for b in buffers {
            let mut lca = self.lca[&b];
            for &s in &self.blockidx_scopes {
                lca = self.lowest_common_ancestor(lca, s);
            }
            self.lca.insert(b, lca);
        }
    }

    fn lowest_common_ancestor(&self, mut lhs: usize, mut rhs: usize) -> usize {
        while let (Some(lp), Some(rp)) = (self.scopes[lhs].parent, self.scopes[rhs].parent) {
            if lhs == rhs {
                break;
            }
            let (ld, rd) = (self.scopes[lhs].depth, self.scopes[rhs].depth);
            if ld == rd {
                lhs = lp;
                rhs = rp;
            } else if ld < rd {
                rhs = rp;
            } else {
                lhs = lp;
            }
        }
        if self.scopes[lhs].parent.is_none() {
            return lhs;
        }
        rhs
    }
}

//! The common prefix of every variable and buffer: the chain of enclosing nodes shared by all
//! of its occurrences (TVM's `IRDocsifier::SetCommonPrefix`).
//!
//! The printer declares a variable that is used before any definition (a free variable) in the
//! innermost open frame whose node lies on this chain, so the declaration sits above every use.
//! Only nodes that can own a printer frame are recorded: the function (as [`FUNC_NODE`]),
//! statements, blocks and comm-reducers, each identified by its address (stable while the IR is
//! borrowed). As in TVM, a buffer's fields (data pointer, shape, strides, offset) are visited at
//! its first occurrence only. The walk costs a pass over the whole function, so the printer only
//! makes it when a free variable or buffer actually needs placing ([`PrefixRoot`]).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::ir::{
    AttrValue, Block, Buffer, BufferRegion, CommReducer, Expr, IterVar, PrimExpr, PrimFunc, Range,
    Stmt, StmtNode, Var,
};

/// The identity of a frame-owning node.
pub(crate) type NodeId = usize;

/// A hasher for ids that are already well spread integers (var, buffer and node identities):
/// one multiplication instead of SipHash, which dominated the printer's profile.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A map keyed by ids.
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;
/// A set of ids.
pub(crate) type IdSet<K> = HashSet<K, BuildHasherDefault<IdHasher>>;

/// The node id of the function being printed (one function frame is open at a time).
pub(crate) const FUNC_NODE: NodeId = 1;

/// The object whose common prefixes are computed, on first need.
#[derive(Clone, Debug, Default)]
pub(crate) enum PrefixRoot {
    #[default]
    Nothing,
    Func(PrimFunc),
    Stmt(Stmt),
    Expr(PrimExpr),
    Buffer(Buffer),
}

impl PrefixRoot {
    /// Walks the root and returns the common prefix of every var and buffer in it.
    pub(crate) fn compute(&self) -> CommonPrefix {
        let mut walker = PrefixWalker::default();
        match self {
            PrefixRoot::Nothing => {}
            PrefixRoot::Func(f) => walker.func(f),
            PrefixRoot::Stmt(s) => walker.stmt(s),
            PrefixRoot::Expr(e) => walker.expr(e),
            PrefixRoot::Buffer(b) => walker.buffer(b),
        }
        walker.out
    }
}

pub(crate) fn stmt_id(s: &Stmt) -> NodeId {
    s.node() as *const StmtNode as usize
}
pub(crate) fn block_id(b: &Arc<Block>) -> NodeId {
    Arc::as_ptr(b) as usize
}
pub(crate) fn reducer_id(r: &Arc<CommReducer>) -> NodeId {
    Arc::as_ptr(r) as usize
}

/// For each var or buffer id, the chain of frame-owning nodes common to all its occurrences.
#[derive(Default)]
pub(crate) struct CommonPrefix {
    pub(crate) paths: IdMap<u64, Vec<NodeId>>,
}

/// The walk that computes a [`CommonPrefix`].
#[derive(Default)]
pub(crate) struct PrefixWalker {
    stack: Vec<NodeId>,
    seen_buffers: IdSet<u64>,
    out: CommonPrefix,
}

impl PrefixWalker {
    fn occur(&mut self, id: u64) {
        match self.out.paths.get_mut(&id) {
            None => {
                self.out.paths.insert(id, self.stack.clone());
            }
            Some(path) => {
                let common = path.iter().zip(&self.stack).take_while(|(a, b)| a == b).count();
                path.truncate(common);
            }
        }
    }

    fn var(&mut self, v: &Var) {
        self.occur(v.id());
    }

    fn buffer(&mut self, b: &Buffer) {
        if self.seen_buffers.insert(b.id()) {
            self.var(b.data());
            for e in b.shape().iter().chain(b.strides()) {
                self.expr(e);
            }
            self.expr(b.elem_offset());
        }
        self.occur(b.id());
    }

    fn func(&mut self, f: &PrimFunc) {
        self.stack.push(FUNC_NODE);
        for p in &f.params {
            self.var(p);
        }
        for (p, b) in &f.buffer_map {
            self.var(p);
            self.buffer(b);
        }
        self.stmt(&f.body);
        for (_, v) in f.attrs.iter() {
            self.attr_value(v);
        }
        self.stack.pop();
    }

    fn attr_value(&mut self, v: &AttrValue) {
        match v {
            AttrValue::Expr(e) => self.expr(e),
            AttrValue::Buffer(b) => self.buffer(b),
            AttrValue::IterVar(iv) => self.iter_var(iv),
            AttrValue::CommReducer(r) => self.comm_reducer(r),
            AttrValue::Array(items) => items.iter().for_each(|i| self.attr_value(i)),
            AttrValue::Map(map) | AttrValue::Target(map) => {
                map.iter().for_each(|(_, i)| self.attr_value(i))
            }
            AttrValue::None
            | AttrValue::Bool(_)
            | AttrValue::Int(_)
            | AttrValue::Float(_)
            | AttrValue::Str(_)
            | AttrValue::Global(_) => {}
        }
    }

    /// A reducer is its own frame: its lhs/rhs vars are defined by the lambda it prints as.
    fn comm_reducer(&mut self, combiner: &Arc<CommReducer>) {
        self.stack.push(reducer_id(combiner));
        combiner.lhs.iter().chain(&combiner.rhs).for_each(|v| self.var(v));
        combiner.result.iter().chain(&combiner.identity_element).for_each(|x| self.expr(x));
        self.stack.pop();
    }

    fn range(&mut self, r: &Range) {
        self.expr(&r.min);
        self.expr(&r.extent);
    }

    fn iter_var(&mut self, iv: &IterVar) {
        self.var(&iv.var);
        if let Some(dom) = &iv.dom {
            self.range(dom);
        }
    }

    fn region(&mut self, r: &BufferRegion) {
        self.buffer(&r.buffer);
        r.region.iter().for_each(|range| self.range(range));
    }

    fn annotations(&mut self, a: &crate::ir::Annotations) {
        a.iter().for_each(|(_, v)| self.attr_value(v));
    }

    fn block(&mut self, b: &Arc<Block>) {
        self.stack.push(block_id(b));
        b.iter_vars.iter().for_each(|iv| self.iter_var(iv));
        b.reads.iter().chain(&b.writes).for_each(|r| self.region(r));
        b.alloc_buffers.iter().for_each(|buf| self.buffer(buf));
        for m in &b.match_buffers {
            self.buffer(&m.buffer);
            self.region(&m.source);
        }
        self.annotations(&b.annotations);
        if let Some(init) = &b.init {
            self.stmt(init);
        }
        self.stmt(&b.body);
        self.stack.pop();
    }

    fn stmt(&mut self, s: &Stmt) {
        self.stack.push(stmt_id(s));
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                self.buffer(buffer);
                self.expr(value);
                indices.iter().for_each(|i| self.expr(i));
                if let Some(p) = predicate {
                    self.expr(p);
                }
            }
            StmtNode::Evaluate(e) => self.expr(e),
            StmtNode::SeqStmt(seq) => seq.iter().for_each(|s| self.stmt(s)),
            StmtNode::For(f) => {
                self.var(&f.loop_var);
                self.expr(&f.min);
                self.expr(&f.extent);
                if let Some(iv) = &f.thread_binding {
                    self.iter_var(iv);
                }
                self.annotations(&f.annotations);
                if let Some(step) = &f.step {
                    self.expr(step);
                }
                self.stmt(&f.body);
            }
            StmtNode::While { condition, body } => {
                self.expr(condition);
                self.stmt(body);
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                self.expr(condition);
                self.stmt(then_case);
                if let Some(e) = else_case {
                    self.stmt(e);
                }
            }
            StmtNode::LetStmt { var, value, body } => {
                self.var(var);
                self.expr(value);
                self.stmt(body);
            }
            StmtNode::AttrStmt { node, value, body, .. } => {
                self.attr_value(node);
                self.expr(value);
                self.stmt(body);
            }
            StmtNode::AssertStmt { condition, message, body } => {
                self.expr(condition);
                self.expr(message);
                self.stmt(body);
            }
            StmtNode::Allocate { buffer_var, extents, condition, body, annotations, .. } => {
                self.var(buffer_var);
                extents.iter().for_each(|e| self.expr(e));
                self.expr(condition);
                self.stmt(body);
                self.annotations(annotations);
            }
            StmtNode::AllocateConst { buffer_var, extents, body, annotations, .. } => {
                self.var(buffer_var);
                extents.iter().for_each(|e| self.expr(e));
                self.stmt(body);
                self.annotations(annotations);
            }
            StmtNode::DeclBuffer { buffer, body } => {
                self.buffer(buffer);
                self.stmt(body);
            }
            StmtNode::BufferRealize { buffer, bounds, condition, body } => {
                self.buffer(buffer);
                bounds.iter().for_each(|r| self.range(r));
                self.expr(condition);
                self.stmt(body);
            }
            StmtNode::Block(b) => self.block(b),
            StmtNode::BlockRealize(r) => {
                r.iter_values.iter().for_each(|v| self.expr(v));
                self.expr(&r.predicate);
                self.block(&r.block);
            }
        }
        self.stack.pop();
    }

    fn expr(&mut self, e: &PrimExpr) {
        match e.expr() {
            Expr::IntImm(_) | Expr::FloatImm(_) | Expr::StringImm(_) => {}
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
                indices.iter().for_each(|i| self.expr(i));
                if let Some(p) = predicate {
                    self.expr(p);
                }
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
                vectors.iter().chain(indices).for_each(|x| self.expr(x));
            }
            Expr::Let { var, value, body } => {
                self.var(var);
                self.expr(value);
                self.expr(body);
            }
            Expr::Call { args, .. } => args.iter().for_each(|a| self.expr(a)),
            Expr::Reduce { combiner, source, init, axis, condition, .. } => {
                self.comm_reducer(combiner);
                source.iter().chain(init).for_each(|x| self.expr(x));
                axis.iter().for_each(|iv| self.iter_var(iv));
                self.expr(condition);
            }
        }
    }
}

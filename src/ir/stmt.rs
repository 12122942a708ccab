//! TIR statements: `Stmt`, an immutable, cheaply cloned handle to a `StmtNode`.
//!
//! Variants carry TVM's node names and fields. `Block` is a shared `Arc<Block>` so passes can look at
//! a block without cloning its fields. A `SeqStmt` is never nested directly in another `SeqStmt` and
//! never holds fewer than two statements when made by `Stmt::seq`.

use std::sync::Arc;

use super::attrs::{Annotations, AttrValue};
use super::buffer::{Buffer, BufferRegion, IterVar, MatchBufferRegion, Range};
use super::dtype::DataType;
use super::expr::PrimExpr;
use super::var::Var;

/// The kind of a `For` loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ForKind {
    Serial,
    Parallel,
    Vectorized,
    Unrolled,
    ThreadBinding,
}

/// A loop over `[min, min + extent)`.
#[derive(Clone, Debug)]
pub struct For {
    pub loop_var: Var,
    pub min: PrimExpr,
    pub extent: PrimExpr,
    pub kind: ForKind,
    pub body: Stmt,
    /// The thread a `ThreadBinding` loop is bound to.
    pub thread_binding: Option<IterVar>,
    pub annotations: Annotations,
    /// The loop step; `None` means 1.
    pub step: Option<PrimExpr>,
}

/// A block: the unit of scheduling, with iteration variables and declared buffer accesses.
#[derive(Clone, Debug)]
pub struct Block {
    pub iter_vars: Vec<IterVar>,
    pub reads: Vec<BufferRegion>,
    pub writes: Vec<BufferRegion>,
    pub name_hint: String,
    pub alloc_buffers: Vec<Buffer>,
    pub match_buffers: Vec<MatchBufferRegion>,
    pub annotations: Annotations,
    pub init: Option<Stmt>,
    pub body: Stmt,
}

/// A block together with the values bound to its iteration variables.
#[derive(Clone, Debug)]
pub struct BlockRealize {
    pub iter_values: Vec<PrimExpr>,
    pub predicate: PrimExpr,
    pub block: Arc<Block>,
}

/// The constant contents of an `AllocateConst`.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstData {
    Int(Vec<i64>),
    Float(Vec<f64>),
}

/// A statement node.
#[derive(Clone, Debug)]
pub enum StmtNode {
    BufferStore {
        buffer: Buffer,
        value: PrimExpr,
        indices: Vec<PrimExpr>,
        predicate: Option<PrimExpr>,
    },
    Evaluate(PrimExpr),
    SeqStmt(Vec<Stmt>),
    For(For),
    While {
        condition: PrimExpr,
        body: Stmt,
    },
    IfThenElse {
        condition: PrimExpr,
        then_case: Stmt,
        else_case: Option<Stmt>,
    },
    LetStmt {
        var: Var,
        value: PrimExpr,
        body: Stmt,
    },
    AttrStmt {
        node: AttrValue,
        attr_key: String,
        value: PrimExpr,
        body: Stmt,
    },
    AssertStmt {
        condition: PrimExpr,
        message: PrimExpr,
        body: Stmt,
    },
    Allocate {
        buffer_var: Var,
        dtype: DataType,
        extents: Vec<PrimExpr>,
        condition: PrimExpr,
        body: Stmt,
        annotations: Annotations,
    },
    AllocateConst {
        buffer_var: Var,
        data: Option<ConstData>,
        irmod_storage_idx: Option<i64>,
        dtype: DataType,
        extents: Vec<PrimExpr>,
        body: Stmt,
        annotations: Annotations,
    },
    DeclBuffer {
        buffer: Buffer,
        body: Stmt,
    },
    BufferRealize {
        buffer: Buffer,
        bounds: Vec<Range>,
        condition: PrimExpr,
        body: Stmt,
    },
    /// A block without bindings (TVM's `no_realize` blocks).
    Block(Arc<Block>),
    BlockRealize(BlockRealize),
}

/// A TIR statement.
#[derive(Clone, Debug)]
pub struct Stmt(Arc<StmtNode>);

impl Stmt {
    pub fn new(node: StmtNode) -> Stmt {
        Stmt(Arc::new(node))
    }
    pub fn node(&self) -> &StmtNode {
        &self.0
    }
    /// Whether both handles share one node.
    pub fn ptr_eq(&self, other: &Stmt) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
    /// A no-op statement: `T.evaluate(0)`, as TVM's empty body.
    pub fn no_op() -> Stmt {
        Stmt::new(StmtNode::Evaluate(PrimExpr::i32(0)))
    }
    /// Whether this is `T.evaluate(c)` for an integer constant `c`, TVM's no-op form.
    pub fn is_no_op(&self) -> bool {
        matches!(self.node(), StmtNode::Evaluate(e) if e.as_int().is_some())
    }
    /// A sequence of statements, flattening nested sequences; one statement stands alone and
    /// none gives a no-op, as TVM's `SeqStmt::Flatten` does.
    pub fn seq(stmts: Vec<Stmt>) -> Stmt {
        let mut flat = Vec::with_capacity(stmts.len());
        for s in stmts {
            match s.node() {
                StmtNode::SeqStmt(inner) => flat.extend(inner.iter().cloned()),
                _ => flat.push(s),
            }
        }
        match flat.len() {
            0 => Stmt::no_op(),
            1 => flat.pop().unwrap_or_else(Stmt::no_op),
            _ => Stmt::new(StmtNode::SeqStmt(flat)),
        }
    }
    pub fn evaluate(value: PrimExpr) -> Stmt {
        Stmt::new(StmtNode::Evaluate(value))
    }
    pub fn buffer_store(buffer: &Buffer, value: PrimExpr, indices: Vec<PrimExpr>) -> Stmt {
        Stmt::new(StmtNode::BufferStore { buffer: buffer.clone(), value, indices, predicate: None })
    }
}

impl From<For> for Stmt {
    fn from(f: For) -> Stmt {
        Stmt::new(StmtNode::For(f))
    }
}

impl From<BlockRealize> for Stmt {
    fn from(r: BlockRealize) -> Stmt {
        Stmt::new(StmtNode::BlockRealize(r))
    }
}

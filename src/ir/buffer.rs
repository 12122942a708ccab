//! Buffers, ranges, iteration variables and buffer regions.
//!
//! A `Buffer` has identity like a `Var`: it is created once (by a parameter, `match_buffer`,
//! `alloc_buffer` or `decl_buffer`) and shared by reference between the function's `buffer_map`,
//! loads, stores and regions. Its storage scope lives on its data pointer's type annotation, as in TVM.

use std::fmt;
use std::sync::Arc;

use super::dtype::DataType;
use super::expr::PrimExpr;
use super::var::{Var, fresh_id};

/// A half-open integer range `[min, min + extent)`.
#[derive(Clone, Debug)]
pub struct Range {
    pub min: PrimExpr,
    pub extent: PrimExpr,
}

impl Range {
    pub fn new(min: PrimExpr, extent: PrimExpr) -> Range {
        Range { min, extent }
    }
    /// `[0, extent)` with a zero of the extent's dtype.
    pub fn from_extent(extent: PrimExpr) -> Range {
        Range { min: PrimExpr::int(0, extent.dtype()), extent }
    }
    /// The single point `[index, index + 1)`.
    pub fn point(index: PrimExpr) -> Range {
        Range { extent: PrimExpr::int(1, index.dtype()), min: index }
    }
}

/// The role of an iteration variable, as TVM's `IterVarType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IterVarType {
    DataPar,
    ThreadIndex,
    CommReduce,
    Ordered,
    Opaque,
    Unrolled,
    Vectorized,
    Parallelized,
    Tensorized,
}

/// An iteration variable: a var with a domain, a role and, for threads, a thread tag.
///
/// `dom` is `None` where TVM leaves it undefined: the IterVar of a `T.thread_binding` loop and an
/// `T.env_thread` before its `T.launch_thread`.
#[derive(Clone, Debug)]
pub struct IterVar {
    pub var: Var,
    pub dom: Option<Range>,
    pub iter_type: IterVarType,
    pub thread_tag: String,
}

/// How a buffer broadcasts, as TVM's `BufferType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BufferType {
    Default,
    AutoBroadcast,
}

/// The fields of a buffer. A clone is a copy of the fields: wrapped in `Buffer::new` it is a new
/// buffer (buffers are compared by identity), which is how passes derive a buffer from another.
#[derive(Clone, Debug)]
pub struct BufferNode {
    pub name: String,
    pub data: Var,
    pub dtype: DataType,
    pub shape: Vec<PrimExpr>,
    pub strides: Vec<PrimExpr>,
    pub elem_offset: PrimExpr,
    pub data_alignment: i64,
    pub offset_factor: i64,
    pub buffer_type: BufferType,
    pub axis_separators: Vec<i64>,
}

/// A multi-dimensional view of memory.
#[derive(Clone)]
pub struct Buffer {
    id: u64,
    node: Arc<BufferNode>,
}

impl Buffer {
    /// A new buffer with a new identity.
    pub fn new(node: BufferNode) -> Buffer {
        Buffer { id: fresh_id(), node: Arc::new(node) }
    }
    pub fn id(&self) -> u64 {
        self.id
    }
    pub fn node(&self) -> &BufferNode {
        &self.node
    }
    pub fn name(&self) -> &str {
        &self.node.name
    }
    pub fn data(&self) -> &Var {
        &self.node.data
    }
    pub fn dtype(&self) -> DataType {
        self.node.dtype
    }
    pub fn shape(&self) -> &[PrimExpr] {
        &self.node.shape
    }
    pub fn strides(&self) -> &[PrimExpr] {
        &self.node.strides
    }
    pub fn elem_offset(&self) -> &PrimExpr {
        &self.node.elem_offset
    }
    /// The storage scope, from the data pointer's annotation; `"global"` when none is given.
    pub fn scope(&self) -> &str {
        match self.node.data.storage_scope() {
            "" => "global",
            scope => scope,
        }
    }
    /// The region covering the whole buffer.
    pub fn full_region(&self) -> BufferRegion {
        let region = self.shape().iter().map(|e| Range::from_extent(e.clone())).collect();
        BufferRegion { buffer: self.clone(), region }
    }
}

impl PartialEq for Buffer {
    fn eq(&self, other: &Buffer) -> bool {
        self.id == other.id
    }
}
impl Eq for Buffer {}
impl std::hash::Hash for Buffer {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state)
    }
}
impl fmt::Debug for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Buffer({}#{}, {}, {:?})",
            self.node.name, self.id, self.node.dtype, self.node.shape
        )
    }
}

/// A rectangular region of a buffer.
#[derive(Clone, Debug)]
pub struct BufferRegion {
    pub buffer: Buffer,
    pub region: Vec<Range>,
}

/// A buffer declared as a view of a region of another (`T.match_buffer` inside a block).
#[derive(Clone, Debug)]
pub struct MatchBufferRegion {
    pub buffer: Buffer,
    pub source: BufferRegion,
}

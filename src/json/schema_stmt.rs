//! The JSON form of statements: one-key objects `{"<kind>": <fields>}`, with `body` last so a
//! nested statement reads top to bottom.

use serde::{Deserialize, Serialize};

use super::attr::{AnnotationsJson, Attr};
use super::schema::{BufferId, IterVarJson, RangeJson, RegionJson, VarId, no_entries};
use super::values::{Counted, DType, FloatValue};

/// A statement node, counted as one nesting level.
pub type Stmt = Counted<StmtKind>;

/// The kinds of statement nodes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum StmtKind {
    BufferStore(BufferStore),
    Evaluate(super::schema::Expr),
    /// `SeqStmt`: the statements in order.
    Seq(Vec<Stmt>),
    For(Box<ForJson>),
    While(While),
    IfThenElse(IfThenElse),
    LetStmt(LetStmt),
    AttrStmt(Box<AttrStmt>),
    AssertStmt(AssertStmt),
    Allocate(Allocate),
    AllocateConst(AllocateConst),
    DeclBuffer(DeclBuffer),
    BufferRealize(BufferRealize),
    /// A block without bindings.
    Block(Box<BlockJson>),
    BlockRealize(Box<BlockRealizeJson>),
}

type Expr = super::schema::Expr;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BufferStore {
    pub buffer: BufferId,
    pub value: Expr,
    pub indices: Vec<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<Expr>,
}

/// The kind of a `For` loop.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForKindJson {
    Serial,
    Parallel,
    Vectorized,
    Unrolled,
    ThreadBinding,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForJson {
    pub loop_var: VarId,
    pub min: Expr,
    pub extent: Expr,
    pub kind: ForKindJson,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_binding: Option<IterVarJson>,
    #[serde(default, skip_serializing_if = "no_entries")]
    pub annotations: AnnotationsJson,
    pub body: Stmt,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct While {
    pub condition: Expr,
    pub body: Box<Stmt>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IfThenElse {
    pub condition: Expr,
    pub then_case: Box<Stmt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub else_case: Option<Box<Stmt>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetStmt {
    pub var: VarId,
    pub value: Expr,
    pub body: Box<Stmt>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttrStmt {
    pub node: Attr,
    pub attr_key: String,
    pub value: Expr,
    pub body: Stmt,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssertStmt {
    pub condition: Expr,
    pub message: Expr,
    pub body: Box<Stmt>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocate {
    pub buffer_var: VarId,
    pub dtype: DType,
    pub extents: Vec<Expr>,
    /// Omitted when it is the constant `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Expr>,
    #[serde(default, skip_serializing_if = "no_entries")]
    pub annotations: AnnotationsJson,
    pub body: Box<Stmt>,
}

/// The constant contents of an `AllocateConst`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConstDataJson {
    Int(Vec<i64>),
    Float(Vec<FloatValue>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocateConst {
    pub buffer_var: VarId,
    pub dtype: DType,
    pub extents: Vec<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<ConstDataJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub irmod_storage_idx: Option<i64>,
    #[serde(default, skip_serializing_if = "no_entries")]
    pub annotations: AnnotationsJson,
    pub body: Box<Stmt>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclBuffer {
    pub buffer: BufferId,
    pub body: Box<Stmt>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BufferRealize {
    pub buffer: BufferId,
    pub bounds: Vec<RangeJson>,
    /// Omitted when it is the constant `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Expr>,
    pub body: Box<Stmt>,
}

/// A buffer declared as a view of a region of another buffer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchBufferJson {
    pub buffer: BufferId,
    pub source: RegionJson,
}

fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// A block. Empty lists and maps are omitted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockJson {
    pub name_hint: String,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub iter_vars: Vec<IterVarJson>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub reads: Vec<RegionJson>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub writes: Vec<RegionJson>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub alloc_buffers: Vec<BufferId>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub match_buffers: Vec<MatchBufferJson>,
    #[serde(default, skip_serializing_if = "no_entries")]
    pub annotations: AnnotationsJson,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<Stmt>,
    pub body: Stmt,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockRealizeJson {
    pub iter_values: Vec<Expr>,
    /// Omitted when it is the constant `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<Expr>,
    pub block: BlockJson,
}

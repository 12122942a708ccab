//! The TIR data model: dtypes, expressions, statements, buffers, functions and modules.
//!
//! Design (identity and sharing): every node is immutable and lives behind an `Arc`, so clones are
//! cheap and the whole IR is `Send + Sync`. Variables, buffers and global vars carry a process-unique
//! id fixed at creation: identity is the id, never the name hint. Structural equality (in
//! `analysis::structural_eq`) compares trees modulo a consistent renaming of those identities.
//! Source spans are not stored in the IR; the parser keeps them in side tables.

pub mod attrs;
pub mod buffer;
pub mod dtype;
pub mod error;
pub mod expr;
pub mod global_info;
pub mod module;
pub mod mutate;
pub mod op;
pub mod stmt;
pub mod var;
pub mod visit;

pub use attrs::{Annotations, AttrValue};
pub use buffer::{
    Buffer, BufferNode, BufferRegion, BufferType, IterVar, IterVarType, MatchBufferRegion, Range,
};
pub use dtype::{DTypeError, DataType, Lanes, TypeCode};
pub use error::IrError;
pub use expr::{BinaryOp, Callee, CmpOp, CommReducer, Expr, PrimExpr};
pub use global_info::{GlobalInfo, GlobalInfos};
pub use module::{IRModule, PrimFunc};
pub use op::{CallEffectKind, Op, OpDef};
pub use stmt::{Block, BlockRealize, ConstData, For, ForKind, Stmt, StmtNode};
pub use var::{GlobalVar, Type, Var};

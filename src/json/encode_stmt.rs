//! IR → typed JSON document: statements (the `Encoder` walk continues here from `encode.rs`).

use super::encode::Encoder;
use super::natural::is_const_true;
use super::schema::Stmt;
use super::schema_stmt::{
    Allocate, AllocateConst, AssertStmt, AttrStmt, BlockJson, BlockRealizeJson, BufferRealize,
    BufferStore, ConstDataJson, DeclBuffer, ForJson, ForKindJson, IfThenElse, LetStmt,
    MatchBufferJson, StmtKind, While,
};
use super::values::{Counted, DType, FloatValue, with_stack};
use crate::ir::{Block, ConstData, ForKind, PrimExpr, Stmt as IrStmt, StmtNode};

impl Encoder {
    pub(super) fn stmt(&mut self, s: &IrStmt) -> Stmt {
        with_stack(|| Counted(self.stmt_kind(s)))
    }

    fn boxed_stmt(&mut self, s: &IrStmt) -> Box<Stmt> {
        Box::new(self.stmt(s))
    }

    /// An optional condition, omitted when it is the constant `true`.
    fn condition(&mut self, e: &PrimExpr) -> Option<super::schema::Expr> {
        (!is_const_true(e)).then(|| self.expr(e))
    }

    fn stmt_kind(&mut self, s: &IrStmt) -> StmtKind {
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                StmtKind::BufferStore(BufferStore {
                    buffer: self.buffer(buffer),
                    value: self.expr(value),
                    indices: self.exprs(indices),
                    predicate: predicate.as_ref().map(|p| self.expr(p)),
                })
            }
            StmtNode::Evaluate(value) => StmtKind::Evaluate(self.expr(value)),
            StmtNode::SeqStmt(stmts) => StmtKind::Seq(stmts.iter().map(|s| self.stmt(s)).collect()),
            StmtNode::For(f) => StmtKind::For(Box::new(ForJson {
                loop_var: self.var(&f.loop_var),
                min: self.expr(&f.min),
                extent: self.expr(&f.extent),
                kind: match f.kind {
                    ForKind::Serial => ForKindJson::Serial,
                    ForKind::Parallel => ForKindJson::Parallel,
                    ForKind::Vectorized => ForKindJson::Vectorized,
                    ForKind::Unrolled => ForKindJson::Unrolled,
                    ForKind::ThreadBinding => ForKindJson::ThreadBinding,
                },
                step: f.step.as_ref().map(|e| self.expr(e)),
                thread_binding: f.thread_binding.as_ref().map(|iv| self.iter_var(iv)),
                annotations: self.annotations(&f.annotations),
                body: self.stmt(&f.body),
            })),
            StmtNode::While { condition, body } => StmtKind::While(While {
                condition: self.expr(condition),
                body: self.boxed_stmt(body),
            }),
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                StmtKind::IfThenElse(IfThenElse {
                    condition: self.expr(condition),
                    then_case: self.boxed_stmt(then_case),
                    else_case: else_case.as_ref().map(|s| self.boxed_stmt(s)),
                })
            }
            StmtNode::LetStmt { var, value, body } => StmtKind::LetStmt(LetStmt {
                var: self.var(var),
                value: self.expr(value),
                body: self.boxed_stmt(body),
            }),
            StmtNode::AttrStmt { node, attr_key, value, body } => {
                StmtKind::AttrStmt(Box::new(AttrStmt {
                    node: self.attr(node),
                    attr_key: attr_key.clone(),
                    value: self.expr(value),
                    body: self.stmt(body),
                }))
            }
            StmtNode::AssertStmt { condition, message, body } => StmtKind::AssertStmt(AssertStmt {
                condition: self.expr(condition),
                message: self.expr(message),
                body: self.boxed_stmt(body),
            }),
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations } => {
                StmtKind::Allocate(Allocate {
                    buffer_var: self.var(buffer_var),
                    dtype: DType(*dtype),
                    extents: self.exprs(extents),
                    condition: self.condition(condition),
                    annotations: self.annotations(annotations),
                    body: self.boxed_stmt(body),
                })
            }
            StmtNode::AllocateConst {
                buffer_var,
                data,
                irmod_storage_idx,
                dtype,
                extents,
                body,
                annotations,
            } => StmtKind::AllocateConst(AllocateConst {
                buffer_var: self.var(buffer_var),
                dtype: DType(*dtype),
                extents: self.exprs(extents),
                data: data.as_ref().map(|d| match d {
                    ConstData::Int(values) => ConstDataJson::Int(values.clone()),
                    ConstData::Float(values) => {
                        ConstDataJson::Float(values.iter().copied().map(FloatValue).collect())
                    }
                }),
                irmod_storage_idx: *irmod_storage_idx,
                annotations: self.annotations(annotations),
                body: self.boxed_stmt(body),
            }),
            StmtNode::DeclBuffer { buffer, body } => StmtKind::DeclBuffer(DeclBuffer {
                buffer: self.buffer(buffer),
                body: self.boxed_stmt(body),
            }),
            StmtNode::BufferRealize { buffer, bounds, condition, body } => {
                StmtKind::BufferRealize(BufferRealize {
                    buffer: self.buffer(buffer),
                    bounds: bounds.iter().map(|r| self.range(r)).collect(),
                    condition: self.condition(condition),
                    body: self.boxed_stmt(body),
                })
            }
            StmtNode::Block(block) => StmtKind::Block(Box::new(self.block(block))),
            StmtNode::BlockRealize(realize) => StmtKind::BlockRealize(Box::new(BlockRealizeJson {
                iter_values: self.exprs(&realize.iter_values),
                predicate: self.condition(&realize.predicate),
                block: self.block(&realize.block),
            })),
        }
    }

    fn block(&mut self, block: &Block) -> BlockJson {
        BlockJson {
            name_hint: block.name_hint.clone(),
            iter_vars: block.iter_vars.iter().map(|iv| self.iter_var(iv)).collect(),
            reads: block.reads.iter().map(|r| self.region(r)).collect(),
            writes: block.writes.iter().map(|r| self.region(r)).collect(),
            alloc_buffers: block.alloc_buffers.iter().map(|b| self.buffer(b)).collect(),
            match_buffers: block
                .match_buffers
                .iter()
                .map(|m| MatchBufferJson {
                    buffer: self.buffer(&m.buffer),
                    source: self.region(&m.source),
                })
                .collect(),
            annotations: self.annotations(&block.annotations),
            init: block.init.as_ref().map(|s| self.stmt(s)),
            body: self.stmt(&block.body),
        }
    }
}

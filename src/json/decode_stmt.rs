//! Typed JSON document → IR: statements (the `Decoder` continues here from `decode.rs`).

use std::sync::Arc;

use super::decode::Decoder;
use super::error::{JsonError, Path};
use super::schema::{Expr, Stmt};
use super::schema_stmt::{BlockJson, ConstDataJson, ForKindJson, StmtKind};
use super::values::with_stack;
use crate::ir::{
    Block, BlockRealize, ConstData, For, ForKind, MatchBufferRegion, PrimExpr, Stmt as IrStmt,
    StmtNode,
};

type Result<T> = std::result::Result<T, JsonError>;

impl Decoder {
    /// Builds the statement at `path` (the path of its one-key object).
    pub(super) fn stmt(&mut self, s: Stmt, path: &Path) -> Result<IrStmt> {
        with_stack(|| {
            let kind = stmt_kind_name(&s.0);
            let node = self.stmt_node(s.0, &path.key(kind))?;
            Ok(IrStmt::new(node))
        })
    }

    fn opt_expr(&mut self, e: Option<Expr>, path: &Path) -> Result<Option<PrimExpr>> {
        e.map(|e| self.expr(e, path)).transpose()
    }

    /// An optional condition: absent means the constant `true`.
    fn condition(&mut self, e: Option<Expr>, path: &Path) -> Result<PrimExpr> {
        Ok(self.opt_expr(e, path)?.unwrap_or_else(|| PrimExpr::bool(true)))
    }

    fn stmt_node(&mut self, kind: StmtKind, path: &Path) -> Result<StmtNode> {
        Ok(match kind {
            StmtKind::BufferStore(f) => StmtNode::BufferStore {
                buffer: self.buffer(f.buffer, &path.key("buffer"))?,
                value: self.expr(f.value, &path.key("value"))?,
                indices: self.exprs(f.indices, &path.key("indices"))?,
                predicate: self.opt_expr(f.predicate, &path.key("predicate"))?,
            },
            StmtKind::Evaluate(e) => StmtNode::Evaluate(self.expr(e, path)?),
            StmtKind::Seq(stmts) => StmtNode::SeqStmt(
                stmts
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| self.stmt(s, &path.index(i)))
                    .collect::<Result<Vec<_>>>()?,
            ),
            StmtKind::For(f) => {
                let f = *f;
                StmtNode::For(For {
                    loop_var: self.var(f.loop_var, &path.key("loop_var"))?,
                    min: self.expr(f.min, &path.key("min"))?,
                    extent: self.expr(f.extent, &path.key("extent"))?,
                    kind: match f.kind {
                        ForKindJson::Serial => ForKind::Serial,
                        ForKindJson::Parallel => ForKind::Parallel,
                        ForKindJson::Vectorized => ForKind::Vectorized,
                        ForKindJson::Unrolled => ForKind::Unrolled,
                        ForKindJson::ThreadBinding => ForKind::ThreadBinding,
                    },
                    step: self.opt_expr(f.step, &path.key("step"))?,
                    thread_binding: match f.thread_binding {
                        Some(iv) => Some(self.iter_var(iv, &path.key("thread_binding"))?),
                        None => None,
                    },
                    annotations: self.annotations(f.annotations, &path.key("annotations"))?,
                    body: self.stmt(f.body, &path.key("body"))?,
                })
            }
            StmtKind::While(f) => StmtNode::While {
                condition: self.expr(f.condition, &path.key("condition"))?,
                body: self.stmt(*f.body, &path.key("body"))?,
            },
            StmtKind::IfThenElse(f) => StmtNode::IfThenElse {
                condition: self.expr(f.condition, &path.key("condition"))?,
                then_case: self.stmt(*f.then_case, &path.key("then_case"))?,
                else_case: match f.else_case {
                    Some(s) => Some(self.stmt(*s, &path.key("else_case"))?),
                    None => None,
                },
            },
            StmtKind::LetStmt(f) => StmtNode::LetStmt {
                var: self.var(f.var, &path.key("var"))?,
                value: self.expr(f.value, &path.key("value"))?,
                body: self.stmt(*f.body, &path.key("body"))?,
            },
            StmtKind::AttrStmt(f) => {
                let f = *f;
                StmtNode::AttrStmt {
                    node: self.attr(f.node, &path.key("node"))?,
                    attr_key: f.attr_key,
                    value: self.expr(f.value, &path.key("value"))?,
                    body: self.stmt(f.body, &path.key("body"))?,
                }
            }
            StmtKind::AssertStmt(f) => StmtNode::AssertStmt {
                condition: self.expr(f.condition, &path.key("condition"))?,
                message: self.expr(f.message, &path.key("message"))?,
                body: self.stmt(*f.body, &path.key("body"))?,
            },
            StmtKind::Allocate(f) => StmtNode::Allocate {
                buffer_var: self.var(f.buffer_var, &path.key("buffer_var"))?,
                dtype: f.dtype.0,
                extents: self.exprs(f.extents, &path.key("extents"))?,
                condition: self.condition(f.condition, &path.key("condition"))?,
                annotations: self.annotations(f.annotations, &path.key("annotations"))?,
                body: self.stmt(*f.body, &path.key("body"))?,
            },
            StmtKind::AllocateConst(f) => StmtNode::AllocateConst {
                buffer_var: self.var(f.buffer_var, &path.key("buffer_var"))?,
                dtype: f.dtype.0,
                extents: self.exprs(f.extents, &path.key("extents"))?,
                data: f.data.map(|data| match data {
                    ConstDataJson::Int(values) => ConstData::Int(values),
                    ConstDataJson::Float(values) => {
                        ConstData::Float(values.into_iter().map(|v| v.0).collect())
                    }
                }),
                irmod_storage_idx: f.irmod_storage_idx,
                annotations: self.annotations(f.annotations, &path.key("annotations"))?,
                body: self.stmt(*f.body, &path.key("body"))?,
            },
            StmtKind::DeclBuffer(f) => StmtNode::DeclBuffer {
                buffer: self.buffer(f.buffer, &path.key("buffer"))?,
                body: self.stmt(*f.body, &path.key("body"))?,
            },
            StmtKind::BufferRealize(f) => StmtNode::BufferRealize {
                buffer: self.buffer(f.buffer, &path.key("buffer"))?,
                bounds: self.ranges(f.bounds, &path.key("bounds"))?,
                condition: self.condition(f.condition, &path.key("condition"))?,
                body: self.stmt(*f.body, &path.key("body"))?,
            },
            StmtKind::Block(block) => StmtNode::Block(Arc::new(self.block(*block, path)?)),
            StmtKind::BlockRealize(f) => {
                let f = *f;
                StmtNode::BlockRealize(BlockRealize {
                    iter_values: self.exprs(f.iter_values, &path.key("iter_values"))?,
                    predicate: self.condition(f.predicate, &path.key("predicate"))?,
                    block: Arc::new(self.block(f.block, &path.key("block"))?),
                })
            }
        })
    }

    fn block(&mut self, f: BlockJson, path: &Path) -> Result<Block> {
        let alloc_path = path.key("alloc_buffers");
        let alloc_buffers = f
            .alloc_buffers
            .iter()
            .enumerate()
            .map(|(i, &id)| self.buffer(id, &alloc_path.index(i)))
            .collect::<Result<Vec<_>>>()?;
        let match_path = path.key("match_buffers");
        let mut match_buffers = Vec::with_capacity(f.match_buffers.len());
        for (i, m) in f.match_buffers.into_iter().enumerate() {
            let at = match_path.index(i);
            let buffer = self.buffer(m.buffer, &at.key("buffer"))?;
            let source = self.region(m.source, &at.key("source"))?;
            match_buffers.push(MatchBufferRegion { buffer, source });
        }
        let reads_path = path.key("reads");
        let reads = f
            .reads
            .into_iter()
            .enumerate()
            .map(|(i, r)| self.region(r, &reads_path.index(i)))
            .collect::<Result<Vec<_>>>()?;
        let writes_path = path.key("writes");
        let writes = f
            .writes
            .into_iter()
            .enumerate()
            .map(|(i, r)| self.region(r, &writes_path.index(i)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Block {
            iter_vars: self.iter_vars(f.iter_vars, &path.key("iter_vars"))?,
            reads,
            writes,
            name_hint: f.name_hint,
            alloc_buffers,
            match_buffers,
            annotations: self.annotations(f.annotations, &path.key("annotations"))?,
            init: match f.init {
                Some(s) => Some(self.stmt(s, &path.key("init"))?),
                None => None,
            },
            body: self.stmt(f.body, &path.key("body"))?,
        })
    }
}

/// The JSON key of a statement kind.
fn stmt_kind_name(kind: &StmtKind) -> &'static str {
    match kind {
        StmtKind::BufferStore(_) => "buffer_store",
        StmtKind::Evaluate(_) => "evaluate",
        StmtKind::Seq(_) => "seq",
        StmtKind::For(_) => "for",
        StmtKind::While(_) => "while",
        StmtKind::IfThenElse(_) => "if_then_else",
        StmtKind::LetStmt(_) => "let_stmt",
        StmtKind::AttrStmt(_) => "attr_stmt",
        StmtKind::AssertStmt(_) => "assert_stmt",
        StmtKind::Allocate(_) => "allocate",
        StmtKind::AllocateConst(_) => "allocate_const",
        StmtKind::DeclBuffer(_) => "decl_buffer",
        StmtKind::BufferRealize(_) => "buffer_realize",
        StmtKind::Block(_) => "block",
        StmtKind::BlockRealize(_) => "block_realize",
    }
}

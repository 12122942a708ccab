//! Structural hashing of statements, blocks, functions and modules.
//!
//! Mirrors `structural_eq_stmt.rs` field for field and in the same order; see the parent module
//! for the numbering of vars and buffers.

use super::HashContext;
use crate::analysis::structural_eq_expr::{stmt_kind, stray_buffers};
use crate::ir::{Block, ConstData, IRModule, PrimFunc, Stmt, StmtNode};

impl HashContext {
    pub(crate) fn stmt(&mut self, s: &Stmt) {
        self.str(stmt_kind(s.node()));
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                self.buffer(buffer);
                self.expr(value);
                self.exprs(indices);
                self.option(predicate.as_ref(), |hx, p| hx.expr(p));
            }
            StmtNode::Evaluate(value) => self.expr(value),
            StmtNode::SeqStmt(seq) => self.stmts(seq),
            StmtNode::For(f) => {
                self.var(&f.loop_var);
                self.expr(&f.min);
                self.expr(&f.extent);
                self.str(&format!("{:?}", f.kind));
                self.stmt(&f.body);
                self.option(f.thread_binding.as_ref(), |hx, iv| hx.iter_var(iv));
                self.annotations(&f.annotations);
                self.option(f.step.as_ref(), |hx, e| hx.expr(e));
            }
            StmtNode::While { condition, body } => {
                self.expr(condition);
                self.stmt(body);
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                self.expr(condition);
                self.stmt(then_case);
                self.option(else_case.as_ref(), |hx, e| hx.stmt(e));
            }
            StmtNode::LetStmt { var, value, body } => {
                self.var(var);
                self.expr(value);
                self.stmt(body);
            }
            StmtNode::AttrStmt { node, attr_key, value, body } => {
                self.attr_value(node);
                self.str(attr_key);
                self.expr(value);
                self.stmt(body);
            }
            StmtNode::AssertStmt { condition, message, body } => {
                self.expr(condition);
                self.expr(message);
                self.stmt(body);
            }
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations } => {
                self.var(buffer_var);
                self.dtype(*dtype);
                self.exprs(extents);
                self.expr(condition);
                self.stmt(body);
                self.annotations(annotations);
            }
            StmtNode::AllocateConst {
                buffer_var,
                data,
                irmod_storage_idx,
                dtype,
                extents,
                body,
                annotations,
            } => {
                self.var(buffer_var);
                self.dtype(*dtype);
                self.exprs(extents);
                self.const_data(data.as_ref());
                self.option(irmod_storage_idx.as_ref(), |hx, i| hx.int(*i));
                self.stmt(body);
                self.annotations(annotations);
            }
            StmtNode::DeclBuffer { buffer, body } => {
                self.buffer(buffer);
                self.stmt(body);
            }
            StmtNode::BufferRealize { buffer, bounds, condition, body } => {
                self.buffer(buffer);
                self.len(bounds.len());
                bounds.iter().for_each(|r| self.range(r));
                self.expr(condition);
                self.stmt(body);
            }
            StmtNode::Block(block) => self.block(block),
            StmtNode::BlockRealize(realize) => {
                self.exprs(&realize.iter_values);
                self.expr(&realize.predicate);
                self.block(&realize.block);
            }
        }
    }

    fn const_data(&mut self, data: Option<&ConstData>) {
        self.option(data, |hx, data| match data {
            ConstData::Int(values) => {
                hx.len(values.len());
                values.iter().for_each(|v| hx.int(*v));
            }
            ConstData::Float(values) => {
                hx.mix(8);
                hx.len(values.len());
                values.iter().for_each(|v| hx.float(*v));
            }
        });
    }

    fn block(&mut self, block: &Block) {
        self.len(block.iter_vars.len());
        block.iter_vars.iter().for_each(|iv| self.iter_var(iv));
        self.len(block.reads.len());
        block.reads.iter().for_each(|r| self.buffer_region(r));
        self.len(block.writes.len());
        block.writes.iter().for_each(|r| self.buffer_region(r));
        self.str(&block.name_hint);
        self.len(block.alloc_buffers.len());
        block.alloc_buffers.iter().for_each(|b| self.buffer(b));
        self.len(block.match_buffers.len());
        for m in &block.match_buffers {
            self.buffer(&m.buffer);
            self.buffer_region(&m.source);
        }
        self.annotations(&block.annotations);
        self.option(block.init.as_ref(), |hx, s| hx.stmt(s));
        self.stmt(&block.body);
    }

    pub(crate) fn func(&mut self, func: &PrimFunc) {
        self.len(func.params.len());
        func.params.iter().for_each(|p| self.var(p));
        self.ty(&func.ret_type);
        // The same order as the comparison: parameters' buffers, then stray entries.
        for param in &func.params {
            self.option(func.buffer_of(param), |hx, b| hx.buffer(b));
        }
        let stray = stray_buffers(func);
        self.len(stray.len());
        stray.iter().for_each(|(_, b)| self.buffer(b));
        self.stmt(&func.body);
        self.annotations(&func.attrs);
    }

    pub(crate) fn module(&mut self, module: &IRModule) {
        let mut functions: Vec<(&str, &PrimFunc)> =
            module.functions().map(|(g, f)| (g.name(), f.as_ref())).collect();
        functions.sort_by_key(|(name, _)| *name);
        self.len(functions.len());
        for (name, func) in functions {
            self.str(name);
            self.func(func);
        }
        self.annotations(&module.attrs);
        let mut infos: Vec<_> = module.global_infos.iter().collect();
        infos.sort_by(|a, b| a.0.cmp(&b.0));
        self.len(infos.len());
        for (name, list) in infos {
            self.str(name);
            self.len(list.len());
            for info in list {
                match info {
                    crate::ir::GlobalInfo::Dummy => self.str("dummy_global_info"),
                    crate::ir::GlobalInfo::VDevice { target, vdevice_id, memory_scope } => {
                        self.str("vdevice");
                        self.annotations(target);
                        self.int(*vdevice_id);
                        self.str(memory_scope);
                    }
                }
            }
        }
    }
}

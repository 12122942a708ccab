//! Statement and buffer rewriting of NarrowDataType (TVM's `IndexDataTypeRewriter` statement
//! rules): a loop's variable, min and extent are rewritten as indices and its bounds cast to the
//! new variable's dtype; allocation extents and conditions, buffer fields, block bindings, regions
//! and iteration domains are rewritten as indices; a thread extent rewrites everything under it
//! as an index; a store casts its value back to the buffer's element dtype; a `let` whose value
//! changed width gets a new variable and its value rewritten again as an index. Other statements
//! rewrite their fields as they are.

use std::sync::Arc;

use super::{R, Rewriter};
use crate::arith::ops;
use crate::ir::{
    AttrValue, Block, BlockRealize, Buffer, BufferNode, BufferRegion, For, IrError, IterVar,
    PrimExpr, Range, Stmt, StmtNode, Var,
};

impl Rewriter {
    pub(super) fn stmt(&mut self, s: &Stmt) -> R<Stmt> {
        let node = match s.node() {
            StmtNode::For(f) => {
                let (var, min, extent) = self
                    .enabled(|r| Ok((r.var(&f.loop_var), r.expr(&f.min)?, r.expr(&f.extent)?)))?;
                let body = self.stmt(&f.body)?;
                if var == f.loop_var
                    && min.ptr_eq(&f.min)
                    && extent.ptr_eq(&f.extent)
                    && body.ptr_eq(&f.body)
                {
                    return Ok(s.clone());
                }
                let dtype = var.dtype();
                let thread_binding =
                    f.thread_binding.as_ref().map(|iv| match iv.var.dtype() == dtype {
                        true => iv.clone(),
                        false => IterVar { var: Var::new(iv.var.name(), dtype), ..iv.clone() },
                    });
                StmtNode::For(For {
                    loop_var: var,
                    min: ops::cast(dtype, min)?,
                    extent: ops::cast(dtype, extent)?,
                    body,
                    thread_binding,
                    ..f.clone()
                })
            }
            StmtNode::LetStmt { var, value, body } => {
                let new_value = self.expr(value)?;
                let mut new_var = var.clone();
                if new_value.dtype() != var.dtype() {
                    new_var = Var::new(var.name(), new_value.dtype());
                    self.var_remap.insert(var.clone(), new_var.clone());
                }
                let new_body = self.stmt(body)?;
                if !self.var_remap.contains_key(var) {
                    if new_value.ptr_eq(value) && new_body.ptr_eq(body) {
                        return Ok(s.clone());
                    }
                    return Ok(Stmt::new(StmtNode::LetStmt {
                        var: new_var,
                        value: new_value,
                        body: new_body,
                    }));
                }
                // A let whose variable changed width takes its value rewritten as an index.
                let value = self.enabled(|r| r.expr(value))?;
                let var = self.var_remap[var].clone();
                if value.dtype() != var.dtype() {
                    return Err(IrError::type_mismatch(
                        "narrowed let value",
                        var.dtype(),
                        value.dtype(),
                    ));
                }
                StmtNode::LetStmt { var, value, body: new_body }
            }
            StmtNode::AttrStmt { node: AttrValue::IterVar(iv), attr_key, value, body }
                if attr_key == "thread_extent" || attr_key == "virtual_thread" =>
            {
                let (value, body, var) =
                    self.enabled(|r| Ok((r.expr(value)?, r.stmt(body)?, r.var(&iv.var))))?;
                let dom = match &iv.dom {
                    Some(d) if d.extent.dtype().bits != var.dtype().bits => Some(Range::new(
                        ops::cast(var.dtype(), d.min.clone())?,
                        ops::cast(var.dtype(), d.extent.clone())?,
                    )),
                    other => other.clone(),
                };
                let node = AttrValue::IterVar(IterVar { var: var.clone(), dom, ..iv.clone() });
                let value = ops::cast(var.dtype(), value)?;
                StmtNode::AttrStmt { node, attr_key: attr_key.clone(), value, body }
            }
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let new_buffer = self.remapped(buffer);
                let mut new_value = self.expr(value)?;
                if new_buffer.dtype() != new_value.dtype() && new_value.dtype().is_scalar() {
                    new_value = ops::cast(new_buffer.dtype(), new_value)?;
                }
                let new_indices = self.enabled(|r| r.exprs(indices))?;
                let same = indices.iter().zip(&new_indices).all(|(a, b)| a.ptr_eq(b));
                if same && new_value.ptr_eq(value) && new_buffer == *buffer {
                    return Ok(s.clone());
                }
                StmtNode::BufferStore {
                    buffer: new_buffer,
                    value: new_value,
                    indices: new_indices,
                    predicate: predicate.clone(),
                }
            }
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations } => {
                let (extents, condition) =
                    self.enabled(|r| Ok((r.exprs(extents)?, r.expr(condition)?)))?;
                StmtNode::Allocate {
                    buffer_var: buffer_var.clone(),
                    dtype: *dtype,
                    extents,
                    condition,
                    body: self.stmt(body)?,
                    annotations: annotations.clone(),
                }
            }
            StmtNode::DeclBuffer { buffer, body } => {
                let buffer = self.buffer(buffer)?;
                StmtNode::DeclBuffer { buffer, body: self.stmt(body)? }
            }
            StmtNode::BlockRealize(r) => {
                let predicate = self.expr(&r.predicate)?;
                let iter_values = self.enabled(|rw| rw.exprs(&r.iter_values))?;
                let block = self.block(&r.block)?;
                StmtNode::BlockRealize(BlockRealize { iter_values, predicate, block })
            }
            StmtNode::Block(block) => StmtNode::Block(self.block(block)?),
            StmtNode::Evaluate(e) => StmtNode::Evaluate(self.expr(e)?),
            StmtNode::SeqStmt(seq) => {
                StmtNode::SeqStmt(seq.iter().map(|c| self.stmt(c)).collect::<R<_>>()?)
            }
            StmtNode::While { condition, body } => {
                StmtNode::While { condition: self.expr(condition)?, body: self.stmt(body)? }
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => StmtNode::IfThenElse {
                condition: self.expr(condition)?,
                then_case: self.stmt(then_case)?,
                else_case: else_case.as_ref().map(|c| self.stmt(c)).transpose()?,
            },
            StmtNode::AttrStmt { node, attr_key, value, body } => StmtNode::AttrStmt {
                node: node.clone(),
                attr_key: attr_key.clone(),
                value: self.expr(value)?,
                body: self.stmt(body)?,
            },
            StmtNode::AssertStmt { condition, message, body } => StmtNode::AssertStmt {
                condition: self.expr(condition)?,
                message: self.expr(message)?,
                body: self.stmt(body)?,
            },
            StmtNode::AllocateConst {
                buffer_var,
                data,
                irmod_storage_idx,
                dtype,
                extents,
                body,
                annotations,
            } => StmtNode::AllocateConst {
                buffer_var: buffer_var.clone(),
                data: data.clone(),
                irmod_storage_idx: *irmod_storage_idx,
                dtype: *dtype,
                extents: self.exprs(extents)?,
                body: self.stmt(body)?,
                annotations: annotations.clone(),
            },
            StmtNode::BufferRealize { buffer, bounds, condition, body } => {
                let bounds = bounds
                    .iter()
                    .map(|r| Ok(Range::new(self.expr(&r.min)?, self.expr(&r.extent)?)))
                    .collect::<R<_>>()?;
                StmtNode::BufferRealize {
                    buffer: buffer.clone(),
                    bounds,
                    condition: self.expr(condition)?,
                    body: self.stmt(body)?,
                }
            }
        };
        Ok(Stmt::new(node))
    }

    pub(super) fn remapped(&self, buffer: &Buffer) -> Buffer {
        self.buffer_remap.get(&buffer.id()).cloned().unwrap_or_else(|| buffer.clone())
    }

    /// A buffer with its shape, strides and offset rewritten (rewriting enabled).
    fn buffer(&mut self, buffer: &Buffer) -> R<Buffer> {
        if let Some(b) = self.buffer_remap.get(&buffer.id()) {
            return Ok(b.clone());
        }
        let (shape, strides, elem_offset) = self.enabled(|r| {
            Ok((
                r.exprs(buffer.shape())?,
                r.exprs(buffer.strides())?,
                r.expr(buffer.elem_offset())?,
            ))
        })?;
        let same = |a: &[PrimExpr], b: &[PrimExpr]| a.iter().zip(b).all(|(x, y)| x.ptr_eq(y));
        if same(&shape, buffer.shape())
            && same(&strides, buffer.strides())
            && elem_offset.ptr_eq(buffer.elem_offset())
        {
            return Ok(buffer.clone());
        }
        let n = buffer.node();
        let new = Buffer::new(BufferNode {
            name: n.name.clone(),
            data: n.data.clone(),
            dtype: n.dtype,
            shape,
            strides,
            elem_offset,
            data_alignment: n.data_alignment,
            offset_factor: n.offset_factor,
            buffer_type: n.buffer_type,
            axis_separators: n.axis_separators.clone(),
        });
        self.buffer_remap.insert(buffer.id(), new.clone());
        Ok(new)
    }

    fn region(&mut self, r: &BufferRegion) -> R<BufferRegion> {
        let buffer = self.remapped(&r.buffer);
        let region = self.enabled(|rw| {
            r.region.iter().map(|x| Ok(Range::new(rw.expr(&x.min)?, rw.expr(&x.extent)?))).collect()
        })?;
        Ok(BufferRegion { buffer, region })
    }

    fn block(&mut self, block: &Block) -> R<Arc<Block>> {
        let alloc_buffers = block.alloc_buffers.iter().map(|b| self.buffer(b)).collect::<R<_>>()?;
        let mut match_buffers = block.match_buffers.clone();
        for m in &mut match_buffers {
            m.buffer = self.buffer(&m.buffer)?;
            m.source = self.region(&m.source)?;
        }
        let reads = block.reads.iter().map(|r| self.region(r)).collect::<R<_>>()?;
        let writes = block.writes.iter().map(|r| self.region(r)).collect::<R<_>>()?;
        let iter_vars = block
            .iter_vars
            .iter()
            .map(|iv| {
                self.enabled(|r| {
                    let var = r.var(&iv.var);
                    let dom = match &iv.dom {
                        Some(d) => Some(Range::new(r.expr(&d.min)?, r.expr(&d.extent)?)),
                        None => None,
                    };
                    Ok(IterVar { var, dom, ..iv.clone() })
                })
            })
            .collect::<R<_>>()?;
        let init = block.init.as_ref().map(|s| self.stmt(s)).transpose()?;
        let body = self.stmt(&block.body)?;
        Ok(Arc::new(Block {
            iter_vars,
            reads,
            writes,
            alloc_buffers,
            match_buffers,
            init,
            body,
            ..block.clone()
        }))
    }
}

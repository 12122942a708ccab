//! CompactBufferAllocation (TVM v0.23 `tir.CompactBufferAllocation`): shrinks each buffer allocated
//! inside the body to the region actually accessed.
//!
//! The region of each block-allocated buffer (and of each `Allocate` with a single, same-dtype
//! buffer) is collected by [`collect`]: accesses relaxed over the loops inside the allocation point.
//! In strict mode (the default, TVM's `is_strict=True`) the region is clipped to the original
//! shape: `min = max(0, min)` and `extent = min(shape, extent)`, each simplified by an `Analyzer`
//! that knows every enclosing loop's range. An extent that depends on an enclosing loop is replaced by its constant upper bound, or
//! the whole dimension is kept when there is none; so is a dimension whose extent reads memory.
//! Each such buffer is replaced by a new buffer (same data var) whose shape is the region's extents
//! and whose strides honour `buffer_dim_align` annotations; every index into it, and every
//! read/write/match_buffer region of it, has the region's min subtracted (`i - min`, not simplified).
//! `Allocate` extents follow the new shape.
//!
//! Invariants: blocks must be opaque and without init (run ConvertBlocksToOpaque first); parameter
//! buffers are never changed.

mod collect;
mod conditions;
mod rules;

use std::collections::HashMap;
use std::sync::Arc;

use super::block_lowering_util::{
    DimAlign, allocation_shape, collect_storage_align, map_stmt_exprs, rewrite_expr,
};
use crate::arith::ops;
use crate::ir::mutate::map_stmt_children;
use crate::ir::{
    Block, Buffer, BufferNode, BufferRegion, Expr, IrError, MatchBufferRegion, PrimExpr, PrimFunc,
    Range, Stmt, StmtNode, Var,
};

/// Compacts the buffers allocated in `func` in strict mode (TVM's default).
pub fn compact_buffer_allocation(func: PrimFunc) -> Result<PrimFunc, IrError> {
    compact_buffer_allocation_with(func, true)
}

/// The pass `tir.CompactBufferAllocation` (opt level 0, per function), for pipelines.
pub fn pass() -> crate::transform::pass::Pass {
    crate::transform::pass::Pass::prim_func("tir.CompactBufferAllocation", 0, |f, _| {
        Ok(compact_buffer_allocation(f)?)
    })
}

/// Compacts the buffers allocated in `func`; `is_strict` keeps regions within the original shape.
pub fn compact_buffer_allocation_with(
    func: PrimFunc,
    is_strict: bool,
) -> Result<PrimFunc, IrError> {
    let regions = collect::collect_regions(&func.body, is_strict)?;
    let storage_align = collect_storage_align(&func.body)?;
    let mut infos = HashMap::new();
    for (buffer, region) in regions {
        let shape: Vec<PrimExpr> = region.iter().map(|r| r.extent.clone()).collect();
        let strides = match storage_align.get(buffer.data()) {
            Some(aligns) => aligned_strides(aligns, &shape)?,
            None => Vec::new(),
        };
        let node = buffer.node();
        let new_buffer = Buffer::new(BufferNode { shape, strides, ..node.clone() });
        infos.insert(buffer.data().clone(), AllocInfo { region, new_buffer });
    }
    let compactor = Compactor { infos };
    let body = compactor.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// Strides padded by `buffer_dim_align` (TVM's `CalcStrides`): going from the innermost
/// dimension out, each stride is raised to `k * factor + offset` before use.
fn aligned_strides(aligns: &[DimAlign], shape: &[PrimExpr]) -> Result<Vec<PrimExpr>, IrError> {
    let mut per_dim = vec![(0i64, 0i64); shape.len()];
    for a in aligns {
        let dim = usize::try_from(a[1])
            .ok()
            .filter(|&d| d < shape.len())
            .ok_or_else(|| IrError::invalid("buffer_dim_align dimension out of range"))?;
        per_dim[dim] = (a[2], a[3]);
    }
    let Some(first) = shape.first() else {
        return Ok(Vec::new());
    };
    let dtype = first.dtype();
    let mut strides = vec![PrimExpr::int(1, dtype); shape.len()];
    let mut stride = PrimExpr::int(1, dtype);
    for dim in (0..shape.len()).rev() {
        let (factor, offset) = per_dim[dim];
        if factor != 0 {
            let f = PrimExpr::int(factor, dtype);
            let o = PrimExpr::int(offset, dtype);
            let pad = ops::floormod(
                ops::sub(ops::add(f.clone(), o)?, ops::floormod(stride.clone(), f.clone())?)?,
                f,
            )?;
            stride = ops::add(stride, pad)?;
        }
        strides[dim] = stride.clone();
        stride = ops::mul(stride, shape[dim].clone())?;
    }
    Ok(strides)
}

struct AllocInfo {
    region: Vec<Range>,
    new_buffer: Buffer,
}

struct Compactor {
    /// Compacted buffers by data var.
    infos: HashMap<Var, AllocInfo>,
}

impl Compactor {
    fn rewrite_indices(
        &self,
        buffer: &Buffer,
        indices: &[PrimExpr],
    ) -> Result<Option<(Buffer, Vec<PrimExpr>)>, IrError> {
        let Some(info) = self.infos.get(buffer.data()) else {
            return Ok(None);
        };
        if indices.len() != info.region.len() {
            return Err(IrError::invalid(format!(
                "buffer `{}` accessed with the wrong number of indices",
                buffer.name()
            )));
        }
        let indices = indices
            .iter()
            .zip(&info.region)
            .map(|(i, r)| ops::sub(i.clone(), r.min.clone()))
            .collect::<Result<_, _>>()?;
        Ok(Some((info.new_buffer.clone(), indices)))
    }

    fn rewrite_region(&self, r: &BufferRegion) -> Result<BufferRegion, IrError> {
        let Some(info) = self.infos.get(r.buffer.data()) else {
            return Ok(r.clone());
        };
        if r.region.len() != info.region.len() {
            return Err(IrError::invalid(format!(
                "region of buffer `{}` has the wrong rank",
                r.buffer.name()
            )));
        }
        let region = r
            .region
            .iter()
            .zip(&info.region)
            .map(|(range, alloc)| {
                Ok(Range::new(
                    ops::sub(range.min.clone(), alloc.min.clone())?,
                    range.extent.clone(),
                ))
            })
            .collect::<Result<_, IrError>>()?;
        Ok(BufferRegion { buffer: info.new_buffer.clone(), region })
    }

    fn expr(&self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        rewrite_expr(e, &mut |node| match node.expr() {
            Expr::BufferLoad { buffer, indices, predicate } => {
                match self.rewrite_indices(buffer, indices)? {
                    None => Ok(node.clone()),
                    Some((buffer, indices)) => PrimExpr::new(
                        node.dtype(),
                        Expr::BufferLoad { buffer, indices, predicate: predicate.clone() },
                    ),
                }
            }
            _ => Ok(node.clone()),
        })
    }

    fn stmt(&self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let value = self.expr(value)?;
                let indices =
                    indices.iter().map(|i| self.expr(i)).collect::<Result<Vec<_>, _>>()?;
                let predicate = predicate.as_ref().map(|p| self.expr(p)).transpose()?;
                let (buffer, indices) =
                    self.rewrite_indices(buffer, &indices)?.unwrap_or((buffer.clone(), indices));
                Ok(Stmt::new(StmtNode::BufferStore { buffer, value, indices, predicate }))
            }
            StmtNode::Block(block) => Ok(Stmt::new(StmtNode::Block(self.block(block)?))),
            StmtNode::BlockRealize(r) => {
                let block = self.block(&r.block)?;
                let iter_values =
                    r.iter_values.iter().map(|v| self.expr(v)).collect::<Result<_, _>>()?;
                let predicate = self.expr(&r.predicate)?;
                Ok(Stmt::new(StmtNode::BlockRealize(crate::ir::BlockRealize {
                    iter_values,
                    predicate,
                    block,
                })))
            }
            StmtNode::DeclBuffer { buffer, body } => {
                let buffer = self
                    .infos
                    .get(buffer.data())
                    .map_or_else(|| buffer.clone(), |i| i.new_buffer.clone());
                Ok(Stmt::new(StmtNode::DeclBuffer { buffer, body: self.stmt(body)? }))
            }
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations } => {
                let body = self.stmt(body)?;
                let extents =
                    extents.iter().map(|e| self.expr(e)).collect::<Result<Vec<_>, _>>()?;
                let condition = self.expr(condition)?;
                let extents = match self.infos.get(buffer_var) {
                    Some(info) if info.new_buffer.dtype() == *dtype => {
                        allocation_shape(&info.new_buffer)?
                    }
                    _ => extents,
                };
                Ok(Stmt::new(StmtNode::Allocate {
                    buffer_var: buffer_var.clone(),
                    dtype: *dtype,
                    extents,
                    condition,
                    body,
                    annotations: annotations.clone(),
                }))
            }
            _ => {
                let with_children = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&with_children, &mut |e| self.expr(e))
            }
        }
    }

    fn block(&self, block: &Arc<Block>) -> Result<Arc<Block>, IrError> {
        if block.init.is_some() {
            return Err(IrError::invalid("block init is not allowed in CompactBufferAllocation"));
        }
        let alloc_buffers = block
            .alloc_buffers
            .iter()
            .map(|b| self.infos.get(b.data()).map_or_else(|| b.clone(), |i| i.new_buffer.clone()))
            .collect();
        let region_exprs = |r: &BufferRegion| -> Result<BufferRegion, IrError> {
            let region = r
                .region
                .iter()
                .map(|range| Ok(Range::new(self.expr(&range.min)?, self.expr(&range.extent)?)))
                .collect::<Result<_, IrError>>()?;
            self.rewrite_region(&BufferRegion { buffer: r.buffer.clone(), region })
        };
        let reads = block.reads.iter().map(region_exprs).collect::<Result<_, _>>()?;
        let writes = block.writes.iter().map(region_exprs).collect::<Result<_, _>>()?;
        let match_buffers = block
            .match_buffers
            .iter()
            .map(|m| {
                Ok(MatchBufferRegion { buffer: m.buffer.clone(), source: region_exprs(&m.source)? })
            })
            .collect::<Result<_, IrError>>()?;
        let body = self.stmt(&block.body)?;
        Ok(Arc::new(Block {
            alloc_buffers,
            reads,
            writes,
            match_buffers,
            body,
            ..(**block).clone()
        }))
    }
}

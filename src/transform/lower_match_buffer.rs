//! LowerMatchBuffer (TVM v0.23 `tir.LowerMatchBuffer`): removes `match_buffer` declarations of
//! blocks by rewriting every use of a matched buffer into a use of its source buffer.
//!
//! For each `T.match_buffer(source[region], shape, ...)` of a block:
//! - the matched buffer's fields are bound to the values they take: its data var to the source's,
//!   its `elem_offset` to the flat offset of the region's start in the source, its strides to the
//!   source's strides (or the strides implied by the source's shape), its shape to the region's
//!   extents. A field that is a not-yet-bound var is bound and substituted everywhere below; a field
//!   that is already bound (or a constant) must provably equal the value, otherwise the pass fails
//!   ("The buffer match constraint ... unmet"), as must an elem_offset divisible by offset_factor.
//! - loads and stores of the matched buffer index the source buffer at `region.min + index` (the
//!   leading region dimensions beyond the matched rank contribute their mins);
//! - read/write regions naming the matched buffer are mapped onto the source the same way.
//!
//! Scalar (non-handle) function parameters are bound to themselves, so a buffer field naming one is
//! checked rather than rebound. Invariants: afterwards no block has match_buffers; chained matches
//! resolve to the outermost source; scope and dtype of matched and source buffers must agree.

use std::collections::HashMap;
use std::sync::Arc;

use super::block_lowering_util::{map_stmt_exprs, rewrite_expr};
use super::flatten_buffer::elem_offset;
use crate::arith::{Analyzer, ops};
use crate::ir::mutate::{map_stmt_children, substitute};
use crate::ir::{
    BinaryOp, Block, Buffer, BufferRegion, CmpOp, Expr, IrError, MatchBufferRegion, PrimExpr,
    PrimFunc, Range, Stmt, StmtNode, Var,
};
use crate::print::PrintOptions;

/// Lowers the match_buffers of all blocks in `func`.
pub fn lower_match_buffer(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut lower = Lower::default();
    for param in &func.params {
        if !param.dtype().is_handle() {
            lower.var_map.insert(param.clone(), PrimExpr::var(param));
        }
    }
    let body = lower.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.LowerMatchBuffer` (opt level 0, per function), for pipelines.
pub fn pass() -> crate::transform::pass::Pass {
    crate::transform::pass::Pass::prim_func("tir.LowerMatchBuffer", 0, |f, _| {
        Ok(lower_match_buffer(f)?)
    })
}

#[derive(Default)]
struct Lower {
    /// Matched buffer to the (already lowered) source region it views.
    match_buffers: HashMap<Buffer, BufferRegion>,
    /// Bound buffer fields (data, elem_offset, strides, shape vars) and their values.
    var_map: HashMap<Var, PrimExpr>,
    /// Loop ranges and bound fields, for proving match constraints.
    analyzer: Analyzer,
}

impl Lower {
    fn expr(&self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        rewrite_expr(e, &mut |node| match node.expr() {
            Expr::Var(v) => Ok(self.var_map.get(v).cloned().unwrap_or_else(|| node.clone())),
            Expr::BufferLoad { buffer, indices, predicate } => match self.match_buffers.get(buffer)
            {
                None => Ok(node.clone()),
                Some(source) => {
                    if predicate.is_some() {
                        return Err(IrError::invalid(
                            "predicated buffer load is not supported in LowerMatchBuffer",
                        ));
                    }
                    let indices = convert_indices(buffer, source, indices)?;
                    PrimExpr::buffer_load(&source.buffer, indices)
                }
            },
            _ => Ok(node.clone()),
        })
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
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
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let value = self.expr(value)?;
                let indices =
                    indices.iter().map(|i| self.expr(i)).collect::<Result<Vec<_>, _>>()?;
                let predicate = predicate.as_ref().map(|p| self.expr(p)).transpose()?;
                match self.match_buffers.get(buffer) {
                    None => Ok(Stmt::new(StmtNode::BufferStore {
                        buffer: buffer.clone(),
                        value,
                        indices,
                        predicate,
                    })),
                    Some(source) => {
                        if predicate.is_some() {
                            return Err(IrError::invalid(
                                "predicated buffer store is not supported in LowerMatchBuffer",
                            ));
                        }
                        let indices = convert_indices(buffer, source, &indices)?;
                        Ok(Stmt::new(StmtNode::BufferStore {
                            buffer: source.buffer.clone(),
                            value,
                            indices,
                            predicate: None,
                        }))
                    }
                }
            }
            StmtNode::For(l) => {
                self.analyzer.bind(&l.loop_var, &Range::new(l.min.clone(), l.extent.clone()));
                let with_children = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&with_children, &mut |e| self.expr(e))
            }
            _ => {
                let with_children = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&with_children, &mut |e| self.expr(e))
            }
        }
    }

    fn block(&mut self, block: &Arc<Block>) -> Result<Arc<Block>, IrError> {
        for m in &block.match_buffers {
            self.bind_match(m)?;
        }
        let mut region = |r: &BufferRegion| -> Result<BufferRegion, IrError> {
            let ranges = r
                .region
                .iter()
                .map(|range| Ok(Range::new(self.expr(&range.min)?, self.expr(&range.extent)?)))
                .collect::<Result<Vec<_>, IrError>>()?;
            self.lower_region(&BufferRegion { buffer: r.buffer.clone(), region: ranges })
        };
        let reads = block.reads.iter().map(&mut region).collect::<Result<_, _>>()?;
        let writes = block.writes.iter().map(&mut region).collect::<Result<_, _>>()?;
        let iter_vars = block
            .iter_vars
            .iter()
            .map(|iv| {
                let dom = iv
                    .dom
                    .as_ref()
                    .map(|d| {
                        Ok::<_, IrError>(Range::new(self.expr(&d.min)?, self.expr(&d.extent)?))
                    })
                    .transpose()?;
                Ok(crate::ir::IterVar { dom, ..iv.clone() })
            })
            .collect::<Result<_, IrError>>()?;
        let init = block.init.as_ref().map(|i| self.stmt(i)).transpose()?;
        let body = self.stmt(&block.body)?;
        Ok(Arc::new(Block {
            iter_vars,
            reads,
            writes,
            match_buffers: Vec::new(),
            init,
            body,
            ..(**block).clone()
        }))
    }

    /// Maps a region of a matched buffer onto its source (TVM's `ConvertRegion`).
    fn lower_region(&self, r: &BufferRegion) -> Result<BufferRegion, IrError> {
        let Some(source) = self.match_buffers.get(&r.buffer) else {
            return Ok(r.clone());
        };
        let offset = source.region.len().checked_sub(r.region.len()).ok_or_else(rank_error)?;
        let mut region = Vec::with_capacity(source.region.len());
        for range in &source.region[..offset] {
            region.push(Range::new(range.min.clone(), PrimExpr::i32(1)));
        }
        for (src, target) in source.region[offset..].iter().zip(&r.region) {
            region.push(Range::new(
                ops::add(src.min.clone(), target.min.clone())?,
                target.extent.clone(),
            ));
        }
        Ok(BufferRegion { buffer: source.buffer.clone(), region })
    }

    /// Checks a match_buffer against its source and binds the matched buffer's fields.
    fn bind_match(&mut self, m: &MatchBufferRegion) -> Result<(), IrError> {
        let buffer = &m.buffer;
        let source = self.lower_region(&m.source)?;
        let source_buffer = &source.buffer;
        let name = buffer.name().to_string();
        if buffer.scope() != source_buffer.scope() {
            return Err(IrError::invalid(format!(
                "MatchBuffer {name} scope mismatch: {} vs. {}",
                buffer.scope(),
                source_buffer.scope()
            )));
        }
        if buffer.dtype() != source_buffer.dtype() {
            return Err(IrError::invalid(format!(
                "MatchBuffer {name} data type mismatch: {} vs. {}",
                buffer.dtype(),
                source_buffer.dtype()
            )));
        }
        if buffer.elem_offset().as_int() == Some(0)
            && source_buffer.elem_offset().as_int() != Some(0)
        {
            return Err(IrError::invalid(format!(
                "trying to bind buffer {name} with offset into one without offset"
            )));
        }
        self.match_buffers.insert(buffer.clone(), source.clone());
        self.bind(
            &PrimExpr::var(buffer.data()),
            PrimExpr::var(source_buffer.data()),
            &format!("{name}.data"),
        )?;
        let starts: Vec<PrimExpr> = source.region.iter().map(|r| r.min.clone()).collect();
        let offsets = elem_offset(source_buffer, &starts)?;
        if let [start] = offsets.as_slice() {
            self.bind(buffer.elem_offset(), start.clone(), &format!("{name}.elem_offset"))?;
            let factor = buffer.node().offset_factor;
            let remainder = ops::binary(
                BinaryOp::Mod,
                buffer.elem_offset().clone(),
                PrimExpr::int(factor, buffer.elem_offset().dtype()),
            )?;
            let aligned =
                ops::compare(CmpOp::Eq, remainder.clone(), PrimExpr::int(0, remainder.dtype()))?;
            if factor != 0 && !self.analyzer.can_prove(&substitute(&aligned, &self.var_map)) {
                return Err(IrError::invalid(format!(
                    "the source elem_offset does not satisfy the offset_factor {factor} of buffer {name}"
                )));
            }
        } else {
            let zero = PrimExpr::int(0, buffer.elem_offset().dtype());
            self.bind(buffer.elem_offset(), zero, &format!("{name}.elem_offset"))?;
        }
        let rank = buffer.shape().len();
        let offset = source.region.len().checked_sub(rank).ok_or_else(rank_error)?;
        let strides = buffer.strides();
        if !strides.is_empty() {
            if strides.len() != rank {
                return Err(rank_error());
            }
            if source_buffer.strides().is_empty() {
                let mut stride = PrimExpr::int(1, strides[rank - 1].dtype());
                for i in (0..rank).rev() {
                    self.bind(&strides[i], stride.clone(), &format!("{name}.strides_{i}"))?;
                    let extent = source_buffer.shape().get(i + offset).ok_or_else(rank_error)?;
                    stride = ops::mul(stride, extent.clone())?;
                }
            } else {
                if source_buffer.strides().len() != rank + offset {
                    return Err(rank_error());
                }
                for i in (0..rank).rev() {
                    let stride = source_buffer.strides()[i + offset].clone();
                    self.bind(&strides[i], stride, &format!("{name}.strides_{i}"))?;
                }
            }
        }
        for i in 0..rank {
            let extent = source.region[i + offset].extent.clone();
            self.bind(&buffer.shape()[i], extent, &format!("{name}.shape_{i}"))?;
        }
        Ok(())
    }

    /// Binds a buffer field to a value, or checks an existing binding (TVM's `Bind`).
    fn bind(&mut self, arg: &PrimExpr, value: PrimExpr, arg_name: &str) -> Result<(), IrError> {
        let value = if arg.dtype() != value.dtype() {
            if arg.dtype().is_int()
                && value.dtype().is_int()
                && arg.dtype().lanes == value.dtype().lanes
            {
                ops::cast(arg.dtype(), value)?
            } else {
                return Err(IrError::type_mismatch(arg_name, arg.dtype(), value.dtype()));
            }
        } else {
            value
        };
        let value = substitute(&value, &self.var_map);
        if let Some(v) = arg.as_var() {
            match self.var_map.get(v) {
                None => {
                    if !v.dtype().is_handle() {
                        self.analyzer.bind_value(v, &value);
                    }
                    self.var_map.insert(v.clone(), value);
                    Ok(())
                }
                Some(bound) => self.assert_binding(&bound.clone(), &value, arg_name),
            }
        } else {
            self.assert_binding(&substitute(arg, &self.var_map), &value, arg_name)
        }
    }

    /// Fails unless `lhs == rhs` can be proven.
    fn assert_binding(
        &mut self,
        lhs: &PrimExpr,
        rhs: &PrimExpr,
        arg_name: &str,
    ) -> Result<(), IrError> {
        if self.analyzer.can_prove_equal(lhs, rhs) {
            Ok(())
        } else {
            let show = |e: &PrimExpr| crate::print::print_expr(e, &PrintOptions::default());
            Err(IrError::invalid(format!(
                "The buffer match constraint for {arg_name} unmet: {}=={}.",
                show(lhs),
                show(rhs)
            )))
        }
    }
}

/// Indices into the source of a matched buffer (TVM's `ConvertIndices`).
fn convert_indices(
    buffer: &Buffer,
    source: &BufferRegion,
    indices: &[PrimExpr],
) -> Result<Vec<PrimExpr>, IrError> {
    if indices.len() != buffer.shape().len() {
        return Err(rank_error());
    }
    let offset = source.region.len().checked_sub(indices.len()).ok_or_else(rank_error)?;
    let mut out: Vec<PrimExpr> = source.region[..offset].iter().map(|r| r.min.clone()).collect();
    for (range, index) in source.region[offset..].iter().zip(indices) {
        out.push(ops::add(range.min.clone(), index.clone())?);
    }
    Ok(out)
}

fn rank_error() -> IrError {
    IrError::invalid("match_buffer rank does not fit its source region")
}

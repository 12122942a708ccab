//! Shared rewriting helpers for the block-lowering passes (LowerInitBlock through FlattenBuffer).
//!
//! `map_stmt_exprs` applies a function to the expressions a statement node holds itself (not those
//! of its child statements): values, indices, loop bounds, conditions, block iter var domains,
//! read/write regions, match_buffer source regions and realize bindings. Like
//! `ir::mutate::map_stmt_children`, it returns the same `Arc` when nothing changed, so unchanged
//! subtrees stay shared. `rewrite_expr` is a post-order expression rewriter built on
//! `map_expr_children`.

use std::sync::Arc;

use crate::ir::mutate::map_expr_children;
use crate::ir::{
    Block, BlockRealize, BufferRegion, For, IrError, IterVar, MatchBufferRegion, PrimExpr, Range,
    Stmt, StmtNode,
};

/// A fallible function from expression to expression.
pub type ExprFn<'a> = dyn FnMut(&PrimExpr) -> Result<PrimExpr, IrError> + 'a;

/// Rewrites `e` bottom-up: children first, then `f` on the rebuilt node.
pub fn rewrite_expr(e: &PrimExpr, f: &mut ExprFn<'_>) -> Result<PrimExpr, IrError> {
    let rebuilt = map_expr_children(e, &mut |child| rewrite_expr(child, f))?;
    f(&rebuilt)
}

/// Applies `f` to each expression in `exprs`; `None` when nothing changed.
fn map_all(exprs: &[PrimExpr], f: &mut ExprFn<'_>) -> Result<Option<Vec<PrimExpr>>, IrError> {
    let mut changed = false;
    let mut out = Vec::with_capacity(exprs.len());
    for e in exprs {
        let new = f(e)?;
        changed |= !new.ptr_eq(e);
        out.push(new);
    }
    Ok(changed.then_some(out))
}

/// Applies `f` to one expression, recording whether it changed.
fn map_one(e: &PrimExpr, f: &mut ExprFn<'_>, changed: &mut bool) -> Result<PrimExpr, IrError> {
    let new = f(e)?;
    *changed |= !new.ptr_eq(e);
    Ok(new)
}

/// Applies `f` to the min and extent of a range.
pub fn map_range(r: &Range, f: &mut ExprFn<'_>, changed: &mut bool) -> Result<Range, IrError> {
    Ok(Range { min: map_one(&r.min, f, changed)?, extent: map_one(&r.extent, f, changed)? })
}

/// Applies `f` to every bound of a buffer region.
pub fn map_region(
    r: &BufferRegion,
    f: &mut ExprFn<'_>,
    changed: &mut bool,
) -> Result<BufferRegion, IrError> {
    let region =
        r.region.iter().map(|range| map_range(range, f, changed)).collect::<Result<_, _>>()?;
    Ok(BufferRegion { buffer: r.buffer.clone(), region })
}

/// Applies `f` to the expressions a block holds itself: iter var domains, regions and match_buffer
/// sources. The init and body are left alone.
pub fn map_block_exprs(block: &Arc<Block>, f: &mut ExprFn<'_>) -> Result<Arc<Block>, IrError> {
    let mut changed = false;
    let iter_vars = block
        .iter_vars
        .iter()
        .map(|iv| {
            let dom = iv.dom.as_ref().map(|d| map_range(d, f, &mut changed)).transpose()?;
            Ok(IterVar { dom, ..iv.clone() })
        })
        .collect::<Result<Vec<_>, IrError>>()?;
    let reads =
        block.reads.iter().map(|r| map_region(r, f, &mut changed)).collect::<Result<_, _>>()?;
    let writes =
        block.writes.iter().map(|r| map_region(r, f, &mut changed)).collect::<Result<_, _>>()?;
    let match_buffers = block
        .match_buffers
        .iter()
        .map(|m| {
            Ok(MatchBufferRegion {
                buffer: m.buffer.clone(),
                source: map_region(&m.source, f, &mut changed)?,
            })
        })
        .collect::<Result<_, IrError>>()?;
    if !changed {
        return Ok(block.clone());
    }
    Ok(Arc::new(Block { iter_vars, reads, writes, match_buffers, ..(**block).clone() }))
}

/// Applies `f` to every expression held directly by `s` (see the module docs).
pub fn map_stmt_exprs(s: &Stmt, f: &mut ExprFn<'_>) -> Result<Stmt, IrError> {
    let mut changed = false;
    let node = match s.node() {
        StmtNode::BufferStore { buffer, value, indices, predicate } => {
            let value = map_one(value, f, &mut changed)?;
            let indices = match map_all(indices, f)? {
                Some(v) => {
                    changed = true;
                    v
                }
                None => indices.clone(),
            };
            let predicate = predicate.as_ref().map(|p| map_one(p, f, &mut changed)).transpose()?;
            StmtNode::BufferStore { buffer: buffer.clone(), value, indices, predicate }
        }
        StmtNode::Evaluate(e) => StmtNode::Evaluate(map_one(e, f, &mut changed)?),
        StmtNode::SeqStmt(_) | StmtNode::DeclBuffer { .. } => return Ok(s.clone()),
        StmtNode::For(l) => {
            let min = map_one(&l.min, f, &mut changed)?;
            let extent = map_one(&l.extent, f, &mut changed)?;
            let step = l.step.as_ref().map(|e| map_one(e, f, &mut changed)).transpose()?;
            StmtNode::For(For { min, extent, step, ..l.clone() })
        }
        StmtNode::While { condition, body } => {
            StmtNode::While { condition: map_one(condition, f, &mut changed)?, body: body.clone() }
        }
        StmtNode::IfThenElse { condition, then_case, else_case } => StmtNode::IfThenElse {
            condition: map_one(condition, f, &mut changed)?,
            then_case: then_case.clone(),
            else_case: else_case.clone(),
        },
        StmtNode::LetStmt { var, value, body } => StmtNode::LetStmt {
            var: var.clone(),
            value: map_one(value, f, &mut changed)?,
            body: body.clone(),
        },
        StmtNode::AttrStmt { node, attr_key, value, body } => StmtNode::AttrStmt {
            node: node.clone(),
            attr_key: attr_key.clone(),
            value: map_one(value, f, &mut changed)?,
            body: body.clone(),
        },
        StmtNode::AssertStmt { condition, message, body } => StmtNode::AssertStmt {
            condition: map_one(condition, f, &mut changed)?,
            message: map_one(message, f, &mut changed)?,
            body: body.clone(),
        },
        StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations } => {
            let extents = match map_all(extents, f)? {
                Some(v) => {
                    changed = true;
                    v
                }
                None => extents.clone(),
            };
            StmtNode::Allocate {
                buffer_var: buffer_var.clone(),
                dtype: *dtype,
                extents,
                condition: map_one(condition, f, &mut changed)?,
                body: body.clone(),
                annotations: annotations.clone(),
            }
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
            let extents = match map_all(extents, f)? {
                Some(v) => {
                    changed = true;
                    v
                }
                None => extents.clone(),
            };
            StmtNode::AllocateConst {
                buffer_var: buffer_var.clone(),
                data: data.clone(),
                irmod_storage_idx: *irmod_storage_idx,
                dtype: *dtype,
                extents,
                body: body.clone(),
                annotations: annotations.clone(),
            }
        }
        StmtNode::BufferRealize { buffer, bounds, condition, body } => StmtNode::BufferRealize {
            buffer: buffer.clone(),
            bounds: bounds
                .iter()
                .map(|r| map_range(r, f, &mut changed))
                .collect::<Result<_, _>>()?,
            condition: map_one(condition, f, &mut changed)?,
            body: body.clone(),
        },
        StmtNode::Block(block) => {
            let new = map_block_exprs(block, f)?;
            changed = !Arc::ptr_eq(&new, block);
            StmtNode::Block(new)
        }
        StmtNode::BlockRealize(r) => {
            let iter_values = match map_all(&r.iter_values, f)? {
                Some(v) => {
                    changed = true;
                    v
                }
                None => r.iter_values.clone(),
            };
            let predicate = map_one(&r.predicate, f, &mut changed)?;
            let block = map_block_exprs(&r.block, f)?;
            changed |= !Arc::ptr_eq(&block, &r.block);
            StmtNode::BlockRealize(BlockRealize { iter_values, predicate, block })
        }
    };
    Ok(if changed { Stmt::new(node) } else { s.clone() })
}

/// Rewrites every expression of the statement tree `s` with `f` applied to each whole expression
/// (not to sub-expressions: `f` is expected to recurse itself, e.g. through `rewrite_expr`).
pub fn map_stmt_tree_exprs(s: &Stmt, f: &mut ExprFn<'_>) -> Result<Stmt, IrError> {
    let with_children =
        crate::ir::mutate::map_stmt_children(s, &mut |c| map_stmt_tree_exprs(c, f))?;
    map_stmt_exprs(&with_children, f)
}

/// One `buffer_dim_align` entry: `(buffer index, dimension, factor, offset)`.
pub type DimAlign = [i64; 4];

/// The storage alignment annotations of a statement tree, keyed by buffer data var, as TVM's
/// `CollectStorageAlignAnnotation`: from block annotations (the buffer index names a block write)
/// and from `Allocate` annotations (index -1).
pub fn collect_storage_align(
    body: &Stmt,
) -> Result<std::collections::HashMap<crate::ir::Var, Vec<DimAlign>>, IrError> {
    let mut out: std::collections::HashMap<crate::ir::Var, Vec<DimAlign>> =
        std::collections::HashMap::new();
    let mut error = None;
    crate::ir::visit::walk_stmt(body, &mut |s| {
        let (annotations, target) = match s.node() {
            StmtNode::Block(b) => (&b.annotations, None),
            StmtNode::BlockRealize(r) => (&r.block.annotations, None),
            StmtNode::Allocate { annotations, buffer_var, .. } => {
                (annotations, Some(buffer_var.clone()))
            }
            _ => return,
        };
        let Some(value) = annotations.get("buffer_dim_align") else {
            return;
        };
        let block_writes = match s.node() {
            StmtNode::Block(b) => Some(&b.writes),
            StmtNode::BlockRealize(r) => Some(&r.block.writes),
            _ => None,
        };
        match parse_dim_aligns(value) {
            Some(tuples) => {
                for t in tuples {
                    let var = match (&target, block_writes) {
                        (Some(v), _) => Some(v.clone()),
                        (None, Some(writes)) => usize::try_from(t[0])
                            .ok()
                            .and_then(|i| writes.get(i))
                            .map(|w| w.buffer.data().clone()),
                        _ => None,
                    };
                    match var {
                        Some(v) => out.entry(v).or_default().push(t),
                        None => {
                            error = Some(IrError::invalid(
                                "buffer_dim_align names a buffer index out of range",
                            ))
                        }
                    }
                }
            }
            None => {
                error = Some(IrError::invalid(
                    "buffer_dim_align must be a list of [index, dim, factor, offset]",
                ))
            }
        }
    });
    match error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Reads an integer from an annotation value (a plain integer or an integer immediate).
pub fn attr_int(value: &crate::ir::AttrValue) -> Option<i64> {
    match value {
        crate::ir::AttrValue::Int(v) => Some(*v),
        crate::ir::AttrValue::Bool(b) => Some(i64::from(*b)),
        crate::ir::AttrValue::Expr(e) => e.as_int(),
        _ => None,
    }
}

fn parse_dim_aligns(value: &crate::ir::AttrValue) -> Option<Vec<DimAlign>> {
    let crate::ir::AttrValue::Array(items) = value else {
        return None;
    };
    items
        .iter()
        .map(|item| match item {
            crate::ir::AttrValue::Array(xs) if xs.len() == 4 => {
                Some([attr_int(&xs[0])?, attr_int(&xs[1])?, attr_int(&xs[2])?, attr_int(&xs[3])?])
            }
            _ => None,
        })
        .collect()
}

/// The extents an allocation of `buffer` needs (TVM's `GetBufferAllocationShape`): the shape, with
/// each inner dimension widened to the ratio of consecutive strides when strides are given.
pub fn allocation_shape(buffer: &crate::ir::Buffer) -> Result<Vec<PrimExpr>, IrError> {
    let mut shape = buffer.shape().to_vec();
    let strides = buffer.strides();
    if strides.is_empty() {
        return Ok(shape);
    }
    if strides.len() != shape.len() {
        return Err(IrError::invalid(format!(
            "buffer `{}` has {} strides for {} dimensions",
            buffer.name(),
            strides.len(),
            shape.len()
        )));
    }
    for i in (1..strides.len()).rev() {
        let ratio = crate::arith::ops::binary(
            crate::ir::BinaryOp::Div,
            strides[i - 1].clone(),
            strides[i].clone(),
        )?;
        shape[i] = ratio;
    }
    Ok(shape)
}

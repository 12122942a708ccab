//! Rebuilding IR functionally: `map_stmt_children` applies a function to each direct child
//! statement and rebuilds the node only when some child changed (otherwise the same `Arc` comes
//! back, so unchanged subtrees stay shared).

use std::collections::HashMap;
use std::sync::Arc;

use super::error::IrError;
use super::expr::{Expr, PrimExpr};
use super::stmt::{Block, BlockRealize, For, Stmt, StmtNode};
use super::var::Var;

/// Applies `f` to every direct child statement of `s` (a block's init before its body) and rebuilds
/// `s` if any child changed.
pub fn map_stmt_children(
    s: &Stmt,
    f: &mut dyn FnMut(&Stmt) -> Result<Stmt, IrError>,
) -> Result<Stmt, IrError> {
    let mut changed = false;
    let mut apply = |child: &Stmt| -> Result<Stmt, IrError> {
        let new = f(child)?;
        changed |= !new.ptr_eq(child);
        Ok(new)
    };
    let node = match s.node() {
        StmtNode::BufferStore { .. } | StmtNode::Evaluate(_) => return Ok(s.clone()),
        StmtNode::SeqStmt(seq) => {
            StmtNode::SeqStmt(seq.iter().map(&mut apply).collect::<Result<_, _>>()?)
        }
        StmtNode::For(l) => StmtNode::For(For { body: apply(&l.body)?, ..l.clone() }),
        StmtNode::While { condition, body } => {
            StmtNode::While { condition: condition.clone(), body: apply(body)? }
        }
        StmtNode::IfThenElse { condition, then_case, else_case } => StmtNode::IfThenElse {
            condition: condition.clone(),
            then_case: apply(then_case)?,
            else_case: else_case.as_ref().map(&mut apply).transpose()?,
        },
        StmtNode::LetStmt { var, value, body } => {
            StmtNode::LetStmt { var: var.clone(), value: value.clone(), body: apply(body)? }
        }
        StmtNode::AttrStmt { node, attr_key, value, body } => StmtNode::AttrStmt {
            node: node.clone(),
            attr_key: attr_key.clone(),
            value: value.clone(),
            body: apply(body)?,
        },
        StmtNode::AssertStmt { condition, message, body } => StmtNode::AssertStmt {
            condition: condition.clone(),
            message: message.clone(),
            body: apply(body)?,
        },
        StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations } => {
            StmtNode::Allocate {
                buffer_var: buffer_var.clone(),
                dtype: *dtype,
                extents: extents.clone(),
                condition: condition.clone(),
                body: apply(body)?,
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
        } => StmtNode::AllocateConst {
            buffer_var: buffer_var.clone(),
            data: data.clone(),
            irmod_storage_idx: *irmod_storage_idx,
            dtype: *dtype,
            extents: extents.clone(),
            body: apply(body)?,
            annotations: annotations.clone(),
        },
        StmtNode::DeclBuffer { buffer, body } => {
            StmtNode::DeclBuffer { buffer: buffer.clone(), body: apply(body)? }
        }
        StmtNode::BufferRealize { buffer, bounds, condition, body } => StmtNode::BufferRealize {
            buffer: buffer.clone(),
            bounds: bounds.clone(),
            condition: condition.clone(),
            body: apply(body)?,
        },
        StmtNode::Block(block) => StmtNode::Block(map_block(block, &mut apply)?),
        StmtNode::BlockRealize(r) => StmtNode::BlockRealize(BlockRealize {
            iter_values: r.iter_values.clone(),
            predicate: r.predicate.clone(),
            block: map_block(&r.block, &mut apply)?,
        }),
    };
    Ok(if changed { Stmt::new(node) } else { s.clone() })
}

fn map_block(
    block: &Arc<Block>,
    apply: &mut dyn FnMut(&Stmt) -> Result<Stmt, IrError>,
) -> Result<Arc<Block>, IrError> {
    let init = block.init.as_ref().map(&mut *apply).transpose()?;
    let body = apply(&block.body)?;
    let same_init = match (&init, &block.init) {
        (Some(a), Some(b)) => a.ptr_eq(b),
        (None, None) => true,
        _ => false,
    };
    if same_init && body.ptr_eq(&block.body) {
        return Ok(block.clone());
    }
    Ok(Arc::new(Block { init, body, ..(**block).clone() }))
}

/// Applies `f` to every direct child expression of `e` and rebuilds `e` (re-checking its typing
/// rules) if any child changed. Reduce combiners and iter var domains are left as they are.
pub fn map_expr_children(
    e: &PrimExpr,
    f: &mut dyn FnMut(&PrimExpr) -> Result<PrimExpr, IrError>,
) -> Result<PrimExpr, IrError> {
    let mut changed = false;
    let mut apply = |child: &PrimExpr| -> Result<PrimExpr, IrError> {
        let new = f(child)?;
        changed |= !new.ptr_eq(child);
        Ok(new)
    };
    let mut all =
        |xs: &[PrimExpr]| -> Result<Vec<PrimExpr>, IrError> { xs.iter().map(&mut apply).collect() };
    let expr = match e.expr() {
        Expr::IntImm(_) | Expr::FloatImm(_) | Expr::StringImm(_) | Expr::Var(_) => {
            return Ok(e.clone());
        }
        Expr::Binary { op, a, b } => {
            let v = all(&[a.clone(), b.clone()])?;
            Expr::Binary { op: *op, a: v[0].clone(), b: v[1].clone() }
        }
        Expr::Cmp { op, a, b } => {
            let v = all(&[a.clone(), b.clone()])?;
            Expr::Cmp { op: *op, a: v[0].clone(), b: v[1].clone() }
        }
        Expr::And(a, b) => {
            let v = all(&[a.clone(), b.clone()])?;
            Expr::And(v[0].clone(), v[1].clone())
        }
        Expr::Or(a, b) => {
            let v = all(&[a.clone(), b.clone()])?;
            Expr::Or(v[0].clone(), v[1].clone())
        }
        Expr::Not(a) => Expr::Not(all(std::slice::from_ref(a))?.remove(0)),
        Expr::Cast(a) => Expr::Cast(all(std::slice::from_ref(a))?.remove(0)),
        Expr::Select { condition, true_value, false_value } => {
            let v = all(&[condition.clone(), true_value.clone(), false_value.clone()])?;
            Expr::Select {
                condition: v[0].clone(),
                true_value: v[1].clone(),
                false_value: v[2].clone(),
            }
        }
        Expr::BufferLoad { buffer, indices, predicate } => Expr::BufferLoad {
            buffer: buffer.clone(),
            indices: all(indices)?,
            predicate: match predicate {
                Some(p) => Some(all(std::slice::from_ref(p))?.remove(0)),
                None => None,
            },
        },
        Expr::Ramp { base, stride, lanes } => {
            let v = all(&[base.clone(), stride.clone(), lanes.clone()])?;
            Expr::Ramp { base: v[0].clone(), stride: v[1].clone(), lanes: v[2].clone() }
        }
        Expr::Broadcast { value, lanes } => {
            let v = all(&[value.clone(), lanes.clone()])?;
            Expr::Broadcast { value: v[0].clone(), lanes: v[1].clone() }
        }
        Expr::Shuffle { vectors, indices } => {
            Expr::Shuffle { vectors: all(vectors)?, indices: all(indices)? }
        }
        Expr::Let { var, value, body } => {
            let v = all(&[value.clone(), body.clone()])?;
            Expr::Let { var: var.clone(), value: v[0].clone(), body: v[1].clone() }
        }
        Expr::Call { op, args } => Expr::Call { op: op.clone(), args: all(args)? },
        Expr::Reduce { combiner, source, init, axis, condition, value_index } => Expr::Reduce {
            combiner: combiner.clone(),
            source: all(source)?,
            init: all(init)?,
            axis: axis.clone(),
            condition: all(std::slice::from_ref(condition))?.remove(0),
            value_index: *value_index,
        },
    };
    if !changed {
        return Ok(e.clone());
    }
    PrimExpr::new(e.dtype(), expr)
}

/// Replaces uses of the vars in `map` inside `e`; returns `e` itself when nothing changed.
///
/// A replacement whose dtype differs from the var's would make an ill-typed node; such a node keeps
/// its original children, so substitution never fails.
pub fn substitute(e: &PrimExpr, map: &HashMap<Var, PrimExpr>) -> PrimExpr {
    if map.is_empty() {
        return e.clone();
    }
    fn go(e: &PrimExpr, map: &HashMap<Var, PrimExpr>) -> Result<PrimExpr, IrError> {
        if let Expr::Var(v) = e.expr() {
            return Ok(map.get(v).cloned().unwrap_or_else(|| e.clone()));
        }
        map_expr_children(e, &mut |c| go(c, map).or_else(|_| Ok(c.clone())))
    }
    go(e, map).unwrap_or_else(|_| e.clone())
}

//! LowerInitBlock (TVM v0.23 `tir.LowerInitBlock`): moves every block's `T.init()` into its body.
//!
//! For a block with an init statement, the init becomes the first statement of the body, guarded by
//! `if v0 == min0 and v1 == min1 ...` over the block's reduction (`CommReduce`) iter vars, each
//! compared with the start of its domain; with no reduction iter var the init runs unguarded. The
//! init itself is not visited further (TVM does not lower inits nested inside inits), the body is.
//!
//! Invariants: afterwards no block has an init; nothing else changes (iter vars, regions and
//! annotations stay); unchanged subtrees keep their identity.

use std::sync::Arc;

use crate::arith::ops;
use crate::ir::mutate::map_stmt_children;
use crate::ir::{Block, CmpOp, IrError, IterVarType, PrimExpr, PrimFunc, Stmt, StmtNode};

/// Lowers the init statements of all blocks in `func`.
pub fn lower_init_block(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let body = lower_stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.LowerInitBlock` (opt level 0, per function), for pipelines.
pub fn pass() -> crate::transform::pass::Pass {
    crate::transform::pass::Pass::prim_func("tir.LowerInitBlock", 0, |f, _| {
        Ok(lower_init_block(f)?)
    })
}

fn lower_stmt(s: &Stmt) -> Result<Stmt, IrError> {
    match s.node() {
        StmtNode::Block(block) if block.init.is_some() => {
            Ok(Stmt::new(StmtNode::Block(lower_block(block)?)))
        }
        StmtNode::BlockRealize(r) if r.block.init.is_some() => {
            let mut realize = r.clone();
            realize.block = lower_block(&r.block)?;
            Ok(Stmt::new(StmtNode::BlockRealize(realize)))
        }
        _ => map_stmt_children(s, &mut lower_stmt),
    }
}

/// Lowers one block whose init is present.
fn lower_block(block: &Arc<Block>) -> Result<Arc<Block>, IrError> {
    let Some(init) = &block.init else {
        return Ok(block.clone());
    };
    let guarded = guard_init(init, block)?;
    let body = lower_stmt(&block.body)?;
    Ok(Arc::new(Block { init: None, body: Stmt::seq(vec![guarded, body]), ..(**block).clone() }))
}

/// `if all reduction vars are at their first value: init`, or the init alone without reductions.
fn guard_init(init: &Stmt, block: &Block) -> Result<Stmt, IrError> {
    let mut condition: Option<PrimExpr> = None;
    for iv in block.iter_vars.iter().filter(|iv| iv.iter_type == IterVarType::CommReduce) {
        let dom = iv.dom.as_ref().ok_or_else(|| {
            IrError::invalid(format!("reduction iter var `{}` has no domain", iv.var.name()))
        })?;
        let at_start = ops::compare(CmpOp::Eq, PrimExpr::var(&iv.var), dom.min.clone())?;
        condition = Some(match condition {
            Some(c) => ops::logical_and(c, at_start)?,
            None => at_start,
        });
    }
    Ok(match condition {
        Some(condition) => {
            Stmt::new(StmtNode::IfThenElse { condition, then_case: init.clone(), else_case: None })
        }
        None => init.clone(),
    })
}

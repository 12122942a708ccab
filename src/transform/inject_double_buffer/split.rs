//! The loop split of InjectDoubleBuffer: `for i in range(n)` (its body already rewritten) becomes
//! a loop over `i.outer` in `range((n - 1) / k)` whose body is `k` copies for
//! `i = i.outer * k + 0 .. k - 1`, then `k` tail copies guarded by `if base + j < n:` with their
//! `double_buffer_write` attributes stripped (`base = (n - 1) / k * k`), as TVM's pass builds it.

use std::collections::HashMap;

use crate::arith::ops;
use crate::ir::mutate::{map_stmt_children, substitute};
use crate::ir::{Annotations, BinaryOp, CmpOp, For, IrError, PrimExpr, Stmt, StmtNode, Var};
use crate::transform::block_lowering_util::map_stmt_tree_exprs;

/// The loop over `i.outer` with `k` copies of the body of `l`, then the `k` tail copies.
pub(super) fn split_loop(l: &For, k: i64) -> Result<Stmt, IrError> {
    if k % 2 != 0 && k != 1 {
        return Err(IrError::invalid("It is better to split with multiple of 2"));
    }
    if l.min.as_int() != Some(0) {
        return Err(IrError::invalid(format!(
            "InjectDoubleBuffer expects loop `{}` to start at zero",
            l.loop_var.name()
        )));
    }
    let dtype = l.loop_var.dtype();
    let new_extent = ops::sub(l.extent.clone(), PrimExpr::int(1, dtype))?;
    let factor = PrimExpr::int(k, new_extent.dtype());
    // TVM's `/`: truncating division, folded on constants.
    let outer_extent = ops::binary(BinaryOp::Div, new_extent, factor.clone())?;
    let tail_base = ops::mul(outer_extent.clone(), factor.clone())?;
    let outer = Var::new(format!("{}.outer", l.loop_var.name()), dtype);
    let mut copies = Vec::new();
    for i in 0..k {
        let index = ops::add(
            ops::mul(PrimExpr::var(&outer), factor.clone())?,
            PrimExpr::int(i, factor.dtype()),
        )?;
        let map = HashMap::from([(l.loop_var.clone(), index)]);
        copies.push(map_stmt_tree_exprs(&l.body, &mut |e| Ok(substitute(e, &map)))?);
    }
    let mut seq = vec![Stmt::from(For {
        loop_var: outer,
        min: l.min.clone(),
        extent: outer_extent,
        kind: l.kind,
        body: Stmt::seq(copies),
        thread_binding: None,
        annotations: Annotations::new(),
        step: None,
    })];
    let tail_body = strip_double_buffer_write(&l.body)?;
    for i in 0..k {
        let index = ops::add(tail_base.clone(), PrimExpr::int(i, tail_base.dtype()))?;
        let map = HashMap::from([(l.loop_var.clone(), index.clone())]);
        seq.push(Stmt::new(StmtNode::IfThenElse {
            condition: ops::compare(CmpOp::Lt, index, l.extent.clone())?,
            then_case: map_stmt_tree_exprs(&tail_body, &mut |e| Ok(substitute(e, &map)))?,
            else_case: None,
        }));
    }
    Ok(Stmt::seq(seq))
}

/// `s` without its `double_buffer_write` attributes.
fn strip_double_buffer_write(s: &Stmt) -> Result<Stmt, IrError> {
    match s.node() {
        StmtNode::AttrStmt { attr_key, body, .. } if attr_key == "double_buffer_write" => {
            strip_double_buffer_write(body)
        }
        _ => map_stmt_children(s, &mut strip_double_buffer_write),
    }
}

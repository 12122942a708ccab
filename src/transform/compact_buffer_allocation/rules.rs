//! The fixed rules of region collection: which buffers alias a data var, when a thread var is
//! relaxed for a storage scope, point regions, and the side-effect and var-use tests of narrowing.

use std::collections::HashMap;

use crate::arith::{IntSet, ops};
use crate::ir::{Buffer, BufferRegion, Expr, IrError, PrimExpr, Range, Stmt, StmtNode, Var};

/// Every buffer seen for each data var (TVM's `Var2BufferCollector`).
pub(super) fn aliases(body: &Stmt) -> HashMap<Var, Vec<Buffer>> {
    let mut map: HashMap<Var, Vec<Buffer>> = HashMap::new();
    let mut add = |b: &Buffer| {
        let list = map.entry(b.data().clone()).or_default();
        if !list.contains(b) {
            list.push(b.clone());
        }
    };
    crate::ir::visit::walk_stmt(body, &mut |s| match s.node() {
        StmtNode::BufferStore { buffer, .. } | StmtNode::DeclBuffer { buffer, .. } => add(buffer),
        StmtNode::Block(_) | StmtNode::BlockRealize(_) => {
            let block = match s.node() {
                StmtNode::Block(b) => b,
                StmtNode::BlockRealize(r) => &r.block,
                _ => return,
            };
            block.alloc_buffers.iter().for_each(&mut add);
            for m in &block.match_buffers {
                add(&m.buffer);
                add(&m.source.buffer);
            }
        }
        _ => {}
    });
    crate::ir::visit::walk_stmt_exprs(body, &mut |e| {
        if let Expr::BufferLoad { buffer, .. } = e.expr() {
            add(buffer);
        }
    });
    map
}

/// Storage rank of a scope (global 0, shared 1, warp 2, local 3), as TVM's `StorageRank`.
pub(super) fn storage_rank(scope: &str) -> i32 {
    let base = scope.split('.').next().unwrap_or(scope);
    match base {
        "shared" => 1,
        "warp" => 2,
        "local" => 3,
        _ => 0,
    }
}

/// Whether accesses to a buffer of `scope` relax over a thread var with `tag` (TVM's
/// `CanRelaxStorageUnderThread`).
pub(super) fn need_relax_thread(tag: &str, scope: &str) -> bool {
    let (rank, dim) = if let Some(d) = tag.strip_prefix("blockIdx.") {
        (0, d)
    } else if let Some(d) = tag.strip_prefix("threadIdx.") {
        (1, d)
    } else if tag.starts_with("vthread") || tag == "cthread" {
        (1, "")
    } else {
        return false;
    };
    let storage = storage_rank(scope);
    if storage == 2 {
        return rank == 1 && dim == "x";
    }
    storage <= rank
}

pub(super) fn from_range(r: &Range) -> IntSet {
    if r.extent.as_int() == Some(1) { IntSet::point(r.min.clone()) } else { IntSet::from_range(r) }
}

/// The region an access at `indices` touches (TVM's `BufferRegion::FromPoint`): a scalar index is
/// one element; a `Ramp(base, stride, lanes)` index covers `[base, base + stride * lanes)`, as in
/// TVM (for a stride above one this includes the `stride - 1` elements past the last lane).
/// Any other vector index (e.g. a `Broadcast`) is kept as a one-element range, as TVM does.
pub(super) fn point_region(buffer: &Buffer, indices: &[PrimExpr]) -> Result<BufferRegion, IrError> {
    let region = indices
        .iter()
        .map(|i| match i.expr() {
            Expr::Ramp { base, stride, lanes } => {
                let lanes = ops::cast(stride.dtype(), lanes.clone())?;
                Ok(Range::new(base.clone(), ops::mul(stride.clone(), lanes)?))
            }
            _ => Ok(Range::point(i.clone())),
        })
        .collect::<Result<_, IrError>>()?;
    Ok(BufferRegion { buffer: buffer.clone(), region })
}

/// Whether `e` reads memory or calls an impure operator (TVM's `SideEffect(e) > kPure`).
pub(super) fn has_side_effect(e: &PrimExpr) -> bool {
    let mut found = false;
    crate::ir::visit::walk_expr(e, &mut |sub| match sub.expr() {
        Expr::BufferLoad { .. } => found = true,
        Expr::Call { op: crate::ir::Callee::Op(op), .. } => found |= !op.def().is_pure(),
        Expr::Call { .. } => found = true,
        _ => {}
    });
    found
}

/// Whether `e` uses any of `vars`.
pub(super) fn uses_any(e: &PrimExpr, vars: &[&Var]) -> bool {
    let mut found = false;
    crate::ir::visit::walk_expr(e, &mut |sub| {
        if let Some(v) = sub.as_var() {
            found |= vars.contains(&v);
        }
    });
    found
}

//! The fields of statements and expressions in the order TVM's `StmtExprVisitor` and
//! `StmtExprMutator` visit them, and rebuilding a node from new fields.
//!
//! CommonSubexprElimTIR depends on that order twice: the order in which computations are first
//! seen breaks ties between candidates of equal size, and the order in which children are
//! rewritten decides which `cse_vN` number each introduced variable gets. TVM visits:
//! `Allocate` extents, body, then condition; a store's value before its indices; a `Shuffle`'s
//! vectors before its indices when rewriting (but indices first when only visiting); never a load's
//! or store's predicate, a `DeclBuffer`'s buffer, or an `Allocate`'s buffer var.
//!
//! Invariant: `map_stmt_fields` and `map_expr_fields` return the input itself (same `Arc`) when no
//! field changed, and otherwise a node of the same kind with every other field kept.

use std::sync::Arc;

use crate::ir::{
    Block, BlockRealize, BufferRegion, Expr, For, IrError, IterVar, PrimExpr, Range, Stmt, StmtNode,
};

/// One field of a statement: an expression or a child statement.
pub(super) enum Field<'a> {
    Expr(&'a PrimExpr),
    Stmt(&'a Stmt),
}

/// The fields of `s` in TVM's `StmtVisitor` order (a loop's step included).
pub(super) fn stmt_fields(s: &Stmt) -> Vec<Field<'_>> {
    use Field::{Expr as E, Stmt as S};
    match s.node() {
        StmtNode::BufferStore { value, indices, .. } => {
            std::iter::once(E(value)).chain(indices.iter().map(E)).collect()
        }
        StmtNode::Evaluate(e) => vec![E(e)],
        StmtNode::SeqStmt(seq) => seq.iter().map(S).collect(),
        StmtNode::For(f) => {
            let mut out = vec![E(&f.min), E(&f.extent)];
            out.extend(f.step.as_ref().map(E));
            out.push(S(&f.body));
            out
        }
        StmtNode::While { condition, body } => vec![E(condition), S(body)],
        StmtNode::IfThenElse { condition, then_case, else_case } => {
            let mut out = vec![E(condition), S(then_case)];
            out.extend(else_case.as_ref().map(S));
            out
        }
        StmtNode::LetStmt { value, body, .. } | StmtNode::AttrStmt { value, body, .. } => {
            vec![E(value), S(body)]
        }
        StmtNode::AssertStmt { condition, message, body } => {
            vec![E(condition), E(message), S(body)]
        }
        StmtNode::Allocate { extents, condition, body, .. } => {
            let mut out: Vec<Field> = extents.iter().map(E).collect();
            out.push(S(body));
            out.push(E(condition));
            out
        }
        StmtNode::AllocateConst { extents, body, .. } => {
            extents.iter().map(E).chain(std::iter::once(S(body))).collect()
        }
        StmtNode::DeclBuffer { body, .. } => vec![S(body)],
        StmtNode::BufferRealize { bounds, condition, body, .. } => {
            let mut out: Vec<Field> =
                bounds.iter().flat_map(|r| [E(&r.min), E(&r.extent)]).collect();
            out.push(E(condition));
            out.push(S(body));
            out
        }
        StmtNode::Block(block) => block_fields(block),
        StmtNode::BlockRealize(r) => {
            let mut out: Vec<Field> = r.iter_values.iter().map(E).collect();
            out.push(E(&r.predicate));
            out.extend(block_fields(&r.block));
            out
        }
    }
}

fn block_fields(block: &Block) -> Vec<Field<'_>> {
    let mut out = Vec::new();
    for dom in block.iter_vars.iter().filter_map(|iv| iv.dom.as_ref()) {
        out.extend([Field::Expr(&dom.min), Field::Expr(&dom.extent)]);
    }
    let sources = block.match_buffers.iter().map(|m| &m.source);
    for region in block.reads.iter().chain(&block.writes).chain(sources) {
        for r in &region.region {
            out.extend([Field::Expr(&r.min), Field::Expr(&r.extent)]);
        }
    }
    out.extend(block.init.as_ref().map(Field::Stmt));
    out.push(Field::Stmt(&block.body));
    out
}

/// A rewriter of the fields of a node.
pub(super) trait FieldMutator {
    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError>;
    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError>;
}

/// Rewrites the fields of `s` in TVM's `StmtMutator` order and rebuilds `s` if one changed.
pub(super) fn map_stmt_fields(s: &Stmt, m: &mut dyn FieldMutator) -> Result<Stmt, IrError> {
    let mut changed = false;
    let mut new_exprs = Vec::new();
    let mut new_stmts = Vec::new();
    for field in stmt_fields(s) {
        match field {
            Field::Expr(e) => {
                let new = m.expr(e)?;
                changed |= !new.ptr_eq(e);
                new_exprs.push(new);
            }
            Field::Stmt(c) => {
                let new = m.stmt(c)?;
                changed |= !new.ptr_eq(c);
                new_stmts.push(new);
            }
        }
    }
    if !changed {
        return Ok(s.clone());
    }
    let mut exprs = new_exprs.into_iter();
    let mut stmts = new_stmts.into_iter();
    // Each field is taken back in the order `stmt_fields` produced it.
    let mut e = || exprs.next().ok_or_else(|| IrError::invalid("statement field count changed"));
    let mut c = || stmts.next().ok_or_else(|| IrError::invalid("statement field count changed"));
    let node = match s.node().clone() {
        StmtNode::BufferStore { buffer, indices, predicate, .. } => {
            let value = e()?;
            let indices = indices.iter().map(|_| e()).collect::<Result<_, _>>()?;
            StmtNode::BufferStore { buffer, value, indices, predicate }
        }
        StmtNode::Evaluate(_) => StmtNode::Evaluate(e()?),
        StmtNode::SeqStmt(seq) => {
            StmtNode::SeqStmt(seq.iter().map(|_| c()).collect::<Result<_, _>>()?)
        }
        StmtNode::For(f) => {
            let (min, extent) = (e()?, e()?);
            let step = f.step.as_ref().map(|_| e()).transpose()?;
            StmtNode::For(For { min, extent, step, body: c()?, ..f })
        }
        StmtNode::While { .. } => StmtNode::While { condition: e()?, body: c()? },
        StmtNode::IfThenElse { else_case, .. } => StmtNode::IfThenElse {
            condition: e()?,
            then_case: c()?,
            else_case: else_case.as_ref().map(|_| c()).transpose()?,
        },
        StmtNode::LetStmt { var, .. } => StmtNode::LetStmt { var, value: e()?, body: c()? },
        StmtNode::AttrStmt { node, attr_key, .. } => {
            StmtNode::AttrStmt { node, attr_key, value: e()?, body: c()? }
        }
        StmtNode::AssertStmt { .. } => {
            StmtNode::AssertStmt { condition: e()?, message: e()?, body: c()? }
        }
        StmtNode::Allocate { buffer_var, dtype, extents, annotations, .. } => {
            let extents = extents.iter().map(|_| e()).collect::<Result<_, _>>()?;
            let body = c()?;
            StmtNode::Allocate { buffer_var, dtype, extents, condition: e()?, body, annotations }
        }
        StmtNode::AllocateConst {
            buffer_var,
            data,
            irmod_storage_idx,
            dtype,
            extents,
            annotations,
            ..
        } => {
            let extents = extents.iter().map(|_| e()).collect::<Result<_, _>>()?;
            StmtNode::AllocateConst {
                buffer_var,
                data,
                irmod_storage_idx,
                dtype,
                extents,
                body: c()?,
                annotations,
            }
        }
        StmtNode::DeclBuffer { buffer, .. } => StmtNode::DeclBuffer { buffer, body: c()? },
        StmtNode::BufferRealize { buffer, bounds, .. } => {
            let bounds = bounds
                .iter()
                .map(|_| Ok(Range::new(e()?, e()?)))
                .collect::<Result<_, IrError>>()?;
            StmtNode::BufferRealize { buffer, bounds, condition: e()?, body: c()? }
        }
        StmtNode::Block(block) => StmtNode::Block(rebuild_block(&block, &mut e, &mut c)?),
        StmtNode::BlockRealize(r) => {
            let iter_values = r.iter_values.iter().map(|_| e()).collect::<Result<_, _>>()?;
            let predicate = e()?;
            let block = rebuild_block(&r.block, &mut e, &mut c)?;
            StmtNode::BlockRealize(BlockRealize { iter_values, predicate, block })
        }
    };
    Ok(Stmt::new(node))
}

type Take<'a, T> = dyn FnMut() -> Result<T, IrError> + 'a;

fn rebuild_block(
    block: &Block,
    e: &mut Take<'_, PrimExpr>,
    c: &mut Take<'_, Stmt>,
) -> Result<Arc<Block>, IrError> {
    // The new bounds come from `e` in field order; the old range only marks their place.
    let mut range = |_: &Range| -> Result<Range, IrError> { Ok(Range::new(e()?, e()?)) };
    let iter_vars = block
        .iter_vars
        .iter()
        .map(|iv| {
            let dom = iv.dom.as_ref().map(&mut range).transpose()?;
            Ok(IterVar { dom, ..iv.clone() })
        })
        .collect::<Result<Vec<_>, IrError>>()?;
    let mut region = |b: &BufferRegion| -> Result<BufferRegion, IrError> {
        let region = b.region.iter().map(&mut range).collect::<Result<_, _>>()?;
        Ok(BufferRegion { region, ..b.clone() })
    };
    let reads = block.reads.iter().map(&mut region).collect::<Result<_, _>>()?;
    let writes = block.writes.iter().map(&mut region).collect::<Result<_, _>>()?;
    let mut match_buffers = block.match_buffers.clone();
    for m in &mut match_buffers {
        m.source = region(&m.source)?;
    }
    let init = block.init.as_ref().map(|_| c()).transpose()?;
    let body = c()?;
    Ok(Arc::new(Block { iter_vars, reads, writes, match_buffers, init, body, ..block.clone() }))
}

/// Rewrites the children of `e` in TVM's `ExprMutator` order and rebuilds `e` if one changed: a
/// load's indices (not its predicate), a ramp's base, stride and lanes, a broadcast's value and
/// lanes, a shuffle's vectors then indices, a reduction's axis domains, sources, inits and
/// condition.
pub(super) fn map_expr_fields(
    e: &PrimExpr,
    f: &mut dyn FnMut(&PrimExpr) -> Result<PrimExpr, IrError>,
) -> Result<PrimExpr, IrError> {
    let mut changed = false;
    let mut go = |x: &PrimExpr| -> Result<PrimExpr, IrError> {
        let new = f(x)?;
        changed |= !new.ptr_eq(x);
        Ok(new)
    };
    let expr = match e.expr() {
        Expr::IntImm(_) | Expr::FloatImm(_) | Expr::StringImm(_) | Expr::Var(_) => {
            return Ok(e.clone());
        }
        Expr::Binary { op, a, b } => Expr::Binary { op: *op, a: go(a)?, b: go(b)? },
        Expr::Cmp { op, a, b } => Expr::Cmp { op: *op, a: go(a)?, b: go(b)? },
        Expr::And(a, b) => Expr::And(go(a)?, go(b)?),
        Expr::Or(a, b) => Expr::Or(go(a)?, go(b)?),
        Expr::Not(a) => Expr::Not(go(a)?),
        Expr::Cast(a) => Expr::Cast(go(a)?),
        Expr::Select { condition, true_value, false_value } => Expr::Select {
            condition: go(condition)?,
            true_value: go(true_value)?,
            false_value: go(false_value)?,
        },
        Expr::BufferLoad { buffer, indices, predicate } => Expr::BufferLoad {
            buffer: buffer.clone(),
            indices: indices.iter().map(&mut go).collect::<Result<_, _>>()?,
            predicate: predicate.clone(),
        },
        Expr::Ramp { base, stride, lanes } => {
            Expr::Ramp { base: go(base)?, stride: go(stride)?, lanes: go(lanes)? }
        }
        Expr::Broadcast { value, lanes } => {
            Expr::Broadcast { value: go(value)?, lanes: go(lanes)? }
        }
        Expr::Shuffle { vectors, indices } => Expr::Shuffle {
            vectors: vectors.iter().map(&mut go).collect::<Result<_, _>>()?,
            indices: indices.iter().map(&mut go).collect::<Result<_, _>>()?,
        },
        Expr::Let { var, value, body } => {
            Expr::Let { var: var.clone(), value: go(value)?, body: go(body)? }
        }
        Expr::Call { op, args } => {
            Expr::Call { op: op.clone(), args: args.iter().map(&mut go).collect::<Result<_, _>>()? }
        }
        Expr::Reduce { combiner, source, init, axis, condition, value_index } => {
            let axis = axis
                .iter()
                .map(|iv| {
                    let dom = match &iv.dom {
                        Some(r) => Some(Range::new(go(&r.min)?, go(&r.extent)?)),
                        None => None,
                    };
                    Ok(IterVar { dom, ..iv.clone() })
                })
                .collect::<Result<Vec<_>, IrError>>()?;
            Expr::Reduce {
                combiner: combiner.clone(),
                source: source.iter().map(&mut go).collect::<Result<_, _>>()?,
                init: init.iter().map(&mut go).collect::<Result<_, _>>()?,
                axis,
                condition: go(condition)?,
                value_index: *value_index,
            }
        }
    };
    if !changed {
        return Ok(e.clone());
    }
    PrimExpr::new(e.dtype(), expr)
}

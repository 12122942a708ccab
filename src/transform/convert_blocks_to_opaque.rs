//! ConvertBlocksToOpaque (TVM v0.23 `tir.ConvertBlocksToOpaque`): removes block iter vars by
//! substituting each with the value its realize binds it to.
//!
//! Every `BlockRealize` loses its bindings and its block loses its iter vars; uses of an iter var
//! anywhere inside the block (body, regions, nested bindings and predicates) become the binding
//! value. The realize predicate and the bindings themselves are rewritten with the substitutions
//! of enclosing blocks only; an iter var of the block itself appearing there is an error, as in TVM.
//! A block must not have an init (run LowerInitBlock first).
//!
//! Invariants: afterwards every block is opaque (no iter vars, no bindings); expressions are
//! substituted, never simplified; buffer shapes are not rewritten.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::block_lowering_util::{map_block_exprs, map_stmt_exprs, rewrite_expr};
use crate::ir::mutate::map_stmt_children;
use crate::ir::{Block, BlockRealize, Expr, IrError, PrimExpr, PrimFunc, Stmt, StmtNode, Var};

/// Converts all blocks of `func` to opaque blocks.
pub fn convert_blocks_to_opaque(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut converter = Converter::default();
    let body = converter.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.ConvertBlocksToOpaque` (opt level 0, per function), for pipelines.
pub fn pass() -> crate::transform::pass::Pass {
    crate::transform::pass::Pass::prim_func("tir.ConvertBlocksToOpaque", 0, |f, _| {
        Ok(convert_blocks_to_opaque(f)?)
    })
}

#[derive(Default)]
struct Converter {
    /// Block iter vars of the enclosing blocks and the values they stand for.
    substitutes: HashMap<Var, PrimExpr>,
    /// Iter vars that may not appear in the expression being rewritten.
    forbidden: HashSet<Var>,
}

impl Converter {
    fn expr(&self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        rewrite_expr(e, &mut |node| match node.expr() {
            Expr::Var(v) if self.forbidden.contains(v) => Err(IrError::invalid(format!(
                "variable `{}` occurs in the predicate or iter_values of a block, but isn't defined until the body of the block",
                v.name()
            ))),
            Expr::Var(v) => Ok(self.substitutes.get(v).cloned().unwrap_or_else(|| node.clone())),
            _ => Ok(node.clone()),
        })
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::BlockRealize(r) => self.realize(r),
            StmtNode::Block(block) => Ok(Stmt::new(StmtNode::Block(self.block(block)?))),
            _ => {
                let with_children = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&with_children, &mut |e| self.expr(e))
            }
        }
    }

    fn block(&mut self, block: &Arc<Block>) -> Result<Arc<Block>, IrError> {
        if block.init.is_some() {
            return Err(IrError::invalid(
                "block init is not allowed in pass ConvertBlocksToOpaque; run LowerInitBlock first",
            ));
        }
        let fields = map_block_exprs(block, &mut |e| self.expr(e))?;
        let body = self.stmt(&block.body)?;
        Ok(Arc::new(Block { iter_vars: Vec::new(), body, ..(*fields).clone() }))
    }

    fn realize(&mut self, r: &BlockRealize) -> Result<Stmt, IrError> {
        let block = &r.block;
        if block.iter_vars.len() != r.iter_values.len() {
            return Err(IrError::invalid(format!(
                "block `{}` has {} iter vars but {} bindings",
                block.name_hint,
                block.iter_vars.len(),
                r.iter_values.len()
            )));
        }
        // The predicate and bindings are rewritten before this block's vars are bound.
        self.forbidden.extend(block.iter_vars.iter().map(|iv| iv.var.clone()));
        let rewritten = r.iter_values.iter().map(|v| self.expr(v)).collect::<Result<Vec<_>, _>>();
        let predicate = self.expr(&r.predicate);
        for iv in &block.iter_vars {
            self.forbidden.remove(&iv.var);
        }
        let (values, predicate) = (rewritten?, predicate?);
        let mut previous = Vec::new();
        for (iv, value) in block.iter_vars.iter().zip(&values) {
            let value = self.expr(value)?;
            previous.push((iv.var.clone(), self.substitutes.insert(iv.var.clone(), value)));
        }
        let new_block = self.block(block);
        for (var, old) in previous.into_iter().rev() {
            match old {
                Some(v) => self.substitutes.insert(var, v),
                None => self.substitutes.remove(&var),
            };
        }
        let new_block = new_block?;
        Ok(Stmt::new(StmtNode::BlockRealize(BlockRealize {
            iter_values: Vec::new(),
            predicate,
            block: new_block,
        })))
    }
}

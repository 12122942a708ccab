//! ConvertSSA (TVM v0.23 `tir.ConvertSSA`, used by UnrollLoop): gives every variable exactly one
//! definition.
//!
//! Walking the function in order, the first definition of a variable (a parameter, a loop var, a
//! `LetStmt`/`Let` var, an `Allocate` data var) keeps it; each later definition of the same variable
//! gets a fresh variable with the same name hint, substituted in the body it scopes. Buffers whose
//! data var is renamed are rebuilt on the new var (once per buffer and scope), so loads, stores and
//! `DeclBuffer`s inside the renamed scope refer to the new allocation.
//! Sequences come back flattened without `T.evaluate(0)` members, as from any TVM `StmtMutator`.
//! Invariants: a function that is already SSA comes back unchanged; renaming is scoped, so uses
//! after a redefinition's scope keep the outer variable.

use std::collections::{HashMap, HashSet};

use crate::ir::mutate::map_stmt_children;
use crate::ir::{Buffer, BufferNode, Expr, For, IrError, PrimExpr, PrimFunc, Stmt, StmtNode, Var};

/// Renames redefinitions in `func` so every variable is defined once.
pub fn convert_ssa(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut ssa = Ssa { defined: func.params.iter().cloned().collect(), ..Ssa::default() };
    for (_, b) in &func.buffer_map {
        ssa.defined.insert(b.data().clone());
    }
    let body = ssa.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

#[derive(Default)]
struct Ssa {
    defined: HashSet<Var>,
    /// Active renamings, innermost last per var.
    scopes: HashMap<Var, Vec<Var>>,
    /// Rebuilt buffers, by original buffer id and new data var.
    buffers: HashMap<(u64, u64), Buffer>,
}

impl Ssa {
    /// Defines `v`: itself the first time, a fresh copy (pushed as a renaming) afterwards.
    fn define(&mut self, v: &Var) -> (Var, bool) {
        if self.defined.insert(v.clone()) {
            return (v.clone(), false);
        }
        let fresh = v.copy_with_new_identity();
        self.defined.insert(fresh.clone());
        self.scopes.entry(v.clone()).or_default().push(fresh.clone());
        (fresh, true)
    }

    fn undefine(&mut self, v: &Var, pushed: bool) {
        if pushed && let Some(stack) = self.scopes.get_mut(v) {
            stack.pop();
        }
    }

    fn current(&self, v: &Var) -> Option<&Var> {
        self.scopes.get(v).and_then(|s| s.last())
    }

    fn buffer(&mut self, b: &Buffer) -> Result<Buffer, IrError> {
        let Some(data) = self.current(b.data()).cloned() else { return Ok(b.clone()) };
        if let Some(found) = self.buffers.get(&(b.id(), data.id())) {
            return Ok(found.clone());
        }
        let node = b.node();
        let rebuilt = Buffer::new(BufferNode {
            data: data.clone(),
            shape: node.shape.iter().map(|e| self.expr(e)).collect::<Result<_, _>>()?,
            strides: node.strides.iter().map(|e| self.expr(e)).collect::<Result<_, _>>()?,
            elem_offset: self.expr(&node.elem_offset)?,
            ..node.clone()
        });
        self.buffers.insert((b.id(), data.id()), rebuilt.clone());
        Ok(rebuilt)
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        match e.expr() {
            Expr::Var(v) => Ok(self.current(v).map_or_else(|| e.clone(), PrimExpr::var)),
            Expr::Let { var, value, body } => {
                let value = self.expr(value)?;
                let (new_var, pushed) = self.define(var);
                let body = self.expr(body);
                self.undefine(var, pushed);
                PrimExpr::let_(&new_var, value, body?)
            }
            Expr::BufferLoad { buffer, indices, predicate } => {
                let buffer = self.buffer(buffer)?;
                let indices = indices.iter().map(|i| self.expr(i)).collect::<Result<_, _>>()?;
                let predicate = predicate.as_ref().map(|p| self.expr(p)).transpose()?;
                PrimExpr::new(e.dtype(), Expr::BufferLoad { buffer, indices, predicate })
            }
            _ => crate::ir::mutate::map_expr_children(e, &mut |c| self.expr(c)),
        }
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::For(l) => {
                let min = self.expr(&l.min)?;
                let extent = self.expr(&l.extent)?;
                let (loop_var, pushed) = self.define(&l.loop_var);
                let body = self.stmt(&l.body);
                self.undefine(&l.loop_var, pushed);
                Ok(Stmt::from(For { loop_var, min, extent, body: body?, ..l.clone() }))
            }
            StmtNode::LetStmt { var, value, body } => {
                let value = self.expr(value)?;
                let (new_var, pushed) = self.define(var);
                let body = self.stmt(body);
                self.undefine(var, pushed);
                Ok(Stmt::new(StmtNode::LetStmt { var: new_var, value, body: body? }))
            }
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations } => {
                let extents = extents.iter().map(|e| self.expr(e)).collect::<Result<_, _>>()?;
                let condition = self.expr(condition)?;
                let (new_var, pushed) = self.define(buffer_var);
                let body = self.stmt(body);
                self.undefine(buffer_var, pushed);
                Ok(Stmt::new(StmtNode::Allocate {
                    buffer_var: new_var,
                    dtype: *dtype,
                    extents,
                    condition,
                    body: body?,
                    annotations: annotations.clone(),
                }))
            }
            StmtNode::DeclBuffer { buffer, body } => {
                let buffer = self.buffer(buffer)?;
                let body = self.stmt(body)?;
                Ok(Stmt::new(StmtNode::DeclBuffer { buffer, body }))
            }
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let buffer = self.buffer(buffer)?;
                let value = self.expr(value)?;
                let indices = indices.iter().map(|i| self.expr(i)).collect::<Result<_, _>>()?;
                let predicate = predicate.as_ref().map(|p| self.expr(p)).transpose()?;
                Ok(Stmt::new(StmtNode::BufferStore { buffer, value, indices, predicate }))
            }
            StmtNode::SeqStmt(seq) => {
                // As TVM's StmtMutator: sequences come back flattened, without `evaluate(0)`.
                let items = seq.iter().map(|c| self.stmt(c)).collect::<Result<Vec<_>, _>>()?;
                Ok(super::unroll_loop::flatten_seq(items))
            }
            _ => {
                let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
                super::block_lowering_util::map_stmt_exprs(&s, &mut |e| self.expr(e))
            }
        }
    }
}

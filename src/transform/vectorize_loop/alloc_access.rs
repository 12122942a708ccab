//! Per-lane copies of an allocation made inside a vectorized loop (TVM's `VecAllocAccess`).
//!
//! Invariant: only accesses through the allocation's data var change; each distinct buffer on it
//! is rebuilt once, with its last dimension `lanes` times longer and no strides.

use std::collections::HashMap;

use super::super::block_lowering_util::map_stmt_exprs;
use crate::arith::{Analyzer, ops};
use crate::ir::mutate::map_stmt_children;
use crate::ir::{Buffer, BufferNode, DataType, Expr, IrError, PrimExpr, Stmt, StmtNode, Var};

/// TVM's `VecAllocAccess`: gives each lane its own copy of an allocation declared inside a
/// vectorized loop (`buf[i]` becomes `buf[i * lanes + var]`, the last dimension grows by `lanes`).
pub struct VecAllocAccess {
    pub buffer_var: Var,
    pub var: Var,
    pub var_lanes: u16,
    pub remapped: HashMap<u64, Buffer>,
    pub analyzer: Analyzer,
}

impl VecAllocAccess {
    pub fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
        let s = map_stmt_exprs(&s, &mut |e| self.expr(e))?;
        if let StmtNode::BufferStore { buffer, value, indices, predicate } = s.node()
            && *buffer.data() == self.buffer_var
        {
            let (buffer, indices) = self.access(buffer, indices)?;
            return Ok(Stmt::new(StmtNode::BufferStore {
                buffer,
                value: value.clone(),
                indices,
                predicate: predicate.clone(),
            }));
        }
        Ok(s)
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        let e = crate::ir::mutate::map_expr_children(e, &mut |c| self.expr(c))?;
        if let Expr::BufferLoad { buffer, indices, predicate } = e.expr()
            && *buffer.data() == self.buffer_var
        {
            let (buffer, indices) = self.access(buffer, indices)?;
            return PrimExpr::new(
                e.dtype(),
                Expr::BufferLoad { buffer, indices, predicate: predicate.clone() },
            );
        }
        Ok(e)
    }

    fn access(
        &mut self,
        buffer: &Buffer,
        indices: &[PrimExpr],
    ) -> Result<(Buffer, Vec<PrimExpr>), IrError> {
        let lanes_of = |dtype: DataType| PrimExpr::int(i64::from(self.var_lanes), dtype);
        let new_buffer = match self.remapped.get(&buffer.id()) {
            Some(b) => b.clone(),
            None => {
                let node = buffer.node();
                let mut shape = node.shape.clone();
                if let Some(last) = shape.last_mut() {
                    *last =
                        self.analyzer.simplify(&ops::mul(last.clone(), lanes_of(last.dtype()))?);
                }
                // TVM rebuilds the strides from an empty list, so the new buffer has none.
                let b = Buffer::new(BufferNode { shape, strides: Vec::new(), ..node.clone() });
                self.remapped.insert(buffer.id(), b.clone());
                b
            }
        };
        let mut indices = indices.to_vec();
        if let Some(last) = indices.last_mut() {
            let scaled = ops::mul(last.clone(), lanes_of(last.dtype()))?;
            *last = self.analyzer.simplify(&ops::add(scaled, PrimExpr::var(&self.var))?);
        }
        Ok((new_buffer, indices))
    }
}

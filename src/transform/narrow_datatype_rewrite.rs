//! Step 2 of NarrowDataType: rewriting with the decided widths (TVM's `NarrowDataTypeRewriter` on
//! top of `IndexDataTypeRewriter` and `DataTypeLegalizer`).
//!
//! Rules:
//! - A variable with a decision is replaced everywhere by one new variable of the narrow dtype.
//! - A constant or cast with a decision is narrowed only where rewriting is enabled: buffer
//!   indices, loop bounds, allocation extents and conditions, buffer shapes, strides and offsets,
//!   block bindings and regions, thread extents (and everything under a thread extent), and both
//!   operands of an arithmetic or comparison node whose operands came out with different widths
//!   (that node's operands are rewritten again with rewriting enabled). A narrowed cast whose
//!   operand already has the narrow dtype disappears.
//! - Rebuilt nodes follow TVM's operators: arithmetic and comparisons match operand types and
//!   fold constants; `select`, ramps and `if_then_else` widen their operands to the wider one; a
//!   loop's bounds are cast to its new variable's dtype; a `let` whose value changed width gets a
//!   new variable of that width; a stored value is cast back to the buffer's element dtype.
//!
//! Invariant: an unchanged expression is returned as the same node (statements may be rebuilt).

#[path = "narrow_datatype_rewrite_stmt.rs"]
mod stmt;

use std::collections::HashMap;

use super::Decisions;
use crate::arith::ops;
use crate::ir::mutate::map_expr_children;
use crate::ir::{Buffer, Callee, DataType, Expr, IrError, Op, PrimExpr, Stmt, Var};

/// Rewrites `body` with `decisions`.
pub(super) fn rewrite(body: &Stmt, decisions: Decisions) -> Result<Stmt, IrError> {
    let mut rewriter = Rewriter {
        decisions,
        enabled: false,
        var_remap: HashMap::new(),
        buffer_remap: HashMap::new(),
    };
    rewriter.stmt(body)
}

struct Rewriter {
    decisions: Decisions,
    /// Whether constants and casts with a decision are narrowed here (TVM's `is_enabled_`).
    enabled: bool,
    var_remap: HashMap<Var, Var>,
    buffer_remap: HashMap<u64, Buffer>,
}

type R<T> = Result<T, IrError>;

impl Rewriter {
    fn enabled<T>(&mut self, f: impl FnOnce(&mut Rewriter) -> R<T>) -> R<T> {
        let saved = std::mem::replace(&mut self.enabled, true);
        let out = f(self);
        self.enabled = saved;
        out
    }

    fn var(&mut self, v: &Var) -> Var {
        if !self.var_remap.contains_key(v)
            && let Some(dtype) = self.decisions.var(v)
        {
            self.var_remap.insert(v.clone(), Var::new(v.name(), dtype));
        }
        self.var_remap.get(v).cloned().unwrap_or_else(|| v.clone())
    }

    fn exprs(&mut self, es: &[PrimExpr]) -> R<Vec<PrimExpr>> {
        es.iter().map(|e| self.expr(e)).collect()
    }

    fn expr(&mut self, e: &PrimExpr) -> R<PrimExpr> {
        match e.expr() {
            Expr::Var(v) => {
                let new = self.var(v);
                Ok(if &new == v { e.clone() } else { PrimExpr::var(&new) })
            }
            Expr::IntImm(value) => match self.decisions.node(e) {
                Some(dtype) if self.enabled => Ok(PrimExpr::int(*value, dtype)),
                _ => Ok(e.clone()),
            },
            Expr::Cast(value) => {
                let narrow = if self.enabled { self.decisions.node(e) } else { None };
                let new = self.expr(value)?;
                match narrow {
                    Some(dtype) if new.dtype() != dtype => PrimExpr::cast(dtype, new),
                    Some(_) => Ok(new),
                    None if new.ptr_eq(value) => Ok(e.clone()),
                    None => PrimExpr::cast(e.dtype(), new),
                }
            }
            Expr::Binary { op, a, b } => self.operands(e, a, b, |x, y| ops::binary(*op, x, y)),
            Expr::Cmp { op, a, b } => self.operands(e, a, b, |x, y| ops::compare(*op, x, y)),
            Expr::Select { condition, true_value, false_value } => {
                let c = self.expr(condition)?;
                let (t, f) = (self.expr(true_value)?, self.expr(false_value)?);
                if c.ptr_eq(condition)
                    && t.ptr_eq(true_value)
                    && f.ptr_eq(false_value)
                    && t.dtype() == f.dtype()
                {
                    return Ok(e.clone());
                }
                let (t, f) = widen_pair(t, f)?;
                PrimExpr::select(c, t, f)
            }
            Expr::Ramp { base, stride, lanes } => {
                let (nb, ns) = (self.expr(base)?, self.expr(stride)?);
                if nb.ptr_eq(base) && ns.ptr_eq(stride) && nb.dtype() == ns.dtype() {
                    return Ok(e.clone());
                }
                let (nb, ns) = widen_pair(nb, ns)?;
                let dtype = DataType { lanes: e.dtype().lanes, ..nb.dtype() };
                PrimExpr::new(dtype, Expr::Ramp { base: nb, stride: ns, lanes: lanes.clone() })
            }
            Expr::Broadcast { value, lanes } => {
                let (nv, nl) = (self.expr(value)?, self.expr(lanes)?);
                if nv.ptr_eq(value) && nl.ptr_eq(lanes) {
                    return Ok(e.clone());
                }
                let dtype = DataType { lanes: e.dtype().lanes, ..nv.dtype() };
                PrimExpr::new(dtype, Expr::Broadcast { value: nv, lanes: nl })
            }
            Expr::Let { var, value, body } => {
                let nv = self.expr(value)?;
                let mut new_var = var.clone();
                if nv.dtype() != var.dtype() {
                    new_var = Var::new(var.name(), nv.dtype());
                    self.var_remap.insert(var.clone(), new_var.clone());
                }
                let nb = self.expr(body)?;
                if nv.ptr_eq(value) && nb.ptr_eq(body) {
                    return Ok(e.clone());
                }
                PrimExpr::let_(&new_var, nv, nb)
            }
            Expr::BufferLoad { buffer, indices, predicate } => {
                let new_buffer = self.remapped(buffer);
                let new_indices = self.enabled(|r| r.exprs(indices))?;
                let same = indices.iter().zip(&new_indices).all(|(a, b)| a.ptr_eq(b));
                if same && new_buffer == *buffer {
                    return Ok(e.clone());
                }
                let load = Expr::BufferLoad {
                    buffer: new_buffer,
                    indices: new_indices,
                    predicate: predicate.clone(),
                };
                PrimExpr::new(e.dtype(), load)
            }
            Expr::Call { op: Callee::Op(op), args } => self.call(e, *op, args),
            _ => map_expr_children(e, &mut |c| self.expr(c)),
        }
    }

    /// An arithmetic or comparison node: operands of different widths are rewritten again with
    /// rewriting enabled, and the node is rebuilt with `build` (TVM's operators).
    fn operands(
        &mut self,
        e: &PrimExpr,
        a: &PrimExpr,
        b: &PrimExpr,
        build: impl Fn(PrimExpr, PrimExpr) -> R<PrimExpr>,
    ) -> R<PrimExpr> {
        let (na, nb) = (self.expr(a)?, self.expr(b)?);
        if na.ptr_eq(a) && nb.ptr_eq(b) && na.dtype() == nb.dtype() {
            return Ok(e.clone());
        }
        if na.dtype() != nb.dtype() {
            let (x, y) = self.enabled(|r| Ok((r.expr(a)?, r.expr(b)?)))?;
            return build(x, y);
        }
        build(na, nb)
    }

    fn call(&mut self, e: &PrimExpr, op: Op, args: &[PrimExpr]) -> R<PrimExpr> {
        if op.name() == "if_then_else" && args.len() == 3 {
            let c = self.expr(&args[0])?;
            let (t, f) = ops::match_types(self.expr(&args[1])?, self.expr(&args[2])?)?;
            return match c.as_int() {
                Some(v) => Ok(if v != 0 { t } else { f }),
                None => PrimExpr::call_op(t.dtype(), op, vec![c, t, f]),
            };
        }
        let new_args = self.exprs(args)?;
        if args.iter().zip(&new_args).all(|(a, b)| a.ptr_eq(b)) {
            return Ok(e.clone());
        }
        let two_operand =
            ["shift_right", "shift_left", "bitwise_and", "bitwise_or", "bitwise_xor", "pow"];
        if two_operand.contains(&op.name()) && new_args.len() == 2 {
            let (x, y) = ops::match_types(new_args[0].clone(), new_args[1].clone())?;
            return PrimExpr::call_op(x.dtype(), op, vec![x, y]);
        }
        let call = PrimExpr::call_op(e.dtype(), op, new_args.clone())?;
        if op.name() == "clz" && new_args[0].dtype() != args[0].dtype() {
            // The count of leading zeros shifts by the change of operand width.
            let before = i64::from(args[0].dtype().bits);
            let after = i64::from(new_args[0].dtype().bits);
            let shift = PrimExpr::int(before - after, e.dtype());
            return ops::add(call, shift);
        }
        Ok(call)
    }
}

/// Casts both operands to the wider of their two widths.
fn widen_pair(a: PrimExpr, b: PrimExpr) -> R<(PrimExpr, PrimExpr)> {
    let bits = a.dtype().bits.max(b.dtype().bits);
    let dtype = DataType { bits, ..a.dtype() };
    let b_dtype = DataType { bits, ..b.dtype() };
    Ok((ops::cast(dtype, a)?, ops::cast(b_dtype, b)?))
}

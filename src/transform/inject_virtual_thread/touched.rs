//! Which variables of a virtual thread's body depend on the thread index (TVM's
//! `VarTouchedAnalysis`).
//!
//! A variable is *touched* when its value may differ between virtual threads: the thread var
//! itself; a `let` var, loop var or allocation whose value, bounds or extents use a touched var;
//! a buffer's data var when a store into it uses a touched var in its value or indices; the buffer
//! of a `T.tvm_access_ptr` that an evaluated call may write, when the call uses a touched var.
//! Uses count the vars an expression names, the buffers it loads from and the buffers
//! `T.tvm_access_ptr` reads through. Only the statement kinds above record anything; conditions of
//! `if`, attribute values and the like do not make a variable touched, as in TVM.
//!
//! TVM records the dependencies while walking and pushes touched-ness through them afterwards;
//! the result is the closure computed here: a variable is touched when one of the expressions
//! recorded for it uses a touched variable.

use std::collections::{HashMap, HashSet};

use crate::ir::visit::{expr_children, walk_stmt};
use crate::ir::{Callee, Expr, IrError, PrimExpr, Stmt, StmtNode, Var};

/// The variables of `body` whose values may depend on `thread_var` (including `thread_var`).
pub(super) fn touched_vars(body: &Stmt, thread_var: &Var) -> Result<HashSet<Var>, IrError> {
    // For each used var, the vars whose values it flows into.
    let mut affects: HashMap<Var, Vec<Var>> = HashMap::new();
    let mut failure = None;
    walk_stmt(body, &mut |s| {
        if failure.is_none()
            && let Err(e) = record(s, &mut affects)
        {
            failure = Some(e);
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    let mut touched = HashSet::from([thread_var.clone()]);
    let mut pending = vec![thread_var.clone()];
    while let Some(v) = pending.pop() {
        for target in affects.get(&v).into_iter().flatten() {
            if touched.insert(target.clone()) {
                pending.push(target.clone());
            }
        }
    }
    Ok(touched)
}

/// Records what the variable `s` defines or writes takes its value from.
fn record(s: &Stmt, affects: &mut HashMap<Var, Vec<Var>>) -> Result<(), IrError> {
    let mut add = |target: &Var, uses: Uses| {
        for used in uses.reads {
            if used != *target {
                affects.entry(used).or_default().push(target.clone());
            }
        }
    };
    match s.node() {
        StmtNode::LetStmt { var, value, .. } => add(var, Uses::of(&[value])?),
        StmtNode::BufferStore { buffer, value, indices, .. } => {
            let mut exprs = vec![value];
            exprs.extend(indices);
            add(buffer.data(), Uses::of(&exprs)?);
        }
        StmtNode::For(l) => add(&l.loop_var, Uses::of(&[&l.min, &l.extent])?),
        StmtNode::Evaluate(value) => {
            let uses = Uses::of(&[value])?;
            for target in uses.writes.clone() {
                add(&target, Uses { reads: uses.reads.clone(), writes: Vec::new() });
            }
        }
        StmtNode::Allocate { buffer_var, extents, condition, .. } => {
            let mut exprs: Vec<&PrimExpr> = extents.iter().collect();
            exprs.push(condition);
            add(buffer_var, Uses::of(&exprs)?);
        }
        _ => {}
    }
    Ok(())
}

/// The variables some expressions read, and the buffers they may write through
/// `T.tvm_access_ptr`.
struct Uses {
    reads: Vec<Var>,
    writes: Vec<Var>,
}

impl Uses {
    fn of(exprs: &[&PrimExpr]) -> Result<Uses, IrError> {
        let mut uses = Uses { reads: Vec::new(), writes: Vec::new() };
        for e in exprs {
            uses.visit(e)?;
        }
        Ok(uses)
    }

    fn visit(&mut self, e: &PrimExpr) -> Result<(), IrError> {
        match e.expr() {
            Expr::Var(v) => self.reads.push(v.clone()),
            Expr::BufferLoad { buffer, .. } => self.reads.push(buffer.data().clone()),
            Expr::Call { op: Callee::Op(op), args } if op.name() == "tvm_access_ptr" => {
                let (buffer, mask) = access_ptr_buffer(args)?;
                if mask & 1 != 0 {
                    self.reads.push(buffer.clone());
                }
                if mask & 2 != 0 {
                    self.writes.push(buffer);
                }
                // Only the offset is an expression of the access; the rest are its description.
                return self.visit(&args[2]);
            }
            _ => {}
        }
        let mut children = Vec::new();
        expr_children(e, &mut children);
        for c in children {
            self.visit(c)?;
        }
        Ok(())
    }
}

/// The buffer var and read/write mask of a `T.tvm_access_ptr(dtype, data, offset, extent, mask)`.
pub(super) fn access_ptr_buffer(args: &[PrimExpr]) -> Result<(Var, i64), IrError> {
    let buffer = args.get(1).and_then(|a| a.as_var()).cloned();
    let mask = args.get(4).and_then(|a| a.as_int());
    match (buffer, mask) {
        (Some(buffer), Some(mask)) if args.len() == 5 => Ok((buffer, mask)),
        _ => Err(IrError::invalid(
            "T.tvm_access_ptr needs a buffer var and a constant access mask in a virtual thread",
        )),
    }
}

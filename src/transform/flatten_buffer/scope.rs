//! The analyzer context of FlattenBuffer, as TVM's `IRMutatorWithAnalyzer` keeps it, and the
//! index simplification that uses it (TVM's `GetSimplifiedElemOffset`).
//!
//! Every loop entered binds its variable in the analyzer and records it with its range as an
//! input iterator; so does every `thread_extent` / `virtual_thread` attribute for its thread
//! variable. As in TVM, iterators stay recorded after their loop is left (TVM's map is never
//! pruned), and block iteration variables are not recorded (FlattenBuffer overrides the block
//! visit). `if` conditions and `if_then_else` conditions that use a recorded iterator are
//! pushed as iterator predicates while their then-branch is visited.
//!
//! Invariant: `iter_predicates` and the analyzer's constraints are restored when a branch has
//! been visited, so both always describe the statement being rewritten.

use super::{Flattener, elem_offset};
use crate::arith::{iter_map, ops};
use crate::ir::{AttrValue, Buffer, Callee, Expr, IrError, PrimExpr, Range, Stmt, StmtNode, Var};

impl Flattener {
    /// Records a loop (or thread) variable ranging over `range`.
    pub(super) fn enter_iterator(&mut self, var: &Var, range: Range) {
        self.analyzer.bind(var, &range);
        match self.iter_vars.iter_mut().find(|(v, _)| v == var) {
            Some(slot) => slot.1 = range,
            None => self.iter_vars.push((var.clone(), range)),
        }
    }

    /// Whether `e` uses a recorded iterator.
    fn uses_iterator(&self, e: &PrimExpr) -> bool {
        let mut found = false;
        crate::ir::visit::walk_expr(e, &mut |node| {
            if let Some(v) = node.as_var()
                && self.iter_vars.iter().any(|(iter, _)| iter == v)
            {
                found = true;
            }
        });
        found
    }

    /// Runs `f` with `constraint` known to the analyzer and, when `as_predicate` is set and the
    /// constraint uses an iterator, recorded as an iterator predicate (TVM's
    /// `WithRecordIterPredicate`).
    pub(super) fn under<R>(
        &mut self,
        constraint: &PrimExpr,
        as_predicate: bool,
        f: impl FnOnce(&mut Flattener) -> R,
    ) -> R {
        let recorded = as_predicate && self.uses_iterator(constraint);
        if recorded {
            self.iter_predicates.push(constraint.clone());
        }
        let mut analyzer = std::mem::take(&mut self.analyzer);
        let out = analyzer.with_constraint(constraint, |a| {
            std::mem::swap(&mut self.analyzer, a);
            let r = f(self);
            std::mem::swap(&mut self.analyzer, a);
            r
        });
        self.analyzer = analyzer;
        if recorded {
            self.iter_predicates.pop();
        }
        out
    }

    /// The flat offsets of `indices` into `buffer`, simplified as TVM's `ElemOffset`, then
    /// through the iterator map of the enclosing loops (TVM's `IterMapSimplifyWithContext`
    /// without its trivial-only filter).
    pub(super) fn simplified_elem_offset(
        &mut self,
        buffer: &Buffer,
        indices: &[PrimExpr],
    ) -> Result<Vec<PrimExpr>, IrError> {
        let offsets = elem_offset(buffer, indices)?;
        let mut predicate = PrimExpr::bool(true);
        for p in &self.iter_predicates {
            predicate = ops::logical_and(predicate, p.clone())?;
        }
        Ok(iter_map::iter_map_simplify(&offsets, &self.iter_vars, &predicate, &mut self.analyzer))
    }

    /// Rewrites an expression that opens a scope: `if_then_else` (a constraint and an iterator
    /// predicate per branch), `Select` (a constraint per branch) and `Let` (a bound value); a
    /// constant condition selects its branch. Other calls are rewritten child by child.
    pub(super) fn scoped_expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        match e.expr() {
            Expr::Call { op: Callee::Op(op), args }
                if op.name() == "if_then_else" && args.len() == 3 =>
            {
                let c = self.expr(&args[0])?;
                let t = self.under(&c, true, |f| f.expr(&args[1]))?;
                let not = PrimExpr::not(c.clone())?;
                let f = self.under(&not, true, |f| f.expr(&args[2]))?;
                match c.as_int() {
                    Some(0) => Ok(f),
                    Some(_) => Ok(t),
                    None => PrimExpr::new(
                        e.dtype(),
                        Expr::Call { op: Callee::Op(*op), args: vec![c, t, f] },
                    ),
                }
            }
            Expr::Select { condition, true_value, false_value } => {
                let c = self.expr(condition)?;
                let t = self.under(&c, false, |f| f.expr(true_value))?;
                let not = self.analyzer.rewrite_simplify(&PrimExpr::not(c.clone())?);
                let f = self.under(&not, false, |f| f.expr(false_value))?;
                match c.as_int() {
                    Some(0) => Ok(f),
                    Some(_) => Ok(t),
                    None => PrimExpr::select(c, t, f),
                }
            }
            Expr::Let { var, value, body } => {
                let value = self.expr(value)?;
                if crate::arith::pattern::is_pure(&value) {
                    self.analyzer.bind_value(var, &value);
                }
                let body = self.expr(body)?;
                PrimExpr::let_(var, value, body)
            }
            _ => crate::ir::mutate::map_expr_children(e, &mut |c| self.expr(c)),
        }
    }

    /// Rewrites a statement that opens a scope: loops and thread attributes (iterators), `let`
    /// (a bound value), `if` (a constraint, and an iterator predicate for its then-branch; a
    /// constant condition selects its branch) and `assert` (a constraint).
    pub(super) fn scoped_stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::For(l) => {
                self.enter_iterator(&l.loop_var, Range::new(l.min.clone(), l.extent.clone()));
                self.children(s)
            }
            StmtNode::AttrStmt { node: AttrValue::IterVar(iv), attr_key, value, .. }
                if attr_key == "thread_extent" || attr_key == "virtual_thread" =>
            {
                self.enter_iterator(&iv.var, Range::from_extent(value.clone()));
                self.children(s)
            }
            StmtNode::LetStmt { var, value, body } => {
                let value = self.expr(value)?;
                if crate::arith::pattern::is_pure(&value) {
                    self.analyzer.bind_value(var, &value);
                }
                let body = self.stmt(body)?;
                Ok(Stmt::new(StmtNode::LetStmt { var: var.clone(), value, body }))
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                let condition = self.expr(condition)?;
                let real = match condition.expr() {
                    Expr::Call { op: Callee::Op(op), args }
                        if op.name() == "likely" && args.len() == 1 =>
                    {
                        args[0].clone()
                    }
                    _ => condition.clone(),
                };
                let then_case = self.under(&real, true, |f| f.stmt(then_case))?;
                let else_case = match else_case {
                    Some(e) => {
                        let not = self.analyzer.rewrite_simplify(&PrimExpr::not(real.clone())?);
                        Some(self.under(&not, false, |f| f.stmt(e))?)
                    }
                    None => None,
                };
                match real.as_int() {
                    Some(0) => Ok(else_case.unwrap_or_else(Stmt::no_op)),
                    Some(_) => Ok(then_case),
                    None => Ok(Stmt::new(StmtNode::IfThenElse { condition, then_case, else_case })),
                }
            }
            StmtNode::AssertStmt { condition, message, body } => {
                let condition = self.expr(condition)?;
                let message = self.expr(message)?;
                let body = self.under(&condition, false, |f| f.stmt(body))?;
                Ok(Stmt::new(StmtNode::AssertStmt { condition, message, body }))
            }
            _ => self.children(s),
        }
    }
}

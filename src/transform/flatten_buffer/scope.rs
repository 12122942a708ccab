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
use crate::ir::{Buffer, IrError, PrimExpr, Range, Var};

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
}

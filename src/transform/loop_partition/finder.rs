//! The conditions a loop var decides, as TVM's `PartitionFinder`, and their replacement by
//! constants, as its `ConditionEliminator`.
//!
//! The finder walks the body of a candidate loop. The argument of each `T.likely` is a condition;
//! for a hinted loop every comparison (`< <= > >= == !=`) outside `T.likely` is one too, and the
//! walk does not look inside a condition once found. `T.ignore_loop_partition(...)` hides its
//! argument. Inner loops whose bounds do not use the outer vars, and thread scopes, add their var
//! with its range to both the hint and the relax domains while their body is walked; an inner
//! loop whose bounds use them is skipped with its body. For each condition using the loop var,
//! the interval where it holds (`deduce_bound`; for `a == b` failing that, the intersection of
//! `a >= b` and `a <= b`) and the interval where its inverse holds are recorded, keyed by the
//! condition node and its value. Conditions are identified by node, so elimination replaces
//! exactly the nodes the finder saw.

use super::deduce_bound::deduce_bound;
use super::interval::{Interval, intersect_all};
use crate::arith::{DomainMap, IntSet, ops};
use crate::ir::visit::{expr_children, stmt_parts};
use crate::ir::{
    AttrValue, Callee, CmpOp, Expr, IrError, PrimExpr, Range, Stmt, StmtNode, Var, mutate,
};
use crate::transform::block_lowering_util::map_stmt_tree_exprs;

/// A condition proven to have `value` over `interval`.
#[derive(Clone, Debug)]
pub struct Partition {
    pub cond: PrimExpr,
    pub value: bool,
    pub interval: Interval,
}

/// Finds the partitions of `var` in a loop body.
pub struct PartitionFinder {
    var: Var,
    has_hint: bool,
    outer_vars: Vec<Var>,
    hint: DomainMap,
    relax: DomainMap,
    /// Partitions in the order their conditions were found.
    pub partitions: Vec<Partition>,
}

fn uses_var(e: &PrimExpr, pred: &dyn Fn(&Var) -> bool) -> bool {
    let mut found = false;
    crate::ir::visit::walk_expr(e, &mut |sub| {
        if let Expr::Var(v) = sub.expr() {
            found |= pred(v);
        }
    });
    found
}

fn is_call_to(e: &PrimExpr, name: &str) -> bool {
    matches!(e.expr(), Expr::Call { op: Callee::Op(op), .. } if op.name() == name)
}

impl PartitionFinder {
    pub fn new(var: &Var, hint: &DomainMap, relax: &DomainMap, has_hint: bool) -> PartitionFinder {
        let outer_vars = hint.keys().chain(relax.keys()).cloned().collect();
        PartitionFinder {
            var: var.clone(),
            has_hint,
            outer_vars,
            hint: hint.clone(),
            relax: relax.clone(),
            partitions: Vec::new(),
        }
    }

    /// Walks `s` with `var` in both domains over `set`.
    fn with_domain(&mut self, var: &Var, set: IntSet, s: &Stmt) -> Result<(), IrError> {
        self.hint.entry(var.clone()).or_insert_with(|| set.clone());
        self.relax.entry(var.clone()).or_insert(set);
        let result = self.visit_parts(s);
        self.relax.remove(var);
        self.hint.remove(var);
        result
    }

    pub fn visit(&mut self, s: &Stmt) -> Result<(), IrError> {
        match s.node() {
            StmtNode::For(l) => {
                let outer = |v: &Var| self.outer_vars.contains(v);
                if uses_var(&l.min, &outer) || uses_var(&l.extent, &outer) {
                    return Ok(());
                }
                let set = IntSet::from_range(&Range::new(l.min.clone(), l.extent.clone()));
                self.with_domain(&l.loop_var, set, s)
            }
            StmtNode::AttrStmt { node: AttrValue::IterVar(iv), attr_key, value, .. }
                if attr_key == "thread_extent" =>
            {
                let zero = PrimExpr::int(0, value.dtype());
                let set = IntSet::from_range(&Range::new(zero, value.clone()));
                self.with_domain(&iv.var, set, s)
            }
            _ => self.visit_parts(s),
        }
    }

    fn visit_parts(&mut self, s: &Stmt) -> Result<(), IrError> {
        let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
        stmt_parts(s, &mut stmts, &mut exprs);
        for e in exprs {
            self.visit_expr(e)?;
        }
        for child in stmts {
            self.visit(child)?;
        }
        Ok(())
    }

    fn visit_expr(&mut self, e: &PrimExpr) -> Result<(), IrError> {
        match e.expr() {
            Expr::Call { args, .. } if is_call_to(e, "likely") && args.len() == 1 => {
                return self.deduce_condition(&args[0]);
            }
            Expr::Call { .. } if is_call_to(e, "ignore_loop_partition") => return Ok(()),
            Expr::Cmp { .. } if self.has_hint => return self.deduce_condition(e),
            _ => {}
        }
        let mut children = Vec::new();
        expr_children(e, &mut children);
        for child in children {
            self.visit_expr(child)?;
        }
        Ok(())
    }

    fn record(&mut self, cond: &PrimExpr, value: bool, interval: Interval) {
        let existing = self.partitions.iter_mut().find(|p| p.value == value && p.cond.ptr_eq(cond));
        match existing {
            Some(p) => p.interval = interval,
            None => self.partitions.push(Partition { cond: cond.clone(), value, interval }),
        }
    }

    fn deduce_condition(&mut self, cond: &PrimExpr) -> Result<(), IrError> {
        if !uses_var(cond, &|v: &Var| *v == self.var) {
            return Ok(());
        }
        let interval = deduce_bound(&self.var, cond, &self.hint, &self.relax);
        if !interval.is_empty() {
            self.record(cond, true, interval);
        } else if let Expr::Cmp { op: CmpOp::Eq, a, b } = cond.expr() {
            // Equalities the deduction cannot solve are tried as two inequalities.
            let ge = PrimExpr::cmp(CmpOp::Ge, a.clone(), b.clone())?;
            let le = PrimExpr::cmp(CmpOp::Le, a.clone(), b.clone())?;
            let parts = [
                deduce_bound(&self.var, &ge, &self.hint, &self.relax),
                deduce_bound(&self.var, &le, &self.hint, &self.relax),
            ];
            let both = intersect_all(&parts)?;
            if !both.is_empty() {
                self.record(cond, true, both);
                return Ok(());
            }
        }
        if let Expr::Cmp { op, a, b } = cond.expr() {
            let inverse = PrimExpr::cmp(op.negated(), a.clone(), b.clone())?;
            let interval = deduce_bound(&self.var, &inverse, &self.hint, &self.relax);
            if !interval.is_empty() {
                self.record(cond, false, interval);
            }
        }
        Ok(())
    }
}

/// Replaces every node of `conds` in `body` by the constant `value`.
pub fn eliminate_conditions(body: &Stmt, conds: &[PrimExpr], value: bool) -> Result<Stmt, IrError> {
    fn go(e: &PrimExpr, conds: &[PrimExpr], value: bool) -> Result<PrimExpr, IrError> {
        if conds.iter().any(|c| c.ptr_eq(e)) {
            return Ok(PrimExpr::bool(value));
        }
        mutate::map_expr_children(e, &mut |c| go(c, conds, value))
    }
    if conds.is_empty() {
        return Ok(body.clone());
    }
    map_stmt_tree_exprs(body, &mut |e| go(e, conds, value))
}

/// `body` with `var` replaced by `value` everywhere (the same statement when `value` is `var`).
pub fn substitute_stmt(body: &Stmt, var: &Var, value: &PrimExpr) -> Result<Stmt, IrError> {
    if matches!(value.expr(), Expr::Var(v) if v == var) {
        return Ok(body.clone());
    }
    let map = std::iter::once((var.clone(), value.clone())).collect();
    map_stmt_tree_exprs(body, &mut |e| Ok(mutate::substitute(e, &map)))
}

/// `var + offset`, folded as TVM's `operator+`.
pub fn shifted(var: &Var, offset: &PrimExpr) -> Result<PrimExpr, IrError> {
    ops::add(PrimExpr::var(var), offset.clone())
}

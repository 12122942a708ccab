//! The rewrite simplifier's visit of every node that is not an arithmetic operator: comparisons
//! (dispatched to `rewrite_compare.rs`), `!`, `&&`, `||`, `select`, `if_then_else`, `likely`,
//! vars, casts and lets (the second half of TVM's `rewrite_simplify.cc`).
//!
//! `>` and `>=` become `<` and `<=` with swapped operands; a condition (or its negation) that is
//! a constraint in scope folds to a constant; `select` and `if_then_else` simplify each branch
//! under its condition, as TVM's `IRMutatorWithAnalyzer`; trivial lets are inlined.

use super::analyzer::Analyzer;
use super::canonical_form::R;
use super::ops;
use super::pattern::{bin, cmp, not};
use super::rewrite_simplify::Mode;
use super::simplify::same_expr;
use crate::ir::{BinaryOp, Callee, CmpOp, Expr, PrimExpr};

pub(crate) fn lt(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::compare(CmpOp::Lt, a.clone(), b.clone())
}
pub(crate) fn le(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::compare(CmpOp::Le, a.clone(), b.clone())
}
pub(crate) fn eq(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::compare(CmpOp::Eq, a.clone(), b.clone())
}
pub(crate) fn ne(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::compare(CmpOp::Ne, a.clone(), b.clone())
}
pub(crate) fn and(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::logical_and(a.clone(), b.clone())
}
pub(crate) fn or(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::logical_or(a.clone(), b.clone())
}
pub(crate) fn truth(v: bool, like: &PrimExpr) -> PrimExpr {
    PrimExpr::int(i64::from(v), like.dtype())
}
/// `x + c` as `(x, c)`.
pub(crate) fn plus_const(e: &PrimExpr) -> Option<(&PrimExpr, i64)> {
    bin(e, BinaryOp::Add).and_then(|(x, c)| c.as_int().map(|c| (x, c)))
}
/// `x - c` as `(x, c)`.
pub(crate) fn minus_const(e: &PrimExpr) -> Option<(&PrimExpr, i64)> {
    bin(e, BinaryOp::Sub).and_then(|(x, c)| c.as_int().map(|c| (x, c)))
}
/// `c - x` as `(c, x)`.
pub(crate) fn const_minus(e: &PrimExpr) -> Option<(i64, &PrimExpr)> {
    bin(e, BinaryOp::Sub).and_then(|(c, x)| c.as_int().map(|c| (c, x)))
}

impl Analyzer {
    /// `Some(true/false)` when `e` or its negation is a constraint in scope.
    pub(crate) fn match_literal_constraint(&self, e: &PrimExpr) -> Option<PrimExpr> {
        let negation = not(e);
        for c in &self.literal_constraints {
            if same_expr(c, e) {
                return Some(truth(true, e));
            }
            if same_expr(c, &negation) {
                return Some(truth(false, e));
            }
        }
        None
    }

    /// The rewriter's visit of every node that is not an arithmetic binary operator.
    pub(crate) fn rewrite_logic_node(&mut self, e: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        match e.expr() {
            Expr::Cmp { op: CmpOp::Gt, a, b } => self.visit(&lt(b, a)?, mode),
            Expr::Cmp { op: CmpOp::Ge, a, b } => self.visit(&le(b, a)?, mode),
            Expr::Cmp { op, .. } => {
                let ret = self.visit_children(e, mode)?;
                let Expr::Cmp { a, b, .. } = ret.expr() else {
                    return Ok(ret);
                };
                let folded = ops::compare(*op, a.clone(), b.clone())?;
                if folded.as_int().is_some() {
                    return Ok(folded);
                }
                if let Some(m) = self.match_literal_constraint(&ret) {
                    return Ok(m);
                }
                match op {
                    CmpOp::Eq => self.rules_eq(&ret, a, b, mode),
                    CmpOp::Lt => self.rules_lt(&ret, a, b, mode),
                    CmpOp::Ne => self.visit_ne(&ret, a, b, mode),
                    _ => self.visit_le(&ret, a, b, mode),
                }
            }
            Expr::Not(_) => {
                let ret = self.visit_children(e, mode)?;
                let Expr::Not(x) = ret.expr() else {
                    return Ok(ret);
                };
                if let Some(v) = x.as_int() {
                    return Ok(truth(v == 0, &ret));
                }
                if let Some(m) = self.match_literal_constraint(&ret) {
                    return Ok(m);
                }
                self.rules_not(&ret, mode)
            }
            Expr::And(..) | Expr::Or(..) => {
                let ret = self.visit_children(e, mode)?;
                let (is_and, a, b) = match ret.expr() {
                    Expr::And(a, b) => (true, a, b),
                    Expr::Or(a, b) => (false, a, b),
                    _ => return Ok(ret),
                };
                // TVM's TryConstFold: a boolean immediate on either side decides the result,
                // which may itself be a logical node (`(x and y) and True` is `x and y`).
                if a.as_int().is_some() || b.as_int().is_some() {
                    return if is_and { and(a, b) } else { or(a, b) };
                }
                if let Some(m) = self.match_literal_constraint(&ret) {
                    return Ok(m);
                }
                if is_and {
                    self.rules_and(&ret, a, b, mode)
                } else {
                    self.rules_or(&ret, a, b, mode)
                }
            }
            Expr::Select { condition, true_value, false_value } => {
                let cond = self.visit(condition, mode)?;
                let t = self.with_constraint(&cond, |s| s.visit(true_value, mode))?;
                let negated = self.rewrite_simplify(&not(&cond));
                let f = self.with_constraint(&negated, |s| s.visit(false_value, mode))?;
                match cond.as_int() {
                    Some(0) => return Ok(f),
                    Some(_) => return Ok(t),
                    None => {}
                }
                if same_expr(&t, &f) {
                    return Ok(t);
                }
                if cond.ptr_eq(condition) && t.ptr_eq(true_value) && f.ptr_eq(false_value) {
                    return Ok(e.clone());
                }
                PrimExpr::select(cond, t, f)
            }
            Expr::Call { op: Callee::Op(op), args }
                if op.name() == "if_then_else" && args.len() == 3 =>
            {
                let cond = self.visit(&args[0], mode)?;
                let t = self.with_constraint(&cond, |s| s.visit(&args[1], mode))?;
                let f = self.with_constraint(&not(&cond), |s| s.visit(&args[2], mode))?;
                match cond.as_int() {
                    Some(0) => Ok(f),
                    Some(_) => Ok(t),
                    None if cond.ptr_eq(&args[0]) && t.ptr_eq(&args[1]) && f.ptr_eq(&args[2]) => {
                        Ok(e.clone())
                    }
                    None => PrimExpr::call_op(e.dtype(), *op, vec![cond, t, f]),
                }
            }
            Expr::Call { op: Callee::Op(op), .. } if op.name() == "likely" => {
                let ret = self.visit_children(e, mode)?;
                let Expr::Call { args, .. } = ret.expr() else {
                    return Ok(ret);
                };
                if let Some(arg) = args.first() {
                    if arg.as_int().is_some() {
                        return Ok(arg.clone());
                    }
                    if let Some(m) = self.match_literal_constraint(arg) {
                        return Ok(m);
                    }
                }
                Ok(ret)
            }
            Expr::Var(v) => {
                if e.dtype().is_bool()
                    && let Some(m) = self.match_literal_constraint(e)
                {
                    return Ok(m);
                }
                Ok(self.substitutions.get(v).cloned().unwrap_or_else(|| e.clone()))
            }
            Expr::Cast(_) => {
                let ret = self.visit_children(e, mode)?;
                let Expr::Cast(value) = ret.expr() else {
                    return Ok(ret);
                };
                ops::cast(ret.dtype(), value.clone())
            }
            Expr::Let { var, value, body } => {
                let value = self.visit(value, mode)?;
                if value.as_int().is_some()
                    || matches!(value.expr(), Expr::FloatImm(_) | Expr::Var(_))
                {
                    self.bind_value(var, &value);
                    return self.visit(body, mode);
                }
                let new_body = self.visit(body, mode)?;
                PrimExpr::let_(var, value, new_body)
            }
            _ => self.visit_children(e, mode),
        }
    }

    pub(crate) fn rules_not(&mut self, ret: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        if ret.dtype().is_vector()
            && let Some(v) = Analyzer::rewrite_vector_logic(ret)?
        {
            return Ok(v);
        }
        let Expr::Not(inner) = ret.expr() else {
            return Ok(ret.clone());
        };
        match inner.expr() {
            Expr::Not(x) => Ok(x.clone()),
            Expr::Cmp { op: CmpOp::Le, a, b } => lt(b, a),
            Expr::Cmp { op: CmpOp::Ge, a, b } => lt(a, b),
            Expr::Cmp { op: CmpOp::Lt, a, b } => le(b, a),
            Expr::Cmp { op: CmpOp::Gt, a, b } => le(a, b),
            Expr::Cmp { op: CmpOp::Eq, a, b } => ne(a, b),
            Expr::Cmp { op: CmpOp::Ne, a, b } => eq(a, b),
            Expr::Or(x, y) => {
                let e = and(&not(x), &not(y))?;
                self.recursive_rewrite(e, mode)
            }
            Expr::And(x, y) => {
                let e = or(&not(x), &not(y))?;
                self.recursive_rewrite(e, mode)
            }
            _ => Ok(ret.clone()),
        }
    }

    fn rules_and(&mut self, ret: &PrimExpr, a: &PrimExpr, b: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        if ret.dtype().is_vector()
            && let Some(v) = Analyzer::rewrite_vector_logic(ret)?
        {
            return Ok(v);
        }
        if contradicts(a, b) || contradicts(b, a) {
            return Ok(truth(false, ret));
        }
        if let (Some((x, c1)), Some((c2, x2))) = (cmp(a, CmpOp::Lt), cmp(b, CmpOp::Lt))
            && let (Some(c1), Some(c2)) = (c1.as_int(), c2.as_int())
            && same_expr(x, x2)
            && c2.saturating_add(1) >= c1
        {
            return Ok(truth(false, ret));
        }
        if let Expr::And(y, z) = b.expr() {
            let e = and(&and(a, y)?, z)?;
            return self.recursive_rewrite(e, mode);
        }
        Ok(ret.clone())
    }

    fn rules_or(&mut self, ret: &PrimExpr, a: &PrimExpr, b: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        if ret.dtype().is_vector()
            && let Some(v) = Analyzer::rewrite_vector_logic(ret)?
        {
            return Ok(v);
        }
        if contradicts(a, b) || contradicts(b, a) {
            return Ok(truth(true, ret));
        }
        if let (Some((x, y)), Some((y2, x2))) = (cmp(a, CmpOp::Lt), cmp(b, CmpOp::Lt))
            && same_expr(x, x2)
            && same_expr(y, y2)
        {
            return ne(x, y);
        }
        // x < c1 || c2 < x and the other bound forms cover everything when the ranges meet.
        let bounds = |e: &PrimExpr| -> Option<(PrimExpr, i64, bool)> {
            // Returns (x, c, is_upper) for x < c (upper, c exclusive) or c < x (lower, c exclusive).
            if let Some((x, c)) = cmp(e, CmpOp::Lt) {
                if let Some(c) = c.as_int() {
                    return Some((x.clone(), c, true));
                }
                if let Some(c0) = x.as_int() {
                    return Some((c.clone(), c0, false));
                }
            }
            if let Some((x, c)) = cmp(e, CmpOp::Le) {
                if let Some(c) = c.as_int() {
                    return Some((x.clone(), c.saturating_add(1), true));
                }
                if let Some(c0) = x.as_int() {
                    return Some((c.clone(), c0.saturating_sub(1), false));
                }
            }
            None
        };
        if let (Some((x1, c1, up1)), Some((x2, c2, up2))) = (bounds(a), bounds(b))
            && up1 != up2
            && same_expr(&x1, &x2)
        {
            let (upper, lower) = if up1 { (c1, c2) } else { (c2, c1) };
            if lower < upper {
                return Ok(truth(true, ret));
            }
        }
        // x < y || x == y => x <= y.
        if let Some((x, y)) = cmp(a, CmpOp::Lt)
            && let Some((p, q)) = cmp(b, CmpOp::Eq)
            && ((same_expr(x, p) && same_expr(y, q)) || (same_expr(x, q) && same_expr(y, p)))
        {
            let e = le(x, y)?;
            return self.recursive_rewrite(e, mode);
        }
        if let Some((x, y)) = cmp(b, CmpOp::Lt)
            && let Some((p, q)) = cmp(a, CmpOp::Eq)
            && ((same_expr(x, p) && same_expr(y, q)) || (same_expr(x, q) && same_expr(y, p)))
        {
            let e = le(x, y)?;
            return self.recursive_rewrite(e, mode);
        }
        if let Expr::Or(y, z) = b.expr() {
            let e = or(&or(a, y)?, z)?;
            return self.recursive_rewrite(e, mode);
        }
        Ok(ret.clone())
    }
}

/// Whether `a` is the negation of `b` in one of the forms TVM's `&&`/`||` rules recognise:
/// `x == y` vs `x != y`, `x` vs `!x`, `x <= y` vs `y < x`.
fn contradicts(a: &PrimExpr, b: &PrimExpr) -> bool {
    if let (Some((x, y)), Some((p, q))) = (cmp(a, CmpOp::Eq), cmp(b, CmpOp::Ne)) {
        return same_expr(x, p) && same_expr(y, q);
    }
    if let Expr::Not(x) = b.expr() {
        return same_expr(a, x);
    }
    if let (Some((x, y)), Some((y2, x2))) = (cmp(a, CmpOp::Le), cmp(b, CmpOp::Lt)) {
        return same_expr(x, x2) && same_expr(y, y2);
    }
    false
}

//! The `Analyzer`: variable bindings and scoped constraints shared by the arithmetic analyses.
//!
//! As TVM's `arith::Analyzer`, it binds variables to ranges (loop vars, block iter vars) or to values
//! (inlined lets), enters scoped constraints (`if` conditions, loop bounds), and offers
//! `simplify` (canonical, then rewrite, then canonical simplification, TVM's default two steps),
//! `can_prove` and `const_int_bound`. The sub-analyses are `impl Analyzer` blocks in their own files
//! (`const_int_bound`, `modular_set`, `rewrite_simplify`, `canonical_simplify`) so they can call
//! each other as TVM's do through the parent analyzer.
//!
//! Invariant: every constraint entered by `with_constraint` is removed when the closure returns,
//! so the analyzer's facts always describe the current scope of the caller's walk.

use std::collections::HashMap;

use super::const_int_bound::{ConstIntBound, detect_bound_info};
use super::modular_set::ModularSet;
use super::ops;
use crate::ir::{CmpOp, Expr, PrimExpr, Range, Var};

/// Arithmetic facts about variables, and the simplifiers that use them.
#[derive(Clone, Debug, Default)]
pub struct Analyzer {
    /// Constant bounds of bound variables.
    pub(crate) var_bounds: HashMap<Var, ConstIntBound>,
    /// Modular sets of bound variables.
    pub(crate) var_modular: HashMap<Var, ModularSet>,
    /// Variables the simplifiers replace by a value (TVM's rewrite `var_map_`).
    pub(crate) substitutions: HashMap<Var, PrimExpr>,
    /// Bounds of sub-expressions stated by the constraints in scope.
    pub(crate) bound_info: Vec<(PrimExpr, ConstIntBound)>,
    /// Conditions known to hold in scope, as the rewrite simplifier matches them.
    pub(crate) literal_constraints: Vec<PrimExpr>,
    /// The depth of nested recursive rewrites, bounded to guarantee termination.
    pub(crate) rewrite_depth: usize,
}

impl Analyzer {
    pub fn new() -> Analyzer {
        Analyzer::default()
    }

    /// Binds `var` to the values of `range` (TVM's `Bind(var, Range)`); an extent of one binds
    /// the var to the range's minimum instead.
    pub fn bind(&mut self, var: &Var, range: &Range) {
        if range.extent.as_int() == Some(1) {
            self.bind_value(var, &range.min);
            return;
        }
        let min = self.const_int_bound(&range.min);
        let extent = self.const_int_bound(&range.extent);
        let max = super::const_int_bound::inf_add(
            min.max,
            super::const_int_bound::inf_add(extent.max, -1),
        );
        self.var_bounds.insert(var.clone(), ConstIntBound { min: min.min, max });
    }

    /// Binds `var` to a known value: simplifiers substitute it and analyses use its bounds.
    pub fn bind_value(&mut self, var: &Var, value: &PrimExpr) {
        let canonical = self.canonical_simplify(value);
        let value = self.rewrite_simplify(&canonical);
        let bound = self.const_int_bound(&value);
        let modular = self.modular_set(&value);
        self.var_bounds.insert(var.clone(), bound);
        self.var_modular.insert(var.clone(), modular);
        self.substitutions.insert(var.clone(), value);
    }

    /// Overrides the constant bound of `var`, as TVM's `const_int_bound.Update`.
    pub fn update_const_int_bound(&mut self, var: &Var, bound: ConstIntBound) {
        self.var_bounds.insert(var.clone(), bound);
    }

    /// Marks `value` (typically a buffer shape) as non-negative, as TVM's `MarkGlobalNonNegValue`:
    /// for `var * c + offset` with `c > 0`, the var's lower bound becomes `-offset`.
    pub fn mark_global_non_neg_value(&mut self, value: &PrimExpr) {
        let mut offset = 0i64;
        let mut symbols = Vec::new();
        super::pattern::unpack_sum(value, 1, &mut |term, sign| match term.as_int() {
            Some(c) => offset = offset.saturating_add(c.saturating_mul(sign)),
            None => symbols.push((term.clone(), sign)),
        });
        let [(symbol, sign)] = symbols.as_slice() else {
            return;
        };
        let mut scale = *sign;
        let mut var = None;
        let mut others = 0;
        super::pattern::unpack_product(symbol, &mut |factor| match (
            factor.as_int(),
            factor.as_var(),
        ) {
            (Some(c), _) => scale = scale.saturating_mul(c),
            (None, Some(v)) if var.is_none() => var = Some(v.clone()),
            _ => others += 1,
        });
        if scale <= 0 || others > 0 {
            return;
        }
        if let Some(v) = var
            && v.dtype().is_integer()
            && v.dtype().is_scalar()
        {
            let bound =
                ConstIntBound::new(offset.saturating_neg(), super::const_int_bound::POS_INF);
            self.var_bounds.insert(v, bound);
        }
    }

    /// Simplifies `e` as TVM's `Analyzer::Simplify` with its default two steps.
    pub fn simplify(&mut self, e: &PrimExpr) -> PrimExpr {
        let mut result = self.canonical_simplify(e);
        if result.as_int().is_some() {
            return result;
        }
        result = self.rewrite_simplify(&result);
        if result.as_int().is_some() {
            return result;
        }
        self.canonical_simplify(&result)
    }

    /// Whether `e` (a condition) provably holds in the current scope.
    pub fn can_prove(&mut self, e: &PrimExpr) -> bool {
        if let Some(v) = e.as_int() {
            return v != 0;
        }
        self.simplify(e).as_int().is_some_and(|v| v != 0)
    }

    /// Whether `e >= lower` provably holds, from the bound of its rewrite-simplified form.
    pub fn can_prove_greater_equal(&mut self, e: &PrimExpr, lower: i64) -> bool {
        if let Some(v) = e.as_int() {
            return v >= lower;
        }
        let simplified = self.rewrite_simplify(e);
        self.const_int_bound(&simplified).min >= lower
    }

    /// Whether `e < upper` provably holds, from the bound of its rewrite-simplified form.
    pub fn can_prove_less(&mut self, e: &PrimExpr, upper: i64) -> bool {
        if let Some(v) = e.as_int() {
            return v < upper;
        }
        let simplified = self.rewrite_simplify(e);
        self.const_int_bound(&simplified).max < upper
    }

    /// Whether `a == b` provably holds.
    pub fn can_prove_equal(&mut self, a: &PrimExpr, b: &PrimExpr) -> bool {
        if let (Some(x), Some(y)) = (a.as_int(), b.as_int()) {
            return x == y;
        }
        if a.dtype().is_handle() || b.dtype().is_handle() {
            return a.ptr_eq(b);
        }
        match ops::sub(a.clone(), b.clone())
            .and_then(|d| ops::compare(CmpOp::Eq, d.clone(), PrimExpr::int(0, d.dtype())))
        {
            Ok(eq) => self.can_prove(&eq),
            Err(_) => false,
        }
    }

    /// Runs `f` with `constraint` known to hold, then forgets it (TVM's `ConstraintContext`).
    pub fn with_constraint<R>(
        &mut self,
        constraint: &PrimExpr,
        f: impl FnOnce(&mut Analyzer) -> R,
    ) -> R {
        let bound_len = self.bound_info.len();
        self.bound_info.extend(detect_bound_info(constraint));
        let modular_restore = self.modular_enter_constraint(constraint);
        let literal_len = self.literal_constraints.len();
        let simplified = self.rewrite_simplify(constraint);
        for sub in extract_constraints(&simplified) {
            if !super::pattern::is_pure(&sub) {
                continue;
            }
            let negation = if sub.dtype().is_bool() {
                super::pattern::normalize_boolean_operators(&super::pattern::not(&sub))
            } else {
                ops::compare(CmpOp::Eq, sub.clone(), PrimExpr::int(0, sub.dtype()))
                    .unwrap_or_else(|_| sub.clone())
            };
            self.literal_constraints.push(sub);
            self.literal_constraints.push(super::pattern::not(&negation));
        }
        let result = f(self);
        self.literal_constraints.truncate(literal_len);
        if let Some((var, old)) = modular_restore {
            match old {
                Some(m) => self.var_modular.insert(var, m),
                None => self.var_modular.remove(&var),
            };
        }
        self.bound_info.truncate(bound_len);
        result
    }
}

/// The conjuncts of a condition: `a && b` splits into those of `a` and of `b`.
pub(crate) fn extract_constraints(cond: &PrimExpr) -> Vec<PrimExpr> {
    let mut out = Vec::new();
    let mut stack = vec![cond.clone()];
    while let Some(e) = stack.pop() {
        match e.expr() {
            Expr::And(a, b) => {
                stack.push(b.clone());
                stack.push(a.clone());
            }
            _ => out.push(e),
        }
    }
    out
}

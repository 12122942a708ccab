//! The rewrite simplifier's rules for comparisons, boolean connectives, `select`, calls, vars,
//! casts and lets (the second half of TVM's `rewrite_simplify.cc`).
//!
//! Comparisons are first decided from constant bounds (`try_compare`), then normalized: `>` and
//! `>=` become `<` and `<=` with swapped operands, `a <= b` is rewritten through `!(b < a)`,
//! constants move to one side and common factors are divided out. `select` and `if_then_else`
//! simplify each branch under its condition, as TVM's `IRMutatorWithAnalyzer`.

use super::analyzer::Analyzer;
use super::canonical_form::R;
use super::canonical_simplify::is_index_type;
use super::modular_set::zero_aware_gcd;
use super::ops;
use super::pattern::{bin, cmp, mul_const, not};
use super::rewrite_simplify::{CompareResult, Mode, add, fdiv, fmod, int, sub};
use super::simplify::same_expr;
use crate::ir::{BinaryOp, Callee, CmpOp, Expr, PrimExpr};

fn lt(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::compare(CmpOp::Lt, a.clone(), b.clone())
}
fn le(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::compare(CmpOp::Le, a.clone(), b.clone())
}
fn eq(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::compare(CmpOp::Eq, a.clone(), b.clone())
}
fn ne(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::compare(CmpOp::Ne, a.clone(), b.clone())
}
fn and(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::logical_and(a.clone(), b.clone())
}
fn or(a: &PrimExpr, b: &PrimExpr) -> R<PrimExpr> {
    ops::logical_or(a.clone(), b.clone())
}
fn truth(v: bool, like: &PrimExpr) -> PrimExpr {
    PrimExpr::int(i64::from(v), like.dtype())
}
/// `x + c` as `(x, c)`.
fn plus_const(e: &PrimExpr) -> Option<(&PrimExpr, i64)> {
    bin(e, BinaryOp::Add).and_then(|(x, c)| c.as_int().map(|c| (x, c)))
}
/// `x - c` as `(x, c)`.
fn minus_const(e: &PrimExpr) -> Option<(&PrimExpr, i64)> {
    bin(e, BinaryOp::Sub).and_then(|(x, c)| c.as_int().map(|c| (x, c)))
}
/// `c - x` as `(c, x)`.
fn const_minus(e: &PrimExpr) -> Option<(i64, &PrimExpr)> {
    bin(e, BinaryOp::Sub).and_then(|(c, x)| c.as_int().map(|c| (c, x)))
}

impl Analyzer {
    /// Compares `x` with `y` from the bound of `x - y` (TVM's `TryCompare`).
    pub(crate) fn try_compare(
        &mut self,
        x: &PrimExpr,
        y: &PrimExpr,
        mode: Mode,
    ) -> R<CompareResult> {
        let diff = sub(x, y)?;
        self.try_compare_const(&diff, 0, mode)
    }

    /// Compares `x` with the constant `val` (TVM's `TryCompare(x, val)`).
    pub(crate) fn try_compare_const(
        &mut self,
        x: &PrimExpr,
        val: i64,
        mode: Mode,
    ) -> R<CompareResult> {
        let diff = self.visit(x, mode)?;
        if let Some(v) = diff.as_int() {
            return Ok(match v.cmp(&val) {
                std::cmp::Ordering::Equal => CompareResult::Eq,
                std::cmp::Ordering::Greater => CompareResult::Gt,
                std::cmp::Ordering::Less => CompareResult::Lt,
            });
        }
        let bound = self.const_int_bound(&diff);
        if bound.min == val && bound.max == val {
            return Ok(CompareResult::Eq);
        }
        if bound.min > val {
            return Ok(CompareResult::Gt);
        }
        if bound.max < val {
            return Ok(CompareResult::Lt);
        }
        if bound.min >= val {
            return Ok(CompareResult::Ge);
        }
        if bound.max <= val {
            return Ok(CompareResult::Le);
        }
        if val == 0 && self.modular_set(&diff).base != 0 {
            return Ok(CompareResult::Ne);
        }
        Ok(CompareResult::Unknown)
    }

    /// `Some(true/false)` when `e` or its negation is a constraint in scope.
    fn match_literal_constraint(&self, e: &PrimExpr) -> Option<PrimExpr> {
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
                let folded = if is_and { and(a, b)? } else { or(a, b)? };
                if !matches!(folded.expr(), Expr::And(..) | Expr::Or(..)) {
                    return Ok(folded);
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

    fn rules_eq(&mut self, ret: &PrimExpr, a: &PrimExpr, b: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        if ret.dtype().is_vector()
            && let Some(v) = Analyzer::rewrite_vector_cmp(CmpOp::Eq, a, b)?
        {
            return Ok(v);
        }
        if !is_index_type(a.dtype()) {
            if same_expr(a, b) && super::pattern::has_no_effect(a, true) {
                return Ok(truth(true, ret));
            }
            return Ok(ret.clone());
        }
        match self.try_compare(a, b, mode)? {
            CompareResult::Eq => return Ok(truth(true, ret)),
            CompareResult::Ne | CompareResult::Gt | CompareResult::Lt => {
                return Ok(truth(false, ret));
            }
            _ => {}
        }
        if a.as_int().is_some() {
            return eq(b, a);
        }
        if let Some(c2) = b.as_int() {
            if let Some((x, c1)) = minus_const(a) {
                return eq(x, &int(c2.wrapping_add(c1), x));
            }
            if let Some((c1, x)) = const_minus(a) {
                return eq(x, &int(c1.wrapping_sub(c2), x));
            }
            if let Some((x, c1)) = plus_const(a) {
                return eq(x, &int(c2.wrapping_sub(c1), x));
            }
            if c2 == 0
                && let Some((x, y)) = bin(a, BinaryOp::Mul)
            {
                let e = or(&eq(x, &int(0, x))?, &eq(y, &int(0, y))?)?;
                return self.recursive_rewrite(e, mode);
            }
        }
        if same_expr(a, b) {
            return Ok(truth(true, ret));
        }
        Ok(ret.clone())
    }

    fn visit_ne(&mut self, ret: &PrimExpr, a: &PrimExpr, b: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        if is_index_type(a.dtype()) {
            match self.try_compare(a, b, mode)? {
                CompareResult::Ne | CompareResult::Gt | CompareResult::Lt => {
                    return Ok(truth(true, ret));
                }
                CompareResult::Eq => return Ok(truth(false, ret)),
                CompareResult::Ge => return self.rules_lt(&lt(b, a)?, b, a, mode),
                CompareResult::Le => return self.rules_lt(&lt(a, b)?, a, b, mode),
                _ => {}
            }
        }
        let equal = eq(a, b)?;
        let equal = match equal.expr() {
            Expr::Cmp { a: x, b: y, .. } => self.rules_eq(&equal, &x.clone(), &y.clone(), mode)?,
            _ => equal,
        };
        self.rules_not(&not(&equal), mode)
    }

    fn visit_le(&mut self, ret: &PrimExpr, a: &PrimExpr, b: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        let flipped = lt(b, a)?;
        let flipped = match flipped.expr() {
            Expr::Cmp { a: x, b: y, .. } => {
                self.rules_lt(&flipped, &x.clone(), &y.clone(), mode)?
            }
            _ => flipped,
        };
        let result = self.rules_not(&not(&flipped), mode)?;
        if let Some((x, y)) = cmp(&result, CmpOp::Le)
            && is_index_type(x.dtype())
        {
            let (x, y) = (x.clone(), y.clone());
            match self.try_compare(&x, &y, mode)? {
                CompareResult::Le | CompareResult::Lt | CompareResult::Eq => {
                    return Ok(truth(true, ret));
                }
                CompareResult::Gt => return Ok(truth(false, ret)),
                CompareResult::Ne => return self.rules_lt(&lt(&x, &y)?, &x, &y, mode),
                CompareResult::Ge => return self.rules_eq(&eq(&x, &y)?, &x, &y, mode),
                _ => {}
            }
        }
        Ok(result)
    }

    fn rules_lt(&mut self, ret: &PrimExpr, a: &PrimExpr, b: &PrimExpr, mode: Mode) -> R<PrimExpr> {
        if ret.dtype().is_vector()
            && matches!(ret.expr(), Expr::Cmp { op: CmpOp::Lt, .. })
            && let Some(v) = Analyzer::rewrite_vector_cmp(CmpOp::Lt, a, b)?
        {
            return Ok(v);
        }
        if !matches!(ret.expr(), Expr::Cmp { op: CmpOp::Lt, .. }) || !is_index_type(a.dtype()) {
            return Ok(ret.clone());
        }
        match self.try_compare(a, b, mode)? {
            CompareResult::Lt => return Ok(truth(true, ret)),
            CompareResult::Eq | CompareResult::Gt | CompareResult::Ge => {
                return Ok(truth(false, ret));
            }
            _ => {}
        }
        // Cancel common terms: x + y < x + z => y < z, y - x < z - x, x - y < x - z.
        if let (Some((a1, a2)), Some((b1, b2))) = (bin(a, BinaryOp::Add), bin(b, BinaryOp::Add)) {
            for (ax, ay) in [(a1, a2), (a2, a1)] {
                for (bx, bz) in [(b1, b2), (b2, b1)] {
                    if same_expr(ax, bx) {
                        return lt(ay, bz);
                    }
                }
            }
        }
        if let (Some((y, x1)), Some((z, x2))) = (bin(a, BinaryOp::Sub), bin(b, BinaryOp::Sub)) {
            if same_expr(x1, x2) {
                return lt(y, z);
            }
            if same_expr(y, z) {
                return lt(x2, x1);
            }
        }
        if let Some((p, q)) = bin(b, BinaryOp::Add) {
            if same_expr(p, a) {
                return lt(&int(0, q), q);
            }
            if same_expr(q, a) {
                return lt(&int(0, p), p);
            }
        }
        if let Some((p, z)) = bin(b, BinaryOp::Sub)
            && same_expr(p, a)
        {
            return lt(z, &int(0, z));
        }
        if let (Some((x, c1)), Some((y, c1b))) = (mul_const(a), mul_const(b)) {
            if c1 == c1b && c1 > 0 {
                return lt(x, y);
            }
            if c1 == c1b && c1 < 0 {
                return lt(y, x);
            }
        }
        // x * c2 < c1 and c1 < x * c2, solved for x with truncated division as TVM does.
        if let (Some((x, c2)), Some(c1)) = (mul_const(a), b.as_int()) {
            if c2 > 0 && c1 > 0 {
                return lt(x, &int((c1 - 1) / c2 + 1, x));
            }
            if c2 > 0 && c1 <= 0 {
                return lt(x, &int(c1 / c2, x));
            }
            if c2 < 0 && c1 > 0 {
                return lt(&int((c1 - 1) / c2 - 1, x), x);
            }
            if c2 < 0 && c1 <= 0 {
                return lt(&int(c1 / c2, x), x);
            }
        }
        if let (Some(c1), Some((x, c2))) = (a.as_int(), mul_const(b)) {
            if c1 < 0 && c2 > 0 {
                return lt(&int((c1 + 1) / c2 - 1, x), x);
            }
            if c1 >= 0 && c2 > 0 {
                return lt(&int(c1 / c2, x), x);
            }
            if c1 < 0 && c2 < 0 {
                return lt(x, &int((c1 + 1) / c2 + 1, x));
            }
            if c1 >= 0 && c2 < 0 {
                return lt(x, &int(c1 / c2, x));
            }
        }
        // floordiv(x, c1) < c2 => x < c1 * c2; c1 < floordiv(x, c2) => (c1 + 1) * c2 - 1 < x.
        if let (Some((x, c1)), Some(c2)) = (bin(a, BinaryOp::FloorDiv), b.as_int())
            && let Some(c1) = c1.as_int().filter(|c| *c > 0)
        {
            return lt(x, &int(c1.wrapping_mul(c2), x));
        }
        if let (Some(c1), Some((x, c2))) = (a.as_int(), bin(b, BinaryOp::FloorDiv))
            && let Some(c2) = c2.as_int().filter(|c| *c > 0)
        {
            return lt(&int((c1 + 1).wrapping_mul(c2) - 1, x), x);
        }
        // floordiv(x, c1) * c1 < x => 0 < floormod(x, c1).
        if let Some((d, c1)) = mul_const(a)
            && let Some((x, c)) = bin(d, BinaryOp::FloorDiv)
            && c1 > 0
            && c.as_int() == Some(c1)
        {
            if same_expr(x, b) {
                return lt(&int(0, x), &fmod(x, c)?);
            }
            if let Some((bx, y)) = bin(b, BinaryOp::Add)
                && same_expr(x, bx)
            {
                return lt(&int(0, x), &add(&fmod(x, c)?, y)?);
            }
            if let Some((bx, y)) = bin(b, BinaryOp::Sub)
                && same_expr(x, bx)
            {
                return lt(y, &fmod(x, c)?);
            }
        }
        // Split comparisons with min and max into connectives.
        if let Some((x, y)) = bin(a, BinaryOp::Min) {
            let e = or(&lt(x, b)?, &lt(y, b)?)?;
            return self.recursive_rewrite(e, mode);
        }
        if let Some((x, y)) = bin(a, BinaryOp::Max) {
            let e = and(&lt(x, b)?, &lt(y, b)?)?;
            return self.recursive_rewrite(e, mode);
        }
        if let Some((x, y)) = bin(b, BinaryOp::Min) {
            let e = and(&lt(a, x)?, &lt(a, y)?)?;
            return self.recursive_rewrite(e, mode);
        }
        if let Some((x, y)) = bin(b, BinaryOp::Max) {
            let e = or(&lt(a, x)?, &lt(a, y)?)?;
            return self.recursive_rewrite(e, mode);
        }
        // Move constants to one side.
        if let Some(moved) = self.move_constants(a, b)? {
            return self.recursive_rewrite(moved, mode);
        }
        if let Some(merged) = merge_constants(a, b)? {
            return self.recursive_rewrite(merged, mode);
        }
        let (ma, mb) = (self.modular_set(a), self.modular_set(b));
        let factor =
            zero_aware_gcd(zero_aware_gcd(ma.base, ma.coeff), zero_aware_gcd(mb.base, mb.coeff));
        if factor > 1 {
            let f = int(factor, a);
            let e = lt(&fdiv(a, &f)?, &fdiv(b, &f)?)?;
            return self.recursive_rewrite(e, mode);
        }
        Ok(ret.clone())
    }

    /// TVM's recursive constant-moving rules for `a < b`.
    fn move_constants(&mut self, a: &PrimExpr, b: &PrimExpr) -> R<Option<PrimExpr>> {
        if let Some(c1) = a.as_int() {
            if let Some((x, c2)) = plus_const(b) {
                return Ok(Some(lt(&int(c1.wrapping_sub(c2), x), x)?));
            }
            if let Some((c2, x)) = const_minus(b) {
                return Ok(Some(lt(x, &int(c2.wrapping_sub(c1), x))?));
            }
            if let Some((x, c2)) = minus_const(b) {
                return Ok(Some(lt(&int(c1.wrapping_add(c2), x), x)?));
            }
        }
        if let Some(c2) = b.as_int() {
            if let Some((c1, x)) = const_minus(a) {
                return Ok(Some(lt(&int(c1.wrapping_sub(c2), x), x)?));
            }
            if let Some((x, c1)) = plus_const(a) {
                return Ok(Some(lt(x, &int(c2.wrapping_sub(c1), x))?));
            }
            if let Some((x, c2b)) = minus_const(a) {
                return Ok(Some(lt(x, &int(c2.wrapping_add(c2b), x))?));
            }
        }
        if let Some((c1, y)) = const_minus(b) {
            return Ok(Some(lt(&add(a, y)?, &int(c1, y))?));
        }
        if let Some((c1, y)) = const_minus(a) {
            return Ok(Some(lt(&int(c1, y), &add(b, y)?)?));
        }
        if let Some((c1, y)) = bin(b, BinaryOp::Add).and_then(|(c, y)| c.as_int().map(|c| (c, y))) {
            return Ok(Some(lt(&sub(a, y)?, &int(c1, y))?));
        }
        if let Some((c1, y)) = bin(a, BinaryOp::Add).and_then(|(c, y)| c.as_int().map(|c| (c, y))) {
            return Ok(Some(lt(&int(c1, y), &sub(b, y)?)?));
        }
        Ok(None)
    }

    fn rules_not(&mut self, ret: &PrimExpr, mode: Mode) -> R<PrimExpr> {
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

/// TVM's `merge_constants`: `x + c1 < y + c2` with the constants combined on one side.
fn merge_constants(a: &PrimExpr, b: &PrimExpr) -> R<Option<PrimExpr>> {
    let offset = |e: &PrimExpr| -> (PrimExpr, i64) {
        if let Some((x, c)) = plus_const(e) {
            return (x.clone(), c);
        }
        if let Some((x, c)) = minus_const(e) {
            return (x.clone(), c.wrapping_neg());
        }
        if let Some((c, x)) = const_minus(e) {
            return (x.clone(), c);
        }
        (e.clone(), 0)
    };
    let ((lhs, lo), (rhs, ro)) = (offset(a), offset(b));
    if lo == 0 && ro == 0 {
        return Ok(None);
    }
    let diff = ro.wrapping_sub(lo);
    if diff == 0 {
        return Ok(Some(lt(&lhs, &rhs)?));
    }
    if diff == 1 {
        return Ok(Some(le(&lhs, &rhs)?));
    }
    if diff < 0 && ro != 0 {
        return Ok(Some(lt(&add(&lhs, &int(diff.wrapping_neg(), &lhs))?, &rhs)?));
    }
    if diff > 0 && lo != 0 {
        return Ok(Some(lt(&lhs, &add(&rhs, &int(diff, &rhs))?)?));
    }
    Ok(None)
}

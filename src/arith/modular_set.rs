//! Modular sets of integer expressions, as TVM's `ModularSetAnalyzer`.
//!
//! A `ModularSet { coeff, base }` says the expression's value is `coeff * k + base` for some integer
//! `k`; `coeff == 0` means the exact constant `base`, `coeff == 1` means nothing is known. The base is
//! kept in `[0, coeff)` when `coeff > 0` and a negative coefficient is folded into the base's sign.

use super::analyzer::Analyzer;
use crate::ir::{BinaryOp, Callee, CmpOp, Expr, PrimExpr};

/// The set `{ coeff * k + base }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModularSet {
    pub coeff: i64,
    pub base: i64,
}

impl ModularSet {
    pub fn new(coeff: i64, base: i64) -> ModularSet {
        let (coeff, base) = if coeff < 0 { (-coeff, base.wrapping_neg()) } else { (coeff, base) };
        let base = if coeff != 0 { base.rem_euclid(coeff) } else { base };
        ModularSet { coeff, base }
    }
    pub fn everything() -> ModularSet {
        ModularSet { coeff: 1, base: 0 }
    }
    pub fn is_const(&self) -> bool {
        self.coeff == 0
    }
    fn union(self, other: ModularSet) -> ModularSet {
        let coeff = zero_aware_gcd(self.coeff, other.coeff);
        if coeff == 0 {
            return if self.base == other.base { self } else { ModularSet::everything() };
        }
        let (b0, b1) = (self.base % coeff, other.base % coeff);
        if b0 == b1 {
            ModularSet::new(coeff, b0)
        } else {
            ModularSet::new(zero_aware_gcd(zero_aware_gcd(b0, b1), coeff), b0)
        }
    }
    fn intersect(self, other: ModularSet) -> ModularSet {
        let (c1, b1, c2, b2) = (self.coeff, self.base, other.coeff, other.base);
        let (gcd, x, _) = extended_euclidean(c1, c2);
        let v = b2.wrapping_sub(b1);
        if gcd > 0 && v % gcd == 0 {
            let lcm = (c1 / gcd).saturating_mul(c2);
            let base = x.saturating_mul(v / gcd).saturating_mul(c1).saturating_add(b1);
            return ModularSet::new(lcm, base);
        }
        ModularSet::everything()
    }
}

/// The greatest common divisor, where `gcd(0, x) == |x|`.
pub fn zero_aware_gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i64::try_from(a).unwrap_or(i64::MAX)
}

/// `(g, x, y)` with `a * x + b * y == g == gcd(a, b)`.
fn extended_euclidean(a: i64, b: i64) -> (i64, i64, i64) {
    let (mut s, mut old_s) = (0i64, 1i64);
    let (mut t, mut old_t) = (1i64, 0i64);
    let (mut r, mut old_r) = (b, a);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s.saturating_sub(q.saturating_mul(s)));
        (old_t, t) = (t, old_t.saturating_sub(q.saturating_mul(t)));
    }
    if old_r < 0 { (-old_r, -old_s, -old_t) } else { (old_r, old_s, old_t) }
}

impl Analyzer {
    /// The modular set of `e` under the analyzer's bindings.
    pub fn modular_set(&mut self, e: &PrimExpr) -> ModularSet {
        match e.expr() {
            Expr::IntImm(v) => ModularSet::new(0, *v),
            Expr::Var(v) => self.var_modular.get(v).copied().unwrap_or_else(ModularSet::everything),
            Expr::Cast(value) => self.modular_set(value),
            Expr::Binary { op, a, b } => match op {
                BinaryOp::Add | BinaryOp::Sub => {
                    let (x, y) = (self.modular_set(a), self.modular_set(b));
                    let coeff = zero_aware_gcd(x.coeff, y.coeff);
                    let base = if *op == BinaryOp::Add {
                        x.base.wrapping_add(y.base)
                    } else {
                        x.base.wrapping_sub(y.base)
                    };
                    ModularSet::new(coeff, base)
                }
                BinaryOp::Mul => {
                    let (x, y) = (self.modular_set(a), self.modular_set(b));
                    let pq = x.coeff.saturating_mul(y.coeff);
                    let pm = x.coeff.saturating_mul(y.base);
                    let qn = x.base.saturating_mul(y.coeff);
                    ModularSet::new(
                        zero_aware_gcd(pq, zero_aware_gcd(pm, qn)),
                        x.base.saturating_mul(y.base),
                    )
                }
                BinaryOp::Div | BinaryOp::FloorDiv => match self.modular_set(b) {
                    m if m.is_const() && m.base != 0 => {
                        self.div_by_const(a, m.base, *op == BinaryOp::FloorDiv)
                    }
                    _ => ModularSet::everything(),
                },
                BinaryOp::Mod | BinaryOp::FloorMod => match self.modular_set(b) {
                    m if m.is_const() && m.base != 0 => {
                        self.mod_by_const(a, m.base, *op == BinaryOp::FloorMod)
                    }
                    _ => ModularSet::everything(),
                },
                BinaryOp::Min | BinaryOp::Max => self.modular_set(a).union(self.modular_set(b)),
            },
            Expr::Select { true_value, false_value, .. } => {
                self.modular_set(true_value).union(self.modular_set(false_value))
            }
            Expr::Let { var, value, body } => {
                if self.var_modular.contains_key(var) {
                    return self.modular_set(body);
                }
                let m = self.modular_set(value);
                self.var_modular.insert(var.clone(), m);
                let result = self.modular_set(body);
                self.var_modular.remove(var);
                result
            }
            Expr::Call { op: Callee::Op(op), args } if args.len() == 2 => {
                let shift = self.modular_set(&args[1]);
                match op.name() {
                    "shift_right" if shift.is_const() && (0..63).contains(&shift.base) => {
                        self.div_by_const(&args[0], 1i64 << shift.base, true)
                    }
                    "bitwise_and"
                        if shift.is_const()
                            && shift.base > 0
                            && (shift.base + 1).count_ones() == 1 =>
                    {
                        self.mod_by_const(&args[0], shift.base + 1, true)
                    }
                    _ => ModularSet::everything(),
                }
            }
            _ => ModularSet::everything(),
        }
    }

    fn div_by_const(&mut self, lhs: &PrimExpr, val: i64, round_down: bool) -> ModularSet {
        let a = self.modular_set(lhs);
        if a.coeff % val == 0 {
            if a.base == 0 {
                return ModularSet::new((a.coeff / val).abs(), 0);
            }
            if a.base > 0 && val > 0 && (round_down || self.const_int_bound(lhs).min >= 0) {
                return ModularSet::new(a.coeff / val, a.base / val);
            }
        }
        ModularSet::everything()
    }

    fn mod_by_const(&mut self, lhs: &PrimExpr, val: i64, round_down: bool) -> ModularSet {
        let a = self.modular_set(lhs);
        let coeff = zero_aware_gcd(a.coeff, val);
        if coeff != 0
            && (a.base % coeff == 0
                || (a.base > 0 && (round_down || self.const_int_bound(lhs).min >= 0)))
        {
            return ModularSet::new(coeff, a.base % coeff);
        }
        ModularSet::everything()
    }

    /// Narrows a var's modular set under `var % c == b` or `var == b` (TVM's `EnterConstraint`);
    /// returns the previous entry so the caller can restore it.
    pub(crate) fn modular_enter_constraint(
        &mut self,
        cond: &PrimExpr,
    ) -> Option<(crate::ir::Var, Option<ModularSet>)> {
        let Expr::Cmp { op: CmpOp::Eq, a, b } = cond.expr() else {
            return None;
        };
        let (lhs, base) = match (a.as_int(), b.as_int()) {
            (None, Some(c)) => (a, c),
            (Some(c), None) => (b, c),
            _ => return None,
        };
        let (var, entry) = match lhs.expr() {
            Expr::Var(v) => (v.clone(), ModularSet::new(1, base)),
            Expr::Binary { op: BinaryOp::Mod | BinaryOp::FloorMod, a: x, b: c }
                if a.as_int().is_none() =>
            {
                match (x.as_var(), c.as_int()) {
                    (Some(v), Some(c)) => (v.clone(), ModularSet::new(c, base)),
                    _ => return None,
                }
            }
            _ => return None,
        };
        let old = self.var_modular.get(&var).copied();
        let merged = old.unwrap_or_else(ModularSet::everything).intersect(entry);
        self.var_modular.insert(var.clone(), merged);
        Some((var, old))
    }
}

//! Constant integer bounds of expressions, as TVM's `ConstIntBoundAnalyzer`.
//!
//! Every integer expression gets an interval `[min, max]` of `i64` values; `POS_INF` and `NEG_INF`
//! (`±i64::MAX`) stand for unbounded ends and arithmetic on them saturates instead of overflowing.
//! Variables take their bound from the analyzer (bound loop ranges, let values, constraints);
//! an unknown variable ranges over its whole dtype, a `SizeVar` over `[0, POS_INF]`. Constraints
//! entered by the analyzer (`x < c`, `c <= x`, `x == c`, ...) intersect the bound of any
//! sub-expression deep-equal to `x`.

use super::analyzer::Analyzer;
use super::simplify::same_expr;
use crate::ir::{BinaryOp, Callee, CmpOp, DataType, Expr, PrimExpr};

/// The positive infinity of a bound.
pub const POS_INF: i64 = i64::MAX;
/// The negative infinity of a bound.
pub const NEG_INF: i64 = -i64::MAX;

/// An inclusive interval of integer values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConstIntBound {
    pub min: i64,
    pub max: i64,
}

impl ConstIntBound {
    /// A bound, nudging an infinite end that points the wrong way back into range (TVM's `MakeBound`).
    pub fn new(min: i64, max: i64) -> ConstIntBound {
        let min = if min == POS_INF { min - 1 } else { min };
        let max = if max == NEG_INF { max + 1 } else { max };
        ConstIntBound { min, max }
    }
    pub fn point(v: i64) -> ConstIntBound {
        // `i64::MIN` lies below the negative infinity; it is clamped so negation cannot overflow.
        let v = v.max(NEG_INF);
        ConstIntBound::new(v, v)
    }
    /// Every value `dtype` can hold (`[NEG_INF, POS_INF]` for non-integers).
    pub fn everything(dtype: DataType) -> ConstIntBound {
        if dtype.is_bool() {
            return ConstIntBound::new(0, 1);
        }
        if !dtype.is_integer() {
            return ConstIntBound::new(NEG_INF, POS_INF);
        }
        let value_bits = i64::from(dtype.bits) - i64::from(dtype.is_int());
        let max = if value_bits >= 63 { POS_INF } else { (1i64 << value_bits) - 1 };
        let min = if dtype.is_uint() {
            0
        } else if value_bits >= 63 {
            NEG_INF
        } else {
            -(1i64 << value_bits)
        };
        ConstIntBound { min, max }
    }
    pub fn is_const(&self, v: i64) -> bool {
        self.min == v && self.max == v
    }
    pub fn union(self, other: ConstIntBound) -> ConstIntBound {
        ConstIntBound { min: self.min.min(other.min), max: self.max.max(other.max) }
    }
    pub fn intersect(self, other: ConstIntBound) -> ConstIntBound {
        ConstIntBound { min: self.min.max(other.min), max: self.max.min(other.max) }
    }
}

/// `x + y` where either may be infinite; saturates to the infinities on overflow.
pub fn inf_add(x: i64, y: i64) -> i64 {
    if x == POS_INF || x == NEG_INF {
        return x;
    }
    if y == POS_INF || y == NEG_INF {
        return y;
    }
    match x.checked_add(y) {
        Some(v) if v != i64::MIN => v,
        _ => {
            if x > 0 {
                POS_INF
            } else {
                NEG_INF
            }
        }
    }
}

fn inf_mul(x: i64, y: i64) -> i64 {
    match x.checked_mul(y) {
        Some(v) if v != i64::MIN => v,
        _ => {
            if (x > 0) == (y > 0) {
                POS_INF
            } else {
                NEG_INF
            }
        }
    }
}

fn inf_div(x: i64, y: i64, floor: bool) -> i64 {
    if x == POS_INF || x == NEG_INF {
        return if y > 0 { x } else { -x };
    }
    if floor {
        super::ops::floor_div_mod(x, y).map_or(POS_INF, |(q, _)| q)
    } else {
        x.checked_div(y).unwrap_or(POS_INF)
    }
}

fn neg(v: i64) -> i64 {
    // Negating an infinity gives the other infinity because NEG_INF == -POS_INF.
    -v
}

/// The bound of a monotonic operator over the corners of two intervals.
fn corners(a: ConstIntBound, b: ConstIntBound, f: impl Fn(i64, i64) -> i64) -> ConstIntBound {
    let values = [f(a.min, b.min), f(a.max, b.max), f(a.min, b.max), f(a.max, b.min)];
    let min = values.iter().copied().min().unwrap_or(NEG_INF);
    let max = values.iter().copied().max().unwrap_or(POS_INF);
    ConstIntBound { min, max }
}

/// Division bounds that split a divisor interval containing zero into its signed halves.
fn division(a: ConstIntBound, b: ConstIntBound, dtype: DataType, floor: bool) -> ConstIntBound {
    let f = |x, y| inf_div(x, y, floor);
    if b.min <= 0 && 0 <= b.max && dtype.is_int() {
        let everything = ConstIntBound::everything(dtype);
        let b_neg = if b.min < 0 { ConstIntBound::new(b.min, -1) } else { everything };
        let b_pos = if b.max > 0 { ConstIntBound::new(1, b.max) } else { everything };
        let (n, p) = (corners(a, b_neg, f), corners(a, b_pos, f));
        return ConstIntBound::new(n.min.min(p.min), n.max.max(p.max));
    }
    if b.min == 0 && dtype.is_uint() {
        return corners(a, ConstIntBound::new(1, b.max), f);
    }
    corners(a, b, f)
}

/// Assumes a valid program never divides by zero: a divisor bound starting at 0 starts at 1.
fn assume_no_zero_divisor(b: ConstIntBound) -> ConstIntBound {
    if b.min == 0 && b.max >= 1 { ConstIntBound { min: 1, max: b.max } } else { b }
}

impl Analyzer {
    /// The constant integer bound of `e` under the analyzer's bindings and constraints.
    pub fn const_int_bound(&mut self, e: &PrimExpr) -> ConstIntBound {
        let mut bound =
            stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.const_int_bound_node(e));
        for (expr, extra) in &self.bound_info {
            if same_expr(expr, e) {
                bound = bound.intersect(*extra);
            }
        }
        bound
    }

    fn const_int_bound_node(&mut self, e: &PrimExpr) -> ConstIntBound {
        let dtype = e.dtype();
        match e.expr() {
            Expr::IntImm(v) => ConstIntBound::point(*v),
            Expr::Var(v) => match self.var_bounds.get(v) {
                Some(b) => *b,
                None if v.is_size_var() => ConstIntBound::new(0, POS_INF),
                None => ConstIntBound::everything(dtype),
            },
            Expr::Binary { op, a, b } => {
                let (x, y) = (self.const_int_bound(a), self.const_int_bound(b));
                self.binary_bound(*op, a, x, y, dtype)
            }
            Expr::Select { true_value, false_value, .. } => {
                self.const_int_bound(true_value).union(self.const_int_bound(false_value))
            }
            Expr::Cast(value) => {
                self.const_int_bound(value).intersect(ConstIntBound::everything(dtype))
            }
            Expr::Broadcast { value, .. } => self.const_int_bound(value),
            Expr::Let { var, value, body } => {
                if self.var_bounds.contains_key(var) {
                    return self.const_int_bound(body);
                }
                let value_bound = self.const_int_bound(value);
                self.var_bounds.insert(var.clone(), value_bound);
                let result = self.const_int_bound(body);
                self.var_bounds.remove(var);
                result
            }
            Expr::Call { op: Callee::Op(op), args } if args.len() == 2 => {
                let (x, y) = (self.const_int_bound(&args[0]), self.const_int_bound(&args[1]));
                match op.name() {
                    "shift_right" => corners(x, y, |p, q| {
                        if p == POS_INF || p == NEG_INF { p } else { p >> q.clamp(0, 63) }
                    }),
                    "shift_left" if x.min >= 0 && y.min >= 0 => corners(x, y, |p, q| {
                        let bits = 64 - p.unsigned_abs().leading_zeros() as i64;
                        if p == POS_INF || p == NEG_INF {
                            p
                        } else if bits + q < 64 {
                            p << q
                        } else {
                            POS_INF
                        }
                    }),
                    "bitwise_and" if x.min >= 0 && y.min >= 0 => {
                        ConstIntBound::new(0, x.max.min(y.max))
                    }
                    "bitwise_and" if y.min >= 0 => ConstIntBound::new(0, y.max),
                    "bitwise_and" if x.min >= 0 => ConstIntBound::new(0, x.max),
                    _ => ConstIntBound::everything(dtype),
                }
            }
            _ => ConstIntBound::everything(dtype),
        }
    }

    fn binary_bound(
        &mut self,
        op: BinaryOp,
        a: &PrimExpr,
        x: ConstIntBound,
        y: ConstIntBound,
        dtype: DataType,
    ) -> ConstIntBound {
        match op {
            BinaryOp::Add => {
                ConstIntBound { min: inf_add(x.min, y.min), max: inf_add(x.max, y.max) }
            }
            BinaryOp::Sub => {
                ConstIntBound { min: inf_add(x.min, neg(y.max)), max: inf_add(x.max, neg(y.min)) }
            }
            BinaryOp::Mul => corners(x, y, inf_mul),
            BinaryOp::Div => division(x, assume_no_zero_divisor(y), dtype, false),
            BinaryOp::FloorDiv => division(x, assume_no_zero_divisor(y), dtype, true),
            BinaryOp::Mod | BinaryOp::FloorMod => {
                let y = assume_no_zero_divisor(y);
                let floor = op == BinaryOp::FloorMod;
                if y.min > 0 {
                    let cap = inf_add(y.max, -1);
                    // The values are `base (mod gcd(coeff, divisor))`, so they lie in
                    // `[r, divisor - gcd + r]` with `r = base mod gcd`. (TVM's formula reduces the
                    // base by the divisor instead, which gives an empty range when the base exceeds
                    // the gcd; for a truncated modulus it also needs a non-negative operand.)
                    if y.min == y.max && (floor || x.min >= 0) {
                        let m = self.modular_set(a);
                        let gcd = super::modular_set::zero_aware_gcd(m.coeff, y.min);
                        if gcd > 1 {
                            let residue = m.base.rem_euclid(gcd);
                            return ConstIntBound::new(residue, y.min - gcd + residue);
                        }
                    }
                    if x.min >= 0 {
                        if x.max < y.min {
                            return x;
                        }
                        return ConstIntBound::new(0, x.max.min(cap));
                    }
                    if floor {
                        return ConstIntBound::new(0, cap);
                    }
                    return ConstIntBound::new(x.min.max(neg(cap)), x.max.max(0).min(cap));
                }
                if floor {
                    let bound =
                        ConstIntBound::new(inf_add(y.min, 1).min(0), inf_add(y.max, -1).max(0));
                    return bound.intersect(ConstIntBound::everything(dtype));
                }
                ConstIntBound::everything(dtype)
            }
            BinaryOp::Min => ConstIntBound { min: x.min.min(y.min), max: x.max.min(y.max) },
            BinaryOp::Max => ConstIntBound { min: x.min.max(y.min), max: x.max.max(y.max) },
        }
    }
}

/// The bound facts a condition states about its sub-expressions (TVM's `DetectBoundInfo`).
pub(crate) fn detect_bound_info(cond: &PrimExpr) -> Vec<(PrimExpr, ConstIntBound)> {
    let mut out = Vec::new();
    for sub in super::analyzer::extract_constraints(cond) {
        let Expr::Cmp { op, a, b } = sub.expr() else {
            continue;
        };
        let (expr, bound) = match (op, a.as_int(), b.as_int()) {
            (CmpOp::Le, Some(c), _) => (b, ConstIntBound::new(c, POS_INF)),
            (CmpOp::Ge, _, Some(c)) => (a, ConstIntBound::new(c, POS_INF)),
            (CmpOp::Lt, Some(c), _) => (b, ConstIntBound::new(inf_add(c, 1), POS_INF)),
            (CmpOp::Gt, _, Some(c)) => (a, ConstIntBound::new(inf_add(c, 1), POS_INF)),
            (CmpOp::Le, _, Some(c)) => (a, ConstIntBound::new(NEG_INF, c)),
            (CmpOp::Lt, _, Some(c)) => (a, ConstIntBound::new(NEG_INF, inf_add(c, -1))),
            (CmpOp::Gt, Some(c), _) => (b, ConstIntBound::new(NEG_INF, inf_add(c, -1))),
            (CmpOp::Eq, _, Some(c)) => (a, ConstIntBound::point(c)),
            (CmpOp::Eq, Some(c), _) => (b, ConstIntBound::point(c)),
            _ => continue,
        };
        if expr.as_int().is_none() {
            out.push((expr.clone(), bound));
        }
    }
    out
}

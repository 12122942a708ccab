//! The canonical forms of TVM's canonical simplifier: `SplitExpr` and `SumExpr`.
//!
//! A `SplitExpr` is `((index % upper) / lower) * scale` in one division mode, with
//! `upper == POS_INF` meaning no modulus and the invariant `upper % lower == 0` otherwise. A
//! `SumExpr` is `Σ args + base`; args with the same index sit next to each other, ordered by
//! descending `lower`, so splits of one index can merge (`(x / 6) * 6 + ((x % 6) / 3) * 3` becomes
//! `(x / 3) * 3`). `normalize` turns a form back into a plain expression exactly as TVM's
//! `Normalize` does: args sorted stably by descending scale (then lower, upper, division mode),
//! positive terms added first, a positive base next, negative terms and a negative base subtracted
//! last.

use super::const_int_bound::POS_INF;
use super::ops;
use super::simplify::same_expr;
use crate::ir::{DataType, IrError, PrimExpr};

pub(crate) type R<T> = Result<T, IrError>;

/// Checked integer arithmetic; overflow abandons the simplification of the expression.
pub(crate) fn ck(v: Option<i64>) -> R<i64> {
    v.ok_or_else(|| IrError::invalid("integer overflow while simplifying"))
}

/// Truncated or floored division, in TVM's enum order (truncated first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DivMode {
    Trunc,
    Floor,
}

pub(crate) fn div_impl(a: PrimExpr, b: PrimExpr, mode: DivMode) -> R<PrimExpr> {
    match mode {
        DivMode::Trunc => ops::binary(crate::ir::BinaryOp::Div, a, b),
        DivMode::Floor => ops::floordiv(a, b),
    }
}

pub(crate) fn mod_impl(a: PrimExpr, b: PrimExpr, mode: DivMode) -> R<PrimExpr> {
    match mode {
        DivMode::Trunc => ops::binary(crate::ir::BinaryOp::Mod, a, b),
        DivMode::Floor => ops::floormod(a, b),
    }
}

/// `((index % upper) / lower) * scale`.
#[derive(Clone, Debug)]
pub(crate) struct SplitExpr {
    pub dtype: DataType,
    pub index: PrimExpr,
    pub lower: i64,
    pub upper: i64,
    pub scale: i64,
    pub mode: DivMode,
}

impl SplitExpr {
    pub fn of(index: PrimExpr) -> SplitExpr {
        SplitExpr {
            dtype: index.dtype(),
            index,
            lower: 1,
            upper: POS_INF,
            scale: 1,
            mode: DivMode::Trunc,
        }
    }
    pub fn normalize_with_scale(&self, extra_scale: i64) -> R<PrimExpr> {
        if self.scale == 0 {
            return Ok(PrimExpr::int(0, self.dtype));
        }
        let mut res = self.index.clone();
        if self.upper != POS_INF {
            res = mod_impl(res, PrimExpr::int(self.upper, self.dtype), self.mode)?;
        }
        if self.lower != 1 {
            res = div_impl(res, PrimExpr::int(self.lower, self.dtype), self.mode)?;
        }
        let scale = ck(extra_scale.checked_mul(self.scale))?;
        if scale != 1 {
            res = ops::mul(res, PrimExpr::int(scale, self.dtype))?;
        }
        Ok(res)
    }
    pub fn normalize(&self) -> R<PrimExpr> {
        self.normalize_with_scale(1)
    }
    pub fn index_equal(&self, other: &SplitExpr) -> bool {
        same_expr(&self.index, &other.index)
    }
    pub fn mode_compatible(&self, mode: DivMode) -> bool {
        self.mode == mode || (self.lower == 1 && self.upper == POS_INF)
    }
}

/// `Σ args + base`.
#[derive(Clone, Debug)]
pub(crate) struct SumExpr {
    pub dtype: DataType,
    pub args: Vec<SplitExpr>,
    pub base: i64,
}

impl SumExpr {
    pub fn constant(base: i64, dtype: DataType) -> SumExpr {
        SumExpr { dtype, args: Vec::new(), base }
    }
    pub fn is_zero(&self) -> bool {
        self.base == 0 && self.args.is_empty()
    }
    pub fn mul_to_self(&mut self, c: i64) -> R<()> {
        self.base = ck(self.base.checked_mul(c))?;
        for a in &mut self.args {
            a.scale = ck(a.scale.checked_mul(c))?;
        }
        Ok(())
    }
    /// Divides every coefficient by `c`; the caller has checked `divisible_by(c)`.
    pub fn divide_by(&mut self, c: i64) {
        self.base /= c;
        for a in &mut self.args {
            a.scale /= c;
        }
    }
    pub fn add_const(&mut self, v: i64) -> R<()> {
        self.base = ck(self.base.checked_add(v))?;
        Ok(())
    }
    /// `self += other * scale`, keeping splits of one index together by descending `lower`.
    pub fn add_split(&mut self, mut other: SplitExpr, scale: i64) -> R<()> {
        if other.scale == 0 {
            return Ok(());
        }
        let start = self.args.iter().position(|a| a.index_equal(&other)).unwrap_or(self.args.len());
        for j in start..self.args.len() {
            let arg = &self.args[j];
            if !arg.index_equal(&other) || other.lower > arg.lower {
                other.scale = ck(other.scale.checked_mul(scale))?;
                self.args.insert(j, other);
                return Ok(());
            }
            if other.lower == arg.lower
                && other.upper == arg.upper
                && other.mode_compatible(arg.mode)
            {
                let add = ck(other.scale.checked_mul(scale))?;
                self.args[j].scale = ck(self.args[j].scale.checked_add(add))?;
                return Ok(());
            }
        }
        other.scale = ck(other.scale.checked_mul(scale))?;
        self.args.push(other);
        Ok(())
    }
    pub fn add_sum(&mut self, other: &SumExpr, scale: i64) -> R<()> {
        for a in &other.args {
            self.add_split(a.clone(), scale)?;
        }
        self.add_const(ck(other.base.checked_mul(scale))?)
    }
    /// Splits into the terms whose coefficient `c` divides and the rest.
    pub fn separate_divisible(&self, c: i64) -> (SumExpr, SumExpr) {
        let mut divisible = SumExpr::constant(0, self.dtype);
        let mut rest = SumExpr::constant(0, self.dtype);
        if self.base % c == 0 {
            divisible.base = self.base;
        } else {
            rest.base = self.base;
        }
        for a in &self.args {
            if a.scale % c == 0 {
                divisible.args.push(a.clone());
            } else {
                rest.args.push(a.clone());
            }
        }
        (divisible, rest)
    }

    pub fn normalize(&self) -> R<PrimExpr> {
        if self.args.is_empty() {
            return Ok(PrimExpr::int(self.base, self.dtype));
        }
        let args = simplify_split_exprs(self.args.clone())?;
        let dtype = self.dtype;
        let is_min_value = if dtype.bits >= 64 {
            self.base == i64::MIN
        } else {
            self.base == -(1i64 << (dtype.bits - 1))
        };
        let mut res = PrimExpr::int(0, dtype);
        for a in args.iter().filter(|a| a.scale > 0) {
            res = ops::add(res, a.normalize()?)?;
        }
        if self.base > 0 || is_min_value {
            res = ops::add(res, PrimExpr::int(self.base, dtype))?;
        }
        for a in args.iter().filter(|a| a.scale < 0) {
            res = ops::sub(res, a.normalize_with_scale(-1)?)?;
        }
        if self.base < 0 && !is_min_value {
            res = ops::sub(res, PrimExpr::int(ck(self.base.checked_neg())?, dtype))?;
        }
        Ok(res)
    }
}

/// Merges splits of one index and sorts the args as TVM's `SimplifySplitExprs`.
fn simplify_split_exprs(mut args: Vec<SplitExpr>) -> R<Vec<SplitExpr>> {
    for i in 0..args.len() {
        if args[i].scale == 0 {
            continue;
        }
        for j in i + 1..args.len() {
            let (lhs, rhs) = (&args[i], &args[j]);
            if !lhs.index_equal(rhs) || lhs.upper < rhs.lower {
                break;
            }
            if lhs.upper == rhs.upper && lhs.lower == rhs.lower && lhs.mode_compatible(rhs.mode) {
                args[j].scale = ck(args[j].scale.checked_add(args[i].scale))?;
                args[i].scale = 0;
            } else if lhs.lower == rhs.upper
                && rhs.scale != 0
                && lhs.scale.checked_rem(rhs.scale) == Some(0)
                && lhs.scale.checked_div(rhs.scale).and_then(|q| q.checked_mul(rhs.lower))
                    == Some(lhs.lower)
                && lhs.mode_compatible(rhs.mode)
            {
                // (x / (c * s)) * s + (x % (c * s)) / c == x / c, so the pair becomes one split.
                args[j].upper = args[i].upper;
                args[i].scale = 0;
                break;
            }
        }
    }
    args.sort_by(|l, r| {
        r.scale
            .cmp(&l.scale)
            .then(r.lower.cmp(&l.lower))
            .then(r.upper.cmp(&l.upper))
            .then(r.mode.cmp(&l.mode))
    });
    Ok(args)
}

/// An expression during canonical simplification: plain, or one of the canonical forms.
#[derive(Clone, Debug)]
pub(crate) enum Canon {
    Plain(PrimExpr),
    Split(SplitExpr),
    Sum(SumExpr),
}

impl Canon {
    pub fn normalize(&self) -> R<PrimExpr> {
        match self {
            Canon::Plain(e) => Ok(e.clone()),
            Canon::Split(s) => s.normalize(),
            Canon::Sum(s) => s.normalize(),
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Canon::Plain(e) => e.as_int(),
            _ => None,
        }
    }
    pub fn into_split(self) -> R<SplitExpr> {
        match self {
            Canon::Split(s) => Ok(s),
            Canon::Sum(mut s) if s.base == 0 && s.args.len() == 1 => match s.args.pop() {
                Some(only) => Ok(only),
                None => Ok(SplitExpr::of(PrimExpr::int(0, s.dtype))),
            },
            other => Ok(SplitExpr::of(other.normalize()?)),
        }
    }
    pub fn into_sum(self) -> R<SumExpr> {
        match self {
            Canon::Sum(s) => Ok(s),
            Canon::Plain(e) if e.as_int().is_some() => {
                Ok(SumExpr::constant(e.as_int().unwrap_or_default(), e.dtype()))
            }
            other => {
                let split = other.into_split()?;
                Ok(SumExpr { dtype: split.dtype, args: vec![split], base: 0 })
            }
        }
    }
}

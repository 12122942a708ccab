//! The canonical simplifier's casts and `<` comparisons (TVM's canonical `Cast` and `LT`
//! visitors).
//!
//! A cast of a canonical sum or split is pushed into its terms when that cannot change the value
//! (an upcast, or every partial sum provably fits the narrower type). `a < b` becomes
//! `a - b < 0` in canonical form; a coefficient common to all terms but a small remainder is
//! divided out (`x * 8 + y < 16` with `0 <= y < 8` is `x < 2`).

use super::analyzer::Analyzer;
use super::canonical_form::{Canon, DivMode, R, SplitExpr, SumExpr, ck, mod_impl};
use super::canonical_simplify::is_index_type;
use super::const_int_bound::POS_INF;
use super::modular_set::zero_aware_gcd;
use super::ops;
use super::rewrite_simplify::Mode;
use crate::ir::{CmpOp, DataType, PrimExpr};

impl Analyzer {
    pub(crate) fn canon_cast(&mut self, e: &PrimExpr, value: &PrimExpr) -> R<Canon> {
        let dtype = e.dtype();
        match self.canon_mutate(value)? {
            Canon::Sum(mut s) if self.sum_can_push_cast(&s, dtype)? => {
                for a in &mut s.args {
                    a.index = ops::cast(dtype, a.index.clone())?;
                    a.dtype = dtype;
                }
                s.dtype = dtype;
                Ok(Canon::Sum(s))
            }
            Canon::Split(mut s) if self.split_can_push_cast(&s, dtype)? => {
                s.index = ops::cast(dtype, s.index.clone())?;
                s.dtype = dtype;
                Ok(Canon::Split(s))
            }
            _ => Ok(Canon::Plain(self.rewrite_node(e, Mode::Canonical)?)),
        }
    }

    pub(crate) fn cast_is_safe(&mut self, dtype: DataType, value: &PrimExpr) -> bool {
        if !is_index_type(dtype) {
            return false;
        }
        if value.dtype().bits <= dtype.bits {
            return true;
        }
        let bound = self.const_int_bound(value);
        let limits = super::const_int_bound::ConstIntBound::everything(dtype);
        bound.max <= limits.max && bound.min >= limits.min
    }

    pub(crate) fn split_can_push_cast(&mut self, s: &SplitExpr, dtype: DataType) -> R<bool> {
        if dtype.bits >= s.dtype.bits || s.scale == 0 {
            return Ok(true);
        }
        let mut res = s.index.clone();
        if !self.cast_is_safe(dtype, &res) {
            return Ok(false);
        }
        if s.upper != POS_INF {
            res = mod_impl(res, PrimExpr::int(s.upper, s.dtype), s.mode)?;
            if !self.cast_is_safe(dtype, &res) {
                return Ok(false);
            }
        }
        if s.lower != 1 {
            res = super::canonical_form::div_impl(res, PrimExpr::int(s.lower, s.dtype), s.mode)?;
            if !self.cast_is_safe(dtype, &res) {
                return Ok(false);
            }
        }
        if s.scale != 1 {
            res = ops::mul(res, PrimExpr::int(s.scale, s.dtype))?;
            if !self.cast_is_safe(dtype, &res) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub(crate) fn sum_can_push_cast(&mut self, s: &SumExpr, dtype: DataType) -> R<bool> {
        if dtype.bits >= s.dtype.bits {
            return Ok(true);
        }
        let mut res = PrimExpr::int(0, s.dtype);
        for a in s.args.iter().filter(|a| a.scale > 0) {
            res = ops::add(res, a.normalize()?)?;
            if !self.cast_is_safe(dtype, &res) {
                return Ok(false);
            }
        }
        if s.base > 0 {
            res = ops::add(res, PrimExpr::int(s.base, s.dtype))?;
            if !self.cast_is_safe(dtype, &res) {
                return Ok(false);
            }
        }
        for a in s.args.iter().filter(|a| a.scale < 0) {
            res = ops::sub(res, a.normalize_with_scale(-1)?)?;
            if !self.cast_is_safe(dtype, &res) {
                return Ok(false);
            }
        }
        if s.base < 0 {
            res = ops::sub(res, PrimExpr::int(ck(s.base.checked_neg())?, s.dtype))?;
            if !self.cast_is_safe(dtype, &res) {
                return Ok(false);
            }
        }
        for a in &s.args {
            if !self.split_can_push_cast(a, dtype)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `a < b` through `a - b < 0`, dividing out a common coefficient (TVM's canonical `LT`).
    pub(crate) fn canon_lt(&mut self, e: &PrimExpr, a: &PrimExpr, b: &PrimExpr) -> R<Canon> {
        if is_index_type(a.dtype()) {
            let diff = ops::sub(a.clone(), b.clone())?;
            if let Canon::Sum(lhs) = self.canon_mutate(&diff)? {
                let mut gcd = lhs.base;
                let mut has_non_one_scale = false;
                for s in &lhs.args {
                    if s.scale > 1 || s.scale < -1 {
                        has_non_one_scale = true;
                        gcd = zero_aware_gcd(gcd, s.scale.checked_abs().unwrap_or(i64::MAX));
                    }
                }
                if has_non_one_scale && gcd > 1 {
                    let (mut divisible, extra) = lhs.separate_divisible(gcd);
                    let dtype = divisible.dtype;
                    let normal_extra = extra.normalize()?;
                    let below =
                        ops::compare(CmpOp::Lt, normal_extra.clone(), PrimExpr::int(gcd, dtype))?;
                    let above =
                        ops::compare(CmpOp::Ge, normal_extra.clone(), PrimExpr::int(0, dtype))?;
                    if self.can_prove(&below) && self.can_prove(&above) {
                        divisible.divide_by(gcd);
                        let cond = ops::compare(
                            CmpOp::Lt,
                            divisible.normalize()?,
                            PrimExpr::int(0, dtype),
                        )?;
                        return self.canon_mutate(&cond);
                    }
                    // TVM applies case 2 whatever the split's coefficient and division mode,
                    // which is wrong for a coefficient other than 1 (`j * 2 - (5 - i) % 2 < 0`
                    // would become `j < 0`) and for truncated splits of negative values; here it
                    // needs a floored split with coefficient 1, where the rewrite is exact.
                    if let [split] = extra.args.as_slice()
                        && split.scale == 1
                        && split.mode == DivMode::Floor
                    {
                        let factor = ck(gcd.checked_mul(split.lower))?;
                        if split.upper != POS_INF && split.upper % factor == 0 {
                            divisible.divide_by(gcd);
                            let inner =
                                ops::floordiv(split.index.clone(), PrimExpr::int(factor, dtype))?;
                            let extra_expr =
                                ops::floormod(inner, PrimExpr::int(split.upper / factor, dtype))?;
                            let sum = ops::add(divisible.normalize()?, extra_expr)?;
                            let cond = ops::compare(CmpOp::Lt, sum, PrimExpr::int(0, dtype))?;
                            return self.canon_mutate(&cond);
                        }
                    }
                }
            }
        }
        Ok(Canon::Plain(self.rewrite_node(e, Mode::Canonical)?))
    }
}

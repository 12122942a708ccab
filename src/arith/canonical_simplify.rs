//! TVM's canonical simplifier (`canonical_simplify.cc`): index arithmetic through `SumExpr` and
//! `SplitExpr` forms.
//!
//! `+ - *` by constants, `/ % // %` by positive constants and casts of int32/int64 scalars are
//! computed on canonical forms; every other node goes through the rewrite simplifier's rules with
//! its children simplified canonically (TVM's `CanonicalSimplifier::Impl` derives from the
//! rewriter in the same way). The result of `canonical_simplify` is always a plain expression.

use super::analyzer::Analyzer;
use super::canonical_form::{Canon, DivMode, R, SplitExpr, ck, mod_impl};
use super::const_int_bound::POS_INF;
use super::modular_set::zero_aware_gcd;
use super::ops;
use super::rewrite_simplify::{CompareResult, Mode};
use crate::ir::{BinaryOp, CmpOp, DataType, Expr, PrimExpr};

/// TVM's `IsIndexType`: a scalar int32 or int64.
pub(crate) fn is_index_type(dtype: DataType) -> bool {
    dtype.is_int() && dtype.is_scalar() && (dtype.bits == 32 || dtype.bits == 64)
}

impl Analyzer {
    /// Canonical simplification of `e`; an expression it cannot handle comes back unchanged.
    pub fn canonical_simplify(&mut self, e: &PrimExpr) -> PrimExpr {
        self.canon_visit(e).unwrap_or_else(|_| e.clone())
    }

    /// Visits and normalizes (TVM's `CanonicalSimplifier::Impl::VisitExpr`).
    pub(crate) fn canon_visit(&mut self, e: &PrimExpr) -> R<PrimExpr> {
        self.canon_mutate(e)?.normalize()
    }

    /// Visits without normalizing, so parents can combine canonical forms.
    pub(crate) fn canon_mutate(&mut self, e: &PrimExpr) -> R<Canon> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.canon_mutate_node(e))
    }

    fn canon_mutate_node(&mut self, e: &PrimExpr) -> R<Canon> {
        let index = is_index_type(e.dtype());
        match e.expr() {
            Expr::Binary { op, a, b } if index && !matches!(op, BinaryOp::Min | BinaryOp::Max) => {
                let (a, b) = (self.canon_mutate(a)?, self.canon_mutate(b)?);
                if let (Some(x), Some(y)) = (a.as_int(), b.as_int()) {
                    return Ok(Canon::Plain(ops::binary(
                        *op,
                        PrimExpr::int(x, e.dtype()),
                        PrimExpr::int(y, e.dtype()),
                    )?));
                }
                match op {
                    BinaryOp::Add => self.canon_add(a, b, 1),
                    BinaryOp::Sub => self.canon_add(a, b, -1),
                    BinaryOp::Mul => self.canon_mul(e, a, b),
                    BinaryOp::Div | BinaryOp::FloorDiv => {
                        let mode =
                            if *op == BinaryOp::Div { DivMode::Trunc } else { DivMode::Floor };
                        self.canon_div(e, a, b, mode)
                    }
                    BinaryOp::Mod | BinaryOp::FloorMod => {
                        let mode =
                            if *op == BinaryOp::Mod { DivMode::Trunc } else { DivMode::Floor };
                        self.canon_mod(e, a, b, mode)
                    }
                    BinaryOp::Min | BinaryOp::Max => {
                        Ok(Canon::Plain(self.rewrite_node(e, Mode::Canonical)?))
                    }
                }
            }
            Expr::Cast(value) if index => self.canon_cast(e, value),
            Expr::Cmp { op: CmpOp::Lt, a, b } => self.canon_lt(e, a, b),
            _ => Ok(Canon::Plain(self.rewrite_node(e, Mode::Canonical)?)),
        }
    }

    /// `a + sign * b` on canonical forms, after TVM's constant-folding shortcuts.
    fn canon_add(&mut self, a: Canon, b: Canon, sign: i64) -> R<Canon> {
        if b.as_int() == Some(0) {
            return Ok(a);
        }
        if sign == 1 && a.as_int() == Some(0) {
            return Ok(b);
        }
        let mut ret = a.into_sum()?;
        match b {
            Canon::Plain(p) if p.as_int().is_some() => {
                ret.add_const(ck(p.as_int().unwrap_or_default().checked_mul(sign))?)?
            }
            Canon::Sum(s) => ret.add_sum(&s, sign)?,
            other => ret.add_split(other.into_split()?, sign)?,
        }
        Ok(Canon::Sum(ret))
    }

    fn canon_mul(&mut self, e: &PrimExpr, a: Canon, b: Canon) -> R<Canon> {
        // TVM's constant folding of `x * 1` and `x * 0` before any canonical form is built.
        for (x, y) in [(&a, &b), (&b, &a)] {
            match y.as_int() {
                Some(1) => return Ok(x.clone()),
                Some(0) => return Ok(y.clone()),
                _ => {}
            }
        }
        let (a, b) = if a.as_int().is_some() { (b, a) } else { (a, b) };
        if let Some(c) = b.as_int() {
            return match a {
                Canon::Sum(mut s) => {
                    s.mul_to_self(c)?;
                    Ok(Canon::Sum(s))
                }
                other => {
                    let mut s = other.into_split()?;
                    s.scale = ck(s.scale.checked_mul(c))?;
                    Ok(Canon::Split(s))
                }
            };
        }
        let (a, b) = (a.normalize()?, b.normalize()?);
        let ret = mul_and_normalize(&a, &b)?;
        if let (Expr::Binary { op: BinaryOp::Mul, a: ra, b: rb }, Expr::Binary { a: oa, b: ob, .. }) =
            (ret.expr(), e.expr())
            && ra.ptr_eq(oa)
            && rb.ptr_eq(ob)
        {
            return Ok(Canon::Plain(e.clone()));
        }
        Ok(Canon::Plain(ret))
    }

    fn canon_div(&mut self, e: &PrimExpr, a: Canon, b: Canon, mode: DivMode) -> R<Canon> {
        let dtype = e.dtype();
        if b.as_int() == Some(1) {
            return Ok(a);
        }
        if a.as_int() == Some(0) && b.as_int().is_some_and(|c| c != 0) {
            return Ok(a);
        }
        let Some(cval) = b.as_int().filter(|c| *c > 0) else {
            return self.canon_symbolic_divmod(e, a, b, BinaryOp::Div, mode);
        };
        if let Canon::Sum(psum) = &a {
            let (mut lhs, extra) = psum.separate_divisible(cval);
            if extra.is_zero() {
                lhs.divide_by(cval);
                return Ok(Canon::Sum(lhs));
            }
            let proceed = match mode {
                DivMode::Floor => true,
                DivMode::Trunc => {
                    let (l, x) = (lhs.normalize()?, extra.normalize()?);
                    self.can_prove_greater_equal(&l, 0) && self.can_prove_greater_equal(&x, 0)
                }
            };
            if proceed {
                lhs.divide_by(cval);
                let temp = extra.normalize()?;
                if let Some(v) = temp.as_int() {
                    let q = match mode {
                        DivMode::Floor => ops::floor_div_mod(v, cval).map(|(q, _)| q),
                        DivMode::Trunc => v.checked_div(cval),
                    };
                    lhs.add_const(ck(q)?)?;
                } else {
                    let drop = match mode {
                        DivMode::Floor => {
                            self.try_compare_const(&temp, cval, Mode::Canonical)?
                                == CompareResult::Lt
                                && self.can_prove_greater_equal(&temp, 0)
                        }
                        DivMode::Trunc => {
                            self.try_compare_const(&temp, cval, Mode::Canonical)?
                                == CompareResult::Lt
                        }
                    };
                    if !drop {
                        let split = self.split_div_const(SplitExpr::of(temp), cval, mode)?;
                        lhs.add_split(split, 1)?;
                    }
                }
                return Ok(Canon::Sum(lhs));
            }
        } else {
            let bound = self.const_int_bound(&a.normalize()?);
            if bound.min >= 0 && bound.max < cval {
                return Ok(Canon::Plain(PrimExpr::int(0, dtype)));
            }
        }
        Ok(Canon::Split(self.split_div_const(a.into_split()?, cval, mode)?))
    }

    fn canon_mod(&mut self, e: &PrimExpr, a: Canon, b: Canon, mode: DivMode) -> R<Canon> {
        let dtype = e.dtype();
        if b.as_int() == Some(1) {
            return Ok(Canon::Plain(PrimExpr::int(0, dtype)));
        }
        if a.as_int() == Some(0) && b.as_int().is_some_and(|c| c != 0) {
            return Ok(a);
        }
        let Some(cval) = b.as_int().filter(|c| *c > 0) else {
            return self.canon_symbolic_divmod(e, a, b, BinaryOp::Mod, mode);
        };
        let c_expr = PrimExpr::int(cval, dtype);
        if let Canon::Sum(psum) = &a {
            let (lhs, extra) = psum.separate_divisible(cval);
            let mut sum = psum.clone();
            match mode {
                DivMode::Floor => {
                    let temp = extra.normalize()?;
                    if temp.as_int().is_some() {
                        return Ok(Canon::Plain(ops::floormod(temp, c_expr)?));
                    }
                    if self.try_compare_const(&temp, cval, Mode::Canonical)? == CompareResult::Lt
                        && self.can_prove_greater_equal(&temp, 0)
                    {
                        return Ok(Canon::Plain(temp));
                    }
                    sum = extra;
                    sum.base = ck(ops::floor_div_mod(sum.base, cval).map(|(_, r)| r))?;
                    return Ok(Canon::Split(self.split_mod_const(
                        Canon::Sum(sum).into_split()?,
                        cval,
                        mode,
                    )?));
                }
                DivMode::Trunc => {
                    if extra.is_zero() {
                        return Ok(Canon::Plain(PrimExpr::int(0, dtype)));
                    }
                    let (l, x) = (lhs.normalize()?, extra.normalize()?);
                    if self.can_prove_greater_equal(&l, 0) && self.can_prove_greater_equal(&x, 0) {
                        if x.as_int().is_some() {
                            return Ok(Canon::Plain(mod_impl(x, c_expr, DivMode::Trunc)?));
                        }
                        if self.try_compare_const(&x, cval, Mode::Canonical)? == CompareResult::Lt {
                            return Ok(Canon::Plain(x));
                        }
                        sum = extra;
                    }
                    let bound = self.const_int_bound(&sum.normalize()?);
                    let new_base = sum.base % cval;
                    if bound.min >= 0
                        && bound
                            .min
                            .checked_sub(sum.base)
                            .and_then(|v| v.checked_add(new_base))
                            .is_some_and(|v| v >= 0)
                    {
                        sum.base = new_base;
                        return Ok(Canon::Split(self.split_mod_const(
                            Canon::Sum(sum).into_split()?,
                            cval,
                            mode,
                        )?));
                    }
                    return Ok(Canon::Split(self.split_mod_const(
                        Canon::Sum(sum).into_split()?,
                        cval,
                        mode,
                    )?));
                }
            }
        }
        let bound = self.const_int_bound(&a.normalize()?);
        if bound.min >= 0 && bound.max < cval {
            return Ok(a);
        }
        Ok(Canon::Split(self.split_mod_const(a.into_split()?, cval, mode)?))
    }

    /// Division or modulus by a non-constant (or non-positive) divisor: cancel common product
    /// factors (TVM's `ProdDivSimplify`), otherwise rebuild the node.
    fn canon_symbolic_divmod(
        &mut self,
        e: &PrimExpr,
        a: Canon,
        b: Canon,
        kind: BinaryOp,
        mode: DivMode,
    ) -> R<Canon> {
        let (a, b) = (a.normalize()?, b.normalize()?);
        if let Some((lhs, rhs, scale)) = prod_div_simplify(&a, &b)? {
            return Ok(Canon::Plain(match kind {
                BinaryOp::Div => super::canonical_form::div_impl(lhs, rhs, mode)?,
                _ => ops::mul(mod_impl(lhs, rhs, mode)?, scale)?,
            }));
        }
        let op = match (kind, mode) {
            (BinaryOp::Div, DivMode::Trunc) => BinaryOp::Div,
            (BinaryOp::Div, DivMode::Floor) => BinaryOp::FloorDiv,
            (_, DivMode::Trunc) => BinaryOp::Mod,
            (_, DivMode::Floor) => BinaryOp::FloorMod,
        };
        if let Expr::Binary { a: oa, b: ob, .. } = e.expr()
            && oa.ptr_eq(&a)
            && ob.ptr_eq(&b)
        {
            return Ok(Canon::Plain(e.clone()));
        }
        Ok(Canon::Plain(PrimExpr::binary(op, a, b)?))
    }

    /// `lhs / cval` on a split (TVM's `SplitDivConst`).
    fn split_div_const(&mut self, lhs: SplitExpr, cval: i64, mode: DivMode) -> R<SplitExpr> {
        let mut lhs = convert_div_mode(lhs, mode)?;
        if lhs.scale % cval == 0 {
            lhs.scale /= cval;
            return Ok(lhs);
        }
        // TVM takes this branch for negative coefficients too, which yields wrong divisions
        // (`(x // 8 % 4) * -2 // 16` is not `x // -64`); only positive ones are exact here.
        if lhs.scale > 0 && cval % lhs.scale == 0 {
            let scaled = cval / lhs.scale;
            let new_lower = ck(lhs.lower.checked_mul(scaled))?;
            if lhs.upper == POS_INF || lhs.upper % new_lower == 0 {
                lhs.scale = 1;
                lhs.lower = new_lower;
                return Ok(lhs);
            } else if lhs.upper <= new_lower {
                return Ok(SplitExpr::of(PrimExpr::int(0, lhs.dtype)));
            } else {
                lhs.index = mod_impl(lhs.index.clone(), PrimExpr::int(lhs.upper, lhs.dtype), mode)?;
                lhs.upper = POS_INF;
                lhs.scale = 1;
                lhs.lower = new_lower;
                return Ok(lhs);
            }
        }
        let mut lhs = SplitExpr::of(lhs.normalize()?);
        lhs.lower = cval;
        lhs.mode = mode;
        Ok(lhs)
    }

    /// `lhs % cval` on a split (TVM's `SplitModConst`).
    fn split_mod_const(&mut self, lhs: SplitExpr, cval: i64, mode: DivMode) -> R<SplitExpr> {
        let mut lhs = convert_div_mode(lhs, mode)?;
        if lhs.scale % cval == 0 {
            lhs.scale = 0;
            return Ok(lhs);
        }
        // A negative coefficient is exact only on a plain index (`(-x) % 2` is
        // `x % -2 * -1`, as TVM prints it); TVM also takes it under a division or modulus, where
        // `((y // 8) * -1) % 3` would wrongly become `y % -24 // 8 * -1`.
        if (lhs.scale > 0 || (lhs.lower == 1 && lhs.upper == POS_INF)) && cval % lhs.scale == 0 {
            let scaled = cval / lhs.scale;
            let new_upper = ck(lhs.lower.checked_mul(scaled))?;
            if lhs.upper == POS_INF || lhs.upper % new_upper == 0 {
                if new_upper < lhs.upper && lhs.upper != POS_INF {
                    let inner =
                        mod_impl(lhs.index.clone(), PrimExpr::int(new_upper, lhs.dtype), mode)?;
                    let visited = self.canon_visit(&inner)?;
                    let updated = Canon::Plain(visited).into_split()?;
                    if lhs.lower != 1 {
                        let mut ret = self.split_div_const(updated, lhs.lower, mode)?;
                        ret.scale = ck(ret.scale.checked_mul(lhs.scale))?;
                        return Ok(ret);
                    }
                    let mut ret = updated;
                    ret.scale = ck(ret.scale.checked_mul(lhs.scale))?;
                    return Ok(ret);
                }
                lhs.upper = new_upper;
                return Ok(lhs);
            } else if new_upper % lhs.upper == 0 {
                return Ok(lhs);
            }
        }
        let mut lhs = SplitExpr::of(lhs.normalize()?);
        lhs.mode = mode;
        lhs.upper = cval;
        Ok(lhs)
    }
}

/// Re-expresses a split in `mode`, normalizing it first when its current mode matters.
fn convert_div_mode(expr: SplitExpr, mode: DivMode) -> R<SplitExpr> {
    if expr.mode == mode {
        return Ok(expr);
    }
    if expr.mode_compatible(mode) {
        return Ok(SplitExpr { mode, ..expr });
    }
    let mut split = SplitExpr::of(expr.normalize()?);
    split.mode = mode;
    Ok(split)
}

/// A product with its constant factors gathered into one trailing factor (TVM's `MulAndNormalize`).
fn mul_and_normalize(lhs: &PrimExpr, rhs: &PrimExpr) -> R<PrimExpr> {
    let mut scale = 1i64;
    let mut factors = Vec::new();
    let mut collect = |v: &PrimExpr| match v.as_int() {
        Some(c) => scale = scale.wrapping_mul(c),
        None => factors.push(v.clone()),
    };
    super::pattern::unpack_product(lhs, &mut collect);
    super::pattern::unpack_product(rhs, &mut collect);
    let mut res = PrimExpr::int(1, lhs.dtype());
    for f in factors {
        res = ops::mul(res, f)?;
    }
    if scale != 1 {
        res = ops::mul(res.clone(), PrimExpr::int(scale, res.dtype()))?;
    }
    Ok(res)
}

/// Cancels factors common to `lhs` and a symbolic `rhs` (TVM's `ProdDivSimplify`); returns the new
/// operands and the common scale.
fn prod_div_simplify(lhs: &PrimExpr, rhs: &PrimExpr) -> R<Option<(PrimExpr, PrimExpr, PrimExpr)>> {
    if rhs.as_int().is_some() {
        return Ok(None);
    }
    let dtype = rhs.dtype();
    let mut lhs_prods: Vec<Option<PrimExpr>> = Vec::new();
    let (mut lhs_scale, mut rhs_scale) = (1i64, 1i64);
    super::pattern::unpack_product(lhs, &mut |v| match v.as_int() {
        Some(c) => lhs_scale = lhs_scale.wrapping_mul(c),
        None => lhs_prods.push(Some(v.clone())),
    });
    let mut new_rhs = PrimExpr::int(1, dtype);
    let mut common = PrimExpr::int(1, dtype);
    let mut eliminated = 0;
    let mut rhs_factors = Vec::new();
    super::pattern::unpack_product(rhs, &mut |v| rhs_factors.push(v.clone()));
    for v in rhs_factors {
        if let Some(c) = v.as_int() {
            rhs_scale = rhs_scale.wrapping_mul(c);
            continue;
        }
        let hit = lhs_prods
            .iter()
            .position(|p| p.as_ref().is_some_and(|p| super::simplify::same_expr(p, &v)));
        match hit {
            Some(i) => {
                lhs_prods[i] = None;
                eliminated += 1;
                common = ops::mul(common, v)?;
            }
            None => new_rhs = ops::mul(new_rhs, v)?,
        }
    }
    let gcd = zero_aware_gcd(lhs_scale, rhs_scale);
    if gcd == 0 || (eliminated == 0 && gcd == 1) {
        return Ok(None);
    }
    lhs_scale /= gcd;
    rhs_scale /= gcd;
    let mut new_lhs = PrimExpr::int(1, lhs.dtype());
    for p in lhs_prods.into_iter().flatten() {
        new_lhs = ops::mul(new_lhs, p)?;
    }
    let new_lhs = ops::mul(new_lhs, PrimExpr::int(lhs_scale, lhs.dtype()))?;
    let new_rhs = ops::mul(new_rhs, PrimExpr::int(rhs_scale, dtype))?;
    let common = ops::mul(common, PrimExpr::int(gcd, dtype))?;
    Ok(Some((new_lhs, new_rhs, common)))
}

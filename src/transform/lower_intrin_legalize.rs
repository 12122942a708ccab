//! The `llvm.FLegalize` rules of TVM v0.23 (`src/target/llvm/intrin_rule_llvm.cc`), its
//! numerically stable `tanh` and the `default.FLegalize` rules of `rsqrt`, `sigmoid`, `isinf` and
//! `isfinite` (`src/target/intrin_rule.cc`): a math op rewritten in terms of ops
//! the LLVM backend has. `LowerIntrin` lowers the result again, so `exp`, `sqrt`, `fabs`, ... in a
//! rewrite become LLVM intrinsics and a nested `asin` is legalized in turn.
//!
//! Every rule builds its expression with TVM's operator functions (`ops::*`: type matching and
//! constant folding) where TVM uses operators, and with bare node constructors (`Select`, `Or`)
//! where TVM does, so the printed output is TVM's. Constants take the operand's dtype (a
//! broadcast for vectors, as TVM's `make_const`).
//!
//! `asin` and `acos` keep a library call for `|x| >= 0.5`: TVM's `DispatchPureExtern<FloatSuffix>`,
//! `T.call_pure_extern(dtype, "asinf" | "asin", x)` for float32 / float64. For any other dtype
//! (float16, vectors) TVM's suffix is empty, the "library call" is the op itself and TVM legalizes
//! it again without end; here those calls are left as they are (the code generator calls libm
//! lane by lane) instead.

use crate::arith::ops;
use crate::ir::{BinaryOp, CmpOp, DataType, Expr, IrError, Op, PrimExpr};

fn call(dtype: DataType, op: &str, args: Vec<PrimExpr>) -> Result<PrimExpr, IrError> {
    PrimExpr::call_op(
        dtype,
        Op::get(op).ok_or_else(|| IrError::invalid(format!("no op {op}")))?,
        args,
    )
}

/// TVM's `make_const(dtype, v)` for a float dtype: an immediate, broadcast for vectors.
fn make_const(dtype: DataType, v: f64) -> Result<PrimExpr, IrError> {
    let scalar = PrimExpr::float(v, dtype.element_of());
    if dtype.is_scalar() { Ok(scalar) } else { ops::broadcast(scalar, dtype.lanes) }
}

/// TVM's `abs` of a float: a folded immediate, otherwise a `fabs` call.
fn fabs(x: &PrimExpr) -> Result<PrimExpr, IrError> {
    match x.expr() {
        Expr::FloatImm(v) => Ok(PrimExpr::float(v.abs(), x.dtype())),
        _ => call(x.dtype(), "fabs", vec![x.clone()]),
    }
}

/// TVM's `FloatSuffix`: the libm name of `name` for `dtype`, when there is one.
fn libm_name(dtype: DataType, name: &str) -> Option<String> {
    if dtype == DataType::float32() {
        Some(format!("{name}f"))
    } else if dtype == DataType::float(64) {
        Some(name.to_string())
    } else {
        None
    }
}

/// `x` rewritten by the rule of `op`, or `None` when `op` has no rule for `x`'s dtype here.
// TVM's `exp10` rule multiplies by the literal 2.302585093, not by `LN_10`; the output keeps it.
#[allow(clippy::approx_constant)]
pub fn legalize(op: &str, x: &PrimExpr, dtype: DataType) -> Result<Option<PrimExpr>, IrError> {
    let xt = x.dtype();
    let c = |v: f64| make_const(xt, v);
    let f = |name: &str, arg: PrimExpr| call(xt, name, vec![arg]);
    let div = |a: PrimExpr, b: PrimExpr| ops::binary(BinaryOp::Div, a, b);
    if let Some(r) = default_legalize(op, x)? {
        return Ok(Some(r));
    }
    if !xt.is_floating() {
        if op == "clz" && xt.is_integer() {
            // TVM passes `is_zero_undef` as an `int1` immediate; LLVM sees the same `i1` for the
            // bool used here, which (unlike `int1`) has a TVMScript spelling.
            let args = vec![PrimExpr::string("llvm.ctlz"), x.clone(), PrimExpr::bool(true)];
            let clz = call(xt, "call_llvm_intrin", args)?;
            return Ok(Some(ops::cast(dtype, clz)?));
        }
        return Ok(None);
    }
    let r = match op {
        "tanh" => {
            let exp_neg2x = f("exp", ops::mul(c(-2.0)?, x.clone())?)?;
            let exp_pos2x = f("exp", ops::mul(c(2.0)?, x.clone())?)?;
            let pos = div(ops::sub(c(1.0)?, exp_neg2x.clone())?, ops::add(c(1.0)?, exp_neg2x)?)?;
            let neg = div(ops::sub(exp_pos2x.clone(), c(1.0)?)?, ops::add(exp_pos2x, c(1.0)?)?)?;
            PrimExpr::select(ops::compare(CmpOp::Ge, x.clone(), c(0.0)?)?, pos, neg)?
        }
        "exp10" => f("exp", ops::mul(x.clone(), c(2.302585093)?)?)?,
        "tan" => div(f("sin", x.clone())?, f("cos", x.clone())?)?,
        "cosh" | "sinh" => {
            let exp_negx = f("exp", ops::mul(c(-1.0)?, x.clone())?)?;
            let exp_posx = f("exp", x.clone())?;
            let op = if op == "cosh" { BinaryOp::Add } else { BinaryOp::Sub };
            div(ops::binary(op, exp_posx, exp_negx)?, c(2.0)?)?
        }
        "asinh" | "acosh" => {
            let square = ops::mul(x.clone(), x.clone())?;
            let op = if op == "asinh" { BinaryOp::Add } else { BinaryOp::Sub };
            let root = f("sqrt", ops::binary(op, square, c(1.0)?)?)?;
            f("log", ops::add(x.clone(), root)?)?
        }
        "atanh" => {
            let plus = f("log", ops::add(c(1.0)?, x.clone())?)?;
            let minus = f("log", ops::sub(c(1.0)?, x.clone())?)?;
            ops::mul(ops::sub(plus, minus)?, c(0.5)?)?
        }
        "asin" => match libm_name(dtype, "asin") {
            Some(name) => {
                let series = asin_series(x)?;
                let lib = call(dtype, "call_pure_extern", vec![PrimExpr::string(name), x.clone()])?;
                domain_checked(x, lib, series)?
            }
            None => return Ok(None),
        },
        "acos" => match libm_name(dtype, "acos") {
            Some(name) => {
                let half_pi = c(std::f64::consts::FRAC_PI_2)?;
                let formula = ops::sub(half_pi, f("asin", x.clone())?)?;
                let lib = call(dtype, "call_pure_extern", vec![PrimExpr::string(name), x.clone()])?;
                domain_checked(x, lib, formula)?
            }
            None => return Ok(None),
        },
        "atan" => {
            let denom = f("sqrt", ops::add(ops::mul(x.clone(), x.clone())?, c(1.0)?)?)?;
            f("asin", div(x.clone(), denom)?)?
        }
        "erf" => erf(x)?,
        _ => return Ok(None),
    };
    Ok(Some(r))
}

/// The odd Taylor series of `asin` up to `x^11`, each term built from the previous one.
fn asin_series(x: &PrimExpr) -> Result<PrimExpr, IrError> {
    let c = |v: f64| make_const(x.dtype(), v);
    let x2 = ops::mul(x.clone(), x.clone())?;
    // Each term is `previous * x2 * numerator / denominator`; the first has no numerator.
    let mut term = x.clone();
    let mut series = x.clone();
    for (numerator, denominator) in [
        (None, 6.0),
        (Some(9.0), 40.0),
        (Some(25.0), 112.0),
        (Some(1225.0), 3456.0),
        (Some(3969.0), 28160.0),
    ] {
        let mut next = ops::mul(term, x2.clone())?;
        if let Some(n) = numerator {
            next = ops::mul(next, c(n)?)?;
        }
        term = ops::binary(BinaryOp::Div, next, c(denominator)?)?;
        series = ops::add(series, term.clone())?;
    }
    Ok(series)
}

/// `Select(x < -1 || x > 1, NaN, Select(|x| >= 0.5, lib, near_zero))`, the frame TVM's `asin` and
/// `acos` rules share.
fn domain_checked(x: &PrimExpr, lib: PrimExpr, near_zero: PrimExpr) -> Result<PrimExpr, IrError> {
    let c = |v: f64| make_const(x.dtype(), v);
    let use_lib = ops::compare(CmpOp::Ge, fabs(x)?, c(0.5)?)?;
    let below = ops::compare(CmpOp::Lt, x.clone(), c(-1.0)?)?;
    let above = ops::compare(CmpOp::Gt, x.clone(), c(1.0)?)?;
    let out_of_range = PrimExpr::or(below, above)?;
    let inner = PrimExpr::select(use_lib, lib, near_zero)?;
    PrimExpr::select(out_of_range, c(f64::NAN)?, inner)
}

/// Abramowitz and Stegun 7.1.26: `1 - poly(t) * exp(-x^2)` with `t = 1 / (1 + p|x|)`, odd in `x`.
fn erf(x: &PrimExpr) -> Result<PrimExpr, IrError> {
    let c = |v: f64| make_const(x.dtype(), v);
    let abs_x = fabs(x)?;
    let scaled = ops::mul(c(0.3275911)?, abs_x.clone())?;
    let t = ops::binary(BinaryOp::Div, c(1.0)?, ops::add(c(1.0)?, scaled)?)?;
    let mut poly = ops::mul(c(1.061405429)?, t.clone())?;
    for coefficient in [-1.453152027, 1.421413741, -0.284496736, 0.254829592] {
        poly = ops::mul(ops::add(poly, c(coefficient)?)?, t.clone())?;
    }
    let neg_square = ops::mul(ops::neg(abs_x.clone())?, abs_x)?;
    let gaussian = call(x.dtype(), "exp", vec![neg_square])?;
    let approx = ops::sub(c(1.0)?, ops::mul(poly, gaussian)?)?;
    let negative = ops::compare(CmpOp::Lt, x.clone(), c(0.0)?)?;
    PrimExpr::select(negative, ops::neg(approx.clone())?, approx)
}

/// TVM's `default.FLegalize` rules (`src/target/intrin_rule.cc`), which apply to ops without an
/// LLVM rule: `rsqrt` is `1 / sqrt(x)`, `sigmoid` is `1 / (1 + exp(-x))`, and `isinf` / `isfinite`
/// are TVM's `isinf` / `isfinite` expressions (`|x| == inf && !isnan(x)`).
fn default_legalize(op: &str, x: &PrimExpr) -> Result<Option<PrimExpr>, IrError> {
    let xt = x.dtype();
    let r = match op {
        "rsqrt" if xt.is_floating() => {
            let root = call(xt, "sqrt", vec![x.clone()])?;
            ops::binary(BinaryOp::Div, make_const(xt, 1.0)?, root)?
        }
        "sigmoid" if xt.is_floating() => {
            let one = make_const(xt, 1.0)?;
            let exp = call(xt, "exp", vec![ops::neg(x.clone())?])?;
            ops::binary(BinaryOp::Div, one.clone(), ops::add(one, exp)?)?
        }
        "isinf" => is_inf(x)?,
        "isfinite" => {
            let not_inf = logical_not(is_inf(x)?)?;
            ops::logical_and(not_inf, logical_not(is_nan(x)?)?)?
        }
        _ => return Ok(None),
    };
    Ok(Some(r))
}

/// A bool constant with `like`'s lanes.
fn bool_const(value: bool, like: DataType) -> Result<PrimExpr, IrError> {
    let scalar = PrimExpr::bool(value);
    if like.is_scalar() { Ok(scalar) } else { ops::broadcast(scalar, like.lanes) }
}

/// TVM's `!a`: a folded bool immediate, otherwise a `Not` node.
fn logical_not(a: PrimExpr) -> Result<PrimExpr, IrError> {
    match (a.expr(), a.as_int()) {
        (Expr::IntImm(_), Some(v)) => Ok(PrimExpr::bool(v == 0)),
        _ => PrimExpr::not(a),
    }
}

/// TVM's `isnan(x)`: false for integers, folded for an immediate, a call (on a float32 cast for
/// 16-bit floats) otherwise.
fn is_nan(x: &PrimExpr) -> Result<PrimExpr, IrError> {
    let xt = x.dtype();
    if !xt.is_floating() {
        return bool_const(false, xt);
    }
    if let Expr::FloatImm(v) = x.expr() {
        return Ok(PrimExpr::bool(v.is_nan()));
    }
    let result = DataType::bool().with_lanes(xt.fixed_lanes().unwrap_or(1));
    let arg = if xt.bits == 16 {
        ops::cast(DataType::float32().with_lanes(xt.fixed_lanes().unwrap_or(1)), x.clone())?
    } else {
        x.clone()
    };
    call(result, "isnan", vec![arg])
}

/// TVM's `isinf(x)`: false for integers, `|x| == inf && !isnan(x)` for floats.
fn is_inf(x: &PrimExpr) -> Result<PrimExpr, IrError> {
    let xt = x.dtype();
    if !xt.is_floating() {
        return bool_const(false, xt);
    }
    let equal = ops::compare(CmpOp::Eq, fabs(x)?, make_const(xt, f64::INFINITY)?)?;
    ops::logical_and(equal, logical_not(is_nan(x)?)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Var;
    use crate::print::{PrintOptions, print_expr};

    fn printed(e: &PrimExpr) -> String {
        print_expr(e, &PrintOptions::default())
    }

    /// `isinf` and `isfinite` calls (the parser evaluates `T.isinf` to this form already, so only
    /// IR built as a call reaches the pass) become TVM's expressions; integers are never infinite.
    #[test]
    fn isinf_and_isfinite_become_comparisons() {
        let x = PrimExpr::var(&Var::new("x", DataType::float32()));
        let isinf = legalize("isinf", &x, DataType::bool()).unwrap().expect("a rule");
        assert_eq!(printed(&isinf), "T.fabs(x) == T.float32(\"inf\") and not T.isnan(x)");
        let isfinite = legalize("isfinite", &x, DataType::bool()).unwrap().expect("a rule");
        assert_eq!(
            printed(&isfinite),
            "not (T.fabs(x) == T.float32(\"inf\") and not T.isnan(x)) and not T.isnan(x)"
        );
        let n = PrimExpr::var(&Var::new("n", DataType::int32()));
        let int_inf = legalize("isinf", &n, DataType::bool()).unwrap().expect("a rule");
        assert_eq!(int_inf.as_int(), Some(0));
    }
}

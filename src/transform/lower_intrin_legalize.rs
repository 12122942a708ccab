//! The `llvm.FLegalize` rules of TVM v0.23 (`src/target/llvm/intrin_rule_llvm.cc`) and its
//! numerically stable `tanh` (`src/target/intrin_rule.cc`): a math op rewritten in terms of ops
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

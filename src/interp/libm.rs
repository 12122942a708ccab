//! Calls to C math library functions by name: `T.call_pure_extern("float32", "asinf", x)` and
//! `T.call_extern(...)` with a libm name, as `LowerIntrin`'s extern fallbacks emit them (TVM's
//! `DispatchPureExtern<FloatSuffix>`: the op name with an `f` suffix for float32, bare for float64)
//! and as hand-written TVMScript calls them.
//!
//! Invariant: every function here is computed by calling the host's C library itself, with the
//! argument converted to the function's C type, so the interpreter and compiled code (which links
//! the same functions) agree bit for bit. The `f`-suffixed names take and return `float`, the bare
//! names `double`; a name applies only to a call whose result dtype is that C type, and any other
//! name or dtype is not a libm call (the caller reports it as unsupported).

use crate::interp::element::Scalar;
use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::machine::Machine;
use crate::interp::value::Value;
use crate::ir::{DataType, Expr, PrimExpr};

impl<'m> Machine<'m> {
    /// `call_pure_extern` / `call_extern` with result dtype `dtype`: a libm function lane by lane;
    /// any other extern function has no meaning here and is `Unsupported`, naming it.
    pub(crate) fn call_extern(
        &mut self,
        op: &str,
        dtype: DataType,
        args: &'m [PrimExpr],
    ) -> Result<Value, InterpError> {
        let name = match args.first().map(PrimExpr::expr) {
            Some(Expr::StringImm(s)) => s.as_str(),
            _ => {
                return Err(self.fail(InterpErrorKind::IllFormed(format!(
                    "T.{op} needs the function name as its first argument"
                ))));
            }
        };
        let element = dtype.element_of();
        let rest = &args[1..];
        if !is_libm_call(name, element, rest.len()) {
            return Err(self.fail(InterpErrorKind::Unsupported(format!(
                "extern function `{name}` ({element} with {} arguments) cannot be interpreted: \
                 only C math library functions are known",
                rest.len()
            ))));
        }
        let mut lane_args = Vec::with_capacity(rest.len());
        self.lanewise(rest, name, |lanes| {
            lane_args.clear();
            lane_args.extend(lanes.iter().map(|s| s.as_f64()));
            Scalar::Float(call(name, element, &lane_args).unwrap_or(f64::NAN))
        })
    }
}

/// The C library's math functions. They are pure functions of their arguments: any `float` or
/// `double` (including NaN and infinities) is a valid input, and they touch no memory of ours
/// (`errno` aside, which nothing here reads), so they are declared safe to call.
mod c {
    #[link(name = "m")]
    unsafe extern "C" {
        pub safe fn expf(x: f32) -> f32;
        pub safe fn exp(x: f64) -> f64;
        pub safe fn exp2f(x: f32) -> f32;
        pub safe fn exp2(x: f64) -> f64;
        pub safe fn expm1f(x: f32) -> f32;
        pub safe fn expm1(x: f64) -> f64;
        pub safe fn logf(x: f32) -> f32;
        pub safe fn log(x: f64) -> f64;
        pub safe fn log2f(x: f32) -> f32;
        pub safe fn log2(x: f64) -> f64;
        pub safe fn log10f(x: f32) -> f32;
        pub safe fn log10(x: f64) -> f64;
        pub safe fn log1pf(x: f32) -> f32;
        pub safe fn log1p(x: f64) -> f64;
        pub safe fn sqrtf(x: f32) -> f32;
        pub safe fn sqrt(x: f64) -> f64;
        pub safe fn cbrtf(x: f32) -> f32;
        pub safe fn cbrt(x: f64) -> f64;
        pub safe fn sinf(x: f32) -> f32;
        pub safe fn sin(x: f64) -> f64;
        pub safe fn cosf(x: f32) -> f32;
        pub safe fn cos(x: f64) -> f64;
        pub safe fn tanf(x: f32) -> f32;
        pub safe fn tan(x: f64) -> f64;
        pub safe fn sinhf(x: f32) -> f32;
        pub safe fn sinh(x: f64) -> f64;
        pub safe fn coshf(x: f32) -> f32;
        pub safe fn cosh(x: f64) -> f64;
        pub safe fn tanhf(x: f32) -> f32;
        pub safe fn tanh(x: f64) -> f64;
        pub safe fn asinf(x: f32) -> f32;
        pub safe fn asin(x: f64) -> f64;
        pub safe fn acosf(x: f32) -> f32;
        pub safe fn acos(x: f64) -> f64;
        pub safe fn atanf(x: f32) -> f32;
        pub safe fn atan(x: f64) -> f64;
        pub safe fn asinhf(x: f32) -> f32;
        pub safe fn asinh(x: f64) -> f64;
        pub safe fn acoshf(x: f32) -> f32;
        pub safe fn acosh(x: f64) -> f64;
        pub safe fn atanhf(x: f32) -> f32;
        pub safe fn atanh(x: f64) -> f64;
        pub safe fn erff(x: f32) -> f32;
        pub safe fn erf(x: f64) -> f64;
        pub safe fn erfcf(x: f32) -> f32;
        pub safe fn erfc(x: f64) -> f64;
        pub safe fn fabsf(x: f32) -> f32;
        pub safe fn fabs(x: f64) -> f64;
        pub safe fn floorf(x: f32) -> f32;
        pub safe fn floor(x: f64) -> f64;
        pub safe fn ceilf(x: f32) -> f32;
        pub safe fn ceil(x: f64) -> f64;
        pub safe fn truncf(x: f32) -> f32;
        pub safe fn trunc(x: f64) -> f64;
        pub safe fn roundf(x: f32) -> f32;
        pub safe fn round(x: f64) -> f64;
        pub safe fn nearbyintf(x: f32) -> f32;
        pub safe fn nearbyint(x: f64) -> f64;
        pub safe fn rintf(x: f32) -> f32;
        pub safe fn rint(x: f64) -> f64;
        pub safe fn powf(x: f32, y: f32) -> f32;
        pub safe fn pow(x: f64, y: f64) -> f64;
        pub safe fn atan2f(y: f32, x: f32) -> f32;
        pub safe fn atan2(y: f64, x: f64) -> f64;
        pub safe fn fmodf(x: f32, y: f32) -> f32;
        pub safe fn fmod(x: f64, y: f64) -> f64;
        pub safe fn hypotf(x: f32, y: f32) -> f32;
        pub safe fn hypot(x: f64, y: f64) -> f64;
        pub safe fn copysignf(x: f32, y: f32) -> f32;
        pub safe fn copysign(x: f64, y: f64) -> f64;
        pub safe fn nextafterf(x: f32, y: f32) -> f32;
        pub safe fn nextafter(x: f64, y: f64) -> f64;
        pub safe fn fminf(x: f32, y: f32) -> f32;
        pub safe fn fmin(x: f64, y: f64) -> f64;
        pub safe fn fmaxf(x: f32, y: f32) -> f32;
        pub safe fn fmax(x: f64, y: f64) -> f64;
        pub safe fn ldexpf(x: f32, e: i32) -> f32;
        pub safe fn ldexp(x: f64, e: i32) -> f64;
    }
}

/// A libm function of one or two arguments, in `float` and `double` forms.
enum Function {
    Unary(extern "C" fn(f32) -> f32, extern "C" fn(f64) -> f64),
    Binary(extern "C" fn(f32, f32) -> f32, extern "C" fn(f64, f64) -> f64),
    /// `ldexp(x, e)`: the exponent is a C `int`.
    Ldexp,
}

/// The function a bare (double) libm name denotes.
fn function(base: &str) -> Option<Function> {
    use Function::{Binary, Unary};
    Some(match base {
        "exp" => Unary(c::expf, c::exp),
        "exp2" => Unary(c::exp2f, c::exp2),
        "expm1" => Unary(c::expm1f, c::expm1),
        "log" => Unary(c::logf, c::log),
        "log2" => Unary(c::log2f, c::log2),
        "log10" => Unary(c::log10f, c::log10),
        "log1p" => Unary(c::log1pf, c::log1p),
        "sqrt" => Unary(c::sqrtf, c::sqrt),
        "cbrt" => Unary(c::cbrtf, c::cbrt),
        "sin" => Unary(c::sinf, c::sin),
        "cos" => Unary(c::cosf, c::cos),
        "tan" => Unary(c::tanf, c::tan),
        "sinh" => Unary(c::sinhf, c::sinh),
        "cosh" => Unary(c::coshf, c::cosh),
        "tanh" => Unary(c::tanhf, c::tanh),
        "asin" => Unary(c::asinf, c::asin),
        "acos" => Unary(c::acosf, c::acos),
        "atan" => Unary(c::atanf, c::atan),
        "asinh" => Unary(c::asinhf, c::asinh),
        "acosh" => Unary(c::acoshf, c::acosh),
        "atanh" => Unary(c::atanhf, c::atanh),
        "erf" => Unary(c::erff, c::erf),
        "erfc" => Unary(c::erfcf, c::erfc),
        "fabs" => Unary(c::fabsf, c::fabs),
        "floor" => Unary(c::floorf, c::floor),
        "ceil" => Unary(c::ceilf, c::ceil),
        "trunc" => Unary(c::truncf, c::trunc),
        "round" => Unary(c::roundf, c::round),
        "nearbyint" => Unary(c::nearbyintf, c::nearbyint),
        "rint" => Unary(c::rintf, c::rint),
        "pow" => Binary(c::powf, c::pow),
        "atan2" => Binary(c::atan2f, c::atan2),
        "fmod" => Binary(c::fmodf, c::fmod),
        "hypot" => Binary(c::hypotf, c::hypot),
        "copysign" => Binary(c::copysignf, c::copysign),
        "nextafter" => Binary(c::nextafterf, c::nextafter),
        "fmin" => Binary(c::fminf, c::fmin),
        "fmax" => Binary(c::fmaxf, c::fmax),
        "ldexp" => Function::Ldexp,
        _ => return None,
    })
}

/// Whether `name` is a libm function returning `dtype` (a float32 or float64 scalar element)
/// that takes `arity` arguments.
pub(crate) fn is_libm_call(name: &str, dtype: DataType, arity: usize) -> bool {
    resolve(name, dtype).is_some_and(|(f, _)| match f {
        Function::Unary(..) => arity == 1,
        Function::Binary(..) | Function::Ldexp => arity == 2,
    })
}

/// The function and whether it is the `float` form, for a name and result dtype.
fn resolve(name: &str, dtype: DataType) -> Option<(Function, bool)> {
    if dtype == DataType::float32() {
        // A float name is the double name with an `f` suffix (`expf`); `erf` itself ends in `f`,
        // so the bare lookup is tried on the stripped name only.
        let base = name.strip_suffix('f')?;
        function(base).map(|f| (f, true))
    } else if dtype == DataType::float(64) {
        function(name).map(|f| (f, false))
    } else {
        None
    }
}

/// Calls the libm function `name` (whose result dtype is `dtype`) on `args`, or `None` when
/// `is_libm_call` does not hold. The result is exact in `dtype`.
pub(crate) fn call(name: &str, dtype: DataType, args: &[f64]) -> Option<f64> {
    let (f, single) = resolve(name, dtype)?;
    // The casts are C's argument conversions: double to float rounds to nearest, and an exponent
    // converts to int saturating (C leaves out-of-range conversions undefined; a huge exponent
    // gives the same infinity or zero either way).
    Some(match (f, args, single) {
        (Function::Unary(f32_form, _), [x], true) => f64::from(f32_form(*x as f32)),
        (Function::Unary(_, f64_form), [x], false) => f64_form(*x),
        (Function::Binary(f32_form, _), [x, y], true) => f64::from(f32_form(*x as f32, *y as f32)),
        (Function::Binary(_, f64_form), [x, y], false) => f64_form(*x, *y),
        (Function::Ldexp, [x, e], true) => f64::from(c::ldexpf(*x as f32, *e as i32)),
        (Function::Ldexp, [x, e], false) => c::ldexp(*x, *e as i32),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_names_call_the_float_functions() {
        let f32_ = DataType::float32();
        assert_eq!(call("asinf", f32_, &[0.5]), Some(f64::from(0.5f32.asin())));
        assert_eq!(call("sqrtf", f32_, &[2.0]), Some(f64::from(2f32.sqrt())));
        assert_eq!(call("powf", f32_, &[2.0, 10.0]), Some(1024.0));
        assert_eq!(call("ldexpf", f32_, &[3.0, 4.0]), Some(48.0));
        // The argument is rounded to float first, as a C call with a float parameter does.
        assert_eq!(call("fabsf", f32_, &[-0.1]), Some(f64::from(0.1f32)));
        assert!(call("acosf", f32_, &[2.0]).is_some_and(f64::is_nan));
    }

    #[test]
    fn double_names_call_the_double_functions() {
        let f64_ = DataType::float(64);
        assert_eq!(call("acos", f64_, &[-1.0]), Some(std::f64::consts::PI));
        assert_eq!(call("atan2", f64_, &[1.0, 1.0]), Some(std::f64::consts::FRAC_PI_4));
        assert_eq!(call("erf", f64_, &[0.0]), Some(0.0));
        assert_eq!(call("fmod", f64_, &[7.5, 2.0]), Some(1.5));
    }

    #[test]
    fn names_must_match_the_dtype_and_arity() {
        assert!(is_libm_call("expf", DataType::float32(), 1));
        assert!(is_libm_call("erff", DataType::float32(), 1));
        assert!(!is_libm_call("erf", DataType::float32(), 1), "erf is the double form");
        assert!(!is_libm_call("expf", DataType::float(64), 1));
        assert!(!is_libm_call("exp", DataType::float(16), 1));
        assert!(!is_libm_call("powf", DataType::float32(), 1));
        assert!(!is_libm_call("my_func", DataType::float32(), 1));
        assert!(!is_libm_call("exp", DataType::int(32), 1));
        assert_eq!(call("printf", DataType::float(64), &[1.0]), None);
    }
}

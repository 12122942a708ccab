//! Calls to builtin operators: math intrinsics, bit operations, `if_then_else`, `reinterpret`, ...
//!
//! Math follows what TVM v0.23's LLVM target computes (`src/target/llvm/intrin_rule_llvm.cc` and
//! `src/target/intrin_rule.cc`): `exp`, `log`, `sqrt`, `sin`, `cos`, `pow`, `floor`, `ceil`,
//! `trunc`, `fabs` are the libm functions; `round` rounds half away from zero (`llvm.round`) and
//! `nearbyint` half to even; `tanh`, `sigmoid`, `erf`, `tan`, `sinh`, `cosh`, `exp10`, `asin`,
//! `acos`, `atan`, `asinh`, `acosh`, `atanh` and `rsqrt` use TVM's legalisation formulas, rounded
//! to the dtype after every step (where those call `asinf`/`acosf` or `asin`/`acos` as extern
//! functions, for |x| >= 0.5, the C library is called as compiled code does). `call_pure_extern`
//! and `call_extern` of C math library functions call the host's libm (see `libm`). Ops with no
//! CPU meaning here (other extern functions, packed calls, thread and memory intrinsics) are
//! `Unsupported` errors naming the op.

use crate::interp::element::{Scalar, canonical, round_float};
use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::machine::{Jump, Machine};
use crate::interp::ops;
use crate::interp::value::Value;
use crate::ir::{DataType, Op, PrimExpr};

/// Float arithmetic rounded to one dtype after every step.
#[derive(Clone, Copy)]
struct Rounded(DataType);

impl Rounded {
    fn r(self, v: f64) -> f64 {
        round_float(v, self.0)
    }
    fn exp(self, x: f64) -> f64 {
        self.r(x.exp())
    }
    fn tanh(self, x: f64) -> f64 {
        let e_neg = self.exp(self.r(-2.0 * x));
        let e_pos = self.exp(self.r(2.0 * x));
        if x >= 0.0 {
            self.r(self.r(1.0 - e_neg) / self.r(1.0 + e_neg))
        } else {
            self.r(self.r(e_pos - 1.0) / self.r(e_pos + 1.0))
        }
    }
    fn sigmoid(self, x: f64) -> f64 {
        self.r(1.0 / self.r(1.0 + self.exp(-x)))
    }
    fn erf(self, x: f64) -> f64 {
        let c = |v: f64| self.r(v);
        let ax = x.abs();
        let t = c(1.0 / c(1.0 + c(c(0.3275911) * ax)));
        let (a1, a2, a3, a4, a5) =
            (c(0.254829592), c(-0.284496736), c(1.421413741), c(-1.453152027), c(1.061405429));
        let mut poly = c(c(a5 * t) + a4);
        poly = c(c(poly * t) + a3);
        poly = c(c(poly * t) + a2);
        poly = c(c(poly * t) + a1);
        poly = c(poly * t);
        let approx = c(1.0 - c(poly * self.exp(c(-ax * ax))));
        if x < 0.0 { -approx } else { approx }
    }
    fn asin(self, x: f64) -> f64 {
        let c = |v: f64| self.r(v);
        if !(-1.0..=1.0).contains(&x) {
            return f64::NAN;
        }
        if x.abs() >= 0.5 {
            return self.libm_or("asin", x, f64::asin);
        }
        let x2 = c(x * x);
        let t1 = x;
        let t3 = c(c(t1 * x2) / 6.0);
        let t5 = c(c(c(t3 * x2) * 9.0) / 40.0);
        let t7 = c(c(c(t5 * x2) * 25.0) / 112.0);
        let t9 = c(c(c(t7 * x2) * 1225.0) / 3456.0);
        let t11 = c(c(c(t9 * x2) * 3969.0) / 28160.0);
        c(c(c(c(c(t1 + t3) + t5) + t7) + t9) + t11)
    }
    /// The C library's `name` (its `float` form for float32) where TVM's legalisation calls it
    /// as an extern function, else `fallback` rounded to the dtype.
    fn libm_or(self, name: &str, x: f64, fallback: fn(f64) -> f64) -> f64 {
        let c_name = if self.0 == DataType::float32() { format!("{name}f") } else { name.into() };
        crate::interp::libm::call(&c_name, self.0, &[x]).unwrap_or_else(|| self.r(fallback(x)))
    }
    fn unary(self, name: &str, x: f64) -> Option<f64> {
        let c = |v: f64| self.r(v);
        let value = match name {
            "exp" => x.exp(),
            "exp2" => x.exp2(),
            // TVM's legalisation multiplies by this truncated ln(10), not the exact constant.
            #[allow(clippy::approx_constant)]
            "exp10" => self.exp(c(x * c(2.302585093))),
            "log" => x.ln(),
            "log2" => x.log2(),
            "log10" => x.log10(),
            "log1p" => x.ln_1p(),
            "sqrt" => x.sqrt(),
            "rsqrt" => 1.0 / c(x.sqrt()),
            "sin" => x.sin(),
            "cos" => x.cos(),
            "tan" => c(x.sin()) / c(x.cos()),
            "sinh" => c(self.exp(x) - self.exp(c(-x))) / 2.0,
            "cosh" => c(self.exp(x) + self.exp(c(-x))) / 2.0,
            "tanh" => self.tanh(x),
            "sigmoid" => self.sigmoid(x),
            "erf" => self.erf(x),
            "asin" => self.asin(x),
            "acos" => {
                if !(-1.0..=1.0).contains(&x) {
                    f64::NAN
                } else if x.abs() >= 0.5 {
                    self.libm_or("acos", x, f64::acos)
                } else {
                    c(std::f64::consts::FRAC_PI_2) - self.asin(x)
                }
            }
            "atan" => self.asin(c(x / c(c(c(x * x) + 1.0).sqrt()))),
            "asinh" => c(x + c(c(c(x * x) + 1.0).sqrt())).ln(),
            "acosh" => c(x + c(c(c(x * x) - 1.0).sqrt())).ln(),
            "atanh" => c(c(c(1.0 + x).ln()) - c(c(1.0 - x).ln())) * 0.5,
            "fabs" => x.abs(),
            "floor" => x.floor(),
            "ceil" => x.ceil(),
            "trunc" => x.trunc(),
            "round" => x.round(),
            "nearbyint" => x.round_ties_even(),
            _ => return None,
        };
        Some(c(value))
    }
    fn binary(self, name: &str, x: f64, y: f64) -> Option<f64> {
        Some(self.r(match name {
            "pow" => x.powf(y),
            "atan2" => x.atan2(y),
            "copysign" => x.copysign(y),
            "hypot" => x.hypot(y),
            "fmod" => x % y,
            "ldexp" => x * 2f64.powi(y as i32),
            "nextafter" => next_after(x, y, self.0),
            _ => return None,
        }))
    }
}

/// The next representable value of `dtype` after `x` toward `y`.
fn next_after(x: f64, y: f64, dtype: DataType) -> f64 {
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == y {
        return y;
    }
    if dtype == DataType::float32() {
        let xf = x as f32;
        let bits = xf.to_bits();
        let next = if xf == 0.0 {
            f32::from_bits(1).copysign(if y > x { 1.0 } else { -1.0 })
        } else if (y > x) == (xf > 0.0) {
            f32::from_bits(bits + 1)
        } else {
            f32::from_bits(bits - 1)
        };
        return f64::from(next);
    }
    if x == 0.0 {
        return f64::from_bits(1).copysign(if y > x { 1.0 } else { -1.0 });
    }
    let bits = x.to_bits();
    if (y > x) == (x > 0.0) { f64::from_bits(bits + 1) } else { f64::from_bits(bits - 1) }
}

impl<'m> Machine<'m> {
    fn args_values(&mut self, args: &'m [PrimExpr]) -> Result<Vec<Value>, InterpError> {
        args.iter().map(|a| self.eval(a)).collect()
    }

    fn arity(&self, op: Op, args: &[PrimExpr], n: usize) -> Result<(), InterpError> {
        if args.len() == n {
            Ok(())
        } else {
            Err(self.fail(InterpErrorKind::IllFormed(format!(
                "{} takes {n} arguments, got {}",
                op.name(),
                args.len()
            ))))
        }
    }

    /// Evaluates a call to the builtin `op` with result dtype `dtype`.
    pub(crate) fn call_op(
        &mut self,
        op: Op,
        dtype: DataType,
        args: &'m [PrimExpr],
    ) -> Result<Value, InterpError> {
        let name = op.name();
        let element = dtype.element_of();
        match name {
            "likely" | "tvm_thread_invariant" => {
                self.arity(op, args, 1)?;
                self.eval(&args[0])
            }
            "if_then_else" => {
                self.arity(op, args, 3)?;
                let condition = self.eval(&args[0])?;
                match condition {
                    Value::Scalar(c) => self.eval(if c.is_true() { &args[1] } else { &args[2] }),
                    vector => {
                        let (t, f) = (self.eval(&args[1])?, self.eval(&args[2])?);
                        self.select(&vector, t, f)
                    }
                }
            }
            "reinterpret" => {
                self.arity(op, args, 1)?;
                let from = args[0].dtype();
                let value = self.eval(&args[0])?;
                self.reinterpret(from, dtype, &value)
            }
            "large_uint_imm" => {
                self.arity(op, args, 2)?;
                let low = self.eval_int(&args[0])? as u64 & 0xffff_ffff;
                let high = self.eval_int(&args[1])? as u64 & 0xffff_ffff;
                Ok(Value::Scalar(canonical(Scalar::Int((high << 32 | low) as i64), element)))
            }
            "bitwise_and" | "bitwise_or" | "bitwise_xor" | "shift_left" | "shift_right" => {
                self.arity(op, args, 2)?;
                let values = self.args_values(args)?;
                let operand = args[0].dtype().element_of();
                let n = values[0].lane_count().max(values[1].lane_count());
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let (a, b) = match (values[0].lane(i), values[1].lane(i)) {
                        (Some(a), Some(b)) => (a.as_i64(), b.as_i64()),
                        _ => {
                            return Err(self.fail(InterpErrorKind::IllFormed(format!(
                                "{name} of non-numeric values"
                            ))));
                        }
                    };
                    out.push(Scalar::Int(
                        ops::bitwise(name, operand, a, b).map_err(|k| self.fail(k))?,
                    ));
                }
                Ok(Value::from_lanes(out))
            }
            "bitwise_not" | "popcount" | "clz" => {
                self.arity(op, args, 1)?;
                let operand = args[0].dtype().element_of();
                if !operand.is_integer() && !operand.is_bool() {
                    return Err(
                        self.fail(InterpErrorKind::IllFormed(format!("{name} of {operand}")))
                    );
                }
                let value = self.eval(&args[0])?;
                self.map_lanes(&value, |s| {
                    let v = s.as_i64();
                    let bits = ops::width_bits(operand, v);
                    let r = match name {
                        "bitwise_not" => !v,
                        "popcount" => i64::from(bits.count_ones()),
                        _ => i64::from(bits.leading_zeros()) - (64 - i64::from(operand.bits)),
                    };
                    Ok(canonical(Scalar::Int(r), element))
                })
            }
            "isnan" => {
                self.arity(op, args, 1)?;
                let value = self.eval(&args[0])?;
                self.map_lanes(&value, |s| {
                    Ok(Scalar::Int(i64::from(matches!(s, Scalar::Float(x) if x.is_nan()))))
                })
            }
            "fma" => {
                self.arity(op, args, 3)?;
                let v = self.args_values(args)?;
                let n = v.iter().map(Value::lane_count).max().unwrap_or(1);
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    match (v[0].lane(i), v[1].lane(i), v[2].lane(i)) {
                        (Some(a), Some(b), Some(c)) => {
                            let r = a.as_f64().mul_add(b.as_f64(), c.as_f64());
                            out.push(Scalar::Float(round_float(r, element)));
                        }
                        _ => {
                            return Err(self.fail(InterpErrorKind::IllFormed(
                                "fma of non-numeric values".into(),
                            )));
                        }
                    }
                }
                Ok(Value::from_lanes(out))
            }
            "assume" | "start_profile_intrinsic" | "end_profile_intrinsic" => Ok(Value::int(0)),
            // `undef` may be any value; zero is one of them, and it keeps runs deterministic.
            "undef" => {
                let zero = canonical(Scalar::Int(0), element);
                Ok(Value::from_lanes(vec![
                    zero;
                    crate::interp::eval::fixed_lanes(dtype)
                        .map_err(|k| self.fail(k))?
                ]))
            }
            "break_loop" | "continue_loop" => {
                self.jump = Some(if name == "break_loop" { Jump::Break } else { Jump::Continue });
                Ok(Value::int(0))
            }
            "ret" => {
                self.arity(op, args, 1)?;
                let value = self.eval(&args[0])?;
                self.jump = Some(Jump::Return(value));
                Ok(Value::int(0))
            }
            "call_llvm_pure_intrin" | "call_llvm_intrin" => self.call_llvm(dtype, args),
            "call_pure_extern" | "call_extern" => self.call_extern(name, dtype, args),
            "q_multiply_shift" => self.call_q_multiply_shift(args),
            _ => self.call_math(name, element, args),
        }
    }

    /// Math operators by name (`exp`, `pow`, ...), as TIR ops or as LLVM intrinsics.
    pub(crate) fn call_math(
        &mut self,
        name: &str,
        element: DataType,
        args: &'m [PrimExpr],
    ) -> Result<Value, InterpError> {
        let math = Rounded(element);
        let is_unary_math =
            element.is_floating() && args.len() == 1 && math.unary(name, 0.5).is_some();
        let is_binary_math =
            element.is_floating() && args.len() == 2 && math.binary(name, 0.5, 0.5).is_some();
        if is_unary_math {
            let value = self.eval(&args[0])?;
            return self.map_lanes(&value, |s| {
                Ok(Scalar::Float(math.unary(name, s.as_f64()).unwrap_or(f64::NAN)))
            });
        }
        if is_binary_math {
            let (a, b) = (self.eval(&args[0])?, self.eval(&args[1])?);
            let n = a.lane_count().max(b.lane_count());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                match (a.lane(i), b.lane(i)) {
                    (Some(x), Some(y)) => out.push(Scalar::Float(
                        math.binary(name, x.as_f64(), y.as_f64()).unwrap_or(f64::NAN),
                    )),
                    _ => {
                        return Err(self.fail(InterpErrorKind::IllFormed(format!(
                            "{name} of non-numeric values"
                        ))));
                    }
                }
            }
            return Ok(Value::from_lanes(out));
        }
        if matches!(name, "fabs") && (element.is_integer()) {
            let value = self.eval(&args[0])?;
            return self.map_lanes(&value, |s| {
                Ok(canonical(Scalar::Int(s.as_i64().wrapping_abs()), element))
            });
        }
        Err(self.fail(InterpErrorKind::Unsupported(format!(
            "operator `T.{name}` ({} with {} arguments) cannot be interpreted",
            element,
            args.len()
        ))))
    }

    /// Reinterprets the bits of `value` (of dtype `from`) as dtype `to`; total bit widths must agree.
    fn reinterpret(
        &self,
        from: DataType,
        to: DataType,
        value: &Value,
    ) -> Result<Value, InterpError> {
        let (from_lanes, to_lanes) = match (from.fixed_lanes(), to.fixed_lanes()) {
            (Some(a), Some(b)) => (usize::from(a), usize::from(b)),
            _ => {
                return Err(self
                    .fail(InterpErrorKind::Unsupported("reinterpret of scalable vectors".into())));
            }
        };
        let (fe, te) = (from.element_of(), to.element_of());
        for t in [fe, te] {
            crate::interp::element::check_storable(t).map_err(|e| self.fail(e.into()))?;
        }
        let from_bits = from_lanes * usize::from(fe.bits);
        let to_bits = to_lanes * usize::from(te.bits);
        if from_bits != to_bits || fe.bits % 8 != 0 || te.bits % 8 != 0 {
            return Err(
                self.fail(InterpErrorKind::IllFormed(format!("cannot reinterpret {from} as {to}")))
            );
        }
        let lanes = value.lanes().ok_or_else(|| {
            self.fail(InterpErrorKind::IllFormed("reinterpret of a non-number".into()))
        })?;
        let mut bytes = vec![0u8; from_bits / 8];
        let width = fe.bytes_per_lane();
        for (i, lane) in lanes.iter().enumerate().take(from_lanes) {
            crate::interp::element::write_lane(&mut bytes[i * width..], fe, *lane);
        }
        let out_width = te.bytes_per_lane();
        let out = (0..to_lanes)
            .map(|i| crate::interp::element::read_lane(&bytes[i * out_width..], te))
            .collect();
        Ok(Value::from_lanes(out))
    }
}

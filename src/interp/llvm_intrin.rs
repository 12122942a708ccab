//! LLVM intrinsic calls as `LowerIntrin` emits them: `T.call_llvm_pure_intrin(dtype,
//! "llvm.<name>", args...)` (and `call_llvm_intrin`), computed as LLVM defines each intrinsic.
//!
//! Supported: the libm-like `llvm.exp exp2 log log2 log10 sqrt floor ceil trunc fabs round
//! nearbyint sin cos pow copysign` (rounded to the dtype as the TIR ops are), `llvm.fma` (one
//! rounding), `llvm.fmuladd` (evaluated unfused, `(a * b) + c` with two roundings, as LLVM emits it
//! for a CPU without FMA features, the default `llvm` target), `llvm.minnum`/`llvm.maxnum` (a NaN
//! operand loses), `llvm.ctpop`, `llvm.ctlz` (with its is-zero-poison flag ignored: ctlz(0) is the
//! width) and `llvm.prefetch` (no effect). An intrinsic named by a numeric id, or any other name,
//! is `Unsupported`. The form TVM printed before v0.14, with a `T.uint32` count of signature
//! arguments after the name (`T.call_llvm_pure_intrin("float32", "llvm.fabs", T.uint32(1), x)`),
//! is accepted too: a `uint32` constant in front of exactly one argument more than the intrinsic
//! takes is that count, not an operand.

use crate::interp::element::{Scalar, canonical, round_float};
use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::machine::Machine;
use crate::interp::ops;
use crate::interp::value::Value;
use crate::ir::{DataType, Expr, PrimExpr};

/// How many operands the intrinsic `llvm.<name>` takes, for the names this module knows.
fn llvm_operand_count(name: &str) -> Option<usize> {
    Some(match name {
        "fmuladd" | "fma" => 3,
        "minnum" | "maxnum" | "pow" | "copysign" | "ctlz" => 2,
        "prefetch" => 4,
        "ctpop" | "exp" | "exp2" | "log" | "log2" | "log10" | "sqrt" | "floor" | "ceil"
        | "trunc" | "fabs" | "round" | "nearbyint" | "sin" | "cos" => 1,
        _ => return None,
    })
}

/// The operands of `llvm.<name>`, dropping the signature count of the pre-v0.14 form.
fn without_signature_count<'a>(name: &str, args: &'a [PrimExpr]) -> &'a [PrimExpr] {
    let is_count =
        |e: &PrimExpr| e.dtype() == DataType::uint(32) && matches!(e.expr(), Expr::IntImm(_));
    match (llvm_operand_count(name), args.first()) {
        (Some(n), Some(first)) if args.len() == n + 1 && is_count(first) => &args[1..],
        _ => args,
    }
}

impl<'m> Machine<'m> {
    /// Evaluates every argument and applies `f` lane by lane.
    pub(crate) fn lanewise(
        &mut self,
        args: &'m [PrimExpr],
        what: &str,
        mut f: impl FnMut(&[Scalar]) -> Scalar,
    ) -> Result<Value, InterpError> {
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(a)?);
        }
        let n = values.iter().map(Value::lane_count).max().unwrap_or(1);
        let mut out = Vec::with_capacity(n);
        let mut lane = Vec::with_capacity(values.len());
        for i in 0..n {
            lane.clear();
            for v in &values {
                match v.lane(i) {
                    Some(s) => lane.push(s),
                    None => {
                        return Err(self.fail(InterpErrorKind::IllFormed(format!(
                            "{what} of non-numeric values"
                        ))));
                    }
                }
            }
            out.push(f(&lane));
        }
        Ok(Value::from_lanes(out))
    }

    fn llvm_arity(&self, name: &str, args: &[PrimExpr], n: usize) -> Result<(), InterpError> {
        if args.len() == n {
            Ok(())
        } else {
            Err(self.fail(InterpErrorKind::IllFormed(format!(
                "llvm.{name} takes {n} arguments, got {}",
                args.len()
            ))))
        }
    }

    /// `call_llvm_pure_intrin` / `call_llvm_intrin` with result dtype `dtype`.
    pub(crate) fn call_llvm(
        &mut self,
        dtype: DataType,
        args: &'m [PrimExpr],
    ) -> Result<Value, InterpError> {
        let element = dtype.element_of();
        let name = match args.first().map(PrimExpr::expr) {
            Some(Expr::StringImm(s)) => s.strip_prefix("llvm.").unwrap_or(s),
            _ => {
                return Err(self.fail(InterpErrorKind::Unsupported(
                    "an LLVM intrinsic named by a numeric id (only \"llvm.<name>\" strings)".into(),
                )));
            }
        };
        let rest = without_signature_count(name, &args[1..]);
        match name {
            "fmuladd" | "fma" => {
                self.llvm_arity(name, rest, 3)?;
                let fused = name == "fma";
                self.lanewise(rest, name, |l| {
                    let (a, b, c) = (l[0].as_f64(), l[1].as_f64(), l[2].as_f64());
                    let v = if fused {
                        a.mul_add(b, c)
                    } else {
                        round_float(round_float(a * b, element) + c, element)
                    };
                    Scalar::Float(round_float(v, element))
                })
            }
            "minnum" | "maxnum" => {
                self.llvm_arity(name, rest, 2)?;
                let min = name == "minnum";
                self.lanewise(rest, name, |l| {
                    let (a, b) = (l[0].as_f64(), l[1].as_f64());
                    Scalar::Float(if min { a.min(b) } else { a.max(b) })
                })
            }
            "ctpop" | "ctlz" => {
                let operand = rest.first().map_or(element, |a| a.dtype().element_of());
                let count_ones = name == "ctpop";
                self.lanewise(&rest[..rest.len().min(1)], name, |l| {
                    let bits = ops::width_bits(operand, l[0].as_i64());
                    let r = if count_ones {
                        i64::from(bits.count_ones())
                    } else {
                        i64::from(bits.leading_zeros()) - (64 - i64::from(operand.bits))
                    };
                    canonical(Scalar::Int(r), element)
                })
            }
            "prefetch" => Ok(Value::int(0)),
            _ => self.call_math(name, element, rest).map_err(|e| match e.kind {
                InterpErrorKind::Unsupported(_) => self.fail(InterpErrorKind::Unsupported(
                    format!("LLVM intrinsic `llvm.{name}` cannot be interpreted"),
                )),
                _ => e,
            }),
        }
    }
}

//! Python operators on evaluated values, with TVM's rules.
//!
//! - Python scalars on both sides: Python semantics (`//` floors, `%` takes the divisor's sign,
//!   `/` gives a float), so `T.grid(128 // 4, 4)` sees plain ints.
//! - A TIR expression on either side: arithmetic goes through `arith::ops` (type promotion and
//!   constant folding as TVM's `operator+`, `floordiv`, ...); `/` on two integers is refused as in
//!   TVM; comparisons, `and`, `or` and `not` build nodes without folding, after converting a Python
//!   scalar to the other operand's dtype (TVM's `tir/operation.py`).

use super::error::{AtSpan, EvalResult, error, error_label};
use super::value::Value;
use crate::arith::ops as tir_ops;
use crate::ir::{BinaryOp, CmpOp as TirCmp, DataType, Lanes, Op, PrimExpr, TypeCode};
use crate::syntax::ast::{BinOp, BoolOp, CmpOp, Span, UnaryOp};

fn is_python_number(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Float(_) | Value::Bool(_))
}

fn is_tir(v: &Value) -> bool {
    matches!(v, Value::Expr(_) | Value::IterVar(_))
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

fn unsupported(op: &str, a: &Value, b: &Value, span: &Span) -> Box<crate::diagnostic::Diagnostic> {
    error_label(
        span,
        format!("unsupported operand types for {op}: '{}' and '{}'", a.kind(), b.kind()),
        "in this operation",
    )
}

/// `a op b`.
pub fn binary(op: BinOp, a: Value, b: Value, span: &Span) -> EvalResult<Value> {
    let a = unwrap_meta(a);
    let b = unwrap_meta(b);
    if is_python_number(&a) && is_python_number(&b) {
        return python_binary(op, &a, &b, span);
    }
    if let (BinOp::Add, Value::Str(x), Value::Str(y)) = (op, &a, &b) {
        return Ok(Value::Str(format!("{x}{y}")));
    }
    if let (BinOp::Add, Some(x), Some(y)) = (op, a.as_sequence(), b.as_sequence()) {
        let joined = x.iter().chain(y).cloned().collect();
        return Ok(if matches!(a, Value::List(_)) {
            Value::List(joined)
        } else {
            Value::Tuple(joined)
        });
    }
    if !(is_tir(&a) || is_tir(&b)) {
        return Err(unsupported(op.as_str(), &a, &b, span));
    }
    let (Some(x), Some(y)) = (a.to_prim_expr(), b.to_prim_expr()) else {
        return Err(unsupported(op.as_str(), &a, &b, span));
    };
    let result = match op {
        BinOp::Add => tir_ops::add(x, y),
        BinOp::Sub => tir_ops::sub(x, y),
        BinOp::Mul => tir_ops::mul(x, y),
        BinOp::Div => {
            if is_int_like(&x) && is_int_like(&y) {
                return Err(error_label(
                    span,
                    "integer division with `/` is ambiguous in TIR",
                    "both operands are integers",
                )
                .with_hint_box("use `//` (floordiv) or T.truncdiv"));
            }
            tir_ops::binary(BinaryOp::Div, x, y)
        }
        BinOp::FloorDiv => tir_ops::floordiv(x, y),
        BinOp::Mod => tir_ops::floormod(x, y),
        BinOp::LShift => return int_call("shift_left", x, y, span).map(Value::Expr),
        BinOp::RShift => return int_call("shift_right", x, y, span).map(Value::Expr),
        BinOp::BitAnd => return int_call("bitwise_and", x, y, span).map(Value::Expr),
        BinOp::BitOr => return int_call("bitwise_or", x, y, span).map(Value::Expr),
        BinOp::BitXor => return int_call("bitwise_xor", x, y, span).map(Value::Expr),
        BinOp::Pow | BinOp::MatMul => return Err(unsupported(op.as_str(), &a, &b, span)),
    };
    result.at(span).map(Value::Expr)
}

trait WithHint {
    fn with_hint_box(self, hint: &str) -> Self;
}
impl WithHint for Box<crate::diagnostic::Diagnostic> {
    fn with_hint_box(mut self, hint: &str) -> Self {
        self.hint = Some(hint.to_string());
        self
    }
}

fn is_int_like(e: &PrimExpr) -> bool {
    e.dtype().is_integer() || e.dtype().is_bool()
}

fn unwrap_meta(v: Value) -> Value {
    match v {
        Value::MetaVar(inner) => unwrap_meta(*inner),
        other => other,
    }
}

/// A bitwise or shift operator as TVM's `bitwise_and`, `left_shift`, ...: integer operands,
/// matched types, folded when both are constants, otherwise a call of the builtin.
pub fn int_call(name: &str, a: PrimExpr, b: PrimExpr, span: &Span) -> EvalResult<PrimExpr> {
    if !is_int_like(&a) || !is_int_like(&b) {
        return Err(error_label(
            span,
            format!("{name} needs integer operands, got {} and {}", a.dtype(), b.dtype()),
            "not integers",
        ));
    }
    let (a, b) = tir_ops::match_types(a, b).at(span)?;
    let dtype = a.dtype();
    if let (Some(x), Some(y)) = (a.as_int(), b.as_int()) {
        let folded = match name {
            "bitwise_and" => Some(x & y),
            "bitwise_or" => Some(x | y),
            "bitwise_xor" => Some(x ^ y),
            "shift_left" if (0..i64::from(dtype.bits)).contains(&y) => {
                Some(x.wrapping_shl(y as u32))
            }
            "shift_right" if (0..i64::from(dtype.bits)).contains(&y) => Some(x >> y),
            _ => None,
        };
        if let Some(v) = folded {
            return Ok(PrimExpr::int(tir_ops::wrap_int(v, dtype), dtype));
        }
    }
    if name.starts_with("shift") && b.as_int() == Some(0) {
        return Ok(a);
    }
    PrimExpr::call_op(dtype, Op::builtin(name), vec![a, b]).at(span)
}

fn python_binary(op: BinOp, a: &Value, b: &Value, span: &Span) -> EvalResult<Value> {
    if let (Some(x), Some(y)) = (as_i64(a), as_i64(b)) {
        let overflow = || error(span, "integer overflow in constant arithmetic");
        let zero = || error_label(span, "division by zero", "the divisor is zero");
        let v = match op {
            BinOp::Add => x.checked_add(y).ok_or_else(overflow)?,
            BinOp::Sub => x.checked_sub(y).ok_or_else(overflow)?,
            BinOp::Mul => x.checked_mul(y).ok_or_else(overflow)?,
            BinOp::Div => {
                if y == 0 {
                    return Err(zero());
                }
                return Ok(Value::Float(x as f64 / y as f64));
            }
            BinOp::FloorDiv | BinOp::Mod => {
                if y == 0 {
                    return Err(zero());
                }
                let (q, r) = tir_ops::floor_div_mod(x, y).ok_or_else(overflow)?;
                if op == BinOp::FloorDiv { q } else { r }
            }
            BinOp::Pow => {
                let e = u32::try_from(y)
                    .map_err(|_| error(span, "negative exponents are not supported"))?;
                x.checked_pow(e).ok_or_else(overflow)?
            }
            BinOp::LShift => {
                u32::try_from(y).ok().and_then(|s| x.checked_shl(s)).ok_or_else(overflow)?
            }
            BinOp::RShift => u32::try_from(y).ok().map(|s| x >> s.min(63)).ok_or_else(overflow)?,
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            BinOp::BitXor => x ^ y,
            BinOp::MatMul => return Err(unsupported("@", a, b, span)),
        };
        return Ok(Value::Int(v));
    }
    let (Some(x), Some(y)) = (as_f64(a), as_f64(b)) else {
        return Err(unsupported(op.as_str(), a, b, span));
    };
    let v = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div | BinOp::FloorDiv | BinOp::Mod if y == 0.0 => {
            return Err(error(span, "float division by zero"));
        }
        BinOp::Div => x / y,
        BinOp::FloorDiv => (x / y).floor(),
        BinOp::Mod => x - y * (x / y).floor(),
        BinOp::Pow => x.powf(y),
        _ => return Err(unsupported(op.as_str(), a, b, span)),
    };
    Ok(Value::Float(v))
}

/// Converts a Python scalar operand of a comparison to the other operand's element type
/// (TVM's `_auto_broadcast`).
fn comparison_operand(v: &Value, other: Option<DataType>) -> Option<PrimExpr> {
    let element = other.map(DataType::element_of);
    match (v, element) {
        (Value::Int(i), Some(t)) if t.is_integer() || t.is_bool() => Some(PrimExpr::int(*i, t)),
        (Value::Int(i), Some(t)) if t.is_floating() => Some(PrimExpr::float(*i as f64, t)),
        (Value::Float(f), Some(t)) if t.code == TypeCode::Float => Some(PrimExpr::float(*f, t)),
        (Value::Float(f), _) => Some(PrimExpr::f32(*f)),
        _ => v.to_prim_expr(),
    }
}

fn broadcast_to(e: PrimExpr, lanes: Lanes, span: &Span) -> EvalResult<PrimExpr> {
    tir_ops::broadcast(e, lanes).at(span)
}

/// `a op b` for one comparison operator.
pub fn compare(op: CmpOp, a: Value, b: Value, span: &Span) -> EvalResult<Value> {
    let a = unwrap_meta(a);
    let b = unwrap_meta(b);
    if !(is_tir(&a) || is_tir(&b)) {
        return python_compare(op, &a, &b, span);
    }
    let tir_op = match op {
        CmpOp::Eq => TirCmp::Eq,
        CmpOp::NotEq => TirCmp::Ne,
        CmpOp::Lt => TirCmp::Lt,
        CmpOp::LtE => TirCmp::Le,
        CmpOp::Gt => TirCmp::Gt,
        CmpOp::GtE => TirCmp::Ge,
        _ => return Err(unsupported(op.as_str(), &a, &b, span)),
    };
    let x = comparison_operand(&a, b.to_prim_expr().map(|e| e.dtype()));
    let y = comparison_operand(&b, a.to_prim_expr().map(|e| e.dtype()));
    let (Some(mut x), Some(mut y)) = (x, y) else {
        return Err(unsupported(op.as_str(), &a, &b, span));
    };
    if x.dtype().lanes != y.dtype().lanes {
        if x.dtype().is_scalar() {
            x = broadcast_to(x, y.dtype().lanes, span)?;
        } else if y.dtype().is_scalar() {
            y = broadcast_to(y, x.dtype().lanes, span)?;
        }
    }
    PrimExpr::cmp(tir_op, x, y).at(span).map(Value::Expr)
}

fn python_compare(op: CmpOp, a: &Value, b: &Value, span: &Span) -> EvalResult<Value> {
    use std::cmp::Ordering;
    let ordering = match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        _ => match (as_f64(a), as_f64(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            _ => None,
        },
    };
    let result = match (op, ordering) {
        (CmpOp::Is, _) => {
            matches!((a, b), (Value::None, Value::None))
                || matches!((a, b), (Value::Bool(x), Value::Bool(y)) if x == y)
        }
        (CmpOp::IsNot, _) => {
            !(matches!((a, b), (Value::None, Value::None))
                || matches!((a, b), (Value::Bool(x), Value::Bool(y)) if x == y))
        }
        (CmpOp::Eq, o) => o == Some(Ordering::Equal),
        (CmpOp::NotEq, o) => o != Some(Ordering::Equal),
        (CmpOp::Lt, Some(o)) => o == Ordering::Less,
        (CmpOp::LtE, Some(o)) => o != Ordering::Greater,
        (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
        (CmpOp::GtE, Some(o)) => o != Ordering::Less,
        _ => return Err(unsupported(op.as_str(), a, b, span)),
    };
    Ok(Value::Bool(result))
}

/// Python truthiness of a Python value; `None` for a TIR value.
fn truthy(v: &Value) -> Option<bool> {
    Some(match v {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::Tuple(x) | Value::List(x) => !x.is_empty(),
        Value::Dict(x) => !x.is_empty(),
        Value::Expr(_) | Value::IterVar(_) | Value::MetaVar(_) => return None,
        _ => true,
    })
}

/// `a and b` / `a or b` with both operands already evaluated (TVM evaluates every operand).
pub fn bool_op(op: BoolOp, a: Value, b: Value, span: &Span) -> EvalResult<Value> {
    let a = unwrap_meta(a);
    let b = unwrap_meta(b);
    if !(is_tir(&a) || is_tir(&b)) {
        let Some(t) = truthy(&a) else { return Err(unsupported(op.as_str(), &a, &b, span)) };
        return Ok(match (op, t) {
            (BoolOp::And, true) | (BoolOp::Or, false) => b,
            _ => a,
        });
    }
    let as_bool = |v: &Value| -> EvalResult<PrimExpr> {
        match v {
            Value::Bool(x) => Ok(PrimExpr::bool(*x)),
            Value::Expr(e) => Ok(e.clone()),
            other => Err(error_label(
                span,
                format!("`{}` needs bool operands, got {}", op.as_str(), other.kind()),
                "not a bool",
            )),
        }
    };
    let (x, y) = (as_bool(&a)?, as_bool(&b)?);
    if x.dtype().is_vector() || y.dtype().is_vector() {
        let name = if op == BoolOp::And { "bitwise_and" } else { "bitwise_or" };
        return int_call(name, x, y, span).map(Value::Expr);
    }
    let built = match op {
        BoolOp::And => PrimExpr::and(x, y),
        BoolOp::Or => PrimExpr::or(x, y),
    };
    built.at(span).map(Value::Expr)
}

/// `op a`.
pub fn unary(op: UnaryOp, a: Value, span: &Span) -> EvalResult<Value> {
    let a = unwrap_meta(a);
    match (&a, op) {
        (Value::Int(i), UnaryOp::Neg) => {
            i.checked_neg().map(Value::Int).ok_or_else(|| error(span, "integer overflow"))
        }
        (Value::Float(f), UnaryOp::Neg) => Ok(Value::Float(-f)),
        (Value::Bool(b), UnaryOp::Neg) => Ok(Value::Int(-i64::from(*b))),
        (Value::Int(_) | Value::Float(_), UnaryOp::Pos) => Ok(a.clone()),
        (Value::Int(i), UnaryOp::Invert) => Ok(Value::Int(!i)),
        (Value::Expr(e), UnaryOp::Neg) => {
            // TVM's `ExprOp.__neg__`: multiply by a -1 of the operand's dtype.
            let dtype = e.dtype().element_of();
            let minus_one = if dtype.is_floating() {
                PrimExpr::float(-1.0, dtype)
            } else {
                PrimExpr::int(-1, dtype)
            };
            tir_ops::mul(e.clone(), minus_one).at(span).map(Value::Expr)
        }
        (Value::Expr(e), UnaryOp::Invert) => {
            if !is_int_like(e) {
                return Err(error_label(
                    span,
                    "Cannot use ~ operator on float type Expr.",
                    "a float expression",
                ));
            }
            PrimExpr::call_op(e.dtype(), Op::builtin("bitwise_not"), vec![e.clone()])
                .at(span)
                .map(Value::Expr)
        }
        (Value::Expr(e), UnaryOp::Not) => PrimExpr::not(e.clone()).at(span).map(Value::Expr),
        (_, UnaryOp::Not) => match truthy(&a) {
            Some(t) => Ok(Value::Bool(!t)),
            None => Err(error(span, format!("bad operand type for not: '{}'", a.kind()))),
        },
        _ => Err(error_label(
            span,
            format!("bad operand type for unary {}: '{}'", op.as_str(), a.kind()),
            "in this operation",
        )),
    }
}

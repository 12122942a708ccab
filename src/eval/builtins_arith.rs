//! Arithmetic and node-constructor builtins: `T.min`/`T.max`, `T.floordiv`/`T.floormod`,
//! `T.truncdiv`/`T.truncmod`, `T.ceildiv`, `T.abs` (folding like TVM's operator functions), the
//! node constructors `T.Add`, `T.LT`, `T.And`, ... (no folding), `T.iter_var` and `T.Range`.

use super::Evaluator;
use super::args::{CallArgs, ParamKind::*};
use super::error::{AtSpan, EvalResult, error, error_label};
use super::value::Value;
use crate::arith::ops;
use crate::ir::{BinaryOp, CmpOp, DataType, Expr, IterVar, IterVarType, Op, PrimExpr, Var};
use crate::syntax::ast::Span;

fn two(args: CallArgs, a: &'static str, b: &'static str) -> EvalResult<(PrimExpr, PrimExpr, Span)> {
    let bound = args.bind(&[(a, Required), (b, Required)])?;
    Ok((bound.req(a)?.expr()?, bound.req(b)?.expr()?, bound.span.clone()))
}

fn arith(args: CallArgs, op: BinaryOp) -> EvalResult<Value> {
    let (a, b, span) = two(args, "a", "b")?;
    ops::binary(op, a, b).at(&span).map(Value::Expr)
}

pub fn min(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    arith(args, BinaryOp::Min)
}

pub fn max(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    arith(args, BinaryOp::Max)
}

pub fn floordiv(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    arith(args, BinaryOp::FloorDiv)
}

pub fn floormod(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    arith(args, BinaryOp::FloorMod)
}

pub fn truncdiv(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    arith(args, BinaryOp::Div)
}

pub fn truncmod(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    arith(args, BinaryOp::Mod)
}

/// `T.ceildiv(a, b)`: `floordiv(a + b - 1, b)`, folded on constants.
pub fn ceildiv(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let (a, b, span) = two(args, "lhs", "rhs")?;
    let one = PrimExpr::int(1, b.dtype());
    let numerator = ops::sub(ops::add(a, b.clone()).at(&span)?, one).at(&span)?;
    ops::floordiv(numerator, b).at(&span).map(Value::Expr)
}

/// `T.abs(x)`: the operand for unsigned ints, a select for signed ints, `fabs` for floats.
pub fn abs(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("x", Required), ("dtype", KeywordOnly)])?;
    let x = b.req("x")?.expr()?;
    let dtype = x.dtype();
    if dtype.is_uint() || dtype.is_bool() {
        return Ok(Value::Expr(x));
    }
    if dtype.is_int() {
        if let Some(v) = x.as_int() {
            return Ok(Value::Expr(PrimExpr::int(v.wrapping_abs(), dtype)));
        }
        let zero = PrimExpr::int(0, dtype);
        let ge = PrimExpr::cmp(CmpOp::Ge, x.clone(), zero).at(&b.span)?;
        let neg = ops::neg(x.clone()).at(&b.span)?;
        return PrimExpr::select(ge, x, neg).at(&b.span).map(Value::Expr);
    }
    if let Expr::FloatImm(v) = x.expr() {
        return Ok(Value::Expr(PrimExpr::float(v.abs(), dtype)));
    }
    PrimExpr::call_op(dtype, Op::builtin("fabs"), vec![x]).at(&b.span).map(Value::Expr)
}

fn node(args: CallArgs, op: BinaryOp) -> EvalResult<Value> {
    let (a, b, span) = two(args, "a", "b")?;
    PrimExpr::binary(op, a, b).at(&span).map(Value::Expr)
}

fn cmp_node(args: CallArgs, op: CmpOp) -> EvalResult<Value> {
    let (a, b, span) = two(args, "a", "b")?;
    PrimExpr::cmp(op, a, b).at(&span).map(Value::Expr)
}

pub fn node_and(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let (a, b, span) = two(args, "a", "b")?;
    PrimExpr::and(a, b).at(&span).map(Value::Expr)
}

pub fn node_or(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let (a, b, span) = two(args, "a", "b")?;
    PrimExpr::or(a, b).at(&span).map(Value::Expr)
}

pub fn node_not(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("a", Required)])?;
    PrimExpr::not(b.req("a")?.expr()?).at(&b.span).map(Value::Expr)
}

/// `T.iter_var(var, dom, iter_type, thread_tag)`.
pub fn iter_var(_: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[
        ("v", Required),
        ("dom", Required),
        ("iter_type", Required),
        ("thread_tag", Required),
    ])?;
    let v = b.req("v")?;
    let var = match &v.value {
        Value::Str(s) => Var::new(s.as_str(), DataType::int32()),
        other => other.as_var().cloned().unwrap_or_else(|| {
            Var::new(names.first().map_or("v", String::as_str), DataType::int32())
        }),
    };
    let dom = match &b.req("dom")?.value {
        Value::Range(r) => Some(r.clone()),
        Value::None => None,
        other => {
            return Err(error(
                &b.req("dom")?.span,
                format!("expected a T.Range, got {}", other.kind()),
            ));
        }
    };
    let type_arg = b.req("iter_type")?;
    let iter_type = match type_arg.str()? {
        "DataPar" => IterVarType::DataPar,
        "ThreadIndex" => IterVarType::ThreadIndex,
        "CommReduce" => IterVarType::CommReduce,
        "Ordered" => IterVarType::Ordered,
        "DimInfo" | "Opaque" => IterVarType::Opaque,
        "Unrolled" => IterVarType::Unrolled,
        "Vectorized" => IterVarType::Vectorized,
        "Parallelized" => IterVarType::Parallelized,
        "Tensorized" => IterVarType::Tensorized,
        other => {
            return Err(error_label(
                &type_arg.span,
                format!("unknown iter_type \"{other}\""),
                "not an IterVar type",
            ));
        }
    };
    let thread_tag = b.req("thread_tag")?.str()?.to_string();
    Ok(Value::IterVar(IterVar { var, dom, iter_type, thread_tag }))
}

pub fn range_value(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("begin", Required), ("end", Required)])?;
    let r = super::builtins_block::range_from_begin_end(
        b.req("begin")?.expr()?,
        b.req("end")?.expr()?,
        &b.span,
    )?;
    Ok(Value::Range(r))
}

macro_rules! node_builtins {
    ($($name:ident => $kind:ident($op:expr)),* $(,)?) => {
        $(pub fn $name(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
            $kind(args, $op)
        })*
    };
}

node_builtins! {
    node_add => node(BinaryOp::Add),
    node_sub => node(BinaryOp::Sub),
    node_mul => node(BinaryOp::Mul),
    node_div => node(BinaryOp::Div),
    node_mod => node(BinaryOp::Mod),
    node_floordiv => node(BinaryOp::FloorDiv),
    node_floormod => node(BinaryOp::FloorMod),
    node_min => node(BinaryOp::Min),
    node_max => node(BinaryOp::Max),
    node_eq => cmp_node(CmpOp::Eq),
    node_ne => cmp_node(CmpOp::Ne),
    node_lt => cmp_node(CmpOp::Lt),
    node_le => cmp_node(CmpOp::Le),
    node_gt => cmp_node(CmpOp::Gt),
    node_ge => cmp_node(CmpOp::Ge),
}

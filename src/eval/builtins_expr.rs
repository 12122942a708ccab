//! Expression builtins: typed constants and free variables (`T.float32(1)`, `n = T.int32()`),
//! casts, selects, vectors (`T.Ramp`, `T.Broadcast`, `T.Shuffle`), `T.Let`, `T.comm_reducer`,
//! extern and packed calls, node constructors (`T.Add`, `T.LT`, ...), arithmetic helpers
//! (`T.floordiv`, `T.min`, ...) and every registered operator called as `T.<name>`, with the
//! result dtypes TVM v0.23's `tir/op.py` gives them.

use std::sync::Arc;

use super::Evaluator;
use super::args::{Arg, CallArgs, ParamKind::*};
use super::error::{AtSpan, EvalResult, error, error_label};
use super::subscript::{lane_count, make_ramp};
use super::value::Value;
use crate::arith::ops;
use crate::ir::{CommReducer, DataType, Expr, Op, PrimExpr, Type, Var};
use crate::syntax::ast::Span;

fn name_of(names: &[String]) -> &str {
    names.first().map_or("v", String::as_str)
}

/// `T.int32(...)`, `T.float16x4(...)`, `T.bool(...)`: a new var without a value, otherwise the value
/// cast to the dtype (constants fold), as TVM's dtype functions.
pub fn dtype_call(dtype: DataType, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("expr", Optional), ("is_size_var", KeywordOnly)])?;
    let is_size_var = b.get_some("is_size_var").map(Arg::bool).transpose()?.unwrap_or(false);
    let Some(expr) = b.get_some("expr") else {
        let var = if is_size_var {
            Var::size_var(name_of(names), dtype)
        } else {
            Var::new(name_of(names), dtype)
        };
        return Ok(Value::var(&var));
    };
    let value = match &expr.value {
        Value::Str(s) => match s.as_str() {
            "inf" => PrimExpr::f32(f64::INFINITY),
            "-inf" => PrimExpr::f32(f64::NEG_INFINITY),
            "nan" => PrimExpr::f32(f64::NAN),
            other => {
                return Err(error_label(
                    &expr.span,
                    format!("could not convert string to float: '{other}'"),
                    "expected \"inf\", \"-inf\" or \"nan\"",
                ));
            }
        },
        _ => expr.expr()?,
    };
    ops::cast(dtype, value).at(&b.span).map(Value::Expr)
}

pub fn boolean(_: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    dtype_call(DataType::bool(), args, names)
}

/// `T.handle(dtype=None, storage_scope="global", *, is_size_var=False)`.
pub fn handle(_: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[
        ("dtype", Optional),
        ("storage_scope", Optional),
        ("is_size_var", KeywordOnly),
    ])?;
    let scope = b
        .get_some("storage_scope")
        .map(|a| a.str().map(str::to_string))
        .transpose()?
        .unwrap_or_else(|| "global".into());
    let var = match b.get_some("dtype") {
        None => Var::new(name_of(names), DataType::handle()),
        Some(d) => Var::pointer(name_of(names), d.dtype()?, scope),
    };
    Ok(Value::var(&var))
}

/// `T.Ptr(dtype, storage_scope="global")`: a pointer variable.
pub fn ptr(_: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b =
        args.bind(&[("dtype", Required), ("storage_scope", Optional), ("is_size_var", Optional)])?;
    let scope = b
        .get_some("storage_scope")
        .map(|a| a.str().map(str::to_string))
        .transpose()?
        .unwrap_or_else(|| "global".into());
    Ok(Value::var(&Var::pointer(name_of(names), b.req("dtype")?.dtype()?, scope)))
}

pub fn cast_node(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("dtype", Required), ("value", Required)])?;
    PrimExpr::cast(b.req("dtype")?.dtype()?, b.req("value")?.expr()?).at(&b.span).map(Value::Expr)
}

pub fn cast(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("src", Required), ("dtype", Required)])?;
    ops::cast(b.req("dtype")?.dtype()?, b.req("src")?.expr()?).at(&b.span).map(Value::Expr)
}

pub fn select(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b =
        args.bind(&[("condition", Required), ("true_value", Required), ("false_value", Required)])?;
    let (c, t, f) =
        (b.req("condition")?.expr()?, b.req("true_value")?.expr()?, b.req("false_value")?.expr()?);
    PrimExpr::select(c, t, f).at(&b.span).map(Value::Expr)
}

/// TVM's `if_then_else`: a bool condition, matched branch types, folded on a constant condition.
pub fn if_then_else(cond: PrimExpr, t: PrimExpr, f: PrimExpr, span: &Span) -> EvalResult<PrimExpr> {
    if cond.dtype() != DataType::bool() {
        return Err(error_label(
            span,
            format!("if_then_else only accepts a bool condition, got {}", cond.dtype()),
            "not a bool",
        ));
    }
    let (t, f) = ops::match_types(t, f).at(span)?;
    match cond.as_int() {
        Some(0) => Ok(f),
        Some(_) => Ok(t),
        None => {
            PrimExpr::call_op(t.dtype(), Op::builtin("if_then_else"), vec![cond, t, f]).at(span)
        }
    }
}

pub fn if_then_else_call(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b =
        args.bind(&[("cond", Required), ("t", Required), ("f", Required), ("dtype", KeywordOnly)])?;
    if_then_else(b.req("cond")?.expr()?, b.req("t")?.expr()?, b.req("f")?.expr()?, &b.span)
        .map(Value::Expr)
}

pub fn reinterpret(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("dtype", Required), ("value", Required)])?;
    let dtype = b.req("dtype")?.dtype()?;
    let value = b.req("value")?.expr()?;
    if value.dtype() == dtype {
        return Ok(Value::Expr(value));
    }
    PrimExpr::call_op(dtype, Op::builtin("reinterpret"), vec![value]).at(&b.span).map(Value::Expr)
}

pub fn ramp(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("base", Required), ("stride", Required), ("lanes", Required)])?;
    make_ramp(b.req("base")?.expr()?, b.req("stride")?.expr()?, b.req("lanes")?.expr()?, &b.span)
        .map(Value::Expr)
}

pub fn broadcast(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("value", Required), ("lanes", Required)])?;
    let value = b.req("value")?.expr()?;
    let lanes_arg = b.req("lanes")?;
    let lanes = lane_count(&lanes_arg.expr()?, &lanes_arg.span)?;
    ops::broadcast(value, lanes).at(&b.span).map(Value::Expr)
}

pub fn shuffle(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("vectors", Required), ("indices", Required)])?;
    let vectors = b.req("vectors")?.expr_list()?;
    let indices = b.req("indices")?.expr_list()?;
    let element = vectors
        .first()
        .map(|v| v.dtype().element_of())
        .ok_or_else(|| error(&b.span, "T.Shuffle needs at least one vector"))?;
    let lanes =
        u16::try_from(indices.len()).map_err(|_| error(&b.span, "too many shuffle indices"))?;
    PrimExpr::new(element.with_lanes(lanes), Expr::Shuffle { vectors, indices })
        .at(&b.span)
        .map(Value::Expr)
}

pub fn let_expr(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("expr", Required), ("where", Required)])?;
    let body = b.req("expr")?.expr()?;
    let where_arg = b.req("where")?;
    let Value::Dict(entries) = &where_arg.value else {
        return Err(error_label(
            &where_arg.span,
            "`where` must be a dict {var: value}",
            "not a dict",
        ));
    };
    let [(var, value)] = entries.as_slice() else {
        return Err(error_label(
            &where_arg.span,
            "T.Let only allows `where` to have exactly one element",
            "one binding expected",
        ));
    };
    let var = var.as_var().ok_or_else(|| {
        error_label(&where_arg.span, "the key of `where` must be a variable", "not a variable")
    })?;
    let value = super::convert::to_expr(value, &where_arg.span)?;
    PrimExpr::let_(var, value, body).at(&b.span).map(Value::Expr)
}

/// `T.comm_reducer(lambda x, y: x + y, [identity])`: vars named after the lambda's parameters,
/// typed by the identities, as TVM's `comm_reducer`.
pub fn comm_reducer(ev: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("combiner", Required), ("identity", Required)])?;
    let combiner = b.req("combiner")?;
    let Value::Lambda(lambda) = &combiner.value else {
        return Err(error_label(&combiner.span, "T.comm_reducer expects a lambda", "not a lambda"));
    };
    let identity_arg = b.req("identity")?;
    let identity = identity_arg.expr_list()?;
    let n = lambda.params.len();
    if identity.is_empty() || n != 2 * identity.len() {
        return Err(error_label(
            &combiner.span,
            format!(
                "the combiner takes {n} parameters but there are {} identities",
                identity.len()
            ),
            "wrong arity",
        ));
    }
    let vars: Vec<Var> = lambda
        .params
        .iter()
        .zip(identity.iter().chain(identity.iter()))
        .map(|(p, i)| Var::new(p.name.name.as_str(), i.dtype()))
        .collect();
    let call = CallArgs {
        name: "lambda".into(),
        span: combiner.span.clone(),
        positional: vars
            .iter()
            .map(|v| Arg { value: Value::var(v), span: combiner.span.clone() })
            .collect(),
        keywords: Vec::new(),
    };
    let result = match ev.apply_lambda(lambda, call)? {
        Value::Tuple(items) => items
            .iter()
            .map(|v| super::convert::to_expr(v, &combiner.span))
            .collect::<EvalResult<Vec<_>>>()?,
        single => vec![super::convert::to_expr(&single, &combiner.span)?],
    };
    let (lhs, rhs) = vars.split_at(n / 2);
    Ok(Value::CommReducer(Arc::new(CommReducer {
        lhs: lhs.to_vec(),
        rhs: rhs.to_vec(),
        result,
        identity_element: identity,
    })))
}

/// Positional arguments after the first `skip` as expressions (buffers packed for packed calls).
pub(super) fn rest_exprs(args: &CallArgs, skip: usize, pack: bool) -> EvalResult<Vec<PrimExpr>> {
    args.positional
        .iter()
        .skip(skip)
        .map(|a| match &a.value {
            Value::Buffer(buffer) if pack => super::builtins_buffer::pack_buffer(buffer, &a.span),
            Value::Str(s) => Ok(PrimExpr::string(s.clone())),
            _ => a.expr(),
        })
        .collect()
}

/// Moves a `dtype=` keyword in front of the positional arguments (TVM's `_dtype_forward`).
fn dtype_forward(mut args: CallArgs) -> EvalResult<(DataType, CallArgs)> {
    if let Some(dtype) = args.take_keyword("dtype") {
        args.positional.insert(0, dtype);
    }
    args.no_keywords()?;
    let first = args.positional.first().ok_or_else(|| {
        error(&args.span, format!("{}() missing required argument 'dtype'", args.name))
    })?;
    Ok((first.dtype()?, args))
}

fn extern_call(args: CallArgs, op: &str) -> EvalResult<Value> {
    let (dtype, args) = dtype_forward(args)?;
    let name = args.positional.get(1).ok_or_else(|| {
        error(&args.span, format!("{}() missing required argument 'func_name'", args.name))
    })?;
    let mut call_args = vec![PrimExpr::string(name.str()?)];
    call_args.extend(rest_exprs(&args, 2, false)?);
    PrimExpr::call_op(dtype, Op::builtin(op), call_args).at(&args.span).map(Value::Expr)
}

pub fn call_extern(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    extern_call(args, "call_extern")
}
pub fn call_pure_extern(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    extern_call(args, "call_pure_extern")
}
/// LLVM intrinsics are named by a string immediate (this toolchain has no LLVM intrinsic id table).
pub fn call_llvm_intrin(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    extern_call(args, "call_llvm_intrin")
}
pub fn call_llvm_pure_intrin(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    extern_call(args, "call_llvm_pure_intrin")
}

pub fn call_intrin(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let (dtype, args) = dtype_forward(args)?;
    let name_arg = args.positional.get(1).ok_or_else(|| {
        error(&args.span, "T.call_intrin() missing required argument 'func_name'")
    })?;
    let op = Op::get(name_arg.str()?).ok_or_else(|| {
        error_label(
            &name_arg.span,
            format!("unknown operator \"{}\"", name_arg.str().unwrap_or("")),
            "not a registered op",
        )
    })?;
    PrimExpr::call_op(dtype, op, rest_exprs(&args, 2, false)?).at(&args.span).map(Value::Expr)
}

fn packed(args: CallArgs, op: &str) -> EvalResult<Value> {
    args.no_keywords()?;
    PrimExpr::call_op(DataType::int32(), Op::builtin(op), rest_exprs(&args, 0, true)?)
        .at(&args.span)
        .map(Value::Expr)
}
pub fn call_packed(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    packed(args, "tvm_call_packed")
}
pub fn call_cpacked(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    packed(args, "tvm_call_cpacked")
}

pub fn type_annotation(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("dtype", Required)])?;
    PrimExpr::call_op(b.req("dtype")?.dtype()?, Op::builtin("type_annotation"), vec![])
        .at(&b.span)
        .map(Value::Expr)
}

/// `T.target("llvm -mcpu=...")` / `T.target({"kind": ...}, host=...)`: a target, kept as the
/// configuration TVM's `Target::Export` gives (see `target`).
pub fn target(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("target_config", Required), ("host", Optional)])?;
    let config = b.req("target_config")?;
    let has_host_key = match &config.value {
        Value::Str(_) => false,
        Value::Dict(entries) => {
            entries.iter().any(|(k, _)| matches!(k, Value::Str(k) if k == "host"))
        }
        other => {
            return Err(error_label(
                &config.span,
                format!("T.target expected a config dict or string, but got {}", other.kind()),
                "not a target",
            ));
        }
    };
    let mut built = super::target::config(&config.value, &config.span)?;
    if let Some(host) = b.get_some("host") {
        if has_host_key {
            return Err(error_label(
                &host.span,
                "T.target expects to either receive the host as part of the target's config dictionary, or as a separate argument, but not both.",
                "second host",
            ));
        }
        built = super::target::with_host(built, &host.value, &host.span)?;
    }
    Ok(Value::Target(built))
}

/// A type annotation value for function return types (`-> T.int32`, `-> T.handle(...)`).
pub fn as_type(value: &Value) -> Option<Type> {
    match value {
        Value::Type(t) => Some(t.clone()),
        Value::Expr(e) => e.as_var().map(|v| v.type_annotation().clone()),
        _ => None,
    }
}

//! Builtins that make frames or statements: loops, blocks and their declarations, lets, asserts,
//! allocations, attributes, thread launches, `T.evaluate`, function and module attributes. Argument
//! names and defaults follow TVM v0.23's `ir_builder/tir/ir.py`.

use std::borrow::Cow;

use super::Evaluator;
use super::args::{Arg, CallArgs, ParamKind::*, Signature};
use super::convert::parse_dtype;
use super::error::{AtSpan, EvalResult, error, error_label};
use super::frames::PendingFrame;
use super::value::{Value, int_imm};
use crate::ir::{Annotations, ConstData, DataType, ForKind, PrimExpr};

fn frame(f: PendingFrame) -> EvalResult<Value> {
    Ok(Value::Frame(Box::new(f)))
}

/// `start, stop` of a loop builtin: one argument is the extent from a zero of its dtype.
fn loop_bounds(start: &Arg, stop: Option<&Arg>) -> EvalResult<(PrimExpr, PrimExpr)> {
    match stop {
        Some(stop) => Ok((start.expr()?, stop.expr()?)),
        None => {
            let extent = start.expr()?;
            let zero = match &start.value {
                Value::Int(_) => PrimExpr::i32(0),
                _ => PrimExpr::int(0, extent.dtype()),
            };
            Ok((zero, extent))
        }
    }
}

const LOOP: Signature =
    &[("start", Required), ("stop", Optional), ("annotations", KeywordOnly), ("step", KeywordOnly)];

fn for_kind(args: CallArgs, kind: ForKind) -> EvalResult<Value> {
    let b = args.bind(LOOP)?;
    let (start, stop) = loop_bounds(b.req("start")?, b.get_some("stop"))?;
    let annotations =
        b.get_some("annotations").map(Arg::annotations).transpose()?.unwrap_or_default();
    let step = b.get_some("step").map(Arg::expr).transpose()?;
    frame(PendingFrame::For { kind, start, stop, annotations, step })
}

pub fn serial(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    for_kind(args, ForKind::Serial)
}
pub fn parallel(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    for_kind(args, ForKind::Parallel)
}
pub fn vectorized(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    for_kind(args, ForKind::Vectorized)
}
pub fn unroll(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    for_kind(args, ForKind::Unrolled)
}

/// Python's `range` in a prim_func: a serial loop whose step must be a positive literal.
pub fn range(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[
        ("start", Required),
        ("stop", Optional),
        ("step", Optional),
        ("annotations", KeywordOnly),
    ])?;
    let step = match b.get_some("step") {
        None => None,
        Some(step) => match step.value {
            Value::Int(k) if k > 0 => Some(PrimExpr::i32(k as i32)),
            Value::Int(k) => {
                return Err(error_label(
                    &step.span,
                    format!("Only support positive step in range(), get {k}"),
                    "not positive",
                ));
            }
            _ => {
                return Err(error_label(
                    &step.span,
                    "Only support literal step in range()",
                    "not a literal",
                ));
            }
        },
    };
    let (start, stop) = loop_bounds(b.req("start")?, b.get_some("stop"))?;
    let annotations =
        b.get_some("annotations").map(Arg::annotations).transpose()?.unwrap_or_default();
    frame(PendingFrame::For { kind: ForKind::Serial, start, stop, annotations, step })
}

pub fn thread_binding(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[
        ("start", Required),
        ("stop", Optional),
        ("thread", Optional),
        ("annotations", KeywordOnly),
    ])?;
    let start = b.req("start")?;
    let (bounds, thread) = match (b.get_some("stop"), b.get_some("thread")) {
        (Some(stop), None) if matches!(stop.value, Value::Str(_)) => {
            (loop_bounds(start, None)?, stop.str()?.to_string())
        }
        (stop, Some(thread)) => (loop_bounds(start, stop)?, thread.str()?.to_string()),
        _ => return Err(error(&b.span, "Thread cannot be None for thread_binding")),
    };
    let annotations =
        b.get_some("annotations").map(Arg::annotations).transpose()?.unwrap_or_default();
    frame(PendingFrame::ThreadBinding { start: bounds.0, stop: bounds.1, thread, annotations })
}

pub fn grid(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    args.no_keywords()?;
    let extents = args.positional.iter().map(Arg::expr).collect::<EvalResult<Vec<_>>>()?;
    frame(PendingFrame::Grid(extents))
}

pub fn let_stmt(ev: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b =
        args.bind(&[("value", Required), ("type_annotation", Optional), ("var", KeywordOnly)])?;
    let value = b.req("value")?.expr()?;
    let type_annotation = match b.get_some("type_annotation") {
        None => None,
        Some(a) => match ev.annotation_value(a, names)? {
            Value::Expr(e) => e.as_var().map(|v| v.type_annotation().clone()),
            Value::Type(t) => Some(t),
            _ => return Err(error_label(&a.span, "expected a type such as T.int32", "not a type")),
        },
    };
    let var = match b.get_some("var") {
        Some(a) => Some(
            a.value
                .as_var()
                .cloned()
                .ok_or_else(|| error_label(&a.span, "expected a variable", "not a variable"))?,
        ),
        None => None,
    };
    frame(PendingFrame::LetStmt { value, type_annotation, var })
}

pub fn assert_(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("condition", Required), ("message", Required)])?;
    let condition = b.req("condition")?.expr()?;
    let message = b.req("message")?.str()?.to_string();
    frame(PendingFrame::Assert { condition, message })
}

pub fn allocate(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[
        ("extents", Required),
        ("dtype", Required),
        ("scope", Optional),
        ("condition", Optional),
        ("annotations", Optional),
    ])?;
    let extents = b.req("extents")?.expr_list()?;
    let dtype = b.req("dtype")?.dtype()?;
    let scope = b
        .get_some("scope")
        .map(|a| a.str().map(str::to_string))
        .transpose()?
        .unwrap_or_else(|| "global".into());
    let condition = b.get_some("condition").map(Arg::expr).transpose()?;
    let annotations =
        b.get_some("annotations").map(Arg::annotations).transpose()?.unwrap_or_default();
    frame(PendingFrame::Allocate { extents, dtype, scope, condition, annotations })
}

pub fn allocate_const(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[
        ("data", Required),
        ("dtype", Required),
        ("extents", Required),
        ("annotations", Optional),
    ])?;
    let dtype = b.req("dtype")?.dtype()?;
    let data_arg = b.req("data")?;
    let items = data_arg.value.as_sequence().ok_or_else(|| {
        error_label(&data_arg.span, "T.allocate_const expects a list of numbers", "not a list")
    })?;
    let data = if dtype.is_floating() {
        let values = items.iter().map(|v| match v {
            Value::Int(i) => Ok(*i as f64),
            Value::Float(f) => Ok(*f),
            other => Err(error(&data_arg.span, format!("expected a number, got {}", other.kind()))),
        });
        ConstData::Float(values.collect::<EvalResult<_>>()?)
    } else {
        let values = items.iter().map(|v| match v {
            Value::Int(i) => Ok(*i),
            other => {
                Err(error(&data_arg.span, format!("expected an integer, got {}", other.kind())))
            }
        });
        ConstData::Int(values.collect::<EvalResult<_>>()?)
    };
    let extents = b.req("extents")?.expr_list()?;
    let annotations =
        b.get_some("annotations").map(Arg::annotations).transpose()?.unwrap_or_default();
    frame(PendingFrame::AllocateConst { data, dtype, extents, annotations })
}

pub fn attr(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("node", Required), ("attr_key", Required), ("value", Required)])?;
    let node_arg = b.req("node")?;
    let node = super::convert::attr_value(&node_arg.value, &node_arg.span)?;
    let key = b.req("attr_key")?.str()?.to_string();
    let value_arg = b.req("value")?;
    let value = match &value_arg.value {
        Value::Str(s) => PrimExpr::string(s.clone()),
        _ => value_arg.expr()?,
    };
    frame(PendingFrame::Attr { node, key, value })
}

pub fn launch_thread(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("thread", Required), ("extent", Required)])?;
    let thread = b.req("thread")?;
    let extent = b.req("extent")?.expr()?;
    match &thread.value {
        Value::Str(tag) => frame(PendingFrame::LaunchTag { tag: tag.clone(), extent }),
        other => match other.as_var() {
            Some(var) => frame(PendingFrame::LaunchVar { var: var.clone(), extent }),
            None => Err(error_label(
                &thread.span,
                "expected a thread tag or a var from T.env_thread",
                "not a thread",
            )),
        },
    }
}

pub fn env_thread(ev: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("thread_tag", Required), ("dtype", Optional)])?;
    let tag = b.req("thread_tag")?.str()?.to_string();
    let dtype = b.get_some("dtype").map(Arg::dtype).transpose()?.unwrap_or(DataType::int32());
    let name = names.first().map_or("v", String::as_str);
    let var = ev.builder.env_thread(name, &tag, dtype).at(&b.span)?;
    Ok(Value::var(&var))
}

pub fn realize(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[
        ("buffer_slice", Required),
        ("storage_scope", Required),
        ("condition", Optional),
    ])?;
    let region = b.req("buffer_slice")?.region()?;
    let scope = b.req("storage_scope")?.str()?.to_string();
    let condition =
        b.get_some("condition").map(Arg::expr).transpose()?.unwrap_or_else(|| PrimExpr::bool(true));
    frame(PendingFrame::Realize { region, scope, condition })
}

pub fn evaluate(ev: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("value", Required)])?;
    let arg = b.req("value")?;
    let value = match &arg.value {
        Value::Str(s) => PrimExpr::string(s.clone()),
        Value::Int(v) => int_imm(*v),
        _ => arg.expr()?,
    };
    ev.builder.evaluate(value).at(&b.span)?;
    Ok(Value::None)
}

pub fn func_attr(ev: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("attrs", Required)])?;
    let attrs: Annotations = b.req("attrs")?.annotations()?;
    ev.builder.func_attrs(attrs).at(&b.span)?;
    Ok(Value::None)
}

pub fn module_attrs(ev: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("attrs", Required)])?;
    let attrs: Annotations = b.req("attrs")?.annotations()?;
    ev.builder.module_attrs(attrs).at(&b.span)?;
    Ok(Value::None)
}

pub fn decorator_only(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    Err(error_label(
        &args.span,
        format!("{} is only allowed as a decorator", args.name),
        "not a decorator here",
    ))
}

pub fn meta_var(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("value", Required)])?;
    Ok(Value::MetaVar(Box::new(b.req("value")?.value.clone())))
}

impl Evaluator {
    /// An annotation-like argument: a callable type (`T.int32`) is called to make a var.
    fn annotation_value(&mut self, arg: &Arg, names: &[String]) -> EvalResult<Value> {
        match &arg.value {
            Value::Builtin(b) => {
                let call = CallArgs {
                    name: Cow::Borrowed(""),
                    span: arg.span.clone(),
                    positional: Vec::new(),
                    keywords: Vec::new(),
                };
                super::dispatch::call(self, *b, call, names)
            }
            Value::Str(s) => Ok(Value::Type(crate::ir::Type::Prim(parse_dtype(s, &arg.span)?))),
            other => Ok(other.clone()),
        }
    }
}

//! Block builtins: `T.block`, `T.init`, `T.where`, `T.reads`, `T.writes`, `T.block_attr` and the
//! block iteration variables `T.axis.spatial/reduce/scan/opaque/S/R/remap`, with TVM v0.23's
//! argument names and defaults.

use super::Evaluator;
use super::args::{Arg, CallArgs, ParamKind::*};
use super::convert::to_expr;
use super::error::{AtSpan, EvalResult, error_label};
use super::frames::PendingFrame;
use super::value::Value;
use crate::arith::simplify;
use crate::ir::{DataType, IterVarType, PrimExpr, Range};

fn frame(f: PendingFrame) -> EvalResult<Value> {
    Ok(Value::Frame(Box::new(f)))
}

pub fn block(ev: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("name", Optional), ("no_realize", Optional)])?;
    let name =
        b.get_some("name").map(|a| a.str().map(str::to_string)).transpose()?.unwrap_or_default();
    let no_realize = b.get_some("no_realize").map(Arg::bool).transpose()?.unwrap_or(false);
    // Inside a macro's n-th expansion the name gains TVM's `_n` suffix.
    let name = ev.macros.block_name(name);
    frame(PendingFrame::Block { name, no_realize })
}

pub fn init(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    args.expect_none()?;
    frame(PendingFrame::Init)
}

pub fn where_(ev: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("predicate", Required)])?;
    let p = b.req("predicate")?;
    let predicate = match p.value {
        Value::Int(v @ (0 | 1)) => PrimExpr::bool(v == 1),
        Value::Int(v) => {
            return Err(error_label(
                &p.span,
                format!("Invalid value for predicate: {v}"),
                "expected 0 or 1",
            ));
        }
        _ => p.expr()?,
    };
    ev.builder.where_(predicate).at(&b.span)?;
    Ok(Value::None)
}

fn regions(args: &CallArgs) -> EvalResult<Vec<crate::ir::BufferRegion>> {
    args.no_keywords()?;
    let items: Vec<Arg> = match args.positional.as_slice() {
        [single] => match single.value.as_sequence() {
            Some(items) => {
                items.iter().map(|v| Arg { value: v.clone(), span: single.span.clone() }).collect()
            }
            None => vec![single.clone()],
        },
        many => many.to_vec(),
    };
    items.iter().map(Arg::region).collect()
}

pub fn reads(ev: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let regions = regions(&args)?;
    ev.builder.reads(regions).at(&args.span)?;
    Ok(Value::None)
}

pub fn writes(ev: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let regions = regions(&args)?;
    ev.builder.writes(regions).at(&args.span)?;
    Ok(Value::None)
}

pub fn block_attr(ev: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("attrs", Required)])?;
    let attrs = b.req("attrs")?.annotations()?;
    ev.builder.block_attr(attrs).at(&b.span)?;
    Ok(Value::None)
}

/// A `T.axis` domain: a `T.Range`, a `(begin, end)` pair or an extent (TVM's `_as_range`).
fn as_range(dom: &Arg) -> EvalResult<Range> {
    match &dom.value {
        Value::Range(r) => Ok(r.clone()),
        Value::Tuple(items) | Value::List(items) if items.len() == 2 => {
            let begin = to_expr(&items[0], &dom.span)?;
            let end = to_expr(&items[1], &dom.span)?;
            let extent =
                simplify(&crate::arith::ops::sub(end.clone(), begin.clone()).at(&dom.span)?);
            if extent.as_int().is_some() {
                Ok(Range::new(begin, extent))
            } else {
                range_from_begin_end(begin, end, &dom.span)
            }
        }
        Value::Int(_) => Ok(Range::new(PrimExpr::i32(0), dom.expr()?)),
        _ => {
            let extent = dom.expr()?;
            Ok(Range::new(PrimExpr::int(0, extent.dtype()), extent))
        }
    }
}

/// TVM's `Range(begin, end)`: the extent is `end - begin`, or `end` when `begin` is zero.
pub fn range_from_begin_end(
    begin: PrimExpr,
    end: PrimExpr,
    span: &crate::syntax::ast::Span,
) -> EvalResult<Range> {
    if begin.as_int() == Some(0) {
        return Ok(Range::new(begin, end));
    }
    let extent = crate::arith::ops::sub(end, begin.clone()).at(span)?;
    Ok(Range::new(begin, extent))
}

fn axis(
    ev: &mut Evaluator,
    args: CallArgs,
    names: &[String],
    kind: IterVarType,
) -> EvalResult<Value> {
    let b = args.bind(&[("dom", Required), ("binding", Required), ("dtype", Optional)])?;
    let dom = as_range(b.req("dom")?)?;
    let binding = b.req("binding")?.expr()?;
    let dtype = b.get_some("dtype").map(Arg::dtype).transpose()?.unwrap_or(DataType::int32());
    let name = names.first().map_or("v", String::as_str);
    let var = ev.builder.axis(name, kind, dom, binding, dtype).at(&b.span)?;
    Ok(Value::var(&var))
}

pub fn axis_spatial(ev: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    axis(ev, args, names, IterVarType::DataPar)
}

pub fn axis_reduce(ev: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    axis(ev, args, names, IterVarType::CommReduce)
}

pub fn axis_scan(ev: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    axis(ev, args, names, IterVarType::Ordered)
}

pub fn axis_opaque(ev: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    axis(ev, args, names, IterVarType::Opaque)
}

pub fn axis_remap(ev: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("kinds", Required), ("bindings", Required), ("dtype", Optional)])?;
    let kinds = b.req("kinds")?.str()?.to_string();
    let bindings_arg = b.req("bindings")?;
    let items = bindings_arg.value.as_sequence().ok_or_else(|| {
        error_label(
            &bindings_arg.span,
            "T.axis.remap expects a list of loop variables",
            "not a list",
        )
    })?;
    let base = names.first().map_or("v", String::as_str);
    let mut bindings = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let var = item.as_var().cloned().ok_or_else(|| {
            error_label(
                &bindings_arg.span,
                format!("T.axis.remap binds loop variables, got a {}", item.kind()),
                "not a variable",
            )
        })?;
        let name = if names.len() == items.len() {
            names[i].clone()
        } else if items.len() == 1 {
            base.to_string()
        } else {
            format!("{base}_{i}")
        };
        bindings.push((name, var));
    }
    let vars = ev.builder.axis_remap(&kinds, &bindings).at(&b.span)?;
    if vars.len() == 1 {
        return Ok(Value::var(&vars[0]));
    }
    Ok(Value::Tuple(vars.iter().map(Value::var).collect()))
}

//! Buffer builtins (`T.Buffer`, `T.match_buffer`, `T.alloc_buffer`, `T.decl_buffer`) with every
//! keyword argument TVM v0.23 accepts and its defaults, and buffer members (`A.data`, `A.shape`,
//! `A.dtype`, `A.vload`, `A.vstore`, `A.access_ptr`, ...).

use super::Evaluator;
use super::args::{Arg, Bound, CallArgs, ParamKind::*, Signature};
use super::error::{AtSpan, EvalResult, error, error_label};
use super::frames::PendingFrame;
use super::value::Value;
use crate::arith::ops;
use crate::builder::BufferSpec;
use crate::ir::{Buffer, BufferType, DataType, Expr, IrError, Op, PrimExpr, Var};
use crate::syntax::ast::Span;

const BUFFER_PARAMS: Signature = &[
    ("shape", Required),
    ("dtype", Optional),
    ("data", Optional),
    ("strides", Optional),
    ("elem_offset", Optional),
    ("scope", Optional),
    ("align", Optional),
    ("offset_factor", Optional),
    ("buffer_type", Optional),
    ("axis_separators", Optional),
];

const MATCH_PARAMS: Signature = &[
    ("param", Required),
    ("shape", Optional),
    ("dtype", Optional),
    ("data", Optional),
    ("strides", Optional),
    ("elem_offset", Optional),
    ("scope", Optional),
    ("align", Optional),
    ("offset_factor", Optional),
    ("buffer_type", Optional),
    ("axis_separators", Optional),
];

/// Builds the spec of a buffer declaration from bound arguments; `shape` is given separately
/// because `T.match_buffer` may take it from a region.
fn spec(
    b: &Bound,
    name: &str,
    shape: Vec<PrimExpr>,
    default_dtype: DataType,
) -> EvalResult<BufferSpec> {
    let dtype = b.get_some("dtype").map(Arg::dtype).transpose()?.unwrap_or(default_dtype);
    let mut spec = BufferSpec::new(name, shape, dtype);
    if let Some(data) = b.get_some("data") {
        spec.data = Some(data.value.as_var().cloned().ok_or_else(|| {
            error_label(&data.span, "`data` must be a pointer variable", "not a variable")
        })?);
    }
    if let Some(strides) = b.get_some("strides") {
        let items = strides
            .value
            .as_sequence()
            .ok_or_else(|| error_label(&strides.span, "`strides` must be a list", "not a list"))?;
        let index_dtype = spec.index_dtype();
        spec.strides = items
            .iter()
            .map(|v| match v {
                // TVM makes a var for a stride given by name.
                Value::Str(s) => Ok(PrimExpr::var(&Var::new(s.as_str(), index_dtype))),
                other => super::convert::to_expr(other, &strides.span),
            })
            .collect::<EvalResult<_>>()?;
    }
    spec.elem_offset = b.get_some("elem_offset").map(Arg::expr).transpose()?;
    if let Some(scope) = b.get_some("scope") {
        spec.scope = scope.str()?.to_string();
    }
    spec.align = b.get_some("align").map(Arg::int).transpose()?.unwrap_or(0);
    spec.offset_factor = b.get_some("offset_factor").map(Arg::int).transpose()?.unwrap_or(0);
    if let Some(t) = b.get_some("buffer_type") {
        spec.buffer_type = match t.str()? {
            "" | "default" => BufferType::Default,
            "auto" => BufferType::AutoBroadcast,
            other => {
                return Err(error_label(
                    &t.span,
                    format!("unknown buffer_type \"{other}\""),
                    "expected \"default\" or \"auto\"",
                ));
            }
        };
    }
    if let Some(seps) = b.get_some("axis_separators") {
        spec.axis_separators = seps.int_list()?;
    }
    Ok(spec)
}

fn first_name(names: &[String]) -> &str {
    names.first().map_or("buffer", String::as_str)
}

pub fn buffer(_: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b = args.bind(BUFFER_PARAMS)?;
    let shape = b.req("shape")?.shape()?;
    let spec = spec(&b, first_name(names), shape, DataType::float32())?;
    spec.build().at(&b.span).map(Value::Buffer)
}

pub fn alloc_buffer(ev: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b = args.bind(BUFFER_PARAMS)?;
    let shape = b.req("shape")?.shape()?;
    let spec = spec(&b, first_name(names), shape, DataType::float32())?;
    ev.builder.alloc_buffer(spec).at(&b.span).map(Value::Buffer)
}

pub fn decl_buffer(_: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b = args.bind(BUFFER_PARAMS)?;
    let shape = b.req("shape")?.shape()?;
    let spec = spec(&b, first_name(names), shape, DataType::float32())?;
    Ok(Value::Frame(Box::new(PendingFrame::DeclBuffer(Box::new(spec)))))
}

pub fn match_buffer(ev: &mut Evaluator, args: CallArgs, names: &[String]) -> EvalResult<Value> {
    let b = args.bind(MATCH_PARAMS)?;
    let param = b.req("param")?;
    match param.value.as_var() {
        Some(var) => {
            let var = var.clone();
            let Some(shape) = b.get_some("shape") else {
                return Err(error_label(
                    &b.span,
                    "Shape must be specified when binding input param",
                    "add a shape",
                ));
            };
            let spec = spec(&b, first_name(names), shape.shape()?, DataType::float32())?;
            ev.builder.match_buffer_param(&var, spec).at(&b.span).map(Value::Buffer)
        }
        None => {
            let region = param.region()?;
            let (shape, dtype) = match b.get_some("shape") {
                Some(shape) => (shape.shape()?, DataType::float32()),
                None => (
                    region.region.iter().map(|r| r.extent.clone()).collect(),
                    region.buffer.dtype(),
                ),
            };
            let spec = spec(&b, first_name(names), shape, dtype)?;
            ev.builder.match_buffer_region(spec, region).at(&b.span).map(Value::Buffer)
        }
    }
}

/// `A.<attr>`.
pub fn buffer_attribute(buffer: &Buffer, attr: &str, span: &Span) -> EvalResult<Value> {
    let exprs = |xs: &[PrimExpr]| Value::Tuple(xs.iter().cloned().map(Value::Expr).collect());
    Ok(match attr {
        "data" => Value::var(buffer.data()),
        "shape" => exprs(buffer.shape()),
        "strides" => exprs(buffer.strides()),
        "dtype" => Value::Str(buffer.dtype().to_string()),
        "elem_offset" => Value::Expr(buffer.elem_offset().clone()),
        "name" => Value::Str(buffer.name().to_string()),
        "vload" => Value::BufferMethod(buffer.clone(), "vload"),
        "vstore" => Value::BufferMethod(buffer.clone(), "vstore"),
        "access_ptr" => Value::BufferMethod(buffer.clone(), "access_ptr"),
        "scope" => Value::BufferMethod(buffer.clone(), "scope"),
        other => {
            return Err(error_label(
                span,
                format!("'Buffer' object has no attribute '{other}'"),
                "unknown buffer member",
            ));
        }
    })
}

/// Calls a buffer method.
pub fn call_method(
    ev: &mut Evaluator,
    buffer: &Buffer,
    method: &str,
    mut args: CallArgs,
) -> EvalResult<Value> {
    args.name = format!("{}.{method}", buffer.name()).into();
    match method {
        "vload" => vload(buffer, args),
        "vstore" => vstore(ev, buffer, args),
        "access_ptr" => access_ptr(buffer, args),
        _ => {
            args.expect_none()?;
            Ok(Value::Str(buffer.scope().to_string()))
        }
    }
}

/// The indices of a vector access: the last index becomes a ramp over `factor` lanes.
fn vector_indices(begin: &Arg, factor: u16) -> EvalResult<Vec<PrimExpr>> {
    let mut indices = begin.expr_list()?;
    // TVM ramps the last index only when it is a scalar.
    if factor > 1
        && indices.last().is_some_and(|i| i.dtype().is_scalar())
        && let Some(last) = indices.pop()
    {
        let one = PrimExpr::int(1, last.dtype());
        indices.push(super::subscript::make_ramp(
            last,
            one,
            PrimExpr::i32(i32::from(factor)),
            &begin.span,
        )?);
    }
    Ok(indices)
}

fn vload(buffer: &Buffer, args: CallArgs) -> EvalResult<Value> {
    let b = args.bind(&[("begin", Required), ("dtype", Optional), ("predicate", Optional)])?;
    let dtype = b.get_some("dtype").map(Arg::dtype).transpose()?.unwrap_or(buffer.dtype());
    let factor = lane_factor(buffer, dtype, &b.span)?;
    let indices = vector_indices(b.req("begin")?, factor)?;
    let predicate = b.get_some("predicate").map(Arg::expr).transpose()?;
    let load_dtype = crate::ir::expr::load_dtype(buffer, &indices);
    PrimExpr::new(load_dtype, Expr::BufferLoad { buffer: buffer.clone(), indices, predicate })
        .at(&b.span)
        .map(Value::Expr)
}

fn lane_factor(buffer: &Buffer, dtype: DataType, span: &Span) -> EvalResult<u16> {
    let (Some(want), Some(have)) = (dtype.fixed_lanes(), buffer.dtype().fixed_lanes()) else {
        return Ok(1);
    };
    if dtype.element_of() != buffer.dtype().element_of() || want % have != 0 {
        return Err(error_label(
            span,
            format!("cannot access buffer of {} as {dtype}", buffer.dtype()),
            "incompatible dtype",
        ));
    }
    Ok(want / have)
}

fn vstore(ev: &mut Evaluator, buffer: &Buffer, args: CallArgs) -> EvalResult<Value> {
    let b = args.bind(&[("begin", Required), ("value", Required), ("predicate", Optional)])?;
    let value = b.req("value")?.expr()?;
    let factor = lane_factor(buffer, value.dtype(), &b.span)?;
    let indices = vector_indices(b.req("begin")?, factor)?;
    let predicate = b.get_some("predicate").map(Arg::expr).transpose()?;
    ev.builder.buffer_store(buffer, value, indices, predicate).at(&b.span)?;
    Ok(Value::None)
}

fn access_ptr(buffer: &Buffer, args: CallArgs) -> EvalResult<Value> {
    let b = args.bind(&[
        ("access_mask", Required),
        ("ptr_type", Optional),
        ("content_lanes", Optional),
        ("offset", Optional),
        ("extent", Optional),
    ])?;
    let span = b.span.clone();
    let mask_arg = b.req("access_mask")?;
    let mask = match &mask_arg.value {
        Value::Str(s) => {
            let mut m = 0;
            for c in s.chars() {
                m |= match c {
                    'r' => 1,
                    'w' => 2,
                    _ => {
                        return Err(error_label(
                            &mask_arg.span,
                            format!("unknown access mask `{s}`"),
                            "expected \"r\", \"w\" or \"rw\"",
                        ));
                    }
                };
            }
            m
        }
        _ => mask_arg.int()?,
    };
    let ptr_type = match b.get_some("ptr_type") {
        Some(a) => a.dtype()?,
        None => DataType::handle(),
    };
    let content_lanes = b.get_some("content_lanes").map(Arg::int).transpose()?.unwrap_or(1);
    let offset =
        b.get_some("offset").map(Arg::expr).transpose()?.unwrap_or_else(|| PrimExpr::i32(0));
    let index_dtype = buffer.elem_offset().dtype();
    let ir = |r: Result<PrimExpr, IrError>| r.at(&span);
    let mut extent = if buffer.shape().is_empty() {
        PrimExpr::int(1, index_dtype)
    } else if buffer.strides().len() == buffer.shape().len() {
        ir(ops::sub(
            ir(ops::mul(buffer.strides()[0].clone(), buffer.shape()[0].clone()))?,
            offset.clone(),
        ))?
    } else {
        let mut product = buffer.shape()[0].clone();
        for dim in &buffer.shape()[1..] {
            product = ir(ops::mul(product, dim.clone()))?;
        }
        ir(ops::sub(product, offset.clone()))?
    };
    let mut elem_offset = ir(ops::add(buffer.elem_offset().clone(), offset))?;
    let element = if content_lanes > 1 {
        let lanes =
            u16::try_from(content_lanes).map_err(|_| error(&span, "content_lanes is too large"))?;
        let factor = PrimExpr::int(content_lanes, index_dtype);
        extent = ir(ops::binary(crate::ir::BinaryOp::Div, extent, factor.clone()))?;
        elem_offset =
            ir(ops::binary(crate::ir::BinaryOp::Div, buffer.elem_offset().clone(), factor))?;
        buffer.dtype().with_lanes(lanes)
    } else {
        buffer.dtype()
    };
    if let Some(e) = b.get_some("extent") {
        extent = e.expr()?;
    }
    let annotation = ir(PrimExpr::call_op(element, Op::builtin("type_annotation"), vec![]))?;
    let call_args = vec![
        annotation,
        PrimExpr::var(buffer.data()),
        elem_offset,
        extent,
        PrimExpr::i32(mask as i32),
    ];
    ir(PrimExpr::call_op(ptr_type, Op::builtin("tvm_access_ptr"), call_args)).map(Value::Expr)
}

/// TVM's `_pack_buffer`: a buffer passed to `T.call_packed` becomes a `tvm_stack_make_array`.
pub fn pack_buffer(buffer: &Buffer, span: &Span) -> EvalResult<PrimExpr> {
    let ir = |r: Result<PrimExpr, IrError>| r.at(span);
    let shape = ir(PrimExpr::call_op(
        DataType::handle(),
        Op::builtin("tvm_stack_make_shape"),
        buffer.shape().to_vec(),
    ))?;
    let strides = if buffer.strides().is_empty() {
        PrimExpr::i32(0)
    } else {
        ir(PrimExpr::call_op(
            DataType::handle(),
            Op::builtin("tvm_stack_make_shape"),
            buffer.strides().to_vec(),
        ))?
    };
    let zero = if buffer.dtype().is_floating() {
        PrimExpr::float(0.0, buffer.dtype())
    } else {
        PrimExpr::int(0, buffer.dtype())
    };
    let args = vec![
        PrimExpr::var(buffer.data()),
        shape,
        strides,
        PrimExpr::i32(buffer.shape().len() as i32),
        zero,
        buffer.elem_offset().clone(),
    ];
    ir(PrimExpr::call_op(DataType::handle(), Op::builtin("tvm_stack_make_array"), args))
}

//! Registered operators called as `T.<name>` with the result dtypes TVM v0.23's `tir/op.py` gives
//! them, plus the builtins that compute their result from the operand's dtype: `T.max_value`,
//! `T.min_value`, `T.infinity`, `T.isnan`/`T.isinf`/`T.isfinite`, `T.tvm_access_ptr`,
//! `T.tvm_struct_get`.

use super::Evaluator;
use super::args::{CallArgs, ParamKind::*};
use super::builtins_expr::rest_exprs;
use super::error::{AtSpan, EvalResult, error, error_label};
use super::value::Value;
use crate::arith::ops;
use crate::ir::{CmpOp, DataType, Expr, Op, PrimExpr};

fn limit(args: CallArgs, which: &str) -> EvalResult<Value> {
    let b = args.bind(&[("dtype", Required)])?;
    let dtype = b.req("dtype")?.dtype()?;
    let bits = u32::from(dtype.bits);
    let value = match (which, dtype.is_int(), dtype.is_uint() || dtype.is_bool()) {
        ("max", true, _) => {
            PrimExpr::int(if bits >= 64 { i64::MAX } else { (1i64 << (bits - 1)) - 1 }, dtype)
        }
        ("min", true, _) => {
            PrimExpr::int(if bits >= 64 { i64::MIN } else { -(1i64 << (bits - 1)) }, dtype)
        }
        ("max", _, true) if bits < 64 => PrimExpr::int((1i64 << bits) - 1, dtype),
        ("min", _, true) => PrimExpr::int(0, dtype),
        ("max", false, false) if dtype.code == crate::ir::TypeCode::Float => PrimExpr::float(
            if bits == 32 {
                f64::from(f32::MAX)
            } else if bits == 16 {
                65504.0
            } else {
                f64::MAX
            },
            dtype,
        ),
        ("min", false, false) if dtype.code == crate::ir::TypeCode::Float => PrimExpr::float(
            if bits == 32 {
                f64::from(f32::MIN)
            } else if bits == 16 {
                -65504.0
            } else {
                f64::MIN
            },
            dtype,
        ),
        ("inf", false, false) if dtype.is_floating() => PrimExpr::float(f64::INFINITY, dtype),
        _ => {
            return Err(error_label(
                &b.span,
                format!("cannot take the {which} value of {dtype}"),
                "unsupported dtype",
            ));
        }
    };
    Ok(Value::Expr(value))
}

pub fn max_value(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    limit(args, "max")
}
pub fn min_value(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    limit(args, "min")
}
pub fn infinity(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    limit(args, "inf")
}

/// `T.isnan/isinf/isfinite(x)`: constants for non-floats, otherwise TVM's expansions from
/// `tir/op/op.cc`: `isnan` is a call (on a float32 cast of a 16-bit float, folded for an
/// immediate), `isinf(x)` is `fabs(x) == inf and not isnan(x)`, and `isfinite(x)` is
/// `not isinf(x) and not isnan(x)`, each built with the folding operators.
fn float_predicate(args: CallArgs, name: &str) -> EvalResult<Value> {
    let b = args.bind(&[("x", Required), ("dtype", KeywordOnly)])?;
    let x = b.req("x")?.expr()?;
    if !x.dtype().is_floating() {
        let dtype = DataType { lanes: x.dtype().lanes, ..DataType::bool() };
        return Ok(Value::Expr(PrimExpr::int(i64::from(name == "isfinite"), dtype)));
    }
    let built = match name {
        "isnan" => isnan_of(x),
        "isinf" => isinf_of(x),
        _ => isinf_of(x.clone()).and_then(|inf| {
            ops::logical_and(ops::logical_not(inf)?, ops::logical_not(isnan_of(x)?)?)
        }),
    };
    built.at(&b.span).map(Value::Expr)
}

fn isnan_of(x: PrimExpr) -> Result<PrimExpr, crate::ir::IrError> {
    let dtype = DataType { lanes: x.dtype().lanes, ..DataType::bool() };
    if let Expr::FloatImm(v) = x.expr() {
        return Ok(PrimExpr::int(i64::from(v.is_nan()), dtype));
    }
    let op = Op::builtin("isnan");
    if x.dtype().bits == 16 {
        let wide = ops::cast(DataType { bits: 32, ..x.dtype() }, x)?;
        return PrimExpr::call_op(dtype, op, vec![wide]);
    }
    PrimExpr::call_op(dtype, op, vec![x])
}

fn isinf_of(x: PrimExpr) -> Result<PrimExpr, crate::ir::IrError> {
    let inf = PrimExpr::float(f64::INFINITY, x.dtype().element_of());
    let fabs = match x.expr() {
        Expr::FloatImm(v) => PrimExpr::float(v.abs(), x.dtype()),
        _ => PrimExpr::call_op(x.dtype(), Op::builtin("fabs"), vec![x.clone()])?,
    };
    let is_inf = ops::compare(CmpOp::Eq, fabs, inf)?;
    ops::logical_and(is_inf, ops::logical_not(isnan_of(x)?)?)
}

pub fn isnan(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    float_predicate(args, "isnan")
}
pub fn isinf(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    float_predicate(args, "isinf")
}
pub fn isfinite(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    float_predicate(args, "isfinite")
}

pub fn tvm_access_ptr(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[
        ("ptype", Required),
        ("data", Required),
        ("offset", Required),
        ("extent", Required),
        ("rw_mask", Required),
    ])?;
    let exprs = ["ptype", "data", "offset", "extent", "rw_mask"]
        .iter()
        .map(|p| b.req(p)?.expr())
        .collect::<EvalResult<Vec<_>>>()?;
    PrimExpr::call_op(DataType::handle(), Op::builtin("tvm_access_ptr"), exprs)
        .at(&b.span)
        .map(Value::Expr)
}

pub fn tvm_struct_get(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[
        ("arr", Required),
        ("index", Required),
        ("field", Required),
        ("dtype", Required),
    ])?;
    let dtype = b.req("dtype")?.dtype()?;
    let exprs = ["arr", "index", "field"]
        .iter()
        .map(|p| b.req(p)?.expr())
        .collect::<EvalResult<Vec<_>>>()?;
    PrimExpr::call_op(dtype, Op::builtin("tvm_struct_get"), exprs).at(&b.span).map(Value::Expr)
}

/// The result dtype TVM's Python wrapper gives a call of a registered op.
enum ResultType {
    /// The dtype of argument `i`.
    Arg(usize),
    Fixed(DataType),
    /// An explicit dtype as the first argument (or `dtype=` keyword).
    Explicit,
}

fn result_type(name: &str) -> ResultType {
    use ResultType::*;
    match name {
        "clz"
        | "q_multiply_shift"
        | "q_multiply_shift_per_axis"
        | "tvm_storage_sync"
        | "tvm_struct_set"
        | "undef"
        | "dp4a"
        | "vscale"
        | "tvm_call_packed_lowered"
        | "tvm_call_cpacked_lowered"
        | "anylist_resetitem" => Fixed(DataType::int32()),
        "assume" | "isnullptr" | "ignore_loop_partition" => Fixed(DataType::bool()),
        "tvm_warp_activemask" => Fixed(DataType::uint(32)),
        "tvm_stack_alloca"
        | "tvm_stack_make_shape"
        | "tvm_stack_make_array"
        | "start_profile_intrinsic"
        | "end_profile_intrinsic"
        | "tvm_tuple"
        | "handle_add_byte_offset"
        | "address_of"
        | "lookup_param"
        | "tvm_thread_allreduce"
        | "tvm_throw_last_error"
        | "tvm_load_matrix_sync"
        | "tvm_mma_sync"
        | "tvm_bmma_sync"
        | "tvm_fill_fragment"
        | "tvm_store_matrix_sync"
        | "make_filled_simdgroup_matrix"
        | "simdgroup_load"
        | "simdgroup_store"
        | "simdgroup_multiply_accumulate"
        | "anylist_getitem"
        | "anylist_setitem_call_packed"
        | "anylist_setitem_call_cpacked"
        | "tvm_static_handle" => Fixed(DataType::handle()),
        "ptx_commit_group"
        | "ptx_wait_group"
        | "ptx_cp_async_barrier"
        | "ptx_init_barrier_thread_count"
        | "ptx_arrive_barrier"
        | "ptx_arrive_barrier_expect_tx"
        | "ptx_wait_barrier"
        | "create_barriers"
        | "continue_loop"
        | "break_loop"
        | "thread_return" => Fixed(DataType::void()),
        "tvm_warp_shuffle" | "tvm_warp_shuffle_up" | "tvm_warp_shuffle_down" => Arg(1),
        "ptx_mma"
        | "ptx_mma_sp"
        | "ptx_ldmatrix"
        | "ptx_cp_async"
        | "ptx_cp_async_bulk"
        | "mma_store"
        | "mma_fill"
        | "vectorlow"
        | "vectorhigh"
        | "vectorcombine"
        | "get_active_lane_mask" => Explicit,
        _ => Arg(0),
    }
}

/// A registered operator called as `T.<name>(...)`. Math functions on integers keep TVM's
/// shortcuts: `floor`, `ceil`, `round`, `trunc` and `nearbyint` of an integer are the integer.
pub fn op_call(op: Op, mut args: CallArgs) -> EvalResult<Value> {
    let name = op.name();
    let rule = result_type(name);
    let dtype_kw = args.take_keyword("dtype");
    args.no_keywords()?;
    let (dtype, skip) = match rule {
        ResultType::Explicit => {
            let first = match &dtype_kw {
                Some(d) => d.clone(),
                None => args.positional.first().cloned().ok_or_else(|| {
                    error(&args.span, format!("{}() missing required argument 'dtype'", args.name))
                })?,
            };
            (Some(first.dtype()?), usize::from(dtype_kw.is_none()))
        }
        ResultType::Fixed(d) => (Some(d), 0),
        ResultType::Arg(_) => (None, 0),
    };
    let exprs = rest_exprs(&args, skip, false)?;
    // TVM's Python wrapper of `q_multiply_shift` takes four arguments although the op declares three.
    let arity = if name == "q_multiply_shift" { Some(4) } else { op.def().arity };
    if let Some(arity) = arity
        && exprs.len() != arity
    {
        return Err(error_label(
            &args.span,
            format!(
                "{}() takes {arity} argument{} but {} were given",
                args.name,
                if arity == 1 { "" } else { "s" },
                exprs.len()
            ),
            "wrong number of arguments",
        ));
    }
    if matches!(name, "floor" | "ceil" | "round" | "trunc" | "nearbyint")
        && exprs.first().is_some_and(|x| !x.dtype().is_floating())
    {
        return Ok(Value::Expr(exprs[0].clone()));
    }
    let exprs = match name {
        "bitwise_and" | "bitwise_or" | "bitwise_xor" | "shift_left" | "shift_right" => {
            return super::ops::int_call(name, exprs[0].clone(), exprs[1].clone(), &args.span)
                .map(Value::Expr);
        }
        "pow" | "atan2" | "nextafter" | "hypot" | "copysign" | "fmod" => {
            let (a, b) = ops::match_types(exprs[0].clone(), exprs[1].clone()).at(&args.span)?;
            vec![a, b]
        }
        _ => exprs,
    };
    let dtype = match (dtype, rule) {
        (Some(d), _) => d,
        (None, ResultType::Arg(i)) => exprs.get(i).map_or(DataType::int32(), PrimExpr::dtype),
        (None, _) => DataType::int32(),
    };
    PrimExpr::call_op(dtype, op, exprs).at(&args.span).map(Value::Expr)
}

//! The dispatch table: every name a script can call through a dialect namespace (`T.`, `T.axis.`,
//! `I.`) or as a Python builtin (`range`), mapped to the evaluator function that implements it.
//!
//! This is the one place a new dialect plugs in: add a namespace to [`NAMESPACES`] and its entries
//! to [`TABLE`]. Names not in the table resolve, in order, to a dtype constructor (`T.int32`,
//! `T.float16x4`, `T.bool`) or to a registered TIR operator (`T.exp`, `T.tvm_storage_sync`, ...).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::Evaluator;
use super::args::CallArgs;
use super::error::{EvalResult, closest, error_label};
use super::value::{Builtin, Value};
use super::{
    builtins_arith as ar, builtins_block as bk, builtins_buffer as buf, builtins_expr as ex,
    builtins_module as md, builtins_ops as ops, builtins_stmt as st,
};
use crate::ir::{DataType, Op};
use crate::syntax::ast::Span;

/// The signature of every builtin: the evaluator, the evaluated arguments and the names of the
/// assignment targets, which name the vars and buffers the call creates.
pub type Handler = fn(&mut Evaluator, CallArgs, &[String]) -> EvalResult<Value>;

/// The pseudo namespace of the `@I.ir_module` class being built (`cls.f`, `Module.f`).
pub const MODULE_NAMESPACE: &str = "@module";

/// The dialect namespaces and the names they are reached by.
const NAMESPACES: [&str; 3] = ["T", "I", "T.axis"];

/// Every named builtin.
const TABLE: &[(&str, Handler)] = &[
    ("range", st::range),
    ("T.serial", st::serial),
    ("T.parallel", st::parallel),
    ("T.vectorized", st::vectorized),
    ("T.unroll", st::unroll),
    ("T.thread_binding", st::thread_binding),
    ("T.grid", st::grid),
    ("T.block", bk::block),
    ("T.init", bk::init),
    ("T.where", bk::where_),
    ("T.reads", bk::reads),
    ("T.writes", bk::writes),
    ("T.block_attr", bk::block_attr),
    ("T.axis.spatial", bk::axis_spatial),
    ("T.axis.S", bk::axis_spatial),
    ("T.axis.reduce", bk::axis_reduce),
    ("T.axis.R", bk::axis_reduce),
    ("T.axis.scan", bk::axis_scan),
    ("T.axis.opaque", bk::axis_opaque),
    ("T.axis.remap", bk::axis_remap),
    ("T.LetStmt", st::let_stmt),
    ("T.Assert", st::assert_),
    ("T.allocate", st::allocate),
    ("T.allocate_const", st::allocate_const),
    ("T.attr", st::attr),
    ("T.launch_thread", st::launch_thread),
    ("T.env_thread", st::env_thread),
    ("T.realize", st::realize),
    ("T.evaluate", st::evaluate),
    ("T.func_attr", st::func_attr),
    ("T.prim_func", st::decorator_only),
    ("I.ir_module", st::decorator_only),
    ("I.module_attrs", st::module_attrs),
    ("I.module_global_infos", md::module_global_infos),
    ("I.dummy_global_info", md::dummy_global_info),
    ("I.vdevice", md::vdevice),
    ("T.meta_var", st::meta_var),
    ("T.Buffer", buf::buffer),
    ("T.buffer_decl", buf::buffer),
    ("T.match_buffer", buf::match_buffer),
    ("T.alloc_buffer", buf::alloc_buffer),
    ("T.decl_buffer", buf::decl_buffer),
    ("T.handle", ex::handle),
    ("T.Ptr", ex::ptr),
    ("T.ptr", ex::ptr),
    ("T.boolean", ex::boolean),
    ("T.Cast", ex::cast_node),
    ("T.cast", ex::cast),
    ("T.Select", ex::select),
    ("T.if_then_else", ex::if_then_else_call),
    ("T.reinterpret", ex::reinterpret),
    ("T.Ramp", ex::ramp),
    ("T.ramp", ex::ramp),
    ("T.Broadcast", ex::broadcast),
    ("T.broadcast", ex::broadcast),
    ("T.Shuffle", ex::shuffle),
    ("T.Let", ex::let_expr),
    ("T.comm_reducer", ex::comm_reducer),
    ("T.call_extern", ex::call_extern),
    ("T.call_pure_extern", ex::call_pure_extern),
    ("T.call_intrin", ex::call_intrin),
    ("T.call_llvm_intrin", ex::call_llvm_intrin),
    ("T.call_llvm_pure_intrin", ex::call_llvm_pure_intrin),
    ("T.call_packed", ex::call_packed),
    ("T.tvm_call_packed", ex::call_packed),
    ("T.call_cpacked", ex::call_cpacked),
    ("T.tvm_call_cpacked", ex::call_cpacked),
    ("T.type_annotation", ex::type_annotation),
    ("T.target", ex::target),
    ("T.min", ar::min),
    ("T.max", ar::max),
    ("T.floordiv", ar::floordiv),
    ("T.floormod", ar::floormod),
    ("T.truncdiv", ar::truncdiv),
    ("T.truncmod", ar::truncmod),
    ("T.ceildiv", ar::ceildiv),
    ("T.abs", ar::abs),
    ("T.fabs", ar::abs),
    ("T.Add", ar::node_add),
    ("T.Sub", ar::node_sub),
    ("T.Mul", ar::node_mul),
    ("T.Div", ar::node_div),
    ("T.Mod", ar::node_mod),
    ("T.FloorDiv", ar::node_floordiv),
    ("T.FloorMod", ar::node_floormod),
    ("T.Min", ar::node_min),
    ("T.Max", ar::node_max),
    ("T.EQ", ar::node_eq),
    ("T.NE", ar::node_ne),
    ("T.LT", ar::node_lt),
    ("T.LE", ar::node_le),
    ("T.GT", ar::node_gt),
    ("T.GE", ar::node_ge),
    ("T.And", ar::node_and),
    ("T.Or", ar::node_or),
    ("T.Not", ar::node_not),
    ("T.iter_var", ar::iter_var),
    ("T.Range", ar::range_value),
    ("T.max_value", ops::max_value),
    ("T.min_value", ops::min_value),
    ("T.infinity", ops::infinity),
    ("T.isnan", ops::isnan),
    ("T.isinf", ops::isinf),
    ("T.isfinite", ops::isfinite),
    ("T.tvm_access_ptr", ops::tvm_access_ptr),
    ("T.tvm_struct_get", ops::tvm_struct_get),
];

fn table() -> &'static HashMap<&'static str, Handler> {
    static MAP: OnceLock<HashMap<&'static str, Handler>> = OnceLock::new();
    MAP.get_or_init(|| TABLE.iter().copied().collect())
}

/// The table by namespace and member (`("T.axis", "remap")`), so resolving `ns.attr` needs no
/// string building.
fn members() -> &'static HashMap<(&'static str, &'static str), &'static str> {
    static MAP: OnceLock<HashMap<(&'static str, &'static str), &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        TABLE
            .iter()
            .filter_map(|(full, _)| full.rsplit_once('.').map(|(ns, attr)| ((ns, attr), *full)))
            .collect()
    })
}

/// The value of a global name (`T`, `I`, `range`) when no script variable shadows it.
pub fn global_name(name: &str) -> Option<Value> {
    match name {
        "T" => Some(Value::Namespace("T")),
        "I" => Some(Value::Namespace("I")),
        "range" => Some(Value::Builtin(Builtin::Named("range"))),
        _ => None,
    }
}

/// A dtype name the `T` namespace accepts as a constructor (`int32`, `float16x4`, `bool`, ...).
fn dtype_name(name: &str) -> Option<DataType> {
    let explicit = name == "bool" || name == "void" || name.bytes().any(|b| b.is_ascii_digit());
    if !explicit || name.starts_with("handle") {
        return None;
    }
    DataType::parse(name).ok()
}

/// Resolves `ns.attr`.
pub fn resolve(ns: &'static str, attr: &str, span: &Span) -> EvalResult<Value> {
    if let Some(full) = members().get(&(ns, attr)) {
        return Ok(Value::Builtin(Builtin::Named(full)));
    }
    if let Some(nested) = NAMESPACES
        .iter()
        .find(|n| n.strip_prefix(ns).and_then(|r| r.strip_prefix('.')) == Some(attr))
    {
        return Ok(Value::Namespace(nested));
    }
    let full = format!("{ns}.{attr}");
    if ns == "T" {
        if let Some(dtype) = dtype_name(attr) {
            return Ok(Value::Builtin(Builtin::DType(dtype)));
        }
        if let Some(op) = Op::get(attr).filter(|_| !attr.starts_with("tir.")) {
            return Ok(Value::Builtin(Builtin::Op(op)));
        }
    }
    let prefix = format!("{ns}.");
    let mut candidates: Vec<&str> =
        TABLE.iter().filter_map(|(k, _)| k.strip_prefix(prefix.as_str())).collect();
    if ns == "T" {
        candidates.extend(Op::all().map(|op| op.name()));
        candidates.extend([
            "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64", "bool",
            "axis",
        ]);
    }
    let mut err =
        error_label(span, format!("`{full}` is not a known TVMScript name"), "unknown name");
    if let Some(near) = closest(attr, candidates) {
        err.hint = Some(format!("did you mean `{ns}.{near}`?"));
    }
    Err(err)
}

/// The full name of a builtin, for messages.
pub fn builtin_name(b: &Builtin) -> Cow<'static, str> {
    match b {
        Builtin::Named(n) => Cow::Borrowed(n),
        Builtin::DType(d) => Cow::Owned(format!("T.{d}")),
        Builtin::Op(op) => Cow::Owned(format!("T.{}", op.name())),
    }
}

/// Calls a builtin.
pub fn call(
    ev: &mut Evaluator,
    b: Builtin,
    mut args: CallArgs,
    names: &[String],
) -> EvalResult<Value> {
    args.name = builtin_name(&b);
    match b {
        Builtin::Named(name) => match table().get(name) {
            Some(handler) => handler(ev, args, names),
            None => {
                Err(error_label(&args.span, format!("`{name}` cannot be called"), "not callable"))
            }
        },
        Builtin::DType(dtype) => ex::dtype_call(dtype, args, names),
        Builtin::Op(op) => ops::op_call(op, args),
    }
}

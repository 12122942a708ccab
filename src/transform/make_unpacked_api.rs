//! MakeUnpackedAPI (TVM v0.23 `tir.MakeUnpackedAPI`): fixes the C calling convention codegen uses.
//!
//! The convention (chosen over TVM's `MakePackedAPI`, whose `TVMValue*`/type-code/`DLTensor`
//! unpacking needs the TVM runtime): every public function (one with a `global_symbol`, and no
//! non-default `calling_conv`) becomes `int32_t f(T0* a0, ..., scalar s0, ...)`:
//! - each buffer parameter is replaced by its buffer's data pointer, in parameter order; scalar
//!   parameters stay as they are; the buffer map is emptied (the buffers remain in the body as
//!   views of those pointers, so their shapes and strides are compile-time facts of the callee);
//! - symbolic vars of parameter buffers (shapes, strides, `elem_offset`) that are not parameters
//!   themselves become trailing scalar parameters, in order of first appearance (TVM leaves them
//!   undefined, since its unpacked API is meant for static shapes);
//! - the body is wrapped in `T.attr("default", "device_id", 0)` and
//!   `T.attr("default", "device_type", 1)` (kDLCPU) when there were buffer parameters, and
//!   followed by `T.ret(0)`: the function returns 0 on success;
//! - the return type becomes `int32`;
//! - calls to public functions of the module pass a `tvm_stack_make_array` argument as its data
//!   pointer and return `int32`.
//!
//! Difference from TVM: TVM returns a function unchanged when its `target` attribute has no host;
//! here every public function is converted (the toolchain compiles for the host CPU), and the
//! `target` attribute is left as it is.

use std::collections::HashSet;

use super::block_lowering_util::{map_stmt_tree_exprs, rewrite_expr};
use crate::ir::visit::walk_expr;
use crate::ir::{
    AttrValue, Callee, DataType, Expr, GlobalVar, IRModule, IrError, Op, PrimExpr, PrimFunc, Stmt,
    StmtNode, Type, Var,
};
use crate::transform::pass::{Pass, PassError};

/// Applies the unpacked calling convention to every public function of `module`.
pub fn make_unpacked_api(module: &IRModule) -> Result<IRModule, IrError> {
    let external: HashSet<GlobalVar> = module
        .functions()
        .filter(|(_, f)| f.global_symbol().is_some())
        .map(|(gv, _)| gv.clone())
        .collect();
    let mut out = module.clone();
    for (gv, func) in module.functions() {
        let body = rewrite_calls(&func.body, &external)?;
        let func = PrimFunc { body, ..(**func).clone() };
        out.update(gv, unpack(func, gv.name())?)?;
    }
    Ok(out)
}

/// The pass `tir.MakeUnpackedAPI` (opt level 0, module pass).
pub fn pass() -> Pass {
    Pass::module("tir.MakeUnpackedAPI", 0, |m, _| make_unpacked_api(&m).map_err(PassError::from))
}

/// Calls to public functions: array arguments become data pointers, the result `int32`.
fn rewrite_calls(body: &Stmt, external: &HashSet<GlobalVar>) -> Result<Stmt, IrError> {
    map_stmt_tree_exprs(body, &mut |e| {
        rewrite_expr(e, &mut |node| match node.expr() {
            Expr::Call { op: Callee::Global(gv), args } if external.contains(gv) => {
                let args: Vec<PrimExpr> = args
                    .iter()
                    .map(|a| match a.expr() {
                        Expr::Call { op: Callee::Op(op), args: inner }
                            if op.name() == "tvm_stack_make_array" && !inner.is_empty() =>
                        {
                            inner[0].clone()
                        }
                        _ => a.clone(),
                    })
                    .collect();
                PrimExpr::new(
                    DataType::int32(),
                    Expr::Call { op: Callee::Global(gv.clone()), args },
                )
            }
            _ => Ok(node.clone()),
        })
    })
}

fn unpack(func: PrimFunc, name: &str) -> Result<PrimFunc, IrError> {
    if let Some(conv) = func.attrs.get("calling_conv") {
        let default = matches!(conv, AttrValue::Int(0))
            || matches!(conv, AttrValue::Expr(e) if e.as_int() == Some(0));
        if !default {
            return Ok(func);
        }
    }
    if func.global_symbol().is_none() {
        return Ok(func);
    }
    let mut params: Vec<Var> = func
        .params
        .iter()
        .map(|p| func.buffer_of(p).map_or_else(|| p.clone(), |b| b.data().clone()))
        .collect();
    // The buffer map defined the symbolic shape, stride and offset vars of parameter buffers;
    // without it they become trailing scalar parameters, in order of first appearance.
    for (_, buffer) in &func.buffer_map {
        let node = buffer.node();
        let exprs =
            node.shape.iter().chain(&node.strides).chain(std::iter::once(&node.elem_offset));
        for e in exprs {
            walk_expr(e, &mut |x| {
                if let Some(v) = x.as_var()
                    && !params.contains(v)
                {
                    params.push(v.clone());
                }
            });
        }
    }
    let ret = PrimExpr::call_op(
        DataType::int32(),
        Op::get("ret")
            .ok_or_else(|| IrError::invalid(format!("no `ret` op while lowering `{name}`")))?,
        vec![PrimExpr::i32(0)],
    )?;
    let mut body = Stmt::seq(vec![func.body.clone(), Stmt::evaluate(ret)]);
    if !func.buffer_map.is_empty() {
        for (key, value) in [("device_type", 1), ("device_id", 0)] {
            body = Stmt::new(StmtNode::AttrStmt {
                node: AttrValue::Str("default".into()),
                attr_key: key.into(),
                value: PrimExpr::i32(value),
                body,
            });
        }
    }
    Ok(PrimFunc {
        params,
        buffer_map: Vec::new(),
        body,
        ret_type: Type::Prim(DataType::int32()),
        attrs: func.attrs,
    })
}

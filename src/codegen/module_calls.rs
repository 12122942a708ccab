//! Calls between the functions of one module (`Module.other(...)`, a `Call` whose callee is a
//! `GlobalVar`): direct LLVM calls.
//!
//! Every compiled function returns an `i32` (see `func`). How the caller reads it depends on the
//! callee, as the interpreter does (`interp::bind::call_global`):
//! - a callee that returns nothing (`void`), or a public one (after `MakeUnpackedAPI` its `int32`
//!   is a status), returns a status: 0 on success, else the caller returns the same non-zero status
//!   at once (so a bounds violation or a failed assertion in the callee stops the caller too), and
//!   the call's value is 0;
//! - a private callee declared to return an integer of at most 32 bits returns its `T.ret` value,
//!   truncated to the declared type, and that is the call's value.
//!
//! A private function (no `global_symbol`) has `internal` linkage: the optimiser may inline it and
//! it is not exported; its `_packed` entry stays public so the runtime can still call it by name.
//! Invariant: `ModuleState::callees` holds every function of the module before any body is emitted.

use std::collections::HashMap;

use crate::ir::{DataType, PrimExpr, PrimFunc, Type};

use super::CodegenError;
use super::emitter::{FuncEmitter, Val};
use super::func::{ArgKind, FuncAbi};
use super::types::llvm_type;

/// What a caller needs to know about a module function.
#[derive(Clone, Debug)]
pub struct CalleeInfo {
    /// The LLVM symbol of the direct entry point.
    pub symbol: String,
    /// The dtype of each declared parameter (handles are pointers).
    pub params: Vec<DataType>,
    /// Symbolic buffer dimensions the callee takes after its parameters.
    pub shape_args: usize,
    /// The integer type the callee returns as a value, or `None` for a status.
    pub value: Option<DataType>,
}

/// The callee table of a module, by function name.
pub type Callees = HashMap<String, CalleeInfo>;

/// What a caller needs to know about `func` (lowered), compiled under `abi`.
pub fn callee_info(abi: &FuncAbi, func: &PrimFunc) -> CalleeInfo {
    let shape_args = abi.args.iter().filter(|a| matches!(a.kind, ArgKind::ShapeVar { .. })).count();
    let value = match &func.ret_type {
        Type::Prim(dtype)
            if func.global_symbol().is_none()
                && !dtype.is_void()
                && dtype.is_scalar()
                && (dtype.is_integer() || dtype.is_bool())
                && dtype.bits <= 32 =>
        {
            Some(*dtype)
        }
        _ => None,
    };
    CalleeInfo {
        symbol: abi.symbol.clone(),
        params: func.params.iter().map(|p| p.dtype()).collect(),
        shape_args,
        value,
    }
}

/// Whether a function's return type is one a caller can read (`void`, or an integer of at most
/// 32 bits for a private function); public functions return a status after `MakeUnpackedAPI`.
pub fn check_return_type(func: &PrimFunc) -> Result<(), CodegenError> {
    match &func.ret_type {
        Type::Prim(dtype) if func.global_symbol().is_none() => {
            let readable = dtype.is_void()
                || (dtype.is_scalar()
                    && (dtype.is_integer() || dtype.is_bool())
                    && dtype.bits <= 32);
            if readable {
                Ok(())
            } else {
                Err(CodegenError::unsupported(format!(
                    "a module function returning {dtype} (functions return an integer of at most \
                     32 bits or nothing)"
                )))
            }
        }
        _ => Ok(()),
    }
}

impl FuncEmitter<'_> {
    /// Emits a direct call of the module function `name` with `args`; `dtype` is the call's.
    pub fn call_module_function(
        &mut self,
        name: &str,
        args: &[PrimExpr],
        dtype: DataType,
    ) -> Result<Val, CodegenError> {
        let info = self.module.callees.get(name).cloned().ok_or_else(|| {
            CodegenError::invalid(format!("call of `{name}`, which is not in the module"))
        })?;
        if info.shape_args > 0 {
            return Err(CodegenError::unsupported(format!(
                "calling `{name}`, whose buffers have symbolic dimensions that are not parameters \
                 (a call cannot pass them)"
            )));
        }
        if args.len() != info.params.len() {
            return Err(CodegenError::invalid(format!(
                "`{name}` takes {} arguments, the call gives {}",
                info.params.len(),
                args.len()
            )));
        }
        let mut list = Vec::with_capacity(args.len());
        for (arg, param) in args.iter().zip(&info.params) {
            let v = self.expr(arg)?;
            let v = if param.is_handle() {
                if v.ty != "ptr" {
                    return Err(CodegenError::invalid(format!(
                        "argument {} of `{name}` must be a pointer, not {}",
                        list.len(),
                        arg.dtype()
                    )));
                }
                v
            } else if arg.dtype() != *param {
                self.cast(&v, arg.dtype(), *param)?
            } else {
                v
            };
            list.push(v.typed());
        }
        let result = self.assign("i32", &format!("call i32 @{}({})", info.symbol, list.join(", ")));
        let call_ty = if dtype.is_void() { "i32".to_string() } else { llvm_type(dtype)? };
        match info.value {
            Some(value_dtype) => {
                let v = self.cast(&result, DataType::int32(), value_dtype)?;
                if dtype.is_void() || dtype == value_dtype {
                    Ok(v)
                } else {
                    self.cast(&v, value_dtype, dtype)
                }
            }
            None => {
                let failed = self.assign("i1", &format!("icmp ne i32 {}, 0", result.repr));
                let fail = self.label("call_fail");
                let ok = self.label("call_ok");
                self.line(&format!("br i1 {}, label %{fail}, label %{ok}", failed.repr));
                self.start_block(&fail);
                self.line(&format!("ret i32 {}", result.repr));
                self.start_block(&ok);
                let zero = match call_ty.as_str() {
                    "ptr" => "null",
                    _ if dtype.is_floating() => "0.0",
                    _ => "0",
                };
                Ok(Val::new(call_ty, zero))
            }
        }
    }
}

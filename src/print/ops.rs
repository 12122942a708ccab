//! How calls to operators print: the TVMScript name of each op (TVM's `TScriptPrinterName`
//! attribute) and where the call's dtype goes among the arguments (`TScriptDtypePrintLocation`).
//!
//! Every op registered through `TVM_TIR_REGISTER_OP` prints under its own name; the packed-call
//! builtins are renamed (`tvm_call_packed` → `call_packed`, ...). The table of dtype locations
//! follows `src/tir/op/builtin.cc` and `src/tir/ir/stmt.cc` (`type_annotation`) of TVM v0.23.

use crate::ir::Op;

/// Where the dtype of a call is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DtypeLocation {
    None,
    First,
    Last,
}

/// The name `T.<name>` a call to `op` prints with.
pub(crate) fn printer_name(op: Op) -> &'static str {
    match op.name() {
        "tvm_call_packed" => "call_packed",
        "tvm_call_cpacked" => "call_cpacked",
        "tvm_call_packed_lowered" => "call_packed_lowered",
        "tvm_call_cpacked_lowered" => "call_cpacked_lowered",
        name => name,
    }
}

/// Where the dtype of a call to `op` is printed.
pub(crate) fn dtype_location(op: Op) -> DtypeLocation {
    match op.name() {
        "reinterpret"
        | "call_extern"
        | "call_pure_extern"
        | "call_llvm_intrin"
        | "call_llvm_pure_intrin"
        | "ptx_mma"
        | "ptx_mma_sp"
        | "ptx_ldmatrix"
        | "ptx_cp_async"
        | "ptx_cp_async_bulk"
        | "mma_store"
        | "mma_fill"
        | "vectorhigh"
        | "vectorlow"
        | "vectorcombine"
        | "dp4a"
        | "get_active_lane_mask"
        | "type_annotation" => DtypeLocation::First,
        "tvm_struct_get" => DtypeLocation::Last,
        _ => DtypeLocation::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_calls_are_renamed_and_extern_calls_lead_with_their_dtype() {
        let op = |n: &str| Op::get(n).expect("registered op");
        assert_eq!(printer_name(op("tvm_call_packed")), "call_packed");
        assert_eq!(printer_name(op("exp")), "exp");
        assert_eq!(dtype_location(op("call_extern")), DtypeLocation::First);
        assert_eq!(dtype_location(op("tvm_struct_get")), DtypeLocation::Last);
        assert_eq!(dtype_location(op("sqrt")), DtypeLocation::None);
        assert_eq!(dtype_location(op("type_annotation")), DtypeLocation::First);
    }
}

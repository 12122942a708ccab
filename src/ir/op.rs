//! The registry of TIR operators (`Op`): every builtin a `Call` can name, with its arity and effect.
//!
//! Invariants: the registry is a fixed table built once; names are TVM's registry names without the
//! `tir.` prefix (`exp`, `if_then_else`, `tvm_access_ptr`, ...); each name appears once; an `Op` is a
//! reference into the table, so equality is name equality. Arity `None` means variadic. The table
//! follows TVM v0.23's `src/tir/op/builtin.cc` and `op.cc` registrations.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// How a call affects program state, as TVM's `CallEffectKind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallEffectKind {
    ExprAnnotation,
    Pure,
    ReadState,
    UpdateState,
    Opaque,
    SpecialCallArg,
    EmbedInfo,
    ControlJump,
}

/// One registered operator.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct OpDef {
    /// The name without the `tir.` prefix.
    pub name: &'static str,
    /// The number of arguments, `None` when variadic.
    pub arity: Option<usize>,
    pub effect: CallEffectKind,
}

impl OpDef {
    pub fn is_pure(&self) -> bool {
        matches!(self.effect, CallEffectKind::Pure | CallEffectKind::ExprAnnotation)
    }
}

/// A handle to a registered operator.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Op(&'static OpDef);

impl Op {
    /// Looks up an operator by name, with or without the `tir.` prefix.
    pub fn get(name: &str) -> Option<Op> {
        let name = name.strip_prefix("tir.").unwrap_or(name);
        registry().by_name.get(name).map(|&index| Op(&registry().defs[index]))
    }
    /// Looks up an operator known to be in the table; used for the builtins the library itself emits.
    pub(crate) fn builtin(name: &str) -> Op {
        match Op::get(name) {
            Some(op) => op,
            None => unreachable!("builtin op `{name}` is missing from the registry table"),
        }
    }
    pub fn name(&self) -> &'static str {
        self.0.name
    }
    pub fn def(&self) -> &'static OpDef {
        self.0
    }
    /// Every registered operator, in table order.
    pub fn all() -> impl Iterator<Item = Op> {
        registry().defs.iter().map(Op)
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tir.{}", self.0.name)
    }
}

struct Registry {
    defs: Vec<OpDef>,
    by_name: HashMap<&'static str, usize>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let defs = table();
        let by_name = defs.iter().enumerate().map(|(i, d)| (d.name, i)).collect();
        Registry { defs, by_name }
    })
}

const fn op(name: &'static str, arity: Option<usize>, effect: CallEffectKind) -> OpDef {
    OpDef { name, arity, effect }
}

fn table() -> Vec<OpDef> {
    vec![
        op("reinterpret", Some(1), CallEffectKind::Pure),
        op("ret", Some(1), CallEffectKind::ControlJump),
        op("thread_return", Some(0), CallEffectKind::ControlJump),
        op("continue_loop", Some(0), CallEffectKind::ControlJump),
        op("break_loop", Some(0), CallEffectKind::ControlJump),
        op("likely", Some(1), CallEffectKind::ExprAnnotation),
        op("bitwise_and", Some(2), CallEffectKind::Pure),
        op("bitwise_or", Some(2), CallEffectKind::Pure),
        op("bitwise_xor", Some(2), CallEffectKind::Pure),
        op("bitwise_not", Some(1), CallEffectKind::Pure),
        op("shift_left", Some(2), CallEffectKind::Pure),
        op("shift_right", Some(2), CallEffectKind::Pure),
        op("large_uint_imm", Some(2), CallEffectKind::Pure),
        op("address_of", Some(1), CallEffectKind::Pure),
        op("if_then_else", Some(3), CallEffectKind::Pure),
        op("q_multiply_shift", Some(3), CallEffectKind::Pure),
        op("q_multiply_shift_per_axis", Some(7), CallEffectKind::Pure),
        op("isnullptr", Some(1), CallEffectKind::Pure),
        op("isnan", Some(1), CallEffectKind::Pure),
        op("popcount", Some(1), CallEffectKind::Pure),
        op("fma", Some(3), CallEffectKind::Pure),
        op("call_extern", None, CallEffectKind::Opaque),
        op("call_pure_extern", None, CallEffectKind::Pure),
        op("call_llvm_intrin", None, CallEffectKind::Opaque),
        op("call_llvm_pure_intrin", None, CallEffectKind::Pure),
        op("call_spirv_pure_glsl450", None, CallEffectKind::Pure),
        op("prefetch", None, CallEffectKind::Opaque),
        op("tvm_access_ptr", Some(5), CallEffectKind::SpecialCallArg),
        op("tvm_static_handle", Some(0), CallEffectKind::SpecialCallArg),
        op("tvm_context_id", Some(0), CallEffectKind::ReadState),
        op("tvm_tuple", None, CallEffectKind::EmbedInfo),
        op("handle_add_byte_offset", Some(2), CallEffectKind::Pure),
        op("tvm_struct_get", Some(3), CallEffectKind::ReadState),
        op("tvm_struct_set", Some(4), CallEffectKind::UpdateState),
        op("lookup_param", Some(4), CallEffectKind::UpdateState),
        op("tvm_throw_last_error", Some(0), CallEffectKind::Opaque),
        op("tvm_stack_alloca", Some(2), CallEffectKind::Opaque),
        op("tvm_stack_make_shape", None, CallEffectKind::Opaque),
        op("tvm_stack_make_array", Some(6), CallEffectKind::Opaque),
        op("tvm_call_packed", None, CallEffectKind::Opaque),
        op("tvm_call_cpacked", None, CallEffectKind::Opaque),
        op("tvm_call_trace_packed", None, CallEffectKind::Opaque),
        op("tvm_thread_context", Some(1), CallEffectKind::Opaque),
        op("tvm_thread_invariant", Some(1), CallEffectKind::Pure),
        op("tvm_call_packed_lowered", None, CallEffectKind::Opaque),
        op("tvm_call_cpacked_lowered", None, CallEffectKind::Opaque),
        op("tvm_call_trace_packed_lowered", None, CallEffectKind::Opaque),
        op("tvm_storage_sync", None, CallEffectKind::Opaque),
        op("tvm_warp_shuffle", None, CallEffectKind::Opaque),
        op("tvm_warp_shuffle_up", None, CallEffectKind::Opaque),
        op("tvm_warp_shuffle_down", None, CallEffectKind::Opaque),
        op("tvm_warp_activemask", None, CallEffectKind::Opaque),
        op("tvm_global_barrier_kinit", None, CallEffectKind::Opaque),
        op("tvm_thread_allreduce", None, CallEffectKind::Opaque),
        op("tvm_load_matrix_sync", None, CallEffectKind::ReadState),
        op("tvm_mma_sync", None, CallEffectKind::Opaque),
        op("tvm_bmma_sync", None, CallEffectKind::Opaque),
        op("tvm_fill_fragment", None, CallEffectKind::Opaque),
        op("tvm_store_matrix_sync", None, CallEffectKind::Opaque),
        op("ptx_mma", None, CallEffectKind::Opaque),
        op("ptx_ldg32", Some(4), CallEffectKind::Pure),
        op("ptx_mma_sp", None, CallEffectKind::Opaque),
        op("ptx_ldmatrix", None, CallEffectKind::Opaque),
        op("ptx_cp_async", None, CallEffectKind::Opaque),
        op("ptx_cp_async_bulk", None, CallEffectKind::Opaque),
        op("ptx_commit_group", None, CallEffectKind::Opaque),
        op("ptx_wait_group", None, CallEffectKind::Opaque),
        op("ptx_cp_async_barrier", None, CallEffectKind::Opaque),
        op("ptx_init_barrier_thread_count", None, CallEffectKind::Opaque),
        op("ptx_arrive_barrier", None, CallEffectKind::Opaque),
        op("ptx_arrive_barrier_expect_tx", None, CallEffectKind::Opaque),
        op("ptx_wait_barrier", None, CallEffectKind::Opaque),
        op("create_barriers", None, CallEffectKind::Opaque),
        op("mma_store", None, CallEffectKind::Opaque),
        op("mma_fill", None, CallEffectKind::Opaque),
        op("make_filled_simdgroup_matrix", None, CallEffectKind::Opaque),
        op("simdgroup_load", None, CallEffectKind::Opaque),
        op("simdgroup_store", None, CallEffectKind::Opaque),
        op("simdgroup_multiply_accumulate", None, CallEffectKind::Opaque),
        op("vectorhigh", None, CallEffectKind::Pure),
        op("vectorlow", None, CallEffectKind::Pure),
        op("vectorcombine", None, CallEffectKind::Pure),
        op("dp4a", None, CallEffectKind::Pure),
        op("atomic_add", None, CallEffectKind::Opaque),
        op("nd_mem_alloc_with_scope", None, CallEffectKind::Opaque),
        op("texture2d_store", None, CallEffectKind::Opaque),
        op("texture2d_load", None, CallEffectKind::Opaque),
        op("dma_copy", None, CallEffectKind::Opaque),
        op("dma_wait", None, CallEffectKind::Opaque),
        op("dma_start_group", None, CallEffectKind::Opaque),
        op("dma_end_group", None, CallEffectKind::Opaque),
        op("assume", Some(1), CallEffectKind::EmbedInfo),
        op("undef", Some(0), CallEffectKind::ReadState),
        op("start_profile_intrinsic", None, CallEffectKind::Pure),
        op("end_profile_intrinsic", None, CallEffectKind::Pure),
        op("anylist_getitem", None, CallEffectKind::ReadState),
        op("anylist_resetitem", None, CallEffectKind::Opaque),
        op("anylist_setitem_call_packed", None, CallEffectKind::Opaque),
        op("anylist_setitem_call_cpacked", None, CallEffectKind::Opaque),
        op("vscale", Some(0), CallEffectKind::Pure),
        op("get_active_lane_mask", Some(2), CallEffectKind::Pure),
        op("ignore_loop_partition", Some(1), CallEffectKind::Pure),
        op("acos", Some(1), CallEffectKind::Pure),
        op("acosh", Some(1), CallEffectKind::Pure),
        op("asin", Some(1), CallEffectKind::Pure),
        op("asinh", Some(1), CallEffectKind::Pure),
        op("atan", Some(1), CallEffectKind::Pure),
        op("atanh", Some(1), CallEffectKind::Pure),
        op("ceil", Some(1), CallEffectKind::Pure),
        op("clz", Some(1), CallEffectKind::Pure),
        op("cos", Some(1), CallEffectKind::Pure),
        op("cosh", Some(1), CallEffectKind::Pure),
        op("erf", Some(1), CallEffectKind::Pure),
        op("exp", Some(1), CallEffectKind::Pure),
        op("exp10", Some(1), CallEffectKind::Pure),
        op("exp2", Some(1), CallEffectKind::Pure),
        op("fabs", Some(1), CallEffectKind::Pure),
        op("floor", Some(1), CallEffectKind::Pure),
        op("log", Some(1), CallEffectKind::Pure),
        op("log10", Some(1), CallEffectKind::Pure),
        op("log1p", Some(1), CallEffectKind::Pure),
        op("log2", Some(1), CallEffectKind::Pure),
        op("nearbyint", Some(1), CallEffectKind::Pure),
        op("round", Some(1), CallEffectKind::Pure),
        op("rsqrt", Some(1), CallEffectKind::Pure),
        op("sigmoid", Some(1), CallEffectKind::Pure),
        op("sin", Some(1), CallEffectKind::Pure),
        op("sinh", Some(1), CallEffectKind::Pure),
        op("sqrt", Some(1), CallEffectKind::Pure),
        op("tan", Some(1), CallEffectKind::Pure),
        op("tanh", Some(1), CallEffectKind::Pure),
        op("trunc", Some(1), CallEffectKind::Pure),
        op("atan2", Some(2), CallEffectKind::Pure),
        op("copysign", Some(2), CallEffectKind::Pure),
        op("hypot", Some(2), CallEffectKind::Pure),
        op("ldexp", Some(2), CallEffectKind::Pure),
        op("nextafter", Some(2), CallEffectKind::Pure),
        op("pow", Some(2), CallEffectKind::Pure),
        op("fmod", Some(2), CallEffectKind::Pure),
        op("type_annotation", Some(0), CallEffectKind::Pure),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found_with_or_without_prefix() {
        let defs = table();
        let mut seen = std::collections::HashSet::new();
        for def in &defs {
            assert!(seen.insert(def.name), "duplicate op {}", def.name);
        }
        assert_eq!(Op::get("tir.exp"), Op::get("exp"));
        assert_eq!(Op::get("if_then_else").and_then(|o| o.def().arity), Some(3));
        assert!(Op::get("call_extern").is_some_and(|o| o.def().arity.is_none()));
        assert!(Op::get("no_such_op").is_none());
    }

    #[test]
    fn purity_follows_the_effect_kind() {
        assert!(Op::builtin("sqrt").def().is_pure());
        assert!(Op::builtin("likely").def().is_pure());
        assert!(!Op::builtin("tvm_storage_sync").def().is_pure());
        assert!(!Op::builtin("call_extern").def().is_pure());
    }
}

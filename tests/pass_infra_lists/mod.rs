//! The allow-lists of the pipeline check (`tests/pass_infra_pipeline.rs`): every function with
//! buffers that it does not compare is on one of them, with why. Each entry names a file relative
//! to the repository root (and a function); an entry that no longer applies, or that matches no
//! file, fails the check, so the lists only shrink.

/// Inputs some pass rejects, each with why. TVM rejects them too: they are error-case goldens,
/// TensorIR with `BufferRealize`, or constraints TVM's passes check. A listed file that lowers
/// fails the test.
pub const PASS_REJECTS: &[(&str, &str)] = &[
    (
        "tests/parse/ok/stmts/realize.tir",
        "BufferRealize is not allowed in TensorIR (PlanAndUpdateBufferAllocationLocation)",
    ),
    (
        "tests/passes/lower_init_block/match_buffer_init.before.tir",
        "a match_buffer view with elem_offset 0 matches a region starting at i, which \
         LowerMatchBuffer rejects as TVM's does; the golden is LowerInitBlock's alone",
    ),
    (
        "tests/passes/lower_init_block/match_buffer_init.after.tir",
        "the same view as match_buffer_init.before.tir",
    ),
    (
        "tests/passes/plan_and_update_buffer_allocation_location/match_buffer_source.before.tir",
        "a match_buffer view with elem_offset 0 matches a region starting at j, which \
         LowerMatchBuffer rejects as TVM's does; the golden is that pass's alone",
    ),
    (
        "tests/passes/plan_and_update_buffer_allocation_location/match_buffer_source.after.tir",
        "the same view as match_buffer_source.before.tir",
    ),
    (
        "tests/passes/lower_match_buffer/err/dtype_mismatch.tir",
        "error case: view and source dtypes differ",
    ),
    (
        "tests/passes/lower_match_buffer/err/offset_factor_unmet.tir",
        "error case: the region start does not meet the view's offset_factor",
    ),
    (
        "tests/passes/lower_match_buffer/err/offset_not_bindable.tir",
        "error case: elem_offset 0 cannot equal the region start i * 16",
    ),
    (
        "tests/passes/remove_no_op/unused_let_and_decl.before.tir",
        "CompactBufferAllocation rejects the unused top-level T.decl_buffer; the golden is the \
         input of RemoveNoOp, which deletes it",
    ),
    (
        "tests/passes/canonicalize_loop/err/unprovable_step.tir",
        "error case: a loop step not provably positive",
    ),
    ("tests/passes/canonicalize_loop/err/zero_step.tir", "error case: a zero loop step"),
    ("tests/passes/unroll_loop/err/symbolic_unroll.tir", "error case: unrolling a symbolic extent"),
    (
        "tests/passes/annotate_irregular_loop/err/parallel.tir",
        "error case: a parallel loop that breaks",
    ),
    (
        "tests/passes/annotate_irregular_loop/err/unroll_pragma.tir",
        "error case: an auto-unroll pragma on a loop that continues",
    ),
    (
        "tests/passes/annotate_irregular_loop/err/unrolled_kind.tir",
        "error case: a T.unroll loop that breaks",
    ),
    (
        "tests/passes/inject_virtual_thread/err/while_loop.tir",
        "error case: a while loop in a virtual thread",
    ),
    (
        "tests/passes/inject_virtual_thread/err/address_use.tir",
        "error case: the address of an allocation a virtual thread expands",
    ),
    (
        "tests/passes/inject_virtual_thread/err/symbolic_count.tir",
        "error case: a virtual thread count that is not a constant",
    ),
    (
        "tests/passes/inject_double_buffer/err/outside_loop.tir",
        "error case: a double_buffer_scope outside any loop",
    ),
    (
        "tests/passes/inject_double_buffer/err/allocated_outside_loop.tir",
        "error case: a double buffer allocated outside the loop of its scope",
    ),
    (
        "tests/passes/inject_double_buffer/err/store_outside_scope.tir",
        "error case: a store to a double buffer after its scope",
    ),
    (
        "tests/passes/inject_double_buffer/err/load_before_scope.tir",
        "error case: a load of a double buffer before its scope",
    ),
    (
        "tests/passes/vectorize_loop/err/symbolic_extent.tir",
        "error case: vectorizing a symbolic extent",
    ),
    (
        "tests/passes/vectorize_loop/err/while_inside.tir",
        "error case: a while loop in a vector loop",
    ),
    (
        "tests/syntax/ok/ir_module_attrs.tir",
        "T.unroll(m) has a symbolic extent, which UnrollLoop cannot unroll (TVM's neither)",
    ),
];

/// Functions the interpreter cannot run before lowering, each with why the program has no
/// meaning it could compute on random inputs. A listed function that runs fails the test.
pub const NOT_RUNNABLE: &[(&str, &str, &str)] = &[
    (
        "tests/codegen_module/add_sve.tir",
        "add_sve",
        "a scalable vector: its length is the target hardware's vscale, which a run must not pick",
    ),
    (
        "tests/codegen_module/tail_sve.tir",
        "tail_sve",
        "a scalable vector: its length is the target hardware's vscale, which a run must not pick",
    ),
    (
        "tests/parse/ok/blocks/axis_scan.tir",
        "axis_scan",
        "reads B[vi - 1] at vi = 0: the program loads out of bounds",
    ),
    (
        "tests/parse/ok/buffers/access_ptr.tir",
        "access_ptr",
        "calls the opaque extern function `fill`, which has no definition",
    ),
    (
        "tests/parse/ok/buffers/buffer_data_member.tir",
        "buffer_data_member",
        "calls the opaque extern function `use_ptr`, which has no definition",
    ),
    (
        "tests/parse/ok/exprs/vscale.tir",
        "vscale",
        "a scalable vector: its length is the target hardware's vscale, which a run must not pick",
    ),
    (
        "tests/parse/ok/intrinsics/address_of.tir",
        "address_of",
        "calls the opaque extern function `consume`, which has no definition",
    ),
    (
        "tests/parse/ok/intrinsics/call_cpacked.tir",
        "call_cpacked",
        "a packed call of a function registered with the TVM runtime",
    ),
    (
        "tests/parse/ok/intrinsics/call_extern.tir",
        "call_extern",
        "calls the opaque extern function `my_func`, which has no definition",
    ),
    (
        "tests/parse/ok/intrinsics/call_packed.tir",
        "call_packed",
        "a packed call of a function registered with the TVM runtime",
    ),
    (
        "tests/parse/ok/intrinsics/warp_shuffle.tir",
        "warp_shuffle",
        "tvm_warp_shuffle exchanges values between GPU threads, which run one after another here",
    ),
    (
        "tests/parse/sugar/buffer_access_ptr_method.input.tir",
        "buffer_access_ptr_method",
        "calls the opaque extern function `fill`, which has no definition",
    ),
    (
        "tests/parse/sugar/buffer_access_ptr_method.tir",
        "buffer_access_ptr_method",
        "calls the opaque extern function `fill`, which has no definition",
    ),
    (
        "tests/parse/sugar/evaluate_wrapped_call.input.tir",
        "evaluate_wrapped_call",
        "calls the opaque extern function `f`, which has no definition",
    ),
    (
        "tests/parse/sugar/evaluate_wrapped_call.tir",
        "evaluate_wrapped_call",
        "calls the opaque extern function `f`, which has no definition",
    ),
    (
        "tests/passes/compact_buffer_allocation/annotated_opaque_access.after.tir",
        "main",
        "calls the opaque extern function `opaque_extern_function`, which has no definition",
    ),
    (
        "tests/passes/compact_buffer_allocation/annotated_opaque_access.before.tir",
        "main",
        "calls the opaque extern function `opaque_extern_function`, which has no definition",
    ),
    (
        "tests/print/stmts/evaluate_calls.tir",
        "main",
        "calls the opaque extern function `my_function`, which has no definition",
    ),
    (
        "tests/syntax/ok/lowered_cpu.tir",
        "fused",
        "packed-API code: tvm_stack_alloca and a packed call of tvm.contrib.sort",
    ),
    (
        "tests/syntax/ok/lowered_gpu.tir",
        "default_function",
        "a GPU kernel: tvm_storage_sync is a barrier between threads that run one after another here",
    ),
    (
        "tests/syntax/ok/python_forms.tir",
        "forms",
        "calls puts and printf for their output, and makes a packed call",
    ),
    (
        "tests/syntax/ok/reduction.tir",
        "allreduce",
        "tvm_thread_allreduce reduces across GPU threads, which run one after another here",
    ),
];

/// Functions whose loops run more than `MAX_LOOP_ITERATIONS` times: interpreting them twice would
/// take tens of seconds to minutes in this debug-build test. The count is computed from the loop
/// extents before anything runs; a listed function under the budget fails the test.
pub const TOO_LARGE: &[(&str, &str)] = &[
    ("tests/parse/ok/blocks/matmul.tir", "main"),
    ("tests/parse/ok/blocks/matmul_int8.tir", "matmul_int8"),
    ("tests/syntax/ok/matmul.tir", "main"),
    ("examples/conv2d.tir", "conv2d"),
    ("examples/matmul.tir", "matmul"),
    ("examples/matmul_scheduled.tir", "matmul_scheduled"),
    ("examples/reduction.tir", "row_sum"),
];

/// The allow-lists and which of their entries were used.
#[derive(Default)]
pub struct Lists {
    used_rejects: Vec<bool>,
    used_not_runnable: Vec<bool>,
    used_too_large: Vec<bool>,
}

impl Lists {
    pub fn new() -> Lists {
        Lists {
            used_rejects: vec![false; PASS_REJECTS.len()],
            used_not_runnable: vec![false; NOT_RUNNABLE.len()],
            used_too_large: vec![false; TOO_LARGE.len()],
        }
    }
    pub fn reject(&mut self, file: &str) -> Option<&'static str> {
        let i = PASS_REJECTS.iter().position(|(f, _)| *f == file)?;
        self.used_rejects[i] = true;
        Some(PASS_REJECTS[i].1)
    }
    pub fn not_runnable(&mut self, file: &str, func: &str) -> Option<&'static str> {
        let i = NOT_RUNNABLE.iter().position(|(f, g, _)| *f == file && *g == func)?;
        self.used_not_runnable[i] = true;
        Some(NOT_RUNNABLE[i].2)
    }
    pub fn too_large(&mut self, file: &str, func: &str) -> bool {
        let Some(i) = TOO_LARGE.iter().position(|(f, g)| *f == file && *g == func) else {
            return false;
        };
        self.used_too_large[i] = true;
        true
    }
    /// Entries that matched nothing: their file or function is gone or renamed.
    pub fn stale(&self) -> Vec<String> {
        let rejects = PASS_REJECTS.iter().zip(&self.used_rejects).map(|((f, _), u)| (*f, "", *u));
        let runnable =
            NOT_RUNNABLE.iter().zip(&self.used_not_runnable).map(|((f, g, _), u)| (*f, *g, *u));
        let large = TOO_LARGE.iter().zip(&self.used_too_large).map(|((f, g), u)| (*f, *g, *u));
        rejects
            .chain(runnable)
            .chain(large)
            .filter(|(_, _, used)| !used)
            .map(|(f, g, _)| format!("{f} `{g}` is listed but was not seen: update the list"))
            .collect()
    }
}

//! The default pipeline checked by the interpreter: for every TVMScript program in `tests/` and
//! `examples/`, each function with buffers (buffer parameters, pointer parameters, or buffers
//! declared or allocated in its body) runs on seeded random inputs before and after
//! `run_pipeline(default_pipeline(llvm))`, and the outputs must be bit-identical. Whether the
//! verifier accepts the IR after every pass is counted and printed, not asserted here (that is
//! the verifier's and each pass's own test); a lowered function that fails to run is only a
//! failure when the verifier accepted every pass's output.
//!
//! Nothing is skipped silently: a function that is not compared is either a program a pass
//! rejects (`PASS_REJECTS`), one the interpreter cannot run before lowering (`NOT_RUNNABLE`), or
//! one too large to interpret in this debug-build test (`TOO_LARGE`, decided statically from its
//! loop extents so no time is spent on it). Each list names the file (and function) and why; an
//! entry that no longer applies fails the test, so the lists only shrink. The tally and every
//! skipped function are printed (`cargo test --test pass_infra_pipeline -- --nocapture`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tirscript::interp::{
    Addressing, ArgValue, InterpOptions, adapt_args, random_args_with_extent, run_func_with,
};
use tirscript::ir::visit::walk_stmt;
use tirscript::ir::{IRModule, PrimFunc, Stmt, StmtNode};
use tirscript::transform::pipeline::{Target, default_pipeline};
use tirscript::transform::{PassContext, VerifyEach, run_pipeline};

fn tir_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            tir_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "tir") {
            out.push(path);
        }
    }
}

fn outputs(args: &[ArgValue]) -> Vec<Vec<u64>> {
    args.iter()
        .filter_map(ArgValue::as_array)
        .map(|a| {
            a.to_f64_vec()
                .into_iter()
                .map(|v| if v.is_nan() { u64::MAX } else { v.to_bits() })
                .collect()
        })
        .collect()
}

/// Programs known to fail, each with the pass bug behind it. A listed program that starts to pass
/// fails the test, so the list only shrinks.
const KNOWN_FAILURES: &[(&str, &str)] = &[
    (
        "tests/passes/fp8_compute_legalize/local_alloc.before.tir",
        "FP8ComputeLegalize keeps the float8 accumulator in float32 (as TVM's does), so the sum \
         is rounded once, not after every addition: a change of numerics by design, not a bug",
    ),
    (
        "tests/passes/bf16_compute_legalize/local_alloc.before.tir",
        "BF16ComputeLegalize keeps the bfloat16 accumulator in float32 (as TVM's does), so the \
         sum is rounded once, not after every addition: a change of numerics by design, not a bug",
    ),
];

fn known_failure(file: &str) -> Option<&'static str> {
    KNOWN_FAILURES.iter().find(|(p, _)| *p == file).map(|(_, why)| *why)
}

/// Inputs some pass rejects, each with why. TVM rejects them too: they are error-case goldens,
/// TensorIR with `BufferRealize`, or constraints TVM's passes check. A listed file that lowers
/// fails the test.
const PASS_REJECTS: &[(&str, &str)] = &[
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
const NOT_RUNNABLE: &[(&str, &str, &str)] = &[
    (
        "tests/codegen_module/add_sve.tir",
        "add_sve",
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
const TOO_LARGE: &[(&str, &str)] = &[
    ("tests/parse/ok/blocks/matmul.tir", "main"),
    ("tests/parse/ok/blocks/matmul_int8.tir", "matmul_int8"),
    ("tests/syntax/ok/matmul.tir", "main"),
    ("examples/conv2d.tir", "conv2d"),
    ("examples/matmul.tir", "matmul"),
    ("examples/matmul_scheduled.tir", "matmul_scheduled"),
    ("examples/reduction.tir", "row_sum"),
];

/// The most loop iterations a compared function may run (symbolic extents count as 8).
const MAX_LOOP_ITERATIONS: u64 = 100_000;

/// The value every symbolic shape var and integer scalar parameter takes.
const SYMBOLIC_EXTENT: i64 = 8;

/// Whether `func` touches memory: buffer or pointer parameters, or buffers in its body.
fn has_buffers(func: &PrimFunc) -> bool {
    if !func.buffer_map.is_empty() || func.params.iter().any(|p| p.dtype().is_handle()) {
        return true;
    }
    let mut found = false;
    walk_stmt(&func.body, &mut |s| {
        found |= match s.node() {
            StmtNode::BufferStore { .. }
            | StmtNode::Allocate { .. }
            | StmtNode::AllocateConst { .. }
            | StmtNode::DeclBuffer { .. }
            | StmtNode::BufferRealize { .. } => true,
            StmtNode::Block(block) => !block.alloc_buffers.is_empty(),
            _ => false,
        };
    });
    found
}

/// How many loop iterations `s` runs, counting a symbolic extent as `SYMBOLIC_EXTENT`.
fn loop_iterations(s: &Stmt) -> u64 {
    let mut stmts = Vec::new();
    let mut exprs = Vec::new();
    tirscript::ir::visit::stmt_parts(s, &mut stmts, &mut exprs);
    let inner = stmts.iter().fold(0u64, |acc, c| acc.saturating_add(loop_iterations(c)));
    match s.node() {
        StmtNode::For(f) => {
            let extent = f.extent.as_int().unwrap_or(SYMBOLIC_EXTENT).max(0) as u64;
            extent.saturating_mul(inner.saturating_add(1))
        }
        StmtNode::While { .. } => (SYMBOLIC_EXTENT as u64).saturating_mul(inner.saturating_add(1)),
        _ => inner,
    }
}

/// The allow-lists and which of their entries were used.
#[derive(Default)]
struct Lists {
    used_rejects: Vec<bool>,
    used_not_runnable: Vec<bool>,
    used_too_large: Vec<bool>,
}

impl Lists {
    fn new() -> Lists {
        Lists {
            used_rejects: vec![false; PASS_REJECTS.len()],
            used_not_runnable: vec![false; NOT_RUNNABLE.len()],
            used_too_large: vec![false; TOO_LARGE.len()],
        }
    }
    fn reject(&mut self, file: &str) -> Option<&'static str> {
        let i = PASS_REJECTS.iter().position(|(f, _)| *f == file)?;
        self.used_rejects[i] = true;
        Some(PASS_REJECTS[i].1)
    }
    fn not_runnable(&mut self, file: &str, func: &str) -> Option<&'static str> {
        let i = NOT_RUNNABLE.iter().position(|(f, g, _)| *f == file && *g == func)?;
        self.used_not_runnable[i] = true;
        Some(NOT_RUNNABLE[i].2)
    }
    fn too_large(&mut self, file: &str, func: &str) -> bool {
        let Some(i) = TOO_LARGE.iter().position(|(f, g)| *f == file && *g == func) else {
            return false;
        };
        self.used_too_large[i] = true;
        true
    }
    /// Entries that matched nothing: their file or function is gone or renamed.
    fn stale(&self) -> Vec<String> {
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

/// What the whole run found.
#[derive(Default)]
struct Findings {
    tally: BTreeMap<&'static str, usize>,
    skipped: Vec<String>,
    rejected: Vec<String>,
    failures: Vec<String>,
}

impl Findings {
    fn count(&mut self, label: &'static str) {
        *self.tally.entry(label).or_default() += 1;
    }
}

/// The interpreter's settings for the run before lowering and the one after it.
struct Runs {
    /// Inputs are read with their logical meaning.
    before: InterpOptions,
    /// Lowered code is read with the codegen's flat addressing.
    after: InterpOptions,
}

impl Runs {
    fn new() -> Runs {
        let before = InterpOptions {
            max_steps: Some(20 * MAX_LOOP_ITERATIONS),
            addressing: Addressing::Logical,
            ..InterpOptions::default()
        };
        let after = InterpOptions { addressing: Addressing::Flat, ..before.clone() };
        Runs { before, after }
    }
}

/// Compares one function of `module` before and after lowering (`lowered`, `objection` when the
/// verifier objected to some pass's output).
#[allow(clippy::too_many_arguments)]
fn compare_function(
    file: &str,
    name: &str,
    func: &PrimFunc,
    module: &IRModule,
    lowered: &IRModule,
    objection: bool,
    runs: &Runs,
    lists: &mut Lists,
    found: &mut Findings,
) {
    let iterations = loop_iterations(&func.body);
    let listed_large = lists.too_large(file, name);
    if iterations > MAX_LOOP_ITERATIONS {
        if listed_large {
            found.count("skipped: too large (TOO_LARGE)");
            found.skipped.push(format!("{file} `{name}`: {iterations} loop iterations"));
        } else {
            found.failures.push(format!(
                "{file} `{name}`: {iterations} loop iterations, over the budget: add it to TOO_LARGE"
            ));
        }
        return;
    }
    if listed_large {
        found.failures.push(format!(
            "{file} `{name}`: only {iterations} loop iterations: remove it from TOO_LARGE"
        ));
    }
    let inputs = random_args_with_extent(func, 5, SYMBOLIC_EXTENT);
    let mut before = inputs.clone().unwrap_or_default();
    let ran = inputs.and_then(|_| run_func_with(module, name, &mut before, &runs.before));
    let allowed = lists.not_runnable(file, name);
    match (ran, allowed) {
        (Err(e), Some(why)) => {
            found.count("skipped: not runnable (NOT_RUNNABLE)");
            found
                .skipped
                .push(format!("{file} `{name}`: {why} ({})", e.to_string().replace('\n', " ")));
            return;
        }
        (Err(e), None) => {
            found.failures.push(format!(
                "{file} `{name}` does not run before lowering and is not in NOT_RUNNABLE: {e}"
            ));
            return;
        }
        (Ok(()), Some(_)) => {
            found.failures.push(format!("{file} `{name}` now runs: remove it from NOT_RUNNABLE"));
        }
        (Ok(()), None) => {}
    }
    let inputs = random_args_with_extent(func, 5, SYMBOLIC_EXTENT).unwrap_or_default();
    // An API pass may change the signature (data pointers and shape vars as parameters).
    let Some((_, lowered_func)) = lowered.lookup(name) else {
        found.failures.push(format!("{file} `{name}`: missing after lowering"));
        return;
    };
    let mut after = match adapt_args(func, lowered_func, &inputs) {
        Ok(args) => args,
        Err(e) => {
            found.failures.push(format!("{file} `{name}`: {e}"));
            return;
        }
    };
    let outcome = run_func_with(lowered, name, &mut after, &runs.after);
    if let Some(why) = known_failure(file) {
        if outcome.is_err() || outputs(&before) != outputs(&after) {
            found.count("known failure");
            println!("  known failure: {file} ({why})");
        } else {
            found.failures.push(format!("{file} now passes: remove it from KNOWN_FAILURES"));
        }
        return;
    }
    match outcome {
        // Lowered IR the verifier rejects (e.g. vars left undefined by an API pass) is that
        // pass's bug, reported by the verifier; it is listed, not failed, here.
        Err(e) if objection => {
            found.count("skipped: lowered IR does not verify");
            found.rejected.push(format!("{file} `{name}`: {e}"));
        }
        Err(e) => {
            found.count("FAILED: does not run after lowering");
            found.failures.push(format!("{file} `{name}`: {e}"));
        }
        Ok(()) if outputs(&before) != outputs(&after) => {
            found.count("FAILED: outputs differ");
            found.failures.push(format!("{file} `{name}`: outputs differ"));
        }
        Ok(()) if before.iter().all(|a| a.as_array().is_none()) => {
            found.count("equal (ran, no array outputs)")
        }
        Ok(()) => found.count("equal"),
    }
}

#[test]
fn lowering_preserves_what_every_program_computes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    tir_files(&root.join("tests"), &mut files);
    tir_files(&root.join("examples"), &mut files);
    let runs = Runs::new();
    let passes = default_pipeline(&Target::llvm()).expect("the llvm pipeline");
    let ctx = PassContext::new();
    let mut verifying = PassContext::new();
    verifying.add_instrument(Arc::new(VerifyEach));
    let mut lists = Lists::new();
    let mut found = Findings::default();
    for path in &files {
        let Ok(source) = std::fs::read_to_string(path) else { continue };
        let file = path.strip_prefix(root).unwrap_or(path).display().to_string();
        let parsed = tirscript::eval::parse_script(&file, &source);
        let has_errors = parsed.has_errors();
        let Some(module) = parsed.module.filter(|_| !has_errors) else { continue };
        if !tirscript::analysis::verify::verify_module(&module).is_empty() {
            found.count("skipped: input does not verify");
            continue;
        }
        let objection = run_pipeline(module.clone(), &passes, &verifying).err();
        if let Some(e) = &objection {
            let label: &'static str =
                Box::leak(format!("(verifier objects after {})", e.pass).into_boxed_str());
            found.count(label);
        }
        let listed_reject = lists.reject(&file);
        let lowered = match (run_pipeline(module.clone(), &passes, &ctx), listed_reject) {
            (Ok(m), None) => m,
            (Ok(_), Some(_)) => {
                found.failures.push(format!("{file} now lowers: remove it from PASS_REJECTS"));
                continue;
            }
            (Err(e), Some(why)) => {
                found.count("skipped: a pass rejects the input (PASS_REJECTS)");
                found
                    .rejected
                    .push(format!("{file}: {why} ({})", e.to_string().replace('\n', " ")));
                continue;
            }
            (Err(e), None) => {
                found.failures.push(format!("{file}: a pass rejects it, not in PASS_REJECTS: {e}"));
                continue;
            }
        };
        for (gv, func) in module.functions() {
            if !has_buffers(func) {
                found.count("not compared: no buffers");
                continue;
            }
            let lowered_ok = objection.is_some();
            compare_function(
                &file,
                gv.name(),
                func,
                &module,
                &lowered,
                lowered_ok,
                &runs,
                &mut lists,
                &mut found,
            );
        }
    }
    found.failures.extend(lists.stale());
    println!("default pipeline ({} passes) over {} .tir files:", passes.len(), files.len());
    for (label, count) in &found.tally {
        println!("  {label:>48}: {count}");
    }
    for r in &found.rejected {
        println!("  rejected: {}", r.replace('\n', " "));
    }
    for r in &found.skipped {
        println!("  skipped: {r}");
    }
    for f in &found.failures {
        println!("  FAILED: {}", f.replace('\n', " "));
    }
    assert!(found.tally.get("equal").copied().unwrap_or(0) >= 500, "too few programs compared");
    assert!(
        found.failures.is_empty(),
        "{} functions changed meaning, failed to lower or are wrongly listed:\n{}",
        found.failures.len(),
        found.failures.join("\n")
    );
}

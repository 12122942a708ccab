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

use tirscript::interp::cost::loop_iterations;
use tirscript::interp::{
    Addressing, ArgValue, InterpOptions, adapt_args, random_args_with_extent, run_func_with,
};
use tirscript::ir::visit::walk_stmt;
use tirscript::ir::{IRModule, PrimFunc, StmtNode};

mod pass_infra_lists;
use pass_infra_lists::{Lists, TOO_LARGE};
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
    let iterations = loop_iterations(&func.body, SYMBOLIC_EXTENT as u64);
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
    let (inputs, mut before) = match random_args_with_extent(func, 5, SYMBOLIC_EXTENT) {
        Ok(inputs) => (Ok(inputs.clone()), inputs),
        Err(e) => (Err(e), Vec::new()),
    };
    let ran = inputs
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|_| run_func_with(module, name, &mut before, &runs.before));
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
    let inputs = inputs.unwrap_or_default();
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

/// The most loop iterations `lowering_preserves_what_the_large_programs_compute` interprets
/// (matmul_scheduled's 1.1 billion would take about an hour even in a release build).
const MAX_LARGE_ITERATIONS: u64 = 20_000_000;

/// The `TOO_LARGE` functions under `MAX_LARGE_ITERATIONS`, compared as the main test compares the
/// others, without a step limit.
#[test]
#[ignore = "minutes in a debug build; run: cargo test --release --test pass_infra_pipeline -- --ignored"]
fn lowering_preserves_what_the_large_programs_compute() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let passes = default_pipeline(&Target::llvm()).expect("the llvm pipeline");
    let before_options =
        InterpOptions { max_steps: None, addressing: Addressing::Logical, ..Default::default() };
    let after_options = InterpOptions { addressing: Addressing::Flat, ..before_options.clone() };
    let mut compared = 0;
    for (file, name) in TOO_LARGE {
        let source = std::fs::read_to_string(root.join(file)).expect("a listed file");
        let parsed = tirscript::eval::parse_script(file, &source);
        assert!(!parsed.has_errors(), "{file} does not parse");
        let module = parsed.module.expect("a module");
        let (_, func) = module.lookup(name).expect("a listed function");
        let iterations = loop_iterations(&func.body, SYMBOLIC_EXTENT as u64);
        if iterations > MAX_LARGE_ITERATIONS {
            println!("  not run: {file} `{name}`: {iterations} loop iterations");
            continue;
        }
        let started = std::time::Instant::now();
        let lowered = run_pipeline(module.clone(), &passes, &PassContext::new()).expect("lowers");
        let inputs = random_args_with_extent(func, 5, SYMBOLIC_EXTENT).expect("inputs");
        let mut before = inputs.clone();
        run_func_with(&module, name, &mut before, &before_options).expect("runs before lowering");
        let (_, lowered_func) = lowered.lookup(name).expect("still there after lowering");
        let mut after = adapt_args(func, lowered_func, &inputs).expect("arguments after lowering");
        run_func_with(&lowered, name, &mut after, &after_options).expect("runs after lowering");
        assert_eq!(outputs(&before), outputs(&after), "{file} `{name}`: outputs differ");
        println!("  equal: {file} `{name}` ({iterations} iterations, {:?})", started.elapsed());
        compared += 1;
    }
    assert!(compared >= 5, "too few large programs compared");
}

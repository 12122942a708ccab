//! The interpreter on every TVMScript program in `tests/` and `examples/`: each function with
//! buffer or pointer parameters runs on seeded random inputs (symbolic dims and int scalars set
//! to 8; a pointer gets an array as large as the buffers its body puts on it). Every run must end
//! in success or in an `InterpError`, never a panic, and two runs on the same inputs must agree.
//! The tally of outcomes is printed (`cargo test --test interp_programs -- --nocapture`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tirscript::interp::cost::loop_iterations;
use tirscript::interp::{
    ArgValue, InterpErrorKind, InterpOptions, random_args_with_extent, run_func_with,
};

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

/// A short name for an error kind, for the tally.
fn kind_name(kind: &InterpErrorKind) -> &'static str {
    match kind {
        InterpErrorKind::OutOfBounds { .. } => "out of bounds",
        InterpErrorKind::DivisionByZero(_) => "division by zero",
        InterpErrorKind::UndefinedVar(_) => "undefined var",
        InterpErrorKind::Unsupported(_) => "unsupported",
        InterpErrorKind::StepLimit(_) => "step limit",
        InterpErrorKind::AssertFailed(_) => "assert",
        InterpErrorKind::Argument(_) => "argument",
        InterpErrorKind::NoSuchFunction(_) => "no such function",
        InterpErrorKind::IllFormed(_) => "ill-formed",
        InterpErrorKind::Memory(_) => "memory",
        InterpErrorKind::Array(_) => "array",
    }
}

fn outputs(args: &[ArgValue]) -> Vec<Vec<u64>> {
    args.iter()
        .filter_map(ArgValue::as_array)
        .map(|a| a.to_f64_vec().into_iter().map(f64::to_bits).collect())
        .collect()
}

#[test]
fn every_program_runs_or_fails_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    tir_files(&root.join("tests"), &mut files);
    tir_files(&root.join("examples"), &mut files);
    let options = InterpOptions { max_steps: Some(300_000), ..InterpOptions::default() };
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    let mut examples: BTreeMap<&str, String> = BTreeMap::new();
    for path in &files {
        let Ok(source) = std::fs::read_to_string(path) else { continue };
        let parsed = tirscript::eval::parse_script(&path.display().to_string(), &source);
        let has_errors = parsed.has_errors();
        let Some(module) = parsed.module.filter(|_| !has_errors) else {
            *tally.entry("does not parse").or_default() += 1;
            continue;
        };
        for (gv, func) in module.functions() {
            let takes_memory =
                !func.buffer_map.is_empty() || func.params.iter().any(|p| p.dtype().is_handle());
            if !takes_memory {
                *tally.entry("no buffers").or_default() += 1;
                continue;
            }
            // Long runs would only reach the step limit, slowly in a debug build.
            if loop_iterations(&func.body, 8) > 100_000 {
                *tally.entry("too large to run").or_default() += 1;
                continue;
            }
            let Ok(inputs) = random_args_with_extent(func, 17, 8) else {
                *tally.entry("no random inputs").or_default() += 1;
                continue;
            };
            let (mut first, mut second) = (inputs.clone(), inputs);
            let outcome = run_func_with(&module, gv.name(), &mut first, &options);
            let again = run_func_with(&module, gv.name(), &mut second, &options);
            assert_eq!(outcome.is_ok(), again.is_ok(), "{}", path.display());
            let label = match &outcome {
                Ok(()) => {
                    assert_eq!(
                        outputs(&first),
                        outputs(&second),
                        "{}: two runs differ",
                        path.display()
                    );
                    "ran"
                }
                Err(e) => {
                    assert!(!e.path.is_empty());
                    let name = kind_name(&e.kind);
                    examples.entry(name).or_insert_with(|| format!("{}: {e}", path.display()));
                    if std::env::var_os("INTERP_PROGRAMS_VERBOSE").is_some() {
                        println!("{}: {}", path.display(), e.to_string().replace('\n', " "));
                    }
                    name
                }
            };
            *tally.entry(label).or_default() += 1;
        }
    }
    println!("interpreter over {} .tir files:", files.len());
    for (label, count) in &tally {
        println!("  {label:>18}: {count}");
    }
    for (label, example) in &examples {
        println!("  e.g. {label}: {}", example.replace('\n', " "));
    }
    assert!(tally.get("ran").copied().unwrap_or(0) >= 20, "too few programs ran: {tally:?}");
}

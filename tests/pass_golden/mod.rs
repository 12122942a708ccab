//! Helpers shared by the pass golden harnesses (`passes_block_lowering`, `passes_flat`): parsing a
//! golden, a unified diff on mismatch, the golden files of a directory, and the interpreter check
//! that a pass leaves every function's results bit-identical.

use std::path::{Path, PathBuf};

use libtest_mimic::Failed;
use tirscript::diagnostic::SourceFile;
use tirscript::interp::{ArgValue, random_args_for, random_args_with_extent, run_func};
use tirscript::ir::IRModule;

pub fn parse(name: &str, source: &str) -> Result<IRModule, Failed> {
    let parsed = tirscript::eval::parse_script(name, source);
    match parsed.module {
        Some(m) if !parsed.has_errors() => Ok(m),
        _ => {
            let file = SourceFile::new(name, source);
            let mut text = format!("{name} does not parse:\n");
            for d in &parsed.diagnostics {
                text.push_str(&d.render(&file, false));
            }
            Err(text.into())
        }
    }
}

pub fn unified_diff(expected: &str, actual: &str, what: &str) -> String {
    let diff = similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .header("golden", "pass output")
        .to_string();
    format!("{what}:\n{diff}")
}

/// Runs every function of both modules on the same seeded inputs and compares all arrays.
pub fn check_results(before: &IRModule, after: &IRModule, extent: i64) -> Result<(), Failed> {
    for (gv, func) in before.functions() {
        let name = gv.name();
        for seed in [7u64, 42] {
            // Symbolic shapes and integer scalar parameters all take the value `extent`.
            let args = random_args_for(func, seed)
                .or_else(|_| random_args_with_extent(func, seed, extent))
                .map_err(|e| format!("no arguments for `{name}`: {e}"))?;
            let mut args_before = args.clone();
            let mut args_after = args;
            run_func(before, name, &mut args_before)
                .map_err(|e| format!("running `{name}` before the pass: {e}"))?;
            run_func(after, name, &mut args_after)
                .map_err(|e| format!("running `{name}` after the pass: {e}"))?;
            for (i, (x, y)) in args_before.iter().zip(&args_after).enumerate() {
                if let (ArgValue::Array(x), ArgValue::Array(y)) = (x, y)
                    && x.storage().as_bytes() != y.storage().as_bytes()
                {
                    return Err(format!("function `{name}`, argument {i}, seed {seed}: results differ after the pass").into());
                }
            }
        }
    }
    Ok(())
}

pub fn files_with_suffix(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(suffix))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

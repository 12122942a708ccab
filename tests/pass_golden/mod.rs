//! Helpers shared by the pass golden harnesses (`passes_block_lowering`, `passes_flat`,
//! `passes_fp8_legalize`): parsing a golden, checking a pass output against its golden (a unified
//! diff on mismatch; `UPDATE_GOLDEN=1` writes it), the golden files of a directory, and the
//! interpreter check that a pass leaves every function's results bit-identical.

use std::path::{Path, PathBuf};

use libtest_mimic::Failed;
use tirscript::analysis::structural_eq::{EqualOptions, compare_structural};
use tirscript::diagnostic::SourceFile;
use tirscript::interp::{ArgValue, random_args_for, random_args_with_extent, run_func};
use tirscript::ir::IRModule;
use tirscript::print::{PrintOptions, is_lone_function_source, print_script};

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

/// Checks the pass output `after` of `NAME.before.tir` (text `source`) against `NAME.after.tir`:
/// the golden must be exactly what the printer gives for `after` (in the form of the input: a
/// lone function or a module), and must parse back to a module structurally equal to `after`.
/// With `UPDATE_GOLDEN=1` the golden is first rewritten from the output (read it before committing).
pub fn check_golden(before_name: &str, source: &str, after: &IRModule) -> Result<(), Failed> {
    let mut printed =
        print_script(after, is_lone_function_source(source), &PrintOptions::default());
    printed.push('\n');
    let stem = before_name.strip_suffix(".before.tir").unwrap_or(before_name);
    let golden_path = PathBuf::from(format!("{stem}.after.tir"));
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&golden_path, &printed)
            .map_err(|e| format!("{}: {e}", golden_path.display()))?;
    }
    let golden = std::fs::read_to_string(&golden_path)
        .map_err(|e| format!("{}: {e} (UPDATE_GOLDEN=1 creates it)", golden_path.display()))?;
    if golden != printed {
        return Err(
            unified_diff(&golden, &printed, &format!("{} differs", golden_path.display())).into()
        );
    }
    let reparsed = parse(&golden_path.display().to_string(), &golden)?;
    compare_structural(after, &reparsed, EqualOptions { map_free_vars: true }).map_err(|m| {
        format!("the golden parses to a different module than the pass output: {m}")
    })?;
    Ok(())
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

//! Before/after goldens of the Simplify pass (`tests/passes/simplify/<case>.before.tir` and the
//! `<case>.after.tir` beside it), one test case per file pair.
//!
//! Each `.after.tir` is what TVM v0.23's `tir.Simplify` produces for the input, printed. For each
//! case: the pass output printed equals the golden byte for byte (`UPDATE_GOLDEN=1` writes it; read
//! every blessed diff); the golden parses back to a module structurally equal to the pass output;
//! the pass is idempotent on its output; and the interpreter runs each function with
//! constant-shaped buffers before and after the pass on seeded random inputs with bit-identical
//! results.

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::analysis::structural_eq::{EqualOptions, compare_structural};
use tirscript::diagnostic::SourceFile;
use tirscript::interp::{ArgValue, random_args_for, run_func};
use tirscript::ir::{IRModule, IrError};
use tirscript::print::{PrintOptions, is_lone_function_source, print_script};
use tirscript::transform::simplify::simplify_func;

fn parse(name: &str, source: &str) -> Result<IRModule, Failed> {
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

fn simplify_module(module: &IRModule) -> Result<IRModule, IrError> {
    let mut out = module.clone();
    for (gv, func) in module.functions() {
        out.update(gv, simplify_func((**func).clone())?)?;
    }
    Ok(out)
}

/// Runs every function of both modules on the same seeded inputs and compares all arrays; a
/// function whose buffers have symbolic shapes is skipped (the interpreter needs concrete shapes).
fn check_results(before: &IRModule, after: &IRModule) -> Result<(), Failed> {
    for (gv, func) in before.functions() {
        let name = gv.name();
        for seed in [3u64, 11] {
            let Ok(args) = random_args_for(func, seed) else { continue };
            let (mut x, mut y) = (args.clone(), args);
            run_func(before, name, &mut x).map_err(|e| format!("running `{name}` before: {e}"))?;
            run_func(after, name, &mut y).map_err(|e| format!("running `{name}` after: {e}"))?;
            for (i, (p, q)) in x.iter().zip(&y).enumerate() {
                if let (ArgValue::Array(p), ArgValue::Array(q)) = (p, q)
                    && p.storage().as_bytes() != q.storage().as_bytes()
                {
                    return Err(
                        format!("`{name}` argument {i}, seed {seed}: results differ").into()
                    );
                }
            }
        }
    }
    Ok(())
}

fn check_case(before_path: &Path) -> Result<(), Failed> {
    let name = before_path.display().to_string();
    let source = std::fs::read_to_string(before_path).map_err(|e| format!("{name}: {e}"))?;
    let before = parse(&name, &source)?;
    let after = simplify_module(&before).map_err(|e| format!("the pass failed: {e}"))?;
    let lone = is_lone_function_source(&source);
    let mut printed = print_script(&after, lone, &PrintOptions::default());
    printed.push('\n');
    let golden_path = PathBuf::from(format!("{}.after.tir", name.trim_end_matches(".before.tir")));
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&golden_path, &printed)
            .map_err(|e| format!("{}: {e}", golden_path.display()))?;
    }
    let golden = std::fs::read_to_string(&golden_path)
        .map_err(|e| format!("{}: {e} (UPDATE_GOLDEN=1 creates it)", golden_path.display()))?;
    if golden != printed {
        let diff = similar::TextDiff::from_lines(&golden, &printed)
            .unified_diff()
            .header("golden", "pass output")
            .to_string();
        return Err(format!("{} differs:\n{diff}", golden_path.display()).into());
    }
    let reparsed = parse(&golden_path.display().to_string(), &golden)?;
    compare_structural(&after, &reparsed, EqualOptions { map_free_vars: true }).map_err(|m| {
        format!("the golden parses to a different module than the pass output: {m}")
    })?;
    let again = simplify_module(&after).map_err(|e| format!("the second run failed: {e}"))?;
    let mut reprinted = print_script(&again, lone, &PrintOptions::default());
    reprinted.push('\n');
    if reprinted != printed {
        return Err("the pass is not idempotent on its own output".into());
    }
    check_results(&before, &after)
}

fn main() {
    let args = Arguments::from_args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("passes").join("simplify");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    cases.retain(|p| p.to_str().is_some_and(|s| s.ends_with(".before.tir")));
    cases.sort();
    let trials = cases
        .into_iter()
        .map(|path| {
            let label = format!(
                "simplify/{}",
                path.file_name().and_then(|n| n.to_str()).unwrap_or_default()
            );
            Trial::test(label, move || check_case(&path))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

//! Golden round trip of every TVMScript program in the repository: each `.tir` file under
//! `tests/` and `examples/` is its own test case (folders named `err` hold error cases and
//! `tests/syntax` holds lexer/parser inputs that are not TIR programs; both are skipped).
//!
//! For a file `x.tir` with source `src`, writing `fmt(s)` for `print(parse(s))` plus a newline:
//! - `fmt(src) == src` byte for byte (the goldens are canonical TVM v0.23 form);
//! - `fmt(fmt(src)) == fmt(src)` (a fixpoint);
//! - `parse(src)` and `parse(fmt(src))` are structurally equal (free variables paired);
//! - no line of `fmt(src)` ends with a space or tab.
//!
//! A non-canonical input `x.input.tir` is checked against the canonical `x.tir` beside it instead
//! of itself. `UPDATE_GOLDEN=1` rewrites only such partner goldens (`x.tir` of an `x.input.tir`);
//! a hand-written canonical file is never rewritten. Mismatches print a unified diff.

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::analysis::structural_eq::{EqualOptions, compare_structural};
use tirscript::diagnostic::SourceFile;
use tirscript::ir::IRModule;
use tirscript::print::{PrintOptions, format_source};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "err") {
                continue;
            }
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "tir") {
            out.push(path);
        }
    }
}

fn parse(name: &str, source: &str) -> Result<IRModule, Failed> {
    let parsed = tirscript::eval::parse_script(name, source);
    match parsed.module {
        Some(m) if !parsed.has_errors() => Ok(m),
        _ => Err(render_diagnostics(name, source, &parsed.diagnostics).into()),
    }
}

fn render_diagnostics(
    name: &str,
    source: &str,
    diagnostics: &[tirscript::diagnostic::Diagnostic],
) -> String {
    let file = SourceFile::new(name, source);
    let mut text = format!("{name} does not parse:\n");
    for d in diagnostics {
        text.push_str(&d.render(&file, false));
    }
    text
}

fn unified_diff(expected: &str, actual: &str, what: &str) -> String {
    let diff = similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .header("expected", "printed")
        .to_string();
    format!("{what}:\n{diff}")
}

fn check(path: &Path) -> Result<(), Failed> {
    let name = path.display().to_string();
    let source = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let options = PrintOptions::default();
    let printed = format_source(&name, &source, &options)
        .map_err(|d| render_diagnostics(&name, &source, &d))?;
    // The golden: the file itself, or the canonical partner of an `.input.tir`.
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let golden_path =
        file_name.strip_suffix(".input.tir").map(|stem| path.with_file_name(format!("{stem}.tir")));
    match &golden_path {
        Some(golden) if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") => {
            std::fs::write(golden, &printed).map_err(|e| format!("{}: {e}", golden.display()))?;
        }
        Some(golden) => {
            let expected = std::fs::read_to_string(golden)
                .map_err(|e| format!("{}: {e} (UPDATE_GOLDEN=1 creates it)", golden.display()))?;
            if expected != printed {
                return Err(unified_diff(
                    &expected,
                    &printed,
                    &format!("{} is not the canonical form of {name}", golden.display()),
                )
                .into());
            }
        }
        None if printed != source => {
            return Err(unified_diff(
                &source,
                &printed,
                &format!("{name} is not in canonical form"),
            )
            .into());
        }
        None => {}
    }
    let again = format_source(&name, &printed, &options)
        .map_err(|d| render_diagnostics(&format!("{name} (printed)"), &printed, &d))?;
    if again != printed {
        return Err(unified_diff(&printed, &again, "printing is not a fixpoint").into());
    }
    let (before, after) = (parse(&name, &source)?, parse(&name, &printed)?);
    // Free variables are declared anew by each parse, so they are paired rather than compared
    // by identity (TVM's round-trip tests pass `map_free_vars=True` for the same reason).
    compare_structural(&before, &after, EqualOptions { map_free_vars: true })
        .map_err(|m| format!("the printed program differs structurally: {m}"))?;
    if let Some((n, _)) =
        printed.lines().enumerate().find(|(_, l)| l.ends_with(' ') || l.ends_with('\t'))
    {
        return Err(format!("line {} of the printed program has trailing whitespace", n + 1).into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests", "examples"] {
        collect(&root.join(dir), &mut files);
    }
    let syntax_inputs = root.join("tests").join("syntax");
    files.retain(|f| !f.starts_with(&syntax_inputs));
    files.sort();
    let trials = files
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            Trial::test(name, move || check(&path))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

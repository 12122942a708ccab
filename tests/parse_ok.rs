//! The parser corpus: every `tests/parse/ok/**/NAME.tir` (canonical TVMScript as TVM v0.23 prints it)
//! and every `tests/parse/sugar/NAME.input.tir` must parse, evaluate and verify with no diagnostic,
//! to a module with at least one function; each file is its own test. A subset also asserts
//! structural facts about the built IR (`FACTS`).

#[path = "common/mod.rs"]
mod common;
#[path = "parse/facts.rs"]
mod facts;

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::diagnostic::SourceFile;

/// Every `.tir` file below `dir`, sorted.
fn tir_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "tir") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn check(path: &Path, name: &str) -> Result<(), Failed> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let diagnostics = tirscript::eval::check_source(name, &source);
    if !diagnostics.is_empty() {
        let file = SourceFile::new(name, source.clone());
        let rendered: Vec<String> = diagnostics.iter().map(|d| d.render(&file, false)).collect();
        return Err(rendered.join("\n").into());
    }
    let result = tirscript::eval::parse_script(name, &source);
    let module = result.module.ok_or("no module despite no diagnostics")?;
    if module.is_empty() {
        return Err("the module has no function".into());
    }
    if source.contains("@I.ir_module") {
        let defs = source.matches("    def ").count();
        if module.len() != defs {
            return Err(format!("{defs} functions written but {} built", module.len()).into());
        }
    }
    if let Some((_, fact)) = facts::FACTS.iter().find(|(n, _)| *n == name) {
        fact(&module).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = root.join("tests/parse");
    let mut trials = Vec::new();
    let mut names = Vec::new();
    for dir in ["ok", "sugar"] {
        for path in tir_files(&base.join(dir)) {
            let rel =
                path.strip_prefix(&base).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            let name = rel.trim_end_matches(".tir").to_string();
            names.push(name.clone());
            trials.push(Trial::test(name.clone(), move || check(&path, &name)));
        }
    }
    // Every structural fact must name a file of the corpus, so none is silently skipped.
    let missing: Vec<&str> =
        facts::FACTS.iter().map(|(n, _)| *n).filter(|n| !names.iter().any(|m| m == n)).collect();
    trials.push(Trial::test("facts_name_corpus_files", move || {
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("facts for missing files: {missing:?}").into())
        }
    }));
    libtest_mimic::run(&args, trials).exit();
}

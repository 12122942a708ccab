//! Every `.tir` file in the repository through JSON: `text → IR → JSON → IR` is structurally
//! equal and prints the same text, and `JSON → IR → JSON` is byte-identical. One test per file;
//! files that do not parse into a module (error cases, partial inputs) are listed as ignored.

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::analysis::structural_eq::{EqualOptions, compare_structural};
use tirscript::eval::parse_script;
use tirscript::json::{from_json, to_json};
use tirscript::print::{PrintOptions, print_module};

/// Collects `.tir` files under `dir`, skipping build output.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != ".git" && name != "node_modules" {
                collect(&path, out);
            }
        } else if path.extension().is_some_and(|ext| ext == "tir") {
            out.push(path);
        }
    }
}

fn check(path: &Path) -> Result<(), Failed> {
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let parsed = parse_script(&path.display().to_string(), &source);
    let module = parsed.module.ok_or("the file no longer parses")?;
    let json = to_json(&module);
    let loaded = from_json(&json).map_err(|e| format!("the written JSON does not load: {e}"))?;
    let options = EqualOptions { map_free_vars: true };
    compare_structural(&module, &loaded, options)
        .map_err(|m| format!("IR → JSON → IR is not structurally equal: {m}"))?;
    let again = to_json(&loaded);
    if again != json {
        let diff = similar::TextDiff::from_lines(&json, &again);
        return Err(format!("JSON → IR → JSON differs:\n{}", diff.unified_diff()).into());
    }
    let print_options = PrintOptions::default();
    let (before, after) =
        (print_module(&module, &print_options), print_module(&loaded, &print_options));
    if before != after {
        let diff = similar::TextDiff::from_lines(&before, &after);
        return Err(
            format!("the reloaded module prints differently:\n{}", diff.unified_diff()).into()
        );
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests", "examples", "grammar"] {
        collect(&root.join(dir), &mut files);
    }
    files.sort();
    let mut parsed_count = 0;
    let trials: Vec<Trial> = files
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            let parses = std::fs::read_to_string(&path)
                .map(|source| parse_script(&name, &source).module.is_some())
                .unwrap_or(false);
            parsed_count += usize::from(parses);
            Trial::test(name, move || check(&path)).with_ignored_flag(!parses)
        })
        .collect();
    assert!(
        parsed_count >= 100,
        "only {parsed_count} .tir files parse; expected the repo's corpus"
    );
    libtest_mimic::run(&args, trials).exit();
}

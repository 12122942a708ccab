//! Malformed JSON inputs: each `tests/json/malformed/NAME.json` must fail to load with exactly the
//! error in `NAME.expected` (its JSON path on the first line, its message on the second), and
//! never panic. `UPDATE_GOLDEN=1` rewrites the expected files; read every change before
//! committing it.

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::json::from_json;

fn case_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/json/malformed")
}

/// The expected-file text of a load result.
fn render(result: &Result<tirscript::ir::IRModule, tirscript::json::JsonError>) -> String {
    match result {
        Ok(_) => "loaded without error\n".to_string(),
        Err(err) => format!("path: {}\nmessage: {}\n", err.path, err.message),
    }
}

fn check(input: &Path) -> Result<(), Failed> {
    let text = std::fs::read_to_string(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let outcome = std::panic::catch_unwind(|| from_json(&text))
        .map_err(|_| format!("{}: from_json panicked", input.display()))?;
    if outcome.is_ok() {
        return Err(format!("{}: loaded, but it is malformed", input.display()).into());
    }
    let actual = render(&outcome);
    let expected_path = input.with_extension("expected");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, &actual).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("{}: {e} (UPDATE_GOLDEN=1 creates it)", expected_path.display()))?;
    if expected == actual {
        Ok(())
    } else {
        let diff = similar::TextDiff::from_lines(&expected, &actual);
        Err(format!("{}:\n{}", expected_path.display(), diff.unified_diff()).into())
    }
}

fn main() {
    let args = Arguments::from_args();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(case_dir())
        .expect("tests/json/malformed exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 25, "expected at least 25 malformed cases, found {}", inputs.len());
    let trials = inputs
        .into_iter()
        .map(|input| {
            let name =
                input.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            Trial::test(name, move || check(&input))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

//! Every TVMScript program of the parse corpus (`tests/parse/ok`) and of `examples/` parses to a
//! module the verifier accepts, and two parses of one file are structurally equal with equal
//! hashes (each parse makes fresh vars, so this exercises equality modulo renaming on real IR).

use std::path::{Path, PathBuf};

use tirscript::analysis::structural_eq::{assert_structural_equal, structural_hash};
use tirscript::analysis::verify::verify_module;
use tirscript::eval::parse_script;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !path.ends_with("err") {
                collect(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "tir") {
            out.push(path);
        }
    }
}

/// The problems found in one file, as lines naming the file.
fn check_file(path: &Path) -> Vec<String> {
    let name = path.display().to_string();
    let Ok(source) = std::fs::read_to_string(path) else {
        return vec![format!("{name}: unreadable")];
    };
    let (first, second) = (parse_script(&name, &source), parse_script(&name, &source));
    let (Some(a), Some(b)) = (first.module, second.module) else {
        return vec![format!("{name}: does not parse")];
    };
    if !first.diagnostics.is_empty() {
        return vec![format!("{name}: parses with diagnostics")];
    }
    let mut problems: Vec<String> =
        verify_module(&a).iter().map(|e| format!("{name}: {e}")).collect();
    if let Err(m) = assert_structural_equal(&a, &b) {
        problems.push(format!("{name}: two parses differ: {m}"));
    }
    if structural_hash(&a) != structural_hash(&b) {
        problems.push(format!("{name}: two parses hash differently"));
    }
    problems
}

#[test]
fn every_parsed_program_verifies_and_equals_a_second_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("tests/parse/ok"), &mut files);
    collect(&root.join("examples"), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no .tir files under tests/parse/ok or examples");
    let problems: Vec<String> = files.iter().flat_map(|f| check_file(f)).collect();
    assert!(
        problems.is_empty(),
        "{} of {} files:\n{}",
        problems.len(),
        files.len(),
        problems.join("\n")
    );
}

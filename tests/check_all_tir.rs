//! Every `.tir` file tracked by git, except those under a directory named `err`, is valid
//! TVMScript: `check_source` (parse, evaluate, verify — what `tirscript check` runs) reports no
//! error for it. Warnings are allowed. The file list comes from `git ls-files`, so untracked
//! scratch files (such as a local fuzzing corpus) are not judged.

use std::path::Path;
use std::process::Command;

use tirscript::diagnostic::SourceFile;
use tirscript::eval::check_source;

/// The tracked `.tir` files outside `err` directories, relative to the repository root.
fn tracked_valid_tir_files(root: &Path) -> Vec<String> {
    let output = Command::new("git").arg("-C").arg(root).args(["ls-files", "*.tir"]).output();
    let output = match output {
        Ok(out) if out.status.success() => out,
        Ok(out) => panic!("git ls-files failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => panic!("cannot run git ls-files: {e}"),
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|path| !path.split('/').any(|component| component == "err"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_tracked_tir_file_passes_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = tracked_valid_tir_files(root);
    // The grammar's highlight samples and the syntax goldens are always tracked.
    assert!(
        files.iter().any(|f| f == "grammar/test/highlight/lowered.tir"),
        "git ls-files found no .tir files: {files:?}"
    );
    let mut failures = Vec::new();
    for relative in &files {
        let text = match std::fs::read_to_string(root.join(relative)) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("{relative}: cannot read: {e}"));
                continue;
            }
        };
        let source = SourceFile::new(relative.clone(), text.clone());
        for diagnostic in check_source(relative, &text) {
            if diagnostic.is_error() {
                failures.push(diagnostic.one_line(&source));
            }
        }
    }
    assert!(failures.is_empty(), "{} error(s):\n{}", failures.len(), failures.join("\n"));
}

//! Every `.tir` file in the repository parses with the TVMScript grammar with no ERROR and no
//! MISSING node. One test case per file, named by its path relative to the repository root, so
//! a failure names the file and each problem's line and column.
//!
//! Skipped: build output (`target` directories), VCS and tool directories, anything under a
//! directory named `err`, which holds intentionally broken programs for error-message goldens, and
//! the fuzzers' generated corpora and artifacts (`fuzz/corpus`, `fuzz/artifacts`, not tracked).

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};

/// Directory names whose contents are never scanned.
const SKIPPED_DIRECTORIES: &[&str] = &["target", ".git", "node_modules", "err"];

/// Generated directories, relative to the repository root, whose contents are never scanned.
const SKIPPED_PATHS: &[&str] = &["fuzz/corpus", "fuzz/artifacts"];

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn collect_tir_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries = std::fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        let file_type = entry.file_type()?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if file_type.is_dir() {
            let generated = SKIPPED_PATHS.iter().any(|p| path.ends_with(p));
            if !SKIPPED_DIRECTORIES.contains(&name.as_ref())
                && !name.starts_with("target-")
                && !generated
            {
                collect_tir_files(&path, files)?;
            }
        } else if file_type.is_file() && path.extension().is_some_and(|ext| ext == "tir") {
            files.push(path);
        }
    }
    Ok(())
}

fn check_file(root: &Path, path: &Path) -> Result<(), Failed> {
    let relative = path.strip_prefix(root).unwrap_or(path).display().to_string();
    let source = std::fs::read_to_string(path)
        .map_err(|error| format!("{relative}: cannot read: {error}"))?;
    let problems = tree_sitter_tvmscript::syntax_problems(&source)
        .map_err(|error| format!("{relative}: {error}"))?;
    if problems.is_empty() {
        return Ok(());
    }
    let listing: Vec<String> =
        problems.iter().map(|problem| format!("{relative}:{problem}")).collect();
    Err(format!("{} syntax problem(s):\n{}", problems.len(), listing.join("\n")).into())
}

fn main() {
    let arguments = Arguments::from_args();
    let root = repository_root();
    let mut files = Vec::new();
    let mut trials = Vec::new();
    match collect_tir_files(&root, &mut files) {
        Ok(()) => {
            let found = files.len();
            // The grammar's own samples are always present, so finding none means the walk broke.
            trials.push(Trial::test("the walk finds the grammar's sample kernels", move || {
                if found >= 2 {
                    Ok(())
                } else {
                    Err(format!("only {found} .tir files found").into())
                }
            }));
        }
        Err(error) => {
            let message = format!("walking {} failed: {error}", root.display());
            trials.push(Trial::test("walk the repository", move || Err(message.into())));
        }
    }
    for path in files {
        let name = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
        let root = root.clone();
        trials.push(Trial::test(name, move || check_file(&root, &path)));
    }
    libtest_mimic::run(&arguments, trials).exit();
}

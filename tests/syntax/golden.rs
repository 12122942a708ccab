//! Golden-file helpers shared by the syntax test binaries.
//!
//! `compare` checks `actual` against the file at `path`; with `UPDATE_GOLDEN=1` in the environment it
//! writes the file instead (the blessed diff must be read before committing). On a mismatch the error
//! is a unified diff.

use std::path::{Path, PathBuf};

use libtest_mimic::Failed;

/// Every `.tir` file directly inside `dir` (relative to the crate root), sorted by name.
pub fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "tir"))
        .collect();
    files.sort();
    files
}

/// Compares `actual` with the golden file, or writes it when `UPDATE_GOLDEN=1`.
pub fn compare(golden: &Path, actual: &str) -> Result<(), Failed> {
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(golden, actual).map_err(|e| format!("{}: {e}", golden.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(golden).map_err(|e| {
        format!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", golden.display())
    })?;
    if expected == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string();
    Err(format!("{} differs from the output:\n{diff}", golden.display()).into())
}

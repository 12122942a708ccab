//! The examples in examples/ at sizes the (debug-built) interpreter checks in seconds, shared by
//! the codegen tests that compare compiled code with the interpreter.
//!
//! matmul.tir (128³), conv2d.tir and the scheduled 1024³ matmul take the interpreter minutes, so
//! their checked variants are shrunk by textual replacement of their sizes: the loop structure and
//! the schedule stay the same, only extents change. Every other example is checked as it is.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// conv2d.tir with 4 input and 8 output channels on an 8×8 output.
pub fn small_conv2d(text: &str) -> String {
    text.replace("(1, 16, 34, 34)", "(1, 4, 10, 10)")
        .replace("(32, 16, 3, 3)", "(8, 4, 3, 3)")
        .replace("(1, 32, 32, 32)", "(1, 8, 8, 8)")
        .replace("T.grid(1, 32, 32, 32, 16, 3, 3)", "T.grid(1, 8, 8, 8, 4, 3, 3)")
}

/// The scheduled matmul's schedule on a 64³ problem (the same 8×32 register tiles: two column
/// panels of 32, eight row tiles of 8, 64 reduction steps).
pub fn small_scheduled_matmul(text: &str) -> String {
    text.replace("(1024, 1024)", "(64, 64)")
        .replace("T.parallel(32)", "T.parallel(2)")
        .replace("range(128)", "range(8)")
        .replace("range(1024)", "range(64)")
        .replace("T.axis.spatial(1024", "T.axis.spatial(64")
        .replace("T.axis.reduce(1024", "T.axis.reduce(64")
}

/// matmul.tir on a 32³ problem.
pub fn small_matmul(text: &str) -> String {
    text.replace("128", "32")
}

/// The `.tir` files of examples/, sorted by name.
pub fn example_files() -> Vec<PathBuf> {
    tir_files_in("examples")
}

/// The `.tir` files of `dir` (relative to the repository), sorted by name.
pub fn tir_files_in(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "tir"));
    files.sort();
    files
}

/// Every example as the interpreter checks it: `(case name, program text)`, the big kernels
/// shrunk (named `*_small`), the others as they are (named by their file).
pub fn interpreter_sized_examples() -> Vec<(String, String)> {
    example_files()
        .into_iter()
        .map(|path| {
            let name =
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            match name.as_str() {
                "matmul_scheduled.tir" => {
                    ("matmul_scheduled_small".to_string(), small_scheduled_matmul(&text))
                }
                "matmul.tir" => ("matmul_small".to_string(), small_matmul(&text)),
                "conv2d.tir" => ("conv2d_small".to_string(), small_conv2d(&text)),
                _ => (name, text),
            }
        })
        .collect()
}

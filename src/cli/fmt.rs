//! `tirscript fmt FILE...`: rewrite TVMScript files in the canonical form TVM v0.23 prints.
//!
//! - A file is parsed and evaluated, then printed; only a changed file is rewritten, atomically
//!   (a temporary file in the same directory, then a rename over the original).
//! - A file that fails to parse or evaluate is reported with its diagnostics and never written.
//! - `--check` writes nothing: it prints a unified diff for each file that would change.
//! - `-` reads standard input and writes the canonical text to standard output.
//! - A directory stands for the `.tir` files below it, skipping hidden directories, `target`,
//!   folders named `err` (error cases), the directories given with `--exclude`, and
//!   `x.input.tir` files (hand-written non-canonical inputs whose canonical form is `x.tir`).
//!
//! Exit status: 0 when every file is canonical (or was rewritten), 1 when a file failed to parse
//! or, with `--check`, would change; 2 on an I/O error.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::diagnostic::SourceFile;
use crate::print::{PrintOptions, format_source};

/// Arguments of `tirscript fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files or directories to format (`-` reads standard input and writes standard output).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Write nothing; print a diff of each file that would change and exit 1 if any would.
    #[arg(long)]
    pub check: bool,
    /// Directories to skip when walking a directory argument.
    #[arg(long)]
    pub exclude: Vec<PathBuf>,
    /// Spaces per indentation level.
    #[arg(long, default_value_t = 4)]
    pub indent: usize,
}

/// The outcome for one file, ordered by severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Unchanged,
    Changed,
    ParseError,
    IoError,
}

/// Runs `fmt`; returns the exit status.
pub fn run(args: &FmtArgs) -> i32 {
    let options = PrintOptions { indent_spaces: args.indent, ..PrintOptions::default() };
    let mut worst = Outcome::Unchanged;
    for input in &args.files {
        let paths =
            if input.is_dir() { tir_files(input, &args.exclude) } else { vec![input.clone()] };
        for path in paths {
            worst = worst.max(format_one(&path, args.check, &options));
        }
    }
    match worst {
        Outcome::Unchanged => 0,
        Outcome::Changed if !args.check => 0,
        Outcome::Changed | Outcome::ParseError => 1,
        Outcome::IoError => 2,
    }
}

fn format_one(path: &Path, check: bool, options: &PrintOptions) -> Outcome {
    let name = path.display().to_string();
    let source = match super::read_input(path) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::IoError;
        }
    };
    let formatted = if crate::json::is_json_name(&name) {
        crate::json::format_json_source(&source)
    } else {
        format_source(&name, &source, options)
    };
    let formatted = match formatted {
        Ok(text) => text,
        Err(diagnostics) => {
            let file = SourceFile::new(name.clone(), source);
            for d in &diagnostics {
                eprint!("{}", d.render(&file, false));
            }
            eprintln!("error: {name} was not formatted because it does not parse");
            return Outcome::ParseError;
        }
    };
    let stdin = path == Path::new("-");
    if formatted == source {
        if stdin && !check {
            print!("{formatted}");
        }
        return Outcome::Unchanged;
    }
    if check {
        let diff = similar::TextDiff::from_lines(source.as_str(), formatted.as_str())
            .unified_diff()
            .header(&name, &format!("{name} (formatted)"))
            .to_string();
        print!("{diff}");
        return Outcome::Changed;
    }
    if stdin {
        print!("{formatted}");
        return Outcome::Changed;
    }
    match super::write_atomically(path, formatted.as_bytes()) {
        Ok(()) => Outcome::Changed,
        Err(e) => {
            eprintln!("error: cannot write {name}: {e}");
            Outcome::IoError
        }
    }
}

/// The `.tir` files below `dir`, sorted, skipping hidden directories, `target`, `err`,
/// `exclude`d directories and `.input.tir` files.
fn tir_files(dir: &Path, exclude: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                let skip = name.starts_with('.')
                    || name == "target"
                    || name == "err"
                    || exclude.iter().any(|e| same_path(e, &path));
                if !skip {
                    stack.push(path);
                }
            } else if name.ends_with(".tir") && !name.ends_with(".input.tir") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

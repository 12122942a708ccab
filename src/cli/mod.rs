//! The `tirscript` command line: argument parsing with clap and one thin function per verb.
//!
//! Every verb calls library functions of the other modules; no logic that a library user would need
//! lives here.

use std::path::Path;

use clap::{Parser, Subcommand};

#[cfg(feature = "llvm")]
pub mod build;
pub mod check;
pub mod diff;
pub mod fmt;
pub mod json;
pub mod lower;
#[cfg(feature = "llvm")]
pub mod run;

#[cfg(feature = "highlight")]
pub mod highlight;

/// A Python-free toolchain for TVMScript, the text form of Apache TVM's tensor IR.
#[derive(Debug, Parser)]
#[command(name = "tirscript", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The verbs of the command line.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse, evaluate and verify TVMScript files; exit status 1 when any has an error.
    Check(check::CheckArgs),
    /// Rewrite TVMScript files in the canonical form TVM prints (`--check` only reports).
    Fmt(fmt::FmtArgs),
    /// Compare two programs structurally; show the first difference underlined.
    Diff(diff::DiffArgs),
    /// Run the lowering pipeline on a file and print the lowered module.
    Lower(lower::LowerArgs),
    /// Compile a file with LLVM to LLVM IR, assembly, an object or a shared library (+ C header).
    #[cfg(feature = "llvm")]
    Build(build::BuildArgs),
    /// Compile and run a kernel, check it against the interpreter and time it.
    #[cfg(feature = "llvm")]
    Run(run::RunArgs),
    /// Convert a TVMScript file to the JSON form of its IR.
    Json(json::JsonArgs),
    /// Print a JSON IR file as TVMScript.
    FromJson(json::FromJsonArgs),
    /// Render a file with syntax highlighting (ANSI colours or HTML).
    #[cfg(feature = "highlight")]
    Highlight(highlight::HighlightArgs),
}

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        None => {
            use clap::CommandFactory;
            // Printing help can only fail on a closed stdout, where nothing more can be said.
            let _ = Cli::command().print_help();
            0
        }
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Fmt(args)) => fmt::run(&args),
        Some(Command::Diff(args)) => diff::run(&args),
        Some(Command::Lower(args)) => lower::run(&args),
        #[cfg(feature = "llvm")]
        Some(Command::Build(args)) => build::run(&args),
        #[cfg(feature = "llvm")]
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Json(args)) => json::run_json(&args),
        Some(Command::FromJson(args)) => json::run_from_json(&args),
        #[cfg(feature = "highlight")]
        Some(Command::Highlight(args)) => highlight::run(&args),
    }
}

/// Reads a whole input file as UTF-8 text; the path `-` reads standard input.
pub fn read_input(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)).map(|_| ())
    };
    read.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not valid UTF-8 (first bad byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so a reader never
/// sees a half-written file and a failed write leaves the old file intact.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = dir.join(format!(".{file_name}.tirscript-fmt-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

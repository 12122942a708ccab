//! The `tirscript` command line: argument parsing with clap and one thin function per verb.
//!
//! Every verb calls library functions of the other modules; no logic that a library user would need
//! lives here.

use std::path::Path;

use clap::{Parser, Subcommand};

pub mod check;
pub mod diff;
pub mod fmt;
pub mod lower;

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
        format!("{} is not valid UTF-8 (first bad byte at offset {})", path.display(), e.utf8_error().valid_up_to())
    })
}

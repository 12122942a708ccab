//! `tirscript highlight FILE [--html | --ansi]`: renders a file with the tree-sitter grammar's
//! highlight queries, as ANSI colours (the default) or a standalone HTML page.

use std::io::Write;
use std::path::PathBuf;

use tree_sitter_tvmscript::{HighlightFormat, render_highlighted};

/// Arguments of `tirscript highlight`.
#[derive(Debug, clap::Args)]
pub struct HighlightArgs {
    /// The `.tir` file to render (`-` reads standard input).
    pub file: PathBuf,
    /// Render a standalone HTML page.
    #[arg(long, conflicts_with = "ansi")]
    pub html: bool,
    /// Render ANSI colours for a terminal (the default).
    #[arg(long)]
    pub ansi: bool,
}

/// Renders the file to standard output; returns the exit code.
pub fn run(args: &HighlightArgs) -> i32 {
    let source = match super::read_input(&args.file) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("error: {message}");
            return 1;
        }
    };
    let format = if args.html { HighlightFormat::Html } else { HighlightFormat::Ansi };
    match render_highlighted(&source, format) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) ends the output early; that is not an error.
            let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
            0
        }
        Err(err) => {
            eprintln!("error: cannot highlight {}: {err}", args.file.display());
            1
        }
    }
}

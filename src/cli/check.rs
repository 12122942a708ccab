//! `tirscript check FILE...`: parse, evaluate and verify each file (a `.json` file is loaded as
//! JSON IR and verified); diagnostics go to stderr,
//! rendered with ariadne, or one JSON object per line with `--message-format json`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::diagnostic::SourceFile;

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Rendered reports for people.
    #[default]
    Human,
    /// One JSON object per diagnostic and line, for editors.
    Json,
}

/// Arguments of `tirscript check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The files to check (`-` reads standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// Colour the human-readable reports (default: when stderr is a terminal).
    #[arg(long)]
    pub color: Option<bool>,
}

/// Runs the check; returns 0 when no file has an error (warnings are printed), 1 otherwise.
pub fn run(args: &CheckArgs) -> i32 {
    use std::io::IsTerminal;
    let color = args.color.unwrap_or_else(|| std::io::stderr().is_terminal());
    let mut failed = false;
    for path in &args.files {
        let name = path.display().to_string();
        let source = match super::read_input(path) {
            Ok(text) => text,
            Err(message) => {
                eprintln!("error: {message}");
                failed = true;
                continue;
            }
        };
        let diagnostics = if crate::json::is_json_name(&name) {
            crate::json::check_json_source(&source)
        } else {
            crate::eval::check_source(&name, &source)
        };
        failed |= diagnostics.iter().any(crate::diagnostic::Diagnostic::is_error);
        let file = SourceFile::new(name, source);
        for d in &diagnostics {
            match args.message_format {
                MessageFormat::Human => eprint!("{}", d.render(&file, color)),
                MessageFormat::Json => println!("{}", d.to_json_string(&file)),
            }
        }
    }
    i32::from(failed)
}

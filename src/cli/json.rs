//! `tirscript json FILE.tir [-o OUT.json]` and `tirscript from-json FILE.json [-o OUT.tir]`:
//! conversion between the two persistent forms of the IR. Output goes to standard output unless
//! `-o` names a file, which is written atomically.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::print::PrintOptions;

/// Arguments of `tirscript json`.
#[derive(Debug, clap::Args)]
pub struct JsonArgs {
    /// The TVMScript file to convert (`-` reads standard input).
    pub file: PathBuf,
    /// Write the JSON here instead of to standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Write compact JSON (one line) instead of the indented form.
    #[arg(long)]
    pub compact: bool,
}

/// Arguments of `tirscript from-json`.
#[derive(Debug, clap::Args)]
pub struct FromJsonArgs {
    /// The JSON IR file to print as TVMScript (`-` reads standard input).
    pub file: PathBuf,
    /// Write the TVMScript here instead of to standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Converts TVMScript to JSON; returns the exit code.
pub fn run_json(args: &JsonArgs) -> i32 {
    let name = args.file.display().to_string();
    let Some(source) = read(&args.file) else { return 1 };
    let parsed = crate::eval::parse_script(&name, &source);
    let module = match parsed.module {
        Some(module) if !parsed.has_errors() => module,
        _ => return report(&name, source, &parsed.diagnostics),
    };
    let mut out = Vec::new();
    if let Err(e) = crate::json::write_json(&module, &mut out, !args.compact) {
        eprintln!("error: cannot serialize {name}: {e}");
        return 1;
    }
    emit(&out, args.output.as_deref())
}

/// Prints a JSON IR file as TVMScript; returns the exit code.
pub fn run_from_json(args: &FromJsonArgs) -> i32 {
    let name = args.file.display().to_string();
    let Some(source) = read(&args.file) else { return 1 };
    match crate::json::from_json(&source) {
        Ok(module) => {
            let mut text = crate::print::print_script(&module, false, &PrintOptions::default());
            text.push('\n');
            emit(text.as_bytes(), args.output.as_deref())
        }
        Err(err) => {
            eprintln!("error: {name}: {err}");
            1
        }
    }
}

fn read(path: &Path) -> Option<String> {
    super::read_input(path).map_err(|message| eprintln!("error: {message}")).ok()
}

fn report(name: &str, source: String, diagnostics: &[Diagnostic]) -> i32 {
    let file = SourceFile::new(name, source);
    for d in diagnostics {
        eprint!("{}", d.render(&file, false));
    }
    eprintln!("error: {name} does not parse; nothing was written");
    1
}

fn emit(bytes: &[u8], output: Option<&Path>) -> i32 {
    use std::io::Write;
    let result = match output {
        Some(path) => super::write_atomically(path, bytes),
        None => std::io::stdout().lock().write_all(bytes),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            1
        }
    }
}

//! Syntax-error goldens: every `tests/syntax/err/NAME.tir` must produce at least one diagnostic, and
//! the diagnostics rendered without colours (ariadne) must equal `NAME.txt` beside it
//! (bless with `UPDATE_GOLDEN=1`). Each file is its own test case.

use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::diagnostic::SourceFile;
use tirscript::syntax::parse_module;

#[path = "syntax/golden.rs"]
mod syntax_golden;

fn check(path: &Path) -> Result<(), Failed> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (_, diagnostics) = parse_module(&source);
    if diagnostics.is_empty() {
        return Err("expected at least one diagnostic, got none".into());
    }
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let file = SourceFile::new(format!("err/{name}"), source);
    let rendered: String = diagnostics.iter().map(|d| d.render(&file, false)).collect();
    syntax_golden::compare(&path.with_extension("txt"), &rendered)
}

fn main() {
    let args = Arguments::from_args();
    let trials = syntax_golden::files("tests/syntax/err")
        .into_iter()
        .map(|path| {
            let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            Trial::test(name, move || check(&path))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

//! Parser tests over realistic TVMScript programs: every `tests/syntax/ok/NAME.tir` must parse without
//! diagnostics, and its fully parenthesised tree must equal the golden `NAME.ast` beside it
//! (bless with `UPDATE_GOLDEN=1`).

use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::syntax::{parse_module, sexpr};

#[path = "syntax/golden.rs"]
mod syntax_golden;

fn check(path: &Path) -> Result<(), Failed> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (module, diagnostics) = parse_module(&source);
    if !diagnostics.is_empty() {
        let file =
            tirscript::diagnostic::SourceFile::new(path.display().to_string(), source.clone());
        let rendered: Vec<String> = diagnostics.iter().map(|d| d.render(&file, false)).collect();
        return Err(rendered.join("\n").into());
    }
    let module = module.ok_or("no tree returned")?;
    syntax_golden::compare(&path.with_extension("ast"), &sexpr::module(&module))
}

fn main() {
    let args = Arguments::from_args();
    let trials = syntax_golden::files("tests/syntax/ok")
        .into_iter()
        .map(|path| {
            let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            Trial::test(name, move || check(&path))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

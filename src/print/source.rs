//! Whole files: parse a TVMScript source and print it back in canonical form.
//!
//! A file holding one `@T.prim_func` (no `@I.ir_module` class) prints as that function, as TVM's
//! `PrimFunc.script()` does; any other file prints as a module. The canonical text of a file is the
//! printer's output plus one final newline.

use crate::diagnostic::Diagnostic;
use crate::ir::IRModule;
use crate::syntax::ast::StmtKind;

use super::PrintOptions;

/// Whether `source` is a lone function (a top-level `def`, no top-level `class`).
pub fn is_lone_function_source(source: &str) -> bool {
    let (Some(tree), _) = crate::syntax::parse_module(source) else {
        return false;
    };
    let has = |f: fn(&StmtKind) -> bool| tree.body.iter().any(|s| f(&s.kind));
    has(|k| matches!(k, StmtKind::FunctionDef(_))) && !has(|k| matches!(k, StmtKind::ClassDef(_)))
}

/// Prints `module` as a file: its only function when `lone_function` is set and the module has
/// exactly one function (as TVM's `PrimFunc.script()`, named by its `global_symbol` or `main`),
/// otherwise the module. No final newline.
pub fn print_script(module: &IRModule, lone_function: bool, options: &PrintOptions) -> String {
    if lone_function
        && module.len() == 1
        && let Some((_, func)) = module.functions().next()
    {
        return super::print_func(func, options);
    }
    super::print_module(module, options)
}

/// Parses `source` and returns its canonical text (with a final newline), or the diagnostics
/// of a file that does not parse or evaluate.
pub fn format_source(
    name: &str,
    source: &str,
    options: &PrintOptions,
) -> Result<String, Vec<Diagnostic>> {
    let parsed = crate::eval::parse_script(name, source);
    match parsed.module {
        Some(module) if !parsed.has_errors() => {
            let lone = is_lone_function_source(source);
            let mut text = print_script(&module, lone, options);
            text.push('\n');
            Ok(text)
        }
        _ => Err(parsed.diagnostics),
    }
}

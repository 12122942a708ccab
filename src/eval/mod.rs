//! The evaluator: walks the spanned syntax tree of a TVMScript file and drives the IRBuilder, as
//! TVM v0.23's Python parser (`tvm.script.parser`) does, producing an `IRModule` and diagnostics.
//!
//! Structure: [`Evaluator`] holds the builder, the variable table ([`scope`]) and the implicit
//! frames of each open body. Statements are visited in `stmt`, expressions evaluated in `expr`
//! (Python operators in `ops`), functions and modules built in `func`. Every `T.` / `I.` name is
//! resolved through the one dispatch table in [`dispatch`]; another dialect plugs in there.
//!
//! Invariants:
//! - Evaluation never panics; every error is a diagnostic with the span of the construct that
//!   caused it (builder `IrError`s are mapped to the statement or expression being evaluated).
//! - An error aborts the function it occurs in (as TVM's parser stops); the other functions of the
//!   file are still evaluated so independent errors are all reported. Any error means no module.
//! - Recursion follows the syntax tree, whose depth the parser bounds; expression evaluation also
//!   grows its stack on demand (`stacker`), so deep but legal input cannot overflow.

pub mod args;
pub mod convert;
pub mod dispatch;
pub mod error;
pub mod frames;
pub mod scope;
pub mod value;

mod assign;
mod builtins_arith;
mod builtins_block;
mod builtins_buffer;
mod builtins_expr;
mod builtins_module;
mod builtins_ops;
mod builtins_stmt;
mod check;
mod expr;
mod func;
mod macros;
mod ops;
mod stmt;
mod subscript;
mod target;
mod target_kinds;
mod top_level;

pub use check::check_source;

use crate::builder::IRBuilder;
use crate::diagnostic::Diagnostic;
use crate::ir::{GlobalVar, IRModule};

/// What parsing a script produced.
#[derive(Debug)]
pub struct ParseResult {
    /// The module, present exactly when no error was reported (warnings may accompany it).
    pub module: Option<IRModule>,
    /// Every syntax and semantic diagnostic, syntax errors first.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParseResult {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and evaluates a TVMScript file: `name` is only used for messages. A lone `@T.prim_func`
/// becomes a module with one function named after its `def`.
pub fn parse_script(name: &str, source: &str) -> ParseResult {
    let _ = name;
    let (parsed, diagnostics) = parse_with_tree(source);
    ParseResult { module: parsed.map(|(_, module)| module), diagnostics }
}

/// Parses and evaluates `source`, keeping the syntax tree for callers that need its spans; the
/// tree and module are present exactly when no error was reported.
pub(crate) fn parse_with_tree(
    source: &str,
) -> (Option<(crate::syntax::ast::Module, IRModule)>, Vec<Diagnostic>) {
    let (tree, mut diagnostics) = crate::syntax::parse_module(source);
    let Some(tree) = tree.filter(|_| !diagnostics.iter().any(Diagnostic::is_error)) else {
        return (None, diagnostics);
    };
    let (module, semantic) = evaluate_module(&tree);
    diagnostics.extend(semantic);
    match module.filter(|_| !diagnostics.iter().any(Diagnostic::is_error)) {
        Some(module) => (Some((tree, module)), diagnostics),
        None => (None, diagnostics),
    }
}

/// Evaluates an already parsed file. Returns the module (when no error occurred) and the errors.
pub fn evaluate_module(tree: &crate::syntax::ast::Module) -> (Option<IRModule>, Vec<Diagnostic>) {
    let mut evaluator = Evaluator::new();
    let module = evaluator.file(tree);
    (module, evaluator.diagnostics)
}

/// The evaluation state of one file.
pub struct Evaluator {
    builder: IRBuilder,
    vars: scope::VarTable,
    /// For each open body, how many implicit frames it entered.
    implicit: Vec<usize>,
    /// Functions of the module being built, declared before any body is evaluated.
    /// The module's functions by name, with the dtype a call of each has.
    globals: Vec<(String, GlobalVar, crate::ir::DataType)>,
    /// The name of the `@I.ir_module` class being evaluated.
    class_name: Option<String>,
    /// `@T.macro` expansion state (counters, recursion check, block-name suffix).
    macros: macros::MacroState,
    diagnostics: Vec<Diagnostic>,
}

impl Evaluator {
    fn new() -> Evaluator {
        Evaluator {
            builder: IRBuilder::new(),
            vars: scope::VarTable::new(),
            implicit: Vec::new(),
            globals: Vec::new(),
            class_name: None,
            macros: macros::MacroState::default(),
            diagnostics: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;

//! A generator of well-formed TIR modules for property tests and fuzzing.
//!
//! The generator writes TVMScript text driven by a [`Choices`] source (a seeded generator in tests,
//! `arbitrary::Unstructured` in the fuzz crate) and evaluates it with the library's own parser, so
//! every module it returns is one the IRBuilder accepted.
//!
//! Invariants of the generated text: every name is defined before use and defined once per scope;
//! every expression is typed by construction (a value of dtype `d` is built only from `d`-typed
//! parts, casts or calls that return `d`); bodies of blocks refer to block iteration variables,
//! function scalars and outer `let` variables only, never to the enclosing loop variables; nesting
//! is bounded by [`GenLimits`], so generation always terminates whatever the choices are.
//!
//! [`kernel`] generates a second kind of program: runnable kernels whose results are determined
//! by their inputs, for checking compiled code against the interpreter ([`differential`], with
//! the `llvm` feature).

mod choices;
#[cfg(feature = "llvm")]
pub mod differential;
mod expr;
pub mod kernel;
pub mod kernel_expr;
mod source;
mod stmt;

pub use choices::{Choices, SplitMix};
pub use kernel::{KernelLimits, kernel_source};
pub use stmt::module_source;

use crate::eval::parse_script;
use crate::ir::IRModule;

/// Size bounds of one generated module.
#[derive(Clone, Copy, Debug)]
pub struct GenLimits {
    /// Most functions in a module (at least one is made).
    pub max_funcs: usize,
    /// Most statements in one statement list.
    pub max_stmts: usize,
    /// Deepest statement nesting (loops, ifs, blocks).
    pub max_depth: usize,
    /// Deepest expression nesting.
    pub max_expr_depth: usize,
}

impl Default for GenLimits {
    fn default() -> Self {
        GenLimits { max_funcs: 3, max_stmts: 4, max_depth: 4, max_expr_depth: 3 }
    }
}

/// Generates one module's TVMScript text and evaluates it.
///
/// Returns the text with the module, or the text with the rendered diagnostics if the library
/// rejected it (which is a generator or library bug the caller should report).
pub fn generate_module(
    choices: &mut dyn Choices,
    limits: &GenLimits,
) -> (String, Result<IRModule, String>) {
    let text = module_source(choices, limits);
    let parsed = parse_script("generated.tir", &text);
    let result = match parsed.module {
        Some(module) if parsed.diagnostics.is_empty() => Ok(module),
        _ => {
            Err(parsed.diagnostics.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>().join("\n"))
        }
    };
    (text, result)
}

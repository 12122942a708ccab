//! tirscript: a Python-free toolchain for classic TVMScript (TIR).
//!
//! Layers, each in its own module: `ir` (the TIR data model), `builder` (the frame-based IRBuilder),
//! `analysis` (structural equality, verifier, block access regions), `syntax` (lexer and parser),
//! and the CLI in `cli`, which only calls into these.

pub mod analysis;
pub mod arith;
pub mod builder;
pub mod cli;
#[cfg(feature = "llvm")]
pub mod codegen;
pub mod diagnostic;
pub mod eval;
pub mod r#gen;
pub mod interp;
pub mod ir;
pub mod json;
pub mod print;
#[cfg(feature = "llvm")]
pub mod runtime;
pub mod syntax;
pub mod transform;

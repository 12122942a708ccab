//! The LLVM backend: lowered (flat) TIR to LLVM IR, optimised at O3 for the host CPU, then run in
//! process with MCJIT or written out as `.ll`, assembly, an object file or a shared library.
//!
//! Path: `emit_module` prints the module as LLVM IR text (one `FuncEmitter` per function: `expr`,
//! `memory`, `calls`, `stmt`, `parallel`), LLVM parses it (`machine`), the new pass manager runs
//! `default<O3>` with the target machine of `CodegenOptions`, and then MCJIT or the target machine
//! takes over. Emitting text keeps the emitter independent of inkwell's typed builder API; LLVM's
//! parser verifies every function, so an emitter bug is a `CodegenError`, never a crash.
//!
//! Input contract: what `transform::default_pipeline` produces — flattened 1-D buffer accesses,
//! `Allocate`/`DeclBuffer`, `LetStmt`, `IfThenElse`, loops of every CPU kind, vectors from
//! VectorizeLoop, `call_llvm_pure_intrin` from LowerIntrin. The calling convention is in `func`.
//! Target: the host CPU and its features unless the options name others (TVM-style `-mcpu`,
//! `-mattr`, `-mtriple`); the CPU and features are also function attributes, so MCJIT (whose own
//! target machine is generic) generates code for them.

mod calls;
pub mod embedded;
mod emitter;
mod expr;
pub mod func;
pub mod header;
pub mod machine;
mod memory;
pub mod module_calls;
mod parallel;
pub mod scalable;
pub mod small_float;
mod stmt;
pub mod types;

pub use func::{AbiArg, ArgKind, FuncAbi, emit_module};
pub use machine::{CompiledModule, EmitKind, compile_module, emit_file, llvm_ir_text};

use crate::transform::Target;

/// Why code generation failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct CodegenError {
    pub message: String,
}

impl CodegenError {
    /// The IR is outside what code generation accepts.
    pub fn invalid(message: impl Into<String>) -> CodegenError {
        CodegenError { message: message.into() }
    }
    /// A well-formed construct this backend does not generate code for.
    pub fn unsupported(what: impl Into<String>) -> CodegenError {
        CodegenError { message: format!("code generation does not support {}", what.into()) }
    }
    /// LLVM itself reported an error.
    pub fn llvm(context: &str, message: impl std::fmt::Display) -> CodegenError {
        CodegenError { message: format!("LLVM {context}: {message}") }
    }
    /// Prefixes the message with the function it arose in.
    pub fn in_function(self, name: &str) -> CodegenError {
        CodegenError { message: format!("in function `{name}`: {}", self.message) }
    }
}

/// How to generate code.
#[derive(Clone, Debug)]
pub struct CodegenOptions {
    /// The target triple; empty means the host's.
    pub triple: String,
    /// The CPU name (`-mcpu`); the host CPU by default.
    pub cpu: String,
    /// LLVM target features (`-mattr`, comma-separated `+feat`); the host's by default.
    pub features: String,
    /// The LLVM optimisation level, 0 to 3.
    pub opt_level: u32,
    /// Check every buffer access against the buffer's extent and report the first violation.
    pub bounds_check: bool,
    /// Define the runtime support (`tirscript_parallel_for`, error records) in the module itself,
    /// for stand-alone objects and shared libraries.
    pub embed_runtime: bool,
}

impl Default for CodegenOptions {
    fn default() -> CodegenOptions {
        CodegenOptions {
            triple: String::new(),
            cpu: machine::host_cpu(),
            features: machine::host_features(),
            opt_level: 3,
            bounds_check: false,
            embed_runtime: false,
        }
    }
}

impl CodegenOptions {
    /// Options for a TVM-style target (`llvm -mtriple=... -mcpu=... -mattr=+avx2,+fma`): options
    /// the target leaves out are the host's.
    pub fn for_target(target: &Target) -> Result<CodegenOptions, CodegenError> {
        if target.kind != "llvm" {
            return Err(CodegenError::unsupported(format!("target kind `{}`", target.kind)));
        }
        let mut options = CodegenOptions::default();
        if let Some(triple) = &target.mtriple {
            options.triple = triple.clone();
            // Another architecture does not inherit this host's CPU and features.
            let arch = |t: &str| t.split('-').next().unwrap_or("").to_string();
            if arch(triple) != arch(&machine::host_triple()) {
                options.cpu = "generic".to_string();
                options.features = String::new();
            }
        }
        if let Some(cpu) = &target.mcpu {
            options.cpu = cpu.clone();
            // Features of a named CPU come from LLVM's CPU table, not from this host.
            options.features = String::new();
        }
        if !target.mattr.is_empty() {
            options.features = target.mattr.join(",");
        }
        Ok(options)
    }
}

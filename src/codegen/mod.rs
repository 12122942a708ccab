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

mod bfloat_routines;
mod calls;
pub mod embedded;
mod emitter;
mod expr;
pub mod func;
pub mod header;
mod jumps;
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
            // LLVM applies features in order, so `-mattr` entries after the host's features
            // override them. Without that base, the host CPU's *name* would bring every feature
            // LLVM's table lists for that model, including ones this machine lacks (a VM may hide
            // AVX-512 or AMX of the model it reports), and the code could fault here.
            let mut features: Vec<&str> =
                options.features.split(',').filter(|f| !f.is_empty()).collect();
            features.extend(target.mattr.iter().map(String::as_str));
            options.features = features.join(",");
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(target: &str) -> CodegenOptions {
        CodegenOptions::for_target(&Target::parse(target).expect("target")).expect("options")
    }

    #[test]
    fn mattr_alone_adjusts_the_host_features_last() {
        let host = machine::host_features();
        let adjusted = options("llvm -mattr=-f16c,+sse2");
        assert_eq!(adjusted.cpu, machine::host_cpu());
        if host.is_empty() {
            assert_eq!(adjusted.features, "-f16c,+sse2");
        } else {
            assert_eq!(adjusted.features, format!("{host},-f16c,+sse2"));
        }
    }

    #[test]
    fn a_named_cpu_or_another_architecture_takes_no_host_feature() {
        let named = options("llvm -mcpu=x86-64 -mattr=+avx2");
        assert_eq!((named.cpu.as_str(), named.features.as_str()), ("x86-64", "+avx2"));
        let host_arch = machine::host_triple().split('-').next().unwrap_or("").to_string();
        let other = if host_arch == "aarch64" { "riscv64-linux-gnu" } else { "aarch64-linux-gnu" };
        let cross = options(&format!("llvm -mtriple={other} -mattr=+sve"));
        assert_eq!((cross.cpu.as_str(), cross.features.as_str()), ("generic", "+sve"));
    }

    #[test]
    fn the_last_mention_of_a_feature_decides_scalable_vectors() {
        let mut sve = options("llvm -mtriple=aarch64-linux-gnu -mattr=+sve");
        assert!(scalable::target_has_scalable_vectors(&sve));
        sve.features = "+neon,+sve,-sve".to_string();
        assert!(!scalable::target_has_scalable_vectors(&sve));
        sve.features = "-sve,+sve2".to_string();
        assert!(scalable::target_has_scalable_vectors(&sve));
    }
}

//! `tirscript build FILE --emit llvm-ir|asm|obj|shared -o OUT`: compile a module to a file.
//!
//! `shared` also writes the C header next to the library (`OUT` with the extension `.h`); its
//! calling convention is documented in `codegen::func` and in the header itself.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::codegen::{CodegenOptions, EmitKind, emit_file, header::c_header};
use crate::runtime::parse_and_lower;
use crate::transform::Target;

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    LlvmIr,
    Asm,
    Obj,
    Shared,
}

/// Arguments of `tirscript build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The .tir file to compile.
    pub file: PathBuf,
    /// The output kind.
    #[arg(long, value_enum, default_value = "shared")]
    pub emit: Emit,
    /// The output file.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// The target, as a TVM target string (`llvm -mcpu=... -mattr=...`).
    #[arg(long, default_value = "llvm")]
    pub target: String,
    /// Check every buffer access at run time (violations return -1 and fill tirscript_last_error).
    #[arg(long)]
    pub bounds_check: bool,
}

/// Runs the verb; returns the exit code.
pub fn run(args: &BuildArgs) -> i32 {
    match build(args) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("error: {message}");
            1
        }
    }
}

fn build(args: &BuildArgs) -> Result<(), String> {
    let target = Target::parse(&args.target).map_err(|e| e.to_string())?;
    let text = super::read_input(&args.file)?;
    let name = args.file.display().to_string();
    let prepared = parse_and_lower(&name, &text, &target)?;
    let mut options = CodegenOptions::for_target(&target).map_err(|e| e.to_string())?;
    options.bounds_check = args.bounds_check;
    let kind = match args.emit {
        Emit::LlvmIr => EmitKind::LlvmIr,
        Emit::Asm => EmitKind::Asm,
        Emit::Obj => EmitKind::Object,
        Emit::Shared => EmitKind::Shared,
    };
    let abis = emit_file(&prepared.lowered, Some(&prepared.source), &options, kind, &args.output)
        .map_err(|e| e.to_string())?;
    if kind == EmitKind::Shared {
        let library =
            args.output.file_name().map_or("library".into(), |n| n.to_string_lossy().into_owned());
        let header = c_header(&library, &abis).map_err(|e| e.to_string())?;
        let path = args.output.with_extension("h");
        std::fs::write(&path, header)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {} and {}", args.output.display(), path.display());
    } else {
        eprintln!("wrote {}", args.output.display());
    }
    Ok(())
}

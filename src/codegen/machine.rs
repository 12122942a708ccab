//! LLVM proper: parsing the emitted IR, the O3 pipeline, MCJIT and target-machine file output.
//!
//! `CompiledModule` owns an LLVM context, its module and the MCJIT engine that owns the module.
//! inkwell ties those by lifetimes; to own them together the context is boxed and leaked for the
//! engine's `'static` lifetime, and `Drop` releases them in dependency order (module handle, engine,
//! then context). Nothing borrowed from the context escapes a `CompiledModule`: callers only get
//! raw function addresses, valid while the `CompiledModule` lives.

use std::collections::HashMap;
use std::mem::ManuallyDrop;
use std::path::Path;
use std::time::{Duration, Instant};

use inkwell::OptimizationLevel;
use inkwell::context::Context;
use inkwell::execution_engine::ExecutionEngine;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{
    CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple,
};

use crate::ir::IRModule;

use super::func::{FuncAbi, emit_module};
use super::{CodegenError, CodegenOptions};

/// The host CPU's name as LLVM knows it.
pub fn host_cpu() -> String {
    TargetMachine::get_host_cpu_name().to_string()
}

/// The host's target triple as LLVM knows it.
pub fn host_triple() -> String {
    TargetMachine::get_default_triple().as_str().to_string_lossy().into_owned()
}

/// The host CPU's features as LLVM knows them.
pub fn host_features() -> String {
    TargetMachine::get_host_cpu_features().to_string()
}

/// The target machine for `options` (PIC, so objects can go into shared libraries).
fn target_machine(options: &CodegenOptions) -> Result<TargetMachine, CodegenError> {
    Target::initialize_native(&InitializationConfig::default())
        .map_err(|e| CodegenError::llvm("initialisation", e))?;
    if !options.triple.is_empty() {
        // A named triple may be another architecture (cross compilation to an object or IR).
        Target::initialize_all(&InitializationConfig::default());
    }
    let triple = if options.triple.is_empty() {
        TargetMachine::get_default_triple()
    } else {
        TargetTriple::create(&options.triple)
    };
    let target =
        Target::from_triple(&triple).map_err(|e| CodegenError::llvm("target lookup", e))?;
    let level = match options.opt_level {
        0 => OptimizationLevel::None,
        1 => OptimizationLevel::Less,
        2 => OptimizationLevel::Default,
        _ => OptimizationLevel::Aggressive,
    };
    target
        .create_target_machine(
            &triple,
            &options.cpu,
            &options.features,
            level,
            RelocMode::PIC,
            CodeModel::Default,
        )
        .ok_or_else(|| {
            CodegenError::llvm("target machine", format!("cannot create one for {}", triple))
        })
}

/// Parses `text` into a module of `context`, sets its target and runs the optimisation pipeline.
fn build_llvm_module<'c>(
    context: &'c Context,
    text: &str,
    options: &CodegenOptions,
    machine: &TargetMachine,
) -> Result<Module<'c>, CodegenError> {
    let module = parse_ir(context, text)?;
    module.set_triple(&machine.get_triple());
    module.set_data_layout(&machine.get_target_data().get_data_layout());
    module.verify().map_err(|e| CodegenError::llvm("verifier", e))?;
    let pipeline = format!("default<O{}>", options.opt_level.min(3));
    let pass_options = PassBuilderOptions::create();
    pass_options.set_loop_vectorization(true);
    pass_options.set_loop_slp_vectorization(true);
    pass_options.set_loop_unrolling(true);
    module
        .run_passes(&pipeline, machine, pass_options)
        .map_err(|e| CodegenError::llvm("optimisation", e))?;
    Ok(module)
}

/// The optimised LLVM IR of `module` as text.
pub fn llvm_ir_text(
    module: &IRModule,
    source: Option<&IRModule>,
    options: &CodegenOptions,
) -> Result<String, CodegenError> {
    let (text, _) = emit_module(module, source, options)?;
    let machine = target_machine(options)?;
    let context = Context::create();
    let llvm = build_llvm_module(&context, &text, options, &machine)?;
    Ok(llvm.print_to_string().to_string())
}

/// What `emit_file` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmitKind {
    LlvmIr,
    Asm,
    Object,
    Shared,
}

/// Compiles `module` and writes it to `path` as `kind`. A shared library embeds the runtime
/// support and is linked with the system C compiler (`cc -shared`), so it depends only on libc,
/// libm and libpthread. Returns each function's ABI (for the C header).
pub fn emit_file(
    module: &IRModule,
    source: Option<&IRModule>,
    options: &CodegenOptions,
    kind: EmitKind,
    path: &Path,
) -> Result<Vec<FuncAbi>, CodegenError> {
    let mut options = options.clone();
    if kind != EmitKind::LlvmIr {
        options.embed_runtime = true;
    }
    let (text, abis) = emit_module(module, source, &options)?;
    let machine = target_machine(&options)?;
    let context = Context::create();
    let llvm = build_llvm_module(&context, &text, &options, &machine)?;
    let write = |file_type: FileType, to: &Path| {
        machine
            .write_to_file(&llvm, file_type, to)
            .map_err(|e| CodegenError::llvm("code emission", e))
    };
    match kind {
        EmitKind::LlvmIr => std::fs::write(path, llvm.print_to_string().to_string())
            .map_err(|e| CodegenError::invalid(format!("cannot write {}: {e}", path.display())))?,
        EmitKind::Asm => write(FileType::Assembly, path)?,
        EmitKind::Object => write(FileType::Object, path)?,
        EmitKind::Shared => {
            let object = path.with_extension("tirscript.o");
            write(FileType::Object, &object)?;
            let status = std::process::Command::new("cc")
                .arg("-shared")
                .arg("-o")
                .arg(path)
                .arg(&object)
                .args(["-lm", "-lpthread"])
                .status();
            let _ = std::fs::remove_file(&object);
            match status {
                Ok(s) if s.success() => {}
                Ok(s) => return Err(CodegenError::invalid(format!("`cc -shared` failed ({s})"))),
                Err(e) => return Err(CodegenError::invalid(format!("cannot run `cc`: {e}"))),
            }
        }
    }
    Ok(abis)
}

/// How long each phase of `compile_module` took.
#[derive(Clone, Copy, Debug, Default)]
pub struct CompileTimings {
    /// TIR to LLVM IR text.
    pub emit: Duration,
    /// Parsing, verification and the optimisation pipeline.
    pub optimize: Duration,
    /// Machine code generation by MCJIT.
    pub codegen: Duration,
}

/// A module compiled in process: function addresses and their ABIs.
pub struct CompiledModule {
    module: ManuallyDrop<Module<'static>>,
    engine: ManuallyDrop<ExecutionEngine<'static>>,
    context: *mut Context,
    functions: HashMap<String, (usize, FuncAbi)>,
    pub timings: CompileTimings,
}

/// Runtime entry points the JIT-compiled code calls, by symbol.
pub type RuntimeSymbols = [(&'static str, usize)];

/// Compiles `module` (lowered; `source` as in `emit_module`) in process with MCJIT; `runtime` maps the runtime's symbols
/// (`tirscript_parallel_for`, `tirscript_record_oob`, `tirscript_record_assert`) to addresses.
pub fn compile_module(
    module: &IRModule,
    source: Option<&IRModule>,
    options: &CodegenOptions,
    runtime: &RuntimeSymbols,
) -> Result<CompiledModule, CodegenError> {
    let start = Instant::now();
    let (text, abis) = emit_module(module, source, options)?;
    let emit = start.elapsed();
    let machine = target_machine(options)?;
    let context: *mut Context = Box::into_raw(Box::new(Context::create()));
    // SAFETY: `context` stays allocated until `CompiledModule::drop` (or the error path below),
    // which first drops everything that borrows it.
    let context_ref: &'static Context = unsafe { &*context };
    let built = (|| {
        let start = Instant::now();
        let llvm = build_llvm_module(context_ref, &text, options, &machine)?;
        let optimize = start.elapsed();
        let start = Instant::now();
        let engine = llvm
            .create_jit_execution_engine(OptimizationLevel::Aggressive)
            .map_err(|e| CodegenError::llvm("MCJIT", e))?;
        for (name, address) in runtime {
            if let Some(f) = llvm.get_function(name) {
                engine.add_global_mapping(&f, *address);
            }
        }
        check_external_symbols(&llvm, runtime)?;
        let mut functions = HashMap::new();
        for abi in abis {
            let symbol = format!("{}_packed", abi.symbol);
            let address = engine
                .get_function_address(&symbol)
                .map_err(|e| CodegenError::llvm("function lookup", format!("{symbol}: {e:?}")))?;
            functions.insert(abi.symbol.clone(), (address, abi));
        }
        let codegen = start.elapsed();
        Ok((llvm, engine, functions, optimize, codegen))
    })();
    match built {
        Ok((llvm, engine, functions, optimize, codegen)) => Ok(CompiledModule {
            module: ManuallyDrop::new(llvm),
            engine: ManuallyDrop::new(engine),
            context,
            functions,
            timings: CompileTimings { emit, optimize, codegen },
        }),
        Err(e) => {
            // SAFETY: everything that borrowed the context was dropped inside the closure.
            drop(unsafe { Box::from_raw(context) });
            Err(e)
        }
    }
}

/// Parses LLVM IR text into a module of `context`. inkwell 0.11's `create_module_from_ir` calls
/// `LLVMParseIRInContext2`, which (unlike the older entry point) leaves the buffer to its caller,
/// and then forgets the buffer: one IR-sized leak per compile. Here the buffer is dropped (and so
/// disposed) after parsing.
fn parse_ir<'c>(context: &'c Context, text: &str) -> Result<Module<'c>, CodegenError> {
    use inkwell::llvm_sys::core::LLVMDisposeMessage;
    use inkwell::llvm_sys::ir_reader::LLVMParseIRInContext2;
    let buffer = MemoryBuffer::create_from_memory_range_copy(text.as_bytes(), "tirscript");
    let mut module = std::ptr::null_mut();
    let mut message = std::ptr::null_mut();
    // SAFETY: the context and the buffer are alive for the call; LLVMParseIRInContext2 does not
    // take ownership of the buffer (it is disposed when `buffer` drops below), and on success it
    // hands over a module owned by `context`.
    let status = unsafe {
        LLVMParseIRInContext2(context.raw(), buffer.as_mut_ptr(), &mut module, &mut message)
    };
    drop(buffer);
    if status != 0 || module.is_null() {
        let reason = if message.is_null() {
            "no message".to_string()
        } else {
            // SAFETY: LLVM returned a NUL-terminated message that the caller must dispose.
            let text = unsafe { std::ffi::CStr::from_ptr(message) }.to_string_lossy().into_owned();
            unsafe { LLVMDisposeMessage(message) };
            text
        };
        return Err(CodegenError::llvm("rejected the generated IR", reason));
    }
    // SAFETY: `module` is a valid module just created in `context`, owned by nobody else.
    Ok(unsafe { Module::new(module) })
}

/// Every function the module declares but does not define (a `T.call_extern` target, a libm
/// function) must resolve in this process, or MCJIT would jump to address 0 when it is called.
/// LLVM intrinsics and the runtime's mapped entry points are resolved by LLVM and by the mapping.
fn check_external_symbols(
    llvm: &inkwell::module::Module<'_>,
    runtime: &RuntimeSymbols,
) -> Result<(), CodegenError> {
    inkwell::support::load_visible_symbols();
    for f in llvm.get_functions() {
        if f.count_basic_blocks() > 0 {
            continue;
        }
        let name = f.get_name().to_string_lossy();
        if name.starts_with("llvm.") || runtime.iter().any(|(r, _)| *r == name) {
            continue;
        }
        if inkwell::support::search_for_address_of_symbol(&name).is_none() {
            return Err(CodegenError::unsupported(format!(
                "running a kernel that calls the external function `{name}`, which is not \
                 defined in this process (build a library with `tirscript build --emit shared` \
                 and link `{name}` into the program that loads it)"
            )));
        }
    }
    Ok(())
}

impl CompiledModule {
    /// The address of `name`'s packed entry point (`i32 (const u64 *slots)`) and its ABI.
    pub fn function(&self, name: &str) -> Option<(usize, &FuncAbi)> {
        self.functions.get(name).map(|(a, abi)| (*a, abi))
    }
    /// The names of the compiled functions.
    pub fn function_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.functions.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

impl Drop for CompiledModule {
    fn drop(&mut self) {
        // SAFETY: the module handle and the engine borrow the context; they are dropped first,
        // once each, and the context was made by `Box::into_raw` in `compile_module`.
        unsafe {
            ManuallyDrop::drop(&mut self.module);
            ManuallyDrop::drop(&mut self.engine);
            drop(Box::from_raw(self.context));
        }
    }
}

//! Code generated for CPUs other than this one: every example, the programs of
//! tests/codegen_module (module calls, float8) and a module of float16/bfloat16 conversions are
//! compiled for baseline targets (`-mcpu=x86-64`, `x86-64-v2`, `x86-64-v3`, and
//! the host CPU without F16C, FMA and AVX-512), run here, and checked against the interpreter.
//!
//! The default target is the host CPU, so without this test the suite only ever proves code for
//! the machine it runs on. On a CPU without F16C, LLVM turns float16 conversions into calls of the
//! compiler runtime (`__extendhfsf2`, `__truncsfhf2`, `__truncdfhf2`): in process they must resolve
//! for MCJIT, and a shared library must carry or find them when it is loaded. So the test also
//! checks that the baseline assembly really calls them (the path is exercised), and loads a
//! baseline shared library with `dlopen(RTLD_NOW)` from a C driver (tests/c_abi/packed_driver.c)
//! and compares what it computes with the interpreter.
//!
//! A target runs only where this CPU has every feature it assumes (each case is `ignored`
//! otherwise, saying so); `x86-64` itself runs on every x86-64 CPU. The interpreter's results are
//! computed once per program and shared by the targets. Conversions must match bit for bit (NaN
//! payloads aside); the examples within the tolerance of tests/codegen_examples.rs, since
//! `llvm.fmuladd` fuses on CPUs with FMA and rounds twice on those without.

mod example_kernels;
mod half_casts;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use half_casts::{HALF_CASTS, half_inputs};
use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::codegen::{CodegenOptions, EmitKind, emit_file};
use tirscript::interp::{ArgValue, NDArray, random_args_for, run_func};
use tirscript::ir::DataType;
use tirscript::runtime;
use tirscript::transform::Target;

/// A target other than the host CPU, and whether this CPU can run its code.
struct PortableTarget {
    label: &'static str,
    target: &'static str,
    runs_here: fn() -> bool,
}

#[cfg(target_arch = "x86_64")]
fn has_x86_64_v2() -> bool {
    use std::arch::is_x86_feature_detected as has;
    has!("sse3")
        && has!("ssse3")
        && has!("sse4.1")
        && has!("sse4.2")
        && has!("popcnt")
        && has!("cmpxchg16b")
}

#[cfg(target_arch = "x86_64")]
fn has_x86_64_v3() -> bool {
    use std::arch::is_x86_feature_detected as has;
    has_x86_64_v2()
        && has!("avx")
        && has!("avx2")
        && has!("bmi1")
        && has!("bmi2")
        && has!("f16c")
        && has!("fma")
        && has!("lzcnt")
        && has!("movbe")
        && has!("xsave")
}

/// The baseline first: the shared-library and assembly checks use it.
#[cfg(target_arch = "x86_64")]
fn targets() -> Vec<PortableTarget> {
    vec![
        PortableTarget { label: "x86-64", target: "llvm -mcpu=x86-64", runs_here: || true },
        PortableTarget {
            label: "x86-64-v2",
            target: "llvm -mcpu=x86-64-v2",
            runs_here: has_x86_64_v2,
        },
        PortableTarget {
            label: "x86-64-v3",
            target: "llvm -mcpu=x86-64-v3",
            runs_here: has_x86_64_v3,
        },
        // This CPU less some features: a subset of what it has, so it always runs here.
        PortableTarget {
            label: "host-f16c-fma-avx512f",
            target: "llvm -mattr=-f16c,-fma,-avx512f",
            runs_here: || true,
        },
    ]
}

#[cfg(not(target_arch = "x86_64"))]
fn targets() -> Vec<PortableTarget> {
    vec![PortableTarget { label: "generic", target: "llvm -mcpu=generic", runs_here: || true }]
}

/// How compiled results must agree with the interpreter's.
#[derive(Clone, Copy)]
enum Agreement {
    /// The same value (the same sign of zero; any NaN for NaN).
    Exact,
    /// Within a relative error (relative to max(|expected|, 1)), as tests/codegen_examples.rs.
    Tolerance,
}

fn tolerance(dtype: DataType) -> f64 {
    if dtype.bits == 16 { 1e-2 } else { 1e-4 }
}

/// The first element where `got` and `want` disagree, described.
fn disagreement(got: &NDArray, want: &NDArray, agreement: Agreement) -> Option<String> {
    let limit = tolerance(want.dtype());
    let (got, want) = (got.to_f64_vec(), want.to_f64_vec());
    got.iter().zip(&want).enumerate().find_map(|(i, (&g, &w))| {
        let agrees = (g.is_nan() && w.is_nan())
            || match agreement {
                Agreement::Exact => g.to_bits() == w.to_bits(),
                Agreement::Tolerance => g == w || (g - w).abs() <= limit * w.abs().max(1.0),
            };
        (!agrees).then(|| format!("element {i}: compiled {g:e}, interpreter {w:e}"))
    })
}

/// One program, the inputs of each of its functions and the interpreter's results on them.
struct Program {
    name: String,
    text: String,
    agreement: Agreement,
    make_inputs: fn(&tirscript::ir::PrimFunc) -> Result<Vec<ArgValue>, String>,
    expected: OnceLock<Result<Vec<Expected>, String>>,
}

struct Expected {
    function: String,
    inputs: Vec<ArgValue>,
    outputs: Vec<ArgValue>,
}

fn seeded_inputs(func: &tirscript::ir::PrimFunc) -> Result<Vec<ArgValue>, String> {
    random_args_for(func, 7).map_err(|e| e.to_string())
}

fn probe_inputs(_: &tirscript::ir::PrimFunc) -> Result<Vec<ArgValue>, String> {
    half_inputs()
}

impl Program {
    fn interpret(&self) -> Result<Vec<Expected>, String> {
        let prepared = runtime::parse_and_lower(&self.name, &self.text, &Target::llvm())?;
        let mut all = Vec::new();
        // Private functions are reached through their callers (a packed entry of one returns
        // its value, not a status).
        for (gv, func) in prepared.source.functions().filter(|(_, f)| f.global_symbol().is_some()) {
            let inputs = (self.make_inputs)(func)?;
            let mut outputs = inputs.clone();
            run_func(&prepared.source, gv.name(), &mut outputs).map_err(|e| e.to_string())?;
            all.push(Expected { function: gv.name().to_string(), inputs, outputs });
        }
        if all.is_empty() {
            return Err(format!("{} has no public function to run", self.name));
        }
        Ok(all)
    }

    /// The interpreter's results, computed by the first target that asks.
    fn expected(&self) -> Result<&[Expected], Failed> {
        let computed = self.expected.get_or_init(|| self.interpret());
        computed.as_deref().map_err(|e| format!("the interpreter failed: {e}").into())
    }

    /// Compiles the program for `target`, runs every function and compares with the interpreter.
    fn check(&self, target: &str) -> Result<(), Failed> {
        let target = Target::parse(target)?;
        let prepared = runtime::parse_and_lower(&self.name, &self.text, &target)?;
        let compiled = runtime::compile_prepared(&prepared, &CodegenOptions::for_target(&target)?)?;
        for expected in self.expected()? {
            let mut got = expected.inputs.clone();
            runtime::call(&compiled, &expected.function, &mut got)?;
            for (k, (g, w)) in got.iter().zip(&expected.outputs).enumerate() {
                if let (ArgValue::Array(g), ArgValue::Array(w)) = (g, w)
                    && let Some(what) = disagreement(g, w, self.agreement)
                {
                    return Err(format!("{}: argument {k}: {what}", expected.function).into());
                }
            }
        }
        Ok(())
    }
}

/// A fresh directory for this process under Cargo's per-target scratch directory, which (unlike
/// `$TMPDIR`, sometimes mounted `noexec`) can hold programs and libraries that are run.
fn scratch_dir(tag: &str) -> Result<PathBuf, Failed> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tirscript_portable_{tag}_{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

/// The half module's assembly for `target`.
fn half_assembly(target: &str) -> Result<String, Failed> {
    let target = Target::parse(target)?;
    let prepared = runtime::parse_and_lower("half_casts", HALF_CASTS, &target)?;
    let dir = scratch_dir("asm")?;
    let path = dir.join("half_casts.s");
    let options = CodegenOptions::for_target(&target)?;
    emit_file(&prepared.lowered, Some(&prepared.source), &options, EmitKind::Asm, &path)?;
    let text = std::fs::read_to_string(&path)?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(text)
}

/// Without F16C, the conversions are calls of the compiler runtime: the MCJIT cases above only
/// prove those resolve if the code really calls them.
#[cfg(target_arch = "x86_64")]
fn baseline_half_conversions_call_the_compiler_runtime() -> Result<(), Failed> {
    let asm = half_assembly("llvm -mcpu=x86-64")?;
    for routine in ["__extendhfsf2", "__truncsfhf2", "__truncdfhf2"] {
        if !asm.contains(routine) {
            return Err(format!("no call of {routine} in the x86-64 assembly:\n{asm}").into());
        }
    }
    // With F16C the float32 conversions are instructions.
    if has_x86_64_v3() {
        let asm = half_assembly("llvm -mcpu=x86-64-v3")?;
        if asm.contains("__extendhfsf2") || !asm.contains("vcvtph2ps") {
            return Err(format!("x86-64-v3 should convert with vcvtph2ps:\n{asm}").into());
        }
    }
    Ok(())
}

/// The half module as a baseline shared library, loaded with `dlopen(RTLD_NOW)` by a C driver
/// that calls each function's packed entry on buffers read from files; the results must be the
/// interpreter's bit for bit.
fn baseline_shared_library_matches_the_interpreter(
    program: &Program,
    target: &str,
) -> Result<(), Failed> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = scratch_dir("shared")?;
    let library = dir.join("libhalf.so");
    let target = Target::parse(target)?;
    let prepared = runtime::parse_and_lower("half_casts", HALF_CASTS, &target)?;
    let options = CodegenOptions::for_target(&target)?;
    emit_file(&prepared.lowered, Some(&prepared.source), &options, EmitKind::Shared, &library)?;
    let driver = dir.join("packed_driver");
    let status = Command::new("cc")
        .args(["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-O1", "-Wall", "-Werror", "-o"])
        .arg(&driver)
        .arg(root.join("tests/c_abi/packed_driver.c"))
        .arg("-ldl")
        .status()
        .map_err(|e| format!("cannot run cc: {e}"))?;
    if !status.success() {
        return Err("compiling tests/c_abi/packed_driver.c failed".into());
    }
    for expected in program.expected()? {
        let mut files = Vec::new();
        for (k, arg) in expected.inputs.iter().enumerate() {
            let ArgValue::Array(array) = arg else {
                return Err(format!("{}: argument {k} is not an array", expected.function).into());
            };
            let file = dir.join(format!("{}_{k}.bin", expected.function));
            std::fs::write(&file, array.storage().as_bytes())?;
            files.push(file);
        }
        let output = Command::new(&driver)
            .arg(&library)
            .arg(&expected.function)
            .args(&files)
            .output()
            .map_err(|e| format!("cannot run the driver: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "the driver failed ({}): {}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        for (k, (file, want)) in files.iter().zip(&expected.outputs).enumerate() {
            let ArgValue::Array(want) = want else { continue };
            let mut got = NDArray::zeros(want.dtype(), want.shape())?;
            let bytes = std::fs::read(file)?;
            if bytes.len() != got.storage().len() {
                return Err(format!("{}: {} bytes came back", file.display(), bytes.len()).into());
            }
            got.storage_mut().as_bytes_mut().copy_from_slice(&bytes);
            if let Some(what) = disagreement(&got, want, Agreement::Exact) {
                return Err(format!("{}: argument {k}: {what}", expected.function).into());
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut programs: Vec<Arc<Program>> = example_kernels::interpreter_sized_examples()
        .into_iter()
        .map(|(name, text)| {
            Arc::new(Program {
                name,
                text,
                agreement: Agreement::Tolerance,
                make_inputs: seeded_inputs,
                expected: OnceLock::new(),
            })
        })
        .collect();
    assert!(programs.len() >= 8, "expected the eight examples in examples/");
    // The codegen test programs (module calls, float8), but for the scalable-vector ones.
    for path in example_kernels::tir_files_in("tests/codegen_module") {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if !text.contains("T.vscale()") {
            programs.push(Arc::new(Program {
                name,
                text,
                agreement: Agreement::Tolerance,
                make_inputs: seeded_inputs,
                expected: OnceLock::new(),
            }));
        }
    }
    let half = Arc::new(Program {
        name: "half_casts".to_string(),
        text: HALF_CASTS.to_string(),
        agreement: Agreement::Exact,
        make_inputs: probe_inputs,
        expected: OnceLock::new(),
    });
    programs.push(Arc::clone(&half));

    let targets = targets();
    let mut trials = Vec::new();
    for target in &targets {
        let runs_here = (target.runs_here)();
        for program in &programs {
            let program = Arc::clone(program);
            let spec = target.target;
            let name = format!("{} @ {}", program.name, target.label);
            trials
                .push(Trial::test(name, move || program.check(spec)).with_ignored_flag(!runs_here));
        }
    }
    let baseline = targets[0].target;
    trials.push(Trial::test(format!("shared library @ {}", targets[0].label), move || {
        baseline_shared_library_matches_the_interpreter(&half, baseline)
    }));
    #[cfg(target_arch = "x86_64")]
    trials.push(Trial::test(
        "baseline float16 conversions call the compiler runtime",
        baseline_half_conversions_call_the_compiler_runtime,
    ));
    for target in targets.iter().filter(|t| !(t.runs_here)()) {
        println!("note: this CPU cannot run code for {}; its cases are ignored", target.target);
    }
    libtest_mimic::run(&args, trials).exit();
}

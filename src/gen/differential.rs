//! Differential check of the LLVM backend: a kernel compiled after the default pipeline must give
//! the interpreter's results on the kernel before lowering.
//!
//! Comparison: integer lanes bit-equal; float lanes equal, both NaN, or within [`tolerance`].
//! Why floats get a tolerance at all: TVM's LowerIntrin turns `a * b + c` into `llvm.fmuladd` and
//! TVM's LLVM target allows fusing (`AllowFPOpFusion::Fast`), so on a CPU with FMA a compiled
//! kernel may round once where the interpreter rounds twice; and `exp`/`log` come from the C
//! library, whose results may differ from the interpreter's (double precision, then rounded) in
//! the last place. Both are legal results of the same TIR. [`FUSION_FREE_TARGET`] has no FMA, so
//! only the library functions can differ there, and the tolerance stays tight; on the host target
//! [`HOST_TOLERANCE_SCALE`] widens it. The kernels of `super::kernel` never let a float rounding
//! difference reach an integer, so integers are always compared exactly.
//!
//! Errors: the generated text must parse and lower (otherwise the generator or a pass is wrong);
//! the interpreter and the compiled code must either both succeed or both fail (the kernels are in
//! bounds by construction, so a failure on either side is itself reported as a finding).

use crate::codegen::CodegenOptions;
use crate::interp::{ArgValue, NDArray, Scalar, random_args_with_extent, run_func};
use crate::ir::DataType;
use crate::runtime::{self, parse_and_lower};
use crate::transform::Target;

use super::kernel::SCALAR_VALUE;

/// An x86-64 target without fused multiply-add: `llvm.fmuladd` rounds twice, as the interpreter.
pub const FUSION_FREE_TARGET: &str = "llvm -mattr=-fma";

/// How much wider the float tolerance is on a target that may fuse `a * b + c`.
pub const HOST_TOLERANCE_SCALE: f64 = 1e3;

/// How to compile and run one kernel.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// A TVM-style target string.
    pub target: String,
    /// Compile with run-time bounds checks.
    pub bounds_check: bool,
    /// Seed of the random inputs.
    pub seed: u64,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions { target: FUSION_FREE_TARGET.to_string(), bounds_check: false, seed: 0 }
    }
}

/// What a differential run found, when it is not agreement.
#[derive(Clone, Debug, PartialEq)]
pub enum DiffFailure {
    /// The kernel did not parse or lower.
    Lowering(String),
    /// Code generation failed.
    Codegen(String),
    /// One side failed (or both, with these messages).
    Error { interp: Option<String>, compiled: Option<String> },
    /// Results differ: parameter, lane, interpreter value, compiled value.
    Mismatch { param: String, lane: usize, interp: f64, compiled: f64, dtype: String },
}

impl std::fmt::Display for DiffFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiffFailure::Lowering(m) => write!(f, "the kernel does not lower: {m}"),
            DiffFailure::Codegen(m) => write!(f, "code generation failed: {m}"),
            DiffFailure::Error { interp, compiled } => write!(
                f,
                "interpreter: {}; compiled: {}",
                interp.as_deref().unwrap_or("ok"),
                compiled.as_deref().unwrap_or("ok")
            ),
            DiffFailure::Mismatch { param, lane, interp, compiled, dtype } => write!(
                f,
                "`{param}` ({dtype}) lane {lane}: interpreter {interp:?}, compiled {compiled:?}"
            ),
        }
    }
}

/// The largest accepted difference between float lanes: relative to `max(|interp|, 1)`.
pub fn tolerance(dtype: DataType, target: &str) -> f64 {
    let base = match dtype.bits {
        16 => 2e-3,
        32 => 1e-5,
        _ => 1e-12,
    };
    if target.contains("-fma") { base } else { base * HOST_TOLERANCE_SCALE }
}

/// Compiles `text` (a kernel with function `main`), runs it and the interpreter on the same
/// seeded inputs, and compares every output lane.
pub fn check_kernel(text: &str, options: &DiffOptions) -> Result<(), DiffFailure> {
    let target =
        Target::parse(&options.target).map_err(|e| DiffFailure::Lowering(e.to_string()))?;
    let prepared = parse_and_lower("kernel.tir", text, &target).map_err(DiffFailure::Lowering)?;
    let (_, func) = prepared
        .source
        .lookup("main")
        .ok_or_else(|| DiffFailure::Lowering("no function `main`".into()))?;
    let inputs = random_args_with_extent(func, options.seed, SCALAR_VALUE)
        .map_err(|e| DiffFailure::Lowering(format!("arguments: {e}")))?;

    let mut interp_args = inputs.clone();
    let interp = run_func(&prepared.source, "main", &mut interp_args).map_err(|e| e.to_string());

    let mut codegen_options =
        CodegenOptions::for_target(&target).map_err(|e| DiffFailure::Codegen(e.to_string()))?;
    codegen_options.bounds_check = options.bounds_check;
    let compiled = match runtime::compile_prepared(&prepared, &codegen_options) {
        // A documented limit of the backend, not a wrong result: check without bounds checks.
        Err(e) if options.bounds_check && e.message.contains("does not support bounds checks") => {
            codegen_options.bounds_check = false;
            runtime::compile_prepared(&prepared, &codegen_options)
        }
        other => other,
    }
    .map_err(|e| DiffFailure::Codegen(e.to_string()))?;
    let mut compiled_args = inputs;
    let ran = runtime::call(&compiled, "main", &mut compiled_args).map_err(|e| e.to_string());

    if interp.is_err() || ran.is_err() {
        return Err(DiffFailure::Error { interp: interp.err(), compiled: ran.err() });
    }
    for (k, (want, got)) in interp_args.iter().zip(&compiled_args).enumerate() {
        if let (ArgValue::Array(want), ArgValue::Array(got)) = (want, got) {
            let param = func.params.get(k).map(|p| p.name().to_string()).unwrap_or_default();
            compare(&param, want, got, &options.target)?;
        }
    }
    Ok(())
}

/// Compares two arrays of the same dtype and shape lane by lane.
fn compare(param: &str, want: &NDArray, got: &NDArray, target: &str) -> Result<(), DiffFailure> {
    let dtype = want.dtype();
    let tol = tolerance(dtype, target);
    for lane in 0..want.lane_count().min(got.lane_count()) {
        let (w, g) = (want.lane(lane), got.lane(lane));
        let agree = match (w, g) {
            (Scalar::Int(a), Scalar::Int(b)) => a == b,
            (a, b) => {
                let (a, b) = (a.as_f64(), b.as_f64());
                a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol * a.abs().max(1.0)
            }
        };
        if !agree {
            return Err(DiffFailure::Mismatch {
                param: param.to_string(),
                lane,
                interp: w.as_f64(),
                compiled: g.as_f64(),
                dtype: dtype.to_string(),
            });
        }
    }
    Ok(())
}

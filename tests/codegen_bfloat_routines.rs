//! Narrowing to bfloat16 in compiled code on every CPU: the module's own `__truncsfbf2` and
//! `__truncdfbf2` (src/codegen/bfloat_routines.rs), which LLVM calls where the CPU has no
//! conversion instruction and always from `double`.
//!
//! A `T.bfloat16` scalar parameter goes through the packed entry's `double` slot; that narrowing
//! called `__truncdfbf2`, which Debian 12's libgcc lacks, and the JIT-compiled call jumped to
//! address 0. The default pipeline legalises bfloat16 arithmetic and buffer casts away, so the
//! cast cases here lower without the two BF16 legalisation passes, letting `fptrunc ... to bfloat`
//! reach LLVM. Results must equal `f64_to_bf16_bits` (the interpreter's rounding) bit for bit, on
//! the host CPU and on the x86-64 baseline, including `double` values that would round
//! differently through `float`.

use tirscript::codegen::CodegenOptions;
use tirscript::interp::element::f64_to_bf16_bits;
use tirscript::interp::{ArgValue, NDArray, Scalar};
use tirscript::ir::DataType;
use tirscript::runtime;
use tirscript::transform::{PassContext, Target, default_pipeline, run_pipeline};

const N: usize = 24;

const NARROW: &str = r#"# from tvm.script import tir as T

@T.prim_func
def narrow(D: T.Buffer((24,), "float64"), X: T.Buffer((24,), "float32"), BD: T.Buffer((24,), "bfloat16"), BX: T.Buffer((24,), "bfloat16")):
    for i in range(24):
        BD[i] = T.Cast("bfloat16", D[i])
        BX[i] = T.Cast("bfloat16", X[i])
"#;

const SCALAR: &str = r#"# from tvm.script import tir as T

@T.prim_func
def fill(A: T.Buffer((8,), "bfloat16"), B: T.Buffer((8,), "float32"), s: T.bfloat16):
    for i in range(8):
        A[i] = s
        B[i] = T.Cast("float32", s) * T.float32(2.0)
"#;

/// The targets to check: this CPU and, on x86-64, the baseline without any conversion instruction.
fn targets() -> Vec<&'static str> {
    if cfg!(target_arch = "x86_64") { vec!["llvm", "llvm -mcpu=x86-64"] } else { vec!["llvm"] }
}

/// Values whose narrowing tests each rounding decision.
fn probes() -> Vec<f64> {
    let p = |e: i32| 2f64.powi(e);
    let mut values = vec![
        0.0,
        -0.0,
        1.0 + p(-8),
        1.0 + 3.0 * p(-8),
        1.0 + p(-8) + p(-40),
        -(1.0 + p(-8) + p(-40)),
        1.0 + p(-8) - p(-40),
        3.3895313892515355e38,
        3.3961775292304e38,
        1e39,
        1e300,
        -1e300,
        1e-300,
        -1e-300,
        p(-133),
        p(-134),
        p(-134) + p(-160),
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        0.1,
        -2.5,
        65504.0,
    ];
    values.resize(N, 0.75);
    values
}

fn same_bits(got: u16, want: u16) -> bool {
    let nan = |b: u16| b & 0x7F80 == 0x7F80 && b & 0x7F != 0;
    got == want || (nan(got) && nan(want))
}

fn bits(arg: &ArgValue) -> Vec<u16> {
    let bytes = arg.as_array().expect("an array").storage().as_bytes();
    bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()
}

#[test]
fn casts_to_bfloat16_round_to_nearest_even_on_every_cpu() {
    let source = tirscript::eval::parse_script("narrow.tir", NARROW).module.expect("parses");
    let doubles = probes();
    // float32 inputs: the probes as float32 (rounded), so both routines see every case.
    let floats: Vec<f64> = doubles.iter().map(|&v| f64::from(v as f32)).collect();
    for target in targets() {
        let target = Target::parse(target).expect("target");
        let passes: Vec<_> = default_pipeline(&target)
            .expect("pipeline")
            .into_iter()
            .filter(|p| !p.name.starts_with("tir.BF16"))
            .collect();
        let lowered = run_pipeline(source.clone(), &passes, &PassContext::new()).expect("lowers");
        let options = CodegenOptions::for_target(&target).expect("options");
        let compiled = runtime::compile(&lowered, Some(&source), &options).expect("compiles");
        let shape = [N as i64];
        let mut args = vec![
            ArgValue::Array(NDArray::from_f64(DataType::float(64), &shape, &doubles).expect("D")),
            ArgValue::Array(NDArray::from_f64(DataType::float32(), &shape, &floats).expect("X")),
            ArgValue::Array(NDArray::zeros(DataType::bfloat16(), &shape).expect("BD")),
            ArgValue::Array(NDArray::zeros(DataType::bfloat16(), &shape).expect("BX")),
        ];
        runtime::call(&compiled, "narrow", &mut args).expect("runs");
        // From float32 this CPU may have an instruction instead of the routine: AVX512-BF16's
        // `vcvtneps2bf16` flushes subnormals to zero, so that case is checked on the baseline.
        let checked: &[(usize, &Vec<f64>)] =
            if target.mcpu.is_none() { &[(2, &doubles)] } else { &[(2, &doubles), (3, &floats)] };
        for &(k, inputs) in checked {
            for (i, (got, &x)) in bits(&args[k]).into_iter().zip(inputs.iter()).enumerate() {
                let want = f64_to_bf16_bits(x);
                assert!(
                    same_bits(got, want),
                    "{target:?} argument {k}[{i}]: {x:e} gave {got:#06x}, expected {want:#06x}"
                );
            }
        }
    }
}

#[test]
fn a_bfloat16_scalar_parameter_reaches_the_kernel() {
    for target in targets() {
        let target = Target::parse(target).expect("target");
        let prepared = runtime::parse_and_lower("fill.tir", SCALAR, &target).expect("lowers");
        let options = CodegenOptions::for_target(&target).expect("options");
        let compiled = runtime::compile_prepared(&prepared, &options).expect("compiles");
        for value in [1.5, -0.09375, 3.0e38, 1.0 + 2f64.powi(-7)] {
            let mut args = vec![
                ArgValue::Array(NDArray::zeros(DataType::bfloat16(), &[8]).expect("A")),
                ArgValue::Array(NDArray::zeros(DataType::float32(), &[8]).expect("B")),
                ArgValue::Scalar(Scalar::Float(value)),
            ];
            runtime::call(&compiled, "fill", &mut args).expect("runs");
            let want = f64_to_bf16_bits(value);
            assert!(bits(&args[0]).iter().all(|&b| b == want), "{target:?}: {value}");
            // The kernel doubles in float32 (3e38 * 2 overflows to infinity).
            let doubled = f64::from(2.0 * f32::from_bits(u32::from(want) << 16));
            let b = args[1].as_array().expect("B").to_f64_vec();
            assert!(b.iter().all(|&v| v == doubled), "{target:?}: {value}: {b:?}");
        }
    }
}

//! float8, float6 and float4 in compiled code: the FP8 legalisation passes and codegen's exact
//! conversions, checked against `SmallFloat` (the reference encoding) and the interpreter.
//!
//! For every small float format a kernel converts float32 inputs to the format and back; the
//! inputs are every value of the format, every midpoint between neighbours (ties), points just
//! beside them, the overflow threshold, infinities, NaN and signed zeros. The stored bits must be
//! `SmallFloat::encode`'s and the values read back its `decode`, in compiled code and in the
//! interpreter alike. `tests/codegen_module/fp8_kernel.tir` (float8 arithmetic, legalised to
//! float32) must match the interpreter bit for bit.

use tirscript::codegen::CodegenOptions;
use tirscript::interp::{ArgValue, NDArray, random_args_for, run_func};
use tirscript::ir::DataType;
use tirscript::runtime;
use tirscript::transform::Target;
use tirscript::transform::fp8_legalize_format::SmallFloat;

/// Inputs that probe every rounding decision of `format`, as float32 values.
fn probes(format: SmallFloat) -> Vec<f64> {
    let mut values = vec![0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e30, -1e30];
    let max = format.max_finite_bits();
    for bits in 0..=max {
        let v = format.decode(bits);
        let next = if bits < max { format.decode(bits + 1) } else { v * 2.0 };
        let mid = (v + next) / 2.0;
        for x in [v, mid, f64::from((mid as f32).next_up()), f64::from((mid as f32).next_down())] {
            values.push(x);
            values.push(-x);
        }
    }
    values.retain(|v| v.is_nan() || (*v as f32) as f64 == *v || v.is_infinite());
    values
}

fn kernel(format: &str, n: usize) -> String {
    format!(
        "# from tvm.script import tir as T\n\n@T.prim_func\n\
         def convert(A: T.Buffer(({n},), \"float32\"), B: T.Buffer(({n},), \"{format}\"), \
         C: T.Buffer(({n},), \"float32\")):\n    for i in range({n}):\n        \
         B[i] = T.Cast(\"{format}\", A[i])\n        C[i] = T.Cast(\"float32\", B[i])\n"
    )
}

fn same(x: f64, y: f64) -> bool {
    (x.is_nan() && y.is_nan())
        || x.to_bits() == y.to_bits()
        || (x == 0.0 && y == 0.0 && x.is_sign_negative() == y.is_sign_negative())
}

#[test]
fn conversions_round_to_nearest_even_in_every_format() {
    let mut failures = Vec::new();
    for dtype in DataType::small_floats() {
        let name = &dtype.to_string();
        let format = SmallFloat::of(dtype).expect("small float");
        let inputs = probes(format);
        let n = inputs.len();
        let text = kernel(name, n);
        let prepared =
            runtime::parse_and_lower("convert.tir", &text, &Target::llvm()).expect("lowers");
        let compiled =
            runtime::compile_prepared(&prepared, &CodegenOptions::default()).expect("compiles");
        let args = vec![
            ArgValue::Array(
                NDArray::from_f64(DataType::float32(), &[n as i64], &inputs).expect("A"),
            ),
            ArgValue::Array(NDArray::zeros(dtype, &[n as i64]).expect("B")),
            ArgValue::Array(NDArray::zeros(DataType::float32(), &[n as i64]).expect("C")),
        ];
        let mut got = args.clone();
        runtime::call(&compiled, "convert", &mut got).expect("runs");
        let mut want = args;
        run_func(&prepared.source, "convert", &mut want).expect("interprets");
        let bits = got[1].as_array().expect("B").storage().as_bytes().to_vec();
        let interp_bits = want[1].as_array().expect("B").storage().as_bytes().to_vec();
        let back = got[2].as_array().expect("C").to_f64_vec();
        for (i, &x) in inputs.iter().enumerate() {
            let expected = format.encode(x) as u8;
            let value = format.decode(u32::from(expected));
            if bits[i] != expected || interp_bits[i] != expected || !same(back[i], value) {
                failures.push(format!(
                    "{name}: {x:e} -> compiled {:#04x} ({}), interpreter {:#04x}, expected {expected:#04x} ({value})",
                    bits[i], back[i], interp_bits[i]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn float8_kernel_matches_the_interpreter() {
    let text = include_str!("codegen_module/fp8_kernel.tir");
    let prepared =
        runtime::parse_and_lower("fp8_kernel.tir", text, &Target::llvm()).expect("lowers");
    let lowered = tirscript::print::print_script(
        &prepared.lowered,
        false,
        &tirscript::print::PrintOptions::default(),
    );
    assert!(
        lowered.contains("T.handle(\"uint8\""),
        "float8 parameters are stored as uint8:\n{lowered}"
    );
    let compiled =
        runtime::compile_prepared(&prepared, &CodegenOptions::default()).expect("compiles");
    let (_, func) = prepared.source.lookup("fp8_kernel").expect("function");
    for seed in [1, 2, 3] {
        let inputs = random_args_for(func, seed).expect("arguments");
        let mut got = inputs.clone();
        runtime::call(&compiled, "fp8_kernel", &mut got).expect("runs");
        let mut want = inputs;
        run_func(&prepared.source, "fp8_kernel", &mut want).expect("interprets");
        for k in 0..4 {
            let g = got[k].as_array().expect("array").storage().as_bytes().to_vec();
            let w = want[k].as_array().expect("array").storage().as_bytes().to_vec();
            assert_eq!(g, w, "seed {seed}, argument {k}");
        }
    }
}

#[test]
fn float8_arithmetic_without_legalisation_is_a_clear_error() {
    use tirscript::transform::{PassContext, pipeline, run_pipeline};
    let text = include_str!("codegen_module/fp8_kernel.tir");
    let parsed = tirscript::eval::parse_script("fp8_kernel.tir", text);
    let module = parsed.module.expect("parses");
    let mut passes = tirscript::transform::default_pipeline(&Target::llvm()).expect("pipeline");
    pipeline::remove(&mut passes, "tir.FP8ComputeLegalize").expect("in the pipeline");
    let lowered = run_pipeline(module.clone(), &passes, &PassContext::new()).expect("lowers");
    let err = tirscript::codegen::emit_module(&lowered, Some(&module), &CodegenOptions::default())
        .expect_err("float8 multiplication");
    assert!(err.to_string().contains("FP8ComputeLegalize"), "{err}");
}

#[test]
fn float8_parameters_are_bytes_in_the_c_header() {
    let text = include_str!("codegen_module/fp8_kernel.tir");
    let prepared =
        runtime::parse_and_lower("fp8_kernel.tir", text, &Target::llvm()).expect("lowers");
    let (_, abis) = tirscript::codegen::emit_module(
        &prepared.lowered,
        Some(&prepared.source),
        &CodegenOptions::default(),
    )
    .expect("emits");
    let header = tirscript::codegen::header::c_header("fp8", &abis).expect("header");
    assert!(
        header.contains(
            "int32_t fp8_kernel(uint8_t *restrict A, float *restrict B, uint8_t *restrict C, \
             uint8_t *restrict D);"
        ),
        "{header}"
    );
    assert!(header.contains("A: float8_e4m3fn, shape (64)"), "{header}");
}

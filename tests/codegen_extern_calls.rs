//! Extern calls in compiled code: LowerIntrin's libm fallbacks (`T.call_pure_extern("asinf", x)`)
//! run and agree with the interpreter, and a kernel that calls a function this process does not
//! define is a compile error naming it, never a jump to a null address.
#![cfg(feature = "llvm")]

use tirscript::codegen::CodegenOptions;
use tirscript::interp::{ArgValue, NDArray, run_func};
use tirscript::ir::DataType;
use tirscript::runtime;
use tirscript::transform::Target;

const INVERSE_TRIG: &str = r#"# from tvm.script import tir as T

@T.prim_func
def inverse_trig(A: T.Buffer((64,), "float32"), B: T.Buffer((64,), "float32"), C: T.Buffer((64,), "float64")):
    for i in range(64):
        with T.block("B"):
            vi = T.axis.spatial(64, i)
            B[vi] = T.asin(A[vi]) + T.acos(A[vi] * T.float32(0.5)) + T.atan(A[vi] * T.float32(4.0))
            C[vi] = T.asin(T.Cast("float64", A[vi]))
"#;

const UNKNOWN_EXTERN: &str = r#"# from tvm.script import tir as T

@T.prim_func
def unknown_extern(A: T.Buffer((8,), "float32")):
    for i in range(8):
        A[i] = T.call_extern("float32", "tirscript_no_such_function", A[i])
"#;

fn inputs() -> Vec<ArgValue> {
    // Values over [-1, 1), so asin's series (|x| < 0.5) and libm branches are both taken.
    let a = NDArray::random(DataType::float32(), &[64], 11).expect("array");
    let b = NDArray::zeros(DataType::float32(), &[64]).expect("array");
    let c = NDArray::zeros(DataType::float(64), &[64]).expect("array");
    vec![ArgValue::Array(a), ArgValue::Array(b), ArgValue::Array(c)]
}

#[test]
fn libm_fallbacks_run_and_match_the_interpreter() {
    let prepared =
        runtime::parse_and_lower("t.tir", INVERSE_TRIG, &Target::llvm()).expect("lowers");
    let lowered = tirscript::print::print_module(
        &prepared.lowered,
        &tirscript::print::PrintOptions::default(),
    );
    assert!(lowered.contains("T.call_pure_extern(\"float32\", \"asinf\""), "{lowered}");
    let compiled =
        runtime::compile_prepared(&prepared, &CodegenOptions::default()).expect("compiles");
    let mut args = inputs();
    runtime::call(&compiled, "inverse_trig", &mut args).expect("runs");
    let mut want = inputs();
    run_func(&prepared.source, "inverse_trig", &mut want).expect("interprets");
    for k in 1..3 {
        let (got, want) = (
            args[k].as_array().map(NDArray::to_f64_vec),
            want[k].as_array().map(NDArray::to_f64_vec),
        );
        let (got, want) = (got.expect("array"), want.expect("array"));
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() <= 1e-6 * w.abs().max(1.0), "output {k}: {g} vs {w}");
        }
    }
}

#[test]
fn an_undefined_extern_function_is_a_compile_error() {
    let prepared =
        runtime::parse_and_lower("t.tir", UNKNOWN_EXTERN, &Target::llvm()).expect("lowers");
    let err = runtime::compile_prepared(&prepared, &CodegenOptions::default())
        .err()
        .expect("an unresolved extern must not compile for running");
    assert!(err.to_string().contains("`tirscript_no_such_function`"), "{err}");
}

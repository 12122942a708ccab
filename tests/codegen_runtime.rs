//! The runtime's checks around compiled calls: argument shape and dtype errors before the call,
//! the opt-in bounds-check mode, scalar parameters, bfloat16/float16 casts and parallel loops.

use tirscript::codegen::CodegenOptions;
use tirscript::interp::{ArgValue, NDArray, random_args_for, run_func};
use tirscript::ir::DataType;
use tirscript::runtime::{self, Fault, RuntimeError};
use tirscript::transform::Target;

const SHIFTED_COPY: &str = r#"# from tvm.script import tir as T

@T.prim_func
def shifted_copy(A: T.Buffer((16,), "float32"), B: T.Buffer((16,), "float32"), shift: T.int32):
    for i in range(16):
        with T.block("B"):
            vi = T.axis.spatial(16, i)
            B[vi] = A[vi + shift]
"#;

const PARALLEL_CASTS: &str = r#"# from tvm.script import tir as T

@T.prim_func
def parallel_casts(A: T.Buffer((64, 32), "float32"), B: T.Buffer((64, 32), "bfloat16"), C: T.Buffer((64, 32), "float16")):
    T.func_attr({"tir.noalias": True})
    for i in T.parallel(64):
        for j in T.vectorized(32):
            with T.block("B"):
                vi, vj = T.axis.remap("SS", [i, j])
                B[vi, vj] = T.Cast("bfloat16", A[vi, vj] * T.float32(3.0))
                C[vi, vj] = T.Cast("float16", T.max(A[vi, vj], T.float32(0.25)) - T.float32(1.0))
"#;

fn compile(
    text: &str,
    bounds_check: bool,
) -> (runtime::Prepared, tirscript::codegen::CompiledModule) {
    let prepared = runtime::parse_and_lower("test.tir", text, &Target::llvm()).expect("lowers");
    let options = CodegenOptions { bounds_check, ..CodegenOptions::default() };
    let compiled = runtime::compile_prepared(&prepared, &options).expect("compiles");
    (prepared, compiled)
}

fn arrays(shift: i64) -> Vec<ArgValue> {
    let a = NDArray::random(DataType::float32(), &[16], 3).expect("array");
    let b = NDArray::zeros(DataType::float32(), &[16]).expect("array");
    vec![ArgValue::Array(a), ArgValue::Array(b), ArgValue::int(shift)]
}

#[test]
fn scalar_parameters_are_passed_by_value() {
    let (prepared, compiled) = compile(SHIFTED_COPY, false);
    let mut args = arrays(0);
    runtime::call(&compiled, "shifted_copy", &mut args).expect("runs");
    let mut want = arrays(0);
    run_func(&prepared.source, "shifted_copy", &mut want).expect("interprets");
    assert_eq!(
        args[1].as_array().map(NDArray::to_f64_vec),
        want[1].as_array().map(NDArray::to_f64_vec)
    );
}

#[test]
fn bounds_check_reports_buffer_and_index() {
    let (_, compiled) = compile(SHIFTED_COPY, true);
    let mut args = arrays(1);
    let err = runtime::call(&compiled, "shifted_copy", &mut args).expect_err("reads A[16]");
    match err {
        RuntimeError::Fault(Fault::OutOfBounds { buffer, index, extent, .. }) => {
            assert_eq!((buffer.as_str(), index, extent), ("A", 16, 16));
        }
        other => panic!("expected an out-of-bounds fault, got {other:?}"),
    }
    // In bounds, the checked build runs normally.
    runtime::call(&compiled, "shifted_copy", &mut arrays(0)).expect("in bounds");
}

#[test]
fn mismatched_arguments_are_rejected_before_the_call() {
    let (_, compiled) = compile(SHIFTED_COPY, false);
    let mut args = arrays(0);
    args[0] = ArgValue::Array(NDArray::zeros(DataType::float32(), &[8]).expect("array"));
    let err = runtime::call(&compiled, "shifted_copy", &mut args).expect_err("wrong shape");
    assert!(err.to_string().contains("argument `A`"), "{err}");
    args[0] = ArgValue::Array(NDArray::zeros(DataType::float(16), &[16]).expect("array"));
    let err = runtime::call(&compiled, "shifted_copy", &mut args).expect_err("wrong dtype");
    assert!(err.to_string().contains("dtype float16"), "{err}");
    let err = runtime::call(&compiled, "nope", &mut arrays(0)).expect_err("no such function");
    assert!(matches!(err, RuntimeError::NoSuchFunction(_)));
}

#[test]
fn parallel_loops_and_half_precision_casts_match_the_interpreter() {
    let (prepared, compiled) = compile(PARALLEL_CASTS, false);
    let (_, func) = prepared.source.lookup("parallel_casts").expect("function");
    let inputs = random_args_for(func, 5).expect("inputs");
    let mut got = inputs.clone();
    runtime::call(&compiled, "parallel_casts", &mut got).expect("runs");
    let mut want = inputs;
    run_func(&prepared.source, "parallel_casts", &mut want).expect("interprets");
    for k in [1, 2] {
        let g = got[k].as_array().map(NDArray::to_f64_vec).expect("array");
        let w = want[k].as_array().map(NDArray::to_f64_vec).expect("array");
        assert_eq!(g, w, "argument {k} differs");
    }
    assert!(runtime::num_threads() >= 1);
}

const NARROW_WRAP: &str = r#"# from tvm.script import tir as T

@T.prim_func
def narrow_wrap(A: T.Buffer((64,), "int8"), B: T.Buffer((64,), "int8"), C: T.Buffer((64,), "int32")):
    for i in range(64):
        B[i] = A[i] * T.int8(100) + T.int8(120)
        C[i] = T.Cast("int32", A[i]) * 3 - 7
"#;

#[test]
fn narrow_signed_arithmetic_wraps_and_only_wide_arithmetic_is_nsw() {
    let prepared = runtime::parse_and_lower("t.tir", NARROW_WRAP, &Target::llvm()).expect("lowers");
    // As TVM's CodeGenLLVM: `nsw` from 32 bits up only, so int8 overflow wraps instead of being
    // poison.
    let (text, _) = tirscript::codegen::emit_module(
        &prepared.lowered,
        Some(&prepared.source),
        &CodegenOptions::default(),
    )
    .expect("emits");
    assert!(!text.lines().any(|l| l.contains(" nsw i8 ")), "{text}");
    assert!(text.lines().any(|l| l.contains(" nsw i32 ")), "{text}");
    let compiled =
        runtime::compile_prepared(&prepared, &CodegenOptions::default()).expect("compiles");
    let (_, func) = prepared.source.lookup("narrow_wrap").expect("the function");
    let inputs = random_args_for(func, 9).expect("arguments");
    let mut got = inputs.clone();
    runtime::call(&compiled, "narrow_wrap", &mut got).expect("runs");
    let mut want = inputs;
    run_func(&prepared.source, "narrow_wrap", &mut want).expect("interprets");
    for k in 1..3 {
        assert_eq!(
            got[k].as_array().map(NDArray::to_f64_vec),
            want[k].as_array().map(NDArray::to_f64_vec),
            "output {k}"
        );
    }
}

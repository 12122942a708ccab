//! Calls between the PrimFuncs of one module (`Module.other(...)`) compile to direct LLVM calls
//! of internal functions, run, and match the interpreter; a callee's failure status stops the
//! caller.

use tirscript::codegen::{CodegenOptions, emit_module, header::c_header};
use tirscript::interp::{ArgValue, NDArray, random_args_for, run_func};
use tirscript::ir::DataType;
use tirscript::runtime::{self, Fault, RuntimeError};
use tirscript::transform::Target;

const CALLS: &str = include_str!("codegen_module/calls.tir");

const OUT_OF_BOUNDS_CALLEE: &str = r#"# from tvm.script import ir as I
# from tvm.script import tir as T

@I.ir_module
class Module:
    @T.prim_func(private=True)
    def shifted(A: T.Buffer((16,), "float32"), s: T.int32):
        for i in range(16):
            A[i] = A[i + s]

    @T.prim_func
    def main(A: T.Buffer((16,), "float32"), B: T.Buffer((16,), "float32"), s: T.int32):
        Module.shifted(A.data, s)
        for i in range(16):
            B[i] = A[i]
"#;

fn prepare(text: &str) -> runtime::Prepared {
    runtime::parse_and_lower("calls.tir", text, &Target::llvm()).expect("parses and lowers")
}

#[test]
fn caller_matches_the_interpreter() {
    let prepared = prepare(CALLS);
    let compiled =
        runtime::compile_prepared(&prepared, &CodegenOptions::default()).expect("compiles");
    let (_, main) = prepared.source.lookup("main").expect("main");
    let inputs = random_args_for(main, 11).expect("arguments");
    let mut got = inputs.clone();
    runtime::call(&compiled, "main", &mut got).expect("runs");
    let mut want = inputs.clone();
    run_func(&prepared.source, "main", &mut want).expect("interprets");
    for k in 0..2 {
        let g = got[k].as_array().map(NDArray::to_f64_vec).expect("array");
        let w = want[k].as_array().map(NDArray::to_f64_vec).expect("array");
        assert_eq!(g, w, "argument {k}");
    }
    // B accumulated A * 1, then A * 1.5, then A * 1.5 * 2: B + 4.5 A, so the calls really ran.
    let a0 = inputs[0].as_array().map(NDArray::to_f64_vec).expect("array");
    let b0 = inputs[1].as_array().map(NDArray::to_f64_vec).expect("array");
    let b = got[1].as_array().map(NDArray::to_f64_vec).expect("array");
    for i in 0..16 {
        let expected = b0[i] + a0[i] + a0[i] * 1.5 + a0[i] * 3.0;
        assert!((b[i] - expected).abs() <= 1e-5 * expected.abs().max(1.0), "B[{i}]");
    }
}

#[test]
fn private_callees_are_internal_and_called_directly() {
    let prepared = prepare(CALLS);
    let options = CodegenOptions { opt_level: 0, ..CodegenOptions::default() };
    let (text, abis) =
        emit_module(&prepared.lowered, Some(&prepared.source), &options).expect("emits");
    assert!(text.contains("define internal i32 @scale(ptr"), "{text}");
    assert!(text.contains("define internal i32 @accumulate(ptr"), "{text}");
    assert!(text.contains("define i32 @main(ptr"), "{text}");
    assert!(text.contains("call i32 @scale(ptr"), "{text}");
    assert!(text.contains("call i32 @accumulate(ptr"), "{text}");
    // The header declares only the packed entry of a private function.
    let header = c_header("calls", &abis).expect("header");
    assert!(header.contains("int32_t main(float *restrict A"), "{header}");
    assert!(!header.contains("int32_t scale(float"), "{header}");
    assert!(header.contains("int32_t scale_packed(const uint64_t *slots);"), "{header}");
}

#[test]
fn private_callees_run_through_their_packed_entry() {
    let prepared = prepare(CALLS);
    let compiled =
        runtime::compile_prepared(&prepared, &CodegenOptions::default()).expect("compiles");
    let a = NDArray::random(DataType::float32(), &[16], 5).expect("array");
    let mut args = vec![ArgValue::Array(a.clone()), ArgValue::float(2.0)];
    runtime::call(&compiled, "scale", &mut args).expect("runs");
    let scaled = args[0].as_array().map(NDArray::to_f64_vec).expect("array");
    let doubled: Vec<f64> = a.to_f64_vec().iter().map(|x| x * 2.0).collect();
    assert_eq!(scaled, doubled);
}

#[test]
fn a_callee_fault_stops_the_caller() {
    let prepared = prepare(OUT_OF_BOUNDS_CALLEE);
    let options = CodegenOptions { bounds_check: true, ..CodegenOptions::default() };
    let compiled = runtime::compile_prepared(&prepared, &options).expect("compiles");
    let arrays = |shift: i64| {
        vec![
            ArgValue::Array(NDArray::random(DataType::float32(), &[16], 3).expect("array")),
            ArgValue::Array(NDArray::zeros(DataType::float32(), &[16]).expect("array")),
            ArgValue::int(shift),
        ]
    };
    let mut args = arrays(2);
    match runtime::call(&compiled, "main", &mut args) {
        Err(RuntimeError::Fault(Fault::OutOfBounds { func, buffer, index, extent })) => {
            assert_eq!((func.as_str(), buffer.as_str(), index, extent), ("shifted", "A", 16, 16));
        }
        other => panic!("expected an out-of-bounds fault in `shifted`, got {other:?}"),
    }
    // The caller stopped before its own loop: B is untouched.
    assert!(args[1].as_array().map(NDArray::to_f64_vec).expect("array").iter().all(|&x| x == 0.0));
    let mut args = arrays(0);
    runtime::call(&compiled, "main", &mut args).expect("in bounds");
}

#[test]
fn a_callee_declared_to_return_int32_gives_its_call_that_dtype() {
    // As TVM's `call_tir`, the call takes the dtype of the callee's `-> T.int32` annotation, so
    // `A[Module.twice(j)]` is an int32 index that lowers, compiles and runs.
    let prepared = prepare(include_str!("codegen_module/returning_callee.tir"));
    let compiled =
        runtime::compile_prepared(&prepared, &CodegenOptions::default()).expect("compiles");
    let (_, main) = prepared.source.lookup("main").expect("main");
    let inputs = random_args_for(main, 5).expect("arguments");
    let mut got = inputs.clone();
    runtime::call(&compiled, "main", &mut got).expect("runs");
    let a = inputs[0].as_array().map(NDArray::to_f64_vec).expect("array");
    let b = got[1].as_array().map(NDArray::to_f64_vec).expect("array");
    for j in 0..8 {
        assert_eq!(b[j], a[2 * j], "B[{j}] = A[twice({j})]");
    }
    let mut want = inputs.clone();
    run_func(&prepared.source, "main", &mut want).expect("interprets");
    assert_eq!(want[1].as_array().map(NDArray::to_f64_vec), Some(b));
}

//! `T.break_loop()` and `T.continue_loop()` compile: in `for` and `while` loops, and out of a
//! loop body that holds a heap allocation (which the jump frees). The compiled kernel
//! (tests/codegen_module/loop_jumps.tir) gives the values worked out by hand below, and the
//! interpreter's.
#![cfg(feature = "llvm")]

use tirscript::codegen::{CodegenOptions, emit_module};
use tirscript::interp::{ArgValue, NDArray, run_func};
use tirscript::ir::DataType;
use tirscript::runtime;
use tirscript::transform::{PassContext, Target, pipeline, run_pipeline};

const LOOP_JUMPS: &str = include_str!("codegen_module/loop_jumps.tir");

/// A = i - 10 for i in 0..64, and B zeroed.
fn inputs() -> Vec<ArgValue> {
    let a: Vec<i32> = (0..64).map(|i| i - 10).collect();
    let a = NDArray::from_vec(DataType::int32(), &[64], &a).expect("A");
    let b = NDArray::zeros(DataType::int32(), &[4]).expect("B");
    vec![ArgValue::Array(a), ArgValue::Array(b)]
}

fn b_of(args: &[ArgValue]) -> Vec<f64> {
    args[1].as_array().map(NDArray::to_f64_vec).expect("B is an array")
}

#[test]
fn jumps_give_the_hand_computed_results_and_the_interpreters() {
    let prepared = runtime::parse_and_lower("loop_jumps.tir", LOOP_JUMPS, &Target::llvm())
        .expect("parses and lowers");
    let compiled =
        runtime::compile_prepared(&prepared, &CodegenOptions::default()).expect("compiles");
    let mut got = inputs();
    runtime::call(&compiled, "main", &mut got).expect("runs");
    // B[0]: the first i with i - 10 > 50 (break). B[1]: 1 + 2 + ... + 53, skipping the
    // non-positive values (continue). B[2]: 7, 14, ..., the first multiple of 5 (break out of a
    // while loop). B[3]: i = 0 adds 100, i = 1 (-9 % 3 == 0) is skipped, i = 2 breaks as 100 > 40.
    assert_eq!(b_of(&got), [61.0, 1431.0, 35.0, 100.0]);
    let mut want = inputs();
    run_func(&prepared.source, "main", &mut want).expect("interprets");
    assert_eq!(b_of(&got), b_of(&want));
}

#[test]
fn a_jump_frees_the_heap_allocations_it_leaves() {
    // StorageRewrite would hoist the scratch allocation out of the loop; without it the
    // allocation stays in the loop body, so both jumps leave it.
    let source =
        tirscript::eval::parse_script("loop_jumps.tir", LOOP_JUMPS).module.expect("parses");
    let mut passes = pipeline::default_pipeline(&Target::llvm()).expect("the default pipeline");
    assert_eq!(pipeline::remove(&mut passes, "tir.StorageRewrite").expect("removes"), 1);
    let lowered = run_pipeline(source.clone(), &passes, &PassContext::new()).expect("lowers");
    let options = CodegenOptions::default();
    let (ir, _) = emit_module(&lowered, Some(&source), &options).expect("emits");
    // The scratch buffer (over the 64 KiB stack limit) is on the heap: one free after the body,
    // one before each of the loop's two jumps (continue, break).
    assert_eq!(ir.matches("call noalias ptr @aligned_alloc").count(), 1, "{ir}");
    assert_eq!(ir.matches("call void @free(").count(), 3, "{ir}");
    let compiled = runtime::compile(&lowered, Some(&source), &options).expect("compiles");
    let mut got = inputs();
    runtime::call(&compiled, "main", &mut got).expect("runs");
    assert_eq!(b_of(&got), [61.0, 1431.0, 35.0, 100.0]);
}

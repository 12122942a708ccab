//! Interpreter control flow on parsed TVMScript: `break`/`continue`, `while`, calls between
//! functions of a module, and blocks with init on a parsed matmul.

use tirscript::interp::{ArgValue, NDArray, run_func};
use tirscript::ir::{DataType, IRModule};

fn parse(source: &str) -> IRModule {
    let parsed = tirscript::eval::parse_script("test", source);
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    parsed.module.expect("a module")
}

fn int_array(values: &[i32]) -> ArgValue {
    ArgValue::Array(NDArray::from_vec(DataType::int32(), &[values.len() as i64], values).unwrap())
}

fn ints(arg: &ArgValue) -> Vec<i32> {
    arg.as_array().unwrap().as_slice::<i32>().unwrap().to_vec()
}

#[test]
fn break_and_continue_end_the_innermost_loop() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((2,), "int32")):
    for i in range(10):
        if i % 3 == 0:
            T.continue_loop()
        if i == 8:
            T.break_loop()
        A[0] = A[0] + 1
        for j in range(5):
            if j == 2:
                T.break_loop()
            A[1] = A[1] + 1
"#,
    );
    let mut args = vec![int_array(&[0, 0])];
    run_func(&module, "main", &mut args).unwrap();
    // i in {1, 2, 4, 5, 7} counts; each of those runs j = 0 and 1 before the inner break.
    assert_eq!(ints(&args[0]), [5, 10]);
}

#[test]
fn while_loops_run_until_the_condition_fails() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((1,), "int32")):
    while A[0] < 100:
        A[0] = A[0] * 2 + 1
"#,
    );
    let mut args = vec![int_array(&[0])];
    run_func(&module, "main", &mut args).unwrap();
    assert_eq!(ints(&args[0]), [127]);
}

#[test]
fn a_function_calls_another_with_a_data_pointer() {
    let module = parse(
        r#"# from tvm.script import ir as I
# from tvm.script import tir as T

@I.ir_module
class Module:
    @T.prim_func(private=True)
    def fill(A: T.Buffer((4,), "int32"), v: T.int32):
        for i in range(4):
            A[i] = v + i

    @T.prim_func
    def main(A: T.Buffer((4,), "int32")):
        Module.fill(A.data, 10)
"#,
    );
    let mut args = vec![int_array(&[0; 4])];
    run_func(&module, "main", &mut args).unwrap();
    assert_eq!(ints(&args[0]), [10, 11, 12, 13]);
}

#[test]
fn parsed_matmul_with_init_matches_a_reference() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((4, 3), "int32"), B: T.Buffer((3, 5), "int32"), C: T.Buffer((4, 5), "int32")):
    for i, j, k in T.grid(4, 5, 3):
        with T.block("C"):
            vi, vj, vk = T.axis.remap("SSR", [i, j, k])
            with T.init():
                C[vi, vj] = 0
            C[vi, vj] = C[vi, vj] + A[vi, vk] * B[vk, vj]
"#,
    );
    let a: Vec<i32> = (0..12).collect();
    let b: Vec<i32> = (0..15).map(|v| v - 7).collect();
    let mut args = vec![
        ArgValue::Array(NDArray::from_vec(DataType::int32(), &[4, 3], &a).unwrap()),
        ArgValue::Array(NDArray::from_vec(DataType::int32(), &[3, 5], &b).unwrap()),
        ArgValue::Array(NDArray::from_vec(DataType::int32(), &[4, 5], &[99i32; 20]).unwrap()),
    ];
    run_func(&module, "main", &mut args).unwrap();
    let (ra, rb) = (&a, &b);
    let expected: Vec<i32> = (0..4)
        .flat_map(|i| (0..5).map(move |j| (0..3).map(|k| ra[i * 3 + k] * rb[k * 5 + j]).sum()))
        .collect();
    assert_eq!(ints(&args[2]), expected);
}

#[test]
fn llvm_intrinsics_compute_as_llvm_defines_them() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((4,), "float32"), B: T.Buffer((4,), "float32"), C: T.Buffer((4,), "int32")):
    B[0:4] = T.call_llvm_pure_intrin("float32x4", "llvm.sqrt", A[0:4])
    B[0] = T.call_llvm_pure_intrin("float32", "llvm.fmuladd", A[1], A[2], A[3])
    B[1] = T.call_llvm_pure_intrin("float32", "llvm.minnum", A[0], T.float32(0.5))
    C[0] = T.call_llvm_pure_intrin("int32", "llvm.ctpop", C[1])
    C[2] = T.call_llvm_pure_intrin("int32", "llvm.ctlz", C[3], T.bool(True))
"#,
    );
    let a = NDArray::from_vec(DataType::float32(), &[4], &[4.0f32, 0.1, 0.2, 0.3]).unwrap();
    let c = NDArray::from_vec(DataType::int32(), &[4], &[0i32, 255, 0, 1]).unwrap();
    let mut args = vec![
        ArgValue::Array(a),
        ArgValue::Array(NDArray::zeros(DataType::float32(), &[4]).unwrap()),
        ArgValue::Array(c),
    ];
    run_func(&module, "main", &mut args).unwrap();
    let b = args[1].as_array().unwrap().as_slice::<f32>().unwrap().to_vec();
    // fmuladd is evaluated unfused: the product is rounded to float32 before the add.
    assert_eq!(b[0], 0.1f32 * 0.2f32 + 0.3f32);
    assert_eq!(b[1], 0.5);
    assert_eq!(&b[2..], &[0.2f32.sqrt(), 0.3f32.sqrt()]);
    assert_eq!(ints(&args[2]), [8, 255, 31, 1]);
}

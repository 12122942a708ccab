//! The interpreter on calls that lowered code makes outside plain arithmetic: C math library
//! functions through `call_pure_extern`/`call_extern` (as LowerIntrin's extern fallbacks emit
//! them), opaque extern functions (refused by name), the pre-v0.14 form of LLVM intrinsic calls,
//! `q_multiply_shift`, and pointer parameters whose arrays `random_args_with_extent` sizes from the
//! buffers the body declares on them.

use tirscript::interp::{ArgValue, InterpErrorKind, NDArray, random_args_with_extent, run_func};
use tirscript::ir::{DataType, IRModule};

fn parse(source: &str) -> IRModule {
    let parsed = tirscript::eval::parse_script("test.tir", source);
    assert!(!parsed.has_errors(), "{source}");
    parsed.module.expect("a module")
}

fn f32_array(values: &[f64]) -> ArgValue {
    let n = values.len() as i64;
    ArgValue::Array(NDArray::from_f64(DataType::float32(), &[n], values).expect("an array"))
}

fn values(arg: &ArgValue) -> Vec<f64> {
    arg.as_array().expect("an array").to_f64_vec()
}

#[test]
fn libm_extern_calls_compute_what_the_c_library_computes() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((4,), "float32"), B: T.Buffer((4,), "float32"), C: T.Buffer((4,), "float64")):
    for i in range(4):
        B[i] = T.call_pure_extern("float32", "asinf", A[i])
        C[i] = T.call_extern("float64", "atan2", T.Cast("float64", A[i]), T.float64(2.0))
"#,
    );
    let input = [0.5, -0.75, 0.1, 0.999];
    let mut args = vec![f32_array(&input), f32_array(&[0.0; 4]), {
        ArgValue::Array(NDArray::zeros(DataType::float(64), &[4]).expect("an array"))
    }];
    run_func(&module, "main", &mut args).expect("runs");
    for (i, &x) in input.iter().enumerate() {
        let x32 = x as f32;
        assert_eq!(values(&args[1])[i], f64::from(x32.asin()), "asinf({x})");
        assert_eq!(values(&args[2])[i], f64::from(x32).atan2(2.0), "atan2({x}, 2)");
    }
}

#[test]
fn asin_and_acos_call_libm_where_tvm_legalises_to_an_extern_call() {
    // For |x| >= 0.5 TVM's legalisation of asin/acos calls asinf/acosf; the interpreter's meaning
    // of T.asin must be that call, so lowering to it changes nothing.
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((3,), "float32"), B: T.Buffer((3,), "float32"), C: T.Buffer((3,), "float32")):
    for i in range(3):
        B[i] = T.asin(A[i])
        C[i] = T.call_pure_extern("float32", "asinf", A[i])
"#,
    );
    let mut args = vec![f32_array(&[0.5, 0.8, -0.93]), f32_array(&[0.0; 3]), f32_array(&[0.0; 3])];
    run_func(&module, "main", &mut args).expect("runs");
    assert_eq!(values(&args[1]), values(&args[2]));
}

#[test]
fn an_opaque_extern_function_is_refused_by_name() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((1,), "float32")):
    A[0] = T.call_extern("float32", "my_func", A[0])
"#,
    );
    let err = run_func(&module, "main", &mut [f32_array(&[1.0])]).expect_err("no meaning");
    assert!(
        matches!(&err.kind, InterpErrorKind::Unsupported(m) if m.contains("`my_func`")),
        "{err}"
    );
    // A libm name with the wrong dtype is not that function either: expf returns float.
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((1,), "float64")):
    A[0] = T.call_pure_extern("float64", "expf", A[0])
"#,
    );
    let mut args = [ArgValue::Array(NDArray::zeros(DataType::float(64), &[1]).expect("array"))];
    let err = run_func(&module, "main", &mut args).expect_err("expf is a float function");
    assert!(matches!(&err.kind, InterpErrorKind::Unsupported(m) if m.contains("`expf`")), "{err}");
}

#[test]
fn llvm_intrinsics_accept_the_old_signature_count() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((2,), "float32"), B: T.Buffer((2,), "float32"), C: T.Buffer((1,), "int32")):
    B[0] = T.call_llvm_pure_intrin("float32", "llvm.fabs", T.uint32(1), A[0])
    B[1] = T.call_llvm_pure_intrin("float32", "llvm.fabs", A[1])
    C[0] = T.call_llvm_pure_intrin("int32", "llvm.ctpop", T.uint32(7))
"#,
    );
    let int_out = ArgValue::Array(NDArray::zeros(DataType::int(32), &[1]).expect("an array"));
    let mut args = vec![f32_array(&[-2.5, -0.5]), f32_array(&[0.0; 2]), int_out];
    run_func(&module, "main", &mut args).expect("runs");
    assert_eq!(values(&args[1]), vec![2.5, 0.5]);
    // A uint32 operand of exactly the intrinsic's arity is an operand, not a count: ctpop(7) = 3.
    assert_eq!(values(&args[2]), vec![3.0]);
}

#[test]
fn q_multiply_shift_multiplies_by_a_fixed_point_fraction() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((3,), "int32"), x: T.int32):
    A[0] = T.q_multiply_shift(x, 1610612736, 31, 0)
    A[1] = T.q_multiply_shift(x, 1073741824, 31, 1)
    A[2] = T.q_multiply_shift(x, 1610612736, 31, -1)
"#,
    );
    let out = ArgValue::Array(NDArray::zeros(DataType::int(32), &[3]).expect("an array"));
    let mut args = vec![out, ArgValue::int(10)];
    run_func(&module, "main", &mut args).expect("runs");
    // 1610612736 is 0.75 in Q31: 10 * 0.75 = 7.5 rounds up; 10 * 0.5 * 2 = 10; 7.5 / 2 = 3.75.
    assert_eq!(values(&args[0]), vec![8.0, 10.0, 4.0]);
}

#[test]
fn pointer_parameters_get_arrays_sized_by_their_buffers() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.handle("float32", "global"), B: T.handle("float32", "global"), n: T.int32):
    A_1 = T.decl_buffer((n,), data=A)
    for i in range(n):
        B_1 = T.Buffer((n + 2,), data=B)
        B_1[i + 2] = A_1[i] * T.float32(2.0)
"#,
    );
    let (_, func) = module.lookup("main").expect("main");
    let mut args = random_args_with_extent(func, 3, 8).expect("random arguments");
    assert_eq!(args[0].as_array().map(NDArray::shape), Some(&[8i64][..]));
    assert_eq!(args[1].as_array().map(NDArray::shape), Some(&[10i64][..]), "n + 2 elements");
    assert!(matches!(args[2], ArgValue::Scalar(_)));
    let input = values(&args[0]);
    run_func(&module, "main", &mut args).expect("runs");
    let output = values(&args[1]);
    for i in 0..8 {
        assert_eq!(output[i + 2], f64::from((input[i] as f32) * 2.0), "element {i}");
    }
}

#[test]
fn a_pointer_no_buffer_uses_has_no_array() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.handle("float32", "global"), B: T.Buffer((1,), "float32")):
    B[0] = T.float32(1.0)
"#,
    );
    let (_, func) = module.lookup("main").expect("main");
    let err = random_args_with_extent(func, 3, 8).expect_err("nothing sizes A");
    assert!(err.to_string().contains("used by no buffer"), "{err}");
}

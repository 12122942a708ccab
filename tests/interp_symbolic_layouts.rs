//! Seeded random arguments for buffers whose shape, strides and `elem_offset` are expressions of
//! shape vars: `random_args_with_extent` binds every shape var to the one extent, and the arrays it
//! makes have the layout those expressions then give, so binding them succeeds.

use tirscript::interp::{random_args_with_extent, run_func};
use tirscript::ir::IRModule;

fn parse(source: &str) -> IRModule {
    let parsed = tirscript::eval::parse_script("test.tir", source);
    assert!(!parsed.has_errors(), "{source}");
    parsed.module.expect("a module")
}

#[test]
fn strides_and_offsets_that_are_expressions_of_shape_vars() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def f(a: T.handle, b: T.handle, n: T.int32):
    A = T.match_buffer(a, (n, n), strides=(n * 2, 1), elem_offset=n)
    B = T.match_buffer(b, (n,))
    for i in range(n):
        B[i] = A[i, i]
"#,
    );
    let (_, func) = module.lookup("f").expect("f");
    let mut args = random_args_with_extent(func, 9, 4).expect("arguments");
    let a = args[0].as_array().expect("A").clone();
    assert_eq!(a.shape(), &[4, 4]);
    assert_eq!(a.strides(), &[8, 1], "the stride n * 2 with n = 4");
    assert_eq!(a.elem_offset(), 4, "the offset n with n = 4");
    run_func(&module, "f", &mut args).expect("binds and runs");
    let b = args[1].as_array().expect("B").to_f64_vec();
    for i in 0..4 {
        assert_eq!(b[i as usize], a.get_f64(&[i, i]).expect("in bounds"), "B[{i}]");
    }
}

#[test]
fn plain_stride_and_offset_vars_are_bound_from_a_compact_array() {
    let module = parse(
        r#"# from tvm.script import tir as T

@T.prim_func
def f(a: T.handle, b: T.handle):
    m = T.int32()
    s = T.int32()
    off = T.int32()
    A = T.match_buffer(a, (m, 3), strides=(s, 1), elem_offset=off)
    B = T.match_buffer(b, (m,))
    for i in range(m):
        B[i] = A[i, 2] + T.Cast("float32", s + off)
"#,
    );
    let (_, func) = module.lookup("f").expect("f");
    let mut args = random_args_with_extent(func, 9, 5).expect("arguments");
    let a = args[0].as_array().expect("A").clone();
    assert_eq!((a.shape(), a.strides(), a.elem_offset()), (&[5, 3][..], &[3, 1][..], 0));
    run_func(&module, "f", &mut args).expect("binds s = 3 and off = 0, and runs");
    let b = args[1].as_array().expect("B").to_f64_vec();
    for i in 0..5 {
        let expected = f64::from(a.get_f64(&[i, 2]).expect("in bounds") as f32 + 3.0);
        assert_eq!(b[i as usize], expected, "B[{i}]");
    }
}

//! Unit tests of `@T.macro`: expansions equal the hand-written programs TVM's own tests pair
//! them with, hygiene, block-name suffixes, and spanned errors for misuse.

use crate::analysis::structural_eq::{EqualOptions, compare_structural};
use crate::ir::IRModule;

fn module(source: &str) -> IRModule {
    let result = super::super::parse_script("test.tir", source);
    match result.module {
        Some(m) => m,
        None => panic!("does not parse: {:?}\n{source}", result.diagnostics),
    }
}

/// The first error's message and the source text its span covers.
fn first_error(source: &str) -> (String, String) {
    let result = super::super::parse_script("test.tir", source);
    assert!(result.module.is_none(), "expected an error:\n{source}");
    let d = result.diagnostics.iter().find(|d| d.is_error()).expect("an error diagnostic");
    (d.message.clone(), source[d.span.clone()].to_string())
}

fn assert_same(with_macro: &str, written_out: &str) {
    let options = EqualOptions { map_free_vars: true };
    if let Err(mismatch) = compare_structural(&module(with_macro), &module(written_out), options) {
        panic!("the expansion differs from the written-out program: {mismatch}");
    }
}

#[test]
fn keyword_only_varargs_and_kwargs_bind_like_python() {
    let with_macro = r#"
@T.macro
def assign(i, *args, t1, **kwargs):
    vi, vj, vk = T.axis.remap("SSR", [i, args[0], args[1]])
    kwargs["t3"][vi, vj] = kwargs["t3"][vi, vj] + t1[vi, vk] * kwargs["t2"][vj, vk]

@T.prim_func
def main(A: T.Buffer((8, 8), "float32"), B: T.Buffer((8, 8), "float32"), C: T.Buffer((8, 8), "float32")):
    for i, j, k in T.grid(8, 8, 8):
        with T.block("update"):
            assign(i, j, k, t1=A, t2=B, t3=C)
"#;
    let written_out = r#"
@T.prim_func
def main(A: T.Buffer((8, 8), "float32"), B: T.Buffer((8, 8), "float32"), C: T.Buffer((8, 8), "float32")):
    for i, j, k in T.grid(8, 8, 8):
        with T.block("update"):
            vi, vj, vk = T.axis.remap("SSR", [i, j, k])
            C[vi, vj] = C[vi, vj] + A[vi, vk] * B[vj, vk]
"#;
    assert_same(with_macro, written_out);
}

#[test]
fn hygienic_macros_resolve_names_where_defined() {
    let template = r#"
x_value = 128

@T.macro(hygienic=HYGIENE)
def capture(A, B):
    B[()] = A[x_value]

@T.prim_func
def main(A: T.Buffer((1024,), "int32"), B: T.Buffer((), "int32")):
    for x_value in range(10):
        capture(A, B)
"#;
    let hygienic = template.replace("HYGIENE", "True");
    let dynamic = template.replace("HYGIENE", "False");
    let expected = |index: &str| {
        format!(
            r#"
@T.prim_func
def main(A: T.Buffer((1024,), "int32"), B: T.Buffer((), "int32")):
    for x_value in range(10):
        B[()] = A[{index}]
"#
        )
    };
    assert_same(&hygienic, &expected("128"));
    assert_same(&dynamic, &expected("x_value"));
}

#[test]
fn later_expansions_suffix_block_names_across_the_file() {
    let with_macro = r#"
@T.macro
def op(A, idx):
    with T.block("op"):
        v = T.axis.remap("S", [idx])
        A[v] = A[v] * T.float32(2)

@T.prim_func
def f(A: T.Buffer((10,), "float32")):
    for i in range(10):
        op(A, i)
        op(A, i)

@T.prim_func
def g(A: T.Buffer((10,), "float32")):
    for i in range(10):
        op(A, i)
"#;
    let written_out = |name: &str| {
        format!(
            r#"
        with T.block("{name}"):
            v = T.axis.remap("S", [i])
            A[v] = A[v] * T.float32(2)"#
        )
    };
    let head = "@T.prim_func\ndef NAME(A: T.Buffer((10,), \"float32\")):\n    for i in range(10):";
    let expected = format!(
        "{}{}{}\n\n{}{}\n",
        head.replace("NAME", "f"),
        written_out("op"),
        written_out("op_1"),
        head.replace("NAME", "g"),
        written_out("op_2"),
    );
    assert_same(with_macro, &expected);
}

#[test]
fn misuse_is_a_spanned_error() {
    let arity = r#"
@T.macro
def copy(A, B, i):
    B[i] = A[i]

@T.prim_func
def main(A: T.Buffer((8,), "float32"), B: T.Buffer((8,), "float32")):
    for i in range(8):
        copy(A, B)
"#;
    let (message, at) = first_error(arity);
    assert_eq!(message, "copy() missing required argument 'i'");
    assert_eq!(at, "copy(A, B)");

    let recursive = r#"
@T.macro(hygienic=False)
def again(A):
    again(A)

@T.prim_func
def main(A: T.Buffer((8,), "float32")):
    again(A)
"#;
    let (message, at) = first_error(recursive);
    assert_eq!(message, "the macro `again` expands itself");
    assert_eq!(at, "again(A)");

    // A hygienic macro does not see itself, as a decorated Python function's globals did not.
    let (message, _) = first_error(&recursive.replace("(hygienic=False)", ""));
    assert_eq!(message, "Undefined variable: again");

    let outside = r#"
@T.macro
def zero(A):
    A[0] = 0

@I.ir_module
class Module:
    zero(None)

    @T.prim_func
    def main(A: T.Buffer((8,), "int32")):
        zero(A)
"#;
    let (message, at) = first_error(outside);
    assert_eq!(message, "the macro `zero` can only be used inside a @T.prim_func body");
    assert_eq!(at, "zero(None)");

    let unexpected = arity.replace("copy(A, B)", "copy(A, B, i, j=i)");
    let (message, at) = first_error(&unexpected);
    assert_eq!(message, "copy() got an unexpected keyword argument 'j'");
    assert_eq!(at, "j");
}

//! `tirscript run` end to end: the JSON report, symbolic dimensions (`--extent`), scalars given
//! with `--arg`, handles whose `T.match_buffer` shape vars the lowered ABI takes as scalars, and
//! `--save` writing the compiled result.
#![cfg(feature = "llvm")]

use std::path::PathBuf;
use std::process::{Command, Output};

use tirscript::interp::read_npy_as;
use tirscript::ir::DataType;

const SUM_ROWS: &str = r#"# from tvm.script import tir as T

@T.prim_func
def sum_rows(a: T.handle, b: T.handle):
    n, m = T.int32(), T.int32()
    A = T.match_buffer(a, (n, m))
    B = T.match_buffer(b, (n,))
    for i, k in T.grid(n, m):
        with T.block("B"):
            vi, vk = T.axis.remap("SR", [i, k])
            with T.init():
                B[vi] = T.float32(0)
            B[vi] = B[vi] + A[vi, vk]
"#;

const SCALE_BY_N: &str = r#"# from tvm.script import tir as T

@T.prim_func
def scale(a: T.handle, b: T.handle, n: T.int32):
    A = T.match_buffer(a, (n,))
    B = T.match_buffer(b, (n,))
    for i in range(n):
        B[i] = A[i] * T.Cast("float32", n)
"#;

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tirscript_cli_run_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the program");
    path
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tirscript")).arg("run").args(args).output().expect("runs")
}

#[test]
fn the_json_report_names_the_function_and_its_error() {
    let example = format!("{}/examples/add.tir", env!("CARGO_MANIFEST_DIR"));
    let out = run(&[&example, "--json", "--bench", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["function"], "add");
    assert_eq!(report["max_rel_error"], 0.0);
    assert!(report["median_seconds"].as_f64().is_some_and(|t| t > 0.0));
}

#[test]
fn match_buffer_shape_vars_come_from_the_extent_and_the_result_is_saved() {
    let program = scratch("sum_rows.tir", SUM_ROWS);
    let saved = program.with_file_name("b.npy");
    let out = run(&[
        program.to_str().expect("utf-8 path"),
        "--extent",
        "5",
        "--save",
        &format!("B={}", saved.display()),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let b = read_npy_as(&saved, DataType::float32()).expect("the saved result");
    assert_eq!(b.shape(), &[5]);
    // Every row sums 5 values drawn from [-1, 1): nonzero, bounded.
    assert!(b.to_f64_vec().iter().all(|v| v.abs() <= 5.0 && *v != 0.0));
}

#[test]
fn a_scalar_given_with_arg_must_agree_with_the_arrays() {
    let program = scratch("scale.tir", SCALE_BY_N);
    let path = program.to_str().expect("utf-8 path");
    let agreed = run(&[path, "--arg", "n=3", "--extent", "3"]);
    assert!(agreed.status.success(), "{}", String::from_utf8_lossy(&agreed.stderr));
    let clash = run(&[path, "--arg", "n=3"]);
    assert!(!clash.status.success());
    let stderr = String::from_utf8_lossy(&clash.stderr);
    assert!(stderr.contains("dimension 0 must be 3"), "{stderr}");
}

#[test]
fn the_default_entry_is_the_first_public_function() {
    // `twice` comes first but is private (no global_symbol): it is a callee, not the kernel.
    let module =
        format!("{}/tests/codegen_module/returning_callee.tir", env!("CARGO_MANIFEST_DIR"));
    let out = run(&[&module, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["function"], "main");
    assert_eq!(report["max_rel_error"], 0.0);
}

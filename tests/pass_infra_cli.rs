//! `tirscript lower` end to end: listing the pipeline, lowering a file with every instrument on,
//! and reporting bad options.

use std::process::Command;

const PROGRAM: &str = r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((8,), "float32"), B: T.Buffer((8,), "float32")):
    for i in range(8):
        with T.block("B"):
            vi = T.axis.spatial(8, i)
            B[vi] = A[vi] + T.float32(1.0)
"#;

fn tirscript(args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_tirscript")).args(args).output().expect("the binary runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    (out.status.code().unwrap_or(-1), text(out.stdout), text(out.stderr))
}

fn program_file(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir()
        .join(format!("tirscript_pass_infra_cli_{}_{name}.tir", std::process::id()));
    std::fs::write(&path, PROGRAM).expect("temp file");
    path
}

#[test]
fn list_passes_shows_tvm_order_and_phases() {
    let (code, out, _) = tirscript(&["lower", "--list-passes", "--disable-pass", "LowerIntrin"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    let at = |prefix: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix} missing:\n{out}"))
    };
    assert!(at("tir.LowerInitBlock") < at("tir.LowerOpaqueBlock"));
    assert!(at("tir.LowerOpaqueBlock") < at("-- phase.after_block_lowering"));
    assert!(at("-- phase.after_block_lowering") < at("tir.FlattenBuffer"));
    assert!(at("tir.MakePackedAPI") < at("tir.LowerIntrin"));
    assert!(lines[at("tir.LowerIntrin")].ends_with("(disabled)"), "{out}");
}

#[test]
fn lower_prints_a_module_that_parses_back() {
    let path = program_file("ok");
    let file = path.to_str().unwrap();
    let (code, out, err) =
        tirscript(&["lower", file, "--time-passes", "--print-after", "LowerInitBlock"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("@I.ir_module") && out.contains("def main("), "{out}");
    assert!(err.starts_with("# After pass tir.LowerInitBlock (opt_level 0):\n"), "{err}");
    assert_eq!(err.matches("# After pass").count(), 1, "{err}");
    assert!(err.contains("tir.FlattenBuffer"), "the timing table lists the passes: {err}");
    assert!(err.lines().last().unwrap_or("").starts_with("total"), "{err}");
    let reparsed = tirscript::eval::parse_script("lowered", &out);
    assert!(!reparsed.has_errors(), "{:?}", reparsed.diagnostics);
    // The checking instruments either pass or name the pass after which the check failed.
    let (code, _, err) = tirscript(&["lower", file, "--verify-each", "--roundtrip-each"]);
    assert!(code == 0 || (code == 1 && err.contains("error: pass `tir.")), "{err}");
    // With every implemented pass disabled the input comes back unchanged.
    let (_, listing, _) = tirscript(&["lower", "--list-passes"]);
    let implemented: Vec<&str> = listing
        .lines()
        .filter(|l| !l.starts_with("--") && !l.contains("not implemented"))
        .filter_map(|l| l.split(' ').next())
        .collect();
    assert!(implemented.contains(&"tir.LowerOpaqueBlock"), "{listing}");
    let mut args = vec!["lower", file];
    for pass in &implemented {
        args.extend(["--disable-pass", pass]);
    }
    let (code, out, err) = tirscript(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("with T.block(\"B\")"), "blocks are still there: {out}");
    let _ = std::fs::remove_file(path);
}

#[test]
fn bad_options_are_reported() {
    let path = program_file("bad");
    let file = path.to_str().unwrap();
    let (code, _, err) = tirscript(&["lower", file, "--config", "tir.not_an_option=true"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown config option `tir.not_an_option`"), "{err}");
    let (code, _, err) = tirscript(&["lower", file, "--target=-mcpu=x"]);
    assert_eq!(code, 1);
    assert!(err.contains("invalid target"), "{err}");
    let (code, _, err) = tirscript(&["lower", "/nonexistent/file.tir"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read"), "{err}");
    let _ = std::fs::remove_file(path);
}

/// LowerOpaqueBlock turns a loop's `pragma_*` annotation into an attribute around the loop whose
/// node is the loop var (as TVM does); the verifier run after each pass accepts that form.
#[test]
fn verify_each_accepts_pragma_attributes_around_their_loop() {
    let path = std::env::temp_dir()
        .join(format!("tirscript_pass_infra_cli_{}_pragma.tir", std::process::id()));
    let program = PROGRAM.replace(
        "for i in range(8):",
        "for i in T.serial(8, annotations={\"pragma_auto_unroll_max_step\": 16}):",
    );
    std::fs::write(&path, program).expect("temp file");
    let file = path.to_str().expect("UTF-8 temp path");
    let (code, _, err) =
        tirscript(&["lower", file, "--verify-each", "--print-after", "tir.LowerOpaqueBlock"]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("T.attr(i, \"pragma_auto_unroll_max_step\", 16)\n"), "{err}");
}

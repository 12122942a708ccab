//! `tirscript highlight` end to end: the binary's output for a sample kernel equals the renderer's
//! golden in grammar/test/golden, in both formats, and a missing file is a clean error.

#![cfg(feature = "highlight")]

use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tirscript"))
        .args(args)
        .output()
        .expect("the tirscript binary runs")
}

fn golden(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/test/golden").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn ansi_and_html_output_match_the_goldens() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/test/samples/matmul.tir");
    let sample = sample.to_str().expect("a UTF-8 path");
    for (flag, name) in [("--ansi", "matmul.ansi"), ("--html", "matmul.html")] {
        let out = run(&["highlight", sample, flag]);
        assert!(out.status.success(), "{flag}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), golden(name), "{flag}");
    }
    let default = run(&["highlight", sample]);
    assert_eq!(
        String::from_utf8_lossy(&default.stdout),
        golden("matmul.ansi"),
        "ANSI is the default"
    );
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let out = run(&["highlight", "/nonexistent/kernel.tir"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read /nonexistent/kernel.tir"), "{stderr}");
}

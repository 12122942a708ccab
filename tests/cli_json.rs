//! The JSON verbs end to end: `json` and `from-json` convert both ways, `check`, `fmt` and `diff`
//! accept `.json` inputs, and broken JSON is a clean error.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tirscript(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tirscript"))
        .args(args)
        .output()
        .expect("the tirscript binary runs")
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name).display().to_string()
}

/// A fresh scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("tirscript-cli-json-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[test]
fn tir_to_json_and_back_is_structurally_equal() {
    let dir = scratch("roundtrip");
    let json = dir.join("softmax.json");
    let json = json.to_str().expect("UTF-8 path");
    let out = tirscript(&["json", &example("softmax.tir"), "-o", json]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(json).expect("json written");
    assert!(
        text.starts_with("{\n  \"format\": \"tirscript-ir\""),
        "{}",
        &text[..40.min(text.len())]
    );

    assert!(tirscript(&["check", json]).status.success(), "check accepts .json");
    assert!(tirscript(&["fmt", "--check", json]).status.success(), "written JSON is canonical");
    let diff = tirscript(&["diff", &example("softmax.tir"), json]);
    assert!(diff.status.success(), "{}", String::from_utf8_lossy(&diff.stdout));

    let printed = tirscript(&["from-json", json]);
    assert!(printed.status.success());
    let script = String::from_utf8(printed.stdout).expect("UTF-8 output");
    assert!(script.starts_with("# from tvm.script import ir as I\n"), "{script}");
    assert!(script.contains("def softmax(A: T.Buffer((64, 128), \"float32\")"), "{script}");
}

#[test]
fn compact_json_is_one_line_and_loads_the_same() {
    let out = tirscript(&["json", &example("add.tir"), "--compact"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert_eq!(text.trim_end().lines().count(), 1);
    let dir = scratch("compact");
    let path = dir.join("add.json");
    std::fs::write(&path, &text).expect("write");
    let path = path.to_str().expect("UTF-8 path");
    assert!(tirscript(&["diff", &example("add.tir"), path]).status.success());
    // fmt rewrites compact JSON into the canonical indented form.
    assert_eq!(tirscript(&["fmt", "--check", path]).status.code(), Some(1));
    assert!(tirscript(&["fmt", path]).status.success());
    assert!(tirscript(&["fmt", "--check", path]).status.success());
}

#[test]
fn broken_json_is_reported_and_never_rewritten() {
    let dir = scratch("broken");
    let path = dir.join("bad.json");
    std::fs::write(&path, "{\"format\": \"tirscript-ir\", \"version\": 99}").expect("write");
    let path_str = path.to_str().expect("UTF-8 path");
    let check = tirscript(&["check", path_str]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("invalid JSON IR"));
    assert_eq!(tirscript(&["fmt", path_str]).status.code(), Some(1));
    let after = std::fs::read_to_string(&path).expect("still there");
    assert_eq!(after, "{\"format\": \"tirscript-ir\", \"version\": 99}");
    let from = tirscript(&["from-json", path_str]);
    assert_eq!(from.status.code(), Some(1));
    assert!(from.stdout.is_empty());
}

#[test]
fn a_script_that_does_not_parse_produces_no_json() {
    let dir = scratch("noparse");
    let src = dir.join("broken.tir");
    std::fs::write(&src, "@T.prim_func\ndef f(:\n").expect("write");
    let out_path = dir.join("out.json");
    let out = tirscript(&["json", src.to_str().unwrap(), "-o", out_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!out_path.exists(), "no half-written output");
}

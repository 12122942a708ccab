//! The `fmt` and `diff` verbs end to end, through the built `tirscript` binary.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const CANONICAL: &str = "# from tvm.script import tir as T\n\n@T.prim_func\n\
def main(A: T.Buffer((8,), \"float32\")):\n    for i in range(8):\n        A[i] = A[i] * T.float32(2.0)\n";

fn tirscript() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tirscript"))
}

/// A fresh scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("tirscript-golden-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

#[test]
fn check_accepts_canonical_files_and_diffs_the_others() {
    let dir = scratch("check");
    let good = dir.join("good.tir");
    let bad = dir.join("bad.tir");
    std::fs::write(&good, CANONICAL).unwrap();
    std::fs::write(&bad, CANONICAL.replace("T.float32(2.0)", "T.float32(2)")).unwrap();
    let ok = tirscript().args(["fmt", "--check"]).arg(&good).output().unwrap();
    assert_eq!(ok.status.code(), Some(0));
    assert!(ok.stdout.is_empty());
    let changed = tirscript().args(["fmt", "--check"]).arg(&bad).output().unwrap();
    assert_eq!(changed.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&changed.stdout);
    assert!(diff.contains("-        A[i] = A[i] * T.float32(2)\n"), "{diff}");
    assert!(diff.contains("+        A[i] = A[i] * T.float32(2.0)\n"), "{diff}");
    // --check writes nothing.
    assert!(std::fs::read_to_string(&bad).unwrap().contains("T.float32(2)\n"));
}

#[test]
fn fmt_rewrites_in_place_and_leaves_no_temporary_file() {
    let dir = scratch("rewrite");
    let file = dir.join("k.tir");
    std::fs::write(&file, CANONICAL.replace("range(8)", "T.serial(0, 8)")).unwrap();
    let out = tirscript().arg("fmt").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), CANONICAL);
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn a_file_that_does_not_parse_is_reported_and_not_written() {
    let dir = scratch("broken");
    let file = dir.join("broken.tir");
    let text = "@T.prim_func\ndef main(:\n";
    std::fs::write(&file, text).unwrap();
    let out = tirscript().arg("fmt").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("was not formatted"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

#[test]
fn a_dash_formats_standard_input_to_standard_output() {
    let mut child = tirscript()
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = CANONICAL.replace("T.float32(2.0)", "T.float32(2)");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), CANONICAL);
}

#[test]
fn diff_exits_zero_on_equal_programs_and_underlines_the_first_difference() {
    let dir = scratch("diff");
    let (a, b, c) = (dir.join("a.tir"), dir.join("b.tir"), dir.join("c.tir"));
    std::fs::write(&a, CANONICAL).unwrap();
    // Renamed variables are still structurally equal.
    std::fs::write(&b, CANONICAL.replace("for i in", "for k in").replace("[i]", "[k]")).unwrap();
    std::fs::write(&c, CANONICAL.replace("T.float32(2.0)", "T.float32(3.0)")).unwrap();
    let same = tirscript().arg("diff").arg(&a).arg(&b).output().unwrap();
    assert_eq!(same.status.code(), Some(0));
    let differ = tirscript().arg("diff").arg(&a).arg(&c).output().unwrap();
    assert_eq!(differ.status.code(), Some(1));
    let report = String::from_utf8_lossy(&differ.stdout);
    assert!(
        report.starts_with("StructuralEqual check failed, caused by lhs at <root>.body"),
        "{report}"
    );
    assert!(
        report.contains("A[i] = A[i] * T.float32(2.0)\n                                ^^^\n"),
        "{report}"
    );
    assert!(
        report.contains("A[i] = A[i] * T.float32(3.0)\n                                ^^^\n"),
        "{report}"
    );
}

#[test]
fn a_directory_stands_for_its_canonical_programs() {
    let dir = scratch("walk");
    std::fs::write(dir.join("good.tir"), CANONICAL).unwrap();
    // Non-canonical inputs and error cases are not formatted when walking a directory.
    std::fs::write(dir.join("good.input.tir"), CANONICAL.replace("range(8)", "T.serial(8)"))
        .unwrap();
    std::fs::create_dir_all(dir.join("err")).unwrap();
    std::fs::write(dir.join("err").join("broken.tir"), "def (:\n").unwrap();
    let out = tirscript().args(["fmt", "--check"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    std::fs::write(dir.join("bad.tir"), CANONICAL.replace("range(8)", "T.serial(8)")).unwrap();
    let out = tirscript().args(["fmt", "--check"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("bad.tir"));
}

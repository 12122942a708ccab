//! The shared-library path: `tirscript build --emit shared` on two examples, then a C program
//! (tests/c_abi/main.c) compiled with `cc` against the generated headers, linked with the libraries
//! and run; it checks the kernels' results itself. A Python program (tests/c_abi/ctypes_add.py)
//! calls the same kind of library through ctypes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tirscript() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tirscript"))
}

/// A directory for this process under Cargo's per-target scratch directory: the test runs
/// programs and loads libraries from it, which a `noexec` `$TMPDIR` would refuse.
fn scratch_dir(tag: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tirscript_{tag}_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn build_shared(example: &str, out: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(tirscript())
        .arg("build")
        .arg(root.join("examples").join(example))
        .args(["--emit", "shared", "-o"])
        .arg(out)
        .status()
        .expect("tirscript runs");
    assert!(status.success(), "tirscript build {example} failed");
    assert!(out.with_extension("h").exists(), "no header next to {}", out.display());
}

#[test]
fn c_program_calls_the_shared_libraries() {
    let dir = scratch_dir("c_abi");
    build_shared("add.tir", &dir.join("libadd.so"));
    build_shared("matmul_scheduled.tir", &dir.join("libmatmul.so"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exe = dir.join("c_abi");
    let status = Command::new("cc")
        .args(["-std=c11", "-O1", "-Wall", "-Werror", "-o"])
        .arg(&exe)
        .arg(root.join("tests/c_abi/main.c"))
        .arg("-I")
        .arg(&dir)
        .arg("-L")
        .arg(&dir)
        .args(["-ladd", "-lmatmul", "-lm"])
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .status()
        .expect("cc runs");
    assert!(status.success(), "compiling the C program failed");
    let output = Command::new(&exe).output().expect("the C program runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "C checks failed:\n{stdout}{stderr}");
    assert!(stdout.contains("all checks passed"), "unexpected output: {stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn python_calls_the_shared_library_through_ctypes() {
    let dir = scratch_dir("ctypes");
    let lib = dir.join("libadd.so");
    build_shared("add.tir", &lib);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("python3")
        .arg(root.join("tests/c_abi/ctypes_add.py"))
        .arg(&lib)
        .output()
        .expect("python3 runs (the machine set-up provides it)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "ctypes checks failed ({}):\n{stdout}{stderr}", output.status);
    assert!(stdout.contains("ctypes checks passed"), "unexpected output: {stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

//! A reader that closes the pipe early (`tirscript lower k.tir | head -1`) ends tirscript quietly:
//! no panic message, no error status other than the SIGPIPE termination Unix tools have.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let exe = env!("CARGO_BIN_EXE_tirscript");
    let root = env!("CARGO_MANIFEST_DIR");
    // Printing after every pass writes far more than a pipe buffer holds, so the writer must meet
    // the closed pipe.
    let mut child = Command::new(exe)
        .args(["lower", "--print-after-all", &format!("{root}/examples/conv2d.tir")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tirscript starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).expect("one line");
    // The reader is dropped here, closing the pipe.
    let output = child.wait_with_output().expect("tirscript ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!first.is_empty());
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    assert_ne!(output.status.code(), Some(101), "a Rust panic's exit status");
}

//! No data loss: `tirscript fmt` leaves a file byte for byte untouched on any error — a parse
//! error, a file or directory it may not write, and a writer that fails mid-way (a full disk).
//!
//! The failing-writer cases run the CLI in this process, so the temporary file's name (which
//! carries the process id) is known and can be blocked in advance.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use clap::Parser;
use tirscript::cli::{Cli, run, write_atomically};

/// Canonical input that `fmt` would rewrite (the extra spaces and parentheses are not canonical).
const NON_CANONICAL: &str = "# from tvm.script import tir as T\n\n@T.prim_func\ndef f(A: T.Buffer((4,), \"int32\")):\n    for i in range(4):\n        A[i] = ((i + 1))\n";

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir()
            .join(format!("tirscript-reliability-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fmt_in_process(path: &Path) -> i32 {
    let cli = Cli::try_parse_from(["tirscript", "fmt", path.to_str().expect("UTF-8 temp path")])
        .expect("fmt arguments parse");
    run(cli)
}

#[test]
fn parse_error_leaves_the_file_untouched() {
    let dir = TempDir::new("parse-error");
    let path = dir.0.join("broken.tir");
    let original = format!("{NON_CANONICAL}        A[0] = (1 +\n");
    std::fs::write(&path, &original).expect("write input");
    assert_eq!(fmt_in_process(&path), 1, "a parse error exits 1");
    assert_eq!(std::fs::read_to_string(&path).expect("read back"), original);
    let leftovers = std::fs::read_dir(&dir.0).expect("list").count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
}

/// Whether this process can write into a directory whose permission bits forbid it (root can).
fn permission_bits_bind(dir: &Path) -> bool {
    let probe = dir.join(".probe");
    let bypassed = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    !bypassed
}

#[test]
fn read_only_file_and_directory() {
    let dir = TempDir::new("read-only");
    let path = dir.0.join("kernel.tir");
    std::fs::write(&path, NON_CANONICAL).expect("write input");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod file");
    // The temporary file goes into the directory, so a read-only directory is what stops `fmt`.
    std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o555)).expect("chmod dir");
    let status = fmt_in_process(&path);
    let after = std::fs::read_to_string(&path).expect("read back");
    if permission_bits_bind(&dir.0) {
        assert_eq!(status, 2, "an unwritable directory is an I/O error");
        assert_eq!(after, NON_CANONICAL, "the file is untouched");
    } else {
        // Running as root: permission bits do not stop the write, so the rename succeeds. The
        // guarantee left to check is that the file is whole (never partial) and keeps its mode.
        assert_eq!(status, 0);
        assert_ne!(after, NON_CANONICAL);
        assert!(after.contains("A[i] = i + 1\n"), "{after}");
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o444, "the rewritten file keeps its permission bits");
    }
}

#[test]
fn failing_writer_leaves_the_file_untouched() {
    let dir = TempDir::new("failing-writer");
    let path = dir.0.join("kernel.tir");
    std::fs::write(&path, NON_CANONICAL).expect("write input");
    // Block the temporary file's name with a directory: creating it fails, as a full disk would.
    let temp = dir.0.join(format!(".kernel.tir.tirscript-fmt-{}", std::process::id()));
    std::fs::create_dir(&temp).expect("block the temporary name");
    assert_eq!(fmt_in_process(&path), 2, "a failed write is an I/O error");
    assert_eq!(std::fs::read_to_string(&path).expect("read back"), NON_CANONICAL);
}

#[test]
fn write_atomically_fails_cleanly_when_the_parent_is_a_file() {
    let dir = TempDir::new("parent-file");
    let parent = dir.0.join("not-a-directory");
    std::fs::write(&parent, b"original").expect("write parent");
    let error =
        write_atomically(&parent.join("x.tir"), b"new").expect_err("cannot write below a file");
    assert!(
        error.kind() == std::io::ErrorKind::NotADirectory || error.raw_os_error() == Some(20),
        "{error}"
    );
    assert_eq!(std::fs::read(&parent).expect("read back"), b"original");
}

#[test]
fn write_atomically_on_a_full_device_leaves_the_original() {
    // /dev/full fails every write with ENOSPC. Writing "to" it through the atomic writer puts the
    // temporary file in /dev (writable only by root, and a real full-disk write cannot be forced
    // there), so the full-disk case is checked on the writer's own steps instead: a write that
    // fails after the temporary file is created must leave the target and no temporary behind.
    let dir = TempDir::new("full-disk");
    let path = dir.0.join("kernel.tir");
    std::fs::write(&path, b"original").expect("write input");
    let temp = dir.0.join(format!(".kernel.tir.tirscript-fmt-{}", std::process::id()));
    // A symlink from the temporary name to /dev/full: the create succeeds, the write fails.
    std::os::unix::fs::symlink("/dev/full", &temp).expect("symlink to /dev/full");
    let error = write_atomically(&path, &vec![b'x'; 1 << 16]).expect_err("the device is full");
    assert_eq!(error.raw_os_error(), Some(28), "ENOSPC: {error}");
    assert_eq!(std::fs::read(&path).expect("read back"), b"original");
    assert!(std::fs::symlink_metadata(&temp).is_err(), "the temporary name is cleaned up");
    assert!(
        Path::new("/dev/full").exists(),
        "removing the temporary never touches /dev/full itself"
    );
}

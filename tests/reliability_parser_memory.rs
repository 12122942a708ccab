//! Parsing returns every byte it allocates: a long-running process (batch `fmt`, an editor server,
//! a fuzzer) must not grow with the number of files it parses.
//!
//! This binary installs a counting global allocator (live bytes = allocated - freed), so it holds a
//! single test: no other test thread allocates while it measures.
//! A regression guard for the leak the fuzzers found: chumsky's `Recursive::declare` parsers form
//! `Rc` cycles, so every `parse_module` call leaked the grammar it built (~7 KB).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use tirscript::syntax::{parse_expr, parse_module};

/// The system allocator, counting the bytes currently allocated.
struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is only arithmetic.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const VALID: &str = r#"# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((16, 16), "float32"), B: T.Buffer((16,), "float32")):
    for i, j in T.grid(16, 16):
        with T.block("sum"):
            vi, vj = T.axis.remap("SR", [i, j])
            with T.init():
                B[vi] = T.float32(0)
            B[vi] = B[vi] + A[vi, vj] * T.float32(2) if vj % 2 == 0 else B[vi]
"#;

/// Invalid input takes the slow path (rich errors and statement-level recovery).
const INVALID: &str =
    "@T.prim_func\ndef main(:\n    x = = 1\n    for in T.grid(4):\n        pass\n";

/// Live bytes after `rounds` calls of `parse`, minus live bytes after a warm-up of the same calls
/// (the warm-up fills lazily initialised state such as thread-locals and the test harness's buffers).
fn growth(rounds: usize, parse: impl Fn()) -> isize {
    for _ in 0..rounds {
        parse();
    }
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    for _ in 0..rounds {
        parse();
    }
    LIVE_BYTES.load(Ordering::Relaxed) - before
}

/// Slack for allocations the harness might make meanwhile; one leaked grammar is ~7 KB.
const SLACK_BYTES: isize = 2048;

#[test]
fn parsing_frees_what_it_allocates() {
    let grown = growth(200, || {
        let (module, diagnostics) = parse_module(VALID);
        assert!(module.is_some() && diagnostics.is_empty(), "{diagnostics:?}");
    });
    assert!(grown <= SLACK_BYTES, "200 parses of a valid module left {grown} bytes allocated");

    // Invalid input takes the slow path too (rich errors, then statement-level recovery).
    let grown = growth(100, || {
        let (_, diagnostics) = parse_module(INVALID);
        assert!(!diagnostics.is_empty());
    });
    assert!(grown <= SLACK_BYTES, "100 parses of an invalid module left {grown} bytes allocated");

    let grown = growth(200, || {
        assert!(parse_expr("T.max(A[i, j] * 2, lambda x: x + 1)").is_ok());
        assert!(parse_expr("(1 +").is_err());
    });
    assert!(grown <= SLACK_BYTES, "400 expression parses left {grown} bytes allocated");
}

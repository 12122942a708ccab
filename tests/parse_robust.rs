//! The evaluator never panics and never overflows its stack: every prefix and a set of mutations of
//! every corpus program, and deeply nested input, produce a result (a module or diagnostics with
//! spans inside the file), never a crash.

use std::path::{Path, PathBuf};

fn corpus() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "tir") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Parses `source` and checks the diagnostics' spans; returns whether a module was built.
fn parse_ok(source: &str) -> bool {
    let result = tirscript::eval::parse_script("robust.tir", source);
    for d in &result.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= source.len(),
            "span {:?} outside {source:?}",
            d.span
        );
    }
    assert_eq!(
        result.module.is_some(),
        result.diagnostics.is_empty(),
        "a module exactly when there is no diagnostic"
    );
    result.module.is_some()
}

#[test]
fn every_line_prefix_of_the_corpus_is_handled() {
    let files = corpus();
    assert!(files.len() > 200, "the corpus is missing");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for n in 0..lines.len() {
            let prefix = lines[..n].join("\n");
            parse_ok(&prefix);
        }
    }
}

#[test]
fn mutated_programs_are_handled() {
    // Each mutation swaps a token for another that keeps the text lexable but changes its meaning.
    let swaps = [
        ("T.float32", "T.int8"),
        ("range(", "T.grid("),
        ("T.grid(", "range("),
        ("vi", "vj"),
        ("[", "[0, "),
        ("]", ", 1]"),
        ("T.axis", "T"),
        ("with ", "for _ in "),
        ("T.block(", "T.init("),
        ("(16,)", "()"),
        ("0.0", "\"x\""),
        ("i", "A"),
        ("A[", "T.Buffer["),
        ("128", "-1"),
        (" + ", " / "),
        (" = ", " += "),
        ("T.reads", "T.writes"),
        ("\"float32\"", "\"handle\""),
    ];
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (from, to) in swaps {
            if let Some(at) = text.find(from) {
                let mutated = format!("{}{}{}", &text[..at], to, &text[at + from.len()..]);
                parse_ok(&mutated);
                parse_ok(&text.replace(from, to));
            }
        }
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let header = "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(A: T.Buffer((4,), \"int32\"), x: T.int32):\n";
    for depth in [10, 40, 90, 200, 1000] {
        let expr = format!("{}x{}", "(x + ".repeat(depth), ")".repeat(depth));
        parse_ok(&format!("{header}    A[0] = {expr}\n"));
        let calls = format!("{}x{}", "T.max(1, ".repeat(depth), ")".repeat(depth));
        parse_ok(&format!("{header}    A[0] = {calls}\n"));
        let mut body = String::new();
        for level in 0..depth.min(90) {
            body.push_str(&"    ".repeat(level + 1));
            body.push_str(&format!("for i{level} in range(2):\n"));
        }
        body.push_str(&"    ".repeat(depth.min(90) + 1));
        body.push_str("A[0] = 1\n");
        parse_ok(&format!("{header}{body}"));
    }
}

#[test]
fn a_good_program_still_builds_after_an_error_elsewhere_is_reported() {
    let source = "# from tvm.script import ir as I\n# from tvm.script import tir as T\n\n@I.ir_module\nclass Module:\n    @T.prim_func\n    def bad():\n        T.nope()\n\n    @T.prim_func\n    def worse():\n        x = undefined\n";
    let result = tirscript::eval::parse_script("two.tir", source);
    assert_eq!(result.diagnostics.len(), 2, "{:?}", result.diagnostics);
    assert!(result.module.is_none());
}

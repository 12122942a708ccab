//! Robustness of the parser on bad input: every independent error is reported, the tree keeps the
//! statements that parsed, deep nesting stops with an error instead of a stack overflow, and no input
//! makes the parser panic.

use tirscript::syntax::ast::StmtKind;
use tirscript::syntax::lexer::MAX_NESTING;
use tirscript::syntax::{parse_expr, parse_module};

/// Runs `f` on a thread with the default 2 MiB stack of test threads, whatever RUST_MIN_STACK says.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn a test thread")
        .join()
        .expect("the parser must not panic or overflow its stack")
}

#[test]
fn ten_thousand_open_brackets_give_an_error() {
    let (module, diagnostics) =
        on_small_stack(|| parse_module(&format!("x = {}1\n", "(".repeat(10_000))));
    assert!(module.is_none());
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0].message.starts_with("nesting too deep"), "{diagnostics:?}");
    let result = on_small_stack(|| parse_expr(&"[".repeat(10_000)));
    assert!(result.is_err());
}

#[test]
fn deep_operator_chains_give_an_error() {
    for source in [
        format!("x = {}1\n", "-".repeat(10_000)),
        format!("x = {}1\n", "not ".repeat(10_000)),
        format!("x = {}1\n", "1 ** ".repeat(10_000)),
        format!("x = {}1\n", "lambda: ".repeat(10_000)),
        format!("x = {}1\n", "1 if c else ".repeat(10_000)),
    ] {
        let (_, diagnostics) = on_small_stack(move || parse_module(&source));
        assert!(diagnostics[0].message.starts_with("nesting too deep"), "{diagnostics:?}");
    }
}

#[test]
fn nesting_just_under_the_limit_parses_on_a_small_stack() {
    // Brackets inside a function inside a class: blocks count towards the limit too.
    let depth = MAX_NESTING - 3;
    let source = format!(
        "class M:\n    def f():\n        x = {}1{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let (module, diagnostics) = on_small_stack(move || parse_module(&source));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(module.is_some());
    let source = format!("x = {}1\n", "-".repeat(MAX_NESTING - 1));
    let (_, diagnostics) = on_small_stack(move || parse_module(&source));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn deep_blocks_stop_at_the_limit() {
    let mut source = String::new();
    for level in 0..MAX_NESTING + 50 {
        source.push_str(&" ".repeat(level));
        source.push_str("if x:\n");
    }
    source.push_str(&" ".repeat(MAX_NESTING + 50));
    source.push_str("pass\n");
    let (module, diagnostics) = on_small_stack(move || parse_module(&source));
    assert!(module.is_none());
    assert!(diagnostics[0].message.starts_with("nesting too deep"));
}

#[test]
fn long_flat_input_is_not_nested() {
    // A long sum and a long list are flat: no limit applies and no stack is used per element.
    let sum = (0..5_000).map(|i| format!("A[{i}]")).collect::<Vec<_>>().join(" + ");
    let list = vec!["-1"; 5_000].join(", ");
    let source = format!("x = {sum}\ny = [{list}]\n");
    let (module, diagnostics) = on_small_stack(move || parse_module(&source));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(module.map(|m| m.body.len()), Some(2));
}

#[test]
fn every_independent_error_is_reported_and_good_statements_are_kept() {
    let source = "\
def f():
    a = 1
    b = 2 +
    c = 3

def g() 1:
    d = 4

def h():
    e = 5 5
    f = 6
";
    let (module, diagnostics) = parse_module(source);
    let lines: Vec<usize> =
        diagnostics.iter().map(|d| source[..d.span.start].matches('\n').count() + 1).collect();
    assert_eq!(lines, vec![3, 6, 10], "{diagnostics:?}");
    let module = module.expect("recovery yields a tree");
    let names: Vec<(&str, usize)> = module
        .body
        .iter()
        .map(|stmt| match &stmt.kind {
            StmtKind::FunctionDef(def) => (def.name.name.as_str(), def.body.len()),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    // `f` keeps `a` and `c`; `g` fails in its header and is dropped with its body; `h` keeps `f`.
    assert_eq!(names, vec![("f", 2), ("h", 1)]);
}

#[test]
fn errors_come_in_source_order() {
    let source = "x = $\ny = (1 +\n\nz = 1 1\n";
    let (_, diagnostics) = parse_module(source);
    let starts: Vec<usize> = diagnostics.iter().map(|d| d.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    assert!(diagnostics.len() >= 2);
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

#[test]
fn mangled_programs_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/syntax/ok");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read tests/syntax/ok") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|ext| ext == "tir") {
            sources.push(std::fs::read_to_string(path).expect("read a program"));
        }
    }
    assert!(!sources.is_empty());
    let pieces = [
        "(", ")", "[", "]", ":", "\n", "    ", "\t", "'", "\"\"\"", "\\", "=", ",", "@", "def ",
        "if ", "else:", "\0", "é", "#",
    ];
    let mut rng = Lcg(7);
    let mut failures_seen = 0;
    for round in 0..500 {
        let source = &sources[round % sources.len()];
        let mut bytes: Vec<char> = source.chars().collect();
        for _ in 0..1 + rng.next(4) {
            let at = rng.next(bytes.len() + 1);
            match rng.next(3) {
                0 if at < bytes.len() => {
                    bytes.remove(at);
                }
                1 => bytes.truncate(at),
                _ => bytes.splice(at..at, pieces[rng.next(pieces.len())].chars()).for_each(drop),
            }
        }
        let mangled: String = bytes.into_iter().collect();
        let (_, diagnostics) = parse_module(&mangled);
        for d in &diagnostics {
            assert!(d.span.start <= d.span.end && d.span.end <= mangled.len(), "bad span {d:?}");
            assert!(mangled.is_char_boundary(d.span.start) && mangled.is_char_boundary(d.span.end));
        }
        failures_seen += usize::from(!diagnostics.is_empty());
    }
    assert!(failures_seen > 100, "the mangling should break most programs ({failures_seen})");
}

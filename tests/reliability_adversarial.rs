//! Adversarial input: each case gets a spanned error or the correct result, never a crash.
//!
//! Deep cases run on a thread with Rust's default 2 MiB stack, the stack a caller of the library
//! usually has, so stack growth must be handled by the library itself.

use tirscript::analysis::verify::verify_module;
use tirscript::eval::{ParseResult, parse_script};

/// Parses on a fresh thread with the default 2 MiB stack and returns the result.
fn parse_on_default_stack(source: String) -> (String, ParseResult) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let result = parse_script("adversarial.tir", &source);
            if let Some(module) = &result.module {
                let _ = verify_module(module);
            }
            (source, result)
        })
        .expect("thread starts")
        .join()
        .expect("the parser must not panic or overflow its stack")
}

/// Every diagnostic's span lies inside the source and on character boundaries.
fn assert_spans_inside(source: &str, result: &ParseResult) {
    for d in &result.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= source.len(),
            "span {:?} outside the source",
            d.span
        );
        assert!(source.is_char_boundary(d.span.start) && source.is_char_boundary(d.span.end));
    }
}

/// The result is an error with at least one diagnostic and every span inside the source.
fn assert_spanned_error(source: &str, result: &ParseResult) {
    assert!(result.module.is_none(), "expected an error");
    assert!(
        result.diagnostics.iter().any(|d| d.is_error()),
        "an error must come with a diagnostic"
    );
    assert_spans_inside(source, result);
}

fn func(body: &str) -> String {
    format!(
        "# from tvm.script import tir as T\n\n@T.prim_func\ndef f(A: T.Buffer((4,), \"int32\")):\n{body}"
    )
}

#[test]
fn parentheses_nested_ten_thousand_deep() {
    let depth = 10_000;
    let body = format!("    A[0] = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
    let (source, result) = parse_on_default_stack(func(&body));
    // Either a correct module (the value 1) or a spanned "too deep" error; never a crash.
    assert_spans_inside(&source, &result);
    if result.module.is_none() {
        assert_spanned_error(&source, &result);
    }
}

#[test]
fn unclosed_parentheses_ten_thousand_deep() {
    let body = format!("    A[0] = {}1\n", "(".repeat(10_000));
    let (source, result) = parse_on_default_stack(func(&body));
    assert_spanned_error(&source, &result);
}

/// `depth` statements nested by indentation, one space per level.
fn nested_by_indentation(depth: usize, header: impl Fn(usize) -> String) -> String {
    let mut body = String::new();
    for level in 0..depth {
        body.push_str(&" ".repeat(level + 1));
        body.push_str(&header(level));
        body.push('\n');
    }
    body.push_str(&" ".repeat(depth + 1));
    body.push_str("A[0] = 1\n");
    func(&body)
}

#[test]
fn ifs_nested_ten_thousand_deep() {
    let (source, result) =
        parse_on_default_stack(nested_by_indentation(10_000, |_| "if 1 < 2:".into()));
    assert_spans_inside(&source, &result);
}

#[test]
fn loops_nested_ten_thousand_deep() {
    let (source, result) =
        parse_on_default_stack(nested_by_indentation(10_000, |l| format!("for i{l} in range(1):")));
    assert_spans_inside(&source, &result);
}

#[test]
fn blocks_nested_ten_thousand_deep() {
    let (source, result) = parse_on_default_stack(nested_by_indentation(10_000, |l| {
        format!("with T.block(\"b{l}\"):")
    }));
    assert_spans_inside(&source, &result);
}

#[test]
fn one_megabyte_identifier() {
    let name = "x".repeat(1 << 20);
    let (source, result) = parse_on_default_stack(func(&format!("    A[0] = {name}\n")));
    // An undefined name: a spanned error that points at the identifier.
    assert_spanned_error(&source, &result);
    let at = source.find(&name).expect("identifier is in the source");
    assert!(
        result
            .diagnostics
            .iter()
            .any(|d| d.span.start >= at - 1 && d.span.start <= at + name.len())
    );
}

#[test]
fn invalid_utf8_is_an_error_in_the_cli_reading_path() {
    let dir = std::env::temp_dir().join(format!("tirscript-adversarial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad.tir");
    std::fs::write(&path, b"# from tvm.script import tir as T\n\xff\xfe\x80 broken\n")
        .expect("write");
    let error = tirscript::cli::read_input(&path).expect_err("invalid UTF-8 is rejected");
    assert!(error.contains("not valid UTF-8") && error.contains("offset 34"), "{error}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn nul_bytes_are_spanned_errors() {
    let source = func("    A[0] = 1\x00\n    A[\x001] = 2\n");
    let (source, result) = parse_on_default_stack(source);
    assert_spanned_error(&source, &result);
    let nul = source.find('\0').expect("source has a NUL");
    assert!(result.diagnostics.iter().any(|d| d.span.contains(&nul) || d.span.start == nul));
}

#[test]
fn crlf_line_endings_give_the_same_module() {
    let lf = func("    for i in range(4):\n        if i < 2:\n            A[i] = i\n");
    let crlf = lf.replace('\n', "\r\n");
    let (_, a) = parse_on_default_stack(lf);
    let (_, b) = parse_on_default_stack(crlf.clone());
    let (a, b) = (
        a.module.expect("LF parses"),
        b.module.unwrap_or_else(|| panic!("CRLF parses: {:?}", b.diagnostics)),
    );
    assert!(tirscript::analysis::structural_eq::structural_equal(&a, &b));
}

#[test]
fn mixed_tabs_and_spaces() {
    // A tab-indented body under a space-indented loop: inconsistent indentation must be a spanned
    // error or parse as Python would (a tab advances to the next multiple of 8); never a crash.
    let source = func("    for i in range(4):\n\tA[i] = i\n        A[0] = 2\n");
    let (source, result) = parse_on_default_stack(source);
    assert_spans_inside(&source, &result);
    let consistent = func("\tfor i in range(4):\n\t\tA[i] = i\n");
    let (_, result) = parse_on_default_stack(consistent);
    assert!(result.module.is_some(), "tab-only indentation parses: {:?}", result.diagnostics);
}

#[test]
fn integer_literals_that_overflow() {
    for literal in [
        "99999999999999999999999",
        "T.int32(2147483648)",
        "T.int64(9223372036854775808)",
        "T.int8(300)",
    ] {
        let (source, result) =
            parse_on_default_stack(func(&format!("    A[0] = T.Cast(\"int32\", {literal})\n")));
        assert_spans_inside(&source, &result);
        if literal.starts_with('9') {
            assert_spanned_error(&source, &result);
        }
    }
}

#[test]
fn division_by_zero_in_constant_folding() {
    for expr in ["T.int32(1) // 0", "T.int32(1) % 0", "T.floordiv(7, 0)", "T.truncdiv(7, 0)"] {
        let (source, result) = parse_on_default_stack(func(&format!("    A[0] = {expr}\n")));
        // TVM keeps the division unfolded or reports it; either way no crash and valid spans.
        assert_spans_inside(&source, &result);
        if let Some(module) = &result.module {
            let printed = tirscript::print::print_module(module, &Default::default());
            assert!(printed.contains("0"), "{printed}");
        }
    }
}

#[test]
fn zero_and_negative_loop_extents() {
    for extent in ["0", "-3"] {
        let (source, result) = parse_on_default_stack(func(&format!(
            "    for i in range({extent}):\n        A[i] = 1\n"
        )));
        let module = result
            .module
            .unwrap_or_else(|| panic!("range({extent}) parses: {:?}", result.diagnostics));
        let printed = tirscript::print::print_module(&module, &Default::default());
        assert!(printed.contains(&format!("range({extent})")), "{source}\n{printed}");
    }
}

#[test]
fn impossible_dtypes_are_spanned_errors() {
    for dtype in ["float128", "int0", "uint65", "bogus", "float32x0"] {
        let source = format!(
            "# from tvm.script import tir as T\n\n@T.prim_func\ndef f(A: T.Buffer((4,), \"{dtype}\")):\n    T.evaluate(0)\n"
        );
        let (source, result) = parse_on_default_stack(source);
        assert_spanned_error(&source, &result);
        let at = source.find(dtype).expect("dtype in source");
        assert!(
            result.diagnostics.iter().any(|d| d.span.start <= at && d.span.end >= at),
            "{dtype}: the error points at the dtype: {:?}",
            result.diagnostics
        );
    }
}

/// Regression (mutation test, seed 11): a 63-bit integer dtype made constant wrapping overflow
/// (`(1 << 63) - 1` in `arith::ops::wrap_int`) and panicked the evaluator.
#[test]
fn sixty_three_bit_integer_constants_wrap_without_overflow() {
    for literal in ["T.int63(5)", "T.int63(-5)", "T.int63(4611686018427387904)", "T.uint63(7)"] {
        let (source, result) =
            parse_on_default_stack(func(&format!("    A[0] = T.Cast(\"int32\", {literal})\n")));
        assert_spans_inside(&source, &result);
    }
    let int63 = tirscript::ir::DataType::parse("int63");
    if let Ok(dtype) = int63 {
        assert_eq!(tirscript::arith::ops::wrap_int(1i64 << 62, dtype), -(1i64 << 62));
        assert_eq!(tirscript::arith::ops::wrap_int(-5, dtype), -5);
    }
}

#[test]
fn macros_that_double_at_every_level_stop_at_the_expansion_limit() {
    // m_k calls m_(k-1) twice: 2^24 expansions unbounded, a hang; the evaluator stops at its limit.
    let mut source = String::from("# from tvm.script import tir as T\n\n");
    source.push_str("@T.macro\ndef m0(A):\n    A[0] = A[0] + 1\n\n");
    for k in 1..=24 {
        source.push_str(&format!(
            "@T.macro\ndef m{k}(A):\n    m{}(A)\n    m{}(A)\n\n",
            k - 1,
            k - 1
        ));
    }
    source.push_str("@T.prim_func\ndef f(A: T.Buffer((4,), \"int32\")):\n    m24(A)\n");
    let (source, result) = parse_on_default_stack(source);
    assert_spanned_error(&source, &result);
    let message = &result.diagnostics[0].message;
    assert!(message.contains("macro expansions in one file"), "{message}");
}

//! Precedence and shape tests: each expression is parsed and printed back fully parenthesised.

use tirscript::syntax::{parse_expr, sexpr};

fn paren(source: &str) -> String {
    match parse_expr(source) {
        Ok(expr) => sexpr::expr(&expr),
        Err(diagnostics) => panic!("{source:?} failed: {diagnostics:?}"),
    }
}

#[track_caller]
fn check(cases: &[(&str, &str)]) {
    for (source, expected) in cases {
        assert_eq!(paren(source), *expected, "for {source:?}");
    }
}

#[test]
fn arithmetic() {
    check(&[
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 * 2 + 3", "((1 * 2) + 3)"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b * c // d % e @ f", "(((((a / b) * c) // d) % e) @ f)"),
        ("(a + b) * c", "((a + b) * c)"),
    ]);
}

#[test]
fn power_and_unary() {
    check(&[
        ("-2 ** 2", "(-(2 ** 2))"),
        ("2 ** -1", "(2 ** (-1))"),
        ("a ** b ** c", "(a ** (b ** c))"),
        ("-a * b", "((-a) * b)"),
        ("~a + -b", "((~a) + (-b))"),
        ("- - a", "(-(-a))"),
        ("+a ** -b ** c", "(+(a ** (-(b ** c))))"),
        ("a.b ** c[0]", "(a.b ** c[0])"),
    ]);
}

#[test]
fn bitwise_and_shifts() {
    check(&[
        ("a | b ^ c & d", "(a | (b ^ (c & d)))"),
        ("a & b << 2", "(a & (b << 2))"),
        ("a << b + c", "(a << (b + c))"),
        ("a >> 1 | b", "((a >> 1) | b)"),
        ("a ^ b ^ c", "((a ^ b) ^ c)"),
    ]);
}

#[test]
fn comparisons_chain() {
    check(&[
        ("a < b", "(a < b)"),
        ("0 <= i < n", "(0 <= i < n)"),
        ("a == b != c", "(a == b != c)"),
        ("a + 1 < b * 2", "((a + 1) < (b * 2))"),
        ("a | b < c", "((a | b) < c)"),
        ("x in y", "(x in y)"),
        ("x not in y", "(x not in y)"),
        ("x is None", "(x is None)"),
        ("x is not None", "(x is not None)"),
        ("(a < b) < c", "((a < b) < c)"),
    ]);
}

#[test]
fn boolean_operators() {
    check(&[
        ("a and b and c", "(a and b and c)"),
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c", "((a and b) or c)"),
        ("not a and b", "((not a) and b)"),
        ("not a < b", "(not (a < b))"),
        ("not not a", "(not (not a))"),
        ("a or b or c and d", "(a or b or (c and d))"),
    ]);
}

#[test]
fn conditional_and_lambda() {
    check(&[
        ("a if c else b", "(a if c else b)"),
        ("a if c else b if d else e", "(a if c else (b if d else e))"),
        ("a or b if c and d else e", "((a or b) if (c and d) else e)"),
        ("lambda x: x + 1", "(lambda x: (x + 1))"),
        ("lambda x, y=2: x if y else 0", "(lambda x, y=2: (x if y else 0))"),
        ("lambda: 0", "(lambda : 0)"),
        (
            "T.comm_reducer(lambda x, y: x + y, [T.float32(0)])",
            "T.comm_reducer((lambda x, y: (x + y)), [T.float32(0)])",
        ),
    ]);
}

#[test]
fn primaries() {
    check(&[
        ("T.float32(1)", "T.float32(1)"),
        ("A[vi, vj]", "A[(vi, vj)]"),
        ("A[i]", "A[i]"),
        ("A[0:16]", "A[0:16]"),
        ("A[i : i + 4, ::2]", "A[(i:(i + 4), ::2)]"),
        ("A[:]", "A[:]"),
        ("A[i,]", "A[(i,)]"),
        ("f()()", "f()()"),
        ("f(a, *b, k=1, **d)", "f(a, *b, k=1, **d)"),
        (
            "T.match_buffer(a, (n,), \"float32\", align=64)",
            "T.match_buffer(a, (n,), \"float32\", align=64)",
        ),
        ("a.b.c(d).e[f]", "a.b.c(d).e[f]"),
        ("-a.b", "(-a.b)"),
    ]);
}

#[test]
fn displays_and_literals() {
    check(&[
        ("()", "()"),
        ("(a,)", "(a,)"),
        ("(a, b)", "(a, b)"),
        ("[]", "[]"),
        ("[1, 2,]", "[1, 2]"),
        ("{}", "{}"),
        ("{\"a\": 1, \"b\": True}", "{\"a\": 1, \"b\": True}"),
        ("None", "None"),
        ("...", "..."),
        ("0x10 + 0o10 + 0b10 + 1_000", "(((16 + 8) + 2) + 1000)"),
        ("1.5e3", "1500.0"),
        ("'a' \"b\" '''c'''", "\"abc\""),
        ("r'\\n'", "\"\\\\n\""),
        ("99999999999999999999999999999999999999999", "<int overflow>"),
        ("(\n  a +\n  b\n)", "(a + b)"),
    ]);
}

#[test]
fn spans_cover_the_source() {
    let e = parse_expr("a + b * c").unwrap();
    assert_eq!(e.span, 0..9);
    let e = parse_expr("(a + b)").unwrap();
    assert_eq!(e.span, 1..6, "parentheses are not part of the inner expression");
    let e = parse_expr("f(x)[1].y").unwrap();
    assert_eq!(e.span, 0..9);
    let e = parse_expr("-x").unwrap();
    assert_eq!(e.span, 0..2);
    let e = parse_expr("not x").unwrap();
    assert_eq!(e.span, 0..5);
}

#[test]
fn expression_errors() {
    for bad in ["a +", "(a", "a b", "f(a=1, b)", "", "lambda x x"] {
        assert!(parse_expr(bad).is_err(), "{bad:?} should fail");
    }
}

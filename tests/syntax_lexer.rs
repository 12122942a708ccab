//! Lexer tests: every token class, the layout pass (NEWLINE/INDENT/DEDENT) and lexical errors.

use tirscript::syntax::lexer::{MAX_NESTING, lex};
use tirscript::syntax::token::Tok;

/// The tokens of `source` in a compact text form: names as is, `int:`/`float:`/`str:` plus the
/// source text for literals, `NL`, `IN`, `DE` for layout, operators and keywords as written.
fn toks(source: &str) -> String {
    let lexed = lex(source);
    assert!(lexed.diagnostics.is_empty(), "unexpected diagnostics: {:?}", lexed.diagnostics);
    render(&lexed.tokens)
}

fn render(tokens: &[(Tok<'_>, chumsky::span::SimpleSpan)]) -> String {
    tokens
        .iter()
        .map(|(tok, _)| match tok {
            Tok::Name(s) => s.to_string(),
            Tok::Int(s) => format!("int:{s}"),
            Tok::Float(s) => format!("float:{s}"),
            Tok::Str(s) => format!("str:{s}"),
            Tok::Newline => "NL".to_string(),
            Tok::Indent => "IN".to_string(),
            Tok::Dedent => "DE".to_string(),
            Tok::Kw(k) => k.as_str().to_string(),
            Tok::Reserved(s) => format!("reserved:{s}"),
            Tok::Op(o) => o.as_str().to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The messages of the diagnostics for `source`.
fn errors(source: &str) -> Vec<String> {
    lex(source).diagnostics.into_iter().map(|d| d.message).collect()
}

#[test]
fn names_and_keywords() {
    assert_eq!(
        toks(
            "def class return if elif else for in while with as assert pass break continue lambda and or not is True False None"
        ),
        "def class return if elif else for in while with as assert pass break continue lambda and or not is True False None NL"
    );
    assert_eq!(toks("define _x x1 T Module"), "define _x x1 T Module NL");
    assert_eq!(toks("import"), "reserved:import NL");
}

#[test]
fn integers() {
    assert_eq!(
        toks("0 7 1_000 0xFF 0o17 0b1010 0X_f"),
        "int:0 int:7 int:1_000 int:0xFF int:0o17 int:0b1010 int:0X_f NL"
    );
}

#[test]
fn floats() {
    assert_eq!(
        toks("1.5 1. .5 1e3 1E-3 1.5e+10 1_0.0_1"),
        "float:1.5 float:1. float:.5 float:1e3 float:1E-3 float:1.5e+10 float:1_0.0_1 NL"
    );
    // `x.y` stays an attribute access, `1.real` is a float followed by a name as in Python.
    assert_eq!(toks("x.y"), "x . y NL");
}

#[test]
fn strings_of_every_form() {
    assert_eq!(toks(r#"'a' "b""#), r#"str:'a' str:"b" NL"#);
    assert_eq!(toks(r#""it's" 'say "hi"'"#), r#"str:"it's" str:'say "hi"' NL"#);
    assert_eq!(toks(r#""a\"b""#), r#"str:"a\"b" NL"#);
    assert_eq!(
        toks(r#"r"\d" b"x" u"y" f"{z}" rb"w" BR"v" Rb'q'"#),
        r#"str:r"\d" str:b"x" str:u"y" str:f"{z}" str:rb"w" str:BR"v" str:Rb'q' NL"#
    );
    assert_eq!(toks("'''a\n'b''\nc'''"), "str:'''a\n'b''\nc''' NL");
    assert_eq!(toks("\"\"\"doc\"\"\""), "str:\"\"\"doc\"\"\" NL");
    assert_eq!(toks("'a\\\nb'"), "str:'a\\\nb' NL");
}

#[test]
fn operators() {
    assert_eq!(
        toks("+ - * / // % ** << >> & | ^ ~ -> := @ = == != < <= > >= . , : ; ..."),
        "+ - * / // % ** << >> & | ^ ~ -> := @ = == != < <= > >= . , : ; ... NL"
    );
    assert_eq!(
        toks("+= -= *= /= //= %= **= <<= >>= &= |= ^= @="),
        "+= -= *= /= //= %= **= <<= >>= &= |= ^= @= NL"
    );
    assert_eq!(toks("( ) [ ] { }"), "( ) [ ] { } NL");
}

#[test]
fn spans_are_byte_ranges() {
    let lexed = lex("é = 'ü'\n");
    assert!(!lexed.diagnostics.is_empty(), "non-ASCII names are rejected");
    let lexed = lex("x = 'ü'\n");
    let spans: Vec<_> = lexed.tokens.iter().map(|(_, s)| s.into_range()).collect();
    assert_eq!(spans, vec![0..1, 2..3, 4..8, 8..9]);
}

#[test]
fn indent_and_dedent() {
    assert_eq!(toks("if a:\n    b\n    c\nd\n"), "if a : NL IN b NL c NL DE d NL");
    assert_eq!(toks("if a:\n  if b:\n    c\nd"), "if a : NL IN if b : NL IN c NL DE DE d NL");
    // Dedent to an intermediate level.
    assert_eq!(toks("a:\n  b:\n    c\n  d\ne\n"), "a : NL IN b : NL IN c NL DE d NL DE e NL");
    // Closing dedents at the end of the file, without a final newline.
    assert_eq!(toks("a:\n  b"), "a : NL IN b NL DE");
}

#[test]
fn blank_and_comment_lines_are_ignored() {
    assert_eq!(toks("a:\n\n    b\n  # odd comment\n\n\t\n    c\n"), "a : NL IN b NL c NL DE");
    let lexed = lex("# head\nx = 1  # tail\n");
    let comments: Vec<_> =
        lexed.comments.iter().map(|c| (c.text.as_str(), c.span.clone())).collect();
    assert_eq!(comments, vec![("# head", 0..6), ("# tail", 14..20)]);
    assert_eq!(render(&lexed.tokens), "x = int:1 NL");
}

#[test]
fn tabs_count_to_multiples_of_eight() {
    assert_eq!(toks("a:\n\tb\n\tc\n"), "a : NL IN b NL c NL DE");
    // A tab and eight spaces are the same level under both measures only if consistent.
    assert_eq!(
        errors("a:\n\tb\n        c\n"),
        vec!["inconsistent use of tabs and spaces in indentation"]
    );
}

#[test]
fn inconsistent_dedent_is_an_error() {
    assert_eq!(
        errors("a:\n    b\n  c\n"),
        vec!["unindent does not match any outer indentation level"]
    );
}

#[test]
fn implicit_line_joining_in_brackets() {
    assert_eq!(
        toks("f(a,\n      b,\n\n  c)\nx = [\n1,\n]\n"),
        "f ( a , b , c ) NL x = [ int:1 , ] NL"
    );
}

#[test]
fn backslash_continuation() {
    assert_eq!(toks("x = a + \\\n        b\ny"), "x = a + b NL y NL");
}

#[test]
fn crlf_line_endings() {
    assert_eq!(toks("if a:\r\n    b\r\n# c\r\nd\r\n"), "if a : NL IN b NL DE d NL");
    assert_eq!(lex("# c\r\n").comments[0].text, "# c");
}

#[test]
fn indented_first_line_gives_an_indent_token() {
    assert_eq!(toks("  x\n"), "IN x NL DE");
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(toks(""), "");
    assert_eq!(toks("\n\n# only\n   \n"), "");
}

#[test]
fn invalid_characters() {
    assert_eq!(errors("x = $"), vec!["invalid character `$` (U+0024)"]);
    assert_eq!(errors("x = \u{0}"), vec!["NUL byte in source text"]);
    assert_eq!(errors("x = 1 ? 2"), vec!["invalid character `?` (U+003F)"]);
    assert_eq!(
        errors("a \\ b"),
        vec!["unexpected backslash (a line continuation must end the line)"]
    );
}

#[test]
fn unterminated_strings() {
    assert_eq!(errors("x = 'abc\ny = 1\n"), vec!["unterminated string literal"]);
    assert_eq!(errors("x = \"\"\"abc\n"), vec!["unterminated triple-quoted string literal"]);
    // The lexer goes on after the bad string.
    let lexed = lex("x = 'abc\ny = 1\n");
    assert_eq!(render(&lexed.tokens), "x = str:'abc NL y = int:1 NL");
}

#[test]
fn literal_errors() {
    assert_eq!(
        errors("x = 007"),
        vec![
            "leading zeros in decimal integer literals are not permitted (use an 0o prefix for octal)"
        ]
    );
    assert_eq!(errors(r#"x = "\x4""#), vec!["truncated \\xXX escape"]);
}

#[test]
fn bracket_errors() {
    assert_eq!(errors("f(a]"), vec!["closing `]` does not match the open `(`"]);
    assert_eq!(errors("x = 1)"), vec!["unmatched closing `)`"]);
    assert_eq!(errors("f(a,\n"), vec!["`(` is never closed"]);
}

#[test]
fn nesting_limit_stops_deep_brackets() {
    let ok = format!("{}x{}", "(".repeat(MAX_NESTING - 1), ")".repeat(MAX_NESTING - 1));
    assert!(!lex(&ok).too_deep);
    let deep = format!("{}x{}", "(".repeat(MAX_NESTING + 1), ")".repeat(MAX_NESTING + 1));
    let lexed = lex(&deep);
    assert!(lexed.too_deep);
    assert_eq!(lexed.diagnostics.len(), 1);
    assert_eq!(lexed.diagnostics[0].span, MAX_NESTING..MAX_NESTING + 1);
}

#[test]
fn nesting_limit_counts_operator_chains_but_not_lists() {
    let chain = format!("x = {}1", "-".repeat(MAX_NESTING + 1));
    assert!(lex(&chain).too_deep);
    let nots = format!("x = {}y", "not ".repeat(MAX_NESTING + 1));
    assert!(lex(&nots).too_deep);
    // Many negative numbers in one list are not nested.
    let list = format!("x = [{}]", vec!["-1"; 1000].join(", "));
    assert!(!lex(&list).too_deep);
}

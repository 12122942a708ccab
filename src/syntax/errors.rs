//! Turns chumsky's errors into project [`Diagnostic`]s with readable messages.
//!
//! A parser error on a line that already has a lexical error is dropped: it is almost always a
//! consequence of the lexical one (an unclosed string, a stray bracket), and one cause should give one
//! message; so is every parser error after an unclosed bracket or triple-quoted string. The merged
//! list is sorted by position.

use chumsky::error::{Rich, RichPattern, RichReason};
use chumsky::span::SimpleSpan;

use super::token::{Kw, Tok};
use crate::diagnostic::Diagnostic;

/// Operators and trailers, as [`Tok`]'s `Display` names them, grouped as "an operator" in messages.
const OPERATORS: &[&str] = &[
    "`+`",
    "`-`",
    "`*`",
    "`/`",
    "`//`",
    "`%`",
    "`**`",
    "`@`",
    "`<<`",
    "`>>`",
    "`&`",
    "`|`",
    "`^`",
    "`==`",
    "`!=`",
    "`<`",
    "`<=`",
    "`>`",
    "`>=`",
    "`.`",
    "`(`",
    "`[`",
    "keyword `and`",
    "keyword `or`",
    "keyword `not`",
    "keyword `is`",
];

/// How many expected items a message lists before it says "or ...".
const MAX_EXPECTED: usize = 6;

/// Adds the parser's errors to the lexer's diagnostics, dropping consequential ones, then sorts.
pub(crate) fn merge(
    source: &str,
    diagnostics: &mut Vec<Diagnostic>,
    errors: Vec<Diagnostic>,
    poisoned_from: Option<usize>,
) {
    let line_of = |offset: usize| source[..offset.min(source.len())].matches('\n').count();
    let lexical_lines: Vec<usize> = diagnostics.iter().map(|d| line_of(d.span.start)).collect();
    for diagnostic in errors {
        let poisoned = poisoned_from.is_some_and(|from| diagnostic.span.start >= from);
        if !poisoned && !lexical_lines.contains(&line_of(diagnostic.span.start)) {
            diagnostics.push(diagnostic);
        }
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    diagnostics.dedup_by(|a, b| a.span == b.span && a.message == b.message);
}

/// The diagnostic for one chumsky error.
pub(crate) fn convert(error: &Rich<'_, Tok<'_>, SimpleSpan>) -> Diagnostic {
    // chumsky can build an end-of-input span that starts after it ends (at the end of the text, ending
    // at the last consumed token); keep only its start.
    let mut span = error.span().into_range();
    if span.start > span.end {
        span.end = span.start;
    }
    match error.reason() {
        RichReason::Custom(text) => {
            // See `SyntaxError::custom`: the label follows the message after a line break.
            let (message, label) = text.split_once('\n').unwrap_or((text.as_str(), ""));
            Diagnostic::error(message, span).with_label(label)
        }
        RichReason::ExpectedFound { found, .. } => {
            let expected = expected_list(error);
            let found: Option<&Tok<'_>> = found.as_deref();
            let (message, label, hint) = match found {
                None => (
                    "unexpected end of input".to_string(),
                    expected,
                    Some("the file ends in the middle of a statement".to_string()),
                ),
                Some(Tok::Indent) => (
                    "unexpected indent".to_string(),
                    "this line is indented more than the statements before it".to_string(),
                    None,
                ),
                Some(Tok::Dedent) => (
                    "unexpected end of block".to_string(),
                    expected,
                    None,
                ),
                Some(Tok::Newline) => ("unexpected end of line".to_string(), expected, None),
                Some(Tok::Reserved(keyword)) => (
                    format!("`{keyword}` is not supported in TVMScript"),
                    "Python keyword outside the TVMScript subset".to_string(),
                    (*keyword == "import" || *keyword == "from")
                        .then(|| "TVMScript files contain no imports; `T` and `I` are predefined (TVM prints `# from tvm.script import tir as T` as a comment)".to_string()),
                ),
                Some(Tok::Kw(keyword @ (Kw::Else | Kw::Elif))) => (
                    format!("unexpected keyword `{}`", keyword.as_str()),
                    expected,
                    Some(format!(
                        "`{}` must follow the block of an `if` or `elif` at the same indentation",
                        keyword.as_str()
                    )),
                ),
                Some(tok) => (format!("unexpected {tok}"), expected, None),
            };
            let mut diagnostic = Diagnostic::error(message, span).with_label(label);
            if let Some(hint) = hint {
                diagnostic = diagnostic.with_hint(hint);
            }
            diagnostic
        }
    }
}

/// "expected `)`, `,` or expression", or an empty string when nothing useful is known.
fn expected_list(error: &Rich<'_, Tok<'_>, SimpleSpan>) -> String {
    let mut items: Vec<String> = error
        .expected()
        .filter_map(|pattern| match pattern {
            RichPattern::Token(tok) => Some(match &**tok {
                Tok::Newline => "end of line".to_string(),
                Tok::Indent => "an indented block".to_string(),
                Tok::Dedent => "end of block".to_string(),
                other => other.to_string(),
            }),
            RichPattern::Label(label) => Some(label.to_string()),
            RichPattern::Identifier(name) => Some(format!("`{name}`")),
            RichPattern::EndOfInput => Some("end of input".to_string()),
            RichPattern::Any | RichPattern::SomethingElse => None,
        })
        .collect();
    // After a complete operand every binary operator and trailer is possible; name them as a group.
    if items.iter().filter(|item| OPERATORS.contains(&item.as_str())).count() >= 3 {
        for item in &mut items {
            if OPERATORS.contains(&item.as_str()) {
                *item = "an operator".to_string();
            }
        }
    }
    items.sort();
    items.dedup();
    match items.len() {
        0 => String::new(),
        1 => format!("expected {}", items[0]),
        n if n <= MAX_EXPECTED => {
            let last = items.pop().expect("length checked above");
            format!("expected {} or {}", items.join(", "), last)
        }
        _ => format!("expected {}, or ...", items[..MAX_EXPECTED].join(", ")),
    }
}

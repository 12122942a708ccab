//! The lexer: logos for the raw tokens, then a layout pass that applies Python's line structure.
//!
//! The layout pass
//! - drops whitespace, comments (kept in [`Lexed::comments`]) and backslash continuations;
//! - joins lines implicitly inside `()`, `[]` and `{}`;
//! - emits `Newline` at the end of every non-blank logical line, and `Indent`/`Dedent` when the
//!   indentation of a logical line's first token changes; blank and comment-only lines are ignored;
//! - checks indentation consistency the way Python does: an indentation is measured twice, with tabs to
//!   the next multiple of 8 and with tabs as 1 column, and both measures must order levels the same way;
//! - checks bracket matching, and bounds nesting (see [`MAX_NESTING`]) so the recursive parser can
//!   never overflow its stack.
//!
//! Invariants of the output: every `Indent` is matched by a later `Dedent`; the stream is empty or ends
//! with `Newline` followed by the closing `Dedent`s; spans are byte ranges on char boundaries; every
//! `Newline`'s logical line is non-empty. Errors never stop the lexer: it reports and carries on.

use std::ops::Range;

use chumsky::span::SimpleSpan;
use logos::Logos;

use super::ast::Comment;
use super::literal;
use super::raw::{RawError, RawTok, keyword_or_op};
use super::token::{Kw, Op, Tok};
use crate::diagnostic::Diagnostic;

/// The deepest nesting accepted: indentation levels + open brackets + chained prefix operators,
/// `**`, `not`, `lambda` and conditional expressions in one bracket level. The parser recurses once per
/// level, so this bounds its stack use; 10,000 nested brackets are refused with a spanned error.
pub const MAX_NESTING: usize = 200;

/// A token with its byte span.
pub type SpannedTok<'src> = (Tok<'src>, SimpleSpan);

/// The lexer's output.
#[derive(Debug, Default)]
pub struct Lexed<'src> {
    /// Tokens for the parser, including `Newline`, `Indent` and `Dedent`.
    pub tokens: Vec<SpannedTok<'src>>,
    /// Every comment in source order.
    pub comments: Vec<Comment>,
    /// Lexical errors.
    pub diagnostics: Vec<Diagnostic>,
    /// True when [`MAX_NESTING`] was exceeded; the parser must not run then.
    pub too_deep: bool,
    /// Byte offset after which syntax errors are probably consequences of a lexical error (an
    /// unclosed bracket or triple-quoted string swallows the rest of the file).
    pub poisoned_from: Option<usize>,
}

/// An indentation measured two ways (tabs to multiples of 8, tabs as one column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Indentation {
    tab8: usize,
    tab1: usize,
}

/// An open bracket and the count of recursion-introducing operators seen inside it so far.
struct Open {
    op: Op,
    span: Range<usize>,
    chain: usize,
}

/// Lexes `source` into parser tokens, comments and diagnostics.
pub fn lex(source: &str) -> Lexed<'_> {
    Layout::new(source).run()
}

struct Layout<'src> {
    source: &'src str,
    out: Lexed<'src>,
    indents: Vec<Indentation>,
    brackets: Vec<Open>,
    /// Recursion-introducing operators at the outermost bracket level of the current line.
    line_chain: usize,
    /// `indents.len() - 1 + brackets.len() + line_chain + every bracket's chain`.
    nesting: usize,
    at_line_start: bool,
    /// Start offsets of single-line strings that reach the end of their line.
    unterminated_strings: Vec<usize>,
}

impl<'src> Layout<'src> {
    fn new(source: &'src str) -> Self {
        Layout {
            source,
            out: Lexed { tokens: Vec::with_capacity(source.len() / 4), ..Lexed::default() },
            indents: vec![Indentation { tab8: 0, tab1: 0 }],
            brackets: Vec::new(),
            line_chain: 0,
            nesting: 0,
            at_line_start: true,
            unterminated_strings: Vec::new(),
        }
    }

    fn run(mut self) -> Lexed<'src> {
        let mut raw = RawTok::lexer(self.source);
        while let Some(result) = raw.next() {
            let span = raw.span();
            match result {
                Ok(RawTok::Newline) => self.newline(span),
                Ok(RawTok::Comment) => self
                    .out
                    .comments
                    .push(Comment { text: self.source[span.clone()].to_string(), span }),
                Ok(RawTok::Continuation) => {}
                Ok(kind) => {
                    let tok = self.convert(kind, &span);
                    self.token(tok, span);
                }
                Err(error) => self.error(error, span),
            }
            if self.out.too_deep {
                return self.out;
            }
        }
        self.finish();
        self.out
    }

    /// Maps a logos token (not trivia) to a parser token.
    fn convert(&mut self, kind: RawTok, span: &Range<usize>) -> Tok<'src> {
        let text = &self.source[span.clone()];
        match kind {
            RawTok::Name => Tok::Name(text),
            RawTok::Int => {
                if let Err(message) = literal::check_int(text) {
                    self.out
                        .diagnostics
                        .push(Diagnostic::error(message, span.clone()).with_label("this literal"));
                }
                Tok::Int(text)
            }
            RawTok::Float => Tok::Float(text),
            RawTok::Str => {
                // Only escapes and bytes literals can be malformed once the quotes matched.
                let needs_check = text.contains('\\') || text.starts_with(['b', 'B', 'r', 'R']);
                let findings = if needs_check { literal::check_string(text) } else { Vec::new() };
                for (message, at) in findings {
                    let at = span.start + at.start..span.start + at.end;
                    self.out
                        .diagnostics
                        .push(Diagnostic::error(message, at).with_label("in this string"));
                }
                Tok::Str(text)
            }
            RawTok::Reserved => Tok::Reserved(text),
            RawTok::AugAssign => match Op::from_aug_assign(text) {
                Some(op) => Tok::Op(op),
                None => Tok::Reserved(text),
            },
            other => keyword_or_op(other),
        }
    }

    fn error(&mut self, error: RawError, span: Range<usize>) {
        let text = &self.source[span.clone()];
        let diagnostic = match error {
            RawError::UnterminatedString => {
                self.token(Tok::Str(text), span.clone());
                self.unterminated_strings.push(span.start);
                Diagnostic::error("unterminated string literal", span)
                    .with_label("this string is not closed before the end of the line")
                    .with_hint("close it with the same quote it starts with, or use a triple-quoted string for several lines")
            }
            RawError::UnterminatedTripleString => {
                self.token(Tok::Str(text), span.clone());
                self.poison(span.start);
                let start = span.start..(span.start + 3).min(span.end);
                Diagnostic::error("unterminated triple-quoted string literal", start)
                    .with_label("this string is never closed")
            }
            RawError::InvalidChar => {
                let c = text.chars().next().unwrap_or('\u{0}');
                let message = match c {
                    '\u{0}' => "NUL byte in source text".to_string(),
                    '\r' => "carriage return not followed by a line feed".to_string(),
                    '\\' => {
                        "unexpected backslash (a line continuation must end the line)".to_string()
                    }
                    c if c.is_control() => format!("invalid control character U+{:04X}", c as u32),
                    c => format!("invalid character `{c}` (U+{:04X})", c as u32),
                };
                let mut d = Diagnostic::error(message, span).with_label("not valid here");
                if !c.is_ascii() {
                    d = d.with_hint("identifiers are ASCII letters, digits and `_`; non-ASCII text belongs in strings or comments");
                }
                d
            }
        };
        self.out.diagnostics.push(diagnostic);
    }

    fn newline(&mut self, span: Range<usize>) {
        if !self.brackets.is_empty() || self.at_line_start {
            return;
        }
        self.push(Tok::Newline, span);
        self.at_line_start = true;
        self.nesting = self.nesting.saturating_sub(self.line_chain);
        self.line_chain = 0;
    }

    fn token(&mut self, tok: Tok<'src>, span: Range<usize>) {
        if self.at_line_start {
            self.at_line_start = false;
            self.indentation(span.start);
        }
        match tok {
            Tok::Op(Op::LParen | Op::LBracket | Op::LBrace) => {
                let Tok::Op(op) = tok else { unreachable!() };
                self.brackets.push(Open { op, span: span.clone(), chain: 0 });
                self.deeper(1, &span);
            }
            Tok::Op(close @ (Op::RParen | Op::RBracket | Op::RBrace))
                if !self.close_bracket(close, &span) =>
            {
                return;
            }
            Tok::Op(Op::Comma) => {
                let chain = self.chain_mut();
                let dropped = std::mem::take(chain);
                self.nesting = self.nesting.saturating_sub(dropped);
            }
            Tok::Op(Op::DoubleStar) | Tok::Kw(Kw::Not | Kw::Lambda | Kw::If) => {
                *self.chain_mut() += 1;
                self.deeper(1, &span);
            }
            Tok::Op(Op::Minus | Op::Plus | Op::Tilde) if self.in_prefix_position() => {
                *self.chain_mut() += 1;
                self.deeper(1, &span);
            }
            _ => {}
        }
        self.push(tok, span);
    }

    /// Handles a closing bracket; returns false when the token must be dropped.
    fn close_bracket(&mut self, close: Op, span: &Range<usize>) -> bool {
        let expected_open = match close {
            Op::RParen => Op::LParen,
            Op::RBracket => Op::LBracket,
            _ => Op::LBrace,
        };
        match self.brackets.last() {
            Some(open) if open.op == expected_open => {
                let open = self.brackets.pop().expect("checked by the match above");
                self.nesting = self.nesting.saturating_sub(open.chain + 1);
                true
            }
            Some(open) => {
                let d = Diagnostic::error(
                    format!(
                        "closing `{}` does not match the open `{}`",
                        close.as_str(),
                        open.op.as_str()
                    ),
                    span.clone(),
                )
                .with_label("mismatched bracket")
                .with_secondary(open.span.clone(), "the bracket opened here");
                self.out.diagnostics.push(d);
                // Treat it as closing the innermost bracket, so one typo gives one error.
                let open = self.brackets.pop().expect("checked by the match above");
                self.nesting = self.nesting.saturating_sub(open.chain + 1);
                true
            }
            None => {
                let d = Diagnostic::error(
                    format!("unmatched closing `{}`", close.as_str()),
                    span.clone(),
                )
                .with_label("no bracket is open here");
                self.out.diagnostics.push(d);
                false
            }
        }
    }

    fn chain_mut(&mut self) -> &mut usize {
        match self.brackets.last_mut() {
            Some(open) => &mut open.chain,
            None => &mut self.line_chain,
        }
    }

    /// True when the previous token cannot end an operand, so `-`, `+`, `~` here are prefix operators.
    fn in_prefix_position(&self) -> bool {
        !matches!(
            self.out.tokens.last(),
            Some((
                Tok::Name(_)
                    | Tok::Int(_)
                    | Tok::Float(_)
                    | Tok::Str(_)
                    | Tok::Kw(Kw::True | Kw::False | Kw::None)
                    | Tok::Op(Op::RParen | Op::RBracket | Op::RBrace | Op::Ellipsis),
                _
            ))
        )
    }

    fn deeper(&mut self, by: usize, span: &Range<usize>) {
        self.nesting += by;
        if self.nesting > MAX_NESTING {
            self.out.too_deep = true;
            self.out.diagnostics.push(
                Diagnostic::error(
                    format!("nesting too deep (more than {MAX_NESTING} levels of brackets, blocks and operators)"),
                    span.clone(),
                )
                .with_label("the limit is exceeded here")
                .with_hint("split the expression or the block into smaller parts"),
            );
        }
    }

    /// Compares the indentation before the first token of a logical line with the open levels.
    fn indentation(&mut self, token_start: usize) {
        let line_start = self.source[..token_start].rfind('\n').map_or(0, |at| at + 1);
        let mut current = Indentation { tab8: 0, tab1: 0 };
        for byte in self.source[line_start..token_start].bytes() {
            match byte {
                b'\t' => {
                    current.tab8 = (current.tab8 / 8 + 1) * 8;
                    current.tab1 += 1;
                }
                b'\x0c' => current = Indentation { tab8: 0, tab1: 0 },
                _ => {
                    current.tab8 += 1;
                    current.tab1 += 1;
                }
            }
        }
        let span = line_start..token_start;
        let top = *self.indents.last().expect("the base level is never popped");
        if current == top {
            return;
        }
        if current.tab8 > top.tab8 && current.tab1 > top.tab1 {
            self.indents.push(current);
            self.push(Tok::Indent, span.clone());
            self.deeper(1, &span);
            return;
        }
        // Pop the levels deeper than the current line; the level reached must equal it. When the two
        // measures disagree on the ordering, the cause is mixing tabs and spaces.
        let mut reached = top;
        while reached.tab8 > current.tab8 && reached.tab1 > current.tab1 {
            self.indents.pop();
            self.nesting = self.nesting.saturating_sub(1);
            self.push(Tok::Dedent, token_start..token_start);
            reached = *self.indents.last().expect("the base level is never popped");
        }
        if reached == current {
            return;
        }
        let message = if reached.tab8.cmp(&current.tab8) != reached.tab1.cmp(&current.tab1) {
            "inconsistent use of tabs and spaces in indentation"
        } else {
            "unindent does not match any outer indentation level"
        };
        self.out.diagnostics.push(
            Diagnostic::error(message, span).with_label("this indentation").with_hint(
                "indent every line of a block by the same amount as the block's first line",
            ),
        );
    }

    /// Marks everything from `at` as probably broken by a lexical error.
    fn poison(&mut self, at: usize) {
        let from = self.out.poisoned_from.get_or_insert(at);
        *from = (*from).min(at);
    }

    fn push(&mut self, tok: Tok<'src>, span: Range<usize>) {
        self.out.tokens.push((tok, SimpleSpan::from(span)));
    }

    fn finish(&mut self) {
        let end = self.source.len();
        for open in std::mem::take(&mut self.brackets).into_iter().rev() {
            self.poison(open.span.start);
            // An unterminated string after the bracket probably swallowed its closing bracket:
            // that string's error is the one to fix.
            if self.unterminated_strings.iter().any(|&at| at > open.span.start) {
                continue;
            }
            self.out.diagnostics.push(
                Diagnostic::error(format!("`{}` is never closed", open.op.as_str()), open.span)
                    .with_label("opened here"),
            );
        }
        if !self.at_line_start {
            self.push(Tok::Newline, end..end);
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.push(Tok::Dedent, end..end);
        }
    }
}

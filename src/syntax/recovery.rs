//! Statement-level error recovery on the token stream.
//!
//! chumsky stops at the first syntax error of a pass. To report every independent error, the failing
//! statement is cut out of the token stream and the parse is repeated:
//! 1. parse; if it succeeds, stop (errors emitted by validations are kept);
//! 2. otherwise take the furthest error, find the logical line it belongs to (a block header or
//!    decorator line when the error is on the first token of the following line), and replace that
//!    line, together with the indented block that follows it, by a synthetic `pass` statement with a
//!    zero-width span, so the surrounding block stays non-empty;
//! 3. repeat, at most [`MAX_ERRORS`] times, and never twice on the same tokens.
//!
//! Synthetic `pass` statements are removed from the final tree, so statements that failed to parse are
//! simply missing from it. Each pass is linear in the input, and recovery runs only on invalid input.

use chumsky::prelude::*;

use super::ast::{Stmt, StmtKind};
use super::errors;
use super::lexer::SpannedTok;
use super::stmt::module_parser;
use super::token::{Kw, Op, Tok};
use crate::diagnostic::Diagnostic;

/// The most errors reported for one file; recovery stops there.
pub const MAX_ERRORS: usize = 50;

/// Parses `tokens` reporting every independent syntax error; see the module docs.
pub(crate) fn parse_recovering<'src>(
    source: &'src str,
    mut tokens: Vec<SpannedTok<'src>>,
) -> (Option<Vec<Stmt>>, Vec<Diagnostic>) {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let eoi = SimpleSpan::from(source.len()..source.len());
    for _ in 0..MAX_ERRORS {
        let input = tokens.as_slice().map(eoi, |(tok, span)| (tok, span));
        let (body, errors) =
            module_parser::<_, Rich<'_, Tok<'_>>>().parse(input).into_output_errors();
        let fatal_at =
            if body.is_none() { errors.iter().map(|e| e.span().start).max() } else { None };
        // Errors found on a synthetic `pass` (a real one is never zero-width) repeat an earlier one.
        diagnostics.extend(
            errors
                .iter()
                .filter(|e| {
                    !(e.found() == Some(&Tok::Kw(Kw::Pass)) && e.span().start == e.span().end)
                })
                .map(errors::convert),
        );
        if let Some(mut body) = body {
            remove_synthetic(&mut body);
            return (Some(body), diagnostics);
        }
        let Some(at) = fatal_at else {
            break;
        };
        if !excise(&mut tokens, at) {
            break;
        }
    }
    (None, diagnostics)
}

/// True for the `pass` statements inserted by [`excise`].
fn is_synthetic(stmt: &Stmt) -> bool {
    matches!(stmt.kind, StmtKind::Pass) && stmt.span.is_empty()
}

/// Removes synthetic `pass` statements from every body in the tree.
fn remove_synthetic(body: &mut Vec<Stmt>) {
    body.retain(|stmt| !is_synthetic(stmt));
    for stmt in body {
        match &mut stmt.kind {
            StmtKind::FunctionDef(def) => remove_synthetic(&mut def.body),
            StmtKind::ClassDef(def) => remove_synthetic(&mut def.body),
            StmtKind::For { body, .. }
            | StmtKind::While { body, .. }
            | StmtKind::With { body, .. } => remove_synthetic(body),
            StmtKind::If { body, orelse, .. } => {
                remove_synthetic(body);
                remove_synthetic(orelse);
            }
            _ => {}
        }
    }
}

/// Index of the first token of the logical line that contains token `index`.
fn line_start(tokens: &[SpannedTok<'_>], index: usize) -> usize {
    let mut start = index;
    while start > 0 && !matches!(tokens[start - 1].0, Tok::Newline | Tok::Indent | Tok::Dedent) {
        start -= 1;
    }
    start
}

/// Replaces the statement containing the error at byte `at` by a synthetic `pass`. Returns false when
/// nothing real could be removed (recovery must stop).
fn excise(tokens: &mut Vec<SpannedTok<'_>>, at: usize) -> bool {
    let Some(mut index) = tokens.iter().position(|(_, span)| span.start >= at) else {
        // The error is at the end of input: blame the last real token's line.
        return match tokens.iter().rposition(|(tok, _)| !matches!(tok, Tok::Newline | Tok::Dedent))
        {
            Some(last) => excise_line(tokens, line_start(tokens, last)),
            None => false,
        };
    };
    // An error on a layout token belongs to the line it ends.
    while index > 0 && matches!(tokens[index].0, Tok::Dedent) {
        index -= 1;
    }
    if matches!(tokens[index].0, Tok::Newline) && index > 0 {
        index -= 1;
    }
    if matches!(tokens[index].0, Tok::Indent) {
        // An unexpected indented block: drop it whole.
        return excise_range(tokens, index, block_end(tokens, index), None);
    }
    let mut start = line_start(tokens, index);
    // An error on the first token of a line that follows a header or a decorator is the header's fault
    // (a missing block, a decorator on something that is not a definition).
    if start == index && start >= 2 && matches!(tokens[start - 1].0, Tok::Newline) {
        let previous = line_start(tokens, start - 1);
        let ends_with_colon = matches!(tokens[start - 2].0, Tok::Op(Op::Colon));
        let is_decorator = matches!(tokens[previous].0, Tok::Op(Op::At));
        if ends_with_colon || is_decorator {
            start = previous;
        }
    }
    excise_line(tokens, start)
}

/// Index one past the `Dedent` that closes the `Indent` at `indent`.
fn block_end(tokens: &[SpannedTok<'_>], indent: usize) -> usize {
    let mut depth = 0usize;
    for (i, (tok, _)) in tokens.iter().enumerate().skip(indent) {
        match tok {
            Tok::Indent => depth += 1,
            Tok::Dedent => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// Replaces the logical line starting at `start` (with the decorator lines before it and the block
/// after it) by `pass`.
fn excise_line(tokens: &mut Vec<SpannedTok<'_>>, mut start: usize) -> bool {
    while start >= 2 && matches!(tokens[start - 1].0, Tok::Newline) {
        let previous = line_start(tokens, start - 1);
        if !matches!(tokens[previous].0, Tok::Op(Op::At)) {
            break;
        }
        start = previous;
    }
    let newline = (start..tokens.len())
        .find(|&i| matches!(tokens[i].0, Tok::Newline))
        .unwrap_or(tokens.len().saturating_sub(1));
    let mut end = newline + 1;
    if matches!(tokens.get(end), Some((Tok::Indent, _))) {
        end = block_end(tokens, end);
    }
    let at = tokens.get(start).map_or(0, |(_, span)| span.start);
    excise_range(tokens, start, end.min(tokens.len()), Some(at))
}

/// Replaces `tokens[start..end]` by `pass NEWLINE` at byte `at`, or by nothing when `at` is `None`.
fn excise_range(
    tokens: &mut Vec<SpannedTok<'_>>,
    start: usize,
    end: usize,
    at: Option<usize>,
) -> bool {
    let real = tokens[start..end].iter().any(|(tok, span)| {
        !span.into_range().is_empty() || !matches!(tok, Tok::Kw(Kw::Pass) | Tok::Newline)
    });
    if start >= end || !real {
        return false;
    }
    let replacement = at.map(|at| {
        let span = SimpleSpan::from(at..at);
        [(Tok::Kw(Kw::Pass), span), (Tok::Newline, span)]
    });
    tokens.splice(start..end, replacement.into_iter().flatten());
    true
}

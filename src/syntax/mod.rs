//! Syntax: TVMScript text → spanned syntax tree ([`ast`]) plus diagnostics.
//!
//! The pipeline is [`lexer::lex`] (logos and a layout pass that makes `Newline`/`Indent`/`Dedent`),
//! then the chumsky grammar in `stmt` and `expr`. Entry points: [`parse_module`] for files and
//! [`parse_expr`] for fragments.
//!
//! Usage (e.g. by the evaluator and `tirscript check`):
//! ```
//! use tirscript::diagnostic::SourceFile;
//! use tirscript::syntax::{ast, parse_module};
//!
//! let text = "@T.prim_func\ndef main():\n    T.evaluate(0)\n";
//! let (module, diagnostics) = parse_module(text);
//! let file = SourceFile::new("main.tir", text);
//! for d in &diagnostics {
//!     eprint!("{}", d.render(&file, false));
//! }
//! // Evaluate only a tree without errors: statements that failed to parse are missing from it.
//! let module = module.filter(|_| diagnostics.is_empty()).expect("valid input");
//! assert!(matches!(module.body[0].kind, ast::StmtKind::FunctionDef(_)));
//! ```
//!
//! Speed: valid input is parsed once with chumsky's cheap `EmptyErr`; only when that fails is the
//! input parsed again with rich errors and statement-level recovery (`recovery`).
//!
//! Invariants: parsing never panics and never recurses deeper than [`lexer::MAX_NESTING`] levels
//! (deeper input is refused by the lexer before the parser runs); every diagnostic has a byte span into
//! the given source; when any error is reported, the returned tree (if any) lacks the statements that
//! failed to parse and must not be evaluated.

pub mod ast;
mod errors;
mod expr;
pub mod lexer;
pub mod literal;
mod operators;
mod raw;
mod recovery;
pub mod sexpr;
mod stmt;
pub mod token;

use chumsky::prelude::*;

use crate::diagnostic::Diagnostic;

/// Parses a whole file. Returns the tree and every lexical and syntax error found, in source order.
/// The tree is absent when the input is nested too deeply to parse safely, or when error recovery
/// gave up (after `recovery::MAX_ERRORS` errors); with errors present it lacks the failed statements.
pub fn parse_module(source: &str) -> (Option<ast::Module>, Vec<Diagnostic>) {
    let lexed = lexer::lex(source);
    let mut diagnostics = lexed.diagnostics;
    if lexed.too_deep {
        return (None, diagnostics);
    }
    let eoi = SimpleSpan::from(source.len()..source.len());
    let input = lexed.tokens.as_slice().map(eoi, |(tok, span)| (tok, span));
    // Fast pass without error bookkeeping; valid input stops here.
    let fast = stmt::module_parser::<_, EmptyErr>().parse(input);
    let body = if !fast.has_errors() {
        fast.into_output()
    } else {
        // Slow passes with rich errors and recovery, only for invalid input.
        let (body, errors) = recovery::parse_recovering(source, lexed.tokens.clone());
        errors::merge(source, &mut diagnostics, errors, lexed.poisoned_from);
        body
    };
    let module = body.map(|body| ast::Module { body, comments: lexed.comments });
    (module, diagnostics)
}

/// Parses one expression (e.g. `T.float32(1) + x`), ignoring surrounding whitespace and line breaks.
/// Returns the expression, or every error found.
pub fn parse_expr(source: &str) -> Result<ast::Expr, Vec<Diagnostic>> {
    let lexed = lexer::lex(source);
    let mut diagnostics = lexed.diagnostics;
    if lexed.too_deep {
        return Err(diagnostics);
    }
    // A fragment is a single logical line: layout tokens play no role in it.
    let tokens: Vec<_> = lexed
        .tokens
        .into_iter()
        .filter(|(tok, _)| {
            !matches!(tok, token::Tok::Newline | token::Tok::Indent | token::Tok::Dedent)
        })
        .collect();
    let eoi = SimpleSpan::from(source.len()..source.len());
    let input = tokens.as_slice().map(eoi, |(tok, span)| (tok, span));
    let fast = expr::expr_parsers::<_, EmptyErr>().expr.then_ignore(end()).parse(input);
    if !fast.has_errors()
        && diagnostics.is_empty()
        && let Some(expr) = fast.into_output()
    {
        return Ok(expr);
    }
    let parser = expr::expr_parsers::<_, Rich<'_, token::Tok<'_>>>().expr.then_ignore(end());
    let (parsed, errors) = parser.parse(input).into_output_errors();
    let errors = errors.iter().map(errors::convert).collect();
    errors::merge(source, &mut diagnostics, errors, lexed.poisoned_from);
    match parsed {
        Some(expr) if diagnostics.is_empty() => Ok(expr),
        _ => Err(diagnostics),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_small_module() {
        let (module, diagnostics) = parse_module("x = 1\n");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(module.unwrap().body.len(), 1);
    }
}

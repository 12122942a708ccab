//! Raw tokens as logos recognises them from the text, trivia included (newlines, comments,
//! backslash continuations), and their mapping to parser tokens.
//!
//! Invariant: string literals are scanned by [`scan_string`] so that an unterminated one still
//! yields a token span (up to the end of its line, or of the file for triple quotes) together with
//! an error kind; the lexer reports it and carries on.

use logos::Logos;

use super::token::{Kw, Op, Tok};

/// Why logos could not produce a token. `Default` is required by logos for an unrecognised character.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RawError {
    /// A character that starts no token.
    #[default]
    InvalidChar,
    /// A single-quoted string that reaches the end of the line.
    UnterminatedString,
    /// A triple-quoted string that reaches the end of the file.
    UnterminatedTripleString,
}

/// Tokens as logos recognises them, trivia included.
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(error = RawError)]
#[logos(skip r"[ \t\f]+")]
pub enum RawTok {
    /// `\n` or `\r\n`.
    #[regex(r"\r?\n")]
    Newline,
    /// `# ...` up to (not including) the end of the line.
    #[regex(r"#[^\r\n]*", allow_greedy = true)]
    Comment,
    /// A backslash immediately followed by a line break.
    #[regex(r"\\\r?\n")]
    Continuation,
    /// Identifiers (ASCII letters, digits, underscore).
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Name,
    /// Decimal, hexadecimal, octal or binary integers, with optional `_` separators.
    #[regex(r"[0-9](_?[0-9])*")]
    #[regex(r"0[xX](_?[0-9a-fA-F])+")]
    #[regex(r"0[oO](_?[0-7])+")]
    #[regex(r"0[bB](_?[01])+")]
    Int,
    /// Floats: `1.`, `1.5`, `.5`, `1e3`, `1.5e-3`.
    #[regex(r"[0-9](_?[0-9])*\.([0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?")]
    #[regex(r"\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?")]
    #[regex(r"[0-9](_?[0-9])*[eE][+-]?[0-9](_?[0-9])*")]
    Float,
    /// Any string literal; the callback scans to the closing quote.
    #[regex(r#"([rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?['"]"#, scan_string)]
    Str,

    #[token("def")]
    Def,
    #[token("class")]
    Class,
    #[token("return")]
    Return,
    #[token("if")]
    If,
    #[token("elif")]
    Elif,
    #[token("else")]
    Else,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("while")]
    While,
    #[token("with")]
    With,
    #[token("as")]
    As,
    #[token("assert")]
    Assert,
    #[token("pass")]
    Pass,
    #[token("break")]
    Break,
    #[token("continue")]
    Continue,
    #[token("lambda")]
    Lambda,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("not")]
    Not,
    #[token("is")]
    Is,
    #[token("True")]
    True,
    #[token("False")]
    False,
    #[token("None")]
    None,
    /// Python keywords TVMScript never uses; reserved so they cannot be names.
    #[token("import")]
    #[token("from")]
    #[token("global")]
    #[token("nonlocal")]
    #[token("try")]
    #[token("except")]
    #[token("finally")]
    #[token("raise")]
    #[token("del")]
    #[token("yield")]
    #[token("async")]
    #[token("await")]
    Reserved,

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(";")]
    Semi,
    #[token(".")]
    Dot,
    #[token("...")]
    Ellipsis,
    #[token("->")]
    Arrow,
    #[token(":=")]
    Walrus,
    #[token("@")]
    At,
    #[token("=")]
    Assign,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("//")]
    DoubleSlash,
    #[token("%")]
    Percent,
    #[token("**")]
    DoubleStar,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("~")]
    Tilde,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    LtEq,
    #[token(">")]
    Gt,
    #[token(">=")]
    GtEq,
    /// Augmented assignment operators: `+= -= *= /= //= %= **= <<= >>= &= |= ^= @=`.
    #[token("+=")]
    #[token("-=")]
    #[token("*=")]
    #[token("/=")]
    #[token("//=")]
    #[token("%=")]
    #[token("**=")]
    #[token("<<=")]
    #[token(">>=")]
    #[token("&=")]
    #[token("|=")]
    #[token("^=")]
    #[token("@=")]
    AugAssign,
}

/// Scans the body of a string literal whose prefix and opening quote logos has just matched.
/// Handles triple quotes, backslash escapes (also in raw strings, where they only protect the quote)
/// and line breaks. On success the lexer is advanced past the closing quote.
fn scan_string(lex: &mut logos::Lexer<RawTok>) -> Result<(), RawError> {
    let opening = lex.slice();
    let quote = opening.as_bytes()[opening.len() - 1];
    let rest = lex.remainder().as_bytes();
    let triple = rest.len() >= 2 && rest[0] == quote && rest[1] == quote;
    if triple {
        let mut i = 2;
        while i < rest.len() {
            match rest[i] {
                b'\\' => i += 2,
                b if b == quote
                    && rest.get(i + 1) == Some(&quote)
                    && rest.get(i + 2) == Some(&quote) =>
                {
                    lex.bump(i + 3);
                    return Ok(());
                }
                _ => i += 1,
            }
        }
        lex.bump(rest.len());
        Err(RawError::UnterminatedTripleString)
    } else {
        let mut i = 0;
        while i < rest.len() {
            match rest[i] {
                b'\\' => {
                    // An escaped line break continues the string on the next line.
                    if rest.get(i + 1) == Some(&b'\r') && rest.get(i + 2) == Some(&b'\n') {
                        i += 3;
                    } else {
                        i += 2;
                    }
                }
                b'\n' => break,
                b'\r' if rest.get(i + 1) == Some(&b'\n') => break,
                b if b == quote => {
                    lex.bump(i + 1);
                    return Ok(());
                }
                _ => i += 1,
            }
        }
        let end = i.min(rest.len());
        lex.bump(end);
        Err(RawError::UnterminatedString)
    }
}

/// Keywords and operators map one to one.
pub(crate) fn keyword_or_op(kind: RawTok) -> Tok<'static> {
    use RawTok as R;
    match kind {
        R::Def => Tok::Kw(Kw::Def),
        R::Class => Tok::Kw(Kw::Class),
        R::Return => Tok::Kw(Kw::Return),
        R::If => Tok::Kw(Kw::If),
        R::Elif => Tok::Kw(Kw::Elif),
        R::Else => Tok::Kw(Kw::Else),
        R::For => Tok::Kw(Kw::For),
        R::In => Tok::Kw(Kw::In),
        R::While => Tok::Kw(Kw::While),
        R::With => Tok::Kw(Kw::With),
        R::As => Tok::Kw(Kw::As),
        R::Assert => Tok::Kw(Kw::Assert),
        R::Pass => Tok::Kw(Kw::Pass),
        R::Break => Tok::Kw(Kw::Break),
        R::Continue => Tok::Kw(Kw::Continue),
        R::Lambda => Tok::Kw(Kw::Lambda),
        R::And => Tok::Kw(Kw::And),
        R::Or => Tok::Kw(Kw::Or),
        R::Not => Tok::Kw(Kw::Not),
        R::Is => Tok::Kw(Kw::Is),
        R::True => Tok::Kw(Kw::True),
        R::False => Tok::Kw(Kw::False),
        R::None => Tok::Kw(Kw::None),
        R::LParen => Tok::Op(Op::LParen),
        R::RParen => Tok::Op(Op::RParen),
        R::LBracket => Tok::Op(Op::LBracket),
        R::RBracket => Tok::Op(Op::RBracket),
        R::LBrace => Tok::Op(Op::LBrace),
        R::RBrace => Tok::Op(Op::RBrace),
        R::Comma => Tok::Op(Op::Comma),
        R::Colon => Tok::Op(Op::Colon),
        R::Semi => Tok::Op(Op::Semi),
        R::Dot => Tok::Op(Op::Dot),
        R::Ellipsis => Tok::Op(Op::Ellipsis),
        R::Arrow => Tok::Op(Op::Arrow),
        R::Walrus => Tok::Op(Op::Walrus),
        R::At => Tok::Op(Op::At),
        R::Assign => Tok::Op(Op::Assign),
        R::Plus => Tok::Op(Op::Plus),
        R::Minus => Tok::Op(Op::Minus),
        R::Star => Tok::Op(Op::Star),
        R::Slash => Tok::Op(Op::Slash),
        R::DoubleSlash => Tok::Op(Op::DoubleSlash),
        R::Percent => Tok::Op(Op::Percent),
        R::DoubleStar => Tok::Op(Op::DoubleStar),
        R::Shl => Tok::Op(Op::Shl),
        R::Shr => Tok::Op(Op::Shr),
        R::Amp => Tok::Op(Op::Amp),
        R::Pipe => Tok::Op(Op::Pipe),
        R::Caret => Tok::Op(Op::Caret),
        R::Tilde => Tok::Op(Op::Tilde),
        R::EqEq => Tok::Op(Op::EqEq),
        R::NotEq => Tok::Op(Op::NotEq),
        R::Lt => Tok::Op(Op::Lt),
        R::LtEq => Tok::Op(Op::LtEq),
        R::Gt => Tok::Op(Op::Gt),
        R::GtEq => Tok::Op(Op::GtEq),
        // Trivia and payload tokens are handled by the caller; they never reach here.
        R::Newline
        | R::Comment
        | R::Continuation
        | R::Name
        | R::Int
        | R::Float
        | R::Str
        | R::Reserved
        | R::AugAssign => Tok::Reserved(""),
    }
}

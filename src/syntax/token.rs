//! Tokens of the Python subset TVMScript uses.
//!
//! [`RawTok`] is what logos recognises directly from the text (it still contains newlines, comments and
//! backslash continuations). The layout pass in [`super::lexer`] turns the raw stream into [`Tok`]s, the
//! parser's input, adding `Newline`/`Indent`/`Dedent` and dropping trivia.
//!
//! Invariants: a token's payload (`Name`, `Int`, `Float`, `Str`) is the exact source slice of the token
//! (for strings including prefix and quotes), so spans and payloads never disagree. Literal values are
//! decoded by [`super::literal`]; the lexer has already reported every malformed literal.

use std::fmt;

use logos::Logos;

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

/// A parser token. Payloads borrow the source text (see the module invariants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tok<'src> {
    /// An identifier.
    Name(&'src str),
    /// An integer literal, as written.
    Int(&'src str),
    /// A float literal, as written.
    Float(&'src str),
    /// A string literal, as written (prefix and quotes included).
    Str(&'src str),
    /// End of a logical line.
    Newline,
    /// The indentation grew.
    Indent,
    /// The indentation shrank by one level.
    Dedent,
    /// A keyword (see [`Kw`]).
    Kw(Kw),
    /// A Python keyword TVMScript does not support (e.g. `import`); the text is the keyword.
    Reserved(&'src str),
    /// An operator or delimiter (see [`Op`]).
    Op(Op),
}

/// Keywords.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kw {
    Def,
    Class,
    Return,
    If,
    Elif,
    Else,
    For,
    In,
    While,
    With,
    As,
    Assert,
    Pass,
    Break,
    Continue,
    Lambda,
    And,
    Or,
    Not,
    Is,
    True,
    False,
    None,
}

/// Operators and delimiters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Semi,
    Dot,
    Ellipsis,
    Arrow,
    Walrus,
    At,
    Assign,
    Plus,
    Minus,
    Star,
    Slash,
    DoubleSlash,
    Percent,
    DoubleStar,
    Shl,
    Shr,
    Amp,
    Pipe,
    Caret,
    Tilde,
    EqEq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    PlusEq,
    MinusEq,
    StarEq,
    SlashEq,
    DoubleSlashEq,
    PercentEq,
    DoubleStarEq,
    ShlEq,
    ShrEq,
    AmpEq,
    PipeEq,
    CaretEq,
    AtEq,
}

impl Op {
    /// The operator's source text.
    pub fn as_str(self) -> &'static str {
        use Op::*;
        match self {
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            Comma => ",",
            Colon => ":",
            Semi => ";",
            Dot => ".",
            Ellipsis => "...",
            Arrow => "->",
            Walrus => ":=",
            At => "@",
            Assign => "=",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            DoubleSlash => "//",
            Percent => "%",
            DoubleStar => "**",
            Shl => "<<",
            Shr => ">>",
            Amp => "&",
            Pipe => "|",
            Caret => "^",
            Tilde => "~",
            EqEq => "==",
            NotEq => "!=",
            Lt => "<",
            LtEq => "<=",
            Gt => ">",
            GtEq => ">=",
            PlusEq => "+=",
            MinusEq => "-=",
            StarEq => "*=",
            SlashEq => "/=",
            DoubleSlashEq => "//=",
            PercentEq => "%=",
            DoubleStarEq => "**=",
            ShlEq => "<<=",
            ShrEq => ">>=",
            AmpEq => "&=",
            PipeEq => "|=",
            CaretEq => "^=",
            AtEq => "@=",
        }
    }

    /// The augmented-assignment operator spelled `text` (e.g. `"+="`).
    pub fn from_aug_assign(text: &str) -> Option<Op> {
        use Op::*;
        Some(match text {
            "+=" => PlusEq,
            "-=" => MinusEq,
            "*=" => StarEq,
            "/=" => SlashEq,
            "//=" => DoubleSlashEq,
            "%=" => PercentEq,
            "**=" => DoubleStarEq,
            "<<=" => ShlEq,
            ">>=" => ShrEq,
            "&=" => AmpEq,
            "|=" => PipeEq,
            "^=" => CaretEq,
            "@=" => AtEq,
            _ => return None,
        })
    }
}

impl Kw {
    /// The keyword's source text.
    pub fn as_str(self) -> &'static str {
        use Kw::*;
        match self {
            Def => "def",
            Class => "class",
            Return => "return",
            If => "if",
            Elif => "elif",
            Else => "else",
            For => "for",
            In => "in",
            While => "while",
            With => "with",
            As => "as",
            Assert => "assert",
            Pass => "pass",
            Break => "break",
            Continue => "continue",
            Lambda => "lambda",
            And => "and",
            Or => "or",
            Not => "not",
            Is => "is",
            True => "True",
            False => "False",
            None => "None",
        }
    }
}

impl fmt::Display for Tok<'_> {
    /// How a token is named in diagnostics ("found `)`", "found end of line").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Name(s) => write!(f, "name `{s}`"),
            Tok::Int(s) | Tok::Float(s) => write!(f, "number `{s}`"),
            Tok::Str(_) => f.write_str("string literal"),
            Tok::Newline => f.write_str("end of line"),
            Tok::Indent => f.write_str("indent"),
            Tok::Dedent => f.write_str("dedent"),
            Tok::Kw(k) => write!(f, "keyword `{}`", k.as_str()),
            Tok::Reserved(s) => write!(f, "keyword `{s}`"),
            Tok::Op(o) => write!(f, "`{}`", o.as_str()),
        }
    }
}

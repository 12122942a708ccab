//! Tokens of the Python subset TVMScript uses.
//!
//! [`Tok`] is the parser's input. The lexer makes it from logos' raw tokens (`super::raw`): its
//! layout pass adds `Newline`/`Indent`/`Dedent` and drops trivia (comments, continuations).
//!
//! Invariants: a token's payload (`Name`, `Int`, `Float`, `Str`) is the exact source slice of the token
//! (for strings including prefix and quotes), so spans and payloads never disagree. Literal values are
//! decoded by [`super::literal`]; the lexer has already reported every malformed literal.

use std::fmt;

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

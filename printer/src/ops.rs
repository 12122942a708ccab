//! Operators of [`ExprKind::Unary`](crate::ExprKind::Unary) and
//! [`ExprKind::Binary`](crate::ExprKind::Binary), and the precedence table the renderer uses to
//! decide parentheses.
//!
//! The table is Python's (<https://docs.python.org/3/reference/expressions.html#operator-precedence>)
//! as TVM's Python doc printer encodes it: lower numbers bind more loosely. Every atom (literal,
//! identifier, attribute access, index, call, tuple, list, dict) has the highest precedence,
//! [`Precedence::Atom`]; a lambda has the lowest.
//!
//! Parentheses (TVM's rules, applied by the renderer): a child is parenthesised when it binds
//! more loosely than its position requires, and for some positions also when it binds equally:
//! - binary operators other than `**`: left operand at the operator's precedence, right operand
//!   strictly tighter (`a - b - c`, `a - (b - c)`, `a + (b + c)`; comparisons too: `a < b < c`
//!   for a comparison on the left);
//! - `**`: left operand strictly tighter (`(a ** b) ** c`, `(-a) ** b`), right operand at unary
//!   precedence (`a ** b ** c`, `a ** -b`);
//! - unary operators: the operand at the operator's precedence (`--a`, `-(a + b)`, `-a ** b`);
//! - `x if c else y`: `x` at conditional precedence, `c` and `y` strictly tighter;
//! - the object of attribute access, indexing and calls must be an atom (`(a + b).x`);
//! - call arguments, indices, slice parts, container elements and lambda bodies are never
//!   parenthesised. Literals are atoms, so a negative literal is never parenthesised (`-2 ** 2`).

/// How tightly an expression binds; derived `Ord` follows declaration order (loosest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precedence {
    /// `lambda x: ...`
    Lambda,
    /// `a if c else b`
    IfThenElse,
    /// `or`
    BooleanOr,
    /// `and`
    BooleanAnd,
    /// `not`
    BooleanNot,
    /// `<`, `<=`, `==`, `!=`, `>`, `>=`
    Comparison,
    /// `|`
    BitwiseOr,
    /// `^`
    BitwiseXor,
    /// `&`
    BitwiseAnd,
    /// `<<`, `>>`
    Shift,
    /// `+`, binary `-`
    Add,
    /// `*`, `/`, `//`, `%`
    Mult,
    /// Unary `-` and `~`.
    Unary,
    /// `**`
    Exp,
    /// Literals, identifiers, attribute access, index, call, tuple, list, dict.
    Atom,
}

/// A prefix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `~x`
    Invert,
    /// `not x`
    Not,
}

impl UnaryOp {
    /// The operator text, including the space that follows `not`.
    pub fn token(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Invert => "~",
            UnaryOp::Not => "not ",
        }
    }

    /// The precedence of an operation with this operator.
    pub fn precedence(self) -> Precedence {
        match self {
            UnaryOp::Neg | UnaryOp::Invert => Precedence::Unary,
            UnaryOp::Not => Precedence::BooleanNot,
        }
    }
}

/// An infix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `**`
    Pow,
    /// `<<`
    LShift,
    /// `>>`
    RShift,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<`
    Lt,
    /// `<=`
    LtE,
    /// `==`
    Eq,
    /// `!=`
    NotEq,
    /// `>`
    Gt,
    /// `>=`
    GtE,
    /// `and`
    And,
    /// `or`
    Or,
}

impl BinaryOp {
    /// The operator text (without surrounding spaces).
    pub fn token(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::FloorDiv => "//",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "**",
            BinaryOp::LShift => "<<",
            BinaryOp::RShift => ">>",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::Lt => "<",
            BinaryOp::LtE => "<=",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Gt => ">",
            BinaryOp::GtE => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }

    /// The precedence of an operation with this operator.
    pub fn precedence(self) -> Precedence {
        match self {
            BinaryOp::Add | BinaryOp::Sub => Precedence::Add,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::FloorDiv | BinaryOp::Mod => Precedence::Mult,
            BinaryOp::Pow => Precedence::Exp,
            BinaryOp::LShift | BinaryOp::RShift => Precedence::Shift,
            BinaryOp::BitAnd => Precedence::BitwiseAnd,
            BinaryOp::BitOr => Precedence::BitwiseOr,
            BinaryOp::BitXor => Precedence::BitwiseXor,
            BinaryOp::Lt
            | BinaryOp::LtE
            | BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Gt
            | BinaryOp::GtE => Precedence::Comparison,
            BinaryOp::And => Precedence::BooleanAnd,
            BinaryOp::Or => Precedence::BooleanOr,
        }
    }
}

//! The spanned syntax tree of the Python subset TVMScript uses.
//!
//! Invariants:
//! - Every node's `span` is the byte range of its source text in the parsed file (on char boundaries).
//!   A parenthesised expression keeps the span of its inner expression; the parentheses leave no node.
//! - Literal values are already decoded (escapes, underscores, radix); names are owned strings.
//! - Operator chains follow Python's shapes: `a and b and c` is one [`ExprKind::BoolOp`] with three
//!   values; `a < b <= c` is one [`ExprKind::Compare`]; `if/elif/else` is an [`StmtKind::If`] whose
//!   `orelse` holds a single nested `If` per `elif`.
//! - When parsing reported errors, statements that failed to parse are missing from the tree.
//!
//! The tree owns its data (no lifetime), so it can outlive the source text.

use std::ops::Range;

/// A byte range into the source text.
pub type Span = Range<usize>;

/// A whole file.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// Top-level statements in order.
    pub body: Vec<Stmt>,
    /// Every comment of the file in source order (module-level comments such as
    /// `# from tvm.script import tir as T` included).
    pub comments: Vec<Comment>,
}

/// A `#` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Span of the comment, from `#` to the end of the line (line break excluded).
    pub span: Span,
    /// The comment's text including the leading `#`.
    pub text: String,
}

/// An identifier with its span (function names, attribute names, keyword-argument names...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The identifier's text.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What kind of statement it is.
    pub kind: StmtKind,
    /// From the first token (the first decorator for decorated definitions) to the end of the last
    /// token of the statement (its body included for compound statements).
    pub span: Span,
}

/// The statement kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `def name(params) -> returns: body`.
    FunctionDef(Box<FunctionDef>),
    /// `class name(bases): body`.
    ClassDef(Box<ClassDef>),
    /// `t1 = t2 = value`: one or more targets (each may be a tuple such as `a, b`).
    Assign {
        /// Assignment targets from left to right; never empty.
        targets: Vec<Expr>,
        /// The assigned value (a tuple for `x = 1, 2`).
        value: Expr,
    },
    /// `target: annotation` or `target: annotation = value`.
    AnnAssign {
        /// The annotated target (a name, attribute or subscript).
        target: Expr,
        /// The annotation, e.g. `T.int32`.
        annotation: Expr,
        /// The value, absent for a bare declaration.
        value: Option<Expr>,
    },
    /// `target op= value`.
    AugAssign {
        /// The updated target.
        target: Expr,
        /// The binary operator (`+` for `+=`).
        op: BinOp,
        /// The right-hand side.
        value: Expr,
    },
    /// `for target in iter: body`.
    For {
        /// The loop variable(s), e.g. `i` or `i, j`.
        target: Expr,
        /// The iterated expression, e.g. `T.grid(4, 4)`.
        iter: Expr,
        /// The loop body; never empty.
        body: Vec<Stmt>,
    },
    /// `while test: body`.
    While {
        /// The loop condition.
        test: Expr,
        /// The loop body; never empty.
        body: Vec<Stmt>,
    },
    /// `if test: body else: orelse` (`elif` is a nested `If` as the only statement of `orelse`).
    If {
        /// The condition.
        test: Expr,
        /// The then-branch; never empty.
        body: Vec<Stmt>,
        /// The else-branch; empty when there is none.
        orelse: Vec<Stmt>,
    },
    /// `with item, item: body`.
    With {
        /// The context managers, in order; never empty.
        items: Vec<WithItem>,
        /// The body; never empty.
        body: Vec<Stmt>,
    },
    /// `assert test, msg`.
    Assert {
        /// The asserted condition.
        test: Expr,
        /// The optional message.
        msg: Option<Expr>,
    },
    /// `return` or `return value` (a tuple for `return a, b`).
    Return(Option<Expr>),
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `pass`.
    Pass,
    /// An expression evaluated for its effect, e.g. `T.evaluate(0)` or a docstring.
    Expr(Expr),
}

/// A function definition.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    /// Decorator expressions in source order, without the `@` (e.g. `T.prim_func`,
    /// `T.prim_func(private=True)`).
    pub decorators: Vec<Expr>,
    /// The function's name.
    pub name: Ident,
    /// Parameters in order.
    pub params: Vec<Param>,
    /// The `-> annotation`, if any.
    pub returns: Option<Expr>,
    /// The body; never empty.
    pub body: Vec<Stmt>,
}

/// A function or lambda parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The parameter's name.
    pub name: Ident,
    /// Plain, `*name` or `**name` (the last two appear in `@T.macro` definitions).
    pub kind: ParamKind,
    /// `: annotation` (always `None` for lambda parameters).
    pub annotation: Option<Expr>,
    /// `= default`.
    pub default: Option<Expr>,
    /// From the name (or its `*`/`**`) to the end of the default (or annotation).
    pub span: Span,
}

/// How a parameter receives arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// `name`: one positional or keyword argument.
    Normal,
    /// `*name`: the remaining positional arguments.
    VarArgs,
    /// `**name`: the remaining keyword arguments.
    KwArgs,
}

/// A class definition (`@I.ir_module class Module:`).
#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    /// Decorator expressions in source order, without the `@`.
    pub decorators: Vec<Expr>,
    /// The class's name.
    pub name: Ident,
    /// Base-class expressions between parentheses (usually empty).
    pub bases: Vec<Expr>,
    /// The body; never empty.
    pub body: Vec<Stmt>,
}

/// One `context as target` of a `with` statement.
#[derive(Clone, Debug, PartialEq)]
pub struct WithItem {
    /// The context expression, e.g. `T.block("C")`.
    pub context: Expr,
    /// The `as` target (a name or a tuple such as `(a, b)` / `a, b`), if any.
    pub target: Option<Expr>,
    /// From the context expression to the end of the target.
    pub span: Span,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression it is.
    pub kind: ExprKind,
    /// Its source range (parentheses around it excluded).
    pub span: Span,
}

/// The expression kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer literal; `None` when the value does not fit in an `i128` (the evaluator reports it
    /// with this node's span). Literals are never negative: `-1` is a unary minus.
    Int(Option<i128>),
    /// A float literal.
    Float(f64),
    /// A string literal (adjacent literals concatenated, escapes decoded).
    Str(String),
    /// `True` or `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `...`.
    Ellipsis,
    /// A name, e.g. `T` or `vi`.
    Name(String),
    /// `value.attr`.
    Attribute(Box<Attribute>),
    /// `func(args, name=value)`.
    Call(Box<Call>),
    /// `value[index]`; `A[i, j]` has a [`ExprKind::Tuple`] index, `A[0:4]` a [`ExprKind::Slice`] index.
    Subscript(Box<Subscript>),
    /// `lower:upper:step` (only inside a subscript).
    Slice(Box<Slice>),
    /// `*value` in a call, tuple, list or subscript.
    Starred(Box<Expr>),
    /// `(a, b)` or `a, b`.
    Tuple(Vec<Expr>),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{key: value, ...}`.
    Dict(Vec<(Expr, Expr)>),
    /// `op operand`.
    UnaryOp {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `left op right`.
    BinOp {
        /// The operator.
        op: BinOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `a and b and c` / `a or b`: at least two values, all joined by the same operator.
    BoolOp {
        /// `and` or `or`.
        op: BoolOp,
        /// The operands in order.
        values: Vec<Expr>,
    },
    /// `left op1 e1 op2 e2 ...`: a chained comparison, at least one `(op, expr)` pair.
    Compare {
        /// The first operand.
        left: Box<Expr>,
        /// Each operator with its right operand, in order.
        ops: Vec<(CmpOp, Expr)>,
    },
    /// `lambda params: body`.
    Lambda(Box<Lambda>),
    /// `body if test else orelse`.
    IfExp(Box<IfExp>),
}

/// `value.attr`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The object.
    pub value: Expr,
    /// The attribute name.
    pub attr: Ident,
}

/// A call.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The called expression.
    pub func: Expr,
    /// Positional arguments in order (a `*xs` argument is an [`ExprKind::Starred`]).
    pub args: Vec<Expr>,
    /// Keyword arguments in order.
    pub keywords: Vec<Keyword>,
}

/// `name=value` in a call, or `**value` when `name` is `None`.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    /// The keyword's name; `None` for `**value`.
    pub name: Option<Ident>,
    /// The argument.
    pub value: Expr,
    /// From the name (or `**`) to the end of the value.
    pub span: Span,
}

/// `value[index]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscript {
    /// The subscripted object.
    pub value: Expr,
    /// The index: a single expression, a slice, or a tuple of them.
    pub index: Expr,
}

/// `lower:upper:step`, each part optional.
#[derive(Clone, Debug, PartialEq)]
pub struct Slice {
    /// Start bound.
    pub lower: Option<Expr>,
    /// End bound.
    pub upper: Option<Expr>,
    /// Step.
    pub step: Option<Expr>,
}

/// `lambda params: body`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// Parameters (without annotations).
    pub params: Vec<Param>,
    /// The body expression.
    pub body: Expr,
}

/// `body if test else orelse`.
#[derive(Clone, Debug, PartialEq)]
pub struct IfExp {
    /// The condition.
    pub test: Expr,
    /// Value when true.
    pub body: Expr,
    /// Value when false.
    pub orelse: Expr,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `+x`.
    Pos,
    /// `~x`.
    Invert,
    /// `not x`.
    Not,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `//`.
    FloorDiv,
    /// `%`.
    Mod,
    /// `**`.
    Pow,
    /// `<<`.
    LShift,
    /// `>>`.
    RShift,
    /// `&`.
    BitAnd,
    /// `|`.
    BitOr,
    /// `^`.
    BitXor,
    /// `@`.
    MatMul,
}

/// Boolean operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoolOp {
    /// `and`.
    And,
    /// `or`.
    Or,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==`.
    Eq,
    /// `!=`.
    NotEq,
    /// `<`.
    Lt,
    /// `<=`.
    LtE,
    /// `>`.
    Gt,
    /// `>=`.
    GtE,
    /// `is`.
    Is,
    /// `is not`.
    IsNot,
    /// `in`.
    In,
    /// `not in`.
    NotIn,
}

impl UnaryOp {
    /// The operator's source text.
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::Invert => "~",
            UnaryOp::Not => "not",
        }
    }
}

impl BinOp {
    /// The operator's source text.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::MatMul => "@",
        }
    }
}

impl BoolOp {
    /// The operator's source text.
    pub fn as_str(self) -> &'static str {
        match self {
            BoolOp::And => "and",
            BoolOp::Or => "or",
        }
    }
}

impl CmpOp {
    /// The operator's source text.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
        }
    }
}

impl Expr {
    /// Builds an expression node.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }
}

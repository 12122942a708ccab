//! Statement docs: [`StmtDoc`], an owned statement with an optional comment and source paths.
//!
//! Where a statement's [`comment`](StmtDoc::comment) is printed depends on its kind, as in TVM:
//! - assign, expression statement, assert, return: on the same line, `x = 1  # comment`
//!   (the comment must be one line; rendering fails otherwise);
//! - if, while, for, with: as `# line` lines before the statement, one per comment line;
//! - function and class: as a `"""` doc string at the top of the body;
//! - block: ignored (TVM's block doc has no comment);
//! - comment and doc-string statements carry their text in their kind, and the `comment` field
//!   is not used for them.
//!
//! Bodies with no statements print `pass`.

use crate::expr::ExprDoc;
use crate::path::SourcePath;

/// A statement doc; see the module docs.
#[derive(Clone, Debug)]
pub struct StmtDoc {
    /// What the statement is.
    pub kind: StmtKind,
    /// A comment attached to the statement (placement depends on the kind).
    pub comment: Option<String>,
    /// Source paths of the whole statement.
    pub source_paths: Vec<SourcePath>,
}

/// What a [`StmtDoc`] is.
#[derive(Clone, Debug)]
pub enum StmtKind {
    /// A sequence of statements printed one per line at the current indentation.
    Block(Vec<StmtDoc>),
    /// `lhs: annotation = rhs`, where the annotation and the right side are optional. A tuple
    /// on the left prints its elements without parentheses (`a, b = ...`; a one-element tuple
    /// prints just `a`), and a tuple of two or more elements on the right prints likewise.
    Assign {
        /// The target.
        lhs: ExprDoc,
        /// The value; `None` is a bare declaration `lhs: annotation`.
        rhs: Option<ExprDoc>,
        /// The type annotation.
        annotation: Option<ExprDoc>,
    },
    /// `if predicate:` with an optional `else:` branch (an empty else branch is omitted).
    If {
        /// The condition.
        predicate: ExprDoc,
        /// Statements when true.
        then_branch: Vec<StmtDoc>,
        /// Statements when false.
        else_branch: Vec<StmtDoc>,
    },
    /// `while predicate:`
    While {
        /// The condition.
        predicate: ExprDoc,
        /// The loop body.
        body: Vec<StmtDoc>,
    },
    /// `for lhs in rhs:`; a tuple target prints without parentheses (`for i, j in ...`, and a
    /// one-element tuple as `for i, in ...`).
    For {
        /// The loop target.
        lhs: ExprDoc,
        /// The iterable.
        rhs: ExprDoc,
        /// The loop body.
        body: Vec<StmtDoc>,
    },
    /// `with rhs as lhs:` or `with rhs:`
    Scope {
        /// The bound name(s), if any.
        lhs: Option<ExprDoc>,
        /// The context expression.
        rhs: ExprDoc,
        /// The body.
        body: Vec<StmtDoc>,
    },
    /// An expression on its own line.
    Expr(ExprDoc),
    /// `assert test` or `assert test, msg`
    Assert {
        /// The asserted condition.
        test: ExprDoc,
        /// The message.
        msg: Option<ExprDoc>,
    },
    /// `return value`
    Return(ExprDoc),
    /// A function definition.
    Function(FunctionDoc),
    /// A class definition.
    Class(ClassDoc),
    /// `# text`, one `#` line per line of text; an empty text prints nothing (a blank line
    /// inside a block).
    Comment(String),
    /// A `"""` doc string; an empty text prints nothing.
    DocString(String),
}

/// One parameter of a [`FunctionDoc`]: `lhs: annotation = default`.
#[derive(Clone, Debug)]
pub struct ArgDoc {
    /// The parameter name.
    pub lhs: ExprDoc,
    /// The type annotation.
    pub annotation: Option<ExprDoc>,
    /// The default value.
    pub default: Option<ExprDoc>,
    /// Source paths of the whole parameter.
    pub source_paths: Vec<SourcePath>,
}

impl ArgDoc {
    /// A parameter with an optional annotation and default.
    pub fn new(lhs: ExprDoc, annotation: Option<ExprDoc>, default: Option<ExprDoc>) -> Self {
        ArgDoc { lhs, annotation, default, source_paths: Vec::new() }
    }

    /// This parameter with one more source path.
    pub fn with_source_path(mut self, path: SourcePath) -> Self {
        self.source_paths.push(path);
        self
    }
}

/// A function definition: decorators (one `@` line each), `def name(args) -> return_type:` and
/// the body, followed by one blank line (TVM ends every function with an unindented newline,
/// which separates consecutive functions).
#[derive(Clone, Debug)]
pub struct FunctionDoc {
    /// The function name (an identifier).
    pub name: ExprDoc,
    /// The parameters.
    pub args: Vec<ArgDoc>,
    /// Decorators, printed in order above the `def`.
    pub decorators: Vec<ExprDoc>,
    /// The return annotation.
    pub return_type: Option<ExprDoc>,
    /// The body.
    pub body: Vec<StmtDoc>,
}

/// A class definition: decorators, `class name:` and the body.
#[derive(Clone, Debug)]
pub struct ClassDoc {
    /// The class name (an identifier).
    pub name: ExprDoc,
    /// Decorators, printed in order above the `class`.
    pub decorators: Vec<ExprDoc>,
    /// The body.
    pub body: Vec<StmtDoc>,
}

impl StmtDoc {
    /// A statement of the given kind, with no comment or source paths.
    pub fn new(kind: StmtKind) -> Self {
        StmtDoc { kind, comment: None, source_paths: Vec::new() }
    }

    /// This statement with `comment` attached.
    pub fn with_comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// This statement with one more source path.
    pub fn with_source_path(mut self, path: SourcePath) -> Self {
        self.source_paths.push(path);
        self
    }

    /// A block of statements.
    pub fn block(stmts: Vec<StmtDoc>) -> Self {
        Self::new(StmtKind::Block(stmts))
    }

    /// `lhs: annotation = rhs` with optional parts.
    pub fn assign(lhs: ExprDoc, rhs: Option<ExprDoc>, annotation: Option<ExprDoc>) -> Self {
        Self::new(StmtKind::Assign { lhs, rhs, annotation })
    }

    /// `if predicate: ... else: ...`
    pub fn if_else(
        predicate: ExprDoc,
        then_branch: Vec<StmtDoc>,
        else_branch: Vec<StmtDoc>,
    ) -> Self {
        Self::new(StmtKind::If { predicate, then_branch, else_branch })
    }

    /// `while predicate: ...`
    pub fn while_loop(predicate: ExprDoc, body: Vec<StmtDoc>) -> Self {
        Self::new(StmtKind::While { predicate, body })
    }

    /// `for lhs in rhs: ...`
    pub fn for_loop(lhs: ExprDoc, rhs: ExprDoc, body: Vec<StmtDoc>) -> Self {
        Self::new(StmtKind::For { lhs, rhs, body })
    }

    /// `with rhs as lhs: ...` or, without `lhs`, `with rhs: ...`
    pub fn scope(lhs: Option<ExprDoc>, rhs: ExprDoc, body: Vec<StmtDoc>) -> Self {
        Self::new(StmtKind::Scope { lhs, rhs, body })
    }

    /// An expression statement.
    pub fn expr(expr: ExprDoc) -> Self {
        Self::new(StmtKind::Expr(expr))
    }

    /// `assert test[, msg]`
    pub fn assert(test: ExprDoc, msg: Option<ExprDoc>) -> Self {
        Self::new(StmtKind::Assert { test, msg })
    }

    /// `return value`
    pub fn return_value(value: ExprDoc) -> Self {
        Self::new(StmtKind::Return(value))
    }

    /// A function definition.
    pub fn function(function: FunctionDoc) -> Self {
        Self::new(StmtKind::Function(function))
    }

    /// A class definition.
    pub fn class(class: ClassDoc) -> Self {
        Self::new(StmtKind::Class(class))
    }

    /// A comment statement (`# text` lines).
    pub fn comment_line(text: impl Into<String>) -> Self {
        Self::new(StmtKind::Comment(text.into()))
    }

    /// A doc-string statement.
    pub fn doc_string(text: impl Into<String>) -> Self {
        Self::new(StmtKind::DocString(text.into()))
    }
}

impl From<FunctionDoc> for StmtDoc {
    fn from(function: FunctionDoc) -> Self {
        StmtDoc::function(function)
    }
}

impl From<ClassDoc> for StmtDoc {
    fn from(class: ClassDoc) -> Self {
        StmtDoc::class(class)
    }
}

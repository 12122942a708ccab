//! Expression docs: [`ExprDoc`], a cheap-to-clone shared handle to an [`ExprKind`].
//!
//! Like TVM's `ExprDoc` object references, an `ExprDoc` is shared: cloning it copies a pointer,
//! and [`ExprDoc::add_source_path`] appends to the one shared node, so the new path is seen
//! through every clone. TVM's docsifier relies on this: a variable's identifier doc is created
//! once and every use appends its own path, so underlining one use underlines them all. The
//! expression structure itself is immutable once built.
//!
//! Builders mirror the Python spelling: `ExprDoc::id("T").attr("grid").call(vec![...])` is
//! `T.grid(...)`, `a.index(vec![i.into(), SliceDoc::new(None, Some(n), None).into()])` is
//! `a[i, :n]`, `a.binary(BinaryOp::Add, b)` is `a + b`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::literal::Literal;
use crate::ops::{BinaryOp, Precedence, UnaryOp};
use crate::path::SourcePath;

/// An expression doc; see the module docs.
#[derive(Clone, Debug)]
pub struct ExprDoc(Arc<ExprNode>);

#[derive(Debug)]
struct ExprNode {
    kind: ExprKind,
    source_paths: Mutex<Vec<SourcePath>>,
}

/// What an [`ExprDoc`] is.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A literal value: `None`, `True`, `1`, `0.5`, `"s"`.
    Literal(Literal),
    /// An identifier, printed verbatim.
    Id(String),
    /// Attribute access `value.name`.
    Attr {
        /// The object whose attribute is read.
        value: ExprDoc,
        /// The attribute name.
        name: String,
    },
    /// Indexing `value[i, j:k]`; no indices print as `value[()]`.
    Index {
        /// The indexed object.
        value: ExprDoc,
        /// The indices, each an expression or a slice.
        indices: Vec<IndexItem>,
    },
    /// A call `callee(args..., key=value...)`.
    Call {
        /// The called expression.
        callee: ExprDoc,
        /// Positional arguments.
        args: Vec<ExprDoc>,
        /// Keyword arguments in order.
        kwargs: Vec<(String, ExprDoc)>,
    },
    /// A prefix operation `-x`, `~x`, `not x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: ExprDoc,
    },
    /// An infix operation `lhs op rhs`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The left operand.
        lhs: ExprDoc,
        /// The right operand.
        rhs: ExprDoc,
    },
    /// The conditional expression `then_value if condition else else_value`.
    IfThenElse {
        /// The condition.
        condition: ExprDoc,
        /// The value when the condition holds.
        then_value: ExprDoc,
        /// The value otherwise.
        else_value: ExprDoc,
    },
    /// `lambda args: body`; the arguments should be identifiers.
    Lambda {
        /// The parameters.
        args: Vec<ExprDoc>,
        /// The body.
        body: ExprDoc,
    },
    /// A tuple `(a, b)`; one element prints as `(a,)`, none as `()`.
    Tuple(Vec<ExprDoc>),
    /// A list `[a, b]`.
    List(Vec<ExprDoc>),
    /// A dict `{k: v, ...}` in the given order.
    Dict(Vec<(ExprDoc, ExprDoc)>),
}

/// One index of an [`ExprKind::Index`]: an expression or a slice.
#[derive(Clone, Debug)]
pub enum IndexItem {
    /// A single position `a[i]`.
    Expr(ExprDoc),
    /// A slice `a[i:j]`.
    Slice(SliceDoc),
}

impl From<ExprDoc> for IndexItem {
    fn from(expr: ExprDoc) -> Self {
        IndexItem::Expr(expr)
    }
}

impl From<SliceDoc> for IndexItem {
    fn from(slice: SliceDoc) -> Self {
        IndexItem::Slice(slice)
    }
}

/// A slice `start:stop:step`; absent parts print empty (`:n`, `a:`, `::2`), and the second
/// colon appears only with a step.
#[derive(Clone, Debug, Default)]
pub struct SliceDoc {
    /// The first position, if given.
    pub start: Option<ExprDoc>,
    /// The end position (exclusive), if given.
    pub stop: Option<ExprDoc>,
    /// The step, if given.
    pub step: Option<ExprDoc>,
    /// Source paths of the slice itself.
    pub source_paths: Vec<SourcePath>,
}

impl SliceDoc {
    /// A slice with the given parts.
    pub fn new(start: Option<ExprDoc>, stop: Option<ExprDoc>, step: Option<ExprDoc>) -> Self {
        SliceDoc { start, stop, step, source_paths: Vec::new() }
    }

    /// This slice with one more source path.
    pub fn with_source_path(mut self, path: SourcePath) -> Self {
        self.source_paths.push(path);
        self
    }
}

impl ExprDoc {
    /// A doc of the given kind, with no source paths.
    pub fn new(kind: ExprKind) -> Self {
        ExprDoc(Arc::new(ExprNode { kind, source_paths: Mutex::new(Vec::new()) }))
    }

    /// What this doc is.
    pub fn kind(&self) -> &ExprKind {
        &self.0.kind
    }

    /// Whether two handles share one node (TVM's object identity).
    pub fn same_node(&self, other: &ExprDoc) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    fn paths(&self) -> MutexGuard<'_, Vec<SourcePath>> {
        // A poisoned lock still holds a valid vector (pushes cannot leave it half-updated).
        self.0.source_paths.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends a source path to the shared node (visible through every clone).
    pub fn add_source_path(&self, path: SourcePath) {
        self.paths().push(path);
    }

    /// [`add_source_path`](Self::add_source_path), returning the doc for chaining.
    pub fn with_source_path(self, path: SourcePath) -> Self {
        self.add_source_path(path);
        self
    }

    /// A copy of the source paths attached so far.
    pub fn source_paths(&self) -> Vec<SourcePath> {
        self.paths().clone()
    }

    /// Calls `visit` with the attached source paths, without copying them.
    pub(crate) fn for_each_source_path(&self, mut visit: impl FnMut(&SourcePath)) {
        for path in self.paths().iter() {
            visit(path);
        }
    }

    /// The literal `None`.
    pub fn none() -> Self {
        Self::new(ExprKind::Literal(Literal::None))
    }

    /// The literal `True` or `False`.
    pub fn bool(value: bool) -> Self {
        Self::new(ExprKind::Literal(Literal::Bool(value)))
    }

    /// An integer literal.
    pub fn int(value: i64) -> Self {
        Self::new(ExprKind::Literal(Literal::Int(value)))
    }

    /// A float literal (see [`crate::literal`] for its text).
    pub fn float(value: f64) -> Self {
        Self::new(ExprKind::Literal(Literal::Float(value)))
    }

    /// A string literal, quoted and escaped when printed.
    pub fn str(value: impl Into<String>) -> Self {
        Self::new(ExprKind::Literal(Literal::Str(value.into())))
    }

    /// An identifier.
    pub fn id(name: impl Into<String>) -> Self {
        Self::new(ExprKind::Id(name.into()))
    }

    /// `self.name`
    pub fn attr(&self, name: impl Into<String>) -> Self {
        Self::new(ExprKind::Attr { value: self.clone(), name: name.into() })
    }

    /// `self[indices]`
    pub fn index(&self, indices: Vec<IndexItem>) -> Self {
        Self::new(ExprKind::Index { value: self.clone(), indices })
    }

    /// `self[i, j, ...]` with expression indices only.
    pub fn index_exprs(&self, indices: Vec<ExprDoc>) -> Self {
        self.index(indices.into_iter().map(IndexItem::Expr).collect())
    }

    /// `self(args)`
    pub fn call(&self, args: Vec<ExprDoc>) -> Self {
        Self::new(ExprKind::Call { callee: self.clone(), args, kwargs: Vec::new() })
    }

    /// `self(args, key=value, ...)`; keys may be `&str` or `String`.
    pub fn call_kw<K: Into<String>>(&self, args: Vec<ExprDoc>, kwargs: Vec<(K, ExprDoc)>) -> Self {
        Self::new(ExprKind::Call {
            callee: self.clone(),
            args,
            kwargs: kwargs.into_iter().map(|(key, value)| (key.into(), value)).collect(),
        })
    }

    /// The identifier's name, if this doc is an identifier.
    pub fn as_id(&self) -> Option<&str> {
        match self.kind() {
            ExprKind::Id(name) => Some(name),
            _ => None,
        }
    }

    /// A prefix operation.
    pub fn unary(op: UnaryOp, operand: ExprDoc) -> Self {
        Self::new(ExprKind::Unary { op, operand })
    }

    /// An infix operation `lhs op rhs`.
    pub fn binary(op: BinaryOp, lhs: ExprDoc, rhs: ExprDoc) -> Self {
        Self::new(ExprKind::Binary { op, lhs, rhs })
    }

    /// `self op rhs` (method form of [`binary`](Self::binary)).
    pub fn op(&self, op: BinaryOp, rhs: ExprDoc) -> Self {
        Self::binary(op, self.clone(), rhs)
    }

    /// `self + rhs`
    pub fn add(&self, rhs: ExprDoc) -> Self {
        self.op(BinaryOp::Add, rhs)
    }

    /// `self - rhs`
    pub fn sub(&self, rhs: ExprDoc) -> Self {
        self.op(BinaryOp::Sub, rhs)
    }

    /// `self * rhs`
    pub fn mul(&self, rhs: ExprDoc) -> Self {
        self.op(BinaryOp::Mul, rhs)
    }

    /// `-self`
    pub fn neg(&self) -> Self {
        Self::unary(UnaryOp::Neg, self.clone())
    }

    /// `not self`
    pub fn not(&self) -> Self {
        Self::unary(UnaryOp::Not, self.clone())
    }

    /// `then_value if condition else else_value`
    pub fn if_then_else(condition: ExprDoc, then_value: ExprDoc, else_value: ExprDoc) -> Self {
        Self::new(ExprKind::IfThenElse { condition, then_value, else_value })
    }

    /// `lambda args: body`
    pub fn lambda(args: Vec<ExprDoc>, body: ExprDoc) -> Self {
        Self::new(ExprKind::Lambda { args, body })
    }

    /// A tuple.
    pub fn tuple(elements: Vec<ExprDoc>) -> Self {
        Self::new(ExprKind::Tuple(elements))
    }

    /// A list.
    pub fn list(elements: Vec<ExprDoc>) -> Self {
        Self::new(ExprKind::List(elements))
    }

    /// A dict with entries in the given order.
    pub fn dict(entries: Vec<(ExprDoc, ExprDoc)>) -> Self {
        Self::new(ExprKind::Dict(entries))
    }

    /// How tightly this expression binds (decides parentheses around it).
    pub fn precedence(&self) -> Precedence {
        match self.kind() {
            ExprKind::Unary { op, .. } => op.precedence(),
            ExprKind::Binary { op, .. } => op.precedence(),
            ExprKind::IfThenElse { .. } => Precedence::IfThenElse,
            ExprKind::Lambda { .. } => Precedence::Lambda,
            ExprKind::Literal(_)
            | ExprKind::Id(_)
            | ExprKind::Attr { .. }
            | ExprKind::Index { .. }
            | ExprKind::Call { .. }
            | ExprKind::Tuple(_)
            | ExprKind::List(_)
            | ExprKind::Dict(_) => Precedence::Atom,
        }
    }
}

//! Structural comparison of expressions, field by field.
//!
//! Each node compares its kind first (a different node kind is reported at the node's own path),
//! then its dtype, then its fields in TVM's declaration order, each under the field's TVM name.
//! Var uses go through `EqContext::use_var`, buffers through `EqContext::buffer`; see
//! `structural_eq.rs` for the pairing rules. The kind names here are shared with the hasher.

use super::eq_context::{EqContext, EqResult};
use super::eq_leaves::float_eq;
use crate::ir::{
    BinaryOp, Buffer, Callee, CmpOp, CommReducer, Expr, ForKind, PrimExpr, PrimFunc, StmtNode,
};

/// The `buffer_map` entries whose key is not a parameter of `func`, with their key names.
pub(crate) fn stray_buffers(func: &PrimFunc) -> Vec<(&str, &Buffer)> {
    func.buffer_map
        .iter()
        .filter(|(p, _)| !func.params.contains(p))
        .map(|(p, b)| (p.name(), b))
        .collect()
}

/// TVM's node name for an expression.
pub(crate) fn expr_kind(expr: &Expr) -> &'static str {
    match expr {
        Expr::IntImm(_) => "IntImm",
        Expr::FloatImm(_) => "FloatImm",
        Expr::StringImm(_) => "StringImm",
        Expr::Var(v) if v.is_size_var() => "SizeVar",
        Expr::Var(_) => "Var",
        Expr::Binary { op, .. } => binary_name(*op),
        Expr::Cmp { op, .. } => cmp_name(*op),
        Expr::And(..) => "And",
        Expr::Or(..) => "Or",
        Expr::Not(_) => "Not",
        Expr::Select { .. } => "Select",
        Expr::Cast(_) => "Cast",
        Expr::BufferLoad { .. } => "BufferLoad",
        Expr::Ramp { .. } => "Ramp",
        Expr::Broadcast { .. } => "Broadcast",
        Expr::Shuffle { .. } => "Shuffle",
        Expr::Let { .. } => "Let",
        Expr::Call { .. } => "Call",
        Expr::Reduce { .. } => "Reduce",
    }
}

fn binary_name(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "Add",
        BinaryOp::Sub => "Sub",
        BinaryOp::Mul => "Mul",
        BinaryOp::Div => "Div",
        BinaryOp::Mod => "Mod",
        BinaryOp::FloorDiv => "FloorDiv",
        BinaryOp::FloorMod => "FloorMod",
        BinaryOp::Min => "Min",
        BinaryOp::Max => "Max",
    }
}

fn cmp_name(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "EQ",
        CmpOp::Ne => "NE",
        CmpOp::Lt => "LT",
        CmpOp::Le => "LE",
        CmpOp::Gt => "GT",
        CmpOp::Ge => "GE",
    }
}

/// TVM's node name for a statement.
pub(crate) fn stmt_kind(stmt: &StmtNode) -> &'static str {
    match stmt {
        StmtNode::BufferStore { .. } => "BufferStore",
        StmtNode::Evaluate(_) => "Evaluate",
        StmtNode::SeqStmt(_) => "SeqStmt",
        StmtNode::For(_) => "For",
        StmtNode::While { .. } => "While",
        StmtNode::IfThenElse { .. } => "IfThenElse",
        StmtNode::LetStmt { .. } => "LetStmt",
        StmtNode::AttrStmt { .. } => "AttrStmt",
        StmtNode::AssertStmt { .. } => "AssertStmt",
        StmtNode::Allocate { .. } => "Allocate",
        StmtNode::AllocateConst { .. } => "AllocateConst",
        StmtNode::DeclBuffer { .. } => "DeclBuffer",
        StmtNode::BufferRealize { .. } => "BufferRealize",
        StmtNode::Block(_) => "Block",
        StmtNode::BlockRealize(_) => "BlockRealize",
    }
}

/// A short description of an expression for a mismatch report.
pub(crate) fn describe_expr(e: &PrimExpr) -> String {
    match e.expr() {
        Expr::Var(v) => format!("var `{}`", v.name()),
        Expr::IntImm(v) => format!("{v} ({})", e.dtype()),
        Expr::FloatImm(v) => format!("{v:?} ({})", e.dtype()),
        Expr::StringImm(s) => format!("{s:?}"),
        other => expr_kind(other).to_string(),
    }
}

/// TVM's printed name of a loop kind.
pub(crate) fn for_kind_name(kind: ForKind) -> &'static str {
    match kind {
        ForKind::Serial => "serial",
        ForKind::Parallel => "parallel",
        ForKind::Vectorized => "vectorized",
        ForKind::Unrolled => "unrolled",
        ForKind::ThreadBinding => "thread_binding",
    }
}

fn describe_callee(callee: &Callee) -> String {
    match callee {
        Callee::Op(op) => format!("op `{}`", op.name()),
        Callee::Global(g) => format!("function `{}`", g.name()),
    }
}

impl EqContext {
    pub(crate) fn expr(&mut self, a: &PrimExpr, b: &PrimExpr) -> EqResult {
        if expr_kind(a.expr()) != expr_kind(b.expr()) {
            return Err(self.fail(describe_expr(a), describe_expr(b)));
        }
        if let (Expr::Var(x), Expr::Var(y)) = (a.expr(), b.expr()) {
            return self.use_var(x, y);
        }
        self.leaf("dtype", &a.dtype(), &b.dtype(), |d| d.to_string())?;
        let exprs = |cx: &mut EqContext, x: &PrimExpr, y: &PrimExpr| cx.expr(x, y);
        match (a.expr(), b.expr()) {
            (Expr::IntImm(x), Expr::IntImm(y)) => self.leaf("value", x, y, |v| v.to_string()),
            (Expr::FloatImm(x), Expr::FloatImm(y)) if float_eq(*x, *y) => Ok(()),
            (Expr::FloatImm(x), Expr::FloatImm(y)) => {
                self.field("value", |cx| Err(cx.fail(format!("{x:?}"), format!("{y:?}"))))
            }
            (Expr::StringImm(x), Expr::StringImm(y)) => {
                self.leaf("value", x, y, |s| format!("{s:?}"))
            }
            (Expr::Binary { a: a1, b: b1, .. }, Expr::Binary { a: a2, b: b2, .. })
            | (Expr::Cmp { a: a1, b: b1, .. }, Expr::Cmp { a: a2, b: b2, .. })
            | (Expr::And(a1, b1), Expr::And(a2, b2))
            | (Expr::Or(a1, b1), Expr::Or(a2, b2)) => {
                self.field("a", |cx| cx.expr(a1, a2))?;
                self.field("b", |cx| cx.expr(b1, b2))
            }
            (Expr::Not(x), Expr::Not(y)) => self.field("a", |cx| cx.expr(x, y)),
            (
                Expr::Select { condition: c1, true_value: t1, false_value: f1 },
                Expr::Select { condition: c2, true_value: t2, false_value: f2 },
            ) => {
                self.field("condition", |cx| cx.expr(c1, c2))?;
                self.field("true_value", |cx| cx.expr(t1, t2))?;
                self.field("false_value", |cx| cx.expr(f1, f2))
            }
            (Expr::Cast(x), Expr::Cast(y)) => self.field("value", |cx| cx.expr(x, y)),
            (
                Expr::BufferLoad { buffer: b1, indices: i1, predicate: p1 },
                Expr::BufferLoad { buffer: b2, indices: i2, predicate: p2 },
            ) => {
                self.field("buffer", |cx| cx.buffer(b1, b2))?;
                self.array("indices", i1, i2, exprs)?;
                self.option("predicate", p1.as_ref(), p2.as_ref(), describe_expr, exprs)
            }
            (
                Expr::Ramp { base: b1, stride: s1, lanes: l1 },
                Expr::Ramp { base: b2, stride: s2, lanes: l2 },
            ) => {
                self.field("base", |cx| cx.expr(b1, b2))?;
                self.field("stride", |cx| cx.expr(s1, s2))?;
                self.field("lanes", |cx| cx.expr(l1, l2))
            }
            (
                Expr::Broadcast { value: v1, lanes: l1 },
                Expr::Broadcast { value: v2, lanes: l2 },
            ) => {
                self.field("value", |cx| cx.expr(v1, v2))?;
                self.field("lanes", |cx| cx.expr(l1, l2))
            }
            (
                Expr::Shuffle { vectors: v1, indices: i1 },
                Expr::Shuffle { vectors: v2, indices: i2 },
            ) => {
                self.array("vectors", v1, v2, exprs)?;
                self.array("indices", i1, i2, exprs)
            }
            (
                Expr::Let { var: x1, value: v1, body: b1 },
                Expr::Let { var: x2, value: v2, body: b2 },
            ) => {
                self.field("var", |cx| cx.define_var(x1, x2))?;
                self.field("value", |cx| cx.expr(v1, v2))?;
                self.field("body", |cx| cx.expr(b1, b2))
            }
            (Expr::Call { op: o1, args: a1 }, Expr::Call { op: o2, args: a2 }) => {
                let same_callee = match (o1, o2) {
                    (Callee::Op(x), Callee::Op(y)) => x == y,
                    (Callee::Global(x), Callee::Global(y)) => x.name() == y.name(),
                    _ => false,
                };
                if !same_callee {
                    return self
                        .field("op", |cx| Err(cx.fail(describe_callee(o1), describe_callee(o2))));
                }
                self.array("args", a1, a2, exprs)
            }
            (
                Expr::Reduce {
                    combiner: c1,
                    source: s1,
                    init: i1,
                    axis: x1,
                    condition: d1,
                    value_index: v1,
                },
                Expr::Reduce {
                    combiner: c2,
                    source: s2,
                    init: i2,
                    axis: x2,
                    condition: d2,
                    value_index: v2,
                },
            ) => {
                self.field("combiner", |cx| cx.comm_reducer(c1, c2))?;
                self.array("source", s1, s2, exprs)?;
                self.array("init", i1, i2, exprs)?;
                self.array("axis", x1, x2, |cx, p, q| cx.iter_var(p, q))?;
                self.field("condition", |cx| cx.expr(d1, d2))?;
                self.leaf("value_index", v1, v2, |v| v.to_string())
            }
            _ => Err(self.fail(describe_expr(a), describe_expr(b))),
        }
    }

    pub(crate) fn comm_reducer(&mut self, a: &CommReducer, b: &CommReducer) -> EqResult {
        self.array("lhs", &a.lhs, &b.lhs, |cx, x, y| cx.define_var(x, y))?;
        self.array("rhs", &a.rhs, &b.rhs, |cx, x, y| cx.define_var(x, y))?;
        self.array("result", &a.result, &b.result, |cx, x, y| cx.expr(x, y))?;
        self.array("identity_element", &a.identity_element, &b.identity_element, |cx, x, y| {
            cx.expr(x, y)
        })
    }
}

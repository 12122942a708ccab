//! Structural comparison of expressions, statements, functions and modules (field by field).
//!
//! Each node compares its kind first (a different node kind is reported at the node's own path),
//! then its dtype (for expressions), then its fields in TVM's declaration order, each under the
//! field's TVM name. Definitions go through `EqContext::define_var` / `buffer`, uses through
//! `use_var` / `buffer`; see `structural_eq.rs` for the pairing rules.

use super::path::{MapKey, PathStep};
use super::structural_eq::{EqContext, EqResult, describe_type, float_eq};
use crate::ir::{
    BinaryOp, Block, Buffer, Callee, CmpOp, CommReducer, Expr, ForKind, IRModule, PrimExpr, PrimFunc,
    Stmt, StmtNode,
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
            (Expr::StringImm(x), Expr::StringImm(y)) => self.leaf("value", x, y, |s| format!("{s:?}")),
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
            (Expr::Broadcast { value: v1, lanes: l1 }, Expr::Broadcast { value: v2, lanes: l2 }) => {
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
                    return self.field("op", |cx| Err(cx.fail(describe_callee(o1), describe_callee(o2))));
                }
                self.array("args", a1, a2, exprs)
            }
            (
                Expr::Reduce { combiner: c1, source: s1, init: i1, axis: x1, condition: d1, value_index: v1 },
                Expr::Reduce { combiner: c2, source: s2, init: i2, axis: x2, condition: d2, value_index: v2 },
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

    fn comm_reducer(&mut self, a: &CommReducer, b: &CommReducer) -> EqResult {
        self.array("lhs", &a.lhs, &b.lhs, |cx, x, y| cx.define_var(x, y))?;
        self.array("rhs", &a.rhs, &b.rhs, |cx, x, y| cx.define_var(x, y))?;
        self.array("result", &a.result, &b.result, |cx, x, y| cx.expr(x, y))?;
        self.array("identity_element", &a.identity_element, &b.identity_element, |cx, x, y| {
            cx.expr(x, y)
        })
    }

    pub(crate) fn stmt(&mut self, a: &Stmt, b: &Stmt) -> EqResult {
        let (ka, kb) = (stmt_kind(a.node()), stmt_kind(b.node()));
        if ka != kb {
            return Err(self.fail(ka, kb));
        }
        let exprs = |cx: &mut EqContext, x: &PrimExpr, y: &PrimExpr| cx.expr(x, y);
        let stmts = |cx: &mut EqContext, x: &Stmt, y: &Stmt| cx.stmt(x, y);
        match (a.node(), b.node()) {
            (
                StmtNode::BufferStore { buffer: b1, value: v1, indices: i1, predicate: p1 },
                StmtNode::BufferStore { buffer: b2, value: v2, indices: i2, predicate: p2 },
            ) => {
                self.field("buffer", |cx| cx.buffer(b1, b2))?;
                self.field("value", |cx| cx.expr(v1, v2))?;
                self.array("indices", i1, i2, exprs)?;
                self.option("predicate", p1.as_ref(), p2.as_ref(), describe_expr, exprs)
            }
            (StmtNode::Evaluate(x), StmtNode::Evaluate(y)) => self.field("value", |cx| cx.expr(x, y)),
            (StmtNode::SeqStmt(x), StmtNode::SeqStmt(y)) => self.array("seq", x, y, stmts),
            (StmtNode::For(f1), StmtNode::For(f2)) => {
                self.field("loop_var", |cx| cx.define_var(&f1.loop_var, &f2.loop_var))?;
                self.field("min", |cx| cx.expr(&f1.min, &f2.min))?;
                self.field("extent", |cx| cx.expr(&f1.extent, &f2.extent))?;
                self.leaf("kind", &f1.kind, &f2.kind, |k| for_kind_name(*k).to_string())?;
                self.field("body", |cx| cx.stmt(&f1.body, &f2.body))?;
                let (t1, t2) = (f1.thread_binding.as_ref(), f2.thread_binding.as_ref());
                self.option("thread_binding", t1, t2, |t| t.thread_tag.clone(), |cx, x, y| {
                    cx.iter_var(x, y)
                })?;
                self.annotations("annotations", &f1.annotations, &f2.annotations)?;
                self.option("step", f1.step.as_ref(), f2.step.as_ref(), describe_expr, exprs)
            }
            (
                StmtNode::While { condition: c1, body: b1 },
                StmtNode::While { condition: c2, body: b2 },
            ) => {
                self.field("condition", |cx| cx.expr(c1, c2))?;
                self.field("body", |cx| cx.stmt(b1, b2))
            }
            (
                StmtNode::IfThenElse { condition: c1, then_case: t1, else_case: e1 },
                StmtNode::IfThenElse { condition: c2, then_case: t2, else_case: e2 },
            ) => {
                self.field("condition", |cx| cx.expr(c1, c2))?;
                self.field("then_case", |cx| cx.stmt(t1, t2))?;
                let describe = |s: &Stmt| stmt_kind(s.node()).to_string();
                self.option("else_case", e1.as_ref(), e2.as_ref(), describe, stmts)
            }
            (
                StmtNode::LetStmt { var: x1, value: v1, body: b1 },
                StmtNode::LetStmt { var: x2, value: v2, body: b2 },
            ) => {
                self.field("var", |cx| cx.define_var(x1, x2))?;
                self.field("value", |cx| cx.expr(v1, v2))?;
                self.field("body", |cx| cx.stmt(b1, b2))
            }
            (
                StmtNode::AttrStmt { node: n1, attr_key: k1, value: v1, body: b1 },
                StmtNode::AttrStmt { node: n2, attr_key: k2, value: v2, body: b2 },
            ) => {
                self.field("node", |cx| cx.attr_value(n1, n2))?;
                self.leaf("attr_key", k1, k2, |k| format!("{k:?}"))?;
                self.field("value", |cx| cx.expr(v1, v2))?;
                self.field("body", |cx| cx.stmt(b1, b2))
            }
            (
                StmtNode::AssertStmt { condition: c1, message: m1, body: b1 },
                StmtNode::AssertStmt { condition: c2, message: m2, body: b2 },
            ) => {
                self.field("condition", |cx| cx.expr(c1, c2))?;
                self.field("message", |cx| cx.expr(m1, m2))?;
                self.field("body", |cx| cx.stmt(b1, b2))
            }
            (
                StmtNode::Allocate { buffer_var: x1, dtype: d1, extents: e1, condition: c1, body: b1, annotations: a1 },
                StmtNode::Allocate { buffer_var: x2, dtype: d2, extents: e2, condition: c2, body: b2, annotations: a2 },
            ) => {
                self.field("buffer_var", |cx| cx.define_var(x1, x2))?;
                self.leaf("dtype", d1, d2, |d| d.to_string())?;
                self.array("extents", e1, e2, exprs)?;
                self.field("condition", |cx| cx.expr(c1, c2))?;
                self.field("body", |cx| cx.stmt(b1, b2))?;
                self.annotations("annotations", a1, a2)
            }
            (
                StmtNode::AllocateConst { buffer_var: x1, data: v1, irmod_storage_idx: s1, dtype: d1, extents: e1, body: b1, annotations: a1 },
                StmtNode::AllocateConst { buffer_var: x2, data: v2, irmod_storage_idx: s2, dtype: d2, extents: e2, body: b2, annotations: a2 },
            ) => {
                self.field("buffer_var", |cx| cx.define_var(x1, x2))?;
                self.leaf("dtype", d1, d2, |d| d.to_string())?;
                self.array("extents", e1, e2, exprs)?;
                self.leaf("data", v1, v2, |d| format!("{d:?}"))?;
                self.leaf("irmod_storage_idx", s1, s2, |s| format!("{s:?}"))?;
                self.field("body", |cx| cx.stmt(b1, b2))?;
                self.annotations("annotations", a1, a2)
            }
            (
                StmtNode::DeclBuffer { buffer: x1, body: b1 },
                StmtNode::DeclBuffer { buffer: x2, body: b2 },
            ) => {
                self.field("buffer", |cx| cx.buffer(x1, x2))?;
                self.field("body", |cx| cx.stmt(b1, b2))
            }
            (
                StmtNode::BufferRealize { buffer: x1, bounds: r1, condition: c1, body: b1 },
                StmtNode::BufferRealize { buffer: x2, bounds: r2, condition: c2, body: b2 },
            ) => {
                self.field("buffer", |cx| cx.buffer(x1, x2))?;
                self.array("bounds", r1, r2, |cx, p, q| cx.range(p, q))?;
                self.field("condition", |cx| cx.expr(c1, c2))?;
                self.field("body", |cx| cx.stmt(b1, b2))
            }
            (StmtNode::Block(x), StmtNode::Block(y)) => self.block(x, y),
            (StmtNode::BlockRealize(x), StmtNode::BlockRealize(y)) => {
                self.array("iter_values", &x.iter_values, &y.iter_values, exprs)?;
                self.field("predicate", |cx| cx.expr(&x.predicate, &y.predicate))?;
                self.field("block", |cx| cx.block(&x.block, &y.block))
            }
            _ => Err(self.fail(ka, kb)),
        }
    }

    fn block(&mut self, a: &Block, b: &Block) -> EqResult {
        self.array("iter_vars", &a.iter_vars, &b.iter_vars, |cx, x, y| cx.iter_var(x, y))?;
        self.array("reads", &a.reads, &b.reads, |cx, x, y| cx.buffer_region(x, y))?;
        self.array("writes", &a.writes, &b.writes, |cx, x, y| cx.buffer_region(x, y))?;
        self.leaf("name_hint", &a.name_hint, &b.name_hint, |n| format!("{n:?}"))?;
        self.array("alloc_buffers", &a.alloc_buffers, &b.alloc_buffers, |cx, x, y| cx.buffer(x, y))?;
        self.array("match_buffers", &a.match_buffers, &b.match_buffers, |cx, x, y| {
            cx.field("buffer", |cx| cx.buffer(&x.buffer, &y.buffer))?;
            cx.field("source", |cx| cx.buffer_region(&x.source, &y.source))
        })?;
        self.annotations("annotations", &a.annotations, &b.annotations)?;
        let describe = |s: &Stmt| stmt_kind(s.node()).to_string();
        self.option("init", a.init.as_ref(), b.init.as_ref(), describe, |cx, x, y| cx.stmt(x, y))?;
        self.field("body", |cx| cx.stmt(&a.body, &b.body))
    }

    pub(crate) fn func(&mut self, a: &PrimFunc, b: &PrimFunc) -> EqResult {
        self.array("params", &a.params, &b.params, |cx, x, y| cx.define_var(x, y))?;
        self.leaf("ret_type", &a.ret_type, &b.ret_type, describe_type)?;
        // Params are paired by position, so the buffer bound to `a.params[i]` meets the one bound
        // to `b.params[i]`; entries keyed by non-parameters (ill-formed) are compared in order.
        self.field("buffer_map", |cx| {
            for (p, q) in a.params.iter().zip(&b.params) {
                let key = MapKey::Name(p.name().to_string());
                match (a.buffer_of(p), b.buffer_of(q)) {
                    (Some(x), Some(y)) => cx.at(PathStep::Key(key), |cx| cx.buffer(x, y))?,
                    (None, None) => {}
                    (x, y) => {
                        let what = format!("buffer `{}`", x.or(y).map_or("", |b| b.name()));
                        return Err(cx.missing_entry(key, x.is_some(), what));
                    }
                }
            }
            let (extra_a, extra_b) = (stray_buffers(a), stray_buffers(b));
            for (x, y) in extra_a.iter().zip(&extra_b) {
                cx.at(PathStep::Key(MapKey::Name(x.0.to_string())), |cx| cx.buffer(x.1, y.1))?;
            }
            if extra_a.len() != extra_b.len() {
                let longer = if extra_a.len() > extra_b.len() { &extra_a } else { &extra_b };
                let (name, buffer) = longer[extra_a.len().min(extra_b.len())];
                let what = format!("buffer `{}`", buffer.name());
                return Err(cx.missing_entry(MapKey::Name(name.into()), extra_a.len() > extra_b.len(), what));
            }
            Ok(())
        })?;
        self.field("body", |cx| cx.stmt(&a.body, &b.body))?;
        self.annotations("attrs", &a.attrs, &b.attrs)
    }

    pub(crate) fn module(&mut self, a: &IRModule, b: &IRModule) -> EqResult {
        let mut names: Vec<&str> = a.functions().map(|(g, _)| g.name()).collect();
        names.extend(b.functions().map(|(g, _)| g.name()));
        names.sort_unstable();
        names.dedup();
        self.field("functions", |cx| {
            for name in names {
                let key = MapKey::Str(name.to_string());
                match (a.lookup(name), b.lookup(name)) {
                    (Some((_, f)), Some((_, g))) => cx.at(PathStep::Key(key), |cx| cx.func(f, g))?,
                    (x, _) => {
                        let what = format!("function `{name}`");
                        return Err(cx.missing_entry(key, x.is_some(), what));
                    }
                }
            }
            Ok(())
        })?;
        self.annotations("attrs", &a.attrs, &b.attrs)
    }
}

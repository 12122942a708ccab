//! Expressions and buffer indices (TVM's `tir/expr.cc` and `tir/ir.cc` printing rules).
//!
//! Literal forms: an `int32` immediate prints bare (`5`), any other integer as `T.int64(5)`, a
//! bool as `T.bool(True)`, every float with its dtype (`T.float32(0.0)`). An arithmetic or
//! comparison node prints as an operator (`a + b`) exactly when TVM's operator function would
//! rebuild the same node from its operands (no constant folding, no identity such as `x * 1`);
//! otherwise as a call (`T.Add(1, 2)`). Integer `Div` prints `T.Div`, `Mod` `T.truncmod`.

use tirscript_printer::{BinaryOp as DocOp, ExprDoc, IndexItem, SliceDoc, UnaryOp};

use super::docsifier::Docsifier;
use super::ops::{DtypeLocation, dtype_location, printer_name};
use super::path::P;
use crate::arith::ops as arith;
use crate::ir::{BinaryOp, Callee, CmpOp, DataType, Expr, PrimExpr, Var};

/// TVM's spelling of a dtype (`DType2Str`).
pub(crate) fn dtype_str(dtype: DataType) -> String {
    dtype.to_string()
}

/// Whether a node `op(a, b)` prints as an infix operator: TVM's operator function returns a
/// node with the same operands exactly when no constant folding applies.
fn keeps_operands(e: &PrimExpr, a: &PrimExpr, b: &PrimExpr) -> bool {
    let is_const = |x: &PrimExpr| matches!(x.expr(), Expr::IntImm(_) | Expr::FloatImm(_));
    if !is_const(a) && !is_const(b) {
        return true;
    }
    let rebuilt = match e.expr() {
        Expr::Binary { op, .. } => arith::binary(*op, a.clone(), b.clone()),
        Expr::Cmp { op, .. } => arith::compare(*op, a.clone(), b.clone()),
        Expr::And(..) => arith::logical_and(a.clone(), b.clone()),
        Expr::Or(..) => arith::logical_or(a.clone(), b.clone()),
        _ => return false,
    };
    let Ok(rebuilt) = rebuilt else { return false };
    match (e.expr(), rebuilt.expr()) {
        (Expr::Binary { op: o1, .. }, Expr::Binary { op: o2, a: x, b: y }) => {
            o1 == o2 && x.ptr_eq(a) && y.ptr_eq(b)
        }
        (Expr::Cmp { op: o1, .. }, Expr::Cmp { op: o2, a: x, b: y }) => {
            o1 == o2 && x.ptr_eq(a) && y.ptr_eq(b)
        }
        (Expr::And(..), Expr::And(x, y)) | (Expr::Or(..), Expr::Or(x, y)) => {
            x.ptr_eq(a) && y.ptr_eq(b)
        }
        _ => false,
    }
}

fn cmp_parts(op: CmpOp) -> (DocOp, &'static str) {
    match op {
        CmpOp::Eq => (DocOp::Eq, "EQ"),
        CmpOp::Ne => (DocOp::NotEq, "NE"),
        CmpOp::Lt => (DocOp::Lt, "LT"),
        CmpOp::Le => (DocOp::LtE, "LE"),
        CmpOp::Gt => (DocOp::Gt, "GT"),
        CmpOp::Ge => (DocOp::GtE, "GE"),
    }
}

impl Docsifier<'_> {
    /// The doc of an expression, tagged with its path.
    pub(crate) fn expr(&mut self, e: &PrimExpr, p: &P) -> ExprDoc {
        let doc = self.expr_untagged(e, p);
        p.tag(doc)
    }

    fn expr_untagged(&mut self, e: &PrimExpr, p: &P) -> ExprDoc {
        let dtype = e.dtype();
        match e.expr() {
            Expr::IntImm(v) => {
                if dtype == DataType::int32() {
                    ExprDoc::int(*v)
                } else if dtype == DataType::bool() {
                    self.t("bool").call(vec![p.attr("value").tag(ExprDoc::bool(*v != 0))])
                } else {
                    self.t_dtype(dtype).call(vec![p.attr("value").tag(ExprDoc::int(*v))])
                }
            }
            Expr::FloatImm(v) => {
                self.t_dtype(dtype).call(vec![p.attr("value").tag(ExprDoc::float(*v))])
            }
            Expr::StringImm(s) => {
                if s.contains('\n') {
                    self.add_metadata("tir.StringImm", s)
                } else {
                    p.attr("value").tag(ExprDoc::str(s.as_str()))
                }
            }
            Expr::Var(v) => self.var_use(v, p),
            Expr::Binary { op, a, b } => {
                let da = self.expr(a, &p.attr("a"));
                let db = self.expr(b, &p.attr("b"));
                let sugar = keeps_operands(e, a, b);
                let (doc_op, name) = match op {
                    BinaryOp::Add => (Some(DocOp::Add), "Add"),
                    BinaryOp::Sub => (Some(DocOp::Sub), "Sub"),
                    BinaryOp::Mul => (Some(DocOp::Mul), "Mul"),
                    BinaryOp::FloorDiv => (Some(DocOp::FloorDiv), "FloorDiv"),
                    BinaryOp::FloorMod => (Some(DocOp::Mod), "FloorMod"),
                    BinaryOp::Div => {
                        let int = |x: &PrimExpr| x.dtype().is_int() || x.dtype().is_uint();
                        let infix = sugar && !(int(a) && int(b));
                        (infix.then_some(DocOp::Div), "Div")
                    }
                    BinaryOp::Mod => (None, "truncmod"),
                    BinaryOp::Min => (None, "min"),
                    BinaryOp::Max => (None, "max"),
                };
                let always_call = matches!(op, BinaryOp::Mod | BinaryOp::Min | BinaryOp::Max);
                match doc_op {
                    Some(o) if sugar && !always_call => ExprDoc::binary(o, da, db),
                    _ => self.t(name).call(vec![da, db]),
                }
            }
            Expr::Cmp { op, a, b } => {
                let da = self.expr(a, &p.attr("a"));
                let db = self.expr(b, &p.attr("b"));
                let (doc_op, name) = cmp_parts(*op);
                if keeps_operands(e, a, b) {
                    ExprDoc::binary(doc_op, da, db)
                } else {
                    self.t(name).call(vec![da, db])
                }
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let da = self.expr(a, &p.attr("a"));
                let db = self.expr(b, &p.attr("b"));
                let (doc_op, name) = if matches!(e.expr(), Expr::And(..)) {
                    (DocOp::And, "And")
                } else {
                    (DocOp::Or, "Or")
                };
                if keeps_operands(e, a, b) {
                    ExprDoc::binary(doc_op, da, db)
                } else {
                    self.t(name).call(vec![da, db])
                }
            }
            Expr::Not(a) => {
                let da = self.expr(a, &p.attr("a"));
                if matches!(da.kind(), tirscript_printer::ExprKind::Literal(_)) {
                    self.t("Not").call(vec![da])
                } else {
                    ExprDoc::unary(UnaryOp::Not, da)
                }
            }
            Expr::Select { condition, true_value, false_value } => {
                let c = self.expr(condition, &p.attr("condition"));
                let t = self.expr(true_value, &p.attr("true_value"));
                let f = self.expr(false_value, &p.attr("false_value"));
                self.t("Select").call(vec![c, t, f])
            }
            Expr::Cast(value) => {
                let d = p.attr("dtype").tag(ExprDoc::str(dtype_str(dtype)));
                let v = self.expr(value, &p.attr("value"));
                self.t("Cast").call(vec![d, v])
            }
            Expr::BufferLoad { buffer, indices, predicate } => {
                let b = self.buffer_ref(buffer, &p.attr("buffer"));
                match predicate {
                    Some(pred) => {
                        let idx = ExprDoc::list(self.exprs(indices, &p.attr("indices")));
                        let pd = self.expr(pred, &p.attr("predicate"));
                        b.attr("vload").call_kw(vec![idx], vec![("predicate", pd)])
                    }
                    None => {
                        let items = self.buffer_indices(indices, p);
                        b.index(items)
                    }
                }
            }
            Expr::Ramp { base, stride, lanes } => {
                let b = self.expr(base, &p.attr("base"));
                let s = self.expr(stride, &p.attr("stride"));
                let l = self.expr(lanes, &p.attr("lanes"));
                self.t("Ramp").call(vec![b, s, l])
            }
            Expr::Broadcast { value, lanes } => {
                let v = self.expr(value, &p.attr("value"));
                let l = self.expr(lanes, &p.attr("lanes"));
                self.t("Broadcast").call(vec![v, l])
            }
            Expr::Shuffle { vectors, indices } => {
                let v = ExprDoc::list(self.exprs(vectors, &p.attr("vectors")));
                let i = ExprDoc::list(self.exprs(indices, &p.attr("indices")));
                self.t("Shuffle").call(vec![v, i])
            }
            Expr::Let { var, value, body } => {
                let v = self.var_use(var, &p.attr("var"));
                let val = self.expr(value, &p.attr("value"));
                let where_ = ExprDoc::dict(vec![(v, val)]);
                let b = self.expr(body, &p.attr("body"));
                self.t("Let").call_kw(vec![b], vec![("where", where_)])
            }
            Expr::Call { op, args } => self.call(e, op, args, p),
            Expr::Reduce { combiner, source, init, axis, condition, value_index } => {
                let c = self.comm_reducer(combiner, &p.attr("combiner"));
                let s = ExprDoc::list(self.exprs(source, &p.attr("source")));
                let i = ExprDoc::list(self.exprs(init, &p.attr("init")));
                let ap = p.attr("axis");
                let a =
                    axis.iter().enumerate().map(|(k, iv)| self.iter_var(iv, &ap.idx(k))).collect();
                let cond = self.expr(condition, &p.attr("condition"));
                let vi = p.attr("value_index").tag(ExprDoc::int(*value_index as i64));
                self.t("reduce").call_kw(
                    vec![c],
                    vec![
                        ("source", s),
                        ("init", i),
                        ("axis", ExprDoc::list(a)),
                        ("condition", cond),
                        ("value_index", vi),
                    ],
                )
            }
        }
    }

    fn call(&mut self, e: &PrimExpr, op: &Callee, args: &[PrimExpr], p: &P) -> ExprDoc {
        let (prefix, location) = match op {
            Callee::Op(op) => (self.t(printer_name(*op)), dtype_location(*op)),
            Callee::Global(gv) => {
                let doc = match self.var_doc(gv.id()) {
                    Some(doc) => doc,
                    None => ExprDoc::id(gv.name()),
                };
                (p.attr("op").tag(doc), DtypeLocation::None)
            }
        };
        let mut docs = Vec::with_capacity(args.len() + 1);
        let dtype_doc = || p.attr("dtype").tag(ExprDoc::str(dtype_str(e.dtype())));
        if location == DtypeLocation::First {
            docs.push(dtype_doc());
        }
        docs.extend(self.exprs(args, &p.attr("args")));
        if location == DtypeLocation::Last {
            docs.push(dtype_doc());
        }
        prefix.call(docs)
    }

    /// A variable use; a variable not yet defined is declared (`v = T.int32()`) in the frame
    /// enclosing all its uses (TVM's `PrintVar`).
    pub(crate) fn var_use(&mut self, v: &Var, p: &P) -> ExprDoc {
        if !self.is_defined(v.id()) {
            let frame = self.lowest_def_frame(v.id());
            let lhs = self.define_var(v, frame);
            let rhs = self.var_creation(v, p);
            self.emit(frame, tirscript_printer::StmtDoc::assign(lhs, Some(rhs), None));
        }
        match self.var_doc(v.id()) {
            Some(doc) => p.tag(doc),
            None => ExprDoc::id(v.name()),
        }
    }

    /// Defines `v` in frame `frame` under its name hint (`v` when empty).
    pub(crate) fn define_var(&mut self, v: &Var, frame: usize) -> ExprDoc {
        if let Some(doc) = self.var_doc(v.id()) {
            return doc;
        }
        let hint = if v.name().is_empty() { "v" } else { v.name() };
        self.define(v.id(), frame, hint)
    }

    /// Buffer indices, a constant-stride `Ramp` printed as a slice `A[b:b + n * s:s]`.
    pub(crate) fn buffer_indices(&mut self, indices: &[PrimExpr], p: &P) -> Vec<IndexItem> {
        let ip = p.attr("indices");
        let mut items = Vec::with_capacity(indices.len());
        for (i, index) in indices.iter().enumerate() {
            let item_p = ip.idx(i);
            if let Expr::Ramp { base, stride, lanes } = index.expr()
                && let Some(step) = stride.as_int()
                && let Ok(stop) = arith::mul(lanes.clone(), stride.clone())
                    .and_then(|span| arith::add(base.clone(), span))
            {
                let start = self.expr(base, &item_p.attr("base"));
                let stop = self.expr(&stop, &item_p.attr("lanes"));
                let step = (step != 1).then(|| self.expr(stride, &item_p.attr("stride")));
                items.push(IndexItem::Slice(SliceDoc::new(Some(start), Some(stop), step)));
                continue;
            }
            items.push(IndexItem::Expr(self.expr(index, &item_p)));
        }
        items
    }
}

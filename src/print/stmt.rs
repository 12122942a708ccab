//! Statements (TVM's `tir/stmt.cc` and `AsDocBody`): evaluate, stores, `let`, `assert`,
//! `while`, `if`, allocations, buffer declarations, `T.attr`/`T.launch_thread`, `T.realize`.
//!
//! Concise scoping: a scoping statement (`LetStmt`, `AssertStmt`, `DeclBuffer`, `Allocate`,
//! `AllocateConst`, `BufferRealize`, `AttrStmt`) that is the last statement of its body prints
//! as a plain statement followed by its body at the same indentation (`x: T.int32 = 5`,
//! `assert c, "msg"`, `A = T.decl_buffer(...)`); elsewhere it prints as a `with` block.

use tirscript_printer::{ExprDoc, StmtDoc};

use super::buffer::VarDefinition;
use super::docsifier::Docsifier;
use super::expr::dtype_str;
use super::path::P;
use super::prefix::stmt_id;
use crate::ir::{AttrValue, ConstData, Expr, PrimExpr, Stmt, StmtNode, Type};

/// What printing a statement gives: one statement, or several spliced into the enclosing body.
pub(crate) enum SDoc {
    One(StmtDoc),
    Many(Vec<StmtDoc>),
}

impl SDoc {
    pub(crate) fn into_vec(self) -> Vec<StmtDoc> {
        match self {
            SDoc::One(s) => vec![s],
            SDoc::Many(v) => v,
        }
    }
}

/// Whether `e` is the constant 1 (TVM's `is_one`).
pub(crate) fn is_one(e: &PrimExpr) -> bool {
    e.as_int() == Some(1)
}

impl Docsifier<'_> {
    /// Prints a body into the innermost frame, splicing sequences (TVM's `AsDocBody`).
    pub(crate) fn as_doc_body(&mut self, body: &Stmt, p: &P) {
        match body.node() {
            StmtNode::SeqStmt(seq) => {
                let sp = p.attr("seq");
                let n = seq.len();
                for (i, s) in seq.iter().enumerate() {
                    let top = self.top();
                    self.frames[top].allow_concise = i + 1 == n;
                    let docs = self.stmt(s, &sp.idx(i));
                    for d in docs.into_vec() {
                        self.emit_top(p.tag_stmt(d));
                    }
                }
            }
            _ => {
                let top = self.top();
                self.frames[top].allow_concise = true;
                let docs = self.stmt(body, p);
                for d in docs.into_vec() {
                    self.emit_top(d);
                }
            }
        }
    }

    fn allow_concise(&self) -> bool {
        self.frames.last().is_some_and(|f| f.allow_concise)
    }

    /// Opens a frame owned by `s`, prints `body` into it and returns its statements.
    fn scoped_body(&mut self, s: &Stmt, body: &Stmt, p: &P) -> Vec<StmtDoc> {
        self.push_frame(Some(stmt_id(s)));
        self.as_doc_body(body, p);
        self.pop_frame()
    }

    /// The doc(s) of a statement.
    pub(crate) fn stmt(&mut self, s: &Stmt, p: &P) -> SDoc {
        match self.stmt_untagged(s, p) {
            SDoc::One(d) => SDoc::One(p.tag_stmt(d)),
            many => many,
        }
    }

    fn stmt_untagged(&mut self, s: &Stmt, p: &P) -> SDoc {
        match s.node() {
            StmtNode::Evaluate(value) => SDoc::One(self.evaluate(value, p)),
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let b = self.buffer_ref(buffer, &p.attr("buffer"));
                let v = self.expr(value, &p.attr("value"));
                SDoc::One(match predicate {
                    Some(pred) => {
                        let idx = ExprDoc::list(self.exprs(indices, &p.attr("indices")));
                        let pd = self.expr(pred, &p.attr("predicate"));
                        StmtDoc::expr(
                            b.attr("vstore").call_kw(vec![idx, v], vec![("predicate", pd)]),
                        )
                    }
                    None => {
                        let items = self.buffer_indices(indices, p);
                        StmtDoc::assign(b.index(items), Some(v), None)
                    }
                })
            }
            StmtNode::SeqStmt(_) => {
                self.push_frame(Some(stmt_id(s)));
                self.as_doc_body(s, p);
                SDoc::Many(self.pop_frame())
            }
            StmtNode::For(_) => self.for_loop(s, p),
            StmtNode::While { condition, body } => {
                let c = self.expr(condition, &p.attr("condition"));
                let b = self.scoped_body(s, body, &p.attr("body"));
                SDoc::One(StmtDoc::while_loop(c, b))
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                let c = self.expr(condition, &p.attr("condition"));
                let t = self.scoped_body(then_case, then_case, &p.attr("then_case"));
                let e = match else_case {
                    Some(e) => self.scoped_body(e, e, &p.attr("else_case")),
                    None => Vec::new(),
                };
                SDoc::One(StmtDoc::if_else(c, t, e))
            }
            StmtNode::LetStmt { var, value, body } => {
                let concise = self.allow_concise();
                let ty_p = p.attr("var").attr("type_annotation");
                let ty = match var.type_annotation() {
                    Type::Tuple(f) if f.is_empty() => None,
                    t => Some(self.type_doc(t, &ty_p)),
                };
                let rhs = self.expr(value, &p.attr("value"));
                self.push_frame(Some(stmt_id(s)));
                let var_defined = self.is_defined(var.id());
                if !var_defined {
                    let top = self.top();
                    self.define_var(var, top);
                }
                let lhs = self.var_use(var, &p.attr("var"));
                self.as_doc_body(body, &p.attr("body"));
                let mut stmts = self.pop_frame();
                if var_defined {
                    let call = self.t("LetStmt").call_kw(vec![rhs], vec![("var", lhs)]);
                    SDoc::One(StmtDoc::scope(None, call, stmts))
                } else if concise {
                    stmts.insert(0, StmtDoc::assign(lhs, Some(rhs), ty));
                    SDoc::Many(stmts)
                } else {
                    let mut args = vec![rhs];
                    if let Some(t) = ty
                        && !matches!(var.type_annotation(), Type::Prim(_))
                    {
                        args.push(t);
                    }
                    let call = self.t("LetStmt").call(args);
                    SDoc::One(StmtDoc::scope(Some(lhs), call, stmts))
                }
            }
            StmtNode::AssertStmt { condition, message, body } => {
                let concise = self.allow_concise();
                let c = self.expr(condition, &p.attr("condition"));
                let m = self.expr(message, &p.attr("message"));
                let mut stmts = self.scoped_body(s, body, &p.attr("body"));
                if concise {
                    stmts.insert(0, StmtDoc::assert(c, Some(m)));
                    SDoc::Many(stmts)
                } else {
                    let call = self.t("Assert").call(vec![c, m]);
                    SDoc::One(StmtDoc::scope(None, call, stmts))
                }
            }
            StmtNode::DeclBuffer { .. } => self.decl_buffer(s, p, VarDefinition::None),
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations } => {
                let concise = self.allow_concise();
                if self.sugar()
                    && let StmtNode::DeclBuffer { buffer, .. } = body.node()
                    && buffer.data() == buffer_var
                    && buffer.dtype() == *dtype
                    && is_one(condition)
                    && annotations.is_empty()
                    && extents.len() == buffer.shape().len()
                    && extents
                        .iter()
                        .zip(buffer.shape())
                        .all(|(a, b)| crate::arith::simplify::same_expr(a, b))
                {
                    return self.decl_buffer(body, &p.attr("body"), VarDefinition::DataPointer);
                }
                let mut args = vec![
                    p.attr("extents").tag(ExprDoc::list(self.exprs(extents, &p.attr("extents")))),
                    p.attr("dtype").tag(ExprDoc::str(dtype_str(*dtype))),
                    p.attr("buffer_var")
                        .attr("type_annotation")
                        .attr("storage_scope")
                        .tag(ExprDoc::str(buffer_var.storage_scope())),
                ];
                if !is_one(condition) {
                    args.push(self.expr(condition, &p.attr("condition")));
                }
                let mut kwargs = Vec::new();
                if !annotations.is_empty() {
                    let ap = p.attr("annotations");
                    kwargs.push((
                        "annotations",
                        self.attr_value(&AttrValue::Map(annotations.clone()), &ap),
                    ));
                }
                let top = self.top();
                let lhs = self.define_var(buffer_var, top);
                self.push_frame(Some(stmt_id(s)));
                let rhs = self.t("allocate").call_kw(args, kwargs);
                self.as_doc_body(body, &p.attr("body"));
                let stmts = self.pop_frame();
                SDoc::concise(Some(lhs), rhs, stmts, concise)
            }
            StmtNode::AllocateConst { buffer_var, data, dtype, extents, body, .. } => {
                let concise = self.allow_concise();
                let values: Vec<ExprDoc> = match data {
                    Some(ConstData::Int(v)) => {
                        v.iter().take(201).map(|x| ExprDoc::int(*x)).collect()
                    }
                    Some(ConstData::Float(v)) => {
                        v.iter().take(201).map(|x| ExprDoc::float(*x)).collect()
                    }
                    None => Vec::new(),
                };
                let args = vec![
                    ExprDoc::list(values),
                    p.attr("dtype").tag(ExprDoc::str(dtype_str(*dtype))),
                    p.attr("extents").tag(ExprDoc::list(self.exprs(extents, &p.attr("extents")))),
                ];
                let rhs = self.t("allocate_const").call(args);
                self.push_frame(Some(stmt_id(s)));
                let top = self.top();
                let lhs = self.define_var(buffer_var, top);
                self.as_doc_body(body, &p.attr("body"));
                let stmts = self.pop_frame();
                SDoc::concise(Some(lhs), rhs, stmts, concise)
            }
            StmtNode::BufferRealize { body, .. } => {
                let concise = self.allow_concise();
                let rhs = self.realize_doc(s, None, p);
                let stmts = self.scoped_body(s, body, &p.attr("body"));
                SDoc::concise(None, rhs, stmts, concise)
            }
            StmtNode::AttrStmt { .. } => self.attr_stmt(s, p),
            StmtNode::Block(_) | StmtNode::BlockRealize(_) => SDoc::One(self.block_stmt(s, p)),
        }
    }

    /// `return v` for `T.ret(v)`, a bare call, or `T.evaluate(v)`.
    fn evaluate(&mut self, value: &PrimExpr, p: &P) -> StmtDoc {
        if self.sugar()
            && let Expr::Call { op: crate::ir::Callee::Op(op), args } = value.expr()
            && op.name() == "ret"
            && args.len() == 1
        {
            let v = self.expr(&args[0], &p.attr("value").attr("args").idx(0));
            return StmtDoc::return_value(v);
        }
        let v = self.expr(value, &p.attr("value"));
        if matches!(value.expr(), Expr::Call { .. }) {
            StmtDoc::expr(v)
        } else {
            StmtDoc::expr(self.t("evaluate").call(vec![v]))
        }
    }

    /// `T.decl_buffer(...)`, concise (`A = ...`) or as `with ... as A:`.
    fn decl_buffer(&mut self, s: &Stmt, p: &P, defs: VarDefinition) -> SDoc {
        let StmtNode::DeclBuffer { buffer, body } = s.node() else {
            return SDoc::Many(Vec::new());
        };
        let concise = self.allow_concise();
        let top = self.top();
        let rhs = self.buffer_decl(buffer, "decl_buffer", vec![], &p.attr("buffer"), top, defs);
        self.push_frame(Some(stmt_id(s)));
        let top = self.top();
        let lhs = self.define_buffer(buffer, top);
        self.as_doc_body(body, &p.attr("body"));
        let stmts = self.pop_frame();
        SDoc::concise(Some(lhs), rhs, stmts, concise)
    }

    /// `T.realize(A[0:n, 0:m], "scope", condition=c)` for a `BufferRealize`.
    fn realize_doc(&mut self, s: &Stmt, value: Option<ExprDoc>, p: &P) -> ExprDoc {
        let StmtNode::BufferRealize { buffer, bounds, condition, .. } = s.node() else {
            return ExprDoc::none();
        };
        let b = self.buffer_ref(buffer, &p.attr("buffer"));
        let items = self.buffer_slices(bounds, &p.attr("bounds"));
        let mut args = vec![b.index(items)];
        args.extend(value);
        let mut kwargs = Vec::new();
        if !is_one(condition) {
            kwargs.push(("condition", self.expr(condition, &p.attr("condition"))));
        }
        self.t("realize").call_kw(args, kwargs)
    }

    /// `T.attr(node, key, value)`, `T.launch_thread(...)` or `T.realize(...)` for an `AttrStmt`.
    fn attr_stmt(&mut self, s: &Stmt, p: &P) -> SDoc {
        let StmtNode::AttrStmt { node, attr_key, value, body } = s.node() else {
            return SDoc::Many(Vec::new());
        };
        let concise = self.allow_concise();
        let mut rhs = None;
        let mut define = None;
        let mut body = body;
        let mut body_p = p.attr("body");
        if attr_key == "realize_scope"
            && let StmtNode::BufferRealize { buffer, body: inner, .. } = body.node()
            && let AttrValue::Buffer(b) = node
            && b == buffer
        {
            let v = self.expr(value, &p.attr("value"));
            rhs = Some(self.realize_doc(body, Some(v), &p.attr("body")));
            body = inner;
            body_p = p.attr("body").attr("body");
        }
        if (attr_key == "thread_extent" || attr_key == "virtual_thread")
            && let AttrValue::IterVar(iv) = node
        {
            let ivp = p.attr("node");
            let var_doc = if self.is_defined(iv.var.id()) {
                self.var_use(&iv.var, &ivp.attr("var"))
            } else if self.encloses_all_uses(stmt_id(s), iv.var.id()) {
                define = Some(iv.var.clone());
                ivp.attr("thread_tag").tag(ExprDoc::str(iv.thread_tag.as_str()))
            } else {
                let frame = self.lowest_def_frame(iv.var.id());
                let lhs = self.define_var(&iv.var, frame);
                let tag = ivp.attr("thread_tag").tag(ExprDoc::str(iv.thread_tag.as_str()));
                let call = self.t("env_thread").call(vec![tag]);
                self.emit(frame, StmtDoc::assign(lhs, Some(call), None));
                self.var_use(&iv.var, &ivp.attr("var"))
            };
            let v = self.expr(value, &p.attr("value"));
            rhs = Some(self.t("launch_thread").call(vec![var_doc, v]));
        }
        let rhs = match rhs {
            Some(r) => r,
            None => {
                let n = self.attr_value(node, &p.attr("node"));
                let k = p.attr("attr_key").tag(ExprDoc::str(attr_key.as_str()));
                let v = self.expr(value, &p.attr("value"));
                self.t("attr").call(vec![n, k, v])
            }
        };
        self.push_frame(Some(stmt_id(s)));
        let lhs = define.map(|v| {
            let top = self.top();
            self.define_var(&v, top)
        });
        self.as_doc_body(body, &body_p);
        let stmts = self.pop_frame();
        SDoc::concise(lhs, rhs, stmts, concise)
    }
}

impl SDoc {
    /// TVM's `DoConciseScoping`: `lhs = rhs` (or `rhs`) then the body, or `with rhs as lhs:`.
    fn concise(lhs: Option<ExprDoc>, rhs: ExprDoc, mut stmts: Vec<StmtDoc>, concise: bool) -> SDoc {
        if concise {
            let head = match lhs {
                Some(l) => StmtDoc::assign(l, Some(rhs), None),
                None => StmtDoc::expr(rhs),
            };
            stmts.insert(0, head);
            SDoc::Many(stmts)
        } else {
            SDoc::One(StmtDoc::scope(lhs, rhs, stmts))
        }
    }
}

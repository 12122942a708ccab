//! Structural comparison of statements, blocks, functions and modules, field by field.
//!
//! Statements compare their kind first, then their fields in TVM's declaration order. Function
//! params are paired by position, so `buffer_map` entries meet by parameter; module functions meet
//! by name and attribute maps compare unordered.

use super::eq_context::{EqContext, EqResult};
use super::eq_leaves::ConstDataEq;
use super::path::{MapKey, PathStep};
use super::structural_eq_expr::{describe_expr, for_kind_name, stmt_kind, stray_buffers};
use crate::ir::{Block, GlobalInfo, GlobalInfos, IRModule, PrimExpr, PrimFunc, Stmt, StmtNode};

impl EqContext {
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
            (StmtNode::Evaluate(x), StmtNode::Evaluate(y)) => {
                self.field("value", |cx| cx.expr(x, y))
            }
            (StmtNode::SeqStmt(x), StmtNode::SeqStmt(y)) => self.array("seq", x, y, stmts),
            (StmtNode::For(f1), StmtNode::For(f2)) => {
                self.field("loop_var", |cx| cx.define_var(&f1.loop_var, &f2.loop_var))?;
                self.field("min", |cx| cx.expr(&f1.min, &f2.min))?;
                self.field("extent", |cx| cx.expr(&f1.extent, &f2.extent))?;
                self.leaf("kind", &f1.kind, &f2.kind, |k| for_kind_name(*k).to_string())?;
                self.field("body", |cx| cx.stmt(&f1.body, &f2.body))?;
                let (t1, t2) = (f1.thread_binding.as_ref(), f2.thread_binding.as_ref());
                self.option(
                    "thread_binding",
                    t1,
                    t2,
                    |t| t.thread_tag.clone(),
                    |cx, x, y| cx.iter_var(x, y),
                )?;
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
                StmtNode::Allocate {
                    buffer_var: x1,
                    dtype: d1,
                    extents: e1,
                    condition: c1,
                    body: b1,
                    annotations: a1,
                },
                StmtNode::Allocate {
                    buffer_var: x2,
                    dtype: d2,
                    extents: e2,
                    condition: c2,
                    body: b2,
                    annotations: a2,
                },
            ) => {
                self.field("buffer_var", |cx| cx.define_var(x1, x2))?;
                self.leaf("dtype", d1, d2, |d| d.to_string())?;
                self.array("extents", e1, e2, exprs)?;
                self.field("condition", |cx| cx.expr(c1, c2))?;
                self.field("body", |cx| cx.stmt(b1, b2))?;
                self.annotations("annotations", a1, a2)
            }
            (
                StmtNode::AllocateConst {
                    buffer_var: x1,
                    data: v1,
                    irmod_storage_idx: s1,
                    dtype: d1,
                    extents: e1,
                    body: b1,
                    annotations: a1,
                },
                StmtNode::AllocateConst {
                    buffer_var: x2,
                    data: v2,
                    irmod_storage_idx: s2,
                    dtype: d2,
                    extents: e2,
                    body: b2,
                    annotations: a2,
                },
            ) => {
                self.field("buffer_var", |cx| cx.define_var(x1, x2))?;
                self.leaf("dtype", d1, d2, |d| d.to_string())?;
                self.array("extents", e1, e2, exprs)?;
                self.leaf("data", &ConstDataEq(v1.as_ref()), &ConstDataEq(v2.as_ref()), |d| {
                    format!("{:?}", d.0)
                })?;
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
        self.array("alloc_buffers", &a.alloc_buffers, &b.alloc_buffers, |cx, x, y| {
            cx.buffer(x, y)
        })?;
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
        self.field("ret_type", |cx| cx.ty(&a.ret_type, &b.ret_type))?;
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
                return Err(cx.missing_entry(
                    MapKey::Name(name.into()),
                    extra_a.len() > extra_b.len(),
                    what,
                ));
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
                    (Some((_, f)), Some((_, g))) => {
                        cx.at(PathStep::Key(key), |cx| cx.func(f, g))?
                    }
                    (x, _) => {
                        let what = format!("function `{name}`");
                        return Err(cx.missing_entry(key, x.is_some(), what));
                    }
                }
            }
            Ok(())
        })?;
        self.annotations("attrs", &a.attrs, &b.attrs)?;
        self.global_infos(&a.global_infos, &b.global_infos)
    }

    /// Compares module global infos by name (order-insensitive, as TVM's map), then element-wise.
    fn global_infos(&mut self, a: &GlobalInfos, b: &GlobalInfos) -> EqResult {
        let mut names: Vec<&str> = a.iter().chain(b).map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let find = |infos: &'_ GlobalInfos, name: &str| {
            infos.iter().find(|(n, _)| n == name).map(|(_, list)| list.len())
        };
        self.field("global_infos", |cx| {
            for name in names {
                let key = MapKey::Str(name.to_string());
                let (Some(x), Some(y)) = (
                    a.iter().find(|(n, _)| n == name).map(|(_, l)| l),
                    b.iter().find(|(n, _)| n == name).map(|(_, l)| l),
                ) else {
                    let in_lhs = find(a, name).is_some();
                    return Err(cx.missing_entry(key, in_lhs, format!("global infos `{name}`")));
                };
                cx.at(PathStep::Key(key), |cx| {
                    for (index, (p, q)) in x.iter().zip(y).enumerate() {
                        cx.at(PathStep::Index(index), |cx| cx.global_info(p, q))?;
                    }
                    if x.len() == y.len() {
                        Ok(())
                    } else {
                        Err(cx.fail(format!("{} infos", x.len()), format!("{} infos", y.len())))
                    }
                })?;
            }
            Ok(())
        })
    }

    fn global_info(&mut self, a: &GlobalInfo, b: &GlobalInfo) -> EqResult {
        match (a, b) {
            (GlobalInfo::Dummy, GlobalInfo::Dummy) => Ok(()),
            (
                GlobalInfo::VDevice { target: t, vdevice_id: i, memory_scope: s },
                GlobalInfo::VDevice { target: u, vdevice_id: j, memory_scope: r },
            ) => {
                self.annotations("target", t, u)?;
                if i != j {
                    return self
                        .field("vdevice_id", |cx| Err(cx.fail(i.to_string(), j.to_string())));
                }
                if s != r {
                    return self.field("memory_scope", |cx| {
                        Err(cx.fail(format!("{s:?}"), format!("{r:?}")))
                    });
                }
                Ok(())
            }
            _ => {
                let kind = |g: &GlobalInfo| match g {
                    GlobalInfo::Dummy => "dummy_global_info",
                    GlobalInfo::VDevice { .. } => "vdevice",
                };
                Err(self.fail(kind(a), kind(b)))
            }
        }
    }
}

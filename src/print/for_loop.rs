//! Loops (TVM's `tir/for_loop.cc`): `T.grid` for perfectly nested serial loops, `range` for a
//! plain serial loop, `T.serial`/`T.parallel`/`T.unroll`/`T.vectorized`/`T.thread_binding`
//! otherwise.
//!
//! A loop joins a `T.grid` when it is serial, starts at 0, has no annotations and a unit step,
//! and its extent uses none of the grid's earlier loop variables; a grid needs two loops or more.

use std::collections::HashSet;

use tirscript_printer::{ExprDoc, StmtDoc};

use super::docsifier::Docsifier;
use super::path::P;
use super::prefix::stmt_id;
use super::stmt::{SDoc, is_one};
use crate::ir::{AttrValue, For, ForKind, PrimExpr, Stmt, StmtNode};

/// Whether `e` uses any variable in `vars`.
fn uses_any(e: &PrimExpr, vars: &HashSet<u64>) -> bool {
    let mut found = false;
    crate::ir::visit::walk_expr(e, &mut |x| {
        if let Some(v) = x.as_var() {
            found |= vars.contains(&v.id());
        }
    });
    found
}

fn trivial_step(f: &For) -> bool {
    f.step.as_ref().is_none_or(is_one)
}

impl Docsifier<'_> {
    pub(crate) fn for_loop(&mut self, s: &Stmt, p: &P) -> SDoc {
        let StmtNode::For(outer) = s.node() else {
            return SDoc::Many(Vec::new());
        };
        // Step 1: the loops of a `T.grid`.
        let mut grid: Vec<&For> = Vec::new();
        if self.sugar() {
            let mut vars = HashSet::new();
            let mut cursor = Some(outer);
            while let Some(l) = cursor {
                if l.kind != ForKind::Serial
                    || l.min.as_int() != Some(0)
                    || !l.annotations.is_empty()
                    || !trivial_step(l)
                    || uses_any(&l.extent, &vars)
                {
                    break;
                }
                grid.push(l);
                vars.insert(l.loop_var.id());
                cursor = match l.body.node() {
                    StmtNode::For(inner) => Some(inner),
                    _ => None,
                };
            }
        }
        self.push_frame(Some(stmt_id(s)));
        let top = self.top();
        self.frames[top].loop_stmt = Some(s.clone());
        // Step 2: `for i, j in T.grid(n, m):`.
        if grid.len() > 1 {
            let mut lhs = Vec::with_capacity(grid.len());
            let mut extents = Vec::with_capacity(grid.len());
            let mut lp = p.clone();
            for l in &grid {
                lhs.push(self.define_var(&l.loop_var, top));
                extents.push(self.expr(&l.extent, &lp.attr("extent")));
                lp = lp.attr("body");
            }
            let innermost = grid[grid.len() - 1];
            self.as_doc_body(&innermost.body, &lp);
            let body = self.pop_frame();
            let rhs = self.t("grid").call(extents);
            return SDoc::One(StmtDoc::for_loop(ExprDoc::tuple(lhs), rhs, body));
        }
        // Step 3: one loop.
        let l = outer;
        let lhs = self.define_var(&l.loop_var, top);
        let mut args = Vec::new();
        if l.min.as_int() == Some(0) && trivial_step(l) {
            args.push(self.expr(&l.extent, &p.attr("extent")));
        } else {
            args.push(self.expr(&l.min, &p.attr("min")));
            let end = self.end_of(&l.min, &l.extent, &p.attr("extent"));
            args.push(end);
        }
        let annotations = (!l.annotations.is_empty()).then(|| {
            self.attr_value(&AttrValue::Map(l.annotations.clone()), &p.attr("annotations"))
        });
        let mut kwargs: Vec<(&str, ExprDoc)> = Vec::new();
        let mut range_sugar = false;
        let prefix = match l.kind {
            ForKind::Serial if l.annotations.is_empty() => {
                range_sugar = true;
                ExprDoc::id("range")
            }
            ForKind::Serial => self.t("serial"),
            ForKind::Parallel => self.t("parallel"),
            ForKind::Unrolled => self.t("unroll"),
            ForKind::Vectorized => self.t("vectorized"),
            ForKind::ThreadBinding => {
                let tag = l.thread_binding.as_ref().map_or("", |iv| iv.thread_tag.as_str());
                kwargs.push(("thread", p.attr("thread_binding").tag(ExprDoc::str(tag))));
                self.t("thread_binding")
            }
        };
        if let Some(a) = annotations {
            kwargs.push(("annotations", a));
        }
        if !trivial_step(l)
            && let Some(step) = &l.step
        {
            let step = self.expr(step, &p.attr("step"));
            if range_sugar {
                args.push(step);
            } else {
                kwargs.push(("step", step));
            }
        }
        let rhs = prefix.call_kw(args, kwargs);
        self.as_doc_body(&l.body, &p.attr("body"));
        let body = self.pop_frame();
        SDoc::One(StmtDoc::for_loop(lhs, rhs, body))
    }
}

//! Blocks (TVM's `tir/block.cc`): `with T.block("name"):` and its signature lines, in order:
//! iteration variables (`T.axis.spatial/reduce/scan/opaque`, or `T.axis.remap` for consecutive
//! data-parallel/reduction variables bound to enclosing loop variables over the same domain),
//! `T.where`, `T.reads`, `T.writes` (always printed), `T.block_attr`, `T.alloc_buffer`,
//! `T.match_buffer`, `with T.init():`, then the body.

use std::sync::Arc;

use tirscript_printer::{ExprDoc, StmtDoc};

use super::buffer::VarDefinition;
use super::docsifier::Docsifier;
use super::path::P;
use super::prefix::{block_id, stmt_id};
use super::stmt::is_one;
use crate::arith::simplify::same_expr;
use crate::ir::Stmt;
use crate::ir::{AttrValue, Block, BlockRealize, For, IterVarType, StmtNode};

impl Docsifier<'_> {
    /// A `Block` or `BlockRealize` statement.
    pub(crate) fn block_stmt(&mut self, s: &Stmt, p: &P) -> StmtDoc {
        match s.node() {
            StmtNode::BlockRealize(r) => self.block(&r.block, &p.attr("block"), Some((r, p))),
            StmtNode::Block(b) => self.block(b, p, None),
            _ => StmtDoc::block(Vec::new()),
        }
    }

    /// The enclosing loop whose variable is `var_id`: a loop owning an open frame, or a loop
    /// fused into such a loop's `T.grid` (TVM collects the same set).
    fn enclosing_loop(&self, var_id: u64) -> Option<&For> {
        self.frames.iter().find_map(|f| {
            let mut cursor = f.loop_stmt.as_ref().map(|s| s.node());
            while let Some(StmtNode::For(l)) = cursor {
                if l.loop_var.id() == var_id {
                    return Some(l);
                }
                cursor = Some(l.body.node());
            }
            None
        })
    }

    fn block(
        &mut self,
        block: &Arc<Block>,
        bp: &P,
        realize: Option<(&BlockRealize, &P)>,
    ) -> StmtDoc {
        self.push_frame(Some(block_id(block)));
        let top = self.top();
        let sugar = self.sugar();
        // Step 1: iteration variables.
        let remappable = |d: &Self, i: usize| -> bool {
            let Some((r, _)) = realize else { return false };
            let iv = &block.iter_vars[i];
            if !sugar || !matches!(iv.iter_type, IterVarType::DataPar | IterVarType::CommReduce) {
                return false;
            }
            let (Some(v), Some(dom)) = (r.iter_values.get(i).and_then(|e| e.as_var()), &iv.dom)
            else {
                return false;
            };
            d.enclosing_loop(v.id())
                .is_some_and(|l| same_expr(&l.min, &dom.min) && same_expr(&l.extent, &dom.extent))
        };
        let mut pending: Vec<usize> = Vec::new();
        for i in 0..block.iter_vars.len() {
            if remappable(self, i) {
                pending.push(i);
            } else {
                self.flush_remap(block, bp, realize, &mut pending, top);
                self.single_iter_var(block, bp, realize, i, top);
            }
        }
        self.flush_remap(block, bp, realize, &mut pending, top);
        // Step 2: the predicate.
        if let Some((r, rp)) = realize
            && !is_one(&r.predicate)
        {
            let pred = self.expr(&r.predicate, &rp.attr("predicate"));
            let call = self.t("where").call(vec![pred]);
            self.emit(top, StmtDoc::expr(call));
        }
        // Step 3: read and write regions.
        let reads_p = bp.attr("reads");
        let reads = block
            .reads
            .iter()
            .enumerate()
            .map(|(i, r)| self.buffer_region(r, &reads_p.idx(i)))
            .collect();
        let call = self.t("reads").call(reads);
        self.emit(top, StmtDoc::expr(call));
        let writes_p = bp.attr("writes");
        let writes = block
            .writes
            .iter()
            .enumerate()
            .map(|(i, r)| self.buffer_region(r, &writes_p.idx(i)))
            .collect();
        let call = self.t("writes").call(writes);
        self.emit(top, StmtDoc::expr(call));
        // Step 4: annotations.
        if !block.annotations.is_empty() {
            let a = self
                .attr_value(&AttrValue::Map(block.annotations.clone()), &bp.attr("annotations"));
            let call = self.t("block_attr").call(vec![a]);
            self.emit(top, StmtDoc::expr(call));
        }
        // Step 5: allocated buffers.
        let ap = bp.attr("alloc_buffers");
        for (i, buffer) in block.alloc_buffers.iter().enumerate() {
            let lhs = self.define_buffer(buffer, top);
            let rhs = self.buffer_decl(
                buffer,
                "alloc_buffer",
                vec![],
                &ap.idx(i),
                top,
                VarDefinition::DataPointer,
            );
            self.emit(top, StmtDoc::assign(lhs, Some(rhs), None));
        }
        // Step 6: matched buffers.
        let mp = bp.attr("match_buffers");
        for (i, m) in block.match_buffers.iter().enumerate() {
            let item_p = mp.idx(i);
            let lhs = self.define_buffer(&m.buffer, top);
            let src = self.buffer_region(&m.source, &item_p.attr("source"));
            let rhs = self.buffer_decl(
                &m.buffer,
                "match_buffer",
                vec![src],
                &item_p.attr("buffer"),
                top,
                VarDefinition::MatchBuffer,
            );
            self.emit(top, item_p.tag_stmt(StmtDoc::assign(lhs, Some(rhs), None)));
        }
        // Step 7: the init statement.
        if let Some(init) = &block.init {
            self.push_frame(Some(stmt_id(init)));
            self.as_doc_body(init, &bp.attr("init"));
            let stmts = self.pop_frame();
            let call = self.t("init").call(vec![]);
            self.emit(top, StmtDoc::scope(None, call, stmts));
        }
        // Step 8: the body.
        self.as_doc_body(&block.body, &bp.attr("body"));
        let stmts = self.pop_frame();
        let name = bp.attr("name_hint").tag(ExprDoc::str(block.name_hint.as_str()));
        let kwargs =
            if realize.is_none() { vec![("no_realize", ExprDoc::bool(true))] } else { vec![] };
        let call = self.t("block").call_kw(vec![name], kwargs);
        StmtDoc::scope(None, call, stmts)
    }

    /// `v = T.axis.spatial(dom, binding)`.
    fn single_iter_var(
        &mut self,
        block: &Block,
        bp: &P,
        realize: Option<(&BlockRealize, &P)>,
        i: usize,
        top: usize,
    ) {
        let iv = &block.iter_vars[i];
        let ivp = bp.attr("iter_vars").idx(i);
        let kind = match iv.iter_type {
            IterVarType::DataPar => "spatial",
            IterVarType::CommReduce => "reduce",
            IterVarType::Ordered => "scan",
            _ => "opaque",
        };
        let axis = self.t("axis").attr(kind);
        let dom = match &iv.dom {
            Some(d) if d.min.as_int() == Some(0) => {
                self.expr(&d.extent, &ivp.attr("dom").attr("extent"))
            }
            Some(d) => {
                let min = self.expr(&d.min, &ivp.attr("dom").attr("min"));
                let end = self.end_of(&d.min, &d.extent, &ivp.attr("dom").attr("extent"));
                ExprDoc::tuple(vec![min, end])
            }
            None => ExprDoc::none(),
        };
        let mut args = vec![dom];
        if let Some((r, rp)) = realize
            && let Some(value) = r.iter_values.get(i)
        {
            args.push(self.expr(value, &rp.attr("iter_values").idx(i)));
        }
        let rhs = axis.call(args);
        let lhs = self.define_var(&iv.var, top);
        self.emit(top, StmtDoc::assign(lhs, Some(rhs), None));
    }

    /// `vi, vj = T.axis.remap("SR", [i, j])` for the pending remappable variables.
    fn flush_remap(
        &mut self,
        block: &Block,
        bp: &P,
        realize: Option<(&BlockRealize, &P)>,
        pending: &mut Vec<usize>,
        top: usize,
    ) {
        match pending.len() {
            0 => {}
            1 => self.single_iter_var(block, bp, realize, pending[0], top),
            _ => {
                let Some((r, rp)) = realize else { return };
                let mut lhs = Vec::with_capacity(pending.len());
                let mut values = Vec::with_capacity(pending.len());
                let mut kinds = String::with_capacity(pending.len());
                for &i in pending.iter() {
                    let iv = &block.iter_vars[i];
                    lhs.push(self.define_var(&iv.var, top));
                    values.push(self.expr(&r.iter_values[i], &rp.attr("iter_values").idx(i)));
                    kinds.push(if iv.iter_type == IterVarType::DataPar { 'S' } else { 'R' });
                }
                let rhs = self
                    .t("axis")
                    .attr("remap")
                    .call(vec![ExprDoc::str(kinds), ExprDoc::list(values)]);
                self.emit(top, StmtDoc::assign(ExprDoc::tuple(lhs), Some(rhs), None));
            }
        }
        pending.clear();
    }
}

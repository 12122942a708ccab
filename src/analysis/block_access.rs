//! Block access region detection: the `reads`/`writes` TVM v0.23 infers for a block that does not
//! declare them (`tir/analysis/block_access_region_detector.cc`).
//!
//! Rules reproduced here: loads are reads and stores are writes, each relaxed over the loops inside
//! the block (loop vars take their ranges; block iter vars and outer vars stay symbolic); a nested
//! block contributes its own declared regions with its bindings substituted; `tvm_access_ptr`
//! contributes the whole buffer by its access mask; a bare use of a buffer's data var is an opaque
//! access of the whole buffer; accesses through a `match_buffer` are mapped back to the source
//! buffer; buffers not visible at the block (not in the caller's buffer map) are ignored; a region
//! that provably holds one point is `[index, index + 1)` with the index as written, otherwise the
//! covering range (the whole dimension when a bound is unknown); when the block has an init, the
//! buffers it writes are not reported as reads. `if` conditions of the form `var < c` (and the other
//! comparisons with a constant, joined by `and`) narrow a loop var's range in their branch.

use std::collections::HashMap;

use crate::arith::{DomainMap, IntSet, eval_set, ops, vector_set};
use crate::ir::{
    Block, Buffer, BufferRegion, Callee, CmpOp, Expr, MatchBufferRegion, PrimExpr, Range, Stmt,
    StmtNode, Var,
};

/// The regions a block reads, writes and accesses opaquely.
#[derive(Clone, Debug, Default)]
pub struct AccessRegions {
    pub reads: Vec<BufferRegion>,
    pub writes: Vec<BufferRegion>,
    pub opaque: Vec<BufferRegion>,
}

/// Detects the access regions of `block`, given the buffers visible at it keyed by data var.
pub fn block_access_regions(block: &Block, visible: &HashMap<Var, Buffer>) -> AccessRegions {
    let mut d = Detector { visible: visible.clone(), ..Detector::default() };
    for m in &block.match_buffers {
        if d.visible.contains_key(m.source.buffer.data()) {
            d.matched.insert(m.buffer.data().clone(), m.clone());
            d.visible.insert(m.buffer.data().clone(), m.buffer.clone());
        }
    }
    d.visit_block_fields(block);
    let writes = d.collect(&d.writes, &[]);
    let excluded: Vec<Buffer> = if block.init.is_some() {
        writes.iter().map(|w| w.buffer.clone()).collect()
    } else {
        Vec::new()
    };
    let reads = d.collect(&d.reads, &excluded);
    let opaque = d.collect(&d.opaque, &[]);
    AccessRegions { reads, writes, opaque }
}

type Accesses = Vec<(Buffer, Vec<IntSet>)>;

#[derive(Default)]
struct Detector {
    visible: HashMap<Var, Buffer>,
    matched: HashMap<Var, MatchBufferRegion>,
    dom: DomainMap,
    lets: HashMap<Var, PrimExpr>,
    reads: Accesses,
    writes: Accesses,
    opaque: Accesses,
}

#[derive(Clone, Copy)]
enum Kind {
    Read,
    Write,
    Opaque,
}

impl Detector {
    fn visit_block_fields(&mut self, block: &Block) {
        for dom in block.iter_vars.iter().filter_map(|iv| iv.dom.as_ref()) {
            self.visit_range(dom);
        }
        for r in block.reads.iter().chain(&block.writes) {
            r.region.iter().for_each(|range| self.visit_range(range));
        }
        for m in &block.match_buffers {
            m.source.region.iter().for_each(|range| self.visit_range(range));
        }
        if let Some(init) = &block.init {
            self.visit_stmt(init);
        }
        self.visit_stmt(&block.body);
    }

    fn visit_range(&mut self, r: &Range) {
        self.visit_expr(&r.min);
        self.visit_expr(&r.extent);
    }

    fn visit_stmt(&mut self, s: &Stmt) {
        match s.node() {
            StmtNode::For(l) => {
                let previous = self.dom.insert(
                    l.loop_var.clone(),
                    IntSet::from_range(&Range::new(l.min.clone(), l.extent.clone())),
                );
                self.visit_expr(&l.min);
                self.visit_expr(&l.extent);
                self.visit_stmt(&l.body);
                restore(&mut self.dom, &l.loop_var, previous);
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                self.visit_expr(condition);
                self.with_condition(condition, false, |d| d.visit_stmt(then_case));
                if let Some(else_case) = else_case {
                    self.with_condition(condition, true, |d| d.visit_stmt(else_case));
                }
            }
            StmtNode::LetStmt { var, value, body } => {
                let previous = self.lets.insert(var.clone(), value.clone());
                self.visit_expr(value);
                self.visit_stmt(body);
                restore(&mut self.lets, var, previous);
            }
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let region = self.relax_indices(indices);
                self.update(Kind::Write, buffer, region);
                self.visit_expr(value);
                indices.iter().for_each(|i| self.visit_expr(i));
                if let Some(p) = predicate {
                    self.visit_expr(p);
                }
            }
            StmtNode::BlockRealize(r) => self.visit_nested_block(&r.block, &r.iter_values),
            StmtNode::Block(block) => self.visit_block_fields(block),
            _ => {
                let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
                crate::ir::visit::stmt_parts(s, &mut stmts, &mut exprs);
                exprs.into_iter().for_each(|e| self.visit_expr(e));
                stmts.into_iter().for_each(|c| self.visit_stmt(c));
            }
        }
    }

    /// A nested block contributes its declared regions, with its bindings substituted.
    fn visit_nested_block(&mut self, block: &Block, iter_values: &[PrimExpr]) {
        let binding: HashMap<Var, PrimExpr> = block
            .iter_vars
            .iter()
            .map(|iv| iv.var.clone())
            .zip(iter_values.iter().cloned())
            .collect();
        for (kind, regions) in [(Kind::Read, &block.reads), (Kind::Write, &block.writes)] {
            for r in regions {
                let sets = r
                    .region
                    .iter()
                    .map(|range| {
                        let min = crate::ir::mutate::substitute(&range.min, &binding);
                        let extent = crate::ir::mutate::substitute(&range.extent, &binding);
                        self.eval_range(&Range::new(min, extent))
                    })
                    .collect();
                self.update(kind, &r.buffer, sets);
            }
        }
    }

    fn visit_expr(&mut self, e: &PrimExpr) {
        match e.expr() {
            Expr::Var(v) => self.update_opaque(v),
            Expr::BufferLoad { buffer, indices, predicate } => {
                let region = self.relax_indices(indices);
                self.update(Kind::Read, buffer, region);
                indices.iter().for_each(|i| self.visit_expr(i));
                if let Some(p) = predicate {
                    self.visit_expr(p);
                }
            }
            Expr::Call { op: Callee::Op(op), args }
                if op.name() == "tvm_access_ptr" && args.len() == 5 =>
            {
                match (args[1].as_var(), args[4].as_int()) {
                    (Some(data), Some(mask)) => {
                        if let Some(buffer) = self.visible.get(data).cloned() {
                            let sets = self.full_region_sets(&buffer);
                            let kind = match mask & 3 {
                                3 => Some(Kind::Opaque),
                                1 => Some(Kind::Read),
                                2 => Some(Kind::Write),
                                _ => None,
                            };
                            if let Some(kind) = kind {
                                self.update(kind, &buffer, sets);
                            }
                        }
                    }
                    _ => args.iter().for_each(|a| self.visit_expr(a)),
                }
            }
            Expr::Call { op: Callee::Op(op), args }
                if op.name() == "if_then_else" && args.len() == 3 =>
            {
                self.visit_expr(&args[0]);
                self.with_condition(&args[0], false, |d| d.visit_expr(&args[1]));
                self.with_condition(&args[0], true, |d| d.visit_expr(&args[2]));
            }
            _ => {
                let mut children = Vec::new();
                crate::ir::visit::expr_children(e, &mut children);
                children.into_iter().for_each(|c| self.visit_expr(c));
            }
        }
    }

    /// Substitutes let-bound vars until none is left, then relaxes each index over the loops.
    fn relax_indices(&self, indices: &[PrimExpr]) -> Vec<IntSet> {
        indices
            .iter()
            .map(|index| {
                let mut current = index.clone();
                for _ in 0..64 {
                    let next = crate::ir::mutate::substitute(&current, &self.lets);
                    if next.ptr_eq(&current) {
                        break;
                    }
                    current = next;
                }
                if current.dtype().is_vector() {
                    // As TVM: the lanes' interval first, then each bound relaxed over the loops.
                    self.relax_bounds(&vector_set(&current))
                } else {
                    eval_set(&current, &self.dom)
                }
            })
            .collect()
    }

    fn relax_bounds(&self, set: &IntSet) -> IntSet {
        IntSet {
            min: set.min.as_ref().and_then(|m| eval_set(m, &self.dom).min),
            max: set.max.as_ref().and_then(|m| eval_set(m, &self.dom).max),
        }
    }

    fn eval_range(&self, r: &Range) -> IntSet {
        self.relax_bounds(&IntSet::from_range(r))
    }

    fn full_region_sets(&self, buffer: &Buffer) -> Vec<IntSet> {
        buffer.full_region().region.iter().map(|r| self.eval_range(r)).collect()
    }

    fn update_opaque(&mut self, data: &Var) {
        if let Some(buffer) = self.visible.get(data).cloned() {
            let sets = self.full_region_sets(&buffer);
            self.update(Kind::Opaque, &buffer, sets);
        }
    }

    fn update(&mut self, kind: Kind, buffer: &Buffer, region: Vec<IntSet>) {
        if !self.visible.contains_key(buffer.data()) {
            return;
        }
        let (buffer, region) = match self.matched.get(buffer.data()).cloned() {
            Some(m) => (m.source.buffer.clone(), self.convert_matched(&m, region)),
            None => (buffer.clone(), region),
        };
        let list = match kind {
            Kind::Read => &mut self.reads,
            Kind::Write => &mut self.writes,
            Kind::Opaque => &mut self.opaque,
        };
        match list.iter_mut().find(|(b, _)| *b == buffer) {
            Some((_, existing)) if existing.len() == region.len() => {
                for (old, new) in existing.iter_mut().zip(&region) {
                    *old = old.union(new);
                }
            }
            Some(_) => {}
            None => list.push((buffer, region)),
        }
    }

    /// Maps a region of a match_buffer back onto its source buffer (TVM's `ConvertRegion`).
    fn convert_matched(&self, m: &MatchBufferRegion, sets: Vec<IntSet>) -> Vec<IntSet> {
        let target_shape = m.buffer.shape();
        let source = &m.source.region;
        let offset = source.len().saturating_sub(sets.len());
        let mut result = Vec::with_capacity(source.len());
        for r in &source[..offset] {
            result.push(self.eval_range(&Range::point(r.min.clone())));
        }
        for (i, set) in sets.iter().enumerate() {
            let Some(shape) = target_shape.get(i) else { break };
            let Some(src) = source.get(i + offset) else { break };
            let covered = set.cover_range(&Range::from_extent(shape.clone()));
            let range = match ops::add(src.min.clone(), covered.min.clone()) {
                Ok(min) => Range::new(min, covered.extent),
                Err(_) => Range::from_extent(shape.clone()),
            };
            result.push(self.eval_range(&range));
        }
        result
    }

    fn collect(&self, accesses: &Accesses, excluded: &[Buffer]) -> Vec<BufferRegion> {
        accesses
            .iter()
            .filter(|(b, _)| !excluded.contains(b))
            .map(|(buffer, sets)| {
                let region = sets
                    .iter()
                    .zip(buffer.shape())
                    .map(|(set, extent)| match (&set.min, set.can_prove_single_point()) {
                        (Some(min), true) => Range::point(min.clone()),
                        _ => set.cover_range(&Range::from_extent(extent.clone())),
                    })
                    .collect();
                BufferRegion { buffer: buffer.clone(), region }
            })
            .collect()
    }

    /// Runs `f` with loop ranges narrowed by `condition` (or its negation).
    fn with_condition(
        &mut self,
        condition: &PrimExpr,
        negate: bool,
        f: impl FnOnce(&mut Detector),
    ) {
        let mut saved = Vec::new();
        for (var, set) in narrowings(condition, negate, &self.dom) {
            saved.push((var.clone(), self.dom.insert(var, set)));
        }
        f(self);
        for (var, previous) in saved.into_iter().rev() {
            restore(&mut self.dom, &var, previous);
        }
    }
}

fn restore<V>(map: &mut HashMap<Var, V>, key: &Var, previous: Option<V>) {
    match previous {
        Some(v) => {
            map.insert(key.clone(), v);
        }
        None => {
            map.remove(key);
        }
    }
}

/// The narrowed ranges of loop vars implied by `condition` (negated if asked) where the condition
/// compares a loop var with a constant and the loop's bounds are constants.
fn narrowings(condition: &PrimExpr, negate: bool, dom: &DomainMap) -> Vec<(Var, IntSet)> {
    let mut out = Vec::new();
    match condition.expr() {
        Expr::And(a, b) if !negate => {
            out.extend(narrowings(a, false, dom));
            out.extend(narrowings(b, false, dom));
        }
        Expr::Not(a) => out.extend(narrowings(a, !negate, dom)),
        Expr::Cmp { op, a, b } => {
            let (var, c, op) = match (a.as_var(), b.as_int(), b.as_var(), a.as_int()) {
                (Some(v), Some(c), _, _) => (v, c, *op),
                (_, _, Some(v), Some(c)) => (v, c, op.swapped()),
                _ => return out,
            };
            let op = if negate { op.negated() } else { op };
            let Some(set) = dom.get(var) else { return out };
            let (Some(lo), Some(hi)) = (
                set.min.as_ref().and_then(PrimExpr::as_int),
                set.max.as_ref().and_then(PrimExpr::as_int),
            ) else {
                return out;
            };
            let (lo, hi) = match op {
                CmpOp::Lt => (lo, hi.min(c.saturating_sub(1))),
                CmpOp::Le => (lo, hi.min(c)),
                CmpOp::Gt => (lo.max(c.saturating_add(1)), hi),
                CmpOp::Ge => (lo.max(c), hi),
                CmpOp::Eq => (lo.max(c), hi.min(c)),
                CmpOp::Ne => return out,
            };
            if lo <= hi {
                let dtype = var.dtype();
                out.push((
                    var.clone(),
                    IntSet {
                        min: Some(PrimExpr::int(lo, dtype)),
                        max: Some(PrimExpr::int(hi, dtype)),
                    },
                ));
            }
        }
        _ => {}
    }
    out
}

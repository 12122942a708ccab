//! The access regions of block-allocated buffers (TVM v0.23's `BufferAccessRegionCollector`).
//!
//! Walks the (opaque-block) body keeping the ancestor loops and thread launches. At a buffer's
//! definition (a block's `alloc_buffers`, or an `Allocate` whose data var belongs to exactly one
//! buffer of the same dtype) the number of enclosing loops is recorded; each access of the buffer is
//! then relaxed over the loops *inside* that point (outer loop vars stay symbolic, except thread
//! vars a storage scope shares, e.g. `threadIdx` for `shared` memory), and the union of all accesses
//! is narrowed into a region when the definition's scope closes. Loads and stores are point
//! accesses; a bare use of a buffer's data var accesses the block's declared regions of it (or the
//! whole buffer); a `match_buffer` accesses its source region. `if` conditions and realize
//! predicates comparing a relaxed var with a constant narrow that var's range in their scope.
//!
//! Differences from TVM: regions are estimated by interval arithmetic (`arith::eval_set`), then a
//! point access `e` is tightened by enclosing conditions `e + d < c` (and the other comparisons
//! with a constant). TVM instead first tries its iter-map based `EstimateRegionUpperBound`, which
//! also handles predicates on fused or split indices that are not a constant shift of the access.

use std::collections::HashMap;

use super::conditions::{narrowings, tighten_by_conditions};
use super::rules::{
    aliases, from_range, has_side_effect, need_relax_thread, point_region, uses_any,
};
use crate::arith::const_int_bound::POS_INF;
use crate::arith::{Analyzer, DomainMap, IntSet, eval_set, ops};
use crate::ir::visit::{expr_children, stmt_parts};
use crate::ir::{
    AttrValue, Block, Buffer, BufferRegion, CmpOp, Expr, ForKind, IrError, PrimExpr, Range, Stmt,
    StmtNode, Var,
};

/// The narrowed region of each block-allocated buffer, keyed by buffer.
pub type Regions = HashMap<Buffer, Vec<Range>>;

/// An enclosing loop or thread launch: its var and, for threads, the thread tag.
struct Ancestor {
    var: Var,
    thread_tag: Option<String>,
}

#[derive(Default)]
pub struct Collector {
    collect_inbound: bool,
    ancestors: Vec<Ancestor>,
    scope_depth: HashMap<Var, usize>,
    var2buffer: HashMap<Var, Vec<Buffer>>,
    dom: DomainMap,
    /// Index-typed let vars in scope and their values; accesses see through them, as TVM's
    /// interval evaluation recursively relaxes a let var's value.
    lets: HashMap<Var, PrimExpr>,
    /// The conditions (and whether each is negated) of the enclosing `if`s and realize predicates.
    pending: Vec<(PrimExpr, bool)>,
    /// Every loop and let var bound so far (TVM's `dom_analyzer_` keeps its bindings).
    analyzer: Analyzer,
    relaxed: HashMap<Buffer, Vec<IntSet>>,
    regions: Regions,
    access_annotations: HashMap<Buffer, Vec<BufferRegion>>,
    explicit_annotations: HashMap<Buffer, BufferRegion>,
}

/// Collects the narrowed access regions of the buffers allocated in `body`.
pub fn collect_regions(body: &Stmt, collect_inbound: bool) -> Result<Regions, IrError> {
    let mut c = Collector { collect_inbound, ..Collector::default() };
    c.var2buffer = aliases(body);
    c.stmt(body)?;
    Ok(c.regions)
}

impl Collector {
    fn bind_range(&mut self, var: &Var, range: &Range) {
        self.analyzer.bind(var, range);
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), IrError> {
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, .. } => {
                self.access(&point_region(buffer, indices)?);
                self.expr(value)?;
                Ok(())
            }
            StmtNode::For(l) => {
                let range = Range::new(l.min.clone(), l.extent.clone());
                let thread_tag = match (l.kind, &l.thread_binding) {
                    (ForKind::ThreadBinding, Some(iv)) => Some(iv.thread_tag.clone()),
                    _ => None,
                };
                self.ancestors.push(Ancestor { var: l.loop_var.clone(), thread_tag });
                self.bind_range(&l.loop_var, &range);
                self.dom.insert(l.loop_var.clone(), from_range(&range));
                self.expr(&l.min)?;
                self.expr(&l.extent)?;
                let result = self.stmt(&l.body);
                self.dom.remove(&l.loop_var);
                self.ancestors.pop();
                result
            }
            StmtNode::LetStmt { var, value, body } => {
                self.expr(value)?;
                let index = value.dtype().is_integer() && value.dtype().is_scalar();
                let previous = index.then(|| self.lets.insert(var.clone(), value.clone()));
                if index {
                    self.analyzer.bind_value(var, value);
                }
                let result = self.stmt(body);
                if let Some(previous) = previous {
                    restore(&mut self.lets, var, previous);
                }
                result
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                self.expr(condition)?;
                self.with_condition(condition, false, |c| c.stmt(then_case))?;
                if let Some(else_case) = else_case {
                    self.with_condition(condition, true, |c| c.stmt(else_case))?;
                }
                Ok(())
            }
            StmtNode::BlockRealize(r) => self.with_condition(&r.predicate, false, |c| {
                for v in &r.iter_values {
                    c.expr(v)?;
                }
                c.expr(&r.predicate)?;
                c.block(&r.block)
            }),
            StmtNode::Block(block) => self.block(block),
            StmtNode::Allocate { buffer_var, dtype, body, .. } => {
                let single = match self.var2buffer.get(buffer_var) {
                    Some(list) if list.len() == 1 && list[0].dtype() == *dtype => {
                        Some(list[0].clone())
                    }
                    _ => None,
                };
                match single {
                    None => self.children(s),
                    Some(buffer) => {
                        self.define(buffer_var)?;
                        self.stmt(body)?;
                        self.narrow(&buffer)
                    }
                }
            }
            StmtNode::AttrStmt { node: AttrValue::IterVar(iv), attr_key, value, body }
                if attr_key == "thread_extent" || attr_key == "virtual_thread" =>
            {
                let dom = iv.dom.clone().unwrap_or_else(|| Range::from_extent(value.clone()));
                self.ancestors.push(Ancestor {
                    var: iv.var.clone(),
                    thread_tag: Some(iv.thread_tag.clone()),
                });
                self.bind_range(&iv.var, &dom);
                self.dom.insert(iv.var.clone(), from_range(&dom));
                self.expr(value)?;
                let result = self.stmt(body);
                self.dom.remove(&iv.var);
                self.ancestors.pop();
                result
            }
            _ => self.children(s),
        }
    }

    fn children(&mut self, s: &Stmt) -> Result<(), IrError> {
        let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
        stmt_parts(s, &mut stmts, &mut exprs);
        for e in exprs {
            self.expr(e)?;
        }
        for c in stmts {
            self.stmt(c)?;
        }
        Ok(())
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<(), IrError> {
        match e.expr() {
            Expr::BufferLoad { buffer, indices, .. } => {
                match self.explicit_annotations.get(buffer).cloned() {
                    Some(region) => self.access(&region),
                    None => self.access(&point_region(buffer, indices)?),
                }
                for i in indices {
                    self.expr(i)?;
                }
            }
            Expr::Var(v) => self.buffer_var(v),
            Expr::Let { var, value, body } => {
                self.expr(value)?;
                let index = value.dtype().is_integer() && value.dtype().is_scalar();
                let previous = index.then(|| self.lets.insert(var.clone(), value.clone()));
                if index {
                    self.analyzer.bind_value(var, value);
                }
                self.expr(body)?;
                if let Some(previous) = previous {
                    restore(&mut self.lets, var, previous);
                }
            }
            Expr::Call { op: crate::ir::Callee::Op(op), args }
                if op.name() == "if_then_else" && args.len() == 3 =>
            {
                self.expr(&args[0])?;
                self.with_condition(&args[0], false, |c| c.expr(&args[1]))?;
                self.with_condition(&args[0], true, |c| c.expr(&args[2]))?;
            }
            _ => {
                let mut children = Vec::new();
                expr_children(e, &mut children);
                for c in children {
                    self.expr(c)?;
                }
            }
        }
        Ok(())
    }

    fn block(&mut self, block: &Block) -> Result<(), IrError> {
        if block.init.is_some() {
            return Err(IrError::invalid("block init is not allowed in CompactBufferAllocation"));
        }
        if !block.iter_vars.is_empty() {
            return Err(IrError::invalid("CompactBufferAllocation only works on opaque blocks"));
        }
        // Step 1: this block's declared regions, by buffer, replace the enclosing block's.
        let mut declared: Vec<(Buffer, Vec<BufferRegion>)> = Vec::new();
        for r in block.reads.iter().chain(&block.writes) {
            match declared.iter_mut().find(|(b, _)| *b == r.buffer) {
                Some((_, list)) => list.push(r.clone()),
                None => declared.push((r.buffer.clone(), vec![r.clone()])),
            }
        }
        let mut saved = Vec::new();
        for (buffer, regions) in declared {
            let previous = self.access_annotations.insert(buffer.clone(), regions);
            saved.push((buffer, previous));
        }
        // Step 2: explicit region annotations.
        for (key, is_read) in [("explicit_read_region", true), ("explicit_write_region", false)] {
            if let Some(AttrValue::Array(items)) = block.annotations.get(key) {
                for index in items.iter().filter_map(super::super::block_lowering_util::attr_int) {
                    // TVM bounds the index by the number of reads for both annotations.
                    let Ok(i) = usize::try_from(index) else {
                        continue;
                    };
                    if i < block.reads.len() {
                        let region = if is_read { block.reads.get(i) } else { block.writes.get(i) };
                        if let Some(region) = region {
                            self.explicit_annotations.insert(region.buffer.clone(), region.clone());
                        }
                    }
                }
            }
        }
        // Steps 3 to 5: definitions, match_buffer sources, then the block's fields and body.
        for buffer in &block.alloc_buffers {
            self.define(buffer.data())?;
        }
        for m in &block.match_buffers {
            self.access(&m.source);
        }
        for dom in block.iter_vars.iter().filter_map(|iv| iv.dom.as_ref()) {
            self.expr(&dom.min)?;
            self.expr(&dom.extent)?;
        }
        let sources: Vec<&BufferRegion> = block.match_buffers.iter().map(|m| &m.source).collect();
        for region in block.reads.iter().chain(&block.writes).chain(sources) {
            for range in &region.region {
                self.expr(&range.min)?;
                self.expr(&range.extent)?;
            }
        }
        self.stmt(&block.body)?;
        // Steps 6 and 7: restore the enclosing annotations.
        for (buffer, previous) in saved.into_iter().rev() {
            match previous {
                Some(p) => self.access_annotations.insert(buffer, p),
                None => self.access_annotations.remove(&buffer),
            };
        }
        self.explicit_annotations.clear();
        // Step 8: the regions of the buffers this block allocates.
        for buffer in &block.alloc_buffers {
            if self.var2buffer.get(buffer.data()).map_or(0, Vec::len) != 1 {
                return Err(IrError::invalid(format!(
                    "block allocation buffer `{}` should not be aliased",
                    buffer.name()
                )));
            }
            self.narrow(buffer)?;
        }
        Ok(())
    }

    fn define(&mut self, data: &Var) -> Result<(), IrError> {
        if self.scope_depth.insert(data.clone(), self.ancestors.len()).is_some() {
            return Err(IrError::invalid(format!("`{}` has duplicate definitions", data.name())));
        }
        Ok(())
    }

    /// Records an access of `region`, relaxed over the loops inside the buffer's definition.
    fn access(&mut self, region: &BufferRegion) {
        let buffer = &region.buffer;
        let Some(&depth) = self.scope_depth.get(buffer.data()) else {
            return;
        };
        let mut kept = Vec::new();
        for ancestor in self.ancestors.iter().take(depth) {
            if ancestor.thread_tag.as_deref().is_some_and(|t| need_relax_thread(t, buffer.scope()))
            {
                continue;
            }
            if let Some(set) = self.dom.remove(&ancestor.var) {
                kept.push((ancestor.var.clone(), set));
            }
        }
        let sets: Vec<IntSet> = region
            .region
            .iter()
            .map(|r| {
                let set = from_range(&Range::new(
                    self.see_through_lets(&r.min),
                    self.see_through_lets(&r.extent),
                ));
                let lo = set.min.as_ref().and_then(|m| eval_set(m, &self.dom).min);
                let hi = set.max.as_ref().and_then(|m| eval_set(m, &self.dom).max);
                let relaxed = IntSet { min: lo, max: hi };
                match r.extent.as_int() {
                    Some(1) => tighten_by_conditions(
                        &self.pending,
                        relaxed,
                        &self.see_through_lets(&r.min),
                    ),
                    _ => relaxed,
                }
            })
            .collect();
        for (var, set) in kept {
            self.dom.insert(var, set);
        }
        match self.relaxed.get_mut(buffer) {
            Some(existing) => {
                for (old, new) in existing.iter_mut().zip(&sets) {
                    *old = old.union(new);
                }
            }
            None => {
                self.relaxed.insert(buffer.clone(), sets);
            }
        }
    }

    /// A bare use of a data var accesses the declared (or whole) regions of its buffers.
    fn buffer_var(&mut self, var: &Var) {
        let Some(buffers) = self.var2buffer.get(var).cloned() else {
            return;
        };
        for buffer in buffers {
            match self.access_annotations.get(&buffer).cloned() {
                Some(regions) => regions.iter().for_each(|r| self.access(r)),
                None => self.access(&buffer.full_region()),
            }
        }
    }

    /// Turns the relaxed accesses of `buffer` into its compacted region.
    fn narrow(&mut self, buffer: &Buffer) -> Result<(), IrError> {
        let sets = self.relaxed.get(buffer).cloned().ok_or_else(|| {
            IrError::invalid(format!(
                "buffer `{}` is allocated but not accessed within block scope",
                buffer.name()
            ))
        })?;
        let mut result = Vec::with_capacity(sets.len());
        for (set, shape) in sets.iter().zip(buffer.shape()) {
            let original = Range::from_extent(shape.clone());
            let range = set.cover_range(&original);
            let (min, extent) = if self.collect_inbound {
                let zero = PrimExpr::int(0, range.min.dtype());
                let min = self.analyzer.simplify(&ops::max(zero, range.min.clone())?);
                let fits = ops::compare(CmpOp::Le, range.extent.clone(), shape.clone())?;
                let extent = if self.analyzer.can_prove(&fits) {
                    range.extent.clone()
                } else {
                    ops::min(shape.clone(), range.extent.clone())?
                };
                (min, self.analyzer.simplify(&extent))
            } else {
                (self.analyzer.simplify(&range.min), self.analyzer.simplify(&range.extent))
            };
            if has_side_effect(&extent) {
                result.push(original);
                continue;
            }
            let loop_vars: Vec<&Var> = self.ancestors.iter().map(|a| &a.var).collect();
            if uses_any(&extent, &loop_vars) {
                match self.analyzer.const_int_bound(&extent).max {
                    POS_INF => result.push(original),
                    hi => result.push(Range::new(min, PrimExpr::int(hi, extent.dtype()))),
                }
                continue;
            }
            result.push(Range::new(min, extent));
        }
        self.regions.insert(buffer.clone(), result);
        Ok(())
    }

    /// Replaces let-bound vars by their values until none is left.
    fn see_through_lets(&self, e: &PrimExpr) -> PrimExpr {
        let mut current = e.clone();
        for _ in 0..64 {
            let next = crate::ir::mutate::substitute(&current, &self.lets);
            if next.ptr_eq(&current) {
                break;
            }
            current = next;
        }
        current
    }

    /// Runs `f` with relaxed var ranges narrowed by `condition` (negated if asked).
    fn with_condition(
        &mut self,
        condition: &PrimExpr,
        negate: bool,
        f: impl FnOnce(&mut Collector) -> Result<(), IrError>,
    ) -> Result<(), IrError> {
        let mut saved = Vec::new();
        for (var, op, c) in narrowings(condition, negate) {
            let Some(set) = self.dom.get(&var).cloned() else {
                continue;
            };
            let (Some(lo), Some(hi)) = (
                set.min.as_ref().and_then(PrimExpr::as_int),
                set.max.as_ref().and_then(PrimExpr::as_int),
            ) else {
                continue;
            };
            let (new_lo, new_hi) = match op {
                CmpOp::Lt => (lo, hi.min(c.saturating_sub(1))),
                CmpOp::Le => (lo, hi.min(c)),
                CmpOp::Gt => (lo.max(c.saturating_add(1)), hi),
                CmpOp::Ge => (lo.max(c), hi),
                CmpOp::Eq => (lo.max(c), hi.min(c)),
                // `x != c` narrows only when `c` is an end of the range.
                CmpOp::Ne if c == lo => (lo.saturating_add(1), hi),
                CmpOp::Ne if c == hi => (lo, hi.saturating_sub(1)),
                CmpOp::Ne => continue,
            };
            if new_lo > new_hi {
                continue;
            }
            let dtype = var.dtype();
            let narrowed = IntSet {
                min: Some(PrimExpr::int(new_lo, dtype)),
                max: Some(PrimExpr::int(new_hi, dtype)),
            };
            saved.push((var.clone(), self.dom.insert(var, narrowed)));
        }
        self.pending.push((condition.clone(), negate));
        let result = f(self);
        self.pending.pop();
        for (var, previous) in saved.into_iter().rev() {
            if let Some(p) = previous {
                self.dom.insert(var, p);
            }
        }
        result
    }
}

fn restore(map: &mut HashMap<Var, PrimExpr>, key: &Var, previous: Option<PrimExpr>) {
    match previous {
        Some(v) => map.insert(key.clone(), v),
        None => map.remove(key),
    };
}

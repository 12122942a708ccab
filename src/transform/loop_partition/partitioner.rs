//! The loop rewriting of LoopPartition, as TVM's `LoopPartitioner` and `TryPartition`.
//!
//! Statements are visited top-down with an analyzer that knows the range of every loop var seen,
//! and hint/relax domains for the finder (loop vars and `blockIdx` in the hint domain, `threadIdx`
//! in the relax domain). A candidate loop over `[min, max]` is split around a middle interval in
//! which some conditions are all true (or, failing that, all false): the interval is the
//! intersection of the partitions that meet the loop range or, for a hinted loop whose partitions
//! do not all meet, the greedy intersection of them in order until it would be empty. The pre
//! loop covers `[min, begin)`, the post loop `[end, max]`, and the middle loop `[begin, end)` has
//! the conditions replaced by their value; each loop starts at 0 with its var shifted, and a loop
//! of extent one without annotations becomes its body at var 0 (unless
//! `no_unroll_loop_with_extent_one`). The middle loop is partitioned again, and the pre and post
//! loops are too when at least one exists and its extent was provably positive. A hinted loop
//! with no usable interval becomes a `T.unroll` loop when `unroll_loop_with_partition_hint_no_interval`
//! is set. A `blockIdx` scope is not split: its innermost thread scope gets
//! `if <var in middle>: <body, conditions true> else: <body>`. Each partitioned result goes through
//! ConvertSSA, so the copies of the body define distinct variables.

use super::LoopPartitionConfig;
use super::candidates::{CandidateSelector, thread_rank};
use super::finder::{Partition, PartitionFinder, eliminate_conditions, shifted, substitute_stmt};
use super::interval::{Bound, Interval, intersect, intersect_all};
use crate::arith::{Analyzer, DomainMap, IntSet, ops};
use crate::ir::mutate::map_stmt_children;
use crate::ir::{
    AttrValue, CmpOp, For, ForKind, IrError, PrimExpr, PrimFunc, Range, Stmt, StmtNode, Type, Var,
};
use crate::transform::convert_ssa::convert_ssa;

pub struct LoopPartitioner {
    cfg: LoopPartitionConfig,
    selector: CandidateSelector,
    hint: DomainMap,
    relax: DomainMap,
    analyzer: Analyzer,
}

/// The middle interval, the conditions it decides and their value (`None`: no interval).
type Middle = (Interval, Vec<PrimExpr>, Option<bool>);

fn cmp(op: CmpOp, a: &PrimExpr, b: &PrimExpr) -> Result<PrimExpr, IrError> {
    ops::compare(op, a.clone(), b.clone())
}

fn one(like: &PrimExpr) -> PrimExpr {
    PrimExpr::int(1, like.dtype())
}

/// TVM's stmt-level `ConvertSSA`: only redefinitions inside `s` are renamed.
fn convert_ssa_stmt(s: Stmt) -> Result<Stmt, IrError> {
    let wrapper = PrimFunc {
        params: Vec::new(),
        buffer_map: Vec::new(),
        body: s,
        ret_type: Type::void(),
        attrs: Default::default(),
    };
    Ok(convert_ssa(wrapper)?.body)
}

impl LoopPartitioner {
    pub fn new(cfg: LoopPartitionConfig) -> LoopPartitioner {
        LoopPartitioner {
            cfg,
            selector: CandidateSelector::new(cfg.partition_const_loop),
            hint: DomainMap::new(),
            relax: DomainMap::new(),
            analyzer: Analyzer::new(),
        }
    }

    /// Selects the candidates of `s`, then rewrites it.
    pub fn visit_and_mutate(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        self.selector.visit(s)?;
        self.mutate(s)
    }

    fn with_domain(
        &mut self,
        in_relax: bool,
        var: &Var,
        set: IntSet,
        s: &Stmt,
    ) -> Result<Stmt, IrError> {
        let map = if in_relax { &mut self.relax } else { &mut self.hint };
        map.entry(var.clone()).or_insert(set);
        let result = map_stmt_children(s, &mut |c| self.mutate(c));
        let map = if in_relax { &mut self.relax } else { &mut self.hint };
        map.remove(var);
        result
    }

    fn mutate(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::For(l) => {
                let range = Range::new(l.min.clone(), l.extent.clone());
                self.analyzer.bind(&l.loop_var, &range);
                let max = ops::sub(ops::add(l.min.clone(), l.extent.clone())?, one(&l.extent))?;
                if self.selector.is_candidate(s)
                    && let Some(done) =
                        self.try_partition(s, &l.loop_var, &l.min, &max, &l.body, false)?
                {
                    return Ok(done);
                }
                let set = IntSet { min: Some(l.min.clone()), max: Some(max) };
                self.with_domain(false, &l.loop_var, set, s)
            }
            StmtNode::AttrStmt { node: AttrValue::IterVar(iv), attr_key, value, body }
                if attr_key == "thread_extent" =>
            {
                let max = ops::sub(value.clone(), one(value))?;
                if self.selector.is_candidate(s) {
                    let zero = PrimExpr::int(0, value.dtype());
                    if let Some(done) = self.try_partition(s, &iv.var, &zero, &max, body, true)? {
                        return Ok(done);
                    }
                }
                let set = IntSet { min: Some(PrimExpr::int(0, iv.var.dtype())), max: Some(max) };
                let in_relax = thread_rank(&iv.thread_tag)? == 1;
                self.with_domain(in_relax, &iv.var, set, s)
            }
            _ => map_stmt_children(s, &mut |c| self.mutate(c)),
        }
    }

    /// The interval where all conditions meeting the loop range have `value`, as TVM's
    /// `GetIntervalAndCondset`.
    fn interval_and_conds(
        &mut self,
        partitions: &[Partition],
        for_interval: &Interval,
        value: bool,
        has_hint: bool,
    ) -> Result<(Interval, Vec<PrimExpr>), IrError> {
        let mut sets = Vec::new();
        let mut conds = Vec::new();
        for p in partitions.iter().filter(|p| p.value == value) {
            if !intersect(&mut self.analyzer, &p.interval, for_interval)?.is_empty() {
                sets.push(p.interval.clone());
                conds.push(p.cond.clone());
            }
        }
        let mut interval = intersect_all(&sets)?;
        if interval.is_empty() && has_hint {
            // Greedily intersect the conditions in order until the intersection would be empty.
            let mut acc = Interval::everything();
            conds.clear();
            for p in partitions.iter().filter(|p| p.value == value) {
                if intersect(&mut self.analyzer, &p.interval, for_interval)?.is_empty() {
                    continue;
                }
                acc = intersect(&mut self.analyzer, &acc, &p.interval)?;
                if acc.is_empty() {
                    break;
                }
                conds.push(p.cond.clone());
                interval = acc.simplified(&mut self.analyzer);
            }
        }
        Ok((interval, conds))
    }

    fn middle(
        &mut self,
        partitions: &[Partition],
        for_interval: &Interval,
        has_hint: bool,
    ) -> Result<Middle, IrError> {
        for value in [true, false] {
            let (interval, conds) =
                self.interval_and_conds(partitions, for_interval, value, has_hint)?;
            if !interval.is_empty() {
                return Ok((interval, conds, Some(value)));
            }
        }
        // Single-point conditions that all fall outside the loop leave nothing to partition.
        let (Bound::Finite(lo), Bound::Finite(hi)) = (&for_interval.min, &for_interval.max) else {
            return Ok((Interval::empty(), Vec::new(), None));
        };
        for p in partitions {
            let Some(point) = p.interval.single_point() else {
                return Ok((Interval::empty(), Vec::new(), None));
            };
            let inside = self.analyzer.can_prove(&cmp(CmpOp::Ge, point, lo)?)
                && self.analyzer.can_prove(&cmp(CmpOp::Le, point, hi)?);
            if inside {
                return Ok((Interval::empty(), Vec::new(), None));
            }
        }
        Ok((Interval::empty(), Vec::new(), Some(false)))
    }

    fn try_partition(
        &mut self,
        stmt: &Stmt,
        var: &Var,
        min: &PrimExpr,
        max: &PrimExpr,
        body: &Stmt,
        thread_scope: bool,
    ) -> Result<Option<Stmt>, IrError> {
        let set = IntSet { min: Some(min.clone()), max: Some(max.clone()) };
        self.hint.entry(var.clone()).or_insert(set);
        let has_hint = self.selector.hint_vars.contains(var);
        let mut finder = PartitionFinder::new(var, &self.hint, &self.relax, has_hint);
        let found = finder.visit(body);
        self.hint.remove(var);
        found?;
        if finder.partitions.is_empty() {
            return Ok(None);
        }
        let for_interval = Interval::new(min.clone(), max.clone());
        let (middle, conds, cond_value) =
            self.middle(&finder.partitions, &for_interval, has_hint)?;
        let Some(cond_value) = cond_value else {
            let extent = ops::sub(max.clone(), min.clone())?;
            let zero = PrimExpr::int(0, extent.dtype());
            if has_hint
                && self.cfg.unroll_loop_with_partition_hint_no_interval
                && self.analyzer.can_prove(&cmp(CmpOp::Gt, &extent, &zero)?)
            {
                let new_body = self.visit_and_mutate(body)?;
                return Ok(Some(Stmt::from(For {
                    loop_var: var.clone(),
                    min: min.clone(),
                    extent: ops::add(extent.clone(), one(&extent))?,
                    kind: ForKind::Unrolled,
                    body: new_body,
                    thread_binding: None,
                    annotations: Default::default(),
                    step: None,
                })));
            }
            return Ok(None);
        };
        if middle.is_empty() {
            return Ok(None);
        }
        let (body_begin, pre, pre_recurse) =
            self.pre_part(stmt, var, min, &middle, body, thread_scope)?;
        let (post_begin, post, post_recurse) =
            self.post_part(stmt, var, max, &middle, body, thread_scope)?;
        let s = if !thread_scope {
            let mut mid = None;
            let (mut pre, mut post) = (pre, post);
            if !self.analyzer.can_prove(&cmp(CmpOp::Ge, &body_begin, &post_begin)?) {
                let simplified = eliminate_conditions(body, &conds, cond_value)?;
                let new_body = substitute_stmt(&simplified, var, &shifted(var, &body_begin)?)?;
                let extent = ops::sub(post_begin.clone(), body_begin.clone())?;
                let mid_stmt = self.make_for(stmt, extent, new_body)?;
                mid = Some(self.visit_and_mutate(&mid_stmt)?);
                if pre.is_some() || post.is_some() {
                    if let Some(p) = pre.as_ref().filter(|_| pre_recurse) {
                        pre = Some(self.visit_and_mutate(p)?);
                    }
                    if let Some(p) = post.as_ref().filter(|_| post_recurse) {
                        post = Some(self.visit_and_mutate(p)?);
                    }
                }
            }
            Stmt::seq([pre, mid, post].into_iter().flatten().collect())
        } else {
            let mut cond = PrimExpr::bool(true);
            if !self.analyzer.can_prove(&cmp(CmpOp::Eq, &body_begin, min)?) {
                let lower = cmp(CmpOp::Ge, &PrimExpr::var(var), &body_begin)?;
                cond = ops::logical_and(cond, lower)?;
            }
            let end = ops::add(max.clone(), one(max))?;
            if !self.analyzer.can_prove(&cmp(CmpOp::Eq, &post_begin, &end)?) {
                let upper = cmp(CmpOp::Lt, &PrimExpr::var(var), &post_begin)?;
                cond = ops::logical_and(cond, upper)?;
            }
            let mut innermost = false;
            insert_thread_partition(stmt, &conds, &cond, &mut innermost)?
        };
        Ok(Some(convert_ssa_stmt(s)?))
    }

    /// The start of the middle range, the pre loop and whether it may be partitioned again.
    fn pre_part(
        &mut self,
        stmt: &Stmt,
        var: &Var,
        min: &PrimExpr,
        middle: &Interval,
        body: &Stmt,
        thread_scope: bool,
    ) -> Result<(PrimExpr, Option<Stmt>, bool), IrError> {
        let (true, Some(lower)) = (middle.has_lower_bound(), middle.min.finite()) else {
            return Ok((min.clone(), None, true));
        };
        let mut body_begin = self.analyzer.simplify(lower);
        let (mut pre, mut recurse) = (None, true);
        if !self.analyzer.can_prove(&cmp(CmpOp::Eq, &body_begin, min)?) {
            let extent = self.analyzer.simplify(&ops::sub(body_begin.clone(), min.clone())?);
            let zero = PrimExpr::int(0, extent.dtype());
            if !self.analyzer.can_prove(&cmp(CmpOp::Gt, &extent, &zero)?) {
                body_begin = ops::max(body_begin, min.clone())?;
                recurse = false;
            }
            if !self.analyzer.can_prove(&cmp(CmpOp::Le, &extent, &zero)?) && !thread_scope {
                let pre_body = substitute_stmt(body, var, &shifted(var, min)?)?;
                let pre_extent = ops::sub(body_begin.clone(), min.clone())?;
                pre = Some(self.make_for(stmt, pre_extent, pre_body)?);
            }
        }
        Ok((body_begin, pre, recurse))
    }

    /// The end of the middle range, the post loop and whether it may be partitioned again.
    fn post_part(
        &mut self,
        stmt: &Stmt,
        var: &Var,
        max: &PrimExpr,
        middle: &Interval,
        body: &Stmt,
        thread_scope: bool,
    ) -> Result<(PrimExpr, Option<Stmt>, bool), IrError> {
        let (true, Some(upper)) = (middle.has_upper_bound(), middle.max.finite()) else {
            return Ok((ops::add(max.clone(), one(max))?, None, true));
        };
        let mut post_begin = self.analyzer.simplify(&ops::add(upper.clone(), one(upper))?);
        let (mut post, mut recurse) = (None, true);
        if !self.analyzer.can_prove(&cmp(CmpOp::Eq, upper, max)?) {
            let span = ops::sub(max.clone(), post_begin.clone())?;
            let extent = self.analyzer.simplify(&ops::add(span, one(max))?);
            let zero = PrimExpr::int(0, extent.dtype());
            if !self.analyzer.can_prove(&cmp(CmpOp::Gt, &extent, &zero)?) {
                post_begin = ops::min(post_begin, ops::add(max.clone(), one(max))?)?;
                recurse = false;
            }
            if !self.analyzer.can_prove(&cmp(CmpOp::Le, &extent, &zero)?) && !thread_scope {
                let post_body = substitute_stmt(body, var, &shifted(var, &post_begin)?)?;
                post = Some(self.make_for(stmt, extent, post_body)?);
            }
        }
        Ok((post_begin, post, recurse))
    }

    /// A copy of the loop `stmt` over `[0, extent)` with `body`, or the body at var 0 for an
    /// extent of one (TVM's `MakeFor`).
    fn make_for(&mut self, stmt: &Stmt, extent: PrimExpr, body: Stmt) -> Result<Stmt, IrError> {
        let StmtNode::For(l) = stmt.node() else {
            return Err(IrError::invalid("loop partition: only loops are split into loops"));
        };
        let is_one = self.analyzer.can_prove(&cmp(CmpOp::Eq, &extent, &PrimExpr::i32(1))?);
        if is_one && !self.cfg.no_unroll_loop_with_extent_one && l.annotations.is_empty() {
            let zero = PrimExpr::int(0, l.loop_var.dtype());
            return substitute_stmt(&body, &l.loop_var, &zero);
        }
        if l.kind == ForKind::ThreadBinding {
            return Err(IrError::invalid("loop partition: cannot split a thread binding loop"));
        }
        let min = PrimExpr::int(0, l.min.dtype());
        Ok(Stmt::from(For { min, extent, body, ..l.clone() }))
    }
}

/// Puts `if cond: <body, conds true> else: <body>` inside the innermost thread scope of `s`
/// (TVM's `ThreadPartitionInserter`).
fn insert_thread_partition(
    s: &Stmt,
    conds: &[PrimExpr],
    cond: &PrimExpr,
    innermost: &mut bool,
) -> Result<Stmt, IrError> {
    match s.node() {
        StmtNode::AttrStmt { node, attr_key, value, body } if attr_key == "thread_extent" => {
            *innermost = true;
            let mut out =
                map_stmt_children(s, &mut |c| insert_thread_partition(c, conds, cond, innermost))?;
            if *innermost {
                let then_case = eliminate_conditions(body, conds, true)?;
                let branch = Stmt::new(StmtNode::IfThenElse {
                    condition: cond.clone(),
                    then_case,
                    else_case: Some(body.clone()),
                });
                out = Stmt::new(StmtNode::AttrStmt {
                    node: node.clone(),
                    attr_key: attr_key.clone(),
                    value: value.clone(),
                    body: branch,
                });
            }
            *innermost = false;
            Ok(out)
        }
        _ => map_stmt_children(s, &mut |c| insert_thread_partition(c, conds, cond, innermost)),
    }
}

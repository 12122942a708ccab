//! RemoveNoOp (TVM v0.23 `tir.RemoveNoOp`, default configuration: no dataflow analysis): removes
//! statements that do nothing.
//!
//! Rules, applied bottom-up with an analyzer that knows the enclosing loop ranges, `let` values and
//! `if` conditions (TVM's `IRMutatorWithAnalyzer`):
//! - `T.evaluate(e)` without side effects (nothing beyond reading state) becomes `T.evaluate(0)`;
//! - a store of the value already there (`value - buf[idx]` simplifies to `0`, or `buf[idx] =
//!   buf[idx]` on the same data, offset, shape and strides) keeps only the side effects of its value
//!   and indices;
//! - a loop whose extent is provably `<= 0` or whose body is a no-op, an `Allocate` or attribute with
//!   a no-op body, and an `if` with no-op branches reduce to the side effects of their own
//!   expressions; an `if` with a constant condition becomes the taken branch; a no-op `then` with a
//!   live `else` becomes `if not cond: else`;
//! - a `let` whose body is a no-op or does not use its var is dropped (its value kept as an
//!   `evaluate` when it has side effects); a `DeclBuffer` whose buffer is unused is dropped;
//! - `pragma_debug_skip_region` attributes are removed with their body;
//! - sequences are flattened and lose their `T.evaluate(0)` members.
//!
//! Invariants: the output computes the same memory contents and calls as the input.

use super::unroll_loop::flatten_seq;
use crate::arith::{Analyzer, DomainMap, IntSet, eval_set, ops};
use crate::ir::mutate::map_stmt_children;
use crate::ir::visit::{walk_expr, walk_stmt, walk_stmt_exprs};
use crate::ir::{
    Buffer, CallEffectKind, Callee, CmpOp, Expr, IrError, PrimExpr, PrimFunc, Range, Stmt,
    StmtNode, Var,
};
use crate::transform::pass::Pass;

/// Removes the no-op statements of `func`.
pub fn remove_no_op(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut r = Remover { analyzer: Analyzer::new(), ranges: DomainMap::new() };
    let body = r.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.RemoveNoOp` (opt level 0, per function).
pub fn pass() -> Pass {
    Pass::prim_func("tir.RemoveNoOp", 0, |f, _| Ok(remove_no_op(f)?))
}

/// The strongest effect of any call in `e` (TVM's `SideEffect`): loads read state, calls to other
/// functions are opaque.
pub fn side_effect(e: &PrimExpr) -> u8 {
    let mut worst = rank(CallEffectKind::Pure);
    walk_expr(e, &mut |x| {
        let r = match x.expr() {
            Expr::BufferLoad { .. } => rank(CallEffectKind::ReadState),
            Expr::Call { op: Callee::Op(op), .. } => rank(op.def().effect),
            Expr::Call { op: Callee::Global(_), .. } => rank(CallEffectKind::Opaque),
            _ => rank(CallEffectKind::Pure),
        };
        worst = worst.max(r);
    });
    worst
}

/// TVM's numeric order of effect kinds (`kOpaque` equals `kUpdateState`).
fn rank(kind: CallEffectKind) -> u8 {
    match kind {
        CallEffectKind::ExprAnnotation => 0,
        CallEffectKind::Pure => 1,
        CallEffectKind::ReadState => 2,
        CallEffectKind::UpdateState | CallEffectKind::Opaque => 3,
        CallEffectKind::SpecialCallArg => 4,
        CallEffectKind::EmbedInfo => 5,
        CallEffectKind::ControlJump => 6,
    }
}

fn has_side_effect(e: &PrimExpr) -> bool {
    side_effect(e) > rank(CallEffectKind::ReadState)
}

/// `T.evaluate` of the effectful expressions among `values`, or a no-op.
fn make_evaluate(values: &[PrimExpr]) -> Stmt {
    let stmts: Vec<Stmt> =
        values.iter().filter(|e| has_side_effect(e)).map(|e| Stmt::evaluate(e.clone())).collect();
    match stmts.len() {
        0 => Stmt::no_op(),
        1 => stmts.into_iter().next().unwrap_or_else(Stmt::no_op),
        _ => Stmt::new(StmtNode::SeqStmt(stmts)),
    }
}

fn uses_var(s: &Stmt, v: &Var) -> bool {
    let mut found = false;
    walk_stmt_exprs(s, &mut |e| {
        walk_expr(e, &mut |x| found |= x.as_var() == Some(v));
    });
    found
}

fn uses_buffer(s: &Stmt, b: &Buffer) -> bool {
    let mut found = false;
    walk_stmt(s, &mut |x| {
        if let StmtNode::BufferStore { buffer, .. } | StmtNode::DeclBuffer { buffer, .. } = x.node()
        {
            found |= buffer == b;
        }
    });
    walk_stmt_exprs(s, &mut |e| {
        walk_expr(e, &mut |x| {
            if let Expr::BufferLoad { buffer, .. } = x.expr() {
                found |= buffer == b;
            }
        })
    });
    found
}

struct Remover {
    analyzer: Analyzer,
    ranges: DomainMap,
}

impl Remover {
    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::LetStmt { var, value, body } => {
                if side_effect(value) <= rank(CallEffectKind::Pure) {
                    self.analyzer.bind_value(var, value);
                }
                let body = self.stmt(body)?;
                if body.is_no_op() {
                    return Ok(make_evaluate(std::slice::from_ref(value)));
                }
                if !uses_var(&body, var) {
                    if has_side_effect(value) {
                        return Ok(flatten_seq(vec![Stmt::evaluate(value.clone()), body]));
                    }
                    return Ok(body);
                }
                Ok(Stmt::new(StmtNode::LetStmt { var: var.clone(), value: value.clone(), body }))
            }
            StmtNode::AttrStmt { attr_key, .. } if attr_key == "pragma_debug_skip_region" => {
                Ok(Stmt::no_op())
            }
            StmtNode::AttrStmt { node, attr_key, value, body } => {
                if (attr_key == "thread_extent" || attr_key == "virtual_thread")
                    && let crate::ir::AttrValue::IterVar(iv) = node
                {
                    let dom = Range::from_extent(value.clone());
                    self.analyzer.bind(&iv.var, &dom);
                }
                let body = self.stmt(body)?;
                if body.is_no_op() {
                    return Ok(make_evaluate(std::slice::from_ref(value)));
                }
                Ok(Stmt::new(StmtNode::AttrStmt {
                    node: node.clone(),
                    attr_key: attr_key.clone(),
                    value: value.clone(),
                    body,
                }))
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                self.if_then_else(condition, then_case, else_case.as_ref())
            }
            StmtNode::For(l) => {
                let range = eval_set(&l.extent, &self.ranges);
                if let Some(max) = &range.max
                    && let Ok(le) =
                        ops::compare(CmpOp::Le, max.clone(), PrimExpr::int(0, max.dtype()))
                    && self.analyzer.can_prove(&le)
                {
                    return Ok(Stmt::no_op());
                }
                let dom = Range::new(l.min.clone(), l.extent.clone());
                self.ranges.insert(l.loop_var.clone(), IntSet::from_range(&dom));
                self.analyzer.bind(&l.loop_var, &dom);
                let body = self.stmt(&l.body);
                self.ranges.remove(&l.loop_var);
                let body = body?;
                if l.extent.as_int() == Some(0) {
                    return Ok(Stmt::no_op());
                }
                if body.is_no_op() {
                    return Ok(make_evaluate(&[l.min.clone(), l.extent.clone()]));
                }
                Ok(Stmt::from(crate::ir::For { body, ..l.clone() }))
            }
            StmtNode::Allocate { extents, .. } => {
                let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
                match s.node() {
                    StmtNode::Allocate { body, .. } if body.is_no_op() => {
                        Ok(make_evaluate(extents))
                    }
                    _ => Ok(s),
                }
            }
            StmtNode::Evaluate(e) => Ok(if has_side_effect(e) { s.clone() } else { Stmt::no_op() }),
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                self.store(s, buffer, value, indices, predicate.as_ref())
            }
            StmtNode::DeclBuffer { buffer, body } => {
                let body = self.stmt(body)?;
                if uses_buffer(&body, buffer) {
                    Ok(Stmt::new(StmtNode::DeclBuffer { buffer: buffer.clone(), body }))
                } else {
                    Ok(body)
                }
            }
            StmtNode::SeqStmt(seq) => {
                let mut out = Vec::with_capacity(seq.len());
                for c in seq {
                    out.push(self.stmt(c)?);
                }
                Ok(flatten_seq(out))
            }
            StmtNode::AssertStmt { condition, message, body } => {
                let body = self.under(condition, body)?;
                Ok(Stmt::new(StmtNode::AssertStmt {
                    condition: condition.clone(),
                    message: message.clone(),
                    body,
                }))
            }
            _ => map_stmt_children(s, &mut |c| self.stmt(c)),
        }
    }

    fn if_then_else(
        &mut self,
        condition: &PrimExpr,
        then_case: &Stmt,
        else_case: Option<&Stmt>,
    ) -> Result<Stmt, IrError> {
        let real = match condition.expr() {
            Expr::Call { op: Callee::Op(op), args } if op.name() == "likely" && args.len() == 1 => {
                args[0].clone()
            }
            _ => condition.clone(),
        };
        let then_new = self.under(&real, then_case)?;
        let else_new = match else_case {
            Some(e) => {
                let not = self.analyzer.rewrite_simplify(&PrimExpr::not(real.clone())?);
                Some(self.under(&not, e)?)
            }
            None => None,
        };
        match real.as_int() {
            Some(0) => return Ok(else_new.unwrap_or_else(Stmt::no_op)),
            Some(_) => return Ok(then_new),
            None => {}
        }
        let cond = condition.clone();
        match else_new {
            Some(else_new) => {
                let (no_else, no_then) = (else_new.is_no_op(), then_new.is_no_op());
                if no_else && no_then {
                    Ok(make_evaluate(std::slice::from_ref(&cond)))
                } else if no_else {
                    Ok(if_stmt(cond, then_new, None))
                } else if no_then {
                    Ok(if_stmt(PrimExpr::not(cond)?, else_new, None))
                } else {
                    Ok(if_stmt(cond, then_new, Some(else_new)))
                }
            }
            None if then_new.is_no_op() => Ok(make_evaluate(std::slice::from_ref(&cond))),
            None => Ok(if_stmt(cond, then_new, None)),
        }
    }

    /// Visits `s` with `constraint` assumed.
    fn under(&mut self, constraint: &PrimExpr, s: &Stmt) -> Result<Stmt, IrError> {
        let mut analyzer = std::mem::take(&mut self.analyzer);
        let out = analyzer.with_constraint(constraint, |a| {
            std::mem::swap(&mut self.analyzer, a);
            let r = self.stmt(s);
            std::mem::swap(&mut self.analyzer, a);
            r
        });
        self.analyzer = analyzer;
        out
    }

    fn store(
        &mut self,
        s: &Stmt,
        buffer: &Buffer,
        value: &PrimExpr,
        indices: &[PrimExpr],
        predicate: Option<&PrimExpr>,
    ) -> Result<Stmt, IrError> {
        let only_side_effects = |this: &mut Remover| -> Result<Stmt, IrError> {
            let mut parts = vec![Stmt::evaluate(value.clone())];
            parts.extend(indices.iter().map(|i| Stmt::evaluate(i.clone())));
            let mut out = Vec::with_capacity(parts.len());
            for p in parts {
                out.push(this.stmt(&p)?);
            }
            Ok(flatten_seq(out))
        };
        let load = PrimExpr::new(
            crate::ir::expr::load_dtype(buffer, indices),
            Expr::BufferLoad {
                buffer: buffer.clone(),
                indices: indices.to_vec(),
                predicate: predicate.cloned(),
            },
        )?;
        if let Ok(diff) = ops::sub(value.clone(), load)
            && let Ok(eq) = ops::compare(CmpOp::Eq, diff.clone(), zero_like(&diff))
            && is_one(&self.analyzer.simplify(&eq))
        {
            return only_side_effects(self);
        }
        if let Expr::BufferLoad { buffer: lb, indices: li, .. } = value.expr()
            && lb.data() == buffer.data()
            && self.equal(lb.elem_offset(), buffer.elem_offset())
            && self.all_equal(lb.shape(), buffer.shape())
            && self.all_equal(lb.strides(), buffer.strides())
            && self.all_equal(li, indices)
        {
            return only_side_effects(self);
        }
        Ok(s.clone())
    }

    fn equal(&mut self, a: &PrimExpr, b: &PrimExpr) -> bool {
        self.analyzer.can_prove_equal(a, b)
    }

    fn all_equal(&mut self, a: &[PrimExpr], b: &[PrimExpr]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| self.equal(x, y))
    }
}

fn zero_like(e: &PrimExpr) -> PrimExpr {
    let scalar = e.dtype().element_of();
    let zero =
        if scalar.is_floating() { PrimExpr::float(0.0, scalar) } else { PrimExpr::int(0, scalar) };
    if e.dtype().is_vector() {
        ops::broadcast(zero.clone(), e.dtype().lanes).unwrap_or(zero)
    } else {
        zero
    }
}

fn is_one(e: &PrimExpr) -> bool {
    match e.expr() {
        Expr::IntImm(v) => *v == 1,
        Expr::Broadcast { value, .. } => value.as_int() == Some(1),
        _ => false,
    }
}

fn if_stmt(condition: PrimExpr, then_case: Stmt, else_case: Option<Stmt>) -> Stmt {
    Stmt::new(StmtNode::IfThenElse { condition, then_case, else_case })
}

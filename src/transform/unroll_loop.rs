//! UnrollLoop (TVM v0.23 `tir.UnrollLoop`): unrolls `T.unroll` loops and, by configuration, small
//! serial loops.
//!
//! Configuration (`UnrollConfig`, TVM's `tir.UnrollLoop` config with its defaults):
//! `auto_max_step` 0, `auto_max_depth` 8, `auto_max_extent` 0, `explicit_unroll` true,
//! `unroll_local_access` false; the pass context keys `tir.UnrollLoop.auto_max_step` etc. override
//! them. `pragma_auto_unroll_max_step` / `pragma_unroll_explicit` attributes override the first and
//! fourth inside their bodies (the attribute itself is dropped, as in TVM).
//!
//! Loops are visited post-order. A loop is unrolled when it is `T.unroll`, or when it is serial
//! with a constant extent, not inside a non-unrolled loop of its sequence element, at most
//! `auto_max_depth` unrolled loops deep, and `extent * steps <= auto_max_step` or
//! `extent <= auto_max_extent` (steps: the stores and evaluates in its body, times the extents of
//! unrolled loops inside). With `explicit_unroll` the loop is replaced by one copy of its body per
//! iteration (the loop var substituted by `min + k`, no-ops dropped); otherwise it is only marked
//! `T.unroll`. Loops of extent 0 become `T.evaluate(0)`. When anything changed, the result goes
//! through `convert_ssa` so each copy defines its own variables.
//!
//! Divergence from TVM v0.23: a loop marked `irregular_loop_mark` (by AnnotateIrregularLoop: it
//! contains `break` or `continue`) is never unrolled. TVM's pass does not look at the mark, so with
//! an auto-unroll configuration it copies such a body out and its jumps then leave the wrong loop
//! (or no loop at all).

use std::collections::HashMap;

use super::annotate_irregular_loop::is_irregular;
use super::block_lowering_util::map_stmt_tree_exprs;
use super::convert_ssa::convert_ssa;
use crate::arith::{Analyzer, ops};
use crate::ir::mutate::{map_stmt_children, substitute};
use crate::ir::{For, ForKind, IrError, PrimExpr, PrimFunc, Stmt, StmtNode};
use crate::transform::context::PassContext;
use crate::transform::pass::Pass;

/// TVM's `UnrollLoopConfig`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnrollConfig {
    pub auto_max_step: i64,
    pub auto_max_depth: i64,
    pub auto_max_extent: i64,
    pub explicit_unroll: bool,
    pub unroll_local_access: bool,
}

impl Default for UnrollConfig {
    fn default() -> UnrollConfig {
        UnrollConfig {
            auto_max_step: 0,
            auto_max_depth: 8,
            auto_max_extent: 0,
            explicit_unroll: true,
            unroll_local_access: false,
        }
    }
}

impl UnrollConfig {
    /// The defaults, overridden by `tir.UnrollLoop.<field>` entries of the context.
    pub fn from_context(ctx: &PassContext) -> UnrollConfig {
        let mut cfg = UnrollConfig::default();
        let int = |key: &str, default: i64| {
            ctx.config_int(&format!("tir.UnrollLoop.{key}")).unwrap_or(default)
        };
        let flag = |key: &str, default: bool| match ctx.config(&format!("tir.UnrollLoop.{key}")) {
            Some(_) => ctx.config_bool(&format!("tir.UnrollLoop.{key}")),
            None => default,
        };
        cfg.auto_max_step = int("auto_max_step", cfg.auto_max_step);
        cfg.auto_max_depth = int("auto_max_depth", cfg.auto_max_depth);
        cfg.auto_max_extent = int("auto_max_extent", cfg.auto_max_extent);
        cfg.explicit_unroll = flag("explicit_unroll", cfg.explicit_unroll);
        cfg.unroll_local_access = flag("unroll_local_access", cfg.unroll_local_access);
        cfg
    }
}

/// Unrolls the loops of `func` as configured.
pub fn unroll_loop(func: PrimFunc, cfg: UnrollConfig) -> Result<PrimFunc, IrError> {
    let mut u = Unroller {
        cfg,
        normal_loop_depth: 0,
        unroll_depth: 0,
        step_count: 0,
        touched_local: std::collections::HashSet::new(),
        analyzer: Analyzer::new(),
    };
    let body = u.stmt(&func.body)?;
    if body.ptr_eq(&func.body) {
        return Ok(func);
    }
    convert_ssa(PrimFunc { body, ..func })
}

/// The pass `tir.UnrollLoop` (opt level 0), configured from the context.
pub fn pass() -> Pass {
    Pass::prim_func("tir.UnrollLoop", 0, |f, ctx| {
        Ok(unroll_loop(f, UnrollConfig::from_context(ctx))?)
    })
}

struct Unroller {
    cfg: UnrollConfig,
    normal_loop_depth: i64,
    unroll_depth: i64,
    step_count: i64,
    touched_local: std::collections::HashSet<crate::ir::Var>,
    analyzer: Analyzer,
}

impl Unroller {
    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::AttrStmt { attr_key, value, body, .. }
                if attr_key == "pragma_auto_unroll_max_step"
                    || attr_key == "pragma_unroll_explicit" =>
            {
                let v = value.as_int().ok_or_else(|| {
                    IrError::invalid(format!("`{attr_key}` needs a constant integer value"))
                })?;
                let saved = self.cfg;
                if attr_key == "pragma_auto_unroll_max_step" {
                    self.cfg.auto_max_step = v;
                } else {
                    self.cfg.explicit_unroll = v != 0;
                }
                let out = self.stmt(body);
                self.cfg.auto_max_step = saved.auto_max_step;
                self.cfg.explicit_unroll = saved.explicit_unroll;
                out
            }
            StmtNode::For(_) => self.for_loop(s),
            StmtNode::BufferStore { buffer, indices, .. } => {
                self.step_count += 1;
                if self.cfg.unroll_local_access && is_local(buffer.scope()) {
                    self.mark_local(indices);
                }
                self.mark_loads(s);
                Ok(s.clone())
            }
            StmtNode::Evaluate(_) => {
                self.step_count += 1;
                self.mark_loads(s);
                Ok(s.clone())
            }
            StmtNode::SeqStmt(seq) => {
                let mut out = Vec::with_capacity(seq.len());
                let mut changed = false;
                for child in seq {
                    let (steps, depth, normal) =
                        (self.step_count, self.unroll_depth, self.normal_loop_depth);
                    self.step_count = 0;
                    self.unroll_depth = 0;
                    self.normal_loop_depth = 0;
                    let new = self.stmt(child)?;
                    self.step_count += steps;
                    self.normal_loop_depth = self.normal_loop_depth.max(normal);
                    self.unroll_depth = self.unroll_depth.max(depth);
                    changed |= !new.ptr_eq(child);
                    out.push(new);
                }
                Ok(if changed { Stmt::new(StmtNode::SeqStmt(out)) } else { s.clone() })
            }
            _ => {
                self.mark_loads(s);
                map_stmt_children(s, &mut |c| self.stmt(c))
            }
        }
    }

    /// Records the vars used to index local buffers in the loads of `s`'s own expressions.
    fn mark_loads(&mut self, s: &Stmt) {
        if !self.cfg.unroll_local_access {
            return;
        }
        let mut stmts = Vec::new();
        let mut exprs = Vec::new();
        crate::ir::visit::stmt_parts(s, &mut stmts, &mut exprs);
        let mut found = Vec::new();
        for e in exprs {
            crate::ir::visit::walk_expr(e, &mut |x| {
                if let crate::ir::Expr::BufferLoad { buffer, indices, .. } = x.expr()
                    && is_local(buffer.scope())
                {
                    found.extend(indices.iter().cloned());
                }
            });
        }
        self.mark_local(&found);
    }

    fn mark_local(&mut self, indices: &[PrimExpr]) {
        for i in indices {
            crate::ir::visit::walk_expr(i, &mut |x| {
                if let Some(v) = x.as_var() {
                    self.touched_local.insert(v.clone());
                }
            });
        }
    }

    /// The constant extent of a loop that fits an `i32`, or -1.
    fn extent(&mut self, l: &For) -> i64 {
        match self.analyzer.simplify(&l.extent).as_int() {
            Some(v) if v <= i64::from(i32::MAX) => v,
            _ => -1,
        }
    }

    fn for_loop(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
        let StmtNode::For(l) = s.node() else { return Ok(s) };
        let value = self.extent(l);
        let mut auto_unroll = l.kind == ForKind::Serial
            && value >= 0
            && self.normal_loop_depth == 0
            && self.unroll_depth <= self.cfg.auto_max_depth;
        auto_unroll = auto_unroll
            && (value.saturating_mul(self.step_count) <= self.cfg.auto_max_step
                || value <= self.cfg.auto_max_extent);
        if l.kind == ForKind::Unrolled {
            if value < 0 {
                return Err(IrError::invalid(format!(
                    "cannot unroll loop `{}`: its extent is not a constant",
                    l.loop_var.name()
                )));
            }
            auto_unroll = true;
        }
        if self.touched_local.contains(&l.loop_var) && value > 0 && self.cfg.unroll_local_access {
            auto_unroll = true;
        }
        if is_irregular(l) {
            // A loop that breaks or continues cannot be copied out iteration by iteration: its
            // jumps would leave the wrong loop (see the module docs; TVM v0.23 does not check).
            auto_unroll = false;
        }
        if auto_unroll && l.step.as_ref().is_some_and(|s| s.as_int() != Some(1)) {
            // TVM's CanonicalizeLoop removes steps before this pass; unrolling assumes none.
            return Err(IrError::invalid(format!(
                "cannot unroll loop `{}`: it has a step (run CanonicalizeLoop first)",
                l.loop_var.name()
            )));
        }
        if auto_unroll {
            self.step_count = self.step_count.saturating_mul(value);
            self.unroll_depth += 1;
        } else {
            self.normal_loop_depth += 1;
        }
        let unit_rule = 0 <= value
            && value <= self.cfg.auto_max_extent
            && self.cfg.auto_max_extent == 1
            && !is_irregular(l);
        if (auto_unroll && self.cfg.explicit_unroll) || unit_rule {
            return unroll(l, value);
        }
        if auto_unroll && l.kind != ForKind::Unrolled {
            return Ok(Stmt::from(For { kind: ForKind::Unrolled, ..l.clone() }));
        }
        Ok(s)
    }
}

/// Whether a storage scope is register-like (`local*` or `warp*`).
fn is_local(scope: &str) -> bool {
    scope.starts_with("local") || scope.starts_with("warp")
}

/// One copy of the body per iteration, flattened with no-ops removed (TVM's `SeqStmt::Flatten`).
fn unroll(l: &For, extent: i64) -> Result<Stmt, IrError> {
    if extent < 0 {
        return Err(IrError::invalid("loop doesn't have a constant integer extent"));
    }
    let mut copies = Vec::with_capacity(usize::try_from(extent).unwrap_or(0));
    for k in 0..extent {
        let value = ops::add(l.min.clone(), PrimExpr::int(k, l.loop_var.dtype()))?;
        let map = HashMap::from([(l.loop_var.clone(), value)]);
        copies.push(map_stmt_tree_exprs(&l.body, &mut |e| Ok(substitute(e, &map)))?);
    }
    Ok(flatten_seq(copies))
}

/// TVM's `SeqStmt::Flatten`: nested sequences spliced, `T.evaluate(0)` dropped, one statement
/// alone, none a no-op.
pub fn flatten_seq(stmts: Vec<Stmt>) -> Stmt {
    fn push(out: &mut Vec<Stmt>, s: Stmt) {
        match s.node() {
            StmtNode::SeqStmt(inner) => {
                for c in inner {
                    push(out, c.clone());
                }
            }
            StmtNode::Evaluate(e) if e.as_int() == Some(0) => {}
            _ => out.push(s),
        }
    }
    let mut out = Vec::new();
    for s in stmts {
        push(&mut out, s);
    }
    match out.len() {
        0 => Stmt::no_op(),
        1 => out.pop().unwrap_or_else(Stmt::no_op),
        _ => Stmt::new(StmtNode::SeqStmt(out)),
    }
}

//! LoopPartition (TVM v0.23 `tir.LoopPartition`): splits loops so that conditions on the loop var
//! become constant in each part.
//!
//! Configuration (`LoopPartitionConfig`, TVM's `tir.LoopPartition` config object, all false by
//! default) is read from the pass context keys `tir.LoopPartition.partition_const_loop`,
//! `tir.LoopPartition.no_unroll_loop_with_extent_one` and
//! `tir.LoopPartition.unroll_loop_with_partition_hint_no_interval` (the flat form of TVM's
//! `{"tir.LoopPartition": {...}}`, as the UnrollLoop options are).
//!
//! The pass (see the submodules): `candidates` selects the loops to try (hinted by
//! `pragma_loop_partition_hint`, or with non-constant bounds, or any bounds with
//! `partition_const_loop`, and a `T.likely` condition on their var); `finder` finds, for each
//! condition on the loop var, the interval where it is true or false (`deduce_bound`, over
//! `interval`s); `partitioner` splits the loop into pre, middle and post loops, replaces the
//! decided conditions by constants in the middle one, and recurses. Finally every `T.likely(c)`
//! and `T.ignore_loop_partition(c)` becomes `c` and every `pragma_loop_partition_hint` attribute
//! is removed, as TVM's `RemoveLikelyTagsAndHints`. The pass does not simplify: decided
//! conditions stay as `True`/`False` for a later Simplify, exactly as TVM leaves them.
//!
//! Where TVM's behaviour depends on hash-map order (the partitions of a loop are kept in an
//! unordered map keyed by node address), conditions are taken in the order they are found in the
//! body. Invariant: the output defines each variable once within each partitioned loop nest.

mod candidates;
mod deduce_bound;
mod finder;
mod interval;
mod partitioner;

use crate::ir::{Callee, Expr, IrError, PrimExpr, PrimFunc, Stmt, StmtNode};
use crate::transform::block_lowering_util::{map_stmt_exprs, rewrite_expr};
use crate::transform::context::PassContext;
use crate::transform::pass::Pass;

/// TVM's `LoopPartitionConfig`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoopPartitionConfig {
    /// Also partition loops with constant bounds.
    pub partition_const_loop: bool,
    /// Keep a part of extent one as a loop instead of substituting its var.
    pub no_unroll_loop_with_extent_one: bool,
    /// Turn a hinted loop without a usable interval into a `T.unroll` loop.
    pub unroll_loop_with_partition_hint_no_interval: bool,
}

/// The pass context keys of the config fields.
pub const CONFIG_KEYS: [&str; 3] = [
    "tir.LoopPartition.partition_const_loop",
    "tir.LoopPartition.no_unroll_loop_with_extent_one",
    "tir.LoopPartition.unroll_loop_with_partition_hint_no_interval",
];

impl LoopPartitionConfig {
    /// The defaults, overridden by the `tir.LoopPartition.<field>` entries of the context.
    pub fn from_context(ctx: &PassContext) -> LoopPartitionConfig {
        let [partition_const_loop, no_unroll_loop_with_extent_one, unroll_no_interval] =
            CONFIG_KEYS.map(|key| ctx.config_bool(key));
        LoopPartitionConfig {
            partition_const_loop,
            no_unroll_loop_with_extent_one,
            unroll_loop_with_partition_hint_no_interval: unroll_no_interval,
        }
    }
}

/// Partitions the loops of `func` as configured.
pub fn loop_partition(func: PrimFunc, cfg: LoopPartitionConfig) -> Result<PrimFunc, IrError> {
    let partitioned = partitioner::LoopPartitioner::new(cfg).visit_and_mutate(&func.body)?;
    let body = remove_likely_tags_and_hints(&partitioned)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.LoopPartition` (opt level 0), configured from the context.
pub fn pass() -> Pass {
    Pass::prim_func("tir.LoopPartition", 0, |f, ctx| {
        Ok(loop_partition(f, LoopPartitionConfig::from_context(ctx))?)
    })
}

fn strip_tag(e: &PrimExpr) -> Result<PrimExpr, IrError> {
    match e.expr() {
        Expr::Call { op: Callee::Op(op), args }
            if args.len() == 1 && matches!(op.name(), "likely" | "ignore_loop_partition") =>
        {
            Ok(args[0].clone())
        }
        _ => Ok(e.clone()),
    }
}

/// Drops `T.likely`, `T.ignore_loop_partition` and `pragma_loop_partition_hint` attributes.
fn remove_likely_tags_and_hints(s: &Stmt) -> Result<Stmt, IrError> {
    if let StmtNode::AttrStmt { attr_key, body, .. } = s.node()
        && attr_key == "pragma_loop_partition_hint"
    {
        return remove_likely_tags_and_hints(body);
    }
    let with_children = crate::ir::mutate::map_stmt_children(s, &mut remove_likely_tags_and_hints)?;
    let rebuilt = match with_children.node() {
        StmtNode::SeqStmt(seq) if !with_children.ptr_eq(s) => Stmt::seq(seq.clone()),
        _ => with_children,
    };
    map_stmt_exprs(&rebuilt, &mut |e| rewrite_expr(e, &mut strip_tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_reads_the_flat_context_keys() {
        let mut ctx = PassContext::new();
        assert_eq!(LoopPartitionConfig::from_context(&ctx), LoopPartitionConfig::default());
        ctx.set_config_text("tir.LoopPartition.partition_const_loop", "true").unwrap();
        let cfg = LoopPartitionConfig::from_context(&ctx);
        assert!(cfg.partition_const_loop && !cfg.no_unroll_loop_with_extent_one);
    }
}

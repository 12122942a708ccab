//! CanonicalizeLoop (TVM v0.23 `tir.CanonicalizeLoop`): every loop starts at zero with step one.
//!
//! A loop `for i in range(min, min + extent, step)` (a non-zero `min` or a step other than one)
//! becomes `for i in range(ceildiv(extent, step))` (the extent simplified), and each use of `i`
//! in its body becomes `i * step + min` (built with TVM's constant-folding operators, so a step of
//! one or a zero `min` leaves no trace). The loop keeps its kind, thread binding and annotations.
//! Loops already at zero with step one are kept, with only the uses of outer rewritten loop vars
//! replaced (in block bindings, regions, conditions, ... as TVM's `StmtExprMutator`).
//!
//! A step that is not provably at least one is an error, as TVM's fatal check (such a loop would
//! not terminate).
//!
//! Divergence from TVM: TVM does not rewrite an outer loop var inside the `min`, `extent` or
//! step of a nested non-canonical loop (nor inside the `min` it substitutes), so a loop whose
//! bounds depend on an outer shifted loop var would change meaning there. Here those expressions
//! are rewritten too, which is what TVM's output means to compute.

use std::collections::HashMap;

use super::block_lowering_util::map_stmt_exprs;
use crate::arith::{Analyzer, ops};
use crate::ir::mutate::{map_stmt_children, substitute};
use crate::ir::{For, IrError, PrimExpr, PrimFunc, Stmt, StmtNode, Var};
use crate::print::{PrintOptions, print_expr};
use crate::transform::pass::Pass;

/// Rewrites every loop of `func` to start at zero with step one.
pub fn canonicalize_loop(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut rewrites = HashMap::new();
    let body = canonicalize(&func.body, &mut rewrites)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.CanonicalizeLoop` (opt level 0, per function).
pub fn pass() -> Pass {
    Pass::prim_func("tir.CanonicalizeLoop", 0, |f, _| Ok(canonicalize_loop(f)?))
}

/// `s` with its loops canonical; `rewrites` maps each enclosing rewritten loop var to the
/// expression of its original value.
fn canonicalize(s: &Stmt, rewrites: &mut HashMap<Var, PrimExpr>) -> Result<Stmt, IrError> {
    let StmtNode::For(l) = s.node() else {
        let s = map_stmt_children(s, &mut |c| canonicalize(c, rewrites))?;
        return map_stmt_exprs(&s, &mut |e| Ok(substitute(e, rewrites)));
    };
    let trivial_step = l.step.as_ref().is_none_or(|step| step.as_int() == Some(1));
    if l.min.as_int() == Some(0) && trivial_step {
        let s = map_stmt_children(s, &mut |c| canonicalize(c, rewrites))?;
        return map_stmt_exprs(&s, &mut |e| Ok(substitute(e, rewrites)));
    }
    let dtype = l.loop_var.dtype();
    let min = substitute(&l.min, rewrites);
    let extent = substitute(&l.extent, rewrites);
    let step = match &l.step {
        Some(step) => substitute(step, rewrites),
        None => PrimExpr::int(1, dtype),
    };
    let mut analyzer = Analyzer::new();
    if !analyzer.can_prove_greater_equal(&step, 1) {
        return Err(IrError::invalid(format!(
            "loop step for `{}` may not be positive: {}",
            l.loop_var.name(),
            print_expr(&step, &PrintOptions::default())
        )));
    }
    // `ceildiv(extent, step)` as TVM's `ceildiv`: `floordiv(extent + step - 1, step)`.
    let numerator = ops::sub(ops::add(extent, step.clone())?, PrimExpr::int(1, step.dtype()))?;
    let new_extent = analyzer.simplify(&ops::floordiv(numerator, step.clone())?);
    let original = ops::add(ops::mul(PrimExpr::var(&l.loop_var), step)?, min)?;
    rewrites.insert(l.loop_var.clone(), original);
    let body = canonicalize(&l.body, rewrites);
    rewrites.remove(&l.loop_var);
    Ok(Stmt::new(StmtNode::For(For {
        min: PrimExpr::int(0, dtype),
        extent: new_extent,
        step: None,
        body: body?,
        ..l.clone()
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::print_stmt;

    /// An inner loop whose bounds use an outer shifted loop var sees the var's original value
    /// there too (TVM leaves `i` unshifted in the inner bounds; see the module docs).
    #[test]
    fn inner_bounds_see_the_outer_original_value() {
        let source = "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(A: T.Buffer((16,), \"int32\")):\n    for i in range(1, 5):\n        for j in range(i, 8):\n            A[j] = i\n";
        let parsed = crate::eval::parse_script("test.tir", source);
        let module = parsed.module.expect("the test program parses");
        let (_, func) = module.functions().next().expect("one function");
        let canonical = canonicalize_loop((**func).clone()).expect("the pass succeeds");
        let printed = print_stmt(&canonical.body, &PrintOptions::default());
        // The body printed alone declares its free buffer; that line is skipped.
        let lines: Vec<&str> = printed.lines().filter(|l| !l.contains("T.Buffer")).collect();
        let expected =
            ["for i in range(4):", "    for j in range(7 - i):", "        A[j + (i + 1)] = i + 1"];
        assert_eq!(lines, expected);
    }
}

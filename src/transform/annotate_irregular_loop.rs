//! AnnotateIrregularLoop (TVM v0.23 `tir.AnnotateIrregularLoop`): marks loops that `break` or
//! `continue`.
//!
//! A `for` loop whose body evaluates `T.break_loop()` or `T.continue_loop()` (what `break` and
//! `continue` become) gets the annotation `irregular_loop_mark = 1`, so later passes know its
//! iterations may not all run: LowerOpaqueBlock keeps such a loop even when its extent is one,
//! and UnrollLoop leaves it rolled.
//!
//! A jump belongs to its innermost enclosing loop only: a `break` inside an inner `for` or a
//! `while` marks that loop (a `while` has no annotations and is left as it is) and not the loops
//! around it. A jump reached through `if` statements, `let`s, attributes, allocations or blocks
//! still belongs to the loop around them. Only a jump evaluated as a statement counts, as in TVM.
//!
//! Errors, as TVM's checks: an irregular loop must be serial (a parallel, vectorized, unrolled or
//! thread-bound loop cannot stop early), and must not carry `pragma_auto_unroll_max_step`,
//! `pragma_unroll_explicit`, `pragma_loop_partition_hint` or `software_pipeline_stage`, whose
//! transformations assume every iteration runs.

use crate::ir::mutate::map_stmt_children;
use crate::ir::{AttrValue, Callee, Expr, For, ForKind, IrError, PrimFunc, Stmt, StmtNode};
use crate::transform::pass::Pass;

/// The annotation key of a loop that may stop or skip iterations early.
pub const IRREGULAR_LOOP_MARK: &str = "irregular_loop_mark";

/// Loop annotations whose transformations are invalid for an irregular loop.
const FORBIDDEN_ANNOTATIONS: [&str; 4] = [
    "pragma_auto_unroll_max_step",
    "pragma_unroll_explicit",
    "pragma_loop_partition_hint",
    "software_pipeline_stage",
];

/// Marks every loop of `func` that directly contains a `break` or `continue`.
pub fn annotate_irregular_loop(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut has_jump = false;
    let body = annotate(&func.body, &mut has_jump)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.AnnotateIrregularLoop` (opt level 0, per function).
pub fn pass() -> Pass {
    Pass::prim_func("tir.AnnotateIrregularLoop", 0, |f, _| Ok(annotate_irregular_loop(f)?))
}

/// Whether `l` carries the irregular loop mark.
pub fn is_irregular(l: &For) -> bool {
    l.annotations.contains_key(IRREGULAR_LOOP_MARK)
}

/// `s` with its irregular loops marked; sets `has_jump` when `s` contains a jump that belongs to
/// the loop around `s` (one not inside a loop of its own).
fn annotate(s: &Stmt, has_jump: &mut bool) -> Result<Stmt, IrError> {
    match s.node() {
        StmtNode::Evaluate(value) => {
            if is_jump(value) {
                *has_jump = true;
            }
            Ok(s.clone())
        }
        StmtNode::For(l) => {
            let mut body_jumps = false;
            let body = annotate(&l.body, &mut body_jumps)?;
            if !body_jumps {
                return Ok(if body.ptr_eq(&l.body) {
                    s.clone()
                } else {
                    Stmt::from(For { body, ..l.clone() })
                });
            }
            check_can_be_irregular(l)?;
            let mut annotations = l.annotations.clone();
            annotations.insert(IRREGULAR_LOOP_MARK, AttrValue::Int(1));
            Ok(Stmt::from(For { body, annotations, ..l.clone() }))
        }
        StmtNode::While { .. } => {
            // A jump inside a `while` belongs to it; `while` loops carry no annotations.
            let mut body_jumps = false;
            map_stmt_children(s, &mut |c| annotate(c, &mut body_jumps))
        }
        _ => map_stmt_children(s, &mut |c| annotate(c, has_jump)),
    }
}

/// Whether `s` evaluates `T.break_loop()` or `T.continue_loop()` anywhere inside.
pub fn contains_jump(s: &Stmt) -> bool {
    let mut found = false;
    crate::ir::visit::walk_stmt(s, &mut |x| {
        found |= matches!(x.node(), StmtNode::Evaluate(value) if is_jump(value));
    });
    found
}

/// Whether `value` is a call of `tir.break_loop` or `tir.continue_loop`.
fn is_jump(value: &crate::ir::PrimExpr) -> bool {
    match value.expr() {
        Expr::Call { op: Callee::Op(op), .. } => {
            matches!(op.name(), "break_loop" | "continue_loop")
        }
        _ => false,
    }
}

/// TVM's checks on a loop that jumps: serial, without annotations that assume full iterations.
fn check_can_be_irregular(l: &For) -> Result<(), IrError> {
    if l.kind != ForKind::Serial {
        return Err(IrError::invalid(format!(
            "Loop kind {} is invalid for irregular loop {}",
            kind_name(l.kind),
            l.loop_var.name()
        )));
    }
    if let Some(key) = FORBIDDEN_ANNOTATIONS.iter().find(|k| l.annotations.contains_key(k)) {
        return Err(IrError::invalid(format!(
            "Annotation `{key}` is invalid for irregular loop {}",
            l.loop_var.name()
        )));
    }
    Ok(())
}

/// TVM's `ForKind2String`.
fn kind_name(kind: ForKind) -> &'static str {
    match kind {
        ForKind::Serial => "serial",
        ForKind::Parallel => "parallel",
        ForKind::Vectorized => "vectorized",
        ForKind::Unrolled => "unroll",
        ForKind::ThreadBinding => "thread_binding",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::{PrintOptions, print_stmt};
    use crate::transform::lower_opaque_block::lower_opaque_block;

    /// A unit loop that jumps keeps its loop through LowerOpaqueBlock (its jump needs a loop to
    /// leave), while a plain unit loop is inlined, as TVM's test of the pass pair expects.
    #[test]
    fn marked_unit_loop_survives_lower_opaque_block() {
        let source = "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(A: T.Buffer((10,), \"int32\")):\n    for i in range(1):\n        if A[i] > 5:\n            break\n        A[i] = A[i] + 1\n    for j in range(1):\n        if A[j] > 5:\n            continue\n        A[j] = A[j] + 1\n    for k in range(1):\n        A[k] = A[k] + 1\n";
        let parsed = crate::eval::parse_script("test.tir", source);
        let module = parsed.module.expect("the test program parses");
        let (_, func) = module.functions().next().expect("one function");
        let annotated = annotate_irregular_loop((**func).clone()).expect("the pass succeeds");
        let lowered = lower_opaque_block(annotated).expect("LowerOpaqueBlock succeeds");
        let printed = print_stmt(&lowered.body, &PrintOptions::default());
        let lines: Vec<&str> = printed.lines().filter(|l| !l.contains("T.Buffer")).collect();
        let expected = [
            "for i in T.serial(1, annotations={\"irregular_loop_mark\": 1}):",
            "    if A[i] > 5:",
            "        T.break_loop()",
            "    A[i] = A[i] + 1",
            "for j in T.serial(1, annotations={\"irregular_loop_mark\": 1}):",
            "    if A[j] > 5:",
            "        T.continue_loop()",
            "    A[j] = A[j] + 1",
            "A[0] = A[0] + 1",
        ];
        assert_eq!(lines, expected);
    }

    /// A jump inside a `while` belongs to the `while`: the `for` around it stays unmarked.
    #[test]
    fn jump_in_while_does_not_mark_the_outer_loop() {
        let source = "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(A: T.Buffer((4,), \"int32\")):\n    for i in range(4):\n        while A[i] < 3:\n            if A[i] == 1:\n                break\n            A[i] = A[i] + 1\n";
        let parsed = crate::eval::parse_script("test.tir", source);
        let module = parsed.module.expect("the test program parses");
        let (_, func) = module.functions().next().expect("one function");
        let annotated = annotate_irregular_loop((**func).clone()).expect("the pass succeeds");
        let StmtNode::For(l) = annotated.body.node() else { panic!("the body is the `for` loop") };
        assert!(!is_irregular(l));
    }
}

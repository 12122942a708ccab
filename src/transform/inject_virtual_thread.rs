//! InjectVirtualThread (TVM v0.23 `tir.InjectVirtualThread`): virtual threads become serial code.
//!
//! A virtual thread (`vt = T.launch_thread("vthread", n)`, or a `T.thread_binding` loop on
//! `vthread.x/y/z` after LowerOpaqueBlock: an `AttrStmt` with key `virtual_thread` on a thread
//! IterVar) is a parallel region that a single real thread runs as `n` interleaved copies. The
//! pass replaces each such attribute by its body with the threads expanded where they differ:
//! 1. `touched` finds the variables and buffers whose values depend on the thread var;
//! 2. `injector` rewrites the body: allocations written by touched code get one copy per thread
//!    (extent times `n`, accesses offset by `thread * extent`), and each statement that uses a
//!    touched variable is repeated per thread (`thread` replaced by `0..n` when no loop is inside
//!    it and `n < 16`, else a serial loop over `<thread>.s`). Statements that do not depend on the
//!    thread run once: the threads share them.
//!
//! Nested virtual threads are expanded inner first. The thread tag decides sharing as in TVM:
//! tags starting with `vthread` share untouched buffers; other tags (`cthread`) expand every
//! allocation and repeat every store and evaluate. The thread count must be a constant.
//! Loops and lets around a virtual thread give the simplifier of rewritten indices their ranges
//! and values. Finally the function goes through ConvertSSA, so the copies of a `let` or loop
//! define distinct variables.
//!
//! Invariants: the pass runs after FlattenBuffer (expanded allocations and their accesses are
//! one-dimensional) and after loops are canonical (they start at zero); other input is an error.

mod injector;
mod touched;

use crate::arith::Analyzer;
use crate::ir::mutate::map_stmt_children;
use crate::ir::{AttrValue, IrError, PrimFunc, Range, Stmt, StmtNode};
use crate::transform::convert_ssa::convert_ssa;
use crate::transform::pass::Pass;

use self::injector::Injector;
use self::touched::touched_vars;

/// Expands every virtual thread of `func` into serial code.
pub fn inject_virtual_thread(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut analyzer = Analyzer::new();
    let body = expand(&func.body, &mut analyzer)?;
    if body.ptr_eq(&func.body) {
        return Ok(func);
    }
    convert_ssa(PrimFunc { body, ..func })
}

/// The pass `tir.InjectVirtualThread` (opt level 0, per function).
pub fn pass() -> Pass {
    Pass::prim_func("tir.InjectVirtualThread", 0, |f, _| Ok(inject_virtual_thread(f)?))
}

/// `s` with its virtual threads expanded, innermost first.
fn expand(s: &Stmt, analyzer: &mut Analyzer) -> Result<Stmt, IrError> {
    match s.node() {
        StmtNode::For(l) => {
            analyzer.bind(&l.loop_var, &Range::new(l.min.clone(), l.extent.clone()))
        }
        StmtNode::LetStmt { var, value, .. } => analyzer.bind_value(var, value),
        _ => {}
    }
    let s = map_stmt_children(s, &mut |c| expand(c, analyzer))?;
    let StmtNode::AttrStmt { node, attr_key, value, body } = s.node() else {
        return Ok(s);
    };
    if attr_key != "virtual_thread" {
        return Ok(s);
    }
    let AttrValue::IterVar(iv) = node else {
        return Err(IrError::invalid("a `virtual_thread` attribute must be on a thread IterVar"));
    };
    let Some(num_threads) = value.as_int() else {
        return Err(IrError::invalid(format!(
            "the virtual thread `{}` needs a constant thread count",
            iv.var.name()
        )));
    };
    let allow_share = iv.thread_tag.starts_with("vthread");
    let touched = touched_vars(body, &iv.var)?;
    let mut injector = Injector::new(analyzer, iv.var.clone(), num_threads, touched, allow_share);
    injector.stmt(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::mutate::map_stmt_children;
    use crate::print::{PrintOptions, print_stmt};

    /// The program of the tests: a buffer the thread only reads into and a store it does not
    /// touch, so `vthread` threads share both and `cthread` threads do not.
    const SOURCE: &str = "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(A: T.Buffer((2,), \"float32\"), C: T.Buffer((4,), \"float32\")):\n    for i in range(2):\n        tx = T.launch_thread(\"vthread\", 2)\n        B_data = T.allocate([4], \"float32\", \"shared\")\n        B = T.Buffer((4,), data=B_data, scope=\"shared\")\n        B[0] = A[i]\n        C[i * 2 + tx] = B[0]\n";

    fn parse() -> PrimFunc {
        let parsed = crate::eval::parse_script("test.tir", SOURCE);
        let module = parsed.module.expect("the test program parses");
        let (_, func) = module.functions().next().expect("one function");
        (**func).clone()
    }

    /// Every virtual thread of `s` retagged `tag`.
    fn retag(s: &Stmt, tag: &str) -> Stmt {
        let s = map_stmt_children(s, &mut |c| Ok(retag(c, tag))).expect("retagging cannot fail");
        match s.node() {
            StmtNode::AttrStmt { node: AttrValue::IterVar(iv), attr_key, value, body } => {
                let mut iv = iv.clone();
                iv.thread_tag = tag.to_string();
                Stmt::new(StmtNode::AttrStmt {
                    node: AttrValue::IterVar(iv),
                    attr_key: attr_key.clone(),
                    value: value.clone(),
                    body: body.clone(),
                })
            }
            _ => s,
        }
    }

    fn lowered_lines(func: PrimFunc) -> Vec<String> {
        let out = inject_virtual_thread(func).expect("the pass succeeds");
        let printed = print_stmt(&out.body, &PrintOptions::default());
        printed.lines().filter(|l| !l.contains("T.Buffer")).map(str::to_string).collect()
    }

    #[test]
    fn vthread_shares_what_it_does_not_touch() {
        let expected = [
            "for i in range(2):",
            "    B_data = T.allocate([4], \"float32\", \"shared\")",
            "    B[0] = A[i]",
            "    C[T.Add(i * 2, 0)] = B[0]",
            "    C[i * 2 + 1] = B[0]",
        ];
        assert_eq!(lowered_lines(parse()), expected);
    }

    /// A `cthread` expands every allocation and repeats every store, as TVM's test of
    /// `cthread` allocations expects.
    #[test]
    fn cthread_expands_every_allocation_and_store() {
        let func = parse();
        let func = PrimFunc { body: retag(&func.body, "cthread"), ..func };
        let expected = [
            "for i in range(2):",
            "    B_data = T.allocate([8], \"float32\", \"shared\")",
            "    B[T.Mul(0, 4)] = A[i]",
            "    B[T.Mul(1, 4)] = A[i]",
            "    C[T.Add(i * 2, 0)] = B[T.Mul(0, 4)]",
            "    C[i * 2 + 1] = B[T.Mul(1, 4)]",
        ];
        assert_eq!(lowered_lines(func), expected);
    }

    /// An access pointer into an expanded allocation gets the thread's offset; the context id of a
    /// sharing thread stays as it is.
    #[test]
    fn access_ptr_offset_moves_to_the_thread_copy() {
        let source = "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(A: T.Buffer((2,), \"float32\")):\n    vt = T.launch_thread(\"vthread\", 2)\n    B_data = T.allocate([4], \"float32\", \"shared\")\n    B = T.Buffer((4,), data=B_data, scope=\"shared\")\n    B[0] = A[vt]\n    T.call_extern(\"int32\", \"Run\", T.tvm_access_ptr(T.type_annotation(\"float32\"), B_data, 0, 4, 1), T.tvm_context_id())\n";
        let parsed = crate::eval::parse_script("test.tir", source);
        let module = parsed.module.expect("the test program parses");
        let (_, func) = module.functions().next().expect("one function");
        let lines = lowered_lines((**func).clone());
        let expected = [
            "with T.allocate([8], \"float32\", \"shared\") as B_data:",
            "    B[T.Mul(0, 4)] = A[0]",
            "    B[T.Mul(1, 4)] = A[1]",
            "    T.call_extern(\"int32\", \"Run\", T.tvm_access_ptr(T.type_annotation(\"float32\"), \
             B_data, T.Mul(0, 4), 4, 1), T.tvm_context_id())",
            "    T.call_extern(\"int32\", \"Run\", T.tvm_access_ptr(T.type_annotation(\"float32\"), \
             B_data, T.Mul(1, 4), 4, 1), T.tvm_context_id())",
        ];
        assert_eq!(lines, expected);
    }
}

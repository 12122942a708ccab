//! The loops LoopPartition tries to partition, as TVM's `CandidateSelector`.
//!
//! A loop (or a `blockIdx` `thread_extent` scope) is a candidate when its var carries a
//! `pragma_loop_partition_hint` attribute with a provably true value, or when its bounds are not
//! both constant (always, with `partition_const_loop`) and its var appears inside a `T.likely`
//! condition of its body, unless the body calls `tvm_thread_allreduce` (the "no split" flag: it
//! is set by such a call and propagates outward; each member of a sequence starts from the flag of
//! the sequence and the sequence ends with the OR of its members). Candidates are kept by node
//! identity: the set holds the statements themselves, so their addresses stay unique. A loop
//! marked `irregular_loop_mark` (it breaks or continues) is never a candidate.

use std::collections::{HashMap, HashSet};

use crate::arith::Analyzer;
use crate::ir::visit::{expr_children, stmt_parts};
use crate::ir::{AttrValue, Callee, Expr, IrError, PrimExpr, Stmt, StmtNode, Var};
use crate::transform::annotate_irregular_loop::is_irregular;

/// The rank of a thread tag as TVM's `ThreadScope`: 0 for `blockIdx`, 1 for `threadIdx` and
/// virtual threads.
pub fn thread_rank(tag: &str) -> Result<u8, IrError> {
    if tag.starts_with("blockIdx") {
        Ok(0)
    } else if tag.starts_with("threadIdx") || tag.starts_with("vthread") || tag == "cthread" {
        Ok(1)
    } else {
        Err(IrError::invalid(format!("loop partition: unknown thread scope `{tag}`")))
    }
}

/// The candidate statements and hinted variables found so far (both grow over a pass run).
#[derive(Default)]
pub struct CandidateSelector {
    partition_const_loop: bool,
    candidates: HashMap<usize, Stmt>,
    pub hint_vars: HashSet<Var>,
    in_likely: bool,
    no_split: bool,
    /// Vars of the loops being visited, and whether a `T.likely` condition used them.
    record: HashMap<Var, bool>,
    analyzer: Analyzer,
}

fn address(s: &Stmt) -> usize {
    s.node() as *const StmtNode as usize
}

impl CandidateSelector {
    pub fn new(partition_const_loop: bool) -> CandidateSelector {
        CandidateSelector { partition_const_loop, ..CandidateSelector::default() }
    }

    pub fn is_candidate(&self, s: &Stmt) -> bool {
        self.candidates.contains_key(&address(s))
    }

    fn add(&mut self, s: &Stmt) {
        self.candidates.insert(address(s), s.clone());
    }

    /// Visits `s`, adding its candidates and hinted vars.
    pub fn visit(&mut self, s: &Stmt) -> Result<(), IrError> {
        match s.node() {
            // A loop that breaks or continues (AnnotateIrregularLoop's mark) is never split:
            // a jump taken in one part would not stop the parts after it. TVM does not check
            // this; AnnotateIrregularLoop only rejects the hint on such loops.
            StmtNode::For(l) if is_irregular(l) => self.visit_parts(s),
            StmtNode::For(l) => {
                if self.hint_vars.contains(&l.loop_var) {
                    self.add(s);
                    return self.visit_parts(s);
                }
                let constant = l.min.as_int().is_some() && l.extent.as_int().is_some();
                if !constant || self.partition_const_loop {
                    self.visit_recorded(s, &l.loop_var)
                } else {
                    self.visit_parts(s)
                }
            }
            StmtNode::AttrStmt { node, attr_key, value, .. } if attr_key == "thread_extent" => {
                let AttrValue::IterVar(iv) = node else {
                    return Err(IrError::invalid("a `thread_extent` attribute needs an IterVar"));
                };
                if self.hint_vars.contains(&iv.var) {
                    self.add(s);
                    return self.visit_parts(s);
                }
                let constant = value.as_int().is_some();
                if thread_rank(&iv.thread_tag)? == 0 && (!constant || self.partition_const_loop) {
                    self.visit_recorded(s, &iv.var)
                } else {
                    self.visit_parts(s)
                }
            }
            StmtNode::AttrStmt { node, attr_key, value, .. }
                if attr_key == "pragma_loop_partition_hint" =>
            {
                if self.analyzer.can_prove(value) {
                    let var = match node {
                        AttrValue::Expr(e) => e.as_var().cloned(),
                        AttrValue::IterVar(iv) => Some(iv.var.clone()),
                        _ => None,
                    };
                    let var = var.ok_or_else(|| {
                        IrError::invalid("`pragma_loop_partition_hint` must be attached to a var")
                    })?;
                    self.hint_vars.insert(var);
                }
                self.visit_parts(s)
            }
            StmtNode::SeqStmt(seq) => {
                let initial = self.no_split;
                for child in seq {
                    let before = std::mem::replace(&mut self.no_split, initial);
                    self.visit(child)?;
                    self.no_split |= before;
                }
                Ok(())
            }
            _ => self.visit_parts(s),
        }
    }

    /// Visits `s` while recording uses of `var` in likely conditions; a use makes `s` a candidate.
    fn visit_recorded(&mut self, s: &Stmt, var: &Var) -> Result<(), IrError> {
        self.record.insert(var.clone(), false);
        self.visit_parts(s)?;
        if self.record.get(var).copied().unwrap_or(false) && !self.no_split {
            self.add(s);
        }
        self.record.remove(var);
        Ok(())
    }

    fn visit_parts(&mut self, s: &Stmt) -> Result<(), IrError> {
        let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
        stmt_parts(s, &mut stmts, &mut exprs);
        for e in exprs {
            self.visit_expr(e);
        }
        for child in stmts {
            self.visit(child)?;
        }
        Ok(())
    }

    fn visit_expr(&mut self, e: &PrimExpr) {
        match e.expr() {
            Expr::Call { op: Callee::Op(op), args } if op.name() == "likely" => {
                self.in_likely = true;
                args.iter().for_each(|a| self.visit_expr(a));
                self.in_likely = false;
            }
            Expr::Call { op: Callee::Op(op), .. } if op.name() == "tvm_thread_allreduce" => {
                self.no_split = true;
            }
            Expr::Var(v) => {
                if self.in_likely
                    && let Some(used) = self.record.get_mut(v)
                {
                    *used = true;
                }
            }
            _ => {
                let mut children = Vec::new();
                expr_children(e, &mut children);
                for child in children {
                    self.visit_expr(child);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The function of `source`.
    fn parse_func(source: &str) -> crate::ir::PrimFunc {
        let parsed = crate::eval::parse_script("test.tir", source);
        let module = parsed.module.expect("the test program parses");
        let (_, func) = module.functions().next().expect("one function");
        (**func).clone()
    }

    /// The loop vars of the candidate loops of `source`'s function body.
    fn candidate_loops(source: &str, partition_const_loop: bool) -> Vec<String> {
        candidates_in(&parse_func(source).body, partition_const_loop)
    }

    /// The loop vars of the candidate loops of `body`.
    fn candidates_in(body: &Stmt, partition_const_loop: bool) -> Vec<String> {
        let mut selector = CandidateSelector::new(partition_const_loop);
        selector.visit(body).expect("selection succeeds");
        let mut names = Vec::new();
        crate::ir::visit::walk_stmt(body, &mut |s| {
            if let StmtNode::For(l) = s.node()
                && selector.is_candidate(s)
            {
                names.push(l.loop_var.name().to_string());
            }
        });
        names
    }

    const SYMBOLIC: &str = r#"
# from tvm.script import tir as T

@T.prim_func
def main(A: T.Buffer((64,), "float32"), n: T.int32):
    for i in range(n):
        for j in range(4):
            if T.likely(i * 4 + j < 64):
                A[i * 4 + j] = T.float32(0)
"#;

    #[test]
    fn symbolic_loops_with_likely_conditions_are_candidates() {
        assert_eq!(candidate_loops(SYMBOLIC, false), ["i"]);
        assert_eq!(candidate_loops(SYMBOLIC, true), ["i", "j"]);
    }

    #[test]
    fn an_allreduce_in_the_body_prevents_splitting() {
        let source = SYMBOLIC.replace(
            "A[i * 4 + j] = T.float32(0)",
            "T.evaluate(T.tvm_thread_allreduce(T.uint32(1), A[j], T.bool(True), A[0], j))",
        );
        assert!(candidate_loops(&source, true).is_empty());
    }

    #[test]
    fn a_loop_that_breaks_is_not_split() {
        let source = SYMBOLIC.replace(
            "A[i * 4 + j] = T.float32(0)",
            "A[i * 4 + j] = T.float32(0)\n                T.break_loop()",
        );
        let marked =
            crate::transform::annotate_irregular_loop::annotate_irregular_loop(parse_func(&source))
                .expect("a serial loop may break");
        let names = candidates_in(&marked.body, true);
        // `j` breaks, so only `i` remains.
        assert_eq!(names, ["i"]);
    }
}

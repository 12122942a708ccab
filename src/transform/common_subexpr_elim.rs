//! CommonSubexprElimTIR (TVM v0.23 `tir.CommonSubexprElimTIR`): computes each repeated term once,
//! in a new variable `cse_vN` bound by a `let` just above the statement (or expression) that
//! repeats it.
//!
//! Algorithm, at every statement and expression from the root down (TVM's
//! `CommonSubexpressionEliminator`):
//! 1. List the computations the node does (`computations`), largest term first (a stable sort on
//!    size, so equal sizes keep their order of first appearance).
//! 2. For each candidate in that order: if a variable of the context already holds an equal term
//!    (a `let` above), every occurrence is replaced by it; otherwise, if the term uses only
//!    variables of the context and is computed at least twice, a fresh `cse_vN` is bound to it above
//!    the node and every occurrence is replaced; otherwise its direct eligible subterms join the
//!    candidates at their size's place (a subterm already listed gets one more count).
//! 3. If a variable was introduced, the node is processed again; otherwise its children are, with
//!    the context extended by a `let`'s variable (with its value) or a loop's variable (no value).
//!
//! Eligible terms are those that are neither constants, variables, ramps nor broadcasts, and
//! contain no call and no load (`table::is_eligible`). The context starts with the function's
//! parameters. `N` counts up from 1 per function, skipping names the function already uses.
//! With `tir.enable_equiv_terms_in_cse_tir`, terms are compared after simplification.
//!
//! Invariants: the result computes the same values (only side-effect-free terms move, and only
//! to a point where all their variables are bound to the same values); the input is not changed.

#[path = "common_subexpr_elim_computations.rs"]
mod computations;
#[path = "common_subexpr_elim_fields.rs"]
mod fields;
#[path = "common_subexpr_elim_table.rs"]
mod table;

use std::collections::HashSet;

use computations::{computations_of_expr, computations_of_stmt};
use fields::{FieldMutator, map_expr_fields, map_stmt_fields};
use table::{ComputationTable, complexity, deep_equal, direct_subexprs, is_eligible};

use crate::arith::simplify::simplify;
use crate::ir::visit::{walk_expr, walk_stmt_exprs};
use crate::ir::{DataType, Expr, For, IrError, PrimExpr, PrimFunc, Stmt, StmtNode, Var};
use crate::transform::pass::Pass;

/// Eliminates the common subterms of `func`; `equivalent_terms` compares terms after
/// simplification instead of syntactically.
pub fn common_subexpr_elim(func: PrimFunc, equivalent_terms: bool) -> Result<PrimFunc, IrError> {
    let mut used_names = HashSet::new();
    walk_stmt_exprs(&func.body, &mut |e| {
        if let Expr::Var(v) = e.expr() {
            used_names.insert(v.name().to_string());
        }
    });
    let mut eliminator = Eliminator {
        context: func.params.iter().map(|p| (p.clone(), None)).collect(),
        used_names,
        last_number: 0,
        equivalent_terms,
    };
    let body = eliminator.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.CommonSubexprElimTIR` (opt level 0, per function), off when
/// `tir.disable_cse_tir` is set.
pub fn pass() -> Pass {
    Pass::prim_func("tir.CommonSubexprElimTIR", 0, |f, ctx| {
        if ctx.config_bool("tir.disable_cse_tir") {
            return Ok(f);
        }
        Ok(common_subexpr_elim(f, ctx.config_bool("tir.enable_equiv_terms_in_cse_tir"))?)
    })
}

/// A candidate term, how many times it is computed, and its size.
struct Candidate {
    term: PrimExpr,
    count: usize,
    size: usize,
}

struct Eliminator {
    /// The variables in scope, with the value of those bound by a `let`.
    context: Vec<(Var, Option<PrimExpr>)>,
    /// The names of the variables used in the function body, which new variables avoid.
    used_names: HashSet<String>,
    /// The last `N` tried for a `cse_vN` name.
    last_number: usize,
    equivalent_terms: bool,
}

/// Where the eliminator is working: a statement or an expression.
enum Node {
    Stmt(Stmt),
    Expr(PrimExpr),
}

impl Eliminator {
    fn equivalent(&self, a: &PrimExpr, b: &PrimExpr) -> bool {
        if self.equivalent_terms {
            deep_equal(&simplify(a), &simplify(b))
        } else {
            deep_equal(a, b)
        }
    }

    /// The computations of a node as sorted candidates, equivalent terms merged when enabled.
    fn candidates(&self, table: ComputationTable) -> Vec<Candidate> {
        let mut merged: Vec<(Option<PrimExpr>, Candidate)> = Vec::new();
        for (term, count) in table.into_entries() {
            let normal = self.equivalent_terms.then(|| simplify(&term));
            let same_class = |(n, _): &&mut (Option<PrimExpr>, Candidate)| match (n, &normal) {
                (Some(n), Some(m)) => deep_equal(n, m),
                _ => false,
            };
            match merged.iter_mut().find(same_class) {
                Some((_, c)) => c.count += count,
                None => {
                    let size = complexity(&term);
                    merged.push((normal, Candidate { term, count, size }));
                }
            }
        }
        let mut out: Vec<Candidate> = merged.into_iter().map(|(_, c)| c).collect();
        // A stable sort: equal sizes keep their order of first appearance.
        out.sort_by_key(|c| std::cmp::Reverse(c.size));
        out
    }

    /// Adds `terms` to the sorted candidates: one more count for a term already listed, else a
    /// new candidate after every candidate at least as large.
    fn insert_candidates(&self, candidates: &mut Vec<Candidate>, terms: Vec<PrimExpr>) {
        for term in terms {
            if let Some(c) = candidates.iter_mut().find(|c| self.equivalent(&c.term, &term)) {
                c.count += 1;
                continue;
            }
            let size = complexity(&term);
            let at = candidates.iter().position(|c| c.size < size).unwrap_or(candidates.len());
            candidates.insert(at, Candidate { term, count: 1, size });
        }
    }

    /// The variable of the context whose `let` value is equivalent to `term`.
    fn known_var(&self, term: &PrimExpr) -> Option<Var> {
        self.context.iter().find_map(|(var, value)| {
            value.as_ref().filter(|v| self.equivalent(v, term)).map(|_| var.clone())
        })
    }

    /// Whether every variable `term` uses is in the context or bound inside `term`.
    fn all_vars_known(&self, term: &PrimExpr) -> bool {
        let mut bound = HashSet::new();
        walk_expr(term, &mut |e| {
            if let Expr::Let { var, .. } = e.expr() {
                bound.insert(var.clone());
            }
        });
        let mut known = true;
        walk_expr(term, &mut |e| {
            if let Expr::Var(v) = e.expr() {
                known &= bound.contains(v) || self.context.iter().any(|(c, _)| c == v);
            }
        });
        known
    }

    /// A new variable `cse_vN` whose name the function does not use.
    fn fresh_var(&mut self, dtype: DataType) -> Var {
        loop {
            self.last_number += 1;
            let name = format!("cse_v{}", self.last_number);
            if !self.used_names.contains(&name) {
                return Var::new(name, dtype);
            }
        }
    }

    /// Steps 1 and 2 on `node`, repeated while they introduce variables.
    fn introduce(&mut self, mut node: Node) -> Result<Node, IrError> {
        loop {
            let table = match &node {
                Node::Stmt(s) => computations_of_stmt(s),
                Node::Expr(e) => computations_of_expr(e),
            };
            let mut candidates = self.candidates(table);
            let mut introduced = false;
            let mut i = 0;
            while i < candidates.len() {
                let term = candidates[i].term.clone();
                if let Some(var) = self.known_var(&term) {
                    node = self.replace(&node, &term, &PrimExpr::var(&var))?;
                } else if self.all_vars_known(&term) && candidates[i].count >= 2 {
                    let var = self.fresh_var(term.dtype());
                    node = match self.replace(&node, &term, &PrimExpr::var(&var))? {
                        Node::Stmt(body) => {
                            Node::Stmt(Stmt::new(StmtNode::LetStmt { var, value: term, body }))
                        }
                        Node::Expr(body) => Node::Expr(PrimExpr::let_(&var, term, body)?),
                    };
                    introduced = true;
                } else {
                    self.insert_candidates(&mut candidates, direct_subexprs(&term));
                }
                i += 1;
            }
            if !introduced {
                return Ok(node);
            }
        }
    }

    /// Replaces in `node` every eligible term equivalent to `term` by `with`.
    fn replace(&self, node: &Node, term: &PrimExpr, with: &PrimExpr) -> Result<Node, IrError> {
        let mut replacer = Replacer { eliminator: self, term, with };
        Ok(match node {
            Node::Stmt(s) => Node::Stmt(replacer.stmt(s)?),
            Node::Expr(e) => Node::Expr(replacer.expr(e)?),
        })
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let Node::Stmt(s) = self.introduce(Node::Stmt(s.clone()))? else {
            return Err(IrError::invalid("common subexpression elimination lost a statement"));
        };
        match s.node() {
            StmtNode::LetStmt { var, value, body } => {
                let saved = self.context.len();
                let new_value = self.expr(value)?;
                self.context.push((var.clone(), Some(value.clone())));
                let new_body = self.stmt(body);
                self.context.truncate(saved);
                let new_body = new_body?;
                if new_value.ptr_eq(value) && new_body.ptr_eq(body) {
                    return Ok(s);
                }
                Ok(Stmt::new(StmtNode::LetStmt {
                    var: var.clone(),
                    value: new_value,
                    body: new_body,
                }))
            }
            StmtNode::For(f) => {
                let saved = self.context.len();
                let min = self.expr(&f.min)?;
                let extent = self.expr(&f.extent)?;
                self.context.push((f.loop_var.clone(), None));
                let body = self.stmt(&f.body);
                self.context.truncate(saved);
                let body = body?;
                if min.ptr_eq(&f.min) && extent.ptr_eq(&f.extent) && body.ptr_eq(&f.body) {
                    return Ok(s);
                }
                Ok(Stmt::from(For { min, extent, body, ..f.clone() }))
            }
            _ => map_stmt_fields(&s, self),
        }
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        let Node::Expr(e) = self.introduce(Node::Expr(e.clone()))? else {
            return Err(IrError::invalid("common subexpression elimination lost an expression"));
        };
        match e.expr() {
            Expr::Let { var, value, body } => {
                let saved = self.context.len();
                let new_value = self.expr(value)?;
                self.context.push((var.clone(), Some(value.clone())));
                let new_body = self.expr(body);
                self.context.truncate(saved);
                let new_body = new_body?;
                if new_value.ptr_eq(value) && new_body.ptr_eq(body) {
                    return Ok(e);
                }
                PrimExpr::let_(var, new_value, new_body)
            }
            _ => map_expr_fields(&e, &mut |child| self.expr(child)),
        }
    }
}

impl FieldMutator for Eliminator {
    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        Eliminator::expr(self, e)
    }
    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        Eliminator::stmt(self, s)
    }
}

/// Replaces every eligible term equivalent to `term` by `with` (TVM's `ReplaceSelectedExpr`),
/// looking into every expression of every statement.
struct Replacer<'a> {
    eliminator: &'a Eliminator,
    term: &'a PrimExpr,
    with: &'a PrimExpr,
}

impl FieldMutator for Replacer<'_> {
    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        if self.eliminator.equivalent(e, self.term) && is_eligible(e) {
            return Ok(self.with.clone());
        }
        map_expr_fields(e, &mut |child| self.expr(child))
    }
    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        map_stmt_fields(s, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::IRModule;
    use crate::print::{PrintOptions, print_script};
    use crate::transform::{ConfigValue, PassContext};

    fn parse(body: &str) -> IRModule {
        let source = format!(
            "# from tvm.script import tir as T\n\n@T.prim_func\n\
             def main(A: T.Buffer((8,), \"int32\"), x: T.int32, y: T.int32):\n{body}"
        );
        let parsed = crate::eval::parse_script("test.tir", &source);
        parsed.module.expect("the test program parses")
    }

    fn printed(module: &IRModule) -> String {
        print_script(module, true, &PrintOptions::default())
    }

    fn run(module: &IRModule, ctx: &PassContext) -> IRModule {
        pass().run(module.clone(), ctx).expect("the pass runs")
    }

    #[test]
    fn equivalent_terms_are_merged_only_when_enabled() {
        let module = parse("    A[0] = x * 2 - y\n    A[1] = (x + x) * y\n");
        // Syntactically `x * 2` and `x + x` differ: nothing is repeated.
        let plain = printed(&run(&module, &PassContext::new()));
        assert!(!plain.contains("cse_v"), "{plain}");
        // Both simplify to `x * 2`; the first one seen represents them.
        let mut ctx = PassContext::new();
        ctx.set_config("tir.enable_equiv_terms_in_cse_tir", ConfigValue::Bool(true)).unwrap();
        let merged = printed(&run(&module, &ctx));
        assert!(merged.contains("cse_v1: T.int32 = x * 2"), "{merged}");
        assert!(merged.contains("A[0] = cse_v1 - y") && merged.contains("A[1] = cse_v1 * y"));
    }

    #[test]
    fn the_pass_is_off_when_disabled_by_config() {
        let module = parse("    A[0] = x * y + 1\n    A[1] = x * y + 1\n");
        assert!(
            printed(&run(&module, &PassContext::new())).contains("cse_v1: T.int32 = x * y + 1")
        );
        let mut ctx = PassContext::new();
        ctx.set_config("tir.disable_cse_tir", ConfigValue::Bool(true)).unwrap();
        assert_eq!(printed(&run(&module, &ctx)), printed(&module));
    }

    #[test]
    fn names_used_by_the_function_are_skipped() {
        let module = parse("    cse_v1: T.int32 = x\n    A[cse_v1] = x - y\n    A[1] = x - y\n");
        let out = printed(&run(&module, &PassContext::new()));
        assert!(out.contains("cse_v2: T.int32 = x - y"), "{out}");
    }
}

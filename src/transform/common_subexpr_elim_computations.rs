//! The computations a statement or expression does (TVM's `ComputationsDoneBy`): every eligible
//! term it evaluates, with how many times, in order of first appearance.
//!
//! - An expression that is eligible counts once as a whole (its subterms are not listed); an
//!   atom counts nothing; any other expression does what its visited children do.
//! - Most statements do what their fields do, in visiting order.
//! - A conditional or loop only reports what is done on every path: an `if` reports a term found
//!   in at least two of its condition, then branch and else branch; a `for` reports a term found in
//!   at least two of its min, extent and body (its step is not looked at); a `while` reports a
//!   term found in both its condition and its body. The count of a reported term is its total over
//!   those parts.
//!
//! Terms inside a `for` body alone are therefore not reported at the loop: they are commoned when
//! the eliminator reaches the body, inside the loop.

use super::fields::{Field, stmt_fields};
use super::table::{ComputationTable, is_atom, is_eligible, visited_children};
use crate::ir::{PrimExpr, Stmt, StmtNode};

/// The computations done by `e`.
pub(super) fn computations_of_expr(e: &PrimExpr) -> ComputationTable {
    let mut table = ComputationTable::default();
    add_expr(e, &mut table);
    table
}

fn add_expr(e: &PrimExpr, table: &mut ComputationTable) {
    if is_atom(e) {
        return;
    }
    if is_eligible(e) {
        table.add(e, 1);
        return;
    }
    for child in visited_children(e) {
        add_expr(child, table);
    }
}

/// The computations done by `s`.
pub(super) fn computations_of_stmt(s: &Stmt) -> ComputationTable {
    match s.node() {
        StmtNode::IfThenElse { condition, then_case, else_case } => {
            let else_table = else_case.as_ref().map(computations_of_stmt).unwrap_or_default();
            on_two_of_three(
                &computations_of_expr(condition),
                &computations_of_stmt(then_case),
                &else_table,
            )
        }
        StmtNode::For(f) => on_two_of_three(
            &computations_of_expr(&f.min),
            &computations_of_expr(&f.extent),
            &computations_of_stmt(&f.body),
        ),
        StmtNode::While { condition, body } => {
            computations_of_expr(condition).intersect(&computations_of_stmt(body))
        }
        _ => {
            let mut table = ComputationTable::default();
            for field in stmt_fields(s) {
                match field {
                    Field::Expr(e) => add_expr(e, &mut table),
                    Field::Stmt(child) => table.union_with(&computations_of_stmt(child)),
                }
            }
            table
        }
    }
}

/// The terms found in at least two of three tables (TVM's `BuildTableForThreeChildrenNode`):
/// `second ∩ third`, then `first ∩ second`, then `first ∩ third`, each in its left table's order,
/// with every count recomputed as the total over the three tables.
fn on_two_of_three(
    first: &ComputationTable,
    second: &ComputationTable,
    third: &ComputationTable,
) -> ComputationTable {
    let mut table = second.intersect(third);
    table.union_with(&first.intersect(second));
    table.union_with(&first.intersect(third));
    table.recount(&[first, second, third]);
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{IRModule, PrimFunc};

    fn body_of(source: &str) -> Stmt {
        let parsed = crate::eval::parse_script("test.tir", source);
        let module: IRModule = parsed.module.expect("the test program parses");
        let (_, func): (_, &std::sync::Arc<PrimFunc>) =
            module.functions().next().expect("one function");
        func.body.clone()
    }

    #[test]
    fn an_if_reports_only_terms_on_two_of_its_parts() {
        let body = body_of(
            "# from tvm.script import tir as T\n\n@T.prim_func\n\
             def main(A: T.Buffer((8,), \"int32\"), x: T.int32, y: T.int32):\n\
             \x20   if A[0] < x + y:\n\
             \x20       A[0] = x + y\n\
             \x20       A[1] = x * y\n\
             \x20       A[2] = x * y\n\
             \x20   else:\n\
             \x20       A[3] = x - y\n",
        );
        // `x + y` is in the condition (beside a load) and the then branch: reported, with both counts. `x * y`
        // is only in the then branch, twice: not reported at the `if`.
        let table = computations_of_stmt(&body);
        let entries = table.into_entries();
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0].1, 2);
    }

    #[test]
    fn a_loop_body_alone_is_not_reported_at_the_loop() {
        let body = body_of(
            "# from tvm.script import tir as T\n\n@T.prim_func\n\
             def main(A: T.Buffer((8,), \"int32\"), n: T.int32):\n\
             \x20   for i in range(n + 1):\n\
             \x20       A[i] = n + 1\n\
             \x20       A[i + 1] = n * 3 + n * 3\n",
        );
        let table = computations_of_stmt(&body);
        // Only `n + 1` (extent and body) is reported, not the body's own terms.
        let entries = table.into_entries();
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0].1, 2);
    }

    #[test]
    fn calls_and_loads_are_looked_into_but_not_counted() {
        let body = body_of(
            "# from tvm.script import tir as T\n\n@T.prim_func\n\
             def main(A: T.Buffer((8,), \"float32\"), i: T.int32):\n\
             \x20   A[i + 1] = T.exp(A[i + 1]) + A[i * 2]\n",
        );
        let entries = computations_of_stmt(&body).into_entries();
        // `i + 1` twice (the load in the value, then the store index) and `i * 2` once; the
        // value itself contains loads and calls, so it is not a candidate.
        let counts: Vec<usize> = entries.iter().map(|(_, n)| *n).collect();
        assert_eq!(counts, [2, 1]);
    }
}

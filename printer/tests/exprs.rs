//! The text of every expression kind (python_doc_printer.cc's rules for each doc type).

use tirscript_printer::{ExprDoc, ExprKind, IndexItem, RenderOptions, SliceDoc, render_expr};

fn show(expr: ExprDoc) -> String {
    render_expr(&expr, &RenderOptions::default())
}

fn id(name: &str) -> ExprDoc {
    ExprDoc::id(name)
}

fn int(value: i64) -> ExprDoc {
    ExprDoc::int(value)
}

#[test]
fn identifiers_and_attributes() {
    assert_eq!(show(id("T")), "T");
    assert_eq!(show(id("T").attr("prim_func")), "T.prim_func");
    assert_eq!(show(id("T").attr("axis").attr("remap")), "T.axis.remap");
}

#[test]
fn indexing_and_slices() {
    let a = id("A");
    assert_eq!(show(a.index_exprs(vec![id("i"), id("j")])), "A[i, j]");
    // No indices print as an empty tuple index.
    assert_eq!(show(a.index(vec![])), "A[()]");
    let slice = |start: Option<i64>, stop: Option<i64>, step: Option<i64>| -> IndexItem {
        SliceDoc::new(start.map(int), stop.map(int), step.map(int)).into()
    };
    assert_eq!(show(a.index(vec![slice(None, None, None)])), "A[:]");
    assert_eq!(show(a.index(vec![slice(Some(1), None, None)])), "A[1:]");
    assert_eq!(show(a.index(vec![slice(None, Some(2), None)])), "A[:2]");
    // The second colon appears only with a step.
    assert_eq!(show(a.index(vec![slice(None, None, Some(2))])), "A[::2]");
    assert_eq!(show(a.index(vec![slice(Some(1), Some(2), Some(3))])), "A[1:2:3]");
    assert_eq!(show(a.index(vec![id("i").into(), slice(Some(0), Some(16), None)])), "A[i, 0:16]");
}

#[test]
fn calls() {
    let f = id("T").attr("evaluate");
    assert_eq!(show(f.call(vec![])), "T.evaluate()");
    assert_eq!(show(f.call(vec![int(0)])), "T.evaluate(0)");
    assert_eq!(show(f.call(vec![int(0), id("x")])), "T.evaluate(0, x)");
    let kwargs = vec![
        ("dtype".to_string(), ExprDoc::str("int32")),
        ("scope".to_string(), ExprDoc::str("global")),
    ];
    assert_eq!(
        show(id("f").call_kw(vec![], kwargs.clone())),
        "f(dtype=\"int32\", scope=\"global\")"
    );
    assert_eq!(
        show(id("f").call_kw(vec![int(1)], kwargs)),
        "f(1, dtype=\"int32\", scope=\"global\")"
    );
}

#[test]
fn containers() {
    assert_eq!(show(ExprDoc::tuple(vec![])), "()");
    // A one-element tuple keeps its trailing comma.
    assert_eq!(show(ExprDoc::tuple(vec![int(128)])), "(128,)");
    assert_eq!(show(ExprDoc::tuple(vec![int(1), int(2)])), "(1, 2)");
    assert_eq!(show(ExprDoc::list(vec![])), "[]");
    assert_eq!(show(ExprDoc::list(vec![int(1)])), "[1]");
    assert_eq!(show(ExprDoc::list(vec![id("i"), id("j")])), "[i, j]");
    assert_eq!(show(ExprDoc::dict(vec![])), "{}");
    assert_eq!(
        show(ExprDoc::dict(vec![
            (ExprDoc::str("global_symbol"), ExprDoc::str("main")),
            (ExprDoc::str("tir.noalias"), ExprDoc::bool(true)),
        ])),
        "{\"global_symbol\": \"main\", \"tir.noalias\": True}"
    );
    let nested = ExprDoc::tuple(vec![ExprDoc::tuple(vec![int(1)]), ExprDoc::list(vec![])]);
    assert_eq!(show(nested), "((1,), [])");
}

#[test]
fn operations() {
    assert_eq!(show(id("a").add(id("b"))), "a + b");
    assert_eq!(show(id("a").sub(id("b"))), "a - b");
    assert_eq!(show(id("a").mul(id("b"))), "a * b");
    assert_eq!(show(id("a").neg()), "-a");
    assert_eq!(show(id("a").not()), "not a");
    assert_eq!(show(ExprDoc::if_then_else(id("c"), id("a"), id("b"))), "a if c else b");
}

#[test]
fn lambdas() {
    assert_eq!(show(ExprDoc::lambda(vec![id("x")], id("x").add(int(1)))), "lambda x: x + 1");
    // No parameters still print the space after `lambda`, as TVM does.
    assert_eq!(show(ExprDoc::lambda(vec![], int(0))), "lambda : 0");
}

#[test]
fn docs_are_shared_handles() {
    let x = id("x");
    let sum = x.add(x.clone());
    match sum.kind() {
        ExprKind::Binary { lhs, rhs, .. } => assert!(lhs.same_node(rhs)),
        other => panic!("expected a binary operation, got {other:?}"),
    }
    assert_eq!(show(sum), "x + x");
}

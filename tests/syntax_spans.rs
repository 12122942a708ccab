//! Spans of statements, identifiers and comments point at the exact source text.

use tirscript::syntax::ast::{ExprKind, StmtKind};
use tirscript::syntax::parse_module;

const SOURCE: &str = "\
# from tvm.script import tir as T
@T.prim_func
def main(A: T.Buffer((4,), \"int32\")):
    x = A[0] + 1  # trailing
    if x > 0:
        A[1] = x
    else:
        A[2] = x
";

fn text(span: &std::ops::Range<usize>) -> &'static str {
    &SOURCE[span.clone()]
}

#[test]
fn statement_spans() {
    let (module, diagnostics) = parse_module(SOURCE);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let module = module.unwrap();
    let def = &module.body[0];
    assert!(text(&def.span).starts_with("@T.prim_func\ndef main("));
    assert!(text(&def.span).ends_with("A[2] = x"), "a compound statement ends with its body");
    let StmtKind::FunctionDef(f) = &def.kind else {
        panic!("expected a function");
    };
    assert_eq!(text(&f.name.span), "main");
    assert_eq!(text(&f.params[0].span), "A: T.Buffer((4,), \"int32\")");
    assert_eq!(text(&f.decorators[0].span), "T.prim_func");
    assert_eq!(text(&f.body[0].span), "x = A[0] + 1", "no trailing comment or newline");
    assert!(text(&f.body[1].span).starts_with("if x > 0:"));
    assert!(text(&f.body[1].span).ends_with("A[2] = x"));
    let StmtKind::Assign { targets, value } = &f.body[0].kind else {
        panic!("expected an assignment");
    };
    assert_eq!(text(&targets[0].span), "x");
    assert_eq!(text(&value.span), "A[0] + 1");
    let ExprKind::BinOp { left, .. } = &value.kind else {
        panic!("expected a binary operation");
    };
    assert_eq!(text(&left.span), "A[0]");
}

#[test]
fn comments_are_kept_with_spans() {
    let (module, _) = parse_module(SOURCE);
    let comments = module.unwrap().comments;
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].text, "# from tvm.script import tir as T");
    assert_eq!(text(&comments[0].span), "# from tvm.script import tir as T");
    assert_eq!(text(&comments[1].span), "# trailing");
}

#[test]
fn elif_chains_nest_in_orelse() {
    let source = "if a:\n    x = 1\nelif b:\n    x = 2\nelif c:\n    x = 3\nelse:\n    x = 4\n";
    let (module, diagnostics) = parse_module(source);
    assert!(diagnostics.is_empty());
    let module = module.unwrap();
    let StmtKind::If { orelse, .. } = &module.body[0].kind else {
        panic!("expected if");
    };
    assert_eq!(orelse.len(), 1);
    assert!(source[orelse[0].span.clone()].starts_with("elif b:"));
    let StmtKind::If { orelse, .. } = &orelse[0].kind else {
        panic!("expected a nested if for elif");
    };
    let StmtKind::If { orelse, .. } = &orelse[0].kind else {
        panic!("expected a nested if for the second elif");
    };
    assert!(matches!(orelse[0].kind, StmtKind::Assign { .. }));
}

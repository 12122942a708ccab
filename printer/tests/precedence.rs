//! Parenthesisation of expressions, case by case. Each expected text follows TVM v0.23's
//! `PythonDocPrinter` rules (python_doc_printer.cc), which the comment on each case names:
//! - LOWER: a child is parenthesised when its precedence is lower than the parent's;
//! - RIGHT-CONS: the right operand of a binary operator other than `**` is also parenthesised
//!   at equal precedence (left associativity);
//! - POW: `**`'s left operand is parenthesised at equal or lower precedence, its right operand
//!   only below unary precedence;
//! - UNARY: a unary operand is parenthesised below the operator's own precedence;
//! - ITE: in `x if c else y`, `x` is parenthesised below conditional precedence, `c` and `y`
//!   at equal or lower;
//! - ATOM: the object of `.attr`, `[...]` and `(...)` is parenthesised unless it is an atom;
//! - FREE: call arguments, indices, tuple/list/dict elements are never parenthesised.

use tirscript_printer::{BinaryOp, ExprDoc, RenderOptions, SliceDoc, UnaryOp, render_expr};

fn show(expr: ExprDoc) -> String {
    render_expr(&expr, &RenderOptions::default())
}

fn id(name: &str) -> ExprDoc {
    ExprDoc::id(name)
}

fn bin(op: BinaryOp, lhs: ExprDoc, rhs: ExprDoc) -> ExprDoc {
    ExprDoc::binary(op, lhs, rhs)
}

fn un(op: UnaryOp, operand: ExprDoc) -> ExprDoc {
    ExprDoc::unary(op, operand)
}

use BinaryOp::*;

#[test]
fn arithmetic() {
    // LOWER: `+` under `*` on the left.
    assert_eq!(show(bin(Mul, bin(Add, id("a"), id("b")), id("c"))), "(a + b) * c");
    // LOWER: `+` under `*` on the right.
    assert_eq!(show(bin(Mul, id("a"), bin(Add, id("b"), id("c")))), "a * (b + c)");
    // Higher precedence children need nothing.
    assert_eq!(show(bin(Add, bin(Mul, id("a"), id("b")), id("c"))), "a * b + c");
    assert_eq!(show(bin(Add, id("a"), bin(Mul, id("b"), id("c")))), "a + b * c");
    // Equal precedence on the left: no parentheses.
    assert_eq!(show(bin(Sub, bin(Sub, id("a"), id("b")), id("c"))), "a - b - c");
    assert_eq!(show(bin(Div, bin(Div, id("a"), id("b")), id("c"))), "a / b / c");
    assert_eq!(show(bin(Mul, bin(Mod, id("a"), id("b")), id("c"))), "a % b * c");
    assert_eq!(show(bin(FloorDiv, bin(Mul, id("a"), id("b")), id("c"))), "a * b // c");
    // RIGHT-CONS: equal precedence on the right, even for `+` (TVM does not use associativity).
    assert_eq!(show(bin(Sub, id("a"), bin(Sub, id("b"), id("c")))), "a - (b - c)");
    assert_eq!(show(bin(Add, id("a"), bin(Add, id("b"), id("c")))), "a + (b + c)");
    assert_eq!(show(bin(Add, id("a"), bin(Sub, id("b"), id("c")))), "a + (b - c)");
    assert_eq!(show(bin(Sub, id("a"), bin(Add, id("b"), id("c")))), "a - (b + c)");
    assert_eq!(show(bin(Div, id("a"), bin(Mul, id("b"), id("c")))), "a / (b * c)");
    assert_eq!(show(bin(FloorDiv, id("a"), bin(Mod, id("b"), id("c")))), "a // (b % c)");
    assert_eq!(show(bin(Mul, id("a"), bin(FloorDiv, id("b"), id("c")))), "a * (b // c)");
}

#[test]
fn power_and_unary() {
    // POW: left operand at equal precedence is parenthesised.
    assert_eq!(show(bin(Pow, bin(Pow, id("a"), id("b")), id("c"))), "(a ** b) ** c");
    // POW: right operand at equal precedence is not (right associativity).
    assert_eq!(show(bin(Pow, id("a"), bin(Pow, id("b"), id("c")))), "a ** b ** c");
    // POW: unary on the left binds looser than `**`.
    assert_eq!(show(bin(Pow, un(UnaryOp::Neg, id("a")), id("b"))), "(-a) ** b");
    // POW: unary on the right is at the required precedence.
    assert_eq!(show(bin(Pow, id("a"), un(UnaryOp::Neg, id("b")))), "a ** -b");
    // POW: a multiplication on the right is below unary precedence.
    assert_eq!(show(bin(Pow, id("a"), bin(Mul, id("b"), id("c")))), "a ** (b * c)");
    // UNARY: `**` binds tighter than unary minus.
    assert_eq!(show(un(UnaryOp::Neg, bin(Pow, id("a"), id("b")))), "-a ** b");
    // UNARY: `+` is below unary precedence.
    assert_eq!(show(un(UnaryOp::Neg, bin(Add, id("a"), id("b")))), "-(a + b)");
    assert_eq!(show(un(UnaryOp::Invert, bin(BitAnd, id("a"), id("b")))), "~(a & b)");
    // UNARY: nested unary operators at equal precedence get no parentheses.
    assert_eq!(show(un(UnaryOp::Neg, un(UnaryOp::Neg, id("a")))), "--a");
    assert_eq!(show(un(UnaryOp::Not, un(UnaryOp::Not, id("a")))), "not not a");
    // RIGHT-CONS does not apply: unary binds tighter than `-`.
    assert_eq!(show(bin(Sub, id("a"), un(UnaryOp::Neg, id("b")))), "a - -b");
    // A negative literal is an atom, so it is never parenthesised, even before `**`.
    assert_eq!(show(bin(Pow, ExprDoc::int(-2), ExprDoc::int(2))), "-2 ** 2");
    assert_eq!(show(bin(Pow, ExprDoc::int(2), ExprDoc::int(-1))), "2 ** -1");
    assert_eq!(show(ExprDoc::int(-1).attr("x")), "-1.x");
}

#[test]
fn boolean_and_comparison() {
    // UNARY: `and` is below `not`.
    assert_eq!(show(un(UnaryOp::Not, bin(And, id("a"), id("b")))), "not (a and b)");
    // UNARY: a comparison binds tighter than `not`.
    assert_eq!(show(un(UnaryOp::Not, bin(Lt, id("a"), id("b")))), "not a < b");
    assert_eq!(show(bin(And, un(UnaryOp::Not, id("a")), id("b"))), "not a and b");
    // `and` binds tighter than `or`; LOWER on the left of `and`.
    assert_eq!(show(bin(Or, id("a"), bin(And, id("b"), id("c")))), "a or b and c");
    assert_eq!(show(bin(And, bin(Or, id("a"), id("b")), id("c"))), "(a or b) and c");
    // RIGHT-CONS for `and`.
    assert_eq!(show(bin(And, id("a"), bin(And, id("b"), id("c")))), "a and (b and c)");
    assert_eq!(show(bin(Or, bin(Or, id("a"), id("b")), id("c"))), "a or b or c");
    // Comparisons are left-associative binary operators for TVM: a comparison on the left
    // prints bare (reading back as Python's chained comparison), on the right parenthesised.
    assert_eq!(show(bin(Lt, bin(Lt, id("a"), id("b")), id("c"))), "a < b < c");
    assert_eq!(show(bin(Eq, id("a"), bin(Lt, id("b"), id("c")))), "a == (b < c)");
    // Arithmetic binds tighter than comparisons.
    let sum = bin(Add, id("a"), id("b"));
    let product = bin(Mul, id("c"), ExprDoc::int(2));
    assert_eq!(show(bin(GtE, sum, product)), "a + b >= c * 2");
    assert_eq!(show(bin(NotEq, bin(BitOr, id("a"), id("b")), id("c"))), "a | b != c");
}

#[test]
fn bitwise_and_shift() {
    assert_eq!(show(bin(BitAnd, id("a"), bin(BitOr, id("b"), id("c")))), "a & (b | c)");
    assert_eq!(show(bin(BitAnd, bin(BitOr, id("a"), id("b")), id("c"))), "(a | b) & c");
    assert_eq!(show(bin(BitOr, id("a"), bin(BitXor, id("b"), id("c")))), "a | b ^ c");
    assert_eq!(show(bin(BitXor, bin(BitAnd, id("a"), id("b")), id("c"))), "a & b ^ c");
    assert_eq!(show(bin(LShift, id("a"), bin(Add, id("b"), id("c")))), "a << b + c");
    assert_eq!(show(bin(Add, bin(RShift, id("a"), id("b")), id("c"))), "(a >> b) + c");
}

#[test]
fn atoms_and_postfix() {
    let sum = bin(Add, id("a"), id("b"));
    // ATOM: an operation under index, attribute access or call.
    assert_eq!(show(sum.index_exprs(vec![ExprDoc::int(0)])), "(a + b)[0]");
    assert_eq!(show(sum.attr("x")), "(a + b).x");
    assert_eq!(show(sum.call(vec![id("c")])), "(a + b)(c)");
    assert_eq!(show(un(UnaryOp::Neg, id("a")).attr("x")), "(-a).x");
    // Atoms chain freely.
    let chain = id("a").attr("b").index_exprs(vec![ExprDoc::int(0)]).call(vec![id("c")]).attr("d");
    assert_eq!(show(chain), "a.b[0](c).d");
    // A tuple is an atom.
    assert_eq!(show(bin(Add, ExprDoc::tuple(vec![id("a"), id("b")]), id("c"))), "(a, b) + c");
    // FREE: operations as call arguments, keyword values and indices.
    let call = id("f").call_kw(
        vec![sum.clone(), ExprDoc::if_then_else(id("d"), id("c"), id("e"))],
        vec![("k".to_string(), bin(Or, id("x"), id("y")))],
    );
    assert_eq!(show(call), "f(a + b, c if d else e, k=x or y)");
    assert_eq!(
        show(id("A").index_exprs(vec![sum.clone(), bin(Mul, id("i"), ExprDoc::int(4))])),
        "A[a + b, i * 4]"
    );
    assert_eq!(show(ExprDoc::list(vec![sum.clone(), un(UnaryOp::Not, id("c"))])), "[a + b, not c]");
    assert_eq!(
        show(ExprDoc::dict(vec![(sum.clone(), bin(Lt, id("c"), id("d")))])),
        "{a + b: c < d}"
    );
    // FREE: slice parts.
    let slice = SliceDoc::new(Some(sum), Some(bin(Mul, id("n"), ExprDoc::int(2))), None);
    assert_eq!(show(id("A").index(vec![slice.into()])), "A[a + b:n * 2]");
}

#[test]
fn conditional_and_lambda() {
    let inner = ExprDoc::if_then_else(id("y"), id("x"), id("z"));
    // ITE: a conditional as the "then" value is not parenthesised, as condition or "else"
    // value it is.
    let outer = ExprDoc::if_then_else(inner.clone(), inner.clone(), inner.clone());
    assert_eq!(show(outer), "x if y else z if (x if y else z) else (x if y else z)");
    // ITE: `or` binds tighter than a conditional.
    let guarded = ExprDoc::if_then_else(bin(Or, id("a"), id("b")), id("x"), id("y"));
    assert_eq!(show(guarded), "x if a or b else y");
    // LOWER: a conditional under `+`.
    assert_eq!(show(bin(Add, inner.clone(), id("d"))), "(x if y else z) + d");
    // A lambda binds loosest: parenthesised under any operator, never as a body.
    let lambda = ExprDoc::lambda(vec![id("x")], id("x"));
    assert_eq!(show(bin(Add, lambda.clone(), ExprDoc::int(1))), "(lambda x: x) + 1");
    assert_eq!(show(ExprDoc::lambda(vec![id("x"), id("y")], inner)), "lambda x, y: x if y else z");
    assert_eq!(show(ExprDoc::lambda(vec![id("x")], lambda)), "lambda x: lambda x: x");
}

#[test]
fn mixed_groups() {
    // LOWER on the left of `&`, then RIGHT-CONS does not matter: `|` is below `^`.
    let xor = bin(BitXor, id("a"), bin(BitOr, id("b"), id("c")));
    assert_eq!(show(bin(BitAnd, xor, id("c"))), "(a ^ (b | c)) & c");
    // A comparison binds tighter than `not`, which binds tighter than `or`.
    let negated = un(UnaryOp::Not, bin(Eq, id("a"), id("b")));
    assert_eq!(show(bin(Or, negated, bin(Lt, id("b"), id("c")))), "not a == b or b < c");
    // ITE: lambdas are below conditional precedence in every position.
    let lambda = |name: &str| ExprDoc::lambda(vec![id(name)], id(name));
    assert_eq!(
        show(ExprDoc::if_then_else(lambda("a"), lambda("b"), lambda("c"))),
        "(lambda b: b) if (lambda a: a) else (lambda c: c)"
    );
    // LOWER: a conditional under a comparison.
    let choice = ExprDoc::if_then_else(id("b"), id("b"), id("b"));
    assert_eq!(show(bin(Lt, id("a"), choice)), "a < (b if b else b)");
    // Both operands of `+` at equal precedence: only the right one is parenthesised.
    let left = bin(Add, id("a"), id("b"));
    let right = bin(Add, id("b"), id("c"));
    assert_eq!(show(bin(Add, left, right)), "a + b + (b + c)");
    // Unary operands of `*` and `**`.
    let product = bin(Mul, un(UnaryOp::Neg, id("a")), un(UnaryOp::Neg, id("b")));
    assert_eq!(show(product), "-a * -b");
    assert_eq!(show(un(UnaryOp::Invert, un(UnaryOp::Neg, id("b")))), "~-b");
    // ATOM: a lambda as callee.
    assert_eq!(
        show(ExprDoc::lambda(vec![id("a")], id("a")).call(vec![id("b")])),
        "(lambda a: a)(b)"
    );
}

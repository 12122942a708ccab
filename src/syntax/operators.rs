//! Operator precedence, resolved in plain Rust over flat operand/operator lists.
//!
//! The grammar parses `operand (op operand)*` without regard to precedence (one pass, no
//! backtracking, no recursion per precedence level) and these functions build the tree:
//! - [`power`]: `-a ** -b ** c` → `-(a ** (-(b ** c)))`: `**` is right-associative and binds tighter
//!   than a unary operator on its left but not on its right;
//! - [`binary`]: shunting-yard over `| ^ & << >> + - * / // % @` and comparisons, with Python's
//!   precedence (comparisons loosest, `* / // % @` tightest) and comparison chains as one
//!   [`ExprKind::Compare`];
//! - [`boolean`]: `and` binds tighter than `or`; each chain becomes one [`ExprKind::BoolOp`].
//!
//! Invariant: every node built here spans from its first operand's start to its last operand's end
//! (a unary node starts at its operator).

use super::ast::*;

/// A binary or comparison operator found between two operands.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FlatOp {
    /// An arithmetic or bitwise operator.
    Bin(BinOp),
    /// A comparison operator.
    Cmp(CmpOp),
}

/// Python's binding power: higher binds tighter.
fn precedence(op: FlatOp) -> u8 {
    match op {
        FlatOp::Cmp(_) => 0,
        FlatOp::Bin(BinOp::BitOr) => 1,
        FlatOp::Bin(BinOp::BitXor) => 2,
        FlatOp::Bin(BinOp::BitAnd) => 3,
        FlatOp::Bin(BinOp::LShift | BinOp::RShift) => 4,
        FlatOp::Bin(BinOp::Add | BinOp::Sub) => 5,
        FlatOp::Bin(
            BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod | BinOp::MatMul | BinOp::Pow,
        ) => 6,
    }
}

/// A primary with the unary operators written before it (each with its start offset).
pub(crate) type Prefixed = (Vec<(UnaryOp, usize)>, Expr);

fn apply_prefixes(prefixes: Vec<(UnaryOp, usize)>, operand: Expr) -> Expr {
    prefixes.into_iter().rev().fold(operand, |operand, (op, start)| {
        let span = start..operand.span.end;
        Expr::new(ExprKind::UnaryOp { op, operand: Box::new(operand) }, span)
    })
}

fn node(op: BinOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.start..right.span.end;
    Expr::new(ExprKind::BinOp { op, left: Box::new(left), right: Box::new(right) }, span)
}

/// Builds `p0 a0 ** p1 a1 ** ... ** pn an` (each `pi` a list of prefix operators).
pub(crate) fn power(first: Prefixed, rest: Vec<Prefixed>) -> Expr {
    if rest.is_empty() {
        return apply_prefixes(first.0, first.1);
    }
    let mut items = rest;
    items.insert(0, first);
    let (last_prefixes, last) = items.pop().expect("at least two items");
    let mut acc = apply_prefixes(last_prefixes, last);
    while let Some((prefixes, base)) = items.pop() {
        acc = apply_prefixes(prefixes, node(BinOp::Pow, base, acc));
    }
    acc
}

/// Builds `e0 op1 e1 op2 e2 ...` with Python's precedence (see the module docs).
pub(crate) fn binary(first: Expr, rest: Vec<(FlatOp, Expr)>) -> Expr {
    if rest.is_empty() {
        return first;
    }
    // Operand stack; the flag marks comparisons built from this list, which later comparisons extend
    // (a parenthesised comparison operand is never extended).
    let mut operands: Vec<(Expr, bool)> = Vec::with_capacity(rest.len() + 1);
    let mut ops: Vec<FlatOp> = Vec::with_capacity(rest.len());
    operands.push((first, false));
    for (op, operand) in rest {
        while let Some(&top) = ops.last() {
            if precedence(top) < precedence(op) {
                break;
            }
            ops.pop();
            reduce(&mut operands, top);
        }
        ops.push(op);
        operands.push((operand, false));
    }
    while let Some(top) = ops.pop() {
        reduce(&mut operands, top);
    }
    operands.pop().expect("one operand remains").0
}

fn reduce(operands: &mut Vec<(Expr, bool)>, op: FlatOp) {
    let (right, _) = operands.pop().expect("an operator has a right operand");
    let (left, left_is_chain) = operands.pop().expect("an operator has a left operand");
    let reduced = match op {
        FlatOp::Bin(op) => (node(op, left, right), false),
        FlatOp::Cmp(op) => {
            let span = left.span.start..right.span.end;
            match left {
                Expr { kind: ExprKind::Compare { left, mut ops }, .. } if left_is_chain => {
                    ops.push((op, right));
                    (Expr::new(ExprKind::Compare { left, ops }, span), true)
                }
                left => (
                    Expr::new(
                        ExprKind::Compare { left: Box::new(left), ops: vec![(op, right)] },
                        span,
                    ),
                    true,
                ),
            }
        }
    };
    operands.push(reduced);
}

/// Builds `e0 (and|or) e1 ...`: `and` chains inside `or` chains.
pub(crate) fn boolean(first: Expr, rest: Vec<(BoolOp, Expr)>) -> Expr {
    if rest.is_empty() {
        return first;
    }
    let close = |mut values: Vec<Expr>, op: BoolOp| {
        if values.len() == 1 {
            return values.pop().expect("length checked above");
        }
        let span = values[0].span.start..values[values.len() - 1].span.end;
        Expr::new(ExprKind::BoolOp { op, values }, span)
    };
    let mut alternatives: Vec<Expr> = Vec::new();
    let mut conjunction: Vec<Expr> = vec![first];
    for (op, operand) in rest {
        if op == BoolOp::Or {
            let done = std::mem::take(&mut conjunction);
            alternatives.push(close(done, BoolOp::And));
        }
        conjunction.push(operand);
    }
    alternatives.push(close(conjunction, BoolOp::And));
    close(alternatives, BoolOp::Or)
}

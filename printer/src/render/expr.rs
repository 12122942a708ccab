//! Printing expression docs, with TVM's parenthesisation rules.
//!
//! A child is parenthesised when its precedence is lower than the precedence its parent asks
//! for, or — for the operands TVM prints "conservatively" — also when it is equal:
//! - the right operand of every binary operator except `**` is conservative, so binary
//!   operators associate to the left: `a - (b - c)` keeps its parentheses, `(a - b) - c` prints
//!   `a - b - c`;
//! - `**` is right-associative: its left operand is conservative (`(a ** b) ** c`), and its
//!   right operand only needs the precedence of unary operators (`a ** -b`, `a ** b ** c`);
//! - unary operators need their own precedence (`-(a + b)`, `--a`, `not not a`, `-a ** b`);
//! - in `x if c else y`, `x` needs conditional precedence and `c`, `y` are conservative;
//! - the object of an attribute access, index or call must be an atom (`(a + b).x`);
//! - call arguments, indices, elements of tuples, lists and dicts, and slice parts are never
//!   parenthesised; a lambda body needs lambda precedence (never parenthesised).
//!
//! Comparison operators are treated as left-associative binary operators like the rest, so a
//! comparison whose left operand is a comparison prints without parentheses (`a < b < c`), as
//! TVM prints it.

use super::Printer;
use crate::expr::{ExprDoc, ExprKind, IndexItem, SliceDoc};
use crate::literal::write_literal;
use crate::ops::{BinaryOp, Precedence};

impl Printer<'_> {
    /// Prints an expression and records its span for each of its source paths.
    pub(crate) fn print_expr(&mut self, expr: &ExprDoc) {
        let start = self.pos();
        match expr.kind() {
            ExprKind::Literal(literal) => write_literal(&mut self.out, literal),
            ExprKind::Id(name) => self.out.push_str(name),
            ExprKind::Attr { value, name } => {
                self.print_child(value, Precedence::Atom, false);
                self.out.push('.');
                self.out.push_str(name);
            }
            ExprKind::Index { value, indices } => {
                self.print_child(value, Precedence::Atom, false);
                if indices.is_empty() {
                    self.out.push_str("[()]");
                } else {
                    self.out.push('[');
                    for (position, item) in indices.iter().enumerate() {
                        if position > 0 {
                            self.out.push_str(", ");
                        }
                        match item {
                            IndexItem::Expr(index) => self.print_expr(index),
                            IndexItem::Slice(slice) => self.print_slice(slice),
                        }
                    }
                    self.out.push(']');
                }
            }
            ExprKind::Call { callee, args, kwargs } => {
                self.print_child(callee, Precedence::Atom, false);
                self.out.push('(');
                let mut first = true;
                for arg in args {
                    if !first {
                        self.out.push_str(", ");
                    }
                    first = false;
                    self.print_expr(arg);
                }
                for (key, value) in kwargs {
                    if !first {
                        self.out.push_str(", ");
                    }
                    first = false;
                    self.out.push_str(key);
                    self.out.push('=');
                    self.print_expr(value);
                }
                self.out.push(')');
            }
            ExprKind::Unary { op, operand } => {
                self.out.push_str(op.token());
                self.print_child(operand, op.precedence(), false);
            }
            ExprKind::Binary { op: BinaryOp::Pow, lhs, rhs } => {
                self.print_child(lhs, Precedence::Exp, true);
                self.out.push_str(" ** ");
                self.print_child(rhs, Precedence::Unary, false);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.print_child(lhs, op.precedence(), false);
                self.out.push(' ');
                self.out.push_str(op.token());
                self.out.push(' ');
                self.print_child(rhs, op.precedence(), true);
            }
            ExprKind::IfThenElse { condition, then_value, else_value } => {
                self.print_child(then_value, Precedence::IfThenElse, false);
                self.out.push_str(" if ");
                self.print_child(condition, Precedence::IfThenElse, true);
                self.out.push_str(" else ");
                self.print_child(else_value, Precedence::IfThenElse, true);
            }
            ExprKind::Lambda { args, body } => {
                self.out.push_str("lambda ");
                self.print_joined(args);
                self.out.push_str(": ");
                self.print_child(body, Precedence::Lambda, false);
            }
            ExprKind::Tuple(elements) => {
                self.out.push('(');
                if let [single] = elements.as_slice() {
                    self.print_expr(single);
                    self.out.push(',');
                } else {
                    self.print_joined(elements);
                }
                self.out.push(')');
            }
            ExprKind::List(elements) => {
                self.out.push('[');
                self.print_joined(elements);
                self.out.push(']');
            }
            ExprKind::Dict(entries) => {
                self.out.push('{');
                for (position, (key, value)) in entries.iter().enumerate() {
                    if position > 0 {
                        self.out.push_str(", ");
                    }
                    self.print_expr(key);
                    self.out.push_str(": ");
                    self.print_expr(value);
                }
                self.out.push('}');
            }
        }
        if self.underlining() {
            let span = (start, self.pos());
            expr.for_each_source_path(|path| self.mark(span, path));
        }
    }

    /// Prints `child`, parenthesised if it binds more loosely than `parent` (or equally, when
    /// `parenthesize_equal`).
    fn print_child(&mut self, child: &ExprDoc, parent: Precedence, parenthesize_equal: bool) {
        let precedence = child.precedence();
        if precedence < parent || (parenthesize_equal && precedence == parent) {
            self.out.push('(');
            self.print_expr(child);
            self.out.push(')');
        } else {
            self.print_expr(child);
        }
    }

    /// Prints expressions separated by `", "`.
    pub(crate) fn print_joined(&mut self, exprs: &[ExprDoc]) {
        for (position, expr) in exprs.iter().enumerate() {
            if position > 0 {
                self.out.push_str(", ");
            }
            self.print_expr(expr);
        }
    }

    fn print_slice(&mut self, slice: &SliceDoc) {
        let start = self.pos();
        if let Some(begin) = &slice.start {
            self.print_expr(begin);
        }
        self.out.push(':');
        if let Some(stop) = &slice.stop {
            self.print_expr(stop);
        }
        if let Some(step) = &slice.step {
            self.out.push(':');
            self.print_expr(step);
        }
        if self.underlining() {
            self.mark_all((start, self.pos()), &slice.source_paths);
        }
    }
}

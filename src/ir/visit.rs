//! Pre-order walks over expressions and statements.
//!
//! `walk_expr` calls the callback on every expression node reachable from an expression, parents
//! before children; `walk_stmt` does the same for statements, and `walk_stmt_exprs` visits every
//! expression a statement tree holds (values, indices, conditions, extents, regions, ...).
//! Walks use an explicit stack, so deep trees cannot overflow the call stack.

use super::buffer::{BufferRegion, Range};
use super::expr::{Expr, PrimExpr};
use super::stmt::{Stmt, StmtNode};

/// Pushes the direct child expressions of `e` onto `out`.
pub fn expr_children<'a>(e: &'a PrimExpr, out: &mut Vec<&'a PrimExpr>) {
    match e.expr() {
        Expr::IntImm(_) | Expr::FloatImm(_) | Expr::StringImm(_) | Expr::Var(_) => {}
        Expr::Binary { a, b, .. } | Expr::Cmp { a, b, .. } | Expr::And(a, b) | Expr::Or(a, b) => {
            out.extend([a, b])
        }
        Expr::Not(a) | Expr::Cast(a) => out.push(a),
        Expr::Select { condition, true_value, false_value } => {
            out.extend([condition, true_value, false_value])
        }
        Expr::BufferLoad { indices, predicate, .. } => {
            out.extend(indices);
            out.extend(predicate);
        }
        Expr::Ramp { base, stride, lanes } => out.extend([base, stride, lanes]),
        Expr::Broadcast { value, lanes } => out.extend([value, lanes]),
        Expr::Shuffle { vectors, indices } => {
            out.extend(vectors);
            out.extend(indices);
        }
        Expr::Let { value, body, .. } => out.extend([value, body]),
        Expr::Call { args, .. } => out.extend(args),
        Expr::Reduce { source, init, condition, axis, combiner, .. } => {
            out.extend(&combiner.result);
            out.extend(&combiner.identity_element);
            out.extend(source);
            out.extend(init);
            for dom in axis.iter().filter_map(|iv| iv.dom.as_ref()) {
                out.extend([&dom.min, &dom.extent]);
            }
            out.push(condition);
        }
    }
}

/// Calls `f` on `e` and every expression below it, parents first.
pub fn walk_expr(e: &PrimExpr, f: &mut dyn FnMut(&PrimExpr)) {
    let mut stack = vec![e];
    let mut children = Vec::new();
    while let Some(top) = stack.pop() {
        f(top);
        children.clear();
        expr_children(top, &mut children);
        stack.extend(children.iter().rev());
    }
}

fn range_exprs<'a>(r: &'a Range, out: &mut Vec<&'a PrimExpr>) {
    out.extend([&r.min, &r.extent]);
}

fn region_exprs<'a>(r: &'a BufferRegion, out: &mut Vec<&'a PrimExpr>) {
    for range in &r.region {
        range_exprs(range, out);
    }
}

/// Splits a statement into its direct child statements and the expressions it holds itself.
pub fn stmt_parts<'a>(s: &'a Stmt, stmts: &mut Vec<&'a Stmt>, exprs: &mut Vec<&'a PrimExpr>) {
    match s.node() {
        StmtNode::BufferStore { value, indices, predicate, .. } => {
            exprs.push(value);
            exprs.extend(indices);
            exprs.extend(predicate);
        }
        StmtNode::Evaluate(e) => exprs.push(e),
        StmtNode::SeqStmt(seq) => stmts.extend(seq),
        StmtNode::For(f) => {
            exprs.extend([&f.min, &f.extent]);
            exprs.extend(&f.step);
            stmts.push(&f.body);
        }
        StmtNode::While { condition, body } => {
            exprs.push(condition);
            stmts.push(body);
        }
        StmtNode::IfThenElse { condition, then_case, else_case } => {
            exprs.push(condition);
            stmts.push(then_case);
            stmts.extend(else_case);
        }
        StmtNode::LetStmt { value, body, .. } => {
            exprs.push(value);
            stmts.push(body);
        }
        StmtNode::AttrStmt { value, body, .. } => {
            exprs.push(value);
            stmts.push(body);
        }
        StmtNode::AssertStmt { condition, message, body } => {
            exprs.extend([condition, message]);
            stmts.push(body);
        }
        StmtNode::Allocate { extents, condition, body, .. } => {
            exprs.extend(extents);
            exprs.push(condition);
            stmts.push(body);
        }
        StmtNode::AllocateConst { extents, body, .. } => {
            exprs.extend(extents);
            stmts.push(body);
        }
        StmtNode::DeclBuffer { body, .. } => stmts.push(body),
        StmtNode::BufferRealize { bounds, condition, body, .. } => {
            for r in bounds {
                range_exprs(r, exprs);
            }
            exprs.push(condition);
            stmts.push(body);
        }
        StmtNode::Block(block) => block_parts(block, stmts, exprs),
        StmtNode::BlockRealize(realize) => {
            exprs.extend(&realize.iter_values);
            exprs.push(&realize.predicate);
            block_parts(&realize.block, stmts, exprs);
        }
    }
}

fn block_parts<'a>(
    block: &'a super::stmt::Block,
    stmts: &mut Vec<&'a Stmt>,
    exprs: &mut Vec<&'a PrimExpr>,
) {
    for dom in block.iter_vars.iter().filter_map(|iv| iv.dom.as_ref()) {
        range_exprs(dom, exprs);
    }
    for r in block.reads.iter().chain(&block.writes) {
        region_exprs(r, exprs);
    }
    for m in &block.match_buffers {
        region_exprs(&m.source, exprs);
    }
    stmts.extend(&block.init);
    stmts.push(&block.body);
}

/// Calls `f` on `s` and every statement below it, parents first.
pub fn walk_stmt(s: &Stmt, f: &mut dyn FnMut(&Stmt)) {
    let mut stack = vec![s];
    let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
    while let Some(top) = stack.pop() {
        f(top);
        stmts.clear();
        exprs.clear();
        stmt_parts(top, &mut stmts, &mut exprs);
        stack.extend(stmts.iter().rev());
    }
}

/// Calls `f` on every expression node held anywhere in the statement tree `s`.
pub fn walk_stmt_exprs(s: &Stmt, f: &mut dyn FnMut(&PrimExpr)) {
    let mut stack = vec![s];
    let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
    while let Some(top) = stack.pop() {
        stmts.clear();
        exprs.clear();
        stmt_parts(top, &mut stmts, &mut exprs);
        for e in &exprs {
            walk_expr(e, f);
        }
        stack.extend(stmts.iter().rev());
    }
}

//! Which buffers to double-buffer (TVM's `DoubleBufferDetector`).
//!
//! Walking the statements in order (each statement's own expressions before the statements
//! inside it), a `double_buffer_scope` attribute adds its data var, and any later use of that var
//! as an expression (not through a load or store, which name the buffer, not the var) removes it
//! again: such a buffer's address escapes, so its halves cannot be switched behind its back.

use std::collections::HashSet;

use crate::ir::visit::{stmt_parts, walk_expr};
use crate::ir::{AttrValue, Stmt, StmtNode, Var};

/// The data vars of the buffers to double-buffer in `body`.
pub(super) fn double_buffers(body: &Stmt) -> HashSet<Var> {
    let mut found = HashSet::new();
    visit(body, &mut found);
    found
}

fn visit(s: &Stmt, found: &mut HashSet<Var>) {
    if let StmtNode::AttrStmt { attr_key, node: AttrValue::Expr(e), .. } = s.node()
        && attr_key == "double_buffer_scope"
        && let Some(v) = e.as_var()
    {
        found.insert(v.clone());
    }
    let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
    stmt_parts(s, &mut stmts, &mut exprs);
    for e in exprs {
        walk_expr(e, &mut |x| {
            if let Some(v) = x.as_var() {
                found.remove(v);
            }
        });
    }
    for child in stmts {
        visit(child, found);
    }
}

//! A fully parenthesised text form of the syntax tree, for tests and debugging.
//!
//! Every operator application is wrapped in parentheses (`-2**2` prints as `(-(2 ** 2))`), so the
//! output shows exactly how the parser grouped the input. Statements print one per line, indented by
//! four spaces per block, in a Python-like form. This is not the TVMScript printer.

use std::fmt::Write;

use super::ast::*;

/// The fully parenthesised form of an expression.
pub fn expr(e: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, e);
    out
}

/// The statements of a module, one per line, comments omitted.
pub fn module(m: &Module) -> String {
    let mut out = String::new();
    for s in &m.body {
        write_stmt(&mut out, s, 0);
    }
    out
}

fn list(out: &mut String, items: &[Expr]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, item);
    }
}

fn opt(out: &mut String, e: &Option<Expr>) {
    if let Some(e) = e {
        write_expr(out, e);
    }
}

fn params(out: &mut String, params: &[Param]) {
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(match p.kind {
            ParamKind::Normal => "",
            ParamKind::VarArgs => "*",
            ParamKind::KwArgs => "**",
        });
        out.push_str(&p.name.name);
        if let Some(a) = &p.annotation {
            out.push_str(": ");
            write_expr(out, a);
        }
        if let Some(d) = &p.default {
            out.push('=');
            write_expr(out, d);
        }
    }
}

fn write_expr(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Int(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        ExprKind::Int(None) => out.push_str("<int overflow>"),
        ExprKind::Float(v) => {
            let _ = write!(out, "{v:?}");
        }
        ExprKind::Str(s) => {
            let _ = write!(out, "{s:?}");
        }
        ExprKind::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        ExprKind::None => out.push_str("None"),
        ExprKind::Ellipsis => out.push_str("..."),
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Attribute(a) => {
            write_expr(out, &a.value);
            out.push('.');
            out.push_str(&a.attr.name);
        }
        ExprKind::Call(c) => {
            write_expr(out, &c.func);
            out.push('(');
            list(out, &c.args);
            for (i, k) in c.keywords.iter().enumerate() {
                if i > 0 || !c.args.is_empty() {
                    out.push_str(", ");
                }
                match &k.name {
                    Some(name) => {
                        out.push_str(&name.name);
                        out.push('=');
                    }
                    None => out.push_str("**"),
                }
                write_expr(out, &k.value);
            }
            out.push(')');
        }
        ExprKind::Subscript(s) => {
            write_expr(out, &s.value);
            out.push('[');
            write_expr(out, &s.index);
            out.push(']');
        }
        ExprKind::Slice(s) => {
            opt(out, &s.lower);
            out.push(':');
            opt(out, &s.upper);
            if let Some(step) = &s.step {
                out.push(':');
                write_expr(out, step);
            }
        }
        ExprKind::Starred(inner) => {
            out.push('*');
            write_expr(out, inner);
        }
        ExprKind::Tuple(items) => {
            out.push('(');
            list(out, items);
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        ExprKind::List(items) => {
            out.push('[');
            list(out, items);
            out.push(']');
        }
        ExprKind::Dict(items) => {
            out.push('{');
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(out, k);
                out.push_str(": ");
                write_expr(out, v);
            }
            out.push('}');
        }
        ExprKind::UnaryOp { op, operand } => {
            out.push('(');
            out.push_str(op.as_str());
            if *op == UnaryOp::Not {
                out.push(' ');
            }
            write_expr(out, operand);
            out.push(')');
        }
        ExprKind::BinOp { op, left, right } => {
            out.push('(');
            write_expr(out, left);
            let _ = write!(out, " {} ", op.as_str());
            write_expr(out, right);
            out.push(')');
        }
        ExprKind::BoolOp { op, values } => {
            out.push('(');
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    let _ = write!(out, " {} ", op.as_str());
                }
                write_expr(out, v);
            }
            out.push(')');
        }
        ExprKind::Compare { left, ops } => {
            out.push('(');
            write_expr(out, left);
            for (op, right) in ops {
                let _ = write!(out, " {} ", op.as_str());
                write_expr(out, right);
            }
            out.push(')');
        }
        ExprKind::Lambda(l) => {
            out.push_str("(lambda ");
            params(out, &l.params);
            out.push_str(": ");
            write_expr(out, &l.body);
            out.push(')');
        }
        ExprKind::IfExp(i) => {
            out.push('(');
            write_expr(out, &i.body);
            out.push_str(" if ");
            write_expr(out, &i.test);
            out.push_str(" else ");
            write_expr(out, &i.orelse);
            out.push(')');
        }
    }
}

fn block(out: &mut String, body: &[Stmt], depth: usize) {
    for s in body {
        write_stmt(out, s, depth + 1);
    }
}

fn write_stmt(out: &mut String, s: &Stmt, depth: usize) {
    let indent = "    ".repeat(depth);
    out.push_str(&indent);
    match &s.kind {
        StmtKind::FunctionDef(f) => {
            for d in &f.decorators {
                out.push('@');
                write_expr(out, d);
                out.push('\n');
                out.push_str(&indent);
            }
            let _ = write!(out, "def {}(", f.name.name);
            params(out, &f.params);
            out.push(')');
            if let Some(r) = &f.returns {
                out.push_str(" -> ");
                write_expr(out, r);
            }
            out.push_str(":\n");
            block(out, &f.body, depth);
        }
        StmtKind::ClassDef(c) => {
            for d in &c.decorators {
                out.push('@');
                write_expr(out, d);
                out.push('\n');
                out.push_str(&indent);
            }
            let _ = write!(out, "class {}", c.name.name);
            if !c.bases.is_empty() {
                out.push('(');
                list(out, &c.bases);
                out.push(')');
            }
            out.push_str(":\n");
            block(out, &c.body, depth);
        }
        StmtKind::Assign { targets, value } => {
            for t in targets {
                write_expr(out, t);
                out.push_str(" = ");
            }
            write_expr(out, value);
            out.push('\n');
        }
        StmtKind::AnnAssign { target, annotation, value } => {
            write_expr(out, target);
            out.push_str(": ");
            write_expr(out, annotation);
            if let Some(v) = value {
                out.push_str(" = ");
                write_expr(out, v);
            }
            out.push('\n');
        }
        StmtKind::AugAssign { target, op, value } => {
            write_expr(out, target);
            let _ = write!(out, " {}= ", op.as_str());
            write_expr(out, value);
            out.push('\n');
        }
        StmtKind::For { target, iter, body } => {
            out.push_str("for ");
            write_expr(out, target);
            out.push_str(" in ");
            write_expr(out, iter);
            out.push_str(":\n");
            block(out, body, depth);
        }
        StmtKind::While { test, body } => {
            out.push_str("while ");
            write_expr(out, test);
            out.push_str(":\n");
            block(out, body, depth);
        }
        StmtKind::If { test, body, orelse } => {
            out.push_str("if ");
            write_expr(out, test);
            out.push_str(":\n");
            block(out, body, depth);
            if !orelse.is_empty() {
                out.push_str(&indent);
                out.push_str("else:\n");
                block(out, orelse, depth);
            }
        }
        StmtKind::With { items, body } => {
            out.push_str("with ");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(out, &item.context);
                if let Some(t) = &item.target {
                    out.push_str(" as ");
                    write_expr(out, t);
                }
            }
            out.push_str(":\n");
            block(out, body, depth);
        }
        StmtKind::Assert { test, msg } => {
            out.push_str("assert ");
            write_expr(out, test);
            if let Some(m) = msg {
                out.push_str(", ");
                write_expr(out, m);
            }
            out.push('\n');
        }
        StmtKind::Return(value) => {
            out.push_str("return");
            if let Some(v) = value {
                out.push(' ');
                write_expr(out, v);
            }
            out.push('\n');
        }
        StmtKind::Break => out.push_str("break\n"),
        StmtKind::Continue => out.push_str("continue\n"),
        StmtKind::Pass => out.push_str("pass\n"),
        StmtKind::Expr(e) => {
            write_expr(out, e);
            out.push('\n');
        }
    }
}

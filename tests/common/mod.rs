//! Helpers shared by the integration tests: a compact, fully parenthesised rendering of
//! expressions and regions, so tests can assert IR shapes without the printer.

#![allow(dead_code)]

use tirscript::arith::ops;
use tirscript::ir::{BinaryOp, BufferRegion, CmpOp, Expr, PrimExpr};

/// Renders an expression: vars by name, immediates by value, operators infix and parenthesised
/// when nested.
pub fn show(e: &PrimExpr) -> String {
    show_nested(e, false)
}

fn show_nested(e: &PrimExpr, nested: bool) -> String {
    let text = match e.expr() {
        Expr::IntImm(v) => return v.to_string(),
        Expr::FloatImm(v) => return format!("{v:?}"),
        Expr::StringImm(s) => return format!("{s:?}"),
        Expr::Var(v) => return v.name().to_string(),
        Expr::Binary { op, a, b } => {
            let sym = match op {
                BinaryOp::Add => "+",
                BinaryOp::Sub => "-",
                BinaryOp::Mul => "*",
                BinaryOp::Div => "/",
                BinaryOp::Mod => "%",
                BinaryOp::FloorDiv => "//",
                BinaryOp::FloorMod => "%%",
                BinaryOp::Min => return format!("min({}, {})", show(a), show(b)),
                BinaryOp::Max => return format!("max({}, {})", show(a), show(b)),
            };
            format!("{} {sym} {}", show_nested(a, true), show_nested(b, true))
        }
        Expr::Cmp { op, a, b } => {
            let sym = match op {
                CmpOp::Eq => "==",
                CmpOp::Ne => "!=",
                CmpOp::Lt => "<",
                CmpOp::Le => "<=",
                CmpOp::Gt => ">",
                CmpOp::Ge => ">=",
            };
            format!("{} {sym} {}", show_nested(a, true), show_nested(b, true))
        }
        Expr::BufferLoad { buffer, indices, .. } => {
            let idx: Vec<String> = indices.iter().map(show).collect();
            return format!("{}[{}]", buffer.name(), idx.join(", "));
        }
        other => return format!("{other:?}"),
    };
    if nested { format!("({text})") } else { text }
}

/// Renders a region as TVM prints it: a point as its index, a range as `min:min + extent`.
pub fn show_region(r: &BufferRegion) -> String {
    let parts: Vec<String> = r
        .region
        .iter()
        .map(|range| {
            if range.extent.as_int() == Some(1) {
                show(&range.min)
            } else {
                let stop =
                    ops::add(range.min.clone(), range.extent.clone()).expect("well-typed range");
                format!("{}:{}", show(&range.min), show(&stop))
            }
        })
        .collect();
    format!("{}[{}]", r.buffer.name(), parts.join(", "))
}

/// Renders a list of regions.
pub fn show_regions(rs: &[BufferRegion]) -> Vec<String> {
    rs.iter().map(show_region).collect()
}

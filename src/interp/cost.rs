//! A static estimate of how long a run takes, so callers can decide before interpreting.
//!
//! The estimate is the number of loop iterations: a `For` runs `extent` times its body's
//! iterations plus one; a symbolic extent (and every `While`) counts as the given stand-in value,
//! which should be the value the caller binds symbolic vars to. Calls between module functions
//! are not followed. The count saturates at `u64::MAX`.

use crate::ir::visit::stmt_parts;
use crate::ir::{Stmt, StmtNode};

/// How many loop iterations `s` runs, counting a symbolic extent as `symbolic_extent`.
pub fn loop_iterations(s: &Stmt, symbolic_extent: u64) -> u64 {
    let mut stmts = Vec::new();
    let mut exprs = Vec::new();
    stmt_parts(s, &mut stmts, &mut exprs);
    let inner =
        stmts.iter().fold(0u64, |acc, c| acc.saturating_add(loop_iterations(c, symbolic_extent)));
    let times = match s.node() {
        StmtNode::For(f) => match f.extent.as_int() {
            Some(n) => u64::try_from(n).unwrap_or(0),
            None => symbolic_extent,
        },
        StmtNode::While { .. } => symbolic_extent,
        _ => return inner,
    };
    times.saturating_mul(inner.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::loop_iterations;

    fn body_of(source: &str) -> crate::ir::Stmt {
        let parsed = crate::eval::parse_script("cost.tir", source);
        let module = parsed.module.expect("a module");
        let (_, func) = module.functions().next().expect("a function");
        func.body.clone()
    }

    #[test]
    fn nested_loops_multiply_and_siblings_add() {
        let body = body_of(
            "# from tvm.script import tir as T\n\n@T.prim_func\n\
             def f(A: T.Buffer((16, 16), \"float32\"), n: T.int32):\n\
             \x20   for i, j in T.grid(16, 16):\n\
             \x20       A[i, j] = T.float32(0.0)\n\
             \x20   for k in range(n):\n\
             \x20       A[0, 0] = T.float32(1.0)\n",
        );
        // 16 * (16 + 1) for the nest, 8 * 1 for the symbolic loop.
        assert_eq!(loop_iterations(&body, 8), 16 * 17 + 8);
    }
}

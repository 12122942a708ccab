//! From source text to a lowered module, and the work a function does: the shared front half of
//! `tirscript run`, `tirscript build`, the tests and the benchmarks.
//!
//! Flop count: every floating-point `+ - * /`, `min`/`max` and `fmuladd` (2 flops) of a statement,
//! times its lanes, times the trip counts of the loops around it. Counted on the lowered module, so
//! a `T.init()` store counts as often as the reduction it initialises is visited (its condition is
//! not evaluated); loops of non-constant extent make the count unknown (`None`).

use std::time::{Duration, Instant};

use crate::diagnostic::SourceFile;
use crate::ir::visit::walk_expr;
use crate::ir::{BinaryOp, Callee, Expr, IRModule, PrimExpr, PrimFunc, Stmt, StmtNode};
use crate::transform::{PassContext, Target, default_pipeline, run_pipeline};

/// A parsed and lowered module.
pub struct Prepared {
    /// The module as parsed (input of the interpreter cross-check).
    pub source: IRModule,
    /// The module after the default lowering pipeline (input of code generation).
    pub lowered: IRModule,
    pub parse_time: Duration,
    pub lower_time: Duration,
}

/// Parses `text` (named `name` in diagnostics) and runs the default pipeline for `target`.
pub fn parse_and_lower(name: &str, text: &str, target: &Target) -> Result<Prepared, String> {
    let start = Instant::now();
    let parsed = crate::eval::parse_script(name, text);
    let source = match parsed.module {
        Some(module) if !parsed.has_errors() => module,
        _ => {
            let file = SourceFile::new(name, text);
            let rendered: Vec<String> =
                parsed.diagnostics.iter().map(|d| d.render(&file, false)).collect();
            return Err(format!("{name} has errors:\n{}", rendered.join("")));
        }
    };
    let parse_time = start.elapsed();
    let start = Instant::now();
    let passes = default_pipeline(target).map_err(|e| e.to_string())?;
    let lowered =
        run_pipeline(source.clone(), &passes, &PassContext::new()).map_err(|e| e.to_string())?;
    Ok(Prepared { source, lowered, parse_time, lower_time: start.elapsed() })
}

/// The floating-point operations one call of `func` performs, when its loop extents are constant.
pub fn count_flops(func: &PrimFunc) -> Option<f64> {
    stmt_flops(&func.body)
}

fn stmt_flops(s: &Stmt) -> Option<f64> {
    Some(match s.node() {
        StmtNode::For(f) => {
            let body = stmt_flops(&f.body)?;
            if body == 0.0 {
                return Some(0.0);
            }
            let step = f.step.as_ref().map_or(Some(1), PrimExpr::as_int)?.max(1);
            let extent = f.extent.as_int()?;
            body * ((extent + step - 1) / step).max(0) as f64
        }
        StmtNode::SeqStmt(stmts) => {
            let mut total = 0.0;
            for s in stmts {
                total += stmt_flops(s)?;
            }
            total
        }
        StmtNode::IfThenElse { condition, then_case, else_case } => {
            expr_flops(condition)
                + stmt_flops(then_case)?
                + else_case.as_ref().map_or(Some(0.0), stmt_flops)?
        }
        StmtNode::While { .. } => return None,
        StmtNode::BufferStore { value, indices, .. } => {
            expr_flops(value) + indices.iter().map(expr_flops).sum::<f64>()
        }
        StmtNode::Evaluate(e) => expr_flops(e),
        StmtNode::LetStmt { value, body, .. } => expr_flops(value) + stmt_flops(body)?,
        StmtNode::AttrStmt { body, .. }
        | StmtNode::AssertStmt { body, .. }
        | StmtNode::Allocate { body, .. }
        | StmtNode::AllocateConst { body, .. }
        | StmtNode::DeclBuffer { body, .. }
        | StmtNode::BufferRealize { body, .. } => stmt_flops(body)?,
        StmtNode::Block(_) | StmtNode::BlockRealize(_) => return None,
    })
}

fn expr_flops(e: &PrimExpr) -> f64 {
    let mut total = 0.0;
    walk_expr(e, &mut |node| {
        if !node.dtype().is_floating() {
            return;
        }
        let lanes = f64::from(node.dtype().fixed_lanes().unwrap_or(1));
        let ops = match node.expr() {
            Expr::Binary {
                op:
                    BinaryOp::Add
                    | BinaryOp::Sub
                    | BinaryOp::Mul
                    | BinaryOp::Div
                    | BinaryOp::Min
                    | BinaryOp::Max,
                ..
            } => 1.0,
            Expr::Call { op: Callee::Op(op), args }
                if op.name() == "call_llvm_pure_intrin"
                    && matches!(args.first().map(|a| a.expr()), Some(Expr::StringImm(n)) if n == "llvm.fmuladd") =>
            {
                2.0
            }
            _ => 0.0,
        };
        total += ops * lanes;
    });
    total
}

//! LowerIntrin (TVM v0.23 `tir.LowerIntrin`) for the `llvm` target: legalizes integer floor
//! division and lowers intrinsics to what the LLVM code generator emits.
//!
//! Rules (TVM's `IntrinInjecter` with the `llvm.FLowerIntrinsic` table; bitwise ops allowed; the
//! floor division ones live in `lower_intrin_div`, the op rewrites in `lower_intrin_legalize`):
//! - `floordiv(a, 2^k)` → `a >> k` and `floormod(a, 2^k)` → `a & (2^k - 1)`;
//! - otherwise, when `b >= 0` is provable: with `a >= 0` (or the quotient `>= 0`) provable,
//!   `floordiv` → `truncdiv(a, b)` and `floormod` → `truncmod(a, b)`; with a constant lower bound
//!   `min < 0` on `a`, `a` is shifted by a multiple of `b` (`c = truncdiv(b - 1 - min, b)`) to
//!   `truncdiv(a + b*c, b) - c` / `truncmod(a + b*c, b)`; else, for int32/int64,
//!   `rdiv + (rmod >> (bits - 1))` / `rmod + (b & (rmod >> (bits - 1)))`, for other types a
//!   `select` on `rmod >= 0`;
//! - with `b` of unknown sign, integer `floordiv`/`floormod` become `let`-bound `truncdiv`/`truncmod`
//!   with a sign-correcting `select`;
//! - float `floordiv(a, b)` becomes `floor(a / b)` and float `floormod(a, b)` becomes
//!   `a - floor(a / b) * b` (TVM's float branches; TVM v0.23 itself stops at an internal check
//!   that the dtype is an integer before reaching them, here they are taken);
//! - `max(floordiv(x, y), c)` with `c >= 0` and `y >= 0` → `max(truncdiv(x, y), c)`;
//!   `floormod(x, y) == 0` / `!= 0` → `truncmod(x, y) == 0` / `!= 0`;
//! - a float `a * b + c` (either operand order) becomes `llvm.fmuladd(a, b, c)`; a broadcast of a
//!   widening integer cast is swapped into a cast of a broadcast first;
//! - `exp exp2 log log2 log10 sqrt floor ceil trunc fabs round nearbyint pow popcount cos sin fma`
//!   become `T.call_llvm_pure_intrin(dtype, "llvm.<name>", args...)` (`popcount` is `llvm.ctpop`,
//!   `fma` is `llvm.fmuladd`), and `prefetch` becomes `T.call_llvm_intrin(..., "llvm.prefetch")`.
//!   LLVM intrinsics are named by a string immediate, as the parser stores them.
//!
//! - `tanh exp10 tan cosh sinh asinh acosh atanh asin acos atan erf` and integer `clz` are
//!   rewritten by TVM's `llvm.FLegalize` rules, and `rsqrt sigmoid isinf isfinite` by its
//!   `default.FLegalize` rules (`lower_intrin_legalize`), then lowered further.
//!
//! Not applied (left as calls for the code generator): the `default.FLowerIntrinsic` extern
//! fallbacks of the ops without an LLVM rule (`log1p atan2 hypot nextafter copysign ldexp` as
//! `call_pure_extern("log1pf", ...)`) and the `default.FLegalize` rule of `q_multiply_shift`.
//!
//! The analyzer knows loop ranges, `let` values, `if`/`assert` conditions and `select` /
//! `if_then_else` branch conditions, as TVM's `IRMutatorWithAnalyzer`.

use super::block_lowering_util::map_stmt_exprs;
use super::lower_intrin_div::konst;
use super::lower_intrin_legalize::legalize;
use crate::arith::{Analyzer, ops};
use crate::ir::mutate::{map_expr_children, map_stmt_children};
use crate::ir::{
    AttrValue, BinaryOp, Callee, CmpOp, DataType, Expr, IrError, Op, PrimExpr, PrimFunc, Range,
    Stmt, StmtNode,
};
use crate::transform::pass::Pass;

/// Lowers the intrinsics of `func` for the LLVM target.
pub fn lower_intrin(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut l = Lower { analyzer: Analyzer::new() };
    let body = l.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.LowerIntrin` (opt level 0, per function), for the LLVM target.
pub fn pass() -> Pass {
    Pass::prim_func("tir.LowerIntrin", 0, |f, _| Ok(lower_intrin(f)?))
}

/// The LLVM intrinsic a TIR math op is dispatched to, with its argument count.
fn llvm_pure_intrinsic(op: &str) -> Option<(&'static str, usize)> {
    Some(match op {
        "exp" => ("llvm.exp", 1),
        "exp2" => ("llvm.exp2", 1),
        "fma" => ("llvm.fmuladd", 3),
        "log" => ("llvm.log", 1),
        "log2" => ("llvm.log2", 1),
        "log10" => ("llvm.log10", 1),
        "sqrt" => ("llvm.sqrt", 1),
        "floor" => ("llvm.floor", 1),
        "ceil" => ("llvm.ceil", 1),
        "trunc" => ("llvm.trunc", 1),
        "fabs" => ("llvm.fabs", 1),
        "round" => ("llvm.round", 1),
        "nearbyint" => ("llvm.nearbyint", 1),
        "pow" => ("llvm.pow", 2),
        "popcount" => ("llvm.ctpop", 1),
        "cos" => ("llvm.cos", 1),
        "sin" => ("llvm.sin", 1),
        _ => return None,
    })
}

pub(super) fn call(dtype: DataType, op: &str, args: Vec<PrimExpr>) -> Result<PrimExpr, IrError> {
    PrimExpr::call_op(
        dtype,
        Op::get(op).ok_or_else(|| IrError::invalid(format!("no op {op}")))?,
        args,
    )
}

/// The rewriter: TVM's `IntrinInjecter` over an `IRMutatorWithAnalyzer`.
pub(super) struct Lower {
    pub(super) analyzer: Analyzer,
}

impl Lower {
    /// Runs `f` with `constraint` assumed by the analyzer.
    fn under<R>(&mut self, constraint: &PrimExpr, f: impl FnOnce(&mut Lower) -> R) -> R {
        let mut analyzer = std::mem::take(&mut self.analyzer);
        let out = analyzer.with_constraint(constraint, |a| {
            std::mem::swap(&mut self.analyzer, a);
            let r = f(self);
            std::mem::swap(&mut self.analyzer, a);
            r
        });
        self.analyzer = analyzer;
        out
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::For(l) => {
                self.analyzer.bind(&l.loop_var, &Range::new(l.min.clone(), l.extent.clone()));
                let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&s, &mut |e| self.expr(e))
            }
            StmtNode::LetStmt { var, value, body } => {
                let value = self.expr(value)?;
                if crate::arith::pattern::is_pure(&value) {
                    self.analyzer.bind_value(var, &value);
                }
                let body = self.stmt(body)?;
                Ok(Stmt::new(StmtNode::LetStmt { var: var.clone(), value, body }))
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                let condition = self.expr(condition)?;
                let real = match condition.expr() {
                    Expr::Call { op: Callee::Op(op), args } if op.name() == "likely" => {
                        args[0].clone()
                    }
                    _ => condition.clone(),
                };
                let then_case = self.under(&real, |l| l.stmt(then_case))?;
                let else_case = match else_case {
                    Some(e) => {
                        let not = self.analyzer.rewrite_simplify(&PrimExpr::not(real.clone())?);
                        Some(self.under(&not, |l| l.stmt(e))?)
                    }
                    None => None,
                };
                match real.as_int() {
                    Some(0) => Ok(else_case.unwrap_or_else(Stmt::no_op)),
                    Some(_) => Ok(then_case),
                    None => Ok(Stmt::new(StmtNode::IfThenElse { condition, then_case, else_case })),
                }
            }
            StmtNode::AssertStmt { condition, message, body } => {
                let condition = self.expr(condition)?;
                let message = self.expr(message)?;
                let body = self.under(&condition, |l| l.stmt(body))?;
                Ok(Stmt::new(StmtNode::AssertStmt { condition, message, body }))
            }
            StmtNode::AttrStmt { node: AttrValue::IterVar(iv), attr_key, value, .. }
                if attr_key == "thread_extent" || attr_key == "virtual_thread" =>
            {
                self.analyzer.bind(&iv.var, &Range::from_extent(value.clone()));
                let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&s, &mut |e| self.expr(e))
            }
            _ => {
                let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&s, &mut |e| self.expr(e))
            }
        }
    }

    pub(super) fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        match e.expr() {
            Expr::Call { op: Callee::Op(op), args } => {
                if let Some((name, arity)) = llvm_pure_intrinsic(op.name())
                    && args.len() == arity
                {
                    let mut cargs = vec![PrimExpr::string(name)];
                    cargs.extend(args.iter().cloned());
                    let r = call(e.dtype(), "call_llvm_pure_intrin", cargs)?;
                    return self.children(&r);
                }
                if args.len() == 1
                    && let Some(r) = legalize(op.name(), &args[0], e.dtype())?
                {
                    return self.expr(&r);
                }
                if op.name() == "prefetch" && args.len() == 4 {
                    let mut cargs = vec![PrimExpr::string("llvm.prefetch")];
                    cargs.extend(args.iter().cloned());
                    let r = call(e.dtype(), "call_llvm_intrin", cargs)?;
                    return self.children(&r);
                }
                if op.name() == "if_then_else" && args.len() == 3 {
                    let c = self.expr(&args[0])?;
                    let t = self.under(&c, |l| l.expr(&args[1]))?;
                    let not = PrimExpr::not(c.clone())?;
                    let f = self.under(&not, |l| l.expr(&args[2]))?;
                    return match c.as_int() {
                        Some(0) => Ok(f),
                        Some(_) => Ok(t),
                        None => call(e.dtype(), "if_then_else", vec![c, t, f]),
                    };
                }
                self.children(e)
            }
            Expr::Select { condition, true_value, false_value } => {
                let c = self.expr(condition)?;
                let t = self.under(&c, |l| l.expr(true_value))?;
                let not = self.analyzer.rewrite_simplify(&PrimExpr::not(c.clone())?);
                let f = self.under(&not, |l| l.expr(false_value))?;
                match c.as_int() {
                    Some(0) => Ok(f),
                    Some(_) => Ok(t),
                    None => PrimExpr::select(c, t, f),
                }
            }
            Expr::Let { var, value, body } => {
                let value = self.expr(value)?;
                if crate::arith::pattern::is_pure(&value) {
                    self.analyzer.bind_value(var, &value);
                }
                let body = self.expr(body)?;
                PrimExpr::let_(var, value, body)
            }
            Expr::Binary { op: BinaryOp::Add, a, b } => self.add(e, a, b),
            Expr::Binary { op: BinaryOp::FloorDiv, .. } => {
                let r = self.children(e)?;
                match r.expr() {
                    Expr::Binary { op: BinaryOp::FloorDiv, a, b } => self.floordiv(&r, a, b),
                    _ => Ok(r),
                }
            }
            Expr::Binary { op: BinaryOp::FloorMod, .. } => {
                let r = self.children(e)?;
                match r.expr() {
                    Expr::Binary { op: BinaryOp::FloorMod, a, b } => self.floormod(a, b),
                    _ => Ok(r),
                }
            }
            Expr::Binary { op: BinaryOp::Max, a, b } => {
                if let Expr::Binary { op: BinaryOp::FloorDiv, a: x, b: y } = a.expr()
                    && b.as_int().is_some_and(|c| c >= 0)
                    && self.analyzer.can_prove_greater_equal(y, 0)
                {
                    let div = ops::binary(BinaryOp::Div, x.clone(), y.clone())?;
                    let lowered = self.expr(&div)?;
                    return ops::max(lowered, b.clone());
                }
                self.children(e)
            }
            Expr::Cmp { op: op @ (CmpOp::Eq | CmpOp::Ne), a, b } => {
                if let Expr::Binary { op: BinaryOp::FloorMod, a: x, b: y } = a.expr()
                    && b.as_int() == Some(0)
                {
                    let m = ops::binary(BinaryOp::Mod, x.clone(), y.clone())?;
                    let zero = konst(0, &m);
                    let cmp = ops::compare(*op, m, zero)?;
                    return self.expr(&cmp);
                }
                self.children(e)
            }
            _ => self.children(e),
        }
    }

    fn children(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        map_expr_children(e, &mut |c| self.expr(c))
    }

    /// TVM's `SwapBroadcastCast`: `Broadcast(Cast(x))` of a widening cast → `Cast(Broadcast(x))`.
    fn swap_broadcast_cast(e: &PrimExpr) -> Result<PrimExpr, IrError> {
        if let Expr::Broadcast { value, lanes } = e.expr()
            && let Expr::Cast(inner) = value.expr()
        {
            let (to, from) = (value.dtype(), inner.dtype());
            let swap = to.bits == from.bits * 2
                || (to.is_integer() && from.is_integer() && to.bits > from.bits);
            if swap {
                let b = PrimExpr::new(
                    from.with_lanes(e.dtype().fixed_lanes().unwrap_or(1)),
                    Expr::Broadcast { value: inner.clone(), lanes: lanes.clone() },
                )?;
                return PrimExpr::cast(e.dtype(), b);
            }
        }
        Ok(e.clone())
    }

    fn add(&mut self, e: &PrimExpr, a: &PrimExpr, b: &PrimExpr) -> Result<PrimExpr, IrError> {
        let (x, y, c) = if let Expr::Binary { op: BinaryOp::Mul, a: x, b: y } = b.expr() {
            (x, y, a)
        } else if let Expr::Binary { op: BinaryOp::Mul, a: x, b: y } = a.expr() {
            (x, y, b)
        } else {
            return self.children(e);
        };
        let lhs = Lower::swap_broadcast_cast(x)?;
        let rhs = Lower::swap_broadcast_cast(y)?;
        if e.dtype().is_floating() {
            let fma = call(
                e.dtype(),
                "call_llvm_pure_intrin",
                vec![PrimExpr::string("llvm.fmuladd"), lhs, rhs, c.clone()],
            )?;
            return self.children(&fma);
        }
        if !lhs.ptr_eq(x) || !rhs.ptr_eq(y) {
            let mul = PrimExpr::binary(BinaryOp::Mul, lhs, rhs)?;
            let mul = self.expr(&mul)?;
            let c = self.expr(c)?;
            return PrimExpr::binary(BinaryOp::Add, mul, c);
        }
        self.children(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::{PrintOptions, print_stmt};

    fn lowered_body(source: &str) -> String {
        let parsed = crate::eval::parse_script("test.tir", source);
        let module = parsed.module.expect("the test program parses");
        let (_, func) = module.functions().next().expect("one function");
        let lowered = lower_intrin((**func).clone()).expect("the pass succeeds");
        // The statements that store, without the declarations of the (here free) buffers.
        let printed = print_stmt(&lowered.body, &PrintOptions::default());
        printed.lines().filter(|l| l.contains("] = ")).collect::<Vec<_>>().join("\n")
    }

    /// Float `floordiv` is `floor(a / b)` and float `floormod` is `a - floor(a / b) * b`, with
    /// `floor` lowered to `llvm.floor` and the operands lowered first (`a * b + 1` is a fused
    /// multiply-add). This is not a text golden: the printer writes a float `FloorMod` as `%`,
    /// which parses back as an integer-only `floormod`, as in TVM.
    #[test]
    fn float_floor_division_becomes_floor_of_the_quotient() {
        let body = lowered_body(
            "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(A: T.Buffer((4,), \"float32\"), B: T.Buffer((4,), \"float32\")):\n    for i in range(4):\n        A[i] = T.FloorDiv(A[i], B[i] + T.float32(2.0))\n        B[i] = T.FloorMod(A[i] * B[i] + T.float32(1.0), T.float32(3.0))\n",
        );
        let expected = [
            "    A[i] = T.call_llvm_pure_intrin(\"float32\", \"llvm.floor\", A[i] / (B[i] + T.float32(2.0)))",
            "    B[i] = T.call_llvm_pure_intrin(\"float32\", \"llvm.fmuladd\", A[i], B[i], T.float32(1.0)) - T.call_llvm_pure_intrin(\"float32\", \"llvm.floor\", T.call_llvm_pure_intrin(\"float32\", \"llvm.fmuladd\", A[i], B[i], T.float32(1.0)) / T.float32(3.0)) * T.float32(3.0)",
        ];
        assert_eq!(body.lines().collect::<Vec<_>>(), expected);
    }

    /// `asin` and `acos` of a dtype without a libm name (float16, vectors) stay calls: TVM's rule
    /// would keep the call in its own output and legalize it again without end.
    #[test]
    fn asin_without_a_libm_name_stays_a_call() {
        let body = lowered_body(
            "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(A: T.Buffer((8,), \"float16\")):\n    for i in range(8):\n        A[i] = T.asin(A[i]) + T.acos(A[i])\n",
        );
        assert_eq!(body.lines().next(), Some("    A[i] = T.asin(A[i]) + T.acos(A[i])"));
    }
}

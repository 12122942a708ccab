//! RenormalizeSplitPattern (TVM v0.23 `tir.RenormalizeSplitPattern`): rewrites the index patterns
//! loop splitting leaves into the form later passes recognise, and comparisons into `<` form.
//!
//! Rules (TVM's `SplitPatternReNormalizer`; each `c` an integer immediate, or the same-lanes
//! broadcast of one for the vector form of the first three):
//! - `floordiv(floormod(x, c3), c2)` with `c3 % c2 == 0` → `floormod(floordiv(x, c2), c3 / c2)`;
//! - `floordiv(x * c1 + y, c2)` with `c1, c2 > 0` and `g = gcd(c1, c2) > 1`
//!   → `floordiv(x * (c1 / g) + floordiv(y, g), c2 / g)`;
//! - `floordiv(x * c1 + y + z, c2)` likewise → `floordiv(x * (c1 / g) + floordiv(y + z, g), c2 / g)`;
//! - `a <= b` → `!(b < a)`, `a > b` → `b < a`, `a >= b` → `!(a < b)`, each visited again;
//! - `x < c` with `c > 0` → `floordiv(x, c) < 1`;
//! - `!!x` → `x`, `!(x <= y)` → `y < x`, `!(x >= y)` → `x < y`, `!(x < y)` → `y <= x`,
//!   `!(x > y)` → `x <= y`.
//!
//! A rewritten division or comparison is visited again, at most five levels deep (TVM's bound; the
//! `x < c` rule would otherwise repeat itself on `floordiv(x, c) < 1`). New nodes are built with
//! TVM's constant-folding operators. Conditions of `if`, `Select` and `if_then_else` that become
//! constants select their branch, as TVM's `IRMutatorWithAnalyzer` does; no rule consults the
//! analyzer otherwise, so none is kept here.

use super::block_lowering_util::map_stmt_exprs;
use crate::arith::modular_set::zero_aware_gcd;
use crate::arith::ops;
use crate::ir::mutate::{map_expr_children, map_stmt_children};
use crate::ir::{BinaryOp, Callee, CmpOp, Expr, IrError, PrimExpr, PrimFunc, Stmt, StmtNode};
use crate::transform::pass::Pass;

/// TVM's bound on nested re-visits of a rewritten expression.
const MAX_RECURSION_DEPTH: u32 = 5;

/// Renormalizes the split patterns and comparisons of `func`.
pub fn renormalize_split_pattern(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut renormalizer = Renormalizer { depth: 0 };
    let body = renormalizer.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.RenormalizeSplitPattern` (opt level 0, per function).
pub fn pass() -> Pass {
    Pass::prim_func("tir.RenormalizeSplitPattern", 0, |f, _| Ok(renormalize_split_pattern(f)?))
}

/// An integer immediate, or a broadcast of one with its lanes expression.
struct IntConst {
    value: i64,
    lanes: Option<PrimExpr>,
}

fn int_const(e: &PrimExpr) -> Option<IntConst> {
    match e.expr() {
        Expr::IntImm(v) => Some(IntConst { value: *v, lanes: None }),
        Expr::Broadcast { value, lanes } => {
            Some(IntConst { value: value.as_int()?, lanes: Some(lanes.clone()) })
        }
        _ => None,
    }
}

/// Whether two constants have the same shape: both scalars, or broadcasts to equal lanes.
fn same_shape(a: &IntConst, b: &IntConst) -> bool {
    match (&a.lanes, &b.lanes) {
        (None, None) => true,
        (Some(x), Some(y)) => x.as_int().is_some() && x.as_int() == y.as_int(),
        _ => false,
    }
}

/// The constant `value` shaped like `like` (`like` is an immediate or a broadcast of one).
fn shaped(value: i64, like: &PrimExpr, shape: &IntConst) -> Result<PrimExpr, IrError> {
    let element = like.dtype().element_of();
    let scalar = PrimExpr::int(value, element);
    match &shape.lanes {
        None => Ok(scalar),
        Some(lanes) => {
            PrimExpr::new(like.dtype(), Expr::Broadcast { value: scalar, lanes: lanes.clone() })
        }
    }
}

fn binary(e: &PrimExpr, op: BinaryOp) -> Option<(&PrimExpr, &PrimExpr)> {
    match e.expr() {
        Expr::Binary { op: o, a, b } if *o == op => Some((a, b)),
        _ => None,
    }
}

/// `e` split as `x * c + rest...`: the leftmost product of an add chain of one or two adds.
fn product_plus(e: &PrimExpr, adds: usize) -> Option<(&PrimExpr, &PrimExpr)> {
    let (mut lhs, _) = binary(e, BinaryOp::Add)?;
    if adds == 2 {
        lhs = binary(lhs, BinaryOp::Add)?.0;
    }
    binary(lhs, BinaryOp::Mul)
}

struct Renormalizer {
    depth: u32,
}

impl Renormalizer {
    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
        let s = map_stmt_exprs(&s, &mut |e| self.expr(e))?;
        if let StmtNode::IfThenElse { condition, then_case, else_case } = s.node() {
            let real = match condition.expr() {
                Expr::Call { op: Callee::Op(op), args } if op.name() == "likely" => &args[0],
                _ => condition,
            };
            match real.as_int() {
                Some(0) => return Ok(else_case.clone().unwrap_or_else(Stmt::no_op)),
                Some(_) => return Ok(then_case.clone()),
                None => {}
            }
        }
        Ok(s)
    }

    /// Visits `e` again, unless the re-visits are already `MAX_RECURSION_DEPTH` deep.
    fn again(&mut self, e: PrimExpr) -> Result<PrimExpr, IrError> {
        if self.depth >= MAX_RECURSION_DEPTH {
            return Ok(e);
        }
        self.depth += 1;
        let out = self.expr(&e);
        self.depth -= 1;
        out
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        match e.expr() {
            Expr::Binary { op: BinaryOp::FloorDiv, a, b } => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                let ret = match ops::floordiv(a.clone(), b.clone()) {
                    Ok(r) => r,
                    // A float `FloorDiv` node has no operator form; keep it as a node.
                    Err(_) => PrimExpr::binary(BinaryOp::FloorDiv, a, b)?,
                };
                self.floordiv_rules(&ret)
            }
            Expr::Cmp { op: CmpOp::Le, a, b } => {
                let lt = ops::compare(CmpOp::Lt, b.clone(), a.clone())?;
                self.expr(&PrimExpr::not(lt)?)
            }
            Expr::Cmp { op: CmpOp::Gt, a, b } => {
                self.expr(&ops::compare(CmpOp::Lt, b.clone(), a.clone())?)
            }
            Expr::Cmp { op: CmpOp::Ge, a, b } => {
                let lt = ops::compare(CmpOp::Lt, a.clone(), b.clone())?;
                self.expr(&PrimExpr::not(lt)?)
            }
            Expr::Cmp { op: CmpOp::Lt, a, b } => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                if let Some(c) = b.as_int().filter(|&c| c > 0)
                    && matches!(b.expr(), Expr::IntImm(_))
                {
                    let quotient = ops::floordiv(a, PrimExpr::int(c, b.dtype()))?;
                    let one = PrimExpr::int(1, quotient.dtype().element_of());
                    return self.again(ops::compare(CmpOp::Lt, quotient, one)?);
                }
                PrimExpr::cmp(CmpOp::Lt, a, b)
            }
            Expr::Not(a) => {
                let inner = self.expr(a)?;
                Ok(match inner.expr() {
                    Expr::Not(x) => x.clone(),
                    Expr::Cmp { op: CmpOp::Le, a: x, b: y } => {
                        ops::compare(CmpOp::Lt, y.clone(), x.clone())?
                    }
                    Expr::Cmp { op: CmpOp::Ge, a: x, b: y } => {
                        ops::compare(CmpOp::Lt, x.clone(), y.clone())?
                    }
                    Expr::Cmp { op: CmpOp::Lt, a: x, b: y } => {
                        ops::compare(CmpOp::Le, y.clone(), x.clone())?
                    }
                    Expr::Cmp { op: CmpOp::Gt, a: x, b: y } => {
                        ops::compare(CmpOp::Le, x.clone(), y.clone())?
                    }
                    _ if inner.ptr_eq(a) => e.clone(),
                    _ => PrimExpr::not(inner)?,
                })
            }
            Expr::Select { .. } => {
                let r = map_expr_children(e, &mut |c| self.expr(c))?;
                Ok(match r.expr() {
                    Expr::Select { condition, true_value, false_value } => {
                        match condition.as_int() {
                            Some(0) => false_value.clone(),
                            Some(_) => true_value.clone(),
                            None => r.clone(),
                        }
                    }
                    _ => r,
                })
            }
            Expr::Call { op: Callee::Op(op), args }
                if op.name() == "if_then_else" && args.len() == 3 =>
            {
                let r = map_expr_children(e, &mut |c| self.expr(c))?;
                Ok(match r.expr() {
                    Expr::Call { args, .. } => match args[0].as_int() {
                        Some(0) => args[2].clone(),
                        Some(_) => args[1].clone(),
                        None => r.clone(),
                    },
                    _ => r,
                })
            }
            _ => map_expr_children(e, &mut |c| self.expr(c)),
        }
    }

    /// The three `floordiv` rules on the rebuilt division `ret`, in TVM's order.
    fn floordiv_rules(&mut self, ret: &PrimExpr) -> Result<PrimExpr, IrError> {
        let Some((num, den)) = binary(ret, BinaryOp::FloorDiv) else {
            return Ok(ret.clone());
        };
        let Some(c2) = int_const(den) else {
            return Ok(ret.clone());
        };
        // floordiv(floormod(x, c3), c2) with c2 | c3.
        if let Some((x, m)) = binary(num, BinaryOp::FloorMod)
            && let Some(c3) = int_const(m)
            && same_shape(&c3, &c2)
            && c2.value != 0
            && c3.value % c2.value == 0
        {
            let inner = ops::floordiv(x.clone(), den.clone())?;
            let quotient = shaped(c3.value / c2.value, den, &c2)?;
            return self.again(ops::floormod(inner, quotient)?);
        }
        // floordiv(x * c1 + y, c2) and floordiv(x * c1 + y + z, c2) with gcd(c1, c2) > 1.
        for adds in [1, 2] {
            let Some((x, c1_expr)) = product_plus(num, adds) else { continue };
            let Some(c1) = int_const(c1_expr) else { continue };
            if !same_shape(&c1, &c2) || c1.value <= 0 || c2.value <= 0 {
                continue;
            }
            let g = zero_aware_gcd(c1.value, c2.value);
            if g <= 1 {
                continue;
            }
            let rest = match binary(num, BinaryOp::Add) {
                Some((lhs, z)) if adds == 2 => {
                    let y = binary(lhs, BinaryOp::Add).map(|(_, y)| y.clone());
                    ops::add(y.ok_or_else(|| IrError::invalid("add chain"))?, z.clone())?
                }
                Some((_, y)) => y.clone(),
                None => continue,
            };
            let scaled = ops::mul(x.clone(), shaped(c1.value / g, c1_expr, &c1)?)?;
            let rest = ops::floordiv(rest, shaped(g, c1_expr, &c1)?)?;
            let rewritten =
                ops::floordiv(ops::add(scaled, rest)?, shaped(c2.value / g, den, &c2)?)?;
            return self.again(rewritten);
        }
        Ok(ret.clone())
    }
}

//! TVM's `MergeMulMod` (`src/tir/ir/buffer.cc`), applied while computing a flat element offset: it
//! recognises `(... + c // k) * k + c % k` patterns, which fused or split loops leave in indices,
//! and folds each into `(...) * k + c`, so that `B[i // (n * n), i % (n * n) // n, i % n]` flattens
//! to `B[i]`.
//!
//! The expression is first simplified; it is then split into its additive terms: products, `x % k`
//! terms and the rest. Each `x % k` is tried against each product; a product matches when,
//! stripping its multipliers, it is a sum whose last term is `c // K` with `K` equal to the product
//! of the stripped multipliers and to `k`, and `c - x` is provably a multiple of `k`. Merged terms
//! are split again and the search continues (restarting when the merge produced a product), in the
//! same order as TVM's list walk, so the result is the same expression. Without a match the
//! simplified expression is returned.

use crate::arith::{Analyzer, ops, same_expr};
use crate::ir::{BinaryOp, Expr, PrimExpr};

/// The terms of a left-nested sum, left to right.
fn split_addition(e: &PrimExpr) -> Vec<PrimExpr> {
    let mut out = Vec::new();
    let mut stack = vec![e.clone()];
    while let Some(top) = stack.pop() {
        match top.expr() {
            Expr::Binary { op: BinaryOp::Add, a, b } => {
                stack.push(b.clone());
                stack.push(a.clone());
            }
            _ => out.push(top),
        }
    }
    out
}

fn binary(e: &PrimExpr, op: BinaryOp) -> Option<(&PrimExpr, &PrimExpr)> {
    match e.expr() {
        Expr::Binary { op: o, a, b } if *o == op => Some((a, b)),
        _ => None,
    }
}

fn add_opt(sum: Option<PrimExpr>, term: PrimExpr) -> Option<PrimExpr> {
    Some(match sum {
        Some(s) => ops::add(s.clone(), term).unwrap_or(s),
        None => term,
    })
}

/// The terms of a sum sorted into products, `x % k` pairs and the sum of the others.
struct Terms {
    mults: Vec<PrimExpr>,
    mods: Vec<(PrimExpr, PrimExpr)>,
    rest: Option<PrimExpr>,
}

impl Terms {
    /// Files `terms`; returns whether any product and any modulo was among them.
    fn insert(&mut self, terms: Vec<PrimExpr>) -> (bool, bool) {
        let (mut has_mult, mut has_mod) = (false, false);
        for term in terms {
            if let Some((a, b)) = binary(&term, BinaryOp::FloorMod) {
                has_mod = true;
                self.mods.push((a.clone(), b.clone()));
            } else if binary(&term, BinaryOp::Mul).is_some() {
                has_mult = true;
                self.mults.push(term);
            } else {
                self.rest = add_opt(self.rest.take(), term);
            }
        }
        (has_mult, has_mod)
    }
}

/// Tries to merge `mult_expr` with `mod_l % mod_r` (TVM's `MergeMulModInner`).
fn merge_inner(
    analyzer: &mut Analyzer,
    mult_expr: &PrimExpr,
    mod_l: &PrimExpr,
    mod_r: &PrimExpr,
) -> Option<PrimExpr> {
    let (mut inner, outer_factor) = binary(mult_expr, BinaryOp::Mul)?;
    let mut mult_outer = outer_factor.clone();
    while let Some((a, b)) = binary(inner, BinaryOp::Mul) {
        inner = a;
        mult_outer = ops::mul(b.clone(), mult_outer).ok()?;
    }
    let mut search = inner;
    let mut mult_inner: Option<PrimExpr> = None;
    let mut unmerged: Option<PrimExpr> = None;
    loop {
        if let Some((div_a, div_b)) = binary(search, BinaryOp::FloorDiv) {
            let overall = match &mult_inner {
                Some(m) => ops::mul(m.clone(), mult_outer.clone()).ok()?,
                None => mult_outer.clone(),
            };
            let difference = ops::sub(div_a.clone(), mod_l.clone()).ok()?;
            let remainder = ops::floormod(difference, mod_r.clone()).ok()?;
            let zero = PrimExpr::int(0, remainder.dtype());
            if same_expr(&overall, div_b)
                && same_expr(&overall, mod_r)
                && analyzer.can_prove_equal(&remainder, &zero)
            {
                return match unmerged {
                    Some(sum) => ops::add(ops::mul(sum, mult_outer).ok()?, div_a.clone()).ok(),
                    None => Some(div_a.clone()),
                };
            }
            return None;
        } else if let Some((a, b)) = binary(search, BinaryOp::Mul) {
            mult_inner = Some(match mult_inner {
                Some(m) => ops::mul(b.clone(), m).ok()?,
                None => b.clone(),
            });
            search = a;
        } else if let Some((a, b)) = binary(search, BinaryOp::Add) {
            if mult_inner.is_some() {
                return None;
            }
            unmerged = add_opt(unmerged, a.clone());
            search = b;
        } else {
            return None;
        }
    }
}

/// Simplifies `base` and merges its `(... + c // k) * k + c % k` patterns.
pub fn merge_mul_mod(analyzer: &mut Analyzer, base: &PrimExpr) -> PrimExpr {
    let mut start = base.clone();
    if let Some((product, modulo)) = binary(base, BinaryOp::Add)
        && let Some((quotient, factor)) = binary(product, BinaryOp::Mul)
        && let Some((x, y)) = binary(quotient, BinaryOp::FloorDiv)
        && let Some((x2, y2)) = binary(modulo, BinaryOp::FloorMod)
        && same_expr(x, x2)
        && same_expr(y, factor)
        && same_expr(y, y2)
    {
        start = x.clone();
    }
    let simplified = analyzer.simplify(&start);
    let mut terms = Terms { mults: Vec::new(), mods: Vec::new(), rest: None };
    terms.insert(split_addition(&simplified));
    let mut found = false;
    let mut si = 0;
    while si < terms.mods.len() {
        let mut merged_here = false;
        let mut mi = 0;
        while mi < terms.mults.len() {
            let (mod_l, mod_r) = terms.mods[si].clone();
            match merge_inner(analyzer, &terms.mults[mi], &mod_l, &mod_r) {
                Some(merged) => {
                    merged_here = true;
                    terms.mods.remove(si);
                    terms.mults.remove(mi);
                    // TVM's list iterator now points past the removed modulo; `was_end` is the
                    // case where it reached the end of the list.
                    let was_end = si == terms.mods.len();
                    let (has_mult, has_mod) = terms.insert(split_addition(&merged));
                    if has_mult {
                        si = 0;
                    } else if has_mod && was_end {
                        si = terms.mods.len() - 1;
                    }
                    break;
                }
                None => mi += 1,
            }
        }
        found |= merged_here;
        if !merged_here {
            si += 1;
        }
    }
    if !found {
        return simplified;
    }
    let mut result = terms.rest;
    for m in terms.mults {
        result = add_opt(result, m);
    }
    for (a, b) in terms.mods {
        let modulo = ops::floormod(a.clone(), b).unwrap_or(a);
        result = add_opt(result, modulo);
    }
    result.unwrap_or(simplified)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DataType, Var};
    use crate::print::{PrintOptions, print_expr};

    fn show(e: &PrimExpr) -> String {
        print_expr(e, &PrintOptions::default())
    }

    #[test]
    fn merges_split_patterns_into_the_fused_index() {
        let x = PrimExpr::var(&Var::new("x", DataType::int32()));
        let y = PrimExpr::var(&Var::new("y", DataType::int32()));
        let c = |v| PrimExpr::i32(v);
        let mut analyzer = Analyzer::new();
        // (x // 16) * 16 + x % 16 is x.
        let whole = ops::add(
            ops::mul(ops::floordiv(x.clone(), c(16)).unwrap(), c(16)).unwrap(),
            ops::floormod(x.clone(), c(16)).unwrap(),
        )
        .unwrap();
        assert_eq!(show(&merge_mul_mod(&mut analyzer, &whole)), "x");
        // (y + x // 4) * 4 + x % 4 is y * 4 + x.
        let inner = ops::add(y.clone(), ops::floordiv(x.clone(), c(4)).unwrap()).unwrap();
        let nested =
            ops::add(ops::mul(inner, c(4)).unwrap(), ops::floormod(x.clone(), c(4)).unwrap())
                .unwrap();
        assert_eq!(show(&merge_mul_mod(&mut analyzer, &nested)), "y * 4 + x");
        // Nothing to merge: the simplified expression comes back.
        let plain = ops::add(ops::mul(y, c(4)).unwrap(), x).unwrap();
        assert_eq!(show(&merge_mul_mod(&mut analyzer, &plain)), "y * 4 + x");
    }
}

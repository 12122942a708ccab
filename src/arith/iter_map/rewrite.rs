//! The rewriter from index expressions to iterator sums (TVM's `IterMapRewriter`): variables,
//! `+`, `-`, `*` by a non-iterator, and `//`, `%` by a non-iterator of 32- or 64-bit integer
//! indices. An iterator below any other node (a cast, a load, `min`, a product of two
//! iterators, ...) makes the detection fail, as TVM's error log does.
//!
//! Invariant: `failed` records every error TVM would log, and `outside_subset` every point where
//! TVM would go on with padding, which is not reproduced; either one discards the detection.

use std::collections::HashMap;
use std::sync::Arc;

use super::{IterMark, IterSplit, IterSum, MarkSource, is_const};
use crate::arith::{Analyzer, ops, same_expr};
use crate::ir::{BinaryOp, DataType, Expr, PrimExpr, Range, TypeCode, Var};

/// A rewritten expression: plain (free of input iterators), one split, or a sum.
#[derive(Clone, Debug)]
pub(super) enum Term {
    Plain(PrimExpr),
    Split(IterSplit),
    Sum(IterSum),
}

/// The state of one detection over a list of indices.
pub(super) struct Rewriter<'a> {
    pub(super) analyzer: &'a mut Analyzer,
    var_map: HashMap<Var, Term>,
    /// Whether an expression could not be represented (TVM's non-empty error list).
    pub(super) failed: bool,
    /// Whether the detection needs padding or another path outside the subset.
    pub(super) outside_subset: bool,
    /// Fused iterators by their flattened form, with their offsets (TVM's `sum_fuse_map_`).
    pub(super) fused: Vec<(IterSum, Arc<IterMark>, PrimExpr)>,
    /// The flattened form of each fused iterator's structured form (TVM's `flattened_map_`).
    pub(super) flattened_of: Vec<(IterSum, IterSum)>,
    /// The flattened forms of the constrained sums, in the order they were rewritten (TVM's
    /// `constrained_iters_flattened_`).
    pub(super) constrained: Vec<IterSum>,
}

/// TVM's `IsIndexType`: a scalar 32- or 64-bit signed integer.
fn is_index_type(dtype: DataType) -> bool {
    dtype.code == TypeCode::Int && dtype.is_scalar() && (dtype.bits == 32 || dtype.bits == 64)
}

/// A term as a sum (TVM's `ToIterSumExpr`).
pub(super) fn to_sum(term: Term) -> IterSum {
    match term {
        Term::Plain(e) => IterSum { args: Vec::new(), base: e },
        Term::Split(s) => {
            let base = PrimExpr::int(0, s.dtype());
            IterSum { args: vec![s], base }
        }
        Term::Sum(s) => s,
    }
}

impl<'a> Rewriter<'a> {
    /// A rewriter over `iters`; unit-extent iterators are the constant minimum of their range.
    pub(super) fn new(analyzer: &'a mut Analyzer, iters: &[(Var, Range)]) -> Rewriter<'a> {
        let mut var_map = HashMap::new();
        for (var, range) in iters {
            let term = if is_const(&range.extent, 1) {
                Term::Sum(IterSum { args: Vec::new(), base: range.min.clone() })
            } else if is_const(&range.min, 0) {
                let mark = IterMark {
                    source: MarkSource::Expr(PrimExpr::var(var)),
                    extent: range.extent.clone(),
                };
                Term::Split(IterSplit::whole(&Arc::new(mark), PrimExpr::int(1, var.dtype())))
            } else {
                let shifted = ops::sub(PrimExpr::var(var), range.min.clone())
                    .unwrap_or_else(|_| PrimExpr::var(var));
                let mark =
                    IterMark { source: MarkSource::Expr(shifted), extent: range.extent.clone() };
                let split = IterSplit::whole(&Arc::new(mark), PrimExpr::int(1, var.dtype()));
                Term::Sum(IterSum { args: vec![split], base: range.min.clone() })
            };
            var_map.insert(var.clone(), term);
        }
        Rewriter {
            analyzer,
            var_map,
            failed: false,
            outside_subset: false,
            fused: Vec::new(),
            flattened_of: Vec::new(),
            constrained: Vec::new(),
        }
    }

    /// Rewrites one index into a sum of at most one fused split (TVM's `Rewrite`, with its
    /// `NormalizeToIterWithOffset`); `None` once the detection has failed.
    pub(super) fn rewrite(&mut self, index: &PrimExpr) -> Option<IterSum> {
        let sum = to_sum(self.mutate(index));
        let sum = if sum.args.is_empty() {
            sum
        } else {
            match self.try_fuse_iters(sum, true) {
                Some(fused) => fused,
                None => {
                    self.failed = true;
                    return None;
                }
            }
        };
        if self.failed || self.outside_subset { None } else { Some(sum) }
    }

    /// TVM's `DirectMutate`.
    pub(super) fn mutate(&mut self, e: &PrimExpr) -> Term {
        match e.expr() {
            Expr::Var(v) => self.var_map.get(v).cloned().unwrap_or_else(|| Term::Plain(e.clone())),
            Expr::Binary { op, a, b }
                if is_index_type(e.dtype())
                    && matches!(
                        op,
                        BinaryOp::Add
                            | BinaryOp::Sub
                            | BinaryOp::Mul
                            | BinaryOp::FloorDiv
                            | BinaryOp::FloorMod
                    ) =>
            {
                self.binary(e, *op, a, b)
            }
            _ => {
                // Any other node: an iterator below it cannot be represented.
                let mut children = Vec::new();
                crate::ir::visit::expr_children(e, &mut children);
                for child in children {
                    if !matches!(self.mutate(child), Term::Plain(_)) {
                        self.failed = true;
                    }
                }
                Term::Plain(e.clone())
            }
        }
    }

    fn binary(&mut self, e: &PrimExpr, op: BinaryOp, a: &PrimExpr, b: &PrimExpr) -> Term {
        let ta = self.mutate(a);
        let tb = self.mutate(b);
        if let Some(folded) = const_fold(op, &ta, &tb) {
            return folded;
        }
        let (ta, tb) = match (ta, tb) {
            (Term::Plain(x), Term::Plain(y)) => {
                if x.ptr_eq(a) && y.ptr_eq(b) {
                    return Term::Plain(e.clone());
                }
                return Term::Plain(ops::binary(op, x, y).unwrap_or_else(|_| e.clone()));
            }
            pair => pair,
        };
        let result = match op {
            BinaryOp::Add => add_terms(ta, tb, true),
            BinaryOp::Sub => add_terms(ta, tb, false),
            BinaryOp::Mul => self.multiply(ta, tb),
            _ => self.divide(op, ta, tb, e),
        };
        result.unwrap_or_else(|| {
            self.failed = true;
            Term::Plain(e.clone())
        })
    }

    fn multiply(&mut self, ta: Term, tb: Term) -> Option<Term> {
        let (iter, factor) = match (ta, tb) {
            (Term::Plain(f), iter) | (iter, Term::Plain(f)) => (iter, f),
            // A product of two iterators cannot be represented.
            _ => return None,
        };
        match iter {
            Term::Sum(mut sum) => {
                for arg in &mut sum.args {
                    arg.scale = ops::mul(arg.scale.clone(), factor.clone()).ok()?;
                }
                sum.base = ops::mul(sum.base, factor).ok()?;
                Some(Term::Sum(sum))
            }
            Term::Split(mut split) => {
                split.scale = ops::mul(split.scale, factor).ok()?;
                Some(Term::Split(split))
            }
            Term::Plain(_) => None,
        }
    }

    /// `a // b` or `a % b` (the node `original`) with an iterator dividend; `None` logs a
    /// failure.
    fn divide(&mut self, op: BinaryOp, ta: Term, tb: Term, original: &PrimExpr) -> Option<Term> {
        let Term::Plain(divisor) = tb else {
            return None;
        };
        let dividend = match ta {
            Term::Split(s) => {
                let base = PrimExpr::int(0, s.dtype());
                IterSum { args: vec![s], base }
            }
            // A sum without iterators (trivial ones only) keeps the original node, unlogged.
            Term::Sum(s) if s.args.is_empty() => return Some(Term::Plain(original.clone())),
            Term::Sum(s) if s.args.len() == 1 => s,
            Term::Sum(s) => {
                let fused = self.try_fuse_iters(s, true)?;
                if fused.args.len() != 1 {
                    return None;
                }
                fused
            }
            Term::Plain(_) => return None,
        };
        let split = dividend.args.into_iter().next()?;
        if op == BinaryOp::FloorDiv {
            self.split_floor_div(split, dividend.base, divisor)
        } else {
            self.split_floor_mod(split, dividend.base, divisor)
        }
    }

    /// Whether `lhs` is provably a multiple of `rhs` (TVM's `CanProveDivisible`).
    pub(super) fn divisible(&mut self, lhs: &PrimExpr, rhs: &PrimExpr) -> bool {
        match (lhs.as_int(), rhs.as_int()) {
            (_, Some(0)) => false,
            (Some(l), Some(r)) => l % r == 0,
            _ => {
                self.analyzer.can_prove_equal(lhs, rhs)
                    || ops::floormod(lhs.clone(), rhs.clone())
                        .and_then(|m| {
                            ops::compare(crate::ir::CmpOp::Eq, m, PrimExpr::int(0, lhs.dtype()))
                        })
                        .is_ok_and(|eq| self.analyzer.can_prove(&eq))
            }
        }
    }
}

/// TVM's `TryConstFold` where at least one operand is an iterator term.
fn const_fold(op: BinaryOp, ta: &Term, tb: &Term) -> Option<Term> {
    let int = |t: &Term| match t {
        Term::Plain(e) => e.as_int(),
        _ => None,
    };
    if matches!((ta, tb), (Term::Plain(_), Term::Plain(_))) {
        return None;
    }
    let (ia, ib) = (int(ta), int(tb));
    match op {
        BinaryOp::Add if ia == Some(0) => Some(tb.clone()),
        BinaryOp::Add | BinaryOp::Sub if ib == Some(0) => Some(ta.clone()),
        BinaryOp::Mul if ia == Some(1) => Some(tb.clone()),
        BinaryOp::Mul if ia == Some(0) => Some(ta.clone()),
        BinaryOp::Mul if ib == Some(1) => Some(ta.clone()),
        BinaryOp::Mul if ib == Some(0) => Some(tb.clone()),
        BinaryOp::FloorDiv | BinaryOp::FloorMod if ia == Some(0) => Some(ta.clone()),
        BinaryOp::FloorDiv if ib == Some(1) => Some(ta.clone()),
        BinaryOp::FloorMod if ib == Some(1) => {
            let dtype = match ta {
                Term::Plain(e) => e.dtype(),
                Term::Split(s) => s.dtype(),
                Term::Sum(s) => s.base.dtype(),
            };
            Some(Term::Plain(PrimExpr::int(0, dtype)))
        }
        _ => None,
    }
}

/// `ta + tb` (or `ta - tb`) with at least one iterator term.
fn add_terms(ta: Term, tb: Term, sign: bool) -> Option<Term> {
    let combine = |x: PrimExpr, y: PrimExpr| if sign { ops::add(x, y) } else { ops::sub(x, y) };
    let mut sum = to_sum(ta);
    match tb {
        Term::Plain(y) => sum.base = combine(sum.base, y).ok()?,
        Term::Split(s) => add_split(&mut sum, s, sign).ok()?,
        Term::Sum(s) => {
            for arg in s.args {
                add_split(&mut sum, arg, sign).ok()?;
            }
            sum.base = combine(sum.base, s.base).ok()?;
        }
    }
    Some(Term::Sum(sum))
}

/// Adds (or subtracts) `rhs` into `sum`, merging it with a split of the same slice (TVM's
/// `AddToLhs`).
fn add_split(sum: &mut IterSum, mut rhs: IterSplit, sign: bool) -> Result<(), crate::ir::IrError> {
    for arg in &mut sum.args {
        if Arc::ptr_eq(&arg.source, &rhs.source)
            && same_expr(&arg.lower_factor, &rhs.lower_factor)
            && same_expr(&arg.extent, &rhs.extent)
        {
            rhs.scale = if sign {
                ops::add(arg.scale.clone(), rhs.scale)?
            } else {
                ops::sub(arg.scale.clone(), rhs.scale)?
            };
            *arg = rhs;
            return Ok(());
        }
    }
    if !sign {
        rhs.scale = ops::sub(PrimExpr::int(0, rhs.scale.dtype()), rhs.scale)?;
    }
    sum.args.push(rhs);
    Ok(())
}

//! The expression tools of CommonSubexprElimTIR: TVM's syntactic term equality (`ExprDeepEqual`)
//! with a hash that agrees with it, expression size (`CalculateExprComplexity`), which terms are
//! eligible for commoning, their direct eligible subterms, and the computation table.
//!
//! Invariants:
//! - `deep_equal` compares dtypes, node kinds and fields, with vars, buffers and combiners by
//!   identity (never by name); `deep_hash` hashes exactly what `deep_equal` compares, so equal
//!   terms hash equally.
//! - `visited_children` lists the children TVM's `ExprVisitor` visits, in its order (a `Ramp`'s
//!   and a `Broadcast`'s lanes and a load's predicate are not visited; a `Shuffle` visits its
//!   indices before its vectors). Sizes, tables and direct subterms all follow that order.
//! - `ComputationTable` is an insertion-ordered map (TVM's `support::OrderedMap`): a term keeps
//!   the position where it was first added, so the order of candidates is deterministic.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ir::{Callee, Expr, PrimExpr};

/// The children of `e` that TVM's `ExprVisitor` visits, in its order.
pub(super) fn visited_children(e: &PrimExpr) -> Vec<&PrimExpr> {
    match e.expr() {
        Expr::IntImm(_) | Expr::FloatImm(_) | Expr::StringImm(_) | Expr::Var(_) => Vec::new(),
        Expr::Binary { a, b, .. } | Expr::Cmp { a, b, .. } | Expr::And(a, b) | Expr::Or(a, b) => {
            vec![a, b]
        }
        Expr::Not(a) | Expr::Cast(a) => vec![a],
        Expr::Select { condition, true_value, false_value } => {
            vec![condition, true_value, false_value]
        }
        Expr::BufferLoad { indices, .. } => indices.iter().collect(),
        Expr::Ramp { base, stride, .. } => vec![base, stride],
        Expr::Broadcast { value, .. } => vec![value],
        Expr::Shuffle { vectors, indices } => indices.iter().chain(vectors).collect(),
        Expr::Let { value, body, .. } => vec![value, body],
        Expr::Call { args, .. } => args.iter().collect(),
        Expr::Reduce { source, init, condition, axis, .. } => {
            let mut out = Vec::new();
            for dom in axis.iter().filter_map(|iv| iv.dom.as_ref()) {
                out.extend([&dom.min, &dom.extent]);
            }
            out.extend(source);
            out.extend(init);
            out.push(condition);
            out
        }
    }
}

/// The number of nodes of `e` (TVM's `CalculateExprComplexity`).
pub(super) fn complexity(e: &PrimExpr) -> usize {
    let mut count = 0;
    let mut stack = vec![e];
    while let Some(top) = stack.pop() {
        count += 1;
        stack.extend(visited_children(top));
    }
    count
}

/// Whether `e` is a constant or a variable.
pub(super) fn is_atom(e: &PrimExpr) -> bool {
    matches!(e.expr(), Expr::IntImm(_) | Expr::FloatImm(_) | Expr::StringImm(_) | Expr::Var(_))
}

/// Calls and loads: commoning them, or anything containing them, could change the program.
fn is_forbidden(e: &PrimExpr) -> bool {
    matches!(e.expr(), Expr::Call { .. } | Expr::BufferLoad { .. })
}

fn contains_forbidden(e: &PrimExpr) -> bool {
    let mut stack = vec![e];
    while let Some(top) = stack.pop() {
        if is_forbidden(top) {
            return true;
        }
        stack.extend(visited_children(top));
    }
    false
}

/// Whether `e` may be put in a variable: not an atom, not a ramp or broadcast, and neither a
/// call or load nor containing one (TVM's `IsEligibleComputation`).
pub(super) fn is_eligible(e: &PrimExpr) -> bool {
    !is_atom(e)
        && !matches!(e.expr(), Expr::Ramp { .. } | Expr::Broadcast { .. })
        && !contains_forbidden(e)
}

/// The eligible subterms of `e` closest to it: each visited child if eligible, otherwise that
/// child's own closest eligible subterms (TVM's `DirectSubexpr`). Repeats are kept.
pub(super) fn direct_subexprs(e: &PrimExpr) -> Vec<PrimExpr> {
    fn collect(e: &PrimExpr, out: &mut Vec<PrimExpr>) {
        for child in visited_children(e) {
            if is_eligible(child) {
                out.push(child.clone());
            } else {
                collect(child, out);
            }
        }
    }
    let mut out = Vec::new();
    collect(e, &mut out);
    out
}

/// Syntactic equality of terms, vars and buffers by identity (TVM's `ExprDeepEqual`).
pub(super) fn deep_equal(a: &PrimExpr, b: &PrimExpr) -> bool {
    if a.ptr_eq(b) {
        return true;
    }
    if a.dtype() != b.dtype() {
        return false;
    }
    let all = |x: &[PrimExpr], y: &[PrimExpr]| {
        x.len() == y.len() && x.iter().zip(y).all(|(p, q)| deep_equal(p, q))
    };
    let optional = |x: &Option<PrimExpr>, y: &Option<PrimExpr>| match (x, y) {
        (Some(p), Some(q)) => deep_equal(p, q),
        (None, None) => true,
        _ => false,
    };
    match (a.expr(), b.expr()) {
        (Expr::IntImm(x), Expr::IntImm(y)) => x == y,
        (Expr::FloatImm(x), Expr::FloatImm(y)) => x == y,
        (Expr::StringImm(x), Expr::StringImm(y)) => x == y,
        (Expr::Var(x), Expr::Var(y)) => x == y,
        (Expr::Binary { op: o1, a: a1, b: b1 }, Expr::Binary { op: o2, a: a2, b: b2 }) => {
            o1 == o2 && deep_equal(a1, a2) && deep_equal(b1, b2)
        }
        (Expr::Cmp { op: o1, a: a1, b: b1 }, Expr::Cmp { op: o2, a: a2, b: b2 }) => {
            o1 == o2 && deep_equal(a1, a2) && deep_equal(b1, b2)
        }
        (Expr::And(a1, b1), Expr::And(a2, b2)) | (Expr::Or(a1, b1), Expr::Or(a2, b2)) => {
            deep_equal(a1, a2) && deep_equal(b1, b2)
        }
        (Expr::Not(x), Expr::Not(y)) | (Expr::Cast(x), Expr::Cast(y)) => deep_equal(x, y),
        (
            Expr::Select { condition: c1, true_value: t1, false_value: f1 },
            Expr::Select { condition: c2, true_value: t2, false_value: f2 },
        ) => deep_equal(c1, c2) && deep_equal(t1, t2) && deep_equal(f1, f2),
        (
            Expr::BufferLoad { buffer: x, indices: i, predicate: p },
            Expr::BufferLoad { buffer: y, indices: j, predicate: q },
        ) => x == y && all(i, j) && optional(p, q),
        (
            Expr::Ramp { base: b1, stride: s1, lanes: l1 },
            Expr::Ramp { base: b2, stride: s2, lanes: l2 },
        ) => deep_equal(b1, b2) && deep_equal(s1, s2) && deep_equal(l1, l2),
        (Expr::Broadcast { value: v1, lanes: l1 }, Expr::Broadcast { value: v2, lanes: l2 }) => {
            deep_equal(v1, v2) && deep_equal(l1, l2)
        }
        (
            Expr::Shuffle { vectors: v1, indices: i1 },
            Expr::Shuffle { vectors: v2, indices: i2 },
        ) => all(v1, v2) && all(i1, i2),
        (Expr::Let { var: x, value: v1, body: b1 }, Expr::Let { var: y, value: v2, body: b2 }) => {
            x == y && deep_equal(v1, v2) && deep_equal(b1, b2)
        }
        (Expr::Call { op: o1, args: a1 }, Expr::Call { op: o2, args: a2 }) => {
            o1 == o2 && all(a1, a2)
        }
        (
            Expr::Reduce {
                combiner: c1,
                source: s1,
                init: n1,
                axis: x1,
                condition: d1,
                value_index: v1,
            },
            Expr::Reduce {
                combiner: c2,
                source: s2,
                init: n2,
                axis: x2,
                condition: d2,
                value_index: v2,
            },
        ) => {
            // TVM compares only the number of reduction axes (its per-axis check never fails).
            Arc::ptr_eq(c1, c2)
                && all(s1, s2)
                && all(n1, n2)
                && x1.len() == x2.len()
                && deep_equal(d1, d2)
                && v1 == v2
        }
        _ => false,
    }
}

/// A hash of `e` that agrees with `deep_equal`.
pub(super) fn deep_hash(e: &PrimExpr) -> u64 {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |value: u64| {
        state = (state.rotate_left(5) ^ value).wrapping_mul(0x0100_0000_01b3);
    };
    let mut stack = vec![e];
    while let Some(top) = stack.pop() {
        let dtype = top.dtype();
        mix(u64::from(dtype.bits) ^ (dtype.code as u64) << 16);
        match top.expr() {
            Expr::IntImm(v) => mix(1 ^ (*v as u64).rotate_left(7)),
            // Zero of either sign compares equal, so both hash as zero.
            Expr::FloatImm(v) => mix(2 ^ if *v == 0.0 { 0 } else { v.to_bits() }),
            Expr::StringImm(s) => s.bytes().for_each(|b| mix(3 ^ u64::from(b))),
            Expr::Var(v) => mix(4 ^ v.id() << 8),
            Expr::Binary { op, .. } => mix(5 ^ (*op as u64) << 8),
            Expr::Cmp { op, .. } => mix(6 ^ (*op as u64) << 8),
            Expr::And(..) => mix(7),
            Expr::Or(..) => mix(8),
            Expr::Not(_) => mix(9),
            Expr::Cast(_) => mix(10),
            Expr::Select { .. } => mix(11),
            Expr::BufferLoad { buffer, .. } => mix(12 ^ buffer.id() << 8),
            Expr::Ramp { .. } => mix(13),
            Expr::Broadcast { .. } => mix(14),
            Expr::Shuffle { vectors, .. } => mix(15 ^ (vectors.len() as u64) << 8),
            Expr::Let { var, .. } => mix(16 ^ var.id() << 8),
            Expr::Call { op: Callee::Op(op), args } => {
                op.name().bytes().for_each(|b| mix(17 ^ u64::from(b)));
                mix(args.len() as u64);
            }
            Expr::Call { op: Callee::Global(g), args } => {
                mix(18 ^ g.id() << 8);
                mix(args.len() as u64);
            }
            Expr::Reduce { value_index, .. } => mix(19 ^ (*value_index as u64) << 8),
        }
        // Reduce axes are compared by count only, so only the terms `deep_equal` compares feed
        // the hash: source, init and condition.
        match top.expr() {
            Expr::Reduce { source, init, condition, .. } => {
                stack.extend(source);
                stack.extend(init);
                stack.push(condition);
            }
            _ => stack.extend(visited_children(top)),
        }
    }
    state
}

/// How many times each eligible term is computed, in order of first appearance.
#[derive(Clone, Debug, Default)]
pub(super) struct ComputationTable {
    entries: Vec<(PrimExpr, usize)>,
    by_hash: HashMap<u64, Vec<usize>>,
}

impl ComputationTable {
    fn position(&self, e: &PrimExpr, hash: u64) -> Option<usize> {
        let candidates = self.by_hash.get(&hash)?;
        candidates.iter().copied().find(|&i| deep_equal(&self.entries[i].0, e))
    }

    /// Adds `count` to the count of `e`, appending `e` if it is new.
    pub(super) fn add(&mut self, e: &PrimExpr, count: usize) {
        let hash = deep_hash(e);
        match self.position(e, hash) {
            Some(i) => self.entries[i].1 += count,
            None => {
                self.by_hash.entry(hash).or_default().push(self.entries.len());
                self.entries.push((e.clone(), count));
            }
        }
    }

    /// The count of `e`, if present.
    pub(super) fn get(&self, e: &PrimExpr) -> Option<usize> {
        self.position(e, deep_hash(e)).map(|i| self.entries[i].1)
    }

    /// Adds every entry of `other`, in its order.
    pub(super) fn union_with(&mut self, other: &ComputationTable) {
        for (e, n) in &other.entries {
            self.add(e, *n);
        }
    }

    /// The terms of `self` also in `other`, in `self`'s order, with the two counts summed.
    pub(super) fn intersect(&self, other: &ComputationTable) -> ComputationTable {
        let mut out = ComputationTable::default();
        for (e, n) in &self.entries {
            if let Some(m) = other.get(e) {
                out.add(e, n + m);
            }
        }
        out
    }

    /// Sets each count to the sum of the counts of the term in `tables`.
    pub(super) fn recount(&mut self, tables: &[&ComputationTable]) {
        for (e, n) in &mut self.entries {
            *n = tables.iter().filter_map(|t| t.get(e)).sum();
        }
    }

    pub(super) fn into_entries(self) -> Vec<(PrimExpr, usize)> {
        self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::ops;
    use crate::ir::{DataType, Var};

    fn var(name: &str) -> PrimExpr {
        PrimExpr::var(&Var::new(name, DataType::int32()))
    }

    #[test]
    fn equal_terms_built_apart_are_equal_and_hash_alike() {
        let (x, y) = (var("x"), var("y"));
        let a = ops::add(ops::mul(x.clone(), PrimExpr::i32(4)).unwrap(), y.clone()).unwrap();
        let b = ops::add(ops::mul(x.clone(), PrimExpr::i32(4)).unwrap(), y.clone()).unwrap();
        assert!(!a.ptr_eq(&b));
        assert!(deep_equal(&a, &b));
        assert_eq!(deep_hash(&a), deep_hash(&b));
        // A different var with the same name is a different term.
        let other_x = ops::add(ops::mul(var("x"), PrimExpr::i32(4)).unwrap(), y).unwrap();
        assert!(!deep_equal(&a, &other_x));
    }

    #[test]
    fn sizes_count_the_nodes_tvm_visits() {
        let x = var("x");
        let sum = ops::add(x.clone(), PrimExpr::i32(1)).unwrap();
        assert_eq!(complexity(&sum), 3);
        // A ramp's lanes are not visited: base, stride and the ramp itself.
        let ramp = PrimExpr::new(
            DataType::int32().with_lanes(4),
            Expr::Ramp { base: x, stride: PrimExpr::i32(1), lanes: PrimExpr::i32(4) },
        )
        .unwrap();
        assert_eq!(complexity(&ramp), 3);
    }

    #[test]
    fn atoms_ramps_and_terms_with_loads_are_not_eligible() {
        let x = var("x");
        let sum = ops::add(x.clone(), var("y")).unwrap();
        assert!(is_eligible(&sum));
        assert!(!is_eligible(&x) && !is_eligible(&PrimExpr::i32(3)));
        let ramp = PrimExpr::new(
            DataType::int32().with_lanes(4),
            Expr::Ramp { base: sum.clone(), stride: PrimExpr::i32(1), lanes: PrimExpr::i32(4) },
        )
        .unwrap();
        assert!(!is_eligible(&ramp));
        // Its base is a direct eligible subterm.
        assert_eq!(direct_subexprs(&ramp).len(), 1);
        let exp = crate::ir::Op::get("exp").unwrap();
        let call = PrimExpr::call_op(DataType::int32(), exp, vec![sum.clone()]).unwrap();
        let with_call = ops::add(call, x).unwrap();
        assert!(!is_eligible(&with_call));
        assert!(deep_equal(&direct_subexprs(&with_call)[0], &sum));
    }

    #[test]
    fn tables_keep_first_appearance_order() {
        let (x, y) = (var("x"), var("y"));
        let a = ops::add(x.clone(), y.clone()).unwrap();
        let b = ops::mul(x, y).unwrap();
        let mut first = ComputationTable::default();
        first.add(&b, 1);
        first.add(&a, 1);
        let mut second = ComputationTable::default();
        second.add(&a, 2);
        let both = first.intersect(&second);
        assert_eq!(both.get(&a), Some(3));
        first.union_with(&second);
        let entries = first.into_entries();
        assert!(deep_equal(&entries[0].0, &b) && entries[1].1 == 3);
    }
}

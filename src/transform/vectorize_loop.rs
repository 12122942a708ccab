//! VectorizeLoop (TVM v0.23 `tir.VectorizeLoop`): turns `T.vectorized` loops into vector code.
//!
//! A vectorized loop (min 0, constant extent `n >= 1`) disappears: its body is rewritten with the
//! loop var replaced by `T.Ramp(0, 1, n)`, and every expression that depends on it widened to `n`
//! lanes, as TVM's Halide-derived `Vectorizer` does:
//! - `a + b`, `a - b` with one scalar side and one ramp fold into a ramp; `a * b` with a ramp and a
//!   provably positive scalar scales the ramp; other binary operators, comparisons, `and`/`or`,
//!   `select` and casts broadcast their scalar operands to the widest operand;
//! - loads and stores take the widened indices (a store broadcasts its value or last index to the
//!   total lane count); vectorizable intrinsics (`exp`, `sqrt`, `fma`, bitwise ops, ...) widen their
//!   arguments; any other call whose arguments become vectors makes its statement scalarized;
//! - a statement that cannot be vectorized (a vector `if` condition, a vector `if_then_else`
//!   condition, a non-vectorizable call, a vector loop extent) is *scalarized*: wrapped in a serial
//!   loop over a fresh var `<name>.s` that replaces the loop var;
//! - an `Allocate` inside the loop gets one copy per lane: its last extent is multiplied by `n` and
//!   its accesses become `index * n + lane`.
//!
//! With `tir.disable_vectorize`, vectorized loops become serial loops instead (TVM's
//! `VectorizeSkipper`). Buffer-level predication (`tir.enable_buffer_level_predication`, for
//! scalable-vector targets) is not applied: it is off by default for fixed-length CPU targets.
//! Invariants: the output never contains a `Vectorized` loop made by this pass; nodes that do not
//! depend on the loop var are returned unchanged (shared).

mod alloc_access;
pub mod lanes;

use std::collections::HashMap;

use super::block_lowering_util::{map_stmt_exprs, map_stmt_tree_exprs};
use crate::arith::{Analyzer, ops};
use crate::ir::mutate::{map_stmt_children, substitute};
use crate::ir::{
    Annotations, BinaryOp, Buffer, Callee, CmpOp, Expr, For, ForKind, IrError, PrimExpr, PrimFunc,
    Stmt, StmtNode, Var,
};
use crate::transform::pass::Pass;

use self::alloc_access::VecAllocAccess;
pub use self::lanes::{broadcast_to, make_ramp};
use self::lanes::{concat, extract_element, lanes};

/// Vectorizes (or, when `enable` is false, serializes) every vectorized loop of `func`.
pub fn vectorize_loop(func: PrimFunc, enable: bool) -> Result<PrimFunc, IrError> {
    let body = if enable { find_loops(&func.body)? } else { skip(&func.body)? };
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.VectorizeLoop` (opt level 0); `tir.disable_vectorize` turns it into serializing.
pub fn pass() -> Pass {
    Pass::prim_func("tir.VectorizeLoop", 0, |f, ctx| {
        Ok(vectorize_loop(f, !ctx.config_bool("tir.disable_vectorize"))?)
    })
}

/// TVM's `LoopVectorizer`: finds vectorized loops and rewrites their bodies.
fn find_loops(s: &Stmt) -> Result<Stmt, IrError> {
    if let StmtNode::For(l) = s.node()
        && l.kind == ForKind::Vectorized
    {
        let lanes = match l.extent.as_int() {
            Some(n) if n >= 1 => n,
            _ => {
                return Err(IrError::invalid(format!(
                    "failed to vectorize loop `{}`: its extent is not a positive constant",
                    l.loop_var.name()
                )));
            }
        };
        if l.min.as_int() != Some(0) {
            return Err(IrError::invalid(format!(
                "failed to vectorize loop `{}`: its min is not zero",
                l.loop_var.name()
            )));
        }
        if l.step.as_ref().is_some_and(|s| s.as_int() != Some(1)) {
            // TVM's CanonicalizeLoop removes steps before this pass; the vectorizer assumes none.
            return Err(IrError::invalid(format!(
                "failed to vectorize loop `{}`: it has a step (run CanonicalizeLoop first)",
                l.loop_var.name()
            )));
        }
        let lanes = u16::try_from(lanes)
            .map_err(|_| IrError::invalid(format!("vector of {lanes} lanes is too wide")))?;
        let mut v = Vectorizer::new(l.loop_var.clone(), lanes);
        return v.stmt(&l.body);
    }
    map_stmt_children(s, &mut find_loops)
}

/// TVM's `VectorizeSkipper`: vectorized loops become plain serial loops (annotations dropped).
fn skip(s: &Stmt) -> Result<Stmt, IrError> {
    let s = map_stmt_children(s, &mut skip)?;
    if let StmtNode::For(l) = s.node()
        && l.kind == ForKind::Vectorized
    {
        return Ok(Stmt::from(For {
            kind: ForKind::Serial,
            thread_binding: None,
            annotations: Annotations::new(),
            step: None,
            ..l.clone()
        }));
    }
    Ok(s)
}

/// The intrinsics TVM marks `TVectorizable`.
fn is_vectorizable_op(name: &str) -> bool {
    matches!(
        name,
        "pow"
            | "fabs"
            | "floor"
            | "ceil"
            | "round"
            | "trunc"
            | "exp"
            | "exp2"
            | "exp10"
            | "tanh"
            | "sigmoid"
            | "sqrt"
            | "log"
            | "log2"
            | "log10"
            | "tan"
            | "cos"
            | "cosh"
            | "sin"
            | "sinh"
            | "likely"
            | "bitwise_and"
            | "bitwise_or"
            | "bitwise_xor"
            | "bitwise_not"
            | "shift_left"
            | "shift_right"
            | "q_multiply_shift"
            | "q_multiply_shift_per_axis"
            | "popcount"
            | "fma"
            | "call_llvm_pure_intrin"
    )
}

struct Vectorizer {
    var: Var,
    var_lanes: u16,
    ramp: PrimExpr,
    need_scalarize: bool,
    let_binding: HashMap<Var, PrimExpr>,
    analyzer: Analyzer,
}

impl Vectorizer {
    fn new(var: Var, var_lanes: u16) -> Vectorizer {
        let dtype = var.dtype();
        let ramp = PrimExpr::new(
            dtype.with_lanes(var_lanes),
            Expr::Ramp {
                base: PrimExpr::int(0, dtype),
                stride: PrimExpr::int(1, dtype),
                lanes: PrimExpr::i32(i32::from(var_lanes)),
            },
        );
        Vectorizer {
            var,
            var_lanes,
            // The ramp of the loop var is well typed by construction; fall back to the var.
            ramp: ramp.unwrap_or_else(|_| PrimExpr::i32(0)),
            need_scalarize: false,
            let_binding: HashMap::new(),
            analyzer: Analyzer::new(),
        }
    }

    // ---- statements ----

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let ret = self.stmt_node(s)?;
        if self.need_scalarize {
            self.need_scalarize = false;
            return self.scalarize(s);
        }
        Ok(ret)
    }

    /// Wraps `s` in a serial loop over a fresh lane var that replaces the vectorized var.
    fn scalarize(&self, s: &Stmt) -> Result<Stmt, IrError> {
        let idx = Var::new(format!("{}.s", self.var.name()), self.var.dtype());
        let map = HashMap::from([(self.var.clone(), PrimExpr::var(&idx))]);
        let body = map_stmt_tree_exprs(s, &mut |e| Ok(substitute(e, &map)))?;
        Ok(Stmt::from(For {
            loop_var: idx,
            min: PrimExpr::int(0, self.var.dtype()),
            extent: PrimExpr::int(i64::from(self.var_lanes), self.var.dtype()),
            kind: ForKind::Serial,
            body,
            thread_binding: None,
            annotations: Annotations::new(),
            step: None,
        }))
    }

    fn stmt_node(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                self.store(s, buffer, value, indices, predicate)
            }
            StmtNode::For(l) => {
                if l.min.as_int() != Some(0) {
                    return Err(IrError::invalid(format!(
                        "a loop inside a vectorized loop must start at 0 (loop `{}`)",
                        l.loop_var.name()
                    )));
                }
                let extent = self.expr(&l.extent)?;
                if extent.dtype().is_vector() {
                    return self.scalarize(s);
                }
                let body = self.stmt(&l.body)?;
                if extent.ptr_eq(&l.extent) && body.ptr_eq(&l.body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::from(For { extent, body, ..l.clone() }))
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                let cond = self.expr(condition)?;
                let cond_need_scalarize = std::mem::take(&mut self.need_scalarize);
                let then_new = self.stmt(then_case)?;
                let else_new = else_case.as_ref().map(|e| self.stmt(e)).transpose()?;
                if cond_need_scalarize || cond.dtype().is_vector() {
                    return self.scalarize(s);
                }
                let same_else = match (&else_new, else_case) {
                    (Some(a), Some(b)) => a.ptr_eq(b),
                    (None, None) => true,
                    _ => false,
                };
                if cond.ptr_eq(condition) && then_new.ptr_eq(then_case) && same_else {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::IfThenElse {
                    condition: cond,
                    then_case: then_new,
                    else_case: else_new,
                }))
            }
            StmtNode::While { .. } => {
                Err(IrError::invalid("a while loop inside a vectorized loop is not supported"))
            }
            StmtNode::LetStmt { var, value, body } => {
                let new_value = self.expr(value)?;
                // TVM scalarizes here but drops the result; the flag is simply reset.
                self.need_scalarize = false;
                if self.let_binding.contains_key(var) {
                    return Err(IrError::invalid(format!(
                        "SSA violation: `{}` is bound twice inside a vectorized loop",
                        var.name()
                    )));
                }
                if new_value.dtype().lanes != value.dtype().lanes {
                    let new_var = Var::new(var.name(), new_value.dtype());
                    self.let_binding.insert(var.clone(), PrimExpr::var(&new_var));
                    let body = self.stmt(body)?;
                    return Ok(Stmt::new(StmtNode::LetStmt {
                        var: new_var,
                        value: new_value,
                        body,
                    }));
                }
                self.let_binding.insert(var.clone(), PrimExpr::var(var));
                let new_body = self.stmt(body)?;
                if new_value.ptr_eq(value) && new_body.ptr_eq(body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::LetStmt {
                    var: var.clone(),
                    value: new_value,
                    body: new_body,
                }))
            }
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, .. } => {
                let cond = self.expr(condition)?;
                if cond.dtype().is_vector() {
                    return self.scalarize(s);
                }
                let mut new_extents = Vec::with_capacity(extents.len());
                for e in extents {
                    let n = self.expr(e)?;
                    if n.dtype().is_vector() {
                        return self.scalarize(s);
                    }
                    new_extents.push(n);
                }
                if let Some(last) = new_extents.last_mut() {
                    let lanes = PrimExpr::int(i64::from(self.var_lanes), last.dtype());
                    *last = ops::mul(last.clone(), lanes)?;
                }
                let mut access = VecAllocAccess {
                    buffer_var: buffer_var.clone(),
                    var: self.var.clone(),
                    var_lanes: self.var_lanes,
                    remapped: HashMap::new(),
                    analyzer: Analyzer::new(),
                };
                let body = access.stmt(body)?;
                let body = self.stmt(&body)?;
                Ok(Stmt::new(StmtNode::Allocate {
                    buffer_var: buffer_var.clone(),
                    dtype: *dtype,
                    extents: new_extents,
                    condition: cond,
                    body,
                    annotations: Annotations::new(),
                }))
            }
            StmtNode::SeqStmt(seq) => {
                // As TVM's StmtMutator: sequences come back flattened, without `evaluate(0)`.
                let items = seq.iter().map(|c| self.stmt(c)).collect::<Result<Vec<_>, _>>()?;
                Ok(super::unroll_loop::flatten_seq(items))
            }
            _ => {
                // Other statements: children, then the expressions they hold (TVM's StmtMutator
                // with the vectorizing expression visitor).
                let with_children = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&with_children, &mut |e| self.expr(e))
            }
        }
    }

    fn store(
        &mut self,
        s: &Stmt,
        buffer: &Buffer,
        value: &PrimExpr,
        indices: &[PrimExpr],
        predicate: &Option<PrimExpr>,
    ) -> Result<Stmt, IrError> {
        let mut new_indices = Vec::with_capacity(indices.len());
        let mut changed = false;
        for i in indices {
            let n = self.expr(i)?;
            changed |= !n.ptr_eq(i);
            new_indices.push(n);
        }
        let new_value = self.expr(value)?;
        if !changed && new_value.ptr_eq(value) {
            return Ok(s.clone());
        }
        let Some((last, rest)) = new_indices.split_last_mut() else {
            return Ok(s.clone());
        };
        let mut other_lanes = u32::from(buffer.dtype().fixed_lanes().unwrap_or(1));
        for i in rest.iter() {
            other_lanes *= u32::from(lanes(i)?);
        }
        let index_lanes = other_lanes * u32::from(lanes(last)?);
        let total = index_lanes.max(u32::from(lanes(&new_value)?));
        if total % other_lanes != 0 {
            return Err(IrError::invalid(format!(
                "when storing to buffer `{}`, cannot produce {total} lanes of storage location by \
                 changing the last index",
                buffer.name()
            )));
        }
        let to_u16 = |n: u32| u16::try_from(n).map_err(|_| IrError::invalid("vector too wide"));
        *last = broadcast_to(last.clone(), to_u16(total / other_lanes)?)?;
        let new_value = broadcast_to(new_value, to_u16(total)?)?;
        Ok(Stmt::new(StmtNode::BufferStore {
            buffer: buffer.clone(),
            value: new_value,
            indices: new_indices,
            predicate: predicate.clone(),
        }))
    }

    // ---- expressions ----

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        match e.expr() {
            Expr::IntImm(_) | Expr::FloatImm(_) | Expr::StringImm(_) => Ok(e.clone()),
            Expr::Var(v) => {
                if *v == self.var {
                    Ok(self.ramp.clone())
                } else {
                    Ok(self.let_binding.get(v).cloned().unwrap_or_else(|| e.clone()))
                }
            }
            Expr::Binary { op: op @ (BinaryOp::Add | BinaryOp::Sub), a, b } => {
                self.add_sub(e, *op, a, b)
            }
            Expr::Binary { op: BinaryOp::Mul, a, b } => self.mul(e, a, b),
            Expr::Binary { op, a, b } => {
                let op = *op;
                self.binary_vec(e, a, b, |x, y| PrimExpr::binary(op, x, y))
            }
            Expr::Cmp { op, a, b } => {
                let op: CmpOp = *op;
                self.binary_vec(e, a, b, |x, y| PrimExpr::cmp(op, x, y))
            }
            Expr::And(a, b) => self.binary_vec(e, a, b, PrimExpr::and),
            Expr::Or(a, b) => self.binary_vec(e, a, b, PrimExpr::or),
            Expr::Not(a) => {
                let x = self.expr(a)?;
                if x.ptr_eq(a) { Ok(e.clone()) } else { PrimExpr::not(x) }
            }
            Expr::Ramp { base, stride, lanes: ramp_lanes } => {
                self.ramp_expr(e, base, stride, ramp_lanes)
            }
            Expr::Broadcast { value, .. } => {
                let v = self.expr(value)?;
                if v.dtype().is_vector() {
                    self.need_scalarize = true;
                }
                Ok(e.clone())
            }
            Expr::Select { condition, true_value, false_value } => {
                let c = self.expr(condition)?;
                let t = self.expr(true_value)?;
                let f = self.expr(false_value)?;
                if c.ptr_eq(condition) && t.ptr_eq(true_value) && f.ptr_eq(false_value) {
                    return Ok(e.clone());
                }
                let n = lanes(&c)?.max(lanes(&t)?).max(lanes(&f)?);
                PrimExpr::select(broadcast_to(c, n)?, broadcast_to(t, n)?, broadcast_to(f, n)?)
            }
            Expr::Cast(value) => {
                let v = self.expr(value)?;
                if v.ptr_eq(value) {
                    return Ok(e.clone());
                }
                let n = lanes(&v)?;
                PrimExpr::cast(e.dtype().with_lanes(n), v)
            }
            Expr::BufferLoad { buffer, indices, predicate } => {
                let mut changed = false;
                let mut new_indices = Vec::with_capacity(indices.len());
                for i in indices {
                    let n = self.expr(i)?;
                    changed |= !n.ptr_eq(i);
                    new_indices.push(n);
                }
                if !changed {
                    return Ok(e.clone());
                }
                let dtype = crate::ir::expr::load_dtype(buffer, &new_indices);
                PrimExpr::new(
                    dtype,
                    Expr::BufferLoad {
                        buffer: buffer.clone(),
                        indices: new_indices,
                        predicate: predicate.clone(),
                    },
                )
            }
            Expr::Let { var, value, body } => {
                let v = self.expr(value)?;
                if let Some(bound) = self.let_binding.get(var)
                    && !crate::arith::same_expr(bound, &v)
                    && bound.as_var().is_none_or(|b| b != var)
                {
                    return Err(IrError::invalid(format!(
                        "let cannot bind `{}` to two different values",
                        var.name()
                    )));
                }
                if v.dtype().lanes != value.dtype().lanes {
                    let new_var = Var::new(var.name(), v.dtype());
                    self.let_binding.insert(var.clone(), PrimExpr::var(&new_var));
                    let b = self.expr(body)?;
                    return PrimExpr::let_(&new_var, v, b);
                }
                self.let_binding.insert(var.clone(), PrimExpr::var(var));
                let b = self.expr(body)?;
                if v.ptr_eq(value) && b.ptr_eq(body) {
                    return Ok(e.clone());
                }
                PrimExpr::let_(var, v, b)
            }
            Expr::Call { op, args } => self.call(e, op, args),
            Expr::Shuffle { vectors, indices } => {
                for x in vectors.iter().chain(indices) {
                    if !self.expr(x)?.ptr_eq(x) {
                        return Err(IrError::invalid(
                            "a shuffle that depends on the vectorized loop var is not supported",
                        ));
                    }
                }
                Ok(e.clone())
            }
            Expr::Reduce { .. } => {
                Err(IrError::invalid("a reduction cannot appear inside a vectorized loop"))
            }
        }
    }

    fn binary_vec(
        &mut self,
        e: &PrimExpr,
        a: &PrimExpr,
        b: &PrimExpr,
        make: impl Fn(PrimExpr, PrimExpr) -> Result<PrimExpr, IrError>,
    ) -> Result<PrimExpr, IrError> {
        let x = self.expr(a)?;
        let y = self.expr(b)?;
        if x.ptr_eq(a) && y.ptr_eq(b) {
            return Ok(e.clone());
        }
        let n = lanes(&x)?.max(lanes(&y)?);
        make(broadcast_to(x, n)?, broadcast_to(y, n)?)
    }

    fn add_sub(
        &mut self,
        e: &PrimExpr,
        op: BinaryOp,
        a: &PrimExpr,
        b: &PrimExpr,
    ) -> Result<PrimExpr, IrError> {
        let x = self.expr(a)?;
        let y = self.expr(b)?;
        if x.ptr_eq(a) && y.ptr_eq(b) {
            return Ok(e.clone());
        }
        let n = lanes(&x)?.max(lanes(&y)?);
        let f = |p: PrimExpr, q: PrimExpr| ops::binary(op, p, q);
        if n != 1 {
            if x.dtype().is_scalar()
                && let Expr::Ramp { base, stride, .. } = y.expr()
            {
                let zero = PrimExpr::int(0, stride.dtype());
                return make_ramp(f(x.clone(), base.clone())?, f(zero, stride.clone())?, n);
            }
            if y.dtype().is_scalar()
                && let Expr::Ramp { base, stride, .. } = x.expr()
            {
                return make_ramp(f(base.clone(), y.clone())?, stride.clone(), n);
            }
        }
        f(broadcast_to(x, n)?, broadcast_to(y, n)?)
    }

    fn mul(&mut self, e: &PrimExpr, a: &PrimExpr, b: &PrimExpr) -> Result<PrimExpr, IrError> {
        let x = self.expr(a)?;
        let y = self.expr(b)?;
        if x.ptr_eq(a) && y.ptr_eq(b) {
            return Ok(e.clone());
        }
        if x.dtype().is_vector() || y.dtype().is_vector() {
            if let Expr::Ramp { base, stride, .. } = x.expr()
                && y.dtype().is_scalar()
                && self.positive(&y)
            {
                return make_ramp(
                    ops::mul(base.clone(), y.clone())?,
                    ops::mul(stride.clone(), y)?,
                    lanes(&x)?,
                );
            }
            if let Expr::Ramp { base, stride, .. } = y.expr()
                && x.dtype().is_scalar()
                && self.positive(&x)
            {
                return make_ramp(
                    ops::mul(base.clone(), x.clone())?,
                    ops::mul(stride.clone(), x)?,
                    lanes(&y)?,
                );
            }
            let n = lanes(&x)?.max(lanes(&y)?);
            return PrimExpr::binary(BinaryOp::Mul, broadcast_to(x, n)?, broadcast_to(y, n)?);
        }
        let n = lanes(&x)?.max(lanes(&y)?);
        PrimExpr::binary(BinaryOp::Mul, broadcast_to(x, n)?, broadcast_to(y, n)?)
    }

    fn positive(&mut self, e: &PrimExpr) -> bool {
        let zero = PrimExpr::int(0, e.dtype());
        PrimExpr::cmp(CmpOp::Gt, e.clone(), zero).is_ok_and(|c| self.analyzer.can_prove(&c))
    }

    fn ramp_expr(
        &mut self,
        e: &PrimExpr,
        base: &PrimExpr,
        stride: &PrimExpr,
        ramp_lanes: &PrimExpr,
    ) -> Result<PrimExpr, IrError> {
        let b = self.expr(base)?;
        let s = self.expr(stride)?;
        if b.ptr_eq(base) && s.ptr_eq(stride) {
            return Ok(e.clone());
        }
        let op_lanes = ramp_lanes
            .as_int()
            .and_then(|n| u16::try_from(n).ok())
            .ok_or_else(|| IrError::invalid("vectorizing over a scalable ramp is not supported"))?;
        if b.dtype().is_vector()
            && s.dtype().is_scalar()
            && let Expr::Ramp { base: inner_base, stride: inner_stride, .. } = b.expr()
        {
            let base_lanes = lanes(&b)?;
            let scaled = ops::mul(s.clone(), PrimExpr::int(i64::from(base_lanes), s.dtype()))?;
            let same = PrimExpr::cmp(CmpOp::Eq, inner_stride.clone(), scaled)?;
            if self.analyzer.can_prove(&same) {
                let total = op_lanes
                    .checked_mul(base_lanes)
                    .ok_or_else(|| IrError::invalid("vector too wide"))?;
                return make_ramp(inner_base.clone(), s, total);
            }
        }
        let n = lanes(&b)?.max(lanes(&s)?);
        let b = broadcast_to(b, n)?;
        let s = broadcast_to(s, n)?;
        let mut parts = Vec::with_capacity(usize::from(n));
        for i in 0..n {
            parts.push(make_ramp(extract_element(&b, i)?, extract_element(&s, i)?, op_lanes)?);
        }
        concat(parts)
    }

    fn call(&mut self, e: &PrimExpr, op: &Callee, args: &[PrimExpr]) -> Result<PrimExpr, IrError> {
        let name = match op {
            Callee::Op(o) => o.name(),
            Callee::Global(_) => "",
        };
        match name {
            "if_then_else" if args.len() == 3 => {
                let c = self.expr(&args[0])?;
                if c.dtype().is_vector() {
                    self.need_scalarize = true;
                    return Ok(e.clone());
                }
                let t = self.expr(&args[1])?;
                let f = self.expr(&args[2])?;
                if c.ptr_eq(&args[0]) && t.ptr_eq(&args[1]) && f.ptr_eq(&args[2]) {
                    return Ok(e.clone());
                }
                let n = lanes(&t)?.max(lanes(&f)?);
                let args = vec![c, broadcast_to(t, n)?, broadcast_to(f, n)?];
                PrimExpr::new(e.dtype().with_lanes(n), Expr::Call { op: op.clone(), args })
            }
            "reinterpret" if args.len() == 1 => {
                let v = self.expr(&args[0])?;
                if v.ptr_eq(&args[0]) {
                    return Ok(e.clone());
                }
                let total_bits = u32::from(v.dtype().bits) * u32::from(lanes(&v)?);
                let n = u16::try_from(total_bits / u32::from(e.dtype().bits.max(1)))
                    .map_err(|_| IrError::invalid("vector too wide"))?;
                PrimExpr::new(e.dtype().with_lanes(n), Expr::Call { op: op.clone(), args: vec![v] })
            }
            _ if is_vectorizable_op(name) && !e.dtype().is_scalable() => {
                let (fixed, rest) = if name == "call_llvm_pure_intrin" && !args.is_empty() {
                    (&args[..1], &args[1..])
                } else {
                    (&args[..0], args)
                };
                let mut new_args = Vec::with_capacity(rest.len());
                let mut changed = false;
                let mut n = 1u16;
                for a in rest {
                    let x = self.expr(a)?;
                    changed |= !x.ptr_eq(a);
                    n = n.max(lanes(&x)?);
                    new_args.push(x);
                }
                if !changed {
                    return Ok(e.clone());
                }
                let widened: Vec<PrimExpr> =
                    new_args.into_iter().map(|x| broadcast_to(x, n)).collect::<Result<_, _>>()?;
                let args = fixed.iter().cloned().chain(widened).collect();
                PrimExpr::new(e.dtype().with_lanes(n), Expr::Call { op: op.clone(), args })
            }
            _ => {
                let mut new_args = Vec::with_capacity(args.len());
                let mut changed = false;
                for a in args {
                    let x = self.expr(a)?;
                    if x.dtype().is_vector() {
                        self.need_scalarize = true;
                        return Ok(e.clone());
                    }
                    changed |= !x.ptr_eq(a);
                    new_args.push(x);
                }
                if !changed {
                    return Ok(e.clone());
                }
                PrimExpr::new(e.dtype(), Expr::Call { op: op.clone(), args: new_args })
            }
        }
    }
}

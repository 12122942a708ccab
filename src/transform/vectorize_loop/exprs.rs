//! The expression half of the `Vectorizer`: every expression that depends on the loop var is
//! widened to the loop's lanes. Invariants (as the parent module states): an expression that does
//! not depend on the loop var comes back unchanged (the same node); an expression that cannot be
//! widened (a call that is not vectorizable, with vector arguments) sets `need_scalarize` so the
//! statement around it is scalarized instead.

use crate::arith::ops;
use crate::ir::{BinaryOp, Callee, CmpOp, Expr, IrError, PrimExpr, Var};

use super::lanes::{broadcast_to, concat, extract_element, lanes, make_ramp};
use super::{Vectorizer, is_vectorizable_op};

impl Vectorizer {
    pub(super) fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
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

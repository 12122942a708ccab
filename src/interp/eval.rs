//! Expression evaluation: every `Expr` node except `Reduce`, lane-wise for vectors.
//!
//! `Select` and logical `and`/`or` evaluate both operands, as LLVM codegen does (a load in the
//! unselected arm still happens and is still bounds-checked); `if_then_else` with a scalar
//! condition evaluates only the taken arm. Each result lane is canonical for the node's dtype.

use crate::interp::element::{Scalar, canonical};
use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::machine::Machine;
use crate::interp::ops;
use crate::interp::value::Value;
use crate::ir::{Callee, DataType, Expr, PrimExpr};

/// The fixed lane count of `dtype` as a `usize`, or an error for scalable vectors.
pub(crate) fn fixed_lanes(dtype: DataType) -> Result<usize, InterpErrorKind> {
    dtype
        .fixed_lanes()
        .map(usize::from)
        .ok_or_else(|| InterpErrorKind::Unsupported(format!("scalable vector type {dtype}")))
}

impl<'m> Machine<'m> {
    /// Evaluates `e`.
    pub fn eval(&mut self, e: &'m PrimExpr) -> Result<Value, InterpError> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.eval_node(e))
    }

    /// Evaluates `e` to one scalar lane.
    pub(crate) fn eval_scalar(&mut self, e: &'m PrimExpr) -> Result<Scalar, InterpError> {
        match self.eval(e)? {
            Value::Scalar(s) => Ok(s),
            other => Err(self.fail(InterpErrorKind::IllFormed(format!(
                "expected a scalar, got {}",
                other.describe()
            )))),
        }
    }

    /// Evaluates `e` to an integer (for extents, indices and shapes); `IntImm` needs no lookup.
    pub(crate) fn eval_int(&mut self, e: &'m PrimExpr) -> Result<i64, InterpError> {
        match e.as_int() {
            Some(v) => Ok(v),
            None => Ok(self.eval_scalar(e)?.as_i64()),
        }
    }

    /// Applies `f` lane by lane to two values, broadcasting a scalar against a vector.
    fn zip_lanes(
        &self,
        a: &Value,
        b: &Value,
        mut f: impl FnMut(Scalar, Scalar) -> Result<Scalar, InterpErrorKind>,
    ) -> Result<Value, InterpError> {
        if let (Value::Scalar(x), Value::Scalar(y)) = (a, b) {
            return f(*x, *y).map(Value::Scalar).map_err(|k| self.fail(k));
        }
        let n = a.lane_count().max(b.lane_count());
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            match (a.lane(i), b.lane(i)) {
                (Some(x), Some(y)) => out.push(f(x, y).map_err(|k| self.fail(k))?),
                _ => {
                    return Err(self.fail(InterpErrorKind::IllFormed(format!(
                        "operands {} and {} do not have matching numeric lanes",
                        a.describe(),
                        b.describe()
                    ))));
                }
            }
        }
        Ok(Value::from_lanes(out))
    }

    /// Applies `f` lane by lane to one numeric value.
    pub(crate) fn map_lanes(
        &self,
        a: &Value,
        mut f: impl FnMut(Scalar) -> Result<Scalar, InterpErrorKind>,
    ) -> Result<Value, InterpError> {
        match a {
            Value::Scalar(x) => f(*x).map(Value::Scalar).map_err(|k| self.fail(k)),
            Value::Vector(lanes) => {
                let out: Result<Vec<Scalar>, InterpErrorKind> =
                    lanes.iter().map(|&x| f(x)).collect();
                out.map(Value::Vector).map_err(|k| self.fail(k))
            }
            other => Err(self.fail(InterpErrorKind::IllFormed(format!(
                "expected a number, got {}",
                other.describe()
            )))),
        }
    }

    fn eval_node(&mut self, e: &'m PrimExpr) -> Result<Value, InterpError> {
        let dtype = e.dtype();
        let element = dtype.element_of();
        match e.expr() {
            Expr::IntImm(v) => Ok(Value::Scalar(canonical(Scalar::Int(*v), element))),
            Expr::FloatImm(v) => Ok(Value::Scalar(canonical(Scalar::Float(*v), element))),
            Expr::StringImm(s) => Ok(Value::Str(s.as_str().into())),
            Expr::Var(var) => match self.lookup(var) {
                Some(v) => Ok(v.clone()),
                None => Err(self.fail(InterpErrorKind::UndefinedVar(var.name().to_string()))),
            },
            Expr::Binary { op, a, b } => {
                let operand = a.dtype().element_of();
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                self.zip_lanes(&x, &y, |p, q| ops::binary(*op, operand, p, q))
            }
            Expr::Cmp { op, a, b } => {
                let operand = a.dtype().element_of();
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                self.zip_lanes(&x, &y, |p, q| {
                    Ok(Scalar::Int(i64::from(ops::compare(*op, operand, p, q))))
                })
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let is_and = matches!(e.expr(), Expr::And(..));
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                self.zip_lanes(&x, &y, |p, q| {
                    let v = if is_and {
                        p.is_true() && q.is_true()
                    } else {
                        p.is_true() || q.is_true()
                    };
                    Ok(Scalar::Int(i64::from(v)))
                })
            }
            Expr::Not(a) => {
                let x = self.eval(a)?;
                self.map_lanes(&x, |p| Ok(Scalar::Int(i64::from(!p.is_true()))))
            }
            Expr::Select { condition, true_value, false_value } => {
                let c = self.eval(condition)?;
                let (t, f) = (self.eval(true_value)?, self.eval(false_value)?);
                self.select(&c, t, f)
            }
            Expr::Cast(value) => {
                let from = value.dtype().element_of();
                let x = self.eval(value)?;
                self.map_lanes(&x, |p| Ok(ops::cast(from, element, p)))
            }
            Expr::BufferLoad { buffer, indices, predicate } => {
                self.load(buffer, indices, predicate.as_ref(), dtype)
            }
            Expr::Ramp { base, stride, .. } => {
                let n = fixed_lanes(dtype).map_err(|k| self.fail(k))?;
                let (b, s) = (self.eval_scalar(base)?, self.eval_scalar(stride)?);
                let mut lanes = Vec::with_capacity(n);
                let mut current = b;
                for i in 0..n {
                    if i > 0 {
                        current = ops::binary(crate::ir::BinaryOp::Add, element, current, s)
                            .map_err(|k| self.fail(k))?;
                    }
                    lanes.push(current);
                }
                Ok(Value::from_lanes(lanes))
            }
            Expr::Broadcast { value, .. } => {
                let n = fixed_lanes(dtype).map_err(|k| self.fail(k))?;
                let v = self.eval_scalar(value)?;
                Ok(Value::from_lanes(vec![v; n]))
            }
            Expr::Shuffle { vectors, indices } => {
                let mut pool = Vec::new();
                for v in vectors {
                    let value = self.eval(v)?;
                    match value.lanes() {
                        Some(lanes) => pool.extend(lanes),
                        None => {
                            return Err(self.fail(InterpErrorKind::IllFormed(
                                "shuffle of a non-numeric value".into(),
                            )));
                        }
                    }
                }
                let mut out = Vec::with_capacity(indices.len());
                for index in indices {
                    let i = self.eval_int(index)?;
                    match usize::try_from(i).ok().and_then(|i| pool.get(i)) {
                        Some(&lane) => out.push(lane),
                        None => {
                            return Err(self.fail(InterpErrorKind::IllFormed(format!(
                                "shuffle index {i} outside {} lanes",
                                pool.len()
                            ))));
                        }
                    }
                }
                Ok(Value::from_lanes(out))
            }
            Expr::Let { var, value, body } => {
                let v = self.eval(value)?;
                let previous = self.bind(var, v);
                let result = self.eval(body);
                self.restore(var, previous);
                result
            }
            Expr::Call { op: Callee::Op(op), args } => self.call_op(*op, dtype, args),
            Expr::Call { op: Callee::Global(gv), args } => self.call_global(gv, args),
            Expr::Reduce { .. } => Err(self.fail(InterpErrorKind::Unsupported(
                "a Reduce expression is not executable; it only appears inside compute definitions"
                    .into(),
            ))),
        }
    }

    /// `select(c, t, f)` lane by lane.
    pub(crate) fn select(&self, c: &Value, t: Value, f: Value) -> Result<Value, InterpError> {
        if let Value::Scalar(cond) = c {
            return Ok(if cond.is_true() { t } else { f });
        }
        let n = c.lane_count();
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let pick = if c.lane(i).is_some_and(Scalar::is_true) { &t } else { &f };
            match pick.lane(i) {
                Some(lane) => out.push(lane),
                None => {
                    return Err(self.fail(InterpErrorKind::IllFormed(
                        "select arms do not match the condition's lanes".into(),
                    )));
                }
            }
        }
        Ok(Value::from_lanes(out))
    }
}

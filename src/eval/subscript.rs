//! Subscripts: `A[i, j]` loads, `A[vi, 0:16]` regions, `A[0:4]` vector loads and stores, and
//! indexing of Python sequences (`A.shape[0]`).
//!
//! TVM's rule (`tir/buffer.py` `__getitem__`): a subscript with a slice and no step is a region;
//! otherwise it is a load whose sliced dimensions become `T.Ramp`s. The parser adds a step of 1 to a
//! slice with both bounds when the subscript is an operand, a call argument (except of `T.reads`,
//! `T.writes`, `T.match_buffer`, `T.realize`) or an assigned value; `inject` carries that decision.

use super::Evaluator;
use super::error::{AtSpan, EvalResult, error, error_label};
use super::ops;
use super::value::{SliceValue, Value, int_imm};
use crate::arith::simplify;
use crate::ir::{Buffer, BufferRegion, DataType, Expr as IrExpr, Lanes, PrimExpr, Range};
use crate::syntax::ast::{BinOp, Expr, ExprKind, Span};

/// One part of a subscript index.
#[derive(Clone, Debug)]
pub enum IndexValue {
    Point(Value),
    Slice(SliceValue),
}

impl Evaluator {
    /// Evaluates one index part, a slice or a value.
    pub(super) fn eval_index(&mut self, part: &Expr) -> EvalResult<IndexValue> {
        match &part.kind {
            ExprKind::Slice(s) => {
                let mut eval = |e: &Option<Expr>| -> EvalResult<Option<Value>> {
                    e.as_ref().map(|e| self.eval(e)).transpose()
                };
                Ok(IndexValue::Slice(SliceValue {
                    lower: eval(&s.lower)?,
                    upper: eval(&s.upper)?,
                    step: eval(&s.step)?,
                }))
            }
            _ => Ok(IndexValue::Point(self.eval(part)?)),
        }
    }

    /// Evaluates `value[index]`.
    pub(super) fn subscript(
        &mut self,
        value: &Expr,
        index: &Expr,
        inject: bool,
        span: &Span,
    ) -> EvalResult<Value> {
        match self.eval(value)? {
            Value::Buffer(buffer) => {
                let mut indices = self.eval_indices(index)?;
                if inject {
                    for (part, _) in &mut indices {
                        if let IndexValue::Slice(s) = part
                            && s.step.is_none()
                            && s.lower.is_some()
                            && s.upper.is_some()
                        {
                            s.step = Some(Value::Int(1));
                        }
                    }
                }
                buffer_subscript(&buffer, &indices, span)
            }
            Value::Tuple(items) | Value::List(items) => {
                let i = match self.eval(index)? {
                    Value::Int(i) => i,
                    other => {
                        return Err(error(
                            &index.span,
                            format!("sequence indices must be integers, not {}", other.kind()),
                        ));
                    }
                };
                let len = items.len() as i64;
                let at = if i < 0 { i + len } else { i };
                usize::try_from(at).ok().and_then(|at| items.get(at).cloned()).ok_or_else(|| {
                    error_label(
                        &index.span,
                        format!("index {i} is out of range for a sequence of {len}"),
                        "out of range",
                    )
                })
            }
            Value::Dict(entries) => {
                let key = self.eval(index)?;
                entries
                    .into_iter()
                    .find(|(k, _)| matches!((k, &key), (Value::Str(a), Value::Str(b)) if a == b))
                    .map(|(_, v)| v)
                    .ok_or_else(|| error(&index.span, "key not found in dict"))
            }
            other => Err(error_label(
                &value.span,
                format!("'{}' object is not subscriptable", other.kind()),
                "cannot index this",
            )),
        }
    }
}

/// Fails unless `buffer` has `n` dimensions.
pub fn check_rank(buffer: &Buffer, n: usize, span: &Span) -> EvalResult<()> {
    let rank = buffer.shape().len();
    if rank == n {
        return Ok(());
    }
    let plural =
        |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    Err(error_label(
        span,
        format!(
            "buffer `{}` has {} but is indexed with {n}",
            buffer.name(),
            plural(rank, "dimension", "dimensions")
        ),
        format!("expected {}", plural(rank, "index", "indices")),
    ))
}

/// A load or region of `buffer` at `indices`.
pub fn buffer_subscript(
    buffer: &Buffer,
    indices: &[(IndexValue, Span)],
    span: &Span,
) -> EvalResult<Value> {
    check_rank(buffer, indices.len(), span)?;
    let has_slice = indices.iter().any(|(i, _)| matches!(i, IndexValue::Slice(_)));
    let has_step =
        indices.iter().any(|(i, _)| matches!(i, IndexValue::Slice(s) if s.step.is_some()));
    if has_slice && !has_step {
        let mut region = Vec::with_capacity(indices.len());
        for (dim, (part, part_span)) in indices.iter().enumerate() {
            region.push(match part {
                IndexValue::Slice(s) => {
                    let start = s.lower.clone().unwrap_or(Value::Int(0));
                    let stop =
                        s.upper.clone().unwrap_or_else(|| Value::Expr(buffer.shape()[dim].clone()));
                    let extent = ops::binary(BinOp::Sub, stop, start.clone(), part_span)?;
                    Range::new(to_expr(&start, part_span)?, simplify(&to_expr(&extent, part_span)?))
                }
                IndexValue::Point(v) => {
                    let index = to_expr(v, part_span)?;
                    Range::point(index)
                }
            });
        }
        return Ok(Value::Region(BufferRegion { buffer: buffer.clone(), region }));
    }
    let mut exprs = Vec::with_capacity(indices.len());
    for (dim, (part, part_span)) in indices.iter().enumerate() {
        exprs.push(match part {
            IndexValue::Slice(s) => {
                let start = s.lower.clone().unwrap_or(Value::Int(0));
                let stop =
                    s.upper.clone().unwrap_or_else(|| Value::Expr(buffer.shape()[dim].clone()));
                sliced_index(start, stop, s.step.clone(), part_span)?
            }
            IndexValue::Point(v) => to_expr(v, part_span)?,
        });
    }
    PrimExpr::buffer_load(buffer, exprs).at(span).map(Value::Expr)
}

/// The indices of a store (`T.buffer_store`): a slice becomes its start or a ramp over its lanes.
pub fn store_indices(indices: &[(IndexValue, Span)], span: &Span) -> EvalResult<Vec<PrimExpr>> {
    let _ = span;
    indices
        .iter()
        .map(|(part, part_span)| match part {
            IndexValue::Point(v) => to_expr(v, part_span),
            IndexValue::Slice(s) => {
                let (Some(start), Some(stop)) = (s.lower.clone(), s.upper.clone()) else {
                    return Err(error_label(
                        part_span,
                        "a slice in a store needs both bounds",
                        "give `start:stop`",
                    ));
                };
                sliced_index(start, stop, s.step.clone(), part_span)
            }
        })
        .collect()
}

/// `start:stop:step` as an index: `start` for one lane, otherwise `T.Ramp(start, step, lanes)`.
fn sliced_index(
    start: Value,
    stop: Value,
    step: Option<Value>,
    span: &Span,
) -> EvalResult<PrimExpr> {
    let mut step = step.unwrap_or(Value::Int(1));
    if let (Value::Expr(s), Value::Int(k)) = (&start, &step) {
        step = Value::Expr(PrimExpr::int(*k, s.dtype()));
    }
    // lanes = (stop - start + step - 1) // step
    let diff = ops::binary(BinOp::Sub, stop, start.clone(), span)?;
    let diff = ops::binary(BinOp::Add, diff, step.clone(), span)?;
    let diff = ops::binary(BinOp::Sub, diff, Value::Int(1), span)?;
    let lanes = ops::binary(BinOp::FloorDiv, diff, step.clone(), span)?;
    let lanes = match lanes {
        Value::Int(n) => int_imm(n),
        other => simplify(&to_expr(&other, span)?),
    };
    let start = to_expr(&start, span)?;
    if lanes.as_int() == Some(1) {
        return Ok(start);
    }
    make_ramp(start, to_expr(&step, span)?, lanes, span)
}

/// `T.Ramp(base, stride, lanes)`; `lanes` is a constant or `T.vscale() * k`.
pub fn make_ramp(
    base: PrimExpr,
    stride: PrimExpr,
    lanes: PrimExpr,
    span: &Span,
) -> EvalResult<PrimExpr> {
    let stride = if stride.dtype() == base.dtype() {
        stride
    } else {
        crate::arith::ops::cast(base.dtype(), stride).at(span)?
    };
    let lane_count = lane_count(&lanes, span)?;
    let dtype = DataType { lanes: lane_count, ..base.dtype() };
    PrimExpr::new(dtype, IrExpr::Ramp { base, stride, lanes }).at(span)
}

/// The lane count a lanes expression denotes: a positive constant, or `vscale * k`.
pub fn lane_count(lanes: &PrimExpr, span: &Span) -> EvalResult<Lanes> {
    if let Some(n) = lanes.as_int() {
        return u16::try_from(n).ok().filter(|n| *n >= 1).map(Lanes::Fixed).ok_or_else(|| {
            error_label(
                span,
                format!("invalid lane count {n}"),
                "lanes must be between 1 and 65535",
            )
        });
    }
    if let IrExpr::Binary { op: crate::ir::BinaryOp::Mul, a, b } = lanes.expr() {
        let is_vscale = |e: &PrimExpr| matches!(e.expr(), IrExpr::Call { op: crate::ir::Callee::Op(op), .. } if op.name() == "vscale");
        let factor = if is_vscale(a) {
            b.as_int()
        } else if is_vscale(b) {
            a.as_int()
        } else {
            None
        };
        if let Some(k) = factor.and_then(|k| u16::try_from(k).ok()).filter(|k| *k >= 2) {
            return Ok(Lanes::Scalable(k));
        }
    }
    Err(error_label(
        span,
        "the lane count must be a constant or T.vscale() * k",
        "not a lane count",
    ))
}

fn to_expr(v: &Value, span: &Span) -> EvalResult<PrimExpr> {
    super::convert::to_expr(v, span)
}

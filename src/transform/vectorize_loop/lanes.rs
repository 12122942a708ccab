//! Lane helpers of the vectorizer: ramps, broadcasts and shuffles built as TVM's `Vectorizer`
//! builds them (`BroadcastTo`, `Shuffle::ExtractElement`, `Shuffle::Concat`).
//!
//! Invariant: only fixed-length vectors; a scalable vector is an error, never a panic.

use crate::arith::ops;
use crate::ir::{DataType, Expr, IrError, PrimExpr};

/// The fixed lane count of `e`.
pub fn lanes(e: &PrimExpr) -> Result<u16, IrError> {
    e.dtype()
        .fixed_lanes()
        .ok_or_else(|| IrError::invalid("scalable vectors cannot be vectorized over"))
}

/// `Ramp(base, stride, lanes)`.
pub fn make_ramp(base: PrimExpr, stride: PrimExpr, lanes: u16) -> Result<PrimExpr, IrError> {
    let dtype = base.dtype().with_lanes(lanes);
    PrimExpr::new(dtype, Expr::Ramp { base, stride, lanes: PrimExpr::i32(i32::from(lanes)) })
}

/// TVM's `BroadcastTo`: `e` widened to `lanes` lanes (a broadcast re-broadcast, a scalar broadcast).
pub fn broadcast_to(e: PrimExpr, lanes: u16) -> Result<PrimExpr, IrError> {
    if e.dtype().fixed_lanes() == Some(lanes) {
        return Ok(e);
    }
    if let Expr::Broadcast { value, .. } = e.expr()
        && let Some(have) = e.dtype().fixed_lanes()
        && lanes.is_multiple_of(have)
    {
        return ops::broadcast(value.clone(), crate::ir::Lanes::Fixed(lanes));
    }
    if !e.dtype().is_scalar() {
        return Err(IrError::invalid(format!("cannot broadcast {} to {lanes} lanes", e.dtype())));
    }
    ops::broadcast(e, crate::ir::Lanes::Fixed(lanes))
}

/// `Shuffle::ExtractElement(v, i)` (a scalar stays itself).
pub fn extract_element(v: &PrimExpr, i: u16) -> Result<PrimExpr, IrError> {
    if v.dtype().is_scalar() {
        return Ok(v.clone());
    }
    PrimExpr::new(
        v.dtype().element_of(),
        Expr::Shuffle { vectors: vec![v.clone()], indices: vec![PrimExpr::i32(i32::from(i))] },
    )
}

/// `Shuffle::Concat(vectors)`.
pub fn concat(vectors: Vec<PrimExpr>) -> Result<PrimExpr, IrError> {
    let mut total = 0u32;
    for v in &vectors {
        total += u32::from(lanes(v)?);
    }
    let total16 = u16::try_from(total).map_err(|_| IrError::invalid("vector too wide"))?;
    let dtype = vectors.first().map_or(DataType::int32(), |v| v.dtype()).with_lanes(total16);
    let indices = (0..total).map(|i| PrimExpr::i32(i as i32)).collect();
    PrimExpr::new(dtype, Expr::Shuffle { vectors, indices })
}

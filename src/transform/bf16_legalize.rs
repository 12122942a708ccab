//! BF16ComputeLegalize and BF16StorageLegalize (TVM v0.23 `tir.BF16ComputeLegalize`,
//! `tir.BF16StorageLegalize`): bfloat16 arithmetic is done in float32 and bfloat16 values are
//! stored as `uint16` bits.
//!
//! The passes are the shared legalisers (`fp8_legalize_compute`, `fp8_legalize_storage`) with
//! bfloat16 rules. Conversions are TVM's `DTypeConversion` for two formats with the same exponent
//! width, written with the same TIR operators so the output prints as TVM's:
//! - bfloat16 to float32: `reinterpret(float32, uint32(reinterpret(uint16, x)) << 16)`, exact;
//! - float32 to bfloat16: with `b = reinterpret(uint32, x)`,
//!   `reinterpret(bfloat16, uint16((b + (((b >> 16) & 1) + 32767)) >> 16))`: round to nearest,
//!   ties to even, exact for finite values and infinities (a NaN whose payload is only in the low
//!   16 bits becomes infinity, as in TVM).

use crate::arith::ops;
use crate::ir::{BinaryOp, DataType, IrError, Op, PrimExpr, PrimFunc, TypeCode};
use crate::transform::fp8_legalize_compute::{ComputeRules, legalize_compute};
use crate::transform::fp8_legalize_storage::{legalize_storage, reinterpret, storage_uint};
use crate::transform::pass::Pass;
use crate::transform::pipeline::func_pass;

/// Whether `dtype` is bfloat16 (any lanes).
pub fn is_bfloat16(dtype: DataType) -> bool {
    dtype.code == TypeCode::BFloat && dtype.bits == 16
}

/// A constant of the integer dtype `dtype` (broadcast for vectors), as TVM's `make_const`.
fn make_const(dtype: DataType, value: i64) -> Result<PrimExpr, IrError> {
    ops::cast(dtype, PrimExpr::int(value, dtype.element_of()))
}

/// `op(a, b)` for a bit operation with `b` an integer constant of `a`'s dtype.
fn bit_op(name: &str, a: PrimExpr, b: i64) -> Result<PrimExpr, IrError> {
    let dtype = a.dtype();
    let b = make_const(dtype, b)?;
    PrimExpr::call_op(dtype, Op::builtin(name), vec![a, b])
}

/// TVM's `DTypeConversion` between bfloat16 and float32 (see the module docs).
pub fn bf16_conversion(value: PrimExpr, target: DataType) -> Result<PrimExpr, IrError> {
    let source = value.dtype();
    if source.lanes != target.lanes {
        return Err(IrError::invalid(format!("cannot convert {source} to {target}: lanes differ")));
    }
    let src_uint = storage_uint(source);
    let tgt_uint = storage_uint(target);
    let bits = reinterpret(src_uint, value)?;
    let mantissa_delta = match (source.code, target.code) {
        (TypeCode::BFloat, TypeCode::Float) if target.bits == 32 => 16,
        (TypeCode::Float, TypeCode::BFloat) if source.bits == 32 => -16,
        _ => {
            return Err(IrError::invalid(format!(
                "BF16 legalisation converts between bfloat16 and float32, not {source} to {target}"
            )));
        }
    };
    let result = if mantissa_delta > 0 {
        bit_op("shift_left", ops::cast(tgt_uint, bits)?, mantissa_delta)?
    } else {
        let half = (1i64 << (-mantissa_delta - 1)) - 1;
        let parity =
            bit_op("bitwise_and", bit_op("shift_right", bits.clone(), -mantissa_delta)?, 1)?;
        let rounding_bias = ops::binary(BinaryOp::Add, parity, make_const(src_uint, half)?)?;
        let rounded = ops::binary(BinaryOp::Add, bits, rounding_bias)?;
        ops::cast(tgt_uint, bit_op("shift_right", rounded, -mantissa_delta)?)?
    };
    reinterpret(target, result)
}

const BF16_COMPUTE: ComputeRules =
    ComputeRules { matches: is_bfloat16, promote: DataType::float32(), convert: bf16_conversion };

/// BF16ComputeLegalize on one function.
pub fn bf16_compute_legalize(func: PrimFunc) -> Result<PrimFunc, IrError> {
    legalize_compute(func, &BF16_COMPUTE)
}

/// BF16StorageLegalize on one function.
pub fn bf16_storage_legalize(func: PrimFunc) -> Result<PrimFunc, IrError> {
    legalize_storage(func, is_bfloat16)
}

/// The pass `tir.BF16ComputeLegalize` (opt level 0).
pub fn compute_pass() -> Pass {
    func_pass("tir.BF16ComputeLegalize", 0, bf16_compute_legalize)
}

/// The pass `tir.BF16StorageLegalize` (opt level 0).
pub fn storage_pass() -> Pass {
    func_pass("tir.BF16StorageLegalize", 0, bf16_storage_legalize)
}

//! FP8ComputeLegalize and FP8StorageLegalize (TVM v0.23 `tir.FP8ComputeLegalize`,
//! `tir.FP8StorageLegalize`): float8 arithmetic is done in float32 and float8 values are stored
//! as `uint8` bits, for CPUs without float8 arithmetic.
//!
//! The passes are the shared legalisers (`fp8_legalize_compute`, `fp8_legalize_storage`) with
//! float8 rules, promoting to float32 as TVM's default `promote_dtype`. One deliberate difference:
//! conversions between float8 and float32 are `T.Cast` nodes, not TVM's `DTypeConversion` bit
//! arithmetic, which is inexact for float8 (it maps zero and subnormals to powers of two, e.g.
//! e4m3fn 0 to 2^-7, and does not saturate or produce NaN on overflow). A `Cast` between a small
//! float and float32 has exact round-to-nearest-even semantics in the interpreter and in code
//! generation (`transform::fp8_legalize_format`). The compute pass also promotes float6 and
//! float4 arithmetic (TVM's matches float8 only), so no small-float arithmetic reaches codegen;
//! their storage stays one byte per element, which codegen handles as it is.

use crate::ir::{DataType, IrError, PrimExpr, PrimFunc};
use crate::transform::fp8_legalize_compute::{ComputeRules, legalize_compute};
use crate::transform::fp8_legalize_format::SmallFloat;
use crate::transform::fp8_legalize_storage::legalize_storage;
use crate::transform::fp8_legalize_util::tvm_cast;
use crate::transform::pass::Pass;
use crate::transform::pipeline::func_pass;

/// Whether `dtype` is a float8 format (any lanes).
pub fn is_float8(dtype: DataType) -> bool {
    SmallFloat::of(dtype).is_some_and(|f| f.bits() == 8)
}

/// Whether `dtype` is a float8, float6 or float4 format (any lanes).
pub fn is_small_float(dtype: DataType) -> bool {
    SmallFloat::of(dtype).is_some()
}

/// float8 (and float6/float4) to and from float32 by `Cast` (exact, see the module docs).
fn cast_conversion(value: PrimExpr, dtype: DataType) -> Result<PrimExpr, IrError> {
    tvm_cast(dtype, value)
}

const FP8_COMPUTE: ComputeRules = ComputeRules {
    matches: is_small_float,
    promote: DataType::float32(),
    convert: cast_conversion,
};

/// FP8ComputeLegalize on one function.
pub fn fp8_compute_legalize(func: PrimFunc) -> Result<PrimFunc, IrError> {
    legalize_compute(func, &FP8_COMPUTE)
}

/// FP8StorageLegalize on one function.
pub fn fp8_storage_legalize(func: PrimFunc) -> Result<PrimFunc, IrError> {
    legalize_storage(func, is_float8)
}

/// The pass `tir.FP8ComputeLegalize` (opt level 0).
pub fn compute_pass() -> Pass {
    func_pass("tir.FP8ComputeLegalize", 0, fp8_compute_legalize)
}

/// The pass `tir.FP8StorageLegalize` (opt level 0).
pub fn storage_pass() -> Pass {
    func_pass("tir.FP8StorageLegalize", 0, fp8_storage_legalize)
}

//! LLVM types, constants and intrinsic name suffixes for TIR dtypes, as LLVM IR text.
//!
//! Invariants: a scalar dtype maps to one LLVM scalar type (`bool` is `i1` in registers and `i8` in
//! memory, `float16` is `half`, `bfloat16` is `bfloat`); a dtype with `n > 1` fixed lanes is
//! `<n x T>`, one with `vscale × k` lanes `<vscale x k x T>` (see `scalable`). The small float
//! formats (float8/6/4) are their bits in an `i8` (see `small_float`).

use crate::ir::{DataType, Lanes, TypeCode};

use super::CodegenError;

/// The LLVM scalar type of one lane of `dtype` in registers.
pub fn scalar_type(dtype: DataType) -> Result<&'static str, CodegenError> {
    if dtype.is_bool() {
        return Ok("i1");
    }
    let ty = match (dtype.code, dtype.bits) {
        (TypeCode::Int | TypeCode::UInt, 8) => "i8",
        (TypeCode::Int | TypeCode::UInt, 16) => "i16",
        (TypeCode::Int | TypeCode::UInt, 32) => "i32",
        (TypeCode::Int | TypeCode::UInt, 64) => "i64",
        (TypeCode::Float, 16) => "half",
        (TypeCode::Float, 32) => "float",
        (TypeCode::Float, 64) => "double",
        (TypeCode::BFloat, 16) => "bfloat",
        (TypeCode::Handle, _) => "ptr",
        // float8/float6/float4: their bits, one byte (see `small_float`).
        _ if super::small_float::is_small_float(dtype) => "i8",
        _ => return Err(CodegenError::unsupported(format!("dtype {dtype}"))),
    };
    Ok(ty)
}

/// The number of fixed lanes of `dtype`, for operations done lane by lane; a scalable vector is
/// rejected there.
pub fn lanes(dtype: DataType) -> Result<u16, CodegenError> {
    dtype.fixed_lanes().ok_or_else(|| {
        CodegenError::unsupported(format!(
            "this operation on the scalable vector dtype {dtype} (it works lane by lane)"
        ))
    })
}

/// The LLVM type of a value of `dtype` in registers.
pub fn llvm_type(dtype: DataType) -> Result<String, CodegenError> {
    let scalar = scalar_type(dtype)?;
    Ok(vector_like(scalar, dtype.lanes))
}

/// `T` for one lane, `<n x T>` for fixed lanes, `<vscale x k x T>` for scalable ones.
pub fn vector_like(scalar: &str, lanes: Lanes) -> String {
    match lanes {
        Lanes::Fixed(n) => vector_of(scalar, n),
        Lanes::Scalable(k) => format!("<vscale x {k} x {scalar}>"),
    }
}

/// `T` for one lane, `<n x T>` otherwise.
pub fn vector_of(scalar: &str, lanes: u16) -> String {
    if lanes == 1 { scalar.to_string() } else { format!("<{lanes} x {scalar}>") }
}

/// The LLVM type of one element of `dtype` in memory (`bool` is a byte).
pub fn memory_scalar_type(dtype: DataType) -> Result<&'static str, CodegenError> {
    if dtype.is_bool() { Ok("i8") } else { scalar_type(dtype) }
}

/// The suffix LLVM mangles an overloaded intrinsic with: `f32`, `v8f32`, `i64`, `f16`, `bf16`.
pub fn intrinsic_suffix(dtype: DataType) -> Result<String, CodegenError> {
    let scalar = match scalar_type(dtype)? {
        "half" => "f16".to_string(),
        "float" => "f32".to_string(),
        "double" => "f64".to_string(),
        "bfloat" => "bf16".to_string(),
        "ptr" => "p0".to_string(),
        int => int.to_string(),
    };
    Ok(match dtype.lanes {
        Lanes::Fixed(1) => scalar,
        Lanes::Fixed(n) => format!("v{n}{scalar}"),
        Lanes::Scalable(k) => format!("nxv{k}{scalar}"),
    })
}

/// A float constant of `dtype`'s precision in LLVM's exact hexadecimal form.
pub fn float_constant(value: f64, dtype: DataType) -> Result<String, CodegenError> {
    Ok(match scalar_type(dtype)? {
        "double" => format!("0x{:016X}", value.to_bits()),
        // LLVM spells `float` constants as the double with the same value.
        "float" => format!("0x{:016X}", f64::from(value as f32).to_bits()),
        "half" => format!("0xH{:04X}", crate::interp::element::f64_to_f16_bits(value)),
        "bfloat" => format!("0xR{:04X}", crate::interp::element::f64_to_bf16_bits(value)),
        "i8" => match crate::transform::fp8_legalize_format::SmallFloat::of(dtype) {
            Some(format) => format.encode(value).to_string(),
            None => return Err(CodegenError::invalid(format!("float constant of dtype {dtype}"))),
        },
        _ => return Err(CodegenError::invalid(format!("float constant of dtype {dtype}"))),
    })
}

/// An integer constant of `dtype` (bool as `true`/`false`), wrapped to the type's width.
pub fn int_constant(value: i64, dtype: DataType) -> String {
    if dtype.is_bool() {
        return if value != 0 { "true".into() } else { "false".into() };
    }
    crate::interp::element::wrap_int(value, dtype.element_of()).to_string()
}

/// Whether integer operations on `dtype` are signed (int) rather than unsigned (uint, bool).
pub fn is_signed(dtype: DataType) -> bool {
    dtype.code == TypeCode::Int
}

/// The size in bytes of one element of `dtype` in memory.
pub fn element_bytes(dtype: DataType) -> Result<u64, CodegenError> {
    Ok(u64::from(lanes(dtype)?) * dtype.bytes_per_lane() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_types_and_suffixes() {
        let v = DataType::float32().with_lanes(8);
        assert_eq!(llvm_type(v).unwrap(), "<8 x float>");
        assert_eq!(intrinsic_suffix(v).unwrap(), "v8f32");
        assert_eq!(intrinsic_suffix(DataType::float(16)).unwrap(), "f16");
        assert_eq!(llvm_type(DataType::bool()).unwrap(), "i1");
        assert_eq!(memory_scalar_type(DataType::bool()).unwrap(), "i8");
        let s = DataType::float32().with_scalable_lanes(4);
        assert_eq!(llvm_type(s).unwrap(), "<vscale x 4 x float>");
        assert_eq!(intrinsic_suffix(s).unwrap(), "nxv4f32");
        assert!(lanes(s).is_err());
    }

    #[test]
    fn float_constants_are_exact() {
        assert_eq!(float_constant(0.5, DataType::float32()).unwrap(), "0x3FE0000000000000");
        assert_eq!(float_constant(1.0, DataType::float(16)).unwrap(), "0xH3C00");
        assert_eq!(float_constant(1.0, DataType::bfloat16()).unwrap(), "0xR3F80");
        // 0.1 is rounded to float precision first, so LLVM accepts it as a float.
        let c = float_constant(0.1, DataType::float32()).unwrap();
        assert_eq!(c, format!("0x{:016X}", f64::from(0.1f32).to_bits()));
    }
}

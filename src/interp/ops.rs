//! Lane-wise arithmetic with the semantics TVM's LLVM codegen gives each node.
//!
//! Integers wrap to their dtype's width (`add`/`sub`/`mul` are two's-complement); `Div`/`Mod` on
//! integers truncate (`sdiv`/`srem`, `udiv`/`urem` for unsigned), `FloorDiv`/`FloorMod` round toward
//! negative infinity; an integer division by zero is an error (LLVM would be undefined). Floats are
//! computed in double precision and rounded to the dtype after every operation, which equals the
//! single-precision (and half-precision) result for `+ - * /`. `Min`/`Max` are `select(a < b, a, b)`
//! and `select(a > b, a, b)`, so a NaN in the second operand wins. Float comparisons are ordered
//! (`NE` is LLVM's `one`: false when either side is NaN). Casts follow `CodeGenLLVM::CreateCast`:
//! float → int truncates toward zero (saturating where LLVM would give poison), int → float rounds
//! to nearest even, anything → bool is `!= 0`.

use crate::interp::element::{Scalar, canonical, round_float, wrap_int};
use crate::interp::error::InterpErrorKind;
use crate::ir::{BinaryOp, CmpOp, DataType, TypeCode};

/// Whether integer values of `dtype` compare and divide as unsigned.
fn unsigned(dtype: DataType) -> bool {
    dtype.code == TypeCode::UInt
}

/// `a op b` for one lane of scalar dtype `dtype`.
pub fn binary(
    op: BinaryOp,
    dtype: DataType,
    a: Scalar,
    b: Scalar,
) -> Result<Scalar, InterpErrorKind> {
    if dtype.is_floating() {
        let (x, y) = (a.as_f64(), b.as_f64());
        let v = match op {
            BinaryOp::Add => x + y,
            BinaryOp::Sub => x - y,
            BinaryOp::Mul => x * y,
            BinaryOp::Div => x / y,
            BinaryOp::Mod => x % y,
            BinaryOp::FloorDiv => (x / y).floor(),
            BinaryOp::FloorMod => x - (x / y).floor() * y,
            BinaryOp::Min => {
                if x < y {
                    x
                } else {
                    y
                }
            }
            BinaryOp::Max => {
                if x > y {
                    x
                } else {
                    y
                }
            }
        };
        return Ok(Scalar::Float(round_float(v, dtype)));
    }
    let (x, y) = (a.as_i64(), b.as_i64());
    let division =
        matches!(op, BinaryOp::Div | BinaryOp::Mod | BinaryOp::FloorDiv | BinaryOp::FloorMod);
    if division && y == 0 {
        return Err(InterpErrorKind::DivisionByZero(format!("{op:?} of {x} by 0 ({dtype})")));
    }
    let v = if unsigned(dtype) {
        let (ux, uy) = (x as u64, y as u64);
        (match op {
            BinaryOp::Add => ux.wrapping_add(uy),
            BinaryOp::Sub => ux.wrapping_sub(uy),
            BinaryOp::Mul => ux.wrapping_mul(uy),
            BinaryOp::Div | BinaryOp::FloorDiv => ux / uy,
            BinaryOp::Mod | BinaryOp::FloorMod => ux % uy,
            BinaryOp::Min => ux.min(uy),
            BinaryOp::Max => ux.max(uy),
        }) as i64
    } else {
        match op {
            BinaryOp::Add => x.wrapping_add(y),
            BinaryOp::Sub => x.wrapping_sub(y),
            BinaryOp::Mul => x.wrapping_mul(y),
            BinaryOp::Div => x.wrapping_div(y),
            BinaryOp::Mod => x.wrapping_rem(y),
            BinaryOp::FloorDiv => {
                let q = x.wrapping_div(y);
                if (x.wrapping_rem(y) != 0) && ((x < 0) != (y < 0)) { q - 1 } else { q }
            }
            BinaryOp::FloorMod => {
                let r = x.wrapping_rem(y);
                if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r }
            }
            BinaryOp::Min => x.min(y),
            BinaryOp::Max => x.max(y),
        }
    };
    Ok(Scalar::Int(wrap_int(v, dtype)))
}

/// `a op b` for one lane whose operands have scalar dtype `dtype`.
pub fn compare(op: CmpOp, dtype: DataType, a: Scalar, b: Scalar) -> bool {
    if dtype.is_floating() {
        let (x, y) = (a.as_f64(), b.as_f64());
        return match op {
            CmpOp::Eq => x == y,
            // LLVM's `fcmp one`: false when either side is NaN, unlike `x != y`.
            #[allow(clippy::double_comparisons)]
            CmpOp::Ne => x < y || x > y,
            CmpOp::Lt => x < y,
            CmpOp::Le => x <= y,
            CmpOp::Gt => x > y,
            CmpOp::Ge => x >= y,
        };
    }
    let ordering = if unsigned(dtype) {
        (a.as_i64() as u64).cmp(&(b.as_i64() as u64))
    } else {
        a.as_i64().cmp(&b.as_i64())
    };
    use std::cmp::Ordering::{Equal, Greater, Less};
    match op {
        CmpOp::Eq => ordering == Equal,
        CmpOp::Ne => ordering != Equal,
        CmpOp::Lt => ordering == Less,
        CmpOp::Le => ordering != Greater,
        CmpOp::Gt => ordering == Greater,
        CmpOp::Ge => ordering != Less,
    }
}

/// Converts one lane from scalar dtype `from` to scalar dtype `to`.
pub fn cast(from: DataType, to: DataType, v: Scalar) -> Scalar {
    if to.is_bool() {
        let truth = match v {
            // `fcmp one` against zero: NaN converts to false.
            #[allow(clippy::double_comparisons)]
            Scalar::Float(x) => x < 0.0 || x > 0.0,
            Scalar::Int(x) => x != 0,
        };
        return Scalar::Int(i64::from(truth));
    }
    match (from.is_floating(), to.is_floating()) {
        (false, false) => Scalar::Int(wrap_int(v.as_i64(), to)),
        (true, false) => {
            let x = v.as_f64();
            let truncated = if unsigned(to) { x as u64 as i64 } else { x as i64 };
            Scalar::Int(wrap_int(truncated, to))
        }
        (false, true) => {
            let x = v.as_i64();
            let widened = if unsigned(from) || from.is_bool() {
                if to == DataType::float32() { f64::from(x as u64 as f32) } else { x as u64 as f64 }
            } else if to == DataType::float32() {
                f64::from(x as f32)
            } else {
                x as f64
            };
            Scalar::Float(round_float(widened, to))
        }
        (true, true) => canonical(v, to),
    }
}

/// Bitwise operations on one integer lane of dtype `dtype` (`and`, `or`, `xor`, shifts).
pub fn bitwise(name: &str, dtype: DataType, a: i64, b: i64) -> Result<i64, InterpErrorKind> {
    let bits = i64::from(dtype.bits);
    let v = match name {
        "bitwise_and" => a & b,
        "bitwise_or" => a | b,
        "bitwise_xor" => a ^ b,
        "shift_left" | "shift_right" => {
            if b < 0 || b >= bits {
                return Err(InterpErrorKind::Unsupported(format!(
                    "{name} by {b} bits on {dtype} (LLVM gives poison for shifts outside [0, {bits}))"
                )));
            }
            if name == "shift_left" {
                a.wrapping_shl(b as u32)
            } else if unsigned(dtype) {
                ((a as u64) >> b) as i64
            } else {
                a >> b
            }
        }
        _ => {
            return Err(InterpErrorKind::Unsupported(format!("bitwise operation {name}")));
        }
    };
    Ok(wrap_int(v, dtype))
}

/// The bits of an integer lane within its width, as an unsigned word.
pub fn width_bits(dtype: DataType, v: i64) -> u64 {
    let bits = u32::from(dtype.bits);
    if bits >= 64 { v as u64 } else { (v as u64) & ((1u64 << bits) - 1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(op: BinaryOp, dtype: DataType, a: i64, b: i64) -> i64 {
        binary(op, dtype, Scalar::Int(a), Scalar::Int(b)).unwrap().as_i64()
    }

    #[test]
    fn integer_division_kinds() {
        let i32t = DataType::int32();
        assert_eq!(int(BinaryOp::Div, i32t, -7, 2), -3);
        assert_eq!(int(BinaryOp::Mod, i32t, -7, 2), -1);
        assert_eq!(int(BinaryOp::FloorDiv, i32t, -7, 2), -4);
        assert_eq!(int(BinaryOp::FloorMod, i32t, -7, 2), 1);
        assert_eq!(int(BinaryOp::FloorMod, i32t, 7, -2), -1);
        assert_eq!(int(BinaryOp::Div, DataType::uint(64), -2, 2), i64::MAX);
        assert!(binary(BinaryOp::FloorDiv, i32t, Scalar::Int(1), Scalar::Int(0)).is_err());
    }

    #[test]
    fn wrap_around_per_width() {
        assert_eq!(int(BinaryOp::Add, DataType::int(8), 127, 1), -128);
        assert_eq!(int(BinaryOp::Mul, DataType::uint(8), 16, 16), 0);
        assert_eq!(int(BinaryOp::Sub, DataType::uint(32), 0, 1), 4294967295);
        assert_eq!(
            int(BinaryOp::Add, DataType::int32(), i64::from(i32::MAX), 1),
            i64::from(i32::MIN)
        );
    }

    #[test]
    fn casts_follow_llvm() {
        let f32t = DataType::float32();
        assert_eq!(cast(f32t, DataType::int32(), Scalar::Float(-2.7)), Scalar::Int(-2));
        assert_eq!(cast(f32t, DataType::bool(), Scalar::Float(f64::NAN)), Scalar::Int(0));
        assert_eq!(cast(DataType::int32(), DataType::int(8), Scalar::Int(300)), Scalar::Int(44));
        assert_eq!(cast(DataType::uint(8), f32t, Scalar::Int(255)), Scalar::Float(255.0));
        assert_eq!(
            cast(DataType::int64(), f32t, Scalar::Int((1 << 24) + 1)),
            Scalar::Float(16777216.0)
        );
        assert_eq!(
            cast(DataType::float(64), DataType::float(16), Scalar::Float(1.0 + 1e-4)),
            Scalar::Float(1.0)
        );
    }

    #[test]
    fn min_max_and_nan_comparisons() {
        let f = DataType::float32();
        let nan = Scalar::Float(f64::NAN);
        assert!(binary(BinaryOp::Min, f, Scalar::Float(1.0), nan).unwrap().as_f64().is_nan());
        assert_eq!(binary(BinaryOp::Min, f, nan, Scalar::Float(1.0)).unwrap(), Scalar::Float(1.0));
        assert!(!compare(CmpOp::Ne, f, nan, nan));
        assert!(compare(CmpOp::Lt, DataType::uint(64), Scalar::Int(1), Scalar::Int(-1)));
    }
}

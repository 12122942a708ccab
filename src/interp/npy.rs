//! Reading and writing `NDArray`s as NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
//!
//! Dtype mapping: `intN`/`uintN` (N in 8, 16, 32, 64) ↔ `i1..i8`/`u1..u8`, `bool` ↔ `b1`,
//! `float16/32/64` ↔ `f2/f4/f8`. NumPy has no bfloat16: `write_npy` stores bfloat16 as its raw
//! 16-bit patterns (`u2`), and `read_npy_as` reads such a file back as bfloat16. Sub-byte ints other
//! than bool and vector dtypes are written lane by lane as their one-byte storage (`i1`/`u1`) with
//! the lanes as a trailing dimension. Files are written little-endian ('<'); big-endian files are
//! byte-swapped on reading. Fortran-ordered files are transposed into row-major order on reading.

use std::io::{Read, Write};
use std::path::Path;

use crate::interp::ndarray::{NDArray, NDArrayError};
use crate::ir::{DataType, TypeCode};

fn npy_err(message: impl Into<String>) -> NDArrayError {
    NDArrayError::Npy(message.into())
}

/// The NumPy type string (without byte order) for the storage of one lane of `dtype`.
fn descr_of(dtype: DataType) -> String {
    let size = dtype.bytes_per_lane();
    match dtype.code {
        _ if dtype.is_bool() => "b1".to_string(),
        TypeCode::Int if matches!(dtype.bits, 8 | 16 | 32 | 64) => format!("i{size}"),
        TypeCode::UInt if matches!(dtype.bits, 8 | 16 | 32 | 64) => format!("u{size}"),
        TypeCode::Int => "i1".to_string(),
        TypeCode::UInt => "u1".to_string(),
        TypeCode::Float => format!("f{size}"),
        _ => format!("u{size}"),
    }
}

/// The dtype a NumPy type string (without byte order) stands for.
fn dtype_of_descr(descr: &str) -> Option<DataType> {
    Some(match descr {
        "b1" => DataType::bool(),
        "i1" => DataType::int(8),
        "i2" => DataType::int(16),
        "i4" => DataType::int(32),
        "i8" => DataType::int(64),
        "u1" => DataType::uint(8),
        "u2" => DataType::uint(16),
        "u4" => DataType::uint(32),
        "u8" => DataType::uint(64),
        "f2" => DataType::float(16),
        "f4" => DataType::float(32),
        "f8" => DataType::float(64),
        _ => return None,
    })
}

/// Serialises `array` (its values in row-major order) to `.npy` bytes.
pub fn to_npy_bytes(array: &NDArray) -> Vec<u8> {
    let compact = array.to_compact();
    let mut shape: Vec<i64> = compact.shape().to_vec();
    if let Some(lanes) = compact.dtype().fixed_lanes().filter(|&l| l > 1) {
        shape.push(i64::from(lanes));
    }
    let dims: Vec<String> = shape.iter().map(i64::to_string).collect();
    let shape_text = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let order = if compact.dtype().bytes_per_lane() == 1 { '|' } else { '<' };
    let mut header = format!(
        "{{'descr': '{order}{}', 'fortran_order': False, 'shape': {shape_text}, }}",
        descr_of(compact.dtype())
    );
    // Magic (6) + version (2) + length (2) + header + newline is padded to a multiple of 64.
    let unpadded = 10 + header.len() + 1;
    header.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + compact.storage().len());
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    let data = compact.storage().as_bytes();
    let size = compact.dtype().bytes_per_lane();
    if cfg!(target_endian = "big") && size > 1 {
        for lane in data.chunks(size) {
            out.extend(lane.iter().rev());
        }
    } else {
        out.extend_from_slice(data);
    }
    out
}

/// Writes `array` to the `.npy` file `path`.
pub fn write_npy(array: &NDArray, path: &Path) -> Result<(), NDArrayError> {
    let mut file =
        std::fs::File::create(path).map_err(|e| npy_err(format!("{}: {e}", path.display())))?;
    file.write_all(&to_npy_bytes(array)).map_err(|e| npy_err(format!("{}: {e}", path.display())))
}

/// Reads the `.npy` file `path` with the dtype its header names.
pub fn read_npy(path: &Path) -> Result<NDArray, NDArrayError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| npy_err(format!("{}: {e}", path.display())))?;
    from_npy_bytes(&bytes)
}

/// Reads a `.npy` file as `dtype`, which must have the stored lane size (e.g. bfloat16 from `u2`).
pub fn read_npy_as(path: &Path, dtype: DataType) -> Result<NDArray, NDArrayError> {
    let array = read_npy(path)?;
    if array.dtype().bytes_per_lane() != dtype.bytes_per_lane() || !dtype.is_scalar() {
        return Err(npy_err(format!("cannot read {} data as {dtype}", array.dtype())));
    }
    let shape = array.shape().to_vec();
    let mut out = NDArray::zeros(dtype, &shape)?;
    out.storage_mut().as_bytes_mut().copy_from_slice(array.storage().as_bytes());
    Ok(out)
}

/// Parses `.npy` bytes.
pub fn from_npy_bytes(bytes: &[u8]) -> Result<NDArray, NDArrayError> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(npy_err("not a .npy file (bad magic)"));
    }
    let (header_len, start) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 if bytes.len() >= 12 => {
            (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12)
        }
        v => return Err(npy_err(format!("unsupported format version {v}"))),
    };
    let header = bytes
        .get(start..start + header_len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| npy_err("truncated or non-text header"))?;
    let descr = dict_value(header, "descr").ok_or_else(|| npy_err("header has no 'descr'"))?;
    let descr = descr.trim_matches(|c| c == '\'' || c == '"');
    let fortran = dict_value(header, "fortran_order")
        .ok_or_else(|| npy_err("header has no 'fortran_order'"))?;
    let shape_text = dict_value(header, "shape").ok_or_else(|| npy_err("header has no 'shape'"))?;
    let (order, kind) = match descr.chars().next() {
        Some(c @ ('<' | '>' | '|' | '=')) => (c, &descr[1..]),
        _ => ('=', descr),
    };
    let dtype =
        dtype_of_descr(kind).ok_or_else(|| npy_err(format!("unsupported descr '{descr}'")))?;
    let shape = parse_shape(shape_text)?;
    let mut array = NDArray::zeros(dtype, &shape)?;
    let data = &bytes[start + header_len..];
    let needed = array.storage().len();
    if data.len() < needed {
        return Err(npy_err(format!("data has {} bytes, the header needs {needed}", data.len())));
    }
    let size = dtype.bytes_per_lane();
    let swap =
        size > 1 && ((order == '>') != cfg!(target_endian = "big")) && order != '=' && order != '|';
    let target = array.storage_mut().as_bytes_mut();
    if swap {
        for (dst, src) in target.chunks_mut(size).zip(data.chunks(size)) {
            for (d, s) in dst.iter_mut().zip(src.iter().rev()) {
                *d = *s;
            }
        }
    } else {
        target.copy_from_slice(&data[..needed]);
    }
    match fortran.trim() {
        "False" => Ok(array),
        "True" => Ok(transpose_from_fortran(&array)),
        other => Err(npy_err(format!("bad fortran_order value {other}"))),
    }
}

/// The raw text of `key`'s value in a Python dict literal (enough for NumPy's header).
fn dict_value<'h>(header: &'h str, key: &str) -> Option<&'h str> {
    let quoted = [format!("'{key}'"), format!("\"{key}\"")];
    let at = quoted.iter().find_map(|q| header.find(q.as_str()).map(|i| i + q.len()))?;
    let rest = header[at..].trim_start().strip_prefix(':')?.trim_start();
    let end = if rest.starts_with('(') {
        rest.find(')')? + 1
    } else {
        rest.find([',', '}']).unwrap_or(rest.len())
    };
    Some(rest[..end].trim())
}

fn parse_shape(text: &str) -> Result<Vec<i64>, NDArrayError> {
    let inner = text
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .ok_or_else(|| npy_err(format!("bad shape {text}")))?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            d.trim_end_matches('L')
                .parse::<i64>()
                .map_err(|_| npy_err(format!("bad dimension {d}")))
        })
        .collect()
}

/// Reorders column-major data (read as if row-major) into row-major order.
fn transpose_from_fortran(array: &NDArray) -> NDArray {
    let shape = array.shape().to_vec();
    let mut column_strides = vec![1i64; shape.len()];
    for k in 1..shape.len() {
        column_strides[k] = column_strides[k - 1] * shape[k - 1];
    }
    let Ok(mut out) = NDArray::zeros(array.dtype(), &shape) else {
        return array.clone();
    };
    let mut index = vec![0i64; shape.len()];
    for row_major in 0..array.numel() {
        let source: i64 = index.iter().zip(&column_strides).map(|(i, s)| i * s).sum();
        out.set_lane(row_major, array.lane(source as usize));
        for k in (0..index.len()).rev() {
            index[k] += 1;
            if index[k] < shape[k] {
                break;
            }
            index[k] = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_padded_to_64_bytes() {
        let a = NDArray::zeros(DataType::float32(), &[3]).unwrap();
        let bytes = to_npy_bytes(&a);
        let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        assert_eq!((10 + header_len) % 64, 0);
        assert_eq!(bytes[10 + header_len - 1], b'\n');
        assert!(
            std::str::from_utf8(&bytes[10..10 + header_len]).unwrap().contains("'shape': (3,)")
        );
    }

    #[test]
    fn fortran_order_is_transposed() {
        let mut bytes = to_npy_bytes(
            &NDArray::from_vec(DataType::int(32), &[2, 3], &[1i32, 4, 2, 5, 3, 6]).unwrap(),
        );
        let at = bytes.windows(5).position(|w| w == b"False").unwrap();
        bytes[at..at + 5].copy_from_slice(b"True ");
        let a = from_npy_bytes(&bytes).unwrap();
        assert_eq!(a.as_slice::<i32>().unwrap(), &[1, 2, 3, 4, 5, 6]);
    }
}

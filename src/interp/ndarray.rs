//! `NDArray`: an n-dimensional array of TIR values in aligned, contiguous storage.
//!
//! Layout: `storage` is one block of bytes aligned to 64 bytes (TVM's `kAllocAlignment`), holding
//! `storage_elems` elements of `dtype` (a vector dtype `float32x4` makes one element four lanes).
//! Element `[i0, ..., in]` lives at element index `elem_offset + Σ ik * strides[k]`; arrays made by
//! `zeros`, `from_vec` and `random` are compact (row-major strides, offset 0). Every lane takes
//! `dtype.bytes_per_lane()` bytes in native byte order; bool and sub-byte ints take one byte per lane.
//! Invariants: `shape.len() == strides.len()`; every in-shape index maps inside the storage; the
//! storage length is a whole number of elements. The interpreter and the codegen runtime both use
//! this type; `.npy` files are read and written by `read_npy`/`write_npy` (see `npy.rs`).

use crate::interp::element::{self, Scalar, UnsupportedDType};
pub use crate::interp::storage::{AlignedBytes, Element};
use crate::ir::DataType;

/// Why an array operation was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NDArrayError {
    #[error(transparent)]
    DType(#[from] UnsupportedDType),
    #[error("{0}")]
    Shape(String),
    #[error("cannot view {dtype} storage as `{rust_type}`")]
    View { dtype: DataType, rust_type: &'static str },
    #[error("index {index:?} is out of bounds for shape {shape:?}")]
    Index { index: Vec<i64>, shape: Vec<i64> },
    #[error("npy: {0}")]
    Npy(String),
}

/// An n-dimensional array.
#[derive(Clone, Debug)]
pub struct NDArray {
    dtype: DataType,
    shape: Vec<i64>,
    strides: Vec<i64>,
    elem_offset: i64,
    storage: AlignedBytes,
}

/// Row-major strides (in elements) of `shape`.
pub fn compact_strides(shape: &[i64]) -> Vec<i64> {
    let mut strides = vec![1i64; shape.len()];
    for k in (0..shape.len().saturating_sub(1)).rev() {
        strides[k] = strides[k + 1].saturating_mul(shape[k + 1]);
    }
    strides
}

/// The number of elements of `shape`, or an error for negative or overflowing shapes.
fn element_count(shape: &[i64]) -> Result<usize, NDArrayError> {
    let mut count: i64 = 1;
    for &d in shape {
        if d < 0 {
            return Err(NDArrayError::Shape(format!("negative dimension in shape {shape:?}")));
        }
        count = count
            .checked_mul(d)
            .ok_or_else(|| NDArrayError::Shape(format!("shape {shape:?} is too large")))?;
    }
    usize::try_from(count).map_err(|_| NDArrayError::Shape(format!("shape {shape:?} is too large")))
}

impl NDArray {
    /// A compact array of zeros.
    pub fn zeros(dtype: DataType, shape: &[i64]) -> Result<NDArray, NDArrayError> {
        element::check_storable(dtype)?;
        let count = element_count(shape)?;
        let bytes = count
            .checked_mul(element_bytes(dtype))
            .ok_or_else(|| NDArrayError::Shape(format!("shape {shape:?} is too large")))?;
        Ok(NDArray {
            dtype,
            shape: shape.to_vec(),
            strides: compact_strides(shape),
            elem_offset: 0,
            storage: AlignedBytes::zeroed(bytes),
        })
    }

    /// A compact array holding `values` (one per lane, row-major), which must match the shape.
    pub fn from_vec<T: Element>(
        dtype: DataType,
        shape: &[i64],
        values: &[T],
    ) -> Result<NDArray, NDArrayError> {
        let mut array = NDArray::zeros(dtype, shape)?;
        let slice = array.as_mut_slice::<T>()?;
        if slice.len() != values.len() {
            return Err(NDArrayError::Shape(format!(
                "{} values given for shape {shape:?} of {dtype} ({} lanes)",
                values.len(),
                slice.len()
            )));
        }
        slice.copy_from_slice(values);
        Ok(array)
    }

    /// A compact array with lanes set from doubles (rounded or truncated to the dtype).
    pub fn from_f64(
        dtype: DataType,
        shape: &[i64],
        values: &[f64],
    ) -> Result<NDArray, NDArrayError> {
        let mut array = NDArray::zeros(dtype, shape)?;
        if values.len() != array.lane_count() {
            return Err(NDArrayError::Shape(format!(
                "{} values given for {} lanes",
                values.len(),
                array.lane_count()
            )));
        }
        for (i, &v) in values.iter().enumerate() {
            array.set_lane(i, Scalar::Float(v));
        }
        Ok(array)
    }

    /// A compact array of seeded pseudo-random values: floats uniform in [-1, 1) rounded to the
    /// dtype, signed ints in [-8, 8), unsigned ints in [0, 16), bools 0 or 1. The same seed always
    /// gives the same array.
    pub fn random(dtype: DataType, shape: &[i64], seed: u64) -> Result<NDArray, NDArrayError> {
        let mut array = NDArray::zeros(dtype, shape)?;
        let mut rng = SplitMix64(seed);
        for i in 0..array.lane_count() {
            let r = rng.next_u64();
            let value = if dtype.is_floating() {
                Scalar::Float((r >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0)
            } else if dtype.is_bool() {
                Scalar::Int((r >> 63) as i64)
            } else if dtype.is_int() {
                Scalar::Int((r >> 60) as i64 - 8)
            } else {
                Scalar::Int((r >> 60) as i64)
            };
            array.set_lane(i, value);
        }
        Ok(array)
    }

    /// An array over existing storage with an explicit layout (strides and offset in elements).
    pub fn with_layout(
        dtype: DataType,
        shape: &[i64],
        strides: &[i64],
        elem_offset: i64,
        storage: AlignedBytes,
    ) -> Result<NDArray, NDArrayError> {
        element::check_storable(dtype)?;
        element_count(shape)?;
        if strides.len() != shape.len() {
            return Err(NDArrayError::Shape(format!(
                "{} strides for {} dimensions",
                strides.len(),
                shape.len()
            )));
        }
        let size = element_bytes(dtype);
        if !storage.len().is_multiple_of(size) {
            return Err(NDArrayError::Shape(
                "the storage is not a whole number of elements".into(),
            ));
        }
        let elems = (storage.len() / size) as i64;
        // The lowest and highest element any in-shape index reaches must lie in the storage.
        let (mut low, mut high) = (elem_offset, elem_offset);
        if !shape.contains(&0) {
            for (&d, &s) in shape.iter().zip(strides) {
                let reach = (d - 1).saturating_mul(s);
                if reach < 0 {
                    low = low.saturating_add(reach)
                } else {
                    high = high.saturating_add(reach)
                }
            }
            if low < 0 || high >= elems {
                return Err(NDArrayError::Shape(format!(
                    "layout (shape {shape:?}, strides {strides:?}, offset {elem_offset}) reaches outside {elems} stored elements"
                )));
            }
        }
        Ok(NDArray {
            dtype,
            shape: shape.to_vec(),
            strides: strides.to_vec(),
            elem_offset,
            storage,
        })
    }

    pub fn dtype(&self) -> DataType {
        self.dtype
    }
    pub fn shape(&self) -> &[i64] {
        &self.shape
    }
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }
    /// Strides in elements, one per dimension.
    pub fn strides(&self) -> &[i64] {
        &self.strides
    }
    pub fn elem_offset(&self) -> i64 {
        self.elem_offset
    }
    /// Whether the layout is row-major with offset 0 (the storage is exactly the array).
    pub fn is_compact(&self) -> bool {
        self.elem_offset == 0
            && self.strides == compact_strides(&self.shape)
            && element_count(&self.shape)
                .is_ok_and(|n| n * element_bytes(self.dtype) == self.storage.len())
    }
    /// The number of elements of the shape.
    pub fn numel(&self) -> usize {
        element_count(&self.shape).unwrap_or(0)
    }
    /// The number of lanes in the storage.
    pub fn lane_count(&self) -> usize {
        self.storage.len() / self.dtype.bytes_per_lane()
    }
    pub fn storage(&self) -> &AlignedBytes {
        &self.storage
    }
    pub fn storage_mut(&mut self) -> &mut AlignedBytes {
        &mut self.storage
    }
    /// Moves the storage out, leaving an empty one (the interpreter borrows it during a run).
    pub(crate) fn take_storage(&mut self) -> AlignedBytes {
        std::mem::take(&mut self.storage)
    }
    pub(crate) fn restore_storage(&mut self, storage: AlignedBytes) {
        self.storage = storage;
    }

    /// The whole storage viewed as `T`, which must be the dtype's lane representation.
    pub fn as_slice<T: Element>(&self) -> Result<&[T], NDArrayError> {
        self.check_view::<T>()?;
        let len = self.storage.len() / std::mem::size_of::<T>();
        // SAFETY: the storage is 64-byte aligned (enough for any `Element`), holds `len * size_of::<T>()`
        // initialised bytes, and every bit pattern is a valid `T` (the `Element` contract).
        Ok(unsafe { std::slice::from_raw_parts(self.storage.as_ptr().cast::<T>(), len) })
    }
    /// The whole storage viewed mutably as `T`.
    pub fn as_mut_slice<T: Element>(&mut self) -> Result<&mut [T], NDArrayError> {
        self.check_view::<T>()?;
        let len = self.storage.len() / std::mem::size_of::<T>();
        // SAFETY: as in `as_slice`, with a unique borrow.
        Ok(unsafe { std::slice::from_raw_parts_mut(self.storage.as_mut_ptr().cast::<T>(), len) })
    }
    fn check_view<T: Element>(&self) -> Result<(), NDArrayError> {
        if T::matches(self.dtype) && std::mem::size_of::<T>() == self.dtype.bytes_per_lane() {
            Ok(())
        } else {
            Err(NDArrayError::View { dtype: self.dtype, rust_type: std::any::type_name::<T>() })
        }
    }

    /// The lane at storage lane index `i`; the caller keeps `i < lane_count()`.
    pub fn lane(&self, i: usize) -> Scalar {
        let n = self.dtype.bytes_per_lane();
        element::read_lane(&self.storage.as_bytes()[i * n..], self.dtype)
    }
    /// Sets the lane at storage lane index `i` (made canonical for the dtype).
    pub fn set_lane(&mut self, i: usize, value: Scalar) {
        let n = self.dtype.bytes_per_lane();
        let value = element::canonical(value, self.dtype);
        element::write_lane(&mut self.storage.as_bytes_mut()[i * n..], self.dtype, value);
    }

    /// The storage lane index of lane `lane` of the element at `index`.
    fn lane_index(&self, index: &[i64], lane: usize) -> Result<usize, NDArrayError> {
        let oob = || NDArrayError::Index { index: index.to_vec(), shape: self.shape.clone() };
        if index.len() != self.shape.len()
            || index.iter().zip(&self.shape).any(|(&i, &d)| i < 0 || i >= d)
        {
            return Err(oob());
        }
        let lanes = usize::from(self.dtype.fixed_lanes().unwrap_or(1));
        if lane >= lanes {
            return Err(oob());
        }
        let elem: i64 =
            self.elem_offset + index.iter().zip(&self.strides).map(|(i, s)| i * s).sum::<i64>();
        Ok(elem as usize * lanes + lane)
    }
    /// The element at `index` (first lane) as a double.
    pub fn get_f64(&self, index: &[i64]) -> Result<f64, NDArrayError> {
        Ok(self.lane(self.lane_index(index, 0)?).as_f64())
    }
    /// The element at `index` (first lane) as an integer (floats truncate).
    pub fn get_i64(&self, index: &[i64]) -> Result<i64, NDArrayError> {
        Ok(self.lane(self.lane_index(index, 0)?).as_i64())
    }
    pub fn set_f64(&mut self, index: &[i64], value: f64) -> Result<(), NDArrayError> {
        let i = self.lane_index(index, 0)?;
        self.set_lane(i, Scalar::Float(value));
        Ok(())
    }
    pub fn set_i64(&mut self, index: &[i64], value: i64) -> Result<(), NDArrayError> {
        let i = self.lane_index(index, 0)?;
        self.set_lane(i, Scalar::Int(value));
        Ok(())
    }

    /// Every lane of the array in row-major index order, as doubles (for comparisons in tests).
    pub fn to_f64_vec(&self) -> Vec<f64> {
        let lanes = usize::from(self.dtype.fixed_lanes().unwrap_or(1));
        let mut out = Vec::with_capacity(self.numel() * lanes);
        let mut index = vec![0i64; self.shape.len()];
        for _ in 0..self.numel() {
            for lane in 0..lanes {
                if let Ok(i) = self.lane_index(&index, lane) {
                    out.push(self.lane(i).as_f64());
                }
            }
            for k in (0..index.len()).rev() {
                index[k] += 1;
                if index[k] < self.shape[k] {
                    break;
                }
                index[k] = 0;
            }
        }
        out
    }

    /// A compact copy with the same values.
    pub fn to_compact(&self) -> NDArray {
        if self.is_compact() {
            return self.clone();
        }
        let mut out = match NDArray::zeros(self.dtype, &self.shape) {
            Ok(out) => out,
            // The shape and dtype were validated when `self` was made.
            Err(_) => return self.clone(),
        };
        let lanes = self.to_f64_vec();
        for (i, v) in lanes.into_iter().enumerate() {
            let value =
                if self.dtype.is_floating() { Scalar::Float(v) } else { Scalar::Int(v as i64) };
            out.set_lane(i, value);
        }
        out
    }
}

/// Bytes per element of `dtype` (all lanes).
pub fn element_bytes(dtype: DataType) -> usize {
    dtype.bytes_per_lane() * usize::from(dtype.fixed_lanes().unwrap_or(1))
}

/// A small, fast, seeded pseudo-random generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_is_aligned_and_viewable() {
        let a = NDArray::from_vec(DataType::float32(), &[2, 3], &[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0])
            .unwrap();
        assert_eq!(a.storage().as_ptr() as usize % 64, 0);
        assert_eq!(a.get_f64(&[1, 2]).unwrap(), 6.0);
        assert!(a.as_slice::<i32>().is_err());
        assert!(a.get_f64(&[2, 0]).is_err());
    }

    #[test]
    fn random_is_deterministic_and_in_range() {
        let a = NDArray::random(DataType::int(8), &[100], 7).unwrap();
        let b = NDArray::random(DataType::int(8), &[100], 7).unwrap();
        assert_eq!(a.as_slice::<i8>().unwrap(), b.as_slice::<i8>().unwrap());
        assert!(a.as_slice::<i8>().unwrap().iter().all(|v| (-8..8).contains(v)));
        let f = NDArray::random(DataType::float(16), &[50], 1).unwrap();
        assert!(f.to_f64_vec().iter().all(|v| (-1.0..1.0).contains(v)));
    }

    #[test]
    fn strided_layouts_are_checked() {
        let storage = AlignedBytes::zeroed(4 * 10);
        assert!(
            NDArray::with_layout(DataType::float32(), &[2, 2], &[5, 1], 3, storage.clone()).is_ok()
        );
        assert!(NDArray::with_layout(DataType::float32(), &[2, 2], &[5, 1], 4, storage).is_err());
    }
}

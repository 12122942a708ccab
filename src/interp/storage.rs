//! Aligned byte storage for arrays, and the plain element types its bytes can be viewed as.
//!
//! Invariants: `AlignedBytes` starts on a 64-byte boundary (TVM's `kAllocAlignment`), is
//! zero-initialised, and its `len` bytes are always initialised; `Element` is implemented only for
//! primitive number types whose every bit pattern is valid, so viewing the bytes as them is sound.

use crate::ir::DataType;

/// A 64-byte-aligned, zero-initialised byte buffer.
#[derive(Clone, Default)]
pub struct AlignedBytes {
    blocks: Vec<Block64>,
    len: usize,
}

#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Block64([u8; 64]);

impl AlignedBytes {
    /// `len` zero bytes.
    pub fn zeroed(len: usize) -> AlignedBytes {
        AlignedBytes { blocks: vec![Block64([0; 64]); len.div_ceil(64)], len }
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `Block64` is 64 plain bytes without padding, the vector holds at least `len`
        // initialised bytes (`len.div_ceil(64)` blocks), and the slice borrows `self`.
        unsafe { std::slice::from_raw_parts(self.blocks.as_ptr().cast::<u8>(), self.len) }
    }
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_bytes`, with a unique borrow of `self`.
        unsafe { std::slice::from_raw_parts_mut(self.blocks.as_mut_ptr().cast::<u8>(), self.len) }
    }
    /// The start of the storage, aligned to 64 bytes.
    pub fn as_ptr(&self) -> *const u8 {
        self.blocks.as_ptr().cast()
    }
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.blocks.as_mut_ptr().cast()
    }
}

impl std::fmt::Debug for AlignedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AlignedBytes({} bytes)", self.len)
    }
}

/// Plain element types `as_slice` can view the storage as.
///
/// # Safety
/// Implementors must be plain-old-data types of size 1, 2, 4 or 8 whose every bit pattern is valid.
pub unsafe trait Element: Copy + 'static {
    /// Whether a lane of `dtype` has exactly this type's representation.
    fn matches(dtype: DataType) -> bool;
}

macro_rules! element {
    ($t:ty, $($pattern:expr),+) => {
        // SAFETY: a primitive number type: plain data, every bit pattern valid.
        unsafe impl Element for $t {
            fn matches(dtype: DataType) -> bool {
                let scalar = dtype.element_of();
                false $(|| scalar == $pattern)+
            }
        }
    };
}
element!(i8, DataType::int(8));
element!(u8, DataType::uint(8), DataType::bool());
element!(i16, DataType::int(16));
element!(u16, DataType::uint(16), DataType::float(16), DataType::bfloat16());
element!(i32, DataType::int(32));
element!(u32, DataType::uint(32));
element!(i64, DataType::int(64));
element!(u64, DataType::uint(64));
element!(f32, DataType::float(32));
element!(f64, DataType::float(64));

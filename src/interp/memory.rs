//! Interpreter memory: storage slots that allocations and arguments own, addressed by `Handle`s.
//!
//! Invariants: a slot is either live (holding bytes and a name for messages) or free; freeing a slot
//! bumps its generation, so a handle kept past its allocation's scope fails its generation check
//! instead of reading the next allocation made in that slot. Every access is checked against the
//! slot's byte length before it happens.

use crate::interp::element::{self, Scalar};
use crate::interp::ndarray::AlignedBytes;
use crate::interp::value::Handle;
use crate::ir::DataType;

#[derive(Debug)]
struct Slot {
    generation: u32,
    name: String,
    bytes: Option<AlignedBytes>,
}

/// All storage of one run.
#[derive(Debug, Default)]
pub struct Memory {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

/// Why an access could not be made.
#[derive(Debug)]
pub enum AccessError {
    /// The handle's storage was freed or never existed.
    Dangling,
    /// The access `[start, end)` leaves the storage of `len` bytes named `name`.
    Outside { start: i64, end: i64, len: usize, name: String },
}

impl Memory {
    /// Makes a new live slot owning `bytes` and returns a handle to its start.
    pub fn insert(&mut self, name: &str, bytes: AlignedBytes) -> Handle {
        let slot = match self.free.pop() {
            Some(index) => {
                let s = &mut self.slots[index as usize];
                s.name = name.to_string();
                s.bytes = Some(bytes);
                index
            }
            None => {
                self.slots.push(Slot { generation: 0, name: name.to_string(), bytes: Some(bytes) });
                (self.slots.len() - 1) as u32
            }
        };
        Handle { slot, generation: self.slots[slot as usize].generation, byte_offset: 0 }
    }

    /// Frees the slot `handle` points into and returns its bytes.
    pub fn remove(&mut self, handle: Handle) -> Option<AlignedBytes> {
        let s = self.slots.get_mut(handle.slot as usize)?;
        if s.generation != handle.generation || s.bytes.is_none() {
            return None;
        }
        s.generation = s.generation.wrapping_add(1);
        self.free.push(handle.slot);
        s.bytes.take()
    }

    fn live(&self, handle: Handle) -> Result<&Slot, AccessError> {
        match self.slots.get(handle.slot as usize) {
            Some(s) if s.generation == handle.generation && s.bytes.is_some() => Ok(s),
            _ => Err(AccessError::Dangling),
        }
    }

    /// The byte range of `count` bytes at `byte_offset` past `handle`, checked against the slot.
    fn range(
        &self,
        handle: Handle,
        byte_offset: i64,
        count: usize,
    ) -> Result<(usize, usize), AccessError> {
        let slot = self.live(handle)?;
        let len = slot.bytes.as_ref().map_or(0, AlignedBytes::len);
        let start = handle.byte_offset.saturating_add(byte_offset);
        let end = start.saturating_add(count as i64);
        if start < 0 || end > len as i64 {
            return Err(AccessError::Outside { start, end, len, name: slot.name.clone() });
        }
        Ok((start as usize, end as usize))
    }

    /// Reads one lane of `dtype` at `byte_offset` past `handle`.
    pub fn read(
        &self,
        handle: Handle,
        byte_offset: i64,
        dtype: DataType,
    ) -> Result<Scalar, AccessError> {
        let (start, end) = self.range(handle, byte_offset, dtype.bytes_per_lane())?;
        let bytes =
            self.slots[handle.slot as usize].bytes.as_ref().map_or(&[][..], AlignedBytes::as_bytes);
        Ok(element::read_lane(&bytes[start..end], dtype))
    }

    /// Writes one lane of `dtype` (already canonical) at `byte_offset` past `handle`.
    pub fn write(
        &mut self,
        handle: Handle,
        byte_offset: i64,
        dtype: DataType,
        value: Scalar,
    ) -> Result<(), AccessError> {
        let (start, end) = self.range(handle, byte_offset, dtype.bytes_per_lane())?;
        if let Some(bytes) = self.slots[handle.slot as usize].bytes.as_mut() {
            element::write_lane(&mut bytes.as_bytes_mut()[start..end], dtype, value);
        }
        Ok(())
    }
}

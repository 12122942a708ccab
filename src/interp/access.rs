//! Buffer loads and stores: index arithmetic as the `Buffer` declares it, and bounds checks.
//!
//! The element at indices `(i0, ..., in)` of a buffer is at element `elem_offset + Σ ik * stride_k`
//! from its data pointer, where the strides are the declared ones or row-major ones computed from
//! the shape; an element of a vector dtype (`float32x4`) is that many consecutive lanes. A vector
//! index (from `Ramp`/`Broadcast`) makes one element address per lane; scalar indices broadcast.
//! Checks, in order: the data pointer is bound and live; each index is inside its dimension's
//! extent (when `check_buffer_shape` is on); the bytes are inside the storage. Lanes a predicate
//! masks off are neither checked nor accessed; a masked load lane reads as zero.

use crate::interp::element::{Scalar, canonical};
use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::eval::fixed_lanes;
use crate::interp::machine::Machine;
use crate::interp::memory::AccessError;
use crate::interp::value::{Handle, Value};
use crate::ir::{Buffer, DataType, PrimExpr};

/// The resolved addresses of one access.
struct Addresses {
    handle: Handle,
    /// The byte offset (from the handle) of each index lane's element; `None` where masked.
    elements: Vec<Option<i64>>,
    /// The indices of each lane, for messages.
    indices: Vec<Vec<i64>>,
}

/// The indices of a scalar access, kept without allocating (at most `MAX_FAST_DIMS`).
struct FastIndex {
    values: [i64; MAX_FAST_DIMS],
    len: usize,
}

/// Accesses to buffers of more dimensions take the general path.
const MAX_FAST_DIMS: usize = 8;

impl<'m> Machine<'m> {
    /// The address of `buffer[indices]` for the common case (scalar element dtype, scalar indices,
    /// not a `match_buffer` view), computed without allocating; `None` sends the access down the
    /// general path. Checks are the same as the general path's.
    fn scalar_address(
        &mut self,
        access: &'static str,
        buffer: &'m Buffer,
        indices: &'m [PrimExpr],
    ) -> Result<Option<(Handle, i64, FastIndex)>, InterpError> {
        let n = indices.len();
        let simple = n <= MAX_FAST_DIMS
            && buffer.dtype().is_scalar()
            && indices.iter().all(|e| e.dtype().is_scalar())
            && !self.views.contains_key(&buffer.id());
        if !simple {
            return Ok(None);
        }
        let mut index = FastIndex { values: [0; MAX_FAST_DIMS], len: n };
        for (k, e) in indices.iter().enumerate() {
            index.values[k] = self.eval_int(e)?;
        }
        let handle = self.data_handle(buffer)?;
        let mut shape = [0i64; MAX_FAST_DIMS];
        for (k, e) in buffer.shape().iter().enumerate().take(n) {
            shape[k] = self.eval_int(e)?;
        }
        let offset = self.eval_int(buffer.elem_offset())?;
        if self.flat && n == 1 {
            if self.options.check_buffer_shape {
                self.check_flat(access, buffer, index.values[0], offset, shape[0])?;
            }
            let size = buffer.dtype().bytes_per_lane() as i64;
            return Ok(Some((handle, index.values[0].wrapping_mul(size), index)));
        }
        if self.options.check_buffer_shape {
            self.check_in_shape(access, buffer, &index.values[..n], &shape[..n])?;
        }
        let mut flat = offset;
        if buffer.strides().is_empty() {
            let mut row_major: i64 = 0;
            for (&extent, &i) in shape[..n].iter().zip(&index.values[..n]) {
                row_major = row_major.wrapping_mul(extent).wrapping_add(i);
            }
            flat = flat.wrapping_add(row_major);
        } else {
            for (k, e) in buffer.strides().iter().enumerate().take(n) {
                let stride = self.eval_int(e)?;
                flat = flat.wrapping_add(index.values[k].wrapping_mul(stride));
            }
        }
        let size = buffer.dtype().bytes_per_lane() as i64;
        Ok(Some((handle, flat.wrapping_mul(size), index)))
    }

    /// The data pointer of `buffer`, which a parameter, allocation or match must have bound.
    fn data_handle(&self, buffer: &Buffer) -> Result<Handle, InterpError> {
        match self.lookup(buffer.data()) {
            Some(Value::Handle(h)) => Ok(*h),
            Some(other) => Err(self.fail(InterpErrorKind::IllFormed(format!(
                "the data pointer `{}` of buffer `{}` holds {}, not a pointer",
                buffer.data().name(),
                buffer.name(),
                other.describe()
            )))),
            None => Err(self.fail(InterpErrorKind::UndefinedVar(format!(
                "{} (the data pointer of buffer `{}`: no parameter, allocation or match_buffer defines it)",
                buffer.data().name(),
                buffer.name()
            )))),
        }
    }

    /// The shape, strides and element offset of `buffer` under the current bindings.
    pub(crate) fn layout(
        &mut self,
        buffer: &'m Buffer,
    ) -> Result<(Vec<i64>, Vec<i64>, i64), InterpError> {
        let mut shape = Vec::with_capacity(buffer.shape().len());
        for e in buffer.shape() {
            shape.push(self.eval_int(e)?);
        }
        let strides = if buffer.strides().is_empty() {
            crate::interp::ndarray::compact_strides(&shape)
        } else {
            let mut strides = Vec::with_capacity(shape.len());
            for e in buffer.strides() {
                strides.push(self.eval_int(e)?);
            }
            strides
        };
        let offset = self.eval_int(buffer.elem_offset())?;
        Ok((shape, strides, offset))
    }

    fn addresses(
        &mut self,
        access: &'static str,
        buffer: &'m Buffer,
        indices: &'m [PrimExpr],
        predicate: Option<&'m PrimExpr>,
    ) -> Result<Addresses, InterpError> {
        let mut index_values = Vec::with_capacity(indices.len());
        for e in indices {
            index_values.push(self.eval(e)?);
        }
        let mask = match predicate {
            Some(p) => Some(self.eval(p)?),
            None => None,
        };
        self.resolve(access, buffer, index_values, mask)
    }

    /// Checks `buffer[index_values]` against the view's shape and rewrites it to the view's
    /// source buffer, as `LowerMatchBuffer` rewrites accesses: `source[min + index]`.
    fn resolve(
        &mut self,
        access: &'static str,
        buffer: &'m Buffer,
        index_values: Vec<Value>,
        mask: Option<Value>,
    ) -> Result<Addresses, InterpError> {
        let Some(view) = self.views.get(&buffer.id()).cloned() else {
            return self.resolve_direct(access, buffer, index_values, mask);
        };
        let (shape, _, _) = self.layout(buffer)?;
        let lanes = index_values.iter().map(Value::lane_count).max().unwrap_or(1);
        let mut translated: Vec<Value> =
            view.mins[..view.lead].iter().map(|&m| Value::int(m)).collect();
        for (j, v) in index_values.iter().enumerate() {
            let Some(values) = v.lanes() else {
                return Err(self.fail(InterpErrorKind::IllFormed(format!(
                    "index {} of buffer `{}` is not an integer",
                    v.describe(),
                    buffer.name()
                ))));
            };
            let min = view.mins[view.lead + j];
            translated.push(Value::from_lanes(
                values.iter().map(|s| Scalar::Int(s.as_i64() + min)).collect(),
            ));
        }
        if self.options.check_buffer_shape {
            for lane in 0..lanes {
                let masked =
                    mask.as_ref().is_some_and(|m| !m.lane(lane).is_some_and(Scalar::is_true));
                let index: Vec<i64> =
                    index_values.iter().map(|v| v.lane(lane).map_or(0, Scalar::as_i64)).collect();
                if !masked {
                    self.check_in_shape(access, buffer, &index, &shape)?;
                }
            }
        }
        self.resolve(access, view.source, translated, mask)
    }

    /// The shape check of a flat access: `index - elem_offset` must be inside the extent.
    fn check_flat(
        &self,
        access: &'static str,
        buffer: &Buffer,
        index: i64,
        offset: i64,
        extent: i64,
    ) -> Result<(), InterpError> {
        let logical = index.wrapping_sub(offset);
        if (0..extent).contains(&logical) {
            return Ok(());
        }
        let detail = if offset == 0 {
            format!("index {index} is outside [0, {extent}) of the flat buffer")
        } else {
            format!(
                "index {index} minus elem_offset {offset} is outside [0, {extent}) of the flat buffer"
            )
        };
        Err(self.fail(InterpErrorKind::OutOfBounds {
            access,
            buffer: buffer.name().to_string(),
            index: vec![index],
            detail,
        }))
    }

    fn check_in_shape(
        &self,
        access: &'static str,
        buffer: &Buffer,
        index: &[i64],
        shape: &[i64],
    ) -> Result<(), InterpError> {
        for (dim, (&i, &extent)) in index.iter().zip(shape).enumerate() {
            if i < 0 || i >= extent {
                return Err(self.fail(InterpErrorKind::OutOfBounds {
                    access,
                    buffer: buffer.name().to_string(),
                    index: index.to_vec(),
                    detail: format!(
                        "index {i} is outside [0, {extent}) in dimension {dim} of shape {shape:?}"
                    ),
                }));
            }
        }
        Ok(())
    }

    fn resolve_direct(
        &mut self,
        access: &'static str,
        buffer: &'m Buffer,
        index_values: Vec<Value>,
        mask: Option<Value>,
    ) -> Result<Addresses, InterpError> {
        let handle = self.data_handle(buffer)?;
        let lanes = index_values.iter().map(Value::lane_count).max().unwrap_or(1);
        let (shape, strides, elem_offset) = self.layout(buffer)?;
        let element_size = crate::interp::ndarray::element_bytes(buffer.dtype()) as i64;
        let mut elements = Vec::with_capacity(lanes);
        let mut all_indices = Vec::with_capacity(lanes);
        for lane in 0..lanes {
            let mut index = Vec::with_capacity(index_values.len());
            for v in &index_values {
                match v.lane(lane) {
                    Some(s) => index.push(s.as_i64()),
                    None => {
                        return Err(self.fail(InterpErrorKind::IllFormed(format!(
                            "index {} of buffer `{}` is not an integer",
                            v.describe(),
                            buffer.name()
                        ))));
                    }
                }
            }
            let masked = mask.as_ref().is_some_and(|m| !m.lane(lane).is_some_and(Scalar::is_true));
            if masked {
                elements.push(None);
                all_indices.push(index);
                continue;
            }
            let flat = if self.flat && index.len() == 1 {
                if self.options.check_buffer_shape {
                    self.check_flat(access, buffer, index[0], elem_offset, shape[0])?;
                }
                index[0]
            } else {
                if self.options.check_buffer_shape {
                    self.check_in_shape(access, buffer, &index, &shape)?;
                }
                index
                    .iter()
                    .zip(&strides)
                    .fold(elem_offset, |acc, (&i, &s)| acc.wrapping_add(i.wrapping_mul(s)))
            };
            elements.push(Some(flat.wrapping_mul(element_size)));
            all_indices.push(index);
        }
        Ok(Addresses { handle, elements, indices: all_indices })
    }

    fn access_error(
        &self,
        access: &'static str,
        buffer: &Buffer,
        index: &[i64],
        e: AccessError,
    ) -> InterpError {
        match e {
            AccessError::Dangling => self.fail(InterpErrorKind::Memory(format!(
                "buffer `{}` is used after its storage was freed",
                buffer.name()
            ))),
            AccessError::Outside { start, end, len, name } => {
                self.fail(InterpErrorKind::OutOfBounds {
                    access,
                    buffer: buffer.name().to_string(),
                    index: index.to_vec(),
                    detail: format!(
                        "bytes [{start}, {end}) are outside the {len}-byte storage `{name}`"
                    ),
                })
            }
        }
    }

    /// Loads `buffer[indices]` as a value of `dtype` (the load's dtype).
    pub(crate) fn load(
        &mut self,
        buffer: &'m Buffer,
        indices: &'m [PrimExpr],
        predicate: Option<&'m PrimExpr>,
        dtype: DataType,
    ) -> Result<Value, InterpError> {
        if predicate.is_none()
            && let Some((handle, byte, index)) = self.scalar_address("load", buffer, indices)?
        {
            let lane = self
                .memory
                .read(handle, byte, buffer.dtype())
                .map_err(|e| self.access_error("load", buffer, &index.values[..index.len], e))?;
            return Ok(Value::Scalar(lane));
        }
        let addresses = self.addresses("load", buffer, indices, predicate)?;
        let scalar = buffer.dtype().element_of();
        let per_element = fixed_lanes(buffer.dtype()).map_err(|k| self.fail(k))?;
        let lane_bytes = scalar.bytes_per_lane() as i64;
        let mut out = Vec::with_capacity(addresses.elements.len() * per_element);
        for (element, index) in addresses.elements.iter().zip(&addresses.indices) {
            for m in 0..per_element {
                match element {
                    None => out.push(canonical(Scalar::Int(0), scalar)),
                    Some(byte) => {
                        let lane = self
                            .memory
                            .read(addresses.handle, byte + m as i64 * lane_bytes, scalar)
                            .map_err(|e| self.access_error("load", buffer, index, e))?;
                        out.push(lane);
                    }
                }
            }
        }
        let expected = fixed_lanes(dtype).map_err(|k| self.fail(k))?;
        if out.len() != expected {
            return Err(self.fail(InterpErrorKind::IllFormed(format!(
                "load of `{}` gives {} lanes but its dtype is {dtype}",
                buffer.name(),
                out.len()
            ))));
        }
        Ok(Value::from_lanes(out))
    }

    /// Stores `value` to `buffer[indices]`.
    pub(crate) fn store(
        &mut self,
        buffer: &'m Buffer,
        indices: &'m [PrimExpr],
        value: &'m PrimExpr,
        predicate: Option<&'m PrimExpr>,
    ) -> Result<(), InterpError> {
        let v = self.eval(value)?;
        if let (None, Value::Scalar(lane)) = (predicate, &v)
            && let Some((handle, byte, index)) = self.scalar_address("store", buffer, indices)?
        {
            let lane = canonical(*lane, buffer.dtype());
            return self
                .memory
                .write(handle, byte, buffer.dtype(), lane)
                .map_err(|e| self.access_error("store", buffer, &index.values[..index.len], e));
        }
        let addresses = self.addresses("store", buffer, indices, predicate)?;
        let scalar = buffer.dtype().element_of();
        let per_element = fixed_lanes(buffer.dtype()).map_err(|k| self.fail(k))?;
        let lane_bytes = scalar.bytes_per_lane() as i64;
        let total = addresses.elements.len() * per_element;
        if v.lane_count() != total && v.lane_count() != 1 {
            return Err(self.fail(InterpErrorKind::IllFormed(format!(
                "store of {} lanes to {total} lanes of `{}`",
                v.lane_count(),
                buffer.name()
            ))));
        }
        for (k, (element, index)) in addresses.elements.iter().zip(&addresses.indices).enumerate() {
            let Some(byte) = element else { continue };
            for m in 0..per_element {
                let lane = v.lane(k * per_element + m).ok_or_else(|| {
                    self.fail(InterpErrorKind::IllFormed(format!(
                        "stored value {} is not numeric",
                        v.describe()
                    )))
                })?;
                let lane = canonical(lane, scalar);
                self.memory
                    .write(addresses.handle, byte + m as i64 * lane_bytes, scalar, lane)
                    .map_err(|e| self.access_error("store", buffer, index, e))?;
            }
        }
        Ok(())
    }
}

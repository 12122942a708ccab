//! Loads and stores of flat buffers, and the opt-in bounds checks around them.
//!
//! A buffer is addressed through its data pointer variable plus `elem_offset`; indices are widened
//! to `i64` for the `getelementptr`. A scalar index is a scalar access; a `Ramp` index with constant
//! stride 1 is one contiguous vector access (aligned to the element size); any other vector index is
//! a `masked.gather` / `masked.scatter` over a vector of pointers. A load or store predicate is the
//! mask of a masked access. With bounds checks on, every access first compares its lowest and highest
//! element against the buffer's flat extent and, when outside, records the buffer, index and extent
//! in the module's error record and returns status -1 from the function.

use crate::ir::{Buffer, DataType, Expr, PrimExpr};

use super::CodegenError;
use super::emitter::{FuncEmitter, Val};
use super::types::{lanes, memory_scalar_type, vector_like, vector_of};
use crate::ir::Lanes;

/// Where an access goes: a scalar pointer (with a lane count for a contiguous vector access) or a
/// vector of pointers.
enum Address {
    Contiguous {
        ptr: Val,
        lanes: u16,
    },
    Scattered {
        ptrs: Val,
        lanes: u16,
    },
    /// A unit-stride run of `vscale × k` elements.
    ScalableContiguous {
        ptr: Val,
        k: u16,
    },
}

impl FuncEmitter<'_> {
    /// The address of `buffer[index]` (one flat index).
    fn address(&mut self, buffer: &Buffer, index: &PrimExpr) -> Result<Address, CodegenError> {
        let base = self.var(buffer.data().id(), buffer.name())?;
        // A buffer of vector dtype (StorageRewrite makes them) is indexed in whole vectors.
        let elem =
            vector_of(memory_scalar_type(buffer.dtype().element_of())?, lanes(buffer.dtype())?);
        let offset = buffer.elem_offset().as_int().unwrap_or(-1);
        let offset = if offset == 0 {
            None
        } else {
            let v = self.expr(buffer.elem_offset())?;
            Some(self.widen_to_i64(&v, buffer.elem_offset().dtype())?)
        };
        if index.dtype().is_scalable() {
            return self.scalable_address(buffer, index, &base, &elem, offset);
        }
        if let Expr::Ramp { base: start, stride, lanes: n } = index.expr()
            && stride.as_int() == Some(1)
        {
            let n = n
                .as_int()
                .and_then(|n| u16::try_from(n).ok())
                .ok_or_else(|| CodegenError::unsupported("a ramp index with non-constant lanes"))?;
            self.bounds_check(buffer, start, i64::from(n) - 1)?;
            let mut i = self.expr(start)?;
            i = self.widen_to_i64(&i, start.dtype())?;
            if let Some(off) = &offset {
                i = self.assign("i64", &format!("add i64 {}, {}", i.repr, off.repr));
            }
            let ptr = self.assign(
                "ptr",
                &format!("getelementptr inbounds {elem}, ptr {}, i64 {}", base.repr, i.repr),
            );
            return Ok(Address::Contiguous { ptr, lanes: n });
        }
        let n = lanes(index.dtype())?;
        if n == 1 {
            self.bounds_check(buffer, index, 0)?;
        } else if self.options.bounds_check {
            return Err(CodegenError::unsupported(
                "bounds checks on gathers and scatters (vector indices other than unit-stride ramps)",
            ));
        }
        let mut i = self.expr(index)?;
        i = self.widen_to_i64(&i, index.dtype())?;
        if let Some(off) = &offset {
            let off = self.broadcast(off, n)?;
            let ty = i.ty.clone();
            i = self.assign(&ty, &format!("add {}, {}", i.typed(), off.repr));
        }
        if n == 1 {
            let ptr = self.assign(
                "ptr",
                &format!("getelementptr inbounds {elem}, ptr {}, i64 {}", base.repr, i.repr),
            );
            Ok(Address::Contiguous { ptr, lanes: 1 })
        } else {
            let pty = vector_of("ptr", n);
            let ptrs = self.assign(
                &pty,
                &format!("getelementptr inbounds {elem}, ptr {}, {}", base.repr, i.typed()),
            );
            Ok(Address::Scattered { ptrs, lanes: n })
        }
    }

    /// The address of a unit-stride scalable run `buffer[ramp]`.
    fn scalable_address(
        &mut self,
        buffer: &Buffer,
        index: &PrimExpr,
        base: &Val,
        elem: &str,
        offset: Option<Val>,
    ) -> Result<Address, CodegenError> {
        let folded = super::scalable::fold_offset_ramp(index);
        let ramp = folded.as_ref().unwrap_or(index);
        let (Expr::Ramp { base: start, stride, .. }, crate::ir::Lanes::Scalable(k)) =
            (ramp.expr(), ramp.dtype().lanes)
        else {
            return Err(CodegenError::unsupported(format!(
                "a scalable access to `{}` that is not a unit-stride ramp (gathers and scatters \
                 of scalable vectors)",
                buffer.name()
            )));
        };
        if stride.as_int() != Some(1) || buffer.dtype().is_vector() {
            return Err(CodegenError::unsupported(format!(
                "a scalable access to `{}` with a stride other than 1",
                buffer.name()
            )));
        }
        if self.options.bounds_check {
            return Err(CodegenError::unsupported("bounds checks on scalable vector accesses"));
        }
        let mut i = self.expr(start)?;
        i = self.widen_to_i64(&i, start.dtype())?;
        if let Some(off) = &offset {
            i = self.assign("i64", &format!("add i64 {}, {}", i.repr, off.repr));
        }
        let ptr = self.assign(
            "ptr",
            &format!("getelementptr inbounds {elem}, ptr {}, i64 {}", base.repr, i.repr),
        );
        Ok(Address::ScalableContiguous { ptr, k })
    }

    /// `T.address_of(buffer[indices])`: the address of one element (a scalar index).
    pub fn element_address(
        &mut self,
        buffer: &Buffer,
        indices: &[PrimExpr],
    ) -> Result<Val, CodegenError> {
        let index = flat_index(buffer, indices)?;
        match self.address(buffer, index)? {
            Address::Contiguous { ptr, lanes: 1 } => Ok(ptr),
            _ => Err(CodegenError::invalid(format!(
                "the address of a vector of `{}` elements (address_of takes one element)",
                buffer.name()
            ))),
        }
    }

    /// Widens an integer index of `dtype` to `i64` (lane-wise for vectors).
    pub fn widen_to_i64(&mut self, v: &Val, dtype: DataType) -> Result<Val, CodegenError> {
        let target = DataType::int64().with_lanes(lanes(dtype)?);
        if dtype.bits == 64 {
            return Ok(v.clone());
        }
        self.cast(v, dtype, target)
    }

    /// Loads `buffer[indices]` as a value of `dtype`.
    pub fn buffer_load(
        &mut self,
        buffer: &Buffer,
        indices: &[PrimExpr],
        predicate: Option<&PrimExpr>,
        dtype: DataType,
    ) -> Result<Val, CodegenError> {
        let index = flat_index(buffer, indices)?;
        let address = self.address(buffer, index)?;
        let elem_dtype = buffer.dtype();
        let mem_scalar = memory_scalar_type(elem_dtype.element_of())?;
        let align = elem_dtype.bytes_per_lane();
        let mask = match predicate {
            Some(p) => Some(self.expr(p)?),
            None => None,
        };
        let (raw, n) = match address {
            Address::Contiguous { ptr, lanes: n } => {
                let n = n * lanes(elem_dtype)?;
                let mty = vector_of(mem_scalar, n);
                let masked = mask
                    .as_ref()
                    .filter(|_| n > 1)
                    .map(|m| (format!("llvm.masked.load.{}.p0", suffix_of(mem_scalar, n)), m));
                (self.contiguous_load(&mty, &ptr, align, masked), n)
            }
            Address::ScalableContiguous { ptr, k } => {
                let mty = vector_like(mem_scalar, Lanes::Scalable(k));
                let masked = mask.as_ref().map(|m| {
                    (format!("llvm.masked.load.nxv{k}{}.p0", suffix_of(mem_scalar, 1)), m)
                });
                let v = self.contiguous_load(&mty, &ptr, align, masked);
                if elem_dtype.is_bool() {
                    let ty = vector_like("i1", Lanes::Scalable(k));
                    return Ok(self.assign(&ty, &format!("trunc {} to {ty}", v.typed())));
                }
                return Ok(v);
            }
            Address::Scattered { ptrs, lanes: n } => {
                let mty = vector_of(mem_scalar, n);
                let m = match &mask {
                    Some(m) => m.repr.clone(),
                    None => self.splat_constant(DataType::bool().with_lanes(n), "true")?,
                };
                let name = format!(
                    "llvm.masked.gather.{}.{}",
                    suffix_of(mem_scalar, n),
                    suffix_of("ptr", n)
                );
                self.module.declare(
                    &name,
                    format!("declare {mty} @{name}({}, i32, <{n} x i1>, {mty})", ptrs.ty),
                );
                let v = self.assign(
                    &mty,
                    &format!(
                        "call {mty} @{name}({}, i32 {align}, <{n} x i1> {m}, {mty} poison)",
                        ptrs.typed()
                    ),
                );
                (v, n)
            }
        };
        if elem_dtype.is_bool() {
            let ty = vector_of("i1", n);
            return Ok(self.assign(&ty, &format!("trunc {} to {ty}", raw.typed())));
        }
        let expected = super::types::llvm_type(dtype)?;
        if raw.ty != expected {
            return Err(CodegenError::invalid(format!(
                "load of `{}` produces {} but the IR says {dtype}",
                buffer.name(),
                raw.ty
            )));
        }
        Ok(raw)
    }

    /// Stores `value` to `buffer[indices]`.
    pub fn buffer_store(
        &mut self,
        buffer: &Buffer,
        value: &PrimExpr,
        indices: &[PrimExpr],
        predicate: Option<&PrimExpr>,
    ) -> Result<(), CodegenError> {
        let index = flat_index(buffer, indices)?;
        let mut v = self.expr(value)?;
        let address = self.address(buffer, index)?;
        let elem_dtype = buffer.dtype();
        let align = elem_dtype.bytes_per_lane();
        if elem_dtype.is_bool() {
            let ty = vector_like("i8", value.dtype().lanes);
            v = self.assign(&ty, &format!("zext {} to {ty}", v.typed()));
        }
        let mask = match predicate {
            Some(p) => Some(self.expr(p)?),
            None => None,
        };
        match address {
            Address::Contiguous { ptr, .. } => {
                let masked = match mask.as_ref().filter(|m| m.ty != "i1") {
                    Some(m) => {
                        let n = lanes(value.dtype())?;
                        let mem_scalar = memory_scalar_type(elem_dtype.element_of())?;
                        Some((format!("llvm.masked.store.{}.p0", suffix_of(mem_scalar, n)), m))
                    }
                    None => None,
                };
                self.contiguous_store(&v, &ptr, align, masked);
            }
            Address::ScalableContiguous { ptr, k } => {
                let masked = match &mask {
                    Some(m) => {
                        let mem_scalar = memory_scalar_type(elem_dtype.element_of())?;
                        let name =
                            format!("llvm.masked.store.nxv{k}{}.p0", suffix_of(mem_scalar, 1));
                        Some((name, m))
                    }
                    None => None,
                };
                self.contiguous_store(&v, &ptr, align, masked);
            }
            Address::Scattered { ptrs, lanes: n } => {
                let m = match &mask {
                    Some(m) => m.repr.clone(),
                    None => self.splat_constant(DataType::bool().with_lanes(n), "true")?,
                };
                let mem_scalar = memory_scalar_type(elem_dtype.element_of())?;
                let name = format!(
                    "llvm.masked.scatter.{}.{}",
                    suffix_of(mem_scalar, n),
                    suffix_of("ptr", n)
                );
                self.module.declare(
                    &name,
                    format!("declare void @{name}({}, {}, i32, <{n} x i1>)", v.ty, ptrs.ty),
                );
                self.line(&format!(
                    "call void @{name}({}, {}, i32 {align}, <{n} x i1> {m})",
                    v.typed(),
                    ptrs.typed()
                ));
            }
        }
        Ok(())
    }

    /// With bounds checks on, checks `index` and `index + last` against the flat extent of `buffer`.
    /// `ptr` read as `mty`: a plain load, or, with `masked = (intrinsic, mask)`, that
    /// `llvm.masked.load` variant (lanes whose mask is off read as poison).
    fn contiguous_load(
        &mut self,
        mty: &str,
        ptr: &Val,
        align: usize,
        masked: Option<(String, &Val)>,
    ) -> Val {
        match masked {
            Some((name, m)) => {
                self.module
                    .declare(&name, format!("declare {mty} @{name}(ptr, i32, {}, {mty})", m.ty));
                let call = format!(
                    "call {mty} @{name}(ptr {}, i32 {align}, {}, {mty} poison)",
                    ptr.repr,
                    m.typed()
                );
                self.assign(mty, &call)
            }
            None => self.assign(mty, &format!("load {mty}, ptr {}, align {align}", ptr.repr)),
        }
    }

    /// `v` written at `ptr`: a plain store, or, with `masked = (intrinsic, mask)`, that
    /// `llvm.masked.store` variant.
    fn contiguous_store(
        &mut self,
        v: &Val,
        ptr: &Val,
        align: usize,
        masked: Option<(String, &Val)>,
    ) {
        match masked {
            Some((name, m)) => {
                self.module
                    .declare(&name, format!("declare void @{name}({}, ptr, i32, {})", v.ty, m.ty));
                self.line(&format!(
                    "call void @{name}({}, ptr {}, i32 {align}, {})",
                    v.typed(),
                    ptr.repr,
                    m.typed()
                ));
            }
            None => self.line(&format!("store {}, ptr {}, align {align}", v.typed(), ptr.repr)),
        }
    }

    fn bounds_check(
        &mut self,
        buffer: &Buffer,
        index: &PrimExpr,
        last: i64,
    ) -> Result<(), CodegenError> {
        if !self.options.bounds_check {
            return Ok(());
        }
        let mut extent = Val::new("i64", "1");
        for dim in buffer.shape() {
            let d = self.expr(dim)?;
            let d = self.widen_to_i64(&d, dim.dtype())?;
            extent = self.assign("i64", &format!("mul i64 {}, {}", extent.repr, d.repr));
        }
        let i = self.expr(index)?;
        let lo = self.widen_to_i64(&i, index.dtype())?;
        let hi = self.assign("i64", &format!("add i64 {}, {last}", lo.repr));
        let below = self.assign("i1", &format!("icmp slt i64 {}, 0", lo.repr));
        let above = self.assign("i1", &format!("icmp sge i64 {}, {}", hi.repr, extent.repr));
        let bad = self.assign("i1", &format!("or i1 {}, {}", below.repr, above.repr));
        let fail = self.label("oob");
        let ok = self.label("inbounds");
        self.line(&format!("br i1 {}, label %{fail}, label %{ok}", bad.repr));
        self.start_block(&fail);
        let name = self.module.string_constant(buffer.name());
        let func = self.module.string_constant(&self.func_name.clone());
        // The out-of-bounds element is the low end when it is negative, else the high end.
        let index_v = self
            .assign("i64", &format!("select i1 {}, i64 {}, i64 {}", below.repr, lo.repr, hi.repr));
        self.line(&format!(
            "call void @tirscript_record_oob(ptr {func}, ptr {name}, i64 {}, i64 {})",
            index_v.repr, extent.repr
        ));
        self.module.declare(
            "tirscript_record_oob",
            "declare void @tirscript_record_oob(ptr, ptr, i64, i64)".to_string(),
        );
        self.line("ret i32 -1");
        self.start_block(&ok);
        Ok(())
    }
}

/// The single index of a flattened access.
fn flat_index<'a>(buffer: &Buffer, indices: &'a [PrimExpr]) -> Result<&'a PrimExpr, CodegenError> {
    match indices {
        [one] => Ok(one),
        _ => Err(CodegenError::invalid(format!(
            "buffer `{}` is accessed with {} indices; code generation needs flattened (1-D) buffers",
            buffer.name(),
            indices.len()
        ))),
    }
}

/// The intrinsic suffix of `n` lanes of the LLVM scalar type `scalar`.
fn suffix_of(scalar: &str, n: u16) -> String {
    let s = match scalar {
        "half" => "f16",
        "float" => "f32",
        "double" => "f64",
        "bfloat" => "bf16",
        "ptr" => "p0",
        other => other,
    };
    if n == 1 { s.to_string() } else { format!("v{n}{s}") }
}

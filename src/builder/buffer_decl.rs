//! `BufferDecl`: the buffer declarations of `T.Buffer`, `T.match_buffer`, `T.alloc_buffer` and
//! `T.decl_buffer`, with TVM's defaults.
//!
//! Defaults follow TVM v0.23: a data pointer named after the buffer in the given scope (bool buffers
//! point to int8 storage), an `elem_offset` var when an `offset_factor` is given without an offset,
//! otherwise an offset of 0 in the shape's index dtype, alignment 64 when none (or 0) is given,
//! offset factor 1 when none (or 0) is given. Stride vars are expected to be named `<name>_s<i>` by
//! the caller, as TVM's namer does.

use crate::ir::{Buffer, BufferNode, BufferType, DataType, IrError, PrimExpr, Type, Var};

/// The memory alignment TVM uses when a buffer declares none.
pub const DEFAULT_ALIGNMENT: i64 = 64;

/// Everything a buffer declaration may say; `BufferSpec::new` fills TVM's defaults.
#[derive(Clone, Debug)]
pub struct BufferSpec {
    pub name: String,
    pub shape: Vec<PrimExpr>,
    pub dtype: DataType,
    /// An existing data pointer to view; `None` creates one.
    pub data: Option<Var>,
    pub strides: Vec<PrimExpr>,
    pub elem_offset: Option<PrimExpr>,
    pub scope: String,
    /// 0 means the default alignment.
    pub align: i64,
    /// 0 means the default factor (and no offset var).
    pub offset_factor: i64,
    pub buffer_type: BufferType,
    pub axis_separators: Vec<i64>,
}

impl BufferSpec {
    pub fn new(name: impl Into<String>, shape: Vec<PrimExpr>, dtype: DataType) -> BufferSpec {
        BufferSpec {
            name: name.into(),
            shape,
            dtype,
            data: None,
            strides: Vec::new(),
            elem_offset: None,
            scope: "global".to_string(),
            align: 0,
            offset_factor: 0,
            buffer_type: BufferType::Default,
            axis_separators: Vec::new(),
        }
    }
    pub fn scope(mut self, scope: impl Into<String>) -> BufferSpec {
        self.scope = scope.into();
        self
    }

    /// The index dtype: the first dimension's dtype, int32 for a scalar buffer.
    pub fn index_dtype(&self) -> DataType {
        self.shape.first().map_or(DataType::int32(), PrimExpr::dtype)
    }

    /// Creates the buffer, checking what TVM's `Buffer` constructor checks.
    pub fn build(self) -> Result<Buffer, IrError> {
        let index_dtype = self.index_dtype();
        let data = match self.data {
            Some(data) => {
                if !matches!(data.type_annotation(), Type::Pointer { .. }) {
                    return Err(IrError::invalid(format!(
                        "the data of buffer `{}` must be a pointer variable, `{}` is not",
                        self.name,
                        data.name()
                    )));
                }
                data
            }
            None => {
                let storage =
                    if self.dtype == DataType::bool() { DataType::int(8) } else { self.dtype };
                Var::pointer(self.name.clone(), storage, self.scope.clone())
            }
        };
        for &sep in &self.axis_separators {
            if sep < 0 || sep as usize > self.shape.len() {
                return Err(IrError::invalid(format!(
                    "axis separator {sep} is out of range for a {}-dimensional buffer",
                    self.shape.len()
                )));
            }
        }
        if !self.strides.is_empty() && self.strides.len() != self.shape.len() {
            return Err(IrError::invalid(format!(
                "buffer `{}` has {} dimensions but {} strides",
                self.name,
                self.shape.len(),
                self.strides.len()
            )));
        }
        let elem_offset = match self.elem_offset {
            Some(offset) => offset,
            None if self.offset_factor != 0 => PrimExpr::var(&Var::new("elem_offset", index_dtype)),
            None => PrimExpr::int(0, index_dtype),
        };
        Ok(Buffer::new(BufferNode {
            name: self.name,
            data,
            dtype: self.dtype,
            shape: self.shape,
            strides: self.strides,
            elem_offset,
            data_alignment: if self.align <= 0 { DEFAULT_ALIGNMENT } else { self.align },
            offset_factor: if self.offset_factor == 0 { 1 } else { self.offset_factor },
            buffer_type: self.buffer_type,
            axis_separators: self.axis_separators,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_tvm() {
        let b = BufferSpec::new("A", vec![PrimExpr::i64(4)], DataType::bool()).build().unwrap();
        assert_eq!(b.node().data_alignment, 64);
        assert_eq!(b.node().offset_factor, 1);
        assert_eq!(b.elem_offset().as_int(), Some(0));
        assert_eq!(b.elem_offset().dtype(), DataType::int64());
        assert_eq!(b.data().name(), "A");
        assert_eq!(b.scope(), "global");
        assert!(
            matches!(b.data().type_annotation(), Type::Pointer { element, .. } if **element == Type::Prim(DataType::int(8)))
        );
    }

    #[test]
    fn an_offset_factor_without_offset_makes_an_offset_var() {
        let mut spec = BufferSpec::new("B", vec![PrimExpr::i32(16)], DataType::float32());
        spec.offset_factor = 16;
        let b = spec.build().unwrap();
        assert_eq!(
            b.elem_offset().as_var().map(|v| v.name().to_string()),
            Some("elem_offset".into())
        );
    }

    #[test]
    fn bad_declarations_are_errors() {
        let mut spec = BufferSpec::new("C", vec![PrimExpr::i32(4)], DataType::float32());
        spec.strides = vec![PrimExpr::i32(1), PrimExpr::i32(1)];
        assert!(spec.build().is_err());
        let mut spec = BufferSpec::new("D", vec![PrimExpr::i32(4)], DataType::float32());
        spec.data = Some(Var::new("x", DataType::int32()));
        assert!(spec.build().is_err());
    }
}

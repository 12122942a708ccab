//! Builder calls the evaluator needs for error recovery and for files with several top-level
//! functions: discarding frames an error left open, and taking a finished result so the builder
//! can build the next function.

use super::buffer_decl::BufferSpec;
use super::frames::{Frame, WrapKind};
use super::{BuildResult, IRBuilder};
use crate::ir::{Annotations, Buffer, DataType, IrError, PrimExpr, Var};

impl IRBuilder {
    /// Discards every open frame above the first `depth` without building it. Used after an error,
    /// when the discarded frames' contents are known to be incomplete.
    pub fn abandon_frames(&mut self, depth: usize) {
        self.frames.truncate(depth);
    }

    /// Takes the result of a finished builder, leaving it ready to build again.
    pub fn take_result(&mut self) -> Option<BuildResult> {
        if self.frames.is_empty() { self.result.take() } else { None }
    }

    /// Opens `T.decl_buffer(...)` without `data=`: as TVM's `DeclBufferFrame`, the buffer's storage
    /// is allocated around the declaration (`Allocate(data, dtype, shape, true, DeclBuffer(...))`).
    /// Opens two frames; close both.
    pub fn decl_buffer_allocated(&mut self, mut spec: BufferSpec) -> Result<Buffer, IrError> {
        let storage = if spec.dtype == DataType::bool() { DataType::int(8) } else { spec.dtype };
        let data = Var::pointer(spec.name.clone(), storage, spec.scope.clone());
        spec.data = Some(data.clone());
        let allocate = WrapKind::Allocate {
            buffer_var: data,
            dtype: spec.dtype,
            extents: spec.shape.clone(),
            condition: PrimExpr::bool(true),
            annotations: Annotations::new(),
        };
        self.push(Frame::Wrap(allocate, Vec::new()))?;
        self.decl_buffer(spec)
    }
}

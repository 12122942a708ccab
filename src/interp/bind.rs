//! Storage scopes and buffer binding: allocations, block `alloc_buffers`, `match_buffer` views.
//!
//! Invariants: storage made for a scope is freed when the scope ends, on success and on error alike;
//! every binding made for a scope is restored when it ends. A `match_buffer` view is what
//! `LowerMatchBuffer` makes of it: a load or store `view[i...]` is checked against the view's shape
//! and then goes to `source[min + i]` (leading region dims of extent 1 at their min), whatever
//! strides the view declares. Its shape, stride and `elem_offset` vars are bound (to the region's
//! extents, the source's strides with trailing dimensions aligned, and the region start's element
//! offset) and its data pointer is the source's, shifted so that its own `elem_offset` lands on the
//! region's first element, for expressions that use them.

use crate::interp::element::Scalar;
use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::machine::{Machine, View};
use crate::interp::ndarray::{AlignedBytes, element_bytes};
use crate::interp::value::{Handle, Value};
use crate::ir::{Buffer, DataType, MatchBufferRegion, PrimExpr, Var};

/// Bindings made for one scope, to restore in reverse order.
pub(crate) type Saved = Vec<(Var, Option<Value>)>;

impl<'m> Machine<'m> {
    /// Restores the bindings in `saved`, last first.
    pub(crate) fn restore_all(&mut self, saved: Saved) {
        for (var, previous) in saved.into_iter().rev() {
            self.restore(&var, previous);
        }
    }

    /// Binds `expr` to `actual` when it is a still-unbound var; otherwise checks that it evaluates
    /// to `actual`. `what` names the quantity in the error.
    pub(crate) fn bind_or_check(
        &mut self,
        expr: &'m PrimExpr,
        actual: i64,
        what: &dyn Fn() -> String,
        saved: &mut Saved,
    ) -> Result<(), InterpError> {
        if let Some(var) = expr.as_var().filter(|v| !self.is_bound(v)) {
            let value = crate::interp::element::canonical(Scalar::Int(actual), var.dtype());
            let previous = self.bind(var, Value::Scalar(value));
            saved.push((var.clone(), previous));
            return Ok(());
        }
        let expected = self.eval_int(expr)?;
        if expected == actual {
            Ok(())
        } else {
            Err(self.fail(InterpErrorKind::Argument(format!(
                "{}: expected {expected}, got {actual}",
                what()
            ))))
        }
    }

    /// Runs `f` with `var` pointing to fresh zeroed storage of `count` elements of `dtype`
    /// (optionally filled from `init`), freed afterwards.
    pub(crate) fn with_storage(
        &mut self,
        var: &'m Var,
        dtype: DataType,
        count: i64,
        init: Option<&[Scalar]>,
        f: impl FnOnce(&mut Self) -> Result<(), InterpError>,
    ) -> Result<(), InterpError> {
        crate::interp::element::check_storable(dtype.element_of())
            .map_err(|e| self.fail(e.into()))?;
        let bytes = usize::try_from(count)
            .ok()
            .and_then(|n| n.checked_mul(element_bytes(dtype)))
            .filter(|&b| b <= (1usize << 40))
            .ok_or_else(|| {
                self.fail(InterpErrorKind::Memory(format!(
                    "cannot allocate {count} elements of {dtype} for `{}`",
                    var.name()
                )))
            })?;
        let mut storage = AlignedBytes::zeroed(bytes);
        if let Some(values) = init {
            let scalar = dtype.element_of();
            let width = scalar.bytes_per_lane();
            for (i, v) in values.iter().enumerate().take(bytes / width) {
                let v = crate::interp::element::canonical(*v, scalar);
                crate::interp::element::write_lane(
                    &mut storage.as_bytes_mut()[i * width..],
                    scalar,
                    v,
                );
            }
        }
        let handle = self.memory.insert(var.name(), storage);
        let previous = self.bind(var, Value::Handle(handle));
        let result = f(self);
        self.restore(var, previous);
        self.memory.remove(handle);
        result
    }

    /// The number of elements the layout of `buffer` reaches (offset included).
    fn reach(&mut self, buffer: &'m Buffer) -> Result<i64, InterpError> {
        let (shape, strides, offset) = self.layout(buffer)?;
        if shape.contains(&0) {
            return Ok(offset.max(0));
        }
        let mut high = offset;
        for (&d, &s) in shape.iter().zip(&strides) {
            high = high.saturating_add((d - 1).saturating_mul(s.max(0)));
        }
        Ok(high.saturating_add(1))
    }

    /// Runs `f` with fresh storage for `buffer` (an `alloc_buffer` or a realize).
    pub(crate) fn with_buffer_storage(
        &mut self,
        buffer: &'m Buffer,
        f: impl FnOnce(&mut Self) -> Result<(), InterpError>,
    ) -> Result<(), InterpError> {
        let count = self.reach(buffer)?;
        self.with_storage(buffer.data(), buffer.dtype(), count, None, f)
    }

    /// Runs `f` with the views of `matches` bound.
    pub(crate) fn with_match_buffers(
        &mut self,
        matches: &'m [MatchBufferRegion],
        f: impl FnOnce(&mut Self) -> Result<(), InterpError>,
    ) -> Result<(), InterpError> {
        let mut saved = Saved::new();
        let mut views = Vec::new();
        let result = matches
            .iter()
            .try_for_each(|m| self.bind_match(m, &mut saved, &mut views))
            .and_then(|()| f(self));
        self.restore_all(saved);
        for (id, previous) in views.into_iter().rev() {
            match previous {
                Some(view) => self.views.insert(id, view),
                None => self.views.remove(&id),
            };
        }
        result
    }

    fn bind_match(
        &mut self,
        m: &'m MatchBufferRegion,
        saved: &mut Saved,
        views: &mut Vec<(u64, Option<View<'m>>)>,
    ) -> Result<(), InterpError> {
        let (view, source) = (&m.buffer, &m.source.buffer);
        let source_handle = match self.lookup(source.data()) {
            Some(Value::Handle(h)) => *h,
            _ => {
                return Err(self.fail(InterpErrorKind::UndefinedVar(format!(
                    "{} (the data pointer of `{}`, matched by `{}`)",
                    source.data().name(),
                    source.name(),
                    view.name()
                ))));
            }
        };
        let (_, source_strides, source_offset) = self.layout(source)?;
        let mut mins = Vec::with_capacity(m.source.region.len());
        let mut extents = Vec::with_capacity(m.source.region.len());
        for r in &m.source.region {
            mins.push(self.eval_int(&r.min)?);
            extents.push(self.eval_int(&r.extent)?);
        }
        let (nv, ns) = (view.shape().len(), extents.len());
        if nv > ns || source_strides.len() != ns {
            return Err(self.fail(InterpErrorKind::IllFormed(format!(
                "match_buffer `{}` has {nv} dimensions but matches a {ns}-dimensional region of `{}`",
                view.name(),
                source.name()
            ))));
        }
        let lead = ns - nv;
        for (j, e) in view.shape().iter().enumerate() {
            let what = || format!("shape of match_buffer `{}` dimension {j}", view.name());
            self.bind_or_check(e, extents[lead + j], &what, saved)?;
        }
        if !view.strides().is_empty() {
            for (j, e) in view.strides().iter().enumerate() {
                let what = || format!("stride of match_buffer `{}` dimension {j}", view.name());
                self.bind_or_check(e, source_strides[lead + j], &what, saved)?;
            }
        }
        let first = mins.iter().zip(&source_strides).fold(source_offset, |acc, (i, s)| acc + i * s);
        let declared = match view.elem_offset().as_var().filter(|v| !self.is_bound(v)) {
            Some(var) => {
                let previous = self.bind(var, Value::Scalar(Scalar::Int(first)));
                saved.push((var.clone(), previous));
                first
            }
            None => self.eval_int(view.elem_offset())?,
        };
        let shift = (first - declared) * element_bytes(source.dtype()) as i64;
        let handle = Handle { byte_offset: source_handle.byte_offset + shift, ..source_handle };
        let previous = self.bind(view.data(), Value::Handle(handle));
        saved.push((view.data().clone(), previous));
        let previous = self.views.insert(view.id(), View { source, mins, lead });
        views.push((view.id(), previous));
        Ok(())
    }
}

impl<'m> Machine<'m> {
    /// Calls the module function `gv` with `args`: handles bind the callee's buffers' data
    /// pointers, scalars its scalar parameters; the result is what `T.ret` gave, or 0.
    pub(crate) fn call_global(
        &mut self,
        gv: &'m crate::ir::GlobalVar,
        args: &'m [PrimExpr],
    ) -> Result<Value, InterpError> {
        let module = self.module;
        let Some((_, func)) = module.lookup(gv.name()) else {
            return Err(self.fail(InterpErrorKind::NoSuchFunction(gv.name().to_string())));
        };
        if func.params.len() != args.len() {
            return Err(self.fail(InterpErrorKind::IllFormed(format!(
                "`{}` takes {} arguments, the call gives {}",
                gv.name(),
                func.params.len(),
                args.len()
            ))));
        }
        if self.call_depth >= crate::interp::machine::MAX_CALL_DEPTH {
            return Err(self.fail(InterpErrorKind::Unsupported(format!(
                "calls nested deeper than {} (unbounded recursion?)",
                crate::interp::machine::MAX_CALL_DEPTH
            ))));
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(a)?);
        }
        let mut saved = Saved::new();
        for (param, value) in func.params.iter().zip(values) {
            if let Some(buffer) = func.buffer_of(param) {
                if !matches!(value, Value::Handle(_)) {
                    self.restore_all(saved);
                    return Err(self.fail(InterpErrorKind::Argument(format!(
                        "parameter `{}` of `{}` needs a data pointer, got {}",
                        param.name(),
                        gv.name(),
                        value.describe()
                    ))));
                }
                saved.push((buffer.data().clone(), self.bind(buffer.data(), value.clone())));
            }
            saved.push((param.clone(), self.bind(param, value)));
        }
        self.call_depth += 1;
        let caller_flat = self.flat;
        self.flat = Machine::flat_addressing(func, self.options.addressing);
        self.path.push(crate::interp::machine::PathStep::Func(gv.name()));
        let result = self.exec(&func.body);
        self.path.pop();
        self.flat = caller_flat;
        self.call_depth -= 1;
        let jump = self.jump.take();
        self.restore_all(saved);
        result?;
        match jump {
            None => Ok(Value::int(0)),
            Some(crate::interp::machine::Jump::Return(v)) => Ok(v),
            Some(_) => Err(self.fail(InterpErrorKind::IllFormed(format!(
                "break_loop or continue_loop outside a loop in `{}`",
                gv.name()
            )))),
        }
    }
}

//! Statement-level builder calls: loops, `if`/`else`, `while`, lets, asserts, allocations,
//! `T.decl_buffer`, `T.attr`, `T.launch_thread`, `T.realize`, buffer stores and `T.evaluate`.

use super::IRBuilder;
use super::buffer_decl::BufferSpec;
use super::frames::{ForFrame, Frame, IfFrame, LoopKind, WrapKind};
use crate::arith::{ops, simplify};
use crate::ir::{
    Annotations, AttrValue, Buffer, BufferRegion, ConstData, DataType, ForKind, IrError, Lanes,
    PrimExpr, Range, Stmt, StmtNode, TypeCode, Var,
};

/// The loop variable dtype TVM picks for a loop from `min` with `extent`.
fn loop_var_dtype(min: &PrimExpr, extent: &PrimExpr) -> DataType {
    DataType::new(min.dtype().code, min.dtype().bits.max(extent.dtype().bits), 1)
}

impl IRBuilder {
    /// Opens a loop `for name in T.<kind>(start, stop)`; the extent is `stop - start`, simplified.
    pub fn for_loop(
        &mut self,
        name: &str,
        kind: ForKind,
        start: PrimExpr,
        stop: PrimExpr,
        annotations: Annotations,
        step: Option<PrimExpr>,
    ) -> Result<Var, IrError> {
        if kind == ForKind::ThreadBinding {
            return Err(IrError::builder("use thread_binding for thread-bound loops"));
        }
        self.open_loop(
            vec![name.to_string()],
            start,
            stop,
            LoopKind::Single(kind),
            annotations,
            step,
        )
        .map(|mut v| v.remove(0))
    }

    /// Opens `for name in T.thread_binding(start, stop, thread=tag)`.
    pub fn thread_binding(
        &mut self,
        name: &str,
        start: PrimExpr,
        stop: PrimExpr,
        thread_tag: &str,
        annotations: Annotations,
    ) -> Result<Var, IrError> {
        let kind = LoopKind::ThreadBinding(thread_tag.to_string());
        self.open_loop(vec![name.to_string()], start, stop, kind, annotations, None)
            .map(|mut v| v.remove(0))
    }

    fn open_loop(
        &mut self,
        names: Vec<String>,
        start: PrimExpr,
        stop: PrimExpr,
        kind: LoopKind,
        annotations: Annotations,
        step: Option<PrimExpr>,
    ) -> Result<Vec<Var>, IrError> {
        let extent = simplify(&ops::sub(stop, start.clone())?);
        let var = Var::new(names[0].as_str(), loop_var_dtype(&start, &extent));
        self.push(Frame::For(ForFrame {
            vars: vec![var.clone()],
            doms: vec![Range::new(start, extent)],
            steps: vec![step],
            kind,
            annotations,
            stmts: Vec::new(),
        }))?;
        Ok(vec![var])
    }

    /// Opens `for a, b, ... in T.grid(e0, e1, ...)`: perfectly nested serial loops from 0.
    pub fn grid(&mut self, names: &[String], extents: Vec<PrimExpr>) -> Result<Vec<Var>, IrError> {
        if names.len() != extents.len() {
            return Err(IrError::builder(format!(
                "T.grid has {} extents but {} loop variables",
                extents.len(),
                names.len()
            )));
        }
        let vars: Vec<Var> =
            names.iter().zip(&extents).map(|(n, e)| Var::new(n.as_str(), e.dtype())).collect();
        let doms = extents.into_iter().map(Range::from_extent).collect();
        self.push(Frame::For(ForFrame {
            steps: vec![None; vars.len()],
            vars: vars.clone(),
            doms,
            kind: LoopKind::Grid,
            annotations: Annotations::new(),
            stmts: Vec::new(),
        }))?;
        Ok(vars)
    }

    /// Opens `if condition:`; open `then_` (and later `else_`) inside it.
    pub fn if_(&mut self, condition: PrimExpr) -> Result<(), IrError> {
        self.push(Frame::If(IfFrame { condition, then_stmts: None, else_stmts: None }))
    }
    pub fn then_(&mut self) -> Result<(), IrError> {
        match self.frames.last() {
            Some(Frame::If(f)) if f.then_stmts.is_none() => self.push(Frame::Then(Vec::new())),
            _ => Err(IrError::builder("T.Then must be directly inside T.If, once")),
        }
    }
    pub fn else_(&mut self) -> Result<(), IrError> {
        match self.frames.last() {
            Some(Frame::If(f)) if f.then_stmts.is_some() && f.else_stmts.is_none() => {
                self.push(Frame::Else(Vec::new()))
            }
            _ => Err(IrError::builder("T.Else must follow the T.Then of an open T.If")),
        }
    }

    pub fn while_(&mut self, condition: PrimExpr) -> Result<(), IrError> {
        self.push(Frame::Wrap(WrapKind::While(condition), Vec::new()))
    }

    /// Opens a `LetStmt` binding `var` to `value` over the rest of the scope.
    pub fn let_stmt(&mut self, var: Var, value: PrimExpr) -> Result<(), IrError> {
        if var.dtype() != value.dtype() {
            return Err(IrError::type_mismatch("let binding", var.dtype(), value.dtype()));
        }
        self.push(Frame::Wrap(WrapKind::Let { var, value }, Vec::new()))
    }

    /// Opens `T.Assert(condition, message)` over the rest of the scope.
    pub fn assert_(&mut self, condition: PrimExpr, message: &str) -> Result<(), IrError> {
        let message = PrimExpr::string(message);
        self.push(Frame::Wrap(WrapKind::Assert { condition, message }, Vec::new()))
    }

    /// Opens `T.allocate(extents, dtype, scope)`; returns the new data pointer named `name`.
    pub fn allocate(
        &mut self,
        name: &str,
        extents: Vec<PrimExpr>,
        dtype: DataType,
        scope: &str,
        condition: Option<PrimExpr>,
        annotations: Annotations,
    ) -> Result<Var, IrError> {
        let buffer_var = Var::pointer(name, dtype, scope);
        let condition = condition.unwrap_or_else(|| PrimExpr::bool(true));
        let kind = WrapKind::Allocate {
            buffer_var: buffer_var.clone(),
            dtype,
            extents,
            condition,
            annotations,
        };
        self.push(Frame::Wrap(kind, Vec::new()))?;
        Ok(buffer_var)
    }

    /// Opens `T.allocate_const(data, dtype, extents)`; returns the new data pointer named `name`.
    pub fn allocate_const(
        &mut self,
        name: &str,
        data: ConstData,
        dtype: DataType,
        extents: Vec<PrimExpr>,
        annotations: Annotations,
    ) -> Result<Var, IrError> {
        let buffer_var = Var::pointer(name, dtype, "");
        let kind = WrapKind::AllocateConst {
            buffer_var: buffer_var.clone(),
            dtype,
            extents,
            data,
            annotations,
        };
        self.push(Frame::Wrap(kind, Vec::new()))?;
        Ok(buffer_var)
    }

    /// Opens `T.decl_buffer(...)` over the rest of the scope.
    pub fn decl_buffer(&mut self, spec: BufferSpec) -> Result<Buffer, IrError> {
        let buffer = spec.build()?;
        self.push(Frame::Wrap(WrapKind::DeclBuffer(buffer.clone()), Vec::new()))?;
        Ok(buffer)
    }

    /// Opens `T.attr(node, key, value)` over the rest of the scope.
    pub fn attr(&mut self, node: AttrValue, key: &str, value: PrimExpr) -> Result<(), IrError> {
        let kind = WrapKind::Attr { node, key: key.to_string(), value };
        self.push(Frame::Wrap(kind, Vec::new()))
    }

    /// Opens `T.launch_thread(var, extent)` for a var from `env_thread`, fixing its domain to
    /// `[0, extent)`; a `vthread` tag makes a `virtual_thread` attribute.
    pub fn launch_thread(&mut self, var: &Var, extent: PrimExpr) -> Result<(), IrError> {
        let mut iter_var = self.env_thread_iter_var(var).ok_or_else(|| {
            IrError::builder(format!("`{}` is not declared with T.env_thread", var.name()))
        })?;
        match &iter_var.dom {
            None => iter_var.dom = Some(Range::from_extent(extent.clone())),
            Some(dom) if crate::arith::can_prove_equal(&dom.extent, &extent) => {}
            Some(_) => {
                return Err(IrError::builder(format!(
                    "thread `{}` is launched twice with different extents",
                    var.name()
                )));
            }
        }
        let key = if iter_var.thread_tag == "vthread" { "virtual_thread" } else { "thread_extent" };
        let kind = WrapKind::LaunchThread { iter_var, key: key.to_string(), extent };
        self.push(Frame::Wrap(kind, Vec::new()))
    }

    /// `T.launch_thread("threadIdx.x", extent)`: declares the thread var and launches it.
    pub fn launch_thread_tag(
        &mut self,
        name: &str,
        tag: &str,
        extent: PrimExpr,
    ) -> Result<Var, IrError> {
        let var = self.env_thread(name, tag, extent.dtype())?;
        self.launch_thread(&var, extent)?;
        Ok(var)
    }

    /// Opens `T.realize(region, scope, condition)`.
    pub fn realize(
        &mut self,
        region: BufferRegion,
        scope: &str,
        condition: PrimExpr,
    ) -> Result<(), IrError> {
        let kind = WrapKind::Realize { region, scope: scope.to_string(), condition };
        self.push(Frame::Wrap(kind, Vec::new()))
    }

    /// Adds `buffer[indices] = value`, casting the value to the stored type as TVM does.
    pub fn buffer_store(
        &mut self,
        buffer: &Buffer,
        value: PrimExpr,
        indices: Vec<PrimExpr>,
        predicate: Option<PrimExpr>,
    ) -> Result<(), IrError> {
        let stmt = make_buffer_store(buffer, value, indices, predicate)?;
        self.add_stmt(stmt)
    }

    /// Adds `T.evaluate(value)`.
    pub fn evaluate(&mut self, value: PrimExpr) -> Result<(), IrError> {
        self.add_stmt(Stmt::evaluate(value))
    }
}

/// Builds a `BufferStore` by TVM's builder rules: the stored type is the buffer's dtype widened by
/// the last index's lanes; a value of another type is cast to it, except float → int and handles.
pub fn make_buffer_store(
    buffer: &Buffer,
    value: PrimExpr,
    indices: Vec<PrimExpr>,
    predicate: Option<PrimExpr>,
) -> Result<Stmt, IrError> {
    if indices.len() != buffer.shape().len() {
        return Err(IrError::invalid(format!(
            "buffer `{}` has {} dimensions but is indexed with {}",
            buffer.name(),
            buffer.shape().len(),
            indices.len()
        )));
    }
    let lhs = crate::ir::expr::load_dtype(buffer, &indices);
    let rhs = value.dtype();
    let value = if lhs == rhs {
        value
    } else {
        let lanes_match = match (lhs.lanes, rhs.lanes) {
            (Lanes::Fixed(a), Lanes::Fixed(b)) | (Lanes::Scalable(a), Lanes::Scalable(b)) => a == b,
            _ => false,
        };
        let bad_code = lhs.code != rhs.code
            && (lhs.code == TypeCode::Handle
                || rhs.code == TypeCode::Handle
                || (lhs.is_integer() && rhs.is_floating()));
        if !lanes_match || bad_code {
            return Err(IrError::type_mismatch(&format!("store to `{}`", buffer.name()), lhs, rhs));
        }
        ops::cast(lhs, value)?
    };
    Ok(Stmt::new(StmtNode::BufferStore { buffer: buffer.clone(), value, indices, predicate }))
}

//! Pending frames: what calls such as `T.serial(4)`, `T.block("B")` or `T.decl_buffer(...)` return
//! before a `for`, `with` or statement enters them, and how entering drives the IRBuilder.
//!
//! Names are given on entry (from the `for` target, the `as` target or the assignment target),
//! because IR vars and buffers are immutable and named at creation. A frame entered by an
//! assignment or an expression statement is "implicit": it stays open until the enclosing body
//! ends, as TVM's frame callbacks do.

use super::Evaluator;
use super::error::{AtSpan, EvalResult, error};
use super::value::Value;
use crate::builder::BufferSpec;
use crate::ir::{
    Annotations, AttrValue, BufferRegion, ConstData, DataType, ForKind, PrimExpr, Type, Var,
};
use crate::syntax::ast::Span;

/// A frame made by a call but not yet entered.
#[derive(Clone, Debug)]
pub enum PendingFrame {
    For {
        kind: ForKind,
        start: PrimExpr,
        stop: PrimExpr,
        annotations: Annotations,
        step: Option<PrimExpr>,
    },
    ThreadBinding {
        start: PrimExpr,
        stop: PrimExpr,
        thread: String,
        annotations: Annotations,
    },
    Grid(Vec<PrimExpr>),
    Block {
        name: String,
        no_realize: bool,
    },
    Init,
    LetStmt {
        value: PrimExpr,
        type_annotation: Option<Type>,
        var: Option<Var>,
    },
    Assert {
        condition: PrimExpr,
        message: String,
    },
    Allocate {
        extents: Vec<PrimExpr>,
        dtype: DataType,
        scope: String,
        condition: Option<PrimExpr>,
        annotations: Annotations,
    },
    AllocateConst {
        data: ConstData,
        dtype: DataType,
        extents: Vec<PrimExpr>,
        annotations: Annotations,
    },
    /// `T.decl_buffer(...)`; the spec's name is replaced by the bound name on entry.
    DeclBuffer(Box<BufferSpec>),
    Attr {
        node: AttrValue,
        key: String,
        value: PrimExpr,
    },
    /// `T.launch_thread(var, extent)` for a var from `T.env_thread`.
    LaunchVar {
        var: Var,
        extent: PrimExpr,
    },
    /// `T.launch_thread("threadIdx.x", extent)`: declares and launches a thread var.
    LaunchTag {
        tag: String,
        extent: PrimExpr,
    },
    Realize {
        region: BufferRegion,
        scope: String,
        condition: PrimExpr,
    },
}

impl PendingFrame {
    /// How many names entering binds (loop vars of a grid, one otherwise).
    fn arity(&self) -> usize {
        match self {
            PendingFrame::Grid(extents) => extents.len(),
            _ => 1,
        }
    }
}

/// The names to give `n` new objects from the target names, as TVM's binders name list elements
/// `<name>_<i>` when one target receives several values.
fn names_for(names: &[String], n: usize) -> Vec<String> {
    if names.len() == n {
        return names.to_vec();
    }
    let base = names.first().map_or("v", String::as_str);
    if n == 1 {
        return vec![base.to_string()];
    }
    (0..n).map(|i| format!("{base}_{i}")).collect()
}

impl Evaluator {
    /// Enters `frame`, naming what it creates from `names`; returns the value an `as` target or
    /// assignment binds (a var, a tuple of vars, a buffer, or `None`) and how many builder frames
    /// entering opened (two for a `T.decl_buffer` that allocates its storage, one otherwise).
    pub(super) fn enter_frame(
        &mut self,
        frame: PendingFrame,
        names: &[String],
        span: &Span,
    ) -> EvalResult<(Value, usize)> {
        let before = self.builder.frames().len();
        let value = self.enter_frame_inner(frame, names, span)?;
        Ok((value, self.builder.frames().len().saturating_sub(before)))
    }

    fn enter_frame_inner(
        &mut self,
        frame: PendingFrame,
        names: &[String],
        span: &Span,
    ) -> EvalResult<Value> {
        let names = names_for(names, frame.arity());
        let first = names[0].as_str();
        let b = &mut self.builder;
        let value = match frame {
            PendingFrame::For { kind, start, stop, annotations, step } => {
                Value::var(&b.for_loop(first, kind, start, stop, annotations, step).at(span)?)
            }
            PendingFrame::ThreadBinding { start, stop, thread, annotations } => {
                Value::var(&b.thread_binding(first, start, stop, &thread, annotations).at(span)?)
            }
            PendingFrame::Grid(extents) => {
                let vars = b.grid(&names, extents).at(span)?;
                // As TVM's `ForFrame.__enter__`: one var alone, several as a tuple.
                match vars.as_slice() {
                    [single] => Value::var(single),
                    _ => Value::Tuple(vars.iter().map(Value::var).collect()),
                }
            }
            PendingFrame::Block { name, no_realize } => {
                b.block(&name, no_realize).at(span)?;
                Value::None
            }
            PendingFrame::Init => {
                b.init().at(span)?;
                Value::None
            }
            PendingFrame::LetStmt { value, type_annotation, var } => {
                let var = match var {
                    Some(var) => var,
                    None => match type_annotation {
                        Some(Type::Prim(dtype)) => Var::new(first, dtype),
                        Some(ty) => Var::with_type(first, value.dtype(), ty, false),
                        None => Var::new(first, value.dtype()),
                    },
                };
                b.let_stmt(var.clone(), value).at(span)?;
                Value::var(&var)
            }
            PendingFrame::Assert { condition, message } => {
                b.assert_(condition, &message).at(span)?;
                Value::None
            }
            PendingFrame::Allocate { extents, dtype, scope, condition, annotations } => Value::var(
                &b.allocate(first, extents, dtype, &scope, condition, annotations).at(span)?,
            ),
            PendingFrame::AllocateConst { data, dtype, extents, annotations } => {
                Value::var(&b.allocate_const(first, data, dtype, extents, annotations).at(span)?)
            }
            PendingFrame::DeclBuffer(mut spec) => {
                spec.name = first.to_string();
                // Without `data=`, TVM allocates the buffer's storage around the declaration.
                let buffer = if spec.data.is_some() {
                    b.decl_buffer(*spec)
                } else {
                    b.decl_buffer_allocated(*spec)
                };
                Value::Buffer(buffer.at(span)?)
            }
            PendingFrame::Attr { node, key, value } => {
                b.attr(node, &key, value).at(span)?;
                Value::None
            }
            PendingFrame::LaunchVar { var, extent } => {
                b.launch_thread(&var, extent).at(span)?;
                Value::var(&var)
            }
            PendingFrame::LaunchTag { tag, extent } => {
                Value::var(&b.launch_thread_tag(first, &tag, extent).at(span)?)
            }
            PendingFrame::Realize { region, scope, condition } => {
                b.realize(region, &scope, condition).at(span)?;
                Value::None
            }
        };
        Ok(value)
    }

    /// Closes the innermost builder frame, reporting a failure at `span`.
    pub(super) fn exit_frame(&mut self, span: &Span) -> EvalResult<()> {
        self.builder.exit().at(span)
    }

    /// Enters `frame` implicitly: it closes when the enclosing body ends.
    pub(super) fn enter_implicit(
        &mut self,
        frame: PendingFrame,
        names: &[String],
        span: &Span,
    ) -> EvalResult<Value> {
        let (value, opened) = self.enter_frame(frame, names, span)?;
        match self.implicit.last_mut() {
            Some(count) => *count += opened,
            None => return Err(error(span, "this statement must be inside a function body")),
        }
        Ok(value)
    }

    /// Runs `body` as a statement list whose implicit frames close when it ends.
    pub(super) fn with_body<T>(
        &mut self,
        span: &Span,
        body: impl FnOnce(&mut Evaluator) -> EvalResult<T>,
    ) -> EvalResult<T> {
        self.implicit.push(0);
        let result = body(self);
        let count = self.implicit.pop().unwrap_or(0);
        let result = result?;
        for _ in 0..count {
            self.exit_frame(span)?;
        }
        Ok(result)
    }
}

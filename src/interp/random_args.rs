//! Seeded random arguments for a function: arrays for buffer and pointer parameters, values for
//! scalar parameters.
//!
//! Invariants: the same function and seed give the same arguments; every array has the layout its
//! buffer declares (constant strides and `elem_offset` kept, plain var ones made row-major and 0
//! for the binder to bind), so binding it succeeds. With an extent, every free var of a shape,
//! stride or offset expression and every integer scalar parameter takes that one value, so a
//! shape `(n,)`, a stride `n * 2` and a parameter `n` agree. A pointer parameter
//! without a buffer in `buffer_map` (`T.handle("float32")` used through `T.decl_buffer(...,
//! data=p)` or `T.Buffer(..., data=p)` in the body) gets a flat array of its element dtype large
//! enough for every buffer the body puts on it.

use crate::interp::element::{Scalar, canonical};
use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::machine::{InterpOptions, Machine};
use crate::interp::ndarray::{NDArray, SplitMix64, compact_strides, element_bytes};
use crate::interp::run::ArgValue;
use crate::interp::value::Value;
use crate::ir::visit::{walk_expr, walk_stmt, walk_stmt_exprs};
use crate::ir::{Buffer, Expr, IRModule, PrimExpr, PrimFunc, StmtNode, Type, Var};

/// Seeded random arguments for `func`, whose buffer shapes must be constant; scalar parameters
/// are not allowed (use `random_args_with_extent`).
pub fn random_args_for(func: &PrimFunc, seed: u64) -> Result<Vec<ArgValue>, InterpError> {
    random_args(func, seed, None)
}

/// Seeded random arguments for `func` where every symbolic dimension var and every integer scalar
/// parameter takes the value `extent`; float scalar parameters get a random value in [-1, 1).
pub fn random_args_with_extent(
    func: &PrimFunc,
    seed: u64,
    extent: i64,
) -> Result<Vec<ArgValue>, InterpError> {
    random_args(func, seed, Some(extent))
}

fn random_args(
    func: &PrimFunc,
    seed: u64,
    extent: Option<i64>,
) -> Result<Vec<ArgValue>, InterpError> {
    let mut seeds = SplitMix64(seed);
    let mut out = Vec::with_capacity(func.params.len());
    let fixed = fixed_vars(func);
    for param in &func.params {
        let arg_seed = seeds.next_u64();
        match func.buffer_of(param) {
            Some(buffer) => {
                let mut shape = Vec::with_capacity(buffer.shape().len());
                for e in buffer.shape() {
                    shape.push(eval_with_default(e, extent, buffer.name())?);
                }
                let array = random_array_for(buffer, &shape, extent, &fixed, arg_seed)?;
                out.push(ArgValue::Array(array));
            }
            None if param.dtype().is_handle() => {
                out.push(ArgValue::Array(pointer_array(func, param, extent, arg_seed)?));
            }
            None if param.dtype().is_floating() => {
                let r = (SplitMix64(arg_seed).next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0
                    - 1.0;
                out.push(ArgValue::Scalar(canonical(Scalar::Float(r), param.dtype())));
            }
            None => match extent {
                Some(n) => out.push(ArgValue::int(n)),
                None => {
                    return Err(InterpError::new(InterpErrorKind::Argument(format!(
                        "scalar parameter `{}` has no default value; use random_args_with_extent",
                        param.name()
                    ))));
                }
            },
        }
    }
    Ok(out)
}

/// The vars that take the extent: integer scalar parameters and the vars of buffer shapes.
fn fixed_vars(func: &PrimFunc) -> Vec<Var> {
    let mut fixed: Vec<Var> = func
        .params
        .iter()
        .filter(|p| func.buffer_of(p).is_none() && !p.dtype().is_handle())
        .cloned()
        .collect();
    for (_, buffer) in &func.buffer_map {
        for e in buffer.shape() {
            walk_expr(e, &mut |x| {
                if let Some(v) = x.as_var().filter(|v| !fixed.contains(v)) {
                    fixed.push(v.clone());
                }
            });
        }
    }
    fixed
}

/// The buffers of `func`'s body whose data pointer is `pointer`: declared, stored to or loaded.
fn buffers_on(func: &PrimFunc, pointer: &Var) -> Vec<Buffer> {
    let mut found: Vec<Buffer> = Vec::new();
    let mut note = |b: &Buffer| {
        if b.data() == pointer && !found.iter().any(|f| f.id() == b.id()) {
            found.push(b.clone());
        }
    };
    walk_stmt(&func.body, &mut |s| match s.node() {
        StmtNode::BufferStore { buffer, .. } | StmtNode::DeclBuffer { buffer, .. } => note(buffer),
        _ => {}
    });
    walk_stmt_exprs(&func.body, &mut |e| {
        if let Expr::BufferLoad { buffer, .. } = e.expr() {
            note(buffer);
        }
    });
    found
}

/// A flat random array for the pointer parameter `pointer`, of its element dtype (the dtype of
/// its buffers when the pointer type does not say), as long as the furthest buffer on it reaches.
fn pointer_array(
    func: &PrimFunc,
    pointer: &Var,
    extent: Option<i64>,
    seed: u64,
) -> Result<NDArray, InterpError> {
    let buffers = buffers_on(func, pointer);
    let declared = match pointer.type_annotation() {
        Type::Pointer { element, .. } => match element.as_ref() {
            Type::Prim(d) if !d.is_handle() && !d.is_void() => Some(*d),
            _ => None,
        },
        _ => None,
    };
    let Some(dtype) = declared.or_else(|| buffers.first().map(Buffer::dtype)) else {
        return Err(InterpError::new(InterpErrorKind::Argument(format!(
            "pointer parameter `{}` has no element type and no buffer, so its array is unknown",
            pointer.name()
        ))));
    };
    if buffers.is_empty() {
        return Err(InterpError::new(InterpErrorKind::Argument(format!(
            "pointer parameter `{}` is used by no buffer, so its array size is unknown",
            pointer.name()
        ))));
    }
    let mut bytes = 0i64;
    for buffer in &buffers {
        let mut shape = Vec::with_capacity(buffer.shape().len());
        for e in buffer.shape() {
            shape.push(eval_with_default(e, extent, buffer.name())?);
        }
        let (strides, offset) = array_layout(buffer, &shape, extent, &[])?;
        let reach = reach(&shape, &strides, offset);
        bytes = bytes.max(reach.saturating_mul(element_bytes(buffer.dtype()) as i64));
    }
    let width = element_bytes(dtype) as i64;
    let count = (bytes + width - 1) / width;
    NDArray::random(dtype, &[count], seed).map_err(|e| InterpError::new(InterpErrorKind::Array(e)))
}

/// The strides and offset an array for `buffer` gets: a constant stride or offset as declared; one
/// that is an expression, or a var in `fixed` (the integer parameters and shape vars, which take
/// `extent`), evaluated with every var bound to `extent`; any other plain var stride (or no
/// strides at all) row-major, and any other plain var offset 0, for the binder to bind.
fn array_layout(
    buffer: &Buffer,
    shape: &[i64],
    extent: Option<i64>,
    fixed: &[Var],
) -> Result<(Vec<i64>, i64), InterpError> {
    let compact = compact_strides(shape);
    // A plain var the binder binds from the array, rather than one fixed at `extent`.
    let free = |e: &PrimExpr| e.as_var().filter(|v| !fixed.contains(v)).is_some();
    let mut strides = Vec::with_capacity(shape.len());
    for (k, e) in buffer.strides().iter().enumerate() {
        strides.push(if free(e) {
            compact[k]
        } else {
            eval_with_default(e, extent, buffer.name())?
        });
    }
    if buffer.strides().is_empty() {
        strides = compact;
    }
    let offset = if free(buffer.elem_offset()) {
        0
    } else {
        eval_with_default(buffer.elem_offset(), extent, buffer.name())?.max(0)
    };
    Ok((strides, offset))
}

/// How many elements a layout reaches from its data pointer, offset included.
fn reach(shape: &[i64], strides: &[i64], offset: i64) -> i64 {
    if shape.contains(&0) {
        return offset;
    }
    let mut high = offset;
    for (&d, &s) in shape.iter().zip(strides) {
        high = high.saturating_add((d - 1).saturating_mul(s.max(0)));
    }
    high.saturating_add(1)
}

/// A random array with the layout `array_layout` gives `buffer`.
fn random_array_for(
    buffer: &Buffer,
    shape: &[i64],
    extent: Option<i64>,
    fixed: &[Var],
    seed: u64,
) -> Result<NDArray, InterpError> {
    let array_err = |e| InterpError::new(InterpErrorKind::Array(e));
    let (strides, offset) = array_layout(buffer, shape, extent, fixed)?;
    let flat = NDArray::random(buffer.dtype(), &[reach(shape, &strides, offset)], seed)
        .map_err(array_err)?;
    NDArray::with_layout(buffer.dtype(), shape, &strides, offset, flat.storage().clone())
        .map_err(array_err)
}

/// Evaluates a shape entry, binding its free vars to `extent` when one is given.
fn eval_with_default(e: &PrimExpr, extent: Option<i64>, buffer: &str) -> Result<i64, InterpError> {
    if let Some(v) = e.as_int() {
        return Ok(v);
    }
    let Some(n) = extent else {
        return Err(InterpError::new(InterpErrorKind::Argument(format!(
            "buffer `{buffer}` has a symbolic shape; pass arguments explicitly or use random_args_with_extent"
        ))));
    };
    let module = IRModule::new();
    let mut machine = Machine::new(&module, InterpOptions::default());
    walk_expr(e, &mut |x| {
        if let Some(v) = x.as_var() {
            machine.bind(v, Value::Scalar(canonical(Scalar::Int(n), v.dtype())));
        }
    });
    machine.eval_int(e)
}

//! Calling a function: argument binding and the run itself (seeded random arguments are in
//! `random_args`).
//!
//! Binding follows TVM's argument binder: a buffer parameter's dtype and rank must match the array;
//! each shape, stride and `elem_offset` entry that is a plain unbound var is bound to the array's
//! value, every other entry must evaluate to it; a buffer without declared strides needs a compact
//! array. The arrays' storage is moved into the interpreter for the run and moved back afterwards,
//! whether the run succeeded or not.

use crate::interp::element::{Scalar, canonical};
use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::machine::{InterpOptions, Jump, Machine, PathStep};
use crate::interp::ndarray::NDArray;
use crate::interp::value::{Handle, Value};
use crate::ir::{IRModule, PrimFunc};

/// An argument of a call.
#[derive(Clone, Debug)]
pub enum ArgValue {
    /// An array, for a buffer parameter or a raw handle parameter.
    Array(NDArray),
    /// A scalar, for an int, uint, bool or float parameter (converted to the parameter's dtype).
    Scalar(Scalar),
}

impl ArgValue {
    pub fn int(v: i64) -> ArgValue {
        ArgValue::Scalar(Scalar::Int(v))
    }
    pub fn float(v: f64) -> ArgValue {
        ArgValue::Scalar(Scalar::Float(v))
    }
    pub fn as_array(&self) -> Option<&NDArray> {
        match self {
            ArgValue::Array(a) => Some(a),
            ArgValue::Scalar(_) => None,
        }
    }
}

/// Runs `module[name]` on `args` with the default options.
pub fn run_func(module: &IRModule, name: &str, args: &mut [ArgValue]) -> Result<(), InterpError> {
    run_func_with(module, name, args, &InterpOptions::default())
}

/// Runs `module[name]` on `args`; arrays are updated in place.
pub fn run_func_with(
    module: &IRModule,
    name: &str,
    args: &mut [ArgValue],
    options: &InterpOptions,
) -> Result<(), InterpError> {
    let (_, func) = module
        .lookup(name)
        .ok_or_else(|| InterpError::new(InterpErrorKind::NoSuchFunction(name.to_string())))?;
    if func.params.len() != args.len() {
        return Err(InterpError::new(InterpErrorKind::Argument(format!(
            "`{name}` takes {} parameters, {} arguments given",
            func.params.len(),
            args.len()
        ))));
    }
    let mut machine = Machine::new(module, options.clone());
    machine.flat = Machine::flat_addressing(func, options.addressing);
    machine.path.push(PathStep::Func(name));
    // Move every array's storage into interpreter memory, remembering where it went.
    let mut lent: Vec<(usize, Handle)> = Vec::new();
    for (i, arg) in args.iter_mut().enumerate() {
        if let ArgValue::Array(array) = arg {
            let label = func.buffer_of(&func.params[i]).map_or(func.params[i].name(), |b| b.name());
            let handle = machine.memory.insert(label, array.take_storage());
            lent.push((i, handle));
        }
    }
    let result = bind_and_run(&mut machine, func, args, &lent);
    for (i, handle) in lent {
        if let (ArgValue::Array(array), Some(storage)) =
            (&mut args[i], machine.memory.remove(handle))
        {
            array.restore_storage(storage);
        }
    }
    result
}

fn bind_and_run<'m>(
    machine: &mut Machine<'m>,
    func: &'m PrimFunc,
    args: &[ArgValue],
    lent: &[(usize, Handle)],
) -> Result<(), InterpError> {
    let handle_of = |i: usize| lent.iter().find(|(j, _)| *j == i).map(|(_, h)| *h);
    let mut saved = Vec::new();
    // Pass 1: parameters and the data pointers of buffer parameters.
    for (i, (param, arg)) in func.params.iter().zip(args).enumerate() {
        match (arg, handle_of(i)) {
            (ArgValue::Array(array), Some(handle)) => {
                match func.buffer_of(param) {
                    Some(buffer) => {
                        if buffer.dtype() != array.dtype() || buffer.shape().len() != array.ndim() {
                            return Err(machine.fail(InterpErrorKind::Argument(format!(
                                "buffer `{}` is {} with {} dimensions, the array is {} with shape {:?}",
                                buffer.name(),
                                buffer.dtype(),
                                buffer.shape().len(),
                                array.dtype(),
                                array.shape()
                            ))));
                        }
                        saved.push((
                            buffer.data().clone(),
                            machine.bind(buffer.data(), Value::Handle(handle)),
                        ));
                    }
                    None if param.dtype().is_handle() => {}
                    None => {
                        return Err(machine.fail(InterpErrorKind::Argument(format!(
                            "parameter `{}` is a {} scalar, an array was given",
                            param.name(),
                            param.dtype()
                        ))));
                    }
                }
                saved.push((param.clone(), machine.bind(param, Value::Handle(handle))));
            }
            (ArgValue::Scalar(s), _) => {
                if func.buffer_of(param).is_some() || param.dtype().is_handle() {
                    return Err(machine.fail(InterpErrorKind::Argument(format!(
                        "parameter `{}` needs an array, a scalar was given",
                        param.name()
                    ))));
                }
                let value = canonical(*s, param.dtype());
                saved.push((param.clone(), machine.bind(param, Value::Scalar(value))));
            }
            (ArgValue::Array(_), None) => {
                return Err(
                    machine.fail(InterpErrorKind::IllFormed("array storage was not lent".into()))
                );
            }
        }
    }
    // Pass 2: shapes, strides and offsets, binding plain vars first so later entries may use them.
    for pass in 0..2 {
        for (param, arg) in func.params.iter().zip(args) {
            let (Some(buffer), ArgValue::Array(array)) = (func.buffer_of(param), arg) else {
                continue;
            };
            let strides = if buffer.strides().is_empty() {
                if !array.strides().is_empty()
                    && array.strides() != crate::interp::ndarray::compact_strides(array.shape())
                {
                    return Err(machine.fail(InterpErrorKind::Argument(format!(
                        "buffer `{}` declares no strides, so it needs a compact array (got strides {:?})",
                        buffer.name(),
                        array.strides()
                    ))));
                }
                &[][..]
            } else {
                buffer.strides()
            };
            let entries = buffer
                .shape()
                .iter()
                .zip(array.shape())
                .enumerate()
                .map(|(d, (e, &v))| (e, v, "shape", Some(d)))
                .chain(
                    strides
                        .iter()
                        .zip(array.strides())
                        .enumerate()
                        .map(|(d, (e, &v))| (e, v, "stride", Some(d))),
                )
                .chain(std::iter::once((
                    buffer.elem_offset(),
                    array.elem_offset(),
                    "elem_offset",
                    None,
                )));
            for (expr, actual, what, dim) in entries {
                let is_plain_var = expr.as_var().is_some();
                if (pass == 0) != is_plain_var {
                    continue;
                }
                let label = || match dim {
                    Some(d) => format!("{what} {d} of buffer `{}`", buffer.name()),
                    None => format!("{what} of buffer `{}`", buffer.name()),
                };
                machine.bind_or_check(expr, actual, &label, &mut saved)?;
            }
        }
    }
    let result = machine.exec(&func.body);
    let stray_jump = matches!(machine.jump.take(), Some(Jump::Break | Jump::Continue));
    machine.restore_all(saved);
    result?;
    if stray_jump {
        return Err(machine.fail(InterpErrorKind::IllFormed(
            "break_loop or continue_loop outside a loop".into(),
        )));
    }
    Ok(())
}

/// The arguments for `lowered`, a version of `original` after an API pass such as
/// `MakeUnpackedAPI`, given the arguments `args` of `original`: each parameter of `lowered` that is
/// the data pointer of a buffer parameter of `original` gets that buffer's array; one that is a
/// parameter of `original` gets its argument; one that is a var standing for a dimension, stride
/// or offset of a buffer parameter gets that value from the array; failing these, a parameter
/// with the name of exactly one original parameter (or of its buffer's data pointer) gets that
/// argument. Arrays are cloned.
pub fn adapt_args(
    original: &PrimFunc,
    lowered: &PrimFunc,
    args: &[ArgValue],
) -> Result<Vec<ArgValue>, InterpError> {
    let mismatch = |what: String| InterpError::new(InterpErrorKind::Argument(what));
    if original.params.len() != args.len() {
        return Err(mismatch(format!(
            "{} arguments for {} parameters",
            args.len(),
            original.params.len()
        )));
    }
    let mut out = Vec::with_capacity(lowered.params.len());
    'params: for param in &lowered.params {
        for (orig, arg) in original.params.iter().zip(args) {
            if orig == param {
                out.push(arg.clone());
                continue 'params;
            }
            let (Some(buffer), ArgValue::Array(array)) = (original.buffer_of(orig), arg) else {
                continue;
            };
            if buffer.data() == param {
                out.push(arg.clone());
                continue 'params;
            }
            let dims = buffer.shape().iter().zip(array.shape());
            let strides = buffer.strides().iter().zip(array.strides());
            let array_offset = array.elem_offset();
            let offset = std::iter::once((buffer.elem_offset(), &array_offset));
            for (e, &v) in dims.chain(strides).chain(offset) {
                if e.as_var() == Some(param) {
                    out.push(ArgValue::int(v));
                    continue 'params;
                }
            }
        }
        // A pass that re-types a parameter (FP8StorageLegalize gives a float8 buffer a new uint8
        // data pointer) makes a new var under the old name: match it by name when unique.
        let mut by_name = original.params.iter().zip(args).filter(|(orig, _)| {
            orig.name() == param.name()
                || original.buffer_of(orig).is_some_and(|b| b.data().name() == param.name())
        });
        if let (Some((_, arg)), None) = (by_name.next(), by_name.next()) {
            out.push(arg.clone());
            continue 'params;
        }
        return Err(mismatch(format!(
            "parameter `{}` of the lowered function matches no argument of the original",
            param.name()
        )));
    }
    Ok(out)
}

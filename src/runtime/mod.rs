//! Running compiled TIR in process: compile a module with the runtime's support linked in, and
//! call its functions by name with `NDArray`s and scalars.
//!
//! Before a call, every argument is checked against the function's ABI (`codegen::FuncAbi`): an
//! array must have the buffer's dtype and rank, be compact (row-major, offset 0), and match every
//! constant dimension; symbolic dimensions are bound from the first array that has them and must
//! agree everywhere else (and with a scalar parameter of the same var). A mismatch is a
//! `RuntimeError` naming the parameter, before any code runs. A non-zero status from compiled code
//! becomes a `RuntimeError` carrying the recorded fault (buffer and index for bounds-checked builds).

pub mod pool;
pub mod prepare;

use std::collections::HashMap;
use std::fmt;

use crate::codegen::{ArgKind, CodegenError, CodegenOptions, CompiledModule, compile_module};
use crate::interp::{ArgValue, NDArray, Scalar};
use crate::ir::{DataType, Expr, IRModule};

pub use pool::{Fault, num_threads};
pub use prepare::{Prepared, count_flops, parse_and_lower};

/// Why a call could not be made or failed.
#[derive(Clone, Debug, PartialEq)]
pub enum RuntimeError {
    NoSuchFunction(String),
    /// An argument does not fit the function's parameter.
    Argument(String),
    /// The compiled code reported a fault.
    Fault(Fault),
    /// A non-zero status without a recorded fault.
    Status(i32),
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuntimeError::NoSuchFunction(n) => write!(f, "no compiled function `{n}`"),
            RuntimeError::Argument(m) => f.write_str(m),
            RuntimeError::Fault(Fault::OutOfBounds { func, buffer, index, extent }) => write!(
                f,
                "out-of-bounds access in `{func}`: buffer `{buffer}` at flat index {index} (extent {extent})"
            ),
            RuntimeError::Fault(Fault::Assert { func, message }) => {
                write!(f, "assertion failed in `{func}`: {message}")
            }
            RuntimeError::Status(s) => write!(f, "compiled code returned status {s}"),
        }
    }
}

impl std::error::Error for RuntimeError {}

/// Compiles a lowered module in process, with the runtime's thread pool and fault recorders
/// linked in; `source` (the module before lowering) supplies the buffer interfaces.
pub fn compile(
    lowered: &IRModule,
    source: Option<&IRModule>,
    options: &CodegenOptions,
) -> Result<CompiledModule, CodegenError> {
    compile_module(lowered, source, options, &pool::symbols())
}

/// Compiles a prepared (parsed and lowered) module in process.
pub fn compile_prepared(
    prepared: &Prepared,
    options: &CodegenOptions,
) -> Result<CompiledModule, CodegenError> {
    compile(&prepared.lowered, Some(&prepared.source), options)
}

/// The packed argument slots of a call, checked against the function's ABI.
fn pack_args(
    compiled: &CompiledModule,
    name: &str,
    args: &mut [ArgValue],
) -> Result<(usize, Vec<u64>), RuntimeError> {
    let (address, abi) =
        compiled.function(name).ok_or_else(|| RuntimeError::NoSuchFunction(name.to_string()))?;
    let declared = abi.args.iter().filter(|a| !matches!(a.kind, ArgKind::ShapeVar { .. })).count();
    if args.len() != declared {
        return Err(RuntimeError::Argument(format!(
            "`{name}` takes {declared} arguments, {} given",
            args.len()
        )));
    }
    // Symbolic dimensions, by var id.
    let mut dims: HashMap<u64, i64> = HashMap::new();
    for (a, value) in abi.args.iter().zip(args.iter()) {
        if let (ArgKind::Scalar { .. }, ArgValue::Scalar(s)) = (&a.kind, value) {
            dims.insert(a.var.id(), s.as_i64());
        }
    }
    let mut slots = vec![0u64; abi.args.len()];
    for (k, a) in abi.args.iter().enumerate() {
        match &a.kind {
            ArgKind::Buffer { buffer_name, dtype, shape } => {
                let Some(ArgValue::Array(array)) = args.get_mut(k) else {
                    return Err(RuntimeError::Argument(format!("`{buffer_name}` needs an array")));
                };
                check_array(buffer_name, array, *dtype, shape, &mut dims)?;
                slots[k] = array.storage_mut().as_mut_ptr() as u64;
            }
            ArgKind::Pointer { dtype } => {
                let Some(ArgValue::Array(array)) = args.get_mut(k) else {
                    return Err(RuntimeError::Argument(format!("`{}` needs an array", a.name)));
                };
                if array.dtype() != *dtype && !dtype.is_uint() {
                    return Err(RuntimeError::Argument(format!(
                        "argument `{}`: dtype {} given, the pointer is to {dtype}",
                        a.name,
                        array.dtype()
                    )));
                }
                slots[k] = array.storage_mut().as_mut_ptr() as u64;
            }
            ArgKind::Scalar { dtype } => {
                let Some(ArgValue::Scalar(s)) = args.get(k) else {
                    return Err(RuntimeError::Argument(format!("`{}` needs a scalar", a.name)));
                };
                slots[k] = scalar_slot(*s, *dtype);
            }
            ArgKind::ShapeVar { .. } => {
                let value = dims.get(&a.var.id()).copied().ok_or_else(|| {
                    RuntimeError::Argument(format!(
                        "dimension `{}` is not bound by any array",
                        a.name
                    ))
                })?;
                slots[k] = value as u64;
            }
        }
    }
    Ok((address, slots))
}

/// The 8-byte slot of scalar `s` for a parameter of `dtype`.
fn scalar_slot(s: Scalar, dtype: DataType) -> u64 {
    if dtype.is_floating() { s.as_f64().to_bits() } else { s.as_i64() as u64 }
}

/// Checks `array` against a buffer parameter, binding symbolic dimensions.
fn check_array(
    name: &str,
    array: &NDArray,
    dtype: DataType,
    shape: &[crate::ir::PrimExpr],
    dims: &mut HashMap<u64, i64>,
) -> Result<(), RuntimeError> {
    let err = |m: String| Err(RuntimeError::Argument(format!("argument `{name}`: {m}")));
    if array.dtype() != dtype {
        return err(format!("dtype {} given, the buffer holds {dtype}", array.dtype()));
    }
    if array.ndim() != shape.len() {
        return err(format!("{} dimensions given, the buffer has {}", array.ndim(), shape.len()));
    }
    if !array.is_compact() || array.elem_offset() != 0 {
        return err("the array must be compact (row-major, offset 0)".to_string());
    }
    for (d, (e, &given)) in shape.iter().zip(array.shape()).enumerate() {
        let expected = match e.expr() {
            Expr::IntImm(v) => Some(*v),
            Expr::Var(v) => match dims.get(&v.id()) {
                Some(&bound) => Some(bound),
                None => {
                    dims.insert(v.id(), given);
                    None
                }
            },
            _ => {
                return err(format!(
                    "dimension {d} has a computed extent, which calls do not support"
                ));
            }
        };
        if let Some(expected) = expected
            && expected != given
        {
            return err(format!(
                "shape {:?} given, dimension {d} must be {expected}",
                array.shape()
            ));
        }
    }
    Ok(())
}

/// Calls compiled function `name` with `args` (in parameter order); arrays are updated in place.
pub fn call(
    compiled: &CompiledModule,
    name: &str,
    args: &mut [ArgValue],
) -> Result<(), RuntimeError> {
    let (address, slots) = pack_args(compiled, name, args)?;
    // SAFETY: `address` is the packed entry point of a function of `compiled`, which is alive; the
    // slots were checked against its ABI, and the arrays they point to outlive the call.
    let entry: extern "C" fn(*const u64) -> i32 = unsafe { std::mem::transmute(address) };
    let status = entry(slots.as_ptr());
    if status == 0 {
        return Ok(());
    }
    Err(match pool::take_fault() {
        Some(f) => RuntimeError::Fault(f),
        None => RuntimeError::Status(status),
    })
}

/// A prepared call, for timing: the checks and packing are done once, `run` only calls.
/// It borrows the module and the arguments for as long as it lives, so both stay valid.
pub struct PreparedCall<'c, 'a> {
    entry: extern "C" fn(*const u64) -> i32,
    slots: Vec<u64>,
    _compiled: &'c CompiledModule,
    _args: std::marker::PhantomData<&'a mut [ArgValue]>,
}

impl<'c, 'a> PreparedCall<'c, 'a> {
    /// Checks and packs `args`.
    pub fn new(
        compiled: &'c CompiledModule,
        name: &str,
        args: &'a mut [ArgValue],
    ) -> Result<PreparedCall<'c, 'a>, RuntimeError> {
        let (address, slots) = pack_args(compiled, name, args)?;
        // SAFETY: as in `call`.
        let entry: extern "C" fn(*const u64) -> i32 = unsafe { std::mem::transmute(address) };
        Ok(PreparedCall { entry, slots, _compiled: compiled, _args: std::marker::PhantomData })
    }
    /// Runs the call once.
    pub fn run(&self) -> Result<(), RuntimeError> {
        let status = (self.entry)(self.slots.as_ptr());
        if status == 0 {
            return Ok(());
        }
        Err(match pool::take_fault() {
            Some(f) => RuntimeError::Fault(f),
            None => RuntimeError::Status(status),
        })
    }
}

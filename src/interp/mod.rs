//! A TIR interpreter: executes a `PrimFunc` at any stage of lowering on `NDArray`s.
//!
//! It runs functions with blocks (before `LowerInitBlock`) and fully lowered ones (flattened
//! buffers, `Allocate`, `DeclBuffer`, vectors, LLVM intrinsic calls from `LowerIntrin`, raw data
//! pointers after `MakeUnpackedAPI`), with the value semantics of TVM's LLVM codegen (see `ops`,
//! `call` and `llvm_intrin`), and it is the reference that passes and codegen are checked against.
//! Buffer accesses are addressed logically (`elem_offset` + strides) before FlattenBuffer and as
//! the codegen does (`data + index`) after it; `Addressing` chooses, automatically by default.
//! Errors never panic: an out-of-bounds access names the buffer, the index and the statement path;
//! a division by zero, an undefined variable, an unsupported operator or the step limit each give
//! an `InterpError`. The packed calling convention (`MakePackedAPI`: `tvm_struct_get`, packed
//! calls) and thread barriers are not supported; threads run one after another.
//!
//! Entry points: `run_func` / `run_func_with` run a function of a module on arguments bound in
//! parameter order (an `NDArray` for a buffer parameter, checked against the buffer's dtype, shape,
//! strides and offset, binding its symbolic dims; a scalar for a scalar parameter); `random_args_for`
//! builds seeded random arguments for a function with constant shapes, `random_args_with_extent`
//! for any function (symbolic dims and integer scalars take one value; pointer parameters get an
//! array sized by the buffers the body puts on them).

mod access;
mod bind;
mod call;
pub mod cost;
pub mod element;
pub mod error;
mod eval;
mod exec;
mod fixed_point;
mod libm;
mod llvm_intrin;
mod machine;
mod memory;
pub mod ndarray;
pub mod npy;
pub mod ops;
mod random_args;
mod run;
pub mod storage;
pub mod value;

pub use element::Scalar;
pub use error::{InterpError, InterpErrorKind};
pub use machine::{Addressing, InterpOptions, Machine};
pub use ndarray::{AlignedBytes, NDArray, NDArrayError};
pub use npy::{read_npy, read_npy_as, write_npy};
pub use random_args::{random_args_for, random_args_with_extent};
pub use run::{ArgValue, adapt_args, run_func, run_func_with};
pub use value::Value;

//! `InterpError`: why an execution stopped, with the statement path where it happened.
//!
//! Every error carries the path of the statement being executed, outermost first, with the current
//! value of every enclosing loop variable (`main / block root / for i = 3 / block C / BufferStore`),
//! so a failing access can be found in the printed IR.

use crate::interp::element::UnsupportedDType;
use crate::interp::ndarray::NDArrayError;

/// What went wrong.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InterpErrorKind {
    #[error("out-of-bounds {access} of buffer `{buffer}` at index {index:?}: {detail}")]
    OutOfBounds { access: &'static str, buffer: String, index: Vec<i64>, detail: String },
    #[error("division by zero in {0}")]
    DivisionByZero(String),
    #[error("undefined variable `{0}`")]
    UndefinedVar(String),
    #[error("unsupported: {0}")]
    Unsupported(String),
    #[error("step limit of {0} statements exceeded (a loop that does not terminate?)")]
    StepLimit(u64),
    #[error("assertion failed: {0}")]
    AssertFailed(String),
    #[error("argument mismatch: {0}")]
    Argument(String),
    #[error("no function `{0}` in the module")]
    NoSuchFunction(String),
    #[error("ill-formed IR: {0}")]
    IllFormed(String),
    #[error("invalid memory access: {0}")]
    Memory(String),
    #[error(transparent)]
    Array(#[from] NDArrayError),
}

impl From<UnsupportedDType> for InterpErrorKind {
    fn from(e: UnsupportedDType) -> InterpErrorKind {
        InterpErrorKind::Unsupported(e.to_string())
    }
}

/// An execution error and where it happened.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{kind}\n  at: {path}")]
pub struct InterpError {
    pub kind: InterpErrorKind,
    /// The statement path, outermost first, joined by " / ".
    pub path: String,
}

impl InterpError {
    /// An error with no statement context (argument binding, module lookup).
    pub fn new(kind: InterpErrorKind) -> InterpError {
        InterpError { kind, path: "<entry>".to_string() }
    }
}

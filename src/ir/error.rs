//! `IrError`: why a node could not be built or a builder call was misused.
//!
//! Errors are values; no constructor in `ir` or `builder` panics on bad input.

use super::dtype::DataType;

/// An error raised while constructing IR.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IrError {
    /// Two values that must share a dtype do not.
    #[error("dtype mismatch in {what}: {expected} vs {actual}")]
    TypeMismatch { what: String, expected: DataType, actual: DataType },
    /// A node's fields violate its construction rules.
    #[error("{0}")]
    Invalid(String),
    /// An IRBuilder call made in a state that does not allow it.
    #[error("{0}")]
    Builder(String),
}

impl IrError {
    pub fn type_mismatch(what: &str, expected: DataType, actual: DataType) -> IrError {
        IrError::TypeMismatch { what: what.to_string(), expected, actual }
    }
    pub fn invalid(message: impl Into<String>) -> IrError {
        IrError::Invalid(message.into())
    }
    pub fn builder(message: impl Into<String>) -> IrError {
        IrError::Builder(message.into())
    }
}

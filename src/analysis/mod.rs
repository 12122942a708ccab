//! Analyses over the TIR data model: paths naming nodes, structural equality and hashing, and the
//! well-formedness verifier.

pub mod block_access;
mod eq_context;
mod eq_leaves;
pub mod path;
pub mod structural_eq;
mod structural_eq_expr;
mod structural_eq_stmt;
pub mod structural_hash;
pub mod verify;
mod verify_expr;
mod verify_stmt;

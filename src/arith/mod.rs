//! Integer arithmetic on TIR expressions: TVM's operator semantics, a canonical simplifier for
//! index expressions, and symbolic interval sets.

pub mod int_set;
pub mod ops;
pub mod simplify;

pub use int_set::{DomainMap, IntSet, eval_set};
pub use simplify::{can_prove_equal, same_expr, simplify};

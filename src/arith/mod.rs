//! Integer arithmetic on TIR expressions: TVM's operator semantics, the `Analyzer` with its
//! constant-bound and modular-set analyses, TVM's rewrite and canonical simplifiers, and symbolic
//! interval sets.

pub mod analyzer;
mod canonical_cast;
mod canonical_form;
pub mod canonical_simplify;
pub mod const_int_bound;
pub mod int_set;
pub mod iter_map;
pub mod modular_set;
pub mod ops;
pub(crate) mod pattern;
mod rewrite_compare;
mod rewrite_divmod;
mod rewrite_logic;
mod rewrite_minmax;
pub mod rewrite_simplify;
mod rewrite_vector;
pub mod simplify;

pub use analyzer::Analyzer;
pub use const_int_bound::ConstIntBound;
pub use int_set::{DomainMap, IntSet, eval_set, vector_set};
pub use modular_set::ModularSet;
pub use simplify::{can_prove_equal, same_expr, simplify};

//! Passes over TIR and the infrastructure that runs them.
//!
//! Infrastructure: `pass` (`Pass`, `Sequential`, `run_pipeline`, the one lowering entry point),
//! `context` (`PassContext`: opt level, typed config, disabled passes, instruments), `instrument`
//! (print, time, verify and round-trip checks around every pass) and `pipeline` (TVM v0.23's
//! default pipeline as an editable list with named phases, and `Target` from TVM-style strings).
//! Each lowering pass lives in its own file next to these.

pub mod annotate_entry_func;
pub mod annotate_irregular_loop;
pub mod bf16_legalize;
pub mod block_lowering_util;
pub mod canonicalize_loop;
pub mod common_subexpr_elim;
pub mod compact_buffer_allocation;
pub mod context;
pub mod convert_blocks_to_opaque;
pub mod convert_ssa;
pub mod flatten_buffer;
pub mod fp8_legalize;
pub mod fp8_legalize_compute;
pub mod fp8_legalize_format;
pub mod fp8_legalize_storage;
pub mod fp8_legalize_util;
pub mod hoist_if_then_else;
pub mod inject_double_buffer;
pub mod inject_virtual_thread;
pub mod instrument;
pub mod loop_partition;
pub mod lower_init_block;
pub mod lower_intrin;
pub mod lower_intrin_div;
pub mod lower_intrin_legalize;
pub mod lower_match_buffer;
pub mod lower_opaque_block;
pub mod make_unpacked_api;
pub mod narrow_datatype;
pub mod pass;
pub mod pipeline;
pub mod plan_and_update_buffer_allocation_location;
pub mod remove_no_op;
pub mod renormalize_split_pattern;
pub mod rewrite_unsafe_select;
pub mod simplify;
pub mod storage_rewrite;
pub mod unroll_loop;
pub mod vectorize_loop;

pub use context::{ConfigType, ConfigValue, PassContext};
pub use instrument::{PassInstrument, PassTimer, PrintIr, RoundTripEach, VerifyEach};
pub use pass::{Pass, PassError, PassInfo, PassKind, run_pipeline};
pub use pipeline::{Phase, Target, default_pipeline};

//! Passes over TIR and the infrastructure that runs them.
//!
//! Infrastructure: `pass` (`Pass`, `Sequential`, `run_pipeline`, the one lowering entry point),
//! `context` (`PassContext`: opt level, typed config, disabled passes, instruments), `instrument`
//! (print, time, verify and round-trip checks around every pass) and `pipeline` (TVM v0.23's
//! default pipeline as an editable list with named phases, and `Target` from TVM-style strings).
//! Each lowering pass lives in its own file next to these.

pub mod context;
pub mod instrument;
pub mod pass;
pub mod pipeline;

pub use context::{ConfigType, ConfigValue, PassContext};
pub use instrument::{PassInstrument, PassTimer, PrintIr, RoundTripEach, VerifyEach};
pub use pass::{Pass, PassError, PassInfo, PassKind, run_pipeline};
pub use pipeline::{Phase, Target, default_pipeline};

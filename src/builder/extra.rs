//! Builder calls the evaluator needs for error recovery and for files with several top-level
//! functions: discarding frames an error left open, and taking a finished result so the builder
//! can build the next function.

use super::{BuildResult, IRBuilder};

impl IRBuilder {
    /// Discards every open frame above the first `depth` without building it. Used after an error,
    /// when the discarded frames' contents are known to be incomplete.
    pub fn abandon_frames(&mut self, depth: usize) {
        self.frames.truncate(depth);
    }

    /// Takes the result of a finished builder, leaving it ready to build again.
    pub fn take_result(&mut self) -> Option<BuildResult> {
        if self.frames.is_empty() { self.result.take() } else { None }
    }
}

//! The text a generator writes: indented lines and fresh names.
//!
//! Invariant: every name `fresh` returns is unique within one `SourceText` (a counter suffix), so
//! generators that draw all their names from it never define a name twice.

/// Generated TVMScript text with a counter for unique names.
#[derive(Default)]
pub(crate) struct SourceText {
    out: String,
    fresh: usize,
}

impl SourceText {
    /// A name `prefix<N>` not returned before.
    pub(crate) fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// Appends `text` as one line indented by `indent` levels of four spaces.
    pub(crate) fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// The text written so far.
    pub(crate) fn into_string(self) -> String {
        self.out
    }
}

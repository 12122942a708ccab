//! Evaluation errors: every error is a [`Diagnostic`] with the span of the construct that caused it.
//!
//! `IrError`s raised by the IRBuilder or the arithmetic layer are mapped onto the span of the
//! statement or expression being evaluated when they happened (see [`ir_error`]). "Did you mean"
//! hints come from [`closest`], a bounded edit-distance search.

use crate::diagnostic::Diagnostic;
use crate::ir::IrError;
use crate::syntax::ast::Span;

/// An evaluation error (boxed so results stay small on the happy path).
pub type EvalError = Box<Diagnostic>;

/// The result type of every evaluation step.
pub type EvalResult<T> = Result<T, EvalError>;

/// An error at `span`, underlined with the label "here".
pub fn error(span: &Span, message: impl Into<String>) -> EvalError {
    Box::new(Diagnostic::error(message, span.clone()).with_label("here"))
}

/// An error at `span` with a label at the span.
pub fn error_label(span: &Span, message: impl Into<String>, label: impl Into<String>) -> EvalError {
    Box::new(Diagnostic::error(message, span.clone()).with_label(label))
}

/// Maps an `IrError` to a diagnostic at `span`.
pub fn ir_error(span: &Span, err: IrError) -> EvalError {
    let label = match &err {
        IrError::TypeMismatch { .. } => "dtype mismatch here",
        IrError::Invalid(_) => "invalid IR built here",
        IrError::Builder(_) => "not allowed here",
    };
    error_label(span, err.to_string(), label)
}

/// Extension to attach a span to `IrError` results.
pub trait AtSpan<T> {
    /// Maps an error to a diagnostic at `span`.
    fn at(self, span: &Span) -> EvalResult<T>;
}

impl<T> AtSpan<T> for Result<T, IrError> {
    fn at(self, span: &Span) -> EvalResult<T> {
        self.map_err(|e| ir_error(span, e))
    }
}

/// The candidate closest to `name` by edit distance, when it is close enough to be a plausible typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter_map(|c| {
            let d = edit_distance(name, c, limit)?;
            Some((d, c))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Edit distance between `a` and `b` (insertions, deletions, substitutions and transpositions of
/// neighbours each cost 1) when it is at most `limit`, with a cheap length pre-check so scanning a
/// large table stays fast.
fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Rows i-1 and i-2 of the optimal-string-alignment distance table.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 0..a.len() {
        current[0] = i + 1;
        for j in 0..b.len() {
            let substitution = previous[j] + usize::from(a[i] != b[j]);
            let mut best = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                best = best.min(before[j - 1] + 1);
            }
            current[j + 1] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let d = previous[b.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested() {
        let names = ["serial", "parallel", "vectorized", "grid"];
        assert_eq!(closest("serail", names), Some("serial"));
        assert_eq!(closest("gird", names), Some("grid"));
        assert_eq!(closest("cuont", ["count", "i"]), Some("count"));
        assert_eq!(closest("completely_different", names), None);
    }
}

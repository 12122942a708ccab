//! Highlighting TVMScript source with the grammar's highlight and locals queries, through the
//! tree-sitter-highlight crate, and rendering it as ANSI-coloured text or a standalone HTML page.
//!
//! Invariant: every capture name used by `queries/highlights.scm` is listed in
//! [`HIGHLIGHT_NAMES`] (checked by a unit test below), so every highlighted region gets a style
//! in both renderers and no capture is silently dropped.

use tree_sitter_highlight::{HighlightConfiguration, HighlightEvent, Highlighter};

/// The highlight names the renderer recognises, in the order used by `Highlight` indices.
/// They are exactly the capture names used in `queries/highlights.scm`, all from
/// tree-sitter-highlight's standard capture names.
pub const HIGHLIGHT_NAMES: &[&str] = &[
    "attribute",
    "boolean",
    "comment",
    "constant.builtin",
    "constructor",
    "function",
    "function.builtin",
    "keyword",
    "module",
    "number",
    "operator",
    "punctuation.bracket",
    "punctuation.delimiter",
    "string",
    "string.escape",
    "string.special",
    "string.special.symbol",
    "type",
    "type.builtin",
    "variable",
    "variable.member",
    "variable.parameter",
];

/// The output format of [`render_highlighted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HighlightFormat {
    /// Text with ANSI SGR colour sequences, for a terminal.
    Ansi,
    /// A standalone HTML page with a small embedded stylesheet.
    Html,
}

/// Why highlighting failed. With the queries shipped in this crate neither happens in practice;
/// both are still reported rather than unwrapped.
#[derive(Debug, thiserror::Error)]
pub enum HighlightError {
    #[error("a highlight query does not compile against the grammar: {0}")]
    Query(#[from] tree_sitter::QueryError),
    #[error("highlighting failed: {0}")]
    Highlight(#[from] tree_sitter_highlight::Error),
}

/// Builds the highlight configuration: the grammar, its highlights and locals queries, and
/// [`HIGHLIGHT_NAMES`] as the recognised names.
pub fn highlight_configuration() -> Result<HighlightConfiguration, HighlightError> {
    let mut config = HighlightConfiguration::new(
        crate::language(),
        "tvmscript",
        crate::HIGHLIGHTS_QUERY,
        "",
        crate::LOCALS_QUERY,
    )?;
    config.configure(HIGHLIGHT_NAMES);
    Ok(config)
}

/// Renders `source` with syntax highlighting. Text the grammar cannot parse is still rendered,
/// with whatever highlights the recovered tree gives it.
pub fn render_highlighted(source: &str, format: HighlightFormat) -> Result<String, HighlightError> {
    let config = highlight_configuration()?;
    let mut highlighter = Highlighter::new();
    let events = highlighter
        .highlight(&config, source.as_bytes(), None, None, |_| None)?
        .collect::<Result<Vec<HighlightEvent>, _>>()?;
    Ok(match format {
        HighlightFormat::Ansi => crate::ansi::render(source, &events),
        HighlightFormat::Html => crate::html::render(source, &events),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_capture_of_the_highlights_query_is_a_recognised_name() {
        let config = highlight_configuration().expect("the shipped queries compile");
        // The configuration's names also hold the locals query's `local.*` captures.
        for name in config.names().iter().filter(|name| !name.starts_with("local.")) {
            assert!(
                name.starts_with('_') || HIGHLIGHT_NAMES.contains(name),
                "capture `@{name}` in highlights.scm has no entry in HIGHLIGHT_NAMES"
            );
        }
    }

    #[test]
    fn every_recognised_name_is_used_by_the_highlights_query() {
        let config = highlight_configuration().expect("the shipped queries compile");
        for name in HIGHLIGHT_NAMES {
            assert!(config.names().contains(name), "`{name}` is listed but never captured");
        }
    }
}

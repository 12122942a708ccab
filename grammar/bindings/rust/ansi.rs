//! ANSI rendering of highlight events: one SGR colour sequence per highlight name.
//!
//! Invariant: the output equals the source with escape sequences inserted only where the
//! effective style changes, and it always ends with the terminal's style reset if any style
//! was emitted, so the colours never leak into the terminal after the output.

use tree_sitter_highlight::HighlightEvent;

use crate::HIGHLIGHT_NAMES;

const RESET: &str = "\x1b[0m";

/// The SGR parameters for a highlight name, or `None` to keep the terminal's default style.
fn sgr_for(name: &str) -> Option<&'static str> {
    Some(match name {
        "attribute" => "95",
        "boolean" | "constant.builtin" => "1;31",
        "comment" => "3;90",
        "constructor" => "93",
        "function" => "34",
        "function.builtin" => "1;36",
        "keyword" => "1;35",
        "module" => "36",
        "number" => "31",
        "operator" => "33",
        "string" => "32",
        "string.escape" => "1;32",
        "string.special" => "92",
        "string.special.symbol" => "1;92",
        "type" => "1;33",
        "type.builtin" => "33",
        "variable.parameter" => "3",
        _ => return None,
    })
}

/// Renders the events produced by tree-sitter-highlight for `source`.
pub(crate) fn render(source: &str, events: &[HighlightEvent]) -> String {
    let mut out = String::with_capacity(source.len() * 2);
    // The style of every open highlight; the innermost one is in effect.
    let mut open: Vec<Option<&'static str>> = Vec::new();
    let mut emitted: Option<&'static str> = None;
    for event in events {
        match event {
            HighlightEvent::HighlightStart(highlight) => {
                let style = HIGHLIGHT_NAMES.get(highlight.0).and_then(|name| sgr_for(name));
                open.push(style);
            }
            HighlightEvent::HighlightEnd => {
                open.pop();
            }
            HighlightEvent::Source { start, end } => {
                let text = source.get(*start..*end).unwrap_or("");
                if text.is_empty() {
                    continue;
                }
                let wanted = open.last().copied().flatten();
                if wanted != emitted {
                    if emitted.is_some() {
                        out.push_str(RESET);
                    }
                    if let Some(sgr) = wanted {
                        out.push_str("\x1b[");
                        out.push_str(sgr);
                        out.push('m');
                    }
                    emitted = wanted;
                }
                out.push_str(text);
            }
        }
    }
    if emitted.is_some() {
        out.push_str(RESET);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_highlight_name_but_plain_identifiers_and_punctuation_has_a_colour() {
        let uncoloured =
            ["variable", "variable.member", "punctuation.bracket", "punctuation.delimiter"];
        for name in crate::HIGHLIGHT_NAMES {
            assert_eq!(
                super::sgr_for(name).is_none(),
                uncoloured.contains(name),
                "unexpected colour choice for `{name}`"
            );
        }
    }

    #[test]
    fn stripping_the_escape_sequences_gives_back_the_source() {
        let source = "@T.prim_func\ndef f(x: T.int32) -> T.int32:\n    return x + 1  # done\n";
        let rendered = crate::render_highlighted(source, crate::HighlightFormat::Ansi)
            .expect("highlighting succeeds");
        let mut stripped = String::new();
        let mut chars = rendered.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                stripped.push(c);
            }
        }
        assert_eq!(stripped, source);
        // The comment is the last coloured text; the style is reset before the final newline.
        assert!(rendered.ends_with(&format!("{}\n", super::RESET)), "{rendered:?}");
    }
}

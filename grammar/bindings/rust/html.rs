//! HTML rendering of highlight events: a standalone page whose `<pre>` holds the source with
//! each highlighted region in a `<span class="hl-NAME">` (dots in the name become dashes).
//!
//! Invariant: spans nest exactly as the highlight events do, every `<span>` is closed, and all
//! source text is escaped, so the page is well-formed for any input.

use std::fmt::Write as _;

use tree_sitter_highlight::HighlightEvent;

use crate::HIGHLIGHT_NAMES;

/// Colours for a light background, one rule per highlight name that gets a colour.
const STYLESHEET: &str = "\
body { margin: 0; background: #fafafa; }
pre.tvmscript { margin: 0; padding: 1em; color: #24292e; background: #fafafa;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 14px; line-height: 1.45; }
.hl-attribute { color: #a626a4; }
.hl-boolean, .hl-constant-builtin { color: #b31d28; font-weight: bold; }
.hl-comment { color: #6a737d; font-style: italic; }
.hl-constructor { color: #b08800; }
.hl-function { color: #005cc5; }
.hl-function-builtin { color: #0086b3; font-weight: bold; }
.hl-keyword { color: #d73a49; font-weight: bold; }
.hl-module { color: #0086b3; }
.hl-number { color: #b31d28; }
.hl-operator { color: #d73a49; }
.hl-string { color: #22863a; }
.hl-string-escape { color: #22863a; font-weight: bold; }
.hl-string-special { color: #1a7f37; font-style: italic; }
.hl-string-special-symbol { color: #1a7f37; font-weight: bold; }
.hl-type { color: #6f42c1; font-weight: bold; }
.hl-type-builtin { color: #6f42c1; }
.hl-variable-parameter { color: #e36209; }
";

/// The CSS class of a highlight name: `type.builtin` becomes `hl-type-builtin`.
fn class_for(name: &str) -> String {
    format!("hl-{}", name.replace('.', "-"))
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Renders the events produced by tree-sitter-highlight for `source` as a standalone page.
pub(crate) fn render(source: &str, events: &[HighlightEvent]) -> String {
    let mut out = String::with_capacity(source.len() * 3 + STYLESHEET.len() + 256);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<title>TVMScript</title>\n<style>\n");
    out.push_str(STYLESHEET);
    out.push_str("</style>\n</head>\n<body>\n<pre class=\"tvmscript\"><code>");
    let mut depth = 0usize;
    for event in events {
        match event {
            HighlightEvent::HighlightStart(highlight) => {
                let name = HIGHLIGHT_NAMES.get(highlight.0).copied().unwrap_or("unknown");
                // Writing to a String cannot fail.
                let _ = write!(out, "<span class=\"{}\">", class_for(name));
                depth += 1;
            }
            HighlightEvent::HighlightEnd => {
                if depth > 0 {
                    out.push_str("</span>");
                    depth -= 1;
                }
            }
            HighlightEvent::Source { start, end } => {
                push_escaped(&mut out, source.get(*start..*end).unwrap_or(""));
            }
        }
    }
    for _ in 0..depth {
        out.push_str("</span>");
    }
    out.push_str("</code></pre>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_coloured_name_has_a_stylesheet_rule() {
        let uncoloured =
            ["variable", "variable.member", "punctuation.bracket", "punctuation.delimiter"];
        for name in HIGHLIGHT_NAMES.iter().filter(|name| !uncoloured.contains(name)) {
            let selector = format!(".{}", class_for(name));
            assert!(
                STYLESHEET.contains(&format!("{selector} "))
                    || STYLESHEET.contains(&format!("{selector},")),
                "no rule for `{name}`"
            );
        }
    }

    #[test]
    fn source_text_is_escaped_and_spans_are_balanced() {
        let source = "x = a < b and c > d  # <b>&amp;</b>\n";
        let page = crate::render_highlighted(source, crate::HighlightFormat::Html)
            .expect("highlighting succeeds");
        assert!(
            page.contains("&lt;b&gt;&amp;amp;&lt;/b&gt;"),
            "comment text must be escaped: {page}"
        );
        assert_eq!(page.matches("<span").count(), page.matches("</span>").count());
        assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
    }
}

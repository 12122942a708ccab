//! The project-wide diagnostic type, shared by every layer (lexer, parser, evaluator, verifier, CLI).
//!
//! A [`Diagnostic`] is a message with one primary span, optional secondary labels and an optional hint.
//! It knows nothing about the file it came from: rendering takes a [`SourceFile`] beside it.
//!
//! Invariants:
//! - Every span is a byte range `start..end` into the text of the file the diagnostic was produced for,
//!   with `start <= end <= text.len()`, and both ends on UTF-8 char boundaries. Producers guarantee this;
//!   consumers still clamp defensively ([`SourceFile::clamp`]) so a wrong span never panics.
//! - A zero-width span (`n..n`) is allowed and points between two characters (e.g. "end of input").
//! - Rendering is deterministic: with `color: false` the output contains no escape codes, so it can be
//!   compared byte for byte against golden files.
//! - Lines and columns are 1-based; columns count characters (not bytes) from the start of the line.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is rejected.
    Error,
    /// The input is accepted but probably not what the author meant.
    Warning,
    /// Extra information attached to another diagnostic.
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// A secondary label: a span with a short explanation (e.g. "first defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Byte range into the file's text.
    pub span: Range<usize>,
    /// Text shown next to the span.
    pub text: String,
}

/// One message about one place in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// The headline, e.g. "unterminated string literal".
    pub message: String,
    /// Byte range of the exact place the message is about.
    pub span: Range<usize>,
    /// Text shown at the primary span (when empty, the rendering says "here").
    pub label: String,
    /// Other relevant places.
    pub secondary: Vec<Label>,
    /// A suggestion on how to fix the problem.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `span` with `message`, no label text and no hint.
    pub fn error(message: impl Into<String>, span: Range<usize>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: String::new(),
            secondary: Vec::new(),
            hint: None,
        }
    }

    /// A warning at `span` with `message`.
    pub fn warning(message: impl Into<String>, span: Range<usize>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message, span) }
    }

    /// Whether this diagnostic is an error (rather than a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sets the text shown at the primary span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds a secondary label.
    pub fn with_secondary(mut self, span: Range<usize>, text: impl Into<String>) -> Self {
        self.secondary.push(Label { span, text: text.into() });
        self
    }

    /// Sets the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Renders this diagnostic as an ariadne report. With `color: false` the output is plain text and
    /// deterministic (used by golden tests); with `color: true` it carries ANSI colours for terminals.
    pub fn render(&self, file: &SourceFile, color: bool) -> String {
        use ariadne::{Color, Config, IndexType, Label as ALabel, Report, ReportKind, Source};

        let kind = match self.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
            Severity::Note => ReportKind::Advice,
        };
        let name = file.name.as_str();
        let primary = file.clamp(&self.span);
        // ariadne draws no underline for a label without text, so an empty label reads "here".
        let label_text = if self.label.is_empty() { "here" } else { self.label.as_str() };
        let mut primary_label =
            ALabel::new((name, primary.clone())).with_order(0).with_message(label_text);
        if color {
            primary_label = primary_label.with_color(Color::Red);
        }
        let config = Config::default().with_color(color).with_index_type(IndexType::Byte);
        let mut report = Report::build(kind, (name, primary))
            .with_config(config)
            .with_message(&self.message)
            .with_label(primary_label);
        for (i, label) in self.secondary.iter().enumerate() {
            let mut l = ALabel::new((name, file.clamp(&label.span)))
                .with_message(&label.text)
                .with_order(i as i32 + 1);
            if color {
                l = l.with_color(Color::Blue);
            }
            report = report.with_label(l);
        }
        if let Some(hint) = &self.hint {
            report = report.with_help(hint);
        }
        let mut out = Vec::new();
        // Writing into a Vec cannot fail for I/O reasons; ariadne only fails on a missing source,
        // and we hand it the one source it asks for. Fall back to a one-line form regardless.
        match report.finish().write((name, Source::from(file.text.as_str())), &mut out) {
            Ok(()) => String::from_utf8_lossy(&out).into_owned(),
            Err(_) => self.one_line(file),
        }
    }

    /// A compact single-line form: `file:line:col: severity: message`.
    pub fn one_line(&self, file: &SourceFile) -> String {
        let (line, col) = file.line_col(self.span.start);
        format!("{}:{}:{}: {}: {}", file.name, line, col, self.severity, self.message)
    }

    /// The machine-readable form used by `--message-format json`.
    pub fn to_json(&self, file: &SourceFile) -> JsonDiagnostic {
        let span = file.clamp(&self.span);
        let (line_start, column_start) = file.line_col(span.start);
        let (line_end, column_end) = file.line_col(span.end);
        JsonDiagnostic {
            file: file.name.clone(),
            severity: self.severity,
            message: self.message.clone(),
            label: self.label.clone(),
            byte_start: span.start,
            byte_end: span.end,
            line_start,
            column_start,
            line_end,
            column_end,
            hint: self.hint.clone(),
        }
    }

    /// The JSON form as one line of text (no trailing newline).
    pub fn to_json_string(&self, file: &SourceFile) -> String {
        // Serialising a struct of strings and integers cannot fail.
        serde_json::to_string(&self.to_json(file)).unwrap_or_default()
    }
}

impl fmt::Display for Diagnostic {
    /// `severity: message`, without position (use [`Diagnostic::one_line`] or
    /// [`Diagnostic::render`] to show where).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity, self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// The serialised shape of a diagnostic for editors and tools (one JSON object per diagnostic).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JsonDiagnostic {
    /// File name as given to [`SourceFile::new`].
    pub file: String,
    /// "error", "warning" or "note".
    pub severity: Severity,
    /// The headline.
    pub message: String,
    /// Text at the primary span (may be empty).
    pub label: String,
    /// Byte offset of the span start.
    pub byte_start: usize,
    /// Byte offset of the span end (exclusive).
    pub byte_end: usize,
    /// 1-based line of the span start.
    pub line_start: usize,
    /// 1-based character column of the span start.
    pub column_start: usize,
    /// 1-based line of the span end.
    pub line_end: usize,
    /// 1-based character column of the span end.
    pub column_end: usize,
    /// Suggestion, if any.
    pub hint: Option<String>,
}

/// A named source text with a line index for byte → line/column conversion.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Name shown in reports (usually the path as the user typed it).
    pub name: String,
    /// The full text; spans index into it.
    pub text: String,
    /// Byte offset of the start of every line; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Builds the line index. Lines end at `\n` (a preceding `\r` belongs to the line's end).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts
            .extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        SourceFile { name: name.into(), text, line_starts }
    }

    /// Clamps a span into the text and onto char boundaries, so rendering never panics.
    pub fn clamp(&self, span: &Range<usize>) -> Range<usize> {
        let fix = |mut at: usize| {
            at = at.min(self.text.len());
            while !self.text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let start = fix(span.start);
        let end = fix(span.end).max(start);
        start..end
    }

    /// 1-based line and 1-based character column of a byte offset (clamped into the text).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(&(offset..offset)).start;
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        (line + 1, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a.tir", "ab\r\nçd\nx");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 1));
        // 'ç' is two bytes; 'd' is the second character.
        assert_eq!(f.line_col(6), (2, 2));
        assert_eq!(f.line_col(8), (3, 1));
        assert_eq!(f.line_col(100), (3, 2));
    }

    #[test]
    fn clamp_moves_to_char_boundary() {
        let f = SourceFile::new("a", "ç");
        assert_eq!(f.clamp(&(1..5)), 0..2);
    }

    #[test]
    fn render_is_plain_without_color() {
        let f = SourceFile::new("a.tir", "x = (1 +\n");
        let d = Diagnostic::error("unexpected end of line", 8..9)
            .with_label("expected an expression")
            .with_hint("close the bracket");
        let text = d.render(&f, false);
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("a.tir:1:9"), "{text}");
        assert!(text.contains("expected an expression"), "{text}");
        assert!(text.contains("close the bracket"), "{text}");
    }

    #[test]
    fn empty_label_still_underlines() {
        let f = SourceFile::new("a.tir", "x = foo(1)\n");
        let text = Diagnostic::error("no label", 4..7).render(&f, false);
        assert!(text.contains("─┬─"), "{text}");
        assert!(text.contains("here"), "{text}");
    }

    #[test]
    fn display_and_one_line() {
        let f = SourceFile::new("a.tir", "ab\ncd");
        let d = Diagnostic::warning("odd", 4..5);
        assert_eq!(d.to_string(), "warning: odd");
        assert_eq!(d.one_line(&f), "a.tir:2:2: warning: odd");
    }

    #[test]
    fn json_has_positions() {
        let f = SourceFile::new("a.tir", "ab\ncd");
        let d = Diagnostic::error("bad", 3..5);
        let v: serde_json::Value = serde_json::from_str(&d.to_json_string(&f)).unwrap();
        assert_eq!(v["line_start"], 2);
        assert_eq!(v["column_start"], 1);
        assert_eq!(v["column_end"], 3);
        assert_eq!(v["byte_end"], 5);
        assert_eq!(v["severity"], "error");
    }
}

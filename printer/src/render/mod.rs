//! The renderer: Doc tree → Python-style text, byte-identical to TVM v0.23's Python doc printer
//! (`DocToPythonScript`).
//!
//! The output is built in one pass into a `String`: TVM never wraps lines (one statement per
//! line), so a direct writer is both the simplest exact model and the fastest; a layout engine
//! such as `pretty` would add nothing but cost.
//!
//! Invariants of the writer (they mirror TVM's `DocPrinter` and matter for underlining):
//! - every newline written with indentation records the start of the next line and marks
//!   the newline plus its indentation as "exempt" (never underlined); newlines written without
//!   indentation (after a function, inside doc strings) do not start a recorded line, exactly as
//!   in TVM, so a recorded "line" may contain several text lines;
//! - comments and doc strings are exempt from underlining;
//! - each doc's span is the bytes written while printing it, parentheses added by its parent
//!   excluded.
//!
//! After printing, trailing spaces are removed and a final newline added; the text is then
//! decorated with underlines (and line numbers if asked), and finally all trailing whitespace
//! is removed (so the result never ends with a newline, like TVM's `script()`).

mod expr;
mod stmt;
mod underline;

use std::fmt;

use crate::expr::ExprDoc;
use crate::path::SourcePath;
use crate::stmt::StmtDoc;

/// Layout options, as the layout-related fields of TVM's `PrinterConfig`.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Spaces per indentation level (TVM default 4).
    pub indent_spaces: usize,
    /// Prefix each printed line with its right-aligned 1-based number and a space.
    pub print_line_numbers: bool,
    /// With underlines, how many lines of context to keep around each underlined span; other
    /// lines are replaced by `(... N lines skipped ...)`. `None` keeps every line (TVM's -1).
    pub num_context_lines: Option<usize>,
    /// Paths whose docs are underlined with `^` lines. For each path, the docs underlined are
    /// those carrying the deepest source path that is a prefix of it (all of them, if several
    /// docs carry paths of that depth).
    pub paths_to_underline: Vec<SourcePath>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            indent_spaces: 4,
            print_line_numbers: false,
            num_context_lines: None,
            paths_to_underline: Vec::new(),
        }
    }
}

/// Why a doc tree cannot be rendered (TVM rejects the same trees with a check failure).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderError {
    /// A statement whose comment goes on the same line (assign, expression statement, assert,
    /// return) has a comment containing a newline.
    MultilineInlineComment {
        /// The offending comment.
        comment: String,
    },
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::MultilineInlineComment { comment } => write!(
                f,
                "the comment of an assign, expression, assert or return statement cannot contain a newline: {comment:?}"
            ),
        }
    }
}

impl std::error::Error for RenderError {}

/// Renders one statement (use a [`StmtKind::Block`](crate::StmtKind::Block) for several).
pub fn render(doc: &StmtDoc, options: &RenderOptions) -> Result<String, RenderError> {
    let mut printer = Printer::new(options);
    printer.print_stmt(doc)?;
    Ok(printer.finish())
}

/// Renders statements as a block (one per line), without building a block doc.
pub fn render_stmts(stmts: &[StmtDoc], options: &RenderOptions) -> Result<String, RenderError> {
    let mut printer = Printer::new(options);
    printer.print_stmt_sequence(stmts)?;
    Ok(printer.finish())
}

/// Renders an expression as TVM does for an expression-only script (an expression statement).
pub fn render_expr(expr: &ExprDoc, options: &RenderOptions) -> String {
    let mut printer = Printer::new(options);
    printer.print_expr(expr);
    printer.finish()
}

/// A byte range `start..end` of the output.
pub(crate) type Span = (usize, usize);

/// Appends `count` spaces.
pub(crate) fn push_spaces(out: &mut String, count: usize) {
    const SPACES: &str = "                                                                ";
    let mut remaining = count;
    while remaining > 0 {
        let chunk = remaining.min(SPACES.len());
        out.push_str(&SPACES[..chunk]);
        remaining -= chunk;
    }
}

/// Underline bookkeeping for one requested path: the deepest matching depth seen so far and the
/// spans of docs matching at that depth.
struct UnderlineTarget<'a> {
    path: &'a SourcePath,
    max_depth: usize,
    candidates: Vec<Span>,
}

/// The output writer; see the module docs for its invariants.
pub(crate) struct Printer<'a> {
    options: &'a RenderOptions,
    out: String,
    indent: usize,
    /// Whether line starts and exempt spans are recorded (only needed for decoration).
    track: bool,
    line_starts: Vec<usize>,
    exempted: Vec<Span>,
    targets: Vec<UnderlineTarget<'a>>,
}

impl<'a> Printer<'a> {
    fn new(options: &'a RenderOptions) -> Self {
        let targets: Vec<UnderlineTarget<'a>> = options
            .paths_to_underline
            .iter()
            .map(|path| UnderlineTarget { path, max_depth: 0, candidates: Vec::new() })
            .collect();
        Printer {
            options,
            out: String::with_capacity(4096),
            indent: 0,
            track: !targets.is_empty() || options.print_line_numbers,
            line_starts: vec![0],
            exempted: Vec::new(),
            targets,
        }
    }

    /// Whether any source path can matter (so docs' paths need to be looked at).
    fn underlining(&self) -> bool {
        !self.targets.is_empty()
    }

    /// The current output position.
    fn pos(&self) -> usize {
        self.out.len()
    }

    /// Writes a newline and the current indentation.
    fn newline(&mut self) {
        let start = self.out.len();
        self.out.push('\n');
        if self.track {
            self.line_starts.push(self.out.len());
        }
        push_spaces(&mut self.out, self.indent);
        self.exempt((start, self.out.len()));
    }

    /// Writes a newline without indentation and without starting a recorded line.
    fn newline_without_indent(&mut self) {
        let start = self.out.len();
        self.out.push('\n');
        self.exempt((start, self.out.len()));
    }

    fn exempt(&mut self, span: Span) {
        if self.track {
            self.exempted.push(span);
        }
    }

    fn increase_indent(&mut self) {
        self.indent += self.options.indent_spaces;
    }

    fn decrease_indent(&mut self) {
        self.indent = self.indent.saturating_sub(self.options.indent_spaces);
    }

    /// Records that `span` holds the doc carrying `path`.
    fn mark(&mut self, span: Span, path: &SourcePath) {
        let depth = path.depth();
        for target in &mut self.targets {
            if depth >= target.max_depth && path.is_prefix_of(target.path) {
                if depth > target.max_depth {
                    target.max_depth = depth;
                    target.candidates.clear();
                }
                target.candidates.push(span);
            }
        }
    }

    /// Records the spans of a list of paths.
    fn mark_all(&mut self, span: Span, paths: &[SourcePath]) {
        for path in paths {
            self.mark(span, path);
        }
    }

    /// Finishes the output as TVM's `GetString` followed by `DocToPythonScript`'s final trim.
    fn finish(self) -> String {
        let mut text = self.out;
        while text.ends_with(' ') {
            text.pop();
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        let mut result = if self.track {
            let spans: Vec<Span> =
                self.targets.into_iter().flat_map(|target| target.candidates).collect();
            let underlines = underline::merge_and_exempt(&spans, &self.exempted);
            underline::decorate(&text, &self.line_starts, self.options, &underlines)
        } else {
            text
        };
        // C `isspace`: space, \t, \n, \v, \f, \r.
        let trimmed_len = result.trim_end_matches([' ', '\t', '\n', '\u{b}', '\u{c}', '\r']).len();
        result.truncate(trimmed_len);
        result
    }
}

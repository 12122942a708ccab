//! Finding the syntax errors tree-sitter recovered from: ERROR nodes (unexpected text) and
//! MISSING nodes (tokens the parser had to invent).
//!
//! Invariant: problems are reported in document order, and no problem is reported inside an
//! ERROR node, whose contents are unreliable by definition.

use std::fmt;

/// What kind of syntax problem tree-sitter recovered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxProblemKind {
    /// Text that fits nowhere in the grammar (an ERROR node).
    Unexpected,
    /// A token the parser inserted to continue, such as a missing `)` (a MISSING node).
    Missing(String),
}

/// One syntax problem with its location; rows and columns are 0-based, columns in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxProblem {
    pub kind: SyntaxProblemKind,
    pub start: tree_sitter::Point,
    pub end: tree_sitter::Point,
    pub byte_range: std::ops::Range<usize>,
}

impl fmt::Display for SyntaxProblem {
    /// Formats as `line:column: message` with 1-based line and column numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.start.row + 1, self.start.column + 1)?;
        match &self.kind {
            SyntaxProblemKind::Unexpected => write!(
                f,
                "unexpected text up to {}:{} (ERROR node)",
                self.end.row + 1,
                self.end.column + 1
            ),
            SyntaxProblemKind::Missing(kind) => write!(f, "missing `{kind}` (MISSING node)"),
        }
    }
}

/// Why a source could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum SyntaxCheckError {
    #[error("the TVMScript grammar could not be loaded: {0}")]
    Language(#[from] tree_sitter::LanguageError),
    #[error("the parser returned no tree")]
    NoTree,
}

/// Parses `source` with the TVMScript grammar and lists its ERROR and MISSING nodes.
pub fn syntax_problems(source: &str) -> Result<Vec<SyntaxProblem>, SyntaxCheckError> {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&crate::language())?;
    let tree = parser.parse(source, None).ok_or(SyntaxCheckError::NoTree)?;
    let mut problems = Vec::new();
    collect_problems(tree.root_node(), &mut problems);
    Ok(problems)
}

fn collect_problems(node: tree_sitter::Node<'_>, problems: &mut Vec<SyntaxProblem>) {
    let problem = |kind| SyntaxProblem {
        kind,
        start: node.start_position(),
        end: node.end_position(),
        byte_range: node.byte_range(),
    };
    if node.is_error() {
        problems.push(problem(SyntaxProblemKind::Unexpected));
        return;
    }
    if node.is_missing() {
        problems.push(problem(SyntaxProblemKind::Missing(node.kind().to_string())));
        return;
    }
    if !node.has_error() {
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect_problems(child, problems);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_kernel_has_no_problems() {
        let source =
            "@T.prim_func\ndef f(A: T.Buffer((4,), \"float32\")):\n    A[0] = T.float32(1)\n";
        assert_eq!(
            syntax_problems(source).expect("the grammar loads"),
            Vec::new()
        );
    }

    #[test]
    fn an_unclosed_call_is_reported_with_its_position() {
        let problems = syntax_problems("x = T.grid(1, 2\ny = 3\n").expect("the grammar loads");
        assert!(!problems.is_empty(), "an unclosed call must be reported");
        assert_eq!(
            problems[0].start.row, 0,
            "the problem starts at the broken statement: {problems:?}"
        );
    }

    #[test]
    fn stray_text_is_an_unexpected_problem() {
        let problems = syntax_problems("x = 1 2\n").expect("the grammar loads");
        assert!(
            problems
                .iter()
                .any(|p| p.kind == SyntaxProblemKind::Unexpected),
            "`1 2` is not an expression: {problems:?}"
        );
    }
}

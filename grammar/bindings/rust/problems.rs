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

/// Walks the tree with a cursor (no recursion, so deeply nested input cannot exhaust the
/// stack), skipping subtrees without errors and never descending into an ERROR node.
fn collect_problems(root: tree_sitter::Node<'_>, problems: &mut Vec<SyntaxProblem>) {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let kind = if node.is_error() {
            Some(SyntaxProblemKind::Unexpected)
        } else if node.is_missing() {
            Some(SyntaxProblemKind::Missing(node.kind().to_string()))
        } else {
            None
        };
        let descend = kind.is_none() && node.has_error();
        if let Some(kind) = kind {
            problems.push(SyntaxProblem {
                kind,
                start: node.start_position(),
                end: node.end_position(),
                byte_range: node.byte_range(),
            });
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        // Move to the next sibling, climbing up as long as there is none.
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_kernel_has_no_problems() {
        let source =
            "@T.prim_func\ndef f(A: T.Buffer((4,), \"float32\")):\n    A[0] = T.float32(1)\n";
        assert_eq!(syntax_problems(source).expect("the grammar loads"), Vec::new());
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
    fn deeply_nested_brackets_do_not_exhaust_the_stack() {
        let depth = 20_000;
        let source = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth - 1));
        let problems = syntax_problems(&source).expect("the grammar loads");
        assert!(!problems.is_empty(), "one closing bracket is missing");
    }

    #[test]
    fn stray_text_is_an_unexpected_problem() {
        let problems = syntax_problems("x = 1 2\n").expect("the grammar loads");
        assert!(
            problems.iter().any(|p| p.kind == SyntaxProblemKind::Unexpected),
            "`1 2` is not an expression: {problems:?}"
        );
    }
}

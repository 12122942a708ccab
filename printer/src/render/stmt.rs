//! Printing statement docs: indentation, comments, doc strings and blank lines as TVM does.
//!
//! Layout rules (TVM's):
//! - a block prints its statements separated by newlines at the current indentation;
//! - an indented body starts each statement on a new, deeper-indented line; an empty body is
//!   `pass`;
//! - decorators print as `@expr` lines above `def`/`class`;
//! - a function ends with an unindented newline, which makes the blank line between
//!   consecutive functions (and never leaves trailing spaces on it);
//! - see [`crate::stmt`] for where each kind puts its comment.

use super::{Printer, RenderError};
use crate::expr::{ExprDoc, ExprKind};
use crate::stmt::{ArgDoc, ClassDoc, FunctionDoc, StmtDoc, StmtKind};

/// Splits text into lines as C++ `std::getline` does: a final newline does not start another
/// line, and empty text has no lines.
fn comment_lines(text: &str) -> impl Iterator<Item = &str> {
    text.strip_suffix('\n').unwrap_or(text).split('\n').take(if text.is_empty() {
        0
    } else {
        usize::MAX
    })
}

impl Printer<'_> {
    /// Prints a statement and records its span for each of its source paths.
    pub(crate) fn print_stmt(&mut self, stmt: &StmtDoc) -> Result<(), RenderError> {
        let start = self.pos();
        match &stmt.kind {
            StmtKind::Block(stmts) => self.print_stmt_sequence(stmts)?,
            StmtKind::Assign { lhs, rhs, annotation } => {
                self.print_assign_parts(lhs, rhs.as_ref(), annotation.as_ref());
                self.print_inline_comment(stmt)?;
            }
            StmtKind::If { predicate, then_branch, else_branch } => {
                self.print_leading_comment(stmt, true);
                self.out.push_str("if ");
                self.print_expr(predicate);
                self.out.push(':');
                self.print_indented_block(then_branch)?;
                if !else_branch.is_empty() {
                    self.newline();
                    self.out.push_str("else:");
                    self.print_indented_block(else_branch)?;
                }
            }
            StmtKind::While { predicate, body } => {
                self.print_leading_comment(stmt, true);
                self.out.push_str("while ");
                self.print_expr(predicate);
                self.out.push(':');
                self.print_indented_block(body)?;
            }
            StmtKind::For { lhs, rhs, body } => {
                self.print_leading_comment(stmt, true);
                self.out.push_str("for ");
                match lhs.kind() {
                    ExprKind::Tuple(elements) if elements.len() == 1 => {
                        self.print_expr(&elements[0]);
                        self.out.push(',');
                    }
                    ExprKind::Tuple(elements) => self.print_joined(elements),
                    _ => self.print_expr(lhs),
                }
                self.out.push_str(" in ");
                self.print_expr(rhs);
                self.out.push(':');
                self.print_indented_block(body)?;
            }
            StmtKind::Scope { lhs, rhs, body } => {
                self.print_leading_comment(stmt, true);
                self.out.push_str("with ");
                self.print_expr(rhs);
                if let Some(lhs) = lhs {
                    self.out.push_str(" as ");
                    self.print_expr(lhs);
                }
                self.out.push(':');
                self.print_indented_block(body)?;
            }
            StmtKind::Expr(expr) => {
                self.print_expr(expr);
                self.print_inline_comment(stmt)?;
            }
            StmtKind::Assert { test, msg } => {
                self.out.push_str("assert ");
                self.print_expr(test);
                if let Some(msg) = msg {
                    self.out.push_str(", ");
                    self.print_expr(msg);
                }
                self.print_inline_comment(stmt)?;
            }
            StmtKind::Return(value) => {
                self.out.push_str("return ");
                self.print_expr(value);
                self.print_inline_comment(stmt)?;
            }
            StmtKind::Function(function) => {
                self.print_function(function, stmt.comment.as_deref())?
            }
            StmtKind::Class(class) => self.print_class(class, stmt.comment.as_deref())?,
            StmtKind::Comment(text) => self.print_comment_lines(text, false),
            StmtKind::DocString(text) => {
                if !text.is_empty() {
                    self.print_doc_string(text);
                }
            }
        }
        if self.underlining() {
            self.mark_all((start, self.pos()), &stmt.source_paths);
        }
        Ok(())
    }

    /// Prints statements separated by newlines (a block's contents).
    pub(crate) fn print_stmt_sequence(&mut self, stmts: &[StmtDoc]) -> Result<(), RenderError> {
        for (position, stmt) in stmts.iter().enumerate() {
            self.print_stmt(stmt)?;
            if position + 1 != stmts.len() {
                self.newline();
            }
        }
        Ok(())
    }

    /// `lhs: annotation = rhs`, with TVM's tuple unpacking on both sides.
    fn print_assign_parts(
        &mut self,
        lhs: &ExprDoc,
        rhs: Option<&ExprDoc>,
        annotation: Option<&ExprDoc>,
    ) {
        match lhs.kind() {
            ExprKind::Tuple(elements) => self.print_joined(elements),
            _ => self.print_expr(lhs),
        }
        if let Some(annotation) = annotation {
            self.out.push_str(": ");
            self.print_expr(annotation);
        }
        if let Some(rhs) = rhs {
            self.out.push_str(" = ");
            match rhs.kind() {
                ExprKind::Tuple(elements) if elements.len() > 1 => self.print_joined(elements),
                _ => self.print_expr(rhs),
            }
        }
    }

    fn print_arg(&mut self, arg: &ArgDoc) {
        let start = self.pos();
        self.print_assign_parts(&arg.lhs, arg.default.as_ref(), arg.annotation.as_ref());
        if self.underlining() {
            self.mark_all((start, self.pos()), &arg.source_paths);
        }
    }

    fn print_indented_block(&mut self, stmts: &[StmtDoc]) -> Result<(), RenderError> {
        self.increase_indent();
        for stmt in stmts {
            self.newline();
            self.print_stmt(stmt)?;
        }
        if stmts.is_empty() {
            self.newline();
            self.out.push_str("pass");
        }
        self.decrease_indent();
        Ok(())
    }

    fn print_decorators(&mut self, decorators: &[ExprDoc]) {
        for decorator in decorators {
            self.out.push('@');
            self.print_expr(decorator);
            self.newline();
        }
    }

    fn print_function(
        &mut self,
        function: &FunctionDoc,
        comment: Option<&str>,
    ) -> Result<(), RenderError> {
        self.print_decorators(&function.decorators);
        self.out.push_str("def ");
        self.print_expr(&function.name);
        self.out.push('(');
        for (position, arg) in function.args.iter().enumerate() {
            if position > 0 {
                self.out.push_str(", ");
            }
            self.print_arg(arg);
        }
        self.out.push(')');
        if let Some(return_type) = &function.return_type {
            self.out.push_str(" -> ");
            self.print_expr(return_type);
        }
        self.out.push(':');
        if let Some(comment) = comment {
            self.print_block_doc_string(comment);
        }
        self.print_indented_block(&function.body)?;
        self.newline_without_indent();
        Ok(())
    }

    fn print_class(&mut self, class: &ClassDoc, comment: Option<&str>) -> Result<(), RenderError> {
        self.print_decorators(&class.decorators);
        self.out.push_str("class ");
        self.print_expr(&class.name);
        self.out.push(':');
        if let Some(comment) = comment {
            self.print_block_doc_string(comment);
        }
        self.print_indented_block(&class.body)
    }

    /// `  # comment` after a one-line statement.
    fn print_inline_comment(&mut self, stmt: &StmtDoc) -> Result<(), RenderError> {
        if let Some(comment) = &stmt.comment {
            if comment.contains('\n') {
                return Err(RenderError::MultilineInlineComment { comment: comment.clone() });
            }
            let start = self.pos();
            self.out.push_str("  # ");
            self.out.push_str(comment);
            self.exempt((start, self.pos()));
        }
        Ok(())
    }

    /// `# line` lines before a compound statement, then a newline.
    fn print_leading_comment(&mut self, stmt: &StmtDoc, newline_after: bool) {
        if let Some(comment) = &stmt.comment {
            self.print_comment_lines(comment, newline_after);
        }
    }

    fn print_comment_lines(&mut self, text: &str, newline_after: bool) {
        let start = self.pos();
        for (position, line) in comment_lines(text).enumerate() {
            if position > 0 {
                self.newline();
            }
            self.out.push_str("# ");
            self.out.push_str(line);
        }
        self.exempt((start, self.pos()));
        if newline_after {
            self.newline();
        }
    }

    /// A `"""` doc string at the current indentation; empty lines get no indentation.
    fn print_doc_string(&mut self, text: &str) {
        let start = self.pos();
        self.out.push_str("\"\"\"");
        for line in comment_lines(text) {
            if line.is_empty() {
                self.out.push('\n');
            } else {
                self.newline();
                self.out.push_str(line);
            }
        }
        self.newline();
        self.out.push_str("\"\"\"");
        self.exempt((start, self.pos()));
    }

    /// A function's or class's comment, as a doc string one level deeper.
    fn print_block_doc_string(&mut self, text: &str) {
        self.increase_indent();
        self.newline();
        self.print_doc_string(text);
        self.decrease_indent();
    }
}

#[cfg(test)]
mod tests {
    use super::comment_lines;

    #[test]
    fn comment_lines_follow_getline() {
        fn lines(text: &str) -> Vec<&str> {
            comment_lines(text).collect()
        }
        assert_eq!(lines(""), Vec::<&str>::new());
        assert_eq!(lines("a"), vec!["a"]);
        assert_eq!(lines("a\n"), vec!["a"]);
        assert_eq!(lines("\n"), vec![""]);
        assert_eq!(lines("a\n\nb"), vec!["a", "", "b"]);
        assert_eq!(lines("a\n\n"), vec!["a", ""]);
    }
}

//! The TIR printer: IR → Doc (the dialect-free tree of `tirscript_printer`) → TVMScript text.
//!
//! The output is byte-identical to TVM v0.23's `IRModule.script()` / `PrimFunc.script()` for the
//! same IR: the same sugar (`T.Buffer` parameters, `T.grid`, `T.axis.remap`, the implicit root
//! block, concise `let`/`assert`/`decl_buffer` scoping, `return`), the same naming (name hints
//! made unique with `_1`, `_2`, ... suffixes, names freed when their scope closes), the same
//! placement of free variable declarations, and the same literal forms.
//!
//! Structure, one idea per file, following TVM's `src/script/printer/tir/*.cc`:
//! - [`docsifier`]: the printing state: frames, defined names, metadata, options;
//! - `prefix`: where each variable's uses meet (TVM's "common prefix"), which decides the frame a
//!   free variable is declared in;
//! - `expr`, `values`, `buffer`, `stmt`, `block`, `for_loop`, `func`: one file per group of nodes;
//! - `ops`: the TVMScript names of operators and where their dtype is printed;
//! - `path`: source paths attached to docs, so a caller can underline the node at a structural
//!   equality path ([`print_underlined`]).
//!
//! Invariants: printing is total (any IR the builder accepts prints, ill-formed IR included, as
//! TVM's printer never throws on it); names never collide with `T`, `I`, `R`, `cls`, the module
//! name or each other within a scope; the text never ends with a newline (as TVM's `script()`),
//! so a file is the text plus `"\n"`.

mod block;
mod buffer;
pub mod docsifier;
mod expr;
mod for_loop;
mod func;
mod ops;
mod path;
mod prefix;
mod source;
mod stmt;
mod values;

use tirscript_printer::{RenderOptions, SourcePath, StmtDoc};

use crate::analysis::path::ObjectPath;
use crate::ir::{Buffer, IRModule, PrimExpr, PrimFunc, Stmt};

pub use path::to_source_path;
pub use source::{format_source, is_lone_function_source, print_script};

/// Printer options, as the corresponding fields of TVM's `PrinterConfig`.
#[derive(Clone, Debug)]
pub struct PrintOptions {
    /// Spaces per indentation level (TVM default 4).
    pub indent_spaces: usize,
    /// For an expression, keep the declarations of its free variables and buffers above it
    /// (TVM's `verbose_expr`); otherwise only the expression prints.
    pub verbose_expr: bool,
    /// Print the metadata section's content instead of a comment saying it was omitted.
    pub show_meta: bool,
    /// Use TVMScript's syntax sugar (TVM default `True`; `assert_structural_equal` prints
    /// without it).
    pub syntax_sugar: bool,
    /// Prefix each line with its number.
    pub print_line_numbers: bool,
    /// With underlines, the lines of context kept around each underlined span (`None`: all).
    pub num_context_lines: Option<usize>,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            indent_spaces: 4,
            verbose_expr: false,
            show_meta: false,
            syntax_sugar: true,
            print_line_numbers: false,
            num_context_lines: None,
        }
    }
}

/// Any printable IR node, as the objects TVM's `.script()` accepts.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    Module(&'a IRModule),
    Func(&'a PrimFunc),
    /// A function printed under a given name (as a module prints its functions).
    NamedFunc(&'a PrimFunc, &'a str),
    Stmt(&'a Stmt),
    Expr(&'a PrimExpr),
    Buffer(&'a Buffer),
}

/// Prints a module: header comments, `@I.ir_module`, `class Module:` and its functions.
pub fn print_module(module: &IRModule, options: &PrintOptions) -> String {
    print_node(Node::Module(module), options)
}

/// Prints a function on its own, named by its `global_symbol` (or `main`).
pub fn print_func(func: &PrimFunc, options: &PrintOptions) -> String {
    print_node(Node::Func(func), options)
}

/// Prints a statement fragment, after declarations of its free variables and buffers.
pub fn print_stmt(stmt: &Stmt, options: &PrintOptions) -> String {
    print_node(Node::Stmt(stmt), options)
}

/// Prints an expression (with its free variables declared above it under `verbose_expr`).
pub fn print_expr(expr: &PrimExpr, options: &PrintOptions) -> String {
    print_node(Node::Expr(expr), options)
}

/// Prints a buffer: its declaration, then its name.
pub fn print_buffer(buffer: &Buffer, options: &PrintOptions) -> String {
    print_node(Node::Buffer(buffer), options)
}

/// Prints any node.
pub fn print_node(node: Node<'_>, options: &PrintOptions) -> String {
    print_with_underlines(node, &[], options)
}

/// Prints `node` with the docs of the nodes at `paths` underlined by `^` lines, as TVM's
/// `assert_structural_equal` shows a mismatch. Paths are those of `analysis::structural_eq`
/// (rooted at `node`).
pub fn print_underlined(node: Node<'_>, paths: &[ObjectPath], options: &PrintOptions) -> String {
    let paths: Vec<SourcePath> = paths.iter().map(to_source_path).collect();
    print_with_underlines(node, &paths, options)
}

fn print_with_underlines(node: Node<'_>, paths: &[SourcePath], options: &PrintOptions) -> String {
    let stmts = docsifier::Docsifier::new(options, !paths.is_empty()).docsify(node);
    render(stmts, paths, options)
}

/// Renders the statements of a script with the layout options of `options`.
fn render(stmts: Vec<StmtDoc>, paths: &[SourcePath], options: &PrintOptions) -> String {
    let render_options = RenderOptions {
        indent_spaces: options.indent_spaces,
        print_line_numbers: options.print_line_numbers,
        num_context_lines: options.num_context_lines,
        paths_to_underline: paths.to_vec(),
    };
    // The docsifier never attaches a comment to an assign, expression, assert or return
    // statement, so the one render error (a multi-line inline comment) cannot occur; should it
    // ever, the message is printed rather than lost.
    tirscript_printer::render_stmts(&stmts, &render_options)
        .unwrap_or_else(|error| format!("# {error}"))
}

#[cfg(test)]
mod tests;

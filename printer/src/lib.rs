//! The Doc IR: a dialect-free description of Python-style source, and its renderer to text.
//!
//! Nothing in this crate knows about TIR; dialect code builds doc trees and calls the renderer.
//! The vocabulary and the output follow TVM v0.23's script printer (`doc.h` and the Python doc
//! printer): rendering a doc tree gives, byte for byte, the text TVM's `DocToPythonScript` gives
//! for the same tree.
//!
//! - [`ExprDoc`] ([`ExprKind`]): literals, identifiers, attribute access, index (with
//!   [`SliceDoc`]s), calls with keyword arguments, unary/binary operations ([`UnaryOp`],
//!   [`BinaryOp`]), conditional expressions, lambdas, tuples, lists, dicts. Shared handles:
//!   cloning is cheap and source paths added to one clone are seen by all (as in TVM).
//! - [`StmtDoc`] ([`StmtKind`]): blocks, assignments, if/while/for/with, expression statements,
//!   assert, return, functions ([`FunctionDoc`], [`ArgDoc`]), classes ([`ClassDoc`]), comments
//!   and doc strings; each with an optional comment (see [`stmt`] for where it goes).
//! - [`SourcePath`]: where a doc came from in the source IR; [`RenderOptions::paths_to_underline`]
//!   asks the renderer to underline the docs of given paths with `^` lines.
//! - [`render()`], [`render_stmts`], [`render_expr`]: text out. Parentheses are added exactly where
//!   TVM adds them (see [`ops`] for the rules); the text never ends with a
//!   newline.
//!
//! For readers of TVM's printer sources, the correspondence is:
//!
//! | TVM (`doc.h`)                                   | here                                                   |
//! |-------------------------------------------------|--------------------------------------------------------|
//! | `LiteralDoc::None/Boolean/Int/Float/Str`        | [`ExprDoc::none`], [`bool`](ExprDoc::bool), [`int`](ExprDoc::int), [`float`](ExprDoc::float), [`str`](ExprDoc::str) |
//! | `IdDoc(name)`                                   | [`ExprDoc::id`]                                        |
//! | `e->Attr(n)`, `e[{...}]`, `e->Call(...)`        | [`ExprDoc::attr`], [`ExprDoc::index`], [`ExprDoc::call`] / [`ExprDoc::call_kw`] |
//! | `OperationDoc(kind, operands)`                  | [`ExprDoc::unary`], [`ExprDoc::binary`], [`ExprDoc::if_then_else`] |
//! | `LambdaDoc`, `TupleDoc`, `ListDoc`, `DictDoc`   | [`ExprDoc::lambda`], [`tuple`](ExprDoc::tuple), [`list`](ExprDoc::list), [`dict`](ExprDoc::dict) |
//! | `SliceDoc`                                      | [`SliceDoc::new`] (an [`IndexItem`])                   |
//! | `StmtBlockDoc`                                  | [`StmtDoc::block`]                                     |
//! | `AssignDoc` (statement / function parameter)    | [`StmtDoc::assign`] / [`ArgDoc::new`]                  |
//! | `IfDoc`, `WhileDoc`, `ForDoc`, `ScopeDoc`       | [`StmtDoc::if_else`], [`while_loop`](StmtDoc::while_loop), [`for_loop`](StmtDoc::for_loop), [`scope`](StmtDoc::scope) |
//! | `ExprStmtDoc`, `AssertDoc`, `ReturnDoc`         | [`StmtDoc::expr`], [`assert`](StmtDoc::assert), [`return_value`](StmtDoc::return_value) |
//! | `FunctionDoc`, `ClassDoc`                       | [`FunctionDoc`], [`ClassDoc`] (into [`StmtDoc`] with `.into()`) |
//! | `CommentDoc`, `DocStringDoc`                    | [`StmtDoc::comment_line`], [`StmtDoc::doc_string`]     |
//! | `doc->source_paths.push_back(p)`                | [`ExprDoc::add_source_path`]; `stmt.source_paths.push(p)` |
//! | `stmt->comment = c`                             | `stmt.comment = Some(c)` or [`StmtDoc::with_comment`]  |
//! | `AccessPath`                                    | [`SourcePath`]                                         |
//! | `DocToPythonScript(doc, cfg)`                   | [`render()`]`(&doc, &options)`                           |
//!
//! ```
//! use tirscript_printer::{
//!     render, ArgDoc, BinaryOp, ClassDoc, ExprDoc, FunctionDoc, RenderOptions, StmtDoc,
//! };
//!
//! let t = ExprDoc::id("T");
//! let a = ExprDoc::id("A");
//! let i = ExprDoc::id("i");
//! let body = StmtDoc::for_loop(
//!     i.clone(),
//!     t.attr("serial").call(vec![ExprDoc::int(128)]),
//!     vec![StmtDoc::assign(
//!         a.index_exprs(vec![i.clone()]),
//!         Some(a.index_exprs(vec![i.clone()]).op(BinaryOp::Mul, ExprDoc::float(2.0))),
//!         None,
//!     )],
//! );
//! let function = FunctionDoc {
//!     name: ExprDoc::id("main"),
//!     args: vec![ArgDoc::new(
//!         a.clone(),
//!         Some(t.attr("Buffer").call(vec![
//!             ExprDoc::tuple(vec![ExprDoc::int(128)]),
//!             ExprDoc::str("float32"),
//!         ])),
//!         None,
//!     )],
//!     decorators: vec![t.attr("prim_func")],
//!     return_type: None,
//!     body: vec![body],
//! };
//! let module = StmtDoc::block(vec![
//!     StmtDoc::comment_line("from tvm.script import tir as T"),
//!     StmtDoc::comment_line(""),
//!     StmtDoc::class(ClassDoc {
//!         name: ExprDoc::id("Module"),
//!         decorators: vec![ExprDoc::id("I").attr("ir_module")],
//!         body: vec![function.into()],
//!     }),
//! ]);
//! let text = render(&module, &RenderOptions::default()).unwrap();
//! assert_eq!(
//!     text,
//!     "# from tvm.script import tir as T\n\
//!      \n\
//!      @I.ir_module\n\
//!      class Module:\n    \
//!          @T.prim_func\n    \
//!          def main(A: T.Buffer((128,), \"float32\")):\n        \
//!              for i in T.serial(128):\n            \
//!                  A[i] = A[i] * 2.0"
//! );
//! ```

pub mod expr;
pub mod literal;
pub mod ops;
pub mod path;
pub mod render;
pub mod stmt;

pub use expr::{ExprDoc, ExprKind, IndexItem, SliceDoc};
pub use literal::Literal;
pub use ops::{BinaryOp, Precedence, UnaryOp};
pub use path::{PathKey, PathStep, SourcePath};
pub use render::{RenderError, RenderOptions, render, render_expr, render_stmts};
pub use stmt::{ArgDoc, ClassDoc, FunctionDoc, StmtDoc, StmtKind};

// Docs and paths cross threads (files and functions can be printed in parallel).
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ExprDoc>();
    assert_send_sync::<StmtDoc>();
    assert_send_sync::<SourcePath>();
    assert_send_sync::<RenderOptions>();
};

//! The printing state (TVM's `IRDocsifier`): a stack of frames collecting statement docs, the
//! names of defined variables and buffers, the metadata section and the header flags.
//!
//! Invariants:
//! - a frame is opened for each node that scopes definitions (function, loop, block, let, ...);
//!   everything defined while it is open is undefined when it closes, and its name is free again,
//!   so sibling scopes reuse names as TVM does;
//! - a defined name is unique among the names defined at that moment and never one of the
//!   reserved names (`T`, `I`, `R`, `cls`) or a Python keyword;
//! - a free variable or buffer is declared, at its first use, in the innermost open frame that
//!   encloses all its uses (see `prefix`), or in the outermost frame when none does.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use tirscript_printer::{ExprDoc, StmtDoc};

use super::path::P;
use super::prefix::{CommonPrefix, IdHasher, IdMap, NodeId, PrefixRoot};
use super::{Node, PrintOptions};
use crate::ir::{Buffer, PrimExpr, Stmt};

/// Python keywords and the builtin names the printer itself uses; no variable gets these names.
const RESERVED: &[&str] = &[
    "T", "I", "R", "cls", "False", "None", "True", "and", "as", "assert", "async", "await",
    "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
    "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield",
];

/// How the doc of a defined object is made at each use.
#[derive(Clone, Debug)]
pub(crate) enum VarDoc {
    /// A plain name, with its doc (shared between uses when no source paths are tracked).
    Name(String, ExprDoc),
    /// A field of a buffer: `A.data`, `A.elem_offset`, `A.strides[i]`.
    BufferField { buffer: Buffer, field: &'static str, index: Option<usize> },
    /// `Module.f` for a function of the module being printed.
    ModuleMember { module: String, name: String },
}

/// One scope of definitions and the statements printed in it.
pub(crate) struct Frame {
    /// The node owning the frame (`None` for the root frame of a fragment).
    pub(crate) tir: Option<NodeId>,
    /// The loop of a `For` frame (the outermost loop of a `T.grid`).
    pub(crate) loop_stmt: Option<Stmt>,
    pub(crate) stmts: Vec<StmtDoc>,
    /// Objects defined in this frame, undefined when it closes.
    defined: Vec<u64>,
    /// Whether the statement being printed is the last of its body (TVM's concise scoping).
    pub(crate) allow_concise: bool,
}

/// A metadata entry: a value with no literal form, printed as `metadata["key"][index]`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct MetaEntry {
    pub(crate) type_key: &'static str,
    pub(crate) values: Vec<String>,
}

/// The printing state; see the module docs.
pub struct Docsifier<'o> {
    pub(crate) options: &'o PrintOptions,
    pub(crate) frames: Vec<Frame>,
    vars: IdMap<u64, (VarDoc, Option<String>)>,
    defined_names: HashSet<String, BuildHasherDefault<IdHasher>>,
    /// The common prefixes of the current root, computed on first need.
    prefix: Option<CommonPrefix>,
    /// What `prefix` is computed from.
    prefix_root: PrefixRoot,
    pub(crate) metadata: Vec<MetaEntry>,
    pub(crate) uses_ir: bool,
    pub(crate) uses_tir: bool,
    /// The names given to the functions being printed (TVM's `binding_names`).
    pub(crate) binding_names: Vec<String>,
    track_paths: bool,
    /// `T.<name>` docs built so far (used only when no source paths are tracked).
    t_cache: HashMap<String, ExprDoc, BuildHasherDefault<IdHasher>>,
    /// `T.<dtype>` docs built so far (likewise).
    dtype_cache: HashMap<crate::ir::DataType, ExprDoc, BuildHasherDefault<IdHasher>>,
}

impl<'o> Docsifier<'o> {
    pub(crate) fn new(options: &'o PrintOptions, track_paths: bool) -> Docsifier<'o> {
        Docsifier {
            options,
            frames: Vec::new(),
            vars: IdMap::default(),
            defined_names: RESERVED.iter().map(|s| s.to_string()).collect(),
            prefix: None,
            prefix_root: PrefixRoot::Nothing,
            metadata: Vec::new(),
            uses_ir: false,
            uses_tir: false,
            binding_names: Vec::new(),
            track_paths,
            t_cache: HashMap::default(),
            dtype_cache: HashMap::default(),
        }
    }

    pub(crate) fn root_path(&self) -> P {
        P::root(self.track_paths)
    }

    /// `T.<name>`, noting that the `tir` import is needed.
    pub(crate) fn t(&mut self, name: &str) -> ExprDoc {
        self.uses_tir = true;
        if self.track_paths {
            return ExprDoc::id("T").attr(name);
        }
        // Without source paths a doc is never modified after it is built, so one `T.<name>`
        // doc serves every use.
        if let Some(doc) = self.t_cache.get(name) {
            return doc.clone();
        }
        let doc = ExprDoc::id("T").attr(name);
        self.t_cache.insert(name.to_string(), doc.clone());
        doc
    }

    /// `T.<dtype>` (`T.float32`, `T.int64`, ...), cached per dtype like [`Self::t`].
    pub(crate) fn t_dtype(&mut self, dtype: crate::ir::DataType) -> ExprDoc {
        if !self.track_paths
            && let Some(doc) = self.dtype_cache.get(&dtype)
        {
            self.uses_tir = true;
            return doc.clone();
        }
        let doc = self.t(&super::expr::dtype_str(dtype));
        if !self.track_paths {
            self.dtype_cache.insert(dtype, doc.clone());
        }
        doc
    }

    /// `I.<name>`, noting that the `ir` import is needed.
    pub(crate) fn i(&mut self, name: &str) -> ExprDoc {
        self.uses_ir = true;
        ExprDoc::id("I").attr(name)
    }

    pub(crate) fn sugar(&self) -> bool {
        self.options.syntax_sugar
    }

    // ---- frames ----

    pub(crate) fn push_frame(&mut self, tir: Option<NodeId>) {
        self.frames.push(Frame {
            tir,
            loop_stmt: None,
            stmts: Vec::new(),
            defined: Vec::new(),
            allow_concise: false,
        });
    }

    /// Closes the innermost frame, undefining what it defined, and returns its statements.
    pub(crate) fn pop_frame(&mut self) -> Vec<StmtDoc> {
        let Some(frame) = self.frames.pop() else {
            return Vec::new();
        };
        for id in frame.defined {
            if let Some((_, Some(name))) = self.vars.remove(&id) {
                self.defined_names.remove(&name);
            }
        }
        frame.stmts
    }

    pub(crate) fn top(&self) -> usize {
        self.frames.len().saturating_sub(1)
    }

    /// Appends a statement to frame `frame`.
    pub(crate) fn emit(&mut self, frame: usize, stmt: StmtDoc) {
        if let Some(f) = self.frames.get_mut(frame) {
            f.stmts.push(stmt);
        }
    }

    /// Appends a statement to the innermost frame.
    pub(crate) fn emit_top(&mut self, stmt: StmtDoc) {
        let top = self.top();
        self.emit(top, stmt);
    }

    // ---- names ----

    pub(crate) fn is_defined(&self, id: u64) -> bool {
        self.vars.contains_key(&id)
    }

    /// Defines object `id` in frame `frame` under a unique name made from `hint`; an object
    /// defined already keeps its name (TVM prints ill-formed double definitions that way).
    pub(crate) fn define(&mut self, id: u64, frame: usize, hint: &str) -> ExprDoc {
        if let Some((doc, _)) = self.vars.get(&id) {
            let doc = doc.clone();
            return self.make_doc(&doc);
        }
        let name = unique_name(hint, &self.defined_names);
        self.defined_names.insert(name.clone());
        let doc = ExprDoc::id(name.as_str());
        self.vars.insert(id, (VarDoc::Name(name.clone(), doc.clone()), Some(name)));
        if let Some(f) = self.frames.get_mut(frame) {
            f.defined.push(id);
        }
        doc
    }

    /// Defines object `id` as printed by `doc` (no name of its own).
    pub(crate) fn define_as(&mut self, id: u64, frame: usize, doc: VarDoc) {
        self.vars.insert(id, (doc, None));
        if let Some(f) = self.frames.get_mut(frame) {
            f.defined.push(id);
        }
    }

    /// The doc of a defined object.
    pub(crate) fn var_doc(&mut self, id: u64) -> Option<ExprDoc> {
        let doc = match &self.vars.get(&id)?.0 {
            VarDoc::Name(name, _) if self.track_paths => return Some(ExprDoc::id(name.as_str())),
            VarDoc::Name(_, doc) => return Some(doc.clone()),
            other => other.clone(),
        };
        Some(self.make_doc(&doc))
    }

    fn make_doc(&mut self, doc: &VarDoc) -> ExprDoc {
        match doc {
            VarDoc::Name(name, _) => ExprDoc::id(name.as_str()),
            VarDoc::BufferField { buffer, field, index } => {
                let base = self.buffer_ref(buffer, &self.root_path());
                let attr = base.attr(*field);
                match index {
                    Some(i) => attr.index_exprs(vec![ExprDoc::int(*i as i64)]),
                    None => attr,
                }
            }
            VarDoc::ModuleMember { module, name } => {
                ExprDoc::id(module.as_str()).attr(name.as_str())
            }
        }
    }

    /// Sets the object whose variables free ones are placed against (TVM's `SetCommonPrefix`).
    pub(crate) fn set_prefix_root(&mut self, root: PrefixRoot) {
        self.prefix_root = root;
        self.prefix = None;
    }

    fn prefix(&mut self) -> &CommonPrefix {
        if self.prefix.is_none() {
            self.prefix = Some(self.prefix_root.compute());
        }
        self.prefix.get_or_insert_with(CommonPrefix::default)
    }

    /// The frame a free object is declared in (TVM's `FindLowestVarDef`).
    pub(crate) fn lowest_def_frame(&mut self, id: u64) -> usize {
        self.prefix();
        let Some(path) = self.prefix.as_ref().and_then(|p| p.paths.get(&id)) else {
            return 0;
        };
        for node in path.iter().rev() {
            if let Some(index) = self.frames.iter().rposition(|f| f.tir == Some(*node)) {
                return index;
            }
        }
        self.frames.iter().rposition(|f| f.tir.is_none()).unwrap_or(0)
    }

    /// Whether `node` encloses every occurrence of object `id`.
    pub(crate) fn encloses_all_uses(&mut self, node: NodeId, id: u64) -> bool {
        self.prefix().paths.get(&id).is_some_and(|path| path.contains(&node))
    }

    /// Records a value with no literal form and returns `metadata["key"][index]`.
    pub(crate) fn add_metadata(&mut self, type_key: &'static str, value: &str) -> ExprDoc {
        let entry = match self.metadata.iter().position(|e| e.type_key == type_key) {
            Some(i) => &mut self.metadata[i],
            None => {
                self.metadata.push(MetaEntry { type_key, values: Vec::new() });
                let last = self.metadata.len() - 1;
                &mut self.metadata[last]
            }
        };
        let index = match entry.values.iter().position(|v| v == value) {
            Some(i) => i,
            None => {
                entry.values.push(value.to_string());
                entry.values.len() - 1
            }
        };
        ExprDoc::id("metadata")
            .index_exprs(vec![ExprDoc::str(type_key)])
            .index_exprs(vec![ExprDoc::int(index as i64)])
    }

    // ---- entry point ----

    /// Turns `node` into the statements of the final script (TVM's `Docsify`).
    pub(crate) fn docsify(mut self, node: Node<'_>) -> Vec<StmtDoc> {
        self.set_prefix_root(match node {
            Node::Module(_) | Node::Func(_) | Node::NamedFunc(..) => PrefixRoot::Nothing,
            Node::Stmt(s) => PrefixRoot::Stmt(s.clone()),
            Node::Expr(e) => PrefixRoot::Expr(e.clone()),
            Node::Buffer(b) => PrefixRoot::Buffer(b.clone()),
        });
        self.push_frame(None);
        let p = self.root_path();
        let (docs, is_expr) = match node {
            Node::Module(m) => (vec![self.module(m, &p)], false),
            Node::Func(f) => (vec![self.func(f, &p)], false),
            Node::NamedFunc(f, name) => {
                self.binding_names.push(name.to_string());
                (vec![self.func(f, &p)], false)
            }
            Node::Stmt(s) => (self.stmt(s, &p).into_vec(), false),
            Node::Expr(e) => (vec![StmtDoc::expr(self.expr(e, &p))], true),
            Node::Buffer(b) => (vec![StmtDoc::expr(self.buffer_ref(b, &p))], true),
        };
        let mut frame = self.pop_frame();
        if is_expr && !self.options.verbose_expr {
            frame.clear();
        }
        frame.extend(docs);
        if !self.metadata.is_empty() {
            if self.options.show_meta {
                frame.insert(0, self.metadata_doc());
            } else {
                frame.push(StmtDoc::comment_line(
                    "Metadata omitted. Use show_meta=True in script() method to show it.",
                ));
            }
        }
        frame
    }

    /// `metadata = tvm.ir.load_json("""...""")` with the metadata as JSON (our own encoding:
    /// a map from type key to the list of values).
    fn metadata_doc(&self) -> StmtDoc {
        let map: serde_json::Map<String, serde_json::Value> = self
            .metadata
            .iter()
            .map(|e| (e.type_key.to_string(), serde_json::Value::from(e.values.clone())))
            .collect();
        let json = serde_json::Value::Object(map).to_string();
        let load = ExprDoc::id("tvm").attr("ir").attr("load_json").call(vec![ExprDoc::str(json)]);
        StmtDoc::assign(ExprDoc::id("metadata"), Some(load), None)
    }

    /// Prints an expression reached from a statement (a convenience over `expr`).
    pub(crate) fn exprs(&mut self, es: &[PrimExpr], p: &P) -> Vec<ExprDoc> {
        es.iter().enumerate().map(|(i, e)| self.expr(e, &p.idx(i))).collect()
    }
}

/// A name made from `hint` that is not in `taken`: characters other than ASCII letters, digits
/// and `_` become `_` (byte by byte, as TVM), a leading digit gets a `_` prefix, and a taken
/// name gets the first free suffix `_1`, `_2`, ...
pub(crate) fn unique_name<S: std::hash::BuildHasher>(
    hint: &str,
    taken: &HashSet<String, S>,
) -> String {
    let mut base: String = hint
        .bytes()
        .map(|b| if b == b'_' || b.is_ascii_alphanumeric() { b as char } else { '_' })
        .collect();
    if base.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        base.insert(0, '_');
    }
    if base.is_empty() {
        base.push('v');
    }
    if !taken.contains(&base) {
        return base;
    }
    (1..).map(|i| format!("{base}_{i}")).find(|name| !taken.contains(name)).unwrap_or(base)
}

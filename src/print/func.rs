//! Functions and modules (TVM's `tir/function.cc` and `ir/ir.cc`).
//!
//! A function prints `@T.prim_func` (`@T.prim_func(private=True)` without a `global_symbol`),
//! its parameters (a buffer parameter as `A: T.Buffer(shape, dtype)` when the buffer is simple
//! and its handle is used nowhere else, otherwise `a: T.handle` plus `A = T.match_buffer(...)`),
//! `T.func_attr` without a `global_symbol` equal to the function's name, then the body, with an
//! implicit root block shown as the comment `# with T.block("root"):` and its `T.alloc_buffer`s.
//! A module prints `@I.ir_module` and `class Module:` with its functions sorted by name, `main`
//! last, as TVM's `SortableFunction` does; calls between them print `Module.f(...)`.

use std::sync::Arc;

use tirscript_printer::{ArgDoc, ClassDoc, ExprDoc, FunctionDoc, StmtDoc};

use super::buffer::VarDefinition;
use super::docsifier::{Docsifier, VarDoc};
use super::path::P;
use super::prefix::{FUNC_NODE, IdMap, PrefixRoot};
use crate::ir::{AttrValue, Buffer, Expr, IRModule, PrimFunc, Stmt, StmtNode, Type, Var};

/// The id under which the module's own name is defined.
const MODULE_ID: u64 = u64::MAX;

/// Whether a buffer can be declared by a parameter annotation (TVM's `IsSimpleBuffer`).
fn is_simple_buffer(b: &Buffer) -> bool {
    let has_vars = |e: &crate::ir::PrimExpr| {
        let mut found = false;
        crate::ir::visit::walk_expr(e, &mut |x| found |= x.as_var().is_some());
        found
    };
    if !b.strides().is_empty() || b.shape().iter().any(has_vars) || has_vars(b.elem_offset()) {
        return false;
    }
    if matches!(b.elem_offset().expr(), Expr::IntImm(v) if *v != 0) {
        return false;
    }
    let node = b.node();
    b.scope() == "global"
        && node.data_alignment == 64
        && node.offset_factor == 1
        && node.buffer_type == crate::ir::BufferType::Default
        && node.axis_separators.is_empty()
}

/// Counts parameter occurrences (TVM's `OccurrenceCounter`), remembering per buffer which
/// parameters its fields use so that each access costs no walk of the buffer's shape.
struct OccurrenceCounter {
    counts: IdMap<u64, usize>,
    per_buffer: IdMap<u64, Vec<u64>>,
}

impl OccurrenceCounter {
    fn var(&mut self, v: &Var) {
        if let Some(c) = self.counts.get_mut(&v.id()) {
            *c += 1;
        }
    }

    fn buffer(&mut self, b: &Buffer) {
        let counts = &self.counts;
        let ids = self.per_buffer.entry(b.id()).or_insert_with(|| {
            let mut ids = Vec::new();
            let mut note = |v: &Var| {
                if counts.contains_key(&v.id()) {
                    ids.push(v.id());
                }
            };
            note(b.data());
            let fields = b.shape().iter().chain(b.strides()).chain([b.elem_offset()]);
            for e in fields {
                crate::ir::visit::walk_expr(e, &mut |x| {
                    if let Some(v) = x.as_var() {
                        note(v);
                    }
                });
            }
            ids
        });
        for id in ids.iter() {
            if let Some(c) = self.counts.get_mut(id) {
                *c += 1;
            }
        }
    }
}

/// How often each parameter occurs in `f` (TVM's `CountVarOccurrence`, for all parameters in one
/// pass): in the parameter list, the buffer map (keys and buffer fields), the body's expressions
/// and the fields of every buffer stored to, loaded from or declared in the body.
fn param_occurrences(f: &PrimFunc) -> IdMap<u64, usize> {
    let mut counter = OccurrenceCounter {
        counts: f.params.iter().map(|p| (p.id(), 0)).collect(),
        per_buffer: IdMap::default(),
    };
    f.params.iter().for_each(|p| counter.var(p));
    for (p, b) in &f.buffer_map {
        counter.var(p);
        counter.buffer(b);
    }
    crate::ir::visit::walk_stmt(&f.body, &mut |s| match s.node() {
        StmtNode::BufferStore { buffer, .. } | StmtNode::DeclBuffer { buffer, .. } => {
            counter.buffer(buffer)
        }
        _ => {}
    });
    crate::ir::visit::walk_stmt_exprs(&f.body, &mut |x| match x.expr() {
        Expr::Var(v) => counter.var(v),
        Expr::BufferLoad { buffer, .. } => counter.buffer(buffer),
        _ => {}
    });
    counter.counts
}

/// The implicit root block of `f`, if its body is one that TVM elides.
fn implicit_root_block(f: &PrimFunc) -> Option<&Arc<crate::ir::Block>> {
    let StmtNode::BlockRealize(r) = f.body.node() else {
        return None;
    };
    let root = &r.block;
    if !r.iter_values.is_empty() || r.predicate.as_int() != Some(1) {
        return None;
    }
    if !root.annotations.is_empty()
        || !root.match_buffers.is_empty()
        || !root.reads.is_empty()
        || !root.writes.is_empty()
        || root.init.is_some()
    {
        return None;
    }
    let elide = match root.body.node() {
        StmtNode::BlockRealize(inner) => {
            !root.alloc_buffers.is_empty() || !inner.block.iter_vars.is_empty()
        }
        _ => !root.alloc_buffers.is_empty() || contains_block_realize(&root.body),
    };
    elide.then_some(root)
}

fn contains_block_realize(s: &Stmt) -> bool {
    let mut found = false;
    crate::ir::visit::walk_stmt(s, &mut |x| found |= matches!(x.node(), StmtNode::BlockRealize(_)));
    found
}

impl Docsifier<'_> {
    /// A function: `@T.prim_func def name(params): body` with the header comments.
    pub(crate) fn func(&mut self, f: &PrimFunc, p: &P) -> StmtDoc {
        let doc = self.func_doc(f, p);
        let mut stmts = self.header();
        stmts.push(doc);
        StmtDoc::block(stmts)
    }

    fn header(&self) -> Vec<StmtDoc> {
        let mut stmts = Vec::new();
        if self.uses_ir {
            stmts.push(StmtDoc::comment_line("from tvm.script import ir as I"));
        }
        if self.uses_tir {
            stmts.push(StmtDoc::comment_line("from tvm.script import tir as T"));
        }
        if !stmts.is_empty() {
            stmts.push(StmtDoc::comment_line(""));
        }
        stmts
    }

    fn func_doc(&mut self, f: &PrimFunc, p: &P) -> StmtDoc {
        self.set_prefix_root(PrefixRoot::Func(f.clone()));
        self.push_frame(Some(FUNC_NODE));
        let top = self.top();
        let name = self
            .binding_names
            .last()
            .cloned()
            .or_else(|| f.global_symbol().map(str::to_string))
            .unwrap_or_else(|| "main".to_string());
        let occurrences = if self.sugar() && !f.buffer_map.is_empty() {
            param_occurrences(f)
        } else {
            IdMap::default()
        };
        let mut data_uses: IdMap<u64, usize> = IdMap::default();
        for (_, b) in &f.buffer_map {
            *data_uses.entry(b.data().id()).or_insert(0) += 1;
        }
        // Step 1: parameters.
        let mut args: Vec<ArgDoc> = Vec::with_capacity(f.params.len());
        let mut inlined: Vec<u64> = Vec::new();
        for (i, var) in f.params.iter().enumerate() {
            let vp = p.attr("params").idx(i);
            if self.sugar()
                && let Some(buffer) = f.buffer_of(var)
                && occurrences.get(&var.id()) == Some(&2)
                && is_simple_buffer(buffer)
                && data_uses.get(&buffer.data().id()) == Some(&1)
            {
                let bp = p.attr("buffer_map").key_name(var.name());
                let lhs = self.define_buffer(buffer, top);
                let ann = self.buffer_annotation(buffer, &bp, top);
                args.push(ArgDoc::new(lhs, Some(ann), None));
                inlined.push(buffer.id());
                continue;
            }
            let ann = self.type_doc(var.type_annotation(), &vp.attr("type_annotation"));
            let lhs = self.define_var(var, top);
            args.push(ArgDoc::new(lhs, Some(ann), None));
        }
        // Step 2: attributes.
        if !f.attrs.is_empty() {
            let mut attrs = f.attrs.clone();
            if f.global_symbol() == Some(name.as_str()) {
                attrs.remove("global_symbol");
            }
            if !attrs.is_empty() {
                let d = self.attr_value(&AttrValue::Map(attrs), &p.attr("attrs"));
                let call = self.t("func_attr").call(vec![d]);
                self.emit(top, StmtDoc::expr(call));
            }
        }
        // Step 3: buffers not declared by their parameter.
        for (i, var) in f.params.iter().enumerate() {
            let Some(buffer) = f.buffer_of(var) else {
                continue;
            };
            if inlined.contains(&buffer.id()) {
                continue;
            }
            let param = args[i].lhs.clone();
            let bp = p.attr("buffer_map").key_name(var.name());
            let lhs = self.define_buffer(buffer, top);
            let rhs = self.buffer_decl(
                buffer,
                "match_buffer",
                vec![param],
                &bp,
                top,
                VarDefinition::MatchBuffer,
            );
            self.emit(top, StmtDoc::assign(lhs, Some(rhs), None));
        }
        // Step 4: the body.
        match implicit_root_block(f).filter(|_| self.sugar()) {
            Some(root) => {
                let rp = p.attr("body").attr("block");
                self.emit(top, StmtDoc::comment_line("with T.block(\"root\"):"));
                let ap = rp.attr("alloc_buffers");
                for (i, buffer) in root.alloc_buffers.iter().enumerate() {
                    let lhs = self.define_buffer(buffer, top);
                    let rhs = self.buffer_decl(
                        buffer,
                        "alloc_buffer",
                        vec![],
                        &ap.idx(i),
                        top,
                        VarDefinition::DataPointer,
                    );
                    self.emit(top, StmtDoc::assign(lhs, Some(rhs), None));
                }
                self.as_doc_body(&root.body, &rp.attr("body"));
            }
            None => self.as_doc_body(&f.body, &p.attr("body")),
        }
        let return_type = match &f.ret_type {
            Type::Tuple(fields) if fields.is_empty() => None,
            t => Some(self.type_doc(t, &p.attr("ret_type"))),
        };
        // Step 5: the decorator.
        let mut decorator = self.t("prim_func");
        if f.global_symbol().is_none() {
            decorator = decorator.call_kw(vec![], vec![("private", ExprDoc::bool(true))]);
        }
        let body = self.pop_frame();
        StmtDoc::function(FunctionDoc {
            name: ExprDoc::id(name),
            args,
            decorators: vec![decorator],
            return_type,
            body,
        })
    }

    /// A module: `@I.ir_module class Module:` with its functions, `main` last.
    pub(crate) fn module(&mut self, m: &IRModule, p: &P) -> StmtDoc {
        let mut functions: Vec<_> = m.functions().collect();
        functions.sort_by(|(a, _), (b, _)| {
            (a.name() == "main", a.name()).cmp(&(b.name() == "main", b.name()))
        });
        let top = self.top();
        let module_doc = self.define(MODULE_ID, top, "Module");
        let module_name = module_doc.as_id().unwrap_or("Module").to_string();
        let mut body = Vec::new();
        if !m.attrs.is_empty() {
            let d = self.attr_value(&AttrValue::Map(m.attrs.clone()), &p.attr("attrs"));
            body.push(StmtDoc::expr(self.i("module_attrs").call(vec![d])));
        }
        if !m.global_infos.is_empty() {
            let d = self.global_infos(&m.global_infos, &p.attr("global_infos"));
            body.push(StmtDoc::expr(self.i("module_global_infos").call(vec![d])));
        }
        for (gv, _) in &functions {
            let doc =
                VarDoc::ModuleMember { module: module_name.clone(), name: gv.name().to_string() };
            self.define_as(gv.id(), top, doc);
        }
        for (gv, f) in &functions {
            self.binding_names.push(gv.name().to_string());
            let doc = self.func_doc(f, &p.attr("functions").key(gv.name()));
            self.binding_names.pop();
            body.push(doc);
        }
        let class = StmtDoc::class(ClassDoc {
            name: module_doc,
            decorators: vec![self.i("ir_module")],
            body,
        });
        let mut stmts = self.header();
        stmts.push(class);
        StmtDoc::block(stmts)
    }
}

//! Buffers: declarations (`T.match_buffer`, `T.alloc_buffer`, `T.decl_buffer`, `T.Buffer`),
//! parameter annotations, uses and regions (TVM's `tir/buffer.cc`).
//!
//! A declaration prints only what differs from the defaults: shape and dtype (unless
//! `float32`) positionally, then `data`, `strides`, `elem_offset`, `scope`, `align`,
//! `offset_factor`, `buffer_type`, `axis_separators` as keywords. Variables first met in a
//! buffer's fields are declared with it: inline (`A.data`, `A.elem_offset`, `A.strides[i]`)
//! when the field is their only use and the declaration kind allows it, otherwise on a line of
//! their own above the declaration (`n = T.int32()`).

use std::collections::HashMap;

use tirscript_printer::{ExprDoc, IndexItem, SliceDoc, StmtDoc};

use super::docsifier::{Docsifier, VarDoc};
use super::expr::dtype_str;
use super::path::P;
use crate::ir::{Buffer, BufferRegion, BufferType, DataType, Expr, PrimExpr, Range, Var};

/// Which of a buffer's variables its declaration defines (TVM's `BufferVarDefinition`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum VarDefinition {
    /// Everything is defined beforehand (`DeclBuffer`).
    None,
    /// The data pointer is defined with the buffer (`alloc_buffer`, parameter sugar).
    DataPointer,
    /// The data pointer and any new shape, stride or offset variable (`match_buffer`).
    MatchBuffer,
}

/// The default alignment of an allocation (TVM's `kAllocAlignment`).
const ALLOC_ALIGNMENT: i64 = 64;

/// The printed attributes of a buffer, in TVM's order of use.
struct BufferAttrs {
    shape: ExprDoc,
    dtype: Option<ExprDoc>,
    kwargs: Vec<(&'static str, ExprDoc)>,
}

/// The number of distinct expressions among `exprs` each var occurs in.
fn use_counts(buffer: &Buffer) -> HashMap<u64, usize> {
    let mut counts = HashMap::new();
    let mut count_in = |e: &PrimExpr| {
        let mut seen = std::collections::HashSet::new();
        crate::ir::visit::walk_expr(e, &mut |x| {
            if let Some(v) = x.as_var()
                && seen.insert(v.id())
            {
                *counts.entry(v.id()).or_insert(0) += 1;
            }
        });
    };
    count_in(buffer.elem_offset());
    count_in(&PrimExpr::var(buffer.data()));
    buffer.strides().iter().for_each(&mut count_in);
    buffer.shape().iter().for_each(&mut count_in);
    counts
}

impl Docsifier<'_> {
    /// The attributes of `buffer`, declaring its new variables in frame `frame`.
    fn buffer_attrs(
        &mut self,
        buffer: &Buffer,
        p: &P,
        frame: usize,
        defs: VarDefinition,
    ) -> BufferAttrs {
        let counts = use_counts(buffer);
        let mut out_of_line: Vec<(ExprDoc, ExprDoc)> = Vec::new();
        let is_new_var =
            |d: &Docsifier<'_>, e: &PrimExpr| e.as_var().is_some_and(|v| !d.is_defined(v.id()));
        let single_use = |v: &Var| counts.get(&v.id()).copied().unwrap_or(0) == 1;

        // Shape.
        let sp = p.attr("shape");
        let mut dims = Vec::with_capacity(buffer.shape().len());
        for (i, e) in buffer.shape().iter().enumerate() {
            let ep = sp.idx(i);
            if is_new_var(self, e)
                && let Some(v) = e.as_var()
            {
                let lhs = ep.tag(self.define_var(v, frame));
                out_of_line.push((lhs, self.var_creation(v, &ep)));
            }
            dims.push(self.expr(e, &ep));
        }
        let shape = ExprDoc::tuple(dims);
        // Dtype.
        let dtype = (buffer.dtype() != DataType::float32())
            .then(|| p.attr("dtype").tag(ExprDoc::str(dtype_str(buffer.dtype()))));
        let mut kwargs = Vec::new();
        // Data pointer.
        let data = buffer.data();
        let mut inline_data = false;
        if !self.is_defined(data.id()) {
            let dp = p.attr("data");
            if defs >= VarDefinition::DataPointer && single_use(data) {
                let doc =
                    VarDoc::BufferField { buffer: buffer.clone(), field: "data", index: None };
                self.define_as(data.id(), frame, doc);
                inline_data = true;
            } else {
                let lhs = dp.tag(self.define_var(data, frame));
                out_of_line.push((lhs, self.var_creation(data, &dp)));
            }
        }
        if !inline_data {
            let d = self.var_use(data, &p.attr("data"));
            kwargs.push(("data", d));
        }
        // Strides.
        if !buffer.strides().is_empty() {
            let stp = p.attr("strides");
            let mut docs = Vec::with_capacity(buffer.strides().len());
            for (i, e) in buffer.strides().iter().enumerate() {
                let ep = stp.idx(i);
                if is_new_var(self, e)
                    && let Some(v) = e.as_var()
                {
                    if single_use(v) {
                        let doc = VarDoc::BufferField {
                            buffer: buffer.clone(),
                            field: "strides",
                            index: Some(i),
                        };
                        self.define_as(v.id(), frame, doc);
                        docs.push(ep.tag(ExprDoc::str(v.name())));
                        continue;
                    }
                    let lhs = ep.tag(self.define_var(v, frame));
                    out_of_line.push((lhs, self.var_creation(v, &ep)));
                }
                docs.push(self.expr(e, &ep));
            }
            kwargs.push(("strides", ExprDoc::tuple(docs)));
        }
        // Element offset.
        let offset = buffer.elem_offset();
        let mut needs_factor = false;
        let op = p.attr("elem_offset");
        match offset.expr() {
            Expr::IntImm(0) => {}
            Expr::IntImm(_) => kwargs.push(("elem_offset", self.expr(offset, &op))),
            Expr::Var(v) if !self.is_defined(v.id()) => {
                if single_use(v) {
                    let doc = VarDoc::BufferField {
                        buffer: buffer.clone(),
                        field: "elem_offset",
                        index: None,
                    };
                    self.define_as(v.id(), frame, doc);
                } else {
                    let lhs = op.tag(self.define_var(v, frame));
                    out_of_line.push((lhs, self.var_creation(v, &op)));
                }
                needs_factor = true;
            }
            _ => kwargs.push(("elem_offset", self.expr(offset, &op))),
        }
        // Scope, alignment, offset factor, buffer type, axis separators.
        if buffer.scope() != "global" {
            let scope = p.attr("data").attr("type_annotation").attr("storage_scope");
            kwargs.push(("scope", scope.tag(ExprDoc::str(buffer.scope()))));
        }
        let node = buffer.node();
        if node.data_alignment != ALLOC_ALIGNMENT {
            kwargs.push(("align", p.attr("data_alignment").tag(ExprDoc::int(node.data_alignment))));
        }
        if needs_factor || node.offset_factor != 1 {
            kwargs.push((
                "offset_factor",
                p.attr("offset_factor").tag(ExprDoc::int(node.offset_factor)),
            ));
        }
        if node.buffer_type != BufferType::Default {
            kwargs.push(("buffer_type", p.attr("buffer_type").tag(ExprDoc::str("auto"))));
        }
        if !node.axis_separators.is_empty() {
            let seps = node.axis_separators.iter().map(|s| ExprDoc::int(*s)).collect();
            kwargs.push(("axis_separators", p.attr("axis_separators").tag(ExprDoc::list(seps))));
        }
        match out_of_line.len() {
            0 => {}
            1 => {
                let (lhs, rhs) =
                    out_of_line.pop().unwrap_or_else(|| (ExprDoc::none(), ExprDoc::none()));
                self.emit(frame, StmtDoc::assign(lhs, Some(rhs), None));
            }
            _ => {
                let (lhs, rhs): (Vec<_>, Vec<_>) = out_of_line.into_iter().unzip();
                self.emit(
                    frame,
                    StmtDoc::assign(ExprDoc::tuple(lhs), Some(ExprDoc::tuple(rhs)), None),
                );
            }
        }
        BufferAttrs { shape, dtype, kwargs }
    }

    /// `T.<method>(args..., shape, dtype, key=value...)`, declaring new variables in `frame`.
    pub(crate) fn buffer_decl(
        &mut self,
        buffer: &Buffer,
        method: &str,
        mut args: Vec<ExprDoc>,
        p: &P,
        frame: usize,
        defs: VarDefinition,
    ) -> ExprDoc {
        let attrs = self.buffer_attrs(buffer, p, frame, defs);
        args.push(attrs.shape);
        args.extend(attrs.dtype);
        self.t(method).call_kw(args, attrs.kwargs)
    }

    /// The parameter annotation `T.Buffer(shape, dtype)`.
    pub(crate) fn buffer_annotation(&mut self, buffer: &Buffer, p: &P, frame: usize) -> ExprDoc {
        let attrs = self.buffer_attrs(buffer, p, frame, VarDefinition::DataPointer);
        let dtype = attrs
            .dtype
            .unwrap_or_else(|| p.attr("dtype").tag(ExprDoc::str(dtype_str(buffer.dtype()))));
        self.t("Buffer").call(vec![attrs.shape, dtype])
    }

    /// Defines `buffer` in frame `frame` under its name (`buffer` when empty).
    pub(crate) fn define_buffer(&mut self, buffer: &Buffer, frame: usize) -> ExprDoc {
        let hint = if buffer.name().is_empty() { "buffer" } else { buffer.name() };
        self.define(buffer.id(), frame, hint)
    }

    /// A use of `buffer`; a buffer not yet defined is declared (`A = T.Buffer(...)`) in the
    /// frame enclosing all its uses.
    pub(crate) fn buffer_ref(&mut self, buffer: &Buffer, p: &P) -> ExprDoc {
        if !self.is_defined(buffer.id()) {
            let frame = self.lowest_def_frame(buffer.id());
            let lhs = self.define_buffer(buffer, frame);
            let rhs =
                self.buffer_decl(buffer, "Buffer", vec![], p, frame, VarDefinition::DataPointer);
            self.emit(frame, StmtDoc::assign(lhs, Some(rhs), None));
        }
        match self.var_doc(buffer.id()) {
            Some(doc) => p.tag(doc),
            None => ExprDoc::id(buffer.name()),
        }
    }

    /// Region bounds: a unit extent prints its point, others a slice `min:min + extent`.
    pub(crate) fn buffer_slices(&mut self, region: &[Range], p: &P) -> Vec<IndexItem> {
        let mut items = Vec::with_capacity(region.len());
        for (i, r) in region.iter().enumerate() {
            let rp = p.idx(i);
            let min = self.expr(&r.min, &rp.attr("min"));
            if r.extent.as_int() == Some(1) {
                items.push(IndexItem::Expr(min));
            } else {
                let end = self.end_of(&r.min, &r.extent, &rp.attr("extent"));
                items.push(IndexItem::Slice(SliceDoc::new(Some(min), Some(end), None)));
            }
        }
        items
    }

    /// `A[0:16, i]`.
    pub(crate) fn buffer_region(&mut self, region: &BufferRegion, p: &P) -> ExprDoc {
        let b = self.buffer_ref(&region.buffer, &p.attr("buffer"));
        let items = self.buffer_slices(&region.region, &p.attr("region"));
        p.tag(b.index(items))
    }
}

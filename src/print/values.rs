//! Values that are not expressions (TVM's `tir/expr.cc`, `tir/ir.cc` and `ir/misc.cc`): variable
//! declarations (`T.int32()`, `T.handle("float32", "shared")`), types, ranges, iteration
//! variables, comm-reducers and annotation or attribute values (dicts sorted by key, as TVM).

use std::sync::Arc;

use tirscript_printer::{BinaryOp as DocOp, ExprDoc};

use super::docsifier::Docsifier;
use super::expr::dtype_str;
use super::path::P;
use crate::arith::ops as arith;
use crate::ir::{AttrValue, CommReducer, IterVar, IterVarType, PrimExpr, Range, Type, Var};

/// TVM's name of an iteration variable type (`IterVarType2String`).
fn iter_type_name(t: IterVarType) -> &'static str {
    match t {
        IterVarType::DataPar => "DataPar",
        IterVarType::ThreadIndex => "ThreadIndex",
        IterVarType::CommReduce => "CommReduce",
        IterVarType::Ordered => "Ordered",
        IterVarType::Opaque => "Opaque",
        IterVarType::Unrolled => "Unrolled",
        IterVarType::Vectorized => "Vectorized",
        IterVarType::Parallelized => "Parallelized",
        IterVarType::Tensorized => "Tensorized",
    }
}

impl Docsifier<'_> {
    /// The right-hand side declaring `v`: `T.int32()`, `T.handle("float32", "shared")`,
    /// `T.int64(is_size_var=True)` (TVM's `PrintVarCreation`).
    pub(crate) fn var_creation(&mut self, v: &Var, p: &P) -> ExprDoc {
        let mut kwargs = Vec::new();
        if v.is_size_var() {
            kwargs.push(("is_size_var", ExprDoc::bool(true)));
        }
        let tp = p.attr("type_annotation");
        let doc = match v.type_annotation() {
            Type::Pointer { element, scope } => {
                let element = match element.as_ref() {
                    Type::Prim(d) => {
                        tp.attr("element_type").attr("dtype").tag(ExprDoc::str(dtype_str(*d)))
                    }
                    other => self.type_doc(other, &tp.attr("element_type")),
                };
                let mut args = vec![element];
                if !scope.is_empty() {
                    args.push(tp.attr("storage_scope").tag(ExprDoc::str(scope.as_str())));
                }
                self.t("handle").call_kw(args, kwargs)
            }
            _ => self.t_dtype(v.dtype()).call_kw(vec![], kwargs),
        };
        tp.tag(doc)
    }

    /// A type: `T.float32`, `T.handle("int32", "global")`, `T.Tuple(...)`, `None` for void.
    pub(crate) fn type_doc(&mut self, ty: &Type, p: &P) -> ExprDoc {
        let doc = match ty {
            Type::Prim(d) => self.t_dtype(*d),
            Type::Pointer { element, scope } => {
                let element = match element.as_ref() {
                    Type::Prim(d) => {
                        p.attr("element_type").attr("dtype").tag(ExprDoc::str(dtype_str(*d)))
                    }
                    other => self.type_doc(other, &p.attr("element_type")),
                };
                let mut args = vec![element];
                if !scope.is_empty() {
                    args.push(p.attr("storage_scope").tag(ExprDoc::str(scope.as_str())));
                }
                self.t("handle").call(args)
            }
            Type::Tuple(fields) if fields.is_empty() => ExprDoc::none(),
            Type::Tuple(fields) => {
                let fp = p.attr("fields");
                let docs =
                    fields.iter().enumerate().map(|(i, f)| self.type_doc(f, &fp.idx(i))).collect();
                self.t("Tuple").call(docs)
            }
        };
        p.tag(doc)
    }

    /// `T.Range(min, min + extent)`.
    pub(crate) fn range_doc(&mut self, r: &Range, p: &P) -> ExprDoc {
        let min = self.expr(&r.min, &p.attr("min"));
        let end = self.end_of(&r.min, &r.extent, &p.attr("extent"));
        p.tag(self.t("Range").call(vec![min, end]))
    }

    /// The doc of `min + extent`, folded as TVM's `operator+` folds it.
    pub(crate) fn end_of(&mut self, min: &PrimExpr, extent: &PrimExpr, p: &P) -> ExprDoc {
        match arith::add(min.clone(), extent.clone()) {
            Ok(end) => self.expr(&end, p),
            Err(_) => {
                let a = self.expr(min, p);
                let b = self.expr(extent, p);
                ExprDoc::binary(DocOp::Add, a, b)
            }
        }
    }

    /// `T.iter_var(v, T.Range(...), "DataPar", "")`.
    pub(crate) fn iter_var(&mut self, iv: &IterVar, p: &P) -> ExprDoc {
        let v = self.var_use(&iv.var, &p.attr("var"));
        let dom = match &iv.dom {
            Some(r) => self.range_doc(r, &p.attr("dom")),
            None => ExprDoc::none(),
        };
        let ty = p.attr("iter_type").tag(ExprDoc::str(iter_type_name(iv.iter_type)));
        let tag = p.attr("thread_tag").tag(ExprDoc::str(iv.thread_tag.as_str()));
        p.tag(self.t("iter_var").call(vec![v, dom, ty, tag]))
    }

    /// `T.comm_reducer(lambda x, y: x + y, [T.float32(0.0)])`.
    pub(crate) fn comm_reducer(&mut self, r: &Arc<CommReducer>, p: &P) -> ExprDoc {
        self.push_frame(Some(super::prefix::reducer_id(r)));
        let top = self.top();
        let mut vars = Vec::with_capacity(r.lhs.len() * 2);
        for v in r.lhs.iter().chain(&r.rhs) {
            vars.push(self.define_var(v, top));
        }
        let results = self.exprs(&r.result, &p.attr("result"));
        let body = if results.len() == 1 {
            results.into_iter().next().unwrap_or_else(ExprDoc::none)
        } else {
            ExprDoc::tuple(results)
        };
        let lambda = ExprDoc::lambda(vars, body);
        self.pop_frame();
        let identity = ExprDoc::list(self.exprs(&r.identity_element, &p.attr("identity_element")));
        p.tag(self.t("comm_reducer").call(vec![lambda, identity]))
    }

    /// An annotation or attribute value; string-keyed maps print sorted by key, as TVM.
    pub(crate) fn attr_value(&mut self, v: &AttrValue, p: &P) -> ExprDoc {
        let doc = match v {
            AttrValue::None => ExprDoc::none(),
            AttrValue::Bool(b) => ExprDoc::bool(*b),
            AttrValue::Int(i) => ExprDoc::int(*i),
            AttrValue::Float(f) => ExprDoc::float(*f),
            AttrValue::Str(s) if s.contains('\n') => self.add_metadata("ffi.String", s),
            AttrValue::Str(s) => ExprDoc::str(s.as_str()),
            AttrValue::Expr(e) => self.expr(e, p),
            AttrValue::Buffer(b) => self.buffer_ref(b, p),
            AttrValue::IterVar(iv) => self.iter_var(iv, p),
            AttrValue::CommReducer(r) => self.comm_reducer(r, p),
            AttrValue::Global(gv) => match self.var_doc(gv.id()) {
                Some(doc) => doc,
                None => self.i("GlobalVar").call(vec![ExprDoc::str(gv.name())]),
            },
            AttrValue::Array(items) => ExprDoc::list(
                items.iter().enumerate().map(|(i, x)| self.attr_value(x, &p.idx(i))).collect(),
            ),
            AttrValue::Map(map) => self.attr_map(map, p),
            // TVM prints a target as `T.target(config)` with its exported configuration.
            AttrValue::Target(config) => self.t("target").call(vec![self.attr_map(config, p)]),
        };
        p.tag(doc)
    }

    /// A module's global infos as TVM prints them: a dict sorted by name of lists of
    /// `I.dummy_global_info()` / `I.vdevice(config, id, scope)`.
    pub(crate) fn global_infos(&mut self, infos: &crate::ir::GlobalInfos, p: &P) -> ExprDoc {
        let mut entries: Vec<&(String, Vec<crate::ir::GlobalInfo>)> = infos.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let docs = entries
            .into_iter()
            .map(|(name, list)| {
                let lp = p.key(name);
                let items = list
                    .iter()
                    .enumerate()
                    .map(|(i, info)| {
                        let ip = lp.idx(i);
                        let doc = match info {
                            crate::ir::GlobalInfo::Dummy => {
                                self.i("dummy_global_info").call(vec![])
                            }
                            crate::ir::GlobalInfo::VDevice { target, vdevice_id, memory_scope } => {
                                let config = self.attr_map(target, &ip.attr("target"));
                                self.i("vdevice").call(vec![
                                    config,
                                    ExprDoc::int(*vdevice_id),
                                    ExprDoc::str(memory_scope.as_str()),
                                ])
                            }
                        };
                        ip.tag(doc)
                    })
                    .collect();
                (p.key_missing(name).tag(ExprDoc::str(name.as_str())), lp.tag(ExprDoc::list(items)))
            })
            .collect();
        p.tag(ExprDoc::dict(docs))
    }

    /// A string-keyed map as a dict sorted by key, as TVM prints `Map<String, Any>`.
    fn attr_map(&mut self, map: &crate::ir::Annotations, p: &P) -> ExprDoc {
        let mut entries: Vec<(&str, &AttrValue)> = map.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let docs = entries
            .into_iter()
            .map(|(k, x)| (p.key_missing(k).tag(ExprDoc::str(k)), self.attr_value(x, &p.key(k))))
            .collect();
        ExprDoc::dict(docs)
    }
}

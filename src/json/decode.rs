//! Typed JSON document → IR, rebuilding every node through the checked constructors of `ir`.
//!
//! Nothing in the document is trusted: every id is bounds-checked (a buffer table entry may use
//! only earlier buffers, which rules out cycles), every expression goes through `PrimExpr::new`,
//! and each failure becomes a `JsonError` naming the JSON path of the offending value. The
//! document is consumed as it is converted, so no deep tree is dropped at once.

use std::collections::HashMap;

use super::attr::{AnnotationsJson, Attr, AttrJson};
use super::error::{JsonError, Path};
use super::natural::natural_dtype;
use super::schema::{
    BufferId, BufferJson, BufferTypeJson, Document, Expr, FunctionJson, GlobalId, IterTypeJson,
    IterVarJson, RangeJson, RegionJson, TypeJson, VarId, VarJson,
};
use super::schema_expr::{Binary, CommReducerJson, ExprKind};
use super::values::{DType, with_stack};
use crate::ir::{
    Annotations, AttrValue, BinaryOp, Buffer, BufferNode, BufferRegion, BufferType, Callee, CmpOp,
    CommReducer, Expr as Ir, GlobalVar, IRModule, IterVar, IterVarType, Op, PrimExpr, PrimFunc,
    Range, Type, Var,
};

/// The objects of the tables built so far.
pub(super) struct Decoder {
    vars: Vec<Var>,
    buffers: Vec<Buffer>,
    /// The length of `/buffers`, to tell a forward reference from a dangling one.
    buffer_table_len: usize,
    globals: Vec<GlobalVar>,
}

type Result<T> = std::result::Result<T, JsonError>;

/// Builds the module a document describes.
pub(super) fn decode_module(doc: Document) -> Result<IRModule> {
    let root = Path::ROOT;
    let Document { attrs, global_infos, global_vars, vars, buffers, functions, .. } = doc;
    let mut dec = Decoder {
        vars: Vec::with_capacity(vars.len()),
        buffers: Vec::with_capacity(buffers.len()),
        buffer_table_len: buffers.len(),
        globals: Vec::with_capacity(global_vars.len()),
    };

    let globals_path = root.key("global_vars");
    let mut global_by_name = HashMap::new();
    for (index, name) in global_vars.into_iter().enumerate() {
        if global_by_name.insert(name.clone(), index).is_some() {
            let message = format!("global var name `{name}` appears more than once");
            return Err(globals_path.index(index).error(message));
        }
        dec.globals.push(GlobalVar::new(name));
    }

    let vars_path = root.key("vars");
    for (index, entry) in vars.into_iter().enumerate() {
        let var = dec.var_entry(entry, &vars_path.index(index))?;
        dec.vars.push(var);
    }

    let buffers_path = root.key("buffers");
    for (index, entry) in buffers.into_iter().enumerate() {
        let buffer = dec.buffer_entry(entry, &buffers_path.index(index))?;
        dec.buffers.push(buffer);
    }

    let mut module = IRModule::new();
    module.attrs = dec.annotations(attrs, &root.key("attrs"))?;
    let infos_path = root.key("global_infos");
    for (name, list) in global_infos.0 {
        let path = infos_path.key(&name);
        let mut infos = Vec::with_capacity(list.len());
        for (index, info) in list.into_iter().enumerate() {
            infos.push(match info {
                super::schema::GlobalInfoJson::Dummy => crate::ir::GlobalInfo::Dummy,
                super::schema::GlobalInfoJson::Vdevice { target, vdevice_id, memory_scope } => {
                    let info_path = path.index(index);
                    let vdevice_path = info_path.key("vdevice");
                    let target_path = vdevice_path.key("target");
                    crate::ir::GlobalInfo::VDevice {
                        target: dec.annotations(target, &target_path)?,
                        vdevice_id,
                        memory_scope,
                    }
                }
            });
        }
        module.global_infos.push((name, infos));
    }

    let functions_path = root.key("functions");
    for (name, entry) in functions.0 {
        let path = functions_path.key(&name);
        let func = dec.function(entry, &path)?;
        let Some(&index) = global_by_name.get(&name) else {
            return Err(path.error(format!("function `{name}` has no entry in /global_vars")));
        };
        module
            .add_with_global(dec.globals[index].clone(), func)
            .map_err(|e| path.error(e.to_string()))?;
    }
    Ok(module)
}

impl Decoder {
    fn var_entry(&mut self, entry: VarJson, path: &Path) -> Result<Var> {
        let dtype = entry.dtype.0;
        let ty = match entry.type_annotation {
            Some(ty) => self.ty(ty, &path.key("type"))?,
            None => Type::Prim(dtype),
        };
        Ok(Var::with_type(entry.name, dtype, ty, entry.size_var))
    }

    fn buffer_entry(&mut self, entry: BufferJson, path: &Path) -> Result<Buffer> {
        let data = self.var(entry.data, &path.key("data"))?;
        let shape = self.exprs(entry.shape, &path.key("shape"))?;
        let strides = self.exprs(entry.strides, &path.key("strides"))?;
        let elem_offset = self.expr(entry.elem_offset, &path.key("elem_offset"))?;
        Ok(Buffer::new(BufferNode {
            name: entry.name,
            data,
            dtype: entry.dtype.0,
            shape,
            strides,
            elem_offset,
            data_alignment: entry.data_alignment,
            offset_factor: entry.offset_factor,
            buffer_type: match entry.buffer_type {
                BufferTypeJson::Default => BufferType::Default,
                BufferTypeJson::AutoBroadcast => BufferType::AutoBroadcast,
            },
            axis_separators: entry.axis_separators,
        }))
    }

    fn function(&mut self, entry: FunctionJson, path: &Path) -> Result<PrimFunc> {
        let params_path = path.key("params");
        let params = entry
            .params
            .into_iter()
            .enumerate()
            .map(|(i, id)| self.var(id, &params_path.index(i)))
            .collect::<Result<Vec<_>>>()?;
        let map_path = path.key("buffer_map");
        let mut buffer_map = Vec::with_capacity(entry.buffer_map.len());
        for (i, binding) in entry.buffer_map.into_iter().enumerate() {
            let at = map_path.index(i);
            let param = self.var(binding.param, &at.key("param"))?;
            let buffer = self.buffer(binding.buffer, &at.key("buffer"))?;
            buffer_map.push((param, buffer));
        }
        let ret_type = match entry.ret_type {
            Some(ty) => self.ty(ty, &path.key("ret_type"))?,
            None => Type::void(),
        };
        let attrs = self.annotations(entry.attrs, &path.key("attrs"))?;
        let body = self.stmt(entry.body, &path.key("body"))?;
        Ok(PrimFunc { params, buffer_map, body, ret_type, attrs })
    }

    /// The var with table index `id`.
    pub(super) fn var(&self, id: VarId, path: &Path) -> Result<Var> {
        self.vars.get(id as usize).cloned().ok_or_else(|| {
            path.error(format!(
                "dangling var reference {id}: /vars has {} entries",
                self.vars.len()
            ))
        })
    }

    /// The buffer with table index `id`, which must already be built.
    pub(super) fn buffer(&self, id: BufferId, path: &Path) -> Result<Buffer> {
        let index = id as usize;
        if let Some(buffer) = self.buffers.get(index) {
            return Ok(buffer.clone());
        }
        Err(path.error(if index < self.buffer_table_len {
            format!(
                "buffer {id} is used before it is defined: a /buffers entry may refer only to \
                 earlier entries"
            )
        } else {
            format!(
                "dangling buffer reference {id}: /buffers has {} entries",
                self.buffer_table_len
            )
        }))
    }

    fn global(&self, id: GlobalId, path: &Path) -> Result<GlobalVar> {
        self.globals.get(id as usize).cloned().ok_or_else(|| {
            let count = self.globals.len();
            path.error(format!(
                "dangling global var reference {id}: /global_vars has {count} entries"
            ))
        })
    }

    fn ty(&mut self, ty: TypeJson, path: &Path) -> Result<Type> {
        with_stack(|| match ty {
            TypeJson::Prim(dtype) => Ok(Type::Prim(dtype.0)),
            TypeJson::Pointer(pointer) => {
                let at = path.key("pointer");
                let element = self.ty(pointer.element.0, &at.key("element"))?;
                Ok(Type::Pointer { element: Box::new(element), scope: pointer.scope })
            }
            TypeJson::Tuple(fields) => {
                let at = path.key("tuple");
                let fields = fields
                    .into_iter()
                    .enumerate()
                    .map(|(i, field)| self.ty(field.0, &at.index(i)))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Type::Tuple(fields))
            }
        })
    }

    pub(super) fn annotations(&mut self, map: AnnotationsJson, path: &Path) -> Result<Annotations> {
        let mut out = Annotations::new();
        for (key, value) in map.0 {
            let value = self.attr(value, &path.key(&key))?;
            out.insert(key, value);
        }
        Ok(out)
    }

    /// A reducer: its `lhs`/`rhs` vars are defined here, then its result and identity read.
    pub(super) fn comm_reducer(
        &mut self,
        json: CommReducerJson,
        at: &Path,
    ) -> Result<std::sync::Arc<CommReducer>> {
        let lhs_path = at.key("lhs");
        let lhs = json.lhs.iter().enumerate();
        let lhs = lhs.map(|(i, &id)| self.var(id, &lhs_path.index(i))).collect::<Result<_>>()?;
        let rhs_path = at.key("rhs");
        let rhs = json.rhs.iter().enumerate();
        let rhs = rhs.map(|(i, &id)| self.var(id, &rhs_path.index(i))).collect::<Result<_>>()?;
        let result = self.exprs(json.result, &at.key("result"))?;
        let identity_element = self.exprs(json.identity_element, &at.key("identity_element"))?;
        Ok(std::sync::Arc::new(CommReducer { lhs, rhs, result, identity_element }))
    }

    pub(super) fn attr(&mut self, value: Attr, path: &Path) -> Result<AttrValue> {
        with_stack(|| {
            Ok(match value.0 {
                AttrJson::None => AttrValue::None,
                AttrJson::Bool(b) => AttrValue::Bool(b),
                AttrJson::Int(i) => AttrValue::Int(i),
                AttrJson::Float(f) => AttrValue::Float(f.0),
                AttrJson::Str(s) => AttrValue::Str(s),
                AttrJson::Expr(e) => AttrValue::Expr(self.expr(e, &path.key("expr"))?),
                AttrJson::Buffer(id) => AttrValue::Buffer(self.buffer(id, &path.key("buffer"))?),
                AttrJson::IterVar(iv) => {
                    AttrValue::IterVar(self.iter_var(*iv, &path.key("iter_var"))?)
                }
                AttrJson::CommReducer(r) => {
                    AttrValue::CommReducer(self.comm_reducer(*r, &path.key("comm_reducer"))?)
                }
                AttrJson::GlobalVar(id) => {
                    AttrValue::Global(self.global(id, &path.key("global_var"))?)
                }
                AttrJson::Array(items) => AttrValue::Array(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| self.attr(item, &path.index(i)))
                        .collect::<Result<Vec<_>>>()?,
                ),
                AttrJson::Map(map) => AttrValue::Map(self.annotations(map, &path.key("map"))?),
                AttrJson::Target(config) => {
                    AttrValue::Target(self.annotations(config, &path.key("target"))?)
                }
            })
        })
    }

    pub(super) fn range(&mut self, range: RangeJson, path: &Path) -> Result<Range> {
        let min = self.expr(range.min, &path.key("min"))?;
        let extent = self.expr(range.extent, &path.key("extent"))?;
        Ok(Range::new(min, extent))
    }

    pub(super) fn ranges(&mut self, ranges: Vec<RangeJson>, path: &Path) -> Result<Vec<Range>> {
        ranges.into_iter().enumerate().map(|(i, r)| self.range(r, &path.index(i))).collect()
    }

    pub(super) fn iter_var(&mut self, iv: IterVarJson, path: &Path) -> Result<IterVar> {
        let var = self.var(iv.var, &path.key("var"))?;
        let dom = match iv.dom {
            Some(dom) => Some(self.range(dom, &path.key("dom"))?),
            None => None,
        };
        let iter_type = match iv.iter_type {
            IterTypeJson::DataPar => IterVarType::DataPar,
            IterTypeJson::ThreadIndex => IterVarType::ThreadIndex,
            IterTypeJson::CommReduce => IterVarType::CommReduce,
            IterTypeJson::Ordered => IterVarType::Ordered,
            IterTypeJson::Opaque => IterVarType::Opaque,
            IterTypeJson::Unrolled => IterVarType::Unrolled,
            IterTypeJson::Vectorized => IterVarType::Vectorized,
            IterTypeJson::Parallelized => IterVarType::Parallelized,
            IterTypeJson::Tensorized => IterVarType::Tensorized,
        };
        Ok(IterVar { var, dom, iter_type, thread_tag: iv.thread_tag })
    }

    pub(super) fn iter_vars(&mut self, ivs: Vec<IterVarJson>, path: &Path) -> Result<Vec<IterVar>> {
        ivs.into_iter().enumerate().map(|(i, iv)| self.iter_var(iv, &path.index(i))).collect()
    }

    pub(super) fn region(&mut self, region: RegionJson, path: &Path) -> Result<BufferRegion> {
        let buffer = self.buffer(region.buffer, &path.key("buffer"))?;
        let region = self.ranges(region.region, &path.key("region"))?;
        Ok(BufferRegion { buffer, region })
    }

    pub(super) fn exprs(&mut self, exprs: Vec<Expr>, path: &Path) -> Result<Vec<PrimExpr>> {
        exprs.into_iter().enumerate().map(|(i, e)| self.expr(e, &path.index(i))).collect()
    }

    /// Builds the expression at `path` (the path of its one-key object).
    pub(super) fn expr(&mut self, e: Expr, path: &Path) -> Result<PrimExpr> {
        with_stack(|| {
            let kind = expr_kind_name(&e.0);
            let at = path.key(kind);
            let (node, dtype) = self.expr_node(e.0, &at)?;
            let dtype = match dtype {
                Some(dtype) => dtype.0,
                None => natural_dtype(&node).ok_or_else(|| path.error("missing field `dtype`"))?,
            };
            PrimExpr::new(dtype, node)
                .map_err(|err| path.error(format!("invalid `{kind}` expression: {err}")))
        })
    }

    fn binary(&mut self, fields: Binary, path: &Path) -> Result<(PrimExpr, PrimExpr)> {
        let a = self.expr(*fields.a, &path.key("a"))?;
        let b = self.expr(*fields.b, &path.key("b"))?;
        Ok((a, b))
    }

    /// The IR node and the stated dtype of an expression; `path` is the path of its fields.
    fn expr_node(&mut self, kind: ExprKind, path: &Path) -> Result<(Ir, Option<DType>)> {
        let arith = |op: BinaryOp, this: &mut Self, f: Binary| {
            let dtype = f.dtype;
            this.binary(f, path).map(|(a, b)| (Ir::Binary { op, a, b }, dtype))
        };
        let cmp = |op: CmpOp, this: &mut Self, f: Binary| {
            let dtype = f.dtype;
            this.binary(f, path).map(|(a, b)| (Ir::Cmp { op, a, b }, dtype))
        };
        match kind {
            ExprKind::Int(imm) => Ok((Ir::IntImm(imm.value), imm.dtype)),
            ExprKind::Float(imm) => Ok((Ir::FloatImm(imm.value.0), imm.dtype)),
            ExprKind::Str(imm) => Ok((Ir::StringImm(imm.value), imm.dtype)),
            ExprKind::Var(id) => Ok((Ir::Var(self.var(id, path)?), None)),
            ExprKind::Add(f) => arith(BinaryOp::Add, self, f),
            ExprKind::Sub(f) => arith(BinaryOp::Sub, self, f),
            ExprKind::Mul(f) => arith(BinaryOp::Mul, self, f),
            ExprKind::Div(f) => arith(BinaryOp::Div, self, f),
            ExprKind::Mod(f) => arith(BinaryOp::Mod, self, f),
            ExprKind::FloorDiv(f) => arith(BinaryOp::FloorDiv, self, f),
            ExprKind::FloorMod(f) => arith(BinaryOp::FloorMod, self, f),
            ExprKind::Min(f) => arith(BinaryOp::Min, self, f),
            ExprKind::Max(f) => arith(BinaryOp::Max, self, f),
            ExprKind::Eq(f) => cmp(CmpOp::Eq, self, f),
            ExprKind::Ne(f) => cmp(CmpOp::Ne, self, f),
            ExprKind::Lt(f) => cmp(CmpOp::Lt, self, f),
            ExprKind::Le(f) => cmp(CmpOp::Le, self, f),
            ExprKind::Gt(f) => cmp(CmpOp::Gt, self, f),
            ExprKind::Ge(f) => cmp(CmpOp::Ge, self, f),
            ExprKind::And(f) => {
                let dtype = f.dtype;
                let (a, b) = self.binary(f, path)?;
                Ok((Ir::And(a, b), dtype))
            }
            ExprKind::Or(f) => {
                let dtype = f.dtype;
                let (a, b) = self.binary(f, path)?;
                Ok((Ir::Or(a, b), dtype))
            }
            ExprKind::Not(f) => Ok((Ir::Not(self.expr(*f.a, &path.key("a"))?), f.dtype)),
            ExprKind::Select(f) => {
                let condition = self.expr(*f.condition, &path.key("condition"))?;
                let true_value = self.expr(*f.true_value, &path.key("true_value"))?;
                let false_value = self.expr(*f.false_value, &path.key("false_value"))?;
                Ok((Ir::Select { condition, true_value, false_value }, f.dtype))
            }
            ExprKind::Cast(f) => {
                Ok((Ir::Cast(self.expr(*f.value, &path.key("value"))?), Some(f.dtype)))
            }
            ExprKind::BufferLoad(f) => {
                let buffer = self.buffer(f.buffer, &path.key("buffer"))?;
                let indices = self.exprs(f.indices, &path.key("indices"))?;
                let predicate = match f.predicate {
                    Some(p) => Some(self.expr(*p, &path.key("predicate"))?),
                    None => None,
                };
                Ok((Ir::BufferLoad { buffer, indices, predicate }, f.dtype))
            }
            ExprKind::Ramp(f) => {
                let base = self.expr(*f.base, &path.key("base"))?;
                let stride = self.expr(*f.stride, &path.key("stride"))?;
                let lanes = self.expr(*f.lanes, &path.key("lanes"))?;
                Ok((Ir::Ramp { base, stride, lanes }, Some(f.dtype)))
            }
            ExprKind::Broadcast(f) => {
                let value = self.expr(*f.value, &path.key("value"))?;
                let lanes = self.expr(*f.lanes, &path.key("lanes"))?;
                Ok((Ir::Broadcast { value, lanes }, Some(f.dtype)))
            }
            ExprKind::Shuffle(f) => {
                let vectors = self.exprs(f.vectors, &path.key("vectors"))?;
                let indices = self.exprs(f.indices, &path.key("indices"))?;
                Ok((Ir::Shuffle { vectors, indices }, Some(f.dtype)))
            }
            ExprKind::Let(f) => {
                let var = self.var(f.var, &path.key("var"))?;
                let value = self.expr(*f.value, &path.key("value"))?;
                let body = self.expr(*f.body, &path.key("body"))?;
                Ok((Ir::Let { var, value, body }, f.dtype))
            }
            ExprKind::Call(f) => {
                let op = match (f.op, f.global) {
                    (Some(name), None) => Callee::Op(Op::get(&name).ok_or_else(|| {
                        path.key("op").error(format!("unknown operator `{name}`"))
                    })?),
                    (None, Some(id)) => Callee::Global(self.global(id, &path.key("global"))?),
                    (Some(_), Some(_)) => {
                        return Err(path.error("a call names either `op` or `global`, not both"));
                    }
                    (None, None) => {
                        return Err(path.error("a call needs a callee: `op` or `global`"));
                    }
                };
                let args = self.exprs(f.args, &path.key("args"))?;
                Ok((Ir::Call { op, args }, Some(f.dtype)))
            }
            ExprKind::Reduce(f) => {
                let f = *f;
                let combiner = self.comm_reducer(f.combiner, &path.key("combiner"))?;
                let source = self.exprs(f.source, &path.key("source"))?;
                let init = self.exprs(f.init, &path.key("init"))?;
                let axis = self.iter_vars(f.axis, &path.key("axis"))?;
                let condition = self.expr(*f.condition, &path.key("condition"))?;
                let node = Ir::Reduce {
                    combiner,
                    source,
                    init,
                    axis,
                    condition,
                    value_index: f.value_index,
                };
                Ok((node, Some(f.dtype)))
            }
        }
    }
}

/// The JSON key of an expression kind.
fn expr_kind_name(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::Int(_) => "int",
        ExprKind::Float(_) => "float",
        ExprKind::Str(_) => "str",
        ExprKind::Var(_) => "var",
        ExprKind::Add(_) => "add",
        ExprKind::Sub(_) => "sub",
        ExprKind::Mul(_) => "mul",
        ExprKind::Div(_) => "div",
        ExprKind::Mod(_) => "mod",
        ExprKind::FloorDiv(_) => "floor_div",
        ExprKind::FloorMod(_) => "floor_mod",
        ExprKind::Min(_) => "min",
        ExprKind::Max(_) => "max",
        ExprKind::Eq(_) => "eq",
        ExprKind::Ne(_) => "ne",
        ExprKind::Lt(_) => "lt",
        ExprKind::Le(_) => "le",
        ExprKind::Gt(_) => "gt",
        ExprKind::Ge(_) => "ge",
        ExprKind::And(_) => "and",
        ExprKind::Or(_) => "or",
        ExprKind::Not(_) => "not",
        ExprKind::Select(_) => "select",
        ExprKind::Cast(_) => "cast",
        ExprKind::BufferLoad(_) => "buffer_load",
        ExprKind::Ramp(_) => "ramp",
        ExprKind::Broadcast(_) => "broadcast",
        ExprKind::Shuffle(_) => "shuffle",
        ExprKind::Let(_) => "let",
        ExprKind::Call(_) => "call",
        ExprKind::Reduce(_) => "reduce",
    }
}

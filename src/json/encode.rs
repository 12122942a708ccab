//! IR → typed JSON document.
//!
//! Ids are dense and assigned in the order the encoder first meets each object while walking the
//! module in document order (module attrs, then functions in module order, each function's
//! params, buffer_map, ret_type, attrs and body in field order). Global vars of the module's
//! functions come first, in module order. A buffer's id is assigned after the vars and buffers its
//! own fields use, so a buffer table entry only ever refers to earlier entries. Process-unique IR
//! ids are used only as hash keys, never written, so the output is deterministic.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::attr::{AnnotationsJson, Attr, AttrJson};
use super::natural::natural_dtype;
use super::schema::{
    BufferId, BufferJson, BufferMapEntryJson, BufferTypeJson, Document, Expr, FunctionJson,
    GlobalId, IterTypeJson, IterVarJson, PointerTypeJson, RangeJson, RegionJson, TypeJson, VarId,
    VarJson,
};
use super::schema_expr::{
    Binary, Broadcast, BufferLoad, Call, Cast, CommReducerJson, ExprKind, LetExpr, Not, Ramp,
    Reduce, Select, Shuffle,
};
use super::values::{Counted, DType, FloatValue, Imm, OrderedMap, with_stack};
use super::{FORMAT_NAME, FORMAT_VERSION};
use crate::ir::{
    Annotations, AttrValue, BinaryOp, Buffer, BufferRegion, BufferType, Callee, CmpOp, CommReducer,
    Expr as Ir, GlobalVar, IRModule, IterVar, IterVarType, PrimExpr, PrimFunc, Range, Type, Var,
};

/// A multiplicative hasher for the process-unique `u64` ids of vars, buffers and global vars.
#[derive(Default)]
pub(super) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, id: u64) {
        self.0 = id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type IdMap = HashMap<u64, u32, BuildHasherDefault<IdHasher>>;

/// Converts a table length to the next id; tables cannot outgrow `u32` in practice because each
/// entry is backed by a distinct IR object in memory.
fn next_id(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// The walk state: tables built so far and the id of every object already met.
#[derive(Default)]
pub(super) struct Encoder {
    vars: Vec<VarJson>,
    var_ids: IdMap,
    buffers: Vec<BufferJson>,
    buffer_ids: IdMap,
    globals: Vec<String>,
    global_ids: IdMap,
}

/// Builds the document for `module`.
pub(super) fn encode_module(module: &IRModule) -> Document {
    let mut enc = Encoder::default();
    for (gv, _) in module.functions() {
        enc.global(gv);
    }
    let attrs = enc.annotations(&module.attrs);
    let global_infos = OrderedMap(
        module
            .global_infos
            .iter()
            .map(|(name, list)| (name.clone(), list.iter().map(|i| enc.global_info(i)).collect()))
            .collect(),
    );
    let functions =
        module.functions().map(|(gv, func)| (gv.name().to_string(), enc.function(func))).collect();
    Document {
        format: FORMAT_NAME.to_string(),
        version: FORMAT_VERSION,
        attrs,
        global_infos,
        global_vars: enc.globals,
        vars: enc.vars,
        buffers: enc.buffers,
        functions: OrderedMap(functions),
    }
}

impl Encoder {
    fn global_info(&mut self, info: &crate::ir::GlobalInfo) -> super::schema::GlobalInfoJson {
        use super::schema::GlobalInfoJson;
        match info {
            crate::ir::GlobalInfo::Dummy => GlobalInfoJson::Dummy,
            crate::ir::GlobalInfo::VDevice { target, vdevice_id, memory_scope } => {
                GlobalInfoJson::Vdevice {
                    target: self.annotations(target),
                    vdevice_id: *vdevice_id,
                    memory_scope: memory_scope.clone(),
                }
            }
        }
    }

    fn function(&mut self, func: &PrimFunc) -> FunctionJson {
        let params = func.params.iter().map(|p| self.var(p)).collect();
        let buffer_map = func
            .buffer_map
            .iter()
            .map(|(param, buffer)| BufferMapEntryJson {
                param: self.var(param),
                buffer: self.buffer(buffer),
            })
            .collect();
        let ret_type = (!func.ret_type.is_void()).then(|| self.ty(&func.ret_type));
        let attrs = self.annotations(&func.attrs);
        let body = self.stmt(&func.body);
        FunctionJson { params, buffer_map, ret_type, attrs, body }
    }

    pub(super) fn var(&mut self, var: &Var) -> VarId {
        if let Some(&id) = self.var_ids.get(&var.id()) {
            return id;
        }
        let natural = Type::Prim(var.dtype());
        let type_annotation =
            (*var.type_annotation() != natural).then(|| self.ty(var.type_annotation()));
        let id = next_id(self.vars.len());
        self.vars.push(VarJson {
            name: var.name().to_string(),
            dtype: DType(var.dtype()),
            type_annotation,
            size_var: var.is_size_var(),
        });
        self.var_ids.insert(var.id(), id);
        id
    }

    fn global(&mut self, gv: &GlobalVar) -> GlobalId {
        if let Some(&id) = self.global_ids.get(&gv.id()) {
            return id;
        }
        let id = next_id(self.globals.len());
        self.globals.push(gv.name().to_string());
        self.global_ids.insert(gv.id(), id);
        id
    }

    pub(super) fn buffer(&mut self, buffer: &Buffer) -> BufferId {
        if let Some(&id) = self.buffer_ids.get(&buffer.id()) {
            return id;
        }
        let node = buffer.node();
        let data = self.var(&node.data);
        let shape = self.exprs(&node.shape);
        let strides = self.exprs(&node.strides);
        let elem_offset = self.expr(&node.elem_offset);
        let entry = BufferJson {
            name: node.name.clone(),
            data,
            dtype: DType(node.dtype),
            shape,
            strides,
            elem_offset,
            data_alignment: node.data_alignment,
            offset_factor: node.offset_factor,
            buffer_type: match node.buffer_type {
                BufferType::Default => BufferTypeJson::Default,
                BufferType::AutoBroadcast => BufferTypeJson::AutoBroadcast,
            },
            axis_separators: node.axis_separators.clone(),
        };
        let id = next_id(self.buffers.len());
        self.buffers.push(entry);
        self.buffer_ids.insert(buffer.id(), id);
        id
    }

    fn ty(&mut self, ty: &Type) -> TypeJson {
        with_stack(|| match ty {
            Type::Prim(dtype) => TypeJson::Prim(DType(*dtype)),
            Type::Pointer { element, scope } => TypeJson::Pointer(PointerTypeJson {
                element: Box::new(Counted(self.ty(element))),
                scope: scope.clone(),
            }),
            Type::Tuple(fields) => {
                TypeJson::Tuple(fields.iter().map(|f| Counted(self.ty(f))).collect())
            }
        })
    }

    pub(super) fn annotations(&mut self, map: &Annotations) -> AnnotationsJson {
        OrderedMap(map.iter().map(|(k, v)| (k.to_string(), self.attr(v))).collect())
    }

    pub(super) fn attr(&mut self, value: &AttrValue) -> Attr {
        with_stack(|| {
            Counted(match value {
                AttrValue::None => AttrJson::None,
                AttrValue::Bool(b) => AttrJson::Bool(*b),
                AttrValue::Int(i) => AttrJson::Int(*i),
                AttrValue::Float(f) => AttrJson::Float(FloatValue(*f)),
                AttrValue::Str(s) => AttrJson::Str(s.clone()),
                AttrValue::Expr(e) => AttrJson::Expr(self.expr(e)),
                AttrValue::Buffer(b) => AttrJson::Buffer(self.buffer(b)),
                AttrValue::IterVar(iv) => AttrJson::IterVar(Box::new(self.iter_var(iv))),
                AttrValue::CommReducer(r) => AttrJson::CommReducer(Box::new(self.comm_reducer(r))),
                AttrValue::Global(gv) => AttrJson::GlobalVar(self.global(gv)),
                AttrValue::Array(items) => {
                    AttrJson::Array(items.iter().map(|v| self.attr(v)).collect())
                }
                AttrValue::Map(map) => AttrJson::Map(self.annotations(map)),
                AttrValue::Target(config) => AttrJson::Target(self.annotations(config)),
            })
        })
    }

    pub(super) fn comm_reducer(&mut self, combiner: &CommReducer) -> CommReducerJson {
        CommReducerJson {
            lhs: combiner.lhs.iter().map(|v| self.var(v)).collect(),
            rhs: combiner.rhs.iter().map(|v| self.var(v)).collect(),
            result: self.exprs(&combiner.result),
            identity_element: self.exprs(&combiner.identity_element),
        }
    }

    pub(super) fn range(&mut self, range: &Range) -> RangeJson {
        RangeJson { min: self.expr(&range.min), extent: self.expr(&range.extent) }
    }

    pub(super) fn iter_var(&mut self, iv: &IterVar) -> IterVarJson {
        IterVarJson {
            var: self.var(&iv.var),
            dom: iv.dom.as_ref().map(|d| self.range(d)),
            iter_type: match iv.iter_type {
                IterVarType::DataPar => IterTypeJson::DataPar,
                IterVarType::ThreadIndex => IterTypeJson::ThreadIndex,
                IterVarType::CommReduce => IterTypeJson::CommReduce,
                IterVarType::Ordered => IterTypeJson::Ordered,
                IterVarType::Opaque => IterTypeJson::Opaque,
                IterVarType::Unrolled => IterTypeJson::Unrolled,
                IterVarType::Vectorized => IterTypeJson::Vectorized,
                IterVarType::Parallelized => IterTypeJson::Parallelized,
                IterVarType::Tensorized => IterTypeJson::Tensorized,
            },
            thread_tag: iv.thread_tag.clone(),
        }
    }

    pub(super) fn region(&mut self, region: &BufferRegion) -> RegionJson {
        RegionJson {
            buffer: self.buffer(&region.buffer),
            region: region.region.iter().map(|r| self.range(r)).collect(),
        }
    }

    pub(super) fn exprs(&mut self, exprs: &[PrimExpr]) -> Vec<Expr> {
        exprs.iter().map(|e| self.expr(e)).collect()
    }

    fn boxed(&mut self, e: &PrimExpr) -> Box<Expr> {
        Box::new(self.expr(e))
    }

    pub(super) fn expr(&mut self, e: &PrimExpr) -> Expr {
        with_stack(|| Counted(self.expr_kind(e)))
    }

    fn expr_kind(&mut self, e: &PrimExpr) -> ExprKind {
        let node = e.expr();
        let dtype = (natural_dtype(node) != Some(e.dtype())).then_some(DType(e.dtype()));
        let exact = DType(e.dtype());
        match node {
            Ir::IntImm(v) => ExprKind::Int(Imm { value: *v, dtype }),
            Ir::FloatImm(v) => ExprKind::Float(Imm { value: FloatValue(*v), dtype }),
            Ir::StringImm(s) => ExprKind::Str(Imm { value: s.clone(), dtype }),
            Ir::Var(v) => ExprKind::Var(self.var(v)),
            Ir::Binary { op, a, b } => {
                let fields = Binary { a: self.boxed(a), b: self.boxed(b), dtype };
                match op {
                    BinaryOp::Add => ExprKind::Add(fields),
                    BinaryOp::Sub => ExprKind::Sub(fields),
                    BinaryOp::Mul => ExprKind::Mul(fields),
                    BinaryOp::Div => ExprKind::Div(fields),
                    BinaryOp::Mod => ExprKind::Mod(fields),
                    BinaryOp::FloorDiv => ExprKind::FloorDiv(fields),
                    BinaryOp::FloorMod => ExprKind::FloorMod(fields),
                    BinaryOp::Min => ExprKind::Min(fields),
                    BinaryOp::Max => ExprKind::Max(fields),
                }
            }
            Ir::Cmp { op, a, b } => {
                let fields = Binary { a: self.boxed(a), b: self.boxed(b), dtype };
                match op {
                    CmpOp::Eq => ExprKind::Eq(fields),
                    CmpOp::Ne => ExprKind::Ne(fields),
                    CmpOp::Lt => ExprKind::Lt(fields),
                    CmpOp::Le => ExprKind::Le(fields),
                    CmpOp::Gt => ExprKind::Gt(fields),
                    CmpOp::Ge => ExprKind::Ge(fields),
                }
            }
            Ir::And(a, b) => ExprKind::And(Binary { a: self.boxed(a), b: self.boxed(b), dtype }),
            Ir::Or(a, b) => ExprKind::Or(Binary { a: self.boxed(a), b: self.boxed(b), dtype }),
            Ir::Not(a) => ExprKind::Not(Not { a: self.boxed(a), dtype }),
            Ir::Select { condition, true_value, false_value } => ExprKind::Select(Select {
                condition: self.boxed(condition),
                true_value: self.boxed(true_value),
                false_value: self.boxed(false_value),
                dtype,
            }),
            Ir::Cast(value) => ExprKind::Cast(Cast { dtype: exact, value: self.boxed(value) }),
            Ir::BufferLoad { buffer, indices, predicate } => ExprKind::BufferLoad(BufferLoad {
                buffer: self.buffer(buffer),
                indices: self.exprs(indices),
                predicate: predicate.as_ref().map(|p| self.boxed(p)),
                dtype,
            }),
            Ir::Ramp { base, stride, lanes } => ExprKind::Ramp(Ramp {
                dtype: exact,
                base: self.boxed(base),
                stride: self.boxed(stride),
                lanes: self.boxed(lanes),
            }),
            Ir::Broadcast { value, lanes } => ExprKind::Broadcast(Broadcast {
                dtype: exact,
                value: self.boxed(value),
                lanes: self.boxed(lanes),
            }),
            Ir::Shuffle { vectors, indices } => ExprKind::Shuffle(Shuffle {
                dtype: exact,
                vectors: self.exprs(vectors),
                indices: self.exprs(indices),
            }),
            Ir::Let { var, value, body } => ExprKind::Let(LetExpr {
                var: self.var(var),
                value: self.boxed(value),
                body: self.boxed(body),
                dtype,
            }),
            Ir::Call { op, args } => {
                let (op, global) = match op {
                    Callee::Op(op) => (Some(op.name().to_string()), None),
                    Callee::Global(gv) => (None, Some(self.global(gv))),
                };
                ExprKind::Call(Call { dtype: exact, op, global, args: self.exprs(args) })
            }
            Ir::Reduce { combiner, source, init, axis, condition, value_index } => {
                let combiner = self.comm_reducer(combiner);
                ExprKind::Reduce(Box::new(Reduce {
                    dtype: exact,
                    combiner,
                    source: self.exprs(source),
                    init: self.exprs(init),
                    axis: axis.iter().map(|iv| self.iter_var(iv)).collect(),
                    condition: self.boxed(condition),
                    value_index: *value_index,
                }))
            }
        }
    }
}

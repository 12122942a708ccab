//! The storage half of TVM's unsupported-dtype legalisation (`StorageLegalizer` in
//! `src/tir/transforms/unsupported_dtype_legalize.cc`), shared by BF16StorageLegalize and
//! FP8StorageLegalize: what remains of the legalised dtype is kept in unsigned integers of the same
//! width (`uint16` for bfloat16, `uint8` for float8).
//!
//! Pointer parameters and allocations of the dtype become pointers to / allocations of the
//! integer type, and every buffer over them is re-declared with it; `reinterpret` calls are
//! re-targeted (`reinterpret(uint16, A[i])` of a re-typed load is the load itself); a stored value
//! that is a `reinterpret` to the dtype stores its integer bits.
//!
//! Two additions to TVM's pass keep the IR well-typed when the compute pass left plain values of
//! the dtype (FP8ComputeLegalize converts with `Cast`, see `fp8_legalize`): any other load of a
//! re-typed buffer is `reinterpret(dtype, load)`, any other stored value of the dtype is
//! `reinterpret(uint, value)`, and a `reinterpret` to the dtype keeps it (TVM's gives the integer
//! bits, which is ill-typed under anything but another `reinterpret` or a store, the two places
//! TVM's compute pass puts one; under those both forms give the same result). Like TVM, the pass runs after MakeUnpackedAPI; a function that still
//! has a buffer map (a private function) is left as it is.

use std::collections::HashMap;

use crate::ir::mutate::{map_expr_children, map_stmt_children};
use crate::ir::{
    Buffer, Callee, DataType, Expr, IrError, Op, PrimExpr, PrimFunc, Stmt, StmtNode, Type, Var,
};

use super::block_lowering_util::map_stmt_exprs;
use super::fp8_legalize_util::{rebuffer, remap_attr_node, repoint};

/// The unsigned integer dtype that stores `dtype` (same bits and lanes).
pub fn storage_uint(dtype: DataType) -> DataType {
    DataType { code: crate::ir::TypeCode::UInt, ..dtype }
}

/// `T.reinterpret(dtype, value)`, or `value` itself when it already has `dtype`.
pub fn reinterpret(dtype: DataType, value: PrimExpr) -> Result<PrimExpr, IrError> {
    if value.dtype() == dtype {
        return Ok(value);
    }
    PrimExpr::call_op(dtype, Op::builtin("reinterpret"), vec![value])
}

/// Legalises the storage of `func` for the dtypes `matches` accepts.
pub fn legalize_storage(
    func: PrimFunc,
    matches: fn(DataType) -> bool,
) -> Result<PrimFunc, IrError> {
    if !func.buffer_map.is_empty() {
        return Ok(func);
    }
    let mut legalizer =
        StorageLegalizer { matches, var_remap: HashMap::new(), buffer_remap: HashMap::new() };
    let params = func.params.iter().map(|p| legalizer.remap_var_def(p)).collect();
    let body = legalizer.stmt(&func.body)?;
    Ok(PrimFunc { params, body, ..func })
}

struct StorageLegalizer {
    matches: fn(DataType) -> bool,
    var_remap: HashMap<Var, Var>,
    buffer_remap: HashMap<u64, Buffer>,
}

impl StorageLegalizer {
    fn matches(&self, dtype: DataType) -> bool {
        (self.matches)(dtype)
    }

    /// A handle to elements of the dtype becomes a handle to its integer storage.
    fn remap_var_def(&mut self, var: &Var) -> Var {
        if let Type::Pointer { element, .. } = var.type_annotation()
            && let Type::Prim(elem) = element.as_ref()
            && self.matches(*elem)
        {
            let new = repoint(var, storage_uint(*elem));
            self.var_remap.insert(var.clone(), new.clone());
            return new;
        }
        var.clone()
    }

    fn remapped_buffer(&mut self, buffer: &Buffer) -> Result<Buffer, IrError> {
        if let Some(b) = self.buffer_remap.get(&buffer.id()) {
            return Ok(b.clone());
        }
        let new = match self.var_remap.get(buffer.data()) {
            Some(data) => {
                let dtype = if self.matches(buffer.dtype()) {
                    storage_uint(buffer.dtype())
                } else {
                    buffer.dtype()
                };
                rebuffer(buffer, data.clone(), dtype)
            }
            None if self.matches(buffer.dtype()) => {
                return Err(IrError::invalid(format!(
                    "buffer `{}` of {} has no re-typed data pointer",
                    buffer.name(),
                    buffer.dtype()
                )));
            }
            None => buffer.clone(),
        };
        self.buffer_remap.insert(buffer.id(), new.clone());
        Ok(new)
    }

    /// A load with its re-typed buffer, still of the integer type.
    fn raw_load(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        let Expr::BufferLoad { buffer, predicate, .. } = e.expr() else {
            return self.expr(e);
        };
        let rebuilt = map_expr_children(e, &mut |c| self.expr(c))?;
        let new = self.remapped_buffer(buffer)?;
        if new.id() == buffer.id() {
            return Ok(rebuilt);
        }
        if predicate.is_some() {
            return Err(IrError::invalid("a predicated load of a legalised buffer"));
        }
        match rebuilt.expr() {
            Expr::BufferLoad { indices, .. } => PrimExpr::buffer_load(&new, indices.clone()),
            _ => Ok(rebuilt),
        }
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        match e.expr() {
            Expr::Var(v) => Ok(self.var_remap.get(v).map_or_else(|| e.clone(), PrimExpr::var)),
            Expr::Let { var, value, body } => {
                let v = self.expr(value)?;
                let new_var = self.remap_var_def(var);
                let b = self.expr(body)?;
                if v.ptr_eq(value) && new_var == *var && b.ptr_eq(body) {
                    return Ok(e.clone());
                }
                PrimExpr::let_(&new_var, v, b)
            }
            Expr::BufferLoad { .. } => {
                let raw = self.raw_load(e)?;
                if raw.dtype() != e.dtype() && self.matches(e.dtype()) {
                    reinterpret(e.dtype(), raw)
                } else {
                    Ok(raw)
                }
            }
            Expr::Call { op: Callee::Op(op), args } if op.name() == "reinterpret" => {
                let [arg] = args.as_slice() else {
                    return Err(IrError::invalid("reinterpret takes one argument"));
                };
                let mut value = self.raw_load(arg)?;
                // Look through a re-typed value's own reinterpret to its integer bits.
                if let Expr::Call { op: Callee::Op(inner), args: inner_args } = value.expr()
                    && inner.name() == "reinterpret"
                    && self.matches(value.dtype())
                    && inner_args[0].dtype() == storage_uint(value.dtype())
                {
                    value = inner_args[0].clone();
                }
                if value.dtype() == e.dtype() {
                    return Ok(value);
                }
                if value.ptr_eq(arg) { Ok(e.clone()) } else { reinterpret(e.dtype(), value) }
            }
            _ => map_expr_children(e, &mut |c| self.expr(c)),
        }
    }

    /// A stored value as integer bits (TVM's `ChangeToUInt`, extended to non-reinterpret values).
    fn change_to_uint(&self, value: PrimExpr) -> Result<PrimExpr, IrError> {
        if !self.matches(value.dtype()) {
            return Ok(value);
        }
        let target = storage_uint(value.dtype());
        match value.expr() {
            Expr::Call { op: Callee::Op(op), args } if op.name() == "reinterpret" => {
                reinterpret(target, args[0].clone())
            }
            _ => reinterpret(target, value),
        }
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations }
                if self.matches(*dtype) =>
            {
                let storage = storage_uint(*dtype);
                let new_var = repoint(buffer_var, storage);
                self.var_remap.insert(buffer_var.clone(), new_var.clone());
                let s = Stmt::new(StmtNode::Allocate {
                    buffer_var: new_var,
                    dtype: storage,
                    extents: extents.clone(),
                    condition: condition.clone(),
                    body: body.clone(),
                    annotations: annotations.clone(),
                });
                self.default_stmt(&s)
            }
            StmtNode::DeclBuffer { buffer, body } => {
                let mut new = self.remapped_buffer(buffer)?;
                if self.matches(new.dtype()) {
                    new = rebuffer(&new, new.data().clone(), storage_uint(new.dtype()));
                    self.buffer_remap.insert(buffer.id(), new.clone());
                }
                let b = self.stmt(body)?;
                if new.id() == buffer.id() && b.ptr_eq(body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::DeclBuffer { buffer: new, body: b }))
            }
            StmtNode::LetStmt { var, value, body } => {
                let v = self.expr(value)?;
                let new_var = self.remap_var_def(var);
                let b = self.stmt(body)?;
                if v.ptr_eq(value) && new_var == *var && b.ptr_eq(body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::LetStmt { var: new_var, value: v, body: b }))
            }
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let v = self.expr(value)?;
                let v = self.change_to_uint(v)?;
                let new_buf = self.remapped_buffer(buffer)?;
                let mut new_indices = Vec::with_capacity(indices.len());
                for i in indices {
                    new_indices.push(self.expr(i)?);
                }
                let same = v.ptr_eq(value)
                    && new_buf.id() == buffer.id()
                    && new_indices.iter().zip(indices).all(|(a, b)| a.ptr_eq(b));
                if same {
                    return Ok(s.clone());
                }
                if predicate.is_some() {
                    return Err(IrError::invalid("a predicated store of a legalised buffer"));
                }
                Ok(Stmt::new(StmtNode::BufferStore {
                    buffer: new_buf,
                    value: v,
                    indices: new_indices,
                    predicate: None,
                }))
            }
            StmtNode::AttrStmt { node, .. } => {
                let rebuilt = self.default_stmt(s)?;
                remap_attr_node(rebuilt, node, &self.buffer_remap, &self.var_remap)
            }
            StmtNode::BufferRealize { .. } => {
                Err(IrError::invalid("BufferRealize in storage legalisation (lower it first)"))
            }
            _ => self.default_stmt(s),
        }
    }

    fn default_stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let with_children = map_stmt_children(s, &mut |c| self.stmt(c))?;
        map_stmt_exprs(&with_children, &mut |e| self.expr(e))
    }
}

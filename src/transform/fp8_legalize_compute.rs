//! The compute half of TVM's unsupported-dtype legalisation (`ComputeLegalizer` in
//! `src/tir/transforms/unsupported_dtype_legalize.cc`), shared by BF16ComputeLegalize and
//! FP8ComputeLegalize.
//!
//! Arithmetic on a legalised dtype (bfloat16, float8) is done in a wider float (`promote`):
//! - operands of `+ - * / min max` and comparisons, `Select` values, `Broadcast` values, `Shuffle`
//!   vectors and call arguments are promoted (`promote_to_target`: a `Cast` from the promoted type
//!   is unwrapped, anything else is converted with the legaliser's `convert`); a call, a cast or a
//!   float immediate of the legalised dtype gets the promoted dtype;
//! - internal buffers (an `Allocate` of constant size whose data pointer is never used as a plain
//!   value) are re-allocated in the promoted dtype, with every buffer viewing them;
//! - a store into a buffer that keeps the legalised dtype converts the promoted value back.
//!
//! As in TVM, `Let`/`LetStmt` values are promoted without being visited, `reinterpret` calls are
//! left as they are (their argument is visited, and converted back if that promoted it), and
//! buffers on the function boundary keep their dtype. One difference: a store value is compared with its buffer by element type (TVM compares
//! whole dtypes, which fails on vector stores).

use std::collections::{HashMap, HashSet};

use crate::ir::mutate::{map_expr_children, map_stmt_children};
use crate::ir::visit::walk_stmt_exprs;
use crate::ir::{
    BinaryOp, Buffer, Callee, DataType, Expr, IrError, PrimExpr, PrimFunc, Stmt, StmtNode, Type,
    Var,
};

use super::block_lowering_util::map_stmt_exprs;
use super::fp8_legalize_util::{
    constant_size, rebuffer, remap_attr_node, repoint, retype, tvm_cast,
};

/// What one legaliser (BF16 or FP8) decides.
pub struct ComputeRules {
    /// Whether `dtype` (any lanes) is the dtype being legalised.
    pub matches: fn(DataType) -> bool,
    /// The scalar dtype computations are promoted to.
    pub promote: DataType,
    /// Converts a value to a float dtype of the same lanes (TVM's `DTypeConversion`).
    pub convert: fn(PrimExpr, DataType) -> Result<PrimExpr, IrError>,
}

/// Legalises the computations of `func` by `rules`.
pub fn legalize_compute(func: PrimFunc, rules: &ComputeRules) -> Result<PrimFunc, IrError> {
    let mut legalizer =
        ComputeLegalizer { rules, var_remap: HashMap::new(), buffer_remap: HashMap::new() };
    legalizer.plan(&func.body);
    let body = legalizer.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

struct ComputeLegalizer<'r> {
    rules: &'r ComputeRules,
    /// Remapped variables by old var: internal buffer pointers, and let-bound values that changed type.
    var_remap: HashMap<Var, Var>,
    /// Remapped buffers by buffer id.
    buffer_remap: HashMap<u64, Buffer>,
}

impl ComputeLegalizer<'_> {
    fn matches(&self, dtype: DataType) -> bool {
        (self.rules.matches)(dtype)
    }

    fn promoted(&self, dtype: DataType) -> DataType {
        DataType { lanes: dtype.lanes, ..self.rules.promote }
    }

    /// Finds internal buffers to re-allocate in the promoted dtype (TVM's planner).
    fn plan(&mut self, body: &Stmt) {
        let mut opaque = HashSet::new();
        let mut allocs = Vec::new();
        let mut buffers = Vec::new();
        crate::ir::visit::walk_stmt(body, &mut |s| match s.node() {
            StmtNode::Allocate { buffer_var, dtype, extents, .. }
                if self.matches(*dtype) && constant_size(extents).is_some_and(|n| n != 0) =>
            {
                allocs.push((buffer_var.clone(), *dtype));
            }
            StmtNode::DeclBuffer { buffer, .. } | StmtNode::BufferStore { buffer, .. } => {
                buffers.push(buffer.clone());
            }
            _ => {}
        });
        walk_stmt_exprs(body, &mut |e| match e.expr() {
            Expr::Var(v) if v.dtype().is_handle() => {
                opaque.insert(v.clone());
            }
            Expr::BufferLoad { buffer, .. } => buffers.push(buffer.clone()),
            _ => {}
        });
        for (var, dtype) in allocs {
            if !opaque.contains(&var) {
                let new = repoint(&var, self.promoted(dtype));
                self.var_remap.insert(var, new);
            }
        }
        for buffer in buffers {
            if let Some(data) = self.var_remap.get(buffer.data()) {
                let dtype = self.promoted(buffer.dtype());
                let new = rebuffer(&buffer, data.clone(), dtype);
                self.buffer_remap.entry(buffer.id()).or_insert(new);
            }
        }
    }

    fn remapped_buffer(&self, buffer: &Buffer) -> Buffer {
        self.buffer_remap.get(&buffer.id()).cloned().unwrap_or_else(|| buffer.clone())
    }

    /// `value` in the promoted dtype when it has the legalised one (TVM's `PromoteToTarget`).
    fn promote_to_target(&self, value: PrimExpr) -> Result<PrimExpr, IrError> {
        if !self.matches(value.dtype()) {
            return Ok(value);
        }
        let target = self.promoted(value.dtype());
        if let Expr::Cast(inner) = value.expr()
            && inner.dtype() == target
        {
            return Ok(inner.clone());
        }
        (self.rules.convert)(value, target)
    }

    /// A promoted value converted back to `dtype` (TVM's `CastTargetToDType`).
    fn cast_target_to_dtype(&self, value: PrimExpr, dtype: DataType) -> Result<PrimExpr, IrError> {
        if value.dtype().code != crate::ir::TypeCode::Float {
            return Ok(value);
        }
        (self.rules.convert)(value, dtype)
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        match e.expr() {
            Expr::Cast(value) => {
                let v = self.expr(value)?;
                let v = self.promote_to_target(v)?;
                if self.matches(e.dtype()) {
                    return tvm_cast(self.promoted(e.dtype()), v);
                }
                if v.ptr_eq(value) { Ok(e.clone()) } else { tvm_cast(e.dtype(), v) }
            }
            Expr::Select { condition, true_value, false_value } => {
                let c = self.expr(condition)?;
                let t = self.expr(true_value)?;
                let t = self.promote_to_target(t)?;
                let f = self.expr(false_value)?;
                let f = self.promote_to_target(f)?;
                if c.ptr_eq(condition) && t.ptr_eq(true_value) && f.ptr_eq(false_value) {
                    return Ok(e.clone());
                }
                PrimExpr::select(c, t, f)
            }
            Expr::Broadcast { value, lanes } => {
                let v = self.expr(value)?;
                let v = self.promote_to_target(v)?;
                if v.ptr_eq(value) {
                    return Ok(e.clone());
                }
                let dtype = DataType { lanes: e.dtype().lanes, ..v.dtype() };
                PrimExpr::new(dtype, Expr::Broadcast { value: v, lanes: lanes.clone() })
            }
            Expr::Shuffle { vectors, indices } => {
                let mut changed = false;
                let mut out = Vec::with_capacity(vectors.len());
                for v in vectors {
                    let n = self.expr(v)?;
                    let n = self.promote_to_target(n)?;
                    changed |= !n.ptr_eq(v);
                    out.push(n);
                }
                if !changed {
                    return Ok(e.clone());
                }
                let dtype = DataType { lanes: e.dtype().lanes, ..out[0].dtype() };
                PrimExpr::new(dtype, Expr::Shuffle { vectors: out, indices: indices.clone() })
            }
            Expr::Call { op: Callee::Op(op), .. } if op.name() == "reinterpret" => {
                // The argument keeps its dtype: a reinterpret reads its bits.
                map_expr_children(e, &mut |c| {
                    let v = self.expr(c)?;
                    if self.matches(c.dtype()) && v.dtype() != c.dtype() {
                        (self.rules.convert)(v, c.dtype())
                    } else {
                        Ok(v)
                    }
                })
            }
            Expr::Call { op, args } => {
                let mut changed = false;
                let mut out = Vec::with_capacity(args.len());
                for a in args {
                    let n = self.expr(a)?;
                    let n = self.promote_to_target(n)?;
                    changed |= !n.ptr_eq(a);
                    out.push(n);
                }
                if self.matches(e.dtype()) {
                    let call = Expr::Call { op: op.clone(), args: out };
                    return PrimExpr::new(self.promoted(e.dtype()), call);
                }
                if !changed {
                    return Ok(e.clone());
                }
                PrimExpr::new(e.dtype(), Expr::Call { op: op.clone(), args: out })
            }
            Expr::FloatImm(v) if self.matches(e.dtype()) => {
                Ok(PrimExpr::float(*v, self.rules.promote))
            }
            Expr::Var(v) => Ok(self.var_remap.get(v).map_or_else(|| e.clone(), PrimExpr::var)),
            Expr::Let { var, value, body } => {
                let v = self.promote_to_target(value.clone())?;
                let mut new_var = var.clone();
                if v.dtype() != value.dtype() {
                    new_var = retype(var, v.dtype());
                    self.var_remap.insert(var.clone(), new_var.clone());
                }
                let b = self.expr(body)?;
                if v.ptr_eq(value) && new_var == *var && b.ptr_eq(body) {
                    return Ok(e.clone());
                }
                PrimExpr::let_(&new_var, v, b)
            }
            Expr::Binary { op, a, b } if promoted_binary(*op) => {
                let (x, y) = self.operands(a, b)?;
                if x.ptr_eq(a) && y.ptr_eq(b) {
                    return Ok(e.clone());
                }
                PrimExpr::binary(*op, x, y)
            }
            Expr::Cmp { op, a, b } => {
                let (x, y) = self.operands(a, b)?;
                if x.ptr_eq(a) && y.ptr_eq(b) {
                    return Ok(e.clone());
                }
                PrimExpr::cmp(*op, x, y)
            }
            Expr::BufferLoad { buffer, indices, predicate } => {
                let rebuilt = map_expr_children(e, &mut |c| self.expr(c))?;
                let new = self.remapped_buffer(buffer);
                if new.id() == buffer.id() {
                    return Ok(rebuilt);
                }
                if predicate.is_some() {
                    return Err(IrError::invalid(
                        "a predicated load of a legalised buffer is not supported",
                    ));
                }
                let indices = match rebuilt.expr() {
                    Expr::BufferLoad { indices, .. } => indices.clone(),
                    _ => indices.clone(),
                };
                PrimExpr::buffer_load(&new, indices)
            }
            _ => map_expr_children(e, &mut |c| self.expr(c)),
        }
    }

    /// Both operands visited and promoted.
    fn operands(&mut self, a: &PrimExpr, b: &PrimExpr) -> Result<(PrimExpr, PrimExpr), IrError> {
        let x = self.expr(a)?;
        let x = self.promote_to_target(x)?;
        let y = self.expr(b)?;
        let y = self.promote_to_target(y)?;
        Ok((x, y))
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::LetStmt { var, value, body } => {
                let v = self.promote_to_target(value.clone())?;
                let mut new_var = var.clone();
                if v.dtype() != value.dtype() {
                    new_var = retype(var, v.dtype());
                    self.var_remap.insert(var.clone(), new_var.clone());
                }
                let b = self.stmt(body)?;
                if v.ptr_eq(value) && new_var == *var && b.ptr_eq(body) {
                    return Ok(s.clone());
                }
                Ok(Stmt::new(StmtNode::LetStmt { var: new_var, value: v, body: b }))
            }
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let v = self.expr(value)?;
                let mut new_indices = Vec::with_capacity(indices.len());
                for i in indices {
                    new_indices.push(self.expr(i)?);
                }
                let new_buf = self.remapped_buffer(buffer);
                let same_indices = new_indices.iter().zip(indices).all(|(a, b)| a.ptr_eq(b));
                if v.ptr_eq(value) && same_indices && new_buf.id() == buffer.id() {
                    return Ok(s.clone());
                }
                let mut v = v;
                if self.matches(new_buf.dtype()) {
                    let index_lanes = new_indices.last().and_then(|i| i.dtype().fixed_lanes());
                    let buffer_lanes = new_buf.dtype().fixed_lanes();
                    let lanes = match (index_lanes, buffer_lanes) {
                        (Some(i), Some(b)) => DataType {
                            lanes: crate::ir::Lanes::Fixed(i.saturating_mul(b)),
                            ..new_buf.dtype()
                        },
                        _ => DataType { lanes: v.dtype().lanes, ..new_buf.dtype() },
                    };
                    v = self.cast_target_to_dtype(v, lanes)?;
                }
                if v.dtype().element_of() != new_buf.dtype().element_of() {
                    if !self.matches(v.dtype()) {
                        return Err(IrError::invalid(format!(
                            "a store of {} into buffer `{}` of {}",
                            v.dtype(),
                            new_buf.name(),
                            new_buf.dtype()
                        )));
                    }
                    let target = DataType { lanes: v.dtype().lanes, ..new_buf.dtype() };
                    v = (self.rules.convert)(v, target)?;
                }
                if predicate.is_some() {
                    return Err(IrError::invalid(
                        "a predicated store in dtype legalisation is not supported",
                    ));
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
            StmtNode::DeclBuffer { buffer, .. } => {
                let rebuilt = self.default_stmt(s)?;
                let new = self.remapped_buffer(buffer);
                match rebuilt.node() {
                    StmtNode::DeclBuffer { body, .. } if new.id() != buffer.id() => {
                        Ok(Stmt::new(StmtNode::DeclBuffer { buffer: new, body: body.clone() }))
                    }
                    _ => Ok(rebuilt),
                }
            }
            StmtNode::Allocate { buffer_var, .. } => {
                let rebuilt = self.default_stmt(s)?;
                let Some(new_var) = self.var_remap.get(buffer_var).cloned() else {
                    return Ok(rebuilt);
                };
                match rebuilt.node() {
                    StmtNode::Allocate { extents, condition, body, .. } => {
                        let dtype = match new_var.type_annotation() {
                            Type::Pointer { element, .. } => match element.as_ref() {
                                Type::Prim(d) => *d,
                                _ => return Err(IrError::invalid("a remapped allocation pointer")),
                            },
                            _ => return Err(IrError::invalid("a remapped allocation pointer")),
                        };
                        // As TVM, the new Allocate carries no annotations.
                        Ok(Stmt::new(StmtNode::Allocate {
                            buffer_var: new_var,
                            dtype,
                            extents: extents.clone(),
                            condition: condition.clone(),
                            body: body.clone(),
                            annotations: Default::default(),
                        }))
                    }
                    _ => Ok(rebuilt),
                }
            }
            _ => self.default_stmt(s),
        }
    }

    /// Visits children statements and the node's own expressions.
    fn default_stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let with_children = map_stmt_children(s, &mut |c| self.stmt(c))?;
        map_stmt_exprs(&with_children, &mut |e| self.expr(e))
    }
}

/// The binary operators TVM's legaliser promotes (`+ - * / min max`); `%` and the floor forms
/// keep their operands.
fn promoted_binary(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::Add
            | BinaryOp::Sub
            | BinaryOp::Mul
            | BinaryOp::Div
            | BinaryOp::Min
            | BinaryOp::Max
    )
}

//! The last step of StorageRewrite: TVM's `PointerValueTypeRewrite` as StorageRewrite configures it
//! (allocations and `let`-bound pointers only, no scalar-read shuffles, untyped pointers allowed).
//!
//! An allocation whose accesses all use one element type is re-typed to it; when, in addition, all
//! of them are `n`-lane vector accesses through a stride-1 ramp whose base is a multiple of `n`, and
//! the last extent is a multiple of `n`, the allocation becomes an `n`-lane vector allocation: its
//! last extent is divided by `n`, a ramp index `Ramp(b, 1, n)` becomes `b / n`, and every buffer on
//! it becomes a buffer of the vector type with its last dimension divided by `n`. Bool arrays count
//! as `int8`. Parameters and their buffers are never re-typed.
//! Difference from TVM: a `DeclBuffer` of a re-typed allocation declares the re-typed buffer (TVM
//! only substitutes its data var, leaving a buffer of the old element type on the new pointer).

use std::collections::HashMap;

use crate::arith::{Analyzer, ops};
use crate::ir::mutate::{map_expr_children, map_stmt_children};
use crate::ir::visit::{walk_expr, walk_stmt, walk_stmt_exprs};
use crate::ir::{
    BinaryOp, Buffer, BufferNode, DataType, Expr, IrError, PrimExpr, PrimFunc, Stmt, StmtNode,
    Type, Var,
};

struct VarInfo {
    element: DataType,
    extent: Option<PrimExpr>,
    rewritable: bool,
    access: Vec<DataType>,
}

fn int8_for_bool(dtype: DataType) -> DataType {
    if dtype.element_of() == DataType::bool() {
        DataType::int(8).with_lanes(dtype.fixed_lanes().unwrap_or(1))
    } else {
        dtype
    }
}

fn pointer_element(v: &Var) -> Option<DataType> {
    match v.type_annotation() {
        Type::Pointer { element, .. } => match element.as_ref() {
            Type::Prim(d) => Some(*d),
            _ => None,
        },
        _ => None,
    }
}

/// Re-types the allocations of `func` as described in the module docs.
pub fn rewrite_vector_types(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut infos: HashMap<Var, VarInfo> = HashMap::new();
    let mut analyzer = Analyzer::new();
    for (_, b) in &func.buffer_map {
        infos.insert(
            b.data().clone(),
            VarInfo {
                element: int8_for_bool(b.dtype()),
                extent: b.shape().last().cloned(),
                rewritable: false,
                access: Vec::new(),
            },
        );
    }
    walk_stmt(&func.body, &mut |s| match s.node() {
        StmtNode::Allocate { buffer_var, dtype, extents, .. } => {
            infos.insert(
                buffer_var.clone(),
                VarInfo {
                    element: int8_for_bool(*dtype),
                    extent: extents.last().cloned(),
                    rewritable: true,
                    access: Vec::new(),
                },
            );
        }
        StmtNode::LetStmt { var, .. } if var.dtype().is_handle() => {
            let element = pointer_element(var).unwrap_or(var.dtype());
            infos.insert(
                var.clone(),
                VarInfo {
                    element: int8_for_bool(element),
                    extent: None,
                    rewritable: true,
                    access: Vec::new(),
                },
            );
        }
        _ => {}
    });
    let mut on_access = |value: DataType, data: &Var, indices: &[PrimExpr]| {
        let Some(info) = infos.get_mut(data) else { return };
        if value.is_scalable() {
            return;
        }
        let value = int8_for_bool(value);
        if info.element.is_handle() {
            info.element = value.element_of();
        }
        let index_lanes = indices.last().and_then(|i| i.dtype().fixed_lanes()).unwrap_or(1);
        let element_lanes = info.element.fixed_lanes().unwrap_or(1);
        let mut lanes_used = element_lanes;
        if u32::from(index_lanes) * u32::from(element_lanes)
            != u32::from(value.fixed_lanes().unwrap_or(1))
        {
            lanes_used = 1;
            info.element = info.element.element_of();
        }
        if let Some(Expr::Ramp { base, stride, lanes }) = indices.last().map(|i| i.expr())
            && stride.as_int() == Some(1)
            && let Some(n) = lanes.as_int()
        {
            let me = analyzer.modular_set(base);
            if me.coeff % n == 0 && me.base % n == 0 {
                lanes_used = u16::try_from(n).unwrap_or(lanes_used);
            }
        }
        let d = value.with_lanes(lanes_used);
        if !info.access.contains(&d) {
            info.access.push(d);
        }
    };
    walk_stmt(&func.body, &mut |s| {
        if let StmtNode::BufferStore { buffer, value, indices, .. } = s.node() {
            on_access(value.dtype(), buffer.data(), indices);
        }
    });
    walk_stmt_exprs(&func.body, &mut |e| {
        walk_expr(e, &mut |x| {
            if let Expr::BufferLoad { buffer, indices, .. } = x.expr() {
                on_access(x.dtype(), buffer.data(), indices);
            }
        })
    });
    let mut rewrites: HashMap<Var, (Var, DataType, u16)> = HashMap::new();
    for (var, info) in &infos {
        if !info.rewritable {
            continue;
        }
        let preferred = preferred_dtype(info, &mut analyzer);
        if preferred != info.element {
            let old_lanes = info.element.fixed_lanes().unwrap_or(1).max(1);
            let new_lanes = preferred.fixed_lanes().unwrap_or(1);
            if !new_lanes.is_multiple_of(old_lanes) {
                continue;
            }
            let new_var = Var::pointer(var.name(), preferred, var.storage_scope());
            rewrites.insert(var.clone(), (new_var, preferred, new_lanes / old_lanes));
        }
    }
    if rewrites.is_empty() {
        return Ok(func);
    }
    let mut r = Retype { rewrites, buffers: HashMap::new(), analyzer };
    let body = r.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

fn preferred_dtype(info: &VarInfo, analyzer: &mut Analyzer) -> DataType {
    let mut bases: Vec<DataType> = Vec::new();
    for d in &info.access {
        if !bases.contains(&d.element_of()) {
            bases.push(d.element_of());
        }
    }
    if bases.len() != 1 {
        return info.element;
    }
    let mut lanes = info.element.fixed_lanes().unwrap_or(1);
    if lanes == 1
        && info.access.len() == 1
        && let Some(extent) = &info.extent
    {
        let n = i64::from(info.access[0].fixed_lanes().unwrap_or(1));
        let me = analyzer.modular_set(extent);
        if me.coeff % n == 0 && me.base % n == 0 {
            lanes = info.access[0].fixed_lanes().unwrap_or(1);
        }
    }
    bases[0].with_lanes(lanes)
}

struct Retype {
    /// Old data var → (new data var, new element dtype, lane factor).
    rewrites: HashMap<Var, (Var, DataType, u16)>,
    buffers: HashMap<u64, Buffer>,
    analyzer: Analyzer,
}

impl Retype {
    fn div(e: &PrimExpr, factor: u16) -> Result<PrimExpr, IrError> {
        ops::binary(BinaryOp::Div, e.clone(), PrimExpr::int(i64::from(factor), e.dtype()))
    }

    fn buffer(&mut self, b: &Buffer) -> Result<Buffer, IrError> {
        if let Some(found) = self.buffers.get(&b.id()) {
            return Ok(found.clone());
        }
        let Some((var, dtype, factor)) = self.rewrites.get(b.data()).cloned() else {
            return Ok(b.clone());
        };
        let node = b.node();
        let mut shape = node.shape.clone();
        if let Some(last) = shape.last_mut() {
            *last = Retype::div(last, factor)?;
        }
        let nb = Buffer::new(BufferNode { data: var, dtype, shape, ..node.clone() });
        self.buffers.insert(b.id(), nb.clone());
        Ok(nb)
    }

    /// The rewritten last index, and the lane to extract for a scalar read of a vector element.
    fn index(
        &mut self,
        data: &Var,
        indices: &[PrimExpr],
    ) -> Result<(Vec<PrimExpr>, Option<i64>), IrError> {
        let Some(&(_, _, factor)) = self.rewrites.get(data) else {
            return Ok((indices.to_vec(), None));
        };
        let mut out = indices.to_vec();
        let Some(last) = out.pop() else { return Ok((out, None)) };
        let mut extract = None;
        let new_last = match last.expr() {
            Expr::Ramp { base, stride, lanes }
                if stride.as_int() == Some(1) && lanes.as_int().is_some() =>
            {
                let n = lanes.as_int().unwrap_or(1);
                let idx = Retype::div(base, factor)?;
                if n != i64::from(factor) {
                    let new_lanes = u16::try_from(n / i64::from(factor))
                        .map_err(|_| IrError::invalid("vector too wide"))?;
                    let scaled = ops::mul(idx, PrimExpr::int(i64::from(new_lanes), base.dtype()))?;
                    super::super::vectorize_loop::make_ramp(scaled, stride.clone(), new_lanes)?
                } else {
                    idx
                }
            }
            _ if last.dtype().is_scalar() && factor > 1 => {
                let me = self.analyzer.modular_set(&last);
                extract = Some(me.base % i64::from(factor));
                Retype::div(&last, factor)?
            }
            _ => last.clone(),
        };
        out.push(new_last);
        Ok((out, extract))
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        let e = map_expr_children(e, &mut |c| self.expr(c))?;
        match e.expr() {
            Expr::Var(v) => {
                Ok(self.rewrites.get(v).map_or(e.clone(), |(nv, _, _)| PrimExpr::var(nv)))
            }
            Expr::BufferLoad { buffer, indices, predicate }
                if self.rewrites.contains_key(buffer.data()) =>
            {
                let (indices, extract) = self.index(buffer.data(), indices)?;
                let buffer = self.buffer(buffer)?;
                let dtype = crate::ir::expr::load_dtype(&buffer, &indices);
                let load = PrimExpr::new(
                    dtype,
                    Expr::BufferLoad { buffer, indices, predicate: predicate.clone() },
                )?;
                match extract {
                    Some(lane) => PrimExpr::new(
                        dtype.element_of(),
                        Expr::Shuffle {
                            vectors: vec![load],
                            indices: vec![PrimExpr::i32(lane as i32)],
                        },
                    ),
                    None => Ok(load),
                }
            }
            _ => Ok(e),
        }
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
        let s = super::super::block_lowering_util::map_stmt_exprs(&s, &mut |e| self.expr(e))?;
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, predicate }
                if self.rewrites.contains_key(buffer.data()) =>
            {
                let (indices, _) = self.index(buffer.data(), indices)?;
                let buffer = self.buffer(buffer)?;
                Ok(Stmt::new(StmtNode::BufferStore {
                    buffer,
                    value: value.clone(),
                    indices,
                    predicate: predicate.clone(),
                }))
            }
            StmtNode::Allocate { buffer_var, extents, condition, body, .. } => {
                let Some((var, dtype, factor)) = self.rewrites.get(buffer_var).cloned() else {
                    return Ok(s);
                };
                let mut extents = extents.clone();
                if let Some(last) = extents.last_mut() {
                    *last = Retype::div(last, factor)?;
                }
                Ok(Stmt::new(StmtNode::Allocate {
                    buffer_var: var,
                    dtype,
                    extents,
                    condition: condition.clone(),
                    body: body.clone(),
                    annotations: crate::ir::Annotations::new(),
                }))
            }
            StmtNode::LetStmt { var, value, body } => match self.rewrites.get(var) {
                Some((nv, _, _)) => Ok(Stmt::new(StmtNode::LetStmt {
                    var: nv.clone(),
                    value: value.clone(),
                    body: body.clone(),
                })),
                None => Ok(s),
            },
            StmtNode::DeclBuffer { buffer, body } if self.rewrites.contains_key(buffer.data()) => {
                let buffer = self.buffer(buffer)?;
                Ok(Stmt::new(StmtNode::DeclBuffer { buffer, body: body.clone() }))
            }
            _ => Ok(s),
        }
    }
}

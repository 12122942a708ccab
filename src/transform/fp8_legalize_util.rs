//! Small IR helpers shared by the dtype legalisers (`fp8_legalize_compute`,
//! `fp8_legalize_storage`, `bf16_legalize`): re-typed copies of buffers and variables, and TVM's
//! `cast` with its constant folding, and the re-pointing of attributes at re-typed nodes.

use std::collections::HashMap;

use crate::ir::{
    AttrValue, Buffer, BufferNode, DataType, Expr, IrError, PrimExpr, Stmt, StmtNode, Type, Var,
};

/// The product of constant extents, or `None` when one is not constant.
pub fn constant_size(extents: &[PrimExpr]) -> Option<i64> {
    extents.iter().try_fold(1i64, |acc, e| e.as_int().map(|v| acc.saturating_mul(v)))
}

/// A copy of `buffer` over `data` with element type `dtype`.
pub fn rebuffer(buffer: &Buffer, data: Var, dtype: DataType) -> Buffer {
    let n = buffer.node();
    Buffer::new(BufferNode {
        name: n.name.clone(),
        data,
        dtype,
        shape: n.shape.clone(),
        strides: n.strides.clone(),
        elem_offset: n.elem_offset.clone(),
        data_alignment: n.data_alignment,
        offset_factor: n.offset_factor,
        buffer_type: n.buffer_type,
        axis_separators: n.axis_separators.clone(),
    })
}

/// A pointer variable like `var` (same name and scope) to elements of `dtype`.
pub fn repoint(var: &Var, dtype: DataType) -> Var {
    let scope = match var.storage_scope() {
        "" => "global",
        s => s,
    };
    Var::pointer(var.name(), dtype, scope)
}

/// A scalar variable like `var` with dtype `dtype` (TVM's `copy_with_dtype`).
pub fn retype(var: &Var, dtype: DataType) -> Var {
    Var::with_type(var.name(), dtype, Type::Prim(dtype), var.is_size_var())
}

/// TVM's `cast(t, v)`: `v` itself when the dtypes agree, a folded constant for an immediate,
/// otherwise a `Cast` node.
pub fn tvm_cast(dtype: DataType, value: PrimExpr) -> Result<PrimExpr, IrError> {
    if value.dtype() == dtype {
        return Ok(value);
    }
    if dtype.is_scalar() {
        match value.expr() {
            Expr::IntImm(v) if dtype.is_floating() => return Ok(PrimExpr::float(*v as f64, dtype)),
            Expr::IntImm(v) => {
                return Ok(PrimExpr::int(crate::interp::element::wrap_int(*v, dtype), dtype));
            }
            Expr::FloatImm(v) if dtype.is_floating() => return Ok(PrimExpr::float(*v, dtype)),
            _ => {}
        }
    }
    PrimExpr::cast(dtype, value)
}

/// An `AttrStmt` (already rebuilt below) whose node is a re-typed buffer or var gets the new one,
/// so attributes keep naming what the legalised code uses.
pub fn remap_attr_node(
    rebuilt: Stmt,
    node: &AttrValue,
    buffer_remap: &HashMap<u64, Buffer>,
    var_remap: &HashMap<Var, Var>,
) -> Result<Stmt, IrError> {
    let remapped = match node {
        AttrValue::Buffer(b) => buffer_remap.get(&b.id()).cloned().map(AttrValue::Buffer),
        AttrValue::Expr(e) => {
            e.as_var().and_then(|v| var_remap.get(v)).map(|v| AttrValue::Expr(PrimExpr::var(v)))
        }
        _ => None,
    };
    match (remapped, rebuilt.node()) {
        (Some(node), StmtNode::AttrStmt { attr_key, value, body, .. }) => {
            Ok(Stmt::new(StmtNode::AttrStmt {
                node,
                attr_key: attr_key.clone(),
                value: value.clone(),
                body: body.clone(),
            }))
        }
        _ => Ok(rebuilt),
    }
}

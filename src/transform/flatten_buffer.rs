//! FlattenBuffer (TVM v0.23 `tir.FlattenBuffer`): rewrites multi-dimensional buffer accesses into
//! flat ones.
//!
//! Each buffer accessed in the body is replaced by its flattened form (TVM's
//! `Buffer::GetFlattenedBuffer`): one dimension (one per axis-separated group), whose extent is the
//! product of the original extents (or `strides[0] * shape[0]` with strides), canonically
//! simplified; a buffer that is already flat
//! keeps its shape but, as in TVM, is still a new buffer object aliasing the same data. Indices become
//! the element offset `((i0 * n1 + i1) * n2 + i2)...` (or `Σ i_k * stride_k`, plus a non-zero
//! `elem_offset`), simplified as TVM's `ElemOffset` does, merging `(x // k) * k + x % k` patterns
//! after each dimension ([`merge_mul_mod`]), then through the iterator map of the enclosing loops
//! ([`crate::arith::iter_map::iter_map_simplify`], see [`scope`]): `B[i, j * 2]` over a
//! `(4, 16)` buffer becomes `B[(i * 8 + j) * 2]`, and an index that is not an iterator map stays
//! as `ElemOffset` left it. As TVM's `IRMutatorWithAnalyzer`, the pass binds loop and thread
//! variables in its analyzer, scopes `if`, `assert`, `if_then_else` and `Select` conditions, binds
//! pure `let` values, and replaces an `if` (an `if_then_else`, a `Select`) whose condition is a
//! constant by the branch taken. Bool buffers are stored as int8: stores cast their
//! value to int8 and loads read int8 and cast back to bool (lane by lane for vector bools, where
//! TVM v0.23 leaves the bool vector unconverted; see [`int8_for_bool`]). `Allocate` extents are flattened to
//! match their `DeclBuffer` (or multiplied together without one), bool allocations become int8, and
//! `DeclBuffer` statements are removed. The function's `buffer_map` keeps the original buffers;
//! the flattened ones alias their data.
//!
//! Invariants: a block left in the body must have no match_buffers (run LowerMatchBuffer first);
//! every access to one original buffer uses one flattened buffer.

use std::collections::HashMap;
use std::sync::Arc;

mod merge_mul_mod;
mod scope;

use merge_mul_mod::merge_mul_mod;

use super::block_lowering_util::map_stmt_exprs;
use crate::analysis::structural_eq::structural_equal;
use crate::arith::{Analyzer, ops};
use crate::ir::mutate::map_stmt_children;
use crate::ir::{
    Block, Buffer, BufferNode, BufferRegion, DataType, Expr, IrError, PrimExpr, PrimFunc, Range,
    Stmt, StmtNode, TypeCode, Var,
};

/// Flattens the buffer accesses of `func`.
pub fn flatten_buffer(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut flattener = Flattener::default();
    // TVM's `MarkBufferMapShapes`: parameter shapes are known to be non-negative.
    for (_, buffer) in &func.buffer_map {
        for extent in buffer.shape() {
            flattener.analyzer.mark_global_non_neg_value(extent);
        }
    }
    let body = flattener.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.FlattenBuffer` (opt level 0, per function), for pipelines.
pub fn pass() -> crate::transform::pass::Pass {
    crate::transform::pass::Pass::prim_func("tir.FlattenBuffer", 0, |f, _| Ok(flatten_buffer(f)?))
}

#[derive(Default)]
struct Flattener {
    /// Original buffer to its flattened form, so every access shares one buffer.
    remap: HashMap<Buffer, Buffer>,
    /// Facts about the function's parameters and the enclosing loops and conditions.
    analyzer: Analyzer,
    /// Every loop and thread variable entered so far, with its range (TVM's `iter_vars_`).
    iter_vars: Vec<(Var, Range)>,
    /// The conditions over iterators of the enclosing `if` branches (TVM's `iter_predicates_`).
    iter_predicates: Vec<PrimExpr>,
}

/// The in-memory type of a bool value: int8 with the same lanes; any other dtype is unchanged.
///
/// TVM v0.23 compares with the scalar `DataType::Bool()`, so a vector bool store (`B[0:4] = A[0:4]
/// < x`) keeps its `boolx4` value on the int8 backing buffer and a vector bool load keeps reading
/// `boolx4` from it: ill-typed IR that only its lane-count checks let through. Here the cast is
/// applied per lane (`int8x4`), as TVM does for scalars, so the flattened IR stays well-typed.
fn int8_for_bool(dtype: DataType) -> DataType {
    if dtype.is_bool() { DataType { code: TypeCode::Int, bits: 8, ..dtype } } else { dtype }
}

/// The flattened shape of `buffer` and whether it differs from the buffer itself.
fn flattened_shape(buffer: &Buffer) -> Result<Option<Vec<PrimExpr>>, IrError> {
    let node = buffer.node();
    let separators = &node.axis_separators;
    let shape = if !node.strides.is_empty() {
        if node.strides.len() != node.shape.len() {
            return Err(IrError::invalid(format!(
                "buffer `{}` has strides of the wrong rank",
                node.name
            )));
        }
        let mut out = vec![ops::mul(node.strides[0].clone(), node.shape[0].clone())?];
        for &sep in separators {
            let s = usize::try_from(sep)
                .ok()
                .filter(|&s| s < node.shape.len())
                .ok_or_else(|| IrError::invalid("axis separator out of range"))?;
            out.push(ops::mul(node.strides[s].clone(), node.shape[s].clone())?);
        }
        out
    } else {
        let mut out = vec![PrimExpr::i32(1); separators.len() + 1];
        let mut axis = 0;
        for (i, extent) in node.shape.iter().enumerate() {
            if axis < separators.len() && i64::try_from(i).ok() == Some(separators[axis]) {
                axis += 1;
            }
            out[axis] = ops::mul(out[axis].clone(), extent.clone())?;
        }
        out
    };
    if shape.len() == node.shape.len() && node.strides.is_empty() {
        return Ok(None);
    }
    Ok(Some(shape))
}

/// The flat offsets of `indices` into `buffer` (TVM's `BufferNode::ElemOffset`), simplified.
pub fn elem_offset(buffer: &Buffer, indices: &[PrimExpr]) -> Result<Vec<PrimExpr>, IrError> {
    let node = buffer.node();
    if indices.len() != node.shape.len() {
        return Err(IrError::invalid(format!(
            "buffer `{}` is {}-dimensional, cannot be indexed with {} indices",
            node.name,
            node.shape.len(),
            indices.len()
        )));
    }
    let separators = &node.axis_separators;
    let mut analyzer = Analyzer::new();
    let mut out = vec![PrimExpr::i32(0); separators.len() + 1];
    let mut axis = 0;
    for (i, index) in indices.iter().enumerate() {
        if axis < separators.len() && i64::try_from(i).ok() == Some(separators[axis]) {
            axis += 1;
        }
        out[axis] = if node.strides.is_empty() {
            ops::add(ops::mul(out[axis].clone(), node.shape[i].clone())?, index.clone())?
        } else {
            ops::add(out[axis].clone(), ops::mul(index.clone(), node.strides[i].clone())?)?
        };
        if i > 0 {
            out[axis] = merge_mul_mod(&mut analyzer, &out[axis]);
        }
    }
    if node.elem_offset.as_int() != Some(0) {
        for o in &mut out {
            *o = ops::add(o.clone(), node.elem_offset.clone())?;
        }
    }
    Ok(out.iter().map(|e| analyzer.simplify(e)).collect())
}

impl Flattener {
    fn flattened(&mut self, buffer: &Buffer) -> Result<Buffer, IrError> {
        if let Some(b) = self.remap.get(buffer) {
            return Ok(b.clone());
        }
        // TVM copies the buffer node even when it is already flat (its copy-on-write sees the
        // buffer shared with the function), so every flattened buffer is a new buffer.
        let node = buffer.node();
        let shape = flattened_shape(buffer)?.unwrap_or_else(|| node.shape.clone());
        let separators = if shape.len() == node.shape.len() && node.strides.is_empty() {
            node.axis_separators.clone()
        } else {
            (1..=node.axis_separators.len()).map(|i| i64::try_from(i).unwrap_or(i64::MAX)).collect()
        };
        let flat = Buffer::new(BufferNode {
            dtype: if node.dtype == DataType::bool() { DataType::int(8) } else { node.dtype },
            shape: shape.iter().map(|e| self.analyzer.canonical_simplify(e)).collect(),
            strides: Vec::new(),
            axis_separators: separators,
            ..node.clone()
        });
        self.remap.insert(buffer.clone(), flat.clone());
        Ok(flat)
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        match e.expr() {
            Expr::BufferLoad { buffer, indices, predicate } => {
                let indices =
                    indices.iter().map(|i| self.expr(i)).collect::<Result<Vec<_>, _>>()?;
                let predicate = predicate.as_ref().map(|p| self.expr(p)).transpose()?;
                let indices = self.simplified_elem_offset(buffer, &indices)?;
                let flat = self.flattened(buffer)?;
                let load = PrimExpr::new(
                    int8_for_bool(e.dtype()),
                    Expr::BufferLoad { buffer: flat, indices, predicate },
                )?;
                if e.dtype().is_bool() { PrimExpr::cast(e.dtype(), load) } else { Ok(load) }
            }
            Expr::Call { .. } | Expr::Select { .. } | Expr::Let { .. } => self.scoped_expr(e),
            _ => crate::ir::mutate::map_expr_children(e, &mut |c| self.expr(c)),
        }
    }

    fn region(&mut self, r: &BufferRegion) -> Result<BufferRegion, IrError> {
        let flat = self.flattened(&r.buffer)?;
        let mins: Vec<PrimExpr> = r.region.iter().map(|range| range.min.clone()).collect();
        let maxs = r
            .region
            .iter()
            .map(|range| {
                ops::sub(
                    ops::add(range.min.clone(), range.extent.clone())?,
                    PrimExpr::int(1, range.extent.dtype()),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let lo = self.simplified_elem_offset(&r.buffer, &mins)?;
        let hi = self.simplified_elem_offset(&r.buffer, &maxs)?;
        let region = lo
            .into_iter()
            .zip(hi)
            .map(|(min, max)| {
                // TVM builds `Range(begin, end)`, whose extent is `end - begin`.
                let end = ops::add(max, PrimExpr::int(1, min.dtype()))?;
                Ok(Range::new(min.clone(), ops::sub(end, min)?))
            })
            .collect::<Result<_, IrError>>()?;
        Ok(BufferRegion { buffer: flat, region })
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::DeclBuffer { body, .. } => self.stmt(body),
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations } => {
                let new_extents = if extents.len() == 1 {
                    extents.clone()
                } else {
                    match body.node() {
                        StmtNode::DeclBuffer { buffer, .. }
                            if buffer.data() == buffer_var
                                && buffer.dtype() == *dtype
                                && buffer.shape().len() == extents.len()
                                && buffer
                                    .shape()
                                    .iter()
                                    .zip(extents)
                                    .all(|(a, b)| structural_equal(a, b)) =>
                        {
                            self.flattened(buffer)?.shape().to_vec()
                        }
                        StmtNode::DeclBuffer { buffer, .. }
                            if !buffer.node().axis_separators.is_empty() =>
                        {
                            return Err(IrError::invalid(
                                "DeclBuffer doesn't match its Allocate extents but has axis separators",
                            ));
                        }
                        _ => {
                            let mut flat = PrimExpr::i32(1);
                            for e in extents {
                                flat = ops::mul(flat, e.clone())?;
                            }
                            vec![flat]
                        }
                    }
                };
                let extents =
                    new_extents.iter().map(|e| self.expr(e)).collect::<Result<Vec<_>, _>>()?;
                let condition = self.expr(condition)?;
                let body = self.stmt(body)?;
                let dtype = if *dtype == DataType::bool() { DataType::int(8) } else { *dtype };
                Ok(Stmt::new(StmtNode::Allocate {
                    buffer_var: buffer_var.clone(),
                    dtype,
                    extents,
                    condition,
                    body,
                    annotations: annotations.clone(),
                }))
            }
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let value = self.expr(value)?;
                let indices =
                    indices.iter().map(|i| self.expr(i)).collect::<Result<Vec<_>, _>>()?;
                let predicate = predicate.as_ref().map(|p| self.expr(p)).transpose()?;
                let flat_indices = self.simplified_elem_offset(buffer, &indices)?;
                let flat = self.flattened(buffer)?;
                let value = if value.dtype().is_bool() {
                    ops::cast(int8_for_bool(value.dtype()), value)?
                } else {
                    value
                };
                Ok(Stmt::new(StmtNode::BufferStore {
                    buffer: flat,
                    value,
                    indices: flat_indices,
                    predicate,
                }))
            }
            StmtNode::For(_)
            | StmtNode::AttrStmt { .. }
            | StmtNode::LetStmt { .. }
            | StmtNode::IfThenElse { .. }
            | StmtNode::AssertStmt { .. } => self.scoped_stmt(s),
            StmtNode::Block(block) => Ok(Stmt::new(StmtNode::Block(self.block(block)?))),
            StmtNode::BlockRealize(r) => {
                let block = self.block(&r.block)?;
                let iter_values =
                    r.iter_values.iter().map(|v| self.expr(v)).collect::<Result<_, _>>()?;
                let predicate = self.expr(&r.predicate)?;
                Ok(Stmt::new(StmtNode::BlockRealize(crate::ir::BlockRealize {
                    iter_values,
                    predicate,
                    block,
                })))
            }
            _ => self.children(s),
        }
    }

    /// Rewrites the child statements and expressions of `s`.
    fn children(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let with_children = map_stmt_children(s, &mut |c| self.stmt(c))?;
        map_stmt_exprs(&with_children, &mut |e| self.expr(e))
    }

    fn block(&mut self, block: &Arc<Block>) -> Result<Arc<Block>, IrError> {
        if !block.match_buffers.is_empty() {
            return Err(IrError::invalid(
                "unexpected match_buffer in FlattenBuffer; run LowerMatchBuffer first",
            ));
        }
        let alloc_buffers =
            block.alloc_buffers.iter().map(|b| self.flattened(b)).collect::<Result<_, _>>()?;
        let reads = block.reads.iter().map(|r| self.region(r)).collect::<Result<_, _>>()?;
        let writes = block.writes.iter().map(|r| self.region(r)).collect::<Result<_, _>>()?;
        let init = block.init.as_ref().map(|i| self.stmt(i)).transpose()?;
        let body = self.stmt(&block.body)?;
        Ok(Arc::new(Block { alloc_buffers, reads, writes, init, body, ..(**block).clone() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_func(source: &str) -> PrimFunc {
        let parsed = crate::eval::parse_script("test.tir", source);
        let module = parsed.module.expect("the test program parses");
        let (_, func) = module.functions().next().expect("one function");
        (**func).clone()
    }

    /// A point region `A[i, j]` of a block flattens to `Range(begin, end)` with `end = i * 32 + j +
    /// 1` and the extent `end - begin` left unsimplified, as TVM builds it. (Printed as a slice,
    /// such an extent does not parse back to the same tree, so this is not a text golden.)
    #[test]
    fn block_point_regions_flatten_to_begin_end_ranges() {
        let func = parse_func(
            "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(B: T.Buffer((32, 32), \"float32\")):\n    for i, j in T.grid(32, 32):\n        with T.block(\"b\"):\n            T.reads(B[i, j])\n            T.writes(B[i, j])\n            B[i, j] = B[i, j] * T.float32(2.0)\n",
        );
        let flat = flatten_buffer(func).expect("the pass succeeds");
        let mut regions = Vec::new();
        crate::ir::visit::walk_stmt(&flat.body, &mut |s| {
            if let StmtNode::BlockRealize(r) = s.node()
                && r.block.name_hint == "b"
            {
                regions.extend(r.block.reads.iter().chain(&r.block.writes).cloned());
            }
        });
        assert_eq!(regions.len(), 2);
        let show =
            |e: &PrimExpr| crate::print::print_expr(e, &crate::print::PrintOptions::default());
        for r in &regions {
            assert_eq!(r.buffer.shape().len(), 1);
            assert_eq!(show(&r.region[0].min), "i * 32 + j");
            assert_eq!(show(&r.region[0].extent), "i * 32 + j + 1 - (i * 32 + j)");
        }
    }
}

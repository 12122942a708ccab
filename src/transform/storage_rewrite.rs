//! StorageRewrite (TVM v0.23 `tir.StorageRewrite`): reuses and merges allocations of flat TIR.
//!
//! Steps, as TVM's `StoragePlanRewriter` (in-place detection on, reuse on unless
//! `tir.merge_static_smem`):
//! 1. `liveness`: the linear access pattern of every allocation and its first/last use;
//! 2. `plan`: each used allocation gets a storage entry, possibly one freed earlier or one it
//!    overwrites in place;
//! 3. the output allocations are made: an entry whose allocations all have the same dtype and
//!    extents keeps the first one's `Allocate` (and its `DeclBuffer`, hoisted beside it); otherwise
//!    one allocation of the widest dtype sized `max(bits) / type_bits` (rounded up); special-tagged
//!    memory of one scope is packed into one allocation at aligned bit offsets;
//! 4. the tree is rewritten: every `Allocate` disappears from its place and the planned ones are
//!    put at the top of their attach scope (the function body, or a parallel loop / thread scope
//!    body), first planned outermost; accesses use the entry's data var (with the bit offset of a
//!    packed entry added to the last index) through a buffer named after that var; `DeclBuffer`s of
//!    unused buffers are dropped. Unused allocations vanish.
//!
//! 5. `vector_type`: TVM's `PointerValueTypeRewrite` re-types allocations accessed with one
//!    element type, and makes allocations accessed only through aligned vector ramps vector-typed.
//!
//! Not done: the bit-offset adjustment of `tvm_access_ptr` arguments into packed special-tagged
//! memory (no CPU allocation uses a special tag).
//! Invariants: the input is flattened (FlattenBuffer ran) and vectorized loops are gone
//! (VectorizeLoop ran); sequences come back flattened without `T.evaluate(0)` members.

pub mod liveness;
pub mod plan;
pub mod scope;
pub mod vector_type;

use std::collections::HashMap;

use std::collections::HashSet;

use self::liveness::{AccessPattern, AllocInfo, StmtKey, key, liveness};
use self::plan::{Planner, StorageEntry};
use super::block_lowering_util::map_stmt_exprs;
use super::unroll_loop::flatten_seq;
use crate::arith::{Analyzer, ops, same_expr};
use crate::ir::mutate::{map_expr_children, map_stmt_children};
use crate::ir::visit::walk_stmt;
use crate::ir::{
    Annotations, Buffer, BufferNode, CmpOp, DataType, Expr, For, ForKind, IrError, PrimExpr,
    PrimFunc, Stmt, StmtNode, Var,
};
use crate::transform::pass::Pass;

/// Rewrites the allocations of `func`; `enable_reuse` false keeps every allocation separate.
pub fn storage_rewrite(func: PrimFunc, enable_reuse: bool) -> Result<PrimFunc, IrError> {
    let pattern = AccessPattern::find(&func.body);
    let events = liveness(&pattern.seq);
    let mut stmts = HashMap::new();
    walk_stmt(&func.body, &mut |s| {
        stmts.insert(key(s), s.clone());
    });
    let mut planner = Planner::new(&pattern.allocs);
    planner.plan(&pattern.seq, &events, &stmts, enable_reuse);
    let mut r = Rewriter {
        alloc_map: planner.alloc_map.clone(),
        entries: planner.entries,
        nests: Vec::new(),
        attach: HashMap::new(),
        buffers: HashMap::new(),
        hoisted: HashSet::new(),
        accessed: pattern.buffers_accessed,
        analyzer: Analyzer::new(),
    };
    r.prepare(&pattern.allocs)?;
    let mut body = r.stmt(&func.body)?;
    if let Some(top) = r.attach.get(&None).cloned() {
        body = r.make_attach(&top, body);
    }
    vector_type::rewrite_vector_types(PrimFunc { body, ..func })
}

/// The pass `tir.StorageRewrite` (opt level 0, per function).
pub fn pass() -> Pass {
    Pass::prim_func("tir.StorageRewrite", 0, |f, ctx| {
        Ok(storage_rewrite(f, !ctx.config_bool("tir.merge_static_smem"))?)
    })
}

/// One statement of an entry's allocation nest (its body is filled in at the attach point).
enum Wrapper {
    Allocate { var: Var, dtype: DataType, extents: Vec<PrimExpr>, condition: PrimExpr },
    DeclBuffer(Buffer),
}

struct Rewriter {
    alloc_map: HashMap<Var, usize>,
    entries: Vec<StorageEntry>,
    /// The allocation nest of each entry (empty for a packed child).
    nests: Vec<Vec<Wrapper>>,
    /// Planned entries per attach scope, in planning order.
    attach: HashMap<Option<StmtKey>, Vec<usize>>,
    /// Buffers rebuilt on an entry's data var, by original buffer id.
    buffers: HashMap<u64, Buffer>,
    /// Buffers whose `DeclBuffer` moved next to the planned allocation.
    hoisted: HashSet<u64>,
    accessed: HashSet<u64>,
    analyzer: Analyzer,
}

impl Rewriter {
    /// TVM's `PrepareNewAlloc`: the output allocation of every entry.
    fn prepare(&mut self, allocs: &HashMap<Var, AllocInfo>) -> Result<(), IrError> {
        self.nests = (0..self.entries.len()).map(|_| Vec::new()).collect();
        for (i, e) in self.entries.iter().enumerate() {
            self.attach.entry(e.attach_scope).or_default().push(i);
        }
        let scopes: Vec<Vec<usize>> = self.attach.values().cloned().collect();
        for vec in &scopes {
            for (pos, &i) in vec.iter().enumerate() {
                if self.entries[i].scope.is_special_tagged()
                    && let Some(&j) =
                        vec[..pos].iter().find(|&&j| self.entries[j].scope == self.entries[i].scope)
                {
                    self.entries[j].merged_children.push(i);
                }
            }
            for &i in vec {
                if self.entries[i].bits_offset != 0 {
                    continue;
                }
                if !self.entries[i].merged_children.is_empty() {
                    self.alloc_tag_merged(i, allocs)?;
                    continue;
                }
                self.alloc_entry(i, allocs)?;
            }
        }
        Ok(())
    }

    fn info<'a>(allocs: &'a HashMap<Var, AllocInfo>, v: &Var) -> Result<&'a AllocInfo, IrError> {
        allocs.get(v).ok_or_else(|| IrError::invalid(format!("no allocation of `{}`", v.name())))
    }

    fn alloc_entry(&mut self, i: usize, allocs: &HashMap<Var, AllocInfo>) -> Result<(), IrError> {
        let members: Vec<&AllocInfo> = self.entries[i]
            .allocs
            .iter()
            .map(|v| Rewriter::info(allocs, v))
            .collect::<Result<_, _>>()?;
        let Some(first) = members.first() else { return Ok(()) };
        let alloc_var = first.buffer_var.clone();
        self.entries[i].alloc_var = Some(alloc_var.clone());
        let mut alloc_type = first.dtype;
        for m in &members {
            if m.dtype.fixed_lanes() > alloc_type.fixed_lanes() {
                alloc_type = m.dtype;
            }
        }
        let identical = members[1..].iter().all(|m| {
            m.dtype == first.dtype
                && m.extents.len() == first.extents.len()
                && m.extents.iter().zip(&first.extents).all(|(a, b)| same_expr(a, b))
        });
        if identical {
            self.nests[i].push(Wrapper::Allocate {
                var: alloc_var.clone(),
                dtype: alloc_type,
                extents: first.extents.clone(),
                condition: first.condition.clone(),
            });
            if let StmtNode::Allocate { body, .. } = first.stmt.node()
                && let StmtNode::DeclBuffer { buffer, .. } = body.node()
            {
                let remapped = self.remap_buffer(buffer, &alloc_var);
                self.nests[i].push(Wrapper::DeclBuffer(remapped));
                self.hoisted.insert(buffer.id());
            }
            return Ok(());
        }
        let mut combo: Option<PrimExpr> = None;
        for m in &members {
            if m.extents.len() != 1 {
                return Err(IrError::invalid(format!(
                    "buffer var `{}` was identified as a re-usable allocation but has {} physical \
                     dimensions; only flat memory can be shared",
                    m.buffer_var.name(),
                    m.extents.len()
                )));
            }
            let nbits = i64::from(m.dtype.bits) * i64::from(m.dtype.fixed_lanes().unwrap_or(1));
            let mut size = m.extents[0].clone();
            if let Some(v) = size.as_int()
                && v > i64::from(i32::MAX) / nbits
            {
                size = PrimExpr::i64(v);
            }
            let bits = ops::mul(size.clone(), PrimExpr::int(nbits, size.dtype()))?;
            combo = Some(match combo {
                Some(c) => ops::max(c, bits)?,
                None => bits,
            });
        }
        let Some(combo) = combo else { return Ok(()) };
        let type_bits =
            i64::from(alloc_type.bits) * i64::from(alloc_type.fixed_lanes().unwrap_or(1));
        let tb = PrimExpr::int(type_bits, combo.dtype());
        let rem = ops::floormod(combo.clone(), tb.clone())?;
        let divided = self.analyzer.can_prove(&ops::compare(
            CmpOp::Eq,
            rem,
            PrimExpr::int(0, combo.dtype()),
        )?);
        let mut size = ops::floordiv(combo, tb)?;
        if !divided {
            size = ops::add(size, PrimExpr::i32(1))?;
        }
        let size = self.analyzer.simplify(&size);
        self.nests[i].push(Wrapper::Allocate {
            var: alloc_var,
            dtype: alloc_type,
            extents: vec![size],
            condition: PrimExpr::bool(true),
        });
        Ok(())
    }

    /// TVM's `NewAllocTagMerged`: packs the entries of one special-tagged scope at 32-bit aligned
    /// bit offsets of one allocation.
    fn alloc_tag_merged(
        &mut self,
        i: usize,
        allocs: &HashMap<Var, AllocInfo>,
    ) -> Result<(), IrError> {
        const ALIGN: u64 = 32;
        let first_var = self.entries[i].allocs.first().cloned();
        let Some(first_var) = first_var else { return Ok(()) };
        let first = Rewriter::info(allocs, &first_var)?;
        let round = |bits: u64| bits.div_ceil(ALIGN) * ALIGN;
        let mut total = round(self.entries[i].const_nbits);
        let children = self.entries[i].merged_children.clone();
        for c in children {
            self.entries[c].bits_offset = total;
            self.entries[c].alloc_var = Some(first_var.clone());
            total = round(total + self.entries[c].const_nbits);
        }
        self.entries[i].alloc_var = Some(first_var.clone());
        let elem = self.entries[i].elem_type;
        let type_bits = u64::from(elem.bits) * u64::from(elem.fixed_lanes().unwrap_or(1));
        let count = i64::try_from(total.div_ceil(type_bits.max(1)))
            .map_err(|_| IrError::invalid("allocation too large"))?;
        let dtype = first.extents.first().map_or(DataType::int32(), |e| e.dtype());
        self.nests[i].push(Wrapper::Allocate {
            var: first_var,
            dtype: elem,
            extents: vec![PrimExpr::int(count, dtype)],
            condition: PrimExpr::bool(true),
        });
        Ok(())
    }

    /// Rebuilds `buf` on `data`, named after it (TVM's `RemapBuffer`).
    fn remap_buffer(&mut self, buf: &Buffer, data: &Var) -> Buffer {
        if let Some(b) = self.buffers.get(&buf.id()) {
            return b.clone();
        }
        let node = buf.node();
        let b = Buffer::new(BufferNode {
            name: data.name().to_string(),
            data: data.clone(),
            ..node.clone()
        });
        self.buffers.insert(buf.id(), b.clone());
        b
    }

    /// `body` wrapped in the allocation nests of `ids`, the first outermost.
    fn make_attach(&self, ids: &[usize], body: Stmt) -> Stmt {
        let mut body = body;
        for &id in ids.iter().rev() {
            for w in self.nests[id].iter().rev() {
                body = match w {
                    Wrapper::Allocate { var, dtype, extents, condition } => {
                        Stmt::new(StmtNode::Allocate {
                            buffer_var: var.clone(),
                            dtype: *dtype,
                            extents: extents.clone(),
                            condition: condition.clone(),
                            body,
                            annotations: Annotations::new(),
                        })
                    }
                    Wrapper::DeclBuffer(buffer) => {
                        Stmt::new(StmtNode::DeclBuffer { buffer: buffer.clone(), body })
                    }
                };
            }
        }
        body
    }

    /// The entry of a planned allocation var, with its data var.
    fn entry_of(&self, data: &Var) -> Option<(usize, Var)> {
        let &id = self.alloc_map.get(data)?;
        let var = self.entries[id].alloc_var.clone()?;
        Some((id, var))
    }

    /// The last index shifted by the entry's bit offset in elements of `dtype`.
    fn remap_index(
        &self,
        dtype: DataType,
        index: PrimExpr,
        id: usize,
    ) -> Result<PrimExpr, IrError> {
        let offset = self.entries[id].bits_offset;
        if offset == 0 {
            return Ok(index);
        }
        let elems = i64::try_from(offset / u64::from(dtype.bits.max(1)))
            .map_err(|_| IrError::invalid("offset too large"))?;
        ops::add(PrimExpr::int(elems, index.dtype().element_of()), index)
    }

    fn access(
        &mut self,
        buffer: &Buffer,
        indices: &[PrimExpr],
    ) -> Result<Option<(Buffer, Vec<PrimExpr>)>, IrError> {
        let Some((id, var)) = self.entry_of(buffer.data()) else { return Ok(None) };
        let new_buffer = self.remap_buffer(buffer, &var);
        let mut indices = indices.to_vec();
        if let Some(last) = indices.pop() {
            indices.push(self.remap_index(buffer.dtype(), last, id)?);
        }
        Ok(Some((new_buffer, indices)))
    }

    fn expr(&mut self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        let e = map_expr_children(e, &mut |c| self.expr(c))?;
        match e.expr() {
            Expr::Var(v) => Ok(self.entry_of(v).map_or(e.clone(), |(_, var)| PrimExpr::var(&var))),
            Expr::BufferLoad { buffer, indices, predicate } => {
                match self.access(buffer, indices)? {
                    Some((buffer, indices)) => PrimExpr::new(
                        e.dtype(),
                        Expr::BufferLoad { buffer, indices, predicate: predicate.clone() },
                    ),
                    None => Ok(e),
                }
            }
            _ => Ok(e),
        }
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let k = key(s);
        match s.node() {
            StmtNode::Allocate { body, .. } => self.stmt(body),
            StmtNode::DeclBuffer { buffer, body } => {
                if self.hoisted.contains(&buffer.id()) || !self.accessed.contains(&buffer.id()) {
                    return self.stmt(body);
                }
                let body = self.stmt(body)?;
                let buffer = match self.entry_of(buffer.data()) {
                    Some((_, var)) => self.remap_buffer(buffer, &var),
                    None => buffer.clone(),
                };
                Ok(Stmt::new(StmtNode::DeclBuffer { buffer, body }))
            }
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                let value = self.expr(value)?;
                let indices: Vec<PrimExpr> =
                    indices.iter().map(|i| self.expr(i)).collect::<Result<_, _>>()?;
                let predicate = predicate.as_ref().map(|p| self.expr(p)).transpose()?;
                let (buffer, indices) = match self.access(buffer, &indices)? {
                    Some(pair) => pair,
                    None => (buffer.clone(), indices),
                };
                Ok(Stmt::new(StmtNode::BufferStore { buffer, value, indices, predicate }))
            }
            StmtNode::SeqStmt(seq) => {
                let items = seq.iter().map(|c| self.stmt(c)).collect::<Result<Vec<_>, _>>()?;
                Ok(flatten_seq(items))
            }
            StmtNode::For(l) => {
                if l.kind == ForKind::Vectorized {
                    return Err(IrError::invalid(
                        "StorageRewrite needs VectorizeLoop to run first (a vectorized loop remains)",
                    ));
                }
                let rebuilt = self.generic(s)?;
                match (self.attach.get(&Some(k)).cloned(), rebuilt.node()) {
                    (Some(ids), StmtNode::For(nl)) => {
                        let body = self.make_attach(&ids, nl.body.clone());
                        Ok(Stmt::from(For { body, ..nl.clone() }))
                    }
                    _ => Ok(rebuilt),
                }
            }
            StmtNode::AttrStmt { node, attr_key, value, .. } => {
                let rebuilt = self.generic(s)?;
                let is_scope = attr_key == "thread_extent"
                    || attr_key == "virtual_thread"
                    || attr_key.starts_with("pragma_");
                if is_scope
                    && let Some(ids) = self.attach.get(&Some(k)).cloned()
                    && let StmtNode::AttrStmt { body, .. } = rebuilt.node()
                {
                    let body = self.make_attach(&ids, body.clone());
                    return Ok(Stmt::new(StmtNode::AttrStmt {
                        node: node.clone(),
                        attr_key: attr_key.clone(),
                        value: value.clone(),
                        body,
                    }));
                }
                if attr_key == "volatile_scope"
                    && let crate::ir::AttrValue::Expr(e) = node
                    && let Some(v) = e.as_var()
                    && let Some((_, var)) = self.entry_of(v)
                    && let StmtNode::AttrStmt { value, body, .. } = rebuilt.node()
                {
                    return Ok(Stmt::new(StmtNode::AttrStmt {
                        node: crate::ir::AttrValue::Expr(PrimExpr::var(&var)),
                        attr_key: attr_key.clone(),
                        value: value.clone(),
                        body: body.clone(),
                    }));
                }
                Ok(rebuilt)
            }
            _ => self.generic(s),
        }
    }

    fn generic(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        let s = map_stmt_children(s, &mut |c| self.stmt(c))?;
        map_stmt_exprs(&s, &mut |e| self.expr(e))
    }
}

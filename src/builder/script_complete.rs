//! `script_complete`: what TVM's `ScriptComplete` does to a function when its frame closes.
//!
//! 1. A function whose body holds blocks (or that allocated buffers outside any block) gets an
//!    implicit root block named `"root"` holding those allocations, unless its body already is a
//!    binding-free block realize.
//! 2. Every block marked by the builder for access detection gets the `reads`/`writes` the block
//!    access region detector computes, using the buffers visible at that block; the root block's
//!    regions stay empty. The marker annotation is removed.
//! 3. Block bindings must be integers, and detection must not meet an opaque access.

use std::collections::HashMap;
use std::sync::Arc;

use super::exit::DETECT_ACCESS_KEY;
use crate::analysis::block_access::block_access_regions;
use crate::ir::mutate::map_stmt_children;
use crate::ir::{
    AttrValue, Block, BlockRealize, Buffer, IrError, PrimExpr, PrimFunc, Stmt, StmtNode, Var,
};

/// Completes a function built by the builder (see the module docs).
pub fn script_complete(
    mut func: PrimFunc,
    root_alloc_buffers: Vec<Buffer>,
) -> Result<PrimFunc, IrError> {
    let mut visible: HashMap<Var, Buffer> = HashMap::new();
    for (_, buffer) in &func.buffer_map {
        visible.insert(buffer.data().clone(), buffer.clone());
    }
    for buffer in &root_alloc_buffers {
        visible.insert(buffer.data().clone(), buffer.clone());
    }
    let insert_root = !root_alloc_buffers.is_empty()
        || match func.body.node() {
            StmtNode::BlockRealize(r) => !r.block.iter_vars.is_empty(),
            _ => contains_block_realize(&func.body),
        };
    if insert_root {
        let root = Block {
            iter_vars: Vec::new(),
            reads: Vec::new(),
            writes: Vec::new(),
            name_hint: "root".to_string(),
            alloc_buffers: root_alloc_buffers,
            match_buffers: Vec::new(),
            annotations: Default::default(),
            init: None,
            body: func.body.clone(),
        };
        func.body = Stmt::from(BlockRealize {
            iter_values: Vec::new(),
            predicate: PrimExpr::bool(true),
            block: Arc::new(root),
        });
    }
    let mut completer = Completer { visible, is_root: true };
    func.body = completer.visit(&func.body)?;
    Ok(func)
}

fn contains_block_realize(s: &Stmt) -> bool {
    let mut found = false;
    crate::ir::visit::walk_stmt(s, &mut |x| found |= matches!(x.node(), StmtNode::BlockRealize(_)));
    found
}

struct Completer {
    visible: HashMap<Var, Buffer>,
    is_root: bool,
}

impl Completer {
    fn visit(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::BlockRealize(r) => {
                if let Some(bad) = r.iter_values.iter().find(|v| !v.dtype().is_int()) {
                    return Err(IrError::invalid(format!(
                        "block `{}` binds an iter var to a value of dtype {}, expected an integer",
                        r.block.name_hint,
                        bad.dtype()
                    )));
                }
                let block = self.complete_block(&r.block)?;
                if Arc::ptr_eq(&block, &r.block) {
                    return Ok(s.clone());
                }
                Ok(Stmt::from(BlockRealize { block, ..r.clone() }))
            }
            StmtNode::Block(block) => {
                let new = self.complete_block(block)?;
                if Arc::ptr_eq(&new, block) {
                    Ok(s.clone())
                } else {
                    Ok(Stmt::new(StmtNode::Block(new)))
                }
            }
            StmtNode::DeclBuffer { buffer, .. } if !self.visible.contains_key(buffer.data()) => {
                self.visible.insert(buffer.data().clone(), buffer.clone());
                let result = map_stmt_children(s, &mut |c| self.visit(c));
                self.visible.remove(buffer.data());
                result
            }
            _ => map_stmt_children(s, &mut |c| self.visit(c)),
        }
    }

    fn complete_block(&mut self, block: &Arc<Block>) -> Result<Arc<Block>, IrError> {
        let scoped: Vec<Buffer> = block
            .alloc_buffers
            .iter()
            .cloned()
            .chain(block.match_buffers.iter().map(|m| m.buffer.clone()))
            .collect();
        for b in &scoped {
            self.visible.insert(b.data().clone(), b.clone());
        }
        let is_root = std::mem::replace(&mut self.is_root, false);
        let children =
            map_stmt_children(&Stmt::new(StmtNode::Block(block.clone())), &mut |c| self.visit(c));
        self.is_root = is_root;
        for b in &scoped {
            self.visible.remove(b.data());
        }
        let completed = match children?.node() {
            StmtNode::Block(b) => b.clone(),
            _ => unreachable!("map_stmt_children keeps the node kind"),
        };
        let mask = match completed.annotations.get(DETECT_ACCESS_KEY) {
            Some(AttrValue::Expr(e)) => e.as_int().unwrap_or(0),
            Some(AttrValue::Int(v)) => *v,
            _ => 0,
        };
        if mask == 0 {
            return Ok(completed);
        }
        let access = block_access_regions(&completed, &self.visible);
        if !access.opaque.is_empty() {
            return Err(IrError::invalid(format!(
                "cannot detect the access region of block `{}`: it accesses buffer `{}` through its data \
                 pointer; declare T.reads and T.writes by hand",
                completed.name_hint,
                access.opaque[0].buffer.name()
            )));
        }
        let mut new = (*completed).clone();
        if !is_root {
            if mask & 1 != 0 {
                new.reads = access.reads;
            }
            if mask & 2 != 0 {
                new.writes = access.writes;
            }
        }
        new.annotations.remove(DETECT_ACCESS_KEY);
        Ok(Arc::new(new))
    }
}

//! LowerOpaqueBlock (TVM v0.23 `tir.LowerOpaqueBlock`): removes opaque blocks and rewrites loops
//! into their lowered forms.
//!
//! - A `BlockRealize` (which must have no bindings: run ConvertBlocksToOpaque first) becomes its
//!   body, wrapped in `if predicate` unless the predicate is the constant true, then in an
//!   `Allocate` + `DeclBuffer` pair per allocated buffer (the first buffer outermost), with the
//!   `buffer_dim_align` storage alignment of the buffer (index set to -1) as allocate annotation,
//!   then in one `AttrStmt(0, key, value)` per `pragma_*` block annotation (sorted by key, the
//!   smallest outermost). Other block annotations are dropped.
//! - A `ThreadBinding` loop becomes `AttrStmt(IterVar, "thread_extent" | "virtual_thread", extent)`.
//! - A loop of extent 1 without annotations disappears; its var is replaced by the loop's min.
//! - Other loops keep their non-pragma annotations; `pragma_*` loop annotations become
//!   `AttrStmt(loop_var, key, value)` around the loop.
//!
//! Invariants: afterwards there are no blocks; bare `Block` statements (without realize) are left
//! in place as TVM does; expressions are substituted, not simplified.

use std::collections::HashMap;

use super::block_lowering_util::{
    DimAlign, allocation_shape, collect_storage_align, map_block_exprs, map_stmt_exprs,
    rewrite_expr,
};
use crate::arith::ops;
use crate::ir::mutate::map_stmt_children;
use crate::ir::{
    Annotations, AttrValue, BlockRealize, DataType, Expr, For, ForKind, IrError, IterVar,
    IterVarType, PrimExpr, PrimFunc, Range, Stmt, StmtNode, Var,
};

/// Lowers all opaque blocks of `func`.
pub fn lower_opaque_block(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let mut lower =
        Lower { unit_loop_vars: HashMap::new(), storage_align: collect_storage_align(&func.body)? };
    let body = lower.stmt(&func.body)?;
    Ok(PrimFunc { body, ..func })
}

/// The pass `tir.LowerOpaqueBlock` (opt level 0, per function), for pipelines.
pub fn pass() -> crate::transform::pass::Pass {
    crate::transform::pass::Pass::prim_func("tir.LowerOpaqueBlock", 0, |f, _| {
        Ok(lower_opaque_block(f)?)
    })
}

struct Lower {
    /// Vars of removed unit loops and the value (the loop min) they stand for.
    unit_loop_vars: HashMap<Var, PrimExpr>,
    storage_align: HashMap<Var, Vec<DimAlign>>,
}

impl Lower {
    fn expr(&self, e: &PrimExpr) -> Result<PrimExpr, IrError> {
        rewrite_expr(e, &mut |node| match node.expr() {
            Expr::Var(v) => match self.unit_loop_vars.get(v) {
                Some(value) => ops::cast(v.dtype(), value.clone()),
                None => Ok(node.clone()),
            },
            _ => Ok(node.clone()),
        })
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, IrError> {
        match s.node() {
            StmtNode::BlockRealize(r) => self.realize(r),
            StmtNode::For(l) => self.for_loop(l),
            _ => {
                let with_children = map_stmt_children(s, &mut |c| self.stmt(c))?;
                map_stmt_exprs(&with_children, &mut |e| self.expr(e))
            }
        }
    }

    fn realize(&mut self, r: &BlockRealize) -> Result<Stmt, IrError> {
        if !r.iter_values.is_empty() {
            return Err(IrError::invalid(
                "non-opaque blocks are not allowed in LowerOpaqueBlock; run ConvertBlocksToOpaque first",
            ));
        }
        let block = map_block_exprs(&r.block, &mut |e| self.expr(e))?;
        let mut body = match &block.init {
            Some(_) => {
                return Err(IrError::invalid("block init is not allowed in LowerOpaqueBlock"));
            }
            None => self.stmt(&block.body)?,
        };
        let predicate = self.expr(&r.predicate)?;
        if predicate.as_int() != Some(1) {
            body = Stmt::new(StmtNode::IfThenElse {
                condition: predicate,
                then_case: body,
                else_case: None,
            });
        }
        for buffer in block.alloc_buffers.iter().rev() {
            let extents = allocation_shape(buffer)?;
            body = Stmt::new(StmtNode::DeclBuffer { buffer: buffer.clone(), body });
            let mut annotations = Annotations::new();
            if let Some(aligns) = self.storage_align.get(buffer.data()) {
                let tuples = aligns
                    .iter()
                    .map(|t| {
                        AttrValue::Array(vec![
                            AttrValue::Int(-1),
                            AttrValue::Int(t[1]),
                            AttrValue::Int(t[2]),
                            AttrValue::Int(t[3]),
                        ])
                    })
                    .collect();
                annotations.insert("buffer_dim_align", AttrValue::Array(tuples));
            }
            body = Stmt::new(StmtNode::Allocate {
                buffer_var: buffer.data().clone(),
                dtype: buffer.dtype(),
                extents,
                condition: PrimExpr::bool(true),
                body,
                annotations,
            });
        }
        let (_, pragmas) = split_annotations(&block.annotations, true)?;
        for (key, value) in pragmas.into_iter().rev() {
            body = Stmt::new(StmtNode::AttrStmt {
                node: AttrValue::Int(0),
                attr_key: key,
                value,
                body,
            });
        }
        Ok(body)
    }

    fn for_loop(&mut self, l: &For) -> Result<Stmt, IrError> {
        let min = self.expr(&l.min)?;
        let extent = self.expr(&l.extent)?;
        let is_unit = extent.as_int() == Some(1) && l.annotations.is_empty();
        if is_unit {
            self.unit_loop_vars.insert(l.loop_var.clone(), min.clone());
        }
        let mut body = self.stmt(&l.body)?;
        let (preserved, pragmas) = split_annotations(&l.annotations, false)?;
        if l.kind == ForKind::ThreadBinding {
            let thread_tag = match &l.thread_binding {
                Some(iv) => iv.thread_tag.clone(),
                None => {
                    return Err(IrError::invalid(format!(
                        "thread binding loop `{}` has no thread",
                        l.loop_var.name()
                    )));
                }
            };
            let key = if matches!(
                thread_tag.as_str(),
                "vthread" | "vthread.x" | "vthread.y" | "vthread.z"
            ) {
                "virtual_thread"
            } else {
                "thread_extent"
            };
            let iter_var = IterVar {
                var: l.loop_var.clone(),
                dom: Some(Range::new(min, extent.clone())),
                iter_type: IterVarType::ThreadIndex,
                thread_tag,
            };
            body = Stmt::new(StmtNode::AttrStmt {
                node: AttrValue::IterVar(iter_var),
                attr_key: key.to_string(),
                value: extent,
                body,
            });
        } else if is_unit {
            return Ok(body);
        } else {
            let step = l.step.as_ref().map(|s| self.expr(s)).transpose()?;
            body = Stmt::from(For {
                loop_var: l.loop_var.clone(),
                min,
                extent,
                kind: l.kind,
                body,
                thread_binding: None,
                annotations: preserved,
                step,
            });
        }
        for (key, value) in pragmas.into_iter().rev() {
            body = Stmt::new(StmtNode::AttrStmt {
                node: AttrValue::Expr(PrimExpr::var(&l.loop_var)),
                attr_key: key,
                value,
                body,
            });
        }
        Ok(body)
    }
}

/// Splits annotations into the preserved ones (loops keep non-pragma keys, blocks keep none) and
/// the `pragma_*` ones as `(key, value)` sorted by key.
fn split_annotations(
    annotations: &Annotations,
    is_block: bool,
) -> Result<(Annotations, Vec<(String, PrimExpr)>), IrError> {
    let mut preserved = Annotations::new();
    let mut pragmas = Vec::new();
    for (key, value) in annotations.iter() {
        if key.starts_with("pragma_") {
            pragmas.push((key.to_string(), attr_to_expr(key, value)?));
        } else if !is_block {
            preserved.insert(key, value.clone());
        }
    }
    pragmas.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((preserved, pragmas))
}

/// The expression an annotation value stands for, as TVM converts it for an `AttrStmt`.
fn attr_to_expr(key: &str, value: &AttrValue) -> Result<PrimExpr, IrError> {
    Ok(match value {
        AttrValue::Expr(e) => e.clone(),
        AttrValue::Str(s) => PrimExpr::string(s.clone()),
        AttrValue::Bool(b) => PrimExpr::bool(*b),
        AttrValue::Int(v) => match i32::try_from(*v) {
            Ok(small) => PrimExpr::i32(small),
            Err(_) => PrimExpr::i64(*v),
        },
        AttrValue::Float(v) => PrimExpr::float(*v, DataType::float32()),
        other => {
            return Err(IrError::invalid(format!(
                "illegal attribute of key {key}: {other:?} is not an expression"
            )));
        }
    })
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

    /// Loop pragmas become `AttrStmt(loop_var, key, value)` around the loop, sorted by key, and
    /// other loop annotations stay on the loop. (This output names the loop var outside its loop,
    /// so it cannot be a text golden: printing it declares the var free, as TVM does.)
    #[test]
    fn loop_pragmas_wrap_the_loop_in_key_order() {
        let func = parse_func(
            "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(A: T.Buffer((16,), \"float32\")):\n    for i in T.serial(16, annotations={\"pragma_unroll_explicit\": 1, \"keep\": 2, \"pragma_auto_unroll_max_step\": 8}):\n        with T.block(\"B\"):\n            T.reads()\n            T.writes(A[i])\n            A[i] = T.float32(0.0)\n",
        );
        let lowered = lower_opaque_block(func).expect("the pass succeeds");
        let mut keys = Vec::new();
        let mut s = lowered.body.clone();
        while let StmtNode::AttrStmt { node, attr_key, value, body } = s.node().clone() {
            let AttrValue::Expr(e) = node else { panic!("the attr node must be the loop var") };
            assert_eq!(e.as_var().map(|v| v.name().to_string()), Some("i".to_string()));
            keys.push((attr_key, value.as_int()));
            s = body;
        }
        assert_eq!(
            keys,
            [
                ("pragma_auto_unroll_max_step".to_string(), Some(8)),
                ("pragma_unroll_explicit".to_string(), Some(1))
            ]
        );
        let StmtNode::For(l) = s.node() else { panic!("the loop follows its pragmas") };
        assert_eq!(l.annotations.len(), 1);
        assert!(l.annotations.contains_key("keep"));
        assert!(matches!(l.body.node(), StmtNode::BufferStore { .. }));
    }
}

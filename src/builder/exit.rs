//! What each frame builds when it closes (TVM's `ExitWithScope` rules).

use std::sync::Arc;

use super::frames::{
    BlockFrame, ForFrame, Frame, IfFrame, LoopKind, ModuleFrame, PrimFuncFrame, WrapKind,
};
use super::{BuildResult, IRBuilder};
use crate::ir::{
    AttrValue, Block, BlockRealize, For, ForKind, IRModule, IrError, IterVar, IterVarType,
    PrimExpr, PrimFunc, Stmt, StmtNode, Type,
};

/// The annotation TVM's builder leaves on a block whose reads (bit 0) or writes (bit 1) must be
/// detected; `script_complete` consumes and removes it.
pub const DETECT_ACCESS_KEY: &str = "tir.script_parsing_detect_access";

/// Builds the node of a closed frame and hands it to the enclosing frame or the result.
pub(super) fn close(b: &mut IRBuilder, frame: Frame) -> Result<(), IrError> {
    match frame {
        Frame::Module(m) => close_module(b, m),
        Frame::PrimFunc(f) => close_func(b, f),
        Frame::Block(block) => {
            let stmt = close_block(block)?;
            b.add_stmt(stmt)
        }
        Frame::BlockInit(stmts) => {
            let block = b.block_frame("T.init")?;
            if block.init.is_some() {
                return Err(IrError::builder("duplicate T.init in one block"));
            }
            block.init = Some(Stmt::seq(stmts));
            Ok(())
        }
        Frame::For(f) => {
            let stmt = close_for(f);
            b.add_stmt(stmt)
        }
        Frame::If(f) => {
            let stmt = close_if(f)?;
            b.add_stmt(stmt)
        }
        Frame::Then(stmts) => match b.frames.last_mut() {
            Some(Frame::If(f)) if f.then_stmts.is_none() => {
                f.then_stmts = Some(stmts);
                Ok(())
            }
            _ => {
                Err(IrError::builder("a then branch must be directly inside an if statement, once"))
            }
        },
        Frame::Else(stmts) => match b.frames.last_mut() {
            Some(Frame::If(f)) if f.then_stmts.is_some() && f.else_stmts.is_none() => {
                f.else_stmts = Some(stmts);
                Ok(())
            }
            _ => Err(IrError::builder(
                "an else branch must follow the then branch of an if statement",
            )),
        },
        Frame::Wrap(kind, stmts) => {
            let stmt = close_wrap(kind, Stmt::seq(stmts))?;
            b.add_stmt(stmt)
        }
    }
}

fn close_module(b: &mut IRBuilder, m: ModuleFrame) -> Result<(), IrError> {
    let mut module = IRModule::new();
    module.attrs = m.attrs;
    module.global_infos = m.global_infos;
    for gv in &m.declared {
        if !m.functions.iter().any(|(g, _)| g == gv) {
            return Err(IrError::builder(format!(
                "function `{}` is declared but never defined",
                gv.name()
            )));
        }
    }
    for (gv, func) in m.functions {
        module.add_with_global(gv, func)?;
    }
    if !b.frames.is_empty() {
        return Err(IrError::builder("I.ir_module must be the outermost frame"));
    }
    b.set_result(BuildResult::Module(module))
}

fn close_func(b: &mut IRBuilder, mut f: PrimFuncFrame) -> Result<(), IrError> {
    if !f.is_private
        && let Some(name) = &f.name
        && !f.attrs.contains_key("global_symbol")
    {
        f.attrs.insert("global_symbol", AttrValue::Str(name.clone()));
    }
    let func = PrimFunc {
        params: f.params,
        buffer_map: f.buffer_map,
        body: Stmt::seq(f.stmts),
        ret_type: f.ret_type.unwrap_or_else(Type::void),
        attrs: f.attrs,
    };
    let func = super::script_complete(func, f.root_alloc_buffers)?;
    if b.frames.is_empty() {
        return b.set_result(BuildResult::Func(func));
    }
    let name = f.name.ok_or_else(|| {
        IrError::builder("a function inside a module must have a name (T.func_name)")
    })?;
    let module = b
        .module_frame()
        .ok_or_else(|| IrError::builder("T.prim_func can only be nested in I.ir_module"))?;
    if module.functions.iter().any(|(g, _)| g.name() == name) {
        return Err(IrError::builder(format!("function `{name}` is defined twice in the module")));
    }
    let gv = match module.declared.iter().find(|g| g.name() == name) {
        Some(gv) => gv.clone(),
        None => crate::ir::GlobalVar::new(name),
    };
    module.functions.push((gv, func));
    Ok(())
}

fn close_block(block: BlockFrame) -> Result<Stmt, IrError> {
    let mut annotations = block.annotations.unwrap_or_default();
    let detect = i64::from(block.reads.is_none()) | (i64::from(block.writes.is_none()) << 1);
    if detect != 0 {
        annotations.insert(DETECT_ACCESS_KEY, AttrValue::Expr(PrimExpr::i64(detect)));
    }
    let node = Arc::new(Block {
        iter_vars: block.iter_vars,
        reads: block.reads.unwrap_or_default(),
        writes: block.writes.unwrap_or_default(),
        name_hint: block.name,
        alloc_buffers: block.alloc_buffers,
        match_buffers: block.match_buffers,
        annotations,
        init: block.init,
        body: Stmt::seq(block.stmts),
    });
    if block.no_realize {
        if !block.iter_values.is_empty() || block.predicate.is_some() {
            return Err(IrError::builder(
                "block bindings and T.where are not allowed in a block with no_realize=True",
            ));
        }
        return Ok(Stmt::new(StmtNode::Block(node)));
    }
    Ok(Stmt::from(BlockRealize {
        iter_values: block.iter_values,
        predicate: block.predicate.unwrap_or_else(|| PrimExpr::bool(true)),
        block: node,
    }))
}

fn close_for(f: ForFrame) -> Stmt {
    let mut body = Stmt::seq(f.stmts);
    let loops = f.vars.into_iter().zip(f.doms).zip(f.steps).rev();
    for ((loop_var, dom), step) in loops {
        let (kind, thread_binding) = match &f.kind {
            LoopKind::Single(kind) => (*kind, None),
            LoopKind::Grid => (ForKind::Serial, None),
            LoopKind::ThreadBinding(tag) => (
                ForKind::ThreadBinding,
                Some(IterVar {
                    var: crate::ir::Var::new("iter", loop_var.dtype()),
                    dom: None,
                    iter_type: IterVarType::ThreadIndex,
                    thread_tag: tag.clone(),
                }),
            ),
        };
        let annotations = if matches!(f.kind, LoopKind::Grid) {
            Default::default()
        } else {
            f.annotations.clone()
        };
        body = Stmt::from(For {
            loop_var,
            min: dom.min,
            extent: dom.extent,
            kind,
            body,
            thread_binding,
            annotations,
            step,
        });
    }
    body
}

fn close_if(f: IfFrame) -> Result<Stmt, IrError> {
    let then_stmts =
        f.then_stmts.ok_or_else(|| IrError::builder("an if statement needs a then branch"))?;
    Ok(Stmt::new(StmtNode::IfThenElse {
        condition: f.condition,
        then_case: Stmt::seq(then_stmts),
        else_case: f.else_stmts.map(Stmt::seq),
    }))
}

fn close_wrap(kind: WrapKind, body: Stmt) -> Result<Stmt, IrError> {
    let node = match kind {
        WrapKind::While(condition) => StmtNode::While { condition, body },
        WrapKind::Let { var, value } => StmtNode::LetStmt { var, value, body },
        WrapKind::Assert { condition, message } => {
            StmtNode::AssertStmt { condition, message, body }
        }
        WrapKind::Allocate { buffer_var, dtype, extents, condition, annotations } => {
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, annotations }
        }
        WrapKind::AllocateConst { buffer_var, dtype, extents, data, annotations } => {
            StmtNode::AllocateConst {
                buffer_var,
                data: Some(data),
                irmod_storage_idx: None,
                dtype,
                extents,
                body,
                annotations,
            }
        }
        WrapKind::DeclBuffer(buffer) => StmtNode::DeclBuffer { buffer, body },
        WrapKind::Attr { node, key, value } => {
            StmtNode::AttrStmt { node, attr_key: key, value, body }
        }
        WrapKind::LaunchThread { iter_var, key, extent } => StmtNode::AttrStmt {
            node: AttrValue::IterVar(iter_var),
            attr_key: key,
            value: extent,
            body,
        },
        WrapKind::Realize { region, scope, condition } => {
            let realize = Stmt::new(StmtNode::BufferRealize {
                buffer: region.buffer.clone(),
                bounds: region.region,
                condition,
                body,
            });
            StmtNode::AttrStmt {
                node: AttrValue::Buffer(region.buffer),
                attr_key: "realize_scope".to_string(),
                value: PrimExpr::string(scope),
                body: realize,
            }
        }
    };
    Ok(Stmt::new(node))
}

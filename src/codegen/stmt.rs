//! Emission of TIR statements: control flow, bindings, allocations and stores.
//!
//! Loops are `head` (phi and exit test), `body`, `latch` (increment) blocks; a `Vectorized` loop the
//! passes left as a loop carries `llvm.loop.vectorize.enable`, an `Unrolled` one
//! `llvm.loop.unroll.full`. A `Parallel` loop at the top level is outlined (see `parallel`); one
//! nested in another parallel loop runs serially in its worker. An `Allocate` of constant size up to
//! `STACK_LIMIT_BYTES` is an entry-block alloca (64-byte aligned); a larger or symbolic one is
//! `aligned_alloc`ed and freed after its body. Every function returns an `i32` status: 0 on success,
//! -1 after a recorded bounds violation, -2 after a failed `assert`. `T.break_loop()` and
//! `T.continue_loop()` branch to the innermost loop's exit or next iteration (see `jumps`).

use crate::ir::{ConstData, DataType, ForKind, PrimExpr, Stmt, StmtNode};

use super::CodegenError;
use super::emitter::{FuncEmitter, Val};
use super::expr::restore;
use super::jumps::jump_of;
use super::types::{element_bytes, llvm_type, memory_scalar_type};

/// The largest constant-size allocation placed on the stack.
pub const STACK_LIMIT_BYTES: u64 = 64 * 1024;

impl FuncEmitter<'_> {
    /// Emits statement `s`.
    pub fn stmt(&mut self, s: &Stmt) -> Result<(), CodegenError> {
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                self.buffer_store(buffer, value, indices, predicate.as_ref())
            }
            StmtNode::Evaluate(e) => {
                if let Some(jump) = jump_of(e) {
                    return self.jump(jump);
                }
                if e.as_int().is_none() {
                    self.expr(e)?;
                }
                Ok(())
            }
            StmtNode::SeqStmt(stmts) => stmts.iter().try_for_each(|s| self.stmt(s)),
            StmtNode::For(f) => {
                if f.kind == ForKind::Parallel && !self.in_parallel {
                    return self.parallel_for(f);
                }
                if f.kind == ForKind::ThreadBinding {
                    return Err(CodegenError::unsupported(
                        "thread-bound loops (GPU kernels) on the CPU target",
                    ));
                }
                let hint = match f.kind {
                    ForKind::Vectorized => Some("!{!\"llvm.loop.vectorize.enable\", i1 true}"),
                    ForKind::Unrolled => Some("!{!\"llvm.loop.unroll.full\"}"),
                    _ => None,
                };
                let min = self.expr(&f.min)?;
                let extent = self.expr(&f.extent)?;
                let step = match &f.step {
                    Some(step) => self.expr(step)?,
                    None => Val::new(min.ty.clone(), "1"),
                };
                let dtype = f.loop_var.dtype();
                let end = self.binary(crate::ir::BinaryOp::Add, dtype, &min, &extent)?;
                self.counted_loop(&f.loop_var, &min, &end, &step, hint, |e| e.stmt(&f.body))
            }
            StmtNode::While { condition, body } => {
                let head = self.label("while_head");
                let body_l = self.label("while_body");
                let exit = self.label("while_exit");
                self.line(&format!("br label %{head}"));
                self.start_block(&head);
                let c = self.expr(condition)?;
                self.line(&format!("br i1 {}, label %{body_l}, label %{exit}", c.repr));
                self.start_block(&body_l);
                self.in_loop(&head, &exit, |e| e.stmt(body))?;
                self.line(&format!("br label %{head}"));
                self.start_block(&exit);
                Ok(())
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                let c = self.expr(condition)?;
                let then_l = self.label("if_then");
                let else_l = self.label("if_else");
                let end = self.label("if_end");
                let false_target = if else_case.is_some() { &else_l } else { &end };
                self.line(&format!("br i1 {}, label %{then_l}, label %{false_target}", c.repr));
                self.start_block(&then_l);
                self.stmt(then_case)?;
                self.line(&format!("br label %{end}"));
                if let Some(e) = else_case {
                    self.start_block(&else_l);
                    self.stmt(e)?;
                    self.line(&format!("br label %{end}"));
                }
                self.start_block(&end);
                Ok(())
            }
            StmtNode::LetStmt { var, value, body } => {
                let v = self.expr(value)?;
                let previous = self.vars.insert(var.id(), v);
                let result = self.stmt(body);
                restore(&mut self.vars, var.id(), previous);
                result
            }
            StmtNode::AttrStmt { body, .. } => self.stmt(body),
            StmtNode::AssertStmt { condition, message, body } => {
                let c = self.expr(condition)?;
                let fail = self.label("assert_fail");
                let ok = self.label("assert_ok");
                self.line(&format!("br i1 {}, label %{ok}, label %{fail}", c.repr));
                self.start_block(&fail);
                let text = match message.expr() {
                    crate::ir::Expr::StringImm(s) => s.clone(),
                    _ => "assertion failed".to_string(),
                };
                let msg = self.module.string_constant(&text);
                let func = self.module.string_constant(&self.func_name.clone());
                self.module.declare(
                    "tirscript_record_assert",
                    "declare void @tirscript_record_assert(ptr, ptr)".to_string(),
                );
                self.line(&format!("call void @tirscript_record_assert(ptr {func}, ptr {msg})"));
                self.line("ret i32 -2");
                self.start_block(&ok);
                self.stmt(body)
            }
            StmtNode::Allocate { buffer_var, dtype, extents, body, .. } => {
                self.allocate(buffer_var, *dtype, extents, body)
            }
            StmtNode::AllocateConst { buffer_var, data, dtype, body, .. } => {
                let Some(data) = data else {
                    return Err(CodegenError::unsupported("AllocateConst without inline data"));
                };
                let ptr = self.constant_array(data, *dtype)?;
                let previous = self.vars.insert(buffer_var.id(), ptr);
                let result = self.stmt(body);
                restore(&mut self.vars, buffer_var.id(), previous);
                result
            }
            StmtNode::DeclBuffer { body, .. } => self.stmt(body),
            StmtNode::BufferRealize { .. } | StmtNode::Block(_) | StmtNode::BlockRealize(_) => {
                Err(CodegenError::invalid(
                    "blocks or buffer realizations reached code generation (run the lowering pipeline first)",
                ))
            }
        }
    }

    /// A loop `for var in [min, end) step step`, with `body` emitted inside.
    pub fn counted_loop(
        &mut self,
        var: &crate::ir::Var,
        min: &Val,
        end: &Val,
        step: &Val,
        hint: Option<&str>,
        body: impl FnOnce(&mut Self) -> Result<(), CodegenError>,
    ) -> Result<(), CodegenError> {
        let ty = min.ty.clone();
        let head = self.label("for_head");
        let body_l = self.label("for_body");
        let latch = self.label("for_latch");
        let exit = self.label("for_exit");
        let pre = self.block.clone();
        self.line(&format!("br label %{head}"));
        self.start_block(&head);
        let i = self.fresh();
        let next = self.fresh();
        self.line(&format!("{i} = phi {ty} [ {}, %{pre} ], [ {next}, %{latch} ]", min.repr));
        let signed = if var.dtype().is_uint() { "ult" } else { "slt" };
        let c = self.assign("i1", &format!("icmp {signed} {ty} {i}, {}", end.repr));
        self.line(&format!("br i1 {}, label %{body_l}, label %{exit}", c.repr));
        self.start_block(&body_l);
        let previous = self.vars.insert(var.id(), Val::new(ty.clone(), i.clone()));
        let result = self.in_loop(&latch, &exit, body);
        restore(&mut self.vars, var.id(), previous);
        result?;
        self.line(&format!("br label %{latch}"));
        self.start_block(&latch);
        let nsw = if var.dtype().is_int() { " nsw" } else { "" };
        self.line(&format!("{next} = add{nsw} {ty} {i}, {}", step.repr));
        let md = match hint {
            Some(h) => format!(", !llvm.loop {}", self.module.loop_metadata(&[h])),
            None => String::new(),
        };
        self.line(&format!("br label %{head}{md}"));
        self.start_block(&exit);
        Ok(())
    }

    /// An `Allocate`: stack for small constant sizes, the heap otherwise.
    fn allocate(
        &mut self,
        buffer_var: &crate::ir::Var,
        dtype: DataType,
        extents: &[PrimExpr],
        body: &Stmt,
    ) -> Result<(), CodegenError> {
        let elem = memory_scalar_type(dtype.element_of())?;
        let lanes = u64::from(super::types::lanes(dtype)?);
        let constant: Option<u64> = extents
            .iter()
            .map(|e| e.as_int().and_then(|v| u64::try_from(v).ok()))
            .try_fold(lanes, |acc, v| v.and_then(|v| acc.checked_mul(v)));
        let bytes_per = element_bytes(dtype.element_of())?;
        if let Some(count) = constant
            && count.saturating_mul(bytes_per) <= STACK_LIMIT_BYTES
        {
            let ptr = self.entry_alloca(elem, count.max(1), 64);
            let previous = self.vars.insert(buffer_var.id(), ptr);
            let result = self.stmt(body);
            restore(&mut self.vars, buffer_var.id(), previous);
            return result;
        }
        let mut bytes = Val::new("i64", (lanes * bytes_per).to_string());
        for e in extents {
            let v = self.expr(e)?;
            let v = self.widen_to_i64(&v, e.dtype())?;
            bytes = self.assign("i64", &format!("mul i64 {}, {}", bytes.repr, v.repr));
        }
        // aligned_alloc needs a size that is a multiple of the alignment.
        let padded = self.assign("i64", &format!("add i64 {}, 63", bytes.repr));
        let rounded = self.assign("i64", &format!("and i64 {}, -64", padded.repr));
        self.module.declare("aligned_alloc", "declare noalias ptr @aligned_alloc(i64, i64)".into());
        self.module.declare("free", "declare void @free(ptr)".into());
        let ptr = self.assign(
            "ptr",
            &format!("call noalias ptr @aligned_alloc(i64 64, i64 {})", rounded.repr),
        );
        let previous = self.vars.insert(buffer_var.id(), ptr.clone());
        self.heap_live.push(ptr.repr.clone());
        let result = self.stmt(body);
        self.heap_live.pop();
        restore(&mut self.vars, buffer_var.id(), previous);
        result?;
        self.line(&format!("call void @free(ptr {})", ptr.repr));
        Ok(())
    }

    /// A private global holding the constant data of an `AllocateConst`.
    fn constant_array(&mut self, data: &ConstData, dtype: DataType) -> Result<Val, CodegenError> {
        let elem = llvm_type(dtype.element_of())?;
        let items: Vec<String> = match data {
            ConstData::Int(v) => v
                .iter()
                .map(|x| format!("{elem} {}", super::types::int_constant(*x, dtype)))
                .collect(),
            ConstData::Float(v) => v
                .iter()
                .map(|x| Ok(format!("{elem} {}", super::types::float_constant(*x, dtype)?)))
                .collect::<Result<_, CodegenError>>()?,
        };
        let name = format!("@.const{}", self.module.globals.len());
        self.module.globals.push(format!(
            "{name} = private unnamed_addr constant [{} x {elem}] [{}], align 64",
            items.len(),
            items.join(", ")
        ));
        Ok(Val::new("ptr", name))
    }
}

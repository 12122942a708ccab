//! Statement execution: every `StmtNode`, sequentially.
//!
//! Blocks: a `BlockRealize` skips everything (init included) when its predicate is false, binds its
//! iter vars to the iter values, allocates its `alloc_buffers`, binds its `match_buffers`, runs its
//! `init` when every `CommReduce` iter var equals its domain's min (TVM's `LowerInitBlock`
//! condition; with no reduce var the init always runs), then its body. Loops of every kind
//! (serial, parallel, vectorized, unrolled, thread-bound) run their iterations in order; a
//! `thread_extent`/`virtual_thread` attribute on an IterVar runs its body once per thread index, in
//! order (there is no barrier support, so `tvm_storage_sync` is unsupported). Other attributes only
//! scope their body. Every statement and loop iteration counts one step. `T.break_loop()` and
//! `T.continue_loop()` set a pending jump: a sequence stops at it, the innermost `for`/`while`
//! consumes it; `T.ret(v)` travels up to the function call.

use crate::interp::element::Scalar;
use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::machine::{Jump, Machine, PathStep};
use crate::interp::value::Value;
use crate::ir::{AttrValue, Block, BlockRealize, ConstData, For, IterVarType, Stmt, StmtNode};

impl<'m> Machine<'m> {
    /// Executes `s`.
    pub fn exec(&mut self, s: &'m Stmt) -> Result<(), InterpError> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.exec_node(s))
    }

    /// Runs `f` with `step` on the statement path.
    fn scoped<T>(
        &mut self,
        step: PathStep<'m>,
        f: impl FnOnce(&mut Self) -> Result<T, InterpError>,
    ) -> Result<T, InterpError> {
        self.path.push(step);
        let result = f(self);
        self.path.pop();
        result
    }

    fn exec_node(&mut self, s: &'m Stmt) -> Result<(), InterpError> {
        self.step()?;
        match s.node() {
            StmtNode::BufferStore { buffer, value, indices, predicate } => self
                .scoped(PathStep::Leaf("store to", buffer.name()), |m| {
                    m.store(buffer, indices, value, predicate.as_ref())
                }),
            StmtNode::Evaluate(e) => {
                self.scoped(PathStep::Leaf("evaluate", ""), |m| m.eval(e).map(|_| ()))
            }
            StmtNode::SeqStmt(seq) => {
                for (i, stmt) in seq.iter().enumerate() {
                    self.scoped(PathStep::Seq(i), |m| m.exec(stmt))?;
                    if self.jump.is_some() {
                        break;
                    }
                }
                Ok(())
            }
            StmtNode::For(f) => self.scoped(PathStep::Loop(&f.loop_var), |m| m.exec_for(f)),
            StmtNode::While { condition, body } => self.scoped(PathStep::While, |m| {
                while m.eval_scalar(condition)?.is_true() {
                    m.step()?;
                    m.exec(body)?;
                    if m.loop_should_exit() {
                        break;
                    }
                }
                Ok(())
            }),
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                if self.eval_scalar(condition)?.is_true() {
                    self.scoped(PathStep::Then, |m| m.exec(then_case))
                } else if let Some(else_case) = else_case {
                    self.scoped(PathStep::Else, |m| m.exec(else_case))
                } else {
                    Ok(())
                }
            }
            StmtNode::LetStmt { var, value, body } => {
                let v = self.eval(value)?;
                let previous = self.bind(var, v);
                let result = self.scoped(PathStep::Let(var), |m| m.exec(body));
                self.restore(var, previous);
                result
            }
            StmtNode::AttrStmt { node, attr_key, value, body } => {
                self.scoped(PathStep::Attr(attr_key), |m| m.exec_attr(node, attr_key, value, body))
            }
            StmtNode::AssertStmt { condition, message, body } => {
                if !self.eval_scalar(condition)?.is_true() {
                    let text = match self.eval(message)? {
                        Value::Str(s) => s.to_string(),
                        other => other.describe(),
                    };
                    return Err(self.fail(InterpErrorKind::AssertFailed(text)));
                }
                self.exec(body)
            }
            StmtNode::Allocate { buffer_var, dtype, extents, condition, body, .. } => {
                self.scoped(PathStep::Alloc(buffer_var), |m| {
                    let mut count: i64 = 1;
                    for e in extents {
                        count = count.saturating_mul(m.eval_int(e)?);
                    }
                    if !m.eval_scalar(condition)?.is_true() {
                        return Err(m.fail(InterpErrorKind::Unsupported(
                        "an allocation whose condition is false (codegen would not allocate it)"
                            .into(),
                    )));
                    }
                    m.with_storage(buffer_var, *dtype, count, None, |m| m.exec(body))
                })
            }
            StmtNode::AllocateConst { buffer_var, data, dtype, extents, body, .. } => {
                self.scoped(PathStep::Alloc(buffer_var), |m| {
                    let mut count: i64 = 1;
                    for e in extents {
                        count = count.saturating_mul(m.eval_int(e)?);
                    }
                    let values: Vec<Scalar> = match data {
                        Some(ConstData::Int(v)) => v.iter().map(|&x| Scalar::Int(x)).collect(),
                        Some(ConstData::Float(v)) => v.iter().map(|&x| Scalar::Float(x)).collect(),
                        None => {
                            return Err(m.fail(InterpErrorKind::Unsupported(
                                "allocate_const whose data lives in the module's constant storage"
                                    .into(),
                            )));
                        }
                    };
                    m.with_storage(buffer_var, *dtype, count, Some(&values), |m| m.exec(body))
                })
            }
            StmtNode::DeclBuffer { buffer, body } => {
                self.scoped(PathStep::Decl(buffer.name()), |m| {
                    if !m.is_bound(buffer.data()) {
                        return Err(m.fail(InterpErrorKind::UndefinedVar(format!(
                            "{} (the data pointer of declared buffer `{}`)",
                            buffer.data().name(),
                            buffer.name()
                        ))));
                    }
                    m.exec(body)
                })
            }
            StmtNode::BufferRealize { buffer, body, .. } => {
                if self.is_bound(buffer.data()) {
                    self.exec(body)
                } else {
                    self.with_buffer_storage(buffer, |m| m.exec(body))
                }
            }
            StmtNode::Block(block) => self.exec_block(block),
            StmtNode::BlockRealize(realize) => self.exec_realize(realize),
        }
    }

    /// Ends a loop iteration's jump: `Continue` is consumed, `Break` is consumed and exits the
    /// loop, `Return` exits and keeps travelling.
    fn loop_should_exit(&mut self) -> bool {
        match self.jump.take() {
            None | Some(Jump::Continue) => false,
            Some(Jump::Break) => true,
            Some(ret @ Jump::Return(_)) => {
                self.jump = Some(ret);
                true
            }
        }
    }

    fn exec_for(&mut self, f: &'m For) -> Result<(), InterpError> {
        let dtype = f.loop_var.dtype();
        let min = self.eval_int(&f.min)?;
        let extent = self.eval_int(&f.extent)?;
        let step = match &f.step {
            Some(s) => self.eval_int(s)?,
            None => 1,
        };
        if step <= 0 {
            return Err(
                self.fail(InterpErrorKind::IllFormed(format!("loop step {step} is not positive")))
            );
        }
        let end = min.saturating_add(extent);
        let mut i = min;
        let previous = self.lookup(&f.loop_var).cloned();
        let mut result = Ok(());
        while i < end {
            let value = crate::interp::element::canonical(Scalar::Int(i), dtype);
            self.bind(&f.loop_var, Value::Scalar(value));
            if let Err(e) = self.step().and_then(|()| self.exec(&f.body)) {
                result = Err(e);
                break;
            }
            if self.loop_should_exit() {
                break;
            }
            i = i.saturating_add(step);
        }
        self.restore(&f.loop_var, previous);
        result
    }

    fn exec_attr(
        &mut self,
        node: &'m AttrValue,
        key: &'m str,
        value: &'m crate::ir::PrimExpr,
        body: &'m Stmt,
    ) -> Result<(), InterpError> {
        let thread = match node {
            AttrValue::IterVar(iv) if key == "thread_extent" || key == "virtual_thread" => Some(iv),
            _ => None,
        };
        let Some(iv) = thread else {
            return self.exec(body);
        };
        let extent = self.eval_int(value)?;
        let previous = self.lookup(&iv.var).cloned();
        let mut result = Ok(());
        for t in 0..extent {
            let v = crate::interp::element::canonical(Scalar::Int(t), iv.var.dtype());
            self.bind(&iv.var, Value::Scalar(v));
            if let Err(e) = self.scoped(PathStep::Loop(&iv.var), |m| m.exec(body)) {
                result = Err(e);
                break;
            }
        }
        self.restore(&iv.var, previous);
        result
    }

    fn exec_realize(&mut self, realize: &'m BlockRealize) -> Result<(), InterpError> {
        let block = &realize.block;
        if !self.eval_scalar(&realize.predicate)?.is_true() {
            return Ok(());
        }
        if realize.iter_values.len() != block.iter_vars.len() {
            return Err(self.fail(InterpErrorKind::IllFormed(format!(
                "block `{}` has {} iter vars but {} bindings",
                block.name_hint,
                block.iter_vars.len(),
                realize.iter_values.len()
            ))));
        }
        // Iter values only use vars from outside the block, so each iter var can be bound as soon
        // as its value is known.
        let mut previous = Vec::with_capacity(realize.iter_values.len());
        for (iv, v) in block.iter_vars.iter().zip(&realize.iter_values) {
            match self.eval(v) {
                Ok(value) => previous.push(self.bind(&iv.var, value)),
                Err(e) => {
                    for (iv, p) in block.iter_vars.iter().zip(previous).rev() {
                        self.restore(&iv.var, p);
                    }
                    return Err(e);
                }
            }
        }
        let result = self.exec_block(block);
        for (iv, p) in block.iter_vars.iter().zip(previous).rev() {
            self.restore(&iv.var, p);
        }
        result
    }

    fn exec_block(&mut self, block: &'m Block) -> Result<(), InterpError> {
        self.scoped(PathStep::Block(block), |m| {
            m.with_block_buffers(block, 0, |m| m.run_block_body(block))
        })
    }

    /// Allocates `block.alloc_buffers[i..]` and binds the match buffers around `f`.
    fn with_block_buffers(
        &mut self,
        block: &'m Block,
        i: usize,
        f: impl FnOnce(&mut Self) -> Result<(), InterpError>,
    ) -> Result<(), InterpError> {
        match block.alloc_buffers.get(i) {
            Some(buffer) => {
                self.with_buffer_storage(buffer, |m| m.with_block_buffers(block, i + 1, f))
            }
            None => self.with_match_buffers(&block.match_buffers, f),
        }
    }

    fn run_block_body(&mut self, block: &'m Block) -> Result<(), InterpError> {
        if let Some(init) = &block.init {
            let mut first = true;
            for iv in block.iter_vars.iter().filter(|iv| iv.iter_type == IterVarType::CommReduce) {
                let Some(dom) = &iv.dom else {
                    return Err(self.fail(InterpErrorKind::IllFormed(format!(
                        "reduction iter var `{}` has no domain",
                        iv.var.name()
                    ))));
                };
                let min = self.eval_int(&dom.min)?;
                let current = match self.lookup(&iv.var) {
                    Some(Value::Scalar(s)) => s.as_i64(),
                    _ => {
                        return Err(
                            self.fail(InterpErrorKind::UndefinedVar(iv.var.name().to_string()))
                        );
                    }
                };
                first &= current == min;
            }
            if first {
                self.scoped(PathStep::Init, |m| m.exec(init))?;
            }
        }
        self.exec(&block.body)
    }
}

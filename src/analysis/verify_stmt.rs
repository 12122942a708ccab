//! The verifier's walk over functions, statements and blocks (see `verify.rs` for the checks).
//!
//! The walk follows TVM's `TIRVisitorWithPath`: a node's uses are visited before the definitions
//! it introduces, definitions are in scope only in the node's body, and every path step is the
//! TVM field name.

use super::path::{MapKey, PathStep};
use super::verify::{Verifier, VerifyErrorKind};
use crate::ir::{
    AttrValue, Block, BlockRealize, Buffer, For, IterVarType, PrimFunc, Stmt, StmtNode, Var,
};

impl Verifier<'_> {
    pub(super) fn func(&mut self, func: &PrimFunc) {
        self.start_function();
        self.field("params", |v| {
            for (index, param) in func.params.iter().enumerate() {
                v.at(PathStep::Index(index), |v| v.define(param));
            }
        });
        // Buffer-map buffers first define their data and shape vars (when nothing did), then
        // are declared, as TVM's visitor does.
        let bound: Vec<(&Var, &Buffer)> =
            func.params.iter().filter_map(|p| func.buffer_of(p).map(|b| (p, b))).collect();
        let mut implicit = Vec::new();
        self.field("buffer_map", |v| {
            for (param, buffer) in &bound {
                let key = PathStep::Key(MapKey::Name(param.name().to_string()));
                v.at(key, |v| implicit.extend(v.implicit_buffer_defs(buffer)));
            }
            for (param, buffer) in &bound {
                let key = PathStep::Key(MapKey::Name(param.name().to_string()));
                v.at(key, |v| {
                    v.buffer_field_uses(buffer);
                    v.declare_buffer(buffer);
                });
            }
        });
        self.field("body", |v| v.stmt(&func.body));
        for var in implicit.iter().rev().chain(func.params.iter().rev()) {
            self.undefine(var);
        }
    }

    pub(super) fn stmt(&mut self, stmt: &Stmt) {
        match stmt.node() {
            StmtNode::BufferStore { buffer, value, indices, predicate } => {
                self.field("value", |v| v.expr(value));
                self.field("buffer", |v| v.access_buffer(buffer));
                self.field("indices", |v| v.exprs(indices));
                self.check_index_count(buffer, indices.len());
                self.check_store_dtype(buffer, value, indices);
                if let Some(p) = predicate {
                    self.field("predicate", |v| v.expr(p));
                }
            }
            StmtNode::Evaluate(value) => self.field("value", |v| v.expr(value)),
            StmtNode::SeqStmt(seq) => self.field("seq", |v| {
                for (index, s) in seq.iter().enumerate() {
                    v.at(PathStep::Index(index), |v| v.stmt(s));
                }
            }),
            StmtNode::For(f) => self.for_loop(f),
            StmtNode::While { condition, body } => {
                self.scalar_condition("condition", condition);
                self.field("body", |v| v.stmt(body));
            }
            StmtNode::IfThenElse { condition, then_case, else_case } => {
                self.scalar_condition("condition", condition);
                self.field("then_case", |v| v.stmt(then_case));
                if let Some(e) = else_case {
                    self.field("else_case", |v| v.stmt(e));
                }
            }
            StmtNode::LetStmt { var, value, body } => {
                self.field("value", |v| v.expr(value));
                self.field("var", |v| v.define(var));
                self.field("body", |v| v.stmt(body));
                self.undefine(var);
            }
            StmtNode::AttrStmt { node, attr_key, value, body } => {
                self.field("value", |v| v.expr(value));
                let defines_thread =
                    matches!(attr_key.as_str(), "thread_extent" | "virtual_thread");
                let mut defined = None;
                match node {
                    AttrValue::IterVar(iv) if defines_thread => self.field("node", |v| {
                        if let Some(dom) = &iv.dom {
                            v.field("dom", |v| v.range(dom));
                        }
                        v.field("var", |v| {
                            if iv.iter_type == IterVarType::ThreadIndex {
                                v.define_thread_var(&iv.var);
                            } else {
                                v.define(&iv.var);
                            }
                        });
                        defined = Some(iv.var.clone());
                    }),
                    // LowerOpaqueBlock turns a loop's `pragma_*` annotations into attributes
                    // around the loop whose node is the loop var itself (TVM does the same); that
                    // node names the loop below it and is not a use before the definition.
                    AttrValue::Expr(e) if names_loop_below(e.as_var(), body) => {}
                    AttrValue::Expr(e) => self.field("node", |v| v.expr(e)),
                    _ => {}
                }
                self.field("body", |v| v.stmt(body));
                if let Some(var) = defined {
                    self.undefine(&var);
                }
            }
            StmtNode::AssertStmt { condition, message, body } => {
                self.condition("condition", condition);
                self.field("message", |v| v.expr(message));
                self.field("body", |v| v.stmt(body));
            }
            StmtNode::Allocate { buffer_var, extents, condition, body, .. } => {
                self.field("condition", |v| v.expr(condition));
                self.field("extents", |v| v.exprs(extents));
                self.allocation(buffer_var, body);
            }
            StmtNode::AllocateConst { buffer_var, extents, body, .. } => {
                self.field("extents", |v| v.exprs(extents));
                self.allocation(buffer_var, body);
            }
            StmtNode::DeclBuffer { buffer, body } => {
                let declared = self.field("buffer", |v| {
                    v.field("data", |v| v.use_var(buffer.data()));
                    v.buffer_field_uses(buffer);
                    v.declare_buffer(buffer)
                });
                self.field("body", |v| v.stmt(body));
                if declared {
                    self.buffers.remove(&buffer.id());
                }
            }
            StmtNode::BufferRealize { buffer, bounds, condition, body } => {
                self.field("condition", |v| v.expr(condition));
                self.field("bounds", |v| v.ranges(bounds));
                let (defined, declared) = self.field("buffer", |v| {
                    let defined = v.field("data", |v| v.define_if_undefined(buffer.data()));
                    v.buffer_field_uses(buffer);
                    // Realizing a buffer that is already declared (a parameter, say) is fine.
                    let declared = !v.buffers.contains(&buffer.id()) && v.declare_buffer(buffer);
                    (defined, declared)
                });
                self.field("body", |v| v.stmt(body));
                if declared {
                    self.buffers.remove(&buffer.id());
                }
                if defined {
                    self.undefine(buffer.data());
                }
            }
            StmtNode::Block(block) => self.block(block),
            StmtNode::BlockRealize(realize) => self.block_realize(realize),
        }
    }

    fn allocation(&mut self, buffer_var: &Var, body: &Stmt) {
        self.field("buffer_var", |v| v.define(buffer_var));
        let fresh = self.allocated.insert(buffer_var.id());
        self.field("body", |v| v.stmt(body));
        if fresh {
            self.allocated.remove(&buffer_var.id());
        }
        self.undefine(buffer_var);
    }

    fn for_loop(&mut self, f: &For) {
        self.field("min", |v| v.expr(&f.min));
        self.field("extent", |v| v.expr(&f.extent));
        if let Some(step) = &f.step {
            self.field("step", |v| v.expr(step));
        }
        let var_dtype = f.loop_var.dtype();
        if !(var_dtype.is_integer() && var_dtype.is_scalar()) {
            let message = format!(
                "loop variable `{}` must be a scalar integer, not {var_dtype}",
                f.loop_var.name()
            );
            self.field("loop_var", |v| v.error(VerifyErrorKind::LoopDtype, message));
        }
        let bounds =
            [("min", Some(&f.min)), ("extent", Some(&f.extent)), ("step", f.step.as_ref())];
        for (name, e) in bounds.into_iter().filter_map(|(name, e)| e.map(|e| (name, e))) {
            let dtype = e.dtype();
            let message = if !(dtype.is_integer() && dtype.is_scalar()) {
                format!("loop {name} must be a scalar integer, not {dtype}")
            } else if dtype != var_dtype {
                format!(
                    "loop {name} has dtype {dtype} but loop variable `{}` has dtype {var_dtype}",
                    f.loop_var.name()
                )
            } else {
                continue;
            };
            self.field(name, |v| v.error(VerifyErrorKind::LoopDtype, message));
        }
        self.field("loop_var", |v| v.define(&f.loop_var));
        self.loop_depth.insert(f.loop_var.id(), self.blocks.len());
        self.field("body", |v| v.stmt(&f.body));
        self.undefine(&f.loop_var);
    }

    fn block_realize(&mut self, realize: &BlockRealize) {
        let block = &realize.block;
        self.field("iter_values", |v| {
            for (index, value) in realize.iter_values.iter().enumerate() {
                v.at(PathStep::Index(index), |v| {
                    v.expr(value);
                    // TVM lets a binding's width differ from its iter var's (an int64 loop may
                    // bind an int32 block var), but a binding is always a scalar integer.
                    let dtype = value.dtype();
                    if !(dtype.is_integer() && dtype.is_scalar()) {
                        let name = block.iter_vars.get(index).map_or("?", |iv| iv.var.name());
                        let message = format!(
                            "the binding of block iter var `{name}` must be a scalar integer, \
                             not {dtype}"
                        );
                        v.error(VerifyErrorKind::BindingDtype, message);
                    }
                });
            }
            let (values, vars) = (realize.iter_values.len(), block.iter_vars.len());
            if values != vars {
                let message = format!(
                    "block \"{}\" has {vars} iter vars but {values} bindings",
                    block.name_hint
                );
                v.error(VerifyErrorKind::BindingCount, message);
            }
        });
        self.condition("predicate", &realize.predicate);
        self.field("block", |v| v.block(block));
    }

    fn block(&mut self, block: &Block) {
        let mut defined: Vec<Var> = Vec::new();
        let mut declared: Vec<u64> = Vec::new();
        // Iter var domains are checked before the block counts as entered, as in TVM.
        self.field("iter_vars", |v| {
            for (index, iv) in block.iter_vars.iter().enumerate() {
                v.at(PathStep::Index(index), |v| {
                    v.block_iter_var(iv);
                    defined.push(iv.var.clone());
                });
            }
        });
        let has_iter_vars = !block.iter_vars.is_empty();
        if has_iter_vars {
            self.blocks.push(block.name_hint.clone());
        }
        self.field("reads", |v| v.regions(&block.reads));
        self.field("writes", |v| v.regions(&block.writes));
        self.field("alloc_buffers", |v| {
            for (index, buffer) in block.alloc_buffers.iter().enumerate() {
                v.at(PathStep::Index(index), |v| {
                    v.field("data", |v| v.define(buffer.data()));
                    defined.push(buffer.data().clone());
                    v.buffer_field_uses(buffer);
                    if v.declare_buffer(buffer) {
                        declared.push(buffer.id());
                    }
                });
            }
        });
        self.field("match_buffers", |v| {
            for (index, m) in block.match_buffers.iter().enumerate() {
                v.at(PathStep::Index(index), |v| {
                    v.field("source", |v| v.region(&m.source));
                    v.field("buffer", |v| {
                        defined.extend(v.implicit_buffer_defs(&m.buffer));
                        v.buffer_field_uses(&m.buffer);
                        if v.declare_buffer(&m.buffer) {
                            declared.push(m.buffer.id());
                        }
                    });
                });
            }
        });
        if let Some(init) = &block.init {
            self.field("init", |v| v.stmt(init));
        }
        self.field("body", |v| v.stmt(&block.body));
        if has_iter_vars {
            self.blocks.pop();
        }
        for id in declared {
            self.buffers.remove(&id);
        }
        for var in defined.iter().rev() {
            self.undefine(var);
        }
    }
}

/// Whether `node` is the loop var of the first loop in `body`, looking through the attributes
/// stacked on it: the shape of LowerOpaqueBlock's pragma attributes.
fn names_loop_below(node: Option<&Var>, body: &Stmt) -> bool {
    let Some(var) = node else { return false };
    let mut stmt = body;
    loop {
        match stmt.node() {
            StmtNode::AttrStmt { body, .. } => stmt = body,
            StmtNode::For(f) => return f.loop_var.id() == var.id(),
            _ => return false,
        }
    }
}

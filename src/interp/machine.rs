//! The interpreter state: variable bindings, memory, the step counter and the statement path.
//!
//! Invariants: a variable is bound exactly while the construct defining it is executing (loop,
//! let, block iter var, parameter, allocation); `bind` returns the previous binding and `restore`
//! puts it back, so scopes nest. `path` mirrors the statements being executed, outermost first, and
//! is only formatted when an error is made.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::interp::error::{InterpError, InterpErrorKind};
use crate::interp::memory::Memory;
use crate::interp::value::Value;
use crate::ir::{Block, Buffer, IRModule, Var};

/// How buffer accesses are addressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// `Flat` for what FlattenBuffer leaves: a function without blocks whose accesses all have
    /// one index, some through buffer objects nothing declares (flattened views); `Logical`
    /// otherwise.
    Auto,
    /// `data + elem_offset + Σ index_k * stride_k`: the meaning of an access before FlattenBuffer.
    Logical,
    /// `data + index` for one-index accesses, as the LLVM codegen computes it after FlattenBuffer
    /// (which folds `elem_offset` into the index but keeps it on the flattened buffer); the shape
    /// check is on `index - elem_offset`.
    Flat,
}

/// Options of a run.
#[derive(Clone, Debug)]
pub struct InterpOptions {
    /// Stop with `StepLimit` after this many executed statements and loop iterations.
    pub max_steps: Option<u64>,
    /// Check every index against its buffer's declared extent, not only against the storage.
    pub check_buffer_shape: bool,
    pub addressing: Addressing,
}

impl Default for InterpOptions {
    fn default() -> InterpOptions {
        InterpOptions {
            max_steps: Some(1_000_000_000),
            check_buffer_shape: true,
            addressing: Addressing::Auto,
        }
    }
}

/// One step of the statement path.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PathStep<'m> {
    Func(&'m str),
    Block(&'m Block),
    Init,
    Loop(&'m Var),
    Seq(usize),
    Then,
    Else,
    While,
    Let(&'m Var),
    Attr(&'m str),
    Alloc(&'m Var),
    Decl(&'m str),
    Leaf(&'static str, &'m str),
}

/// A hasher for the process-unique var ids (already well spread; a multiply mixes the high bits).
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A `match_buffer` view: accesses `view[i...]` go to `source[mins[..lead], mins[lead + k] + i_k]`.
#[derive(Clone, Debug)]
pub(crate) struct View<'m> {
    pub source: &'m Buffer,
    pub mins: Vec<i64>,
    pub lead: usize,
}

/// A control transfer started by `T.break_loop()`, `T.continue_loop()` or `T.ret(value)`,
/// travelling up to the loop or call that ends it.
#[derive(Clone, Debug)]
pub(crate) enum Jump {
    Break,
    Continue,
    Return(Value),
}

/// The deepest chain of calls between functions before `Unsupported` is reported.
pub(crate) const MAX_CALL_DEPTH: usize = 256;

/// The interpreter of one call.
pub struct Machine<'m> {
    pub(crate) module: &'m IRModule,
    pub(crate) options: InterpOptions,
    env: HashMap<u64, Value, BuildHasherDefault<IdHasher>>,
    pub(crate) memory: Memory,
    steps: u64,
    pub(crate) path: Vec<PathStep<'m>>,
    /// The `match_buffer` views in scope, by buffer id.
    pub(crate) views: HashMap<u64, View<'m>>,
    /// A pending control transfer; statements stop executing while one is set.
    pub(crate) jump: Option<Jump>,
    /// How many calls between functions are active.
    pub(crate) call_depth: usize,
    /// Whether the running function's one-index accesses use `Addressing::Flat`.
    pub(crate) flat: bool,
}

impl<'m> Machine<'m> {
    pub fn new(module: &'m IRModule, options: InterpOptions) -> Machine<'m> {
        Machine {
            module,
            options,
            env: HashMap::default(),
            memory: Memory::default(),
            steps: 0,
            path: Vec::new(),
            views: HashMap::new(),
            jump: None,
            call_depth: 0,
            flat: false,
        }
    }

    /// Whether `func` runs with flat addressing under `addressing`.
    pub(crate) fn flat_addressing(func: &crate::ir::PrimFunc, addressing: Addressing) -> bool {
        match addressing {
            Addressing::Logical => false,
            Addressing::Flat => true,
            Addressing::Auto => {
                // FlattenBuffer leaves no blocks, one index per access, and accesses through new
                // buffer objects (`A_1 = T.Buffer((n,), data=A.data)`) that nothing declares.
                let mut declared: std::collections::HashSet<u64> =
                    func.buffer_map.iter().map(|(_, b)| b.id()).collect();
                let mut shaped = true;
                crate::ir::visit::walk_stmt(&func.body, &mut |s| match s.node() {
                    crate::ir::StmtNode::Block(_) | crate::ir::StmtNode::BlockRealize(_) => {
                        shaped = false
                    }
                    crate::ir::StmtNode::BufferStore { indices, .. } if indices.len() > 1 => {
                        shaped = false
                    }
                    crate::ir::StmtNode::DeclBuffer { buffer, .. }
                    | crate::ir::StmtNode::BufferRealize { buffer, .. } => {
                        declared.insert(buffer.id());
                    }
                    _ => {}
                });
                let mut accessed = Vec::new();
                crate::ir::visit::walk_stmt(&func.body, &mut |s| {
                    if let crate::ir::StmtNode::BufferStore { buffer, .. } = s.node() {
                        accessed.push(buffer.id());
                    }
                });
                crate::ir::visit::walk_stmt_exprs(&func.body, &mut |e| {
                    if let crate::ir::Expr::BufferLoad { buffer, indices, .. } = e.expr() {
                        shaped &= indices.len() <= 1;
                        accessed.push(buffer.id());
                    }
                });
                shaped && accessed.iter().any(|id| !declared.contains(id))
            }
        }
    }

    /// The module whose functions this machine runs.
    pub fn module(&self) -> &'m IRModule {
        self.module
    }

    /// The number of statements and loop iterations executed so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Binds `var` to `value`, returning the previous binding.
    pub(crate) fn bind(&mut self, var: &Var, value: Value) -> Option<Value> {
        self.env.insert(var.id(), value)
    }
    /// Restores the binding `bind` returned.
    pub(crate) fn restore(&mut self, var: &Var, previous: Option<Value>) {
        match previous {
            Some(v) => {
                self.env.insert(var.id(), v);
            }
            None => {
                self.env.remove(&var.id());
            }
        }
    }
    pub(crate) fn lookup(&self, var: &Var) -> Option<&Value> {
        self.env.get(&var.id())
    }
    pub(crate) fn is_bound(&self, var: &Var) -> bool {
        self.env.contains_key(&var.id())
    }

    /// Counts one step and fails when the limit is passed.
    pub(crate) fn step(&mut self) -> Result<(), InterpError> {
        self.steps += 1;
        match self.options.max_steps {
            Some(limit) if self.steps > limit => Err(self.fail(InterpErrorKind::StepLimit(limit))),
            _ => Ok(()),
        }
    }

    /// An error at the current statement path.
    pub(crate) fn fail(&self, kind: InterpErrorKind) -> InterpError {
        InterpError { kind, path: self.format_path() }
    }

    fn var_value(&self, var: &Var) -> String {
        self.lookup(var).map_or_else(|| "?".to_string(), Value::describe)
    }

    fn format_path(&self) -> String {
        let parts: Vec<String> = self
            .path
            .iter()
            .map(|step| match step {
                PathStep::Func(name) => format!("function {name}"),
                PathStep::Block(block) => {
                    let vars: Vec<String> = block
                        .iter_vars
                        .iter()
                        .map(|iv| format!("{} = {}", iv.var.name(), self.var_value(&iv.var)))
                        .collect();
                    if vars.is_empty() {
                        format!("block {}", block.name_hint)
                    } else {
                        format!("block {} ({})", block.name_hint, vars.join(", "))
                    }
                }
                PathStep::Init => "init".to_string(),
                PathStep::Loop(var) => format!("for {} = {}", var.name(), self.var_value(var)),
                PathStep::Seq(i) => format!("seq[{i}]"),
                PathStep::Then => "then".to_string(),
                PathStep::Else => "else".to_string(),
                PathStep::While => "while".to_string(),
                PathStep::Let(var) => format!("let {} = {}", var.name(), self.var_value(var)),
                PathStep::Attr(key) => format!("attr {key}"),
                PathStep::Alloc(var) => format!("allocate {}", var.name()),
                PathStep::Decl(name) => format!("decl_buffer {name}"),
                PathStep::Leaf(kind, "") => kind.to_string(),
                PathStep::Leaf(kind, name) => format!("{kind} {name}"),
            })
            .collect();
        if parts.is_empty() { "<entry>".to_string() } else { parts.join(" / ") }
    }
}

//! The well-formedness verifier: TVM's `VerifyWellFormed` checks plus the structural rules the
//! rest of tirscript relies on. Every error names the offending node by its `ObjectPath`.
//!
//! Checks, per function:
//! - every var use is inside the scope of its definition (params; loop, let, block iter and
//!   `Allocate` vars; buffer data vars; `buffer_map` and `match_buffer` shape vars, which those
//!   declarations define when nothing defined them before), and no var is defined twice, even in
//!   disjoint scopes (a thread `IterVar` may be re-launched within one function, as in TVM);
//! - every accessed buffer is declared (`buffer_map`, `alloc_buffers`, `match_buffers`,
//!   `DeclBuffer`, `BufferRealize`) or lives in an enclosing `Allocate` of its data var;
//! - a loop var defined outside a block with iter vars is not used inside it, except in its
//!   bindings (TVM's `BlockVarAccessVerifier`); bindings match iter vars in number and are scalar
//!   integers (of any width, as TVM allows); block iter vars are spatial, reduce, scan or opaque,
//!   with an integer domain of their dtype (TVM's `IterVar` rule);
//! - loop vars, mins, extents and steps are scalar integers of one dtype (TVM's `For` rule);
//! - loads and stores index their buffer with one index per dimension, and a stored value has the
//!   dtype a load at the same indices would have;
//! - `IfThenElse`, `While` and `AssertStmt` conditions and block predicates are scalar bools;
//! - calls to module functions name a function of the module.
//!
//! Invariant: the verifier never stops at the first error; it reports each one once, in
//! traversal order (TVM's field order), and never panics on malformed IR.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::path::{ObjectPath, PathStep};
use crate::ir::{Buffer, IRModule, PrimFunc, Var};

/// What a verifier error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VerifyErrorKind {
    /// A var used outside the scope of any definition.
    UndefinedVar,
    /// A var defined a second time.
    MultipleDefinition,
    /// A buffer accessed without a declaration in scope.
    UndeclaredBuffer,
    /// A buffer declared again while its first declaration is in scope.
    RedeclaredBuffer,
    /// A block realize whose bindings do not match its iter vars in number.
    BindingCount,
    /// A binding that is not a scalar integer.
    BindingDtype,
    /// A block iter var of a kind blocks cannot have, or with an ill-typed domain.
    IterVar,
    /// A loop var from outside a block used inside it.
    LoopVarInBlock,
    /// A loop whose var, min or extent is not an integer of one dtype.
    LoopDtype,
    /// A load or store with a number of indices different from the buffer's rank.
    IndexCount,
    /// A store whose value's dtype differs from the buffer's.
    StoreDtype,
    /// A condition or predicate that is not a scalar bool.
    NonBoolCondition,
    /// A call to a function the module does not define.
    UndefinedFunction,
}

/// One well-formedness violation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// The offending node, from the root the verifier was given.
    pub path: ObjectPath,
    pub kind: VerifyErrorKind,
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            write!(f, "<root>: {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for VerifyError {}

/// Verifies every function of `module`; paths start at `functions["name"]`.
pub fn verify_module(module: &IRModule) -> Vec<VerifyError> {
    let mut verifier = Verifier::new(Some(module));
    let mut functions: Vec<_> = module.functions().collect();
    functions.sort_by(|(a, _), (b, _)| a.name().cmp(b.name()));
    for (global, func) in functions {
        verifier.path.push(PathStep::Attr("functions"));
        let key = super::path::MapKey::Str(global.name().to_string());
        verifier.at(PathStep::Key(key), |v| v.func(func));
        verifier.path.pop();
    }
    verifier.errors
}

/// Verifies one function on its own; paths start at the function (`body...`). Calls to other
/// functions are not checked, since there is no module to look them up in.
pub fn verify_func(func: &PrimFunc) -> Vec<VerifyError> {
    let mut verifier = Verifier::new(None);
    verifier.func(func);
    verifier.errors
}

/// The verifier's state while walking one module or function.
pub(super) struct Verifier<'m> {
    pub(super) module: Option<&'m IRModule>,
    pub(super) errors: Vec<VerifyError>,
    pub(super) path: ObjectPath,
    /// Vars in scope, each with the paths of its active definitions (innermost last).
    defined: HashMap<u64, Vec<ObjectPath>>,
    /// Vars whose definitions went out of scope, with the last definition's path.
    previously_defined: HashMap<u64, ObjectPath>,
    /// Thread vars that may be defined again within the current function.
    redefinable: HashSet<u64>,
    /// Declared buffers in scope, by id.
    pub(super) buffers: HashSet<u64>,
    /// Data vars of the `Allocate`s in scope.
    pub(super) allocated: HashSet<u64>,
    /// For each loop var in scope, how many blocks with iter vars enclosed its loop.
    pub(super) loop_depth: HashMap<u64, usize>,
    /// Names of the enclosing blocks that have iter vars, innermost last.
    pub(super) blocks: Vec<String>,
}

impl<'m> Verifier<'m> {
    fn new(module: Option<&'m IRModule>) -> Verifier<'m> {
        Verifier {
            module,
            errors: Vec::new(),
            path: ObjectPath::root(),
            defined: HashMap::new(),
            previously_defined: HashMap::new(),
            redefinable: HashSet::new(),
            buffers: HashSet::new(),
            allocated: HashSet::new(),
            loop_depth: HashMap::new(),
            blocks: Vec::new(),
        }
    }

    /// Runs `f` with `step` appended to the current path.
    pub(super) fn at<R>(&mut self, step: PathStep, f: impl FnOnce(&mut Self) -> R) -> R {
        self.path.push(step);
        let result = f(self);
        self.path.pop();
        result
    }

    /// Runs `f` inside the field `name`.
    pub(super) fn field<R>(&mut self, name: &'static str, f: impl FnOnce(&mut Self) -> R) -> R {
        self.at(PathStep::Attr(name), f)
    }

    /// Records an error at the current path.
    pub(super) fn error(&mut self, kind: VerifyErrorKind, message: String) {
        self.errors.push(VerifyError { path: self.path.clone(), kind, message });
    }

    /// Defines `var` at the current path, reporting a second definition.
    pub(super) fn define(&mut self, var: &Var) {
        let allowed = self.redefinable.contains(&var.id());
        if !allowed {
            if let Some(first) = self.defined.get(&var.id()).and_then(|defs| defs.first()) {
                let message = format!(
                    "variable `{}` is defined again here while its definition at {} is in scope",
                    var.name(),
                    first
                );
                self.error(VerifyErrorKind::MultipleDefinition, message);
            } else if let Some(first) = self.previously_defined.get(&var.id()) {
                let message = format!("variable `{}` was already defined at {}", var.name(), first);
                self.error(VerifyErrorKind::MultipleDefinition, message);
            }
        }
        self.defined.entry(var.id()).or_default().push(self.path.clone());
    }

    /// Defines `var` at the current path unless it is already in scope (implicit definitions).
    /// Returns whether it defined it.
    pub(super) fn define_if_undefined(&mut self, var: &Var) -> bool {
        if self.defined.contains_key(&var.id()) {
            return false;
        }
        self.define(var);
        true
    }

    /// Defines a thread var that may be launched again within this function.
    pub(super) fn define_thread_var(&mut self, var: &Var) {
        self.define(var);
        self.redefinable.insert(var.id());
    }

    /// Ends the innermost definition of `var`.
    pub(super) fn undefine(&mut self, var: &Var) {
        if let Some(defs) = self.defined.get_mut(&var.id()) {
            let last = defs.pop();
            if defs.is_empty() {
                self.defined.remove(&var.id());
                if let Some(path) = last {
                    self.previously_defined.insert(var.id(), path);
                }
            }
        }
        self.loop_depth.remove(&var.id());
    }

    /// Checks a use of `var` at the current path.
    pub(super) fn use_var(&mut self, var: &Var) {
        if !self.defined.contains_key(&var.id()) {
            let message = match self.previously_defined.get(&var.id()) {
                Some(def) => format!(
                    "variable `{}` is used outside the scope of its definition at {def}",
                    var.name()
                ),
                None => format!("variable `{}` is used but never defined", var.name()),
            };
            self.error(VerifyErrorKind::UndefinedVar, message);
            return;
        }
        if let Some(&depth) = self.loop_depth.get(&var.id())
            && depth < self.blocks.len()
        {
            let block = self.blocks.last().cloned().unwrap_or_default();
            let message = format!(
                "loop variable `{}` is defined outside block \"{block}\" but used inside it; \
                 use the block's iter vars instead",
                var.name()
            );
            self.error(VerifyErrorKind::LoopVarInBlock, message);
        }
    }

    /// Checks that `buffer`, accessed at the current path, is declared, allocated, or a view of a
    /// data pointer in scope (as FlattenBuffer leaves `A_1 = T.Buffer((n,), data=A.data)`; TVM's
    /// well-formedness check asks only that the data var be defined).
    pub(super) fn access_buffer(&mut self, buffer: &Buffer) {
        let data = buffer.data().id();
        let data_in_scope = self.defined.get(&data).is_some_and(|defs| !defs.is_empty());
        if self.buffers.contains(&buffer.id()) || self.allocated.contains(&data) || data_in_scope {
            return;
        }
        let message = format!(
            "buffer `{}` is accessed but not declared (by buffer_map, alloc_buffer, \
             match_buffer, decl_buffer or an allocation of its data)",
            buffer.name()
        );
        self.error(VerifyErrorKind::UndeclaredBuffer, message);
    }

    /// Declares `buffer` in scope, reporting a nested second declaration.
    pub(super) fn declare_buffer(&mut self, buffer: &Buffer) -> bool {
        if !self.buffers.insert(buffer.id()) {
            let message =
                format!("buffer `{}` is declared again inside its own scope", buffer.name());
            self.error(VerifyErrorKind::RedeclaredBuffer, message);
            return false;
        }
        true
    }

    /// Starts a new function: thread vars may be re-launched only within one function.
    pub(super) fn start_function(&mut self) {
        self.redefinable.clear();
        self.buffers.clear();
        self.allocated.clear();
        self.blocks.clear();
    }
}

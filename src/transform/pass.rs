//! `Pass` and `Sequential`: named, leveled transformations of an `IRModule`.
//!
//! A pass is a name (TVM's, e.g. `tir.LowerInitBlock`), an optimisation level and a kind: a module
//! pass (`IRModule → IRModule`), a per-function pass (applied to every `PrimFunc` of the module), a
//! `Sequential` of passes, a config gate (runs its inner pass only when a config flag has a given
//! value) or a phase marker (a named point of a pipeline that does nothing). Running a pass through
//! `Pass::run` asks the context whether it is enabled (TVM's `PassContext::PassEnabled`: disabled by
//! name → skip, required by name → run, otherwise `opt_level <= ctx.opt_level`), calls every
//! instrument before and after it, and tags any error with the pass's name.
//! Invariants: passes never mutate their input (modules are cheap to clone); a failed pass returns
//! an error and no module; instruments see module and function passes, not `Sequential`s, gates
//! or markers, so "after each pass" means after each transformation.

use std::fmt;
use std::sync::Arc;

use crate::ir::{IRModule, PrimFunc};
use crate::transform::context::PassContext;

/// A module-level pass function.
pub type ModuleFn =
    Arc<dyn Fn(IRModule, &PassContext) -> Result<IRModule, PassError> + Send + Sync>;
/// A per-function pass function.
pub type PrimFuncFn =
    Arc<dyn Fn(PrimFunc, &PassContext) -> Result<PrimFunc, PassError> + Send + Sync>;

/// Why a pass (or an instrument around it) failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("pass `{pass}` failed: {message}")]
pub struct PassError {
    /// The failing pass; filled in by `Pass::run` when the pass function leaves it empty.
    pub pass: String,
    pub message: String,
}

impl PassError {
    /// An error raised inside a pass function; `Pass::run` adds the pass name.
    pub fn msg(message: impl Into<String>) -> PassError {
        PassError { pass: String::new(), message: message.into() }
    }
    /// An error attributed to `pass`.
    pub fn in_pass(pass: impl Into<String>, message: impl Into<String>) -> PassError {
        PassError { pass: pass.into(), message: message.into() }
    }
}

impl From<crate::ir::IrError> for PassError {
    fn from(e: crate::ir::IrError) -> PassError {
        PassError::msg(e.to_string())
    }
}

/// What a pass does.
#[derive(Clone)]
pub enum PassKind {
    Module(ModuleFn),
    PrimFunc(PrimFuncFn),
    Sequential(Vec<Pass>),
    /// Runs the pass when the bool config `key` (false when unset) equals `run_when`.
    Gated {
        key: String,
        run_when: bool,
        pass: Box<Pass>,
    },
    /// A named point of a pipeline where passes can be inserted; does nothing.
    Phase,
}

/// A named transformation.
#[derive(Clone)]
pub struct Pass {
    pub name: String,
    pub opt_level: u32,
    pub kind: PassKind,
}

/// The name and level of a pass, as instruments see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassInfo {
    pub name: String,
    pub opt_level: u32,
}

impl fmt::Debug for Pass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            PassKind::Module(_) => "module".to_string(),
            PassKind::PrimFunc(_) => "prim_func".to_string(),
            PassKind::Sequential(passes) => format!("sequential of {}", passes.len()),
            PassKind::Gated { key, run_when, .. } => format!("gated on {key} == {run_when}"),
            PassKind::Phase => "phase".to_string(),
        };
        write!(f, "Pass({}, opt_level {}, {kind})", self.name, self.opt_level)
    }
}

/// Whether `name` is `query`, allowing the `tir.` prefix to be left out of the query.
pub fn name_matches(name: &str, query: &str) -> bool {
    name == query
        || name.strip_prefix("tir.") == Some(query)
        || query.strip_prefix("tir.") == Some(name)
}

impl Pass {
    /// A module pass.
    pub fn module(
        name: impl Into<String>,
        opt_level: u32,
        f: impl Fn(IRModule, &PassContext) -> Result<IRModule, PassError> + Send + Sync + 'static,
    ) -> Pass {
        Pass { name: name.into(), opt_level, kind: PassKind::Module(Arc::new(f)) }
    }
    /// A pass applied to every `PrimFunc` of the module, in module order.
    pub fn prim_func(
        name: impl Into<String>,
        opt_level: u32,
        f: impl Fn(PrimFunc, &PassContext) -> Result<PrimFunc, PassError> + Send + Sync + 'static,
    ) -> Pass {
        Pass { name: name.into(), opt_level, kind: PassKind::PrimFunc(Arc::new(f)) }
    }
    /// A sequence of passes run in order (TVM's `Sequential`, opt level 0).
    pub fn sequential(name: impl Into<String>, passes: Vec<Pass>) -> Pass {
        Pass { name: name.into(), opt_level: 0, kind: PassKind::Sequential(passes) }
    }
    /// `pass`, run only when the bool config `key` (false when unset) equals `run_when`.
    pub fn gated(key: impl Into<String>, run_when: bool, pass: Pass) -> Pass {
        Pass {
            name: pass.name.clone(),
            opt_level: pass.opt_level,
            kind: PassKind::Gated { key: key.into(), run_when, pass: Box::new(pass) },
        }
    }
    /// A phase marker named `name`.
    pub fn phase(name: impl Into<String>) -> Pass {
        Pass { name: name.into(), opt_level: 0, kind: PassKind::Phase }
    }

    pub fn info(&self) -> PassInfo {
        PassInfo { name: self.name.clone(), opt_level: self.opt_level }
    }
    pub fn is_phase(&self) -> bool {
        matches!(self.kind, PassKind::Phase)
    }

    /// Runs the pass on `module` under `ctx` (skipped when the context disables it).
    pub fn run(&self, module: IRModule, ctx: &PassContext) -> Result<IRModule, PassError> {
        if !ctx.pass_enabled(&self.info()) {
            return Ok(module);
        }
        match &self.kind {
            PassKind::Phase => Ok(module),
            PassKind::Sequential(passes) => {
                let mut module = module;
                for pass in passes {
                    module = pass.run(module, ctx)?;
                }
                Ok(module)
            }
            PassKind::Gated { key, run_when, pass } => {
                if ctx.config_bool(key) == *run_when {
                    pass.run(module, ctx)
                } else {
                    Ok(module)
                }
            }
            PassKind::Module(_) | PassKind::PrimFunc(_) => self.run_instrumented(module, ctx),
        }
    }

    fn run_instrumented(&self, module: IRModule, ctx: &PassContext) -> Result<IRModule, PassError> {
        let info = self.info();
        let tag = |e: PassError| {
            if e.pass.is_empty() { PassError { pass: self.name.clone(), ..e } } else { e }
        };
        if !ctx.instruments_should_run(&module, &info) {
            return Ok(module);
        }
        ctx.run_before_pass(&module, &info).map_err(tag)?;
        let result = match &self.kind {
            PassKind::Module(f) => f(module, ctx),
            PassKind::PrimFunc(f) => apply_to_functions(module, f, ctx),
            _ => Ok(module),
        }
        .map_err(tag)?;
        ctx.run_after_pass(&result, &info).map_err(tag)?;
        Ok(result)
    }
}

/// Applies a per-function pass to every function, keeping global vars and order.
fn apply_to_functions(
    module: IRModule,
    f: &PrimFuncFn,
    ctx: &PassContext,
) -> Result<IRModule, PassError> {
    let mut out = module.clone();
    for (gv, func) in module.functions() {
        let rewritten = f((**func).clone(), ctx).map_err(|e| PassError {
            message: format!("in function `{}`: {}", gv.name(), e.message),
            ..e
        })?;
        out.update(gv, rewritten)?;
    }
    Ok(out)
}

/// Runs `passes` in order on `module`: the one lowering entry point (`build` runs its list here).
pub fn run_pipeline(
    module: IRModule,
    passes: &[Pass],
    ctx: &PassContext,
) -> Result<IRModule, PassError> {
    let mut module = module;
    for pass in passes {
        module = pass.run(module, ctx)?;
    }
    ctx.finish_pipeline(&module)?;
    Ok(module)
}

//! `PassContext`: the settings a pipeline runs under.
//!
//! It holds the optimisation level (TVM's default 2), typed config values keyed by TVM's option
//! names (`tir.disable_vectorize`, `tir.noalias`, ...), passes disabled or required by name, and the
//! instruments called around every pass. Invariants: a config key must be registered (the TVM v0.23
//! TIR options are registered by default, `register_config` adds more) and a value must have the
//! key's type, so a typo or a wrong type is an error when the option is set, not a silent no-op.
//! Pass names match with or without the `tir.` prefix.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::ir::IRModule;
use crate::transform::instrument::PassInstrument;
use crate::transform::pass::{PassError, PassInfo, name_matches};

/// A config value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigValue {
    Bool(bool),
    Int(i64),
    Str(String),
}

/// The type of a config key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigType {
    Bool,
    Int,
    Str,
}

impl ConfigValue {
    pub fn config_type(&self) -> ConfigType {
        match self {
            ConfigValue::Bool(_) => ConfigType::Bool,
            ConfigValue::Int(_) => ConfigType::Int,
            ConfigValue::Str(_) => ConfigType::Str,
        }
    }
    /// Parses command-line text as a value of `ty` (`true`/`false`/`1`/`0` for bools).
    pub fn parse(text: &str, ty: ConfigType) -> Option<ConfigValue> {
        match ty {
            ConfigType::Bool => match text {
                "true" | "True" | "1" => Some(ConfigValue::Bool(true)),
                "false" | "False" | "0" => Some(ConfigValue::Bool(false)),
                _ => None,
            },
            ConfigType::Int => text.parse().ok().map(ConfigValue::Int),
            ConfigType::Str => Some(ConfigValue::Str(text.to_string())),
        }
    }
}

/// The TIR options of TVM v0.23 this context knows from the start, with their types.
pub const DEFAULT_CONFIG_KEYS: &[(&str, ConfigType)] = &[
    ("tir.noalias", ConfigType::Bool),
    ("tir.disable_vectorize", ConfigType::Bool),
    ("tir.disable_storage_rewrite", ConfigType::Bool),
    ("tir.disable_cse_tir", ConfigType::Bool),
    ("tir.enable_equiv_terms_in_cse_tir", ConfigType::Bool),
    ("tir.instrument_bound_checkers", ConfigType::Bool),
    ("tir.instrument_lwp", ConfigType::Bool),
    ("tir.use_async_copy", ConfigType::Bool),
    ("tir.ptx_ldg32", ConfigType::Bool),
    ("tir.detect_global_barrier", ConfigType::Bool),
    ("tir.enable_debug", ConfigType::Bool),
    ("tir.disable_assert", ConfigType::Bool),
    ("tir.vtcm_capacity", ConfigType::Int),
    ("tir.merge_static_smem", ConfigType::Bool),
    ("tir.LoopPartition.partition_const_loop", ConfigType::Bool),
    ("tir.InjectDoubleBuffer.split_loop", ConfigType::Int),
    ("tir.LoopPartition.no_unroll_loop_with_extent_one", ConfigType::Bool),
    ("tir.LoopPartition.unroll_loop_with_partition_hint_no_interval", ConfigType::Bool),
];

/// The settings and instruments of a pipeline run.
#[derive(Clone)]
pub struct PassContext {
    pub opt_level: u32,
    known: BTreeMap<String, ConfigType>,
    config: BTreeMap<String, ConfigValue>,
    disabled: Vec<String>,
    required: Vec<String>,
    instruments: Vec<Arc<dyn PassInstrument>>,
}

impl Default for PassContext {
    fn default() -> PassContext {
        PassContext {
            opt_level: 2,
            known: DEFAULT_CONFIG_KEYS.iter().map(|(k, t)| (k.to_string(), *t)).collect(),
            config: BTreeMap::new(),
            disabled: Vec::new(),
            required: Vec::new(),
            instruments: Vec::new(),
        }
    }
}

impl fmt::Debug for PassContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let instruments: Vec<&str> = self.instruments.iter().map(|i| i.name()).collect();
        f.debug_struct("PassContext")
            .field("opt_level", &self.opt_level)
            .field("config", &self.config)
            .field("disabled", &self.disabled)
            .field("required", &self.required)
            .field("instruments", &instruments)
            .finish()
    }
}

impl PassContext {
    pub fn new() -> PassContext {
        PassContext::default()
    }
    pub fn with_opt_level(mut self, opt_level: u32) -> PassContext {
        self.opt_level = opt_level;
        self
    }

    /// Makes `key` a valid config option of type `ty`.
    pub fn register_config(&mut self, key: impl Into<String>, ty: ConfigType) {
        self.known.insert(key.into(), ty);
    }
    /// Sets a registered option to a value of its type.
    pub fn set_config(&mut self, key: &str, value: ConfigValue) -> Result<(), PassError> {
        match self.known.get(key) {
            None => {
                Err(PassError::in_pass("PassContext", format!("unknown config option `{key}`")))
            }
            Some(ty) if *ty != value.config_type() => Err(PassError::in_pass(
                "PassContext",
                format!("config option `{key}` takes a {ty:?} value, got {value:?}"),
            )),
            Some(_) => {
                self.config.insert(key.to_string(), value);
                Ok(())
            }
        }
    }
    /// Sets an option from text (as `--config key=value` gives it), parsed by the key's type.
    pub fn set_config_text(&mut self, key: &str, text: &str) -> Result<(), PassError> {
        let ty = *self.known.get(key).ok_or_else(|| {
            PassError::in_pass("PassContext", format!("unknown config option `{key}`"))
        })?;
        let value = ConfigValue::parse(text, ty).ok_or_else(|| {
            PassError::in_pass("PassContext", format!("`{text}` is not a {ty:?} value for `{key}`"))
        })?;
        self.set_config(key, value)
    }
    pub fn config(&self, key: &str) -> Option<&ConfigValue> {
        self.config.get(key)
    }
    /// A bool option, false when unset.
    pub fn config_bool(&self, key: &str) -> bool {
        matches!(self.config.get(key), Some(ConfigValue::Bool(true)))
    }
    pub fn config_int(&self, key: &str) -> Option<i64> {
        match self.config.get(key) {
            Some(ConfigValue::Int(v)) => Some(*v),
            _ => None,
        }
    }
    pub fn config_str(&self, key: &str) -> Option<&str> {
        match self.config.get(key) {
            Some(ConfigValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// Disables the pass named `name` (with or without `tir.`).
    pub fn disable_pass(&mut self, name: impl Into<String>) {
        self.disabled.push(name.into());
    }
    /// Forces the pass named `name` to run whatever its level.
    pub fn require_pass(&mut self, name: impl Into<String>) {
        self.required.push(name.into());
    }
    pub fn disabled_passes(&self) -> &[String] {
        &self.disabled
    }

    /// TVM's `PassEnabled`: disabled → no, required → yes, otherwise by optimisation level.
    pub fn pass_enabled(&self, pass: &PassInfo) -> bool {
        if self.disabled.iter().any(|d| name_matches(&pass.name, d)) {
            return false;
        }
        if self.required.iter().any(|r| name_matches(&pass.name, r)) {
            return true;
        }
        pass.opt_level <= self.opt_level
    }

    /// Adds an instrument; instruments run in the order they were added.
    pub fn add_instrument(&mut self, instrument: Arc<dyn PassInstrument>) {
        self.instruments.push(instrument);
    }
    pub fn instruments(&self) -> &[Arc<dyn PassInstrument>] {
        &self.instruments
    }

    /// Whether every instrument agrees the pass should run (TVM's `ShouldRun`).
    pub(crate) fn instruments_should_run(&self, module: &IRModule, pass: &PassInfo) -> bool {
        self.instruments.iter().all(|i| i.should_run(module, pass))
    }
    pub(crate) fn run_before_pass(
        &self,
        module: &IRModule,
        pass: &PassInfo,
    ) -> Result<(), PassError> {
        self.instruments.iter().try_for_each(|i| i.run_before_pass(module, pass))
    }
    pub(crate) fn run_after_pass(
        &self,
        module: &IRModule,
        pass: &PassInfo,
    ) -> Result<(), PassError> {
        self.instruments.iter().try_for_each(|i| i.run_after_pass(module, pass))
    }
    pub(crate) fn finish_pipeline(&self, module: &IRModule) -> Result<(), PassError> {
        self.instruments.iter().try_for_each(|i| i.exit_pipeline(module))
    }
}

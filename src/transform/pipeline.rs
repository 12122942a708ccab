//! The default lowering pipeline as a plain, editable list of passes, and helpers to edit it.
//!
//! `DEFAULT_PIPELINE` is TVM v0.23's `default_tir_pipeline` (`python/tvm/tir/pipeline.py`) followed
//! by its `finalize_host_passes`, in order, with each config-dependent pass gated on its option as
//! TVM does, and four phase markers (`Phase`) where targets and users add passes without rewriting
//! the list: before lowering, after block lowering (after `LowerOpaqueBlock`), after flattening
//! (after `FlattenBuffer`) and before codegen (at the end). A stage whose pass is not implemented yet
//! has `make: None` and is left out of `default_pipeline`; implementing a pass means filling in its
//! one `make` line. Editing helpers act on the first pass with a name (`insert_before`,
//! `insert_after`) or on every pass with it (`remove`, `replace`: TVM runs `Simplify` twice).
//!
//! `Target` is parsed from TVM-style strings (`llvm -mtriple=x86_64-linux-gnu -mcpu=skylake
//! -mattr=+avx2,+fma`): a kind, then `-key=value` options (or `-flag` for a true flag), with `mattr`,
//! `keys` and `libs` as comma-separated lists. `Display` prints a string `parse` reads back to an
//! equal target; a CPU kind (`llvm`, `c`) gets the key `cpu` when no `-keys` is given, as in TVM.

use std::collections::BTreeMap;
use std::fmt;

use crate::ir::{IrError, PrimFunc};
use crate::transform::pass::{Pass, PassError, name_matches};

/// A named point of the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    BeforeLowering,
    AfterBlockLowering,
    AfterFlattening,
    BeforeCodegen,
}

impl Phase {
    pub const ALL: [Phase; 4] = [
        Phase::BeforeLowering,
        Phase::AfterBlockLowering,
        Phase::AfterFlattening,
        Phase::BeforeCodegen,
    ];

    /// The name of the phase's marker pass.
    pub fn marker(self) -> &'static str {
        match self {
            Phase::BeforeLowering => "phase.before_lowering",
            Phase::AfterBlockLowering => "phase.after_block_lowering",
            Phase::AfterFlattening => "phase.after_flattening",
            Phase::BeforeCodegen => "phase.before_codegen",
        }
    }
}

/// One entry of the pipeline table.
#[derive(Clone, Copy, Debug)]
pub enum Stage {
    /// A pass: its TVM name, its constructor once implemented, and the bool config option that
    /// must have the given value for it to run.
    Pass {
        name: &'static str,
        make: Option<fn() -> Pass>,
        gate: Option<(&'static str, bool)>,
    },
    Phase(Phase),
}

const fn pass(name: &'static str, make: Option<fn() -> Pass>) -> Stage {
    Stage::Pass { name, make, gate: None }
}
const fn gated(
    name: &'static str,
    make: Option<fn() -> Pass>,
    key: &'static str,
    run_when: bool,
) -> Stage {
    Stage::Pass { name, make, gate: Some((key, run_when)) }
}

/// TVM v0.23's default TIR pipeline and host finalisation passes, with phase markers.
pub const DEFAULT_PIPELINE: &[Stage] = &[
    Stage::Phase(Phase::BeforeLowering),
    pass("tir.CanonicalizeLoop", Some(super::canonicalize_loop::pass)),
    pass("tir.LowerCrossThreadReduction", None),
    pass("tir.LowerInitBlock", Some(super::lower_init_block::pass)),
    pass(
        "tir.PlanAndUpdateBufferAllocationLocation",
        Some(super::plan_and_update_buffer_allocation_location::pass),
    ),
    pass("tir.ConvertBlocksToOpaque", Some(super::convert_blocks_to_opaque::pass)),
    pass("tir.LiftThreadBinding", None),
    pass("tir.ManifestSharedMemoryLocalStage", None),
    pass("tir.CompactBufferAllocation", Some(super::compact_buffer_allocation::pass)),
    pass("tir.LowerAutoCopy", None),
    pass("tir.UnifyThreadBinding", None),
    pass("tir.LowerMatchBuffer", Some(super::lower_match_buffer::pass)),
    pass("tir.Simplify", Some(super::simplify::pass)),
    pass("tir.InjectPermutedLayout", None),
    pass("tir.AnnotateIrregularLoop", Some(super::annotate_irregular_loop::pass)),
    pass("tir.InjectSoftwarePipeline", None),
    pass("tir.TransformMmaBufferLayout", None),
    pass("tir.LowerOpaqueBlock", Some(super::lower_opaque_block::pass)),
    Stage::Phase(Phase::AfterBlockLowering),
    pass("tir.FlattenBuffer", Some(super::flatten_buffer::pass)),
    Stage::Phase(Phase::AfterFlattening),
    pass("tir.BF16ComputeLegalize", Some(super::bf16_legalize::compute_pass)),
    pass("tir.NarrowDataType", Some(super::narrow_datatype::pass)),
    pass("tir.LoopPartition", Some(super::loop_partition::pass)),
    pass("tir.VectorizeLoop", Some(super::vectorize_loop::pass)),
    pass("tir.InjectVirtualThread", Some(super::inject_virtual_thread::pass)),
    pass("tir.InjectDoubleBuffer", Some(super::inject_double_buffer::pass)),
    gated(
        "tir.StorageRewrite",
        Some(super::storage_rewrite::pass),
        "tir.disable_storage_rewrite",
        false,
    ),
    gated("tir.LowerAsyncDMA", None, "tir.use_async_copy", true),
    pass("tir.HoistIfThenElse", Some(super::hoist_if_then_else::pass)),
    pass("tir.UnrollLoop", Some(super::unroll_loop::pass)),
    pass("tir.RenormalizeSplitPattern", Some(super::renormalize_split_pattern::pass)),
    pass("tir.Simplify", Some(super::simplify::pass)),
    pass("tir.RemoveNoOp", Some(super::remove_no_op::pass)),
    pass("tir.RewriteUnsafeSelect", Some(super::rewrite_unsafe_select::pass)),
    gated("tir.InstrumentBoundCheckers", None, "tir.instrument_bound_checkers", true),
    gated("tir.InjectPTXLDG32", None, "tir.ptx_ldg32", true),
    pass("tir.CommonSubexprElimTIR", Some(super::common_subexpr_elim::pass)),
    gated("tir.InstrumentProfileIntrinsics", None, "tir.instrument_lwp", true),
    pass("tir.FP8ComputeLegalize", Some(super::fp8_legalize::compute_pass)),
    pass("tir.VerifyVTCMLimit", None),
    pass("tir.LowerVtcmAlloc", None),
    pass("tir.VerifyMemory", None),
    pass("tir.AnnotateEntryFunc", Some(super::annotate_entry_func::pass)),
    gated("tir.ThreadSync", None, "tir.detect_global_barrier", true),
    pass("tir.ThreadSync", None),
    pass("tir.ThreadSync", None),
    pass("tir.ThreadSync", None),
    pass("tir.InferFragment", None),
    pass("tir.LowerThreadAllreduce", None),
    gated("tir.InjectPTXAsyncCopy", None, "tir.use_async_copy", true),
    gated("tir.InjectPTXLDG32", None, "tir.ptx_ldg32", true),
    pass("tir.AnnotateDeviceRegions", None),
    pass("tir.SplitHostDevice", None),
    pass("tir.MergeSharedMemoryAllocations", None),
    pass("tir.MakePackedAPI", None),
    pass("tir.MakeUnpackedAPI", Some(super::make_unpacked_api::pass)),
    pass("tir.FP8StorageLegalize", Some(super::fp8_legalize::storage_pass)),
    pass("tir.BF16StorageLegalize", Some(super::bf16_legalize::storage_pass)),
    pass("tir.LowerDeviceKernelLaunch", None),
    // finalize_host_passes
    pass("tir.LowerTVMBuiltin", None),
    pass("tir.LowerCustomDatatypes", None),
    pass("tir.LowerIntrin", Some(super::lower_intrin::pass)),
    pass("tir.LowerDeviceStorageAccessInfo", None),
    pass("tir.CombineContextCall", None),
    Stage::Phase(Phase::BeforeCodegen),
];

/// A per-function pass from a plain function, for table entries (`fn(PrimFunc) -> Result<...>`).
pub fn func_pass(name: &str, opt_level: u32, f: fn(PrimFunc) -> Result<PrimFunc, IrError>) -> Pass {
    Pass::prim_func(name, opt_level, move |func, _ctx| f(func).map_err(PassError::from))
}

/// The default pipeline for `target`: every implemented stage in order, and the phase markers.
/// CPU targets (`llvm`, `c`) use the list as is; other targets are an error for now.
pub fn default_pipeline(target: &Target) -> Result<Vec<Pass>, PassError> {
    if !target.is_cpu_kind() {
        return Err(PassError::in_pass(
            "default_pipeline",
            format!("target kind `{}` has no pipeline here; use `llvm` or `c`", target.kind),
        ));
    }
    Ok(DEFAULT_PIPELINE
        .iter()
        .filter_map(|stage| match stage {
            Stage::Phase(phase) => Some(Pass::phase(phase.marker())),
            Stage::Pass { make: None, .. } => None,
            Stage::Pass { make: Some(make), gate: None, .. } => Some(make()),
            Stage::Pass { make: Some(make), gate: Some((key, run_when)), .. } => {
                Some(Pass::gated(*key, *run_when, make()))
            }
        })
        .collect())
}

/// Each stage of the default pipeline as a listing line: name, whether it is implemented, gate.
pub fn describe_default_pipeline() -> Vec<String> {
    DEFAULT_PIPELINE
        .iter()
        .map(|stage| match stage {
            Stage::Phase(phase) => format!("-- {} --", phase.marker()),
            Stage::Pass { name, make, gate } => {
                let status = if make.is_some() { "" } else { "  (not implemented yet)" };
                let gate = gate.map_or(String::new(), |(k, v)| format!("  [only when {k}={v}]"));
                format!("{name}{gate}{status}")
            }
        })
        .collect()
}

fn not_found(name: &str) -> PassError {
    PassError::in_pass("pipeline", format!("no pass named `{name}` in the pipeline"))
}

fn position(passes: &[Pass], name: &str) -> Result<usize, PassError> {
    passes.iter().position(|p| name_matches(&p.name, name)).ok_or_else(|| not_found(name))
}

/// Inserts `pass` just before the first pass named `name`.
pub fn insert_before(passes: &mut Vec<Pass>, name: &str, pass: Pass) -> Result<(), PassError> {
    let at = position(passes, name)?;
    passes.insert(at, pass);
    Ok(())
}

/// Inserts `pass` just after the first pass named `name`.
pub fn insert_after(passes: &mut Vec<Pass>, name: &str, pass: Pass) -> Result<(), PassError> {
    let at = position(passes, name)?;
    passes.insert(at + 1, pass);
    Ok(())
}

/// Removes every pass named `name`; returns how many there were (at least one).
pub fn remove(passes: &mut Vec<Pass>, name: &str) -> Result<usize, PassError> {
    let before = passes.len();
    passes.retain(|p| !name_matches(&p.name, name));
    match before - passes.len() {
        0 => Err(not_found(name)),
        n => Ok(n),
    }
}

/// Replaces every pass named `name` with `pass`; returns how many were replaced (at least one).
pub fn replace(passes: &mut [Pass], name: &str, pass: Pass) -> Result<usize, PassError> {
    let mut count = 0;
    for slot in passes.iter_mut().filter(|p| name_matches(&p.name, name)) {
        *slot = pass.clone();
        count += 1;
    }
    if count == 0 { Err(not_found(name)) } else { Ok(count) }
}

/// Adds `pass` at `phase`: just before the phase's marker, so passes added to one phase keep the
/// order they were added in.
pub fn add_at_phase(passes: &mut Vec<Pass>, phase: Phase, pass: Pass) -> Result<(), PassError> {
    insert_before(passes, phase.marker(), pass)
}

/// The names of `passes`, phase markers included.
pub fn pass_names(passes: &[Pass]) -> Vec<&str> {
    passes.iter().map(|p| p.name.as_str()).collect()
}

// ---- Targets ----
/// Why a target string was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid target \"{text}\": {reason}")]
pub struct TargetError {
    pub text: String,
    pub reason: String,
}

/// A compilation target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The target kind: `llvm`, `c`, `cuda`, ...
    pub kind: String,
    pub mtriple: Option<String>,
    pub mcpu: Option<String>,
    /// LLVM feature flags such as `+avx2`.
    pub mattr: Vec<String>,
    /// Target keys (`cpu`, `gpu`, ...).
    pub keys: Vec<String>,
    /// Every other option, by key; a bare flag has the value `"true"`.
    pub attrs: BTreeMap<String, String>,
}

impl Target {
    /// The host CPU through LLVM, with no specific CPU or features.
    pub fn llvm() -> Target {
        Target {
            kind: "llvm".into(),
            mtriple: None,
            mcpu: None,
            mattr: Vec::new(),
            keys: vec!["cpu".into()],
            attrs: BTreeMap::new(),
        }
    }

    /// Parses a TVM-style target string.
    pub fn parse(text: &str) -> Result<Target, TargetError> {
        let err = |reason: String| TargetError { text: text.to_string(), reason };
        let mut words = text.split_whitespace();
        let kind = words.next().ok_or_else(|| err("empty target".into()))?;
        if kind.starts_with('-') || !kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(err(format!("`{kind}` is not a target kind")));
        }
        let mut target = Target { kind: kind.to_string(), keys: Vec::new(), ..Target::llvm() };
        let mut keys_given = false;
        for word in words {
            let option =
                word.strip_prefix("--").or_else(|| word.strip_prefix('-')).ok_or_else(|| {
                    err(format!("`{word}` is not an option (options start with `-`)"))
                })?;
            let (key, value) = match option.split_once('=') {
                Some((k, v)) => (k, v),
                None => (option, "true"),
            };
            if key.is_empty() || value.is_empty() {
                return Err(err(format!("`{word}` has an empty key or value")));
            }
            let list =
                || value.split(',').filter(|s| !s.is_empty()).map(String::from).collect::<Vec<_>>();
            match key {
                "mtriple" => target.mtriple = Some(value.to_string()),
                "mcpu" => target.mcpu = Some(value.to_string()),
                "mattr" => target.mattr = list(),
                "keys" => {
                    target.keys = list();
                    keys_given = true;
                }
                _ => {
                    target.attrs.insert(key.to_string(), value.to_string());
                }
            }
        }
        if !keys_given && target.is_cpu_kind() {
            target.keys = vec!["cpu".into()];
        }
        Ok(target)
    }

    /// Whether the kind compiles for a CPU (`llvm` or `c`).
    pub fn is_cpu_kind(&self) -> bool {
        matches!(self.kind.as_str(), "llvm" | "c")
    }

    /// Whether `-mattr` enables `feature` (given with or without its `+`).
    pub fn has_feature(&self, feature: &str) -> bool {
        let feature = feature.trim_start_matches('+');
        self.mattr.iter().any(|f| f.strip_prefix('+') == Some(feature))
    }
}

impl Default for Target {
    fn default() -> Target {
        Target::llvm()
    }
}

impl std::str::FromStr for Target {
    type Err = TargetError;
    fn from_str(s: &str) -> Result<Target, TargetError> {
        Target::parse(s)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind)?;
        if let Some(t) = &self.mtriple {
            write!(f, " -mtriple={t}")?;
        }
        if let Some(c) = &self.mcpu {
            write!(f, " -mcpu={c}")?;
        }
        if !self.mattr.is_empty() {
            write!(f, " -mattr={}", self.mattr.join(","))?;
        }
        let default_keys = self.is_cpu_kind() && self.keys == ["cpu"];
        if !self.keys.is_empty() && !default_keys {
            write!(f, " -keys={}", self.keys.join(","))?;
        }
        for (k, v) in &self.attrs {
            write!(f, " -{k}={v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod target_tests {
    use super::*;

    #[test]
    fn parses_llvm_options() {
        let t = Target::parse(
            "llvm -mtriple=x86_64-linux-gnu -mcpu=skylake -mattr=+avx2,+fma -num-cores=4",
        )
        .unwrap();
        assert_eq!(t.kind, "llvm");
        assert_eq!(t.mcpu.as_deref(), Some("skylake"));
        assert_eq!(t.mattr, ["+avx2", "+fma"]);
        assert_eq!(t.keys, ["cpu"]);
        assert_eq!(t.attrs.get("num-cores").map(String::as_str), Some("4"));
        assert!(t.has_feature("avx2") && !t.has_feature("avx512f"));
        assert_eq!(Target::parse(&t.to_string()).unwrap(), t);
    }

    #[test]
    fn rejects_malformed_strings() {
        for bad in ["", "-mcpu=x", "llvm mcpu=x", "llvm -mcpu=", "llvm -=3", "ll vm"] {
            assert!(Target::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn flags_and_keys() {
        let t = Target::parse("cuda -keys=cuda,gpu -arch=sm_80 --system-lib").unwrap();
        assert_eq!(t.keys, ["cuda", "gpu"]);
        assert_eq!(t.attrs.get("system-lib").map(String::as_str), Some("true"));
        assert_eq!(t.to_string(), "cuda -keys=cuda,gpu -arch=sm_80 -system-lib=true");
    }
}

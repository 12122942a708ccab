//! Before/after goldens of the flat-IR passes (VectorizeLoop, UnrollLoop, RemoveNoOp,
//! StorageRewrite, LowerIntrin, MakeUnpackedAPI), one test case per file pair.
//!
//! Same layout and checks as `passes_block_lowering.rs`: `tests/passes/<pass>/<case>.before.tir`
//! is the input and `<case>.after.tir` beside it what TVM v0.23's pass produces, printed in
//! canonical form. For each case:
//! - the pass output, printed, equals the `.after.tir` golden byte for byte (`UPDATE_GOLDEN=1`
//!   writes it; read every blessed diff);
//! - the verifier accepts the pass output;
//! - the golden parses back to a module structurally equal to the pass output;
//! - unless listed in `NOT_RUNNABLE` (with the reason), the interpreter runs every function before
//!   and after the pass on seeded random inputs and all arrays come out bit-identical.
//!
//! Error cases: `tests/passes/<pass>/err/<case>.tir` must make the pass fail with an error whose
//! text contains the line in `<case>.expected` beside it.

use std::path::Path;

mod pass_golden;

use pass_golden::{check_golden, check_results, files_with_suffix, parse};

use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::ir::{IRModule, IrError, PrimFunc};
use tirscript::transform as t;

type ModuleFn = fn(&IRModule) -> Result<IRModule, IrError>;

fn per_function(
    module: &IRModule,
    f: impl Fn(PrimFunc) -> Result<PrimFunc, IrError>,
) -> Result<IRModule, IrError> {
    let mut out = module.clone();
    for (gv, func) in module.functions() {
        out.update(gv, f((**func).clone())?)?;
    }
    Ok(out)
}

fn vectorize(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, |f| t::vectorize_loop::vectorize_loop(f, true))
}

fn unroll(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, |f| t::unroll_loop::unroll_loop(f, t::unroll_loop::UnrollConfig::default()))
}

/// TVM's usual auto-unroll setting for CPU schedules (`auto_max_step` 16, `auto_max_extent` 4).
fn unroll_auto(m: &IRModule) -> Result<IRModule, IrError> {
    let cfg = t::unroll_loop::UnrollConfig {
        auto_max_step: 16,
        auto_max_extent: 4,
        ..t::unroll_loop::UnrollConfig::default()
    };
    per_function(m, |f| t::unroll_loop::unroll_loop(f, cfg))
}

fn remove_no_op(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, t::remove_no_op::remove_no_op)
}

fn lower_intrin(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, t::lower_intrin::lower_intrin)
}

fn storage_rewrite(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, |f| t::storage_rewrite::storage_rewrite(f, true))
}

fn common_subexpr_elim(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, |f| t::common_subexpr_elim::common_subexpr_elim(f, false))
}

fn rewrite_unsafe_select(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, t::rewrite_unsafe_select::rewrite_unsafe_select)
}

fn narrow_data_type(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, |f| t::narrow_datatype::narrow_datatype(f, 32))
}

fn renormalize_split_pattern(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, t::renormalize_split_pattern::renormalize_split_pattern)
}

/// TVM's default config: `if` statements, not across thread vars.
fn hoist_if_then_else(m: &IRModule) -> Result<IRModule, IrError> {
    use t::hoist_if_then_else::{HoistConfig, hoist_if_then_else};
    per_function(m, |f| hoist_if_then_else(f, HoistConfig::DEFAULT))
}

/// LowerOpaqueBlock first, as TVM's own LoopPartition tests do: it turns a loop's
/// `pragma_loop_partition_hint` annotation into the attribute LoopPartition reads (an attribute on
/// a loop var cannot be written in TVMScript before the loop defines the var).
fn loop_partition_with(
    m: &IRModule,
    cfg: t::loop_partition::LoopPartitionConfig,
) -> Result<IRModule, IrError> {
    per_function(m, |f| {
        t::loop_partition::loop_partition(t::lower_opaque_block::lower_opaque_block(f)?, cfg)
    })
}

fn loop_partition(m: &IRModule) -> Result<IRModule, IrError> {
    loop_partition_with(m, t::loop_partition::LoopPartitionConfig::default())
}

/// TVM's `{"tir.LoopPartition": {"partition_const_loop": True}}`.
fn loop_partition_const(m: &IRModule) -> Result<IRModule, IrError> {
    let cfg =
        t::loop_partition::LoopPartitionConfig { partition_const_loop: true, ..Default::default() };
    loop_partition_with(m, cfg)
}

/// The configuration TVM's own single-point partition tests use: constant loops too, and a hinted
/// loop without an interval becomes a `T.unroll` loop.
fn loop_partition_unroll_hint(m: &IRModule) -> Result<IRModule, IrError> {
    let cfg = t::loop_partition::LoopPartitionConfig {
        partition_const_loop: true,
        unroll_loop_with_partition_hint_no_interval: true,
        ..Default::default()
    };
    loop_partition_with(m, cfg)
}

/// Constant loops too, and parts of extent one stay loops (`no_unroll_loop_with_extent_one`).
fn loop_partition_keep_unit_loops(m: &IRModule) -> Result<IRModule, IrError> {
    let cfg = t::loop_partition::LoopPartitionConfig {
        partition_const_loop: true,
        no_unroll_loop_with_extent_one: true,
        ..Default::default()
    };
    loop_partition_with(m, cfg)
}

fn inject_virtual_thread(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, t::inject_virtual_thread::inject_virtual_thread)
}

/// TVM's default `split_loop` of 1.
fn inject_double_buffer(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, |f| t::inject_double_buffer::inject_double_buffer(f, 1))
}

/// `tir.InjectDoubleBuffer` config `split_loop` 2.
fn inject_double_buffer_split2(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, |f| t::inject_double_buffer::inject_double_buffer(f, 2))
}

/// `split_loop` 0: the loop is kept whole.
fn inject_double_buffer_nosplit(m: &IRModule) -> Result<IRModule, IrError> {
    per_function(m, |f| t::inject_double_buffer::inject_double_buffer(f, 0))
}

fn make_unpacked_api(m: &IRModule) -> Result<IRModule, IrError> {
    t::make_unpacked_api::make_unpacked_api(m)
}

/// The passes under test, by directory name.
const PASSES: &[(&str, ModuleFn)] = &[
    ("vectorize_loop", vectorize),
    ("unroll_loop", unroll),
    ("unroll_loop_auto", unroll_auto),
    ("remove_no_op", remove_no_op),
    ("lower_intrin", lower_intrin),
    ("storage_rewrite", storage_rewrite),
    ("make_unpacked_api", make_unpacked_api),
    ("rewrite_unsafe_select", rewrite_unsafe_select),
    ("annotate_entry_func", t::annotate_entry_func::annotate_entry_func),
    ("renormalize_split_pattern", renormalize_split_pattern),
    ("hoist_if_then_else", hoist_if_then_else),
    ("common_subexpr_elim", common_subexpr_elim),
    ("narrow_data_type", narrow_data_type),
    ("inject_virtual_thread", inject_virtual_thread),
    ("inject_double_buffer", inject_double_buffer),
    ("inject_double_buffer_split2", inject_double_buffer_split2),
    ("inject_double_buffer_nosplit", inject_double_buffer_nosplit),
    ("loop_partition", loop_partition),
    ("loop_partition_const", loop_partition_const),
    ("loop_partition_unroll_hint", loop_partition_unroll_hint),
    ("loop_partition_keep_unit_loops", loop_partition_keep_unit_loops),
];

/// Cases the interpreter cannot run, with the reason (the golden checks still apply).
const NOT_RUNNABLE: &[(&str, &str)] = &[(
    "make_unpacked_api/symbolic_shape.before.tir",
    "the shape var becomes a trailing parameter, so the function takes one argument more after \
         the pass than before",
)];

fn check_case(pass: ModuleFn, dir: &str, before_path: &Path) -> Result<(), Failed> {
    let name = before_path.display().to_string();
    let source = std::fs::read_to_string(before_path).map_err(|e| format!("{name}: {e}"))?;
    let before = parse(&name, &source)?;
    let after = pass(&before).map_err(|e| format!("the pass failed: {e}"))?;
    let problems = tirscript::analysis::verify::verify_module(&after);
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| format!("{p:?}")).collect();
        return Err(format!("the verifier rejects the pass output:\n{}", list.join("\n")).into());
    }
    check_golden(&name, &source, &after)?;
    let case =
        format!("{dir}/{}", before_path.file_name().and_then(|n| n.to_str()).unwrap_or_default());
    if !NOT_RUNNABLE.iter().any(|(c, _)| *c == case) {
        check_results(&before, &after, 5)?;
    }
    Ok(())
}

fn check_error_case(pass: ModuleFn, path: &Path) -> Result<(), Failed> {
    let name = path.display().to_string();
    let source = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let expected_path = path.with_extension("expected");
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("{}: {e}", expected_path.display()))?;
    let expected = expected.trim();
    let module = parse(&name, &source)?;
    match pass(&module) {
        Ok(_) => Err(format!("the pass succeeded but should fail with `{expected}`").into()),
        Err(e) if e.to_string().contains(expected) => Ok(()),
        Err(e) => Err(format!("the pass failed with `{e}`, expected `{expected}`").into()),
    }
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("passes");
    let mut trials = Vec::new();
    for &(dir, pass) in PASSES {
        for path in files_with_suffix(&root.join(dir), ".before.tir") {
            let label =
                format!("{dir}/{}", path.file_name().and_then(|n| n.to_str()).unwrap_or_default());
            trials.push(Trial::test(label, move || check_case(pass, dir, &path)));
        }
        for path in files_with_suffix(&root.join(dir).join("err"), ".tir") {
            let label = format!(
                "{dir}/err/{}",
                path.file_name().and_then(|n| n.to_str()).unwrap_or_default()
            );
            trials.push(Trial::test(label, move || check_error_case(pass, &path)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

//! Before/after goldens of the block-lowering passes, one test case per file pair.
//!
//! Layout: `tests/passes/<pass>/<case>.before.tir` is the input and `<case>.after.tir` beside it is
//! what TVM v0.23's pass produces for it, printed in canonical form. For each case:
//! - the pass output, printed (a lone function prints as a function), equals the `.after.tir`
//!   golden byte for byte (`UPDATE_GOLDEN=1` writes it; read every blessed diff);
//! - the golden parses back to a module structurally equal to the pass output;
//! - the interpreter runs every function before and after the pass on seeded random inputs (symbolic
//!   dimensions and scalar parameters set to 3), and all arrays come out bit-identical.
//!
//! `tests/passes/block_lowering_chain/` runs all seven passes in pipeline order on each input.
//!
//! Error cases: `tests/passes/<pass>/err/<case>.tir` must make the pass fail with an error whose
//! text contains the line in `<case>.expected` beside it.

use std::path::Path;

mod pass_golden;

use pass_golden::{check_golden, check_results, files_with_suffix, parse};

use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::analysis::structural_eq::{EqualOptions, compare_structural};
use tirscript::ir::{IRModule, IrError, PrimFunc};
use tirscript::transform as t;

type PassFn = fn(PrimFunc) -> Result<PrimFunc, IrError>;

/// The passes under test, by directory name.
const PASSES: &[(&str, PassFn)] = &[
    ("canonicalize_loop", t::canonicalize_loop::canonicalize_loop),
    ("annotate_irregular_loop", t::annotate_irregular_loop::annotate_irregular_loop),
    ("lower_init_block", t::lower_init_block::lower_init_block),
    (
        "plan_and_update_buffer_allocation_location",
        t::plan_and_update_buffer_allocation_location::plan_and_update_buffer_allocation_location,
    ),
    ("convert_blocks_to_opaque", t::convert_blocks_to_opaque::convert_blocks_to_opaque),
    ("compact_buffer_allocation", t::compact_buffer_allocation::compact_buffer_allocation),
    ("lower_match_buffer", t::lower_match_buffer::lower_match_buffer),
    ("lower_opaque_block", t::lower_opaque_block::lower_opaque_block),
    ("flatten_buffer", t::flatten_buffer::flatten_buffer),
    ("block_lowering_chain", block_lowering_chain),
];

/// All seven passes in TVM v0.23's default pipeline order (without the passes between them that
/// are not block lowering, such as Simplify), to check that each accepts what the previous makes.
fn block_lowering_chain(func: PrimFunc) -> Result<PrimFunc, IrError> {
    let func = t::lower_init_block::lower_init_block(func)?;
    let func =
        t::plan_and_update_buffer_allocation_location::plan_and_update_buffer_allocation_location(
            func,
        )?;
    let func = t::convert_blocks_to_opaque::convert_blocks_to_opaque(func)?;
    let func = t::compact_buffer_allocation::compact_buffer_allocation(func)?;
    let func = t::lower_match_buffer::lower_match_buffer(func)?;
    let func = t::lower_opaque_block::lower_opaque_block(func)?;
    t::flatten_buffer::flatten_buffer(func)
}

/// Cases the interpreter cannot run, with the reason (the golden checks still apply).
const NOT_RUNNABLE: &[(&str, &str)] = &[
    (
        "load_store.before.tir",
        "TVM's own input: its match_buffers view non-contiguous regions without declaring strides, which \
         the interpreter rejects as a view (the pass itself does not look at contiguity)",
    ),
    (
        "annotated_opaque_access.before.tir",
        "it calls an extern function the interpreter does not have",
    ),
];

fn apply(pass: PassFn, module: &IRModule) -> Result<IRModule, IrError> {
    let mut out = module.clone();
    for (gv, func) in module.functions() {
        out.update(gv, pass((**func).clone())?)?;
    }
    Ok(out)
}

fn check_case(pass: PassFn, before_path: &Path) -> Result<(), Failed> {
    let name = before_path.display().to_string();
    let source = std::fs::read_to_string(before_path).map_err(|e| format!("{name}: {e}"))?;
    let before = parse(&name, &source)?;
    let after = apply(pass, &before).map_err(|e| format!("the pass failed: {e}"))?;
    check_golden(&name, &source, &after)?;
    let case = before_path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if !NOT_RUNNABLE.iter().any(|(c, _)| *c == case) {
        check_results(&before, &after, 3)?;
    }
    Ok(())
}

/// The `pass()` constructors, in pipeline order, run as one `Sequential` under a default context.
fn registered_chain() -> t::Pass {
    t::Pass::sequential(
        "block_lowering",
        vec![
            t::lower_init_block::pass(),
            t::plan_and_update_buffer_allocation_location::pass(),
            t::convert_blocks_to_opaque::pass(),
            t::compact_buffer_allocation::pass(),
            t::lower_match_buffer::pass(),
            t::lower_opaque_block::pass(),
            t::flatten_buffer::pass(),
        ],
    )
}

/// The registered passes give the same module as the plain functions on a chain input.
fn check_registered_passes(before_path: &Path) -> Result<(), Failed> {
    let name = before_path.display().to_string();
    let source = std::fs::read_to_string(before_path).map_err(|e| format!("{name}: {e}"))?;
    let before = parse(&name, &source)?;
    let direct =
        apply(block_lowering_chain, &before).map_err(|e| format!("the chain failed: {e}"))?;
    let registered = registered_chain()
        .run(before, &t::PassContext::new())
        .map_err(|e| format!("the registered passes failed: {e}"))?;
    compare_structural(&direct, &registered, EqualOptions { map_free_vars: false })
        .map_err(|m| format!("registered passes differ from the plain functions: {m}").into())
}

fn check_error_case(pass: PassFn, path: &Path) -> Result<(), Failed> {
    let name = path.display().to_string();
    let source = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let expected_path = path.with_extension("expected");
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("{}: {e}", expected_path.display()))?;
    let expected = expected.trim();
    let module = parse(&name, &source)?;
    match apply(pass, &module) {
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
            trials.push(Trial::test(label, move || check_case(pass, &path)));
        }
        for path in files_with_suffix(&root.join(dir).join("err"), ".tir") {
            let label = format!(
                "{dir}/err/{}",
                path.file_name().and_then(|n| n.to_str()).unwrap_or_default()
            );
            trials.push(Trial::test(label, move || check_error_case(pass, &path)));
        }
    }
    for path in files_with_suffix(&root.join("block_lowering_chain"), ".before.tir") {
        let label = format!(
            "block_lowering_chain/registered/{}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or_default()
        );
        trials.push(Trial::test(label, move || check_registered_passes(&path)));
    }
    libtest_mimic::run(&args, trials).exit();
}

//! Before/after goldens of FP8ComputeLegalize, FP8StorageLegalize, BF16ComputeLegalize and
//! BF16StorageLegalize: `tests/passes/{fp8,bf16}_{compute,storage}_legalize/<case>.before.tir`
//! and `<case>.after.tir`.
//!
//! For each case the pass output, printed, equals the golden byte for byte (`UPDATE_GOLDEN=1`
//! writes it; read every blessed diff), the verifier accepts it, the golden parses back to a
//! structurally equal module, and, unless listed in `NOT_RUNNABLE` with the reason, the
//! interpreter gives bit-identical arrays before and after the pass. Every case is checked and
//! all failures are reported together.

use std::path::Path;

mod pass_golden;

use pass_golden::{check_golden, check_results, files_with_suffix, parse};

use tirscript::ir::{IRModule, IrError, PrimFunc};
use tirscript::transform::bf16_legalize::{bf16_compute_legalize, bf16_storage_legalize};
use tirscript::transform::fp8_legalize::{fp8_compute_legalize, fp8_storage_legalize};

/// Cases whose results legitimately change, with the reason.
const NOT_RUNNABLE: &[(&str, &str)] = &[
    (
        "fp8_compute_legalize/local_alloc.before.tir",
        "the accumulator moves to float32, so the sum is rounded to float8_e5m2 once instead of \
         after every addition (the point of the pass)",
    ),
    (
        "bf16_compute_legalize/local_alloc.before.tir",
        "the accumulator moves to float32, so the sum is rounded to bfloat16 once instead of after \
         every addition (the point of the pass)",
    ),
];

fn per_function(
    module: &IRModule,
    f: fn(PrimFunc) -> Result<PrimFunc, IrError>,
) -> Result<IRModule, IrError> {
    let mut out = module.clone();
    for (gv, func) in module.functions() {
        out.update(gv, f((**func).clone())?)?;
    }
    Ok(out)
}

fn check_case(
    dir: &str,
    pass: fn(PrimFunc) -> Result<PrimFunc, IrError>,
    before_path: &Path,
) -> Result<(), String> {
    let name = before_path.display().to_string();
    let source = std::fs::read_to_string(before_path).map_err(|e| format!("{name}: {e}"))?;
    let before = parse(&name, &source).map_err(|e| format!("{e:?}"))?;
    let after = per_function(&before, pass).map_err(|e| format!("the pass failed: {e}"))?;
    let problems = tirscript::analysis::verify::verify_module(&after);
    if !problems.is_empty() {
        return Err(format!("the verifier rejects the pass output: {problems:?}"));
    }
    check_golden(&name, &source, &after).map_err(|e| format!("{e:?}"))?;
    let file = before_path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let case = format!("{dir}/{file}");
    if !NOT_RUNNABLE.iter().any(|(c, _)| *c == case) {
        check_results(&before, &after, 5).map_err(|e| format!("{e:?}"))?;
    }
    Ok(())
}

fn check_dir(dir: &str, pass: fn(PrimFunc) -> Result<PrimFunc, IrError>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("passes").join(dir);
    let cases = files_with_suffix(&root, ".before.tir");
    assert!(cases.len() >= 5, "{dir} has {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|path| {
            check_case(dir, pass, path).err().map(|e| format!("{}: {e}", path.display()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fp8_compute_legalize_goldens() {
    check_dir("fp8_compute_legalize", fp8_compute_legalize);
}

#[test]
fn fp8_storage_legalize_goldens() {
    check_dir("fp8_storage_legalize", fp8_storage_legalize);
}

#[test]
fn bf16_compute_legalize_goldens() {
    check_dir("bf16_compute_legalize", bf16_compute_legalize);
}

#[test]
fn bf16_storage_legalize_goldens() {
    check_dir("bf16_storage_legalize", bf16_storage_legalize);
}

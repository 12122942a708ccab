//! Scalable vectors (`T.vscale()`, `float32xvscalex4`): LLVM IR with `<vscale x 4 x float>` for
//! AArch64 SVE, and a clear error naming the target on one without scalable vectors (the host).

use tirscript::codegen::{CodegenOptions, llvm_ir_text};
use tirscript::runtime;
use tirscript::transform::Target;

const ADD_SVE: &str = include_str!("codegen_module/add_sve.tir");
const TAIL_SVE: &str = include_str!("codegen_module/tail_sve.tir");

fn lowered_ir(target: &str) -> Result<String, String> {
    ir_of(ADD_SVE, target)
}

fn ir_of(text: &str, target: &str) -> Result<String, String> {
    let target = Target::parse(target).map_err(|e| e.to_string())?;
    let prepared = runtime::parse_and_lower("sve.tir", text, &target)?;
    let options = CodegenOptions::for_target(&target).map_err(|e| e.to_string())?;
    llvm_ir_text(&prepared.lowered, Some(&prepared.source), &options).map_err(|e| e.to_string())
}

#[test]
fn sve_target_gets_scalable_vector_types() {
    let ir = lowered_ir("llvm -mtriple=aarch64-linux-gnu -mattr=+sve").expect("compiles for SVE");
    assert!(ir.contains("<vscale x 4 x float>"), "{ir}");
    assert!(ir.contains("@llvm.vscale.i32()"), "{ir}");
    assert!(ir.contains("load <vscale x 4 x float>"), "{ir}");
    assert!(ir.contains("store <vscale x 4 x float>"), "{ir}");
    assert!(ir.contains("target triple = \"aarch64"), "{ir}");
}

#[test]
fn sve2_and_riscv_vectors_are_accepted_too() {
    for target in [
        "llvm -mtriple=aarch64-linux-gnu -mattr=+sve2",
        "llvm -mtriple=riscv64-linux-gnu -mattr=+v",
    ] {
        let ir = lowered_ir(target).unwrap_or_else(|e| panic!("{target}: {e}"));
        assert!(ir.contains("<vscale x 4 x float>"), "{target}: {ir}");
    }
}

#[test]
fn targets_without_scalable_vectors_are_named_in_the_error() {
    let host = lowered_ir("llvm").expect_err("the x86 host has no scalable vectors");
    assert!(host.contains("scalable vectors"), "{host}");
    assert!(host.contains("x86_64"), "{host}");
    assert!(host.contains("-mattr=+sve"), "{host}");
    let neon = lowered_ir("llvm -mtriple=aarch64-linux-gnu -mattr=+neon").expect_err("NEON only");
    assert!(neon.contains("aarch64-linux-gnu"), "{neon}");
}

#[test]
fn sve_assembly_uses_scalable_loads_and_stores() {
    use tirscript::codegen::{EmitKind, emit_file};
    let target = Target::parse("llvm -mtriple=aarch64-linux-gnu -mattr=+sve").expect("target");
    let prepared = runtime::parse_and_lower("add_sve.tir", ADD_SVE, &target).expect("lowers");
    let options = CodegenOptions::for_target(&target).expect("options");
    let path = std::env::temp_dir().join(format!("tirscript_sve_{}.s", std::process::id()));
    emit_file(&prepared.lowered, Some(&prepared.source), &options, EmitKind::Asm, &path)
        .expect("assembles");
    let asm = std::fs::read_to_string(&path).expect("assembly");
    let _ = std::fs::remove_file(&path);
    assert!(asm.contains("ld1w") && asm.contains("st1w"), "{asm}");
    assert!(asm.contains("z0.s") || asm.contains("z1.s"), "{asm}");
}

#[test]
fn loop_tails_use_active_lane_masks() {
    let ir = ir_of(TAIL_SVE, "llvm -mtriple=aarch64-linux-gnu -mattr=+sve").expect("compiles");
    assert!(ir.contains("@llvm.get.active.lane.mask.nxv4i1.i32("), "{ir}");
    assert!(ir.contains("@llvm.masked.load.nxv4f32.p0("), "{ir}");
    assert!(ir.contains("@llvm.masked.store.nxv4f32.p0("), "{ir}");
}

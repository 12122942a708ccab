//! Compiled kernels agree with the interpreter: the property of the `codegen` fuzz target
//! (`fuzz/fuzz_targets/codegen.rs`) on a fixed-seed sample of generated kernels, plus one
//! regression test per finding of the fuzzer.
//!
//! `CODEGEN_KERNELS=N` runs N kernels instead of the default sample (and `CODEGEN_SEED` moves the
//! sample), for long local runs without the fuzzer; `CODEGEN_VERBOSE=1` prints each kernel before
//! it runs.
#![cfg(feature = "llvm")]

use tirscript::r#gen::differential::{DiffOptions, FUSION_FREE_TARGET, check_kernel};
use tirscript::r#gen::{KernelLimits, SplitMix, kernel_source};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs `count` generated kernels from `seed` on `target`; returns the failures with their text.
fn sample(seed: u64, count: u64, target: &str) -> Vec<String> {
    let mut failures = Vec::new();
    for case in 0..count {
        let mut choices = SplitMix::new(seed.wrapping_add(case));
        let text = kernel_source(&mut choices, &KernelLimits::default());
        if std::env::var_os("CODEGEN_VERBOSE").is_some() {
            // Before the run, so a crash of the compiled code still shows its kernel.
            eprintln!("case {case} (seed {}):\n{text}", seed.wrapping_add(case));
        }
        let options =
            DiffOptions { target: target.to_string(), bounds_check: case % 4 == 3, seed: case };
        if let Err(failure) = check_kernel(&text, &options) {
            failures.push(format!("case {case} (seed {}): {failure}\n{text}", seed + case));
        }
    }
    failures
}

#[test]
fn generated_kernels_match_the_interpreter_without_fma() {
    let count = env_number("CODEGEN_KERNELS", 30);
    let seed = env_number("CODEGEN_SEED", 0xC0DE_0000);
    let failures = sample(seed, count, FUSION_FREE_TARGET);
    assert!(
        failures.is_empty(),
        "{} of {count} kernels differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn generated_kernels_match_the_interpreter_on_the_host_cpu() {
    let count = env_number("CODEGEN_KERNELS", 30) / 3;
    let seed = env_number("CODEGEN_SEED", 0xC0DE_0000) ^ 0x5555;
    let failures = sample(seed, count, "llvm");
    assert!(
        failures.is_empty(),
        "{} of {count} kernels differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs one kernel on the fusion-free target and returns what differs.
fn check(text: &str) -> Result<(), String> {
    let options =
        DiffOptions { target: FUSION_FREE_TARGET.to_string(), bounds_check: true, seed: 1 };
    check_kernel(text, &options).map_err(|failure| failure.to_string())
}

/// Codegen finding 1 (fuzz/README.md): LowerIntrin rewrites `floormod(n - 1, 5)` as
/// `truncmod(n - 2147483641, 5)` (an offset that overflows int32), so the store lands at flat
/// index -3 for n = 3. Fixed: the shift is taken only when it cannot leave the dtype.
#[test]
fn floormod_of_a_scalar_minus_a_constant() {
    let text = "# from tvm.script import tir as T\n\n@T.prim_func\n\
                def main(B: T.Buffer((5,), \"int32\"), n: T.int32):\n    B[T.floormod(n - 1, 5)] = 1\n";
    assert_eq!(check(text), Ok(()));
}

/// Codegen finding 2 (fuzz/README.md): in a vectorized loop `floormod(p + p, 8)` lowers to
/// `T.bitwise_and(T.Ramp(0, 1, 7), 3)`, a vector and a scalar, which LLVM rejects
/// (`and <7 x i32> %v, 3`): `konst` in src/transform/lower_intrin_div.rs makes scalar constants
/// for vector operands. Fixed: `konst` broadcasts to the operand's lanes.
#[test]
fn vector_floormod_by_a_power_of_two() {
    let text = "# from tvm.script import tir as T\n\n@T.prim_func\n\
                def main(A: T.Buffer((8,), \"int32\"), B: T.Buffer((7,), \"int16\")):\n\
                \x20   for p in T.vectorized(7):\n\
                \x20       B[p] = T.Cast(\"int16\", A[T.floormod(p + p, 8)])\n";
    assert_eq!(check(text), Ok(()));
}

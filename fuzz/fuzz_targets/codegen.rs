//! Generated kernels, lowered with the default pipeline and compiled with LLVM, give the
//! interpreter's results on the kernel before lowering (`tirscript::r#gen::differential`: integers
//! bit-equal, floats equal, both NaN, or within the documented tolerance). The fuzzer's bytes drive
//! every choice of the kernel generator; the last bytes pick the target, bounds checks and seed.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use tirscript::r#gen::differential::{DiffOptions, FUSION_FREE_TARGET, check_kernel};
use tirscript::r#gen::{Choices, KernelLimits, kernel_source};

/// Choices read from the fuzzer's bytes; an exhausted input yields 0 (the smallest option).
struct FuzzChoices<'a>(Unstructured<'a>);

impl Choices for FuzzChoices<'_> {
    fn choose(&mut self, n: usize) -> usize {
        if n <= 1 { 0 } else { self.0.choose_index(n).unwrap_or(0) }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut choices = FuzzChoices(Unstructured::new(data));
    let host = choices.one_in(4);
    let bounds_check = choices.one_in(2);
    let seed = choices.choose(1 << 16) as u64;
    let text = kernel_source(&mut choices, &KernelLimits::default());
    let target = if host { "llvm" } else { FUSION_FREE_TARGET };
    let options = DiffOptions { target: target.to_string(), bounds_check, seed };
    if let Err(failure) = check_kernel(&text, &options) {
        panic!("{failure}\n(target `{target}`, bounds checks {bounds_check}, seed {seed})\n{text}");
    }
});

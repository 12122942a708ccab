//! Generated well-formed modules → print → parse → structurally equal, and → JSON → load →
//! structurally equal. The fuzzer's bytes drive every choice of the generator.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use tirscript::analysis::structural_eq::assert_structural_equal;
use tirscript::json::{from_json, to_json};
use tirscript::print::{PrintOptions, print_module};
use tirscript::r#gen::{Choices, GenLimits, generate_module};

/// Choices read from the fuzzer's bytes; an exhausted input yields 0 (the smallest option).
struct FuzzChoices<'a>(Unstructured<'a>);

impl Choices for FuzzChoices<'_> {
    fn choose(&mut self, n: usize) -> usize {
        if n <= 1 { 0 } else { self.0.choose_index(n).unwrap_or(0) }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut choices = FuzzChoices(Unstructured::new(data));
    let (text, module) = generate_module(&mut choices, &GenLimits::default());
    let module = module.unwrap_or_else(|d| panic!("generated text rejected: {d}\n{text}"));
    let printed = print_module(&module, &PrintOptions::default());
    let reparsed = tirscript::eval::parse_script("printed.tir", &printed);
    let again = reparsed
        .module
        .unwrap_or_else(|| panic!("printed text does not parse: {:?}\n{printed}", reparsed.diagnostics));
    if let Err(m) = assert_structural_equal(&module, &again) {
        panic!("print round trip differs: {m:?}\n--- source\n{text}\n--- printed\n{printed}");
    }
    let loaded = from_json(&to_json(&module)).unwrap_or_else(|e| panic!("JSON does not load: {e}\n{text}"));
    if let Err(m) = assert_structural_equal(&module, &loaded) {
        panic!("JSON round trip differs: {m:?}\n{text}");
    }
});

//! Arbitrary bytes → lexer → parser → evaluator → verifier: must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tirscript::analysis::verify::verify_module;
use tirscript::eval::parse_script;

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is rejected before parsing by the CLI; lossy decoding keeps the rest reachable.
    let text = String::from_utf8_lossy(data);
    let parsed = parse_script("fuzz.tir", &text);
    if let Some(module) = &parsed.module {
        let _ = verify_module(module);
    }
});

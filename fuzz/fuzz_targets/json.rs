//! Arbitrary bytes → JSON loader: must return a module or an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tirscript::json::from_json;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = from_json(text);
    }
});

//! The fuzz properties of `fuzz/` as ordinary tests on fixed-seed samples, so CI exercises them:
//! generated modules round-trip through the printer and through JSON; mutated corpus files and
//! mutated JSON never panic the parser, evaluator, verifier or JSON loader.

use std::path::{Path, PathBuf};

use tirscript::analysis::structural_eq::assert_structural_equal;
use tirscript::analysis::verify::verify_module;
use tirscript::eval::parse_script;
use tirscript::r#gen::{Choices, GenLimits, SplitMix, generate_module};
use tirscript::json::{from_json, to_json};
use tirscript::print::{PrintOptions, print_module};

/// How many times the fixed sample sizes to run, from `RELIABILITY_SCALE` (default 1), and an
/// extra seed mixed into every generator from `RELIABILITY_SEED` (default 0): long local runs
/// without a fuzzer, e.g. `RELIABILITY_SCALE=50 RELIABILITY_SEED=7 cargo test --test reliability_properties`.
fn scale_and_seed() -> (usize, u64) {
    let read = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    (read("RELIABILITY_SCALE").unwrap_or(1).max(1) as usize, read("RELIABILITY_SEED").unwrap_or(0))
}

/// Checks print → parse and JSON → load on one module; returns a description of the first failure.
fn round_trip(text: &str, module: &tirscript::ir::IRModule) -> Result<(), String> {
    let errors = verify_module(module);
    if !errors.is_empty() {
        return Err(format!("verifier rejected generated module: {errors:?}\n{text}"));
    }
    let printed = print_module(module, &PrintOptions::default());
    let reparsed = parse_script("printed.tir", &printed);
    let Some(again) = reparsed.module else {
        return Err(format!("printed text does not parse: {:?}\n{printed}", reparsed.diagnostics));
    };
    assert_structural_equal(module, &again).map_err(|m| {
        format!("print round trip differs: {m:?}\n--- source\n{text}\n--- printed\n{printed}")
    })?;
    let json = to_json(module);
    let loaded = from_json(&json).map_err(|e| format!("JSON does not load: {e}\n{text}"))?;
    assert_structural_equal(module, &loaded)
        .map_err(|m| format!("JSON round trip differs: {m:?}\n{text}"))?;
    Ok(())
}

#[test]
fn generated_modules_round_trip_through_printer_and_json() {
    let (scale, seed) = scale_and_seed();
    let mut rng = SplitMix::new(0x7172_5C21_9A0B_44E1 ^ seed);
    let limits = GenLimits::default();
    for case in 0..200 * scale {
        let (text, module) = generate_module(&mut rng, &limits);
        let module =
            module.unwrap_or_else(|d| panic!("case {case}: generated text rejected: {d}\n{text}"));
        if let Err(message) = round_trip(&text, &module) {
            panic!("case {case}: {message}");
        }
    }
}

fn corpus_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "tir") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"), &mut files);
    files.sort();
    files
}

/// Applies one to four random byte edits: flip, insert, delete, duplicate a slice.
fn mutate(rng: &mut SplitMix, bytes: &mut Vec<u8>) {
    const INTERESTING: &[u8] = b"()[]:,.=+-*/%<>\n\t \"'#\\0123456789eT_\x00\xff\r";
    for _ in 0..1 + rng.choose(4) {
        let len = bytes.len();
        match rng.choose(4) {
            0 if len > 0 => {
                let at = rng.choose(len);
                bytes[at] = INTERESTING[rng.choose(INTERESTING.len())];
            }
            1 => {
                let at = rng.choose(len + 1);
                bytes.insert(at, INTERESTING[rng.choose(INTERESTING.len())]);
            }
            2 if len > 0 => {
                let at = rng.choose(len);
                let end = (at + 1 + rng.choose(16)).min(len);
                bytes.drain(at..end);
            }
            _ if len > 0 => {
                let at = rng.choose(len);
                let end = (at + 1 + rng.choose(32)).min(len);
                let slice = bytes[at..end].to_vec();
                let to = rng.choose(len + 1);
                bytes.splice(to..to, slice);
            }
            _ => bytes.push(b'('),
        }
    }
}

#[test]
fn mutated_corpus_files_never_panic_the_front_end() {
    let files = corpus_files();
    assert!(files.len() > 10, "the corpus under tests/ was not found");
    let (scale, seed) = scale_and_seed();
    let mut rng = SplitMix::new(0xC0FF_EE00_1234_5678 ^ seed);
    for case in 0..2000 * scale {
        let path = &files[rng.choose(files.len())];
        let mut bytes = std::fs::read(path).expect("corpus file is readable");
        mutate(&mut rng, &mut bytes);
        let text = String::from_utf8_lossy(&bytes);
        let result = std::panic::catch_unwind(|| {
            let parsed = parse_script("mutated.tir", &text);
            if let Some(module) = &parsed.module {
                let _ = verify_module(module);
            }
        });
        assert!(
            result.is_ok(),
            "case {case}: front end panicked on a mutation of {}:\n{text}",
            path.display()
        );
    }
}

#[test]
fn mutated_json_never_panics_the_loader() {
    let (scale, seed) = scale_and_seed();
    let mut rng = SplitMix::new(0x00DD_BA11_5EED ^ seed);
    let limits = GenLimits { max_funcs: 1, ..GenLimits::default() };
    let documents: Vec<String> = (0..10)
        .map(|_| to_json(&generate_module(&mut rng, &limits).1.expect("generated module parses")))
        .collect();
    for case in 0..1000 * scale {
        let mut bytes = documents[rng.choose(documents.len())].clone().into_bytes();
        mutate(&mut rng, &mut bytes);
        let text = String::from_utf8_lossy(&bytes);
        let result = std::panic::catch_unwind(|| from_json(&text).map(|_| ()));
        assert!(result.is_ok(), "case {case}: JSON loader panicked on:\n{text}");
    }
}

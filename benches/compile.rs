//! Compile time of each example: parse, lower with the default pipeline, and compile with LLVM
//! (O3, MCJIT) to callable machine code. Target: under 0.1 s per example.
//!
//! Run: `cargo bench --bench compile`.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use tirscript::codegen::CodegenOptions;
use tirscript::runtime;
use tirscript::transform::Target;

fn compile_examples(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "tir"));
    files.sort();
    let options = CodegenOptions::default();
    let mut group = c.benchmark_group("compile");
    group.sample_size(20);
    for path in files {
        let name = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        group.bench_function(&name, |b| {
            b.iter(|| {
                let prepared = runtime::parse_and_lower(&name, &text, &Target::llvm())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                runtime::compile_prepared(&prepared, &options)
                    .unwrap_or_else(|e| panic!("{name}: {e}"))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, compile_examples);
criterion_main!(benches);

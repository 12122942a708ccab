//! Parse + build throughput: text → syntax tree → evaluator → IRBuilder → IRModule, on a generated
//! module of 240 functions (blocks, loops, arithmetic, intrinsics, lets, thread bindings).
//! Run with `cargo bench --bench parse`; criterion reports MB/s for the syntax stage alone and for
//! the whole parse + build.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "common/generated_module.rs"]
mod generated_module;
use generated_module::{FUNCTIONS, generate};

fn bench(c: &mut Criterion) {
    let source = generate();
    let result = tirscript::eval::parse_script("bench.tir", &source);
    assert!(
        result.diagnostics.is_empty(),
        "the generated module must build: {:?}",
        result.diagnostics.first()
    );
    assert_eq!(result.module.map(|m| m.len()), Some(FUNCTIONS));

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(source.len() as u64));
    group.sample_size(20);
    group.bench_function("syntax_only", |b| {
        b.iter(|| tirscript::syntax::parse_module(black_box(&source)))
    });
    // The evaluator and builder alone, on an already parsed tree.
    let (tree, _) = tirscript::syntax::parse_module(&source);
    let tree = tree.expect("the generated module parses");
    group.bench_function("build_only", |b| {
        b.iter_with_large_drop(|| tirscript::eval::evaluate_module(black_box(&tree)))
    });
    // Freeing the built IR is not part of building it: results are dropped outside the timing.
    group.bench_function("parse_and_build", |b| {
        b.iter_with_large_drop(|| tirscript::eval::parse_script("bench.tir", black_box(&source)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

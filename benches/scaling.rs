//! Scaling of parse, print and JSON with module size: modules of 1,000, 5,000 and 20,000 functions.
//! Time per function (criterion's throughput in elements) must stay flat as the module grows.
//!
//! Run: `cargo bench --bench scaling` (add `--no-default-features` to skip building LLVM).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tirscript::eval::parse_script;
use tirscript::json::{from_json, to_json};
use tirscript::print::{PrintOptions, print_module};

/// A module of `count` small functions, each with a loop, a block, a binding and a store.
fn module_source(count: usize) -> String {
    let mut text = String::from("# from tvm.script import tir as T\n");
    for index in 0..count {
        text.push_str(&format!(
            "\n@T.prim_func\ndef f{index}(A: T.Buffer((16,), \"float32\"), B: T.Buffer((16,), \"float32\")):\n    for i in range(16):\n        with T.block(\"b\"):\n            vi = T.axis.spatial(16, i)\n            B[vi] = A[vi] * T.float32(2.0) + T.float32({index}.0)\n"
        ));
    }
    text
}

fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling");
    group.sample_size(10);
    for count in [1_000usize, 5_000, 20_000] {
        let source = module_source(count);
        let module =
            parse_script("scaling.tir", &source).module.expect("the scaling module parses");
        let json = to_json(&module);
        group.throughput(Throughput::Elements(count as u64));
        group.bench_with_input(BenchmarkId::new("parse", count), &source, |b, s| {
            b.iter(|| parse_script("scaling.tir", black_box(s)))
        });
        group.bench_with_input(BenchmarkId::new("print", count), &module, |b, m| {
            b.iter(|| print_module(black_box(m), &PrintOptions::default()))
        });
        group.bench_with_input(BenchmarkId::new("to_json", count), &module, |b, m| {
            b.iter(|| to_json(black_box(m)))
        });
        group.bench_with_input(BenchmarkId::new("from_json", count), &json, |b, j| {
            b.iter(|| from_json(black_box(j)).expect("loads"))
        });
    }
    group.finish();
}

criterion_group!(benches, scaling);
criterion_main!(benches);

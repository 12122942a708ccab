//! Parse throughput on a generated module of realistic TVMScript (blocks, loops, arithmetic,
//! intrinsic calls). Run with `cargo bench --bench syntax`; criterion reports MB/s for the lexer alone
//! and for lexing + parsing.
//!
//! Figures for the 384 KB module (240 functions), 2026-11-21: instruction counts (callgrind, exact
//! and load-independent) are 58 per byte for `lex` and 382 per byte for `parse_module` (lexing
//! included); wall clock on the shared 2-core machine under load average 12-14 was 45 MiB/s and
//! 3.8 MiB/s. The chumsky grammar is the bottleneck: about 2,500 instructions per expression operand
//! go through its combinator layers even on the error-free fast path.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tirscript::syntax::{lexer, parse_module};

/// Number of functions in the generated module.
const FUNCTIONS: usize = 240;

/// One function; `n` varies names, shapes and constants so no two functions are identical.
fn function(out: &mut String, n: usize) {
    let size = 16 << (n % 4);
    let _ = write!(
        out,
        r#"    @T.prim_func(private=True)
    def kernel_{n}(A: T.Buffer(({size}, {size}), "float32"), B: T.Buffer(({size}, {size}), "float32"), C: T.Buffer(({size}, {size}), "float32")):
        T.func_attr({{"tir.noalias": True, "global_symbol": "kernel_{n}"}})
        # A matrix multiply followed by an element-wise epilogue.
        C_local = T.alloc_buffer(({size}, {size}), scope="local")
        for i, j, k in T.grid({size}, {size}, {size}):
            with T.block("C"):
                vi, vj, vk = T.axis.remap("SSR", [i, j, k])
                T.reads(A[vi, vk], B[vk, vj])
                T.writes(C_local[vi, vj])
                with T.init():
                    C_local[vi, vj] = T.float32(0)
                C_local[vi, vj] = C_local[vi, vj] + A[vi, vk] * B[vk, vj]
        for i_0 in T.thread_binding({size} // 4, thread="blockIdx.x"):
            for i_1 in T.thread_binding(4, thread="threadIdx.x"):
                for j in T.vectorized({size}):
                    with T.block("epilogue"):
                        v0 = T.axis.spatial({size}, i_0 * 4 + i_1)
                        v1 = T.axis.spatial({size}, j)
                        T.where(i_0 * 4 + i_1 < {size})
                        T.reads(C_local[v0, v1])
                        T.writes(C[v0, v1])
                        C[v0, v1] = T.max(T.exp(C_local[v0, v1] * T.float32({n}.5)) - T.float32(1), T.float32(0))
        for x in range({size}):
            if x % 2 == 0 and x >= {n} % 7:
                C[x, 0] = T.if_then_else(x < 8, C[x, 0] / T.float32(2), T.Cast("float32", x) ** 2)
            else:
                C[x, 1] = -C[x, 1] + T.sqrt(T.float32(3.0e-2) * (C[x, 2] - C[x, 3]))

"#
    );
}

/// A module of [`FUNCTIONS`] functions, about 0.5 MB.
fn generate() -> String {
    let mut out = String::from(
        "# from tvm.script import ir as I\n# from tvm.script import tir as T\n\n@I.ir_module\nclass Module:\n",
    );
    for n in 0..FUNCTIONS {
        function(&mut out, n);
    }
    out
}

fn bench(c: &mut Criterion) {
    let source = generate();
    let (module, diagnostics) = parse_module(&source);
    assert!(diagnostics.is_empty(), "generated module must parse: {diagnostics:?}");
    assert!(module.is_some());

    let mut group = c.benchmark_group("syntax");
    group.throughput(Throughput::Bytes(source.len() as u64));
    group.sample_size(20);
    group.bench_function("lex", |b| b.iter(|| lexer::lex(black_box(&source))));
    group.bench_function("parse_module", |b| b.iter(|| parse_module(black_box(&source))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

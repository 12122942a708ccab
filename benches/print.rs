//! Printing throughput: a generated module of 240 functions (blocks with init, `T.grid`,
//! thread bindings, vector loops, arithmetic, intrinsics, lowered statements) is parsed once,
//! then printed. Run with `cargo bench --bench print`; criterion reports MB/s of output text.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tirscript::print::{PrintOptions, print_module};

/// Number of functions in the generated module.
const FUNCTIONS: usize = 240;

/// One function; `n` varies names, shapes and constants so no two functions are identical.
fn function(out: &mut String, n: usize) {
    let size = 16 << (n % 4);
    let _ = write!(
        out,
        r#"    @T.prim_func
    def kernel_{n}(A: T.Buffer(({size}, {size}), "float32"), B: T.Buffer(({size}, {size}), "float32"), C: T.Buffer(({size}, {size}), "float32")):
        T.func_attr({{"tir.noalias": True}})
        C_local = T.alloc_buffer(({size}, {size}), scope="local")
        for i, j, k in T.grid({size}, {size}, {size}):
            with T.block("C"):
                vi, vj, vk = T.axis.remap("SSR", [i, j, k])
                T.reads(A[vi, vk], B[vk, vj])
                T.writes(C_local[vi, vj])
                with T.init():
                    C_local[vi, vj] = T.float32(0.0)
                C_local[vi, vj] = C_local[vi, vj] + A[vi, vk] * B[vk, vj]
        for i_0 in T.thread_binding({quarter}, thread="blockIdx.x"):
            for i_1 in T.thread_binding(4, thread="threadIdx.x"):
                for j in range({size}):
                    with T.block("epilogue"):
                        v0 = T.axis.spatial({size}, i_0 * 4 + i_1)
                        v1 = T.axis.spatial({size}, j)
                        T.reads(C_local[v0, v1])
                        T.writes(C[v0, v1])
                        C[v0, v1] = T.max(T.exp(C_local[v0, v1] * T.float32({scale}.5)) - T.float32(1.0), T.sqrt(T.fabs(C_local[v0, v1])) + T.Cast("float32", v0 % 7 + v1 // 3))

"#,
        quarter = size / 4,
        scale = n % 10,
    );
}

/// A lowered function: allocations, `if`, `while`, lets and extern calls.
fn lowered(out: &mut String, n: usize) {
    let _ = write!(
        out,
        r#"    @T.prim_func
    def lowered_{n}(A: T.Buffer((1024,), "float32"), B: T.Buffer((1024,), "int32")):
        for i in range(1024):
            if i % {m} == 0:
                B[i] = T.bitwise_and(i * {n}, 255) + T.shift_left(i, 2)
            else:
                B[i] = T.min(i, {n}) - T.max(i // 2, 3)
            x: T.int32 = B[i] * 2 + 1
            A[i] = T.Select(x < 512, T.float32(0.25), T.float32(-1.5)) * T.Cast("float32", x)
        T.call_extern("int32", "report", {n}, A.data)

"#,
        m = n % 5 + 2,
    );
}

fn module() -> String {
    let mut text = String::from(
        "# from tvm.script import ir as I\n# from tvm.script import tir as T\n\n@I.ir_module\nclass Module:\n",
    );
    for n in 0..FUNCTIONS {
        if n % 4 == 3 { lowered(&mut text, n) } else { function(&mut text, n) }
    }
    text
}

/// CPU time used by this thread so far, in nanoseconds (Linux), to report a throughput that the
/// load of a shared machine does not distort.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn bench(c: &mut Criterion) {
    let source = module();
    let parsed = tirscript::eval::parse_script("bench.tir", &source);
    let Some(module) = parsed.module else {
        panic!("the generated module does not parse: {:?}", parsed.diagnostics.first());
    };
    let options = PrintOptions::default();
    let printed = print_module(&module, &options);
    assert_eq!(module.len(), FUNCTIONS);
    const ROUNDS: u64 = 20;
    if let Some(start) = thread_cpu_ns() {
        for _ in 0..ROUNDS {
            black_box(print_module(black_box(&module), &options));
        }
        if let Some(end) = thread_cpu_ns() {
            let per_print = (end - start) as f64 / ROUNDS as f64;
            eprintln!(
                "print/module: {} bytes of output, {:.2} ms of CPU per print, {:.1} MB/s per CPU second",
                printed.len(),
                per_print / 1e6,
                printed.len() as f64 / per_print * 1e3
            );
        }
    }
    let mut group = c.benchmark_group("print");
    group.throughput(Throughput::Bytes(printed.len() as u64));
    group.bench_function("module", |b| b.iter(|| print_module(black_box(&module), &options)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

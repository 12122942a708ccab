//! The scheduled 1024³ float32 matmul (examples/matmul_scheduled.tir, compiled by tirscript)
//! against OpenBLAS's `cblas_sgemm` on the same inputs, in the same run, with both at their
//! default thread counts. Prints both GFLOP/s and their ratio (target: at least 0.6).
//!
//! Needs Debian's `libopenblas-dev` (scripts/setup.sh installs it). Run:
//! `cargo bench --bench matmul_vs_openblas`. The line printed first names the kernel OpenBLAS
//! picked: Debian's OpenBLAS 0.3.21 does not recognise some recent CPUs and falls back to an
//! SSE3 kernel ("Prescott"); `OPENBLAS_CORETYPE=SkylakeX` (or `Haswell`) forces a fair one.

use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use tirscript::codegen::CodegenOptions;
use tirscript::interp::{ArgValue, NDArray};
use tirscript::ir::DataType;
use tirscript::runtime::{self, PreparedCall};
use tirscript::transform::Target;

const N: usize = 1024;
const ROW_MAJOR: i32 = 101;
const NO_TRANS: i32 = 111;

#[link(name = "openblas")]
unsafe extern "C" {
    fn openblas_get_corename() -> *const std::ffi::c_char;
    fn cblas_sgemm(
        layout: i32,
        trans_a: i32,
        trans_b: i32,
        m: i32,
        n: i32,
        k: i32,
        alpha: f32,
        a: *const f32,
        lda: i32,
        b: *const f32,
        ldb: i32,
        beta: f32,
        c: *mut f32,
        ldc: i32,
    );
}

fn sgemm(a: &[f32], b: &[f32], c: &mut [f32]) {
    let n = N as i32;
    // SAFETY: the three slices hold N×N floats each, as the arguments state.
    unsafe {
        cblas_sgemm(
            ROW_MAJOR,
            NO_TRANS,
            NO_TRANS,
            n,
            n,
            n,
            1.0,
            a.as_ptr(),
            n,
            b.as_ptr(),
            n,
            0.0,
            c.as_mut_ptr(),
            n,
        )
    }
}

fn median_seconds(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn matmul_vs_openblas(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/matmul_scheduled.tir");
    let text = std::fs::read_to_string(&path).expect("examples/matmul_scheduled.tir is readable");
    let prepared = runtime::parse_and_lower("matmul_scheduled.tir", &text, &Target::llvm())
        .expect("the example lowers");
    let compiled = runtime::compile_prepared(&prepared, &CodegenOptions::default())
        .expect("the example compiles");
    let shape = [N as i64, N as i64];
    let a = NDArray::random(DataType::float32(), &shape, 1).expect("array");
    let b = NDArray::random(DataType::float32(), &shape, 2).expect("array");
    let out = NDArray::zeros(DataType::float32(), &shape).expect("array");
    let mut args =
        vec![ArgValue::Array(a.clone()), ArgValue::Array(b.clone()), ArgValue::Array(out)];
    let call = PreparedCall::new(&compiled, "matmul_scheduled", &mut args).expect("arguments fit");

    let a32: Vec<f32> = a.as_slice::<f32>().expect("f32").to_vec();
    let b32: Vec<f32> = b.as_slice::<f32>().expect("f32").to_vec();
    let mut c32 = vec![0f32; N * N];

    let flops = 2.0 * (N as f64).powi(3);
    let ours = median_seconds(15, || call.run().expect("the kernel runs"));
    let blas = median_seconds(15, || sgemm(&a32, &b32, &mut c32));
    let (g_ours, g_blas) = (flops / ours / 1e9, flops / blas / 1e9);
    // SAFETY: OpenBLAS returns a static NUL-terminated string.
    let core = unsafe { std::ffi::CStr::from_ptr(openblas_get_corename()) }.to_string_lossy();
    eprintln!(
        "matmul 1024³ float32 (OpenBLAS kernel {core}): tirscript {g_ours:.1} GFLOP/s ({:.2} ms), OpenBLAS {g_blas:.1} GFLOP/s ({:.2} ms), ratio {:.2}",
        ours * 1e3,
        blas * 1e3,
        g_ours / g_blas
    );

    let mut group = c.benchmark_group("matmul_1024");
    group.sample_size(10);
    group.bench_function("tirscript_scheduled", |bench| {
        bench.iter(|| call.run().expect("the kernel runs"))
    });
    group.bench_function("openblas_sgemm", |bench| bench.iter(|| sgemm(&a32, &b32, &mut c32)));
    group.finish();
}

criterion_group!(benches, matmul_vs_openblas);
criterion_main!(benches);

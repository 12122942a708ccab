//! Every example in examples/ compiles with the LLVM backend, runs, and matches the interpreter on
//! the same seeded inputs; one test case per file.
//!
//! The interpreter (a debug build in `cargo test`) takes minutes on the big kernels, so three cases
//! are split: matmul.tir (128³), conv2d.tir and the scheduled 1024³ matmul are compiled and run at
//! full size and checked on sampled output elements against sums computed here in f64, and the
//! same kernels, shrunk by textual replacement of their sizes (same loop structure and schedule),
//! are checked against the interpreter (`*_small` cases).

mod example_kernels;

use example_kernels::{example_files, small_conv2d, small_matmul, small_scheduled_matmul};
use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::codegen::CodegenOptions;
use tirscript::interp::{ArgValue, NDArray, random_args_for, run_func};
use tirscript::runtime;
use tirscript::transform::Target;

/// The largest tolerated relative error between compiled and interpreted results.
fn tolerance(dtype: tirscript::ir::DataType) -> f64 {
    if dtype.bits == 16 { 1e-2 } else { 1e-4 }
}

/// Max relative error of `got` against `want` (relative to max(|want|, 1)).
fn max_rel_error(got: &NDArray, want: &NDArray) -> f64 {
    got.to_f64_vec()
        .iter()
        .zip(want.to_f64_vec())
        .map(|(g, w)| (g - w).abs() / w.abs().max(1.0))
        .fold(0.0, f64::max)
}

fn check_against_interpreter(name: &str, text: &str) -> Result<(), Failed> {
    let prepared = runtime::parse_and_lower(name, text, &Target::llvm())?;
    let compiled = runtime::compile_prepared(&prepared, &CodegenOptions::default())?;
    for (gv, func) in prepared.source.functions() {
        let fname = gv.name();
        let inputs = random_args_for(func, 7)?;
        let mut compiled_args = inputs.clone();
        runtime::call(&compiled, fname, &mut compiled_args)?;
        let mut interp_args = inputs;
        run_func(&prepared.source, fname, &mut interp_args)?;
        for (k, (c, i)) in compiled_args.iter().zip(&interp_args).enumerate() {
            if let (ArgValue::Array(c), ArgValue::Array(i)) = (c, i) {
                let err = max_rel_error(c, i);
                if err > tolerance(c.dtype()) {
                    return Err(
                        format!("{fname}: argument {k} differs, max rel error {err}").into()
                    );
                }
            }
        }
    }
    Ok(())
}

/// Compiles and runs the single function of `text` on seeded inputs; returns its arrays as f64.
fn run_compiled(name: &str, text: &str) -> Result<Vec<Vec<f64>>, Failed> {
    let prepared = runtime::parse_and_lower(name, text, &Target::llvm())?;
    let compiled = runtime::compile_prepared(&prepared, &CodegenOptions::default())?;
    let (gv, func) = prepared.source.functions().next().ok_or("no function")?;
    let mut args = random_args_for(func, 11)?;
    runtime::call(&compiled, gv.name(), &mut args)?;
    Ok(args.iter().filter_map(|a| a.as_array().map(NDArray::to_f64_vec)).collect())
}

/// An n×n×n matmul at full size: sampled elements against f64 dot products.
fn check_big_matmul(name: &str, text: &str, n: usize) -> Result<(), Failed> {
    let arrays = run_compiled(name, text)?;
    let [a, b, c] = arrays.as_slice() else { return Err("expected three arrays".into()) };
    let last = n - 1;
    for &(i, j) in
        &[(0, 0), (1, last), (n / 2 + 1, 7), (last, last), (n / 5, n / 2), (31, 32), (32, 31)]
    {
        let want: f64 = (0..n).map(|k| a[i * n + k] * b[k * n + j]).sum();
        let got = c[i * n + j];
        if (got - want).abs() > 1e-3 * want.abs().max(1.0) {
            return Err(format!("C[{i}, {j}] = {got}, expected {want}").into());
        }
    }
    Ok(())
}

/// conv2d.tir at full size: sampled outputs against f64 sums (X 1×16×34×34, W 32×16×3×3).
fn check_big_conv2d(text: &str) -> Result<(), Failed> {
    let arrays = run_compiled("conv2d.tir", text)?;
    let [x, w, y] = arrays.as_slice() else { return Err("expected three arrays".into()) };
    for &(f, r, q) in &[(0, 0, 0), (31, 31, 31), (5, 17, 9), (16, 0, 31)] {
        let mut want = 0.0;
        for c in 0..16 {
            for ky in 0..3 {
                for kx in 0..3 {
                    want +=
                        x[c * 34 * 34 + (r + ky) * 34 + q + kx] * w[f * 144 + c * 9 + ky * 3 + kx];
                }
            }
        }
        let got = y[f * 1024 + r * 32 + q];
        if (got - want).abs() > 1e-4 * want.abs().max(1.0) {
            return Err(format!("Y[0, {f}, {r}, {q}] = {got}, expected {want}").into());
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for path in example_files() {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if name == "matmul_scheduled.tir" {
            let small = small_scheduled_matmul(&text);
            trials.push(Trial::test("matmul_scheduled_small", move || {
                check_against_interpreter("matmul_scheduled_small", &small)
            }));
            trials.push(Trial::test(name.clone(), move || check_big_matmul(&name, &text, 1024)));
        } else if name == "matmul.tir" {
            let small = small_matmul(&text);
            trials.push(Trial::test("matmul_small", move || {
                check_against_interpreter("matmul_small", &small)
            }));
            trials.push(Trial::test(name.clone(), move || check_big_matmul(&name, &text, 128)));
        } else if name == "conv2d.tir" {
            let small = small_conv2d(&text);
            trials.push(Trial::test("conv2d_small", move || {
                check_against_interpreter("conv2d_small", &small)
            }));
            trials.push(Trial::test(name, move || check_big_conv2d(&text)));
        } else {
            trials.push(Trial::test(name.clone(), move || check_against_interpreter(&name, &text)));
        }
    }
    assert!(trials.len() >= 11, "expected the eight examples (and the small matmul) in examples/");
    libtest_mimic::run(&args, trials).exit();
}

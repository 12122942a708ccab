//! `tirscript run FILE`: lower, compile with LLVM and run a kernel; check it against the
//! interpreter on the same inputs; time it.
//!
//! Inputs not given with `--arg` are seeded random arrays (`--seed`); every symbolic dimension and
//! integer scalar parameter not given takes `--extent` (a scalar given with `--arg` that is also a
//! dimension needs a matching `--extent` or arrays of that size). Progress for the slow phases
//! goes to stderr; the report goes to stdout (one JSON object with `--json`). The exit status is 1
//! on any error, including a compiled result that differs from the interpreter's beyond
//! `--tolerance` (relative to max(|expected|, 1)).

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use crate::codegen::CodegenOptions;
use crate::interp::{
    ArgValue, NDArray, Scalar, adapt_args, random_args_with_extent, read_npy_as, run_func,
    write_npy,
};
use crate::runtime::{self, PreparedCall, count_flops, parse_and_lower};
use crate::transform::Target;

/// Arguments of `tirscript run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The .tir file to run.
    pub file: PathBuf,
    /// The function to run (default: the first public function of the module).
    #[arg(long)]
    pub entry: Option<String>,
    /// An argument: `NAME=path.npy` for a buffer, `NAME=value` for a scalar (repeatable).
    #[arg(long = "arg", value_name = "NAME=VALUE")]
    pub args: Vec<String>,
    /// Save a buffer after the run: `NAME=path.npy` (repeatable).
    #[arg(long = "save", value_name = "NAME=PATH")]
    pub save: Vec<String>,
    /// Time N runs and report the median and GFLOP/s.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub bench: usize,
    /// Print one machine-readable JSON report.
    #[arg(long)]
    pub json: bool,
    /// The target, as a TVM target string (`llvm -mcpu=... -mattr=...`).
    #[arg(long, default_value = "llvm")]
    pub target: String,
    /// Check every buffer access at run time and report the buffer and index of a violation.
    #[arg(long)]
    pub bounds_check: bool,
    /// Skip the interpreter cross-check.
    #[arg(long)]
    pub no_check: bool,
    /// The seed of the random inputs.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The value of every symbolic dimension and integer scalar parameter not given with --arg.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub extent: i64,
    /// The largest accepted relative error against the interpreter.
    #[arg(long, default_value_t = 1e-3)]
    pub tolerance: f64,
}

/// Runs the verb; returns the exit code.
pub fn run(args: &RunArgs) -> i32 {
    match run_kernel(args) {
        Ok(ok) => i32::from(!ok),
        Err(message) => {
            eprintln!("error: {message}");
            1
        }
    }
}

fn progress(args: &RunArgs, text: &str) {
    if !args.json {
        eprintln!("{text}");
    }
}

/// Splits `NAME=VALUE`.
fn split(setting: &str, what: &str) -> Result<(String, String), String> {
    setting
        .split_once('=')
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .ok_or_else(|| format!("`{what} {setting}` is not NAME=VALUE"))
}

/// Max absolute and relative error of `got` against `want` over every array argument.
fn errors(got: &[ArgValue], want: &[ArgValue]) -> (f64, f64) {
    let (mut abs, mut rel) = (0.0f64, 0.0f64);
    for (g, w) in got.iter().zip(want) {
        if let (ArgValue::Array(g), ArgValue::Array(w)) = (g, w) {
            for (x, y) in g.to_f64_vec().iter().zip(w.to_f64_vec()) {
                let d = (x - y).abs();
                abs = abs.max(d);
                rel = rel.max(d / y.abs().max(1.0));
            }
        }
    }
    (abs, rel)
}

/// The arguments of the compiled entry point for the source-level `inputs`. Usually the same
/// list (symbolic dimensions of `T.Buffer` parameters are read from the arrays); when the lowered
/// ABI also takes the shape vars of `T.match_buffer`s on handles as scalars, they are appended from
/// the arrays' shapes, so the first `inputs.len()` entries stay the source parameters in order.
fn compiled_arguments(
    compiled: &crate::codegen::CompiledModule,
    prepared: &runtime::Prepared,
    entry: &str,
    inputs: &[ArgValue],
) -> Result<Vec<ArgValue>, String> {
    let declared = compiled
        .function(entry)
        .map(|(_, abi)| {
            abi.args.iter().filter(|a| !matches!(a.kind, crate::codegen::ArgKind::ShapeVar { .. }))
        })
        .ok_or_else(|| format!("no compiled function `{entry}`"))?
        .count();
    if declared == inputs.len() {
        return Ok(inputs.to_vec());
    }
    let (Some((_, source)), Some((_, lowered))) =
        (prepared.source.lookup(entry), prepared.lowered.lookup(entry))
    else {
        return Err(format!("no function `{entry}` to map arguments for"));
    };
    let adapted = adapt_args(source, lowered, inputs).map_err(|e| e.to_string())?;
    // The source parameters must keep their places for the outputs to be read back.
    let aligned = adapted.len() == declared
        && source.params.iter().zip(&lowered.params).all(|(s, l)| {
            s.name() == l.name() || source.buffer_of(s).is_some_and(|b| b.data() == l)
        });
    if !aligned {
        return Err(format!(
            "`{entry}` takes {declared} arguments after lowering, and they cannot be made from \
             its {} source parameters",
            inputs.len()
        ));
    }
    Ok(adapted)
}

fn run_kernel(args: &RunArgs) -> Result<bool, String> {
    let target = Target::parse(&args.target).map_err(|e| e.to_string())?;
    let text = super::read_input(&args.file)?;
    let name = args.file.display().to_string();
    progress(args, &format!("lowering {name}"));
    let prepared = parse_and_lower(&name, &text, &target)?;
    let mut options = CodegenOptions::for_target(&target).map_err(|e| e.to_string())?;
    options.bounds_check = args.bounds_check;
    progress(args, "compiling with LLVM (O3)");
    let start = Instant::now();
    let compiled = runtime::compile_prepared(&prepared, &options).map_err(|e| e.to_string())?;
    let compile_time = start.elapsed();

    let entry = match &args.entry {
        Some(e) => e.clone(),
        // The first public function (one with a `global_symbol`): a private helper that the
        // module's kernels call is not an entry point.
        None => {
            let mut functions = prepared.source.functions();
            let first_public = functions.find(|(_, f)| f.global_symbol().is_some());
            first_public
                .or_else(|| prepared.source.functions().next())
                .map(|(gv, _)| gv.name().to_string())
                .ok_or("the module has no functions")?
        }
    };
    let (_, func) =
        prepared.source.lookup(&entry).ok_or_else(|| format!("no function `{entry}`"))?;
    if args.extent < 0 {
        return Err(format!("--extent {} is negative", args.extent));
    }
    let mut inputs =
        random_args_with_extent(func, args.seed, args.extent).map_err(|e| e.to_string())?;
    for setting in &args.args {
        let (pname, value) = split(setting, "--arg")?;
        let k = func
            .params
            .iter()
            .position(|p| p.name() == pname || func.buffer_of(p).is_some_and(|b| b.name() == pname))
            .ok_or_else(|| format!("`{entry}` has no parameter `{pname}`"))?;
        inputs[k] = match func.buffer_of(&func.params[k]) {
            Some(b) => ArgValue::Array(
                read_npy_as(Path::new(&value), b.dtype()).map_err(|e| format!("{value}: {e}"))?,
            ),
            None => ArgValue::Scalar(match value.parse::<i64>() {
                Ok(i) => Scalar::Int(i),
                Err(_) => Scalar::Float(
                    value.parse::<f64>().map_err(|_| format!("`{value}` is not a number"))?,
                ),
            }),
        };
    }

    // The compiled call's arguments, made once: the checked run and the timed runs each get a copy.
    let call_args = compiled_arguments(&compiled, &prepared, &entry, &inputs)?;
    let mut compiled_args = call_args.clone();
    progress(args, &format!("running `{entry}`"));
    runtime::call(&compiled, &entry, &mut compiled_args).map_err(|e| e.to_string())?;

    let mut check = None;
    if !args.no_check {
        progress(
            args,
            "running the interpreter on the same inputs (slow for big kernels; --no-check skips)",
        );
        let mut interp_args = inputs.clone();
        run_func(&prepared.source, &entry, &mut interp_args).map_err(|e| e.to_string())?;
        check = Some(errors(&compiled_args, &interp_args));
    }

    let mut median = None;
    if args.bench > 0 {
        progress(args, &format!("timing {} runs", args.bench));
        let mut bench_args = call_args;
        let call =
            PreparedCall::new(&compiled, &entry, &mut bench_args).map_err(|e| e.to_string())?;
        let mut times = Vec::with_capacity(args.bench);
        for _ in 0..args.bench {
            let start = Instant::now();
            call.run().map_err(|e| e.to_string())?;
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        median = Some(times[times.len() / 2]);
    }
    let flops = prepared.lowered.lookup(&entry).and_then(|(_, f)| count_flops(f));
    let gflops = match (flops, median) {
        (Some(f), Some(t)) if t > 0.0 => Some(f / t / 1e9),
        _ => None,
    };

    for setting in &args.save {
        let (pname, path) = split(setting, "--save")?;
        let k = func
            .params
            .iter()
            .position(|p| p.name() == pname || func.buffer_of(p).is_some_and(|b| b.name() == pname))
            .ok_or_else(|| format!("`{entry}` has no parameter `{pname}`"))?;
        let array: &NDArray =
            compiled_args[k].as_array().ok_or_else(|| format!("`{pname}` is not a buffer"))?;
        write_npy(array, Path::new(&path)).map_err(|e| format!("{path}: {e}"))?;
    }

    let ok = check.is_none_or(|(_, rel)| rel <= args.tolerance);
    if args.json {
        let report = serde_json::json!({
            "function": entry,
            "parse_seconds": prepared.parse_time.as_secs_f64(),
            "lower_seconds": prepared.lower_time.as_secs_f64(),
            "compile_seconds": compile_time.as_secs_f64(),
            "median_seconds": median,
            "runs": args.bench,
            "flops": flops,
            "gflops": gflops,
            "max_abs_error": check.map(|c| c.0),
            "max_rel_error": check.map(|c| c.1),
            "matches_interpreter": check.map(|_| ok),
            "threads": runtime::num_threads(),
        });
        println!("{report}");
    } else {
        println!("function      {entry}");
        println!(
            "parse {:.3} s, lower {:.3} s, compile {:.3} s",
            prepared.parse_time.as_secs_f64(),
            prepared.lower_time.as_secs_f64(),
            compile_time.as_secs_f64()
        );
        match check {
            Some((abs, rel)) => println!(
                "vs interpreter: max abs error {abs:.3e}, max rel error {rel:.3e} ({})",
                if ok { "ok" } else { "MISMATCH" }
            ),
            None => println!("vs interpreter: not checked"),
        }
        if let Some(t) = median {
            print!("median {:.6} s over {} runs", t, args.bench);
            match gflops {
                Some(g) => println!(", {g:.2} GFLOP/s ({} threads)", runtime::num_threads()),
                None => println!(),
            }
        }
    }
    Ok(ok)
}

//! `tirscript lower FILE`: runs the default lowering pipeline on a file and prints the result.
//!
//! The lowered module goes to standard output; everything the instruments say (IR after passes,
//! timings) goes to standard error, as with LLVM's `-print-after-all`. `--list-passes` prints the
//! pipeline (with the passes not implemented yet marked) and exits.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use clap::Args;

use crate::diagnostic::SourceFile;
use crate::print::{PrintOptions, print_module};
use crate::transform::instrument::{ParseFn, Sink};
use crate::transform::pipeline::{self, Target};
use crate::transform::{PassContext, PassTimer, PrintIr, RoundTripEach, VerifyEach, run_pipeline};

/// Arguments of `tirscript lower`.
#[derive(Debug, Args)]
pub struct LowerArgs {
    /// The file to lower (`-` reads standard input).
    #[arg(required_unless_present = "list_passes")]
    pub file: Option<PathBuf>,
    /// Print the module after every pass (to stderr).
    #[arg(long)]
    pub print_after_all: bool,
    /// Print the module after the named pass (repeatable; `tir.` may be left out).
    #[arg(long, value_name = "PASS")]
    pub print_after: Vec<String>,
    /// Skip the named pass (repeatable).
    #[arg(long, value_name = "PASS")]
    pub disable_pass: Vec<String>,
    /// List the passes of the pipeline in order and exit.
    #[arg(long)]
    pub list_passes: bool,
    /// Report the time of every pass (to stderr).
    #[arg(long)]
    pub time_passes: bool,
    /// Run the verifier after every pass.
    #[arg(long)]
    pub verify_each: bool,
    /// Check after every pass that the printed module parses back to an equal module.
    #[arg(long)]
    pub roundtrip_each: bool,
    /// The target, as a TVM target string.
    #[arg(long, default_value = "llvm")]
    pub target: String,
    /// The optimisation level passes are enabled up to.
    #[arg(long, default_value_t = 2)]
    pub opt_level: u32,
    /// Set a pass config option (repeatable), e.g. `--config tir.disable_vectorize=true`.
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
}

fn stderr_sink() -> Sink {
    Arc::new(Mutex::new(std::io::stderr()))
}

/// Builds the pass context the arguments describe.
fn context(args: &LowerArgs) -> Result<(PassContext, Option<Arc<PassTimer>>), String> {
    let mut ctx = PassContext::new().with_opt_level(args.opt_level);
    for setting in &args.config {
        let (key, value) = setting
            .split_once('=')
            .ok_or_else(|| format!("`--config {setting}` is not KEY=VALUE"))?;
        ctx.set_config_text(key, value).map_err(|e| e.message)?;
    }
    for name in &args.disable_pass {
        ctx.disable_pass(name.clone());
    }
    if args.verify_each {
        ctx.add_instrument(Arc::new(VerifyEach));
    }
    if args.roundtrip_each {
        let parse: ParseFn = Arc::new(|text: &str| {
            let result = crate::eval::parse_script("<printed IR>", text);
            let file = SourceFile::new("<printed IR>", text);
            match result.module {
                Some(module) if !result.has_errors() => Ok(module),
                _ => Err(result
                    .diagnostics
                    .iter()
                    .map(|d| d.one_line(&file))
                    .collect::<Vec<_>>()
                    .join("; ")),
            }
        });
        ctx.add_instrument(Arc::new(RoundTripEach::new(parse)));
    }
    if args.print_after_all {
        ctx.add_instrument(Arc::new(PrintIr::after_all(stderr_sink())));
    } else if !args.print_after.is_empty() {
        ctx.add_instrument(Arc::new(PrintIr::after(args.print_after.clone(), stderr_sink())));
    }
    let timer = args.time_passes.then(|| Arc::new(PassTimer::new()));
    if let Some(t) = &timer {
        ctx.add_instrument(t.clone());
    }
    Ok((ctx, timer))
}

/// Runs the verb; returns the exit code.
pub fn run(args: &LowerArgs) -> i32 {
    match lower(args) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("error: {message}");
            1
        }
    }
}

fn lower(args: &LowerArgs) -> Result<(), String> {
    let target = Target::parse(&args.target).map_err(|e| e.to_string())?;
    let (ctx, timer) = context(args)?;
    if args.list_passes {
        for line in pipeline::describe_default_pipeline() {
            let pass_name = line.split(' ').next().unwrap_or("");
            let disabled = args
                .disable_pass
                .iter()
                .any(|d| crate::transform::pass::name_matches(pass_name, d));
            println!("{line}{}", if disabled { "  (disabled)" } else { "" });
        }
        return Ok(());
    }
    let Some(path) = &args.file else {
        return Err("no input file".to_string());
    };
    let name = path.display().to_string();
    let source = super::read_input(path)?;
    let parsed = crate::eval::parse_script(&name, &source);
    let module = match parsed.module {
        Some(module) if !parsed.has_errors() => module,
        _ => {
            let file = SourceFile::new(name, source);
            for d in &parsed.diagnostics {
                eprint!("{}", d.render(&file, false));
            }
            return Err("the input has errors".to_string());
        }
    };
    let passes = pipeline::default_pipeline(&target).map_err(|e| e.to_string())?;
    let lowered = run_pipeline(module, &passes, &ctx).map_err(|e| e.to_string())?;
    let text = print_module(&lowered, &PrintOptions::default());
    if text.ends_with('\n') {
        print!("{text}");
    } else {
        println!("{text}");
    }
    if let Some(timer) = timer {
        eprint!("{}", timer.report());
    }
    Ok(())
}

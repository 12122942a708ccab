//! Pass instruments: hooks called before and after every pass of a pipeline.
//!
//! Provided: `PrintIr` (the printed module after every pass or after named passes), `PassTimer`
//! (wall time per pass, in run order), `VerifyEach` (the well-formedness verifier after every pass)
//! and `RoundTripEach` (after every pass, the printed module must parse back to a structurally
//! equal module). An instrument error stops the pipeline and names the pass it followed.
//! Invariants: instruments observe, they never change the module; they are `Send + Sync`, keeping
//! their state behind mutexes, so one context can be shared.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::ir::IRModule;
use crate::print::{PrintOptions, print_module};
use crate::transform::pass::{PassError, PassInfo, name_matches};

/// A hook around passes; every method has a do-nothing default.
pub trait PassInstrument: Send + Sync {
    /// The instrument's name, for listings.
    fn name(&self) -> &str;
    /// Whether the pass should run at all (all instruments must agree).
    fn should_run(&self, _module: &IRModule, _pass: &PassInfo) -> bool {
        true
    }
    fn run_before_pass(&self, _module: &IRModule, _pass: &PassInfo) -> Result<(), PassError> {
        Ok(())
    }
    fn run_after_pass(&self, _module: &IRModule, _pass: &PassInfo) -> Result<(), PassError> {
        Ok(())
    }
    /// Called once when `run_pipeline` finishes successfully.
    fn exit_pipeline(&self, _module: &IRModule) -> Result<(), PassError> {
        Ok(())
    }
}

/// A shared text sink (stdout, stderr, a file or an in-memory buffer).
pub type Sink = Arc<Mutex<dyn Write + Send>>;

/// Prints the module after passes, through the TVMScript printer.
pub struct PrintIr {
    /// `None` prints after every pass; otherwise after the passes named here.
    passes: Option<Vec<String>>,
    sink: Sink,
}

impl PrintIr {
    /// Prints after every pass.
    pub fn after_all(sink: Sink) -> PrintIr {
        PrintIr { passes: None, sink }
    }
    /// Prints after each pass named in `passes` (with or without `tir.`).
    pub fn after(passes: Vec<String>, sink: Sink) -> PrintIr {
        PrintIr { passes: Some(passes), sink }
    }
}

impl PassInstrument for PrintIr {
    fn name(&self) -> &str {
        "PrintIr"
    }
    fn run_after_pass(&self, module: &IRModule, pass: &PassInfo) -> Result<(), PassError> {
        let wanted = self
            .passes
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| name_matches(&pass.name, n)));
        if !wanted {
            return Ok(());
        }
        let text = print_module(module, &PrintOptions::default());
        let mut sink =
            self.sink.lock().map_err(|_| PassError::msg("the print sink is poisoned"))?;
        writeln!(sink, "# After pass {} (opt_level {}):\n{text}", pass.name, pass.opt_level)
            .map_err(|e| PassError::msg(format!("cannot print the IR: {e}")))
    }
}

/// Measures the wall time of every pass.
#[derive(Default)]
pub struct PassTimer {
    started: Mutex<Vec<Instant>>,
    timings: Mutex<Vec<(String, Duration)>>,
}

impl PassTimer {
    pub fn new() -> PassTimer {
        PassTimer::default()
    }
    /// Every pass run so far with its time, in run order.
    pub fn timings(&self) -> Vec<(String, Duration)> {
        self.timings.lock().map(|t| t.clone()).unwrap_or_default()
    }
    /// A table of the timings and their total.
    pub fn report(&self) -> String {
        let timings = self.timings();
        let total: Duration = timings.iter().map(|(_, d)| *d).sum();
        let width = timings.iter().map(|(n, _)| n.len()).max().unwrap_or(4).max(5);
        let mut out = format!("{:<width$}  {:>10}  {:>6}\n", "pass", "time (ms)", "%");
        for (name, d) in &timings {
            let share =
                if total.is_zero() { 0.0 } else { d.as_secs_f64() / total.as_secs_f64() * 100.0 };
            out.push_str(&format!(
                "{name:<width$}  {:>10.3}  {share:>5.1}%\n",
                d.as_secs_f64() * 1e3
            ));
        }
        out.push_str(&format!("{:<width$}  {:>10.3}\n", "total", total.as_secs_f64() * 1e3));
        out
    }
}

impl PassInstrument for PassTimer {
    fn name(&self) -> &str {
        "PassTimer"
    }
    fn run_before_pass(&self, _module: &IRModule, _pass: &PassInfo) -> Result<(), PassError> {
        if let Ok(mut started) = self.started.lock() {
            started.push(Instant::now());
        }
        Ok(())
    }
    fn run_after_pass(&self, _module: &IRModule, pass: &PassInfo) -> Result<(), PassError> {
        let start = self.started.lock().ok().and_then(|mut s| s.pop());
        if let (Some(start), Ok(mut timings)) = (start, self.timings.lock()) {
            timings.push((pass.name.clone(), start.elapsed()));
        }
        Ok(())
    }
}

/// Runs the well-formedness verifier after every pass.
#[derive(Default)]
pub struct VerifyEach;

impl PassInstrument for VerifyEach {
    fn name(&self) -> &str {
        "VerifyEach"
    }
    fn run_after_pass(&self, module: &IRModule, _pass: &PassInfo) -> Result<(), PassError> {
        let errors = crate::analysis::verify::verify_module(module);
        if errors.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        Err(PassError::msg(format!(
            "the verifier rejects the IR after this pass:\n{}",
            listed.join("\n")
        )))
    }
}

/// Parses TVMScript text into a module (the evaluator), or explains why it cannot.
pub type ParseFn = Arc<dyn Fn(&str) -> Result<IRModule, String> + Send + Sync>;

/// Checks after every pass that the printed module parses back to a structurally equal module.
pub struct RoundTripEach {
    parse: ParseFn,
}

impl RoundTripEach {
    /// Round trips through the printer and `parse`.
    pub fn new(parse: ParseFn) -> RoundTripEach {
        RoundTripEach { parse }
    }
}

impl PassInstrument for RoundTripEach {
    fn name(&self) -> &str {
        "RoundTripEach"
    }
    fn run_after_pass(&self, module: &IRModule, _pass: &PassInfo) -> Result<(), PassError> {
        let text = print_module(module, &PrintOptions::default());
        let parsed = (self.parse)(&text).map_err(|e| {
            PassError::msg(format!("the printed IR does not parse back: {e}\n{text}"))
        })?;
        crate::analysis::structural_eq::assert_structural_equal(module, &parsed).map_err(|m| {
            PassError::msg(format!(
                "the printed IR parses back to a different module: {} is {} before printing but {} {} after parsing\n{text}",
                m.lhs_path, m.lhs, m.rhs_path, m.rhs
            ))
        })
    }
}

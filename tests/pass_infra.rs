//! Pass infrastructure tests: editing a pipeline, instruments, disabled passes, opt levels, config
//! gates, phases and error propagation, on toy passes that record their order in a function attr.

mod interp_support;

use std::sync::{Arc, Mutex};

use tirscript::interp::{ArgValue, random_args_for, run_func};
use tirscript::ir::{AttrValue, DataType, IRModule, PrimExpr, Stmt, Var};
use tirscript::transform::instrument::Sink;
use tirscript::transform::pipeline::{self, Phase, Target};
use tirscript::transform::{
    ConfigValue, Pass, PassContext, PassError, PassInfo, PassInstrument, PassTimer, PrintIr,
    RoundTripEach, VerifyEach, run_pipeline,
};

/// A per-function pass appending `tag` to the function's "trace" attribute.
fn tag(name: &str, opt_level: u32) -> Pass {
    let label = name.to_string();
    Pass::prim_func(name, opt_level, move |mut func, _ctx| {
        let previous = match func.attrs.get("trace") {
            Some(AttrValue::Str(s)) => s.clone(),
            _ => String::new(),
        };
        let trace = if previous.is_empty() { label.clone() } else { format!("{previous},{label}") };
        func.attrs.insert("trace", AttrValue::Str(trace));
        Ok(func)
    })
}

fn toy_module() -> IRModule {
    interp_support::elementwise(8, DataType::float32(), DataType::float32(), |x| {
        tirscript::arith::ops::add(x, PrimExpr::f32(1.0)).unwrap()
    })
}

fn trace(module: &IRModule) -> String {
    match module.lookup("main").and_then(|(_, f)| f.attrs.get("trace").cloned()) {
        Some(AttrValue::Str(s)) => s,
        _ => String::new(),
    }
}

fn run(passes: &[Pass], ctx: &PassContext) -> Result<String, PassError> {
    run_pipeline(toy_module(), passes, ctx).map(|m| trace(&m))
}

#[test]
fn passes_run_in_list_order_and_edits_place_them() {
    let mut passes = vec![tag("test.A", 0), tag("test.B", 0), tag("test.C", 0)];
    let ctx = PassContext::new();
    assert_eq!(run(&passes, &ctx).unwrap(), "test.A,test.B,test.C");
    pipeline::insert_before(&mut passes, "test.B", tag("test.X", 0)).unwrap();
    pipeline::insert_after(&mut passes, "test.C", tag("test.Y", 0)).unwrap();
    assert_eq!(run(&passes, &ctx).unwrap(), "test.A,test.X,test.B,test.C,test.Y");
    assert_eq!(pipeline::remove(&mut passes, "test.B").unwrap(), 1);
    assert_eq!(pipeline::replace(&mut passes, "test.A", tag("test.Z", 0)).unwrap(), 1);
    assert_eq!(run(&passes, &ctx).unwrap(), "test.Z,test.X,test.C,test.Y");
    let missing = pipeline::insert_after(&mut passes, "test.Nope", tag("test.Q", 0)).unwrap_err();
    assert!(missing.to_string().contains("no pass named `test.Nope`"), "{missing}");
    assert!(pipeline::remove(&mut passes, "test.Nope").is_err());
}

#[test]
fn a_sequential_runs_its_passes_in_order() {
    let seq = Pass::sequential("test.Seq", vec![tag("test.A", 0), tag("test.B", 0)]);
    assert_eq!(run(&[seq, tag("test.C", 0)], &PassContext::new()).unwrap(), "test.A,test.B,test.C");
}

#[test]
fn disabled_passes_are_skipped_with_or_without_prefix() {
    let passes = vec![tag("tir.A", 0), tag("tir.B", 0), tag("tir.C", 0)];
    let mut ctx = PassContext::new();
    ctx.disable_pass("B");
    assert_eq!(run(&passes, &ctx).unwrap(), "tir.A,tir.C");
    ctx.disable_pass("tir.C");
    assert_eq!(run(&passes, &ctx).unwrap(), "tir.A");
    // A disabled sequential skips everything inside it.
    let mut ctx = PassContext::new();
    ctx.disable_pass("test.Seq");
    let seq = Pass::sequential("test.Seq", vec![tag("test.A", 0)]);
    assert_eq!(run(&[seq], &ctx).unwrap(), "");
}

#[test]
fn opt_level_decides_unless_required() {
    let passes = vec![tag("test.L0", 0), tag("test.L2", 2), tag("test.L3", 3)];
    assert_eq!(run(&passes, &PassContext::new()).unwrap(), "test.L0,test.L2");
    assert_eq!(run(&passes, &PassContext::new().with_opt_level(0)).unwrap(), "test.L0");
    assert_eq!(
        run(&passes, &PassContext::new().with_opt_level(3)).unwrap(),
        "test.L0,test.L2,test.L3"
    );
    let mut ctx = PassContext::new().with_opt_level(0);
    ctx.require_pass("test.L3");
    assert_eq!(run(&passes, &ctx).unwrap(), "test.L0,test.L3");
}

#[test]
fn config_is_typed_and_gates_passes() {
    let mut ctx = PassContext::new();
    assert!(ctx.set_config("tir.no_such_option", ConfigValue::Bool(true)).is_err());
    let wrong = ctx.set_config("tir.disable_vectorize", ConfigValue::Int(1)).unwrap_err();
    assert!(wrong.to_string().contains("takes a Bool value"), "{wrong}");
    let passes = vec![Pass::gated("tir.disable_storage_rewrite", false, tag("test.Rewrite", 0))];
    assert_eq!(run(&passes, &ctx).unwrap(), "test.Rewrite");
    ctx.set_config_text("tir.disable_storage_rewrite", "true").unwrap();
    assert!(ctx.config_bool("tir.disable_storage_rewrite"));
    assert_eq!(run(&passes, &ctx).unwrap(), "");
    ctx.set_config("tir.vtcm_capacity", ConfigValue::Int(4096)).unwrap();
    assert_eq!(ctx.config_int("tir.vtcm_capacity"), Some(4096));
}

/// Records every hook call as "<instrument>:<hook>:<pass>".
struct Recorder {
    label: &'static str,
    log: Arc<Mutex<Vec<String>>>,
}

impl PassInstrument for Recorder {
    fn name(&self) -> &str {
        self.label
    }
    fn run_before_pass(&self, _m: &IRModule, pass: &PassInfo) -> Result<(), PassError> {
        self.log.lock().unwrap().push(format!("{}:before:{}", self.label, pass.name));
        Ok(())
    }
    fn run_after_pass(&self, _m: &IRModule, pass: &PassInfo) -> Result<(), PassError> {
        self.log.lock().unwrap().push(format!("{}:after:{}", self.label, pass.name));
        Ok(())
    }
    fn exit_pipeline(&self, _m: &IRModule) -> Result<(), PassError> {
        self.log.lock().unwrap().push(format!("{}:exit", self.label));
        Ok(())
    }
}

#[test]
fn instruments_are_called_in_order_around_each_pass() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut ctx = PassContext::new();
    ctx.add_instrument(Arc::new(Recorder { label: "one", log: log.clone() }));
    ctx.add_instrument(Arc::new(Recorder { label: "two", log: log.clone() }));
    ctx.disable_pass("test.Skipped");
    let passes = vec![
        Pass::phase("phase.x"),
        tag("test.A", 0),
        tag("test.Skipped", 0),
        Pass::sequential("test.Seq", vec![tag("test.B", 0)]),
    ];
    run(&passes, &ctx).unwrap();
    let expected = [
        "one:before:test.A",
        "two:before:test.A",
        "one:after:test.A",
        "two:after:test.A",
        "one:before:test.B",
        "two:before:test.B",
        "one:after:test.B",
        "two:after:test.B",
        "one:exit",
        "two:exit",
    ];
    assert_eq!(*log.lock().unwrap(), expected);
}

#[test]
fn errors_carry_the_pass_name_and_stop_the_pipeline() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut ctx = PassContext::new();
    ctx.add_instrument(Arc::new(Recorder { label: "rec", log: log.clone() }));
    let failing = Pass::prim_func("test.Fail", 0, |_f, _ctx| Err(PassError::msg("boom")));
    let err = run(&[tag("test.A", 0), failing, tag("test.B", 0)], &ctx).unwrap_err();
    assert_eq!(err.pass, "test.Fail");
    assert_eq!(err.to_string(), "pass `test.Fail` failed: in function `main`: boom");
    assert_eq!(
        *log.lock().unwrap(),
        ["rec:before:test.A", "rec:after:test.A", "rec:before:test.Fail"]
    );
    // A failing module pass inside a sequential keeps its own name.
    let inner = Pass::module("test.Inner", 0, |_m, _ctx| Err(PassError::msg("bad")));
    let err = run(&[Pass::sequential("test.Outer", vec![inner])], &PassContext::new()).unwrap_err();
    assert_eq!(err.pass, "test.Inner");
}

fn buffer_sink() -> (Arc<Mutex<Vec<u8>>>, Sink) {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink: Sink = buffer.clone();
    (buffer, sink)
}

#[test]
fn print_after_named_pass_and_after_all() {
    let (buffer, sink) = buffer_sink();
    let mut ctx = PassContext::new();
    ctx.add_instrument(Arc::new(PrintIr::after(vec!["B".into()], sink)));
    run(&[tag("tir.A", 0), tag("tir.B", 0)], &ctx).unwrap();
    let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
    assert!(text.starts_with("# After pass tir.B (opt_level 0):\n"), "{text}");
    assert!(!text.contains("tir.A (opt"), "{text}");
    assert!(text.contains("def main(") && text.contains("\"trace\": \"tir.A,tir.B\""), "{text}");
    let (buffer, sink) = buffer_sink();
    let mut ctx = PassContext::new();
    ctx.add_instrument(Arc::new(PrintIr::after_all(sink)));
    run(&[tag("tir.A", 0), tag("tir.B", 0)], &ctx).unwrap();
    let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
    assert_eq!(text.matches("# After pass").count(), 2, "{text}");
}

#[test]
fn timer_records_each_pass_in_order() {
    let timer = Arc::new(PassTimer::new());
    let mut ctx = PassContext::new();
    ctx.add_instrument(timer.clone());
    run(&[tag("test.A", 0), tag("test.B", 0)], &ctx).unwrap();
    let names: Vec<String> = timer.timings().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["test.A", "test.B"]);
    let report = timer.report();
    assert!(
        report.contains("test.A") && report.lines().last().unwrap().starts_with("total"),
        "{report}"
    );
}

#[test]
fn verify_each_names_the_pass_that_broke_the_ir() {
    let breaker = Pass::prim_func("test.Break", 0, |mut func, _ctx| {
        // Use a variable nothing defines.
        let stray = Var::new("stray", DataType::int32());
        func.body = Stmt::seq(vec![func.body.clone(), Stmt::evaluate(PrimExpr::var(&stray))]);
        Ok(func)
    });
    let mut ctx = PassContext::new();
    ctx.add_instrument(Arc::new(VerifyEach));
    assert!(run(&[tag("test.A", 0)], &ctx).is_ok());
    let err = run(&[tag("test.A", 0), breaker], &ctx).unwrap_err();
    assert_eq!(err.pass, "test.Break");
    assert!(err.message.contains("verifier") && err.message.contains("stray"), "{err}");
}

#[test]
fn round_trip_each_reports_parse_failures_and_differences() {
    let reject: tirscript::transform::instrument::ParseFn =
        Arc::new(|_text| Err("no parser".to_string()));
    let mut ctx = PassContext::new();
    ctx.add_instrument(Arc::new(RoundTripEach::new(reject)));
    let err = run(&[tag("test.A", 0)], &ctx).unwrap_err();
    assert_eq!(err.pass, "test.A");
    assert!(err.message.contains("does not parse back: no parser"), "{err}");
    // A "parser" returning another module shows the first difference.
    let other: tirscript::transform::instrument::ParseFn = Arc::new(|_text| Ok(toy_module()));
    let mut ctx = PassContext::new();
    ctx.add_instrument(Arc::new(RoundTripEach::new(other)));
    let err = run(&[tag("test.A", 0)], &ctx).unwrap_err();
    assert!(err.message.contains("parses back to a different module"), "{err}");
}

#[test]
fn default_pipeline_has_phases_where_passes_can_be_added() {
    let target = Target::parse("llvm -mcpu=skylake").unwrap();
    let mut passes = pipeline::default_pipeline(&target).unwrap();
    let markers: Vec<&str> =
        passes.iter().filter(|p| p.is_phase()).map(|p| p.name.as_str()).collect();
    assert_eq!(markers, Phase::ALL.map(Phase::marker));
    pipeline::add_at_phase(&mut passes, Phase::AfterFlattening, tag("user.First", 0)).unwrap();
    pipeline::add_at_phase(&mut passes, Phase::AfterFlattening, tag("user.Second", 0)).unwrap();
    pipeline::add_at_phase(&mut passes, Phase::BeforeLowering, tag("user.Early", 0)).unwrap();
    let names = pipeline::pass_names(&passes);
    let at = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(at("user.Early") < at("phase.before_lowering"));
    assert!(at("phase.after_block_lowering") < at("user.First"));
    assert!(
        at("user.First") < at("user.Second") && at("user.Second") < at("phase.after_flattening")
    );
    assert_eq!(run(&passes, &PassContext::new()).unwrap(), "user.Early,user.First,user.Second");
    assert!(pipeline::default_pipeline(&Target::parse("cuda").unwrap()).is_err());
    let listing = pipeline::describe_default_pipeline();
    let lower_intrin = listing.iter().position(|l| l.starts_with("tir.LowerIntrin")).unwrap();
    let flatten = listing.iter().position(|l| l.starts_with("tir.FlattenBuffer")).unwrap();
    assert!(flatten < lower_intrin);
}

#[test]
fn results_are_unchanged_by_a_pipeline_of_identity_passes() {
    // The interpreter runs the module before and after a pipeline; toy passes must not change it.
    let module = toy_module();
    let func = module.lookup("main").unwrap().1.clone();
    let mut before = random_args_for(&func, 3).unwrap();
    let mut after = before.clone();
    run_func(&module, "main", &mut before).unwrap();
    let lowered = run_pipeline(module, &[tag("test.A", 0)], &PassContext::new()).unwrap();
    run_func(&lowered, "main", &mut after).unwrap();
    let out = |args: &[ArgValue]| args[1].as_array().unwrap().to_f64_vec();
    assert_eq!(out(&before), out(&after));
}

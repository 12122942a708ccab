//! Unit tests of expression evaluation: Python-level arithmetic, TVM's operator rules, builtins that
//! make values no statement keeps (`T.comm_reducer`, `T.target`), and the dispatch table.

use super::Evaluator;
use super::value::Value;
use crate::ir::{DataType, Expr};

/// Evaluates one expression with `x` (int32) and `f` (float32) in scope.
fn eval(source: &str) -> Result<Value, String> {
    let expr = crate::syntax::parse_expr(source).map_err(|d| format!("{d:?}"))?;
    let mut ev = Evaluator::new();
    ev.vars.push();
    let x = crate::ir::Var::new("x", DataType::int32());
    let f = crate::ir::Var::new("f", DataType::float32());
    ev.vars.add("x", Value::var(&x), &(0..0)).map_err(|_| "x")?;
    ev.vars.add("f", Value::var(&f), &(0..0)).map_err(|_| "f")?;
    ev.eval(&expr).map_err(|d| d.message.clone())
}

fn int(source: &str) -> i64 {
    match eval(source) {
        Ok(Value::Int(v)) => v,
        other => panic!("{source}: expected a Python int, got {other:?}"),
    }
}

#[test]
fn python_arithmetic_follows_python() {
    assert_eq!(int("128 // 4"), 32);
    assert_eq!(int("-7 // 2"), -4);
    assert_eq!(int("-7 % 2"), 1);
    assert_eq!(int("2 ** 10"), 1024);
    assert_eq!(int("1 << 4 | 1"), 17);
    assert!(matches!(eval("1 < 2 < 3"), Ok(Value::Bool(true))));
    assert!(matches!(eval("7 / 2"), Ok(Value::Float(v)) if v == 3.5));
    assert!(matches!(eval("0 or 5"), Ok(Value::Int(5))));
    assert!(matches!(eval("(1, 2) + (3,)"), Ok(Value::Tuple(v)) if v.len() == 3));
}

#[test]
fn tir_operators_fold_and_promote_like_tvm() {
    let Ok(Value::Expr(e)) = eval("x + 1 - 1") else { panic!("not an expression") };
    assert_eq!(e.dtype(), DataType::int32());
    let Ok(Value::Expr(e)) = eval("T.int64(3) * 2") else { panic!("not an expression") };
    assert_eq!((e.dtype(), e.as_int()), (DataType::int64(), Some(6)));
    let Ok(Value::Expr(e)) = eval("f * 2") else { panic!("not an expression") };
    assert_eq!(e.dtype(), DataType::float32());
    // Comparisons build nodes without folding, even on constants.
    let Ok(Value::Expr(e)) = eval("T.int32(1) < 2") else { panic!("not an expression") };
    assert!(matches!(e.expr(), Expr::Cmp { .. }));
    assert!(eval("x / 2").is_err_and(|m| m.contains("ambiguous")));
    let Ok(Value::Expr(e)) = eval("-x") else { panic!("not an expression") };
    assert!(matches!(e.expr(), Expr::Binary { .. }));
}

#[test]
fn typed_constants_and_vars() {
    let Ok(Value::Expr(e)) = eval("T.float32(\"inf\")") else { panic!("not an expression") };
    assert!(matches!(e.expr(), Expr::FloatImm(v) if v.is_infinite()));
    let Ok(Value::Expr(e)) = eval("T.bool(True)") else { panic!("not an expression") };
    assert_eq!((e.dtype(), e.as_int()), (DataType::bool(), Some(1)));
    let Ok(Value::Expr(e)) = eval("T.float16x4()") else { panic!("not an expression") };
    assert_eq!(e.dtype().to_string(), "float16x4");
}

#[test]
fn comm_reducer_and_target_values() {
    let Ok(Value::CommReducer(r)) = eval("T.comm_reducer(lambda a, b: a + b, [T.float32(0.0)])")
    else {
        panic!("not a reducer")
    };
    assert_eq!((r.lhs.len(), r.rhs.len(), r.result.len()), (1, 1, 1));
    assert_eq!(r.lhs[0].name(), "a");
    assert_eq!(r.lhs[0].dtype(), DataType::float32());
    let Ok(Value::Target(config)) =
        eval("T.target(\"llvm -mcpu=skylake -num-cores 4 -fast-math\")")
    else {
        panic!("not a target")
    };
    let entries: Vec<String> = config.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    assert_eq!(
        entries,
        [
            "kind=Str(\"llvm\")",
            "tag=Str(\"\")",
            "keys=Array([Str(\"cpu\")])",
            "mcpu=Str(\"skylake\")",
            "num-cores=Int(4)",
            "fast-math=Bool(true)"
        ]
    );
    // Given keys replace the kind's default keys; declared defaults are filled in.
    let Ok(Value::Target(config)) = eval("T.target({\"kind\": \"cuda\", \"keys\": [\"gpu\"]})")
    else {
        panic!("not a target")
    };
    assert_eq!(format!("{:?}", config.get("keys")), "Some(Array([Str(\"gpu\")]))");
    assert_eq!(format!("{:?}", config.get("thread_warp_size")), "Some(Int(32))");
    assert!(eval("T.target(\"llvm -mcpus=x\")").is_err_and(|m| m.contains("'mcpus'")));
    assert!(eval("T.target(\"lvm\")").is_err_and(|m| m.contains("\"lvm\" is not defined")));
    // Device parsers: TVM's no-device defaults, and their checks on given values.
    let Ok(Value::Target(config)) = eval("T.target(\"nvptx\")") else { panic!("not a target") };
    assert_eq!(format!("{:?}", config.get("mcpu")), "Some(Str(\"sm_50\"))");
    assert_eq!(format!("{:?}", config.get("mtriple")), "Some(Str(\"nvptx64-nvidia-cuda\"))");
    assert!(eval("T.target(\"cuda -arch=compute_80\")").is_err_and(|m| m.contains("\"sm_\"")));
    assert!(eval("T.target(\"rocm -mtriple=x86_64\")").is_err_and(|m| m.contains("amdgcn")));
}

#[test]
fn unknown_names_get_hints() {
    let expr = crate::syntax::parse_expr("T.vectorise(4)").unwrap_or_else(|d| panic!("{d:?}"));
    let mut ev = Evaluator::new();
    let err = ev.eval(&expr).err().map(|d| d.hint.clone());
    assert_eq!(err, Some(Some("did you mean `T.vectorized`?".to_string())));
}

//! Interpreter errors: each failure names what went wrong and where, and none crashes.

mod interp_support;

use interp_support::*;
use tirscript::builder::{BufferSpec, IRBuilder};
use tirscript::interp::{
    ArgValue, InterpErrorKind, InterpOptions, NDArray, run_func, run_func_with,
};
use tirscript::ir::{
    Annotations, Buffer, DataType, Expr, IRModule, Op, PrimExpr, PrimFunc, Stmt, StmtNode, Type,
    Var,
};

fn f32t() -> DataType {
    DataType::float32()
}

/// A module with one function `main` whose parameters are `buffers` (in order) and body `body`.
pub fn module_of(buffers: &[Buffer], body: Stmt) -> IRModule {
    let mut params = Vec::new();
    let mut buffer_map = Vec::new();
    for b in buffers {
        let handle = Var::new(format!("{}_handle", b.name()), DataType::handle());
        params.push(handle.clone());
        buffer_map.push((handle, b.clone()));
    }
    let func =
        PrimFunc { params, buffer_map, body, ret_type: Type::void(), attrs: Annotations::new() };
    let mut module = IRModule::new();
    module.add("main", func).unwrap();
    module
}

fn buffer(name: &str, shape: &[i32], dtype: DataType) -> Buffer {
    BufferSpec::new(name, ints(shape), dtype).build().unwrap()
}

fn zeros(dtype: DataType, shape: &[i64]) -> ArgValue {
    ArgValue::Array(NDArray::zeros(dtype, shape).unwrap())
}

/// `for i in range(extent): B[i] = A[i]` over buffers of `n` elements.
fn copy_loop(n: i32, extent: i32) -> IRModule {
    let mut b = IRBuilder::new();
    let p = open_func(&mut b, "main", &[("A", &[n], f32t()), ("B", &[n], f32t())]);
    let i = serial(&mut b, "i", extent);
    b.buffer_store(&p[1], load(&p[0], vars(&[&i])), vars(&[&i]), None).unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    finish(b)
}

#[test]
fn out_of_bounds_load_names_buffer_index_and_path() {
    let module = copy_loop(16, 17);
    let mut args = vec![zeros(f32t(), &[16]), zeros(f32t(), &[16])];
    let err = run_func(&module, "main", &mut args).unwrap_err();
    match &err.kind {
        InterpErrorKind::OutOfBounds { access, buffer, index, .. } => {
            assert_eq!((*access, buffer.as_str(), index.as_slice()), ("load", "A", &[16i64][..]));
        }
        other => panic!("expected an out-of-bounds error, got {other:?}"),
    }
    assert_eq!(err.path, "function main / for i = 16 / store to B");
    let text = err.to_string();
    assert!(text.contains("index 16 is outside [0, 16)"), "{text}");
    // Without the shape check, the storage bound still catches it.
    let options = InterpOptions { check_buffer_shape: false, ..InterpOptions::default() };
    let err = run_func_with(&module, "main", &mut args, &options).unwrap_err().to_string();
    assert!(err.contains("bytes [64, 68) are outside the 64-byte storage `A`"), "{err}");
}

#[test]
fn step_limit_stops_an_endless_while() {
    let mut b = IRBuilder::new();
    open_func(&mut b, "main", &[]);
    b.while_(PrimExpr::bool(true)).unwrap();
    b.evaluate(PrimExpr::i32(0)).unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    let module = finish(b);
    let options = InterpOptions { max_steps: Some(1000), ..InterpOptions::default() };
    let err = run_func_with(&module, "main", &mut [], &options).unwrap_err();
    assert_eq!(err.kind, InterpErrorKind::StepLimit(1000));
    assert!(err.path.contains("while"), "{}", err.path);
}

#[test]
fn integer_division_by_zero_is_an_error() {
    let i32t = DataType::int32();
    let module = elementwise(2, i32t, i32t, |x| {
        PrimExpr::binary(tirscript::ir::BinaryOp::FloorDiv, PrimExpr::i32(7), x).unwrap()
    });
    let a = NDArray::from_vec(i32t, &[2], &[2i32, 0]).unwrap();
    let mut args = vec![ArgValue::Array(a), zeros(i32t, &[2])];
    let err = run_func(&module, "main", &mut args).unwrap_err();
    assert!(matches!(err.kind, InterpErrorKind::DivisionByZero(_)), "{err}");
    assert!(err.path.contains("block B (vi = 1)"), "{}", err.path);
    // Float division by zero follows IEEE instead.
    let module = elementwise(1, f32t(), f32t(), |x| {
        PrimExpr::binary(tirscript::ir::BinaryOp::Div, PrimExpr::f32(1.0), x).unwrap()
    });
    let mut args = vec![zeros(f32t(), &[1]), zeros(f32t(), &[1])];
    run_func(&module, "main", &mut args).unwrap();
    assert_eq!(args[1].as_array().unwrap().get_f64(&[0]).unwrap(), f64::INFINITY);
}

#[test]
fn undefined_variable_unsupported_op_assert_and_reduce() {
    let out = buffer("B", &[1], f32t());
    let zero = vec![PrimExpr::i32(0)];
    let stray = Var::new("stray", f32t());
    let module = module_of(
        std::slice::from_ref(&out),
        Stmt::buffer_store(&out, PrimExpr::var(&stray), zero.clone()),
    );
    let err = run_func(&module, "main", &mut [zeros(f32t(), &[1])]).unwrap_err();
    assert_eq!(err.kind, InterpErrorKind::UndefinedVar("stray".into()));

    let call =
        PrimExpr::call_op(f32t(), Op::get("call_extern").unwrap(), vec![PrimExpr::string("my_fn")])
            .unwrap();
    let module =
        module_of(std::slice::from_ref(&out), Stmt::buffer_store(&out, call, zero.clone()));
    let err = run_func(&module, "main", &mut [zeros(f32t(), &[1])]).unwrap_err().to_string();
    assert!(err.contains("unsupported: extern function `my_fn`"), "{err}");

    let assert = Stmt::new(StmtNode::AssertStmt {
        condition: PrimExpr::bool(false),
        message: PrimExpr::string("shapes differ"),
        body: Stmt::no_op(),
    });
    let module = module_of(std::slice::from_ref(&out), assert);
    let err = run_func(&module, "main", &mut [zeros(f32t(), &[1])]).unwrap_err();
    assert_eq!(err.kind, InterpErrorKind::AssertFailed("shapes differ".into()));

    let (x, y) = (Var::new("x", f32t()), Var::new("y", f32t()));
    let combiner = tirscript::ir::CommReducer {
        lhs: vec![x.clone()],
        rhs: vec![y.clone()],
        result: vec![tirscript::arith::ops::add(PrimExpr::var(&x), PrimExpr::var(&y)).unwrap()],
        identity_element: vec![PrimExpr::f32(0.0)],
    };
    let reduce = PrimExpr::new(
        f32t(),
        Expr::Reduce {
            combiner: std::sync::Arc::new(combiner),
            source: vec![PrimExpr::f32(1.0)],
            init: vec![],
            axis: vec![],
            condition: PrimExpr::bool(true),
            value_index: 0,
        },
    )
    .unwrap();
    let module = module_of(std::slice::from_ref(&out), Stmt::buffer_store(&out, reduce, zero));
    let err = run_func(&module, "main", &mut [zeros(f32t(), &[1])]).unwrap_err().to_string();
    assert!(err.contains("Reduce expression is not executable"), "{err}");
}

#[test]
fn select_evaluates_both_arms_but_if_then_else_only_the_taken_one() {
    // out[i] = (i < 4 ? A[i] : A[i + 100]) over 4 elements: the far arm is out of bounds.
    let a = buffer("A", &[4], f32t());
    let out = buffer("B", &[4], f32t());
    let i = Var::new("i", DataType::int32());
    let near = PrimExpr::buffer_load(&a, vec![PrimExpr::var(&i)]).unwrap();
    let far_index = tirscript::arith::ops::add(PrimExpr::var(&i), PrimExpr::i32(100)).unwrap();
    let far = PrimExpr::buffer_load(&a, vec![far_index]).unwrap();
    let cond =
        PrimExpr::cmp(tirscript::ir::CmpOp::Lt, PrimExpr::var(&i), PrimExpr::i32(4)).unwrap();
    let looped = |value: PrimExpr| {
        Stmt::from(tirscript::ir::For {
            loop_var: i.clone(),
            min: PrimExpr::i32(0),
            extent: PrimExpr::i32(4),
            kind: tirscript::ir::ForKind::Serial,
            body: Stmt::buffer_store(&out, value, vec![PrimExpr::var(&i)]),
            thread_binding: None,
            annotations: Annotations::new(),
            step: None,
        })
    };
    let lazy = PrimExpr::call_op(
        f32t(),
        Op::get("if_then_else").unwrap(),
        vec![cond.clone(), near.clone(), far.clone()],
    )
    .unwrap();
    let module = module_of(&[a.clone(), out.clone()], looped(lazy));
    run_func(&module, "main", &mut [zeros(f32t(), &[4]), zeros(f32t(), &[4])]).unwrap();
    let eager = PrimExpr::select(cond, near, far).unwrap();
    let module = module_of(&[a, out.clone()], looped(eager));
    let err =
        run_func(&module, "main", &mut [zeros(f32t(), &[4]), zeros(f32t(), &[4])]).unwrap_err();
    assert!(
        matches!(err.kind, InterpErrorKind::OutOfBounds { ref index, .. } if index == &[100]),
        "{err}"
    );
}

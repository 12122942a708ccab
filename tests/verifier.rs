//! The verifier accepts well-formed IR and rejects each kind of ill-formed IR at the expected path.

#[path = "verifier/corpus.rs"]
mod corpus;
#[path = "verifier/support.rs"]
mod support;

use support::{
    buffer, buffer_on, func, i32_var, int, iter_var, load, loop_with, realize, row_sum, serial,
    single_error, v,
};
use tirscript::analysis::verify::{VerifyErrorKind, verify_func, verify_module};
use tirscript::ir::{
    Annotations, AttrValue, Buffer, DataType, IRModule, IterVar, IterVarType, PrimExpr, PrimFunc,
    Range, Stmt, StmtNode, Type, Var,
};

#[test]
fn well_formed_functions_and_modules_pass() {
    assert_eq!(verify_func(&row_sum()), vec![]);

    // A module where `main` calls `helper`.
    let mut module = IRModule::new();
    let x = i32_var("x");
    let helper = PrimFunc {
        params: vec![x.clone()],
        buffer_map: vec![],
        body: Stmt::evaluate(v(&x)),
        ret_type: Type::void(),
        attrs: Annotations::new(),
    };
    let helper_gv = module.add("helper", helper).expect("fresh name");
    let call = PrimExpr::call_global(DataType::int32(), &helper_gv, vec![int(1)]).expect("call");
    module.add("main", func(&[], &[], Stmt::evaluate(call))).expect("fresh name");
    assert_eq!(verify_module(&module), vec![]);
}

#[test]
fn a_var_used_before_its_definition_is_rejected() {
    let x = i32_var("x");
    let error = single_error(
        verify_func(&func(&[], &[], Stmt::evaluate(v(&x)))),
        VerifyErrorKind::UndefinedVar,
        "body.value",
    );
    assert_eq!(error.to_string(), "body.value: variable `x` is used but never defined");

    // A loop var used after its loop.
    let i = i32_var("i");
    let body = Stmt::seq(vec![serial(&i, 4, Stmt::evaluate(v(&i))), Stmt::evaluate(v(&i))]);
    let error = single_error(
        verify_func(&func(&[], &[], body)),
        VerifyErrorKind::UndefinedVar,
        "body.seq[1].value",
    );
    assert!(error.message.contains("outside the scope of its definition at body.seq[0].loop_var"));
}

#[test]
fn a_var_defined_twice_is_rejected() {
    let i = i32_var("i");
    let nested = serial(&i, 4, serial(&i, 4, Stmt::evaluate(v(&i))));
    single_error(
        verify_func(&func(&[], &[], nested)),
        VerifyErrorKind::MultipleDefinition,
        "body.body.loop_var",
    );
    // Sibling loops sharing one var are also two definitions, as in TVM.
    let siblings = Stmt::seq(vec![serial(&i, 4, Stmt::no_op()), serial(&i, 4, Stmt::no_op())]);
    single_error(
        verify_func(&func(&[], &[], siblings)),
        VerifyErrorKind::MultipleDefinition,
        "body.seq[1].loop_var",
    );
    // A let rebinding a param.
    let x = i32_var("x");
    let rebind =
        Stmt::new(StmtNode::LetStmt { var: x.clone(), value: int(1), body: Stmt::no_op() });
    single_error(
        verify_func(&func(&[], &[&x], rebind)),
        VerifyErrorKind::MultipleDefinition,
        "body.var",
    );
}

#[test]
fn an_undeclared_buffer_is_rejected_and_an_allocated_one_accepted() {
    let a = buffer("A", DataType::int32(), vec![int(4)]);
    let stray = buffer("S", DataType::int32(), vec![int(4)]);
    let store = Stmt::buffer_store(&stray, load(&a, vec![int(0)]), vec![int(1)]);
    let error = single_error(
        verify_func(&func(&[&a], &[], store)),
        VerifyErrorKind::UndeclaredBuffer,
        "body.buffer",
    );
    assert!(error.message.starts_with("buffer `S` is accessed but not declared"));

    let loaded = Stmt::evaluate(load(&stray, vec![int(0)]));
    single_error(
        verify_func(&func(&[&a], &[], loaded)),
        VerifyErrorKind::UndeclaredBuffer,
        "body.value.buffer",
    );

    // A buffer over the data var of an enclosing Allocate needs no declaration.
    let data = Var::pointer("S", DataType::int32(), "local");
    let local = buffer_on(data.clone(), "S", DataType::int32(), vec![int(4)]);
    let allocate = Stmt::new(StmtNode::Allocate {
        buffer_var: data,
        dtype: DataType::int32(),
        extents: vec![int(4)],
        condition: PrimExpr::bool(true),
        body: Stmt::buffer_store(&local, int(1), vec![int(0)]),
        annotations: Annotations::new(),
    });
    assert_eq!(verify_func(&func(&[], &[], allocate)), vec![]);
}

#[test]
fn a_binding_count_mismatch_is_rejected() {
    let a = buffer("A", DataType::int32(), vec![int(4), int(4)]);
    let (i, vi, vj) = (i32_var("i"), i32_var("vi"), i32_var("vj"));
    let store = Stmt::buffer_store(&a, int(0), vec![v(&vi), v(&vj)]);
    let iter_vars =
        vec![iter_var(&vi, 4, IterVarType::DataPar), iter_var(&vj, 4, IterVarType::DataPar)];
    let body = serial(&i, 4, realize(vec![v(&i)], iter_vars, "init", store));
    let error = single_error(
        verify_func(&func(&[&a], &[], body)),
        VerifyErrorKind::BindingCount,
        "body.body.iter_values",
    );
    assert_eq!(error.message, "block \"init\" has 2 iter vars but 1 bindings");
}

#[test]
fn a_loop_var_used_inside_a_block_is_rejected() {
    let a = buffer("A", DataType::int32(), vec![int(4)]);
    let (i, vi) = (i32_var("i"), i32_var("vi"));
    let store = Stmt::buffer_store(&a, int(0), vec![v(&i)]);
    let block = realize(vec![v(&i)], vec![iter_var(&vi, 4, IterVarType::DataPar)], "b", store);
    single_error(
        verify_func(&func(&[&a], &[], serial(&i, 4, block))),
        VerifyErrorKind::LoopVarInBlock,
        "body.body.block.body.indices[0]",
    );
}

#[test]
fn a_block_iter_var_of_a_loop_kind_is_rejected() {
    let a = buffer("A", DataType::int32(), vec![int(4)]);
    let (i, vi) = (i32_var("i"), i32_var("vi"));
    let store = Stmt::buffer_store(&a, int(0), vec![v(&vi)]);
    let block = realize(vec![v(&i)], vec![iter_var(&vi, 4, IterVarType::Vectorized)], "b", store);
    single_error(
        verify_func(&func(&[&a], &[], serial(&i, 4, block))),
        VerifyErrorKind::IterVar,
        "body.body.block.iter_vars[0].iter_type",
    );
}

#[test]
fn non_integer_or_mismatched_loop_bounds_are_rejected() {
    let i = i32_var("i");
    let float_extent = loop_with(&i, int(0), PrimExpr::f32(4.0), Stmt::no_op());
    let error = single_error(
        verify_func(&func(&[], &[], float_extent)),
        VerifyErrorKind::LoopDtype,
        "body.extent",
    );
    assert_eq!(error.message, "loop extent must be a scalar integer, not float32");

    let wide_min = loop_with(&i, PrimExpr::i64(0), int(4), Stmt::no_op());
    let error = single_error(
        verify_func(&func(&[], &[], wide_min)),
        VerifyErrorKind::LoopDtype,
        "body.min",
    );
    assert_eq!(error.message, "loop min has dtype int64 but loop variable `i` has dtype int32");
}

#[test]
fn a_wrong_index_count_is_rejected() {
    let a = buffer("A", DataType::int32(), vec![int(4), int(4)]);
    let store = Stmt::buffer_store(&a, int(0), vec![int(1)]);
    let error = single_error(
        verify_func(&func(&[&a], &[], store)),
        VerifyErrorKind::IndexCount,
        "body.indices",
    );
    assert_eq!(error.message, "buffer `A` has 2 dimensions but is accessed with 1 index");
}

#[test]
fn a_store_of_the_wrong_dtype_is_rejected() {
    let a = buffer("A", DataType::float32(), vec![int(4)]);
    let half = PrimExpr::float(1.0, DataType::float(16));
    let store = Stmt::buffer_store(&a, half, vec![int(0)]);
    let error = single_error(
        verify_func(&func(&[&a], &[], store)),
        VerifyErrorKind::StoreDtype,
        "body.value",
    );
    assert!(error.message.starts_with("stored value has dtype float16"));

    // A vector store through a ramp index takes a vector of the buffer's dtype.
    let ramp = PrimExpr::new(
        DataType::int32().with_lanes(4),
        tirscript::ir::Expr::Ramp { base: int(0), stride: int(1), lanes: int(4) },
    )
    .expect("ramp");
    let scalar_store = Stmt::buffer_store(&a, PrimExpr::f32(1.0), vec![ramp.clone()]);
    single_error(
        verify_func(&func(&[&a], &[], scalar_store)),
        VerifyErrorKind::StoreDtype,
        "body.value",
    );
    let vector = PrimExpr::new(
        DataType::float32().with_lanes(4),
        tirscript::ir::Expr::Broadcast { value: PrimExpr::f32(1.0), lanes: int(4) },
    )
    .expect("broadcast");
    let vector_store = Stmt::buffer_store(&a, vector, vec![ramp]);
    assert_eq!(verify_func(&func(&[&a], &[], vector_store)), vec![]);
}

#[test]
fn conditions_follow_tvms_rules() {
    // TVM's IfThenElse takes an integer condition (nonzero is true).
    let x = i32_var("x");
    let branch = Stmt::new(StmtNode::IfThenElse {
        condition: v(&x),
        then_case: Stmt::no_op(),
        else_case: None,
    });
    assert_eq!(verify_func(&func(&[], &[&x], branch)), vec![]);
    // A vector condition is not a condition.
    let lanes = Var::new("lanes", DataType::bool().with_lanes(4));
    let vector_branch = Stmt::new(StmtNode::While { condition: v(&lanes), body: Stmt::no_op() });
    let error = single_error(
        verify_func(&func(&[], &[&lanes], vector_branch)),
        VerifyErrorKind::NonBoolCondition,
        "body.condition",
    );
    assert_eq!(error.message, "condition must be a scalar, not boolx4");
    // An assert needs a bool, as TVM's AssertStmt checks.
    let assert = Stmt::new(StmtNode::AssertStmt {
        condition: v(&x),
        message: PrimExpr::string("x"),
        body: Stmt::no_op(),
    });
    let error = single_error(
        verify_func(&func(&[], &[&x], assert)),
        VerifyErrorKind::NonBoolCondition,
        "body.condition",
    );
    assert_eq!(error.message, "condition must be a scalar bool, not int32");
}

#[test]
fn calls_to_missing_functions_are_rejected() {
    let mut module = IRModule::new();
    let ghost = tirscript::ir::GlobalVar::new("ghost");
    let call = PrimExpr::call_global(DataType::int32(), &ghost, vec![]).expect("call");
    module.add("main", func(&[], &[], Stmt::evaluate(call))).expect("fresh name");
    single_error(
        verify_module(&module),
        VerifyErrorKind::UndefinedFunction,
        "functions[\"main\"].body.value.op",
    );
}

#[test]
fn thread_vars_may_be_launched_again_in_one_function() {
    let tx = Var::new("threadIdx.x", DataType::int32());
    let thread = IterVar {
        var: tx.clone(),
        dom: Some(Range::from_extent(int(32))),
        iter_type: IterVarType::ThreadIndex,
        thread_tag: "threadIdx.x".into(),
    };
    let launch = || {
        Stmt::new(StmtNode::AttrStmt {
            node: AttrValue::IterVar(thread.clone()),
            attr_key: "thread_extent".into(),
            value: int(32),
            body: Stmt::evaluate(v(&tx)),
        })
    };
    assert_eq!(verify_func(&func(&[], &[], Stmt::seq(vec![launch(), launch()]))), vec![]);
}

#[test]
fn every_error_is_reported_not_only_the_first() {
    let (x, y) = (i32_var("x"), i32_var("y"));
    let body = Stmt::seq(vec![Stmt::evaluate(v(&x)), Stmt::evaluate(v(&y))]);
    let errors = verify_func(&func(&[], &[], body));
    let paths: Vec<String> = errors.iter().map(|e| e.path.to_string()).collect();
    assert_eq!(paths, ["body.seq[0].value", "body.seq[1].value"]);
}

#[test]
fn buffer_realize_declares_a_buffer_and_may_realize_a_parameter() {
    let a = buffer("A", DataType::float32(), vec![int(8)]);
    let realize = |b: &Buffer| {
        Stmt::new(StmtNode::BufferRealize {
            buffer: b.clone(),
            bounds: vec![Range::from_extent(int(8))],
            condition: PrimExpr::bool(true),
            body: Stmt::buffer_store(b, PrimExpr::f32(0.0), vec![int(0)]),
        })
    };
    assert_eq!(verify_func(&func(&[&a], &[], realize(&a))), vec![]);
    let fresh = buffer("R", DataType::float32(), vec![int(8)]);
    assert_eq!(verify_func(&func(&[], &[], realize(&fresh))), vec![]);
    // Outside the realize, the buffer is no longer declared.
    let after = Stmt::seq(vec![
        realize(&fresh),
        Stmt::buffer_store(&fresh, PrimExpr::f32(1.0), vec![int(0)]),
    ]);
    single_error(
        verify_func(&func(&[], &[], after)),
        VerifyErrorKind::UndeclaredBuffer,
        "body.seq[1].buffer",
    );
}

#[test]
fn a_nested_decl_buffer_of_a_declared_buffer_is_rejected() {
    let a = buffer("A", DataType::float32(), vec![int(8)]);
    let decl = Stmt::new(StmtNode::DeclBuffer { buffer: a.clone(), body: Stmt::no_op() });
    single_error(
        verify_func(&func(&[&a], &[], decl)),
        VerifyErrorKind::RedeclaredBuffer,
        "body.buffer",
    );
}

#[test]
fn bindings_may_differ_in_width_but_must_be_integers() {
    let a = buffer("A", DataType::int32(), vec![int(4)]);
    let wide = Var::new("i", DataType::int64());
    let vi = i32_var("vi");
    let store = Stmt::buffer_store(&a, int(0), vec![v(&vi)]);
    let block = realize(vec![v(&wide)], vec![iter_var(&vi, 4, IterVarType::DataPar)], "b", store);
    let body = loop_with(&wide, PrimExpr::i64(0), PrimExpr::i64(4), block);
    assert_eq!(verify_func(&func(&[&a], &[], body)), vec![]);

    let store = Stmt::buffer_store(&a, int(0), vec![v(&vi)]);
    let iter_vars = vec![iter_var(&vi, 4, IterVarType::DataPar)];
    let block = realize(vec![PrimExpr::f32(1.0)], iter_vars, "b", store);
    let error = single_error(
        verify_func(&func(&[&a], &[], block)),
        VerifyErrorKind::BindingDtype,
        "body.iter_values[0]",
    );
    assert_eq!(
        error.message,
        "the binding of block iter var `vi` must be a scalar integer, not float32"
    );
}

#[test]
fn a_view_of_a_data_pointer_in_scope_needs_no_declaration() {
    // FlattenBuffer's output accesses `A_1 = T.Buffer((16,), data=A.data)` with no DeclBuffer.
    let a = buffer("A", DataType::float32(), vec![int(4), int(4)]);
    let flat = buffer_on(a.data().clone(), "A_1", DataType::float32(), vec![int(16)]);
    let store = Stmt::buffer_store(&flat, PrimExpr::f32(0.0), vec![int(3)]);
    assert_eq!(verify_func(&func(&[&a], &[], store)), vec![]);
}

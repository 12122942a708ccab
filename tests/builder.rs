//! IRBuilder tests: every frame, TVM's closing rules, the three kernels the Core issue names, and
//! misuse reported as errors.

mod common;

use common::{show, show_regions};
use tirscript::arith::ops;
use tirscript::builder::{BufferSpec, BuildResult, IRBuilder};
use tirscript::ir::{
    Annotations, AttrValue, Buffer, Callee, DataType, Expr, ForKind, IterVarType, PrimExpr,
    PrimFunc, Range, Stmt, StmtNode, Var,
};

fn f32() -> DataType {
    DataType::float32()
}

fn shape(dims: &[i32]) -> Vec<PrimExpr> {
    dims.iter().map(|&d| PrimExpr::i32(d)).collect()
}

fn load(buffer: &Buffer, indices: &[&Var]) -> PrimExpr {
    PrimExpr::buffer_load(buffer, indices.iter().map(|v| PrimExpr::var(v)).collect()).unwrap()
}

fn idx(vars: &[&Var]) -> Vec<PrimExpr> {
    vars.iter().map(|v| PrimExpr::var(v)).collect()
}

fn func(result: BuildResult) -> PrimFunc {
    match result {
        BuildResult::Func(f) => f,
        other => panic!("expected a function, got {other:?}"),
    }
}

/// The block realize at the root of a function body and the statement inside the root block.
fn root_body(f: &PrimFunc) -> (&tirscript::ir::BlockRealize, &Stmt) {
    match f.body.node() {
        StmtNode::BlockRealize(r) => (r, &r.block.body),
        other => panic!("expected a root block, got {other:?}"),
    }
}

/// Descends through loops to the first block realize.
fn first_block(s: &Stmt) -> &tirscript::ir::BlockRealize {
    match s.node() {
        StmtNode::For(l) => first_block(&l.body),
        StmtNode::BlockRealize(r) => r,
        StmtNode::SeqStmt(seq) => first_block(&seq[0]),
        other => panic!("no block under {other:?}"),
    }
}

/// Builds the TVM tutorial matmul: `C[i, j] += A[i, k] * B[j, k]` with an init block.
fn build_matmul() -> PrimFunc {
    let mut b = IRBuilder::new();
    b.prim_func(false).unwrap();
    b.func_name("main").unwrap();
    let a = b.arg_buffer(BufferSpec::new("A", shape(&[128, 128]), f32()).build().unwrap()).unwrap();
    let bb =
        b.arg_buffer(BufferSpec::new("B", shape(&[128, 128]), f32()).build().unwrap()).unwrap();
    let c = b.arg_buffer(BufferSpec::new("C", shape(&[128, 128]), f32()).build().unwrap()).unwrap();
    let names = ["i", "j", "k"].map(String::from);
    let loops = b.grid(&names, shape(&[128, 128, 128])).unwrap();
    b.block("C", false).unwrap();
    let binds: Vec<(String, Var)> =
        ["vi", "vj", "vk"].iter().zip(&loops).map(|(n, v)| (n.to_string(), v.clone())).collect();
    let v = b.axis_remap("SSR", &binds).unwrap();
    b.init().unwrap();
    b.buffer_store(&c, PrimExpr::f32(0.0), idx(&[&v[0], &v[1]]), None).unwrap();
    b.exit().unwrap();
    let product = ops::mul(load(&a, &[&v[0], &v[2]]), load(&bb, &[&v[1], &v[2]])).unwrap();
    let sum = ops::add(load(&c, &[&v[0], &v[1]]), product).unwrap();
    b.buffer_store(&c, sum, idx(&[&v[0], &v[1]]), None).unwrap();
    b.exit().unwrap(); // block
    b.exit().unwrap(); // grid
    b.exit().unwrap(); // prim_func
    func(b.finish().unwrap())
}

#[test]
fn matmul_with_init_gets_root_block_and_detected_regions() {
    let f = build_matmul();
    assert_eq!(f.global_symbol(), Some("main"));
    assert_eq!(f.params.len(), 3);
    assert_eq!(f.params[0].name(), "A_handle");
    assert_eq!(f.buffer_map[2].1.name(), "C");
    let (root, body) = root_body(&f);
    assert_eq!(root.block.name_hint, "root");
    assert!(root.block.reads.is_empty() && root.block.writes.is_empty());
    // T.grid makes three perfectly nested serial loops.
    let StmtNode::For(i) = body.node() else { panic!("expected loop i") };
    let StmtNode::For(j) = i.body.node() else { panic!("expected loop j") };
    let StmtNode::For(k) = j.body.node() else { panic!("expected loop k") };
    assert_eq!((i.kind, k.loop_var.name(), k.extent.as_int()), (ForKind::Serial, "k", Some(128)));
    let realize = first_block(body);
    let block = &realize.block;
    assert_eq!(block.name_hint, "C");
    let kinds: Vec<IterVarType> = block.iter_vars.iter().map(|iv| iv.iter_type).collect();
    assert_eq!(kinds, [IterVarType::DataPar, IterVarType::DataPar, IterVarType::CommReduce]);
    assert_eq!(block.iter_vars[2].dom.as_ref().and_then(|d| d.extent.as_int()), Some(128));
    assert_eq!(realize.iter_values.iter().map(show).collect::<Vec<_>>(), ["i", "j", "k"]);
    // With an init, the written buffer is not also reported as read.
    assert_eq!(show_regions(&block.reads), ["A[vi, vk]", "B[vj, vk]"]);
    assert_eq!(show_regions(&block.writes), ["C[vi, vj]"]);
    assert!(block.init.is_some());
    assert!(block.annotations.is_empty(), "the detection marker must be removed");
}

#[test]
fn elementwise_with_match_buffer_params() {
    let mut b = IRBuilder::new();
    b.prim_func(false).unwrap();
    b.func_name("scale").unwrap();
    let pa = b.arg(Var::new("a", DataType::handle())).unwrap();
    let pb = b.arg(Var::new("b", DataType::handle())).unwrap();
    let a = b.match_buffer_param(&pa, BufferSpec::new("A", shape(&[64, 32]), f32())).unwrap();
    let out = b.match_buffer_param(&pb, BufferSpec::new("B", shape(&[64, 32]), f32())).unwrap();
    let loops = b.grid(&["i".into(), "j".into()], shape(&[64, 32])).unwrap();
    b.block("B", false).unwrap();
    let vi = b
        .axis(
            "vi",
            IterVarType::DataPar,
            Range::from_extent(PrimExpr::i32(64)),
            PrimExpr::var(&loops[0]),
            DataType::int32(),
        )
        .unwrap();
    let vj = b
        .axis(
            "vj",
            IterVarType::DataPar,
            Range::from_extent(PrimExpr::i32(32)),
            PrimExpr::var(&loops[1]),
            DataType::int32(),
        )
        .unwrap();
    let doubled = ops::mul(load(&a, &[&vi, &vj]), PrimExpr::f32(2.0)).unwrap();
    b.buffer_store(&out, doubled, idx(&[&vi, &vj]), None).unwrap();
    for _ in 0..3 {
        b.exit().unwrap();
    }
    let f = func(b.finish().unwrap());
    assert_eq!(f.params, vec![pa.clone(), pb]);
    assert_eq!(f.buffer_of(&pa).map(Buffer::name), Some("A"));
    let block = &first_block(root_body(&f).1).block;
    assert_eq!(show_regions(&block.reads), ["A[vi, vj]"]);
    assert_eq!(show_regions(&block.writes), ["B[vi, vj]"]);
}

#[test]
fn module_of_two_functions_where_one_calls_the_other() {
    let mut b = IRBuilder::new();
    b.ir_module().unwrap();
    let callee = b.decl_function("add_one").unwrap();
    // `main` is defined first and calls `add_one`, which is only declared so far.
    b.prim_func(false).unwrap();
    b.func_name("main").unwrap();
    let x = b.arg(Var::new("x", DataType::int32())).unwrap();
    let call = PrimExpr::call_global(DataType::int32(), &callee, vec![PrimExpr::var(&x)]).unwrap();
    b.evaluate(call).unwrap();
    b.exit().unwrap();
    b.prim_func(true).unwrap();
    b.func_name("add_one").unwrap();
    let y = b.arg(Var::new("y", DataType::int32())).unwrap();
    b.evaluate(ops::add(PrimExpr::var(&y), PrimExpr::i32(1)).unwrap()).unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    let BuildResult::Module(m) = b.finish().unwrap() else { panic!("expected a module") };
    assert_eq!(m.len(), 2);
    let (_, main) = m.lookup("main").unwrap();
    let (gv, add_one) = m.lookup("add_one").unwrap();
    assert_eq!(add_one.global_symbol(), None, "a private function has no global symbol");
    let StmtNode::Evaluate(e) = main.body.node() else { panic!("expected an evaluate") };
    let Expr::Call { op: Callee::Global(target), .. } = e.expr() else { panic!("expected a call") };
    assert_eq!(target, gv, "the call names the callee's global var");
}

#[test]
fn a_declared_but_undefined_function_is_an_error() {
    let mut b = IRBuilder::new();
    b.ir_module().unwrap();
    b.decl_function("ghost").unwrap();
    let err = b.exit().unwrap_err();
    assert!(err.to_string().contains("ghost"), "{err}");
}

#[test]
fn loops_of_every_kind_and_thread_bindings() {
    let mut b = IRBuilder::new();
    b.prim_func(false).unwrap();
    let a = b.arg_buffer(BufferSpec::new("A", shape(&[1024]), f32()).build().unwrap()).unwrap();
    let mut ann = Annotations::new();
    ann.insert("pragma_unroll", AttrValue::Int(4));
    let bx = b
        .thread_binding("bx", PrimExpr::i32(0), PrimExpr::i32(8), "blockIdx.x", Annotations::new())
        .unwrap();
    let p = b
        .for_loop(
            "p",
            ForKind::Parallel,
            PrimExpr::i32(0),
            PrimExpr::i32(4),
            Annotations::new(),
            None,
        )
        .unwrap();
    let u =
        b.for_loop("u", ForKind::Unrolled, PrimExpr::i32(2), PrimExpr::i32(6), ann, None).unwrap();
    let v = b
        .for_loop(
            "v",
            ForKind::Vectorized,
            PrimExpr::i32(0),
            PrimExpr::i32(8),
            Annotations::new(),
            None,
        )
        .unwrap();
    let index = [&bx, &p, &u, &v]
        .iter()
        .fold(PrimExpr::i32(0), |acc, x| ops::add(acc, PrimExpr::var(x)).unwrap());
    b.buffer_store(&a, PrimExpr::f32(1.0), vec![index], None).unwrap();
    for _ in 0..5 {
        b.exit().unwrap();
    }
    let f = func(b.finish().unwrap());
    let StmtNode::For(l0) = f.body.node() else { panic!() };
    assert_eq!(l0.kind, ForKind::ThreadBinding);
    let tb = l0.thread_binding.as_ref().unwrap();
    assert_eq!(
        (tb.thread_tag.as_str(), tb.iter_type, tb.dom.is_none()),
        ("blockIdx.x", IterVarType::ThreadIndex, true)
    );
    let StmtNode::For(l1) = l0.body.node() else { panic!() };
    let StmtNode::For(l2) = l1.body.node() else { panic!() };
    let StmtNode::For(l3) = l2.body.node() else { panic!() };
    assert_eq!(
        (l1.kind, l2.kind, l3.kind),
        (ForKind::Parallel, ForKind::Unrolled, ForKind::Vectorized)
    );
    // The extent is stop - start, folded; annotations are kept on the loop.
    assert_eq!((show(&l2.min), show(&l2.extent)), ("2".into(), "4".into()));
    assert!(matches!(l2.annotations.get("pragma_unroll"), Some(AttrValue::Int(4))));
    // No block anywhere: no root block is inserted.
    assert!(matches!(f.body.node(), StmtNode::For(_)));
}

#[test]
fn if_while_let_assert_allocate_attr_and_decl_buffer_frames() {
    let mut b = IRBuilder::new();
    b.prim_func(false).unwrap();
    let n = b.arg(Var::new("n", DataType::int32())).unwrap();
    let nv = PrimExpr::var(&n);
    b.assert_(
        ops::compare(tirscript::ir::CmpOp::Gt, nv.clone(), PrimExpr::i32(0)).unwrap(),
        "n must be positive",
    )
    .unwrap();
    let data = b
        .allocate("buf", vec![PrimExpr::i32(16)], f32(), "local", None, Annotations::new())
        .unwrap();
    let mut spec = BufferSpec::new("buf", shape(&[16]), f32()).scope("local");
    spec.data = Some(data.clone());
    let buf = b.decl_buffer(spec).unwrap();
    b.attr(AttrValue::Expr(PrimExpr::var(&data)), "storage_alignment", PrimExpr::i32(64)).unwrap();
    let x = Var::new("x", DataType::int32());
    b.let_stmt(x.clone(), ops::mul(nv.clone(), PrimExpr::i32(2)).unwrap()).unwrap();
    b.if_(ops::compare(tirscript::ir::CmpOp::Lt, PrimExpr::var(&x), PrimExpr::i32(16)).unwrap())
        .unwrap();
    b.then_().unwrap();
    b.buffer_store(&buf, PrimExpr::f32(1.0), vec![PrimExpr::var(&x)], None).unwrap();
    b.exit().unwrap();
    b.else_().unwrap();
    b.while_(ops::compare(tirscript::ir::CmpOp::Gt, nv, PrimExpr::i32(0)).unwrap()).unwrap();
    b.evaluate(PrimExpr::i32(0)).unwrap();
    b.exit().unwrap(); // while
    b.exit().unwrap(); // else
    b.exit().unwrap(); // if
    for _ in 0..6 {
        b.exit().unwrap(); // let, attr, decl_buffer, allocate, assert, prim_func
    }
    let f = func(b.finish().unwrap());
    let mut kinds = Vec::new();
    tirscript::ir::visit::walk_stmt(&f.body, &mut |s| {
        kinds.push(match s.node() {
            StmtNode::AssertStmt { .. } => "assert",
            StmtNode::Allocate { .. } => "allocate",
            StmtNode::DeclBuffer { .. } => "decl_buffer",
            StmtNode::AttrStmt { .. } => "attr",
            StmtNode::LetStmt { .. } => "let",
            StmtNode::IfThenElse { .. } => "if",
            StmtNode::BufferStore { .. } => "store",
            StmtNode::While { .. } => "while",
            StmtNode::Evaluate(_) => "evaluate",
            _ => "other",
        })
    });
    assert_eq!(
        kinds,
        ["assert", "allocate", "decl_buffer", "attr", "let", "if", "store", "while", "evaluate"]
    );
    assert_eq!(buf.scope(), "local");
}

#[test]
fn launch_thread_env_thread_and_realize() {
    let mut b = IRBuilder::new();
    b.prim_func(false).unwrap();
    let a = b.arg_buffer(BufferSpec::new("A", shape(&[256]), f32()).build().unwrap()).unwrap();
    let tx = b.env_thread("threadIdx_x", "threadIdx.x", DataType::int32()).unwrap();
    b.launch_thread(&tx, PrimExpr::i32(256)).unwrap();
    let vt = b.launch_thread_tag("vt", "vthread", PrimExpr::i32(2)).unwrap();
    b.realize(a.full_region(), "global", PrimExpr::bool(true)).unwrap();
    let index =
        ops::add(PrimExpr::var(&tx), ops::mul(PrimExpr::var(&vt), PrimExpr::i32(0)).unwrap())
            .unwrap();
    b.buffer_store(&a, PrimExpr::f32(0.0), vec![index], None).unwrap();
    for _ in 0..4 {
        b.exit().unwrap();
    }
    let f = func(b.finish().unwrap());
    let StmtNode::AttrStmt { node: AttrValue::IterVar(iv), attr_key, value, body } = f.body.node()
    else {
        panic!()
    };
    assert_eq!(
        (attr_key.as_str(), iv.thread_tag.as_str(), value.as_int()),
        ("thread_extent", "threadIdx.x", Some(256))
    );
    assert_eq!(iv.dom.as_ref().and_then(|d| d.extent.as_int()), Some(256));
    let StmtNode::AttrStmt { attr_key, body, .. } = body.node() else { panic!() };
    assert_eq!(attr_key, "virtual_thread");
    let StmtNode::AttrStmt { attr_key, body, .. } = body.node() else { panic!() };
    assert_eq!(attr_key, "realize_scope");
    assert!(matches!(body.node(), StmtNode::BufferRealize { .. }));
}

#[test]
fn stores_cast_ints_to_float_buffers_but_reject_float_into_int() {
    let mut b = IRBuilder::new();
    b.prim_func(false).unwrap();
    let a = b.arg_buffer(BufferSpec::new("A", shape(&[4]), f32()).build().unwrap()).unwrap();
    let n = b
        .arg_buffer(BufferSpec::new("N", shape(&[4]), DataType::int32()).build().unwrap())
        .unwrap();
    b.buffer_store(&a, PrimExpr::i32(3), vec![PrimExpr::i32(0)], None).unwrap();
    let err = b.buffer_store(&n, PrimExpr::f32(1.5), vec![PrimExpr::i32(0)], None).unwrap_err();
    assert!(err.to_string().contains("dtype mismatch"), "{err}");
    let err = b.buffer_store(&a, PrimExpr::f32(1.0), vec![], None).unwrap_err();
    assert!(err.to_string().contains("indexed with 0"), "{err}");
    b.exit().unwrap();
    let f = func(b.finish().unwrap());
    let StmtNode::BufferStore { value, .. } = f.body.node() else { panic!() };
    assert!(
        matches!(value.expr(), Expr::FloatImm(v) if *v == 3.0),
        "the int constant is folded into a float"
    );
}

#[test]
fn misuse_returns_errors_instead_of_panicking() {
    let mut b = IRBuilder::new();
    assert!(b.exit().is_err(), "closing with nothing open");
    assert!(b.block("x", false).is_err(), "a block outside a function");
    assert!(b.init().is_err(), "T.init outside a block");
    b.prim_func(false).unwrap();
    b.func_name("f").unwrap();
    assert!(b.func_name("g").is_err(), "a second name");
    assert!(b.prim_func(false).is_err(), "a nested function");
    assert!(b.reads(vec![]).is_err(), "T.reads outside a block");
    let v = Var::new("v", DataType::int32());
    assert!(
        b.axis(
            "vi",
            IterVarType::DataPar,
            Range::from_extent(PrimExpr::i32(4)),
            PrimExpr::var(&v),
            DataType::int32()
        )
        .is_err()
    );
    assert!(
        b.match_buffer_param(&v, BufferSpec::new("A", shape(&[4]), f32())).is_err(),
        "binding a non-parameter"
    );
    b.block("blk", false).unwrap();
    b.reads(vec![]).unwrap();
    assert!(b.reads(vec![]).is_err(), "duplicate T.reads");
    b.where_(PrimExpr::bool(true)).unwrap();
    assert!(b.where_(PrimExpr::bool(true)).is_err(), "duplicate T.where");
    b.init().unwrap();
    b.exit().unwrap();
    assert!(b.init().is_err(), "a second T.init");
    assert!(b.then_().is_err(), "a then branch outside an if");
    b.exit().unwrap();
    let still_open = IRBuilder::new();
    assert!(still_open.finish().is_err(), "nothing was built");
    b.if_(PrimExpr::bool(true)).unwrap();
    assert!(b.evaluate(PrimExpr::i32(0)).is_err(), "a statement directly in an if");
    assert!(b.exit().is_err(), "an if without a then branch");
    let unfinished = {
        let mut u = IRBuilder::new();
        u.prim_func(false).unwrap();
        u.finish()
    };
    assert!(unfinished.is_err(), "finishing with an open frame");
}

#[test]
fn private_functions_reject_a_global_symbol_and_attrs_are_set_once() {
    let mut b = IRBuilder::new();
    b.prim_func(true).unwrap();
    let mut attrs = Annotations::new();
    attrs.insert("global_symbol", AttrValue::Str("f".into()));
    assert!(b.func_attrs(attrs).is_err());
    let mut attrs = Annotations::new();
    attrs.insert("tir.noalias", AttrValue::Bool(true));
    b.func_attrs(attrs.clone()).unwrap();
    assert!(b.func_attrs(attrs).is_err(), "duplicate attribute");
}

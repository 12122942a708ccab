//! Unit tests of the printer on IR built in Rust. Each expected text is TVM v0.23's, from its
//! printer tests (`tests/python/tvmscript/test_tvmscript_printer_tir.py`) where the same IR is
//! printed there, otherwise derived from its printing rules.

use std::sync::Arc;

use super::*;
use crate::builder::BufferSpec;
use crate::ir::{
    Annotations, AttrValue, BinaryOp, Block, BlockRealize, CmpOp, DataType, For, ForKind, IterVar,
    IterVarType, Range, StmtNode, Var,
};

fn opts() -> PrintOptions {
    PrintOptions { verbose_expr: true, ..PrintOptions::default() }
}

fn buffer(name: &str, shape: &[i32], dtype: DataType) -> Buffer {
    let shape = shape.iter().map(|&d| PrimExpr::i32(d)).collect();
    BufferSpec::new(name, shape, dtype).build().expect("valid buffer")
}

fn i32v(name: &str) -> Var {
    Var::new(name, DataType::int32())
}

fn func(
    params: Vec<Var>,
    buffer_map: Vec<(Var, Buffer)>,
    body: Stmt,
    symbol: Option<&str>,
) -> PrimFunc {
    let mut attrs = Annotations::new();
    if let Some(s) = symbol {
        attrs.insert("global_symbol", AttrValue::Str(s.into()));
    }
    PrimFunc { params, buffer_map, body, ret_type: crate::ir::Type::void(), attrs }
}

fn handle(name: &str) -> Var {
    Var::new(name, DataType::handle())
}

#[test]
fn buffer_parameters_use_the_annotation_sugar() {
    let (a, b) = (handle("a"), handle("b"));
    let bufs = vec![
        (a.clone(), buffer("A", &[128, 128], DataType::float32())),
        (b.clone(), buffer("B", &[256, 256], DataType::float32())),
    ];
    let f = func(vec![a, b], bufs, Stmt::no_op(), Some("main"));
    assert_eq!(
        print_func(&f, &opts()),
        "# from tvm.script import tir as T\n\n@T.prim_func\n\
         def main(A: T.Buffer((128, 128), \"float32\"), B: T.Buffer((256, 256), \"float32\")):\n    \
         T.evaluate(0)"
    );
    let private = func(f.params.clone(), f.buffer_map.clone(), Stmt::no_op(), None);
    assert!(print_func(&private, &opts()).contains("@T.prim_func(private=True)\ndef main("));
}

#[test]
fn a_handle_used_in_the_body_keeps_its_match_buffer() {
    let (a, b) = (handle("a"), handle("b"));
    let bufs = vec![
        (a.clone(), buffer("A", &[128, 128], DataType::float32())),
        (b.clone(), buffer("B", &[256, 256], DataType::float32())),
    ];
    let body = Stmt::evaluate(PrimExpr::var(&a));
    let f = func(vec![a, b], bufs, body, Some("main"));
    assert_eq!(
        print_func(&f, &opts()),
        "# from tvm.script import tir as T\n\n@T.prim_func\n\
         def main(a: T.handle, B: T.Buffer((256, 256), \"float32\")):\n    \
         A = T.match_buffer(a, (128, 128))\n    T.evaluate(a)"
    );
}

#[test]
fn buffers_sharing_a_data_pointer_are_matched() {
    let (a, b) = (handle("a"), handle("b"));
    let a_buf = buffer("A", &[128, 128], DataType::float32());
    let mut spec =
        BufferSpec::new("B", vec![PrimExpr::i32(256), PrimExpr::i32(256)], DataType::float32());
    spec.data = Some(a_buf.data().clone());
    let b_buf = spec.build().expect("valid buffer");
    let f =
        func(vec![a.clone(), b.clone()], vec![(a, a_buf), (b, b_buf)], Stmt::no_op(), Some("main"));
    assert_eq!(
        print_func(&f, &opts()),
        "# from tvm.script import tir as T\n\n@T.prim_func\ndef main(a: T.handle, b: T.handle):\n    \
         A = T.match_buffer(a, (128, 128))\n    B = T.match_buffer(b, (256, 256), data=A.data)\n    \
         T.evaluate(0)"
    );
}

fn iter_var(name: &str, extent: i32, t: IterVarType) -> IterVar {
    IterVar {
        var: i32v(name),
        dom: Some(Range::from_extent(PrimExpr::i32(extent))),
        iter_type: t,
        thread_tag: String::new(),
    }
}

fn block(name: &str, iter_vars: Vec<IterVar>, body: Stmt) -> Arc<Block> {
    Arc::new(Block {
        iter_vars,
        reads: vec![],
        writes: vec![],
        name_hint: name.into(),
        alloc_buffers: vec![],
        match_buffers: vec![],
        annotations: Annotations::new(),
        init: None,
        body,
    })
}

#[test]
fn a_block_realize_declares_its_free_bindings() {
    let (i, j, k) = (i32v("i"), i32v("j"), i32v("k"));
    let ivs = vec![
        iter_var("vi", 128, IterVarType::DataPar),
        iter_var("vj", 64, IterVarType::DataPar),
        iter_var("vk", 32, IterVarType::CommReduce),
    ];
    let b = block("block", ivs, Stmt::no_op());
    let realize = BlockRealize {
        iter_values: vec![PrimExpr::var(&i), PrimExpr::var(&j), PrimExpr::var(&k)],
        predicate: PrimExpr::bool(true),
        block: b.clone(),
    };
    let expected = "i = T.int32()\nj = T.int32()\nk = T.int32()\nwith T.block(\"block\"):\n    \
                    vi = T.axis.spatial(128, i)\n    vj = T.axis.spatial(64, j)\n    \
                    vk = T.axis.reduce(32, k)\n    T.reads()\n    T.writes()\n    T.evaluate(0)";
    assert_eq!(print_stmt(&Stmt::from(realize), &opts()), expected);
    let bare = Stmt::new(StmtNode::Block(b));
    assert_eq!(
        print_stmt(&bare, &opts()),
        "with T.block(\"block\", no_realize=True):\n    vi = T.axis.spatial(128)\n    \
         vj = T.axis.spatial(64)\n    vk = T.axis.reduce(32)\n    T.reads()\n    T.writes()\n    \
         T.evaluate(0)"
    );
}

#[test]
fn buffers_and_loads_declare_the_buffer_first() {
    let a = buffer("A", &[128, 128], DataType::float(16));
    assert_eq!(print_buffer(&a, &opts()), "A = T.Buffer((128, 128), \"float16\")\nA");
    let load = PrimExpr::buffer_load(&a, vec![PrimExpr::i32(128), PrimExpr::i32(128)]).unwrap();
    assert_eq!(print_expr(&load, &opts()), "A = T.Buffer((128, 128), \"float16\")\nA[128, 128]");
    let one = PrimExpr::float(1.0, DataType::float(16));
    let sum = PrimExpr::binary(BinaryOp::Add, load, one).unwrap();
    let store = Stmt::buffer_store(&a, sum, vec![PrimExpr::i32(128), PrimExpr::i32(128)]);
    assert_eq!(
        print_stmt(&store, &opts()),
        "A = T.Buffer((128, 128), \"float16\")\nA[128, 128] = A[128, 128] + T.float16(1.0)"
    );
}

fn serial(var: &Var, extent: i32, body: Stmt) -> Stmt {
    Stmt::from(For {
        loop_var: var.clone(),
        min: PrimExpr::i32(0),
        extent: PrimExpr::i32(extent),
        kind: ForKind::Serial,
        body,
        thread_binding: None,
        annotations: Annotations::new(),
        step: None,
    })
}

#[test]
fn nested_serial_loops_fuse_into_a_grid() {
    let (i, j, k) = (i32v("i"), i32v("j"), i32v("k"));
    let s = serial(&i, 128, serial(&j, 128, serial(&k, 128, Stmt::no_op())));
    assert_eq!(print_stmt(&s, &opts()), "for i, j, k in T.grid(128, 128, 128):\n    T.evaluate(0)");
    let single = serial(&i, 10, Stmt::no_op());
    assert_eq!(print_stmt(&single, &opts()), "for i in range(10):\n    T.evaluate(0)");
}

#[test]
fn scoping_statements_of_a_fragment_print_as_with_blocks() {
    let v = Var::new("v", DataType::float32());
    let let_stmt =
        Stmt::new(StmtNode::LetStmt { var: v, value: PrimExpr::f32(10.0), body: Stmt::no_op() });
    assert_eq!(
        print_stmt(&let_stmt, &opts()),
        "with T.LetStmt(T.float32(10.0)) as v:\n    T.evaluate(0)"
    );
    let assert = Stmt::new(StmtNode::AssertStmt {
        condition: PrimExpr::bool(true),
        message: PrimExpr::string("assertion"),
        body: Stmt::no_op(),
    });
    assert_eq!(
        print_stmt(&assert, &opts()),
        "with T.Assert(T.bool(True), \"assertion\"):\n    T.evaluate(0)"
    );
    let attr = Stmt::new(StmtNode::AttrStmt {
        node: AttrValue::Str("pragma".into()),
        attr_key: "unroll".into(),
        value: PrimExpr::i32(1),
        body: Stmt::no_op(),
    });
    assert_eq!(
        print_stmt(&attr, &opts()),
        "with T.attr(\"pragma\", \"unroll\", 1):\n    T.evaluate(0)"
    );
}

#[test]
fn a_free_variable_in_a_condition_is_declared_above() {
    let x = Var::new("", DataType::int32());
    let cond = PrimExpr::cmp(CmpOp::Lt, PrimExpr::var(&x), PrimExpr::i32(10)).unwrap();
    let w = Stmt::new(StmtNode::While { condition: cond, body: Stmt::no_op() });
    assert_eq!(print_stmt(&w, &opts()), "v = T.int32()\nwhile v < 10:\n    T.evaluate(0)");
}

#[test]
fn allocations_and_their_buffer_declarations() {
    let data = Var::pointer("v", DataType::float32(), "global");
    let extents = vec![PrimExpr::i32(128), PrimExpr::i32(128)];
    let alloc = |body: Stmt| {
        Stmt::new(StmtNode::Allocate {
            buffer_var: data.clone(),
            dtype: DataType::float32(),
            extents: extents.clone(),
            condition: PrimExpr::bool(true),
            body,
            annotations: Annotations::new(),
        })
    };
    assert_eq!(
        print_stmt(&alloc(Stmt::no_op()), &opts()),
        "with T.allocate([128, 128], \"float32\", \"global\") as v:\n    T.evaluate(0)"
    );
    let mut spec = BufferSpec::new("buffer", extents.clone(), DataType::float32());
    spec.data = Some(data.clone());
    let buf = spec.build().unwrap();
    let decl = |body: Stmt| Stmt::new(StmtNode::DeclBuffer { buffer: buf.clone(), body });
    assert_eq!(
        print_stmt(&alloc(decl(Stmt::no_op())), &opts()),
        "with T.decl_buffer((128, 128)) as buffer:\n    T.evaluate(0)"
    );
    assert_eq!(
        print_stmt(&alloc(decl(Stmt::evaluate(PrimExpr::var(&data)))), &opts()),
        "with T.decl_buffer((128, 128)) as buffer:\n    T.evaluate(buffer.data)"
    );
}

#[test]
fn arithmetic_prints_as_operators_unless_it_would_fold() {
    let (a, b) = (PrimExpr::var(&i32v("a")), PrimExpr::var(&i32v("b")));
    for (op, text) in [
        (BinaryOp::Add, "a + b"),
        (BinaryOp::FloorMod, "a % b"),
        (BinaryOp::Mod, "T.truncmod(a, b)"),
        (BinaryOp::Div, "T.Div(a, b)"),
    ] {
        let e = PrimExpr::binary(op, a.clone(), b.clone()).unwrap();
        assert_eq!(print_expr(&e, &opts()), format!("a = T.int32()\nb = T.int32()\n{text}"));
    }
    let (x, y) = (PrimExpr::i64(3), PrimExpr::i64(4));
    for (op, name) in
        [(BinaryOp::Add, "Add"), (BinaryOp::Mul, "Mul"), (BinaryOp::FloorDiv, "FloorDiv")]
    {
        let e = PrimExpr::binary(op, x.clone(), y.clone()).unwrap();
        assert_eq!(print_expr(&e, &opts()), format!("T.{name}(T.int64(3), T.int64(4))"));
    }
    let lt = PrimExpr::cmp(CmpOp::Lt, x, y).unwrap();
    assert_eq!(print_expr(&lt, &opts()), "T.LT(T.int64(3), T.int64(4))");
    let sel = PrimExpr::select(PrimExpr::bool(true), PrimExpr::i32(0), PrimExpr::i32(2)).unwrap();
    assert_eq!(print_expr(&sel, &opts()), "T.Select(T.bool(True), 0, 2)");
}

#[test]
fn let_expressions_declare_their_variable() {
    let x = i32v("x");
    let body = PrimExpr::binary(BinaryOp::Add, PrimExpr::var(&x), PrimExpr::i32(1)).unwrap();
    let e = PrimExpr::let_(&x, PrimExpr::i32(1), body).unwrap();
    assert_eq!(print_expr(&e, &opts()), "x = T.int32()\nT.Let(x + 1, where={x: 1})");
}

#[test]
fn immediates_carry_their_dtype_except_int32() {
    assert_eq!(print_expr(&PrimExpr::int(1, DataType::int(16)), &opts()), "T.int16(1)");
    assert_eq!(print_expr(&PrimExpr::float(1.0, DataType::float(16)), &opts()), "T.float16(1.0)");
    assert_eq!(print_expr(&PrimExpr::string("str"), &opts()), "\"str\"");
}

#[test]
fn remappable_block_vars_group_and_the_root_block_is_implicit() {
    let loops: Vec<Var> = (0..3).map(|n| i32v(&format!("i{n}"))).collect();
    let ivs = vec![
        iter_var("v0", 128, IterVarType::DataPar),
        iter_var("v1", 128, IterVarType::DataPar),
        iter_var("v2", 128, IterVarType::CommReduce),
    ];
    let first =
        PrimExpr::binary(BinaryOp::Add, PrimExpr::var(&loops[0]), PrimExpr::i32(1)).unwrap();
    let realize = BlockRealize {
        iter_values: vec![first, PrimExpr::var(&loops[1]), PrimExpr::var(&loops[2])],
        predicate: PrimExpr::bool(true),
        block: block("update", ivs, Stmt::no_op()),
    };
    let nest =
        serial(&loops[0], 128, serial(&loops[1], 128, serial(&loops[2], 128, Stmt::from(realize))));
    let root = BlockRealize {
        iter_values: vec![],
        predicate: PrimExpr::bool(true),
        block: block("root", vec![], nest),
    };
    let f = func(vec![], vec![], Stmt::from(root), Some("main"));
    assert_eq!(
        print_func(&f, &opts()),
        "# from tvm.script import tir as T\n\n@T.prim_func\ndef main():\n    \
         # with T.block(\"root\"):\n    for i0, i1, i2 in T.grid(128, 128, 128):\n        \
         with T.block(\"update\"):\n            v0 = T.axis.spatial(128, i0 + 1)\n            \
         v1, v2 = T.axis.remap(\"SR\", [i1, i2])\n            T.reads()\n            \
         T.writes()\n            T.evaluate(0)"
    );
}

#[test]
fn a_return_call_prints_as_return() {
    let ret = PrimExpr::call_op(
        DataType::int32(),
        crate::ir::Op::get("ret").unwrap(),
        vec![PrimExpr::i32(5)],
    )
    .unwrap();
    let f = func(vec![], vec![], Stmt::evaluate(ret), Some("func"));
    assert_eq!(
        print_func(&f, &opts()),
        "# from tvm.script import tir as T\n\n@T.prim_func\ndef func():\n    return 5"
    );
}

#[test]
fn a_module_sorts_main_last_and_calls_through_the_module() {
    let mut m = IRModule::new();
    let callee = crate::ir::GlobalVar::new("helper");
    let call = PrimExpr::call_global(DataType::int32(), &callee, vec![]).unwrap();
    m.add("main", func(vec![], vec![], Stmt::evaluate(call), Some("main"))).unwrap();
    m.add_with_global(callee, func(vec![], vec![], Stmt::no_op(), None)).unwrap();
    assert_eq!(
        print_module(&m, &opts()),
        "# from tvm.script import ir as I\n# from tvm.script import tir as T\n\n@I.ir_module\n\
         class Module:\n    @T.prim_func(private=True)\n    def helper():\n        T.evaluate(0)\n\n    \
         @T.prim_func\n    def main():\n        Module.helper()"
    );
}

#[test]
fn the_node_at_a_path_is_underlined() {
    use crate::analysis::path::ObjectPath;
    let a = buffer("A", &[8], DataType::float32());
    let i = i32v("i");
    let load = PrimExpr::buffer_load(&a, vec![PrimExpr::var(&i)]).unwrap();
    let doubled = PrimExpr::binary(BinaryOp::Mul, load, PrimExpr::f32(2.0)).unwrap();
    let store = Stmt::buffer_store(&a, doubled, vec![PrimExpr::var(&i)]);
    let a_handle = handle("a");
    let f = func(vec![a_handle.clone()], vec![(a_handle, a)], serial(&i, 8, store), Some("main"));
    let path = ObjectPath::root().attr("body").attr("body").attr("value").attr("b");
    let text = print_underlined(Node::Func(&f), &[path], &PrintOptions::default());
    assert_eq!(
        text,
        "# from tvm.script import tir as T\n\n@T.prim_func\n\
         def main(A: T.Buffer((8,), \"float32\")):\n    for i in range(8):\n        \
         A[i] = A[i] * T.float32(2.0)\n                      ^^^^^^^^^^^^^^"
    );
}

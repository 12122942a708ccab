//! IR modules built in Rust for the JSON tests: a small kernel, a module that uses every node kind
//! and field of the IR, and deeply nested modules.
#![allow(dead_code)]

use std::sync::Arc;

use tirscript::ir::{
    Annotations, AttrValue, BinaryOp, Block, BlockRealize, Buffer, BufferNode, BufferRegion,
    BufferType, CmpOp, CommReducer, ConstData, DataType, Expr, For, ForKind, GlobalInfo, IRModule,
    IterVar, IterVarType, MatchBufferRegion, Op, PrimExpr, PrimFunc, Range, Stmt, StmtNode, Type,
    Var,
};

pub fn i32c(v: i32) -> PrimExpr {
    PrimExpr::i32(v)
}

pub fn var(v: &Var) -> PrimExpr {
    PrimExpr::var(v)
}

pub fn bin(op: BinaryOp, a: PrimExpr, b: PrimExpr) -> PrimExpr {
    PrimExpr::binary(op, a, b).expect("well-typed binary")
}

/// A buffer with default strides, offset and alignment, whose data pointer lives in `scope`.
pub fn buffer(name: &str, dtype: DataType, shape: Vec<PrimExpr>, scope: &str) -> Buffer {
    Buffer::new(BufferNode {
        name: name.to_string(),
        data: Var::pointer(name, dtype, scope),
        dtype,
        shape,
        strides: Vec::new(),
        elem_offset: i32c(0),
        data_alignment: 64,
        offset_factor: 1,
        buffer_type: BufferType::Default,
        axis_separators: Vec::new(),
    })
}

pub fn serial(loop_var: &Var, extent: PrimExpr, body: Stmt) -> Stmt {
    Stmt::from(For {
        loop_var: loop_var.clone(),
        min: PrimExpr::int(0, extent.dtype()),
        extent,
        kind: ForKind::Serial,
        body,
        thread_binding: None,
        annotations: Annotations::new(),
        step: None,
    })
}

pub fn data_par(v: &Var, extent: i32) -> IterVar {
    IterVar {
        var: v.clone(),
        dom: Some(Range::from_extent(i32c(extent))),
        iter_type: IterVarType::DataPar,
        thread_tag: String::new(),
    }
}

pub fn region_at(buffer: &Buffer, index: &PrimExpr) -> BufferRegion {
    BufferRegion { buffer: buffer.clone(), region: vec![Range::point(index.clone())] }
}

pub fn func(params: Vec<Var>, buffer_map: Vec<(Var, Buffer)>, body: Stmt) -> PrimFunc {
    PrimFunc { params, buffer_map, body, ret_type: Type::void(), attrs: Annotations::new() }
}

/// `A[i] = A[i] * 2.0` over 128 elements in a block, the example of docs/json.md.
pub fn small_module() -> IRModule {
    let a_handle = Var::new("a", DataType::handle());
    let a = buffer("A", DataType::float32(), vec![i32c(128)], "");
    let i = Var::new("i", DataType::int32());
    let vi = Var::new("vi", DataType::int32());
    let load = PrimExpr::buffer_load(&a, vec![var(&vi)]).expect("load");
    let store =
        Stmt::buffer_store(&a, bin(BinaryOp::Mul, load, PrimExpr::f32(2.0)), vec![var(&vi)]);
    let block = Block {
        iter_vars: vec![data_par(&vi, 128)],
        reads: vec![region_at(&a, &var(&vi))],
        writes: vec![region_at(&a, &var(&vi))],
        name_hint: "B".to_string(),
        alloc_buffers: Vec::new(),
        match_buffers: Vec::new(),
        annotations: Annotations::new(),
        init: None,
        body: store,
    };
    let realize = Stmt::from(BlockRealize {
        iter_values: vec![var(&i)],
        predicate: PrimExpr::bool(true),
        block: Arc::new(block),
    });
    let mut f = func(vec![a_handle.clone()], vec![(a_handle, a)], serial(&i, i32c(128), realize));
    f.attrs.insert("global_symbol", AttrValue::Str("main".into()));
    f.attrs.insert("tir.noalias", AttrValue::Bool(true));
    let mut module = IRModule::new();
    module.add("main", f).expect("add main");
    module
}

/// Every dtype spelling the IR knows, each used by a var.
pub const DTYPES: [&str; 22] = [
    "int8",
    "int16",
    "int32",
    "int64",
    "int4",
    "uint8",
    "uint16",
    "uint64",
    "bool",
    "boolx8",
    "float16",
    "float32",
    "float64",
    "bfloat16",
    "float8_e4m3fn",
    "float8_e5m2x4",
    "float4_e2m1fn",
    "float6_e3m2fn",
    "int8x4",
    "float32x16",
    "float32xvscalex4",
    "handle",
];

fn nested_annotations(iv: &IterVar, b: &Buffer, expr: PrimExpr) -> Annotations {
    let mut inner = Annotations::new();
    inner.insert("levels", AttrValue::Array(vec![AttrValue::Int(1), AttrValue::Int(-2)]));
    inner.insert("empty", AttrValue::Map(Annotations::new()));
    let mut map = Annotations::new();
    map.insert("pragma_auto_unroll_max_step", AttrValue::Int(16));
    map.insert("zeta_before_alpha", AttrValue::Str("order is kept".into()));
    map.insert("flag", AttrValue::Bool(false));
    map.insert("nothing", AttrValue::None);
    map.insert("ratio", AttrValue::Float(0.1));
    map.insert("whole", AttrValue::Float(3.0));
    map.insert("infinite", AttrValue::Float(f64::NEG_INFINITY));
    map.insert("not_a_number", AttrValue::Float(f64::NAN));
    map.insert(
        "nested",
        AttrValue::Array(vec![
            AttrValue::Array(vec![AttrValue::Str("x".into()), AttrValue::Array(Vec::new())]),
            AttrValue::Map(inner),
        ]),
    );
    map.insert("expr", AttrValue::Expr(expr));
    map.insert("buffer", AttrValue::Buffer(b.clone()));
    map.insert("iter_var", AttrValue::IterVar(iv.clone()));
    map.insert("odd/key~name", AttrValue::Int(i64::MIN));
    map
}

/// A helper function (`helper(x: int32) -> int32`) and a kernel using every node kind.
pub fn kitchen_sink_module() -> IRModule {
    let mut module = IRModule::new();
    module.attrs.insert("target_hint", AttrValue::Str("llvm".into()));
    let mut target = Annotations::new();
    target.insert("kind", AttrValue::Str("llvm".into()));
    target.insert("tag", AttrValue::Str(String::new()));
    target.insert("keys", AttrValue::Array(vec![AttrValue::Str("cpu".into())]));
    module.attrs.insert("target", AttrValue::Target(target.clone()));
    module.global_infos.push(("dummy".into(), vec![GlobalInfo::Dummy, GlobalInfo::Dummy]));
    let vdevice = GlobalInfo::VDevice { target, vdevice_id: 1, memory_scope: "global".into() };
    module.global_infos.push(("vdevice".into(), vec![vdevice]));

    // helper: returns x + 1 through the `ret` builtin; its return type is int32.
    let x = Var::new("x", DataType::int32());
    let ret = PrimExpr::call_op(
        DataType::int32(),
        Op::get("ret").expect("ret"),
        vec![bin(BinaryOp::Add, var(&x), i32c(1))],
    )
    .expect("ret call");
    let mut helper = func(vec![x], Vec::new(), Stmt::evaluate(ret));
    helper.ret_type = Type::Prim(DataType::int32());
    let helper_gv = module.add("helper", helper).expect("add helper");

    // Buffers: a parameter with symbolic shape, strides, offset and axis separators; a shared
    // scratch buffer; a match_buffer view; a buffer whose shape loads from another buffer.
    let n = Var::size_var("n", DataType::int64());
    let a_handle = Var::new("a", DataType::handle());
    let b_handle = Var::new("b", DataType::handle());
    let elem = Var::new("a_elem_offset", DataType::int32());
    let a = Buffer::new(BufferNode {
        name: "A".into(),
        data: Var::pointer("A", DataType::float32(), "global"),
        dtype: DataType::float32(),
        shape: vec![PrimExpr::var(&n), PrimExpr::i64(16)],
        strides: vec![PrimExpr::i64(32), PrimExpr::i64(1)],
        elem_offset: var(&elem),
        data_alignment: 128,
        offset_factor: 4,
        buffer_type: BufferType::AutoBroadcast,
        axis_separators: vec![1],
    });
    let b = buffer("B", DataType::float(16).with_lanes(4), vec![i32c(8)], "");
    let sizes = buffer("sizes", DataType::int32(), vec![i32c(1)], "");
    let dynamic = buffer(
        "dynamic",
        DataType::int(8),
        vec![PrimExpr::buffer_load(&sizes, vec![i32c(0)]).expect("load size")],
        "",
    );
    let shared = buffer("S", DataType::float32(), vec![i32c(16)], "shared.dyn");
    let view = buffer("V", DataType::float32(), vec![i32c(4)], "global");

    // Expressions of every kind.
    let i = Var::new("i", DataType::int32());
    let f = Var::new("f", DataType::float32());
    let flag = Var::new("flag", DataType::bool());
    let mut exprs = Vec::new();
    for op in [
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Mod,
        BinaryOp::FloorDiv,
        BinaryOp::FloorMod,
        BinaryOp::Min,
        BinaryOp::Max,
    ] {
        exprs.push(bin(op, var(&i), i32c(3)));
    }
    for op in [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge] {
        exprs.push(PrimExpr::cmp(op, var(&f), PrimExpr::f32(0.5)).expect("cmp"));
    }
    let both = PrimExpr::and(var(&flag), PrimExpr::bool(true)).expect("and");
    let either = PrimExpr::or(both.clone(), var(&flag)).expect("or");
    exprs.push(PrimExpr::not(either).expect("not"));
    exprs.push(PrimExpr::select(both, PrimExpr::f32(1.0), var(&f)).expect("select"));
    exprs.push(PrimExpr::cast(DataType::int64(), var(&i)).expect("cast"));
    for value in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -0.0, 1e-310, 0.1, f64::MAX] {
        exprs.push(PrimExpr::float(value, DataType::float(64)));
    }
    exprs.push(PrimExpr::float(f64::from_bits(0x7ff8_0000_0000_0001), DataType::float(64)));
    exprs.push(PrimExpr::float(1.5, DataType::bfloat16()));
    exprs.push(PrimExpr::float(0.25, DataType::parse("float8_e4m3fn").expect("fp8")));
    exprs.push(PrimExpr::int(i64::MIN, DataType::int64()));
    exprs.push(PrimExpr::int(255, DataType::uint(8)));
    exprs.push(PrimExpr::string("a \"quoted\" string\nwith a newline"));
    let ramp = PrimExpr::new(
        DataType::int32().with_lanes(4),
        Expr::Ramp { base: var(&i), stride: i32c(1), lanes: i32c(4) },
    )
    .expect("ramp");
    let vector_load = PrimExpr::buffer_load(&shared, vec![ramp.clone()]).expect("vector load");
    exprs.push(vector_load);
    let mask = PrimExpr::new(
        DataType::bool().with_lanes(4),
        Expr::Broadcast { value: PrimExpr::bool(true), lanes: i32c(4) },
    )
    .expect("broadcast mask");
    let predicated = PrimExpr::new(
        DataType::float32().with_lanes(4),
        Expr::BufferLoad {
            buffer: shared.clone(),
            indices: vec![ramp.clone()],
            predicate: Some(mask),
        },
    )
    .expect("predicated load");
    exprs.push(predicated.clone());
    let vscale =
        PrimExpr::call_op(DataType::int32(), Op::get("vscale").expect("vscale"), Vec::new())
            .expect("vscale");
    exprs.push(
        PrimExpr::new(
            DataType::float32().with_scalable_lanes(4),
            Expr::Broadcast { value: var(&f), lanes: bin(BinaryOp::Mul, vscale, i32c(4)) },
        )
        .expect("scalable broadcast"),
    );
    exprs.push(
        PrimExpr::new(
            DataType::float32().with_lanes(8),
            Expr::Shuffle {
                vectors: vec![predicated.clone(), predicated],
                indices: (0..8).map(i32c).collect(),
            },
        )
        .expect("shuffle"),
    );
    let t = Var::new("t", DataType::int32());
    exprs.push(PrimExpr::let_(&t, i32c(7), bin(BinaryOp::Mul, var(&t), var(&t))).expect("let"));
    exprs.push(PrimExpr::call_global(DataType::int32(), &helper_gv, vec![var(&i)]).expect("call"));
    exprs.push(
        PrimExpr::call_op(
            DataType::void(),
            Op::get("tir.call_extern").expect("extern"),
            vec![PrimExpr::string("printf"), PrimExpr::int(-1, DataType::int(8))],
        )
        .expect("extern call"),
    );
    let (lhs, rhs) = (Var::new("x", DataType::float32()), Var::new("y", DataType::float32()));
    let k = Var::new("k", DataType::int32());
    let reducer = CommReducer {
        lhs: vec![lhs.clone()],
        rhs: vec![rhs.clone()],
        result: vec![bin(BinaryOp::Add, var(&lhs), var(&rhs))],
        identity_element: vec![PrimExpr::f32(0.0)],
    };
    exprs.push(
        PrimExpr::new(
            DataType::float32(),
            Expr::Reduce {
                combiner: Arc::new(reducer),
                source: vec![PrimExpr::buffer_load(&shared, vec![var(&k)]).expect("load")],
                init: vec![PrimExpr::f32(1.0)],
                axis: vec![IterVar {
                    var: k.clone(),
                    dom: Some(Range::from_extent(i32c(16))),
                    iter_type: IterVarType::CommReduce,
                    thread_tag: String::new(),
                }],
                condition: PrimExpr::bool(true),
                value_index: 0,
            },
        )
        .expect("reduce"),
    );
    // A var of every dtype, so every spelling is written.
    for (index, name) in DTYPES.iter().enumerate() {
        let dtype = DataType::parse(name).expect("dtype");
        exprs.push(var(&Var::new(format!("v{index}"), dtype)));
    }
    let mut body: Vec<Stmt> = exprs.into_iter().map(Stmt::evaluate).collect();

    // Statements of every kind.
    let store_pred = Stmt::new(StmtNode::BufferStore {
        buffer: shared.clone(),
        value: PrimExpr::new(
            DataType::float32().with_lanes(4),
            Expr::Broadcast { value: PrimExpr::f32(0.0), lanes: i32c(4) },
        )
        .expect("zeros"),
        indices: vec![ramp],
        predicate: Some(
            PrimExpr::new(
                DataType::bool().with_lanes(4),
                Expr::Broadcast { value: PrimExpr::bool(false), lanes: i32c(4) },
            )
            .expect("mask"),
        ),
    });
    body.push(store_pred);
    body.push(Stmt::new(StmtNode::While {
        condition: PrimExpr::cmp(CmpOp::Lt, var(&i), i32c(10)).expect("lt"),
        body: Stmt::no_op(),
    }));
    body.push(Stmt::new(StmtNode::IfThenElse {
        condition: var(&flag),
        then_case: Stmt::no_op(),
        else_case: Some(Stmt::evaluate(i32c(1))),
    }));
    body.push(Stmt::new(StmtNode::IfThenElse {
        condition: var(&flag),
        then_case: Stmt::no_op(),
        else_case: None,
    }));
    let tx = Var::new("threadIdx.x", DataType::int32());
    let thread = IterVar {
        var: tx.clone(),
        dom: None,
        iter_type: IterVarType::ThreadIndex,
        thread_tag: "threadIdx.x".into(),
    };
    body.push(Stmt::new(StmtNode::AttrStmt {
        node: AttrValue::IterVar(IterVar {
            dom: Some(Range::from_extent(i32c(32))),
            ..thread.clone()
        }),
        attr_key: "thread_extent".into(),
        value: i32c(32),
        body: Stmt::no_op(),
    }));
    body.push(Stmt::new(StmtNode::AttrStmt {
        node: AttrValue::Buffer(b.clone()),
        attr_key: "buffer_bind_scope".into(),
        value: i32c(0),
        body: Stmt::no_op(),
    }));
    body.push(Stmt::new(StmtNode::AttrStmt {
        node: AttrValue::Global(helper_gv.clone()),
        attr_key: "pragma_note".into(),
        value: PrimExpr::string("x"),
        body: Stmt::no_op(),
    }));
    body.push(Stmt::new(StmtNode::AssertStmt {
        condition: PrimExpr::cmp(CmpOp::Ge, var(&n), PrimExpr::i64(0)).expect("ge"),
        message: PrimExpr::string("n must be non-negative"),
        body: Stmt::no_op(),
    }));
    let scratch = Var::pointer("scratch", DataType::float32(), "local");
    let mut alloc_annotations = Annotations::new();
    alloc_annotations.insert("disable_lower_builtin", AttrValue::Bool(true));
    body.push(Stmt::new(StmtNode::Allocate {
        buffer_var: scratch.clone(),
        dtype: DataType::float32(),
        extents: vec![i32c(4), i32c(4)],
        condition: var(&flag),
        body: Stmt::no_op(),
        annotations: alloc_annotations,
    }));
    body.push(Stmt::new(StmtNode::Allocate {
        buffer_var: Var::pointer("plain", DataType::int(8), ""),
        dtype: DataType::int(8),
        extents: vec![i32c(64)],
        condition: PrimExpr::bool(true),
        body: Stmt::no_op(),
        annotations: Annotations::new(),
    }));
    for (name, data, idx) in [
        ("weights", Some(ConstData::Float(vec![0.5, -0.0, f64::INFINITY, 1e300])), None),
        ("table", Some(ConstData::Int(vec![1, -2, i64::MAX])), None),
        ("external", None, Some(3)),
    ] {
        body.push(Stmt::new(StmtNode::AllocateConst {
            buffer_var: Var::pointer(name, DataType::float32(), "global"),
            data,
            irmod_storage_idx: idx,
            dtype: DataType::float32(),
            extents: vec![i32c(4)],
            body: Stmt::no_op(),
            annotations: Annotations::new(),
        }));
    }
    body.push(Stmt::new(StmtNode::DeclBuffer { buffer: dynamic.clone(), body: Stmt::no_op() }));
    body.push(Stmt::new(StmtNode::BufferRealize {
        buffer: b.clone(),
        bounds: vec![Range::new(i32c(0), i32c(8))],
        condition: var(&flag),
        body: Stmt::no_op(),
    }));
    body.push(Stmt::new(StmtNode::LetStmt { var: t.clone(), value: i32c(2), body: Stmt::no_op() }));
    // A block with everything: iter vars of two roles, regions, alloc and match buffers,
    // annotations, an init statement; realized with a non-trivial predicate.
    let vi = Var::new("vi", DataType::int32());
    let vk = Var::new("vk", DataType::int32());
    let annotations = nested_annotations(&thread, &b, bin(BinaryOp::Add, var(&vi), i32c(1)));
    let block = Block {
        iter_vars: vec![
            data_par(&vi, 16),
            IterVar {
                var: vk.clone(),
                dom: Some(Range::new(i32c(0), i32c(16))),
                iter_type: IterVarType::CommReduce,
                thread_tag: String::new(),
            },
        ],
        reads: vec![
            region_at(&shared, &var(&vk)),
            BufferRegion {
                buffer: a.clone(),
                region: vec![Range::point(PrimExpr::i64(0)), Range::from_extent(PrimExpr::i64(16))],
            },
        ],
        writes: vec![region_at(&shared, &var(&vi))],
        name_hint: "everything".into(),
        alloc_buffers: vec![shared.clone()],
        match_buffers: vec![MatchBufferRegion {
            buffer: view.clone(),
            source: BufferRegion {
                buffer: shared.clone(),
                region: vec![Range::new(var(&vi), i32c(4))],
            },
        }],
        annotations,
        init: Some(Stmt::buffer_store(&shared, PrimExpr::f32(0.0), vec![var(&vi)])),
        body: Stmt::buffer_store(
            &shared,
            bin(
                BinaryOp::Add,
                PrimExpr::buffer_load(&shared, vec![var(&vi)]).expect("load"),
                PrimExpr::buffer_load(&view, vec![i32c(0)]).expect("load view"),
            ),
            vec![var(&vi)],
        ),
    };
    let block = Arc::new(block);
    body.push(Stmt::from(BlockRealize {
        iter_values: vec![var(&i), i32c(0)],
        predicate: PrimExpr::cmp(CmpOp::Lt, var(&i), i32c(16)).expect("lt"),
        block: block.clone(),
    }));
    body.push(Stmt::new(StmtNode::Block(Arc::new(Block {
        iter_vars: Vec::new(),
        reads: Vec::new(),
        writes: Vec::new(),
        name_hint: "root".into(),
        alloc_buffers: Vec::new(),
        match_buffers: Vec::new(),
        annotations: Annotations::new(),
        init: None,
        body: Stmt::no_op(),
    }))));
    // A nested SeqStmt (not flattened: the format keeps the IR as it is).
    body.push(Stmt::new(StmtNode::SeqStmt(vec![Stmt::no_op(), Stmt::evaluate(i32c(5))])));
    let inner = Stmt::new(StmtNode::SeqStmt(body));

    // Loops of every kind around the body, with a thread binding, annotations and a step.
    let mut loop_annotations = Annotations::new();
    loop_annotations.insert("pragma_unroll_explicit", AttrValue::Int(0));
    let j = Var::new("j", DataType::int64());
    let mut stmt = Stmt::from(For {
        loop_var: tx.clone(),
        min: i32c(0),
        extent: i32c(32),
        kind: ForKind::ThreadBinding,
        body: inner,
        thread_binding: Some(thread),
        annotations: Annotations::new(),
        step: None,
    });
    for (kind, loop_var, extent) in [
        (ForKind::Vectorized, Var::new("v", DataType::int32()), i32c(4)),
        (ForKind::Unrolled, Var::new("u", DataType::int32()), i32c(2)),
        (ForKind::Parallel, i.clone(), i32c(16)),
    ] {
        stmt = Stmt::from(For {
            loop_var,
            min: i32c(0),
            extent,
            kind,
            body: stmt,
            thread_binding: None,
            annotations: loop_annotations.clone(),
            step: None,
        });
    }
    stmt = Stmt::from(For {
        loop_var: j.clone(),
        min: PrimExpr::i64(1),
        extent: PrimExpr::var(&n),
        kind: ForKind::Serial,
        body: stmt,
        thread_binding: None,
        annotations: Annotations::new(),
        step: Some(PrimExpr::i64(2)),
    });
    let body = Stmt::new(StmtNode::LetStmt {
        var: flag,
        value: PrimExpr::bool(true),
        body: Stmt::new(StmtNode::LetStmt { var: f, value: PrimExpr::f32(0.5), body: stmt }),
    });

    let mut kernel = func(
        vec![a_handle.clone(), b_handle.clone(), Var::new("m", DataType::int32()), elem],
        vec![(a_handle, a), (b_handle, b)],
        body,
    );
    kernel.attrs.insert("global_symbol", AttrValue::Str("kernel".into()));
    kernel.attrs.insert("callee", AttrValue::Global(helper_gv));
    module.add("kernel", kernel).expect("add kernel");
    module
}

/// A function whose body is `depth` nested `LetStmt`s around an expression `depth` deep.
pub fn deep_module(depth: usize) -> IRModule {
    let x = Var::new("x", DataType::int32());
    let mut expr = var(&x);
    for step in 0..depth {
        expr = bin(BinaryOp::Add, expr, i32c(step as i32));
    }
    let mut stmt = Stmt::evaluate(expr);
    for step in 0..depth {
        let v = Var::new(format!("v{step}"), DataType::int32());
        stmt = Stmt::new(StmtNode::LetStmt { var: v, value: var(&x), body: stmt });
    }
    let mut module = IRModule::new();
    module.add("deep", func(vec![x], Vec::new(), stmt)).expect("add deep");
    module
}

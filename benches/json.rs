//! JSON write and read throughput on a large generated module (256 functions, each a matmul
//! with blocks and a reduction plus an elementwise loop nest with a branch).
//!
//! Run: `cargo bench --bench json`. Throughput is reported in bytes of JSON per second, for the
//! pretty form (what `to_json` writes) and the compact form.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tirscript::ir::{
    Annotations, AttrValue, BinaryOp, Block, BlockRealize, Buffer, BufferNode, BufferRegion,
    BufferType, DataType, For, ForKind, IRModule, IterVar, IterVarType, PrimExpr, PrimFunc, Range,
    Stmt, StmtNode, Type, Var,
};
use tirscript::json::{from_json, to_json, write_json};

const FUNCTIONS: usize = 256;

fn c(v: i32) -> PrimExpr {
    PrimExpr::i32(v)
}

fn v(var: &Var) -> PrimExpr {
    PrimExpr::var(var)
}

fn op(kind: BinaryOp, a: PrimExpr, b: PrimExpr) -> PrimExpr {
    PrimExpr::binary(kind, a, b).expect("well-typed")
}

fn buffer(name: &str, shape: &[i32]) -> (Var, Buffer) {
    let buffer = Buffer::new(BufferNode {
        name: name.to_string(),
        data: Var::pointer(name, DataType::float32(), "global"),
        dtype: DataType::float32(),
        shape: shape.iter().map(|&n| c(n)).collect(),
        strides: Vec::new(),
        elem_offset: c(0),
        data_alignment: 64,
        offset_factor: 1,
        buffer_type: BufferType::Default,
        axis_separators: Vec::new(),
    });
    (Var::new(name.to_lowercase(), DataType::handle()), buffer)
}

fn for_loop(var: &Var, extent: i32, kind: ForKind, body: Stmt) -> Stmt {
    Stmt::from(For {
        loop_var: var.clone(),
        min: c(0),
        extent: c(extent),
        kind,
        body,
        thread_binding: None,
        annotations: Annotations::new(),
        step: None,
    })
}

fn iter_var(var: &Var, extent: i32, iter_type: IterVarType) -> IterVar {
    IterVar {
        var: var.clone(),
        dom: Some(Range::from_extent(c(extent))),
        iter_type,
        thread_tag: String::new(),
    }
}

fn point(buffer: &Buffer, indices: &[&Var]) -> BufferRegion {
    let region = indices.iter().map(|i| Range::point(v(i))).collect();
    BufferRegion { buffer: buffer.clone(), region }
}

fn load(buffer: &Buffer, indices: &[&Var]) -> PrimExpr {
    PrimExpr::buffer_load(buffer, indices.iter().map(|i| v(i)).collect()).expect("load")
}

/// `C = A × B` over `n × n` float32 matrices, then `D[i] = max(C[i, 0] * 2 + 1, 0)` with a branch.
fn kernel(n: i32) -> PrimFunc {
    let (a_param, a) = buffer("A", &[n, n]);
    let (b_param, b) = buffer("B", &[n, n]);
    let (c_param, cb) = buffer("C", &[n, n]);
    let (d_param, d) = buffer("D", &[n]);
    let (i, j, k) = (
        Var::new("i", DataType::int32()),
        Var::new("j", DataType::int32()),
        Var::new("k", DataType::int32()),
    );
    let (vi, vj, vk) = (
        Var::new("vi", DataType::int32()),
        Var::new("vj", DataType::int32()),
        Var::new("vk", DataType::int32()),
    );
    let update = op(
        BinaryOp::Add,
        load(&cb, &[&vi, &vj]),
        op(BinaryOp::Mul, load(&a, &[&vi, &vk]), load(&b, &[&vk, &vj])),
    );
    let block = Block {
        iter_vars: vec![
            iter_var(&vi, n, IterVarType::DataPar),
            iter_var(&vj, n, IterVarType::DataPar),
            iter_var(&vk, n, IterVarType::CommReduce),
        ],
        reads: vec![point(&a, &[&vi, &vk]), point(&b, &[&vk, &vj])],
        writes: vec![point(&cb, &[&vi, &vj])],
        name_hint: "C".into(),
        alloc_buffers: Vec::new(),
        match_buffers: Vec::new(),
        annotations: Annotations::new(),
        init: Some(Stmt::buffer_store(&cb, PrimExpr::f32(0.0), vec![v(&vi), v(&vj)])),
        body: Stmt::buffer_store(&cb, update, vec![v(&vi), v(&vj)]),
    };
    let realize = Stmt::from(BlockRealize {
        iter_values: vec![v(&i), v(&j), v(&k)],
        predicate: PrimExpr::bool(true),
        block: Arc::new(block),
    });
    let matmul = for_loop(
        &i,
        n,
        ForKind::Parallel,
        for_loop(&j, n, ForKind::Serial, for_loop(&k, n, ForKind::Serial, realize)),
    );

    let e = Var::new("e", DataType::int32());
    let zero = Var::new("zero", DataType::int32());
    let scaled = op(
        BinaryOp::Add,
        op(
            BinaryOp::Mul,
            PrimExpr::buffer_load(&cb, vec![v(&e), v(&zero)]).expect("load"),
            PrimExpr::f32(2.0),
        ),
        PrimExpr::f32(1.0),
    );
    let positive =
        PrimExpr::cmp(tirscript::ir::CmpOp::Gt, scaled.clone(), PrimExpr::f32(0.0)).expect("cmp");
    let branch = Stmt::new(StmtNode::IfThenElse {
        condition: positive,
        then_case: Stmt::buffer_store(
            &d,
            op(BinaryOp::Max, scaled, PrimExpr::f32(0.0)),
            vec![v(&e)],
        ),
        else_case: Some(Stmt::buffer_store(&d, PrimExpr::f32(0.0), vec![v(&e)])),
    });
    let elementwise = Stmt::new(StmtNode::LetStmt {
        var: zero,
        value: c(0),
        body: for_loop(&e, n, ForKind::Vectorized, branch),
    });

    let mut attrs = Annotations::new();
    attrs.insert("tir.noalias", AttrValue::Bool(true));
    PrimFunc {
        params: vec![a_param.clone(), b_param.clone(), c_param.clone(), d_param.clone()],
        buffer_map: vec![(a_param, a), (b_param, b), (c_param, cb), (d_param, d)],
        body: Stmt::seq(vec![matmul, elementwise]),
        ret_type: Type::void(),
        attrs,
    }
}

fn large_module() -> IRModule {
    let mut module = IRModule::new();
    for index in 0..FUNCTIONS {
        let n = 16 + (index % 8) as i32 * 16;
        module.add(&format!("kernel_{index}"), kernel(n)).expect("unique names");
    }
    module
}

fn json_throughput(criterion: &mut Criterion) {
    let module = large_module();
    let pretty = to_json(&module);
    let mut compact = Vec::new();
    write_json(&module, &mut compact, false).expect("write");
    let compact = String::from_utf8(compact).expect("utf-8");
    eprintln!(
        "json bench module: {FUNCTIONS} functions, {} bytes pretty, {} bytes compact",
        pretty.len(),
        compact.len()
    );

    let mut group = criterion.benchmark_group("json");
    group.sample_size(20);
    for (name, text, pretty_flag) in [("pretty", &pretty, true), ("compact", &compact, false)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("write_{name}"), |b| {
            b.iter_with_large_drop(|| {
                let mut out = Vec::with_capacity(text.len());
                write_json(black_box(&module), &mut out, pretty_flag).expect("write");
                out
            })
        });
        group.bench_function(format!("read_{name}"), |b| {
            // Dropping the module is not part of reading it.
            b.iter_with_large_drop(|| from_json(black_box(text)).expect("read"))
        });
    }
    group.finish();
}

criterion_group!(benches, json_throughput);
criterion_main!(benches);

//! Rendering throughput on a large synthetic module shaped like printed TIR: a class of many
//! functions, each with buffer parameters, nested loops, `with T.block` scopes, axis bindings,
//! reads/writes, and buffer stores with arithmetic. Throughput is reported in output bytes.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tirscript_printer::{
    ArgDoc, BinaryOp, ClassDoc, ExprDoc, FunctionDoc, RenderOptions, SliceDoc, StmtDoc, render,
};

fn buffer_param(t: &ExprDoc, name: &str) -> ArgDoc {
    ArgDoc::new(
        ExprDoc::id(name),
        Some(t.attr("Buffer").call(vec![
            ExprDoc::tuple(vec![ExprDoc::int(128), ExprDoc::int(128)]),
            ExprDoc::str("float32"),
        ])),
        None,
    )
}

fn kernel(t: &ExprDoc, index: usize) -> StmtDoc {
    let (a, b, c) = (ExprDoc::id("A"), ExprDoc::id("B"), ExprDoc::id("C"));
    let (i, j, k) = (ExprDoc::id("i"), ExprDoc::id("j"), ExprDoc::id("k"));
    let (vi, vj, vk) = (ExprDoc::id("vi"), ExprDoc::id("vj"), ExprDoc::id("vk"));
    let store = StmtDoc::assign(
        c.index_exprs(vec![vi.clone(), vj.clone()]),
        Some(
            c.index_exprs(vec![vi.clone(), vj.clone()]).add(
                a.index_exprs(vec![vi.clone(), vk.clone()])
                    .mul(b.index_exprs(vec![vj.clone(), vk.clone()]))
                    .op(BinaryOp::FloorDiv, ExprDoc::int(3).sub(vi.clone().add(ExprDoc::int(1)))),
            ),
        ),
        None,
    );
    let init = StmtDoc::scope(
        None,
        t.attr("init").call(vec![]),
        vec![StmtDoc::assign(
            c.index_exprs(vec![vi.clone(), vj.clone()]),
            Some(t.attr("float32").call(vec![ExprDoc::float(0.0)])),
            None,
        )],
    );
    let block = StmtDoc::scope(
        None,
        t.attr("block").call(vec![ExprDoc::str("update")]),
        vec![
            StmtDoc::assign(
                ExprDoc::tuple(vec![vi.clone(), vj.clone(), vk.clone()]),
                Some(t.attr("axis").attr("remap").call(vec![
                    ExprDoc::str("SSR"),
                    ExprDoc::list(vec![i.clone(), j.clone(), k.clone()]),
                ])),
                None,
            ),
            StmtDoc::expr(t.attr("reads").call(vec![
                a.index(vec![
                    vi.clone().into(),
                    SliceDoc::new(Some(ExprDoc::int(0)), Some(ExprDoc::int(128)), None).into(),
                ]),
                b.index(vec![
                    vj.clone().into(),
                    SliceDoc::new(Some(ExprDoc::int(0)), Some(ExprDoc::int(128)), None).into(),
                ]),
            ])),
            StmtDoc::expr(t.attr("writes").call(vec![c.index_exprs(vec![vi.clone(), vj.clone()])])),
            init,
            store,
        ],
    );
    let loops = StmtDoc::for_loop(
        ExprDoc::tuple(vec![i.clone(), j.clone(), k.clone()]),
        t.attr("grid").call(vec![ExprDoc::int(128), ExprDoc::int(128), ExprDoc::int(128)]),
        vec![block],
    );
    let guarded = StmtDoc::if_else(
        ExprDoc::id("n").op(BinaryOp::Lt, ExprDoc::int(64)).op(BinaryOp::And, ExprDoc::bool(true)),
        vec![loops.clone()],
        vec![StmtDoc::expr(t.attr("evaluate").call(vec![ExprDoc::int(0)]))],
    );
    FunctionDoc {
        name: ExprDoc::id(format!("kernel_{index}")),
        args: vec![buffer_param(t, "A"), buffer_param(t, "B"), buffer_param(t, "C")],
        decorators: vec![t.attr("prim_func")],
        return_type: None,
        body: vec![
            StmtDoc::expr(t.attr("func_attr").call(vec![ExprDoc::dict(vec![(
                ExprDoc::str("tir.noalias"),
                ExprDoc::bool(true),
            )])])),
            loops,
            guarded,
        ],
    }
    .into()
}

fn module(functions: usize) -> StmtDoc {
    let t = ExprDoc::id("T");
    StmtDoc::block(vec![
        StmtDoc::comment_line("from tvm.script import ir as I"),
        StmtDoc::comment_line("from tvm.script import tir as T"),
        StmtDoc::comment_line(""),
        StmtDoc::class(ClassDoc {
            name: ExprDoc::id("Module"),
            decorators: vec![ExprDoc::id("I").attr("ir_module")],
            body: (0..functions).map(|index| kernel(&t, index)).collect(),
        }),
    ])
}

fn bench_render(c: &mut Criterion) {
    let doc = module(2000);
    let options = RenderOptions::default();
    let bytes = render(&doc, &options).map(|text| text.len()).unwrap_or(0);
    let mut group = c.benchmark_group("render");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("module_2000_functions", |bencher| {
        bencher.iter(|| render(black_box(&doc), &options))
    });
    group.finish();
}

criterion_group!(benches, bench_render);
criterion_main!(benches);

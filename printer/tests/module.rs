//! A whole module in the shape TVM prints TIR: header comments, `@I.ir_module`, two prim
//! functions separated by a blank line, buffer parameters, `T.func_attr`, the elided root block
//! comment, `T.grid` loops, blocks with `T.axis.remap`, reads/writes, `T.init()`, and a store.
//! The expected text follows TVM's layout rules (python_doc_printer.cc); the docs are built the
//! way TVM's TIR docsifier builds them.

use tirscript_printer::{ArgDoc, ClassDoc, ExprDoc, FunctionDoc, RenderOptions, StmtDoc, render};

fn buffer(t: &ExprDoc, shape: &[i64]) -> ExprDoc {
    t.attr("Buffer").call(vec![
        ExprDoc::tuple(shape.iter().map(|&extent| ExprDoc::int(extent)).collect()),
        ExprDoc::str("float32"),
    ])
}

fn matmul(t: &ExprDoc, name: &str) -> FunctionDoc {
    let (a, b, c) = (ExprDoc::id("A"), ExprDoc::id("B"), ExprDoc::id("C"));
    let (i, j, k) = (ExprDoc::id("i"), ExprDoc::id("j"), ExprDoc::id("k"));
    let (vi, vj, vk) = (ExprDoc::id("vi"), ExprDoc::id("vj"), ExprDoc::id("vk"));
    let c_ij = c.index_exprs(vec![vi.clone(), vj.clone()]);
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
                c_ij.clone(),
                a.index_exprs(vec![vi.clone(), vk.clone()]),
                b.index_exprs(vec![vj.clone(), vk.clone()]),
            ])),
            StmtDoc::expr(t.attr("writes").call(vec![c_ij.clone()])),
            StmtDoc::scope(
                None,
                t.attr("init").call(vec![]),
                vec![StmtDoc::assign(
                    c_ij.clone(),
                    Some(t.attr("float32").call(vec![ExprDoc::float(0.0)])),
                    None,
                )],
            ),
            StmtDoc::assign(
                c_ij.clone(),
                Some(
                    c_ij.add(
                        a.index_exprs(vec![vi.clone(), vk.clone()])
                            .mul(b.index_exprs(vec![vj.clone(), vk.clone()])),
                    ),
                ),
                None,
            ),
        ],
    );
    FunctionDoc {
        name: ExprDoc::id(name),
        args: vec![
            ArgDoc::new(a.clone(), Some(buffer(t, &[128, 128])), None),
            ArgDoc::new(b.clone(), Some(buffer(t, &[128, 128])), None),
            ArgDoc::new(c.clone(), Some(buffer(t, &[128, 128])), None),
        ],
        decorators: vec![t.attr("prim_func")],
        return_type: None,
        body: vec![
            StmtDoc::expr(t.attr("func_attr").call(vec![ExprDoc::dict(vec![(
                ExprDoc::str("tir.noalias"),
                ExprDoc::bool(true),
            )])])),
            StmtDoc::comment_line("with T.block(\"root\"):"),
            StmtDoc::for_loop(
                ExprDoc::tuple(vec![i.clone(), j.clone(), k.clone()]),
                t.attr("grid").call(vec![ExprDoc::int(128), ExprDoc::int(128), ExprDoc::int(128)]),
                vec![block],
            ),
        ],
    }
}

const EXPECTED: &str = r#"# from tvm.script import ir as I
# from tvm.script import tir as T

@I.ir_module
class Module:
    @T.prim_func
    def first(A: T.Buffer((128, 128), "float32"), B: T.Buffer((128, 128), "float32"), C: T.Buffer((128, 128), "float32")):
        T.func_attr({"tir.noalias": True})
        # with T.block("root"):
        for i, j, k in T.grid(128, 128, 128):
            with T.block("update"):
                vi, vj, vk = T.axis.remap("SSR", [i, j, k])
                T.reads(C[vi, vj], A[vi, vk], B[vj, vk])
                T.writes(C[vi, vj])
                with T.init():
                    C[vi, vj] = T.float32(0.0)
                C[vi, vj] = C[vi, vj] + A[vi, vk] * B[vj, vk]

    @T.prim_func
    def second(A: T.Buffer((128, 128), "float32"), B: T.Buffer((128, 128), "float32"), C: T.Buffer((128, 128), "float32")):
        T.func_attr({"tir.noalias": True})
        # with T.block("root"):
        for i, j, k in T.grid(128, 128, 128):
            with T.block("update"):
                vi, vj, vk = T.axis.remap("SSR", [i, j, k])
                T.reads(C[vi, vj], A[vi, vk], B[vj, vk])
                T.writes(C[vi, vj])
                with T.init():
                    C[vi, vj] = T.float32(0.0)
                C[vi, vj] = C[vi, vj] + A[vi, vk] * B[vj, vk]"#;

#[test]
fn module_of_two_prim_functions() {
    let t = ExprDoc::id("T");
    let module = StmtDoc::block(vec![
        StmtDoc::comment_line("from tvm.script import ir as I"),
        StmtDoc::comment_line("from tvm.script import tir as T"),
        StmtDoc::comment_line(""),
        StmtDoc::class(ClassDoc {
            name: ExprDoc::id("Module"),
            decorators: vec![ExprDoc::id("I").attr("ir_module")],
            body: vec![matmul(&t, "first").into(), matmul(&t, "second").into()],
        }),
    ]);
    let text = render(&module, &RenderOptions::default());
    assert_eq!(text.as_deref(), Ok(EXPECTED));
}

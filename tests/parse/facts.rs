//! Structural facts about the IR some corpus files must build, checked without the printer:
//! block reads/writes and iter var kinds, loop nesting and kinds, lets, asserts, buffer fields,
//! constants, calls between functions.

use tirscript::ir::visit::{walk_expr, walk_stmt, walk_stmt_exprs};
use tirscript::ir::{
    AttrValue, BinaryOp, Block, Callee, DataType, Expr, ForKind, IRModule, IterVarType, PrimFunc,
    Stmt, StmtNode,
};

use super::common::show_regions;

type Fact = fn(&IRModule) -> Result<(), String>;

/// Facts by corpus name (`ok/<group>/<file>` without `.tir`).
pub const FACTS: &[(&str, Fact)] = &[
    ("ok/blocks/matmul", matmul),
    ("ok/blocks/reduce_sum", reduce_sum),
    ("ok/blocks/root_alloc", root_alloc),
    ("ok/blocks/block_where", block_where),
    ("ok/blocks/match_buffer_region", match_buffer_region),
    ("ok/loops/grid_4d", grid_4d),
    ("ok/loops/thread_binding", thread_binding),
    ("ok/loops/range_start_stop", range_start_stop),
    ("ok/loops/serial_annotated", serial_annotated),
    ("ok/stmts/let_implicit", let_implicit),
    ("ok/stmts/assert_stmt", assert_stmt),
    ("ok/stmts/if_else", if_else),
    ("ok/stmts/launch_thread", launch_thread),
    ("ok/buffers/match_buffer_strides", match_buffer_strides),
    ("ok/buffers/decl_buffer_scoped", decl_buffer_scoped),
    ("ok/constants/const_int64", const_int64),
    ("ok/exprs/floordiv_floormod", floordiv_floormod),
    ("ok/modules/call_between", call_between),
    ("ok/funcs/private_func", private_func),
    ("ok/buffers/vector_slice_load", vector_slice_load),
];

fn main_func(m: &IRModule) -> Result<&PrimFunc, String> {
    m.functions().next().map(|(_, f)| f.as_ref()).ok_or_else(|| "no function".to_string())
}

fn stmts(f: &PrimFunc) -> Vec<Stmt> {
    let mut out = Vec::new();
    walk_stmt(&f.body, &mut |s| out.push(s.clone()));
    out
}

fn block(f: &PrimFunc, name: &str) -> Result<std::sync::Arc<Block>, String> {
    stmts(f)
        .iter()
        .find_map(|s| match s.node() {
            StmtNode::BlockRealize(r) if r.block.name_hint == name => Some(r.block.clone()),
            StmtNode::Block(b) if b.name_hint == name => Some(b.clone()),
            _ => None,
        })
        .ok_or_else(|| format!("no block named {name:?}"))
}

fn expect<T: PartialEq + std::fmt::Debug>(
    what: &str,
    actual: T,
    expected: T,
) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err(format!("{what}: expected {expected:?}, got {actual:?}"))
    }
}

fn loops(f: &PrimFunc) -> Vec<tirscript::ir::For> {
    stmts(f)
        .iter()
        .filter_map(|s| match s.node() {
            StmtNode::For(l) => Some(l.clone()),
            _ => None,
        })
        .collect()
}

fn matmul(m: &IRModule) -> Result<(), String> {
    let f = main_func(m)?;
    let c = block(f, "C")?;
    expect(
        "reads",
        show_regions(&c.reads),
        vec!["A[vi, vk]".to_string(), "B[vj, vk]".to_string()],
    )?;
    expect("writes", show_regions(&c.writes), vec!["C[vi, vj]".to_string()])?;
    let kinds: Vec<IterVarType> = c.iter_vars.iter().map(|iv| iv.iter_type).collect();
    expect(
        "iter var kinds",
        kinds,
        vec![IterVarType::DataPar, IterVarType::DataPar, IterVarType::CommReduce],
    )?;
    expect("has init", c.init.is_some(), true)?;
    expect("noalias", matches!(f.attrs.get("tir.noalias"), Some(AttrValue::Bool(true))), true)?;
    let root = block(f, "root")?;
    expect("root reads", root.reads.len(), 0)
}

fn reduce_sum(m: &IRModule) -> Result<(), String> {
    let b = block(main_func(m)?, "B")?;
    expect("reads", show_regions(&b.reads), vec!["A[vi, vk]".to_string()])?;
    let dom = b.iter_vars[1].dom.as_ref().ok_or("vk has no domain")?;
    expect("vk extent", dom.extent.as_int(), Some(128))
}

fn root_alloc(m: &IRModule) -> Result<(), String> {
    let root = block(main_func(m)?, "root")?;
    let names: Vec<&str> = root.alloc_buffers.iter().map(|b| b.name()).collect();
    expect("root allocations", names, vec!["B"])
}

fn block_where(m: &IRModule) -> Result<(), String> {
    let found = stmts(main_func(m)?).iter().any(|s| match s.node() {
        StmtNode::BlockRealize(r) => r.block.name_hint == "B" && r.predicate.as_int().is_none(),
        _ => false,
    });
    expect("block B has a non-constant predicate", found, true)
}

fn match_buffer_region(m: &IRModule) -> Result<(), String> {
    let tile = block(main_func(m)?, "tile")?;
    expect("match buffers", tile.match_buffers.len(), 2)?;
    let shape: Vec<Option<i64>> =
        tile.match_buffers[0].buffer.shape().iter().map(|e| e.as_int()).collect();
    expect("tile shape", shape, vec![Some(16), Some(16)])?;
    expect("source buffer", tile.match_buffers[0].source.buffer.name(), "A")
}

fn grid_4d(m: &IRModule) -> Result<(), String> {
    let extents: Vec<Option<i64>> =
        loops(main_func(m)?).iter().map(|l| l.extent.as_int()).collect();
    expect("nested extents", extents, vec![Some(2), Some(3), Some(4), Some(5)])?;
    let names: Vec<String> =
        loops(main_func(m)?).iter().map(|l| l.loop_var.name().to_string()).collect();
    expect("loop vars", names, vec!["n".to_string(), "c".into(), "h".into(), "w".into()])
}

fn thread_binding(m: &IRModule) -> Result<(), String> {
    let ls = loops(main_func(m)?);
    expect(
        "kinds",
        ls.iter().map(|l| l.kind).collect::<Vec<_>>(),
        vec![ForKind::ThreadBinding, ForKind::ThreadBinding],
    )?;
    let tags: Vec<String> = ls
        .iter()
        .map(|l| l.thread_binding.as_ref().map(|t| t.thread_tag.clone()).unwrap_or_default())
        .collect();
    expect("thread tags", tags, vec!["blockIdx.x".to_string(), "threadIdx.x".to_string()])
}

fn range_start_stop(m: &IRModule) -> Result<(), String> {
    let l = &loops(main_func(m)?)[0];
    expect("min", l.min.as_int(), Some(4))?;
    expect("extent", l.extent.as_int(), Some(8))
}

fn serial_annotated(m: &IRModule) -> Result<(), String> {
    let l = &loops(main_func(m)?)[0];
    expect(
        "annotation",
        matches!(l.annotations.get("pragma_auto_unroll_max_step"), Some(AttrValue::Int(16))),
        true,
    )
}

fn let_implicit(m: &IRModule) -> Result<(), String> {
    let found = stmts(main_func(m)?).iter().any(|s| {
        matches!(s.node(), StmtNode::LetStmt { var, .. } if var.name() == "x" && var.dtype() == DataType::int32())
    });
    expect("let x: int32", found, true)
}

fn assert_stmt(m: &IRModule) -> Result<(), String> {
    let found = stmts(main_func(m)?).iter().any(|s| {
        matches!(s.node(), StmtNode::AssertStmt { message, .. } if matches!(message.expr(), Expr::StringImm(t) if t == "n must be positive"))
    });
    expect("assert with message", found, true)
}

fn if_else(m: &IRModule) -> Result<(), String> {
    let found = stmts(main_func(m)?)
        .iter()
        .any(|s| matches!(s.node(), StmtNode::IfThenElse { else_case: Some(_), .. }));
    expect("if with else", found, true)
}

fn launch_thread(m: &IRModule) -> Result<(), String> {
    let keys: Vec<String> = stmts(main_func(m)?)
        .iter()
        .filter_map(|s| match s.node() {
            StmtNode::AttrStmt { attr_key, node: AttrValue::IterVar(iv), .. } => {
                Some(format!("{attr_key}:{}", iv.thread_tag))
            }
            _ => None,
        })
        .collect();
    expect(
        "launches",
        keys,
        vec!["thread_extent:blockIdx.x".to_string(), "thread_extent:threadIdx.x".to_string()],
    )
}

fn match_buffer_strides(m: &IRModule) -> Result<(), String> {
    let f = main_func(m)?;
    let (_, a) = f.buffer_map.first().ok_or("no buffer_map")?;
    expect(
        "strides",
        a.strides().iter().map(|e| e.as_int()).collect::<Vec<_>>(),
        vec![Some(32), Some(1)],
    )
}

fn decl_buffer_scoped(m: &IRModule) -> Result<(), String> {
    match main_func(m)?.body.node() {
        StmtNode::Allocate { body, .. } => expect(
            "allocate wraps decl_buffer",
            matches!(body.node(), StmtNode::DeclBuffer { .. }),
            true,
        ),
        other => Err(format!("expected Allocate(DeclBuffer), got {other:?}")),
    }
}

fn const_int64(m: &IRModule) -> Result<(), String> {
    match main_func(m)?.body.node() {
        StmtNode::BufferStore { value, .. } => {
            expect("dtype", value.dtype(), DataType::int64())?;
            expect("value", value.as_int(), Some(123456789012))
        }
        other => Err(format!("expected a store, got {other:?}")),
    }
}

fn floordiv_floormod(m: &IRModule) -> Result<(), String> {
    let mut ops = Vec::new();
    walk_stmt_exprs(&main_func(m)?.body, &mut |e| {
        if let Expr::Binary { op, .. } = e.expr() {
            ops.push(*op);
        }
    });
    expect("operators", ops, vec![BinaryOp::FloorDiv, BinaryOp::FloorMod])
}

fn call_between(m: &IRModule) -> Result<(), String> {
    let sub = m.global_var("sub").ok_or("no function sub")?.clone();
    let (_, main) = m.lookup("main").ok_or("no function main")?;
    let mut calls = 0;
    walk_stmt_exprs(&main.body, &mut |e| {
        walk_expr(e, &mut |x| {
            if matches!(x.expr(), Expr::Call { op: Callee::Global(g), .. } if *g == sub) {
                calls += 1;
            }
        })
    });
    expect("calls to the module's sub", calls, 1)?;
    let (_, sub_func) = m.lookup("sub").ok_or("no sub")?;
    expect("sub is private", sub_func.global_symbol(), None)
}

fn private_func(m: &IRModule) -> Result<(), String> {
    expect("no global_symbol", main_func(m)?.global_symbol(), None)
}

fn vector_slice_load(m: &IRModule) -> Result<(), String> {
    match main_func(m)?.body.node() {
        StmtNode::BufferStore { value, indices, .. } => {
            expect("value dtype", value.dtype().to_string(), "float32x4".to_string())?;
            expect("ramp index", matches!(indices[0].expr(), Expr::Ramp { .. }), true)
        }
        other => Err(format!("expected a store, got {other:?}")),
    }
}

//! Block access region detection through the builder, case by case. Each expected region was worked
//! out by hand from TVM v0.23's `block_access_region_detector.cc` rules (see the module docs of
//! `tirscript::analysis::block_access`).

mod common;

use common::show_regions;
use tirscript::arith::ops;
use tirscript::builder::{BufferSpec, BuildResult, IRBuilder};
use tirscript::ir::{
    Annotations, Block, Buffer, BufferRegion, CmpOp, DataType, ForKind, IterVarType, Op, PrimExpr,
    PrimFunc, Range, StmtNode, Var,
};

fn i(v: i32) -> PrimExpr {
    PrimExpr::i32(v)
}
fn var(v: &Var) -> PrimExpr {
    PrimExpr::var(v)
}
fn load(b: &Buffer, idx: Vec<PrimExpr>) -> PrimExpr {
    PrimExpr::buffer_load(b, idx).unwrap()
}

/// A function with buffers `A` (float32, `a_shape`) and `B` (float32, `b_shape`) whose body `body`
/// builds inside the open function frame; returns the finished function.
fn with_func(
    a_shape: &[i32],
    b_shape: &[i32],
    body: impl FnOnce(&mut IRBuilder, &Buffer, &Buffer),
) -> PrimFunc {
    let mut b = IRBuilder::new();
    b.prim_func(false).unwrap();
    let shape = |s: &[i32]| s.iter().map(|&d| i(d)).collect();
    let a = b
        .arg_buffer(BufferSpec::new("A", shape(a_shape), DataType::float32()).build().unwrap())
        .unwrap();
    let out = b
        .arg_buffer(BufferSpec::new("B", shape(b_shape), DataType::float32()).build().unwrap())
        .unwrap();
    body(&mut b, &a, &out);
    b.exit().unwrap();
    match b.finish().unwrap() {
        BuildResult::Func(f) => f,
        other => panic!("expected a function, got {other:?}"),
    }
}

/// Every block of `f` by name, in pre-order.
fn block(f: &PrimFunc, name: &str) -> Block {
    let mut found = None;
    tirscript::ir::visit::walk_stmt(&f.body, &mut |s| {
        if let StmtNode::BlockRealize(r) = s.node()
            && r.block.name_hint == name
            && found.is_none()
        {
            found = Some((*r.block).clone());
        }
    });
    found.unwrap_or_else(|| panic!("no block {name}"))
}

/// Opens `with T.block(name): v = T.axis.spatial(extent, binding)` and returns `v`.
fn spatial_block(b: &mut IRBuilder, name: &str, extent: i32, binding: PrimExpr) -> Var {
    b.block(name, false).unwrap();
    b.axis("v", IterVarType::DataPar, Range::from_extent(i(extent)), binding, DataType::int32())
        .unwrap()
}

fn serial(b: &mut IRBuilder, name: &str, extent: i32) -> Var {
    b.for_loop(name, ForKind::Serial, i(0), i(extent), Annotations::new(), None).unwrap()
}

#[test]
fn point_accesses_keep_their_indices_as_written() {
    let f = with_func(&[16], &[16], |b, a, out| {
        let x = serial(b, "x", 15);
        let v = spatial_block(b, "blk", 15, var(&x));
        let plus_one = ops::add(var(&v), i(1)).unwrap();
        b.buffer_store(out, load(a, vec![plus_one]), vec![var(&v)], None).unwrap();
        b.exit().unwrap();
        b.exit().unwrap();
    });
    let blk = block(&f, "blk");
    assert_eq!(show_regions(&blk.reads), ["A[v + 1]"]);
    assert_eq!(show_regions(&blk.writes), ["B[v]"]);
}

#[test]
fn a_loop_inside_the_block_relaxes_to_its_range() {
    let f = with_func(&[8, 16], &[8], |b, a, out| {
        let x = serial(b, "x", 8);
        let v = spatial_block(b, "sum", 8, var(&x));
        let k = serial(b, "k", 16);
        let acc = ops::add(load(out, vec![var(&v)]), load(a, vec![var(&v), var(&k)])).unwrap();
        b.buffer_store(out, acc, vec![var(&v)], None).unwrap();
        b.exit().unwrap();
        b.exit().unwrap();
        b.exit().unwrap();
    });
    let blk = block(&f, "sum");
    assert_eq!(show_regions(&blk.reads), ["B[v]", "A[v, 0:16]"]);
    assert_eq!(show_regions(&blk.writes), ["B[v]"]);
}

#[test]
fn affine_indices_relax_to_a_tile() {
    let f = with_func(&[128], &[128], |b, a, out| {
        let x = serial(b, "x", 8);
        let v = spatial_block(b, "tile", 8, var(&x));
        let k = serial(b, "k", 16);
        let index = ops::add(ops::mul(var(&v), i(16)).unwrap(), var(&k)).unwrap();
        b.buffer_store(out, load(a, vec![index.clone()]), vec![index], None).unwrap();
        for _ in 0..3 {
            b.exit().unwrap();
        }
    });
    let blk = block(&f, "tile");
    assert_eq!(show_regions(&blk.reads), ["A[v * 16:(v * 16) + 16]"]);
    assert_eq!(show_regions(&blk.writes), ["B[v * 16:(v * 16) + 16]"]);
}

#[test]
fn two_points_of_one_buffer_merge_into_one_range() {
    let f = with_func(&[17], &[16], |b, a, out| {
        let x = serial(b, "x", 16);
        let v = spatial_block(b, "stencil", 16, var(&x));
        let next = ops::add(var(&v), i(1)).unwrap();
        let sum = ops::add(load(a, vec![var(&v)]), load(a, vec![next])).unwrap();
        b.buffer_store(out, sum, vec![var(&v)], None).unwrap();
        b.exit().unwrap();
        b.exit().unwrap();
    });
    assert_eq!(show_regions(&block(&f, "stencil").reads), ["A[v:v + 2]"]);
}

#[test]
fn an_init_hides_the_written_buffer_from_the_reads_only_when_present() {
    let build = |with_init: bool| {
        with_func(&[4, 4], &[4], move |b, a, out| {
            let x = serial(b, "x", 4);
            let y = serial(b, "y", 4);
            b.block("red", false).unwrap();
            let v = b
                .axis(
                    "v",
                    IterVarType::DataPar,
                    Range::from_extent(i(4)),
                    var(&x),
                    DataType::int32(),
                )
                .unwrap();
            let r = b
                .axis(
                    "r",
                    IterVarType::CommReduce,
                    Range::from_extent(i(4)),
                    var(&y),
                    DataType::int32(),
                )
                .unwrap();
            if with_init {
                b.init().unwrap();
                b.buffer_store(out, PrimExpr::f32(0.0), vec![var(&v)], None).unwrap();
                b.exit().unwrap();
            }
            let acc = ops::add(load(out, vec![var(&v)]), load(a, vec![var(&v), var(&r)])).unwrap();
            b.buffer_store(out, acc, vec![var(&v)], None).unwrap();
            for _ in 0..3 {
                b.exit().unwrap();
            }
        })
    };
    assert_eq!(show_regions(&block(&build(true), "red").reads), ["A[v, r]"]);
    assert_eq!(show_regions(&block(&build(false), "red").reads), ["B[v]", "A[v, r]"]);
}

#[test]
fn accesses_through_a_match_buffer_map_back_to_the_source() {
    let f = with_func(&[64], &[64], |b, a, out| {
        let x = serial(b, "x", 4);
        let v = spatial_block(b, "sub", 4, var(&x));
        let start = ops::mul(var(&v), i(16)).unwrap();
        let source =
            BufferRegion { buffer: a.clone(), region: vec![Range::new(start.clone(), i(16))] };
        let tile = b
            .match_buffer_region(
                BufferSpec::new("A_tile", vec![i(16)], DataType::float32()),
                source,
            )
            .unwrap();
        let k = serial(b, "k", 16);
        let dst = ops::add(start, var(&k)).unwrap();
        b.buffer_store(out, load(&tile, vec![var(&k)]), vec![dst], None).unwrap();
        for _ in 0..3 {
            b.exit().unwrap();
        }
    });
    let blk = block(&f, "sub");
    assert_eq!(show_regions(&blk.reads), ["A[v * 16:(v * 16) + 16]"]);
    assert_eq!(show_regions(&blk.writes), ["B[v * 16:(v * 16) + 16]"]);
}

#[test]
fn a_nested_block_contributes_its_regions_with_bindings_substituted() {
    let f = with_func(&[32], &[32], |b, a, out| {
        let x = serial(b, "x", 8);
        let vo = spatial_block(b, "outer", 8, var(&x));
        let y = serial(b, "y", 4);
        let binding = ops::add(ops::mul(var(&vo), i(4)).unwrap(), var(&y)).unwrap();
        let vi = spatial_block(b, "inner", 32, binding);
        b.buffer_store(out, load(a, vec![var(&vi)]), vec![var(&vi)], None).unwrap();
        for _ in 0..4 {
            b.exit().unwrap();
        }
    });
    assert_eq!(show_regions(&block(&f, "inner").reads), ["A[v]"]);
    let outer = block(&f, "outer");
    assert_eq!(show_regions(&outer.reads), ["A[v * 4:(v * 4) + 4]"]);
    assert_eq!(show_regions(&outer.writes), ["B[v * 4:(v * 4) + 4]"]);
}

/// Builds `for k in range(16): if k <op> 8: B[v] = A[k]` (in the else branch when `in_else`).
fn guarded_read(op: CmpOp, in_else: bool) -> PrimFunc {
    with_func(&[16], &[1], |b, a, out| {
        let x = serial(b, "x", 1);
        let v = spatial_block(b, "guarded_read", 1, var(&x));
        let k = serial(b, "k", 16);
        b.if_(ops::compare(op, var(&k), i(8)).unwrap()).unwrap();
        b.then_().unwrap();
        if in_else {
            b.evaluate(i(0)).unwrap();
            b.exit().unwrap();
            b.else_().unwrap();
        }
        b.buffer_store(out, load(a, vec![var(&k)]), vec![var(&v)], None).unwrap();
        for _ in 0..5 {
            b.exit().unwrap();
        }
    })
}

#[test]
fn an_if_on_the_loop_var_narrows_the_branch() {
    let reads =
        |op, in_else| show_regions(&block(&guarded_read(op, in_else), "guarded_read").reads);
    assert_eq!(reads(CmpOp::Lt, false), ["A[0:8]"]);
    assert_eq!(reads(CmpOp::Ge, false), ["A[8:16]"]);
    assert_eq!(reads(CmpOp::Le, false), ["A[0:9]"]);
    // The else branch sees the negated condition.
    assert_eq!(reads(CmpOp::Lt, true), ["A[8:16]"]);
    let writes = show_regions(&block(&guarded_read(CmpOp::Lt, false), "guarded_read").writes);
    assert_eq!(writes, ["B[v]"]);
}

#[test]
fn a_predicate_does_not_change_the_regions() {
    let f = with_func(&[10], &[10], |b, a, out| {
        let x = serial(b, "x", 16);
        let v = spatial_block(b, "guarded", 16, var(&x));
        b.where_(ops::compare(CmpOp::Lt, var(&x), i(10)).unwrap()).unwrap();
        b.buffer_store(out, load(a, vec![var(&v)]), vec![var(&v)], None).unwrap();
        b.exit().unwrap();
        b.exit().unwrap();
    });
    let blk = block(&f, "guarded");
    assert_eq!(show_regions(&blk.reads), ["A[v]"]);
    assert_eq!(show_regions(&blk.writes), ["B[v]"]);
}

#[test]
fn let_bound_indices_are_substituted() {
    let f = with_func(&[32], &[16], |b, a, out| {
        let x = serial(b, "x", 16);
        let v = spatial_block(b, "strided", 16, var(&x));
        let t = Var::new("t", DataType::int32());
        b.let_stmt(t.clone(), ops::mul(var(&v), i(2)).unwrap()).unwrap();
        b.buffer_store(out, load(a, vec![var(&t)]), vec![var(&v)], None).unwrap();
        for _ in 0..3 {
            b.exit().unwrap();
        }
    });
    assert_eq!(show_regions(&block(&f, "strided").reads), ["A[v * 2]"]);
}

#[test]
fn declared_reads_are_kept_and_only_writes_are_detected() {
    let f = with_func(&[16], &[16], |b, a, out| {
        let x = serial(b, "x", 16);
        let v = spatial_block(b, "half_declared", 16, var(&x));
        b.reads(vec![a.full_region()]).unwrap();
        b.buffer_store(out, load(a, vec![var(&v)]), vec![var(&v)], None).unwrap();
        b.exit().unwrap();
        b.exit().unwrap();
    });
    let blk = block(&f, "half_declared");
    assert_eq!(show_regions(&blk.reads), ["A[0:16]"]);
    assert_eq!(show_regions(&blk.writes), ["B[v]"]);
}

#[test]
fn buffers_allocated_by_the_block_itself_are_not_reported() {
    let f = with_func(&[16], &[16], |b, a, out| {
        let x = serial(b, "x", 16);
        let v = spatial_block(b, "scratch", 16, var(&x));
        let tmp = b
            .alloc_buffer(BufferSpec::new("tmp", vec![i(1)], DataType::float32()).scope("local"))
            .unwrap();
        b.buffer_store(&tmp, load(a, vec![var(&v)]), vec![i(0)], None).unwrap();
        b.buffer_store(out, load(&tmp, vec![i(0)]), vec![var(&v)], None).unwrap();
        b.exit().unwrap();
        b.exit().unwrap();
    });
    let blk = block(&f, "scratch");
    assert_eq!(show_regions(&blk.reads), ["A[v]"]);
    assert_eq!(show_regions(&blk.writes), ["B[v]"]);
}

#[test]
fn access_ptr_masks_read_write_and_opaque_access() {
    let build = |mask: i64| {
        let mut b = IRBuilder::new();
        b.prim_func(false).unwrap();
        let a = b
            .arg_buffer(BufferSpec::new("A", vec![i(16)], DataType::float32()).build().unwrap())
            .unwrap();
        // A loop around the block keeps it from being the function's root block.
        let x = serial(&mut b, "x", 1);
        spatial_block(&mut b, "ptr", 1, var(&x));
        let ptr = PrimExpr::call_op(
            DataType::handle(),
            Op::get("tvm_access_ptr").unwrap(),
            vec![
                PrimExpr::call_op(
                    DataType::float32(),
                    Op::get("type_annotation").unwrap_or_else(|| Op::get("reinterpret").unwrap()),
                    vec![PrimExpr::f32(0.0)],
                )
                .unwrap(),
                var(a.data()),
                i(0),
                i(16),
                PrimExpr::int(mask, DataType::int32()),
            ],
        )
        .unwrap();
        b.evaluate(
            PrimExpr::call_op(
                DataType::int32(),
                Op::get("call_extern").unwrap(),
                vec![PrimExpr::string("f"), ptr],
            )
            .unwrap(),
        )
        .unwrap();
        for _ in 0..3 {
            b.exit()?;
        }
        b.finish()
    };
    let read = build(1).unwrap();
    let BuildResult::Func(f) = read else { panic!() };
    let blk = block(&f, "ptr");
    assert_eq!(
        (show_regions(&blk.reads), show_regions(&blk.writes)),
        (vec!["A[0:16]".to_string()], vec![])
    );
    let BuildResult::Func(f) = build(2).unwrap() else { panic!() };
    assert_eq!(show_regions(&block(&f, "ptr").writes), ["A[0:16]"]);
    let err = build(3).unwrap_err();
    assert!(err.to_string().contains("declare T.reads and T.writes"), "{err}");
}

#[test]
fn a_bare_data_pointer_use_is_opaque_and_rejected() {
    let mut b = IRBuilder::new();
    b.prim_func(false).unwrap();
    let a = b
        .arg_buffer(BufferSpec::new("A", vec![i(16)], DataType::float32()).build().unwrap())
        .unwrap();
    b.block("raw", false).unwrap();
    let call = PrimExpr::call_op(
        DataType::int32(),
        Op::get("call_extern").unwrap(),
        vec![PrimExpr::string("g"), var(a.data())],
    )
    .unwrap();
    b.evaluate(call).unwrap();
    b.exit().unwrap();
    let err = b.exit().unwrap_err();
    assert!(err.to_string().contains("buffer `A`"), "{err}");
}

#[test]
fn the_root_block_keeps_empty_regions() {
    let f = with_func(&[4], &[4], |b, a, out| {
        let x = serial(b, "x", 4);
        let v = spatial_block(b, "copy", 4, var(&x));
        b.buffer_store(out, load(a, vec![var(&v)]), vec![var(&v)], None).unwrap();
        b.exit().unwrap();
        b.exit().unwrap();
    });
    let root = block(&f, "root");
    assert!(root.reads.is_empty() && root.writes.is_empty());
}

//! Interpreter tests of buffer layouts and block features: `T.where`, `match_buffer` views,
//! strided and offset arguments, symbolic shapes, predicated vector accesses and thread launches.

mod interp_support;

use interp_support::*;
use tirscript::arith::ops;
use tirscript::builder::{BufferSpec, IRBuilder};
use tirscript::interp::{
    AlignedBytes, ArgValue, NDArray, random_args_for, random_args_with_extent, run_func,
};
use tirscript::ir::{
    Annotations, BufferRegion, CmpOp, DataType, Expr, IterVarType, Lanes, PrimExpr, Range, Stmt,
    StmtNode, Var,
};

fn f32t() -> DataType {
    DataType::float32()
}

fn out(args: &[ArgValue], i: usize) -> Vec<f64> {
    args[i].as_array().unwrap().to_f64_vec()
}

#[test]
fn block_predicate_skips_the_block() {
    let mut b = IRBuilder::new();
    let p = open_func(&mut b, "main", &[("A", &[8], f32t()), ("B", &[8], f32t())]);
    let i = serial(&mut b, "i", 8);
    b.block("B", false).unwrap();
    let vi = b
        .axis(
            "vi",
            IterVarType::DataPar,
            Range::from_extent(PrimExpr::i32(8)),
            PrimExpr::var(&i),
            DataType::int32(),
        )
        .unwrap();
    b.where_(ops::compare(CmpOp::Lt, PrimExpr::var(&i), PrimExpr::i32(5)).unwrap()).unwrap();
    let value = ops::add(load(&p[0], vars(&[&vi])), PrimExpr::f32(1.0)).unwrap();
    b.buffer_store(&p[1], value, vars(&[&vi]), None).unwrap();
    for _ in 0..3 {
        b.exit().unwrap();
    }
    let module = finish(b);
    let a = NDArray::from_f64(f32t(), &[8], &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]).unwrap();
    let sentinel = NDArray::from_f64(f32t(), &[8], &[-1.0; 8]).unwrap();
    let mut args = vec![ArgValue::Array(a), ArgValue::Array(sentinel)];
    run_func(&module, "main", &mut args).unwrap();
    assert_eq!(out(&args, 1), [1.0, 2.0, 3.0, 4.0, 5.0, -1.0, -1.0, -1.0]);
}

/// `for i: block: S = match_buffer(A[i, 0:8]); for j: S[j] *= 2`, or a 2x4 view when `tile`.
fn match_rows(tile: bool) -> tirscript::ir::IRModule {
    let mut b = IRBuilder::new();
    let p = open_func(&mut b, "main", &[("A", &[4, 8], f32t())]);
    let i = serial(&mut b, "i", if tile { 1 } else { 4 });
    b.block("row", false).unwrap();
    let vi = b
        .axis(
            "vi",
            IterVarType::DataPar,
            Range::from_extent(PrimExpr::i32(4)),
            PrimExpr::var(&i),
            DataType::int32(),
        )
        .unwrap();
    let (shape, region) = if tile {
        (
            vec![2, 4],
            vec![
                Range::new(PrimExpr::i32(0), PrimExpr::i32(2)),
                Range::new(PrimExpr::i32(0), PrimExpr::i32(4)),
            ],
        )
    } else {
        (
            vec![8],
            vec![Range::point(PrimExpr::var(&vi)), Range::new(PrimExpr::i32(0), PrimExpr::i32(8))],
        )
    };
    let view = b
        .match_buffer_region(
            BufferSpec::new("S", ints(&shape), f32t()),
            BufferRegion { buffer: p[0].clone(), region },
        )
        .unwrap();
    let j = serial(&mut b, "j", 2);
    let index = if tile { vec![PrimExpr::var(&j), PrimExpr::i32(0)] } else { vars(&[&j]) };
    let doubled = ops::mul(load(&view, index.clone()), PrimExpr::f32(2.0)).unwrap();
    b.buffer_store(&view, doubled, index, None).unwrap();
    for _ in 0..4 {
        b.exit().unwrap();
    }
    finish(b)
}

#[test]
fn match_buffer_views_the_source_region() {
    let module = match_rows(false);
    let values: Vec<f64> = (0..32).map(f64::from).collect();
    let mut args = vec![ArgValue::Array(NDArray::from_f64(f32t(), &[4, 8], &values).unwrap())];
    run_func(&module, "main", &mut args).unwrap();
    // Row r, columns 0 and 1 are doubled.
    let expected: Vec<f64> =
        values.iter().map(|&v| if (v as i64) % 8 < 2 { v * 2.0 } else { v }).collect();
    assert_eq!(out(&args, 0), expected);
    // A compact 2x4 view of a region whose rows are 8 apart still addresses the region, as the
    // accesses `LowerMatchBuffer` makes of it do: S[j, 0] is A[j, 0].
    let module = match_rows(true);
    let mut args = vec![ArgValue::Array(NDArray::from_f64(f32t(), &[4, 8], &values).unwrap())];
    run_func(&module, "main", &mut args).unwrap();
    let expected: Vec<f64> =
        values.iter().map(|&v| if v == 0.0 || v == 8.0 { v * 2.0 } else { v }).collect();
    assert_eq!(out(&args, 0), expected);
}

#[test]
fn strided_arguments_bind_stride_and_offset_vars() {
    let mut b = IRBuilder::new();
    b.prim_func(false).unwrap();
    b.func_name("main").unwrap();
    let (s0, s1) = (Var::new("A_s0", DataType::int32()), Var::new("A_s1", DataType::int32()));
    let mut spec = BufferSpec::new("A", ints(&[4, 4]), f32t());
    spec.strides = vec![PrimExpr::var(&s0), PrimExpr::var(&s1)];
    spec.offset_factor = 1;
    let a = b.arg_buffer(spec.build().unwrap()).unwrap();
    let out_buf =
        b.arg_buffer(BufferSpec::new("B", ints(&[4, 4]), f32t()).build().unwrap()).unwrap();
    let l = b.grid(&["i".into(), "j".into()], ints(&[4, 4])).unwrap();
    b.buffer_store(&out_buf, load(&a, vars(&[&l[0], &l[1]])), vars(&[&l[0], &l[1]]), None).unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    let module = finish(b);
    let mut storage =
        NDArray::from_f64(f32t(), &[40], &(0..40).map(f64::from).collect::<Vec<_>>()).unwrap();
    let bytes: AlignedBytes = storage.storage_mut().clone();
    let strided = NDArray::with_layout(f32t(), &[4, 4], &[8, 1], 3, bytes).unwrap();
    let mut args = vec![
        ArgValue::Array(strided.clone()),
        ArgValue::Array(NDArray::zeros(f32t(), &[4, 4]).unwrap()),
    ];
    run_func(&module, "main", &mut args).unwrap();
    let expected: Vec<f64> =
        (0..4).flat_map(|i| (0..4).map(move |j| f64::from(3 + 8 * i + j))).collect();
    assert_eq!(out(&args, 1), expected);
    assert_eq!(strided.to_f64_vec(), expected, "NDArray reads through its own layout too");
    // A buffer without declared strides refuses a strided array.
    let mut args =
        vec![ArgValue::Array(NDArray::zeros(f32t(), &[4, 4]).unwrap()), ArgValue::Array(strided)];
    let err = run_func(&module, "main", &mut args).unwrap_err().to_string();
    assert!(err.contains("buffer `B` declares no strides, so it needs a compact array"), "{err}");
}

fn symbolic_double() -> tirscript::ir::IRModule {
    let n = Var::new("n", DataType::int32());
    let mut b = IRBuilder::new();
    b.prim_func(false).unwrap();
    b.func_name("main").unwrap();
    let a = b
        .arg_buffer(BufferSpec::new("A", vec![PrimExpr::var(&n)], f32t()).build().unwrap())
        .unwrap();
    let o = b
        .arg_buffer(BufferSpec::new("B", vec![PrimExpr::var(&n)], f32t()).build().unwrap())
        .unwrap();
    let i = b
        .for_loop(
            "i",
            tirscript::ir::ForKind::Serial,
            PrimExpr::i32(0),
            PrimExpr::var(&n),
            Annotations::new(),
            None,
        )
        .unwrap();
    b.buffer_store(
        &o,
        ops::mul(load(&a, vars(&[&i])), PrimExpr::f32(2.0)).unwrap(),
        vars(&[&i]),
        None,
    )
    .unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    finish(b)
}

#[test]
fn symbolic_shapes_bind_from_the_arrays() {
    let module = symbolic_double();
    let mut args = vec![
        ArgValue::Array(NDArray::from_f64(f32t(), &[5], &[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap()),
        ArgValue::Array(NDArray::zeros(f32t(), &[5]).unwrap()),
    ];
    run_func(&module, "main", &mut args).unwrap();
    assert_eq!(out(&args, 1), [2.0, 4.0, 6.0, 8.0, 10.0]);
    let mut args = vec![
        ArgValue::Array(NDArray::zeros(f32t(), &[5]).unwrap()),
        ArgValue::Array(NDArray::zeros(f32t(), &[6]).unwrap()),
    ];
    let err = run_func(&module, "main", &mut args).unwrap_err().to_string();
    assert!(err.contains("shape 0 of buffer `B`: expected 5, got 6"), "{err}");
    let func = module.lookup("main").unwrap().1.clone();
    let err = random_args_for(&func, 1).unwrap_err().to_string();
    assert!(err.contains("symbolic shape"), "{err}");
    let mut args = random_args_with_extent(&func, 1, 7).unwrap();
    assert_eq!(args[0].as_array().unwrap().shape(), &[7]);
    run_func(&module, "main", &mut args).unwrap();
    let doubled: Vec<f64> = out(&args, 0).iter().map(|v| v * 2.0).collect();
    assert_eq!(out(&args, 1), doubled);
}

#[test]
fn predicated_vector_accesses_skip_masked_lanes() {
    // B[4:8] = A[4:8] + 1 where lanes with index >= 6 are masked off; A and B have 6 elements.
    let a = BufferSpec::new("A", ints(&[6]), f32t()).build().unwrap();
    let o = BufferSpec::new("B", ints(&[6]), f32t()).build().unwrap();
    let i32x4 = DataType::int32().with_lanes(4);
    let ramp = PrimExpr::new(
        i32x4,
        Expr::Ramp { base: PrimExpr::i32(4), stride: PrimExpr::i32(1), lanes: PrimExpr::i32(4) },
    )
    .unwrap();
    let limit = ops::broadcast(PrimExpr::i32(6), Lanes::Fixed(4)).unwrap();
    let mask = PrimExpr::cmp(CmpOp::Lt, ramp.clone(), limit).unwrap();
    let loaded = PrimExpr::new(
        f32t().with_lanes(4),
        Expr::BufferLoad {
            buffer: a.clone(),
            indices: vec![ramp.clone()],
            predicate: Some(mask.clone()),
        },
    )
    .unwrap();
    let value =
        ops::add(loaded, ops::broadcast(PrimExpr::f32(1.0), Lanes::Fixed(4)).unwrap()).unwrap();
    let store = Stmt::new(StmtNode::BufferStore {
        buffer: o.clone(),
        value,
        indices: vec![ramp],
        predicate: Some(mask),
    });
    let module = {
        let (ha, hb) =
            (Var::new("A_handle", DataType::handle()), Var::new("B_handle", DataType::handle()));
        let func = tirscript::ir::PrimFunc {
            params: vec![ha.clone(), hb.clone()],
            buffer_map: vec![(ha, a), (hb, o)],
            body: store,
            ret_type: tirscript::ir::Type::void(),
            attrs: Annotations::new(),
        };
        let mut m = tirscript::ir::IRModule::new();
        m.add("main", func).unwrap();
        m
    };
    let mut args = vec![
        ArgValue::Array(NDArray::from_f64(f32t(), &[6], &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]).unwrap()),
        ArgValue::Array(NDArray::zeros(f32t(), &[6]).unwrap()),
    ];
    run_func(&module, "main", &mut args).unwrap();
    assert_eq!(out(&args, 1), [0.0, 0.0, 0.0, 0.0, 5.0, 6.0]);
}

#[test]
fn thread_launch_runs_every_thread_index() {
    let mut b = IRBuilder::new();
    let p = open_func(&mut b, "main", &[("A", &[4], f32t()), ("B", &[4], f32t())]);
    let tx = b.launch_thread_tag("tx", "threadIdx.x", PrimExpr::i32(4)).unwrap();
    let doubled = ops::mul(load(&p[0], vars(&[&tx])), PrimExpr::f32(2.0)).unwrap();
    b.buffer_store(&p[1], doubled, vars(&[&tx]), None).unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    let module = finish(b);
    let mut args = vec![
        ArgValue::Array(NDArray::from_f64(f32t(), &[4], &[1.0, 2.0, 3.0, 4.0]).unwrap()),
        ArgValue::Array(NDArray::zeros(f32t(), &[4]).unwrap()),
    ];
    run_func(&module, "main", &mut args).unwrap();
    assert_eq!(out(&args, 1), [2.0, 4.0, 6.0, 8.0]);
}

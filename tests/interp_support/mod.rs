//! Kernels built with the IRBuilder for the interpreter and pass-infrastructure tests.

#![allow(dead_code)]

use tirscript::arith::ops;
use tirscript::builder::{BufferSpec, IRBuilder};
use tirscript::ir::{
    Annotations, Buffer, DataType, Expr, ForKind, IRModule, IterVarType, Lanes, PrimExpr, Range,
    Var,
};

pub fn ints(dims: &[i32]) -> Vec<PrimExpr> {
    dims.iter().map(|&d| PrimExpr::i32(d)).collect()
}

pub fn vars(vs: &[&Var]) -> Vec<PrimExpr> {
    vs.iter().map(|v| PrimExpr::var(v)).collect()
}

pub fn load(buffer: &Buffer, indices: Vec<PrimExpr>) -> PrimExpr {
    PrimExpr::buffer_load(buffer, indices).unwrap()
}

/// Opens a function named `name` with one buffer parameter per `(name, shape, dtype)`.
pub fn open_func(
    b: &mut IRBuilder,
    name: &str,
    params: &[(&str, &[i32], DataType)],
) -> Vec<Buffer> {
    b.prim_func(false).unwrap();
    b.func_name(name).unwrap();
    params
        .iter()
        .map(|(n, shape, dtype)| {
            b.arg_buffer(BufferSpec::new(*n, ints(shape), *dtype).build().unwrap()).unwrap()
        })
        .collect()
}

pub fn serial(b: &mut IRBuilder, name: &str, extent: i32) -> Var {
    b.for_loop(
        name,
        ForKind::Serial,
        PrimExpr::i32(0),
        PrimExpr::i32(extent),
        Annotations::new(),
        None,
    )
    .unwrap()
}

pub fn finish(b: IRBuilder) -> IRModule {
    b.finish_module().unwrap()
}

/// `C[i, j] = sum_k A[i, k] * B[k, j]` with blocks and an init statement.
pub fn matmul(n: i32, m: i32, k: i32, dtype: DataType) -> IRModule {
    let mut b = IRBuilder::new();
    let p = open_func(
        &mut b,
        "main",
        &[("A", &[n, k], dtype), ("B", &[k, m], dtype), ("C", &[n, m], dtype)],
    );
    let names = ["i", "j", "k"].map(String::from);
    let loops = b.grid(&names, ints(&[n, m, k])).unwrap();
    b.block("C", false).unwrap();
    let binds: Vec<(String, Var)> =
        ["vi", "vj", "vk"].iter().zip(&loops).map(|(n, v)| (n.to_string(), v.clone())).collect();
    let v = b.axis_remap("SSR", &binds).unwrap();
    b.init().unwrap();
    let zero =
        if dtype.is_floating() { PrimExpr::float(0.0, dtype) } else { PrimExpr::int(0, dtype) };
    b.buffer_store(&p[2], zero, vars(&[&v[0], &v[1]]), None).unwrap();
    b.exit().unwrap();
    let product =
        ops::mul(load(&p[0], vars(&[&v[0], &v[2]])), load(&p[1], vars(&[&v[2], &v[1]]))).unwrap();
    let sum = ops::add(load(&p[2], vars(&[&v[0], &v[1]])), product).unwrap();
    b.buffer_store(&p[2], sum, vars(&[&v[0], &v[1]]), None).unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    finish(b)
}

/// `B[i] = A[i] op c` over a 1-D buffer of `n` elements, with a block per element.
pub fn elementwise(
    n: i32,
    dtype: DataType,
    out_dtype: DataType,
    f: impl Fn(PrimExpr) -> PrimExpr,
) -> IRModule {
    let mut b = IRBuilder::new();
    let p = open_func(&mut b, "main", &[("A", &[n], dtype), ("B", &[n], out_dtype)]);
    let i = serial(&mut b, "i", n);
    b.block("B", false).unwrap();
    let vi = b
        .axis(
            "vi",
            IterVarType::DataPar,
            Range::from_extent(PrimExpr::i32(n)),
            PrimExpr::var(&i),
            DataType::int32(),
        )
        .unwrap();
    let value = f(load(&p[0], vars(&[&vi])));
    b.buffer_store(&p[1], value, vars(&[&vi]), None).unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    finish(b)
}

/// Row sums `B[i] = sum_j A[i, j]` with a reduction block whose reduce axis starts at `j = 0`.
pub fn row_sum(rows: i32, cols: i32) -> IRModule {
    let f32t = DataType::float32();
    let mut b = IRBuilder::new();
    let p = open_func(&mut b, "main", &[("A", &[rows, cols], f32t), ("B", &[rows], f32t)]);
    let loops = b.grid(&["i".into(), "j".into()], ints(&[rows, cols])).unwrap();
    b.block("B", false).unwrap();
    let binds = vec![("vi".to_string(), loops[0].clone()), ("vj".to_string(), loops[1].clone())];
    let v = b.axis_remap("SR", &binds).unwrap();
    b.init().unwrap();
    b.buffer_store(&p[1], PrimExpr::f32(0.0), vars(&[&v[0]]), None).unwrap();
    b.exit().unwrap();
    let sum = ops::add(load(&p[1], vars(&[&v[0]])), load(&p[0], vars(&[&v[0], &v[1]]))).unwrap();
    b.buffer_store(&p[1], sum, vars(&[&v[0]]), None).unwrap();
    for _ in 0..3 {
        b.exit().unwrap();
    }
    finish(b)
}

/// A lowered kernel: flat buffers, a local `Allocate` with a `DeclBuffer`, two loops per row.
/// `B[i * 16 + j] = A[i * 16 + j] * 2 + 1` through the temporary.
pub fn flattened_with_allocate(rows: i32) -> IRModule {
    let f32t = DataType::float32();
    let mut b = IRBuilder::new();
    let p = open_func(&mut b, "main", &[("A", &[rows * 16], f32t), ("B", &[rows * 16], f32t)]);
    let i = serial(&mut b, "i", rows);
    let data = b.allocate("tmp", ints(&[16]), f32t, "local", None, Annotations::new()).unwrap();
    let mut spec = BufferSpec::new("tmp", ints(&[16]), f32t).scope("local");
    spec.data = Some(data);
    let tmp = b.decl_buffer(spec).unwrap();
    let flat = |j: &Var| {
        ops::add(ops::mul(PrimExpr::var(&i), PrimExpr::i32(16)).unwrap(), PrimExpr::var(j)).unwrap()
    };
    let j = serial(&mut b, "j", 16);
    let doubled = ops::mul(load(&p[0], vec![flat(&j)]), PrimExpr::f32(2.0)).unwrap();
    b.buffer_store(&tmp, doubled, vars(&[&j]), None).unwrap();
    b.exit().unwrap();
    let j2 = serial(&mut b, "j", 16);
    let plus = ops::add(load(&tmp, vars(&[&j2])), PrimExpr::f32(1.0)).unwrap();
    b.buffer_store(&p[1], plus, vec![flat(&j2)], None).unwrap();
    for _ in 0..5 {
        b.exit().unwrap();
    }
    finish(b)
}

/// `B[i*4 : i*4+4] = A[i*4 : i*4+4] + 1` with `Ramp` indices and a `Broadcast`.
pub fn vector_add_one(n: i32) -> IRModule {
    let f32t = DataType::float32();
    let mut b = IRBuilder::new();
    let p = open_func(&mut b, "main", &[("A", &[n * 4], f32t), ("B", &[n * 4], f32t)]);
    let i = serial(&mut b, "i", n);
    let base = ops::mul(PrimExpr::var(&i), PrimExpr::i32(4)).unwrap();
    let ramp = PrimExpr::new(
        DataType::int32().with_lanes(4),
        Expr::Ramp { base, stride: PrimExpr::i32(1), lanes: PrimExpr::i32(4) },
    )
    .unwrap();
    let one = ops::broadcast(PrimExpr::f32(1.0), Lanes::Fixed(4)).unwrap();
    let value = ops::add(load(&p[0], vec![ramp.clone()]), one).unwrap();
    b.buffer_store(&p[1], value, vec![ramp], None).unwrap();
    b.exit().unwrap();
    b.exit().unwrap();
    finish(b)
}

/// Reference matmul in the same summation order as the kernel, rounding to f32 after each step.
pub fn reference_matmul_f32(a: &[f32], b: &[f32], n: usize, m: usize, k: usize) -> Vec<f32> {
    let mut c = vec![0f32; n * m];
    for i in 0..n {
        for j in 0..m {
            let mut acc = 0f32;
            for kk in 0..k {
                acc += a[i * k + kk] * b[kk * m + j];
            }
            c[i * m + j] = acc;
        }
    }
    c
}

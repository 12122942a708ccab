//! IR construction helpers and the error assertion shared by the verifier tests.

use std::sync::Arc;

use tirscript::analysis::verify::{VerifyError, VerifyErrorKind};
use tirscript::ir::{
    Annotations, BinaryOp, Block, BlockRealize, Buffer, BufferNode, BufferRegion, BufferType,
    DataType, For, ForKind, IterVar, IterVarType, PrimExpr, PrimFunc, Range, Stmt, Type, Var,
};

pub fn int(v: i64) -> PrimExpr {
    PrimExpr::i32(v as i32)
}

pub fn v(var: &Var) -> PrimExpr {
    PrimExpr::var(var)
}

pub fn i32_var(name: &str) -> Var {
    Var::new(name, DataType::int32())
}

pub fn add(a: PrimExpr, b: PrimExpr) -> PrimExpr {
    PrimExpr::binary(BinaryOp::Add, a, b).expect("operands share a dtype")
}

pub fn buffer(name: &str, dtype: DataType, shape: Vec<PrimExpr>) -> Buffer {
    buffer_on(Var::pointer(name, dtype, ""), name, dtype, shape)
}

pub fn buffer_on(data: Var, name: &str, dtype: DataType, shape: Vec<PrimExpr>) -> Buffer {
    Buffer::new(BufferNode {
        name: name.into(),
        data,
        dtype,
        shape,
        strides: vec![],
        elem_offset: int(0),
        data_alignment: 64,
        offset_factor: 1,
        buffer_type: BufferType::Default,
        axis_separators: vec![],
    })
}

pub fn load(b: &Buffer, indices: Vec<PrimExpr>) -> PrimExpr {
    PrimExpr::buffer_load(b, indices).expect("index count matches the rank")
}

pub fn loop_with(var: &Var, min: PrimExpr, extent: PrimExpr, body: Stmt) -> Stmt {
    Stmt::from(For {
        loop_var: var.clone(),
        min,
        extent,
        kind: ForKind::Serial,
        body,
        thread_binding: None,
        annotations: Annotations::new(),
        step: None,
    })
}

pub fn serial(var: &Var, extent: i64, body: Stmt) -> Stmt {
    loop_with(var, int(0), int(extent), body)
}

pub fn iter_var(var: &Var, extent: i64, iter_type: IterVarType) -> IterVar {
    IterVar {
        var: var.clone(),
        dom: Some(Range::from_extent(int(extent))),
        iter_type,
        thread_tag: String::new(),
    }
}

pub fn realize(
    iter_values: Vec<PrimExpr>,
    iter_vars: Vec<IterVar>,
    name: &str,
    body: Stmt,
) -> Stmt {
    let block = Block {
        iter_vars,
        reads: vec![],
        writes: vec![],
        name_hint: name.into(),
        alloc_buffers: vec![],
        match_buffers: vec![],
        annotations: Annotations::new(),
        init: None,
        body,
    };
    Stmt::from(BlockRealize {
        iter_values,
        predicate: PrimExpr::bool(true),
        block: Arc::new(block),
    })
}

/// A function with one handle param per buffer, each bound to its buffer, and extra scalar params.
pub fn func(buffers: &[&Buffer], scalars: &[&Var], body: Stmt) -> PrimFunc {
    let handles: Vec<Var> =
        buffers.iter().map(|b| Var::new(b.name().to_lowercase(), DataType::handle())).collect();
    let buffer_map = handles.iter().cloned().zip(buffers.iter().map(|b| (*b).clone())).collect();
    let params = handles.into_iter().chain(scalars.iter().map(|s| (*s).clone())).collect();
    PrimFunc { params, buffer_map, body, ret_type: Type::void(), attrs: Annotations::new() }
}

/// Asserts exactly one error, of `kind`, at `path`; returns it for message checks.
pub fn single_error(errors: Vec<VerifyError>, kind: VerifyErrorKind, path: &str) -> VerifyError {
    let rendered: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 1, "expected one error, found {rendered:#?}");
    let error = errors.into_iter().next().expect("one error");
    assert_eq!(error.kind, kind, "{error}");
    assert_eq!(error.path.to_string(), path, "{error}");
    error
}

/// `B[i] = sum_k A[i, k]` over a symbolic row count `n` declared only by the buffer_map.
pub fn row_sum() -> PrimFunc {
    let n = i32_var("n");
    let a = buffer("A", DataType::float32(), vec![v(&n), int(8)]);
    let b = buffer("B", DataType::float32(), vec![v(&n)]);
    let (i, k, vi, vk) = (i32_var("i"), i32_var("k"), i32_var("vi"), i32_var("vk"));
    let update = Stmt::buffer_store(
        &b,
        add(load(&b, vec![v(&vi)]), load(&a, vec![v(&vi), v(&vk)])),
        vec![v(&vi)],
    );
    let block = Block {
        iter_vars: vec![
            IterVar {
                var: vi.clone(),
                dom: Some(Range::from_extent(v(&n))),
                iter_type: IterVarType::DataPar,
                thread_tag: String::new(),
            },
            iter_var(&vk, 8, IterVarType::CommReduce),
        ],
        reads: vec![BufferRegion {
            buffer: a.clone(),
            region: vec![Range::point(v(&vi)), Range::point(v(&vk))],
        }],
        writes: vec![BufferRegion { buffer: b.clone(), region: vec![Range::point(v(&vi))] }],
        name_hint: "sum".into(),
        alloc_buffers: vec![buffer("scratch", DataType::float32(), vec![int(1)])],
        match_buffers: vec![],
        annotations: Annotations::new(),
        init: Some(Stmt::buffer_store(&b, PrimExpr::f32(0.0), vec![v(&vi)])),
        body: update,
    };
    let body = Stmt::from(BlockRealize {
        iter_values: vec![v(&i), v(&k)],
        predicate: PrimExpr::bool(true),
        block: Arc::new(block),
    });
    let body = loop_with(&i, int(0), v(&n), serial(&k, 8, body));
    func(&[&a, &b], &[], body)
}

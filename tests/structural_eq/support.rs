//! IR construction helpers and equality assertions shared by the structural equality tests.

use std::sync::Arc;

use tirscript::analysis::structural_eq::{
    Mismatch, StructuralEq, assert_structural_equal, structural_equal, structural_hash,
};
use tirscript::ir::{
    Annotations, AttrValue, BinaryOp, Block, BlockRealize, Buffer, BufferNode, BufferRegion,
    BufferType, DataType, For, ForKind, IterVar, IterVarType, PrimExpr, PrimFunc, Range, Stmt,
    Type, Var,
};

pub fn int(v: i64) -> PrimExpr {
    PrimExpr::i32(v as i32)
}

pub fn v(var: &Var) -> PrimExpr {
    PrimExpr::var(var)
}

pub fn add(a: PrimExpr, b: PrimExpr) -> PrimExpr {
    PrimExpr::binary(BinaryOp::Add, a, b).expect("operands share a dtype")
}

pub fn buffer(name: &str, dtype: DataType, shape: Vec<PrimExpr>, scope: &str) -> Buffer {
    Buffer::new(BufferNode {
        name: name.into(),
        data: Var::pointer(name, dtype, scope),
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

pub fn serial(var: &Var, extent: i64, kind: ForKind, annotations: Annotations, body: Stmt) -> Stmt {
    Stmt::from(For {
        loop_var: var.clone(),
        min: int(0),
        extent: int(extent),
        kind,
        body,
        thread_binding: None,
        annotations,
        step: None,
    })
}

pub fn iter_var(var: &Var, extent: i64, iter_type: IterVarType) -> IterVar {
    IterVar {
        var: var.clone(),
        dom: Some(Range::from_extent(int(extent))),
        iter_type,
        thread_tag: String::new(),
    }
}

/// The knobs that make two otherwise identical reduction functions differ.
#[derive(Clone)]
pub struct Knobs {
    /// A suffix for every name hint, so copies differ in names as well as identities.
    pub suffix: &'static str,
    pub dtype: DataType,
    pub extent: i64,
    pub outer_kind: ForKind,
    pub outer_annotation: Option<(&'static str, AttrValue)>,
    pub swap_bindings: bool,
    pub block_name: &'static str,
    pub reduce_kind: IterVarType,
    pub scratch_scope: &'static str,
}

impl Default for Knobs {
    fn default() -> Knobs {
        Knobs {
            suffix: "",
            dtype: DataType::float32(),
            extent: 16,
            outer_kind: ForKind::Serial,
            outer_annotation: None,
            swap_bindings: false,
            block_name: "sum",
            reduce_kind: IterVarType::CommReduce,
            scratch_scope: "local",
        }
    }
}

/// `B[i] = sum_k A[i, k]` written with a block, an init and a scratch buffer.
pub fn row_sum(k: &Knobs) -> PrimFunc {
    let name = |base: &str| format!("{base}{}", k.suffix);
    let a = Var::new(name("a"), DataType::handle());
    let b = Var::new(name("b"), DataType::handle());
    let a_buf = buffer(&name("A"), k.dtype, vec![int(16), int(k.extent)], "");
    let b_buf = buffer(&name("B"), k.dtype, vec![int(16)], "");
    let scratch = buffer(&name("C"), k.dtype, vec![int(1)], k.scratch_scope);
    let (i, kk) = (Var::new(name("i"), DataType::int32()), Var::new(name("k"), DataType::int32()));
    let (vi, vk) =
        (Var::new(name("vi"), DataType::int32()), Var::new(name("vk"), DataType::int32()));
    let zero = PrimExpr::float(0.0, k.dtype);
    let update = Stmt::buffer_store(
        &b_buf,
        add(load(&b_buf, vec![v(&vi)]), load(&a_buf, vec![v(&vi), v(&vk)])),
        vec![v(&vi)],
    );
    let block = Block {
        iter_vars: vec![
            iter_var(&vi, 16, IterVarType::DataPar),
            iter_var(&vk, k.extent, k.reduce_kind),
        ],
        reads: vec![BufferRegion {
            buffer: a_buf.clone(),
            region: vec![Range::point(v(&vi)), Range::point(v(&vk))],
        }],
        writes: vec![BufferRegion { buffer: b_buf.clone(), region: vec![Range::point(v(&vi))] }],
        name_hint: k.block_name.into(),
        alloc_buffers: vec![scratch],
        match_buffers: vec![],
        annotations: Annotations::new(),
        init: Some(Stmt::buffer_store(&b_buf, zero, vec![v(&vi)])),
        body: update,
    };
    let bindings = if k.swap_bindings { vec![v(&kk), v(&i)] } else { vec![v(&i), v(&kk)] };
    let realize = Stmt::from(BlockRealize {
        iter_values: bindings,
        predicate: PrimExpr::bool(true),
        block: Arc::new(block),
    });
    let mut annotations = Annotations::new();
    if let Some((key, value)) = &k.outer_annotation {
        annotations.insert(*key, value.clone());
    }
    let inner = serial(&kk, k.extent, ForKind::Serial, Annotations::new(), realize);
    let body = serial(&i, 16, k.outer_kind, annotations, inner);
    PrimFunc {
        params: vec![a.clone(), b.clone()],
        buffer_map: vec![(a, a_buf), (b, b_buf)],
        body,
        ret_type: Type::void(),
        attrs: Annotations::new(),
    }
}

/// Asserts `a` and `b` are equal and hash equally.
pub fn assert_equal<T: StructuralEq>(a: &T, b: &T) {
    if let Err(m) = assert_structural_equal(a, b) {
        panic!("expected equal, found {m}");
    }
    assert_eq!(structural_hash(a), structural_hash(b), "equal values must hash equally");
}

/// Asserts `a` and `b` differ at `path` (rendered) on both sides, and hash differently.
pub fn assert_differ_at<T: StructuralEq>(a: &T, b: &T, path: &str) -> Mismatch {
    let mismatch = assert_structural_equal(a, b).expect_err("expected a mismatch");
    assert_eq!(mismatch.lhs_path.to_string(), path, "lhs path of {mismatch}");
    assert_eq!(mismatch.rhs_path.to_string(), path, "rhs path of {mismatch}");
    assert!(!structural_equal(a, b));
    assert_ne!(structural_hash(a), structural_hash(b), "unequal values should hash differently");
    mismatch
}

//! Structural equality and hashing: equal under renaming, unequal with the expected path, and
//! hashes consistent with equality on every pair.

use std::sync::Arc;

use tirscript::analysis::path::ObjectPath;
use tirscript::analysis::structural_eq::{
    EqualOptions, assert_structural_equal, compare_structural, structural_equal,
    structural_equal_with, structural_hash,
};
use tirscript::ir::{
    Annotations, AttrValue, BinaryOp, Block, BlockRealize, DataType, ForKind, IRModule,
    IterVarType, PrimExpr, PrimFunc, Stmt, StmtNode, Type, Var,
};

#[path = "structural_eq/support.rs"]
mod support;
#[path = "structural_eq/tvm_cases.rs"]
mod tvm_cases;

use support::{Knobs, add, assert_differ_at, assert_equal, buffer, int, load, row_sum, serial, v};

#[test]
fn independently_built_copies_are_equal_under_renaming() {
    let first = row_sum(&Knobs::default());
    let second = row_sum(&Knobs { suffix: "_2", ..Knobs::default() });
    assert_equal(&first, &second);
    assert_equal(&first, &first);
    assert_equal(&first.body, &first.body);
}

#[test]
fn a_changed_buffer_dtype_is_found_in_the_buffer_map() {
    let f = row_sum(&Knobs::default());
    let g = row_sum(&Knobs { dtype: DataType::float(16), ..Knobs::default() });
    let m = assert_differ_at(&f, &g, "buffer_map[a].data.type_annotation.element_type.dtype");
    assert_eq!((m.lhs.as_str(), m.rhs.as_str()), ("float32", "float16"));
}

#[test]
fn a_changed_shape_is_found_at_the_shape_value() {
    let f = row_sum(&Knobs::default());
    let g = row_sum(&Knobs { extent: 32, ..Knobs::default() });
    let m = assert_differ_at(&f, &g, "buffer_map[a].shape[1].value");
    assert_eq!((m.lhs.as_str(), m.rhs.as_str()), ("16", "32"));
    assert_eq!(m.to_string(), "buffer_map[a].shape[1].value: lhs 16, rhs 32");
}

#[test]
fn a_changed_loop_kind_is_found_at_the_kind() {
    let f = row_sum(&Knobs::default());
    let g = row_sum(&Knobs { outer_kind: ForKind::Parallel, ..Knobs::default() });
    let m = assert_differ_at(&f, &g, "body.kind");
    assert_eq!(m.to_string(), "body.kind: lhs serial, rhs parallel");
}

#[test]
fn a_changed_or_missing_annotation_is_found_by_key() {
    let unroll = |n| Some(("pragma_auto_unroll_max_step", AttrValue::Int(n)));
    let f = row_sum(&Knobs { outer_annotation: unroll(16), ..Knobs::default() });
    let g = row_sum(&Knobs { outer_annotation: unroll(32), ..Knobs::default() });
    assert_differ_at(&f, &g, "body.annotations[\"pragma_auto_unroll_max_step\"]");
    let bare = row_sum(&Knobs::default());
    let m = assert_structural_equal(&f, &bare).expect_err("an annotation is missing");
    assert_eq!(m.lhs_path.to_string(), "body.annotations[\"pragma_auto_unroll_max_step\"]");
    assert_eq!(
        m.rhs_path.to_string(),
        "body.annotations[<missing entry \"pragma_auto_unroll_max_step\">]"
    );
    assert_ne!(structural_hash(&f), structural_hash(&bare));
}

#[test]
fn annotations_compare_as_unordered_maps() {
    let mut first = Annotations::new();
    first.insert("x", AttrValue::Int(1));
    first.insert("y", AttrValue::Str("s".into()));
    let mut second = Annotations::new();
    second.insert("y", AttrValue::Str("s".into()));
    second.insert("x", AttrValue::Int(1));
    let i = Var::new("i", DataType::int32());
    let j = Var::new("j", DataType::int32());
    let f = serial(&i, 4, ForKind::Serial, first, Stmt::evaluate(v(&i)));
    let g = serial(&j, 4, ForKind::Serial, second, Stmt::evaluate(v(&j)));
    assert_equal(&f, &g);
}

#[test]
fn a_changed_binding_is_found_at_the_iter_value() {
    let f = row_sum(&Knobs::default());
    let g = row_sum(&Knobs { swap_bindings: true, ..Knobs::default() });
    let m = assert_differ_at(&f, &g, "body.body.body.iter_values[0]");
    assert_eq!(m.to_string(), "body.body.body.iter_values[0]: lhs var `i`, rhs var `k`");
}

#[test]
fn a_changed_block_name_is_found_at_the_name_hint() {
    let f = row_sum(&Knobs::default());
    let g = row_sum(&Knobs { block_name: "total", ..Knobs::default() });
    assert_differ_at(&f, &g, "body.body.body.block.name_hint");
}

#[test]
fn a_changed_iter_var_kind_is_found_at_the_iter_type() {
    let f = row_sum(&Knobs::default());
    let g = row_sum(&Knobs { reduce_kind: IterVarType::DataPar, ..Knobs::default() });
    let m = assert_differ_at(&f, &g, "body.body.body.block.iter_vars[1].iter_type");
    assert_eq!((m.lhs.as_str(), m.rhs.as_str()), ("CommReduce", "DataPar"));
}

#[test]
fn a_changed_buffer_scope_is_found_on_the_data_pointer() {
    let f = row_sum(&Knobs::default());
    let g = row_sum(&Knobs { scratch_scope: "shared", ..Knobs::default() });
    let m = assert_differ_at(
        &f,
        &g,
        "body.body.body.block.alloc_buffers[0].data.type_annotation.storage_scope",
    );
    assert_eq!((m.lhs.as_str(), m.rhs.as_str()), ("\"local\"", "\"shared\""));
}

#[test]
fn empty_and_global_scopes_are_the_same_scope() {
    let f = row_sum(&Knobs { scratch_scope: "", ..Knobs::default() });
    let g = row_sum(&Knobs { scratch_scope: "global", ..Knobs::default() });
    assert_equal(&f, &g);
}

/// A module whose `main` is `A[0] = 1; block { A[1] = x + <last> }` for a chosen last operand.
fn module_with_block(use_second_param: bool) -> IRModule {
    let (x, y) = (Var::new("x", DataType::int32()), Var::new("y", DataType::int32()));
    let a = Var::new("a", DataType::handle());
    let a_buf = buffer("A", DataType::int32(), vec![int(2)], "");
    let last = if use_second_param { v(&y) } else { v(&x) };
    let block = Block {
        iter_vars: vec![],
        reads: vec![],
        writes: vec![],
        name_hint: "update".into(),
        alloc_buffers: vec![],
        match_buffers: vec![],
        annotations: Annotations::new(),
        init: None,
        body: Stmt::buffer_store(&a_buf, add(v(&x), last), vec![int(1)]),
    };
    let realize = Stmt::from(BlockRealize {
        iter_values: vec![],
        predicate: PrimExpr::bool(true),
        block: Arc::new(block),
    });
    let body = Stmt::seq(vec![Stmt::buffer_store(&a_buf, int(1), vec![int(0)]), realize]);
    let func = PrimFunc {
        params: vec![a.clone(), x, y],
        buffer_map: vec![(a, a_buf)],
        body,
        ret_type: Type::void(),
        attrs: Annotations::new(),
    };
    let mut module = IRModule::new();
    module.add("main", func).expect("one function named main");
    module
}

#[test]
fn module_paths_start_at_the_function_name() {
    let f = module_with_block(false);
    let g = module_with_block(true);
    assert_equal(&f, &module_with_block(false));
    let m = assert_differ_at(&f, &g, "functions[\"main\"].body.seq[1].block.body.value.b");
    assert_eq!(
        m.to_string(),
        "functions[\"main\"].body.seq[1].block.body.value.b: lhs var `x`, rhs var `y`"
    );
}

#[test]
fn modules_match_functions_by_name() {
    let f = module_with_block(false);
    let mut g = module_with_block(false);
    let (_, main) = f.lookup("main").expect("main exists");
    g.add("helper", main.as_ref().clone()).expect("a second name");
    let m = assert_structural_equal(&f, &g).expect_err("helper is missing on the left");
    assert_eq!(m.lhs_path.to_string(), "functions[<missing entry \"helper\">]");
    assert_eq!(m.rhs_path.to_string(), "functions[\"helper\"]");
    assert_ne!(structural_hash(&f), structural_hash(&g));
}

#[test]
fn params_are_paired_by_position() {
    let (x, y) = (Var::new("x", DataType::int32()), Var::new("y", DataType::int32()));
    let func = |body: PrimExpr, params: Vec<Var>| PrimFunc {
        params,
        buffer_map: vec![],
        body: Stmt::evaluate(body),
        ret_type: Type::void(),
        attrs: Annotations::new(),
    };
    let f = func(add(v(&x), v(&y)), vec![x.clone(), y.clone()]);
    let g = func(add(v(&y), v(&x)), vec![x.clone(), y.clone()]);
    let m = assert_differ_at(&f, &g, "body.value.a");
    assert_eq!((m.lhs.as_str(), m.rhs.as_str()), ("var `x`", "var `y`"));

    let z = Var::new("z", DataType::int32());
    let h = func(v(&x), vec![x.clone(), y.clone(), z]);
    let k = func(v(&x), vec![x.clone(), y.clone()]);
    let m = assert_structural_equal(&k, &h).expect_err("one param more");
    assert_eq!(m.lhs_path.to_string(), "params[<missing element #2>]");
    assert_eq!(m.rhs_path.to_string(), "params[2]");

    let y_float = Var::new("y", DataType::float32());
    let p = func(v(&x), vec![x.clone(), y.clone()]);
    let q = func(v(&x), vec![x.clone(), y_float]);
    assert_differ_at(&p, &q, "params[1].dtype");
}

#[test]
fn free_vars_compare_by_identity_unless_mapped() {
    let (x, y) = (Var::new("x", DataType::int32()), Var::new("y", DataType::int32()));
    let square = |var: &Var| PrimExpr::binary(BinaryOp::Mul, v(var), v(var)).expect("int32");
    assert!(structural_equal(&square(&x), &square(&x)));
    assert!(!structural_equal(&square(&x), &square(&y)));
    let mapped = EqualOptions { map_free_vars: true };
    assert!(structural_equal_with(&square(&x), &square(&y), mapped));
    // Mapping stays one to one: `x * y` does not match `x * x`.
    let mixed = PrimExpr::binary(BinaryOp::Mul, v(&x), v(&y)).expect("int32");
    let m = compare_structural(&square(&x), &mixed, mapped).expect_err("x cannot pair with both");
    assert_eq!(m.lhs_path.to_string(), "b");
    // The hash numbers free vars by first appearance, so it agrees with both settings.
    assert_eq!(structural_hash(&square(&x)), structural_hash(&square(&y)));
    assert_ne!(structural_hash(&square(&x)), structural_hash(&mixed));
}

#[test]
fn let_bindings_are_definitions() {
    let (vx, vy, vz) = (
        Var::new("x", DataType::int32()),
        Var::new("y", DataType::int32()),
        Var::new("z", DataType::int32()),
    );
    let floordiv = |a: &Var| PrimExpr::binary(BinaryOp::FloorDiv, v(a), v(&vz)).expect("int32");
    let first = PrimExpr::let_(&vx, int(1), floordiv(&vx)).expect("typed");
    let second = PrimExpr::let_(&vy, int(1), floordiv(&vy)).expect("typed");
    assert_equal(&first, &second);
    let other_value = PrimExpr::let_(&vy, int(2), floordiv(&vy)).expect("typed");
    assert_differ_at(&first, &other_value, "value.value");
}

#[test]
fn sequences_of_different_length_report_the_missing_element() {
    let a_buf = buffer("A", DataType::int32(), vec![int(4)], "");
    let store = |i: i64| Stmt::buffer_store(&a_buf, int(i), vec![int(i)]);
    let long = Stmt::seq(vec![store(0), store(1), store(2), store(3)]);
    let short = Stmt::seq(vec![store(0), store(1), store(2)]);
    let m = assert_structural_equal(&long, &short).expect_err("lengths differ");
    assert_eq!(m.lhs_path.to_string(), "seq[3]");
    assert_eq!(m.rhs_path.to_string(), "seq[<missing element #3>]");
    let changed =
        Stmt::seq(vec![store(0), store(1), Stmt::buffer_store(&a_buf, int(7), vec![int(2)])]);
    assert_differ_at(&short, &changed, "seq[2].value.value");
}

#[test]
fn floats_compare_by_value() {
    let nan = PrimExpr::f32(f64::NAN);
    assert_equal(&nan, &PrimExpr::f32(f64::NAN));
    assert_equal(&PrimExpr::f32(0.0), &PrimExpr::f32(-0.0));
    assert_differ_at(&PrimExpr::f32(1.5), &PrimExpr::f32(2.5), "value");
    assert_differ_at(&PrimExpr::f32(1.5), &PrimExpr::float(1.5, DataType::float(64)), "dtype");
}

#[test]
fn different_node_kinds_are_reported_at_the_node() {
    let x = Var::new("x", DataType::int32());
    let sum = add(v(&x), int(1));
    let diff = PrimExpr::binary(BinaryOp::Sub, v(&x), int(1)).expect("int32");
    let m = assert_differ_at(&sum, &diff, "");
    assert_eq!(m.to_string(), "<root>: lhs Add, rhs Sub");
}

#[test]
fn mismatch_paths_are_usable_as_map_keys() {
    let f = row_sum(&Knobs::default());
    let g = row_sum(&Knobs { block_name: "other", ..Knobs::default() });
    let m = assert_structural_equal(&f, &g).expect_err("names differ");
    let mut underline = std::collections::HashMap::new();
    underline.insert(m.lhs_path.clone(), "here");
    let expected =
        ObjectPath::root().attr("body").attr("body").attr("body").attr("block").attr("name_hint");
    assert_eq!(underline.get(&expected), Some(&"here"));
}

#[test]
fn undeclared_buffers_are_paired_at_first_sight() {
    let a = buffer("A", DataType::float32(), vec![int(8)], "");
    let b = buffer("B", DataType::float32(), vec![int(8)], "");
    let c = buffer("C", DataType::float32(), vec![int(9)], "");
    assert_equal(&load(&a, vec![int(1)]), &load(&b, vec![int(1)]));
    assert_differ_at(&load(&a, vec![int(1)]), &load(&c, vec![int(1)]), "buffer.shape[0].value");
    // Once paired, a buffer cannot meet another one.
    let twice_a = add(load(&a, vec![int(0)]), load(&a, vec![int(0)]));
    let a_then_b = add(load(&a, vec![int(0)]), load(&b, vec![int(0)]));
    assert_differ_at(&twice_a, &a_then_b, "b.buffer");
}

#[test]
fn hashes_are_stable_and_spread() {
    let f = row_sum(&Knobs::default());
    assert_eq!(structural_hash(&f), structural_hash(&f));
    let hashes: std::collections::HashSet<u64> = (1..40)
        .map(|extent| structural_hash(&row_sum(&Knobs { extent, ..Knobs::default() })))
        .collect();
    assert_eq!(hashes.len(), 39);
}

#[test]
fn no_op_bodies_differ_from_stores() {
    let a_buf = buffer("A", DataType::int32(), vec![int(4)], "");
    let store = Stmt::buffer_store(&a_buf, int(1), vec![int(0)]);
    let m = assert_differ_at(&Stmt::no_op(), &store, "");
    assert_eq!((m.lhs.as_str(), m.rhs.as_str()), ("Evaluate", "BufferStore"));
    assert!(matches!(store.node(), StmtNode::BufferStore { .. }));
}

#[test]
fn hash_equality_agrees_with_structural_equality_on_every_pair() {
    let unroll = Some(("pragma_unroll_explicit", AttrValue::Int(1)));
    let variants: Vec<Knobs> = vec![
        Knobs::default(),
        Knobs { dtype: DataType::float(16), ..Knobs::default() },
        Knobs { extent: 8, ..Knobs::default() },
        Knobs { outer_kind: ForKind::Unrolled, ..Knobs::default() },
        Knobs { outer_annotation: unroll, ..Knobs::default() },
        Knobs { swap_bindings: true, ..Knobs::default() },
        Knobs { block_name: "other", ..Knobs::default() },
        Knobs { reduce_kind: IterVarType::Ordered, ..Knobs::default() },
        Knobs { scratch_scope: "shared", ..Knobs::default() },
    ];
    // Each variant twice, the copy with other names and identities.
    let built: Vec<(usize, PrimFunc)> = variants
        .iter()
        .enumerate()
        .flat_map(|(index, k)| {
            [(index, row_sum(k)), (index, row_sum(&Knobs { suffix: "_copy", ..k.clone() }))]
        })
        .collect();
    let hashes: Vec<u64> = built.iter().map(|(_, f)| structural_hash(f)).collect();
    for (x, (kx, fx)) in built.iter().enumerate() {
        for (y, (ky, fy)) in built.iter().enumerate() {
            let equal = structural_equal(fx, fy);
            assert_eq!(equal, kx == ky, "variants {kx} and {ky}");
            assert_eq!(hashes[x] == hashes[y], equal, "hash agreement for variants {kx} and {ky}");
        }
    }
}

#[test]
fn allocate_const_data_treats_nan_as_equal_to_nan() {
    use tirscript::analysis::structural_eq::{structural_equal, structural_hash};
    use tirscript::ir::{ConstData, DataType, Stmt, StmtNode, Var};
    let make = |value: f64| {
        Stmt::new(StmtNode::AllocateConst {
            buffer_var: Var::pointer("c", DataType::float32(), ""),
            data: Some(ConstData::Float(vec![1.0, value])),
            irmod_storage_idx: None,
            dtype: DataType::float32(),
            extents: vec![tirscript::ir::PrimExpr::i32(2)],
            body: Stmt::no_op(),
            annotations: Default::default(),
        })
    };
    let (a, b) = (make(f64::NAN), make(f64::NAN));
    assert!(structural_equal(&a, &b));
    assert_eq!(structural_hash(&a), structural_hash(&b));
    assert!(!structural_equal(&a, &make(2.0)));
}

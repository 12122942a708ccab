//! Cases that follow the behaviour TVM v0.23's structural equality tests pin down.

use tirscript::analysis::structural_eq::{
    EqualOptions, assert_structural_equal, structural_equal, structural_equal_with, structural_hash,
};
use tirscript::ir::{
    Annotations, DataType, ForKind, IRModule, PrimExpr, PrimFunc, Stmt, StmtNode, Type, Var,
};

use crate::support::{add, assert_differ_at, assert_equal, buffer, int, load, serial, v};

fn gt_zero(var: &Var) -> PrimExpr {
    PrimExpr::cmp(tirscript::ir::CmpOp::Gt, v(var), int(0)).expect("int32 comparison")
}

fn while_loop(condition: PrimExpr, value: PrimExpr) -> Stmt {
    Stmt::new(StmtNode::While { condition, body: Stmt::evaluate(value) })
}

#[test]
fn while_loops_over_free_vars_need_mapping() {
    let (x, y) = (Var::new("x", DataType::int32()), Var::new("y", DataType::int32()));
    let wx = while_loop(gt_zero(&x), v(&x));
    let wy = while_loop(gt_zero(&y), v(&y));
    assert!(!structural_equal(&wx, &wy));
    assert!(structural_equal_with(&wx, &wy, EqualOptions { map_free_vars: true }));
    assert_eq!(structural_hash(&wx), structural_hash(&wy));

    let lt_zero = PrimExpr::cmp(tirscript::ir::CmpOp::Lt, v(&x), int(0)).expect("int32");
    let m = assert_differ_at(&wx, &while_loop(lt_zero, v(&x)), "condition");
    assert_eq!((m.lhs.as_str(), m.rhs.as_str()), ("GT", "LT"));
    assert_differ_at(&wx, &while_loop(gt_zero(&x), add(v(&x), int(1))), "body.value");
}

#[test]
fn a_difference_inside_a_sequence_wins_over_its_length() {
    let x = Var::new("x", DataType::int32());
    let seq = |offsets: &[i64]| {
        Stmt::seq(offsets.iter().map(|&o| Stmt::evaluate(add(v(&x), int(o)))).collect())
    };
    let m = assert_structural_equal(&seq(&[0, 1, 2, 3]), &seq(&[0, 1, 3])).expect_err("differ");
    assert_eq!(m.lhs_path.to_string(), "seq[2].value.b.value");
    assert_eq!(m.rhs_path.to_string(), "seq[2].value.b.value");
    assert_differ_at(&seq(&[0, 1, 2, 3]), &seq(&[0, 1, 99, 3]), "seq[2].value.b.value");
}

#[test]
fn modules_report_the_function_of_a_difference() {
    let generate = |extent: i64| {
        let a = Var::new("a", DataType::handle());
        let a_buf = buffer("A", DataType::int32(), vec![int(1)], "");
        let i = Var::new("i", DataType::int32());
        let increment =
            Stmt::buffer_store(&a_buf, add(load(&a_buf, vec![int(0)]), int(1)), vec![int(0)]);
        let func = PrimFunc {
            params: vec![a.clone()],
            buffer_map: vec![(a, a_buf)],
            body: serial(&i, extent, ForKind::Serial, Annotations::new(), increment),
            ret_type: Type::void(),
            attrs: Annotations::new(),
        };
        let mut module = IRModule::new();
        module.add("func", func).expect("fresh name");
        module
    };
    assert_equal(&generate(16), &generate(16));
    let m = assert_differ_at(&generate(16), &generate(32), "functions[\"func\"].body.extent.value");
    assert_eq!(m.to_string(), "functions[\"func\"].body.extent.value: lhs 16, rhs 32");
}

#[test]
fn every_nan_payload_is_the_same_value() {
    let quiet = f64::from(f32::from_bits(0x7FC0_0000));
    let with_payload = f64::from(f32::from_bits(0x7F80_0001));
    assert!(quiet.is_nan() && with_payload.is_nan());
    assert_equal(&PrimExpr::f32(quiet), &PrimExpr::f32(with_payload));
}

#[test]
fn buffer_loads_and_stores_compare_their_indices() {
    let b = buffer("b", DataType::float32(), vec![int(10), int(10)], "");
    assert_equal(&load(&b, vec![int(0), int(1)]), &load(&b, vec![int(0), int(1)]));
    assert_differ_at(
        &load(&b, vec![int(0), int(1)]),
        &load(&b, vec![int(1), int(2)]),
        "indices[0].value",
    );
    let i = Var::new("x", DataType::int32());
    let store = |first: i64| Stmt::buffer_store(&b, PrimExpr::f32(0.1), vec![int(first), v(&i)]);
    assert_equal(&store(0), &store(0));
    assert_differ_at(&store(0), &store(1), "indices[0].value");
}

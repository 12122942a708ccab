//! TIR expressions: `PrimExpr`, an immutable, cheaply cloned handle to an `Expr` node and its dtype.
//!
//! Invariants: a node never changes after construction; its dtype is computed or checked when it is
//! built (`try_*` constructors and `PrimExpr::new` check TVM's typing rules and return an `IrError`
//! instead of building an ill-typed node); children are shared, so rebuilding a tree copies only the
//! path that changes. Variants carry TVM's node names and fields.

use std::sync::Arc;

use super::buffer::{Buffer, IterVar};
use super::dtype::{DataType, Lanes};
use super::error::IrError;
use super::op::Op;
use super::var::{GlobalVar, Var};

/// The arithmetic binary operators, each a TVM node (`Add`, `Sub`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    FloorDiv,
    FloorMod,
    Min,
    Max,
}

/// The comparison operators (`EQ`, `NE`, `LT`, `LE`, `GT`, `GE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The operator that holds with the operands swapped: `a < b` is `b > a`.
    pub fn swapped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            CmpOp::Eq | CmpOp::Ne => self,
        }
    }

    /// The operator of the negated comparison: `not (a < b)` is `a >= b`.
    pub fn negated(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
        }
    }
}

/// What a `Call` calls: a registered operator or another function of the module.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Callee {
    Op(Op),
    Global(GlobalVar),
}

/// A commutative reducer: `result(lhs, rhs)` with an identity element, as TVM's `CommReducer`.
#[derive(Clone, Debug)]
pub struct CommReducer {
    pub lhs: Vec<Var>,
    pub rhs: Vec<Var>,
    pub result: Vec<PrimExpr>,
    pub identity_element: Vec<PrimExpr>,
}

/// An expression node.
#[derive(Clone, Debug)]
pub enum Expr {
    IntImm(i64),
    FloatImm(f64),
    StringImm(String),
    /// A use of a variable (also a `SizeVar`, see `Var::is_size_var`).
    Var(Var),
    Binary {
        op: BinaryOp,
        a: PrimExpr,
        b: PrimExpr,
    },
    Cmp {
        op: CmpOp,
        a: PrimExpr,
        b: PrimExpr,
    },
    And(PrimExpr, PrimExpr),
    Or(PrimExpr, PrimExpr),
    Not(PrimExpr),
    Select {
        condition: PrimExpr,
        true_value: PrimExpr,
        false_value: PrimExpr,
    },
    Cast(PrimExpr),
    BufferLoad {
        buffer: Buffer,
        indices: Vec<PrimExpr>,
        predicate: Option<PrimExpr>,
    },
    Ramp {
        base: PrimExpr,
        stride: PrimExpr,
        lanes: PrimExpr,
    },
    Broadcast {
        value: PrimExpr,
        lanes: PrimExpr,
    },
    Shuffle {
        vectors: Vec<PrimExpr>,
        indices: Vec<PrimExpr>,
    },
    Let {
        var: Var,
        value: PrimExpr,
        body: PrimExpr,
    },
    Call {
        op: Callee,
        args: Vec<PrimExpr>,
    },
    Reduce {
        combiner: Arc<CommReducer>,
        source: Vec<PrimExpr>,
        init: Vec<PrimExpr>,
        axis: Vec<IterVar>,
        condition: PrimExpr,
        value_index: usize,
    },
}

#[derive(Debug)]
struct ExprNode {
    dtype: DataType,
    expr: Expr,
}

/// A typed TIR expression.
#[derive(Clone, Debug)]
pub struct PrimExpr(Arc<ExprNode>);

impl PrimExpr {
    /// Builds a node after checking its operands against `dtype` by TVM's node rules.
    pub fn new(dtype: DataType, expr: Expr) -> Result<PrimExpr, IrError> {
        check_node(dtype, &expr)?;
        Ok(PrimExpr(Arc::new(ExprNode { dtype, expr })))
    }
    /// Builds a node whose dtype is fixed by its construction in this module.
    fn typed(dtype: DataType, expr: Expr) -> PrimExpr {
        PrimExpr(Arc::new(ExprNode { dtype, expr }))
    }
    pub fn dtype(&self) -> DataType {
        self.0.dtype
    }
    pub fn expr(&self) -> &Expr {
        &self.0.expr
    }
    /// Whether both handles share one node (a cheap identity test, not structural equality).
    pub fn ptr_eq(&self, other: &PrimExpr) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    pub fn int(value: i64, dtype: DataType) -> PrimExpr {
        PrimExpr::typed(dtype, Expr::IntImm(value))
    }
    pub fn i32(value: i32) -> PrimExpr {
        PrimExpr::int(i64::from(value), DataType::int32())
    }
    pub fn i64(value: i64) -> PrimExpr {
        PrimExpr::int(value, DataType::int64())
    }
    pub fn bool(value: bool) -> PrimExpr {
        PrimExpr::int(i64::from(value), DataType::bool())
    }
    pub fn float(value: f64, dtype: DataType) -> PrimExpr {
        PrimExpr::typed(dtype, Expr::FloatImm(value))
    }
    pub fn f32(value: f64) -> PrimExpr {
        PrimExpr::float(value, DataType::float32())
    }
    pub fn string(value: impl Into<String>) -> PrimExpr {
        PrimExpr::typed(DataType::handle(), Expr::StringImm(value.into()))
    }
    pub fn var(var: &Var) -> PrimExpr {
        PrimExpr::typed(var.dtype(), Expr::Var(var.clone()))
    }

    /// The integer value of an `IntImm`.
    pub fn as_int(&self) -> Option<i64> {
        match self.expr() {
            Expr::IntImm(v) => Some(*v),
            _ => None,
        }
    }
    /// The variable of a `Var` use.
    pub fn as_var(&self) -> Option<&Var> {
        match self.expr() {
            Expr::Var(v) => Some(v),
            _ => None,
        }
    }

    /// `a op b` where both operands have one dtype (TVM's `BinaryOpNode` rule).
    pub fn binary(op: BinaryOp, a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
        let dtype = a.dtype();
        PrimExpr::new(dtype, Expr::Binary { op, a, b })
    }
    /// `a op b` for a comparison; the result is bool with the operands' lanes.
    pub fn cmp(op: CmpOp, a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
        let dtype = bool_like(a.dtype());
        PrimExpr::new(dtype, Expr::Cmp { op, a, b })
    }
    pub fn and(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
        let dtype = bool_like(a.dtype());
        PrimExpr::new(dtype, Expr::And(a, b))
    }
    pub fn or(a: PrimExpr, b: PrimExpr) -> Result<PrimExpr, IrError> {
        let dtype = bool_like(a.dtype());
        PrimExpr::new(dtype, Expr::Or(a, b))
    }
    /// `not a`, TVM's `Not` node; a constructor named like its siblings `and` and `or`, not the
    /// `std::ops::Not` operator (it checks types and can fail).
    #[allow(clippy::should_implement_trait)]
    pub fn not(a: PrimExpr) -> Result<PrimExpr, IrError> {
        let dtype = a.dtype();
        PrimExpr::new(dtype, Expr::Not(a))
    }
    pub fn select(c: PrimExpr, t: PrimExpr, f: PrimExpr) -> Result<PrimExpr, IrError> {
        let dtype = t.dtype();
        PrimExpr::new(dtype, Expr::Select { condition: c, true_value: t, false_value: f })
    }
    pub fn cast(dtype: DataType, value: PrimExpr) -> Result<PrimExpr, IrError> {
        PrimExpr::new(dtype, Expr::Cast(value))
    }
    /// A load of `buffer[indices]`; the dtype is the buffer's, widened by a vector index's lanes.
    pub fn buffer_load(buffer: &Buffer, indices: Vec<PrimExpr>) -> Result<PrimExpr, IrError> {
        let dtype = load_dtype(buffer, &indices);
        PrimExpr::new(dtype, Expr::BufferLoad { buffer: buffer.clone(), indices, predicate: None })
    }
    pub fn call_op(dtype: DataType, op: Op, args: Vec<PrimExpr>) -> Result<PrimExpr, IrError> {
        PrimExpr::new(dtype, Expr::Call { op: Callee::Op(op), args })
    }
    pub fn call_global(
        dtype: DataType,
        global: &GlobalVar,
        args: Vec<PrimExpr>,
    ) -> Result<PrimExpr, IrError> {
        PrimExpr::new(dtype, Expr::Call { op: Callee::Global(global.clone()), args })
    }
    pub fn let_(var: &Var, value: PrimExpr, body: PrimExpr) -> Result<PrimExpr, IrError> {
        let dtype = body.dtype();
        PrimExpr::new(dtype, Expr::Let { var: var.clone(), value, body })
    }
}

impl From<&Var> for PrimExpr {
    fn from(var: &Var) -> PrimExpr {
        PrimExpr::var(var)
    }
}

/// The bool dtype with the lanes of `dtype`.
pub fn bool_like(dtype: DataType) -> DataType {
    DataType { lanes: dtype.lanes, ..DataType::bool() }
}

/// The dtype a load of `buffer` at `indices` produces (TVM's `BufferLoad` rule).
pub fn load_dtype(buffer: &Buffer, indices: &[PrimExpr]) -> DataType {
    let element = buffer.dtype();
    match indices.last().map(|i| i.dtype().lanes) {
        Some(lanes @ Lanes::Scalable(_)) => DataType { lanes, ..element },
        Some(Lanes::Fixed(n)) if n > 1 => match element.lanes {
            Lanes::Fixed(m) => element.with_lanes(m.saturating_mul(n)),
            Lanes::Scalable(_) => element,
        },
        _ => element,
    }
}

/// Checks a node against TVM's construction rules for its kind.
fn check_node(dtype: DataType, expr: &Expr) -> Result<(), IrError> {
    let same = |what: &str, a: &PrimExpr, b: &PrimExpr| {
        if a.dtype() == b.dtype() {
            Ok(())
        } else {
            Err(IrError::type_mismatch(what, a.dtype(), b.dtype()))
        }
    };
    match expr {
        Expr::Binary { op, a, b } => {
            same(&format!("{op:?}"), a, b)?;
            expect_dtype("binary operation", dtype, a.dtype())
        }
        Expr::Cmp { op, a, b } => {
            same(&format!("{op:?}"), a, b)?;
            expect_dtype("comparison", dtype, bool_like(a.dtype()))
        }
        Expr::And(a, b) | Expr::Or(a, b) => {
            expect_bool("logical operand", a)?;
            expect_bool("logical operand", b)?;
            same("logical operation", a, b)
        }
        Expr::Not(a) => expect_bool("`not` operand", a),
        Expr::Select { condition, true_value, false_value } => {
            expect_bool("select condition", condition)?;
            same("select", true_value, false_value)?;
            expect_dtype("select", dtype, true_value.dtype())
        }
        Expr::Cast(value) => {
            if value.dtype().lanes == dtype.lanes {
                Ok(())
            } else {
                Err(IrError::invalid(format!(
                    "cannot cast {} to {dtype}: the lane counts differ",
                    value.dtype()
                )))
            }
        }
        Expr::BufferLoad { buffer, indices, predicate } => {
            if indices.len() != buffer.shape().len() {
                return Err(IrError::invalid(format!(
                    "buffer `{}` has {} dimensions but is indexed with {}",
                    buffer.name(),
                    buffer.shape().len(),
                    indices.len()
                )));
            }
            if let Some(p) = predicate {
                expect_bool("load predicate", p)?;
            }
            Ok(())
        }
        Expr::Ramp { base, stride, .. } => same("ramp base and stride", base, stride),
        Expr::Let { value, var, body } => {
            expect_dtype("let value", var.dtype(), value.dtype())?;
            expect_dtype("let", dtype, body.dtype())
        }
        Expr::Reduce { source, init, condition, value_index, combiner, .. } => {
            expect_bool("reduce condition", condition)?;
            if *value_index >= source.len() || (!init.is_empty() && init.len() != source.len()) {
                return Err(IrError::invalid("reduce value_index or init count out of range"));
            }
            if combiner.lhs.len() != combiner.rhs.len()
                || combiner.lhs.len() != combiner.result.len()
            {
                return Err(IrError::invalid("comm_reducer lhs, rhs and result differ in length"));
            }
            Ok(())
        }
        Expr::IntImm(_) => {
            if dtype.is_integer() || dtype.is_bool() {
                Ok(())
            } else {
                Err(IrError::invalid(format!("IntImm cannot have dtype {dtype}")))
            }
        }
        Expr::FloatImm(_) => {
            if dtype.is_floating() {
                Ok(())
            } else {
                Err(IrError::invalid(format!("FloatImm cannot have dtype {dtype}")))
            }
        }
        Expr::Var(v) => expect_dtype("var", dtype, v.dtype()),
        Expr::StringImm(_) | Expr::Broadcast { .. } | Expr::Shuffle { .. } | Expr::Call { .. } => {
            Ok(())
        }
    }
}

fn expect_dtype(what: &str, expected: DataType, actual: DataType) -> Result<(), IrError> {
    if expected == actual { Ok(()) } else { Err(IrError::type_mismatch(what, expected, actual)) }
}

fn expect_bool(what: &str, e: &PrimExpr) -> Result<(), IrError> {
    if e.dtype().is_bool() {
        Ok(())
    } else {
        Err(IrError::invalid(format!("{what} must be bool, not {}", e.dtype())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_operands_must_share_a_dtype() {
        let a = PrimExpr::i32(1);
        let b = PrimExpr::i64(2);
        assert!(PrimExpr::binary(BinaryOp::Add, a.clone(), b).is_err());
        let sum = PrimExpr::binary(BinaryOp::Add, a.clone(), a).unwrap();
        assert_eq!(sum.dtype(), DataType::int32());
    }

    #[test]
    fn comparisons_are_bool_with_operand_lanes() {
        let x = Var::new("x", DataType::float32().with_lanes(4));
        let c = PrimExpr::cmp(CmpOp::Lt, PrimExpr::var(&x), PrimExpr::var(&x)).unwrap();
        assert_eq!(c.dtype().to_string(), "boolx4");
    }

    #[test]
    fn immediates_respect_their_dtype_class() {
        assert!(PrimExpr::new(DataType::float32(), Expr::IntImm(1)).is_err());
        assert!(PrimExpr::new(DataType::int32(), Expr::FloatImm(1.0)).is_err());
        assert!(PrimExpr::new(DataType::bfloat16(), Expr::FloatImm(1.0)).is_ok());
    }

    #[test]
    fn casts_keep_lanes() {
        let v = Var::new("v", DataType::int(8).with_lanes(4));
        assert!(PrimExpr::cast(DataType::float32(), PrimExpr::var(&v)).is_err());
        assert!(PrimExpr::cast(DataType::float32().with_lanes(4), PrimExpr::var(&v)).is_ok());
    }

    #[test]
    fn expressions_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<PrimExpr>();
    }
}

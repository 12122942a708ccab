//! The JSON form of expressions: one-key objects `{"<kind>": <fields>}`.
//!
//! `dtype` is required where no rule fixes it (`cast`, `ramp`, `broadcast`, `shuffle`, `call`,
//! `reduce`) and optional elsewhere: when omitted it is the kind's natural dtype (see
//! `natural::natural_dtype`), and the writer omits it exactly when it equals that dtype.

use serde::{Deserialize, Serialize};

use super::schema::{BufferId, GlobalId, IterVarJson, VarId};
use super::values::{Counted, DType, FloatValue, Imm};

/// An expression node, counted as one nesting level.
pub type Expr = Counted<ExprKind>;

/// The kinds of expression nodes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ExprKind {
    /// `IntImm`; the bare form is `int32`.
    Int(Imm<i64>),
    /// `FloatImm`; the bare form is `float32`.
    Float(Imm<FloatValue>),
    /// `StringImm`; the bare form is `handle`.
    Str(Imm<String>),
    /// A use of a var.
    Var(VarId),
    Add(Binary),
    Sub(Binary),
    Mul(Binary),
    Div(Binary),
    Mod(Binary),
    FloorDiv(Binary),
    FloorMod(Binary),
    Min(Binary),
    Max(Binary),
    Eq(Binary),
    Ne(Binary),
    Lt(Binary),
    Le(Binary),
    Gt(Binary),
    Ge(Binary),
    And(Binary),
    Or(Binary),
    Not(Not),
    Select(Select),
    Cast(Cast),
    BufferLoad(BufferLoad),
    Ramp(Ramp),
    Broadcast(Broadcast),
    Shuffle(Shuffle),
    Let(LetExpr),
    Call(Call),
    Reduce(Box<Reduce>),
}

/// The operands of a binary arithmetic, comparison or logical node.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binary {
    pub a: Box<Expr>,
    pub b: Box<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtype: Option<DType>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Not {
    pub a: Box<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtype: Option<DType>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Select {
    pub condition: Box<Expr>,
    pub true_value: Box<Expr>,
    pub false_value: Box<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtype: Option<DType>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cast {
    pub dtype: DType,
    pub value: Box<Expr>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BufferLoad {
    pub buffer: BufferId,
    pub indices: Vec<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<Box<Expr>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtype: Option<DType>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ramp {
    pub dtype: DType,
    pub base: Box<Expr>,
    pub stride: Box<Expr>,
    pub lanes: Box<Expr>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Broadcast {
    pub dtype: DType,
    pub value: Box<Expr>,
    pub lanes: Box<Expr>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shuffle {
    pub dtype: DType,
    pub vectors: Vec<Expr>,
    pub indices: Vec<Expr>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetExpr {
    pub var: VarId,
    pub value: Box<Expr>,
    pub body: Box<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtype: Option<DType>,
}

/// A call of a registered operator (`op`, its registry name) or of a module function (`global`);
/// exactly one of the two is present.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    pub dtype: DType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<GlobalId>,
    pub args: Vec<Expr>,
}

/// A commutative reducer `result(lhs, rhs)` with its identity elements.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommReducerJson {
    pub lhs: Vec<VarId>,
    pub rhs: Vec<VarId>,
    pub result: Vec<Expr>,
    pub identity_element: Vec<Expr>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reduce {
    pub dtype: DType,
    pub combiner: CommReducerJson,
    pub source: Vec<Expr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init: Vec<Expr>,
    pub axis: Vec<IterVarJson>,
    pub condition: Box<Expr>,
    pub value_index: usize,
}

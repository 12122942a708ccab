//! The values the evaluator computes: Python-level values (ints, floats, strings, tuples, ...) and
//! TIR objects (expressions, buffers, regions, pending frames, ...).
//!
//! Invariants: a Python `int` is kept as an `i64` (literals outside that range are rejected where
//! they are read); conversion of a Python value to a `PrimExpr` follows TVM's FFI rule: `bool` →
//! `bool` immediate, `int` → `int32` immediate when it fits and `int64` otherwise, `float` →
//! `float32` immediate. Values are cheap to clone (IR nodes are shared).

use std::sync::Arc;

use crate::ir::{
    Buffer, BufferRegion, CommReducer, DataType, GlobalVar, IterVar, PrimExpr, Range, Type, Var,
};
use crate::syntax::ast;

use super::frames::PendingFrame;

/// A value of the evaluated script.
#[derive(Clone, Debug)]
pub enum Value {
    /// Python `None`.
    None,
    /// A Python `bool`.
    Bool(bool),
    /// A Python `int`.
    Int(i64),
    /// A Python `float`.
    Float(f64),
    /// A Python `str`.
    Str(String),
    /// A TIR expression (a var use, a load, a constant, ...).
    Expr(PrimExpr),
    /// A buffer.
    Buffer(Buffer),
    /// A buffer region, made by slicing a buffer without a step (`A[0:16, i]`).
    Region(BufferRegion),
    /// A Python tuple.
    Tuple(Vec<Value>),
    /// A Python list.
    List(Vec<Value>),
    /// A Python dict, in insertion order.
    Dict(Vec<(Value, Value)>),
    /// `lower:upper:step` inside a subscript.
    Slice(Box<SliceValue>),
    /// A dialect namespace such as `T`, `I` or `T.axis`.
    Namespace(&'static str),
    /// A callable of a dialect: a dispatch-table entry, a dtype constructor or a registered op.
    Builtin(Builtin),
    /// A method bound to a buffer (`A.vload`, `A.vstore`, `A.access_ptr`).
    BufferMethod(Buffer, &'static str),
    /// A frame made by a call (`T.serial(4)`, `T.block("B")`, ...) that a `for`, `with` or
    /// statement has not yet entered.
    Frame(Box<PendingFrame>),
    /// An iteration variable (`T.iter_var(...)`).
    IterVar(IterVar),
    /// A function of the module being built (`cls.f`, `Module.f`).
    /// A module function and the dtype a call of it has (its declared return type, or void).
    Global(GlobalVar, DataType),
    /// A `@T.macro` definition, expanded inline where it is called.
    Macro(Arc<super::macros::Macro>),
    /// A lambda, kept as syntax until a builtin such as `T.comm_reducer` applies it.
    Lambda(Arc<ast::Lambda>),
    /// A commutative reducer.
    CommReducer(Arc<CommReducer>),
    /// A TIR type (`T.handle("float32")` used as a return annotation, tuple types, ...).
    Type(Type),
    /// A dtype value (`T.int32` used as a type annotation is a builtin; this is the string form
    /// after conversion).
    DType(DataType),
    /// `T.meta_var(value)`: a Python value that assignments bind without a let.
    MetaVar(Box<Value>),
    /// A module global info (`I.dummy_global_info()`, `I.vdevice(...)`).
    GlobalInfo(crate::ir::GlobalInfo),
    /// A compilation target (`T.target(...)`) as its exported configuration.
    Target(crate::ir::Annotations),
    /// `T.Range(begin, end)` or `T.Range` produced by `T.axis` domains.
    Range(Range),
}

/// What a builtin callable is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// An entry of the dispatch table, by its full name (`T.serial`, `range`, ...).
    Named(&'static str),
    /// A dtype constructor such as `T.int32` or `T.float16x4`.
    DType(DataType),
    /// A registered TIR operator called as `T.<name>` (`T.exp`, `T.tvm_storage_sync`, ...).
    Op(crate::ir::Op),
}

/// The parts of a slice, each already evaluated.
#[derive(Clone, Debug)]
pub struct SliceValue {
    pub lower: Option<Value>,
    pub upper: Option<Value>,
    pub step: Option<Value>,
}

impl Value {
    /// The name of the value's kind, for error messages (`int`, `PrimExpr`, `Buffer`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::None => "None",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Expr(e) if e.as_var().is_some() => "Var",
            Value::Expr(_) => "PrimExpr",
            Value::Buffer(_) => "Buffer",
            Value::Region(_) => "BufferRegion",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
            Value::Slice(_) => "slice",
            Value::Namespace(_) => "module",
            Value::Builtin(_) | Value::BufferMethod(..) | Value::Lambda(_) | Value::Macro(_) => {
                "function"
            }
            Value::Frame(_) => "frame",
            Value::IterVar(_) => "IterVar",
            Value::Global(..) => "GlobalVar",
            Value::CommReducer(_) => "CommReducer",
            Value::Type(_) => "Type",
            Value::DType(_) => "dtype",
            Value::MetaVar(_) => "meta_var",
            Value::Range(_) => "Range",
            Value::Target(_) => "Target",
            Value::GlobalInfo(_) => "GlobalInfo",
        }
    }

    /// A var use of `var`.
    pub fn var(var: &Var) -> Value {
        Value::Expr(PrimExpr::var(var))
    }

    /// The variable this value names, if it is a bare var use.
    pub fn as_var(&self) -> Option<&Var> {
        match self {
            Value::Expr(e) => e.as_var(),
            _ => None,
        }
    }

    /// Converts a Python scalar or TIR expression to a `PrimExpr` by TVM's FFI rules; `None` for
    /// any other kind of value.
    pub fn to_prim_expr(&self) -> Option<PrimExpr> {
        match self {
            Value::Expr(e) => Some(e.clone()),
            Value::Bool(b) => Some(PrimExpr::bool(*b)),
            Value::Int(v) => Some(int_imm(*v)),
            Value::Float(v) => Some(PrimExpr::f32(*v)),
            Value::IterVar(iv) => Some(PrimExpr::var(&iv.var)),
            Value::MetaVar(inner) => inner.to_prim_expr(),
            _ => None,
        }
    }

    /// The elements of a tuple or list.
    pub fn as_sequence(&self) -> Option<&[Value]> {
        match self {
            Value::Tuple(items) | Value::List(items) => Some(items),
            _ => None,
        }
    }
}

/// A Python int as a TVM immediate: `int32` when it fits, `int64` otherwise.
pub fn int_imm(v: i64) -> PrimExpr {
    match i32::try_from(v) {
        Ok(small) => PrimExpr::i32(small),
        Err(_) => PrimExpr::i64(v),
    }
}

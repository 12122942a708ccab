//! A small expression DSL for the arithmetic tests: `E` wraps a `PrimExpr` so Rust operators build
//! TIR nodes through `arith::ops` (constant folding and type matching as TVM's Python operators).

#![allow(dead_code)]

use std::ops::{Add, Mul, Neg, Sub};

use tirscript::arith::ops;
use tirscript::ir::{BinaryOp, CmpOp, DataType, PrimExpr, Var};
use tirscript::print::{PrintOptions, print_expr};

#[derive(Clone, Debug)]
pub struct E(pub PrimExpr);

pub fn var(name: &str) -> (Var, E) {
    let v = Var::new(name, DataType::int32());
    let e = E(PrimExpr::var(&v));
    (v, e)
}

pub fn c(v: i64) -> E {
    E(PrimExpr::int(v, DataType::int32()))
}

impl From<i64> for E {
    fn from(v: i64) -> E {
        c(v)
    }
}
impl From<&E> for E {
    fn from(e: &E) -> E {
        e.clone()
    }
}

fn bin(op: BinaryOp, a: impl Into<E>, b: impl Into<E>) -> E {
    E(ops::binary(op, a.into().0, b.into().0).expect("well-typed test expression"))
}
fn cmp(op: CmpOp, a: impl Into<E>, b: impl Into<E>) -> E {
    E(ops::compare(op, a.into().0, b.into().0).expect("well-typed test comparison"))
}

macro_rules! arith_op {
    ($trait:ident, $method:ident, $op:expr) => {
        impl<T: Into<E>> $trait<T> for E {
            type Output = E;
            fn $method(self, rhs: T) -> E {
                bin($op, self, rhs)
            }
        }
        impl<T: Into<E>> $trait<T> for &E {
            type Output = E;
            fn $method(self, rhs: T) -> E {
                bin($op, self.clone(), rhs)
            }
        }
        impl $trait<E> for i64 {
            type Output = E;
            fn $method(self, rhs: E) -> E {
                bin($op, c(self), rhs)
            }
        }
        impl $trait<&E> for i64 {
            type Output = E;
            fn $method(self, rhs: &E) -> E {
                bin($op, c(self), rhs.clone())
            }
        }
    };
}
arith_op!(Add, add, BinaryOp::Add);
arith_op!(Sub, sub, BinaryOp::Sub);
arith_op!(Mul, mul, BinaryOp::Mul);

impl Neg for &E {
    type Output = E;
    fn neg(self) -> E {
        E(ops::neg(self.0.clone()).expect("negatable"))
    }
}

pub fn fld(a: impl Into<E>, b: impl Into<E>) -> E {
    bin(BinaryOp::FloorDiv, a, b)
}
pub fn flm(a: impl Into<E>, b: impl Into<E>) -> E {
    bin(BinaryOp::FloorMod, a, b)
}
pub fn tdiv(a: impl Into<E>, b: impl Into<E>) -> E {
    bin(BinaryOp::Div, a, b)
}
pub fn tmod(a: impl Into<E>, b: impl Into<E>) -> E {
    bin(BinaryOp::Mod, a, b)
}
pub fn min(a: impl Into<E>, b: impl Into<E>) -> E {
    bin(BinaryOp::Min, a, b)
}
pub fn max(a: impl Into<E>, b: impl Into<E>) -> E {
    bin(BinaryOp::Max, a, b)
}
pub fn lt(a: impl Into<E>, b: impl Into<E>) -> E {
    cmp(CmpOp::Lt, a, b)
}
pub fn le(a: impl Into<E>, b: impl Into<E>) -> E {
    cmp(CmpOp::Le, a, b)
}
pub fn gt(a: impl Into<E>, b: impl Into<E>) -> E {
    cmp(CmpOp::Gt, a, b)
}
pub fn ge(a: impl Into<E>, b: impl Into<E>) -> E {
    cmp(CmpOp::Ge, a, b)
}
pub fn eq(a: impl Into<E>, b: impl Into<E>) -> E {
    cmp(CmpOp::Eq, a, b)
}
pub fn ne(a: impl Into<E>, b: impl Into<E>) -> E {
    cmp(CmpOp::Ne, a, b)
}
pub fn and(a: impl Into<E>, b: impl Into<E>) -> E {
    E(ops::logical_and(a.into().0, b.into().0).expect("bool operands"))
}
pub fn or(a: impl Into<E>, b: impl Into<E>) -> E {
    E(ops::logical_or(a.into().0, b.into().0).expect("bool operands"))
}
pub fn not(a: impl Into<E>) -> E {
    E(PrimExpr::not(a.into().0).expect("bool operand"))
}
pub fn select(cond: impl Into<E>, t: impl Into<E>, f: impl Into<E>) -> E {
    E(PrimExpr::select(cond.into().0, t.into().0, f.into().0).expect("well-typed select"))
}

/// The expression as TVM prints it.
pub fn show(e: &PrimExpr) -> String {
    print_expr(e, &PrintOptions::default())
}

pub fn ramp(base: impl Into<E>, stride: impl Into<E>, lanes: u16) -> E {
    let (base, stride) = (base.into().0, stride.into().0);
    let dtype = base.dtype().with_lanes(lanes);
    let lanes = PrimExpr::i32(i32::from(lanes));
    E(PrimExpr::new(dtype, tirscript::ir::Expr::Ramp { base, stride, lanes }).expect("ramp"))
}
pub fn bcast(value: impl Into<E>, lanes: u16) -> E {
    E(ops::broadcast(value.into().0, tirscript::ir::Lanes::Fixed(lanes)).expect("broadcast"))
}

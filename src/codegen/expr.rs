//! Emission of TIR expressions as LLVM IR text, with the value semantics of TVM's LLVM codegen.
//!
//! Integer `Div`/`Mod` truncate (`sdiv`/`srem`, unsigned for uint); `FloorDiv`/`FloorMod` round
//! toward negative infinity (a sign correction after the truncating op; `floor(a / b)` for floats);
//! `Min`/`Max` are a compare and a `select`; float comparisons are ordered (`fcmp o..`). Vectors are
//! LLVM vectors of the same operations; `Broadcast` is an insert and a splat shuffle and `Ramp` is
//! `base + <0, 1, ..> * stride`.

use crate::ir::{BinaryOp, CmpOp, DataType, Expr, PrimExpr};

use super::CodegenError;
use super::emitter::{FuncEmitter, Val};
use super::types::{float_constant, int_constant, is_signed, lanes, llvm_type, scalar_type};

impl FuncEmitter<'_> {
    /// Emits `e` and returns its value.
    pub fn expr(&mut self, e: &PrimExpr) -> Result<Val, CodegenError> {
        let dtype = e.dtype();
        match e.expr() {
            Expr::IntImm(v) => Ok(Val::new(llvm_type(dtype)?, int_constant(*v, dtype))),
            Expr::FloatImm(v) => Ok(Val::new(llvm_type(dtype)?, float_constant(*v, dtype)?)),
            Expr::StringImm(s) => Ok(Val::new("ptr", self.module.string_constant(s))),
            Expr::Var(v) => self.var(v.id(), v.name()),
            Expr::Binary { op, a, b } => {
                let x = self.expr(a)?;
                let y = self.expr(b)?;
                self.binary(*op, a.dtype(), &x, &y)
            }
            Expr::Cmp { op, a, b } => {
                let x = self.expr(a)?;
                let y = self.expr(b)?;
                self.compare(*op, a.dtype(), &x, &y)
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let x = self.expr(a)?;
                let y = self.expr(b)?;
                let op = if matches!(e.expr(), Expr::And(..)) { "and" } else { "or" };
                Ok(self.assign(&x.ty.clone(), &format!("{op} {}, {}", x.typed(), y.repr)))
            }
            Expr::Not(a) => {
                let x = self.expr(a)?;
                let ones = self.splat_constant(dtype, "true")?;
                Ok(self.assign(&x.ty.clone(), &format!("xor {}, {}", x.typed(), ones)))
            }
            Expr::Select { condition, true_value, false_value } => {
                let c = self.expr(condition)?;
                let t = self.expr(true_value)?;
                let f = self.expr(false_value)?;
                let c = self.condition_for(&c, dtype)?;
                Ok(self.assign(
                    &t.ty.clone(),
                    &format!("select {}, {}, {}", c.typed(), t.typed(), f.typed()),
                ))
            }
            Expr::Cast(value) => {
                let v = self.expr(value)?;
                self.cast(&v, value.dtype(), dtype)
            }
            Expr::BufferLoad { buffer, indices, predicate } => {
                self.buffer_load(buffer, indices, predicate.as_ref(), dtype)
            }
            Expr::Ramp { base, stride, .. } if dtype.is_scalable() => {
                let b = self.expr(base)?;
                let s = self.expr(stride)?;
                let crate::ir::Lanes::Scalable(k) = dtype.lanes else {
                    return Err(CodegenError::invalid("a scalable ramp without scalable lanes"));
                };
                self.scalable_ramp(&b, &s, base.dtype(), k)
            }
            Expr::Ramp { base, stride, lanes: n } => {
                let n = n
                    .as_int()
                    .and_then(|n| u16::try_from(n).ok())
                    .ok_or_else(|| CodegenError::unsupported("a ramp with non-constant lanes"))?;
                let b = self.expr(base)?;
                let s = self.expr(stride)?;
                self.ramp(&b, &s, base.dtype(), n)
            }
            Expr::Broadcast { value, .. } => {
                let v = self.expr(value)?;
                self.broadcast_to(&v, dtype.lanes)
            }
            Expr::Shuffle { vectors, indices } => self.shuffle(vectors, indices, dtype),
            Expr::Let { var, value, body } => {
                let v = self.expr(value)?;
                let previous = self.vars.insert(var.id(), v);
                let result = self.expr(body);
                restore(&mut self.vars, var.id(), previous);
                result
            }
            Expr::Call { .. } => self.call(e),
            Expr::Reduce { .. } => {
                Err(CodegenError::invalid("a Reduce node reached code generation (lower it first)"))
            }
        }
    }

    /// A constant `value` of `dtype`'s scalar type, splatted when `dtype` is a vector.
    pub fn splat_constant(&self, dtype: DataType, value: &str) -> Result<String, CodegenError> {
        if dtype.is_scalable() {
            return Ok(format!("splat ({} {value})", scalar_type(dtype)?));
        }
        let n = lanes(dtype)?;
        if n == 1 {
            return Ok(value.to_string());
        }
        let scalar = scalar_type(dtype)?;
        let items: Vec<String> = (0..n).map(|_| format!("{scalar} {value}")).collect();
        Ok(format!("<{}>", items.join(", ")))
    }

    /// `condition` for a select producing `dtype`: a scalar condition is splatted for a vector.
    fn condition_for(&mut self, c: &Val, dtype: DataType) -> Result<Val, CodegenError> {
        if dtype.is_vector() && c.ty == "i1" {
            self.broadcast_to(c, dtype.lanes)
        } else {
            Ok(c.clone())
        }
    }

    /// `v` splatted to `n` lanes.
    pub fn broadcast(&mut self, v: &Val, n: u16) -> Result<Val, CodegenError> {
        if n == 1 {
            return Ok(v.clone());
        }
        let vty = format!("<{n} x {}>", v.ty);
        let one = format!("<1 x {}>", v.ty);
        let ins = self.assign(&one, &format!("insertelement {one} poison, {}, i64 0", v.typed()));
        let mask = format!("<{n} x i32> zeroinitializer");
        Ok(self.assign(&vty, &format!("shufflevector {}, {one} poison, {mask}", ins.typed())))
    }

    /// `base + <0, 1, ..., n-1> * stride` for scalar integer `base` and `stride` of `dtype`.
    pub fn ramp(&mut self, b: &Val, s: &Val, dtype: DataType, n: u16) -> Result<Val, CodegenError> {
        let scalar = scalar_type(dtype)?;
        let vty = format!("<{n} x {scalar}>");
        let steps: Vec<String> = (0..n).map(|i| format!("{scalar} {i}")).collect();
        let steps = format!("<{}>", steps.join(", "));
        let bb = self.broadcast(b, n)?;
        let sb = self.broadcast(s, n)?;
        let (mul, add) = if dtype.is_floating() { ("fmul", "fadd") } else { ("mul", "add") };
        let scaled = self.assign(&vty, &format!("{mul} {vty} {steps}, {}", sb.repr));
        Ok(self.assign(&vty, &format!("{add} {vty} {}, {}", bb.repr, scaled.repr)))
    }

    /// `a op b` for operands of `dtype`.
    pub fn binary(
        &mut self,
        op: BinaryOp,
        dtype: DataType,
        a: &Val,
        b: &Val,
    ) -> Result<Val, CodegenError> {
        let ty = a.ty.clone();
        reject_small_float_arithmetic(dtype)?;
        let float = dtype.is_floating();
        let signed = is_signed(dtype);
        // As TVM's CodeGenLLVM: only signed arithmetic of 32 bits or more may assume no overflow
        // (`nsw`); int8/int16 arithmetic wraps as the interpreter's does. TVM also marks
        // uint32/uint64 arithmetic `nuw`; that is left out on purpose: the interpreter wraps
        // unsigned arithmetic, so `nuw` would make well-defined programs (hashes, `i - 1` at 0)
        // poison (tests/codegen_unsigned_wrap.rs).
        let no_signed_wrap = signed && dtype.bits >= 32;
        let simple = |name: &str| format!("{name} {}, {}", a.typed(), b.repr);
        let text = match op {
            BinaryOp::Add if float => simple("fadd"),
            BinaryOp::Sub if float => simple("fsub"),
            BinaryOp::Mul if float => simple("fmul"),
            BinaryOp::Div if float => simple("fdiv"),
            BinaryOp::Mod if float => simple("frem"),
            BinaryOp::Add => simple(if no_signed_wrap { "add nsw" } else { "add" }),
            BinaryOp::Sub => simple(if no_signed_wrap { "sub nsw" } else { "sub" }),
            BinaryOp::Mul => simple(if no_signed_wrap { "mul nsw" } else { "mul" }),
            BinaryOp::Div => simple(if signed { "sdiv" } else { "udiv" }),
            BinaryOp::Mod => simple(if signed { "srem" } else { "urem" }),
            BinaryOp::FloorDiv | BinaryOp::FloorMod => return self.floor_div_mod(op, dtype, a, b),
            BinaryOp::Min | BinaryOp::Max => {
                let cmp = if op == BinaryOp::Min { CmpOp::Lt } else { CmpOp::Gt };
                let c = self.compare(cmp, dtype, a, b)?;
                format!("select {}, {}, {}", c.typed(), a.typed(), b.typed())
            }
        };
        Ok(self.assign(&ty, &text))
    }

    /// Floor division and modulo: floats through `floor`, integers by correcting the truncating
    /// result when the remainder is non-zero and its sign differs from the divisor's.
    fn floor_div_mod(
        &mut self,
        op: BinaryOp,
        dtype: DataType,
        a: &Val,
        b: &Val,
    ) -> Result<Val, CodegenError> {
        let ty = a.ty.clone();
        if dtype.is_floating() {
            let q = self.assign(&ty, &format!("fdiv {}, {}", a.typed(), b.repr));
            let f = self.intrinsic_call("llvm.floor", dtype, &[q])?;
            if op == BinaryOp::FloorDiv {
                return Ok(f);
            }
            let p = self.assign(&ty, &format!("fmul {}, {}", f.typed(), b.repr));
            return Ok(self.assign(&ty, &format!("fsub {}, {}", a.typed(), p.repr)));
        }
        if !is_signed(dtype) {
            let name = if op == BinaryOp::FloorDiv { "udiv" } else { "urem" };
            return Ok(self.assign(&ty, &format!("{name} {}, {}", a.typed(), b.repr)));
        }
        let bool_ty = super::types::vector_like("i1", dtype.lanes);
        let zero = self.splat_constant(dtype, "0")?;
        let q = self.assign(&ty, &format!("sdiv {}, {}", a.typed(), b.repr));
        let r = self.assign(&ty, &format!("srem {}, {}", a.typed(), b.repr));
        let r_nonzero = self.assign(&bool_ty, &format!("icmp ne {}, {zero}", r.typed()));
        let r_neg = self.assign(&bool_ty, &format!("icmp slt {}, {zero}", r.typed()));
        let b_neg = self.assign(&bool_ty, &format!("icmp slt {}, {zero}", b.typed()));
        let differ = self.assign(&bool_ty, &format!("xor {}, {}", r_neg.typed(), b_neg.repr));
        let fix = self.assign(&bool_ty, &format!("and {}, {}", r_nonzero.typed(), differ.repr));
        if op == BinaryOp::FloorDiv {
            let one = self.splat_constant(dtype, "1")?;
            let qm1 = self.assign(&ty, &format!("sub {}, {one}", q.typed()));
            Ok(self.assign(&ty, &format!("select {}, {}, {}", fix.typed(), qm1.typed(), q.typed())))
        } else {
            let rb = self.assign(&ty, &format!("add {}, {}", r.typed(), b.repr));
            Ok(self.assign(&ty, &format!("select {}, {}, {}", fix.typed(), rb.typed(), r.typed())))
        }
    }

    /// `a op b` as a bool (vector) for operands of `dtype`.
    pub fn compare(
        &mut self,
        op: CmpOp,
        dtype: DataType,
        a: &Val,
        b: &Val,
    ) -> Result<Val, CodegenError> {
        let bool_ty = super::types::vector_like("i1", dtype.lanes);
        reject_small_float_arithmetic(dtype)?;
        let text = if dtype.is_floating() {
            let pred = match op {
                CmpOp::Eq => "oeq",
                CmpOp::Ne => "one",
                CmpOp::Lt => "olt",
                CmpOp::Le => "ole",
                CmpOp::Gt => "ogt",
                CmpOp::Ge => "oge",
            };
            format!("fcmp {pred} {}, {}", a.typed(), b.repr)
        } else {
            let signed = is_signed(dtype);
            let pred = match (op, signed) {
                (CmpOp::Eq, _) => "eq",
                (CmpOp::Ne, _) => "ne",
                (CmpOp::Lt, true) => "slt",
                (CmpOp::Le, true) => "sle",
                (CmpOp::Gt, true) => "sgt",
                (CmpOp::Ge, true) => "sge",
                (CmpOp::Lt, false) => "ult",
                (CmpOp::Le, false) => "ule",
                (CmpOp::Gt, false) => "ugt",
                (CmpOp::Ge, false) => "uge",
            };
            format!("icmp {pred} {}, {}", a.typed(), b.repr)
        };
        Ok(self.assign(&bool_ty, &text))
    }

    /// Converts `v` from dtype `from` to dtype `to` (same lanes).
    pub fn cast(&mut self, v: &Val, from: DataType, to: DataType) -> Result<Val, CodegenError> {
        let ty = llvm_type(to)?;
        if from.element_of() != to.element_of()
            && (super::small_float::is_small_float(from) || super::small_float::is_small_float(to))
        {
            return self.small_float_cast(v, from, to);
        }
        if v.ty == ty && (from.is_floating() == to.is_floating()) && from.bits == to.bits {
            return Ok(Val::new(ty, v.repr.clone()));
        }
        if to.is_bool() {
            let zero = self.splat_constant(from, if from.is_floating() { "0.0" } else { "0" })?;
            let cmp = if from.is_floating() { "fcmp une" } else { "icmp ne" };
            return Ok(self.assign(&ty, &format!("{cmp} {}, {zero}", v.typed())));
        }
        let op = match (from.is_floating(), to.is_floating()) {
            (false, false) => {
                if to.bits > from.bits {
                    if is_signed(from) { "sext" } else { "zext" }
                } else if to.bits < from.bits {
                    "trunc"
                } else {
                    return Ok(Val::new(ty, v.repr.clone()));
                }
            }
            (false, true) => {
                if is_signed(from) {
                    "sitofp"
                } else {
                    "uitofp"
                }
            }
            (true, false) => {
                if is_signed(to) {
                    "fptosi"
                } else {
                    "fptoui"
                }
            }
            (true, true) => {
                if from.bits == to.bits {
                    // float16 <-> bfloat16 go through float.
                    let f32ty = super::types::vector_like("float", from.lanes);
                    let wide = self.assign(&f32ty, &format!("fpext {} to {f32ty}", v.typed()));
                    return Ok(self.assign(&ty, &format!("fptrunc {} to {ty}", wide.typed())));
                }
                if to.bits > from.bits { "fpext" } else { "fptrunc" }
            }
        };
        Ok(self.assign(&ty, &format!("{op} {} to {ty}", v.typed())))
    }

    /// A shuffle: the selected lanes of the concatenated input vectors, lane by lane.
    fn shuffle(
        &mut self,
        vectors: &[PrimExpr],
        indices: &[PrimExpr],
        dtype: DataType,
    ) -> Result<Val, CodegenError> {
        let mut lanes_of_inputs = Vec::new();
        for v in vectors {
            let val = self.expr(v)?;
            let n = lanes(v.dtype())?;
            for i in 0..n {
                if n == 1 {
                    lanes_of_inputs.push(val.clone());
                } else {
                    let scalar = scalar_type(v.dtype())?;
                    let lane =
                        self.assign(scalar, &format!("extractelement {}, i64 {i}", val.typed()));
                    lanes_of_inputs.push(lane);
                }
            }
        }
        let picked: Result<Vec<Val>, CodegenError> = indices
            .iter()
            .map(|i| {
                i.as_int()
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| lanes_of_inputs.get(i).cloned())
                    .ok_or_else(|| {
                        CodegenError::invalid("shuffle index out of range or not constant")
                    })
            })
            .collect();
        self.build_vector(&picked?, dtype)
    }

    /// A vector of `dtype` from its scalar lanes.
    pub fn build_vector(&mut self, lanes_in: &[Val], dtype: DataType) -> Result<Val, CodegenError> {
        if lanes_in.len() == 1 {
            return Ok(lanes_in[0].clone());
        }
        let ty = llvm_type(dtype)?;
        let mut acc = Val::new(ty.clone(), "poison");
        for (i, lane) in lanes_in.iter().enumerate() {
            acc = self
                .assign(&ty, &format!("insertelement {}, {}, i64 {i}", acc.typed(), lane.typed()));
        }
        Ok(acc)
    }
}

/// Arithmetic and comparisons on float8/6/4 values: FP8ComputeLegalize promotes them to float32
/// in the default pipeline, so one reaching codegen is a pipeline without it.
fn reject_small_float_arithmetic(dtype: DataType) -> Result<(), CodegenError> {
    if super::small_float::is_small_float(dtype) {
        return Err(CodegenError::unsupported(format!(
            "arithmetic on {dtype} (run tir.FP8ComputeLegalize first, which computes in float32)"
        )));
    }
    Ok(())
}

/// Restores a variable binding after a scoped definition.
pub fn restore(vars: &mut std::collections::HashMap<u64, Val>, id: u64, previous: Option<Val>) {
    match previous {
        Some(v) => {
            vars.insert(id, v);
        }
        None => {
            vars.remove(&id);
        }
    }
}

//! Emission of `Call` expressions: LLVM intrinsics, libm functions and TIR builtins.
//!
//! `call_llvm_pure_intrin` / `call_llvm_intrin` name the intrinsic by a string immediate (as
//! LowerIntrin makes them); the name is mangled with the result type for the overloaded math
//! intrinsics. TIR math ops that reach codegen unlowered go to the same intrinsics, or to libm
//! (`tanhf`, `erf`, ...) lane by lane; float16/bfloat16 libm calls compute in `float`. `if_then_else`
//! with a scalar condition branches, so the untaken side (often an out-of-bounds load) never runs.

use crate::ir::{BinaryOp, Callee, DataType, Expr, PrimExpr};

use super::CodegenError;
use super::emitter::{FuncEmitter, Val};
use super::types::{intrinsic_suffix, lanes, llvm_type, scalar_type};

/// The LLVM intrinsic of a TIR math op, when one exists.
fn math_intrinsic(op: &str) -> Option<&'static str> {
    Some(match op {
        "exp" => "llvm.exp",
        "exp2" => "llvm.exp2",
        "log" => "llvm.log",
        "log2" => "llvm.log2",
        "log10" => "llvm.log10",
        "sqrt" => "llvm.sqrt",
        "floor" => "llvm.floor",
        "ceil" => "llvm.ceil",
        "trunc" => "llvm.trunc",
        "fabs" => "llvm.fabs",
        "round" => "llvm.round",
        "nearbyint" => "llvm.nearbyint",
        "pow" => "llvm.pow",
        "sin" => "llvm.sin",
        "cos" => "llvm.cos",
        "tan" => "llvm.tan",
        "fma" => "llvm.fmuladd",
        "popcount" => "llvm.ctpop",
        "copysign" => "llvm.copysign",
        _ => return None,
    })
}

/// The libm function (float version) of a TIR math op without an LLVM intrinsic.
fn libm_function(op: &str) -> Option<&'static str> {
    Some(match op {
        "tanh" => "tanh",
        "atan" => "atan",
        "asin" => "asin",
        "acos" => "acos",
        "sinh" => "sinh",
        "cosh" => "cosh",
        "asinh" => "asinh",
        "acosh" => "acosh",
        "atanh" => "atanh",
        "erf" => "erf",
        "exp10" => "exp10",
        "atan2" => "atan2",
        "fmod" => "fmod",
        "hypot" => "hypot",
        "nextafter" => "nextafter",
        "log1p" => "log1p",
        _ => return None,
    })
}

impl FuncEmitter<'_> {
    /// Emits a call expression.
    pub fn call(&mut self, e: &PrimExpr) -> Result<Val, CodegenError> {
        let Expr::Call { op, args } = e.expr() else {
            return Err(CodegenError::invalid("call() on a non-call expression"));
        };
        let dtype = e.dtype();
        let op = match op {
            Callee::Op(op) => op.name(),
            Callee::Global(g) => return self.call_module_function(g.name(), args, dtype),
        };
        match op {
            "call_llvm_pure_intrin" | "call_llvm_intrin" => {
                let name = match args.first().map(|a| a.expr()) {
                    Some(Expr::StringImm(s)) => s.clone(),
                    _ => {
                        return Err(CodegenError::invalid(format!(
                            "{op} without an intrinsic name"
                        )));
                    }
                };
                let mut vals = Vec::new();
                for a in &args[1..] {
                    vals.push(self.expr(a)?);
                }
                self.named_intrinsic(&name, dtype, &vals)
            }
            "call_pure_extern" | "call_extern" => self.extern_call(op, args, dtype),
            "if_then_else" => self.if_then_else(args, dtype),
            "vscale" => self.vscale(dtype),
            "get_active_lane_mask" => self.active_lane_mask(args, dtype),
            "address_of" => match args.first().map(PrimExpr::expr) {
                Some(Expr::BufferLoad { buffer, indices, .. }) => {
                    self.element_address(buffer, indices)
                }
                _ => Err(CodegenError::invalid("address_of takes a buffer element")),
            },
            "ret" => {
                // `T.ret(v)` (MakeUnpackedAPI's `return 0`): leave the function with status v.
                let status = match args.first() {
                    Some(a) => {
                        let v = self.expr(a)?;
                        self.cast(&v, a.dtype(), DataType::int32())?
                    }
                    None => Val::new("i32", "0"),
                };
                self.line(&format!("ret i32 {}", status.repr));
                let after = self.label("after_ret");
                self.start_block(&after);
                Ok(Val::new(llvm_type(dtype)?, if dtype.is_floating() { "0.0" } else { "0" }))
            }
            "likely" | "assume" if args.len() == 1 => {
                if op == "assume" {
                    return Ok(Val::new(llvm_type(dtype)?, "0"));
                }
                self.expr(&args[0])
            }
            "bitwise_and" | "bitwise_or" | "bitwise_xor" | "shift_left" | "shift_right" => {
                let a = self.expr(&args[0])?;
                let b = self.expr(&args[1])?;
                let name = match op {
                    "bitwise_and" => "and",
                    "bitwise_or" => "or",
                    "bitwise_xor" => "xor",
                    "shift_left" => "shl",
                    _ if super::types::is_signed(dtype) => "ashr",
                    _ => "lshr",
                };
                Ok(self.assign(&a.ty.clone(), &format!("{name} {}, {}", a.typed(), b.repr)))
            }
            "bitwise_not" => {
                let a = self.expr(&args[0])?;
                let ones = self.splat_constant(dtype, "-1")?;
                Ok(self.assign(&a.ty.clone(), &format!("xor {}, {ones}", a.typed())))
            }
            "reinterpret" => {
                let a = self.expr(&args[0])?;
                let ty = llvm_type(dtype)?;
                if a.ty == ty {
                    // float8 <-> uint8: the same bits in the same LLVM type.
                    return Ok(Val::new(ty, a.repr));
                }
                Ok(self.assign(&ty, &format!("bitcast {} to {ty}", a.typed())))
            }
            "isnan" | "isinf" | "isfinite" => self.float_class(op, &args[0], dtype),
            "sigmoid" => {
                // 1 / (1 + exp(-x)).
                let x = self.expr(&args[0])?;
                let ty = x.ty.clone();
                let neg = self.assign(&ty, &format!("fneg {}", x.typed()));
                let ex = self.intrinsic_call("llvm.exp", dtype, &[neg])?;
                let one = self.splat_constant(dtype, &super::types::float_constant(1.0, dtype)?)?;
                let den = self.assign(&ty, &format!("fadd {}, {one}", ex.typed()));
                Ok(self.assign(&ty, &format!("fdiv {ty} {one}, {}", den.repr)))
            }
            "fabs" | "abs" if !dtype.is_floating() => {
                let x = self.expr(&args[0])?;
                let zero = self.splat_constant(dtype, "0")?;
                let neg = self.assign(&x.ty.clone(), &format!("sub {} {zero}, {}", x.ty, x.repr));
                let lt =
                    self.compare(crate::ir::CmpOp::Lt, dtype, &x, &Val::new(x.ty.clone(), zero))?;
                Ok(self.assign(
                    &x.ty.clone(),
                    &format!("select {}, {}, {}", lt.typed(), neg.typed(), x.typed()),
                ))
            }
            "truncdiv" | "truncmod" => {
                let a = self.expr(&args[0])?;
                let b = self.expr(&args[1])?;
                let bop = if op == "truncdiv" { BinaryOp::Div } else { BinaryOp::Mod };
                self.binary(bop, dtype, &a, &b)
            }
            _ => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.expr(a)?);
                }
                if let Some(name) = math_intrinsic(op) {
                    return self.intrinsic_call(name, dtype, &vals);
                }
                if let Some(name) = libm_function(op) {
                    return self.libm_call(name, dtype, &vals);
                }
                Err(CodegenError::unsupported(format!("the builtin `T.{op}` in code generation")))
            }
        }
    }

    /// `T.call_extern(dtype, "name", args...)`: a call of the C function `name` with scalar
    /// arguments (as LowerIntrin's libm fallbacks, e.g. `asinf`); the declaration follows the
    /// argument and result types, so the C function must have that signature.
    fn extern_call(
        &mut self,
        op: &str,
        args: &[PrimExpr],
        dtype: DataType,
    ) -> Result<Val, CodegenError> {
        let Some((Expr::StringImm(name), rest)) = args.split_first().map(|(f, r)| (f.expr(), r))
        else {
            return Err(CodegenError::invalid(format!("{op} without a function name")));
        };
        if dtype.is_vector() || rest.iter().any(|a| a.dtype().is_vector()) {
            return Err(CodegenError::unsupported(format!(
                "{op} of `{name}` on vectors (extern calls take scalars)"
            )));
        }
        let mut vals = Vec::new();
        for a in rest {
            vals.push(self.expr(a)?);
        }
        let ret = if dtype.is_void() { "void".to_string() } else { llvm_type(dtype)? };
        let params: Vec<&str> = vals.iter().map(|v| v.ty.as_str()).collect();
        let attrs = if op == "call_pure_extern" { " nounwind readnone" } else { "" };
        self.module.declare(name, format!("declare {ret} @{name}({}){attrs}", params.join(", ")));
        let list: Vec<String> = vals.iter().map(Val::typed).collect();
        if ret == "void" {
            self.line(&format!("call void @{name}({})", list.join(", ")));
            return Ok(Val::new("i32", "0"));
        }
        Ok(self.assign(&ret, &format!("call {ret} @{name}({})", list.join(", "))))
    }

    /// Calls the LLVM intrinsic `name` (already mangled or not) returning `dtype`.
    fn named_intrinsic(
        &mut self,
        name: &str,
        dtype: DataType,
        args: &[Val],
    ) -> Result<Val, CodegenError> {
        if name == "llvm.prefetch" {
            let full = "llvm.prefetch.p0";
            self.module.declare(full, format!("declare void @{full}(ptr, i32, i32, i32)"));
            let list: Vec<String> = args.iter().map(Val::typed).collect();
            self.line(&format!("call void @{full}({})", list.join(", ")));
            return Ok(Val::new(llvm_type(dtype)?, "0"));
        }
        self.intrinsic_call(name, dtype, args)
    }

    /// Calls the overloaded intrinsic `name.<suffix of dtype>` on `args`.
    pub fn intrinsic_call(
        &mut self,
        name: &str,
        dtype: DataType,
        args: &[Val],
    ) -> Result<Val, CodegenError> {
        let ret = llvm_type(dtype)?;
        let full = format!("{name}.{}", intrinsic_suffix(dtype)?);
        let params: Vec<&str> = args.iter().map(|a| a.ty.as_str()).collect();
        self.module.declare(&full, format!("declare {ret} @{full}({})", params.join(", ")));
        let list: Vec<String> = args.iter().map(Val::typed).collect();
        Ok(self.assign(&ret, &format!("call {ret} @{full}({})", list.join(", "))))
    }

    /// Calls libm's `name` (double) or `namef` (float) lane by lane; 16-bit floats compute in float.
    fn libm_call(
        &mut self,
        name: &str,
        dtype: DataType,
        args: &[Val],
    ) -> Result<Val, CodegenError> {
        if !dtype.is_floating() {
            return Err(CodegenError::unsupported(format!("`{name}` on {dtype}")));
        }
        let (func, compute) = if dtype.bits == 64 {
            (name.to_string(), "double")
        } else {
            (format!("{name}f"), "float")
        };
        let params: Vec<&str> = args.iter().map(|_| compute).collect();
        self.module.declare(
            &func,
            format!("declare {compute} @{func}({}) nounwind readnone", params.join(", ")),
        );
        let n = lanes(dtype)?;
        let scalar = scalar_type(dtype)?;
        let mut results = Vec::new();
        for lane in 0..n {
            let mut call_args = Vec::new();
            for a in args {
                let mut v = if n == 1 {
                    a.clone()
                } else {
                    self.assign(scalar, &format!("extractelement {}, i64 {lane}", a.typed()))
                };
                if scalar != compute {
                    v = self.assign(compute, &format!("fpext {} to {compute}", v.typed()));
                }
                call_args.push(v.typed());
            }
            let mut r =
                self.assign(compute, &format!("call {compute} @{func}({})", call_args.join(", ")));
            if scalar != compute {
                r = self.assign(scalar, &format!("fptrunc {} to {scalar}", r.typed()));
            }
            results.push(r);
        }
        self.build_vector(&results, dtype)
    }

    /// `isnan`, `isinf` or `isfinite` of a float.
    fn float_class(
        &mut self,
        op: &str,
        arg: &PrimExpr,
        dtype: DataType,
    ) -> Result<Val, CodegenError> {
        let x = self.expr(arg)?;
        let bool_ty = super::types::vector_like("i1", dtype.lanes);
        if !arg.dtype().is_floating() {
            let v = if op == "isfinite" { "true" } else { "false" };
            return Ok(Val::new(
                bool_ty.clone(),
                self.splat_constant(DataType { lanes: dtype.lanes, ..DataType::bool() }, v)?,
            ));
        }
        if op == "isnan" {
            return Ok(self.assign(&bool_ty, &format!("fcmp uno {}, {}", x.typed(), x.repr)));
        }
        let abs = self.intrinsic_call("llvm.fabs", arg.dtype(), std::slice::from_ref(&x))?;
        let inf = self.splat_constant(
            arg.dtype(),
            &super::types::float_constant(f64::INFINITY, arg.dtype())?,
        )?;
        let pred = if op == "isinf" { "oeq" } else { "olt" };
        Ok(self.assign(&bool_ty, &format!("fcmp {pred} {}, {inf}", abs.typed())))
    }

    /// `if_then_else(c, t, f)`: a branch for a scalar condition, a select for a vector one.
    fn if_then_else(&mut self, args: &[PrimExpr], dtype: DataType) -> Result<Val, CodegenError> {
        let [c, t, f] = args else {
            return Err(CodegenError::invalid("if_then_else takes three arguments"));
        };
        let cond = self.expr(c)?;
        if cond.ty != "i1" {
            let tv = self.expr(t)?;
            let fv = self.expr(f)?;
            return Ok(self.assign(
                &tv.ty.clone(),
                &format!("select {}, {}, {}", cond.typed(), tv.typed(), fv.typed()),
            ));
        }
        let then_l = self.label("ite_then");
        let else_l = self.label("ite_else");
        let end_l = self.label("ite_end");
        self.line(&format!("br i1 {}, label %{then_l}, label %{else_l}", cond.repr));
        self.start_block(&then_l);
        let tv = self.expr(t)?;
        let then_end = self.block.clone();
        self.line(&format!("br label %{end_l}"));
        self.start_block(&else_l);
        let fv = self.expr(f)?;
        let else_end = self.block.clone();
        self.line(&format!("br label %{end_l}"));
        self.start_block(&end_l);
        let ty = llvm_type(dtype)?;
        Ok(self.assign(
            &ty,
            &format!("phi {ty} [ {}, %{then_end} ], [ {}, %{else_end} ]", tv.repr, fv.repr),
        ))
    }
}

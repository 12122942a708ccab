//! The calling convention of compiled PrimFuncs and the assembly of a module's LLVM IR text.
//!
//! C ABI of a PrimFunc `f` (see `FuncAbi`): `int32_t f(args...)` where, in parameter order, a buffer
//! parameter is a pointer to its first element (`noalias` when the function has `tir.noalias`, and
//! assumed 64-byte aligned), a scalar parameter is passed by value in its own type (`int32_t`,
//! `float`, `bool`, ...), and then, for every symbolic buffer dimension that is not a parameter
//! itself, one extra trailing argument of that variable's type holding the dimension. The result
//! is 0 on success, -1 after an out-of-bounds access (bounds-check builds only) and -2 after a failed
//! assertion. Each function also gets `int32_t f_packed(const uint64_t *slots)`, the same call with
//! every argument in an 8-byte slot (a pointer, an integer sign-extended to 64 bits, or a float
//! widened to double): the runtime calls that one.

use std::fmt::Write;

use crate::ir::{AttrValue, DataType, Expr, IRModule, PrimExpr, PrimFunc, Type, Var};

use super::emitter::{FuncEmitter, ModuleState, Val};
use super::module_calls::{callee_info, check_return_type};
use super::types::llvm_type;
use super::{CodegenError, CodegenOptions};

/// What one argument of a compiled function is.
#[derive(Clone, Debug)]
pub enum ArgKind {
    /// A buffer's data pointer: element dtype and the (flat or multi-dimensional) declared shape.
    Buffer { buffer_name: String, dtype: DataType, shape: Vec<PrimExpr> },
    /// A raw pointer to elements of `dtype` whose extent the function does not declare.
    Pointer { dtype: DataType },
    /// A scalar by value.
    Scalar { dtype: DataType },
    /// A symbolic dimension of a buffer argument: dimension `dim` of argument `arg`.
    ShapeVar { dtype: DataType, arg: usize, dim: usize },
}

/// One argument of a compiled function.
#[derive(Clone, Debug)]
pub struct AbiArg {
    pub name: String,
    pub var: Var,
    pub kind: ArgKind,
}

/// The calling convention of one compiled function.
#[derive(Clone, Debug)]
pub struct FuncAbi {
    /// The exported symbol (the function's `global_symbol`, else its name in the module).
    pub symbol: String,
    pub args: Vec<AbiArg>,
    /// A private function (no `global_symbol`): its direct entry point is internal to the
    /// compiled module; only `<symbol>_packed` is exported.
    pub internal: bool,
}

impl FuncAbi {
    /// The ABI of `func`, exported as `symbol`.
    pub fn of(symbol: &str, func: &PrimFunc) -> Result<FuncAbi, CodegenError> {
        let mut args = Vec::new();
        for p in &func.params {
            let kind = match func.buffer_of(p) {
                Some(b) => ArgKind::Buffer {
                    buffer_name: b.name().to_string(),
                    dtype: b.dtype(),
                    shape: b.shape().to_vec(),
                },
                None if p.dtype().is_handle() => ArgKind::Pointer { dtype: pointee(p)? },
                None => ArgKind::Scalar { dtype: p.dtype() },
            };
            args.push(AbiArg { name: p.name().to_string(), var: p.clone(), kind });
        }
        let mut extra = Vec::new();
        for (index, a) in args.iter().enumerate() {
            let ArgKind::Buffer { shape, .. } = &a.kind else { continue };
            for (dim, e) in shape.iter().enumerate() {
                if let Expr::Var(v) = e.expr()
                    && !func.params.contains(v)
                    && !extra.iter().any(|x: &AbiArg| x.var == *v)
                {
                    extra.push(AbiArg {
                        name: v.name().to_string(),
                        var: v.clone(),
                        kind: ArgKind::ShapeVar { dtype: v.dtype(), arg: index, dim },
                    });
                }
            }
        }
        args.extend(extra);
        Ok(FuncAbi { symbol: symbol.to_string(), args, internal: func.global_symbol().is_none() })
    }
}

/// The element dtype a handle parameter points to.
fn pointee(p: &Var) -> Result<DataType, CodegenError> {
    match p.type_annotation() {
        Type::Pointer { element, .. } => match element.as_ref() {
            Type::Prim(dtype) => Ok(*dtype),
            _ => Err(CodegenError::unsupported(format!(
                "parameter `{}` of pointer-to-pointer type",
                p.name()
            ))),
        },
        _ => Ok(DataType::uint(8)),
    }
}

/// Whether `func` promises that its buffers do not alias (`tir.noalias`).
fn is_noalias(func: &PrimFunc) -> bool {
    matches!(func.attrs.get("tir.noalias"), Some(AttrValue::Bool(true)) | Some(AttrValue::Int(1)))
}

/// Emits the definition of one function and its packed wrapper. The LLVM parameters are the
/// lowered function's parameters (a handle is a pointer) followed by the ABI's symbolic dimensions.
pub fn emit_function(
    state: &mut ModuleState,
    options: &CodegenOptions,
    abi: &FuncAbi,
    func: &PrimFunc,
) -> Result<String, CodegenError> {
    super::scalable::check_target(func, options)?;
    let noalias = if is_noalias(func) { "noalias " } else { "" };
    let declared = abi.args.iter().filter(|a| !matches!(a.kind, ArgKind::ShapeVar { .. })).count();
    if declared != func.params.len() {
        return Err(CodegenError::invalid(format!(
            "the lowered function has {} parameters but its interface has {declared}",
            func.params.len()
        )));
    }
    let mut params = Vec::new();
    let mut emitter = FuncEmitter::new(state, options, &abi.symbol);
    let shape_vars = abi.args.iter().filter(|a| matches!(a.kind, ArgKind::ShapeVar { .. }));
    let vars: Vec<&Var> = func.params.iter().chain(shape_vars.map(|a| &a.var)).collect();
    for (k, var) in vars.into_iter().enumerate() {
        let (ty, attrs) = if var.dtype().is_handle() {
            ("ptr".to_string(), format!("{noalias}nocapture align 64 "))
        } else {
            (llvm_type(var.dtype())?, String::new())
        };
        params.push(format!("{ty} {attrs}%arg{k}"));
        let value = Val::new(ty.clone(), format!("%arg{k}"));
        if let Some((_, b)) = func.buffer_map.iter().find(|(p, _)| p == var) {
            emitter.vars.insert(b.data().id(), value.clone());
        }
        emitter.vars.insert(var.id(), value);
    }
    emitter.stmt(&func.body)?;
    emitter.line("ret i32 0");
    let body = emitter.finish();
    let mut out = String::new();
    let linkage = if abi.internal { "internal " } else { "" };
    let _ = writeln!(
        out,
        "define {linkage}i32 @{}({}) #0 {{\n{body}}}\n",
        abi.symbol,
        params.join(", ")
    );
    out.push_str(&packed_wrapper(abi)?);
    Ok(out)
}

/// `i32 @<symbol>_packed(ptr slots)`: unpacks 8-byte slots and calls the function.
fn packed_wrapper(abi: &FuncAbi) -> Result<String, CodegenError> {
    let mut body = String::new();
    let mut call_args = Vec::new();
    for (k, a) in abi.args.iter().enumerate() {
        let _ = writeln!(body, "  %p{k} = getelementptr inbounds i64, ptr %slots, i64 {k}");
        match &a.kind {
            ArgKind::Buffer { .. } | ArgKind::Pointer { .. } => {
                let _ = writeln!(body, "  %a{k} = load ptr, ptr %p{k}, align 8");
                call_args.push(format!("ptr %a{k}"));
            }
            ArgKind::Scalar { dtype } | ArgKind::ShapeVar { dtype, .. } => {
                let ty = llvm_type(*dtype)?;
                if dtype.is_floating() {
                    let _ = writeln!(body, "  %w{k} = load double, ptr %p{k}, align 8");
                    if ty == "double" {
                        let _ = writeln!(body, "  %a{k} = fadd double %w{k}, 0.0");
                    } else {
                        let _ = writeln!(body, "  %a{k} = fptrunc double %w{k} to {ty}");
                    }
                } else {
                    let _ = writeln!(body, "  %w{k} = load i64, ptr %p{k}, align 8");
                    if ty == "i64" {
                        let _ = writeln!(body, "  %a{k} = add i64 %w{k}, 0");
                    } else {
                        let _ = writeln!(body, "  %a{k} = trunc i64 %w{k} to {ty}");
                    }
                }
                call_args.push(format!("{ty} %a{k}"));
            }
        }
    }
    Ok(format!(
        "define i32 @{sym}_packed(ptr %slots) #0 {{\nentry:\n{body}  %r = call i32 @{sym}({args})\n  ret i32 %r\n}}\n",
        sym = abi.symbol,
        args = call_args.join(", ")
    ))
}

/// The LLVM IR text of `module` (without target triple and data layout) and each function's ABI.
///
/// `source` is the module before lowering, when known: after `MakeUnpackedAPI` a lowered function
/// takes bare data pointers, and the buffers they came from (dtype, shape, symbolic dimensions)
/// are read from the same function in `source`, for the runtime's argument checks and the header.
pub fn emit_module(
    module: &IRModule,
    source: Option<&IRModule>,
    options: &CodegenOptions,
) -> Result<(String, Vec<FuncAbi>), CodegenError> {
    let mut state = ModuleState::default();
    let mut functions = String::new();
    let mut abis = Vec::new();
    // Every function's interface first, so a call can name a function defined after it.
    for (gv, func) in module.functions() {
        let symbol = func.global_symbol().unwrap_or(gv.name()).to_string();
        if !is_c_identifier(&symbol) {
            return Err(CodegenError::invalid(format!("`{symbol}` is not a valid C symbol name")));
        }
        let interface = source
            .and_then(|m| m.lookup(gv.name()))
            .map(|(_, f)| f.as_ref())
            .filter(|f| f.params.len() == func.params.len())
            .unwrap_or(func);
        let abi = FuncAbi::of(&symbol, interface)?;
        check_return_type(func).map_err(|e| e.in_function(&symbol))?;
        state.callees.insert(gv.name().to_string(), callee_info(&abi, func));
        abis.push(abi);
    }
    for ((_, func), abi) in module.functions().zip(&abis) {
        let text = emit_function(&mut state, options, abi, func)
            .map_err(|e| e.in_function(&abi.symbol))?;
        functions.push_str(&text);
    }
    if options.embed_runtime {
        functions.push_str(super::embedded::EMBEDDED_RUNTIME);
        for name in super::embedded::EMBEDDED_NAMES {
            state.declarations.remove(*name);
        }
    }
    let mut out = String::from("; ModuleID = 'tirscript'\nsource_filename = \"tirscript\"\n\n");
    for g in &state.globals {
        let _ = writeln!(out, "{g}");
    }
    out.push('\n');
    out.push_str(&functions);
    for f in &state.extra_functions {
        out.push_str(f);
    }
    // Narrowing to bfloat16 may become a libgcc call that Debian 12's libgcc lacks.
    let routines = super::bfloat_routines::routines_for(&out);
    out.push_str(routines);
    for d in state.declarations.values() {
        let _ = writeln!(out, "{d}");
    }
    let _ = writeln!(
        out,
        "\nattributes #0 = {{ nounwind \"target-cpu\"=\"{}\" \"target-features\"=\"{}\" }}",
        options.cpu, options.features
    );
    for m in &state.metadata {
        let _ = writeln!(out, "{m}");
    }
    Ok((out, abis))
}

/// Whether `name` can be a C function name.
fn is_c_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

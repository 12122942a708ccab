//! Scalable vectors (`float32xvscalex4`, `T.vscale()`): LLVM's `<vscale x 4 x float>`.
//!
//! A dtype with `vscale × k` lanes is `<vscale x k x T>`; `T.vscale()` is `llvm.vscale`; a
//! `Broadcast` is an insert and a zero-mask shuffle (valid for scalable vectors); a `Ramp` is
//! `base + stepvector × stride`; constants are `splat (T c)`. Contiguous loads and stores of a
//! unit-stride scalable ramp are plain vector loads and stores. Only targets with scalable vector
//! registers accept them: AArch64 with SVE (`-mattr=+sve` or `+sve2`) and RISC-V with V (`+v`);
//! anywhere else (the x86 host) a function using them is a `CodegenError` naming the target,
//! raised before any code is emitted.

use crate::ir::visit::walk_stmt_exprs;
use crate::ir::{DataType, Expr, Lanes, PrimExpr, PrimFunc};

use super::emitter::{FuncEmitter, Val};
use super::types::{scalar_type, vector_like};
use super::{CodegenError, CodegenOptions};

/// The first scalable dtype (or `T.vscale()` call) in `func`, as text, if any.
fn first_scalable_use(func: &PrimFunc) -> Option<String> {
    let mut found = None;
    walk_stmt_exprs(&func.body, &mut |node: &PrimExpr| {
        if found.is_some() {
            return;
        }
        if node.dtype().is_scalable() {
            found = Some(format!("`{}`", node.dtype()));
        } else if let Expr::Call { op: crate::ir::Callee::Op(op), .. } = node.expr()
            && op.name() == "vscale"
        {
            found = Some("`T.vscale()`".to_string());
        }
    });
    found
}

/// Whether the target of `options` has scalable vector registers.
pub fn target_has_scalable_vectors(options: &CodegenOptions) -> bool {
    let triple = if options.triple.is_empty() {
        super::machine::host_triple()
    } else {
        options.triple.clone()
    };
    // The last mention of a feature decides, as in LLVM (`+sve,...,-sve` has no SVE).
    let has = |feature: &str| {
        options.features.split(',').map(str::trim).rev().find(|f| f.get(1..) == feature.get(1..))
            == Some(feature)
    };
    let arch = triple.split('-').next().unwrap_or("");
    match arch {
        "aarch64" | "aarch64_be" | "arm64" => has("+sve") || has("+sve2"),
        "riscv64" | "riscv32" => has("+v"),
        _ => false,
    }
}

/// Rejects a function that uses scalable vectors when the target has none.
pub fn check_target(func: &PrimFunc, options: &CodegenOptions) -> Result<(), CodegenError> {
    let Some(what) = first_scalable_use(func) else { return Ok(()) };
    if target_has_scalable_vectors(options) {
        return Ok(());
    }
    let triple = if options.triple.is_empty() {
        super::machine::host_triple()
    } else {
        options.triple.clone()
    };
    Err(CodegenError::unsupported(format!(
        "scalable vectors ({what}) on target `{triple}` (CPU `{}`), which has no scalable vector \
         registers: use a target that does, such as `llvm -mtriple=aarch64-linux-gnu -mattr=+sve` \
         (AArch64 SVE) or RISC-V with `-mattr=+v`",
        options.cpu
    )))
}

impl FuncEmitter<'_> {
    /// `T.vscale()` as a value of `dtype` (an integer scalar).
    pub fn vscale(&mut self, dtype: DataType) -> Result<Val, CodegenError> {
        let ty = scalar_type(dtype)?;
        let name = format!("llvm.vscale.{ty}");
        self.module.declare(&name, format!("declare {ty} @{name}()"));
        Ok(self.assign(ty, &format!("call {ty} @{name}()")))
    }

    /// `T.get_active_lane_mask(dtype, base, limit)`: lane `k` is `base + k < limit` (unsigned),
    /// LLVM's `llvm.get.active.lane.mask`, the predicate of a loop's tail.
    pub fn active_lane_mask(
        &mut self,
        args: &[PrimExpr],
        dtype: DataType,
    ) -> Result<Val, CodegenError> {
        let [base, limit] = args else {
            return Err(CodegenError::invalid("get_active_lane_mask takes a base and a limit"));
        };
        if !dtype.is_bool() || dtype.is_scalar() {
            return Err(CodegenError::invalid(format!(
                "get_active_lane_mask must produce a bool vector, not {dtype}"
            )));
        }
        let b = self.expr(base)?;
        let l = self.expr(limit)?;
        let l = if limit.dtype() == base.dtype() {
            l
        } else {
            self.cast(&l, limit.dtype(), base.dtype())?
        };
        let ret = super::types::llvm_type(dtype)?;
        let name = format!(
            "llvm.get.active.lane.mask.{}.{}",
            super::types::intrinsic_suffix(dtype)?,
            super::types::intrinsic_suffix(base.dtype())?
        );
        self.module.declare(&name, format!("declare {ret} @{name}({}, {})", b.ty, b.ty));
        Ok(self.assign(&ret, &format!("call {ret} @{name}({}, {})", b.typed(), l.typed())))
    }

    /// The scalar `v` splatted to `lanes` (fixed or scalable).
    pub fn broadcast_to(&mut self, v: &Val, lanes: Lanes) -> Result<Val, CodegenError> {
        let (count, scalable) = match lanes {
            Lanes::Fixed(1) => return Ok(v.clone()),
            Lanes::Fixed(n) => (n, ""),
            Lanes::Scalable(k) => (k, "vscale x "),
        };
        let vty = vector_like(&v.ty, lanes);
        let ins = self.assign(&vty, &format!("insertelement {vty} poison, {}, i64 0", v.typed()));
        let mask = format!("<{scalable}{count} x i32> zeroinitializer");
        Ok(self.assign(&vty, &format!("shufflevector {}, {vty} poison, {mask}", ins.typed())))
    }

    /// `base + <0, 1, ..> × stride` with `vscale × k` lanes of the scalar `dtype`.
    pub fn scalable_ramp(
        &mut self,
        base: &Val,
        stride: &Val,
        dtype: DataType,
        k: u16,
    ) -> Result<Val, CodegenError> {
        let lanes = Lanes::Scalable(k);
        let scalar = scalar_type(dtype)?;
        if dtype.is_floating() {
            return Err(CodegenError::unsupported(format!("a scalable ramp of {dtype}")));
        }
        let vty = vector_like(scalar, lanes);
        let name = format!("llvm.stepvector.nxv{k}{scalar}");
        self.module.declare(&name, format!("declare {vty} @{name}()"));
        let steps = self.assign(&vty, &format!("call {vty} @{name}()"));
        let b = self.broadcast_to(base, lanes)?;
        let s = self.broadcast_to(stride, lanes)?;
        let scaled = self.assign(&vty, &format!("mul {}, {}", steps.typed(), s.repr));
        Ok(self.assign(&vty, &format!("add {}, {}", b.typed(), scaled.repr)))
    }
}

/// A unit-stride ramp hidden behind `Broadcast(c) + Ramp(b, 1, n)` (or the mirror), as FlattenBuffer
/// leaves a buffer's offset on scalable indices: the equivalent `Ramp(b + c, 1, n)`.
pub fn fold_offset_ramp(index: &PrimExpr) -> Option<PrimExpr> {
    let Expr::Binary { op: crate::ir::BinaryOp::Add, a, b } = index.expr() else { return None };
    let (offset, ramp) = match (a.expr(), b.expr()) {
        (Expr::Broadcast { value, .. }, Expr::Ramp { .. }) => (value, b),
        (Expr::Ramp { .. }, Expr::Broadcast { value, .. }) => (value, a),
        _ => return None,
    };
    let Expr::Ramp { base, stride, lanes } = ramp.expr() else { return None };
    let base = if offset.as_int() == Some(0) {
        base.clone()
    } else {
        PrimExpr::binary(crate::ir::BinaryOp::Add, base.clone(), offset.clone()).ok()?
    };
    PrimExpr::new(ramp.dtype(), Expr::Ramp { base, stride: stride.clone(), lanes: lanes.clone() })
        .ok()
}

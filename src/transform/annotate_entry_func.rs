//! AnnotateEntryFunc (TVM v0.23 `tir.AnnotateEntryFunc`): marks the module's entry function with
//! the attribute `"tir.is_entry_func": True` when the entry can be inferred.
//!
//! - A module with one function: that function is the entry (unless the attribute is already a
//!   non-zero value, it is set to `True`), whether or not it is public.
//! - A module with several functions, exactly one of them public (with a `global_symbol`): that
//!   one is the entry.
//! - Otherwise nothing is inferred and the module is returned unchanged.
//!
//! (TVM also declines when a public function is not a `PrimFunc`; an `IRModule` here holds only
//! `PrimFunc`s, so that case does not arise.)

use crate::ir::{AttrValue, IRModule, IrError, PrimFunc};
use crate::transform::pass::{Pass, PassError};

/// The attribute that marks the entry function.
pub const IS_ENTRY_FUNC: &str = "tir.is_entry_func";

/// Marks the entry function of `module`, when it can be inferred.
pub fn annotate_entry_func(module: &IRModule) -> Result<IRModule, IrError> {
    let mut out = module.clone();
    if module.len() == 1 {
        for (gv, func) in module.functions() {
            if !has_nonzero_attr(func, IS_ENTRY_FUNC) {
                out.update(gv, marked((**func).clone()))?;
            }
        }
        return Ok(out);
    }
    let mut public = module.functions().filter(|(_, f)| f.global_symbol().is_some());
    if let (Some((gv, func)), None) = (public.next(), public.next()) {
        out.update(gv, marked((**func).clone()))?;
    }
    Ok(out)
}

/// The pass `tir.AnnotateEntryFunc` (opt level 0, module pass).
pub fn pass() -> Pass {
    Pass::module("tir.AnnotateEntryFunc", 0, |m, _| {
        annotate_entry_func(&m).map_err(PassError::from)
    })
}

fn marked(mut func: PrimFunc) -> PrimFunc {
    func.attrs.insert(IS_ENTRY_FUNC, AttrValue::Bool(true));
    func
}

/// TVM's `HasNonzeroAttr`: the attribute is an integer (or bool) other than zero.
fn has_nonzero_attr(func: &PrimFunc, key: &str) -> bool {
    match func.attrs.get(key) {
        Some(AttrValue::Bool(b)) => *b,
        Some(AttrValue::Int(v)) => *v != 0,
        Some(AttrValue::Expr(e)) => e.as_int().is_some_and(|v| v != 0),
        _ => false,
    }
}

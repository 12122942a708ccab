//! Module-level builtins of the `I` namespace beyond `I.module_attrs`: `I.module_global_infos`,
//! `I.dummy_global_info` and `I.vdevice`, as TVM v0.23's `ir_builder/ir` defines them.
//!
//! Invariant: global infos are only made by these builtins, and only a `dict` from names to lists
//! of them becomes a module's `global_infos` (once per module, names unique).

use super::Evaluator;
use super::args::{CallArgs, ParamKind::*};
use super::error::{AtSpan, EvalResult, error_label};
use super::value::Value;
use crate::ir::{GlobalInfo, GlobalInfos};

/// `I.module_global_infos({"name": [info, ...], ...})`.
pub fn module_global_infos(ev: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b = args.bind(&[("global_infos", Required)])?;
    let arg = b.req("global_infos")?;
    let Value::Dict(entries) = &arg.value else {
        return Err(error_label(
            &arg.span,
            format!("I.module_global_infos expects a dict, got {}", arg.value.kind()),
            "not a dict of global infos",
        ));
    };
    let mut infos: GlobalInfos = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let Value::Str(name) = key else {
            return Err(error_label(
                &arg.span,
                format!("global info names must be strings, got {}", key.kind()),
                "non-string key",
            ));
        };
        let Some(items) = value.as_sequence() else {
            return Err(error_label(
                &arg.span,
                format!("global info `{name}` must be a list, got {}", value.kind()),
                "not a list",
            ));
        };
        let mut list = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::GlobalInfo(info) => list.push(info.clone()),
                other => {
                    return Err(error_label(
                        &arg.span,
                        format!(
                            "global info `{name}` holds a {}, not a global info such as I.dummy_global_info()",
                            other.kind()
                        ),
                        "not a global info",
                    ));
                }
            }
        }
        infos.push((name.clone(), list));
    }
    ev.builder.module_global_infos(infos).at(&b.span)?;
    Ok(Value::None)
}

/// `I.dummy_global_info()`.
pub fn dummy_global_info(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    args.expect_none()?;
    Ok(Value::GlobalInfo(GlobalInfo::Dummy))
}

/// `I.vdevice(target, vdevice_id=0, memory_scope="global")`.
pub fn vdevice(_: &mut Evaluator, args: CallArgs, _: &[String]) -> EvalResult<Value> {
    let b =
        args.bind(&[("target", Required), ("vdevice_id", Optional), ("memory_scope", Optional)])?;
    let target = b.req("target")?;
    let target = super::target::config(&target.value, &target.span)?;
    let vdevice_id = b.get_some("vdevice_id").map(|a| a.int()).transpose()?.unwrap_or(0);
    let memory_scope =
        b.get_some("memory_scope").map(|a| a.str().map(str::to_string)).transpose()?;
    Ok(Value::GlobalInfo(GlobalInfo::VDevice {
        target,
        vdevice_id,
        memory_scope: memory_scope.unwrap_or_else(|| "global".to_string()),
    }))
}

#[cfg(test)]
mod tests {
    use crate::analysis::structural_eq::{EqualOptions, compare_structural};
    use crate::ir::IRModule;

    fn module(infos: &str) -> IRModule {
        let source = format!(
            "@I.ir_module\nclass Module:\n    I.module_global_infos({infos})\n\n    @T.prim_func\n    def main(A: T.Buffer((8,), \"float32\")):\n        A[0] = T.float32(0.0)\n"
        );
        let parsed = crate::eval::parse_script("test.tir", &source);
        parsed.module.unwrap_or_else(|| panic!("{:?}", parsed.diagnostics))
    }

    #[test]
    fn global_infos_take_part_in_equality_and_json() {
        let options = EqualOptions { map_free_vars: true };
        let a = module(r#"{"vdevice": [I.vdevice("llvm", 0)], "dummy": [I.dummy_global_info()]}"#);
        let same = module(r#"{"dummy": [I.dummy_global_info()], "vdevice": [I.vdevice("llvm")]}"#);
        assert!(compare_structural(&a, &same, options).is_ok());
        let other_id =
            module(r#"{"vdevice": [I.vdevice("llvm", 1)], "dummy": [I.dummy_global_info()]}"#);
        let mismatch = compare_structural(&a, &other_id, options).expect_err("ids differ");
        assert!(mismatch.to_string().contains("vdevice_id"), "{mismatch}");
        let fewer = module(r#"{"vdevice": [I.vdevice("llvm", 0)]}"#);
        assert!(compare_structural(&a, &fewer, options).is_err());
        let reloaded = crate::json::from_json(&crate::json::to_json(&a)).expect("reloads");
        assert!(compare_structural(&a, &reloaded, options).is_ok());
        assert_eq!(reloaded.global_infos.len(), 2);
    }
}

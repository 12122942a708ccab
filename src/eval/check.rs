//! Checking a file end to end: parse, evaluate, then verify the module. Verifier errors carry IR
//! paths, not spans; each is reported at the `def` name of the function it is about, with the
//! path in the message.

use super::parse_with_tree;
use crate::analysis::verify::verify_func;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{Module, Span, StmtKind};

/// Parses, evaluates and verifies `source`; returns every diagnostic (empty when the file is fine).
pub fn check_source(name: &str, source: &str) -> Vec<Diagnostic> {
    let _ = name;
    let (parsed, mut diagnostics) = parse_with_tree(source);
    let Some((tree, module)) = parsed else {
        return diagnostics;
    };
    let spans = function_spans(&tree);
    for (global, func) in module.functions() {
        let span = spans.iter().find(|(n, _)| n == global.name()).map_or(0..0, |(_, s)| s.clone());
        for err in verify_func(func) {
            diagnostics.push(
                Diagnostic::error(
                    format!("ill-formed IR in `{}`: {}", global.name(), err.message),
                    span.clone(),
                )
                .with_label(format!("at {}", err.path)),
            );
        }
    }
    diagnostics
}

/// The span of each function's name, top-level or in a class.
fn function_spans(tree: &Module) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for stmt in &tree.body {
        match &stmt.kind {
            StmtKind::FunctionDef(def) => out.push((def.name.name.clone(), def.name.span.clone())),
            StmtKind::ClassDef(class) => {
                for inner in &class.body {
                    if let StmtKind::FunctionDef(def) = &inner.kind {
                        out.push((def.name.name.clone(), def.name.span.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

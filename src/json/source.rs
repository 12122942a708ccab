//! JSON files as sources: checking and canonical formatting, the JSON counterparts of
//! `eval::check_source` and `print::format_source`, so `tirscript check` and `fmt` treat `.json`
//! inputs the way they treat `.tir` ones.
//!
//! A load error has no byte position (the loader names the JSON path instead), so its diagnostic
//! spans the start of the file and carries the path in its message.

use crate::analysis::verify::verify_module;
use crate::diagnostic::Diagnostic;

/// Whether a file name names a JSON IR file (by its `.json` extension).
pub fn is_json_name(name: &str) -> bool {
    std::path::Path::new(name).extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Loads a JSON IR file and verifies the module; returns every problem as a diagnostic.
pub fn check_json_source(source: &str) -> Vec<Diagnostic> {
    match super::from_json(source) {
        Err(err) => vec![load_error(&err)],
        Ok(module) => verify_module(&module)
            .into_iter()
            .map(|e| {
                Diagnostic::error(format!("ill-formed IR: {}", e.message), 0..0)
                    .with_label(format!("at {}", e.path))
            })
            .collect(),
    }
}

/// The canonical text of a JSON IR file: loaded and written back in the default pretty form.
pub fn format_json_source(source: &str) -> Result<String, Vec<Diagnostic>> {
    super::from_json(source).map(|module| super::to_json(&module)).map_err(|e| vec![load_error(&e)])
}

fn load_error(err: &super::JsonError) -> Diagnostic {
    Diagnostic::error(format!("invalid JSON IR: {err}"), 0..0)
        .with_label("the file does not load as a tirscript-ir module")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_are_recognised_by_extension() {
        assert!(is_json_name("kernel.json") && is_json_name("dir/K.JSON"));
        assert!(!is_json_name("kernel.tir") && !is_json_name("json"));
    }

    #[test]
    fn a_broken_file_is_one_diagnostic_naming_the_problem() {
        let diagnostics = check_json_source("{\"format\": \"tirscript-ir\"}");
        assert_eq!(diagnostics.len(), 1);
        assert!(
            diagnostics[0].message.starts_with("invalid JSON IR"),
            "{}",
            diagnostics[0].message
        );
        assert!(format_json_source("[]").is_err());
    }
}

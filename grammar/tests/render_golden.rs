//! Golden tests of `render_highlighted`: each sample kernel in `test/samples/` rendered in each
//! format must equal `test/golden/<name>.<format>` byte for byte. One test case per pair.
//!
//! Set `UPDATE_GOLDEN=1` to write the current output as the new golden instead of comparing
//! (and read the diff before committing it). On mismatch the failure shows a unified diff.

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use tree_sitter_tvmscript::{HighlightFormat, render_highlighted};

/// The rendered samples and the file extension of each format's golden.
const SAMPLES: &[&str] = &["matmul", "features"];
const FORMATS: &[(HighlightFormat, &str)] =
    &[(HighlightFormat::Ansi, "ansi"), (HighlightFormat::Html, "html")];

fn check(sample: &Path, golden: &Path, format: HighlightFormat) -> Result<(), Failed> {
    let source = std::fs::read_to_string(sample)
        .map_err(|e| format!("cannot read {}: {e}", sample.display()))?;
    let rendered =
        render_highlighted(&source, format).map_err(|e| format!("highlighting failed: {e}"))?;
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1") {
        std::fs::write(golden, &rendered)
            .map_err(|e| format!("cannot write {}: {e}", golden.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(golden).map_err(|e| {
        format!("cannot read {} (bless with UPDATE_GOLDEN=1): {e}", golden.display())
    })?;
    if expected == rendered {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(&expected, &rendered)
        .unified_diff()
        .header("golden", "rendered")
        .to_string();
    // ANSI escapes are shown visibly so the diff itself does not recolour the terminal.
    Err(format!(
        "{} differs from the rendering:\n{}",
        golden.display(),
        diff.replace('\x1b', "\\e")
    )
    .into())
}

fn main() {
    let arguments = Arguments::from_args();
    let test_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test");
    let mut trials = Vec::new();
    for sample in SAMPLES {
        for &(format, extension) in FORMATS {
            let sample_path: PathBuf = test_dir.join("samples").join(format!("{sample}.tir"));
            let golden_path: PathBuf =
                test_dir.join("golden").join(format!("{sample}.{extension}"));
            trials.push(Trial::test(format!("{sample}.{extension}"), move || {
                check(&sample_path, &golden_path, format)
            }));
        }
    }
    libtest_mimic::run(&arguments, trials).exit();
}

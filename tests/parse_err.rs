//! Error goldens: every `tests/parse/err/NAME.tir` must fail to check, and its diagnostics,
//! rendered without colour, must equal `NAME.txt` beside it byte for byte (bless with
//! `UPDATE_GOLDEN=1`; read every blessed golden before committing). Each file is its own test; a
//! mismatch shows a unified diff. The same diagnostics are also checked as JSON lines (one object
//! per diagnostic, spans inside the file).

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use tirscript::diagnostic::SourceFile;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "tir"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn check(path: &Path) -> Result<(), Failed> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = format!("{}.tir", path.file_stem().unwrap_or_default().to_string_lossy());
    let diagnostics = tirscript::eval::check_source(&name, &source);
    if diagnostics.is_empty() {
        return Err("expected at least one diagnostic, got none".into());
    }
    let file = SourceFile::new(name, source.clone());
    for d in &diagnostics {
        if d.span.start > d.span.end || d.span.end > source.len() {
            return Err(format!("span {:?} is outside the file", d.span).into());
        }
        let json: serde_json::Value =
            serde_json::from_str(&d.to_json_string(&file)).map_err(|e| e.to_string())?;
        if json["severity"] != "error" || json["message"] != d.message.as_str() {
            return Err(format!("bad JSON form: {json}").into());
        }
    }
    let rendered: String = diagnostics.iter().map(|d| d.render(&file, false)).collect();
    compare(&path.with_extension("txt"), &rendered)
}

fn compare(golden: &Path, actual: &str) -> Result<(), Failed> {
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(golden, actual).map_err(|e| format!("{}: {e}", golden.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(golden).map_err(|e| {
        format!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", golden.display())
    })?;
    if expected == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string();
    Err(format!("{} differs from the output:\n{diff}", golden.display()).into())
}

/// `tirscript check` exits 0 on a good file and 1 on a bad one, printing the golden report on
/// stderr, and with `--message-format json` one JSON object per line on stdout.
fn cli_check() -> Result<(), Failed> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exe = env!("CARGO_BIN_EXE_tirscript");
    let run = |args: &[&str]| {
        std::process::Command::new(exe)
            .args(args)
            .current_dir(root)
            .output()
            .map_err(|e| e.to_string())
    };
    let ok = run(&["check", "tests/parse/ok/blocks/matmul.tir"])?;
    if ok.status.code() != Some(0) || !ok.stderr.is_empty() {
        return Err(
            format!("good file: {:?} {}", ok.status, String::from_utf8_lossy(&ok.stderr)).into()
        );
    }
    let bad = run(&[
        "check",
        "--color",
        "false",
        "tests/parse/ok/blocks/matmul.tir",
        "tests/parse/err/unknown_t_name.tir",
    ])?;
    let stderr = String::from_utf8_lossy(&bad.stderr);
    if bad.status.code() != Some(1) || !stderr.contains("`T.serail` is not a known TVMScript name")
    {
        return Err(format!("bad file: {:?} {stderr}", bad.status).into());
    }
    let json = run(&["check", "--message-format", "json", "tests/parse/err/undefined_var.tir"])?;
    let stdout = String::from_utf8_lossy(&json.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let [line] = lines.as_slice() else {
        return Err(format!("expected one JSON line, got {stdout:?}").into());
    };
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    if json.status.code() != Some(1)
        || v["line_start"] != 6
        || v["column_start"] != 11
        || v["file"] != "tests/parse/err/undefined_var.tir"
    {
        return Err(format!("json: {:?} {v}", json.status).into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/err");
    let mut trials: Vec<Trial> = files(&dir)
        .into_iter()
        .map(|path| {
            let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            Trial::test(name, move || check(&path))
        })
        .collect();
    trials.push(Trial::test("cli_check_exit_codes_and_json", cli_check));
    libtest_mimic::run(&args, trials).exit();
}

//! Every query file of every editor compiles against the grammar and uses only capture names
//! from that editor's documented set. One test case per query file (and one per Emacs
//! font-lock query), so a failure names the file, the query and the offending capture.
//!
//! Covered: the grammar's own `queries/` (tree-sitter's names for highlights and locals,
//! nvim-treesitter's for folds and indents, as tree-sitter defines none), `editors/neovim`,
//! `editors/helix`, and the font-lock queries inside `editors/emacs/tvmscript-ts-mode.el`.
//! A query file whose kind has no documented capture set fails, so new files cannot slip by.

mod capture_sets;
mod emacs;

use std::path::{Path, PathBuf};

use capture_sets::*;
use libtest_mimic::{Arguments, Failed, Trial};

/// How the capture names of one query are judged.
enum CaptureRule {
    /// Every capture is in this list (or private, starting with `_`).
    OneOf(&'static [&'static str]),
    /// Helix locals: `local.scope`, `local.reference`, `local.definition.<highlight scope>`,
    /// or a private discard capture.
    HelixLocals,
    /// Emacs font-lock: a standard face, or a fontifier function defined in the mode file
    /// (treesit calls a capture named after a function instead of applying a face).
    EmacsFaceOrFunction(Vec<String>),
}

impl CaptureRule {
    fn allows(&self, name: &str) -> bool {
        if name.starts_with('_') {
            return true;
        }
        match self {
            CaptureRule::OneOf(names) => names.contains(&name),
            CaptureRule::HelixLocals => {
                HELIX_LOCALS.contains(&name)
                    || name
                        .strip_prefix("local.definition.")
                        .is_some_and(|scope| HELIX_HIGHLIGHTS.contains(&scope))
            }
            CaptureRule::EmacsFaceOrFunction(functions) => {
                EMACS_FACES.contains(&name) || functions.iter().any(|function| function == name)
            }
        }
    }
}

/// The editors whose query directories are checked, and the rule for each query kind.
#[derive(Clone, Copy)]
enum Editor {
    Grammar,
    Neovim,
    Helix,
}

impl Editor {
    fn rule_for(self, query_kind: &str) -> Option<CaptureRule> {
        use CaptureRule::OneOf;
        match (self, query_kind) {
            (Editor::Grammar, "highlights") => Some(OneOf(TREE_SITTER_HIGHLIGHTS)),
            (Editor::Grammar, "locals") => Some(OneOf(TREE_SITTER_LOCALS)),
            (Editor::Grammar | Editor::Neovim, "folds") => Some(OneOf(NVIM_FOLDS)),
            (Editor::Grammar | Editor::Neovim, "indents") => Some(OneOf(NVIM_INDENTS)),
            (Editor::Neovim, "highlights") => Some(OneOf(NVIM_HIGHLIGHTS)),
            (Editor::Neovim, "locals") => Some(OneOf(NVIM_LOCALS)),
            (Editor::Neovim, "injections") => Some(OneOf(NVIM_INJECTIONS)),
            (Editor::Helix, "highlights") => Some(OneOf(HELIX_HIGHLIGHTS)),
            (Editor::Helix, "locals") => Some(CaptureRule::HelixLocals),
            (Editor::Helix, "indents") => Some(OneOf(HELIX_INDENTS)),
            (Editor::Helix, "textobjects") => Some(OneOf(HELIX_TEXTOBJECTS)),
            (Editor::Helix, "injections") => Some(OneOf(HELIX_INJECTIONS)),
            _ => None,
        }
    }
}

/// Compiles `source` and checks its capture names against `rule`.
pub(crate) fn check_query(label: &str, source: &str, rule: &CaptureRule) -> Result<(), Failed> {
    let language = tree_sitter_tvmscript::language();
    let query = tree_sitter::Query::new(&language, source)
        .map_err(|error| format!("{label}: does not compile: {error}"))?;
    if query.pattern_count() == 0 {
        return Err(format!("{label}: has no patterns").into());
    }
    let unknown: Vec<&str> =
        query.capture_names().iter().copied().filter(|name| !rule.allows(name)).collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{label}: capture names outside the editor's documented set: @{}",
            unknown.join(", @")
        )
        .into())
    }
}

fn scm_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "scm"))
        .collect();
    files.sort();
    Ok(files)
}

fn query_file_trial(root: &Path, editor: Editor, path: PathBuf) -> Trial {
    let label = path.strip_prefix(root).unwrap_or(&path).display().to_string();
    Trial::test(label.clone(), move || {
        let kind = path.file_stem().and_then(|stem| stem.to_str()).unwrap_or("");
        let rule = editor.rule_for(kind).ok_or_else(|| {
            format!("{label}: no documented capture set for `{kind}` queries of this editor")
        })?;
        let source = std::fs::read_to_string(&path)
            .map_err(|error| format!("{label}: cannot read: {error}"))?;
        check_query(&label, &source, &rule)
    })
}

fn main() {
    let arguments = Arguments::from_args();
    let grammar_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = grammar_dir.join("..");
    let query_dirs = [
        (Editor::Grammar, root.join("grammar/queries"), 4),
        (Editor::Neovim, root.join("editors/neovim/queries/tvmscript"), 4),
        (Editor::Helix, root.join("editors/helix/queries/tvmscript"), 3),
    ];
    let mut trials =
        vec![Trial::test("the checker rejects unknown captures and broken queries", || {
            let rule = CaptureRule::OneOf(NVIM_FOLDS);
            if check_query("probe", "(block) @not.a.capture", &rule).is_ok() {
                return Err("a capture outside the set was accepted".into());
            }
            if check_query("probe", "(no_such_node) @fold", &rule).is_ok() {
                return Err("a query naming an unknown node type was accepted".into());
            }
            check_query("probe", "(block) @fold", &rule)
        })];
    for (editor, dir, expected_at_least) in query_dirs {
        let label = dir.strip_prefix(&root).unwrap_or(&dir).display().to_string();
        match scm_files(&dir) {
            Ok(files) => {
                let found = files.len();
                trials.push(Trial::test(format!("{label} holds its query files"), move || {
                    if found >= expected_at_least {
                        Ok(())
                    } else {
                        Err(format!(
                            "{label}: {found} query files, expected at least {expected_at_least}"
                        )
                        .into())
                    }
                }));
                trials.extend(files.into_iter().map(|path| query_file_trial(&root, editor, path)));
            }
            Err(error) => {
                let message = format!("{label}: cannot list: {error}");
                trials.push(Trial::test(label, move || Err(message.into())));
            }
        }
    }
    trials.extend(emacs::trials(&root.join("editors/emacs/tvmscript-ts-mode.el")));
    libtest_mimic::run(&arguments, trials).exit();
}

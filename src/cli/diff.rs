//! `tirscript diff A B`: compare two programs structurally (modulo variable renaming), as TVM's
//! `assert_structural_equal` does.
//!
//! Each side is a TVMScript file (`-` for standard input) or, with a `.json` extension, a JSON
//! module. Two lone functions are compared as functions; otherwise the modules are compared.
//! On a difference, both sides are printed without syntax sugar (as TVM prints them for this
//! message) with the first differing node underlined, after the paths of that node.
//!
//! Exit status: 0 when structurally equal, 1 when not, 2 when a side cannot be read or parsed.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::analysis::structural_eq::{EqualOptions, Mismatch, compare_structural};
use crate::diagnostic::SourceFile;
use crate::ir::IRModule;
use crate::print::{Node, PrintOptions, is_lone_function_source, print_underlined};

/// Arguments of `tirscript diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The left program.
    pub lhs: PathBuf,
    /// The right program.
    pub rhs: PathBuf,
    /// Pair free variables at first use instead of requiring the same variables.
    #[arg(long)]
    pub map_free_vars: bool,
}

/// A loaded side: its module and whether it is a lone function.
struct Side {
    module: IRModule,
    lone_function: bool,
}

fn load(path: &Path) -> Result<Side, String> {
    let name = path.display().to_string();
    let text = super::read_input(path)?;
    if path.extension().is_some_and(|e| e == "json") {
        let module = crate::json::from_json(&text).map_err(|e| format!("{name}: {e}"))?;
        return Ok(Side { module, lone_function: false });
    }
    let parsed = crate::eval::parse_script(&name, &text);
    match parsed.module {
        Some(module) if !parsed.has_errors() => {
            let lone_function = module.len() == 1 && is_lone_function_source(&text);
            Ok(Side { module, lone_function })
        }
        _ => {
            let file = SourceFile::new(name.clone(), text);
            let mut message = String::new();
            for d in &parsed.diagnostics {
                message.push_str(&d.render(&file, false));
            }
            message.push_str(&format!("error: {name} does not parse"));
            Err(message)
        }
    }
}

/// Runs `diff`; returns the exit status.
pub fn run(args: &DiffArgs) -> i32 {
    let (lhs, rhs) = match (load(&args.lhs), load(&args.rhs)) {
        (Ok(l), Ok(r)) => (l, r),
        (l, r) => {
            for e in [l.err(), r.err()].into_iter().flatten() {
                eprintln!("{e}");
            }
            return 2;
        }
    };
    let options = EqualOptions { map_free_vars: args.map_free_vars };
    match difference(&lhs, &rhs, options) {
        None => 0,
        Some(report) => {
            print!("{report}");
            1
        }
    }
}

/// The report of the first difference between two sides, or `None` when they are equal.
fn difference(lhs: &Side, rhs: &Side, options: EqualOptions) -> Option<String> {
    let print = PrintOptions { syntax_sugar: false, ..PrintOptions::default() };
    let lone = |s: &Side| {
        if s.lone_function { s.module.functions().next().map(|(_, f)| f.clone()) } else { None }
    };
    if let (Some(lf), Some(rf)) = (lone(lhs), lone(rhs)) {
        let mismatch = compare_structural(lf.as_ref(), rf.as_ref(), options).err()?;
        let l = print_underlined(Node::Func(&lf), std::slice::from_ref(&mismatch.lhs_path), &print);
        let r = print_underlined(Node::Func(&rf), std::slice::from_ref(&mismatch.rhs_path), &print);
        return Some(report(&mismatch, &l, &r));
    }
    let mismatch = compare_structural(&lhs.module, &rhs.module, options).err()?;
    let l = print_underlined(
        Node::Module(&lhs.module),
        std::slice::from_ref(&mismatch.lhs_path),
        &print,
    );
    let r = print_underlined(
        Node::Module(&rhs.module),
        std::slice::from_ref(&mismatch.rhs_path),
        &print,
    );
    Some(report(&mismatch, &l, &r))
}

/// TVM's message: `StructuralEqual check failed, caused by lhs at PATH:` + lhs script + `and
/// rhs at PATH:` + rhs script, with the values that differ on a last line.
fn report(m: &Mismatch, lhs: &str, rhs: &str) -> String {
    let path = |p: &crate::analysis::path::ObjectPath| {
        if p.is_root() { "<root>".to_string() } else { format!("<root>.{p}") }
    };
    format!(
        "StructuralEqual check failed, caused by lhs at {}:\n{lhs}\nand rhs at {}:\n{rhs}\n\nlhs has {}, rhs has {}\n",
        path(&m.lhs_path),
        path(&m.rhs_path),
        m.lhs,
        m.rhs
    )
}

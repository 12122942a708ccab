//! Checks the Emacs mode: the tree-sitter queries inside `treesit-font-lock-rules` compile
//! against the grammar and capture only standard `font-lock-*-face` faces or fontifier
//! functions defined in the mode file itself, and the node types named by `parent-is` /
//! `node-is` indent matchers exist in the grammar.
//!
//! The queries are written as Emacs Lisp strings in the `.el` file; this module reads the
//! string literals inside the `(treesit-font-lock-rules ...)` form with a small reader that
//! understands strings, comments, character literals and parentheses, which is all that form
//! contains.

use std::path::Path;

use libtest_mimic::{Failed, Trial};

use crate::CaptureRule;

/// One lexical element of Emacs Lisp that matters here.
#[derive(Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Str(String),
    Atom(String),
}

/// Splits Emacs Lisp text into parentheses, string literals (unescaped) and atoms.
fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | '[' => tokens.push(Token::Open),
            ')' | ']' => tokens.push(Token::Close),
            ';' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut value = String::new();
                loop {
                    match chars.next() {
                        None => return Err("unterminated string literal".to_string()),
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('n') => value.push('\n'),
                            Some('t') => value.push('\t'),
                            Some('\n') => {}
                            Some(other) => value.push(other),
                            None => return Err("unterminated escape".to_string()),
                        },
                        Some(other) => value.push(other),
                    }
                }
                tokens.push(Token::Str(value));
            }
            '?' => {
                // A character literal such as `?a` or `?\(`.
                if chars.next() == Some('\\') {
                    chars.next();
                }
            }
            c if c.is_whitespace() || c == '\'' || c == '`' || c == ',' => {}
            c => {
                let mut atom = String::from(c);
                while let Some(&next) = chars.peek() {
                    if next.is_whitespace() || "()[]\";".contains(next) {
                        break;
                    }
                    atom.push(next);
                    chars.next();
                }
                tokens.push(Token::Atom(atom));
            }
        }
    }
    Ok(tokens)
}

/// The string literals inside every form whose head is the atom `head`, in order.
fn strings_in_forms(tokens: &[Token], head: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        if *token != Token::Atom(head.to_string()) || index == 0 || tokens[index - 1] != Token::Open
        {
            continue;
        }
        let mut depth = 1usize;
        for token in &tokens[index + 1..] {
            match token {
                Token::Open => depth += 1,
                Token::Close => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Token::Str(value) => found.push(value.clone()),
                Token::Atom(_) => {}
            }
        }
    }
    found
}

/// The names of all functions the file defines with `(defun NAME ...)`.
fn defined_functions(tokens: &[Token]) -> Vec<String> {
    tokens
        .windows(3)
        .filter_map(|window| match window {
            [Token::Open, Token::Atom(defun), Token::Atom(name)] if defun == "defun" => {
                Some(name.clone())
            }
            _ => None,
        })
        .collect()
}

/// The string argument of every `(parent-is "X")` and `(node-is "X")` matcher.
fn indent_matcher_node_types(tokens: &[Token]) -> Vec<String> {
    tokens
        .windows(4)
        .filter_map(|window| match window {
            [Token::Open, Token::Atom(matcher), Token::Str(node_type), Token::Close]
                if matcher == "parent-is" || matcher == "node-is" =>
            {
                Some(node_type.clone())
            }
            _ => None,
        })
        .collect()
}

/// One trial per font-lock query, one for the count, one for the indent matchers.
pub fn trials(mode_file: &Path) -> Vec<Trial> {
    let label = "editors/emacs/tvmscript-ts-mode.el".to_string();
    let tokens = match std::fs::read_to_string(mode_file)
        .map_err(|e| e.to_string())
        .and_then(|text| tokenize(&text))
    {
        Ok(tokens) => tokens,
        Err(error) => {
            let message = format!("{label}: {error}");
            return vec![Trial::test(label, move || Err(message.into()))];
        }
    };
    let queries = strings_in_forms(&tokens, "treesit-font-lock-rules");
    let mut trials = Vec::new();
    let count = queries.len();
    let count_label = label.clone();
    trials.push(Trial::test(format!("{label} has font-lock queries"), move || {
        if count >= 5 {
            Ok(())
        } else {
            Err(format!("{count_label}: only {count} font-lock queries found").into())
        }
    }));
    let functions = defined_functions(&tokens);
    for (index, query) in queries.into_iter().enumerate() {
        let name = format!("{label} font-lock query {}", index + 1);
        let rule = CaptureRule::EmacsFaceOrFunction(functions.clone());
        trials.push(Trial::test(name.clone(), move || crate::check_query(&name, &query, &rule)));
    }
    let node_types = indent_matcher_node_types(&tokens);
    trials.push(Trial::test(format!("{label} indent rules name real node types"), move || {
        check_node_types(&label, &node_types)
    }));
    trials
}

fn check_node_types(label: &str, node_types: &[String]) -> Result<(), Failed> {
    if node_types.is_empty() {
        return Err(format!("{label}: no parent-is/node-is indent matchers found").into());
    }
    let language = tree_sitter_tvmscript::language();
    let unknown: Vec<&str> = node_types
        .iter()
        .map(|pattern| pattern.trim_start_matches('^').trim_end_matches('$'))
        .filter(|kind| {
            language.id_for_node_kind(kind, true) == 0
                && language.id_for_node_kind(kind, false) == 0
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(format!("{label}: indent matchers name unknown node types: {}", unknown.join(", "))
            .into())
    }
}

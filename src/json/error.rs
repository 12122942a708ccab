//! `JsonError` and JSON Pointer paths (RFC 6901) naming where in a file an error is.
//!
//! Paths are built without allocation while loading (`Path` is a chain of borrowed steps on the
//! call stack) and rendered only when an error is reported. A path longer than
//! `PATH_KEEP * 2` steps is abbreviated to its first and last `PATH_KEEP` steps around `/...`.

use std::fmt;

/// Why a JSON file could not be loaded, and where: `path` is a JSON Pointer such as
/// `/functions/main/body/seq/3/buffer_store/value` (empty for the whole document).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "at the document root: {}", self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for JsonError {}

/// How many leading and trailing steps an abbreviated path keeps.
pub const PATH_KEEP: usize = 12;

/// Escapes one reference token as RFC 6901 requires (`~` → `~0`, `/` → `~1`).
fn escape_token(token: &str, out: &mut String) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Renders reference tokens as a JSON Pointer, abbreviating very deep paths.
pub fn render_pointer<S: AsRef<str>>(tokens: &[S]) -> String {
    let mut out = String::new();
    let abbreviate = tokens.len() > PATH_KEEP * 2;
    for (i, token) in tokens.iter().enumerate() {
        if abbreviate && i == PATH_KEEP {
            out.push_str("/...");
        }
        if abbreviate && i >= PATH_KEEP && i < tokens.len() - PATH_KEEP {
            continue;
        }
        out.push('/');
        escape_token(token.as_ref(), &mut out);
    }
    out
}

/// One step of a load path.
#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

/// The location of the value being loaded: a chain of steps from the document root.
#[derive(Clone, Copy, Debug)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Step<'a>,
}

impl<'a> Path<'a> {
    pub const ROOT: Path<'static> = Path { parent: None, step: Step::Root };

    /// The path of member `key` of this object.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path { parent: Some(self), step: Step::Key(key) }
    }
    /// The path of element `index` of this array.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path { parent: Some(self), step: Step::Index(index) }
    }
    /// The JSON Pointer of this path.
    pub fn render(&self) -> String {
        let mut tokens = Vec::new();
        let mut at = Some(self);
        while let Some(path) = at {
            match path.step {
                Step::Root => {}
                Step::Key(key) => tokens.push(key.to_string()),
                Step::Index(index) => tokens.push(index.to_string()),
            }
            at = path.parent;
        }
        tokens.reverse();
        render_pointer(&tokens)
    }
    /// An error at this path.
    pub fn error(&self, message: impl Into<String>) -> JsonError {
        JsonError { path: self.render(), message: message.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_and_abbreviate() {
        let root = Path::ROOT;
        let functions = root.key("functions");
        let name = functions.key("a/b~c");
        let item = name.index(3);
        assert_eq!(item.render(), "/functions/a~1b~0c/3");
        assert_eq!(Path::ROOT.render(), "");
        let deep: Vec<String> = (0..30).map(|i| i.to_string()).collect();
        let rendered = render_pointer(&deep);
        assert!(rendered.starts_with("/0/1/2/"), "{rendered}");
        assert!(rendered.contains("/11/.../18/"), "{rendered}");
        assert!(rendered.ends_with("/29"), "{rendered}");
    }

    #[test]
    fn display_names_the_path() {
        let err = JsonError { path: "/vars/0/dtype".into(), message: "bad".into() };
        assert_eq!(err.to_string(), "at /vars/0/dtype: bad");
        let root = JsonError { path: String::new(), message: "bad".into() };
        assert_eq!(root.to_string(), "at the document root: bad");
    }
}

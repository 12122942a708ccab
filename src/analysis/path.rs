//! `ObjectPath`: the name of a node inside a module, function, statement or expression.
//!
//! A path is a sequence of steps from a root object, rendered like TVM's `ObjectPath`/`AccessPath`
//! but without the `<root>` prefix: `functions["main"].body.seq[1].block.body.value.b`,
//! `buffer_map[A].shape[0]`, `iter_vars[0].dom.extent`. Field names are TVM's reflection names.
//!
//! Invariants: a path is plain data (no references into the IR), so it is `Eq + Hash` and can key a
//! map (the printer underlines the node a path names). Two paths are equal exactly when their
//! steps are equal. Traversals extend a path cheaply by `push`/`pop` on one `ObjectPath` and clone it
//! only when they report something.

use std::fmt;

/// The key of a map entry in a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MapKey {
    /// A string key, rendered quoted: `functions["main"]`, `annotations["pragma"]`.
    Str(String),
    /// A key that is an IR object, rendered by its name: `buffer_map[A]`.
    Name(String),
}

impl fmt::Display for MapKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapKey::Str(s) => write!(f, "{s:?}"),
            MapKey::Name(s) => f.write_str(s),
        }
    }
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// A field of a node: `.body`.
    Attr(&'static str),
    /// An element of an array field: `[2]`.
    Index(usize),
    /// An element that one side of a comparison lacks: `[<missing element #2>]`.
    IndexMissing(usize),
    /// The value of a map entry: `["main"]`.
    Key(MapKey),
    /// A map entry that one side of a comparison lacks: `[<missing entry "main">]`.
    KeyMissing(MapKey),
}

/// A path from a root object to a node inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ObjectPath {
    steps: Vec<PathStep>,
}

impl ObjectPath {
    /// The path naming the root object itself.
    pub fn root() -> ObjectPath {
        ObjectPath::default()
    }
    pub fn steps(&self) -> &[PathStep] {
        &self.steps
    }
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }
    /// This path extended by one step.
    pub fn join(&self, step: PathStep) -> ObjectPath {
        let mut path = self.clone();
        path.steps.push(step);
        path
    }
    /// This path extended by the field `name`.
    pub fn attr(&self, name: &'static str) -> ObjectPath {
        self.join(PathStep::Attr(name))
    }
    /// This path extended by the array element `index`.
    pub fn index(&self, index: usize) -> ObjectPath {
        self.join(PathStep::Index(index))
    }
    /// This path extended by the map entry under the string key `key`.
    pub fn key(&self, key: impl Into<String>) -> ObjectPath {
        self.join(PathStep::Key(MapKey::Str(key.into())))
    }
    /// This path extended by the map entry keyed by the object named `name`.
    pub fn key_name(&self, name: impl Into<String>) -> ObjectPath {
        self.join(PathStep::Key(MapKey::Name(name.into())))
    }
    /// Appends a step in place (for traversals that push and pop).
    pub fn push(&mut self, step: PathStep) {
        self.steps.push(step);
    }
    /// Removes the last step in place.
    pub fn pop(&mut self) -> Option<PathStep> {
        self.steps.pop()
    }
    /// The path without its last step, or `None` at the root.
    pub fn parent(&self) -> Option<ObjectPath> {
        let (_, rest) = self.steps.split_last()?;
        Some(ObjectPath { steps: rest.to_vec() })
    }
    pub fn last(&self) -> Option<&PathStep> {
        self.steps.last()
    }
    /// Whether `other` starts with all the steps of this path (a path is a prefix of itself).
    pub fn is_prefix_of(&self, other: &ObjectPath) -> bool {
        other.steps.starts_with(&self.steps)
    }
}

impl fmt::Display for ObjectPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, step) in self.steps.iter().enumerate() {
            match step {
                // The first field has no leading dot, since the root is not rendered.
                PathStep::Attr(name) if position == 0 => f.write_str(name)?,
                PathStep::Attr(name) => write!(f, ".{name}")?,
                PathStep::Index(i) => write!(f, "[{i}]")?,
                PathStep::IndexMissing(i) => write!(f, "[<missing element #{i}>]")?,
                PathStep::Key(key) => write!(f, "[{key}]")?,
                PathStep::KeyMissing(key) => write!(f, "[<missing entry {key}>]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_tvm_object_paths() {
        let path = ObjectPath::root()
            .key("main")
            .attr("body")
            .attr("seq")
            .index(1)
            .attr("block")
            .attr("body")
            .attr("value")
            .attr("b");
        // A map at the root renders its key directly; the usual root is a field.
        assert_eq!(path.to_string(), "[\"main\"].body.seq[1].block.body.value.b");
        let path = ObjectPath::root().attr("buffer_map").key_name("A").attr("shape").index(0);
        assert_eq!(path.to_string(), "buffer_map[A].shape[0]");
        let missing = ObjectPath::root().attr("params").join(PathStep::IndexMissing(2));
        assert_eq!(missing.to_string(), "params[<missing element #2>]");
        let missing = ObjectPath::root()
            .attr("functions")
            .join(PathStep::KeyMissing(MapKey::Str("f".into())));
        assert_eq!(missing.to_string(), "functions[<missing entry \"f\">]");
        assert_eq!(ObjectPath::root().to_string(), "");
    }

    #[test]
    fn prefixes_and_parents() {
        let body = ObjectPath::root().attr("body");
        let deeper = body.attr("value").attr("a");
        assert!(body.is_prefix_of(&deeper));
        assert!(!deeper.is_prefix_of(&body));
        assert_eq!(deeper.parent().and_then(|p| p.parent()), Some(body.clone()));
        assert_eq!(ObjectPath::root().parent(), None);
        let mut walk = body.clone();
        walk.push(PathStep::Attr("value"));
        assert_eq!(walk.pop(), Some(PathStep::Attr("value")));
        assert_eq!(walk, body);
    }
}

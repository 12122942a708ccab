//! Source paths: where in the source IR a doc node came from.
//!
//! A [`SourcePath`] is a persistent list of [`PathStep`]s from a root object, in the manner of
//! TVM's `AccessPath` (`root.attr("body").array_item(0)...`). Paths are cheap to clone and to
//! extend (each extension allocates one node that shares its parent).
//!
//! The renderer needs exactly two operations, the ones TVM's underliner uses: the path's
//! [`depth`](SourcePath::depth) (number of steps; the root has depth 0) and
//! [`is_prefix_of`](SourcePath::is_prefix_of). Steps compare by value, so two paths built
//! separately from the same steps are equal.
//!
//! The steps are dialect-free: attribute names, array positions and map keys. A map key that is
//! an object (TVM keys maps by `GlobalVar`, `Var`, ...) is given by the caller either by name
//! ([`PathKey::Name`]) or as an opaque [`PathKey::Object`] id of its choosing; only equality
//! matters. Attribute names are `Cow<'static, str>` so the usual static field names cost no
//! allocation.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A key of a map entry on a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathKey {
    /// A string key.
    Str(String),
    /// An object key identified by its name (for example a buffer or global variable name).
    Name(String),
    /// An integer key.
    Int(i64),
    /// An object key, identified by an id that the caller chooses (for example a stable node id).
    Object(u64),
}

/// One step of a [`SourcePath`]: how to get from an object to one of its parts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// The attribute (field) with this name.
    Attr(Cow<'static, str>),
    /// The element at this position of an array.
    ArrayItem(usize),
    /// The value at this key of a map.
    MapItem(PathKey),
    /// An attribute that the object does not have (used by structural comparison).
    AttrMissing(Cow<'static, str>),
    /// An array position past the end of the array (used by structural comparison).
    ArrayItemMissing(usize),
    /// A map key that the map does not have (used by structural comparison).
    MapItemMissing(PathKey),
}

#[derive(Debug)]
struct PathNode {
    parent: SourcePath,
    step: PathStep,
    depth: usize,
}

/// A path from a root object to a part of it; see the module docs.
///
/// Equality is by value (same steps in the same order).
#[derive(Clone, Default)]
pub struct SourcePath(Option<Arc<PathNode>>);

impl SourcePath {
    /// The root path (no steps, depth 0).
    pub fn root() -> Self {
        SourcePath(None)
    }

    /// This path extended by one step.
    pub fn step(&self, step: PathStep) -> Self {
        SourcePath(Some(Arc::new(PathNode { parent: self.clone(), step, depth: self.depth() + 1 })))
    }

    /// This path extended by an attribute step.
    pub fn attr(&self, name: impl Into<Cow<'static, str>>) -> Self {
        self.step(PathStep::Attr(name.into()))
    }

    /// This path extended by an array-position step.
    pub fn array_item(&self, index: usize) -> Self {
        self.step(PathStep::ArrayItem(index))
    }

    /// This path extended by a map-key step.
    pub fn map_item(&self, key: PathKey) -> Self {
        self.step(PathStep::MapItem(key))
    }

    /// This path extended by a missing-attribute step.
    pub fn attr_missing(&self, name: impl Into<Cow<'static, str>>) -> Self {
        self.step(PathStep::AttrMissing(name.into()))
    }

    /// This path extended by a missing-array-position step.
    pub fn array_item_missing(&self, index: usize) -> Self {
        self.step(PathStep::ArrayItemMissing(index))
    }

    /// This path extended by a missing-map-key step.
    pub fn map_item_missing(&self, key: PathKey) -> Self {
        self.step(PathStep::MapItemMissing(key))
    }

    /// The number of steps from the root.
    pub fn depth(&self) -> usize {
        self.0.as_ref().map_or(0, |node| node.depth)
    }

    /// The path without its last step (`None` for the root).
    pub fn parent(&self) -> Option<&SourcePath> {
        self.0.as_ref().map(|node| &node.parent)
    }

    /// The last step (`None` for the root).
    pub fn last_step(&self) -> Option<&PathStep> {
        self.0.as_ref().map(|node| &node.step)
    }

    /// The steps from the root to the end of this path.
    pub fn steps(&self) -> Vec<PathStep> {
        let mut steps = Vec::with_capacity(self.depth());
        let mut cursor = self;
        while let Some(node) = &cursor.0 {
            steps.push(node.step.clone());
            cursor = &node.parent;
        }
        steps.reverse();
        steps
    }

    /// Whether `self` is a prefix of `other` (every path is a prefix of itself).
    pub fn is_prefix_of(&self, other: &SourcePath) -> bool {
        let depth = self.depth();
        if depth > other.depth() {
            return false;
        }
        let mut ancestor = other;
        while ancestor.depth() > depth {
            match ancestor.parent() {
                Some(parent) => ancestor = parent,
                None => return false,
            }
        }
        self == ancestor
    }
}

impl PartialEq for SourcePath {
    fn eq(&self, other: &Self) -> bool {
        let (mut left, mut right) = (self, other);
        loop {
            match (&left.0, &right.0) {
                (None, None) => return true,
                (Some(a), Some(b)) => {
                    if Arc::ptr_eq(a, b) {
                        return true;
                    }
                    if a.depth != b.depth || a.step != b.step {
                        return false;
                    }
                    left = &a.parent;
                    right = &b.parent;
                }
                _ => return false,
            }
        }
    }
}

impl Eq for SourcePath {}

impl fmt::Debug for SourcePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<root>")?;
        for step in self.steps() {
            match step {
                PathStep::Attr(name) => write!(f, ".{name}")?,
                PathStep::ArrayItem(index) => write!(f, "[{index}]")?,
                PathStep::MapItem(key) => write!(f, "[{key:?}]")?,
                PathStep::AttrMissing(name) => write!(f, ".<missing {name}>")?,
                PathStep::ArrayItemMissing(index) => write!(f, "[<missing {index}>]")?,
                PathStep::MapItemMissing(key) => write!(f, "[<missing {key:?}>]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_relation_follows_steps() {
        let root = SourcePath::root();
        let body = root.attr("body");
        let first = body.array_item(0);
        assert!(root.is_prefix_of(&first));
        assert!(body.is_prefix_of(&first));
        assert!(first.is_prefix_of(&first));
        assert!(!first.is_prefix_of(&body));
        assert!(!root.attr("params").is_prefix_of(&first));
        assert_eq!(first.depth(), 2);
    }

    #[test]
    fn equality_is_by_value() {
        let a = SourcePath::root().attr("x").array_item(3);
        let b = SourcePath::root().attr("x").array_item(3);
        assert_eq!(a, b);
        assert_ne!(a, SourcePath::root().attr("x").array_item(4));
        assert_eq!(format!("{a:?}"), "<root>.x[3]");
    }
}

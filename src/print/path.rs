//! Source paths attached to docs while printing, and the conversion from structural-equality
//! paths (`analysis::path::ObjectPath`) to them.
//!
//! Field names are those of `analysis::structural_eq` (TVM's reflection names): a mismatch at
//! `functions["main"].body.seq[1].value` underlines the doc printed for that node. Paths cost an
//! allocation per step, so they are only built when something is to be underlined ([`P`] is
//! inert otherwise).

use tirscript_printer::{ExprDoc, PathKey, SourcePath, StmtDoc};

use crate::analysis::path::{MapKey, ObjectPath, PathStep};

/// A source path under construction, or nothing when paths are not tracked.
#[derive(Clone, Debug)]
pub(crate) struct P(Option<SourcePath>);

impl P {
    /// The root path when `track` is set, otherwise the inert path.
    pub(crate) fn root(track: bool) -> P {
        P(track.then(SourcePath::root))
    }
    pub(crate) fn attr(&self, name: &'static str) -> P {
        P(self.0.as_ref().map(|p| p.attr(name)))
    }
    pub(crate) fn idx(&self, index: usize) -> P {
        P(self.0.as_ref().map(|p| p.array_item(index)))
    }
    /// The value under the string key `key` of a map.
    pub(crate) fn key(&self, key: &str) -> P {
        P(self.0.as_ref().map(|p| p.map_item(PathKey::Str(key.to_string()))))
    }
    /// The value under the object key named `name` of a map (`buffer_map[A]`).
    pub(crate) fn key_name(&self, name: &str) -> P {
        P(self.0.as_ref().map(|p| p.map_item(PathKey::Name(name.to_string()))))
    }
    /// The key itself of a map entry (TVM's `MapItemMissing` step for dict keys).
    pub(crate) fn key_missing(&self, key: &str) -> P {
        P(self.0.as_ref().map(|p| p.map_item_missing(PathKey::Str(key.to_string()))))
    }
    /// Attaches this path to an expression doc.
    pub(crate) fn tag(&self, doc: ExprDoc) -> ExprDoc {
        if let Some(path) = &self.0 {
            doc.add_source_path(path.clone());
        }
        doc
    }
    /// Attaches this path to a statement doc.
    pub(crate) fn tag_stmt(&self, doc: StmtDoc) -> StmtDoc {
        match &self.0 {
            Some(path) => doc.with_source_path(path.clone()),
            None => doc,
        }
    }
}

/// The source path naming the same node as a structural-equality path.
pub fn to_source_path(path: &ObjectPath) -> SourcePath {
    let key = |k: &MapKey| match k {
        MapKey::Str(s) => PathKey::Str(s.clone()),
        MapKey::Name(s) => PathKey::Name(s.clone()),
    };
    path.steps().iter().fold(SourcePath::root(), |p, step| match step {
        PathStep::Attr(name) => p.attr(*name),
        PathStep::Index(i) => p.array_item(*i),
        PathStep::IndexMissing(i) => p.array_item_missing(*i),
        PathStep::Key(k) => p.map_item(key(k)),
        PathStep::KeyMissing(k) => p.map_item_missing(key(k)),
    })
}

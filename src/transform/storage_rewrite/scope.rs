//! Storage scopes as TVM's `runtime::StorageScope`: a rank (global, shared, warp, local, ...) and
//! a tag (the rest of the scope string after the rank name, e.g. `.dyn`).

/// The rank of `warp` memory; ranks at or above it are register-like and never shared.
pub const RANK_WARP: u8 = 2;

/// A parsed storage scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageScope {
    pub rank: u8,
    pub tag: String,
}

impl StorageScope {
    /// Parses a scope string; the empty string is `global`. Unknown rank names are kept whole as
    /// the tag of a global-rank scope, so they only ever share with themselves.
    pub fn parse(scope: &str) -> StorageScope {
        const RANKS: &[(&str, u8)] = &[
            ("global", 0),
            ("shared", 1),
            ("warp", 2),
            ("local", 3),
            ("wmma.matrix_a", 4),
            ("wmma.matrix_b", 5),
            ("wmma.accumulator", 6),
            ("texture", 7),
            ("m.matrix_a", 8),
            ("m.matrix_b", 9),
            ("m.matrix_c", 10),
            ("metal.simdgroup", 11),
        ];
        if scope.is_empty() {
            return StorageScope { rank: 0, tag: String::new() };
        }
        for (name, rank) in RANKS.iter().rev() {
            if let Some(rest) = scope.strip_prefix(name)
                && (rest.is_empty() || rest.starts_with('.'))
            {
                return StorageScope { rank: *rank, tag: rest.to_string() };
            }
        }
        StorageScope { rank: 0, tag: scope.to_string() }
    }

    /// Memory with a special tag, combined into one allocation per scope (not `.dyn`,
    /// `.workspace` or `.vtcm`).
    pub fn is_special_tagged(&self) -> bool {
        !self.tag.is_empty() && !matches!(self.tag.as_str(), ".dyn" | ".workspace" | ".vtcm")
    }
}

//! The variable table: nested scopes from names to values, with TVM's `VarTable` rules.
//!
//! Rules (TVM v0.23 `core/parser.py`): a name may be defined once per scope; an inner scope may shadow
//! an outer definition; re-binding a name to the very same value is a no-op. Every var ever bound is
//! also remembered by identity, which decides whether `x = v` names a fresh var or binds a let.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::value::Value;
use crate::syntax::ast::Span;

/// A fast non-cryptographic hasher (the Fx hash rustc uses) for the name and identity tables;
/// names are short and lookups frequent.
#[derive(Clone, Copy, Default)]
pub struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(FX_SEED);
    }
    fn write_u8(&mut self, v: u8) {
        self.write_u64(u64::from(v));
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxBuild = BuildHasherDefault<FxHasher>;

/// Why a definition was refused.
#[derive(Debug)]
pub struct Redefinition {
    /// Where the name was first defined in this scope.
    pub previous: Span,
}

#[derive(Debug, Default)]
struct Scope {
    /// Names defined in this scope with the span of their definition.
    names: Vec<(String, Span)>,
}

/// Nested scopes of named values.
#[derive(Debug, Default)]
pub struct VarTable {
    scopes: Vec<Scope>,
    values: HashMap<String, Vec<Value>, FxBuild>,
    known_vars: HashSet<u64, FxBuild>,
}

impl VarTable {
    pub fn new() -> VarTable {
        VarTable::default()
    }

    /// Opens a scope.
    pub fn push(&mut self) {
        self.scopes.push(Scope::default());
    }

    /// Closes the innermost scope, forgetting its names.
    pub fn pop(&mut self) {
        if let Some(scope) = self.scopes.pop() {
            for (name, _) in scope.names {
                if let Some(stack) = self.values.get_mut(&name) {
                    stack.pop();
                }
            }
        }
    }

    /// The number of open scopes.
    pub fn depth(&self) -> usize {
        self.scopes.len()
    }

    /// Closes scopes until `depth` remain.
    pub fn truncate(&mut self, depth: usize) {
        while self.scopes.len() > depth {
            self.pop();
        }
    }

    /// Defines `name` in the innermost scope.
    pub fn add(&mut self, name: &str, value: Value, span: &Span) -> Result<(), Redefinition> {
        if let Some(current) = self.get(name)
            && same_value(current, &value)
        {
            return Ok(());
        }
        let Some(scope) = self.scopes.last_mut() else {
            return Ok(());
        };
        if let Some((_, previous)) = scope.names.iter().find(|(n, _)| n == name) {
            return Err(Redefinition { previous: previous.clone() });
        }
        scope.names.push((name.to_string(), span.clone()));
        if let Some(var) = value.as_var() {
            self.known_vars.insert(var.id());
        }
        if let Value::Buffer(b) = &value {
            self.known_vars.insert(b.data().id());
        }
        self.values.entry(name.to_string()).or_default().push(value);
        Ok(())
    }

    /// The value `name` is bound to, innermost first.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name).and_then(|stack| stack.last())
    }

    /// Whether a var with this identity was ever bound to a name.
    pub fn knows_var(&self, id: u64) -> bool {
        self.known_vars.contains(&id)
    }

    /// An empty table that remembers the same var identities, for evaluating a hygienic macro
    /// body apart from the names visible at its call site.
    pub fn isolated(&self) -> VarTable {
        VarTable { known_vars: self.known_vars.clone(), ..VarTable::default() }
    }

    /// Remembers every var identity `other` bound (after a hygienic macro body ends).
    pub fn absorb_identities(&mut self, other: VarTable) {
        self.known_vars.extend(other.known_vars);
    }

    /// Every name currently visible (for "did you mean" hints).
    pub fn visible_names(&self) -> impl Iterator<Item = &str> {
        self.values.iter().filter(|(_, s)| !s.is_empty()).map(|(n, _)| n.as_str())
    }
}

/// TVM's "same value" test for re-binding: the same object, or equal Python scalars.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Expr(x), Value::Expr(y)) => {
            x.ptr_eq(y) || matches!((x.as_var(), y.as_var()), (Some(p), Some(q)) if p == q)
        }
        (Value::Buffer(x), Value::Buffer(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Builtin(x), Value::Builtin(y)) => x == y,
        (Value::Namespace(x), Value::Namespace(y)) => x == y,
        _ => false,
    }
}

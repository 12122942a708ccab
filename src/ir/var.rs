//! Variables (`Var`, `SizeVar`), global function names (`GlobalVar`) and TIR types.
//!
//! Identity: every `Var` and `GlobalVar` gets a process-unique id when it is created. Two vars are
//! the same var exactly when their ids are equal, whatever their name hints say; clones share the
//! node and the id. Name hints are only suggestions to the printer, which makes names unique.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::dtype::DataType;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Returns a fresh process-unique identity for a var, buffer or global var.
pub(crate) fn fresh_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// A TIR type, as a var's type annotation or a function's return type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// A primitive value type.
    Prim(DataType),
    /// A pointer to `element` in a storage scope (`""` is global memory).
    Pointer { element: Box<Type>, scope: String },
    /// A tuple; the empty tuple is `void`, the default return type of a PrimFunc.
    Tuple(Vec<Type>),
}

impl Type {
    pub fn void() -> Type {
        Type::Tuple(Vec::new())
    }
    pub fn is_void(&self) -> bool {
        matches!(self, Type::Tuple(fields) if fields.is_empty())
    }
}

#[derive(Debug)]
struct VarNode {
    id: u64,
    name: String,
    dtype: DataType,
    type_annotation: Type,
    is_size_var: bool,
}

/// A TIR variable: a name hint, a dtype and an optional pointer type annotation.
///
/// `is_size_var` marks TVM's `SizeVar`, a variable known to be non-negative.
#[derive(Clone)]
pub struct Var(Arc<VarNode>);

impl Var {
    /// A new scalar variable whose type annotation is its dtype.
    pub fn new(name: impl Into<String>, dtype: DataType) -> Var {
        Var::with_type(name, dtype, Type::Prim(dtype), false)
    }
    /// A new non-negative `SizeVar`.
    pub fn size_var(name: impl Into<String>, dtype: DataType) -> Var {
        Var::with_type(name, dtype, Type::Prim(dtype), true)
    }
    /// A new handle variable pointing to `element` values in `scope` (buffer data pointers).
    pub fn pointer(name: impl Into<String>, element: DataType, scope: impl Into<String>) -> Var {
        let ty = Type::Pointer { element: Box::new(Type::Prim(element)), scope: scope.into() };
        Var::with_type(name, DataType::handle(), ty, false)
    }
    /// A new variable with an explicit type annotation.
    pub fn with_type(
        name: impl Into<String>,
        dtype: DataType,
        type_annotation: Type,
        is_size_var: bool,
    ) -> Var {
        Var(Arc::new(VarNode {
            id: fresh_id(),
            name: name.into(),
            dtype,
            type_annotation,
            is_size_var,
        }))
    }
    /// A new, distinct variable with the same name, dtype and type annotation.
    pub fn copy_with_new_identity(&self) -> Var {
        Var::with_type(
            self.name(),
            self.dtype(),
            self.type_annotation().clone(),
            self.is_size_var(),
        )
    }
    pub fn id(&self) -> u64 {
        self.0.id
    }
    pub fn name(&self) -> &str {
        &self.0.name
    }
    pub fn dtype(&self) -> DataType {
        self.0.dtype
    }
    pub fn type_annotation(&self) -> &Type {
        &self.0.type_annotation
    }
    pub fn is_size_var(&self) -> bool {
        self.0.is_size_var
    }
    /// The storage scope of a pointer variable (`""` for a non-pointer).
    pub fn storage_scope(&self) -> &str {
        match &self.0.type_annotation {
            Type::Pointer { scope, .. } => scope,
            _ => "",
        }
    }
}

impl PartialEq for Var {
    fn eq(&self, other: &Var) -> bool {
        self.0.id == other.0.id
    }
}
impl Eq for Var {}
impl std::hash::Hash for Var {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id.hash(state)
    }
}
impl PartialOrd for Var {
    fn partial_cmp(&self, other: &Var) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Var {
    fn cmp(&self, other: &Var) -> std::cmp::Ordering {
        self.0.id.cmp(&other.0.id)
    }
}
impl fmt::Debug for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}: {}", self.0.name, self.0.id, self.0.dtype)
    }
}

#[derive(Debug)]
struct GlobalVarNode {
    id: u64,
    name: String,
}

/// The name of a function in an IRModule, referenced by calls between functions.
#[derive(Clone)]
pub struct GlobalVar(Arc<GlobalVarNode>);

impl GlobalVar {
    pub fn new(name: impl Into<String>) -> GlobalVar {
        GlobalVar(Arc::new(GlobalVarNode { id: fresh_id(), name: name.into() }))
    }
    pub fn id(&self) -> u64 {
        self.0.id
    }
    pub fn name(&self) -> &str {
        &self.0.name
    }
}

impl PartialEq for GlobalVar {
    fn eq(&self, other: &GlobalVar) -> bool {
        self.0.id == other.0.id
    }
}
impl Eq for GlobalVar {}
impl std::hash::Hash for GlobalVar {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id.hash(state)
    }
}
impl fmt::Debug for GlobalVar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}#{}", self.0.name, self.0.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_is_separate_from_the_name() {
        let a = Var::new("i", DataType::int32());
        let b = Var::new("i", DataType::int32());
        assert_ne!(a, b);
        assert_eq!(a, a.clone());
        assert_ne!(a, a.copy_with_new_identity());
    }

    #[test]
    fn pointer_vars_carry_their_scope() {
        let v = Var::pointer("A", DataType::float32(), "shared");
        assert_eq!(v.dtype(), DataType::handle());
        assert_eq!(v.storage_scope(), "shared");
    }

    #[test]
    fn ir_handles_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Var>();
        check::<GlobalVar>();
    }
}

//! Functions and modules: `PrimFunc` and `IRModule`.
//!
//! An `IRModule` is an ordered map from `GlobalVar` to function; names are unique within a module, and
//! calls between functions name the callee's `GlobalVar`. Functions are shared behind `Arc`.

use std::collections::HashMap;
use std::sync::Arc;

use super::attrs::Annotations;
use super::buffer::Buffer;
use super::error::IrError;
use super::stmt::Stmt;
use super::var::{GlobalVar, Type, Var};

/// A TIR function: parameters, the buffers bound to handle parameters, a body and attributes.
#[derive(Clone, Debug)]
pub struct PrimFunc {
    pub params: Vec<Var>,
    /// Buffers bound to parameters, in parameter order.
    pub buffer_map: Vec<(Var, Buffer)>,
    pub body: Stmt,
    pub ret_type: Type,
    pub attrs: Annotations,
}

impl PrimFunc {
    /// The buffer bound to parameter `param`, if any.
    pub fn buffer_of(&self, param: &Var) -> Option<&Buffer> {
        self.buffer_map.iter().find(|(p, _)| p == param).map(|(_, b)| b)
    }
    /// The `global_symbol` attribute, which makes a function public.
    pub fn global_symbol(&self) -> Option<&str> {
        match self.attrs.get("global_symbol") {
            Some(super::attrs::AttrValue::Str(s)) => Some(s),
            _ => None,
        }
    }
}

/// A module of named functions with module-level attributes.
#[derive(Clone, Debug, Default)]
pub struct IRModule {
    /// The functions in the order they were added (the order they print in).
    functions: Vec<(GlobalVar, Arc<PrimFunc>)>,
    /// Position in `functions` by name: lookups and the duplicate check stay O(1), so building a
    /// module of n functions is linear (a scan made 20,000 functions quadratic).
    by_name: HashMap<String, usize>,
    pub attrs: Annotations,
    /// `I.module_global_infos`: named lists of global infos, names unique.
    pub global_infos: super::global_info::GlobalInfos,
}

impl IRModule {
    pub fn new() -> IRModule {
        IRModule::default()
    }
    /// Adds a function under a fresh global var; a duplicate name is an error.
    pub fn add(&mut self, name: &str, func: PrimFunc) -> Result<GlobalVar, IrError> {
        let gv = GlobalVar::new(name);
        self.add_with_global(gv.clone(), func)?;
        Ok(gv)
    }
    /// Adds a function under an existing global var (one that calls may already name).
    pub fn add_with_global(&mut self, gv: GlobalVar, func: PrimFunc) -> Result<(), IrError> {
        if self.by_name.contains_key(gv.name()) {
            return Err(IrError::builder(format!("function `{}` is defined twice", gv.name())));
        }
        self.by_name.insert(gv.name().to_string(), self.functions.len());
        self.functions.push((gv, Arc::new(func)));
        Ok(())
    }
    /// Replaces the body of an existing function, keeping its global var and position.
    pub fn update(&mut self, gv: &GlobalVar, func: PrimFunc) -> Result<(), IrError> {
        let position = self.by_name.get(gv.name()).copied();
        match position.and_then(|k| self.functions.get_mut(k)).filter(|(g, _)| g == gv) {
            Some(entry) => {
                entry.1 = Arc::new(func);
                Ok(())
            }
            None => Err(IrError::builder(format!("no function `{}` in the module", gv.name()))),
        }
    }
    pub fn lookup(&self, name: &str) -> Option<(&GlobalVar, &Arc<PrimFunc>)> {
        let (g, f) = self.functions.get(*self.by_name.get(name)?)?;
        Some((g, f))
    }
    pub fn global_var(&self, name: &str) -> Option<&GlobalVar> {
        self.lookup(name).map(|(g, _)| g)
    }
    pub fn functions(&self) -> impl Iterator<Item = (&GlobalVar, &Arc<PrimFunc>)> {
        self.functions.iter().map(|(g, f)| (g, f))
    }
    pub fn len(&self) -> usize {
        self.functions.len()
    }
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }
}

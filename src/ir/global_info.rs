//! Module-level global infos: the `global_infos` map of an `IRModule`, written
//! `I.module_global_infos({"name": [info, ...]})` in an `@I.ir_module` class (TVM's
//! `ffi::Map<String, Array<GlobalInfo>>`).
//!
//! Invariants: names are unique within a module and keep insertion order (the printer sorts them,
//! as TVM prints a string-keyed map); a `VDevice`'s target is the exported configuration of a
//! `T.target` (see `AttrValue::Target`).

use super::attrs::Annotations;

/// One global info.
#[derive(Clone, Debug)]
pub enum GlobalInfo {
    /// `I.dummy_global_info()`: a placeholder TVM uses in tests.
    Dummy,
    /// `I.vdevice(target, vdevice_id, memory_scope)`: a virtual device.
    VDevice {
        /// The device's target as its exported configuration.
        target: Annotations,
        vdevice_id: i64,
        memory_scope: String,
    },
}

/// The global infos of a module: each name with its list of infos.
pub type GlobalInfos = Vec<(String, Vec<GlobalInfo>)>;

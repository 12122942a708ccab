//! The typed JSON document: the top level, the shared tables (vars, buffers, global vars),
//! functions, types, ranges, iteration variables and buffer regions.
//!
//! These structs are the format: `serde` derives both directions from them, so the writer and
//! the reader cannot disagree. Every struct refuses unknown fields. A field marked
//! `skip_serializing_if` is omitted when it holds its default and is optional on input; every
//! other field is required. Shared objects are referenced by their index in their table.

use serde::{Deserialize, Serialize};

use super::attr::AnnotationsJson;
use super::values::{Counted, DType};

pub use super::schema_expr::Expr;
pub use super::schema_stmt::Stmt;

/// The index of a var in `/vars`.
pub type VarId = u32;
/// The index of a buffer in `/buffers`.
pub type BufferId = u32;
/// The index of a global var in `/global_vars`.
pub type GlobalId = u32;

/// The top-level object of a file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Always `"tirscript-ir"`.
    pub format: String,
    /// The major format version.
    pub version: u64,
    #[serde(default, skip_serializing_if = "no_entries")]
    pub attrs: AnnotationsJson,
    /// The module's global infos (`I.module_global_infos`), names in insertion order.
    #[serde(default, skip_serializing_if = "super::values::OrderedMap::is_empty")]
    pub global_infos: super::values::OrderedMap<Vec<GlobalInfoJson>>,
    pub global_vars: Vec<String>,
    pub vars: Vec<VarJson>,
    pub buffers: Vec<BufferJson>,
    pub functions: super::values::OrderedMap<FunctionJson>,
}

/// One module global info: `"dummy"` or `{"vdevice": {"target": config, "vdevice_id": n,
/// "memory_scope": s}}`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum GlobalInfoJson {
    Dummy,
    Vdevice { target: AnnotationsJson, vdevice_id: i64, memory_scope: String },
}

/// Whether an annotation map has no entries (such a map is omitted).
pub(crate) fn no_entries(map: &AnnotationsJson) -> bool {
    map.is_empty()
}

fn is_false(v: &bool) -> bool {
    !*v
}

fn is_empty_str(s: &str) -> bool {
    s.is_empty()
}

fn default_data_alignment() -> i64 {
    DEFAULT_DATA_ALIGNMENT
}

fn is_default_data_alignment(v: &i64) -> bool {
    *v == DEFAULT_DATA_ALIGNMENT
}

fn default_offset_factor() -> i64 {
    1
}

fn is_default_offset_factor(v: &i64) -> bool {
    *v == 1
}

/// TVM's default buffer alignment in bytes (`kAllocAlignment`).
pub const DEFAULT_DATA_ALIGNMENT: i64 = 64;

/// A TIR type annotation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TypeJson {
    Prim(DType),
    Pointer(PointerTypeJson),
    Tuple(Vec<Counted<TypeJson>>),
}

/// A pointer type: the pointee type and a storage scope (`""` for global memory, omitted).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointerTypeJson {
    pub element: Box<Counted<TypeJson>>,
    #[serde(default, skip_serializing_if = "is_empty_str")]
    pub scope: String,
}

/// An entry of `/vars`. `type` is omitted when it is the primitive type of `dtype`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VarJson {
    pub name: String,
    pub dtype: DType,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_annotation: Option<TypeJson>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub size_var: bool,
}

/// How a buffer broadcasts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BufferTypeJson {
    #[default]
    Default,
    AutoBroadcast,
}

impl BufferTypeJson {
    fn is_default(&self) -> bool {
        *self == BufferTypeJson::Default
    }
}

/// An entry of `/buffers`. An entry may refer only to buffers with smaller ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BufferJson {
    pub name: String,
    pub data: VarId,
    pub dtype: DType,
    pub shape: Vec<Expr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strides: Vec<Expr>,
    pub elem_offset: Expr,
    #[serde(default = "default_data_alignment", skip_serializing_if = "is_default_data_alignment")]
    pub data_alignment: i64,
    #[serde(default = "default_offset_factor", skip_serializing_if = "is_default_offset_factor")]
    pub offset_factor: i64,
    #[serde(default, skip_serializing_if = "BufferTypeJson::is_default")]
    pub buffer_type: BufferTypeJson,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub axis_separators: Vec<i64>,
}

/// A function of `/functions`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionJson {
    pub params: Vec<VarId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buffer_map: Vec<BufferMapEntryJson>,
    /// Omitted for the default `void` (empty tuple) return type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ret_type: Option<TypeJson>,
    #[serde(default, skip_serializing_if = "no_entries")]
    pub attrs: AnnotationsJson,
    pub body: Stmt,
}

/// One binding of `buffer_map`: a handle parameter and its buffer.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BufferMapEntryJson {
    pub param: VarId,
    pub buffer: BufferId,
}

/// A half-open range `[min, min + extent)`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeJson {
    pub min: Expr,
    pub extent: Expr,
}

/// The role of an iteration variable.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IterTypeJson {
    DataPar,
    ThreadIndex,
    CommReduce,
    Ordered,
    Opaque,
    Unrolled,
    Vectorized,
    Parallelized,
    Tensorized,
}

/// An iteration variable; `dom` is omitted where TVM leaves it undefined.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IterVarJson {
    pub var: VarId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dom: Option<RangeJson>,
    pub iter_type: IterTypeJson,
    #[serde(default, skip_serializing_if = "is_empty_str")]
    pub thread_tag: String,
}

/// A rectangular region of a buffer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionJson {
    pub buffer: BufferId,
    pub region: Vec<RangeJson>,
}

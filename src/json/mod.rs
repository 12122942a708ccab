//! JSON: a versioned, documented serialization of `IRModule`s that round-trips exactly.
//!
//! The format is described in `docs/json.md`. In short: a top-level object with
//! `"format": "tirscript-ir"` and `"version": 1`, tables of shared objects (`global_vars`, `vars`,
//! `buffers`) referenced by dense integer ids, and `functions` keyed by name in module order.
//!
//! Invariants:
//! - Writing is deterministic: ids are assigned in walk order, never from process-unique IR ids,
//!   so equal modules built twice give byte-identical files, and `write(read(file)) == file` for
//!   every file this module writes.
//! - Reading never trusts its input and never panics: unknown node kinds or fields, missing
//!   fields, wrong types, dangling or forward references, unsupported versions, overflowing
//!   integers, invalid dtypes and ill-typed nodes are `JsonError`s naming the JSON path.
//! - Nesting is bounded: at most `MAX_DEPTH` nested expression, statement, type and attribute
//!   nodes. Recursion runs on stack segments grown on demand (`stacker`), so any legal depth
//!   works on any thread.
//!
//! Pipeline: `encode` turns the IR into the typed document of `schema` (one walk, linear), which
//! serde streams to the writer; reading parses the text into the same typed document with
//! `serde_json` and `decode` rebuilds the IR through the checked constructors of `ir`.

mod attr;
mod decode;
mod decode_stmt;
mod encode;
mod encode_stmt;
mod error;
mod natural;
mod read;
mod schema;
mod schema_expr;
mod schema_stmt;
mod source;
mod values;

use std::io;

pub use error::JsonError;
pub use source::{check_json_source, format_json_source, is_json_name};
pub use values::MAX_DEPTH;

use crate::ir::IRModule;

/// The value of the top-level `format` field.
pub const FORMAT_NAME: &str = "tirscript-ir";
/// The format's major version, the value of the top-level `version` field.
pub const FORMAT_VERSION: u64 = 1;

/// The module as pretty-printed JSON (2-space indentation, one trailing newline).
pub fn to_json(module: &IRModule) -> String {
    let mut out = Vec::new();
    // Writing into a `Vec` cannot fail, and serde_json only produces UTF-8.
    match write_json(module, &mut out, true) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Streams the module as JSON to `writer`: pretty-printed with 2-space indentation and a trailing
/// newline when `pretty`, otherwise compact on one line (also with a trailing newline).
pub fn write_json<W: io::Write>(module: &IRModule, writer: W, pretty: bool) -> io::Result<()> {
    values::with_stack(|| {
        let document = encode::encode_module(module);
        let mut writer = io::BufWriter::with_capacity(64 * 1024, writer);
        if pretty {
            serde_json::to_writer_pretty(&mut writer, &document)?;
        } else {
            serde_json::to_writer(&mut writer, &document)?;
        }
        io::Write::write_all(&mut writer, b"\n")?;
        io::Write::flush(&mut writer)
    })
}

/// Reads a module from JSON text, checking everything; see the module docs.
pub fn from_json(text: &str) -> Result<IRModule, JsonError> {
    values::with_stack(|| {
        let document = read::parse_document(text)?;
        decode::decode_module(document)
    })
}

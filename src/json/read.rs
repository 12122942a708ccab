//! Text → typed document, with the JSON path of the first error.
//!
//! The fast path parses with plain `serde_json` (its recursion limit disabled: `Counted` bounds
//! the depth instead). Only when that fails is the text parsed again with `serde_path_to_error`
//! to learn the path, so correct files pay nothing for path tracking. Before reporting a schema
//! error, the header is read leniently: a file of another format or a newer major version is
//! reported as such, not as the first field this reader does not know.

use serde::Deserialize;
use serde_path_to_error::Segment;

use super::error::{JsonError, Path, render_pointer};
use super::schema::Document;
use super::{FORMAT_NAME, FORMAT_VERSION};

/// Parses and header-checks a document.
pub(super) fn parse_document(text: &str) -> Result<Document, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let parsed = Document::deserialize(&mut de).and_then(|doc| de.end().map(|()| doc));
    match parsed {
        Ok(doc) => {
            check_format(Some(&serde_json::Value::from(doc.format.as_str())))?;
            check_version(Some(&serde_json::Value::from(doc.version)))?;
            Ok(doc)
        }
        Err(fast_error) => {
            header_error(text)?;
            Err(located_error(text, fast_error))
        }
    }
}

/// The top-level fields that decide whether this reader understands a file at all.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<serde_json::Value>,
    #[serde(default)]
    version: Option<serde_json::Value>,
}

/// Checks the header of a file whose body failed to parse; a file that is not even a JSON object
/// (or too deep for a lenient parse) is left to the full error.
fn header_error(text: &str) -> Result<(), JsonError> {
    let Ok(header) = serde_json::from_str::<Header>(text) else {
        return Ok(());
    };
    check_format(header.format.as_ref())?;
    check_version(header.version.as_ref())
}

fn check_format(format: Option<&serde_json::Value>) -> Result<(), JsonError> {
    let root = Path::ROOT;
    let path = root.key("format");
    match format {
        None => Err(root.error("missing field `format`: not a tirscript IR file")),
        Some(serde_json::Value::String(name)) if name == FORMAT_NAME => Ok(()),
        Some(other) => Err(path.error(format!(
            "unknown format {other}: expected \"{FORMAT_NAME}\" (not a tirscript IR file)"
        ))),
    }
}

fn check_version(version: Option<&serde_json::Value>) -> Result<(), JsonError> {
    let root = Path::ROOT;
    let path = root.key("version");
    let Some(value) = version else {
        return Err(root.error("missing field `version`"));
    };
    match value.as_u64() {
        Some(FORMAT_VERSION) => Ok(()),
        Some(v) if v > FORMAT_VERSION => Err(path.error(format!(
            "format version {v} is newer than this tirscript, which reads version \
             {FORMAT_VERSION}: upgrade tirscript to read this file"
        ))),
        Some(v) => Err(path.error(format!(
            "format version {v} does not exist: this tirscript reads version {FORMAT_VERSION}"
        ))),
        None => {
            Err(path
                .error(format!("the format version must be a non-negative integer, not {value}")))
        }
    }
}

/// Re-parses a file known to be bad, tracking the path, and turns the error into a `JsonError`.
fn located_error(text: &str, fast_error: serde_json::Error) -> JsonError {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let error = match serde_path_to_error::deserialize::<_, Document>(&mut de) {
        Err(error) => error,
        Ok(_) => {
            // Only trailing characters after a valid document remain.
            let message = de.end().err().unwrap_or(fast_error).to_string();
            return JsonError { path: String::new(), message };
        }
    };
    let tokens: Vec<String> = error
        .path()
        .iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    JsonError { path: render_pointer(&tokens), message: error.into_inner().to_string() }
}

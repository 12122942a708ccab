//! JSON round trips on IR built in Rust: IR → JSON → IR is structurally equal, JSON → IR → JSON
//! is byte-identical, and the written form has the documented shape.

#[path = "json/samples.rs"]
mod samples;

use tirscript::analysis::structural_eq::{EqualOptions, compare_structural};
use tirscript::ir::IRModule;
use tirscript::json::{MAX_DEPTH, from_json, to_json, write_json};

/// Checks both round trips on `module` and returns its JSON.
fn round_trip(module: &IRModule) -> String {
    let first = to_json(module);
    let loaded = from_json(&first).unwrap_or_else(|e| panic!("reloading failed: {e}\n{first}"));
    // Loading creates fresh vars, so free vars are paired rather than compared by identity.
    let options = EqualOptions { map_free_vars: true };
    if let Err(mismatch) = compare_structural(module, &loaded, options) {
        panic!("IR → JSON → IR changed the module: {mismatch}");
    }
    let second = to_json(&loaded);
    if first != second {
        let diff = similar::TextDiff::from_lines(&first, &second);
        panic!("JSON → IR → JSON is not byte-identical:\n{}", diff.unified_diff());
    }
    first
}

#[test]
fn small_module_round_trips() {
    round_trip(&samples::small_module());
}

#[test]
fn every_node_kind_round_trips() {
    let json = round_trip(&samples::kitchen_sink_module());
    // Every expression and statement kind is present in the written form.
    for kind in [
        "int",
        "float",
        "str",
        "var",
        "add",
        "sub",
        "mul",
        "div",
        "mod",
        "floor_div",
        "floor_mod",
        "min",
        "max",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "and",
        "or",
        "not",
        "select",
        "cast",
        "buffer_load",
        "ramp",
        "broadcast",
        "shuffle",
        "let",
        "call",
        "reduce",
        "buffer_store",
        "evaluate",
        "seq",
        "for",
        "while",
        "if_then_else",
        "let_stmt",
        "attr_stmt",
        "assert_stmt",
        "allocate",
        "allocate_const",
        "decl_buffer",
        "buffer_realize",
        "block",
        "block_realize",
    ] {
        assert!(json.contains(&format!("\"{kind}\": ")), "kind `{kind}` is not written");
    }
    for dtype in samples::DTYPES {
        assert!(json.contains(&format!("\"dtype\": \"{dtype}\"")), "dtype {dtype} is not written");
    }
}

#[test]
fn special_floats_use_the_documented_strings() {
    let json = to_json(&samples::kitchen_sink_module());
    for form in ["\"inf\"", "\"-inf\"", "\"nan\"", "\"nan:0x7ff8000000000001\"", "-0.0", "1e-310"] {
        assert!(json.contains(form), "{form} is not written");
    }
    // A non-finite attribute float is tagged so that it cannot be mistaken for a string.
    assert!(json.contains("\"infinite\": {\n"), "tagged attribute float missing");
}

#[test]
fn writing_is_deterministic_across_identical_builds() {
    // Two builds get different process ids for every var and buffer; the files must not differ.
    assert_eq!(to_json(&samples::kitchen_sink_module()), to_json(&samples::kitchen_sink_module()));
}

#[test]
fn compact_output_reads_back_to_the_same_module() {
    let module = samples::kitchen_sink_module();
    let mut compact = Vec::new();
    write_json(&module, &mut compact, false).expect("write to a Vec");
    let compact = String::from_utf8(compact).expect("utf-8");
    assert_eq!(compact.lines().count(), 1, "compact output is one line");
    let loaded = from_json(&compact).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to_json(&loaded), to_json(&module));
}

#[test]
fn pretty_output_has_the_documented_header_and_indentation() {
    let json = to_json(&samples::small_module());
    assert!(json.starts_with("{\n  \"format\": \"tirscript-ir\",\n  \"version\": 1,\n"), "{json}");
    assert!(json.ends_with("}\n"));
    assert!(json.lines().all(|l| !l.ends_with(' ')), "trailing spaces");
}

#[test]
fn the_documented_example_is_what_the_writer_produces() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md");
    let doc = std::fs::read_to_string(path).expect("docs/json.md");
    let marker = "<!-- example:begin -->\n```json\n";
    let start = doc.find(marker).expect("example start marker") + marker.len();
    let end = doc[start..].find("```\n<!-- example:end -->").expect("example end marker") + start;
    let example = &doc[start..end];
    let written = to_json(&samples::small_module());
    if example != written && std::env::var_os("UPDATE_GOLDEN").is_some() {
        let updated = format!("{}{}{}", &doc[..start], written, &doc[end..]);
        std::fs::write(path, updated).expect("update docs/json.md");
        return;
    }
    if example != written {
        let diff = similar::TextDiff::from_lines(example, &written);
        panic!(
            "docs/json.md example is stale (UPDATE_GOLDEN=1 updates it):\n{}",
            diff.unified_diff()
        );
    }
    from_json(example).unwrap_or_else(|e| panic!("the documented example does not load: {e}"));
}

/// The compact form: pretty output of very deep IR grows with the square of the depth, since
/// every line is indented by its nesting.
fn compact(module: &IRModule) -> String {
    let mut out = Vec::new();
    write_json(module, &mut out, false).expect("write to a Vec");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn deep_but_legal_ir_round_trips() {
    // 2 * depth + 2 nested nodes, just under the limit.
    let depth = (MAX_DEPTH - 2) / 2 - 8;
    let module = samples::deep_module(depth);
    let json = compact(&module);
    let loaded = from_json(&json).unwrap_or_else(|e| panic!("deep module failed to load: {e}"));
    assert_eq!(compact(&loaded), json);
}

#[test]
fn ir_deeper_than_the_limit_is_refused_with_a_path() {
    let module = samples::deep_module(MAX_DEPTH / 2 + 10);
    let json = compact(&module);
    let err = from_json(&json).expect_err("too deep");
    assert!(err.message.contains("deeper than the limit of 4096"), "{err}");
    assert!(err.path.starts_with("/functions/deep/body/let_stmt/body/let_stmt/"), "{err}");
    assert!(err.path.contains("/.../"), "deep paths are abbreviated: {err}");
}

#[test]
fn deep_arrays_of_annotations_are_bounded_too() {
    let mut text = String::from(r#"{"format": "tirscript-ir", "version": 1, "attrs": {"a": "#);
    text.push_str(&"[".repeat(100_000));
    text.push_str(&"]".repeat(100_000));
    text.push_str(r#"}, "global_vars": [], "vars": [], "buffers": [], "functions": {}}"#);
    let err = from_json(&text).expect_err("too deep");
    assert!(err.message.contains("deeper than the limit"), "{err}");
    assert!(err.path.starts_with("/attrs/a/0/0/0"), "{err}");
}

#[test]
fn nan_payloads_in_constant_data_survive_bit_for_bit() {
    use tirscript::ir::{Annotations, ConstData, DataType, Stmt, StmtNode, Type, Var};
    let quiet = f64::NAN;
    let payload = f64::from_bits(0xfff0_0000_0000_00ab);
    let stmt = Stmt::new(StmtNode::AllocateConst {
        buffer_var: Var::pointer("c", DataType::float(64), ""),
        data: Some(ConstData::Float(vec![quiet, payload, -0.0])),
        irmod_storage_idx: None,
        dtype: DataType::float(64),
        extents: vec![tirscript::ir::PrimExpr::i32(3)],
        body: Stmt::no_op(),
        annotations: Annotations::new(),
    });
    let func = tirscript::ir::PrimFunc {
        params: Vec::new(),
        buffer_map: Vec::new(),
        body: stmt,
        ret_type: Type::void(),
        attrs: Annotations::new(),
    };
    let mut module = IRModule::new();
    module.add("consts", func).expect("add");
    let json = to_json(&module);
    assert!(json.contains("\"nan\"") && json.contains("\"nan:0xfff00000000000ab\""), "{json}");
    let loaded = from_json(&json).unwrap_or_else(|e| panic!("{e}"));
    let (_, func) = loaded.lookup("consts").expect("function");
    let StmtNode::AllocateConst { data: Some(ConstData::Float(values)), .. } = func.body.node()
    else {
        panic!("not an AllocateConst with float data");
    };
    let bits: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
    assert_eq!(bits, vec![quiet.to_bits(), payload.to_bits(), (-0.0f64).to_bits()]);
}

#[test]
fn targets_and_global_infos_round_trip_in_their_documented_form() {
    let json = round_trip(&samples::kitchen_sink_module());
    let document: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(document["attrs"]["target"]["target"]["kind"], "llvm", "{json}");
    assert_eq!(document["global_infos"]["dummy"], serde_json::json!(["dummy", "dummy"]));
    let vdevice = &document["global_infos"]["vdevice"][0]["vdevice"];
    assert_eq!(vdevice["vdevice_id"], 1);
    assert_eq!(vdevice["memory_scope"], "global");
    assert_eq!(vdevice["target"]["keys"], serde_json::json!(["cpu"]));
}

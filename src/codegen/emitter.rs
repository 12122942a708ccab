//! The state of LLVM IR text emission: module-level declarations and one function's body.
//!
//! Invariants: every SSA value and label a `FuncEmitter` makes is named `%vN` / `vN` with a counter
//! private to that function, so names never collide; `block` is always the label of the basic block
//! instructions are currently appended to (phi nodes rely on it); allocas go to the entry block so a
//! loop never grows the stack; declarations, string constants, metadata and outlined functions are
//! collected once per module in `ModuleState` and printed after all functions.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::CodegenError;
use super::CodegenOptions;

/// A value in LLVM IR text: its type and its operand spelling (`%v3`, `42`, `0x3FF0...`).
#[derive(Clone, Debug, PartialEq)]
pub struct Val {
    pub ty: String,
    pub repr: String,
}

impl Val {
    pub fn new(ty: impl Into<String>, repr: impl Into<String>) -> Val {
        Val { ty: ty.into(), repr: repr.into() }
    }
    /// `type operand`, as an instruction argument.
    pub fn typed(&self) -> String {
        format!("{} {}", self.ty, self.repr)
    }
}

/// What a module collects while its functions are emitted.
#[derive(Default)]
pub struct ModuleState {
    /// Declarations of external functions and intrinsics, by name.
    pub declarations: BTreeMap<String, String>,
    /// Private global constants (strings, constant arrays), in order.
    pub globals: Vec<String>,
    /// Outlined functions (parallel loop bodies), as complete definitions.
    pub extra_functions: Vec<String>,
    /// Metadata node definitions, numbered in order.
    pub metadata: Vec<String>,
    /// The number of string constants made so far.
    pub strings: usize,
    /// The number of outlined functions made so far.
    pub outlined: usize,
    /// Every function of the module, by name, for calls between them.
    pub callees: super::module_calls::Callees,
}

impl ModuleState {
    /// Declares `name` once with the full declaration text `decl`.
    pub fn declare(&mut self, name: &str, decl: String) {
        self.declarations.entry(name.to_string()).or_insert(decl);
    }
    /// A private constant C string; returns its global name (`@.strN`).
    pub fn string_constant(&mut self, text: &str) -> String {
        let name = format!("@.str{}", self.strings);
        self.strings += 1;
        let mut escaped = String::new();
        for b in text.bytes().chain(std::iter::once(0)) {
            if b.is_ascii_graphic() && b != b'"' && b != b'\\' || b == b' ' {
                escaped.push(b as char);
            } else {
                let _ = write!(escaped, "\\{b:02X}");
            }
        }
        self.globals.push(format!(
            "{name} = private unnamed_addr constant [{} x i8] c\"{escaped}\"",
            text.len() + 1
        ));
        name
    }
    /// A new metadata node with body `body`; returns its reference (`!N`).
    pub fn metadata_node(&mut self, body: String) -> String {
        let id = self.metadata.len();
        self.metadata.push(format!("!{id} = {body}"));
        format!("!{id}")
    }
    /// A self-referential loop metadata node carrying `properties` (e.g. vectorize.enable).
    pub fn loop_metadata(&mut self, properties: &[&str]) -> String {
        let id = self.metadata.len();
        // Reserve the loop node's number; its text is written once the properties are numbered.
        self.metadata.push(String::new());
        let mut refs = vec![format!("!{id}")];
        for p in properties {
            refs.push(self.metadata_node(p.to_string()));
        }
        self.metadata[id] = format!("!{id} = distinct !{{{}}}", refs.join(", "));
        format!("!{id}")
    }
}

/// One function being emitted.
pub struct FuncEmitter<'m> {
    pub module: &'m mut ModuleState,
    pub options: &'m CodegenOptions,
    /// The name of the public function this body belongs to (for error reports).
    pub func_name: String,
    /// Instructions after the entry block's allocas.
    pub body: String,
    /// Allocas of the entry block.
    pub allocas: String,
    next: usize,
    /// The label of the block instructions are appended to.
    pub block: String,
    /// Values of variables in scope, by var id.
    pub vars: HashMap<u64, Val>,
    /// Whether this function is an outlined parallel body (nested parallel loops run serially).
    pub in_parallel: bool,
    /// The jump targets of the loops being emitted, innermost last.
    pub loops: Vec<super::jumps::LoopTargets>,
    /// The pointers of the heap allocations whose body is being emitted, innermost last.
    pub heap_live: Vec<String>,
}

impl<'m> FuncEmitter<'m> {
    pub fn new(
        module: &'m mut ModuleState,
        options: &'m CodegenOptions,
        func_name: &str,
    ) -> FuncEmitter<'m> {
        FuncEmitter {
            module,
            options,
            func_name: func_name.to_string(),
            body: String::new(),
            allocas: String::new(),
            next: 0,
            block: "entry".to_string(),
            vars: HashMap::new(),
            in_parallel: false,
            loops: Vec::new(),
            heap_live: Vec::new(),
        }
    }

    /// A fresh SSA name (`%vN`).
    pub fn fresh(&mut self) -> String {
        self.next += 1;
        format!("%v{}", self.next)
    }
    /// A fresh label name (without `%`).
    pub fn label(&mut self, hint: &str) -> String {
        self.next += 1;
        format!("{hint}{}", self.next)
    }
    /// Appends one instruction line.
    pub fn line(&mut self, text: &str) {
        self.body.push_str("  ");
        self.body.push_str(text);
        self.body.push('\n');
    }
    /// Emits `%x = <text>` and returns the value of type `ty`.
    pub fn assign(&mut self, ty: &str, text: &str) -> Val {
        let name = self.fresh();
        self.line(&format!("{name} = {text}"));
        Val::new(ty, name)
    }
    /// Starts basic block `label`.
    pub fn start_block(&mut self, label: &str) {
        let _ = writeln!(self.body, "{label}:");
        self.block = label.to_string();
    }
    /// An alloca of `count` elements of `ty` in the entry block, aligned to `align` bytes.
    pub fn entry_alloca(&mut self, ty: &str, count: u64, align: u64) -> Val {
        let name = self.fresh();
        let _ = writeln!(self.allocas, "  {name} = alloca {ty}, i64 {count}, align {align}");
        Val::new("ptr", name)
    }
    /// The value of a variable in scope.
    pub fn var(&self, id: u64, name: &str) -> Result<Val, CodegenError> {
        self.vars.get(&id).cloned().ok_or_else(|| {
            CodegenError::invalid(format!("variable `{name}` is used but not defined"))
        })
    }
    /// The finished function body: entry allocas, then the instructions.
    pub fn finish(self) -> String {
        format!("entry:\n{}{}", self.allocas, self.body)
    }
}

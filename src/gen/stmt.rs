//! Statement and function text: loops of every kind, ifs, `let`s, stores, nested blocks with
//! iteration variables, bindings and `T.init()`, block allocations, `T.decl_buffer` and
//! `T.allocate` with a buffer over its data, vector stores (`T.Ramp`, `T.Broadcast`),
//! `T.comm_reducer` attributes, and buffers with strides and offsets.
//!
//! Invariant: the text is indented by four spaces per level and every statement list is
//! non-empty; a block's body sees only its own iteration variables (plus function scalars and
//! outer `let`s), as TVM's block scoping requires.

use super::expr::{BufferInScope, DTYPES, ExprGen, Scope};
use super::source::SourceText;
use super::{Choices, GenLimits};

struct StmtGen<'a> {
    choices: &'a mut dyn Choices,
    limits: GenLimits,
    /// The text written so far and the counter of unique names.
    text: SourceText,
}

impl StmtGen<'_> {
    fn exprs<'s>(&'s mut self, scope: &'s Scope) -> ExprGen<'s> {
        ExprGen { choices: &mut *self.choices, scope }
    }

    /// A non-empty statement list at `indent`, nesting at most `depth` more levels.
    fn stmts(&mut self, scope: &Scope, indent: usize, depth: usize, block_scope: &Scope) {
        let count = 1 + self.choices.choose(self.limits.max_stmts);
        let mut scope = scope.clone();
        for _ in 0..count {
            self.stmt(&mut scope, indent, depth, block_scope);
        }
    }

    /// One statement; a `let` adds its variable to `scope` for the statements after it.
    fn stmt(&mut self, scope: &mut Scope, indent: usize, depth: usize, block_scope: &Scope) {
        let writable: Vec<BufferInScope> = scope.buffers.clone();
        let kind = if depth == 0 { 0 } else { self.choices.choose(11) };
        let e = self.limits.max_expr_depth;
        match kind {
            1 => {
                let var = self.text.fresh("i");
                let extent = 1 + self.choices.choose(16);
                let head = match self.choices.choose(5) {
                    0 => format!("range({extent})"),
                    1 => format!("T.serial({}, {})", self.choices.choose(3), extent + 3),
                    2 => format!("T.unroll({extent})"),
                    3 => format!("T.parallel({extent})"),
                    _ => format!("T.vectorized({extent})"),
                };
                self.text.line(indent, &format!("for {var} in {head}:"));
                let mut inner = scope.clone();
                inner.int_vars.push(var.clone());
                let mut loops = block_scope.clone();
                loops.int_vars.push(format!("{var}:{extent}"));
                self.stmts(&inner, indent + 1, depth - 1, &loops);
            }
            2 => {
                let cond = self.exprs(scope).condition(e);
                self.text.line(indent, &format!("if {cond}:"));
                self.stmts(scope, indent + 1, depth - 1, block_scope);
                if self.choices.one_in(2) {
                    self.text.line(indent, "else:");
                    self.stmts(scope, indent + 1, depth - 1, block_scope);
                }
            }
            3 => {
                let var = self.text.fresh("x");
                let value = self.exprs(scope).index(e);
                self.text.line(indent, &format!("{var}: T.int32 = {value}"));
                scope.int_vars.push(var);
            }
            4 | 5 => self.block(scope, indent, depth, block_scope),
            7 => self.allocation(scope, indent),
            8 => self.vector_store(scope, indent),
            9 => self.comm_reducer_attr(indent),
            _ if writable.is_empty() => self.text.line(indent, "T.evaluate(0)"),
            _ => {
                let buffer = writable[self.choices.choose(writable.len())].clone();
                let mut exprs = self.exprs(scope);
                let indices: Vec<String> = buffer.shape.iter().map(|_| exprs.index(1)).collect();
                let value = exprs.value(buffer.dtype, e);
                self.text
                    .line(indent, &format!("{}[{}] = {value}", buffer.name, indices.join(", ")));
            }
        }
    }

    /// A block whose iteration variables are bound to the loop variables `block_scope` records
    /// as `name:extent` (or to constants), with optional allocations and a nested body.
    fn block(&mut self, scope: &Scope, indent: usize, depth: usize, block_scope: &Scope) {
        let name = self.text.fresh("b");
        self.text.line(indent, &format!("with T.block(\"{name}\"):"));
        let mut inner = Scope { int_vars: Vec::new(), buffers: scope.buffers.clone() };
        // Only function scalars (named `n…`) stay visible. A `let` variable must not: TVM's region
        // detection (and ours, block_access.rs) substitutes block bindings but not `let`s into a
        // nested block's regions, so an enclosing block's inferred regions would name a variable
        // defined inside it, which the verifier rightly rejects.
        let loops: Vec<(String, usize)> = block_scope
            .int_vars
            .iter()
            .filter_map(|v| v.split_once(':').map(|(n, e)| (n.to_string(), e.parse().unwrap_or(1))))
            .collect();
        inner.int_vars.extend(scope.int_vars.iter().filter(|v| v.starts_with('n')).cloned());
        for (loop_var, extent) in &loops {
            if self.choices.one_in(3) {
                continue;
            }
            let iter = self.text.fresh("v");
            let kind = ["spatial", "reduce"][self.choices.choose(2)];
            self.text.line(indent + 1, &format!("{iter} = T.axis.{kind}({extent}, {loop_var})"));
            inner.int_vars.push(iter);
        }
        // Declared (empty) regions: inferred regions that join several accesses print as
        // `min:min + extent` slices whose reparsed extent is simplified differently (a round-trip
        // finding recorded in tests/reliability_properties.rs), so the generator does not rely on
        // inference.
        self.text.line(indent + 1, "T.reads()");
        self.text.line(indent + 1, "T.writes()");
        if !inner.buffers.is_empty() && self.choices.one_in(3) {
            // `T.init()` comes first in a block's body; it may use the block's own variables.
            self.text.line(indent + 1, "with T.init():");
            let buffer = inner.buffers[self.choices.choose(inner.buffers.len())].clone();
            let mut exprs = self.exprs(&inner);
            let indices: Vec<String> = buffer.shape.iter().map(|_| exprs.index(1)).collect();
            let value = exprs.value(buffer.dtype, 1);
            self.text
                .line(indent + 2, &format!("{}[{}] = {value}", buffer.name, indices.join(", ")));
        }
        if self.choices.one_in(3) {
            let buffer = self.text.fresh("C");
            let dtype = DTYPES[self.choices.choose(DTYPES.len())];
            let shape: Vec<u32> = (0..1 + self.choices.choose(2))
                .map(|_| 1 + self.choices.choose(8) as u32)
                .collect();
            let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            let scope_kw = ["", ", scope=\"local\"", ", scope=\"shared\""][self.choices.choose(3)];
            self.text.line(
                indent + 1,
                &format!(
                    "{buffer} = T.alloc_buffer(({},), \"{dtype}\"{scope_kw})",
                    dims.join(", ")
                ),
            );
            inner.buffers.push(BufferInScope { name: buffer, dtype, shape });
        }
        // Inside a block no enclosing loop variable may be used, so the nested loops start afresh.
        self.stmts(&inner, indent + 1, depth.saturating_sub(1), &Scope::default());
    }

    /// A local allocation whose buffer the statements after it may use: `T.decl_buffer`, or
    /// `T.allocate` with a `T.Buffer` over its data pointer.
    fn allocation(&mut self, scope: &mut Scope, indent: usize) {
        let name = self.text.fresh("D");
        let dtype = DTYPES[self.choices.choose(DTYPES.len())];
        let extent = 1 + self.choices.choose(8) as u32;
        if self.choices.one_in(2) {
            self.text.line(indent, &format!("{name} = T.decl_buffer(({extent},), \"{dtype}\")"));
        } else {
            let data = self.text.fresh("ptr");
            let scope_name = ["global", "local", "shared"][self.choices.choose(3)];
            self.text.line(
                indent,
                &format!("{data} = T.allocate([{extent}], \"{dtype}\", \"{scope_name}\")"),
            );
            self.text.line(
                indent,
                &format!("{name} = T.Buffer(({extent},), \"{dtype}\", data={data}, scope=\"{scope_name}\")"),
            );
        }
        scope.buffers.push(BufferInScope { name, dtype, shape: vec![extent] });
    }

    /// A store of a vector value (`T.Broadcast`, vector arithmetic) at a `T.Ramp` of a 1-D buffer.
    fn vector_store(&mut self, scope: &Scope, indent: usize) {
        let flat: Vec<BufferInScope> =
            scope.buffers.iter().filter(|b| b.shape.len() == 1).cloned().collect();
        if flat.is_empty() {
            return self.text.line(indent, "T.evaluate(0)");
        }
        let buffer = flat[self.choices.choose(flat.len())].clone();
        let lanes = [2, 4, 8][self.choices.choose(3)];
        let mut exprs = self.exprs(scope);
        let base = exprs.index(1);
        let stride = 1 + exprs.choices.choose(2);
        let ramp = format!("T.Ramp({base}, {stride}, {lanes})");
        let scalar = exprs.value(buffer.dtype, 1);
        let value = match exprs.choices.choose(3) {
            0 => format!("T.Broadcast({scalar}, {lanes})"),
            1 => format!("{}[{ramp}] + T.Broadcast({scalar}, {lanes})", buffer.name),
            _ => format!("{}[{ramp}]", buffer.name),
        };
        self.text.line(indent, &format!("{}[{ramp}] = {value}", buffer.name));
    }

    /// A `T.comm_reducer` as the node of an attribute statement (how TVMScript spells one).
    fn comm_reducer_attr(&mut self, indent: usize) {
        let dtype = ["float32", "int32", "float16"][self.choices.choose(3)];
        let (combiner, identity) = match self.choices.choose(3) {
            0 => ("x + y", "0"),
            1 => ("x * y", "1"),
            _ => ("T.max(x, y)", "0"),
        };
        let identity = if dtype == "int32" {
            identity.to_string()
        } else {
            format!("T.{dtype}({identity}.0)")
        };
        self.text.line(
            indent,
            &format!(
                "T.attr(T.comm_reducer(lambda x, y: {combiner}, [{identity}]), \"reduce_scope\", T.reinterpret(\"handle\", T.uint64(0)))"
            ),
        );
        self.text.line(indent, "T.evaluate(0)");
    }

    fn func(&mut self, name: &str) {
        let mut params = Vec::new();
        let mut scope = Scope::default();
        let mut matched = Vec::new();
        for _ in 0..1 + self.choices.choose(3) {
            let buffer = self.text.fresh("A");
            let dtype = DTYPES[self.choices.choose(DTYPES.len())];
            let shape: Vec<u32> = (0..1 + self.choices.choose(3))
                .map(|_| 1 + self.choices.choose(16) as u32)
                .collect();
            let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            if self.choices.one_in(3) {
                // A strided buffer with an element offset, through `T.match_buffer`.
                let handle = self.text.fresh("h");
                params.push(format!("{handle}: T.handle"));
                let mut stride = 1u32;
                let mut strides = Vec::new();
                for d in shape.iter().rev() {
                    strides.push(stride.to_string());
                    stride *= d + self.choices.choose(3) as u32;
                }
                strides.reverse();
                let offset = self.choices.choose(5);
                matched.push(format!(
                    "{buffer} = T.match_buffer({handle}, ({},), \"{dtype}\", strides=({},), elem_offset={offset})",
                    dims.join(", "),
                    strides.join(", ")
                ));
            } else {
                params.push(format!("{buffer}: T.Buffer(({},), \"{dtype}\")", dims.join(", ")));
            }
            scope.buffers.push(BufferInScope { name: buffer, dtype, shape });
        }
        if self.choices.one_in(2) {
            let scalar = self.text.fresh("n");
            params.push(format!("{scalar}: T.int32"));
            scope.int_vars.push(scalar);
        }
        self.text.line(0, "@T.prim_func");
        self.text.line(0, &format!("def {name}({}):", params.join(", ")));
        for line in matched {
            self.text.line(1, &line);
        }
        // A body that is one block without iteration variables prints as TVM's implicit root
        // block, which drops its name (as TVM does); a leading statement keeps the body a sequence.
        self.text.line(1, "T.evaluate(0)");
        let depth = self.limits.max_depth;
        self.stmts(&scope, 1, depth, &Scope::default());
    }
}

/// Writes the TVMScript text of one module of generated functions.
pub fn module_source(choices: &mut dyn Choices, limits: &GenLimits) -> String {
    let mut generator = StmtGen { choices, limits: *limits, text: SourceText::default() };
    generator.text.line(0, "# from tvm.script import tir as T");
    let funcs = 1 + generator.choices.choose(limits.max_funcs.max(1));
    for index in 0..funcs {
        generator.text.line(0, "");
        generator.func(&format!("f{index}"));
    }
    generator.text.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::r#gen::SplitMix;

    /// Every statement form the generator knows appears in a modest sample, so the round-trip
    /// property covers it.
    #[test]
    fn a_sample_uses_every_statement_form() {
        let mut rng = SplitMix::new(11);
        let text: String =
            (0..300).map(|_| module_source(&mut rng, &GenLimits::default())).collect();
        for form in [
            "T.allocate(",
            "T.decl_buffer(",
            "T.alloc_buffer(",
            "T.Ramp(",
            "T.Broadcast(",
            "T.comm_reducer(",
            "with T.init():",
            "T.match_buffer(",
            "T.vectorized(",
        ] {
            assert!(text.contains(form), "no `{form}` in 300 generated modules");
        }
    }
}

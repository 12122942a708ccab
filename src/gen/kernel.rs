//! Runnable kernels: one `main` function over small constant-shape buffers, for checking compiled
//! code against the interpreter (`fuzz/fuzz_targets/codegen.rs`, `tests/reliability_codegen.rs`).
//!
//! A kernel has input buffers (read only), output buffers, an optional `int32` scalar `n`, and a
//! body of serial and unrolled loops, parallel and vectorized loops, `if`/`else`, `let`s, stores,
//! local buffers, and reduction blocks with `T.init()`.
//!
//! Invariants, on top of those of [`super::kernel_expr`]: every access is in bounds; a local
//! buffer is filled completely before anything reads it; in a parallel or vectorized loop every
//! iteration writes and reads writable buffers only at its own row (the loop variable is their
//! first index and their first dimension equals the loop's extent), so the result does not depend
//! on the order or grouping of iterations; a reduction block writes its output only at its
//! spatial variables. So the result of a kernel is fully determined by its inputs, whatever a
//! correct compiler does.

use super::Choices;
use super::kernel_expr::{
    IntVar, KERNEL_DTYPES, KernelBuffer, KernelExprs, KernelScope, int_arith, is_float,
};
use super::source::SourceText;

/// Size bounds of one generated kernel.
#[derive(Clone, Copy, Debug)]
pub struct KernelLimits {
    /// Most statements in one statement list.
    pub max_stmts: usize,
    /// Deepest statement nesting.
    pub max_depth: usize,
    /// Deepest value expression.
    pub max_expr_depth: usize,
    /// Largest buffer dimension and loop extent.
    pub max_extent: u32,
    /// Whether a kernel may take the `int32` scalar `n`. Off by default while LowerIntrin lowers
    /// `floormod`/`floordiv` of an expression of `n` (whose bounds are the whole `int32` range)
    /// through an offset that overflows (fuzz/README.md, codegen finding 1).
    pub scalar_param: bool,
}

impl Default for KernelLimits {
    fn default() -> Self {
        KernelLimits {
            max_stmts: 3,
            max_depth: 3,
            max_expr_depth: 3,
            max_extent: 8,
            scalar_param: false,
        }
    }
}

/// The value the scalar parameter `n` takes in a run (see [`kernel_source`]).
pub const SCALAR_VALUE: i64 = 3;

struct KernelGen<'a> {
    choices: &'a mut dyn Choices,
    limits: KernelLimits,
    /// The text written so far and the counter of unique names.
    text: SourceText,
}

impl KernelGen<'_> {
    fn exprs<'s>(&'s mut self, scope: &'s KernelScope) -> KernelExprs<'s> {
        KernelExprs { choices: &mut *self.choices, scope }
    }

    fn extent(&mut self) -> u32 {
        1 + self.choices.choose(self.limits.max_extent as usize) as u32
    }

    fn shape(&mut self) -> Vec<u32> {
        (0..1 + self.choices.choose(2)).map(|_| self.extent()).collect()
    }

    fn shape_text(shape: &[u32]) -> String {
        let dims: Vec<String> = shape.iter().map(u32::to_string).collect();
        format!("({},)", dims.join(", "))
    }

    /// A non-empty statement list.
    fn stmts(&mut self, scope: &KernelScope, indent: usize, depth: usize) {
        let mut scope = scope.clone();
        for _ in 0..1 + self.choices.choose(self.limits.max_stmts) {
            self.stmt(&mut scope, indent, depth);
        }
    }

    /// Buffers a statement in `scope` may write.
    fn writable(scope: &KernelScope) -> Vec<KernelBuffer> {
        let row = scope.row.as_ref().map(|(_, e)| *e);
        scope
            .buffers
            .iter()
            .filter(|b| !b.input && row.is_none_or(|e| b.shape[0] == e))
            .cloned()
            .collect()
    }

    fn stmt(&mut self, scope: &mut KernelScope, indent: usize, depth: usize) {
        let e = self.limits.max_expr_depth;
        match if depth == 0 { 0 } else { self.choices.choose(8) } {
            1 => self.serial_loop(scope, indent, depth),
            2 if scope.row.is_none() => self.independent_loop(scope, indent, depth),
            3 => {
                let cond = self.exprs(scope).condition(2);
                self.text.line(indent, &format!("if {cond}:"));
                self.stmts(scope, indent + 1, depth - 1);
                if self.choices.one_in(2) {
                    self.text.line(indent, "else:");
                    self.stmts(scope, indent + 1, depth - 1);
                }
            }
            4 => {
                let var = self.text.fresh("x");
                let value = self.exprs(scope).index(64);
                self.text.line(indent, &format!("{var}: T.int32 = {value}"));
                scope.vars.push(IntVar { name: var, bound: Some(64) });
            }
            5 if scope.row.is_none() => self.reduction(scope, indent),
            6 if scope.row.is_none() => self.local_buffer(scope, indent),
            _ => self.store(scope, indent, e),
        }
    }

    /// A store of a value into a writable buffer (or `T.evaluate(0)` when there is none).
    fn store(&mut self, scope: &KernelScope, indent: usize, expr_depth: usize) {
        let writable = Self::writable(scope);
        if writable.is_empty() {
            self.text.line(indent, "T.evaluate(0)");
            return;
        }
        let buffer = writable[self.choices.choose(writable.len())].clone();
        let mut exprs = self.exprs(scope);
        let indices = exprs.row_indices(&buffer);
        let value = exprs.value(buffer.dtype, expr_depth);
        self.text.line(indent, &format!("{}[{}] = {value}", buffer.name, indices.join(", ")));
    }

    fn serial_loop(&mut self, scope: &KernelScope, indent: usize, depth: usize) {
        let var = self.text.fresh("i");
        let extent = self.extent();
        let head = match self.choices.choose(3) {
            0 => format!("range({extent})"),
            1 => format!("T.serial({extent})"),
            _ => format!("T.unroll({extent})"),
        };
        self.text.line(indent, &format!("for {var} in {head}:"));
        let mut inner = scope.clone();
        inner.vars.push(IntVar { name: var, bound: Some(extent) });
        self.stmts(&inner, indent + 1, depth - 1);
    }

    /// A parallel or vectorized loop over the rows of the writable buffers whose first dimension
    /// is its extent.
    fn independent_loop(&mut self, scope: &KernelScope, indent: usize, depth: usize) {
        let writable = Self::writable(scope);
        if writable.is_empty() {
            return self.serial_loop(scope, indent, depth);
        }
        let extent = writable[self.choices.choose(writable.len())].shape[0];
        let var = self.text.fresh("p");
        let kind = ["T.parallel", "T.vectorized"][self.choices.choose(2)];
        self.text.line(indent, &format!("for {var} in {kind}({extent}):"));
        let mut inner = scope.clone();
        inner.vars.push(IntVar { name: var.clone(), bound: Some(extent) });
        inner.row = Some((var, extent));
        self.stmts(&inner, indent + 1, depth - 1);
    }

    /// A reduction into a writable buffer: one loop per output dimension and one reduction loop,
    /// a block with `T.init()`.
    fn reduction(&mut self, scope: &KernelScope, indent: usize) {
        let writable = Self::writable(scope);
        if writable.is_empty() {
            return self.store(scope, indent, 1);
        }
        let out = writable[self.choices.choose(writable.len())].clone();
        let reduce_extent = self.extent();
        let mut loops = Vec::new();
        let mut extents = Vec::new();
        for &dim in &out.shape {
            loops.push(self.text.fresh("s"));
            extents.push(dim);
        }
        loops.push(self.text.fresh("r"));
        extents.push(reduce_extent);
        let extents_text: Vec<String> = extents.iter().map(u32::to_string).collect();
        self.text.line(
            indent,
            &format!("for {} in T.grid({}):", loops.join(", "), extents_text.join(", ")),
        );
        let block = self.text.fresh("b");
        self.text.line(indent + 1, &format!("with T.block(\"{block}\"):"));
        let iters: Vec<String> = loops.iter().map(|_| self.text.fresh("v")).collect();
        let kinds = format!("{}R", "S".repeat(out.shape.len()));
        self.text.line(
            indent + 2,
            &format!("{} = T.axis.remap(\"{kinds}\", [{}])", iters.join(", "), loops.join(", ")),
        );
        // The block sees only its iteration variables and the function's scalar.
        let mut inner = KernelScope { vars: Vec::new(), buffers: scope.buffers.clone(), row: None };
        inner.vars.extend(scope.vars.iter().filter(|v| v.name == "n").cloned());
        for (iter, &extent) in iters.iter().zip(&extents) {
            inner.vars.push(IntVar { name: iter.clone(), bound: Some(extent) });
        }
        let target = format!("{}[{}]", out.name, iters[..out.shape.len()].join(", "));
        let init = self.exprs(&inner).constant(out.dtype);
        self.text.line(indent + 2, "with T.init():");
        self.text.line(indent + 3, &format!("{target} = {init}"));
        let value = self.exprs(&inner).value(out.dtype, 1);
        let update = match self.choices.choose(3) {
            0 => format!("T.max({target}, {value})"),
            1 => format!("T.min({target}, {value})"),
            _ if is_float(out.dtype) => format!("{target} + {value}"),
            _ => int_arith("+", out.dtype, &target, &value),
        };
        self.text.line(indent + 2, &format!("{target} = {update}"));
    }

    /// A local buffer, filled completely by a loop before the statements after it use it.
    fn local_buffer(&mut self, scope: &mut KernelScope, indent: usize) {
        let name = self.text.fresh("L");
        let dtype = KERNEL_DTYPES[self.choices.choose(KERNEL_DTYPES.len())];
        let extent = self.extent();
        let shape = vec![extent];
        let alloc = match self.choices.choose(3) {
            0 => format!("T.alloc_buffer(({extent},), \"{dtype}\")"),
            1 => format!("T.alloc_buffer(({extent},), \"{dtype}\", scope=\"local\")"),
            _ => format!("T.decl_buffer(({extent},), \"{dtype}\")"),
        };
        self.text.line(indent, &format!("{name} = {alloc}"));
        let var = self.text.fresh("i");
        self.text.line(indent, &format!("for {var} in range({extent}):"));
        let mut fill = scope.clone();
        fill.vars.push(IntVar { name: var.clone(), bound: Some(extent) });
        let value = self.exprs(&fill).value(dtype, 1);
        self.text.line(indent + 1, &format!("{name}[{var}] = {value}"));
        scope.buffers.push(KernelBuffer { name, dtype, shape, input: false });
    }
}

/// Writes the TVMScript text of one kernel, function `main`. Its scalar parameter `n`, if any,
/// is meant to be [`SCALAR_VALUE`] (the value `interp::random_args_with_extent` gives it).
pub fn kernel_source(choices: &mut dyn Choices, limits: &KernelLimits) -> String {
    let mut generator = KernelGen { choices, limits: *limits, text: SourceText::default() };
    let mut scope = KernelScope::default();
    let mut params = Vec::new();
    let inputs = 1 + generator.choices.choose(2);
    let outputs = 1 + generator.choices.choose(2);
    for k in 0..inputs + outputs {
        let input = k < inputs;
        let name = generator.text.fresh(if input { "A" } else { "B" });
        let dtype = KERNEL_DTYPES[generator.choices.choose(KERNEL_DTYPES.len())];
        let shape = generator.shape();
        params.push(format!("{name}: T.Buffer({}, \"{dtype}\")", KernelGen::shape_text(&shape)));
        scope.buffers.push(KernelBuffer { name, dtype, shape, input });
    }
    if limits.scalar_param && generator.choices.one_in(2) {
        params.push("n: T.int32".to_string());
        scope.vars.push(IntVar { name: "n".to_string(), bound: None });
    }
    generator.text.line(0, "# from tvm.script import tir as T");
    generator.text.line(0, "");
    generator.text.line(0, "@T.prim_func");
    generator.text.line(0, &format!("def main({}):", params.join(", ")));
    generator.text.line(1, "T.func_attr({\"tir.noalias\": True})");
    let depth = limits.max_depth;
    generator.stmts(&scope, 1, depth);
    generator.text.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::r#gen::SplitMix;

    /// Every kernel form appears in a modest sample, and every kernel parses without diagnostics.
    #[test]
    fn a_sample_uses_every_form_and_parses() {
        let mut rng = SplitMix::new(5);
        let mut all = String::new();
        for _ in 0..200 {
            let text = kernel_source(&mut rng, &KernelLimits::default());
            let parsed = crate::eval::parse_script("kernel.tir", &text);
            assert!(
                parsed.module.is_some() && parsed.diagnostics.is_empty(),
                "{:?}\n{text}",
                parsed.diagnostics
            );
            all.push_str(&text);
        }
        for form in [
            "T.parallel(",
            "T.vectorized(",
            "T.unroll(",
            "with T.init():",
            "T.decl_buffer(",
            "T.alloc_buffer(",
            "if ",
            "else:",
            ": T.int32 = ",
            "\"float16\"",
            "\"uint64\"",
        ] {
            assert!(all.contains(form), "no `{form}` in 200 generated kernels");
        }
    }
}

//! Expressions of runnable kernels: typed, in bounds, and free of undefined behaviour by
//! construction, so a compiled kernel and the interpreter must agree on every result.
//!
//! Invariants of the text [`KernelExprs`] writes:
//! - `index(extent)` is an `int32` expression in `0..extent`: a variable whose range lies inside
//!   it, or `T.floormod(e, extent)`.
//! - `int32` arithmetic inside indices stays far from overflow (variables and constants below 64,
//!   depth at most 2), and every divisor is a positive constant.
//! - `value(d)` has dtype exactly `d`, and no integer operation overflows, in any dtype: TVM's
//!   arithmetic analysis assumes integer arithmetic does not wrap (it bounds `a + b` by the sum of
//!   the bounds, and a narrowing cast by the intersection with the dtype's range), and its LLVM
//!   codegen emits `add nsw`, so a wrapping operation has no single defined result. Each operand
//!   of `+ - *` is clamped so the result stays within ±W ([`working_range`]); an integer cast
//!   clamps its operand into the target's range first.
//! - A float converted to an integer is clamped into the integer's range first (`fptosi` of an
//!   out-of-range value is poison in LLVM) and read only from a constant or an input buffer, so a
//!   rounding difference in float arithmetic cannot change an integer result.

use super::Choices;

/// The element dtypes of kernel buffers.
pub const KERNEL_DTYPES: &[&str] = &[
    "float32", "float16", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
    "uint32", "uint64",
];

/// A buffer a kernel may read (and, unless it is an input, write).
#[derive(Clone, Debug)]
pub struct KernelBuffer {
    pub name: String,
    pub dtype: &'static str,
    pub shape: Vec<u32>,
    /// Inputs are never written, so a value read from one is the same in every execution order.
    pub input: bool,
}

/// An `int32` variable and an exclusive upper bound of its value, when known to be non-negative.
#[derive(Clone, Debug)]
pub struct IntVar {
    pub name: String,
    pub bound: Option<u32>,
}

/// What an expression may name.
#[derive(Clone, Debug, Default)]
pub struct KernelScope {
    pub vars: Vec<IntVar>,
    pub buffers: Vec<KernelBuffer>,
    /// Inside a loop whose iterations must be independent (parallel, vectorized): the loop variable
    /// and the extent it covers. Writable buffers are then read only at that row (see
    /// [`KernelExprs::row_indices`]).
    pub row: Option<(String, u32)>,
}

/// Writes kernel expressions against a scope.
pub struct KernelExprs<'a> {
    pub choices: &'a mut dyn Choices,
    pub scope: &'a KernelScope,
}

pub fn is_float(dtype: &str) -> bool {
    dtype.starts_with("float")
}

/// The values integer `dtype` holds and its working range `(lo, hi)`: its own range, cut to
/// ±2^20 for the wide types so that every generated intermediate stays small.
pub fn working_range(dtype: &str) -> (i64, i64) {
    match dtype {
        "int8" => (-127, 127),
        "int16" => (-32767, 32767),
        "uint8" => (0, 255),
        "uint16" => (0, 65535),
        d if d.starts_with('u') => (0, 1 << 20),
        _ => (-(1 << 20), 1 << 20),
    }
}

/// `value` clamped into `lo..=hi` (both representable in `dtype`).
fn clamp(value: &str, dtype: &str, (lo, hi): (i64, i64)) -> String {
    format!("T.max(T.min({value}, T.{dtype}({hi})), T.{dtype}({lo}))")
}

/// The largest `s` with `s * s <= w`.
fn isqrt(w: i64) -> i64 {
    let mut s = (w as f64).sqrt() as i64;
    while s * s > w {
        s -= 1;
    }
    while (s + 1) * (s + 1) <= w {
        s += 1;
    }
    s
}

/// `a op b` for integer `dtype`, with operands clamped so that the result stays in its
/// working range (see the module invariants).
pub fn int_arith(op: &str, dtype: &str, a: &str, b: &str) -> String {
    let (lo, hi) = working_range(dtype);
    let unsigned = lo == 0;
    match op {
        "*" => {
            let s = isqrt(hi);
            let range = (if unsigned { 0 } else { -s }, s);
            format!("({} * {})", clamp(a, dtype, range), clamp(b, dtype, range))
        }
        "-" if unsigned => {
            // `a - min(a, b)` never goes below zero.
            let a = clamp(a, dtype, (0, hi));
            format!("({a} - T.min({a}, {}))", clamp(b, dtype, (0, hi)))
        }
        _ => {
            let range = (lo / 2, hi / 2);
            format!("({} {op} {})", clamp(a, dtype, range), clamp(b, dtype, range))
        }
    }
}

/// The part of integer `from`'s working range that `to` holds too (it always contains 0).
fn common_range(from: &str, to: &str) -> (i64, i64) {
    let (a, b) = (working_range(from), working_range(to));
    (a.0.max(b.0), a.1.min(b.1))
}

/// Float constants; the first [`EXACT_FLOATS`] are exact in every float dtype.
const FLOATS: &[&str] = &["0.0", "1.0", "0.5", "2.25", "-3.75", "100.0", "0.1", "1e-05"];

/// How many of [`FLOATS`] float16 and float32 constants use. A `T.float16(0.1)` keeps the double
/// 0.1 in the IR: the pipeline's constant folding (like TVM's `tir::cast`, `make_const(t, value)`)
/// converts that double to a wider type unrounded, while the interpreter and LLVM round the
/// constant to its own dtype first, so an inexact narrow constant has two readings
/// (fuzz/README.md, codegen finding 5).
const EXACT_FLOATS: usize = 6;

impl KernelExprs<'_> {
    fn pick<'s>(&mut self, items: &'s [&'s str]) -> &'s str {
        items[self.choices.choose(items.len())]
    }

    /// A constant of `dtype`.
    pub fn constant(&mut self, dtype: &str) -> String {
        if is_float(dtype) {
            let count = if dtype == "float64" { FLOATS.len() } else { EXACT_FLOATS };
            return format!("T.{dtype}({})", FLOATS[self.choices.choose(count)]);
        }
        let magnitude = [0, 1, 2, 3, 7, 100][self.choices.choose(6)];
        let negative = !dtype.starts_with('u') && self.choices.one_in(3);
        let value = if negative { -magnitude } else { magnitude };
        format!("T.{dtype}({value})")
    }

    /// An `int32` expression over the scope's variables (no bound on its value).
    pub fn int(&mut self, depth: usize) -> String {
        if depth == 0 || self.choices.one_in(3) {
            if !self.scope.vars.is_empty() && !self.choices.one_in(4) {
                return self.scope.vars[self.choices.choose(self.scope.vars.len())].name.clone();
            }
            return self.choices.choose(8).to_string();
        }
        let d = depth - 1;
        match self.choices.choose(6) {
            0 => format!("({} + {})", self.int(d), self.int(d)),
            1 => format!("({} - {})", self.int(d), self.int(d)),
            2 => format!("({} * {})", self.int(d), self.int(d)),
            3 => format!("T.floordiv({}, {})", self.int(d), 1 + self.choices.choose(7)),
            4 => format!("T.truncmod({}, {})", self.int(d), 1 + self.choices.choose(7)),
            _ => {
                let f = self.pick(&["T.min", "T.max"]);
                format!("{f}({}, {})", self.int(d), self.int(d))
            }
        }
    }

    /// An `int32` index in `0..extent`.
    pub fn index(&mut self, extent: u32) -> String {
        let fitting: Vec<&IntVar> =
            self.scope.vars.iter().filter(|v| v.bound.is_some_and(|b| b <= extent)).collect();
        if !fitting.is_empty() && !self.choices.one_in(3) {
            return fitting[self.choices.choose(fitting.len())].name.clone();
        }
        if extent == 1 {
            return "0".to_string();
        }
        format!("T.floormod({}, {extent})", self.int(2))
    }

    /// A `bool` condition over the scope's variables.
    pub fn condition(&mut self, depth: usize) -> String {
        let d = depth.saturating_sub(1);
        match if depth == 0 { 0 } else { self.choices.choose(5) } {
            0 | 1 => {
                let op = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
                format!("{} {op} {}", self.int(1), self.int(1))
            }
            2 => format!("({}) and ({})", self.condition(d), self.condition(d)),
            3 => format!("({}) or ({})", self.condition(d), self.condition(d)),
            _ => format!("not ({})", self.condition(d)),
        }
    }

    /// The indices of an access to `buffer`: at the scope's row for a writable buffer inside an
    /// independent loop (so iterations touch disjoint elements), anywhere in bounds otherwise.
    pub fn row_indices(&mut self, buffer: &KernelBuffer) -> Vec<String> {
        let mut indices = Vec::with_capacity(buffer.shape.len());
        for (dim, &extent) in buffer.shape.iter().enumerate() {
            match &self.scope.row {
                Some((var, _)) if dim == 0 && !buffer.input => indices.push(var.clone()),
                _ => indices.push(self.index(extent)),
            }
        }
        indices
    }

    /// Buffers of `dtype` this scope may read (`inputs_only`: only inputs).
    fn readable(&self, dtype: &str, inputs_only: bool) -> Vec<KernelBuffer> {
        let row_extent = self.scope.row.as_ref().map(|(_, e)| *e);
        self.scope
            .buffers
            .iter()
            .filter(|b| b.dtype == dtype && (b.input || !inputs_only))
            // Inside an independent loop a writable buffer is read only at the loop's row.
            .filter(|b| b.input || row_extent.is_none_or(|e| b.shape[0] == e))
            .cloned()
            .collect()
    }

    /// A load of a buffer of `dtype`, if one may be read.
    fn load(&mut self, dtype: &'static str, inputs_only: bool) -> Option<String> {
        let candidates = self.readable(dtype, inputs_only);
        if candidates.is_empty() {
            return None;
        }
        let buffer = candidates[self.choices.choose(candidates.len())].clone();
        Some(format!("{}[{}]", buffer.name, self.row_indices(&buffer).join(", ")))
    }

    /// A leaf: a load or a constant.
    fn leaf(&mut self, dtype: &'static str, inputs_only: bool) -> String {
        if self.choices.one_in(3) {
            return self.constant(dtype);
        }
        self.load(dtype, inputs_only).unwrap_or_else(|| self.constant(dtype))
    }

    /// An expression of exactly `dtype`, at most `depth` operators deep.
    pub fn value(&mut self, dtype: &'static str, depth: usize) -> String {
        if depth == 0 {
            return self.leaf(dtype, false);
        }
        let d = depth - 1;
        match self.choices.choose(10) {
            0 => self.leaf(dtype, false),
            1 | 2 => {
                let op = self.pick(&["+", "-", "*"]);
                let (a, b) = (self.value(dtype, d), self.value(dtype, d));
                if is_float(dtype) {
                    format!("({a} {op} {b})")
                } else {
                    int_arith(op, dtype, &a, &b)
                }
            }
            3 => {
                let f = self.pick(&["T.min", "T.max"]);
                format!("{f}({}, {})", self.value(dtype, d), self.value(dtype, d))
            }
            4 => format!(
                "T.Select({}, {}, {})",
                self.condition(d),
                self.value(dtype, d),
                self.value(dtype, d)
            ),
            5 => format!(
                "T.if_then_else({}, {}, {})",
                self.condition(d),
                self.value(dtype, d),
                self.value(dtype, d)
            ),
            6 => {
                // An index value: small, so safe in every dtype.
                format!("T.Cast(\"{dtype}\", {})", self.index(16))
            }
            7 if is_float(dtype) && dtype != "float16" => {
                let f = self.pick(&["T.exp", "T.sqrt", "T.log", "T.fabs", "T.floor", "T.ceil"]);
                format!("{f}({})", self.value(dtype, d))
            }
            7 if is_float(dtype) => {
                let divisor = self.pick(&["2.0", "4.0", "0.5"]);
                format!("({} / T.{dtype}({divisor}))", self.value(dtype, d))
            }
            7 => {
                let divisor = 1 + self.choices.choose(7);
                let f = self.pick(&["T.floordiv", "T.floormod", "T.truncdiv", "T.truncmod"]);
                format!("{f}({}, T.{dtype}({divisor}))", self.value(dtype, d))
            }
            _ => self.converted(dtype, d),
        }
    }

    /// A value of another dtype converted to `dtype`.
    fn converted(&mut self, dtype: &'static str, depth: usize) -> String {
        let from = KERNEL_DTYPES[self.choices.choose(KERNEL_DTYPES.len())];
        if is_float(dtype) {
            return format!("T.Cast(\"{dtype}\", {})", self.value(from, depth));
        }
        if is_float(from) {
            // Only exact floats (inputs, constants) become integers, clamped into range.
            let operand = self.leaf(from, true);
            // Cut to ±1000: a float16 cannot hold the wide types' bounds.
            let (lo, hi) = working_range(dtype);
            let (lo, hi) = (lo.max(-1000), hi.min(1000));
            return format!(
                "T.Cast(\"{dtype}\", T.max(T.min({operand}, T.{from}({hi})), T.{from}({lo})))"
            );
        }
        let operand = self.value(from, depth);
        format!("T.Cast(\"{dtype}\", {})", clamp(&operand, from, common_range(from, dtype)))
    }
}

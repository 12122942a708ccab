//! Expression text of a given dtype, built only from names in scope.
//!
//! Invariant: `value(d)` is a TVMScript expression whose dtype is exactly `d`; `index()` is an
//! `int32` expression; `condition()` is a `bool` expression. Depth falls by one at each operator,
//! and at depth zero only leaves (constants, variables, loads with leaf indices) are made.

use super::Choices;

/// The element dtypes buffers and values may have.
pub const DTYPES: &[&str] =
    &["float32", "float16", "float64", "int8", "int16", "int32", "int64", "uint8", "uint32"];

/// A buffer visible in the current scope.
#[derive(Clone, Debug)]
pub struct BufferInScope {
    pub name: String,
    pub dtype: &'static str,
    pub shape: Vec<u32>,
}

/// The names an expression may use.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// `int32` variables: loop or block variables, function scalars, `let` variables.
    pub int_vars: Vec<String>,
    pub buffers: Vec<BufferInScope>,
}

/// Writes expressions against a scope.
pub struct ExprGen<'a> {
    pub choices: &'a mut dyn Choices,
    pub scope: &'a Scope,
}

fn is_float(dtype: &str) -> bool {
    dtype.starts_with("float")
}

const FLOATS: &[&str] =
    &["0.0", "1.0", "0.5", "2.25", "-3.75", "1e-05", "123456.0", "0.1", "1e+30"];

impl ExprGen<'_> {
    fn pick<'s>(&mut self, items: &'s [&'s str]) -> &'s str {
        items[self.choices.choose(items.len())]
    }

    /// A constant of `dtype` written as TVMScript prints it.
    pub fn constant(&mut self, dtype: &str) -> String {
        if is_float(dtype) {
            // float16 cannot hold the largest constants exactly; keep it to small ones.
            let limit = if dtype == "float16" { 6 } else { FLOATS.len() };
            format!("T.{dtype}({})", FLOATS[self.choices.choose(limit)])
        } else {
            let magnitude = [0, 1, 2, 3, 7, 100][self.choices.choose(6)];
            let negative = !dtype.starts_with('u') && self.choices.one_in(4);
            let value = if negative { -magnitude } else { magnitude };
            if dtype == "int32" { value.to_string() } else { format!("T.{dtype}({value})") }
        }
    }

    /// An `int32` index expression.
    pub fn index(&mut self, depth: usize) -> String {
        if depth == 0 || self.choices.one_in(3) {
            return if !self.scope.int_vars.is_empty() && !self.choices.one_in(4) {
                self.scope.int_vars[self.choices.choose(self.scope.int_vars.len())].clone()
            } else {
                self.choices.choose(8).to_string()
            };
        }
        let d = depth - 1;
        match self.choices.choose(6) {
            0 => format!("({} + {})", self.index(d), self.index(d)),
            1 => format!("({} - {})", self.index(d), self.index(d)),
            2 => format!("({} * {})", self.index(d), self.index(d)),
            3 => format!("({} // {})", self.index(d), 1 + self.choices.choose(7)),
            4 => format!("({} % {})", self.index(d), 1 + self.choices.choose(7)),
            _ => {
                let f = self.pick(&["T.min", "T.max"]);
                format!("{f}({}, {})", self.index(d), self.index(d))
            }
        }
    }

    /// A `bool` expression.
    pub fn condition(&mut self, depth: usize) -> String {
        let d = depth.saturating_sub(1);
        match if depth == 0 { 0 } else { self.choices.choose(5) } {
            0 | 1 => {
                let op = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
                format!("({} {op} {})", self.index(d), self.index(d))
            }
            2 => format!("({} and {})", self.condition(d), self.condition(d)),
            3 => format!("({} or {})", self.condition(d), self.condition(d)),
            _ => format!("(not {})", self.condition(d)),
        }
    }

    /// A load of a buffer of `dtype`, if one is in scope.
    fn load(&mut self, dtype: &str, depth: usize) -> Option<String> {
        let candidates: Vec<&BufferInScope> =
            self.scope.buffers.iter().filter(|b| b.dtype == dtype).collect();
        if candidates.is_empty() {
            return None;
        }
        let buffer = candidates[self.choices.choose(candidates.len())].clone();
        let indices: Vec<String> = buffer.shape.iter().map(|_| self.index(depth.min(1))).collect();
        Some(format!("{}[{}]", buffer.name, indices.join(", ")))
    }

    /// An expression of exactly `dtype`.
    pub fn value(&mut self, dtype: &'static str, depth: usize) -> String {
        if depth == 0 {
            return match self.choices.choose(2) {
                0 => self.load(dtype, 0).unwrap_or_else(|| self.constant(dtype)),
                _ => self.constant(dtype),
            };
        }
        let d = depth - 1;
        match self.choices.choose(9) {
            0 => self.constant(dtype),
            1 => self.load(dtype, d).unwrap_or_else(|| self.constant(dtype)),
            2 => {
                let op = self.pick(&["+", "-", "*"]);
                format!("({} {op} {})", self.value(dtype, d), self.value(dtype, d))
            }
            3 => {
                let f = self.pick(&["T.min", "T.max"]);
                format!("{f}({}, {})", self.value(dtype, d), self.value(dtype, d))
            }
            4 => format!("T.Cast(\"{dtype}\", {})", self.index(d)),
            5 => format!(
                "T.Select({}, {}, {})",
                self.condition(d),
                self.value(dtype, d),
                self.value(dtype, d)
            ),
            6 => format!(
                "T.if_then_else({}, {}, {})",
                self.condition(d),
                self.value(dtype, d),
                self.value(dtype, d)
            ),
            7 if is_float(dtype) && dtype != "float16" => {
                let f = self.pick(&["T.exp", "T.sqrt", "T.log", "T.fabs", "T.floor"]);
                format!("{f}({})", self.value(dtype, d))
            }
            7 if is_float(dtype) => {
                format!("({} / {})", self.value(dtype, d), self.constant_nonzero(dtype))
            }
            7 => format!("({} // {})", self.value(dtype, d), self.constant_nonzero(dtype)),
            _ => {
                let other = DTYPES[self.choices.choose(DTYPES.len())];
                format!("T.Cast(\"{dtype}\", {})", self.value(other, d))
            }
        }
    }

    /// A nonzero constant of `dtype` (a safe divisor).
    fn constant_nonzero(&mut self, dtype: &str) -> String {
        let value = 1 + self.choices.choose(5);
        if is_float(dtype) {
            return format!("T.{dtype}({value}.0)");
        }
        if dtype == "int32" { value.to_string() } else { format!("T.{dtype}({value})") }
    }
}

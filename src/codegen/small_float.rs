//! The small float formats (float8, float6, float4) in generated code: one byte of bits per
//! element in memory and in registers (`i8`), with exact conversions to and from other types.
//!
//! Arithmetic on them is legalised away before codegen (FP8ComputeLegalize computes in float32),
//! so what reaches here are loads, stores, `reinterpret` and casts. Decoding is a lookup in a
//! constant table of the format's values (`[2^bits x float]`, exact since every small float is a
//! float32). Encoding rounds to nearest, ties to even, by counting the midpoints between
//! consecutive positive values that lie below `|x|` (one vector compare against a constant
//! vector of midpoints, whose last entry is the overflow threshold): positive finite patterns are
//! consecutive from 0 in increasing value, so that count is the pattern, plus one when `|x|` is
//! exactly a midpoint and the count is odd. Overflow, NaN, signs and the `fnuz` zero follow
//! `SmallFloat::encode`, which the emitted code is tested against for every format.

use std::fmt::Write;

use crate::ir::DataType;
use crate::transform::fp8_legalize_format::{NanStyle, SmallFloat};

use super::CodegenError;
use super::emitter::{FuncEmitter, ModuleState, Val};
use super::types::lanes;

/// The symbol-safe name of a small float dtype (`float8_e4m3fn`).
fn format_name(dtype: DataType) -> String {
    dtype.element_of().to_string()
}

/// An LLVM float constant (hexadecimal double spelling of a float32 value).
fn float_literal(v: f64) -> String {
    format!("0x{:016X}", f64::from(v as f32).to_bits())
}

/// Defines (once) `float @tirscript_<fmt>_to_float(i8)` and returns its name.
fn decoder(module: &mut ModuleState, dtype: DataType, format: SmallFloat) -> String {
    let name = format!("tirscript_{}_to_float", format_name(dtype));
    if module.declarations.contains_key(&name) {
        return name;
    }
    let count = 1u32 << format.bits();
    let values: Vec<String> =
        (0..count).map(|b| format!("float {}", float_literal(format.decode(b)))).collect();
    module.globals.push(format!(
        "@{name}.table = private unnamed_addr constant [{count} x float] [{}]",
        values.join(", ")
    ));
    let mask = count - 1;
    module.extra_functions.push(format!(
        "define internal float @{name}(i8 %bits) #0 {{\nentry:\n  %m = and i8 %bits, {mask}\n  \
         %i = zext i8 %m to i64\n  %p = getelementptr inbounds [{count} x float], ptr \
         @{name}.table, i64 0, i64 %i\n  %v = load float, ptr %p, align 4\n  ret float %v\n}}\n"
    ));
    // The definition is in `extra_functions`; an empty declaration marks it as made.
    module.declarations.insert(name.clone(), String::new());
    name
}

/// Defines (once) `i8 @tirscript_double_to_<fmt>(double)` and returns its name.
fn encoder(module: &mut ModuleState, dtype: DataType, format: SmallFloat) -> String {
    let name = format!("tirscript_double_to_{}", format_name(dtype));
    if module.declarations.contains_key(&name) {
        return name;
    }
    let max = format.max_finite_bits();
    // Midpoints between consecutive positive values, then the overflow threshold (half a step
    // above the largest finite value; a tie there goes up, since that pattern is odd or beyond).
    let mut mids: Vec<f64> =
        (0..max).map(|b| (format.decode(b) + format.decode(b + 1)) / 2.0).collect();
    let top = format.decode(max);
    // The step to the next value the format would have: a binade's width without mantissa bits.
    let step = if format.mantissa_bits == 0 { top } else { top - format.decode(max - 1) };
    mids.push(top + step / 2.0);
    let n = mids.len();
    let vec = format!("<{n} x double>");
    let list: Vec<String> = mids.iter().map(|m| format!("double 0x{:016X}", m.to_bits())).collect();
    let overflow_pattern = match format.overflow_bits() {
        Some(p) => p,
        None => format.nan_bits().unwrap_or(0),
    };
    let nan = format.nan_bits().unwrap_or(0);
    let sign_bit = format.sign_bit();
    let mut f = String::new();
    let _ = writeln!(f, "define internal i8 @{name}(double %x) #0 {{\nentry:");
    let _ = writeln!(f, "  %a = call double @llvm.fabs.f64(double %x)");
    let _ = writeln!(f, "  %ins = insertelement {vec} poison, double %a, i64 0");
    let _ = writeln!(
        f,
        "  %splat = shufflevector {vec} %ins, {vec} poison, <{n} x i32> zeroinitializer"
    );
    let _ = writeln!(f, "  %gt = fcmp ogt {vec} %splat, <{}>", list.join(", "));
    let _ = writeln!(f, "  %eq = fcmp oeq {vec} %splat, <{}>", list.join(", "));
    let _ = writeln!(f, "  %gtw = zext <{n} x i1> %gt to <{n} x i32>");
    let _ = writeln!(f, "  %count = call i32 @llvm.vector.reduce.add.v{n}i32(<{n} x i32> %gtw)");
    let _ = writeln!(f, "  %tie = call i1 @llvm.vector.reduce.or.v{n}i1(<{n} x i1> %eq)");
    let _ = writeln!(f, "  %odd = trunc i32 %count to i1");
    let _ = writeln!(f, "  %up = and i1 %tie, %odd");
    let _ = writeln!(f, "  %upw = zext i1 %up to i32");
    let _ = writeln!(f, "  %idx = add i32 %count, %upw");
    let _ = writeln!(f, "  %over = icmp ugt i32 %idx, {max}");
    let _ = writeln!(f, "  %mag = select i1 %over, i32 {overflow_pattern}, i32 %idx");
    // The sign: NaN overflow of a fnuz format and its zero carry none; an unsigned format maps
    // negative values to NaN.
    let _ = writeln!(f, "  %xb = bitcast double %x to i64");
    let _ = writeln!(f, "  %neg = icmp slt i64 %xb, 0");
    let _ = writeln!(f, "  %nonzero = icmp ne i32 %mag, 0");
    // NaN carries no sign; neither does a fnuz format's zero.
    let sign_kept = if format.signed {
        match format.nan_bits() {
            Some(nan) => {
                let _ = writeln!(f, "  %isnanpat = icmp eq i32 %mag, {nan}");
                let _ = writeln!(f, "  %notnan = xor i1 %isnanpat, true");
            }
            None => {
                let _ = writeln!(f, "  %notnan = and i1 true, true");
            }
        }
        let keep = if format.nan == NanStyle::NegativeZero { "%nonzero" } else { "true" };
        let _ = writeln!(f, "  %nz = and i1 %notnan, {keep}");
        let _ = writeln!(f, "  %sk = and i1 %neg, %nz");
        "%sk".to_string()
    } else {
        "false".to_string()
    };
    let _ = writeln!(f, "  %sgn = select i1 {sign_kept}, i32 {sign_bit}, i32 0");
    let _ = writeln!(f, "  %signed = or i32 %mag, %sgn");
    let negative_is_nan = if format.signed {
        "false".to_string()
    } else {
        let _ = writeln!(f, "  %negnz = fcmp ogt double 0.0, %x");
        "%negnz".to_string()
    };
    let _ = writeln!(f, "  %isnan = fcmp uno double %x, 0.0");
    let _ = writeln!(f, "  %badneg = or i1 %isnan, {negative_is_nan}");
    let _ = writeln!(f, "  %r = select i1 %badneg, i32 {nan}, i32 %signed");
    let _ = writeln!(f, "  %b = trunc i32 %r to i8\n  ret i8 %b\n}}");
    module.extra_functions.push(f);
    module.declare("llvm.fabs.f64", "declare double @llvm.fabs.f64(double)".into());
    let reduce_add = format!("llvm.vector.reduce.add.v{n}i32");
    module.declare(&reduce_add, format!("declare i32 @{reduce_add}(<{n} x i32>)"));
    let reduce_or = format!("llvm.vector.reduce.or.v{n}i1");
    module.declare(&reduce_or, format!("declare i1 @{reduce_or}(<{n} x i1>)"));
    module.declarations.insert(name.clone(), String::new());
    name
}

impl FuncEmitter<'_> {
    /// A cast from or to a small float dtype (`from` or `to` is one), lane by lane.
    pub fn small_float_cast(
        &mut self,
        v: &Val,
        from: DataType,
        to: DataType,
    ) -> Result<Val, CodegenError> {
        let n = lanes(from)?;
        let mut out = Vec::with_capacity(usize::from(n));
        let from_scalar = from.element_of();
        let to_scalar = to.element_of();
        let from_ty = super::types::llvm_type(from_scalar)?;
        for lane in 0..n {
            let x = if n == 1 {
                v.clone()
            } else {
                self.assign(&from_ty, &format!("extractelement {}, i64 {lane}", v.typed()))
            };
            out.push(self.small_float_cast_scalar(&x, from_scalar, to_scalar)?);
        }
        self.build_vector(&out, to)
    }

    fn small_float_cast_scalar(
        &mut self,
        x: &Val,
        from: DataType,
        to: DataType,
    ) -> Result<Val, CodegenError> {
        // Decode to float32 (exact), then convert as any float32.
        let as_float = match SmallFloat::of(from) {
            Some(format) => {
                let name = decoder(self.module, from, format);
                let f = self.assign("float", &format!("call float @{name}({})", x.typed()));
                if SmallFloat::of(to).is_none() {
                    return self.cast(&f, DataType::float32(), to);
                }
                f
            }
            None => {
                // Anything to float64 first (exact for every source but int64 beyond 2^53).
                self.cast(x, from, DataType::float(64))?
            }
        };
        let Some(format) = SmallFloat::of(to) else {
            return Err(CodegenError::invalid(format!("a cast from {from} to {to}")));
        };
        let wide = if as_float.ty == "double" {
            as_float
        } else {
            self.assign("double", &format!("fpext {} to double", as_float.typed()))
        };
        let name = encoder(self.module, to, format);
        Ok(self.assign("i8", &format!("call i8 @{name}({})", wide.typed())))
    }
}

/// Whether `dtype` is a float8, float6 or float4 format.
pub fn is_small_float(dtype: DataType) -> bool {
    SmallFloat::of(dtype).is_some()
}

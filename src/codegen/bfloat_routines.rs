//! The compiler-runtime routines that narrow to bfloat16 (`__truncsfbf2`, `__truncdfbf2`),
//! defined in every module that mentions `bfloat`.
//!
//! LLVM narrows `float`/`double` to `bfloat` with an instruction only on CPUs that have one
//! (AVX512-BF16, AVX-NE-CONVERT) and only from `float`; otherwise, and always from `double`, it
//! calls these routines. GCC's libgcc has them only from GCC 13 on: with Debian 12's libgcc the
//! in-process JIT found no definition and the call jumped to address 0 (a kernel taking a
//! `T.bfloat16` scalar crashed `tirscript run` on every CPU, since its packed entry narrows the
//! `double` slot), and a shared library would not load. So the module brings its own, as weak
//! hidden definitions: a newer libgcc's copy may win at link time, nothing is exported.
//!
//! Semantics (those of libgcc and compiler-rt): round to nearest, ties to even; overflow to
//! infinity; NaN stays NaN (quiet, sign and top payload bits kept). From `double` the value is first
//! narrowed to `float` rounding to odd (truncate, then set the last bit if inexact), which makes
//! the second rounding exact: float's 24 significant bits exceed bfloat16's 8 by more than two.

/// The routines' LLVM IR. They use integer operations and native `float`/`double` conversions
/// only, so they never call themselves.
const ROUTINES: &str = r#"
define weak_odr hidden bfloat @__truncsfbf2(float %x) {
entry:
  %bits = bitcast float %x to i32
  %high = lshr i32 %bits, 16
  %last = and i32 %high, 1
  %bias = add i32 %last, 32767
  %biased = add i32 %bits, %bias
  %rounded = lshr i32 %biased, 16
  %quiet = or i32 %high, 64
  %nan = fcmp uno float %x, 0.0
  %r32 = select i1 %nan, i32 %quiet, i32 %rounded
  %r16 = trunc i32 %r32 to i16
  %r = bitcast i16 %r16 to bfloat
  ret bfloat %r
}

define weak_odr hidden bfloat @__truncdfbf2(double %x) {
entry:
  %nearest = fptrunc double %x to float
  %back = fpext float %nearest to double
  %xb = bitcast double %x to i64
  %xmag = and i64 %xb, 9223372036854775807
  %backb = bitcast double %back to i64
  %backmag = and i64 %backb, 9223372036854775807
  %nan = fcmp uno double %x, 0.0
  %above = icmp ugt i64 %backmag, %xmag
  %away = select i1 %nan, i1 false, i1 %above
  %nb = bitcast float %nearest to i32
  %toward = sub i32 %nb, 1
  %truncated = select i1 %away, i32 %toward, i32 %nb
  %inexact = fcmp one double %back, %x
  %sticky = zext i1 %inexact to i32
  %odd = or i32 %truncated, %sticky
  %f = bitcast i32 %odd to float
  %r = call bfloat @__truncsfbf2(float %f)
  ret bfloat %r
}
"#;

/// The routines, when `module_text` (LLVM IR) mentions `bfloat`; otherwise nothing.
pub fn routines_for(module_text: &str) -> &'static str {
    if module_text.contains("bfloat") { ROUTINES } else { "" }
}

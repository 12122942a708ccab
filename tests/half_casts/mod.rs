//! A module of float16/bfloat16 conversions and inputs that probe their rounding (ties, overflow,
//! subnormals, NaN, double rounding through float32), for tests/codegen_portable_targets.rs.

use tirscript::interp::{ArgValue, NDArray};
use tirscript::ir::DataType;

/// float16/bfloat16 conversions from and to float32, float64 and int32, in a serial loop and in a
/// vectorized one (vector conversions take other instructions and other libcall sequences).
pub const HALF_CASTS: &str = r#"# from tvm.script import ir as I
# from tvm.script import tir as T

@I.ir_module
class Module:
    @T.prim_func
    def half_casts(A: T.Buffer((24,), "float16"), X: T.Buffer((24,), "float32"), D: T.Buffer((24,), "float64"), N: T.Buffer((24,), "int32"), Bf: T.Buffer((24,), "bfloat16"), H1: T.Buffer((24,), "float16"), F1: T.Buffer((24,), "float32"), H2: T.Buffer((24,), "float16"), D2: T.Buffer((24,), "float64"), H3: T.Buffer((24,), "float16"), B1: T.Buffer((24,), "bfloat16"), F2: T.Buffer((24,), "float32")):
        for i in range(24):
            H1[i] = T.Cast("float16", X[i])
            F1[i] = T.Cast("float32", A[i])
            H2[i] = T.Cast("float16", D[i])
            D2[i] = T.Cast("float64", A[i])
            H3[i] = T.Cast("float16", N[i])
            B1[i] = T.Cast("bfloat16", X[i])
            F2[i] = T.Cast("float32", Bf[i])

    @T.prim_func
    def half_casts_vectorized(A: T.Buffer((24,), "float16"), X: T.Buffer((24,), "float32"), D: T.Buffer((24,), "float64"), N: T.Buffer((24,), "int32"), Bf: T.Buffer((24,), "bfloat16"), H1: T.Buffer((24,), "float16"), F1: T.Buffer((24,), "float32"), H2: T.Buffer((24,), "float16"), D2: T.Buffer((24,), "float64"), H3: T.Buffer((24,), "float16"), B1: T.Buffer((24,), "bfloat16"), F2: T.Buffer((24,), "float32")):
        for io in range(3):
            for ii in T.vectorized(8):
                H1[io * 8 + ii] = T.Cast("float16", X[io * 8 + ii])
                F1[io * 8 + ii] = T.Cast("float32", A[io * 8 + ii])
                H2[io * 8 + ii] = T.Cast("float16", D[io * 8 + ii])
                D2[io * 8 + ii] = T.Cast("float64", A[io * 8 + ii])
                H3[io * 8 + ii] = T.Cast("float16", N[io * 8 + ii])
                B1[io * 8 + ii] = T.Cast("bfloat16", X[io * 8 + ii])
                F2[io * 8 + ii] = T.Cast("float32", Bf[io * 8 + ii])
"#;

pub const HALF_LEN: usize = 24;

/// `values` padded to `HALF_LEN` with ordinary numbers.
fn padded(values: &[f64]) -> Vec<f64> {
    let mut out = values.to_vec();
    while out.len() < HALF_LEN {
        out.push(0.75 - out.len() as f64 / 8.0);
    }
    out
}

/// Inputs that probe rounding: ties to even, overflow to infinity, subnormals, signed zeros,
/// infinities, NaN, and float64 values that round differently directly than through float32.
pub fn half_inputs() -> Result<Vec<ArgValue>, String> {
    let p = |e: i32| 2f64.powi(e);
    let halves = padded(&[
        0.0,
        -0.0,
        1.0,
        -1.5,
        65504.0,
        -65504.0,
        p(-14),
        p(-24),
        -3.0 * p(-24),
        p(-15),
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1000.5,
        2.0 + p(-9),
    ]);
    let floats = padded(&[
        0.0,
        -0.0,
        1.0 + p(-11),
        1.0 + 3.0 * p(-11),
        65519.99609375,
        65520.0,
        -65520.0,
        p(-25),
        3.0 * p(-25),
        1e-10,
        1e10,
        f64::NAN,
        f64::INFINITY,
        f64::from(0.1f32),
        f64::from(std::f32::consts::PI),
        1.0 + p(-8) + p(-16),
        1.0 + p(-8),
        -(1.0 + 3.0 * p(-8)),
    ]);
    let doubles = padded(&[
        1.0 + p(-11) + p(-40),
        p(-25) + p(-60),
        65519.999999,
        65520.0,
        1e300,
        -1e-300,
        f64::NAN,
        f64::NEG_INFINITY,
        0.1,
        -2049.0 / 1024.0,
    ]);
    let ints = padded(&[
        0.0,
        1.0,
        -1.0,
        2049.0,
        2051.0,
        4098.0,
        4102.0,
        65504.0,
        65519.0,
        65520.0,
        -70000.0,
        123456789.0,
    ]);
    let n = [HALF_LEN as i64];
    let array = |dtype: DataType, values: &[f64]| -> Result<ArgValue, String> {
        Ok(ArgValue::Array(NDArray::from_f64(dtype, &n, values).map_err(|e| e.to_string())?))
    };
    let mut args = vec![
        array(DataType::float(16), &halves)?,
        array(DataType::float32(), &floats)?,
        array(DataType::float(64), &doubles)?,
        array(DataType::int(32), &ints)?,
        array(DataType::bfloat16(), &floats)?,
    ];
    for dtype in [
        DataType::float(16),
        DataType::float32(),
        DataType::float(16),
        DataType::float(64),
        DataType::float(16),
        DataType::bfloat16(),
        DataType::float32(),
    ] {
        args.push(ArgValue::Array(NDArray::zeros(dtype, &n).map_err(|e| e.to_string())?));
    }
    Ok(args)
}

//! Interpreter value semantics: math intrinsics, bit operations, reinterpretation, lets, loops
//! with steps, and `.npy` round trips (including a file written by NumPy when NumPy is installed).

mod interp_support;

use interp_support::*;
use tirscript::arith::ops;
use tirscript::interp::{ArgValue, NDArray, read_npy, run_func, write_npy};
use tirscript::ir::{DataType, Op, PrimExpr};

/// Runs `B[0] = f(A[0])` on one input element and returns the output element.
fn apply(
    input: f64,
    dtype: DataType,
    out_dtype: DataType,
    f: impl Fn(PrimExpr) -> PrimExpr,
) -> f64 {
    let module = elementwise(1, dtype, out_dtype, f);
    let mut a = NDArray::zeros(dtype, &[1]).unwrap();
    if dtype.is_floating() {
        a.set_f64(&[0], input).unwrap();
    } else {
        a.set_i64(&[0], input as i64).unwrap();
    }
    let mut args =
        vec![ArgValue::Array(a), ArgValue::Array(NDArray::zeros(out_dtype, &[1]).unwrap())];
    run_func(&module, "main", &mut args).unwrap();
    args[1].as_array().unwrap().get_f64(&[0]).unwrap()
}

fn call(name: &str, dtype: DataType, args: Vec<PrimExpr>) -> PrimExpr {
    PrimExpr::call_op(dtype, Op::get(name).unwrap(), args).unwrap()
}

fn unary_f32(name: &str, x: f64) -> f64 {
    apply(x, DataType::float32(), DataType::float32(), |v| call(name, DataType::float32(), vec![v]))
}

#[test]
fn float_math_follows_the_llvm_lowering() {
    let close = |a: f64, b: f64| (a - b).abs() <= 2e-7 * b.abs().max(1.0);
    assert_eq!(unary_f32("exp", 1.0), f64::from(std::f32::consts::E));
    assert_eq!(unary_f32("sqrt", 2.0), f64::from(2f32.sqrt()));
    assert_eq!(unary_f32("sigmoid", 0.0), 0.5);
    assert!(close(unary_f32("tanh", 0.5), 0.5f64.tanh()));
    assert!(close(unary_f32("tanh", -3.0), (-3f64).tanh()));
    // TVM's erf is the Abramowitz-Stegun approximation, accurate to about 1.5e-7.
    assert!((unary_f32("erf", 0.5) - 0.520_499_877_813_046_5).abs() < 1e-6);
    // round is llvm.round (half away from zero); nearbyint rounds half to even.
    assert_eq!(unary_f32("round", 2.5), 3.0);
    assert_eq!(unary_f32("round", -2.5), -3.0);
    assert_eq!(unary_f32("nearbyint", 2.5), 2.0);
    assert_eq!(unary_f32("floor", -1.5), -2.0);
    assert_eq!(unary_f32("ceil", -1.5), -1.0);
    assert_eq!(unary_f32("trunc", -1.5), -1.0);
    assert_eq!(unary_f32("fabs", -1.5), 1.5);
    assert!(close(unary_f32("log", 10.0), 10f64.ln()));
    let pow = apply(2.0, DataType::float32(), DataType::float32(), |v| {
        call("pow", DataType::float32(), vec![v, PrimExpr::f32(10.0)])
    });
    assert_eq!(pow, 1024.0);
    // Results are rounded to the dtype: float16 exp(1) is the nearest half to e.
    let half = apply(1.0, DataType::float(16), DataType::float(16), |v| {
        call("exp", DataType::float(16), vec![v])
    });
    assert_eq!(half, 2.71875);
}

#[test]
fn bit_operations_respect_the_width() {
    let i32t = DataType::int32();
    let u8t = DataType::uint(8);
    let shift = |name: &'static str, dtype: DataType, x: f64, by: i64| {
        apply(x, dtype, dtype, move |v| call(name, dtype, vec![v, PrimExpr::int(by, dtype)]))
    };
    assert_eq!(shift("shift_right", i32t, -8.0, 1), -4.0, "arithmetic shift for signed");
    assert_eq!(shift("shift_right", u8t, 200.0, 1), 100.0, "logical shift for unsigned");
    assert_eq!(shift("shift_left", u8t, 200.0, 1), 144.0, "wraps in 8 bits");
    assert_eq!(shift("bitwise_and", i32t, 12.0, 10), 8.0);
    assert_eq!(shift("bitwise_xor", i32t, 12.0, 10), 6.0);
    assert_eq!(apply(1.0, i32t, i32t, |v| call("clz", i32t, vec![v])), 31.0);
    assert_eq!(apply(255.0, u8t, i32t, |v| call("popcount", i32t, vec![v])), 8.0);
    assert_eq!(
        apply(-1.0, DataType::int(8), DataType::int(8), |v| call(
            "popcount",
            DataType::int(8),
            vec![v]
        )),
        8.0
    );
    assert_eq!(apply(5.0, u8t, u8t, |v| call("bitwise_not", u8t, vec![v])), 250.0);
    let bits = apply(1.0, DataType::float32(), i32t, |v| call("reinterpret", i32t, vec![v]));
    assert_eq!(bits, f64::from(0x3f80_0000));
}

#[test]
fn lets_selects_and_casts_compose() {
    let x = tirscript::ir::Var::new("x", DataType::float32());
    // let x = a * 2 in select(x > 3, x, -x), then cast to int8 (truncation) of 3 * that.
    let out = apply(1.75, DataType::float32(), DataType::int(8), |v| {
        let body = PrimExpr::select(
            ops::compare(tirscript::ir::CmpOp::Gt, PrimExpr::var(&x), PrimExpr::f32(3.0)).unwrap(),
            PrimExpr::var(&x),
            ops::neg(PrimExpr::var(&x)).unwrap(),
        )
        .unwrap();
        let lets = PrimExpr::let_(&x, ops::mul(v, PrimExpr::f32(2.0)).unwrap(), body).unwrap();
        ops::cast(DataType::int(8), ops::mul(lets, PrimExpr::f32(3.0)).unwrap()).unwrap()
    });
    assert_eq!(out, 10.0, "3.5 * 3 = 10.5 truncates to 10");
}

#[test]
fn npy_round_trip_keeps_dtype_shape_and_values() {
    let dir = std::env::temp_dir();
    let cases = [
        NDArray::random(DataType::float32(), &[3, 5], 1).unwrap(),
        NDArray::random(DataType::float(16), &[7], 2).unwrap(),
        NDArray::random(DataType::int(8), &[2, 2, 2], 3).unwrap(),
        NDArray::random(DataType::uint(64), &[4], 4).unwrap(),
        NDArray::random(DataType::bool(), &[9], 5).unwrap(),
        NDArray::random(DataType::float(64), &[], 6).unwrap(),
    ];
    for (k, array) in cases.iter().enumerate() {
        let path = dir.join(format!("tirscript_interp_{}_{k}.npy", std::process::id()));
        write_npy(array, &path).unwrap();
        let back = read_npy(&path).unwrap();
        assert_eq!(back.dtype(), array.dtype());
        assert_eq!(back.shape(), array.shape());
        assert_eq!(back.storage().as_bytes(), array.storage().as_bytes(), "{}", array.dtype());
        let _ = std::fs::remove_file(path);
    }
    // bfloat16 is stored as its raw bits and read back as bfloat16 on request.
    let bf = NDArray::random(DataType::bfloat16(), &[6], 7).unwrap();
    let path = dir.join(format!("tirscript_interp_{}_bf16.npy", std::process::id()));
    write_npy(&bf, &path).unwrap();
    assert_eq!(read_npy(&path).unwrap().dtype(), DataType::uint(16));
    let back = tirscript::interp::read_npy_as(&path, DataType::bfloat16()).unwrap();
    assert_eq!(back.to_f64_vec(), bf.to_f64_vec());
    let _ = std::fs::remove_file(path);
}

#[test]
fn npy_written_by_numpy_reads_back() {
    let probe = std::process::Command::new("python3").args(["-c", "import numpy"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        println!("skipped: numpy is not importable by `python3 -c \"import numpy\"`");
        return;
    }
    let path = std::env::temp_dir().join(format!("tirscript_numpy_{}.npy", std::process::id()));
    let script = format!(
        "import numpy as np; np.save(r'{}', np.arange(12, dtype=np.float32).reshape(3, 4) * 0.5)",
        path.display()
    );
    let status = std::process::Command::new("python3").args(["-c", &script]).status().unwrap();
    assert!(status.success());
    let array = read_npy(&path).unwrap();
    assert_eq!(array.shape(), &[3, 4]);
    assert_eq!(array.as_slice::<f32>().unwrap()[5], 2.5);
    let _ = std::fs::remove_file(path);
}

/// Builds `.npy` bytes by hand: version 1.0 and `align`-byte header padding, as older NumPy wrote.
fn handmade_npy(header: &str, align: usize, data: &[u8]) -> Vec<u8> {
    let mut text = header.to_string();
    let unpadded = 10 + text.len() + 1;
    text.push_str(&" ".repeat(unpadded.next_multiple_of(align) - unpadded));
    text.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(text.len() as u16).to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

#[test]
fn npy_headers_in_other_forms_are_read() {
    // 16-byte header alignment (NumPy before 1.14), little-endian int64.
    let data: Vec<u8> = [7i64, -3].iter().flat_map(|v| v.to_le_bytes()).collect();
    let bytes =
        handmade_npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", 16, &data);
    let array = tirscript::interp::npy::from_npy_bytes(&bytes).unwrap();
    assert_eq!(array.as_slice::<i64>().unwrap(), &[7, -3]);
    // Big-endian int32, keys in another order, a 2-D shape.
    let data: Vec<u8> = [1i32, 2, 3, 4, 5, 6].iter().flat_map(|v| v.to_be_bytes()).collect();
    let bytes =
        handmade_npy("{'shape': (2, 3), 'fortran_order': False, 'descr': '>i4'}", 64, &data);
    let array = tirscript::interp::npy::from_npy_bytes(&bytes).unwrap();
    assert_eq!(array.shape(), &[2, 3]);
    assert_eq!(array.as_slice::<i32>().unwrap(), &[1, 2, 3, 4, 5, 6]);
    // Truncated data and unknown dtypes are errors, not panics.
    let bytes =
        handmade_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", 64, &[0; 8]);
    assert!(
        tirscript::interp::npy::from_npy_bytes(&bytes)
            .unwrap_err()
            .to_string()
            .contains("data has 8 bytes")
    );
    let bytes =
        handmade_npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 64, &[0; 8]);
    assert!(tirscript::interp::npy::from_npy_bytes(&bytes).is_err());
    assert!(tirscript::interp::npy::from_npy_bytes(b"\x93NUMPY").is_err());
}

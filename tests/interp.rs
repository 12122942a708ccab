//! Interpreter tests on kernels built with the IRBuilder: blocks with init, reductions, lowered
//! kernels with allocations and vectors, and the value semantics of the LLVM codegen.

mod interp_support;

use interp_support::*;
use tirscript::arith::ops;
use tirscript::interp::{ArgValue, NDArray, random_args_for, run_func};
use tirscript::ir::DataType;

fn array(arg: &ArgValue) -> &NDArray {
    arg.as_array().expect("an array argument")
}

#[test]
fn matmul_with_blocks_and_init_matches_a_reference() {
    let (n, m, k) = (8, 6, 5);
    let module = matmul(n, m, k, DataType::float32());
    let func = module.lookup("main").unwrap().1.clone();
    let mut args = random_args_for(&func, 42).unwrap();
    // Garbage in C must be overwritten by the init statement at k == 0.
    args[2] =
        ArgValue::Array(NDArray::random(DataType::float32(), &[n as i64, m as i64], 9).unwrap());
    run_func(&module, "main", &mut args).unwrap();
    let a = array(&args[0]).as_slice::<f32>().unwrap();
    let b = array(&args[1]).as_slice::<f32>().unwrap();
    let expected = reference_matmul_f32(a, b, n as usize, m as usize, k as usize);
    assert_eq!(array(&args[2]).as_slice::<f32>().unwrap(), expected.as_slice());
}

#[test]
fn integer_matmul_wraps_in_int8() {
    let module = matmul(2, 2, 2, DataType::int(8));
    let a = NDArray::from_vec(DataType::int(8), &[2, 2], &[100i8, 100, 1, 2]).unwrap();
    let b = NDArray::from_vec(DataType::int(8), &[2, 2], &[1i8, 0, 1, 1]).unwrap();
    let c = NDArray::zeros(DataType::int(8), &[2, 2]).unwrap();
    let mut args = vec![ArgValue::Array(a), ArgValue::Array(b), ArgValue::Array(c)];
    run_func(&module, "main", &mut args).unwrap();
    // Row 0: 100*1 + 100*1 = 200 wraps to -56; 100*0 + 100*1 = 100.
    assert_eq!(array(&args[2]).as_slice::<i8>().unwrap(), &[-56, 100, 3, 2]);
}

#[test]
fn reduction_block_runs_init_once_per_row() {
    let module = row_sum(3, 4);
    let a = NDArray::from_f64(
        DataType::float32(),
        &[3, 4],
        &(0..12).map(f64::from).collect::<Vec<_>>(),
    )
    .unwrap();
    let b = NDArray::from_f64(DataType::float32(), &[3], &[100.0, 100.0, 100.0]).unwrap();
    let mut args = vec![ArgValue::Array(a), ArgValue::Array(b)];
    run_func(&module, "main", &mut args).unwrap();
    assert_eq!(array(&args[1]).to_f64_vec(), vec![6.0, 22.0, 38.0]);
}

#[test]
fn elementwise_float_to_float16_rounds_to_nearest_even() {
    let module = elementwise(4, DataType::float(64), DataType::float(16), |x| {
        ops::cast(DataType::float(16), x).unwrap()
    });
    let inputs = [1.0 + 2f64.powi(-11), 1.0 + 3.0 * 2f64.powi(-11), 70000.0, -0.1];
    let a = NDArray::from_f64(DataType::float(64), &[4], &inputs).unwrap();
    let mut args = vec![
        ArgValue::Array(a),
        ArgValue::Array(NDArray::zeros(DataType::float(16), &[4]).unwrap()),
    ];
    run_func(&module, "main", &mut args).unwrap();
    let bits = array(&args[1]).as_slice::<u16>().unwrap().to_vec();
    assert_eq!(bits, vec![0x3c00, 0x3c02, 0x7c00, 0xae66]);
}

#[test]
fn elementwise_bfloat16_rounds_to_nearest_even() {
    let module = elementwise(3, DataType::float32(), DataType::bfloat16(), |x| {
        ops::cast(DataType::bfloat16(), x).unwrap()
    });
    let inputs = [1.0 + 2f64.powi(-8), 1.0 + 3.0 * 2f64.powi(-8), 3.3];
    let a = NDArray::from_f64(DataType::float32(), &[3], &inputs).unwrap();
    let mut args = vec![
        ArgValue::Array(a),
        ArgValue::Array(NDArray::zeros(DataType::bfloat16(), &[3]).unwrap()),
    ];
    run_func(&module, "main", &mut args).unwrap();
    assert_eq!(array(&args[1]).as_slice::<u16>().unwrap(), &[0x3f80, 0x3f82, 0x4053]);
}

#[test]
fn integer_wrap_around_per_dtype_width() {
    let cases = [
        (DataType::int(8), 127i64, 1i64, -128i64),
        (DataType::uint(8), 255, 1, 0),
        (DataType::int(16), 32767, 1, -32768),
        (DataType::uint(32), 4294967295, 1, 0),
        (DataType::int(32), 2147483647, 1, -2147483648),
    ];
    for (dtype, x, c, expected) in cases {
        let module = elementwise(1, dtype, dtype, |v| {
            ops::add(v, tirscript::ir::PrimExpr::int(c, dtype)).unwrap()
        });
        let mut a = NDArray::zeros(dtype, &[1]).unwrap();
        a.set_i64(&[0], x).unwrap();
        let mut args =
            vec![ArgValue::Array(a), ArgValue::Array(NDArray::zeros(dtype, &[1]).unwrap())];
        run_func(&module, "main", &mut args).unwrap();
        assert_eq!(array(&args[1]).get_i64(&[0]).unwrap(), expected, "{dtype}");
    }
}

#[test]
fn float_to_int_cast_truncates_toward_zero() {
    let module = elementwise(4, DataType::float32(), DataType::int32(), |x| {
        ops::cast(DataType::int32(), x).unwrap()
    });
    let a = NDArray::from_f64(DataType::float32(), &[4], &[2.7, -2.7, 0.5, -0.5]).unwrap();
    let mut args =
        vec![ArgValue::Array(a), ArgValue::Array(NDArray::zeros(DataType::int32(), &[4]).unwrap())];
    run_func(&module, "main", &mut args).unwrap();
    assert_eq!(array(&args[1]).as_slice::<i32>().unwrap(), &[2, -2, 0, 0]);
}

#[test]
fn flattened_kernel_with_allocate_and_decl_buffer() {
    let module = flattened_with_allocate(3);
    let values: Vec<f64> = (0..48).map(|v| f64::from(v) * 0.5).collect();
    let a = NDArray::from_f64(DataType::float32(), &[48], &values).unwrap();
    let mut args = vec![
        ArgValue::Array(a),
        ArgValue::Array(NDArray::zeros(DataType::float32(), &[48]).unwrap()),
    ];
    run_func(&module, "main", &mut args).unwrap();
    let expected: Vec<f64> = values.iter().map(|v| v * 2.0 + 1.0).collect();
    assert_eq!(array(&args[1]).to_f64_vec(), expected);
}

#[test]
fn vector_loads_and_stores_with_ramp() {
    let module = vector_add_one(4);
    let values: Vec<f64> = (0..16).map(f64::from).collect();
    let a = NDArray::from_f64(DataType::float32(), &[16], &values).unwrap();
    let mut args = vec![
        ArgValue::Array(a),
        ArgValue::Array(NDArray::zeros(DataType::float32(), &[16]).unwrap()),
    ];
    run_func(&module, "main", &mut args).unwrap();
    let expected: Vec<f64> = values.iter().map(|v| v + 1.0).collect();
    assert_eq!(array(&args[1]).to_f64_vec(), expected);
}

#[test]
fn arguments_are_checked_against_the_buffers() {
    let module = vector_add_one(4);
    let wrong_shape = NDArray::zeros(DataType::float32(), &[15]).unwrap();
    let mut args = vec![
        ArgValue::Array(wrong_shape),
        ArgValue::Array(NDArray::zeros(DataType::float32(), &[16]).unwrap()),
    ];
    let err = run_func(&module, "main", &mut args).unwrap_err().to_string();
    assert!(err.contains("shape 0 of buffer `A`") && err.contains("expected 16, got 15"), "{err}");
    // The storage is handed back even when the call fails.
    assert_eq!(array(&args[0]).storage().len(), 60);
    let wrong_dtype = NDArray::zeros(DataType::float(16), &[16]).unwrap();
    let mut args = vec![
        ArgValue::Array(wrong_dtype),
        ArgValue::Array(NDArray::zeros(DataType::float32(), &[16]).unwrap()),
    ];
    let err = run_func(&module, "main", &mut args).unwrap_err().to_string();
    assert!(err.contains("buffer `A` is float32"), "{err}");
    let mut too_few = vec![ArgValue::int(1)];
    assert!(
        run_func(&module, "main", &mut too_few)
            .unwrap_err()
            .to_string()
            .contains("takes 2 parameters")
    );
    assert!(
        run_func(&module, "nope", &mut too_few)
            .unwrap_err()
            .to_string()
            .contains("no function `nope`")
    );
}

#[test]
fn matmul_64_speed_is_reported() {
    let module = matmul(64, 64, 64, DataType::float32());
    let func = module.lookup("main").unwrap().1.clone();
    let mut args = random_args_for(&func, 1).unwrap();
    let start = std::time::Instant::now();
    run_func(&module, "main", &mut args).unwrap();
    let elapsed = start.elapsed();
    println!(
        "interpreter: 64x64x64 matmul with blocks in {:.1} ms ({:.0} ns per inner iteration)",
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_secs_f64() * 1e9 / (64.0 * 64.0 * 64.0)
    );
    let a = array(&args[0]).as_slice::<f32>().unwrap();
    let b = array(&args[1]).as_slice::<f32>().unwrap();
    let expected = reference_matmul_f32(a, b, 64, 64, 64);
    assert_eq!(array(&args[2]).as_slice::<f32>().unwrap(), expected.as_slice());
}

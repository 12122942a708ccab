//! Literal text: floats as TVM's C++ stream formatting writes them, strings escaped as TVM's
//! `StrEscape` does, integers, booleans and `None`.

use tirscript_printer::{ExprDoc, RenderOptions, render_expr};

fn show(expr: ExprDoc) -> String {
    render_expr(&expr, &RenderOptions::default())
}

/// Doubles (by bit pattern) and the text glibc's printf gives them with TVM's formats:
/// `%.1f` for integral values (TVM: `std::fixed` + `std::showpoint`, precision 1) and `%.17g`
/// otherwise (TVM: `std::defaultfloat`, precision 17). Generated with a C program calling
/// printf; the renderer was also checked against 900,000 such values (random bit patterns,
/// random dyadic rationals, random short decimals), with no mismatch.
const GLIBC_FLOATS: &[(u64, &str)] = &[
    (0x3fb999999999999a, "0.10000000000000001"),
    (0x3fe0000000000000, "0.5"),
    (0x3ee4f8b588e368f1, "1.0000000000000001e-05"),
    (0x3f1a36e2eb1c432d, "0.0001"),
    (0x3f50624dd2f1a9fc, "0.001"),
    (0x40fe240c9fbe76c9, "123456.789"),
    (0x4341c37937e08000, "10000000000000000.0"),
    (0x4376345785d8a000, "100000000000000000.0"),
    (0x434aa535d3d0c000, "15000000000000000.0"),
    (0x4380a741a4627800, "150000000000000000.0"),
    (0x4376345785d8a000, "100000000000000000.0"),
    (0x43118b54f22aeb01, "1234567890123456.2"),
    (0x43118b54f22aeb03, "1234567890123456.8"),
    (0x3fd3333333333333, "0.29999999999999999"),
    (0x3fe5555555555555, "0.66666666666666663"),
    (
        0x7e37e43c8800759c,
        "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.0",
    ),
    (0x01a56e1fc2f8f359, "1e-300"),
    (0x0000000000000001, "4.9406564584124654e-324"),
    (0x8000000000000000, "-0.0"),
    (0x4480f0cf064dd592, "10000000000000000000000.0"),
    (0x44b52d02c7e14af6, "99999999999999991611392.0"),
    (0x4008000000000000, "3.0"),
    (0x3fc0000000000000, "0.125"),
    (0x3f10000000000000, "6.103515625e-05"),
    (0x3ff0000000000000, "1.0"),
    (0x42d6bcc41e900000, "100000000000000.0"),
    (0x3ee9e0fcaf9380fc, "1.234e-05"),
    (0x4345ee2a2eb5a5c4, "12345678901234568.0"),
    (
        0x7fefffffffffffff,
        "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.0",
    ),
    (
        0x6c129af7f2440efe,
        "391466590898125355863162623531058302816060321494638437540708095679261238522661936965769871757536684871563717406339150448808050011243337419468380004242208616901712897904754670784761242453239981157282946990408204288.0",
    ),
    (0xc7dee68fffbaf963, "-164295955186523806952355865267837861888.0"),
    (0x15ada4e53975b451, "2.9546874998121718e-204"),
    (
        0x63eb500cce126b79,
        "211101872365761856801796173000340241216418297841819315420187512773720295775190314941996839965176596266674788707816892202721180619108957768134052730492928910664424345313476608.0",
    ),
    (0x314320aa7da5b1ef, "2.1651677572556947e-71"),
    (0x429c254854309d4e, "7736613211175.3262"),
    (0x4244a698491a7659, "177388687924.92459"),
    (0x428dc02b64ad424f, "4088899868072.2886"),
    (0x438b0d9189276652, "243671778997357120.0"),
    (0x40059831897f90aa, "2.6993132345251825"),
    (0x4050bdc28f5c28f6, "66.965000000000003"),
    (0x3fa56a593a2df938, "0.041827000000000003"),
    (0x4010d97f62b6ae7d, "4.2123999999999997"),
    (0x3ed49940e387eabf, "4.9111000000000003e-06"),
    (0x4082908f5c28f5c3, "594.07000000000005"),
];

#[test]
fn floats_match_glibc_printf() {
    for &(bits, expected) in GLIBC_FLOATS {
        let value = f64::from_bits(bits);
        assert_eq!(show(ExprDoc::float(value)), expected, "bits {bits:#018x}");
    }
}

#[test]
fn float_special_cases() {
    // Integral values keep one decimal so Python reads them back as floats.
    assert_eq!(show(ExprDoc::float(1.0)), "1.0");
    assert_eq!(show(ExprDoc::float(0.0)), "0.0");
    assert_eq!(show(ExprDoc::float(-0.0)), "-0.0");
    assert_eq!(show(ExprDoc::float(-7.0)), "-7.0");
    // %.17g switches to scientific notation below 1e-4 and from 1e17 for non-integral values.
    assert_eq!(show(ExprDoc::float(0.5)), "0.5");
    assert_eq!(show(ExprDoc::float(0.25)), "0.25");
    assert_eq!(show(ExprDoc::float(1e-5)), "1.0000000000000001e-05");
    assert_eq!(show(ExprDoc::float(6.103515625e-05)), "6.103515625e-05");
    assert_eq!(show(ExprDoc::float(1.5e-10)), "1.5e-10");
    assert_eq!(show(ExprDoc::float(0.1)), "0.10000000000000001");
    // Non-finite values print quoted, as the C library spells them.
    assert_eq!(show(ExprDoc::float(f64::INFINITY)), "\"inf\"");
    assert_eq!(show(ExprDoc::float(f64::NEG_INFINITY)), "\"-inf\"");
    assert_eq!(show(ExprDoc::float(f64::NAN)), "\"nan\"");
    assert_eq!(show(ExprDoc::float(-f64::NAN)), "\"-nan\"");
}

#[test]
fn other_literals() {
    assert_eq!(show(ExprDoc::none()), "None");
    assert_eq!(show(ExprDoc::bool(true)), "True");
    assert_eq!(show(ExprDoc::bool(false)), "False");
    assert_eq!(show(ExprDoc::int(0)), "0");
    assert_eq!(show(ExprDoc::int(-42)), "-42");
    assert_eq!(show(ExprDoc::int(i64::MAX)), "9223372036854775807");
    assert_eq!(show(ExprDoc::int(i64::MIN)), "-9223372036854775808");
}

#[test]
fn strings_are_double_quoted_and_escaped_per_byte() {
    assert_eq!(show(ExprDoc::str("float32")), "\"float32\"");
    assert_eq!(show(ExprDoc::str("")), "\"\"");
    // Quotes and backslashes get a backslash; a single quote is plain.
    assert_eq!(show(ExprDoc::str("a\"b'c\\d")), r#""a\"b'c\\d""#);
    // Tab, newline and carriage return use their short escapes.
    assert_eq!(show(ExprDoc::str("\t\n\r")), r#""\t\n\r""#);
    // Other control bytes, DEL and every byte of non-ASCII text use upper-case \xHH.
    assert_eq!(show(ExprDoc::str("\u{0}\u{1b}\u{7f}")), r#""\x00\x1B\x7F""#);
    assert_eq!(show(ExprDoc::str("é€")), r#""\xC3\xA9\xE2\x82\xAC""#);
    assert_eq!(show(ExprDoc::str("a é b")), r#""a \xC3\xA9 b""#);
}

/**
 * @file Tree-sitter grammar for TVMScript, the Python-syntax text form of Apache TVM's TIR.
 * @license Apache-2.0
 *
 * TVMScript is a subset of Python: decorated function and class definitions, assignments,
 * `for`/`while`/`if`/`with` blocks, asserts and returns, and ordinary Python expressions. This
 * grammar covers that subset (and a little more, so that hand-written kernels with imports or
 * comprehensions still parse). Node names follow Python's so that editor users recognise them;
 * TVMScript-specific meaning (`T.block`, `T.grid`, typed constants such as `T.float32(0)`, dtype
 * strings) is given by the highlight queries, which match these nodes by their text.
 *
 * NEWLINE, INDENT and DEDENT come from the external scanner in `src/scanner.c`, which also scans
 * string delimiters and string contents so that every Python string form is supported.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Python's operator precedence, lowest first.
const PREC = {
  lambda: -2,
  conditional: -1,
  parenthesized: 1,
  or: 10,
  and: 11,
  not: 12,
  compare: 13,
  bitwise_or: 14,
  bitwise_xor: 15,
  bitwise_and: 16,
  shift: 17,
  plus: 18,
  times: 19,
  unary: 20,
  power: 21,
  call: 22,
};

const COMPARISON_OPERATORS = ['<', '<=', '==', '!=', '>=', '>', 'in', 'not in', 'is', 'is not'];

const AUGMENTED_OPERATORS = ['+=', '-=', '*=', '/=', '//=', '%=', '**=', '@=', '&=', '|=', '^=', '<<=', '>>='];

/**
 * One or more `rule`s separated by commas.
 * @param {RuleOrLiteral} rule
 * @returns {SeqRule}
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

/**
 * Zero or more `rule`s separated by commas.
 * @param {RuleOrLiteral} rule
 * @returns {ChoiceRule}
 */
function commaSep(rule) {
  return optional(commaSep1(rule));
}

module.exports = grammar({
  name: 'tvmscript',

  externals: $ => [
    $._newline,
    $._indent,
    $._dedent,
    $.string_start,
    $.string_content,
    $.string_end,
  ],

  extras: $ => [
    $.comment,
    /[\s\f\uFEFF\u2060\u200B]/,
    $.line_continuation,
  ],

  supertypes: $ => [
    $.expression,
    $.primary_expression,
    $.pattern,
  ],

  conflicts: $ => [
    // `(x)` and `[x]` at the start of a `for` target are patterns, elsewhere expressions.
    [$.primary_expression, $.pattern],
    [$.tuple, $.tuple_pattern],
    [$.list, $.list_pattern],
  ],

  inline: $ => [
    $._simple_statement,
    $._compound_statement,
    $._suite,
    $._expressions,
    $._left_hand_side,
  ],

  word: $ => $.identifier,

  rules: {
    module: $ => repeat($._statement),

    _statement: $ => choice(
      $._simple_statements,
      $._compound_statement,
    ),

    // ---------------------------------------------------------------- simple statements

    _simple_statements: $ => seq(
      $._simple_statement,
      repeat(seq(';', $._simple_statement)),
      optional(';'),
      $._newline,
    ),

    _simple_statement: $ => choice(
      $.expression_statement,
      $.assignment,
      $.annotated_assignment,
      $.augmented_assignment,
      $.assert_statement,
      $.return_statement,
      $.pass_statement,
      $.break_statement,
      $.continue_statement,
      $.import_statement,
      $.import_from_statement,
    ),

    expression_statement: $ => $._expressions,

    // `a = b`, `a, b = c`, `a = b = c`.
    assignment: $ => seq(
      field('left', $._left_hand_side),
      '=',
      field('right', choice($._expressions, $.assignment)),
    ),

    // `x: T.int32 = 1` and `x: T.int32`.
    annotated_assignment: $ => seq(
      field('left', $._left_hand_side),
      ':',
      field('type', $.type),
      optional(seq('=', field('right', $._expressions))),
    ),

    augmented_assignment: $ => seq(
      field('left', $._left_hand_side),
      field('operator', choice(...AUGMENTED_OPERATORS)),
      field('right', $._expressions),
    ),

    _left_hand_side: $ => choice($.expression, $.expression_list),

    assert_statement: $ => seq(
      'assert',
      field('condition', $.expression),
      optional(seq(',', field('message', $.expression))),
    ),

    return_statement: $ => seq('return', optional(field('value', $._expressions))),

    pass_statement: _ => 'pass',
    break_statement: _ => 'break',
    continue_statement: _ => 'continue',

    // `import tvm`, `import numpy as np`.
    import_statement: $ => seq('import', commaSep1(choice($.dotted_name, $.aliased_import))),

    // `from tvm.script import tir as T`.
    import_from_statement: $ => seq(
      'from',
      field('module_name', choice($.dotted_name, $.relative_import)),
      'import',
      choice(
        $.wildcard_import,
        commaSep1(choice($.dotted_name, $.aliased_import)),
        seq('(', commaSep1(choice($.dotted_name, $.aliased_import)), optional(','), ')'),
      ),
    ),

    aliased_import: $ => seq(field('name', $.dotted_name), 'as', field('alias', $.identifier)),
    relative_import: $ => seq(repeat1('.'), optional($.dotted_name)),
    wildcard_import: _ => '*',
    dotted_name: $ => prec(1, seq($.identifier, repeat(seq('.', $.identifier)))),

    // ---------------------------------------------------------------- compound statements

    _compound_statement: $ => choice(
      $.function_definition,
      $.class_definition,
      $.decorated_definition,
      $.if_statement,
      $.for_statement,
      $.while_statement,
      $.with_statement,
    ),

    // The body of a compound statement: an indented block, or simple statements on the same line.
    _suite: $ => choice(
      alias($._simple_statements, $.block),
      $.block,
    ),

    block: $ => seq($._indent, repeat($._statement), $._dedent),

    decorated_definition: $ => seq(
      repeat1($.decorator),
      field('definition', choice($.function_definition, $.class_definition)),
    ),

    // `@T.prim_func`, `@T.prim_func(private=True)`, `@I.ir_module`.
    decorator: $ => seq('@', $.expression, $._newline),

    function_definition: $ => seq(
      'def',
      field('name', $.identifier),
      field('parameters', $.parameters),
      optional(seq('->', field('return_type', $.type))),
      ':',
      field('body', $._suite),
    ),

    parameters: $ => seq('(', optional($._parameter_list), ')'),

    _parameter_list: $ => seq(commaSep1($._parameter), optional(',')),

    _parameter: $ => choice(
      $.identifier,
      $.typed_parameter,
      $.default_parameter,
      $.typed_default_parameter,
      $.list_splat_pattern,
      $.dictionary_splat_pattern,
      $.keyword_separator,
      $.positional_separator,
    ),

    // `A: T.Buffer((128, 128), "float32")`.
    typed_parameter: $ => seq(
      field('name', choice($.identifier, $.list_splat_pattern, $.dictionary_splat_pattern)),
      ':',
      field('type', $.type),
    ),
    default_parameter: $ => seq(field('name', $.identifier), '=', field('value', $.expression)),
    typed_default_parameter: $ => seq(
      field('name', $.identifier),
      ':',
      field('type', $.type),
      '=',
      field('value', $.expression),
    ),
    list_splat_pattern: $ => seq('*', $.identifier),
    dictionary_splat_pattern: $ => seq('**', $.identifier),
    keyword_separator: _ => '*',
    positional_separator: _ => '/',

    class_definition: $ => seq(
      'class',
      field('name', $.identifier),
      optional(field('superclasses', $.argument_list)),
      ':',
      field('body', $._suite),
    ),

    if_statement: $ => seq(
      'if',
      field('condition', $.expression),
      ':',
      field('consequence', $._suite),
      repeat(field('alternative', $.elif_clause)),
      optional(field('alternative', $.else_clause)),
    ),

    elif_clause: $ => seq(
      'elif',
      field('condition', $.expression),
      ':',
      field('consequence', $._suite),
    ),

    else_clause: $ => seq('else', ':', field('body', $._suite)),

    // `for i, j, k in T.grid(128, 128, 128):`.
    for_statement: $ => seq(
      'for',
      field('left', $._for_targets),
      'in',
      field('right', $._expressions),
      ':',
      field('body', $._suite),
      optional(field('alternative', $.else_clause)),
    ),

    _for_targets: $ => choice($.pattern, $.pattern_list),

    pattern_list: $ => seq($.pattern, choice(',', seq(repeat1(seq(',', $.pattern)), optional(',')))),

    while_statement: $ => seq(
      'while',
      field('condition', $.expression),
      ':',
      field('body', $._suite),
      optional(field('alternative', $.else_clause)),
    ),

    // `with T.block("C"):`, `with T.LetStmt(x) as y:`.
    with_statement: $ => seq(
      'with',
      commaSep1($.with_item),
      ':',
      field('body', $._suite),
    ),

    with_item: $ => seq(
      field('value', $.expression),
      optional(seq('as', field('alias', $.pattern))),
    ),

    // ---------------------------------------------------------------- patterns (binding targets)

    pattern: $ => choice(
      $.identifier,
      $.attribute,
      $.subscript,
      $.tuple_pattern,
      $.list_pattern,
    ),

    tuple_pattern: $ => seq('(', optional(seq(commaSep1($.pattern), optional(','))), ')'),
    list_pattern: $ => seq('[', optional(seq(commaSep1($.pattern), optional(','))), ']'),

    // ---------------------------------------------------------------- expressions

    // Comma-separated expressions where a bare tuple is allowed (right-hand sides, `return`).
    _expressions: $ => choice($.expression, $.expression_list),

    expression_list: $ => prec.right(seq(
      choice($.expression, $.list_splat),
      choice(',', seq(repeat1(seq(',', choice($.expression, $.list_splat))), optional(','))),
    )),

    expression: $ => choice(
      $.comparison_operator,
      $.not_operator,
      $.boolean_operator,
      $.lambda,
      $.conditional_expression,
      $.primary_expression,
    ),

    primary_expression: $ => choice(
      $.binary_operator,
      $.unary_operator,
      $.identifier,
      $.integer,
      $.float,
      $.string,
      $.concatenated_string,
      $.true,
      $.false,
      $.none,
      $.ellipsis,
      $.attribute,
      $.subscript,
      $.call,
      $.tuple,
      $.list,
      $.dictionary,
      $.set,
      $.list_comprehension,
      $.dictionary_comprehension,
      $.set_comprehension,
      $.generator_expression,
      $.parenthesized_expression,
    ),

    // `T.float32`, `A.data`.
    attribute: $ => prec(PREC.call, seq(
      field('object', $.primary_expression),
      '.',
      field('attribute', $.identifier),
    )),

    // Buffer access and regions: `A[vi, vj]`, `A[vi, 0:16]`, `metadata["tir.StringImm"][0]`.
    subscript: $ => prec(PREC.call, seq(
      field('value', $.primary_expression),
      '[',
      commaSep1(field('index', choice($.expression, $.slice, $.list_splat))),
      optional(','),
      ']',
    )),

    slice: $ => seq(
      optional(field('start', $.expression)),
      ':',
      optional(field('stop', $.expression)),
      optional(seq(':', optional(field('step', $.expression)))),
    ),

    call: $ => prec(PREC.call, seq(
      field('function', $.primary_expression),
      field('arguments', choice($.argument_list, $.generator_expression)),
    )),

    argument_list: $ => seq(
      '(',
      optional(seq(
        commaSep1(choice($.expression, $.list_splat, $.dictionary_splat, $.keyword_argument)),
        optional(','),
      )),
      ')',
    ),

    // `private=True`, `dtype="float32"`.
    keyword_argument: $ => seq(
      field('name', $.identifier),
      '=',
      field('value', $.expression),
    ),

    list_splat: $ => seq('*', $.expression),
    dictionary_splat: $ => seq('**', $.expression),

    parenthesized_expression: $ => prec(PREC.parenthesized, seq('(', $.expression, ')')),

    tuple: $ => seq(
      '(',
      optional(seq(
        choice($.expression, $.list_splat),
        choice(',', seq(repeat1(seq(',', choice($.expression, $.list_splat))), optional(','))),
      )),
      ')',
    ),

    list: $ => seq('[', optional(seq(commaSep1(choice($.expression, $.list_splat)), optional(','))), ']'),

    set: $ => seq('{', commaSep1(choice($.expression, $.list_splat)), optional(','), '}'),

    // `{"global_symbol": "main", "tir.noalias": T.bool(True)}`.
    dictionary: $ => seq(
      '{',
      optional(seq(commaSep1(choice($.pair, $.dictionary_splat)), optional(','))),
      '}',
    ),

    pair: $ => seq(field('key', $.expression), ':', field('value', $.expression)),

    list_comprehension: $ => seq('[', field('body', $.expression), $._comprehension_clauses, ']'),
    set_comprehension: $ => seq('{', field('body', $.expression), $._comprehension_clauses, '}'),
    dictionary_comprehension: $ => seq('{', field('body', $.pair), $._comprehension_clauses, '}'),
    generator_expression: $ => seq('(', field('body', $.expression), $._comprehension_clauses, ')'),

    _comprehension_clauses: $ => seq($.for_in_clause, repeat(choice($.for_in_clause, $.if_clause))),

    for_in_clause: $ => prec.left(seq(
      'for',
      field('left', $._for_targets),
      'in',
      field('right', commaSep1($._expression_within_for_in_clause)),
      optional(','),
    )),

    _expression_within_for_in_clause: $ => choice(
      $.expression,
      alias($.lambda_within_for_in_clause, $.lambda),
    ),

    if_clause: $ => seq('if', $.expression),

    // `a if c else b`.
    conditional_expression: $ => prec.right(PREC.conditional, seq(
      field('consequence', $.expression),
      'if',
      field('condition', $.expression),
      'else',
      field('alternative', $.expression),
    )),

    // `lambda x, y: x + y`, as in `T.comm_reducer`.
    lambda: $ => prec(PREC.lambda, seq(
      'lambda',
      field('parameters', optional($.lambda_parameters)),
      ':',
      field('body', $.expression),
    )),

    lambda_within_for_in_clause: $ => seq(
      'lambda',
      field('parameters', optional($.lambda_parameters)),
      ':',
      field('body', $._expression_within_for_in_clause),
    ),

    // Lambda parameters cannot carry annotations: `:` starts the body.
    lambda_parameters: $ => seq(
      commaSep1(choice(
        $.identifier,
        $.default_parameter,
        $.list_splat_pattern,
        $.dictionary_splat_pattern,
        $.keyword_separator,
        $.positional_separator,
      )),
      optional(','),
    ),

    not_operator: $ => prec(PREC.not, seq('not', field('argument', $.expression))),

    boolean_operator: $ => choice(
      prec.left(PREC.and, seq(field('left', $.expression), field('operator', 'and'), field('right', $.expression))),
      prec.left(PREC.or, seq(field('left', $.expression), field('operator', 'or'), field('right', $.expression))),
    ),

    binary_operator: $ => {
      const table = [
        [prec.left, '+', PREC.plus],
        [prec.left, '-', PREC.plus],
        [prec.left, '*', PREC.times],
        [prec.left, '@', PREC.times],
        [prec.left, '/', PREC.times],
        [prec.left, '%', PREC.times],
        [prec.left, '//', PREC.times],
        [prec.right, '**', PREC.power],
        [prec.left, '|', PREC.bitwise_or],
        [prec.left, '&', PREC.bitwise_and],
        [prec.left, '^', PREC.bitwise_xor],
        [prec.left, '<<', PREC.shift],
        [prec.left, '>>', PREC.shift],
      ];
      // @ts-ignore
      return choice(...table.map(([fn, operator, precedence]) => fn(precedence, seq(
        field('left', $.primary_expression),
        // @ts-ignore
        field('operator', operator),
        field('right', $.primary_expression),
      ))));
    },

    unary_operator: $ => prec(PREC.unary, seq(
      field('operator', choice('+', '-', '~')),
      field('argument', $.primary_expression),
    )),

    // Chained comparisons such as `0 <= i < n` are one node with several operators.
    comparison_operator: $ => prec.left(PREC.compare, seq(
      $.primary_expression,
      repeat1(seq(
        field('operators', choice(
          ...COMPARISON_OPERATORS.filter(op => !op.includes(' ')),
          alias(seq('not', 'in'), 'not in'),
          alias(seq('is', 'not'), 'is not'),
        )),
        $.primary_expression,
      )),
    )),

    // A type annotation; TVMScript uses expressions such as `T.int32` or `T.Buffer((16,), "float32")`.
    type: $ => $.expression,

    // ---------------------------------------------------------------- literals

    identifier: _ => /[_\p{XID_Start}][_\p{XID_Continue}]*/,

    true: _ => 'True',
    false: _ => 'False',
    none: _ => 'None',
    ellipsis: _ => '...',

    integer: _ => token(choice(
      seq(choice('0x', '0X'), /_?[0-9a-fA-F]+(_[0-9a-fA-F]+)*/),
      seq(choice('0o', '0O'), /_?[0-7]+(_[0-7]+)*/),
      seq(choice('0b', '0B'), /_?[01]+(_[01]+)*/),
      seq(/[0-9]+(_[0-9]+)*/, optional(/[jJ]/)),
    )),

    float: _ => {
      const digits = /[0-9]+(_[0-9]+)*/;
      const exponent = seq(/[eE][+-]?/, digits);
      return token(seq(
        choice(
          seq(digits, '.', optional(digits), optional(exponent)),
          seq('.', digits, optional(exponent)),
          seq(digits, exponent),
        ),
        optional(/[jJ]/),
      ));
    },

    // Every Python string form: prefixes (r, b, u, f and pairs), single, double and triple quotes.
    // The scanner emits the delimiters and the raw text; escapes are separate nodes.
    string: $ => seq(
      $.string_start,
      repeat(choice($.string_content, $.escape_sequence)),
      $.string_end,
    ),

    concatenated_string: $ => seq($.string, repeat1($.string)),

    escape_sequence: _ => token.immediate(prec(1, seq(
      '\\',
      choice(
        /u[a-fA-F\d]{4}/,
        /U[a-fA-F\d]{8}/,
        /x[a-fA-F\d]{2}/,
        /[0-7]{1,3}/,
        /N\{[^}]+\}/,
        /\r?\n/,
        /[^\r\n]/,
      ),
    ))),

    comment: _ => token(seq('#', /.*/)),

    line_continuation: _ => token(seq('\\', choice(seq(optional('\r'), '\n'), '\0'))),
  },
});

; Neovim highlights for TVMScript, with nvim-treesitter's capture names.
; The last matching pattern wins, so generic Python patterns come first and TVMScript-specific
; ones (the `T`/`I` namespaces, dtypes, block names) after them.

(identifier) @variable

; ---------------------------------------------------------------- definitions and calls

(function_definition
  name: (identifier) @function)

(class_definition
  name: (identifier) @type)

(parameters
  (identifier) @variable.parameter)

(typed_parameter
  name: (identifier) @variable.parameter)

(default_parameter
  name: (identifier) @variable.parameter)

(typed_default_parameter
  name: (identifier) @variable.parameter)

(list_splat_pattern
  (identifier) @variable.parameter)

(dictionary_splat_pattern
  (identifier) @variable.parameter)

(lambda_parameters
  (identifier) @variable.parameter)

(keyword_argument
  name: (identifier) @variable.parameter)

(attribute
  attribute: (identifier) @variable.member)

(call
  function: (attribute
    attribute: (identifier) @function.method.call))

(call
  function: (identifier) @function.call)

(call
  function: (identifier) @function.builtin
  (#any-of? @function.builtin "range" "len" "min" "max" "abs" "int" "float" "bool" "print" "sum"))

; ---------------------------------------------------------------- literals

[
  (true)
  (false)
] @boolean

(none) @constant.builtin

(integer) @number

(float) @number.float

(string) @string

(escape_sequence) @string.escape

; A string as the first statement of a function or class body is its documentation.
(function_definition
  body: (block
    .
    (expression_statement
      (string) @string.documentation @spell)))

(comment) @comment @spell

; ---------------------------------------------------------------- keywords

"def" @keyword.function

"lambda" @keyword.function

"class" @keyword.type

"return" @keyword.return

[
  "if"
  "elif"
  "else"
] @keyword.conditional

(conditional_expression
  [
    "if"
    "else"
  ] @keyword.conditional.ternary)

[
  "for"
  "while"
  (break_statement)
  (continue_statement)
] @keyword.repeat

(for_statement
  "in" @keyword.repeat)

(for_in_clause
  "in" @keyword.repeat)

[
  "import"
  "from"
] @keyword.import

(aliased_import
  "as" @keyword.import)

[
  "not"
  "and"
  "or"
  "is"
  "not in"
  "is not"
] @keyword.operator

(comparison_operator
  "in" @keyword.operator)

[
  "with"
  "as"
  "assert"
  (pass_statement)
] @keyword

; ---------------------------------------------------------------- operators and punctuation

[
  "+"
  "-"
  "*"
  "/"
  "//"
  "%"
  "**"
  "@"
  "|"
  "&"
  "^"
  "~"
  "<<"
  ">>"
  "<"
  "<="
  "=="
  "!="
  ">="
  ">"
  "="
  "+="
  "-="
  "*="
  "/="
  "//="
  "%="
  "**="
  "@="
  "&="
  "|="
  "^="
  "<<="
  ">>="
  "->"
] @operator

[
  "("
  ")"
  "["
  "]"
  "{"
  "}"
] @punctuation.bracket

[
  ","
  "."
  ":"
  ";"
] @punctuation.delimiter

; ---------------------------------------------------------------- TVMScript

; Members of the `T` and `I` namespaces: `T.block`, `T.grid`, `T.reads`, `I.ir_module`.
(attribute
  object: (identifier) @module
  attribute: (identifier) @function.builtin
  (#any-of? @module "T" "I"))

; Expression node constructors: `T.Cast`, `T.Ramp`, `T.Broadcast`, `T.Select`, `T.LetStmt`.
(attribute
  object: (identifier) @module
  attribute: (identifier) @constructor
  (#any-of? @module "T" "I")
  (#match? @constructor "^[A-Z]"))

; Buffer and pointer types: `T.Buffer((128,), "float32")`, `T.Ptr("float32")`.
(attribute
  object: (identifier) @module
  attribute: (identifier) @type
  (#eq? @module "T")
  (#any-of? @type "Buffer" "Ptr" "Tuple"))

; Typed constants and dtype annotations: `T.float32(0)`, `x: T.int32`.
(attribute
  object: (identifier) @module
  attribute: (identifier) @type.builtin
  (#eq? @module "T")
  (#match? @type.builtin "^(bool|handle|void|u?int[0-9]+|float[0-9]+|bfloat16|float[0-9]+_e[0-9]+m[0-9]+[a-z]*|e[45]m[23]_float8)(x[0-9]+)?$"))

; `T.axis.spatial`, `T.axis.remap`: `axis` is a namespace inside `T`.
(attribute
  object: (attribute
    object: (identifier) @module
    attribute: (identifier) @module)
  attribute: (identifier) @function.builtin
  (#any-of? @module "T" "axis"))

; Decorators: `@T.prim_func`, `@T.prim_func(private=True)`, `@I.ir_module`.
(decorator
  "@" @attribute)

(decorator
  (identifier) @attribute)

(decorator
  (attribute
    object: (identifier) @module
    attribute: (identifier) @attribute))

(decorator
  (call
    function: (attribute
      object: (identifier) @module
      attribute: (identifier) @attribute)))

; Thread tags and storage scopes: "threadIdx.x", "blockIdx.y", "shared", "local".
((string) @string.special
  (#match? @string.special "^[\"']((threadIdx|blockIdx|vthread)(\\.[xyz])?|global|shared|shared\\.dyn|local|local\\.fragment|warp|wmma\\.[a-z_]+)[\"']$"))

; Dtype strings such as "float32", "int8x4" or "handle".
((string) @type.builtin
  (#match? @type.builtin "^[\"'](bool|handle|void|u?int[0-9]+|float[0-9]+|bfloat16|float[0-9]+_e[0-9]+m[0-9]+[a-z]*|e[45]m[23]_float8)(x[0-9]+)?[\"']$"))

; Block names: the string argument of `T.block("C")`.
(call
  function: (attribute
    object: (identifier) @module
    attribute: (identifier) @function.builtin)
  arguments: (argument_list
    .
    (string) @label)
  (#eq? @module "T")
  (#any-of? @function.builtin "block" "sblock"))

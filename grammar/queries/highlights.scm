; Highlights for TVMScript, with tree-sitter's standard capture names.
;
; When several patterns capture the same node, the LAST one wins (tree-sitter-highlight 0.27,
; Neovim and Helix agree), so generic Python patterns come first and the TVMScript-specific
; patterns after them.

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
    attribute: (identifier) @function))

(call
  function: (identifier) @function)

(call
  function: (identifier) @function.builtin
  (#any-of? @function.builtin "range" "len" "min" "max" "abs" "int" "float" "bool" "print" "sum"))

; ---------------------------------------------------------------- literals

[
  (true)
  (false)
] @boolean

(none) @constant.builtin

[
  (integer)
  (float)
] @number

(escape_sequence) @string.escape

(string) @string

; ---------------------------------------------------------------- keywords and punctuation

[
  "def"
  "class"
  "return"
  "if"
  "elif"
  "else"
  "for"
  "while"
  "in"
  "with"
  "as"
  "assert"
  "lambda"
  "import"
  "from"
  (pass_statement)
  (break_statement)
  (continue_statement)
] @keyword

[
  "not"
  "and"
  "or"
  "is"
  "not in"
  "is not"
] @keyword

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

; Every other member of the `T` and `I` namespaces: `T.block`, `T.grid`, `T.reads`, `I.ir_module`.
(attribute
  object: (identifier) @module
  attribute: (identifier) @function.builtin
  (#any-of? @module "T" "I"))

; Expression node constructors: `T.Cast`, `T.Ramp`, `T.Broadcast`, `T.Select`, `T.Let`, `T.LetStmt`.
(attribute
  object: (identifier) @module
  attribute: (identifier) @constructor
  (#any-of? @module "T" "I")
  (#match? @constructor "^[A-Z]"))

; Buffer and pointer types: `T.Buffer((128,), "float32")`, `T.Ptr("float32")`.
(attribute
  object: (identifier) @module
  attribute: (identifier) @type
  (#any-of? @module "T")
  (#any-of? @type "Buffer" "Ptr" "Tuple"))

; Typed constants and dtype annotations: `T.float32(0)`, `x: T.int32`.
(attribute
  object: (identifier) @module
  attribute: (identifier) @type.builtin
  (#any-of? @module "T")
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
  (attribute
    object: (identifier) @module
    attribute: (identifier) @attribute))

(decorator
  (call
    function: (attribute
      object: (identifier) @module
      attribute: (identifier) @attribute)))

(decorator
  (identifier) @attribute)

; Thread tags and storage scopes: "threadIdx.x", "blockIdx.y", "vthread", "shared", "local.fragment".
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
    (string) @string.special.symbol)
  (#eq? @module "T")
  (#any-of? @function.builtin "block" "sblock"))

(comment) @comment

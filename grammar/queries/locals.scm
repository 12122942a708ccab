; Scopes, definitions and references for TVMScript, with tree-sitter's standard local captures.
; Function bodies, lambdas and classes open scopes; parameters, loop variables, `with ... as`
; targets and assignment targets define names; every other identifier is a reference.

[
  (module)
  (function_definition)
  (class_definition)
  (lambda)
  (list_comprehension)
  (set_comprehension)
  (dictionary_comprehension)
  (generator_expression)
] @local.scope

(parameters
  (identifier) @local.definition)

(typed_parameter
  name: (identifier) @local.definition)

(default_parameter
  name: (identifier) @local.definition)

(typed_default_parameter
  name: (identifier) @local.definition)

(lambda_parameters
  (identifier) @local.definition)

(list_splat_pattern
  (identifier) @local.definition)

(dictionary_splat_pattern
  (identifier) @local.definition)

; Loop variables: `for i, j, k in T.grid(...)`.
(for_statement
  left: (pattern
    (identifier) @local.definition))

(for_statement
  left: (pattern_list
    (pattern
      (identifier) @local.definition)))

(for_in_clause
  left: (pattern
    (identifier) @local.definition))

; `with T.LetStmt(v) as x:` and `with T.allocate(...) as buf:`.
(with_item
  alias: (pattern
    (identifier) @local.definition))

; `vi, vj = T.axis.remap(...)`, `A = T.match_buffer(...)`, `x: T.int32 = 1`.
(assignment
  left: (identifier) @local.definition)

(assignment
  left: (expression_list
    (identifier) @local.definition))

(annotated_assignment
  left: (identifier) @local.definition)

(identifier) @local.reference

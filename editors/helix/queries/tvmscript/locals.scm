; Helix locals for TVMScript: a reference resolved to a definition takes the highlight named
; after `@local.definition.`.

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

(function_definition
  name: (identifier) @local.definition.function)

(class_definition
  name: (identifier) @local.definition.type)

(parameters
  (identifier) @local.definition.variable.parameter)

(typed_parameter
  name: (identifier) @local.definition.variable.parameter)

(default_parameter
  name: (identifier) @local.definition.variable.parameter)

(typed_default_parameter
  name: (identifier) @local.definition.variable.parameter)

(lambda_parameters
  (identifier) @local.definition.variable.parameter)

(list_splat_pattern
  (identifier) @local.definition.variable.parameter)

(dictionary_splat_pattern
  (identifier) @local.definition.variable.parameter)

(for_statement
  left: (pattern
    (identifier) @local.definition.variable))

(for_statement
  left: (pattern_list
    (pattern
      (identifier) @local.definition.variable)))

(for_in_clause
  left: (pattern
    (identifier) @local.definition.variable))

(with_item
  alias: (pattern
    (identifier) @local.definition.variable))

(assignment
  left: (identifier) @local.definition.variable)

(assignment
  left: (expression_list
    (identifier) @local.definition.variable))

(annotated_assignment
  left: (identifier) @local.definition.variable)

(aliased_import
  alias: (identifier) @local.definition.namespace)

(identifier) @local.reference

; Keyword argument names are not references to variables.
(keyword_argument
  name: (identifier) @_keyword_name)

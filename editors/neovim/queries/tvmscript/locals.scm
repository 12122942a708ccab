; Neovim locals for TVMScript, with nvim-treesitter's local captures.

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
  name: (identifier) @local.definition.function
  (#set! definition.function.scope "parent"))

(class_definition
  name: (identifier) @local.definition.type
  (#set! definition.type.scope "parent"))

(parameters
  (identifier) @local.definition.parameter)

(typed_parameter
  name: (identifier) @local.definition.parameter)

(default_parameter
  name: (identifier) @local.definition.parameter)

(typed_default_parameter
  name: (identifier) @local.definition.parameter)

(lambda_parameters
  (identifier) @local.definition.parameter)

(list_splat_pattern
  (identifier) @local.definition.parameter)

(dictionary_splat_pattern
  (identifier) @local.definition.parameter)

(for_statement
  left: (pattern
    (identifier) @local.definition.var))

(for_statement
  left: (pattern_list
    (pattern
      (identifier) @local.definition.var)))

(for_in_clause
  left: (pattern
    (identifier) @local.definition.var))

(with_item
  alias: (pattern
    (identifier) @local.definition.var))

(assignment
  left: (identifier) @local.definition.var)

(assignment
  left: (expression_list
    (identifier) @local.definition.var))

(annotated_assignment
  left: (identifier) @local.definition.var)

(aliased_import
  alias: (identifier) @local.definition.import)

(identifier) @local.reference

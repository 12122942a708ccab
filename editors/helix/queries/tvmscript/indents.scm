; Helix indentation for TVMScript, with Helix's indent captures.
; Bodies of compound statements indent and extend over the more-indented lines that follow
; their header (TVMScript, like Python, has no closing token); brackets indent their contents;
; a `return`, `break`, `continue` or `pass` ends the block, so the next line dedents.

[
  (function_definition)
  (class_definition)
  (decorated_definition)
  (for_statement)
  (while_statement)
  (with_statement)
  (if_statement)
  (elif_clause)
  (else_clause)
] @indent @extend

[
  (parameters)
  (argument_list)
  (list)
  (dictionary)
  (set)
  (tuple)
  (parenthesized_expression)
  (subscript)
] @indent

[
  ")"
  "]"
  "}"
] @outdent

[
  (return_statement)
  (break_statement)
  (continue_statement)
  (pass_statement)
] @extend.prevent-once

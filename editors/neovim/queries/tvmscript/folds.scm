; Neovim folds for TVMScript, with nvim-treesitter's `@fold` capture.
; Every statement with an indented body folds, and so do bracketed constructs that span lines,
; such as a long `T.func_attr({...})` dictionary or a parameter list with many buffers.

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
  (parameters)
  (argument_list)
  (dictionary)
  (list)
  (tuple)
  (string)
] @fold

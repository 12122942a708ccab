; Indentation for TVMScript, with nvim-treesitter's indent captures (tree-sitter itself defines
; none). A line after a header ending in `:` is indented one level; `elif`/`else` line up with
; their `if`; an open bracket indents its continuation lines; closing brackets dedent.

; `indent.immediate` indents the line after a header even before its body exists.
([
  (function_definition)
  (class_definition)
  (for_statement)
  (while_statement)
  (with_statement)
  (if_statement)
  (elif_clause)
  (else_clause)
] @indent.begin
  (#set! indent.immediate 1))

; A header being typed has no body yet and parses as an ERROR ending in `:`.
((ERROR
  ":" @indent.begin .)
  (#set! indent.immediate 1))

((parameters) @indent.align
  (#set! indent.open_delimiter "(")
  (#set! indent.close_delimiter ")"))

((argument_list) @indent.align
  (#set! indent.open_delimiter "(")
  (#set! indent.close_delimiter ")"))

[
  (list)
  (dictionary)
  (tuple)
  (set)
  (parenthesized_expression)
] @indent.begin

(elif_clause
  "elif" @indent.branch)

(else_clause
  "else" @indent.branch)

[
  ")"
  "]"
  "}"
] @indent.branch @indent.end

[
  (return_statement)
  (break_statement)
  (continue_statement)
  (pass_statement)
] @indent.dedent

(string) @indent.auto

(comment) @indent.auto

; Helix textobjects for TVMScript: functions (prim_funcs), classes (IR modules), parameters,
; arguments, and comments.

(function_definition
  body: (block)? @function.inside) @function.around

(decorated_definition
  definition: (function_definition)) @function.around

(class_definition
  body: (block)? @class.inside) @class.around

(parameters
  [
    (identifier)
    (typed_parameter)
    (default_parameter)
    (typed_default_parameter)
    (list_splat_pattern)
    (dictionary_splat_pattern)
  ] @parameter.inside @parameter.around)

(argument_list
  (_) @parameter.inside @parameter.around)

(lambda_parameters
  (_) @parameter.inside @parameter.around)

(pair) @entry.around

(comment) @comment.inside

(comment)+ @comment.around

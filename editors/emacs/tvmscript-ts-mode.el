;;; tvmscript-ts-mode.el --- Major mode for TVMScript (TVM TIR) using tree-sitter -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "29.1"))
;; Keywords: languages tvm tir
;; SPDX-License-Identifier: Apache-2.0

;;; Commentary:

;; A major mode for TVMScript, the Python-syntax text form of Apache TVM's TIR (`.tir' files),
;; built on Emacs 29's `treesit' and the tree-sitter grammar in tirscript's `grammar/'.
;;
;; It highlights the `T'/`I' namespaces and their builtins (`T.block', `T.grid'), dtype strings
;; and typed constants (`"float32"', `T.float32(0)'), block names, thread tags and storage
;; scopes, and the usual Python syntax; it indents like Python (a line after a header ending in
;; `:' is indented, a line after `return'/`pass'/`break'/`continue' is dedented, brackets align
;; their contents) and provides defun navigation and imenu for prim_funcs and IR modules.
;;
;; Install the grammar once with `M-x treesit-install-language-grammar RET tvmscript', after
;; adding the entry shown in editors/README.md to `treesit-language-source-alist'.

;;; Code:

(require 'treesit)
(require 'prog-mode)

(declare-function treesit-parser-create "treesit.c")
(declare-function treesit-node-text "treesit.c")
(declare-function treesit-node-type "treesit.c")
(declare-function treesit-node-parent "treesit.c")
(declare-function treesit-node-child "treesit.c")
(declare-function treesit-node-child-by-field-name "treesit.c")
(declare-function treesit-node-eq "treesit.c")
(declare-function treesit-node-start "treesit.c")
(declare-function treesit-node-end "treesit.c")

(defgroup tvmscript-ts nil
  "Major mode for TVMScript using tree-sitter."
  :group 'languages
  :prefix "tvmscript-ts-mode-")

(defcustom tvmscript-ts-mode-indent-offset 4
  "Number of spaces for each indentation step in `tvmscript-ts-mode'."
  :type 'integer
  :safe 'integerp
  :group 'tvmscript-ts)

;;;; Fontifiers for TVMScript-specific highlighting
;;
;; Whether `T.float32' is a typed constant or `"shared"' a storage scope depends on the text,
;; not only on the tree. Instead of query predicates, whose spelling differs between Emacs
;; versions and libtree-sitter releases (`#pred' versus `#pred?'), the queries capture whole
;; nodes with these functions, which look at the text and apply standard faces.

(defconst tvmscript-ts-mode--dtype-regexp
  (rx bos
      (or "bool" "handle" "void" "bfloat16"
          (seq (? "u") "int" (+ digit))
          (seq "float" (+ digit) (? "_e" (+ digit) "m" (+ digit) (* lower)))
          (seq "e" (any "45") "m" (any "23") "_float8"))
      (? "x" (+ digit))
      eos)
  "Matches a TVM dtype name such as float32, int8x4, uint1 or handle.")

(defconst tvmscript-ts-mode--scope-regexp
  (rx bos
      (or (seq (or "threadIdx" "blockIdx" "vthread") (? "." (any "xyz")))
          "global" "shared" "shared.dyn" "local" "local.fragment" "warp"
          (seq "wmma." (+ (any "a-z_"))))
      eos)
  "Matches a thread tag or a storage scope such as threadIdx.x or shared.")

(defun tvmscript-ts-mode--string-value (node)
  "Return the text of string NODE without its prefix and quotes."
  (let ((text (treesit-node-text node t)))
    (if (string-match (rx bos (* (any "rRbBuUfF")) (group (or "'''" "\"\"\"" "'" "\""))) text)
        (let ((quote-length (length (match-string 1 text))))
          (substring text (match-end 0) (max (match-end 0) (- (length text) quote-length))))
      text)))

(defun tvmscript-ts-mode--namespace-node-p (node)
  "Non-nil if NODE is the identifier `T' or `I', TVMScript's namespaces."
  (and node
       (equal (treesit-node-type node) "identifier")
       (member (treesit-node-text node t) '("T" "I"))))

(defun tvmscript-ts-mode--fontify (node face override start end)
  "Give NODE the FACE, honouring OVERRIDE, within START and END."
  (treesit-fontify-with-override (treesit-node-start node) (treesit-node-end node)
                                 face override start end))

(defun tvmscript-ts-mode--block-name-p (string-node)
  "Non-nil if STRING-NODE is the first argument of `T.block(...)'."
  (let* ((arguments (treesit-node-parent string-node))
         (call (and arguments (treesit-node-parent arguments)))
         (function (and call (treesit-node-child-by-field-name call "function"))))
    (and (equal (treesit-node-type arguments) "argument_list")
         (equal (treesit-node-type call) "call")
         (treesit-node-eq (treesit-node-child arguments 0 t) string-node)
         (equal (treesit-node-type function) "attribute")
         (tvmscript-ts-mode--namespace-node-p (treesit-node-child-by-field-name function "object"))
         (member (treesit-node-text (treesit-node-child-by-field-name function "attribute") t)
                 '("block" "sblock")))))

(defun tvmscript-ts-mode--docstring-p (string-node)
  "Non-nil if STRING-NODE is the first statement of a function or class body."
  (let* ((statement (treesit-node-parent string-node))
         (block (and statement (treesit-node-parent statement))))
    (and (equal (treesit-node-type statement) "expression_statement")
         (equal (treesit-node-type block) "block")
         (treesit-node-eq (treesit-node-child block 0 t) statement)
         (member (treesit-node-type (treesit-node-parent block))
                 '("function_definition" "class_definition")))))

(defun tvmscript-ts-mode--fontify-string (node override start end &rest _)
  "Fontify string NODE: block names, dtypes, scopes, docstrings, or plain strings."
  (let ((value (tvmscript-ts-mode--string-value node)))
    (tvmscript-ts-mode--fontify
     node
     (cond ((tvmscript-ts-mode--block-name-p node) 'font-lock-function-name-face)
           ((string-match-p tvmscript-ts-mode--dtype-regexp value) 'font-lock-type-face)
           ((string-match-p tvmscript-ts-mode--scope-regexp value) 'font-lock-constant-face)
           ((tvmscript-ts-mode--docstring-p node) 'font-lock-doc-face)
           (t 'font-lock-string-face))
     override start end)))

(defun tvmscript-ts-mode--fontify-attribute (node override start end &rest _)
  "Fontify attribute NODE when it is a member of `T', `I' or `T.axis'.
OVERRIDE, START and END are as for `treesit-fontify-with-override'.
Dtype names such as `T.float32' and capitalised names such as
`T.Buffer' get the type face, every other member the builtin face."
  (let* ((object (treesit-node-child-by-field-name node "object"))
         (member-node (treesit-node-child-by-field-name node "attribute"))
         (member-name (and member-node (treesit-node-text member-node t)))
         (case-fold-search nil))
    (cond
     ((and member-node (tvmscript-ts-mode--namespace-node-p object))
      (tvmscript-ts-mode--fontify object 'font-lock-builtin-face override start end)
      (tvmscript-ts-mode--fontify
       member-node
       (if (or (string-match-p tvmscript-ts-mode--dtype-regexp member-name)
               (string-match-p (rx bos upper) member-name))
           'font-lock-type-face
         'font-lock-builtin-face)
       override start end))
     ((and member-node
           (equal (treesit-node-type object) "attribute")
           (tvmscript-ts-mode--namespace-node-p (treesit-node-child-by-field-name object "object")))
      ;; `T.axis.remap': the inner `T.axis' is fontified as an attribute of its own.
      (tvmscript-ts-mode--fontify member-node 'font-lock-builtin-face override start end)))))

;;;; Font lock

(defvar tvmscript-ts-mode--font-lock-settings
  (treesit-font-lock-rules
   ;; Emacs applies the first face given to a region, so specific rules come first.
   :language 'tvmscript
   :feature 'comment
   "(comment) @font-lock-comment-face"

   :language 'tvmscript
   :feature 'string
   "(string) @tvmscript-ts-mode--fontify-string"

   :language 'tvmscript
   :feature 'escape
   :override t
   "(escape_sequence) @font-lock-escape-face"

   :language 'tvmscript
   :feature 'decorator
   "(decorator \"@\" @font-lock-preprocessor-face)
    (decorator (identifier) @font-lock-preprocessor-face)
    (decorator (attribute
                 object: (identifier) @font-lock-builtin-face
                 attribute: (identifier) @font-lock-preprocessor-face))
    (decorator (call
                 function: (attribute
                   object: (identifier) @font-lock-builtin-face
                   attribute: (identifier) @font-lock-preprocessor-face)))"

   :language 'tvmscript
   :feature 'tvmscript
   "(attribute) @tvmscript-ts-mode--fontify-attribute"

   :language 'tvmscript
   :feature 'definition
   "(function_definition name: (identifier) @font-lock-function-name-face)
    (class_definition name: (identifier) @font-lock-type-face)
    (parameters (identifier) @font-lock-variable-name-face)
    (typed_parameter name: (identifier) @font-lock-variable-name-face)
    (default_parameter name: (identifier) @font-lock-variable-name-face)
    (typed_default_parameter name: (identifier) @font-lock-variable-name-face)
    (lambda_parameters (identifier) @font-lock-variable-name-face)
    (list_splat_pattern (identifier) @font-lock-variable-name-face)
    (dictionary_splat_pattern (identifier) @font-lock-variable-name-face)"

   :language 'tvmscript
   :feature 'keyword
   "[\"def\" \"class\" \"return\" \"if\" \"elif\" \"else\" \"for\" \"while\" \"in\" \"with\" \"as\"
     \"assert\" \"lambda\" \"import\" \"from\" \"not\" \"and\" \"or\" \"is\" \"not in\" \"is not\"
     (pass_statement) (break_statement) (continue_statement)] @font-lock-keyword-face"

   :language 'tvmscript
   :feature 'constant
   "[(true) (false) (none)] @font-lock-constant-face"

   :language 'tvmscript
   :feature 'number
   "[(integer) (float)] @font-lock-number-face"

   :language 'tvmscript
   :feature 'function
   "(call function: (identifier) @font-lock-function-call-face)
    (call function: (attribute attribute: (identifier) @font-lock-function-call-face))"

   :language 'tvmscript
   :feature 'property
   "(attribute attribute: (identifier) @font-lock-property-use-face)
    (keyword_argument name: (identifier) @font-lock-property-name-face)"

   :language 'tvmscript
   :feature 'variable
   "(assignment left: (identifier) @font-lock-variable-name-face)
    (assignment left: (expression_list (identifier) @font-lock-variable-name-face))
    (annotated_assignment left: (identifier) @font-lock-variable-name-face)
    (for_statement left: (pattern (identifier) @font-lock-variable-name-face))
    (for_statement left: (pattern_list (pattern (identifier) @font-lock-variable-name-face)))
    (with_item alias: (pattern (identifier) @font-lock-variable-name-face))"

   :language 'tvmscript
   :feature 'operator
   "[\"+\" \"-\" \"*\" \"/\" \"//\" \"%\" \"**\" \"@\" \"|\" \"&\" \"^\" \"~\" \"<<\" \">>\"
     \"<\" \"<=\" \"==\" \"!=\" \">=\" \">\" \"=\" \"+=\" \"-=\" \"*=\" \"/=\" \"//=\" \"%=\"
     \"**=\" \"@=\" \"&=\" \"|=\" \"^=\" \"<<=\" \">>=\" \"->\"] @font-lock-operator-face"

   :language 'tvmscript
   :feature 'bracket
   "[\"(\" \")\" \"[\" \"]\" \"{\" \"}\"] @font-lock-bracket-face"

   :language 'tvmscript
   :feature 'delimiter
   "[\",\" \".\" \":\" \";\"] @font-lock-delimiter-face")
  "Tree-sitter font-lock settings for `tvmscript-ts-mode'.")

;;;; Indentation

(defun tvmscript-ts-mode--previous-code-line ()
  "Return the nearest code line before point's line, or nil.
Blank lines and comment-only lines are skipped."
  (save-excursion
    (let ((found nil))
      (while (and (not found) (zerop (forward-line -1)))
        (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
          (unless (string-match-p (rx bos (* blank) (? "#" (* nonl)) eos) line)
            (setq found line))))
      found)))

(defun tvmscript-ts-mode--after-header-p (_node _parent bol &rest _)
  "Non-nil if the code line before BOL is a block header ending in a colon."
  (save-excursion
    (goto-char bol)
    (let ((line (tvmscript-ts-mode--previous-code-line)))
      (and line (string-match-p (rx ":" (* blank) (? "#" (* nonl)) eos) line)))))

(defun tvmscript-ts-mode--after-block-end-p (_node _parent bol &rest _)
  "Non-nil if the code line before BOL ends its block.
That is a `return', `pass', `break' or `continue' statement."
  (save-excursion
    (goto-char bol)
    (let ((line (tvmscript-ts-mode--previous-code-line)))
      (and line
           (string-match-p (rx bos (* blank) (or "return" "pass" "break" "continue") symbol-end)
                           line)))))

(defun tvmscript-ts-mode--previous-code-line-indent (_node _parent bol &rest _)
  "Return the indentation position of the code line before BOL."
  (save-excursion
    (goto-char bol)
    (let ((moved nil))
      (while (and (not moved) (zerop (forward-line -1)))
        (unless (looking-at-p (rx (* blank) (? "#" (* nonl)) eol))
          (setq moved t)))
      (back-to-indentation)
      (point))))

(defun tvmscript-ts-mode--dedent-offset (&rest _)
  "Return one indentation step back, following `tvmscript-ts-mode-indent-offset'."
  (- tvmscript-ts-mode-indent-offset))

(defvar tvmscript-ts-mode--indent-rules
  '((tvmscript
     ((node-is ")") parent-bol 0)
     ((node-is "]") parent-bol 0)
     ((node-is "}") parent-bol 0)
     ((node-is "elif_clause") parent-bol 0)
     ((node-is "else_clause") parent-bol 0)
     ((node-is "string_content") no-indent 0)
     ((parent-is "block") parent-bol tvmscript-ts-mode-indent-offset)
     ((parent-is "argument_list") parent-bol tvmscript-ts-mode-indent-offset)
     ((parent-is "parameters") parent-bol tvmscript-ts-mode-indent-offset)
     ((parent-is "list") parent-bol tvmscript-ts-mode-indent-offset)
     ((parent-is "dictionary") parent-bol tvmscript-ts-mode-indent-offset)
     ((parent-is "tuple") parent-bol tvmscript-ts-mode-indent-offset)
     (tvmscript-ts-mode--after-header-p tvmscript-ts-mode--previous-code-line-indent
                                        tvmscript-ts-mode-indent-offset)
     (tvmscript-ts-mode--after-block-end-p tvmscript-ts-mode--previous-code-line-indent
                                           tvmscript-ts-mode--dedent-offset)
     (catch-all tvmscript-ts-mode--previous-code-line-indent 0)))
  "Tree-sitter indentation rules for `tvmscript-ts-mode'.")

;;;; Navigation

(defun tvmscript-ts-mode--defun-name (node)
  "Return the name of the function or class definition NODE, or nil."
  (pcase (treesit-node-type node)
    ((or "function_definition" "class_definition")
     (treesit-node-text (treesit-node-child-by-field-name node "name") t))))

(defvar tvmscript-ts-mode--syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?# "<" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?' "\"" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?\\ "\\" table)
    (dolist (char '(?+ ?- ?* ?/ ?% ?& ?| ?^ ?~ ?< ?> ?= ?@))
      (modify-syntax-entry char "." table))
    table)
  "Syntax table for `tvmscript-ts-mode'.")

;;;###autoload
(define-derived-mode tvmscript-ts-mode prog-mode "TVMScript"
  "Major mode for editing TVMScript (TVM TIR) files, powered by tree-sitter."
  :group 'tvmscript-ts
  :syntax-table tvmscript-ts-mode--syntax-table
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local comment-end "")
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width tvmscript-ts-mode-indent-offset)
  (when (treesit-ready-p 'tvmscript)
    (treesit-parser-create 'tvmscript)
    (setq-local treesit-font-lock-settings tvmscript-ts-mode--font-lock-settings)
    (setq-local treesit-font-lock-feature-list
                '((comment definition)
                  (keyword string tvmscript)
                  (constant number decorator escape)
                  (function property variable operator bracket delimiter)))
    (setq-local treesit-simple-indent-rules tvmscript-ts-mode--indent-rules)
    (setq-local treesit-defun-type-regexp (rx bos (or "function_definition" "class_definition") eos))
    (setq-local treesit-defun-name-function #'tvmscript-ts-mode--defun-name)
    (setq-local treesit-simple-imenu-settings
                '(("Function" "\\`function_definition\\'" nil nil)
                  ("Module" "\\`class_definition\\'" nil nil)))
    (treesit-major-mode-setup)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.tir\\'" . tvmscript-ts-mode))

(provide 'tvmscript-ts-mode)

;;; tvmscript-ts-mode.el ends here

//! The documented capture names of each editor, written out so that a query using a name the
//! editor does not know fails here instead of silently rendering unhighlighted.
//!
//! Sources: tree-sitter-highlight 0.27's standard capture names (`STANDARD_CAPTURE_NAMES` in
//! its `highlight.rs`) and tree-sitter's documented local-variable captures; nvim-treesitter's
//! CONTRIBUTING.md (highlights, locals, folds, injections, indents); Helix's book
//! (`themes.md` scopes, `guides/indent.md`, `guides/textobject.md`, `guides/locals.md`,
//! `guides/injection.md`); Emacs 29's standard `font-lock-*-face` faces.

/// tree-sitter-highlight's standard capture names.
pub const TREE_SITTER_HIGHLIGHTS: &[&str] = &[
    "attribute", "boolean", "carriage-return", "comment", "comment.documentation", "constant",
    "constant.builtin", "constructor", "constructor.builtin", "embedded", "error", "escape",
    "function", "function.builtin", "keyword", "markup", "markup.bold", "markup.heading",
    "markup.italic", "markup.link", "markup.link.url", "markup.list", "markup.list.checked",
    "markup.list.numbered", "markup.list.unchecked", "markup.list.unnumbered", "markup.quote",
    "markup.raw", "markup.raw.block", "markup.raw.inline", "markup.strikethrough", "module",
    "number", "operator", "property", "property.builtin", "punctuation", "punctuation.bracket",
    "punctuation.delimiter", "punctuation.special", "string", "string.escape", "string.regexp",
    "string.special", "string.special.symbol", "tag", "type", "type.builtin", "variable",
    "variable.builtin", "variable.member", "variable.parameter",
];

/// tree-sitter's local-variable captures, used by tree-sitter-highlight.
pub const TREE_SITTER_LOCALS: &[&str] = &["local.scope", "local.definition", "local.reference"];

/// nvim-treesitter's highlight captures.
pub const NVIM_HIGHLIGHTS: &[&str] = &[
    "variable", "variable.builtin", "variable.parameter", "variable.parameter.builtin",
    "variable.member", "constant", "constant.builtin", "constant.macro", "module",
    "module.builtin", "label", "string", "string.documentation", "string.regexp",
    "string.escape", "string.special", "string.special.symbol", "string.special.url",
    "string.special.path", "character", "character.special", "boolean", "number",
    "number.float", "type", "type.builtin", "type.definition", "attribute", "attribute.builtin",
    "property", "function", "function.builtin", "function.call", "function.macro",
    "function.method", "function.method.call", "constructor", "operator", "keyword",
    "keyword.coroutine", "keyword.function", "keyword.operator", "keyword.import",
    "keyword.type", "keyword.modifier", "keyword.repeat", "keyword.return", "keyword.debug",
    "keyword.exception", "keyword.conditional", "keyword.conditional.ternary",
    "keyword.directive", "keyword.directive.define", "punctuation.delimiter",
    "punctuation.bracket", "punctuation.special", "comment", "comment.documentation",
    "comment.error", "comment.warning", "comment.todo", "comment.note", "markup.strong",
    "markup.italic", "markup.strikethrough", "markup.underline", "markup.heading",
    "markup.heading.1", "markup.heading.2", "markup.heading.3", "markup.heading.4",
    "markup.heading.5", "markup.heading.6", "markup.quote", "markup.math", "markup.link",
    "markup.link.label", "markup.link.url", "markup.raw", "markup.raw.block", "markup.list",
    "markup.list.checked", "markup.list.unchecked", "diff.plus", "diff.minus", "diff.delta",
    "tag", "tag.builtin", "tag.attribute", "tag.delimiter", "none", "conceal", "spell",
    "nospell",
];

/// nvim-treesitter's locals captures.
pub const NVIM_LOCALS: &[&str] = &[
    "local.definition", "local.definition.constant", "local.definition.function",
    "local.definition.method", "local.definition.var", "local.definition.parameter",
    "local.definition.macro", "local.definition.type", "local.definition.field",
    "local.definition.enum", "local.definition.namespace", "local.definition.import",
    "local.definition.associated", "local.scope", "local.reference",
];

/// nvim-treesitter's fold capture.
pub const NVIM_FOLDS: &[&str] = &["fold"];

/// nvim-treesitter's injection captures.
pub const NVIM_INJECTIONS: &[&str] = &["injection.content", "injection.language"];

/// nvim-treesitter's indent captures.
pub const NVIM_INDENTS: &[&str] = &[
    "indent.begin", "indent.end", "indent.align", "indent.dedent", "indent.branch",
    "indent.ignore", "indent.auto", "indent.zero",
];

/// Helix's syntax highlighting scopes: every node of the documented scope tree.
pub const HELIX_HIGHLIGHTS: &[&str] = &[
    "attribute", "type", "type.builtin", "type.parameter", "type.enum", "type.enum.variant",
    "constructor", "constant", "constant.builtin", "constant.builtin.boolean",
    "constant.character", "constant.character.escape", "constant.numeric",
    "constant.numeric.integer", "constant.numeric.float", "string", "string.regexp",
    "string.special", "string.special.path", "string.special.url", "string.special.symbol",
    "comment", "comment.line", "comment.line.documentation", "comment.block",
    "comment.block.documentation", "comment.unused", "variable", "variable.builtin",
    "variable.parameter", "variable.other", "variable.other.member",
    "variable.other.member.private", "label", "punctuation", "punctuation.delimiter",
    "punctuation.bracket", "punctuation.special", "keyword", "keyword.control",
    "keyword.control.conditional", "keyword.control.repeat", "keyword.control.import",
    "keyword.control.return", "keyword.control.exception", "keyword.operator",
    "keyword.directive", "keyword.function", "keyword.storage", "keyword.storage.type",
    "keyword.storage.modifier", "operator", "function", "function.builtin", "function.method",
    "function.method.private", "function.macro", "function.special", "tag", "tag.builtin",
    "namespace", "special", "markup", "markup.heading", "markup.heading.marker",
    "markup.heading.1", "markup.heading.2", "markup.heading.3", "markup.heading.4",
    "markup.heading.5", "markup.heading.6", "markup.list", "markup.list.unnumbered",
    "markup.list.numbered", "markup.list.checked", "markup.list.unchecked", "markup.bold",
    "markup.italic", "markup.strikethrough", "markup.link", "markup.link.url",
    "markup.link.label", "markup.link.text", "markup.quote", "markup.raw", "markup.raw.inline",
    "markup.raw.block", "diff", "diff.plus", "diff.plus.gutter", "diff.minus",
    "diff.minus.gutter", "diff.delta", "diff.delta.moved", "diff.delta.conflict",
    "diff.delta.gutter",
];

/// Helix's locals captures.
pub const HELIX_LOCALS: &[&str] = &["local.scope", "local.definition", "local.reference"];

/// Helix's indent captures.
pub const HELIX_INDENTS: &[&str] = &[
    "indent", "outdent", "indent.always", "outdent.always", "align", "anchor", "extend",
    "extend.prevent-once",
];

/// Helix's textobject captures.
pub const HELIX_TEXTOBJECTS: &[&str] = &[
    "function.inside", "function.around", "class.inside", "class.around", "test.inside",
    "test.around", "parameter.inside", "parameter.around", "comment.inside", "comment.around",
    "entry.inside", "entry.around",
];

/// Helix's injection captures.
pub const HELIX_INJECTIONS: &[&str] = &["injection.content", "injection.language", "injection.filename"];

/// Emacs 29's standard font-lock faces, usable as capture names in `treesit-font-lock-rules`.
pub const EMACS_FACES: &[&str] = &[
    "font-lock-comment-face", "font-lock-comment-delimiter-face", "font-lock-string-face",
    "font-lock-doc-face", "font-lock-doc-markup-face", "font-lock-keyword-face",
    "font-lock-builtin-face", "font-lock-function-name-face", "font-lock-function-call-face",
    "font-lock-variable-name-face", "font-lock-variable-use-face", "font-lock-type-face",
    "font-lock-constant-face", "font-lock-warning-face", "font-lock-negation-char-face",
    "font-lock-preprocessor-face", "font-lock-regexp-grouping-backslash",
    "font-lock-regexp-grouping-construct", "font-lock-escape-face", "font-lock-number-face",
    "font-lock-operator-face", "font-lock-property-name-face", "font-lock-property-use-face",
    "font-lock-punctuation-face", "font-lock-bracket-face", "font-lock-delimiter-face",
    "font-lock-misc-punctuation-face",
];

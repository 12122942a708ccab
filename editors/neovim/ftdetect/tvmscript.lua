-- Recognise TVMScript files: `.tir` files get the `tvmscript` filetype, the name of the
-- tree-sitter parser, so Neovim finds the parser and queries/tvmscript/ without a mapping.
vim.filetype.add({ extension = { tir = "tvmscript" } })

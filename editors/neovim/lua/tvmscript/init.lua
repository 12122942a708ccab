--- Neovim integration for TVMScript (`.tir` files, Apache TVM's TIR text form).
---
--- `require("tvmscript").setup()` registers the tree-sitter parser in tirscript's `grammar/`
--- with nvim-treesitter (either its `master` or its `main` branch), so `:TSInstall tvmscript`
--- builds it, and starts tree-sitter highlighting, folding and indentation in `tvmscript`
--- buffers. The queries are found on the runtimepath in `queries/tvmscript/`.
local M = {}

--- The grammar directory of the tirscript checkout this file belongs to:
--- this file is `<repo>/editors/neovim/lua/tvmscript/init.lua`.
local function default_grammar_dir()
  local this_file = debug.getinfo(1, "S").source:sub(2)
  local repo = vim.fn.fnamemodify(this_file, ":p:h:h:h:h:h")
  return repo .. "/grammar"
end

--- Registers the parser with nvim-treesitter, if it is installed.
local function register_parser(grammar_dir)
  local ok, parsers = pcall(require, "nvim-treesitter.parsers")
  if not ok then
    return
  end
  if type(parsers.get_parser_configs) == "function" then
    -- nvim-treesitter `master`: a parser config with a local url and the C sources.
    parsers.get_parser_configs().tvmscript = {
      install_info = {
        url = grammar_dir,
        files = { "src/parser.c", "src/scanner.c" },
        requires_generate_from_grammar = false,
      },
      filetype = "tvmscript",
    }
  else
    -- nvim-treesitter `main`: parsers are (re)registered on every TSUpdate event.
    vim.api.nvim_create_autocmd("User", {
      pattern = "TSUpdate",
      callback = function()
        require("nvim-treesitter.parsers").tvmscript = {
          install_info = { path = grammar_dir },
          tier = 3,
        }
      end,
    })
  end
end

--- Starts tree-sitter highlighting, folds and indentation in a TVMScript buffer.
local function attach(buffer)
  if not pcall(vim.treesitter.start, buffer, "tvmscript") then
    vim.notify_once("tvmscript: the tree-sitter parser is not installed (:TSInstall tvmscript)", vim.log.levels.WARN)
    return
  end
  for _, window in ipairs(vim.fn.win_findbuf(buffer)) do
    vim.wo[window].foldmethod = "expr"
    vim.wo[window].foldexpr = "v:lua.vim.treesitter.foldexpr()"
    vim.wo[window].foldlevel = 99
  end
  local ok, nvim_treesitter = pcall(require, "nvim-treesitter")
  if ok and type(nvim_treesitter.indentexpr) == "function" then
    vim.bo[buffer].indentexpr = "v:lua.require'nvim-treesitter'.indentexpr()"
  elseif vim.fn.exists("*nvim_treesitter#indent") == 1 then
    vim.bo[buffer].indentexpr = "nvim_treesitter#indent()"
  end
end

--- Options: `grammar_dir` (default: the `grammar/` directory of this checkout).
function M.setup(opts)
  opts = opts or {}
  register_parser(opts.grammar_dir or default_grammar_dir())
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "tvmscript",
    group = vim.api.nvim_create_augroup("tvmscript", { clear = true }),
    callback = function(args)
      attach(args.buf)
    end,
  })
end

return M

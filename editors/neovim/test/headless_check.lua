-- Headless Neovim check of the TVMScript integration, run by run.sh:
--   nvim --headless -u NONE --cmd "set rtp^=<parser dir>,<editors/neovim>" -l/-c luafile this
-- It opens a .tir file, checks the filetype, parses it without errors, compiles every query
-- in queries/tvmscript/, and asserts the winning highlight capture of chosen tokens (the last
-- capture of a node wins, as in Neovim's highlighter). Exits with status 1 on any failure.
local file = vim.env.TVMSCRIPT_CHECK_FILE
local failures = {}
local function fail(message) table.insert(failures, message) end

vim.cmd("edit " .. file)
local buffer = vim.api.nvim_get_current_buf()
if vim.bo[buffer].filetype ~= "tvmscript" then
  fail("filetype is '" .. vim.bo[buffer].filetype .. "', expected 'tvmscript'")
end

local ok, parser = pcall(vim.treesitter.get_parser, buffer, "tvmscript")
if not ok then
  fail("cannot load the parser: " .. tostring(parser))
else
  local root = parser:parse()[1]:root()
  if root:has_error() then fail("the file parses with errors") end
  for _, name in ipairs({ "highlights", "locals", "folds", "indents" }) do
    local compiled, query = pcall(vim.treesitter.get_query, "tvmscript", name)
    if not compiled or query == nil then fail(name .. ".scm does not compile: " .. tostring(query)) end
  end

  -- The winning capture of every captured node, keyed by its text and start position.
  local query = vim.treesitter.get_query("tvmscript", "highlights")
  local winner = {}
  for id, node in query:iter_captures(root, buffer, 0, -1) do
    local capture = query.captures[id]
    if capture ~= "spell" and capture ~= "nospell" then
      local row, col = node:range()
      winner[row .. ":" .. col] = { capture = capture, text = vim.treesitter.get_node_text(node, buffer) }
    end
  end
  local function first_capture_of(text)
    local best
    for key, entry in pairs(winner) do
      if entry.text == text then
        local row, col = key:match("^(%d+):(%d+)$")
        local position = tonumber(row) * 100000 + tonumber(col)
        if best == nil or position < best.position then
          best = { position = position, capture = entry.capture }
        end
      end
    end
    return best and best.capture
  end
  local expected = {
    { "@", "attribute" }, { "prim_func", "attribute" }, { "def", "keyword.function" },
    { "main", "function" }, { "Buffer", "type" }, { '"float16"', "type.builtin" },
    { "func_attr", "function.builtin" }, { "bool", "type.builtin" }, { "True", "boolean" },
    { '"shared"', "string.special" }, { '"blockIdx.x"', "string.special" },
    { "for", "keyword.repeat" }, { "grid", "function.builtin" }, { "with", "keyword" },
    { '"A_shared"', "label" }, { "axis", "module" }, { "spatial", "function.builtin" },
    { "Cast", "constructor" }, { "1024", "number" }, { "0.0", "number.float" },
    { "# from tvm.script import ir as I", "comment" },
  }
  for _, pair in ipairs(expected) do
    local got = first_capture_of(pair[1])
    if got ~= pair[2] then
      fail(string.format("%s: expected @%s, got @%s", pair[1], pair[2], tostring(got)))
    end
  end
end

if #failures > 0 then
  io.stderr:write("tvmscript neovim check FAILED\n" .. table.concat(failures, "\n") .. "\n")
  vim.cmd("cquit 1")
else
  io.stdout:write("tvmscript neovim check passed (" .. vim.fn.fnamemodify(file, ":t") .. ")\n")
  vim.cmd("qall!")
end

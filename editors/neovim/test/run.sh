#!/usr/bin/env bash
# Runs headless_check.lua in a real Neovim against grammar/test/samples/matmul.tir.
# The parser is compiled into a scratch runtimepath; with NVIM_TS_ABI=14 (needed by Neovim
# older than 0.11, whose tree-sitter cannot load ABI 15) it is first regenerated with
# `tree-sitter generate --abi 14` in a scratch copy of the grammar.
#
# Usage: bash editors/neovim/test/run.sh        (needs nvim and a C compiler; tree-sitter for ABI 14)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

source_dir="$repo/grammar"
if [[ "${NVIM_TS_ABI:-15}" == "14" ]]; then
  mkdir -p "$scratch/grammar/src"
  cp "$repo/grammar/grammar.js" "$repo/grammar/tree-sitter.json" "$scratch/grammar/"
  cp "$repo/grammar/src/scanner.c" "$scratch/grammar/src/"
  (cd "$scratch/grammar" && tree-sitter generate --abi 14 >/dev/null)
  source_dir="$scratch/grammar"
fi
mkdir -p "$scratch/rtp/parser"
cc -O2 -shared -fPIC -I "$source_dir/src" "$source_dir/src/parser.c" "$source_dir/src/scanner.c" \
  -o "$scratch/rtp/parser/tvmscript.so"

for sample in "$repo/grammar/test/samples/matmul.tir"; do
  TVMSCRIPT_CHECK_FILE="$sample" nvim --headless -u NONE -i NONE \
    --cmd "set rtp^=$scratch/rtp,$repo/editors/neovim" --cmd "filetype on" \
    -c "luafile $here/headless_check.lua"
done

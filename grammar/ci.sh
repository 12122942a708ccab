#!/usr/bin/env bash
# CI for the TVMScript tree-sitter grammar. Idempotent; works from a clean clone (no npm, no
# node_modules: `tree-sitter generate` only needs a JavaScript runtime such as node).
#
#   1. Installs tree-sitter-cli 0.27.x with `cargo install --locked` unless `tree-sitter
#      --version` already reports 0.27.x.
#   2. Regenerates the parser from grammar.js into a temporary copy and fails if anything in
#      the committed src/ (parser.c, grammar.json, node-types.json, tree_sitter/*.h) differs.
#   3. Runs `tree-sitter test`: the corpus in test/corpus and the highlight assertions in
#      test/highlight.
#
# Usage (from anywhere): bash grammar/ci.sh
set -euo pipefail

grammar_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$grammar_dir"

required_series="0.27"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

installed="$(tree-sitter --version 2>/dev/null || true)"
if [[ "$installed" != "tree-sitter ${required_series}."* ]]; then
  echo "ci.sh: installing tree-sitter-cli ${required_series}.x (found: ${installed:-none})"
  cargo install tree-sitter-cli --locked --version "~${required_series}"
fi
echo "ci.sh: using $(tree-sitter --version)"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# Regenerate from a copy holding only the inputs, so nothing in the checkout is touched.
cp grammar.js tree-sitter.json "$scratch/"
mkdir -p "$scratch/src"
cp src/scanner.c "$scratch/src/"
(cd "$scratch" && tree-sitter generate)

if ! diff -ru src "$scratch/src"; then
  echo "ci.sh: the committed parser in grammar/src differs from what grammar.js generates." >&2
  echo "ci.sh: run 'tree-sitter generate' in grammar/ and commit the result." >&2
  exit 1
fi
echo "ci.sh: committed parser is up to date"

tree-sitter test

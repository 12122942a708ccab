#!/usr/bin/env bash
# Runs tirscript's whole test suite: set-up, formatting, every crate's tests, and the grammar's
# regeneration check and corpus. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --grammar
export PATH="$HOME/.cargo/bin:$PATH"

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo test (workspace)"
cargo test --workspace --quiet

echo "== grammar: regenerate, compare, tree-sitter test"
bash grammar/ci.sh

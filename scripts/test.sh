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
cargo test --workspace --quiet --no-fail-fast

echo "== tirscript check on every .tir program (error cases under err/ excepted)"
tirscript=(cargo run --quiet --bin tirscript --)
git ls-files '*.tir' | grep -v '/err/' | xargs "${tirscript[@]}" check

echo "== tirscript fmt --check on the whole repository"
# tests/syntax holds lexer and parser inputs (CRLF, tabs, odd spacing) and grammar/test holds
# highlighting samples whose assertion comments pin columns: both are non-canonical on purpose.
"${tirscript[@]}" fmt --check . --exclude tests/syntax --exclude grammar/test

echo "== grammar: regenerate, compare, tree-sitter test"
bash grammar/ci.sh

#!/usr/bin/env bash
# The main job: build tirscript, check the example kernels (parse, build the IR, verify) and that
# they are in canonical form, then lower one. This is the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo build --release --quiet
./target/release/tirscript check examples/*.tir
./target/release/tirscript fmt --check examples/*.tir
./target/release/tirscript lower examples/matmul.tir

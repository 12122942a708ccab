#!/usr/bin/env bash
# The main job: build tirscript, check the example kernels (parse, build the IR, verify), then
# compile and run the matmul example with LLVM, cross-checked against the interpreter and timed.
# This is the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo build --release --quiet
./target/release/tirscript check examples/*.tir
./target/release/tirscript run examples/matmul.tir --bench 20

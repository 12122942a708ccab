#!/usr/bin/env bash
# The main job: build tirscript and run it. This is the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo build --release --quiet
./target/release/tirscript --help

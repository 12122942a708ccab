#!/usr/bin/env bash
# Installs what tirscript's build and tests need beyond the Rust toolchain, idempotently.
#
#   scripts/setup.sh            what `cargo build` and `cargo test` need
#   scripts/setup.sh --grammar  also the tree-sitter CLI, to regenerate and test the grammar
#
# System packages are installed with apt-get when running as root; otherwise the exact command to
# run is printed and the script fails. Anything already present is left alone.
set -euo pipefail

want_grammar=0
for arg in "$@"; do
  case "$arg" in
    --grammar) want_grammar=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || { echo "setup.sh: '$1' is required but missing: $2" >&2; exit 1; }
}

need_cmd cargo "install the Rust toolchain (rustup)"
need_cmd cc "install gcc (apt-get install gcc)"

# Debian packages, by the command that proves each is present.
apt_packages=()
# The LLVM backend (inkwell over LLVM 22, linked dynamically) and the OpenBLAS comparison bench.
[ -x /usr/lib/llvm-22/bin/llvm-config ] || apt_packages+=(llvm-22-dev)
[ -e /usr/lib/x86_64-linux-gnu/libopenblas.so ] || [ -e /usr/lib/aarch64-linux-gnu/libopenblas.so ] \
  || apt_packages+=(libopenblas-dev)

if [ "${#apt_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}"
  else
    echo "setup.sh: missing system packages; run: sudo apt-get install -y ${apt_packages[*]}" >&2
    exit 1
  fi
fi

if [ "$want_grammar" = 1 ]; then
  # The grammar's generated parser is checked against tree-sitter CLI 0.27 (ABI 15).
  if ! tree-sitter --version 2>/dev/null | grep -q '^tree-sitter 0\.27\.'; then
    need_cmd node "the tree-sitter CLI runs grammar.js with node (apt-get install nodejs)"
    echo "setup.sh: installing tree-sitter-cli 0.27 with cargo (a few minutes)"
    cargo install tree-sitter-cli --locked --version '~0.27' --quiet
  fi
fi

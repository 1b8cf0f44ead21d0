#!/usr/bin/env bash
# Runs every Signet test. Installs what it needs (idempotent, quick when present).
# Usage: scripts/test.sh [section...]   sections: rust embedded (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

step() { printf '\n== %s ==\n' "$*"; }

section_rust() {
    step "rust: format"
    cargo fmt --all -- --check
    step "rust: clippy (warnings are errors)"
    cargo clippy --workspace --all-targets -- -D warnings
    step "rust: tests"
    cargo test --workspace
    step "rust: core builds without default features"
    cargo build -p signet-core --no-default-features
}

section_embedded() {
    step "embedded: firmware for thumbv7em-none-eabihf, every feature set (fails on any std leak)"
    "$ROOT/scripts/embedded.sh" --no-record
}

sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(rust embedded)
for s in "${sections[@]}"; do
    "section_$s"
done
step "all requested sections passed: ${sections[*]}"

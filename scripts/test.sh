#!/usr/bin/env bash
# Runs every Signet test: Rust (fmt, clippy, unit, integration, CLI), the thumbv7em
# firmware build, C (ASan/UBSan + Valgrind), Python, Node, the PKCS#11 module with real
# clients, WASM in headless Chromium, and a bounded fuzz smoke run. Installs what it needs (idempotent, quick when present).
#
# Usage: scripts/test.sh [section...]
#   sections: rust embedded c python node shared module wasm fuzz postgres   (default: all,
#   in that order; shared needs what c, python and node build; postgres starts a throwaway server)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ROOT
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# One target dir for every step, so no crate is built twice.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

step() { printf '\n== %s ==\n' "$*"; }

section_rust() {
    step "rust: format"
    cargo fmt --all -- --check
    step "rust: clippy (warnings are errors)"
    cargo clippy --workspace --all-targets -- -D warnings
    cargo clippy -p signet-core --no-default-features --features p256 -- -D warnings
    step "rust: tests"
    # The PKCS#11 tests run against a real SoftHSM2 token (softhsm2-util makes it,
    # pkcs11-tool writes an outside key onto it) and use OpenSSL as the verifier.
    # shellcheck source=lib/deps.sh
    source "$ROOT/scripts/lib/deps.sh"
    ensure_pkcs11_tools
    cargo test --workspace
    step "rust: core without default features (no heap), and with every feature"
    cargo build -p signet-core --no-default-features
    cargo test -p signet-core --all-features
    step "rust: one version of each crypto crate"
    dups=$(cargo tree -d -e normal -p signet-core --all-features --depth 0 2>/dev/null | grep -E '^[a-z]' || true)
    if [ -n "$dups" ]; then echo "duplicate crates in signet-core's tree:"; echo "$dups"; exit 1; fi
}
section_embedded() { step "embedded: thumbv7em-none-eabihf firmware, every feature set (fails on any std leak)"; scripts/embedded.sh --no-record; }
section_c() { step "c: C ABI under ASan/UBSan and Valgrind, install with pkg-config and CMake"; scripts/c-test.sh; }
section_python() { step "python: abi3 wheel, fresh venv without cargo, stubtest, mypy --strict, pytest"; scripts/python-test.sh; }
section_node() { step "node: npm install, tsc, node:test"; scripts/node-test.sh; }
section_shared() { step "shared: CLI, Python, Node and C sign against one state and one budget"; scripts/shared-state-test.sh; }
section_module() { step "module: the PKCS#11 module with pkcs11-tool, OpenSSL, osslsigncode, jarsigner"; scripts/pkcs11-module-test.sh; }
section_wasm() { step "wasm: build, headless Chromium tests"; scripts/wasm-test.sh; }
section_postgres() { step "postgres: hosts sharing one budget in a throwaway PostgreSQL"; scripts/pg-test.sh; }
section_fuzz() { step "fuzz: bounded smoke run of every target"; scripts/fuzz-smoke.sh; }

all=(rust embedded c python node shared module wasm fuzz postgres)
sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=("${all[@]}")
start=$SECONDS
for s in "${sections[@]}"; do
    t=$SECONDS
    "section_$s"
    printf -- '-- section %s passed in %ss\n' "$s" $((SECONDS - t))
done
step "all sections passed (${sections[*]}) in $((SECONDS - start))s"

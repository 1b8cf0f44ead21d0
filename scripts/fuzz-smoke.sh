#!/usr/bin/env bash
# Builds every fuzz target and runs each one briefly on its seed corpus; fails on any
# crash, leak, timeout or out-of-memory. Works from a fresh clone: it installs
# cargo-fuzz if missing and seeds the corpora itself.
#
# Usage: scripts/fuzz-smoke.sh [target...]
# Env:   FUZZ_SECONDS (per target, default 20), FUZZ_TOOLCHAIN (default nightly),
#        FUZZ_RSS_MB (default 2048).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

CARGO_FUZZ_VERSION=0.13.2
seconds=${FUZZ_SECONDS:-20}
toolchain=${FUZZ_TOOLCHAIN:-nightly}
rss=${FUZZ_RSS_MB:-2048}
all=(order_json json_parse spki csr cert counter_recovery grant_budget_ops ffi_c state_files pkcs11_module)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

if [ -f "$ROOT/scripts/lib/deps.sh" ]; then
    # shellcheck source=/dev/null
    . "$ROOT/scripts/lib/deps.sh"
else
    # Same contract as scripts/lib/deps.sh's helper, for branches that predate it.
    ensure_cargo_tool() {
        local bin=$1 crate=$2 version=$3
        if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -qw -- "$version"; then
            return 0
        fi
        echo "deps: installing $crate $version (provides $bin)" >&2
        cargo install --locked --quiet "$crate" --version "$version"
    }
fi
ensure_cargo_tool cargo-fuzz cargo-fuzz "$CARGO_FUZZ_VERSION"

if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
    echo "fuzz-smoke: the $toolchain toolchain is missing (cargo fuzz needs nightly: rustup toolchain install $toolchain)" >&2
    exit 2
fi

"$ROOT/scripts/fuzz-seed.sh" "${targets[@]}"

cd "$ROOT/fuzz"
echo "== fuzz: build (${targets[*]})"
cargo "+$toolchain" fuzz build

failed=()
for t in "${targets[@]}"; do
    echo "== fuzz: $t (${seconds}s)"
    dict=()
    case $t in order_json | json_parse | ffi_c) dict=("-dict=$ROOT/fuzz/dict/order.dict") ;; esac
    log=$(mktemp)
    # Both the seed corpus and a scratch directory: new inputs go to the scratch one, so
    # a smoke run leaves the seeded corpus as it was.
    scratch=$(mktemp -d)
    if cargo "+$toolchain" fuzz run "$t" "$scratch" "$ROOT/fuzz/corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb="$rss" -timeout=10 -print_final_stats=1 \
        "${dict[@]}" >"$log" 2>&1; then
        grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n1 || true
    else
        failed+=("$t")
        tail -n 60 "$log"
    fi
    rm -rf "$scratch" "$log"
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz-smoke: FAILED: ${failed[*]} (reproducers in fuzz/artifacts/<target>/)" >&2
    exit 1
fi
echo "fuzz-smoke: all ${#targets[@]} targets ran ${seconds}s without a crash"

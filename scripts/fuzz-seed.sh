#!/usr/bin/env bash
# Copies the shared test vectors into fuzz/corpus/<target>/ (idempotent; the corpus
# directories are not committed). Usage: scripts/fuzz-seed.sh [target...]
#
# order_json seeds carry their vector's order date: body, NUL, `YYYY-MM-DD` (see
# fuzz/fuzz_targets/order_json.rs); each body is also seeded bare.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
V=$ROOT/tests/vectors
C=$ROOT/fuzz/corpus

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(order_json json_parse spki csr cert counter_recovery grant_budget_ops)

copy() { # copy DEST FILE... (missing globs are skipped)
    local dest=$1 f
    shift
    mkdir -p "$dest"
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$dest/$(basename "$f")"
    done
    return 0
}

seed_order_json() {
    local d=$C/order_json f at expect
    mkdir -p "$d"
    for f in "$V"/orders/*.json "$ROOT"/examples/orders/*.json; do
        case $f in *.expect.json) continue ;; esac
        [ -f "$f" ] || continue
        cp "$f" "$d/$(basename "$f")"
        expect=${f%.json}.expect.json
        at=2025-06-01
        if [ -f "$expect" ]; then
            at=$(sed -n 's/.*"at": *"\([0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}\)".*/\1/p' "$expect" | head -n1)
            at=${at:-2025-06-01}
        fi
        { cat "$f"; printf '\0%s' "$at"; } >"$d/$(basename "${f%.json}")@$at"
    done
}

seed_json_parse() {
    copy "$C/json_parse" "$V"/orders/*.json "$ROOT"/examples/orders/*.json "$V"/keys/index.json
}

seed_spki() { copy "$C/spki" "$V"/keys/*.spki.* "$V"/keys/not-der.bin; }
seed_csr() { copy "$C/csr" "$V"/keys/*.csr.* "$V"/keys/not-der.bin; }
seed_cert() { copy "$C/cert" "$V"/keys/*.cert.* "$V"/keys/not-der.bin; }
# Structured (arbitrary-derived) inputs: no vectors fit; libFuzzer starts from scratch.
seed_counter_recovery() { mkdir -p "$C/counter_recovery"; }
seed_grant_budget_ops() { mkdir -p "$C/grant_budget_ops"; }

for t in "${targets[@]}"; do
    "seed_$t"
    # Crash reproducers become corpus entries too, so fixed bugs stay exercised.
    copy "$C/$t" "$ROOT"/tests/vectors/regressions/"$t"/*
    printf 'seeded %-18s %4d files\n' "$t" "$(find "$C/$t" -maxdepth 1 -type f | wc -l)"
done

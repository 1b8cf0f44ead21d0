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
[ ${#targets[@]} -gt 0 ] || targets=(order_json json_parse spki csr cert counter_recovery grant_budget_ops ffi_c state_files pkcs11_module)

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

# ffi_c input: a 20-byte header (see fuzz/fuzz_targets/ffi_c.rs), then the body.
ffi_header() { # ffi_header FLAGS YYYY-MM-DD
    local flags=$1 y m d b
    IFS=- read -r y m d <<<"$2"
    y=$((10#$y)) m=$((10#$m)) d=$((10#$d))
    # flags, year (LE), month, day, JSON buffer "plenty", finding index 0, result 0,
    # no misuse, prefix 0, message buffer 255, 4 budget operations, allotment 3, ops bits.
    for b in "$flags" $((y & 255)) $((y >> 8)) "$m" "$d" 255 255 0 0 0 0 0 0 0 0 255 4 3 30 0; do
        printf "\\$(printf '%03o' "$b")"
    done
}

seed_ffi_c() {
    local d=$C/ffi_c f at expect name flags
    mkdir -p "$d"
    for f in "$V"/orders/*.json "$ROOT"/examples/orders/*.json; do
        case $f in *.expect.json) continue ;; esac
        [ -f "$f" ] || continue
        expect=${f%.json}.expect.json
        at=2025-06-01 flags=0
        if [ -f "$expect" ]; then
            at=$(sed -n 's/.*"at": *"\([0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}\)".*/\1/p' "$expect" | head -n1)
            at=${at:-2025-06-01}
            grep -q '"product": *"code_signing_ev"' "$expect" && flags=1
        fi
        name=$(basename "${f%.json}")
        { ffi_header "$flags" "$at"; cat "$f"; } >"$d/order-$name"
    done
    # Keys, CSRs and certificates too (the key checks run on every input), with a device.
    for f in "$V"/keys/*.der "$V"/keys/*.pem "$V"/keys/not-der.bin; do
        [ -f "$f" ] || continue
        { ffi_header 4 2025-06-01; cat "$f"; } >"$d/key-$(basename "$f")"
    done
}

# Structured (arbitrary-derived) inputs: no vectors fit; libFuzzer starts from scratch.
seed_counter_recovery() { mkdir -p "$C/counter_recovery"; }
seed_grant_budget_ops() { mkdir -p "$C/grant_budget_ops"; }
# The target damages a state it makes itself (file choice, damage kind, bytes).
seed_state_files() { mkdir -p "$C/state_files"; }
# pkcs11_module: call sequences are structured (arbitrary); libFuzzer starts from nothing.
seed_pkcs11_module() { mkdir -p "$C/pkcs11_module"; }

for t in "${targets[@]}"; do
    "seed_$t"
    # Crash reproducers become corpus entries too, so fixed bugs stay exercised.
    copy "$C/$t" "$ROOT"/tests/vectors/regressions/"$t"/*
    printf 'seeded %-18s %4d files\n' "$t" "$(find "$C/$t" -maxdepth 1 -type f | wc -l)"
done

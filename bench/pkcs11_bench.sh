#!/usr/bin/env bash
# Signatures/s over SoftHSM2: the enforced path (host example pkcs11_bench: raw cryptoki loop,
# Pkcs11Token, core Signer with ECDSA verify-before-release off and on, a whole State with its
# file ledger) and `pkcs11-tool --sign` in a shell loop (one process, C_Initialize and login per
# signature), on a throwaway token.
#
# Usage: bench/pkcs11_bench.sh [N_ECDSA] [N_RSA] [N_TOOL]   (defaults 2000 200 200)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
# shellcheck source=../scripts/lib/deps.sh
source "$ROOT/scripts/lib/deps.sh"
ensure_pkcs11_tools
N_ECDSA=${1:-2000}
N_RSA=${2:-200}
N_TOOL=${3:-200}
M=${SIGNET_TEST_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
PIN=1234

cargo build -q --release -p signet-host --example pkcs11_bench
BENCH=$CARGO_TARGET_DIR/release/examples/pkcs11_bench

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK/tokens" > "$WORK/softhsm2.conf"
export SOFTHSM2_CONF=$WORK/softhsm2.conf
softhsm2-util --init-token --free --label bench --pin $PIN --so-pin 5678 >/dev/null

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for kt in ecc-p256 ecc-p384 rsa-3072 rsa-4096; do
    case $kt in ecc-*) n=$N_ECDSA ;; *) n=$N_RSA ;; esac
    USER=bench "$BENCH" "$M" bench $PIN $kt "$n" "$WORK/states"
done

# pkcs11-tool --sign over the same keys and the same input (the digest for CKM_ECDSA, the
# DigestInfo for CKM_RSA_PKCS).
printf 'benchmark' | openssl dgst -sha256 -binary > "$WORK/d256"
printf 'benchmark' | openssl dgst -sha384 -binary > "$WORK/d384"
{ printf '\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20'; cat "$WORK/d256"; } > "$WORK/i256"
{ printf '\x30\x41\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x02\x05\x00\x04\x30'; cat "$WORK/d384"; } > "$WORK/i384"
tool() { pkcs11-tool --module "$M" --token-label bench --login --pin $PIN "$@"; }
id_of() { tool -O --type privkey 2>/dev/null | grep -A3 "label: *bench-$1\$" | awk '/ID:/{print $2}'; }
for spec in "ecc-p256 ECDSA d256" "ecc-p384 ECDSA d384" "rsa-3072 RSA-PKCS i256" "rsa-4096 RSA-PKCS i384"; do
    set -- $spec
    id=$(id_of "$1")
    start=$(date +%s.%N)
    for _ in $(seq "$N_TOOL"); do
        tool --sign -m "$2" --id "$id" -i "$WORK/$3" -o "$WORK/sig" >/dev/null 2>&1
    done
    end=$(date +%s.%N)
    awk -v n="$N_TOOL" -v s="$start" -v e="$end" -v k="$1" \
        'BEGIN { printf "%s pkcs11-tool --sign loop: %d signatures  %.1f /s  %.3f ms each\n", k, n, n / (e - s), (e - s) * 1000 / n }'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Runs every side-by-side comparison of BENCHMARKS.md and prints one table of
# ratios, with the command behind each row. A benchmark, not a test: it
# asserts nothing and takes a few minutes (criterion, callgrind, hyperfine).
#
# Usage: scripts/bench.sh [--quick] [--pg] [--p11]   (--quick: shorter criterion runs;
#        --pg: only the shared-store rows, against the file store; --p11: only the
#        PKCS#11 module rows)
# Env:   BENCH_DIR (scratch, default target/bench); BENCH_PROFILE (cargo profile of the
#        signet binaries, default release; `dev` reuses a debug build, for a quick look)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ROOT
. scripts/lib/deps.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
T=$CARGO_TARGET_DIR
W=${BENCH_DIR:-$T/bench}
measure=3
pg_only=0
p11_only=0
for a in "$@"; do
    case $a in
        --quick) measure=1 ;;
        --pg) pg_only=1 ;;
        --p11) p11_only=1 ;;
    esac
done
ensure_apt hyperfine valgrind openssl
# Node 20+ may come from elsewhere than Debian (its npm package conflicts with such installs).
command -v npm >/dev/null 2>&1 || ensure_apt nodejs npm
mkdir -p "$W"

rows=()
row() { rows+=("$1|$2|$3|$4|$5"); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
# Criterion's middle estimate, in microseconds, of the benchmark id $2 in log $1.
crit_us() {
    awk -v id="$2" '
        index($0, id) { found = 1 }
        found && /time:/ { gsub(/[\[\]]/, ""); v = $4; u = $5
            if (u == "ns") v /= 1000; else if (u == "ms") v *= 1000; else if (u == "s") v *= 1e6
            print v; exit }' "$1"
}
# hyperfine's mean in seconds for command number $2 (0-based) of export $1.
hf_mean() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['mean'])" "$1" "$2"; }

print_table() {
    echo
    printf '| comparison | signet | anchor | signet / anchor | command |\n|---|---:|---:|---:|---|\n'
    for r in "${rows[@]}"; do
        IFS='|' read -r what ours anchor rat cmd <<<"$r"
        printf '| %s | %s | %s | %s | `%s` |\n' "$what" "$ours" "$anchor" "$rat" "$cmd"
    done
}

prof=${BENCH_PROFILE:-release}
bin=$T/$([ "$prof" = dev ] && echo debug || echo "$prof")
echo "== build ($prof)"
cargo build --profile "$prof" -q -p signet-cli
cargo build --profile "$prof" -q -p signet-host --example sign_host
[ "$pg_only" = 1 ] || cargo build --release -q -p signet-core --features soft-token --example sign_overhead
[ "$pg_only" = 1 ] || cargo build --release -q -p signet-tests --example order_count
SIGNET=$bin/signet

if [ "$pg_only" = 0 ]; then
echo "== PKCS#11 module: C_Sign in a loop through libsignet_pkcs11.so vs the host API and SoftHSM2"
# One process signs P11N digests with CKM_ECDSA through the cryptoki client library
# (pkcs11/examples/module_bench.rs), as a signing tool would: through Signet's module (every
# C_Sign takes the whole enforced path: policy, grant, budget reserve and commit, verify,
# audit record), straight through SoftHSM2, and through State::sign_digest (what the module
# does inside each C_Sign). P-256 everywhere; the token's key is generated on a throwaway
# SoftHSM2 token.
ensure_pkcs11_tools
cargo build --profile "$prof" -q -p signet-pkcs11 --lib --example module_bench
P11BENCH=$bin/examples/module_bench
P11MOD=$bin/libsignet_pkcs11.so
P11N=${BENCH_P11_N:-500}
p11_rate() { "$@" | awk '{ print $(NF - 1) }'; }
rm -rf "$W/p11"
mkdir -p "$W/p11/tokens"
export SOFTHSM2_CONF="$W/p11/softhsm2.conf"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$W/p11/tokens" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label bench --pin 1234 --so-pin 5678 >/dev/null
SIGNET_PKCS11_PIN=1234 "$SIGNET" --state "$W/p11/token-state" init --budget 1000000 --generate p256 \
    --token "pkcs11:token=bench;object=signer;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so" >/dev/null 2>&1
"$SIGNET" --state "$W/p11/soft-state" init --budget 1000000 >/dev/null
soft_mod=$(SIGNET_STATE="$W/p11/soft-state" p11_rate "$P11BENCH" module "$P11MOD" "$P11N")
soft_host=$(p11_rate "$P11BENCH" host "$W/p11/soft-state" "$P11N")
hsm_mod=$(SIGNET_STATE="$W/p11/token-state" p11_rate "$P11BENCH" module "$P11MOD" "$P11N" 1234)
hsm_raw=$(p11_rate "$P11BENCH" module /usr/lib/softhsm/libsofthsm2.so "$P11N" 1234)
row "PKCS#11 module (software-token state) vs State::sign_digest, P-256 (signatures/s)" "$soft_mod" "$soft_host" \
    "$(ratio "$soft_mod" "$soft_host")" "SIGNET_STATE=S module_bench module libsignet_pkcs11.so $P11N; module_bench host S $P11N"
row "PKCS#11 module wrapping a SoftHSM2 token vs SoftHSM2 directly, P-256 (signatures/s)" "$hsm_mod" "$hsm_raw" \
    "$(ratio "$hsm_mod" "$hsm_raw")" "SIGNET_STATE=S module_bench module libsignet_pkcs11.so $P11N PIN; module_bench module libsofthsm2.so $P11N PIN"
unset SOFTHSM2_CONF
if [ "$p11_only" = 1 ]; then
    print_table
    exit 0
fi
fi

echo "== shared store (PostgreSQL) vs file store: signatures/s, 1 and 4 hosts, block 1 and 32"
# Each host is a process (target/release/examples/sign_host) signing digests through the
# enforced path from 2 threads; 4 hosts share one state directory (file store: its ledger
# lock) or one database (PostgreSQL: conditional UPDATEs). Every signature is counted and
# audited before it is released, in both stores.
ensure_postgresql
# shellcheck source=lib/pg.sh
. scripts/lib/pg.sh
pg_start
HOSTBIN=$bin/examples/sign_host
PGN=${BENCH_PG_N:-400}
# Seconds for $1 hosts to sign PGN signatures together; $2... = sign_host arguments after COUNT
hosts_secs() {
    local n=$1 state=$2 url=${3:-} i pids=() start end
    start=$(date +%s.%N)
    for i in $(seq 1 "$n"); do
        "$HOSTBIN" "$state" $((PGN / n)) 2 $url >/dev/null &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i"; done
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
rate() { awk -v s="$1" -v n="$PGN" 'BEGIN { printf "%.0f", n / s }'; }
rm -rf "$W/state-file" "$W"/state-pg*
"$SIGNET" --state "$W/state-file" init --budget 1000000 >/dev/null
declare -A file_rate mem_rate
for n in 1 4; do file_rate[$n]=$(rate "$(hosts_secs "$n" "$W/state-file")"); done
# The in-memory anchor of issue #18: the file store on tmpfs (/dev/shm), where writes and
# fsync never reach a disk, so what is left is the signing and the store's own work.
MEMW=$(mktemp -d /dev/shm/signet-bench-mem.XXXXXX)
"$SIGNET" --state "$MEMW/state" init --budget 1000000 >/dev/null
for n in 1 4; do mem_rate[$n]=$(rate "$(hosts_secs "$n" "$MEMW/state")"); done
rm -rf "$MEMW"
for k in 1 32; do
    db=bench_block_$k
    "$PG_BIN/createdb" -h "$PG_DIR" -U signet "$db"
    url="postgresql://signet@${PG_DIR//\//%2F}/$db"
    st=$W/state-pg$k
    "$SIGNET" --state "$st" init --budget 1 >/dev/null
    sed -i "s/^kind = \"file\"/kind = \"postgresql\"\nblock = $k/" "$st/signet.toml"
    "$SIGNET" --state "$st" --store "$url" budget init --cert "$st/signer/cert.der" --signer signet --allotment 1000000 >/dev/null
    for n in 1 4; do
        pg=$(rate "$(hosts_secs "$n" "$st" "$url")")
        row "signatures/s, $n host(s) x 2 threads, PostgreSQL block $k vs file store" "$pg" "${file_rate[$n]}" \
            "$(ratio "$pg" "${file_rate[$n]}")" "scripts/bench.sh --pg (sign_host STATE $((PGN / n)) 2 [URL], $n at once)"
        row "signatures/s, $n host(s) x 2 threads, PostgreSQL block $k vs file store on tmpfs (in-memory)" "$pg" "${mem_rate[$n]}" \
            "$(ratio "$pg" "${mem_rate[$n]}")" "scripts/bench.sh --pg (sign_host STATE $((PGN / n)) 2 [URL], $n at once; STATE in /dev/shm)"
    done
done
pg_cleanup
trap - EXIT
if [ "$pg_only" = 1 ]; then
    print_table
    exit 0
fi

echo "== sign path vs raw token (callgrind, P-256, verify off, 200 signatures)"
refs() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$T/release/examples/sign_overhead" "$1" 200 2>&1 |
    awk '/refs:/ { gsub(/,/, "", $NF); print $NF }'; }
setup=$(refs setup); raw=$(refs raw); enforced=$(refs enforced)
per_raw=$(( (raw - setup) / 200 )); per_enf=$(( (enforced - setup) / 200 ))
row "enforced sign path vs raw token, P-256 (instructions/signature)" "$per_enf" "$per_raw" "$(ratio "$per_enf" "$per_raw")" \
    "valgrind --tool=callgrind target/release/examples/sign_overhead {setup,raw,enforced} 200"

echo "== order validation vs JSON parse (criterion)"
cargo bench -q -p signet-tests --bench order_validation -- --warm-up-time 1 --measurement-time "$measure" >"$W/order.log" 2>&1
for order in ship_token.json new_organization_keylocker.json; do
    v=$(awk -v o="$order" 'index($0, o) && /signet validate/ { f = 1 } f && /time:/ { gsub(/[\[\]]/, ""); print $4, $5; exit }' "$W/order.log")
    p=$(awk -v o="$order" 'index($0, o) && /serde_json/ { f = 1 } f && /time:/ { gsub(/[\[\]]/, ""); print $4, $5; exit }' "$W/order.log")
    to_us() { awk '{ v = $1; if ($2 == "ns") v /= 1000; else if ($2 == "ms") v *= 1000; print v }'; }
    vu=$(echo "$v" | to_us); pu=$(echo "$p" | to_us)
    row "order::validate vs serde_json::Value parse, $order (µs)" "$vu" "$pu" "$(ratio "$vu" "$pu")" \
        "cargo bench -p signet-tests --bench order_validation"
done

echo "== order validation vs JSON parse (callgrind instructions per call)"
# Deterministic where the criterion times above are not on a shared machine.
order_refs() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$T/release/examples/order_count" "$1" "$2" 2000 2>&1 |
    awk '/refs:/ { gsub(/,/, "", $NF); print $NF }'; }
for order in ship_token.json new_organization_keylocker.json; do
    f=examples/orders/$order
    setup=$(order_refs setup "$f"); v=$(order_refs validate "$f"); s=$(order_refs serde "$f")
    per_v=$(( (v - setup) / 2000 )); per_s=$(( (s - setup) / 2000 ))
    row "order::validate vs serde_json::Value parse, $order (instructions/call)" "$per_v" "$per_s" "$(ratio "$per_v" "$per_s")" \
        "valgrind --tool=callgrind target/release/examples/order_count {setup,validate,serde} examples/orders/$order 2000"
done

echo "== order validation vs Python jsonschema (parse + validate)"
if python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema >/dev/null 2>&1; then
    python3 bench/order_jsonschema.py >"$W/jsonschema.log"
    for order in ship_token.json new_organization_keylocker.json; do
        js=$(awk -v o="$order" 'index($0, o) == 1 { for (i = 1; i <= NF; i++) if ($i == "jsonschema") { print $(i + 1); exit } }' "$W/jsonschema.log")
        v=$(awk -v o="$order" 'index($0, o) && /signet validate/ { f = 1 } f && /time:/ { gsub(/[\[\]]/, ""); v = $4; if ($5 == "ns") v /= 1000; else if ($5 == "ms") v *= 1000; print v; exit }' "$W/order.log")
        row "order::validate vs Python jsonschema (parse + validate), $order (µs)" "$v" "${js:-n/a}" "$(ratio "$v" "${js:-0}")" \
            "cargo bench -p signet-tests --bench order_validation; python3 bench/order_jsonschema.py"
    done
else
    row "order::validate vs Python jsonschema (µs)" "n/a" "not installed" "n/a" "pip install jsonschema; python3 bench/order_jsonschema.py"
fi

echo "== soft token vs openssl speed"
cargo bench -q -p signet-tests --bench signatures -- --warm-up-time 1 --measurement-time "$measure" >"$W/sig.log" 2>&1
openssl speed -seconds 2 ecdsap256 ecdsap384 rsa3072 >"$W/speed.log" 2>/dev/null
for alg in p-256 p-384 rsa-3072; do
    us=$(awk -v a="$alg" 'index(tolower($0), a) && /soft token/ { f = 1 } f && /time:/ { gsub(/[\[\]]/, ""); v = $4; if ($5 == "ns") v /= 1000; else if ($5 == "ms") v *= 1000; print v; exit }' "$W/sig.log")
    case $alg in
        p-256) ossl=$(awk '/256 bits ecdsa \(nistp256\)/ { print $(NF-1) }' "$W/speed.log") ;;
        p-384) ossl=$(awk '/384 bits ecdsa \(nistp384\)/ { print $(NF-1) }' "$W/speed.log") ;;
        rsa-3072) ossl=$(awk '/^rsa 3072 bits/ { print $(NF-1) }' "$W/speed.log") ;;
    esac
    ours=$(awk -v u="$us" 'BEGIN { if (u > 0) printf "%.0f", 1e6 / u; else print 0 }')
    row "soft token vs OpenSSL, $alg (signatures/s)" "$ours" "${ossl:-n/a}" "$(ratio "$ours" "${ossl:-0}")" \
        "cargo bench -p signet-tests --bench signatures; openssl speed -seconds 2 ecdsap256 ecdsap384 rsa3072"
done

echo "== 1 GiB file: signet sign vs openssl dgst -sha256"
big=$W/big.bin
[ -f "$big" ] && [ "$(stat -c %s "$big")" -eq 1073741824 ] || head -c 1073741824 /dev/urandom >"$big"
rm -rf "$W/state-big"
"$SIGNET" --state "$W/state-big" init --budget 100000 >/dev/null
hyperfine -N -w 1 -r 5 --export-json "$W/big.json" \
    "$SIGNET --state $W/state-big sign $big" "openssl dgst -sha256 $big" >/dev/null
a=$(hf_mean "$W/big.json" 0); b=$(hf_mean "$W/big.json" 1)
rss=$( { /usr/bin/time -f %M "$SIGNET" --state "$W/state-big" sign "$big" >/dev/null; } 2>&1 | tail -1)
row "sign a 1 GiB file vs openssl dgst -sha256 (s; signet peak RSS ${rss} KiB)" "$a" "$b" "$(ratio "$a" "$b")" \
    "hyperfine -N 'signet sign big.bin' 'openssl dgst -sha256 big.bin'"

echo "== 300 small files: one signet sign vs an openssl cms -sign loop"
files=$W/files; rm -rf "$files" "$W/state-batch"; mkdir -p "$files"
for i in $(seq 1 300); do echo "artifact $i" >"$files/f$i"; done
"$SIGNET" --state "$W/state-batch" init --budget 1000000 >/dev/null
"$SIGNET" --state "$W/state-batch" cert >"$W/batch.pem"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$W/batch.key" 2>/dev/null
openssl req -x509 -key "$W/batch.key" -subj /CN=bench -days 2 -out "$W/ossl.pem" 2>/dev/null
cat >"$W/ossl-loop.sh" <<LOOP
for f in $files/f*; do openssl cms -sign -binary -in "\$f" -signer $W/ossl.pem -inkey $W/batch.key -outform DER -out "\$f.ossl.p7s"; done
LOOP
hyperfine -w 0 -r 2 --export-json "$W/batch.json" \
    "$SIGNET --state $W/state-batch sign $files/f*" "bash $W/ossl-loop.sh" >/dev/null
a=$(hf_mean "$W/batch.json" 0); b=$(hf_mean "$W/batch.json" 1)
row "sign 300 small files, one process vs openssl cms -sign loop (s)" "$a" "$b" "$(ratio "$a" "$b")" \
    "hyperfine 'signet sign f1..f300' 'for f: openssl cms -sign ...'"

echo "== WASM size (scripts/wasm-build.sh: wasm profile + wasm-opt -Oz)"
scripts/wasm-build.sh >"$W/wasm-build.log" 2>&1 || { tail -20 "$W/wasm-build.log"; exit 1; }
wasm=bindings-wasm/pkg/signet_wasm_bg.wasm
raw=$(wc -c <"$wasm"); gz=$(gzip -9 -c "$wasm" | wc -c)
row "browser module, raw (bytes)" "$raw" "153600" "$(ratio "$raw" 153600)" "scripts/wasm-build.sh; wc -c < $wasm"
row "browser module, gzip -9 (bytes) vs the 150 KiB goal" "$gz" "153600" "$(ratio "$gz" 153600)" "scripts/wasm-build.sh; gzip -9 -c $wasm \\| wc -c"

echo "== browser: validateOrder vs JSON.parse, time to first result (headless Chromium)"
ensure_apt chromium chromium-driver
(
    cd bindings-wasm/tests
    if ! cmp -s package-lock.json node_modules/.signet-installed-lock 2>/dev/null; then
        npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.signet-installed-lock
    fi
    node bench.js --json "$W/browser.json" >"$W/browser.log"
)
bj() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$W/browser.json" "$1"; }
bv=$(bj 'round(d["seed"]["validate"]["median"], 2)'); bp=$(bj 'round(d["seed"]["parse"]["median"], 2)')
row "browser validateOrder vs JSON.parse, ship_token.json, median per call (µs)" "$bv" "$bp" "$(ratio "$bv" "$bp")" \
    "node bindings-wasm/tests/bench.js (www/bench.html, batches of 500)"
bv=$(bj 'round(d["seed"]["validate"]["p95"], 2)'); bp=$(bj 'round(d["seed"]["parse"]["p95"], 2)')
row "browser validateOrder vs JSON.parse, ship_token.json, p95 per call (µs)" "$bv" "$bp" "$(ratio "$bv" "$bp")" \
    "node bindings-wasm/tests/bench.js (www/bench.html, batches of 500)"
bv=$(bj 'round(d["vectors"]["validateMedianUs"], 2)'); bp=$(bj 'round(d["vectors"]["parseMedianUs"], 2)'); n=$(bj 'd["vectors"]["count"]')
row "browser validateOrder vs JSON.parse, $n order vectors, median per call (µs)" "$bv" "$bp" "$(ratio "$bv" "$bp")" \
    "node bindings-wasm/tests/bench.js (www/bench.html, batches of 100)"
bv=$(bj 'round(d["seed"]["validate"]["median"], 2)')
row "browser validateOrder, ship_token.json, median per call vs the 10 µs goal (µs)" "$bv" "10" "$(ratio "$bv" 10)" \
    "node bindings-wasm/tests/bench.js"
fr=$(bj 'round(d["firstResultMs"]["median"], 1)'); pr=$(bj 'round(d["pageReadyMs"]["median"], 1)')
row "browser: first validateOrder result after navigation start, bench.html, median of 5 loads (ms) vs the 250 ms goal" "$fr" "250" "$(ratio "$fr" 250)" \
    "node bindings-wasm/tests/bench.js"
row "browser: checker page ready after navigation start, index.html, median of 5 loads (ms) vs the 250 ms goal" "$pr" "250" "$(ratio "$pr" 250)" \
    "node bindings-wasm/tests/bench.js"

print_table

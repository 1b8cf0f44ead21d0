#!/usr/bin/env bash
# One state directory, four surfaces: the CLI, Python, Node and C sign
# against one budget of N, first in turn, then all at once. Exactly N
# signatures must be made (each verified by OpenSSL), every surface must end
# on sign_budget_exhausted, and `signet status` and `signet audit verify`
# must agree.
#
# Needs what the python, node and c sections build (run after them):
# the Python venv with the package, the Node addon, target/release/libsignet.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
T=$CARGO_TARGET_DIR
PY=${SIGNET_PY_VENV:-$T/python-test-venv}/bin/python
N=${SHARED_N:-200}

cargo build --release -q -p signet-cli -p signet-ffi
SIGNET=$T/release/signet
W=$(mktemp -d "${TMPDIR:-/tmp}/signet-shared.XXXXXX")
trap 'rm -rf "$W"' EXIT
gcc -std=c99 -Wall -Werror -I"$ROOT/ffi-c/include" "$ROOT/tests/shared/sign_loop.c" \
    "$T/release/libsignet.a" -lpthread -ldl -lm -o "$W/sign_loop"

S=$W/state
"$SIGNET" init --state "$S" --budget "$N" --signer tester --user tester >/dev/null
mkdir -p "$W/files"
for i in $(seq 1 $((N + 120))); do
    for s in cli py js c; do echo "artifact $s $i" >"$W/files/$s$i"; done
done

cli_loop() { # prefix first -> prints the count
    local n=0 i=$2 out
    while [ ! -e "$SIGNET_GO" ]; do sleep 0.005; done
    while :; do
        if out=$("$SIGNET" sign "$1$i" --state "$S" --user tester --json 2>/dev/null); then
            n=$((n + 1)); i=$((i + 1))
        else
            case $out in *'"sign_budget_exhausted"'*) break ;; *) echo "cli: $out" >&2; return 1 ;; esac
        fi
    done
    echo "$n"
}
one() { # surface prefix first
    case $1 in
        cli) cli_loop "$2" "$3" ;;
        py) "$PY" "$ROOT/tests/shared/sign_loop.py" "$S" tester "$2" "$3" ;;
        js) node "$ROOT/tests/shared/sign_loop.js" "$S" tester "$2" "$3" ;;
        c) "$W/sign_loop" "$S" tester "$2" "$3" ;;
    esac
}

echo "== in turn: each surface signs one file, twice round"
for round in 1 2; do
    for s in cli py js c; do
        case $s in
            cli) "$SIGNET" sign "$W/files/$s$round" --state "$S" --user tester >/dev/null 2>&1 ;;
            py) "$PY" -c 'import signet,sys; signet.open_state(sys.argv[1], user="tester").sign_file(sys.argv[2])' "$S" "$W/files/$s$round" ;;
            js) node -e 'const s=require(process.argv[1]); const st=s.openState(process.argv[2],{user:"tester"}); st.signFile(process.argv[3]); st.close()' \
                    "$ROOT/bindings-node" "$S" "$W/files/$s$round" ;;
            c) "$W/sign_loop" "$S" tester "$W/files/$s" "$round" once >/dev/null ;;
        esac
    done
done
used=$("$SIGNET" status --state "$S" --user tester --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["budget"]["used"])')
echo "after the turns: $used used"

echo "== at once: every surface signs until the budget is exhausted"
# All four start when $SIGNET_GO appears, once each has loaded.
export SIGNET_GO=$W/go
pids=()
for s in cli py js c; do
    one "$s" "$W/files/$s" 100 >"$W/count.$s" &
    pids+=($!)
done
sleep 2
touch "$SIGNET_GO"
for p in "${pids[@]}"; do wait "$p"; done
total=$used
for s in cli py js c; do
    c=$(cat "$W/count.$s"); echo "  $s signed $c"; total=$((total + c))
done

final=$("$SIGNET" status --state "$S" --user tester --json | python3 -c 'import json,sys; b=json.load(sys.stdin)["budget"]; print(b["used"], b["remaining"])')
"$SIGNET" audit verify --state "$S" --user tester >/dev/null
verified=0
for f in "$W"/files/*.p7s; do
    openssl cms -verify -binary -inform DER -noverify -in "$f" -content "${f%.p7s}" -out /dev/null 2>/dev/null
    verified=$((verified + 1))
done
echo "signatures: $total made, $verified verified by OpenSSL, status: $final (used remaining)"
if [ "$total" -ne "$N" ] || [ "$verified" -ne "$N" ] || [ "$final" != "$N 0" ]; then
    echo "shared-state: FAILED (expected exactly $N)" >&2
    exit 1
fi
echo "1 passed, 0 failed"

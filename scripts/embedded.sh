#!/usr/bin/env bash
# Builds the example firmware (examples/firmware) for a Cortex-M4F
# (thumbv7em-none-eabihf) once per feature set, reports .text/.data/.bss, runs
# the full image under QEMU (netduinoplus2, STM32F405) to measure the sign
# path's stack high-water mark, and records the table in BENCHMARKS.md.
#
# There is no `std` for thumbv7em-none-eabihf: a dependency that needs std fails
# the build, so a passing run proves the no_std claim for every feature set.
#
# Toolchain: a rustup toolchain with the thumbv7em-none-eabihf target installed
# if there is one (linker rust-lld); otherwise Debian's rustc 1.96 with
# RUSTC_BOOTSTRAP=1 -Zbuild-std=core,alloc (linker ld.lld-16), because
# `rustup target add` cannot download on an offline machine.
#
# Usage: scripts/embedded.sh [--no-record]   (--no-record: do not edit BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=lib/deps.sh
source "$ROOT/scripts/lib/deps.sh"
record=1
[ "${1:-}" = "--no-record" ] && record=0

TARGET=thumbv7em-none-eabihf
FW=$ROOT/examples/firmware
export CARGO_TARGET_DIR=$FW/target
NICE=(nice -n 10)

ensure_apt binutils-arm-none-eabi qemu-system-arm
if rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    echo "toolchain: rustup with the $TARGET target"
    build() { (cd "$FW" && "${NICE[@]}" cargo build --locked --release --quiet "$@"); }
else
    ensure_apt rustc-web cargo-web rust-web-src lld-16
    echo "toolchain: Debian rustc $(/usr/bin/rustc --version | cut -d' ' -f2) with -Zbuild-std=core,alloc, linker ld.lld-16"
    build() {
        (cd "$FW" && PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 \
            CARGO_TARGET_THUMBV7EM_NONE_EABIHF_LINKER=ld.lld-16 \
            "${NICE[@]}" cargo build --locked --release --quiet -Zbuild-std=core,alloc "$@")
    }
fi
ELF=$CARGO_TARGET_DIR/$TARGET/release/signet-firmware

# name|features|what it contains
variants=(
    "validation|validation|order validation, including the CSR checks: parsing and RSA/P-256/P-384 self-signature verification (heap: 48 KiB linked-list allocator)"
    "policy+budget|budget|key policy on an SPKI + budget over a NOR-flash counter"
    "+P-256|p256|+ enforced P-256 signature (soft token, no heap)"
    "+P-384|p384|+ enforced P-384 signature"
    "+RSA-3072|rsa|+ enforced RSA-3072 signature (heap: 48 KiB)"
)
rows=()
for v in "${variants[@]}"; do
    IFS='|' read -r name features what <<<"$v"
    printf '== firmware %-14s (--features %s)\n' "$name" "$features"
    build --features "$features"
    # No std in the image: the target has none, and the panic path must be ours.
    if arm-none-eabi-nm -C "$ELF" | grep -q 'std::'; then
        echo "error: std symbols in the $name image" >&2
        exit 1
    fi
    read -r text data bss _ < <(arm-none-eabi-size "$ELF" | tail -1)
    printf '   .text %7d  .data %5d  .bss %6d\n' "$text" "$data" "$bss"
    rows+=("| $name | \`$features\` | $text | $data | $bss | $what |")
done

# Stack: run the all-features image under QEMU with stack painting.
echo "== stack high-water mark (QEMU netduinoplus2, stack painting)"
build --features "validation,rsa,stack-probe"
stack_out=$(timeout 300 qemu-system-arm -M netduinoplus2 -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native -kernel "$ELF")
echo "$stack_out" | sed 's/^/   /'
echo "$stack_out" | grep -q '^status 0x6$' || { echo "error: firmware did not pass all 6 steps under QEMU" >&2; exit 1; }

[ $record -eq 1 ] || exit 0
section=$(
    echo "## Firmware size (thumbv7em-none-eabihf)"
    echo
    echo "Example image \`examples/firmware\` (Cortex-M4F; \`opt-level = \"s\"\`, fat LTO, \`panic = \"abort\"\`),"
    echo "one build per cumulative feature set; sizes from \`arm-none-eabi-size\`. .bss includes the 16 KiB"
    echo "in-RAM NOR flash and, where a heap is used, the 48 KiB heap array. Every set builds with"
    echo "\`core\`/\`alloc\` only (the target has no \`std\`), so no dependency pulls in \`std\`."
    echo "Toolchain used: $(/usr/bin/rustc --version 2>/dev/null || rustc --version). Reproduce: \`scripts/embedded.sh\`."
    echo
    echo "| Feature set | Firmware features | .text | .data | .bss | Contents |"
    echo "|---|---|---:|---:|---:|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Stack high-water marks, measured by painting 56 KiB below the stack pointer with a pattern,"
    echo "running each step, and finding the lowest overwritten word (feature \`stack-probe\`; image with"
    echo "all features, run in \`qemu-system-arm -M netduinoplus2\`, output over semihosting). Each figure"
    echo "is the stack used below the caller of the step (the enforced sign step is: SPKI comparison,"
    echo "digest, budget reserve on flash, token sign, budget commit on flash):"
    echo
    echo '```'
    echo "$stack_out"
    echo '```'
)
SECTION=$section python3 - "$ROOT/BENCHMARKS.md" "## Firmware size (thumbv7em-none-eabihf)" <<'PY'
import os, sys, re, pathlib
path, heading = pathlib.Path(sys.argv[1]), sys.argv[2]
new = os.environ["SECTION"].rstrip() + "\n"
text = path.read_text() if path.exists() else "# Benchmarks\n"
start = text.find(heading + "\n")
if start < 0:
    text = text.rstrip() + "\n\n" + new
else:
    m = re.compile(r"^## ", re.M).search(text, start + len(heading))
    end = m.start() if m else len(text)
    text = text[:start] + new + ("\n" + text[end:] if m else "")
path.write_text(text)
PY
echo "recorded in BENCHMARKS.md"

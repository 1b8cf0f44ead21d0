#!/usr/bin/env bash
# Builds the browser package: bindings-wasm/pkg/ (signet_wasm.js, signet_wasm_bg.wasm, signet_wasm.d.ts).
# Installs what it needs (idempotent). Usage: scripts/wasm-build.sh
#
# Two toolchain paths, detected:
#  - rustup with the wasm32-unknown-unknown target installed: a plain cross build;
#  - otherwise Debian's Rust (rustc-web, cargo-web, rust-web-src) with std built from source
#    (-Zbuild-std, unlocked by RUSTC_BOOTSTRAP=1) and linked by Debian's wasm-ld-16.
#    `rustup target add` is never called: on machines without downloads it hangs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
# shellcheck source=lib/deps.sh
. "$ROOT/scripts/lib/deps.sh"

TARGET=wasm32-unknown-unknown
# The workspace release profile. opt-level "z" + fat LTO gzips 14% smaller but builds several times
# slower (BENCHMARKS.md, "WASM size"); not worth it yet.
PROFILE=release
OUT_DIR=$ROOT/bindings-wasm/pkg

# The CLI must be exactly the wasm-bindgen version in Cargo.lock, or the glue it writes does not match.
BINDGEN_VERSION=$(lock_version wasm-bindgen)
ensure_cargo_tool wasm-bindgen wasm-bindgen-cli "$BINDGEN_VERSION"
if ! wasm-bindgen --version | grep -qw -- "$BINDGEN_VERSION"; then
    echo "wasm-build: $(command -v wasm-bindgen) is $(wasm-bindgen --version), Cargo.lock has $BINDGEN_VERSION" >&2
    exit 2
fi

if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    echo "wasm-build: rustup target $TARGET" >&2
    cargo build --profile "$PROFILE" --locked --target "$TARGET" -p signet-wasm
else
    echo "wasm-build: Debian Rust with -Zbuild-std (no rustup $TARGET target installed)" >&2
    ensure_apt rustc-web cargo-web rust-web-src lld-16
    PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-16 \
        cargo build --profile "$PROFILE" --locked --target "$TARGET" -Zbuild-std=std,panic_abort -p signet-wasm
fi

rm -rf "$OUT_DIR"
wasm-bindgen --target web --out-dir "$OUT_DIR" "$CARGO_TARGET_DIR/$TARGET/$PROFILE/signet_wasm.wasm"

# No wasm-opt pass: Debian's binaryen (108) rewrites wasm-bindgen 0.2.130's externref table into a
# module that fails to instantiate (BENCHMARKS.md, "WASM size").

wasm=$OUT_DIR/signet_wasm_bg.wasm
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "wasm-build: $wasm: $raw bytes raw, $gz bytes gzip -9"

# The shared error classes beside the generated module, which imports ./errors.js (one source for
# the Node and browser packages: js/errors.js). Then the self-contained page: dist/.
cp "$ROOT/js/errors.js" "$OUT_DIR/errors.js"
# The glue and errors.js are ES modules; this says so to Node (the shared API test loads them there).
printf '{ "type": "module" }\n' >"$OUT_DIR/package.json"
"$ROOT/scripts/wasm-dist.sh"

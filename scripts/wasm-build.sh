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
# The workspace's `wasm` profile: opt-level "z", fat LTO, one codegen unit, panic = "abort"
# (BENCHMARKS.md, "WASM size": what each step saves and what it costs in build time).
PROFILE=wasm
OUT_DIR=$ROOT/bindings-wasm/pkg
TOOLS=$ROOT/bindings-wasm/tools

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
    # std is built here anyway, so it can be built with panic=immediate-abort: a panic traps at
    # once, and the panic formatting and location strings (about 4 % of the gzipped module) go.
    PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-16 \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" \
        cargo build --profile "$PROFILE" --locked --target "$TARGET" -Zbuild-std=std,panic_abort -p signet-wasm
fi

rm -rf "$OUT_DIR"
wasm-bindgen --target web --out-dir "$OUT_DIR" "$CARGO_TARGET_DIR/$TARGET/$PROFILE/signet_wasm.wasm"

# wasm-opt from the npm registry's binaryen (bindings-wasm/tools/package-lock.json): Debian's
# binaryen 108 rewrites wasm-bindgen 0.2.130's externref table into a module that fails to
# instantiate; 132 does not. The optimized module replaces the one in pkg/, so the browser tests
# (scripts/wasm-test.sh) run what ships. `npm ci` only when the lock file changed.
if ! cmp -s "$TOOLS/package-lock.json" "$TOOLS/node_modules/.signet-installed-lock" 2>/dev/null; then
    command -v npm >/dev/null 2>&1 || ensure_apt nodejs npm
    (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$TOOLS/package-lock.json" "$TOOLS/node_modules/.signet-installed-lock"
fi
wasm=$OUT_DIR/signet_wasm_bg.wasm
opt_flags=(-Oz --strip-debug --strip-producers --strip-target-features)
# wasm-opt takes about 20 s of CPU: its output is kept by the input's hash (and the flags and
# version), so a run whose Rust did not change reuses it.
key=$({ sha256sum <"$wasm"; echo "${opt_flags[*]}"; "$TOOLS/node_modules/.bin/wasm-opt" --version; } | sha256sum | cut -c1-32)
cache=$CARGO_TARGET_DIR/wasm-opt-cache/$key.wasm
if [ ! -f "$cache" ]; then
    mkdir -p "$(dirname "$cache")"
    "$TOOLS/node_modules/.bin/wasm-opt" "${opt_flags[@]}" "$wasm" -o "$cache.tmp"
    mv "$cache.tmp" "$cache"
fi
cp "$cache" "$wasm"
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "wasm-build: $wasm: $raw bytes raw, $gz bytes gzip -9"

# The shared error classes beside the generated module, which imports ./errors.js (one source for
# the Node and browser packages: js/errors.js). Then the self-contained page: dist/.
cp "$ROOT/js/errors.js" "$OUT_DIR/errors.js"
# The glue and errors.js are ES modules; this says so to Node (the shared API test loads them there).
printf '{ "type": "module" }\n' >"$OUT_DIR/package.json"
"$ROOT/scripts/wasm-dist.sh"

#!/usr/bin/env bash
# Assembles bindings-wasm/dist/ from www/ (the validation page; not the benchmark pages) and pkg/
# (the module, built by scripts/wasm-build.sh, which runs this at its end): a folder that works
# when served on its own by any static file server (`python3 -m http.server -d bindings-wasm/dist`).
# The page loads ./pkg/signet_wasm.js, so the two must stay side by side.
set -euo pipefail
cd "$(dirname "$0")/../bindings-wasm"
for f in pkg/signet_wasm.js pkg/signet_wasm_bg.wasm pkg/errors.js; do
    [ -f "$f" ] || { echo "wasm-dist: $PWD/$f is missing; run scripts/wasm-build.sh" >&2; exit 2; }
done
rm -rf dist
mkdir -p dist/pkg
find www -maxdepth 1 -type f ! -name 'bench*' -exec cp {} dist/ \;
cp -R pkg/. dist/pkg/
echo "wasm-dist: $PWD/dist: $(find dist -type f | wc -l) files, $(du -sk dist | cut -f1) KiB"

#!/usr/bin/env bash
# Browser tests of the WASM package and the validation page (dist/), in headless Chromium (among them
# the shared JS API test, js/tests/api.test.mjs, run in a page by tests/shared-api.test.js), and the
# same shared test on the module under Node.
# Installs what it needs (idempotent): Debian chromium, the npm test project, the WASM build.
# Usage: scripts/wasm-test.sh [node --test args...]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=lib/deps.sh
. "$ROOT/scripts/lib/deps.sh"

ensure_apt chromium chromium-driver openssl
# Node 20+ may come from elsewhere than Debian (its npm package conflicts with such installs).
command -v npm >/dev/null 2>&1 || ensure_apt nodejs npm
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}

"$ROOT/scripts/wasm-build.sh"

cd "$ROOT/bindings-wasm/tests"
# Only from the committed lock file; `npm ci` again whenever it changed since the last install.
if ! cmp -s package-lock.json node_modules/.signet-installed-lock 2>/dev/null; then
    npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.signet-installed-lock
fi
node --test "$@"

# The API shared with the Node package (js/tests/), on this module instantiated in Node.
SIGNET_JS_TARGET=wasm node --test "$ROOT/js/tests/api.test.mjs"

#!/usr/bin/env bash
# Node package (bindings-node): installs the pinned dev tools (typescript, @types/node) and checks
# that package-lock.json is exactly what this npm writes; builds the addon (install.js: the shared
# js/ sources copied in, cargo into the workspace target dir, so Rust builds are shared);
# type-checks index.d.ts against tests/types.ts; runs the node:test suite (it packs the package,
# installs the tarball into a new project without Rust or network and runs the README examples,
# and installs a clean checkout by path) and the shared JS API test (js/tests/) on the addon.
# Idempotent; quick when the addon is already built (cargo has nothing to do).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# shellcheck source=lib/deps.sh
source "$ROOT/scripts/lib/deps.sh"

command -v openssl >/dev/null 2>&1 || ensure_apt openssl
if ! command -v npm >/dev/null 2>&1; then
    ensure_apt nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
    echo "node-test: Node >= 20 required (found $(node --version))" >&2
    exit 2
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT/bindings-node"

echo "== npm install (dev tools); the committed lock must be what npm $(npm --version) writes"
lock_copy=$(mktemp)
trap 'rm -f "$lock_copy"' EXIT
cp package-lock.json "$lock_copy"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error
if ! cmp -s package-lock.json "$lock_copy"; then
    echo "node-test: npm install changed bindings-node/package-lock.json; commit the lock npm writes:" >&2
    diff "$lock_copy" package-lock.json | head -40 >&2 || true
    exit 1
fi

echo "== build the addon (node install.js)"
node install.js

echo "== tsc --noEmit --strict (index.d.ts vs tests/types.ts)"
npx --no-install tsc --noEmit --strict -p tests/tsconfig.json

echo "== node --test"
node --test tests/*.test.js

echo "== shared JS API (js/tests/api.test.mjs) on the addon"
SIGNET_JS_TARGET=node node --test "$ROOT/js/tests/api.test.mjs"

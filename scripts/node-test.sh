#!/usr/bin/env bash
# Node package (bindings-node): `npm ci` installs the pinned dev tools and builds
# the native addon through the package's install script (napi build --release,
# into the workspace target dir so Rust builds are shared), then type-checks
# index.d.ts against tests/types.ts and runs the node:test suite.
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

echo "== npm ci (builds the addon)"
npm ci --no-audit --no-fund --loglevel=error

echo "== tsc --noEmit --strict (index.d.ts vs tests/types.ts)"
npx --no-install tsc --noEmit --strict -p tests/tsconfig.json

echo "== node --test"
node --test tests/*.test.js

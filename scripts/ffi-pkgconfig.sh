#!/usr/bin/env bash
# Writes signet.pc from ffi-c/signet.pc.in: scripts/ffi-pkgconfig.sh PREFIX OUT_FILE
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
prefix=${1:?usage: ffi-pkgconfig.sh PREFIX OUT_FILE}
out=${2:?usage: ffi-pkgconfig.sh PREFIX OUT_FILE}
version=$(awk -F'"' '/^\[workspace.package\]/{p=1} p && /^version/{print $2; exit}' "$ROOT/Cargo.toml")
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" "$ROOT/ffi-c/signet.pc.in" >"$out"

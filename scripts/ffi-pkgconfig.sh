#!/usr/bin/env bash
# Writes signet.pc (shared library) and signet-static.pc (static library) for
# an install under PREFIX: scripts/ffi-pkgconfig.sh PREFIX [DIR]
# (DIR defaults to PREFIX/lib/pkgconfig). scripts/ffi-install.sh calls it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
prefix=${1:?usage: ffi-pkgconfig.sh PREFIX [DIR]}
dir=${2:-$prefix/lib/pkgconfig}
version=$(awk -F'"' '/^\[workspace.package\]/{p=1} p && /^version/{print $2; exit}' "$ROOT/Cargo.toml")
# What libsignet.a needs from the system on Linux/glibc (rustc
# --print native-static-libs, less libc and libgcc_s which the C driver adds).
native="-lpthread -ldl -lm"
mkdir -p "$dir"
for pc in signet signet-static; do
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@NATIVE_LIBS@|$native|g" \
        "$ROOT/ffi-c/$pc.pc.in" >"$dir/$pc.pc"
done

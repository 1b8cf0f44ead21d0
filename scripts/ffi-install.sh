#!/usr/bin/env bash
# Builds the C library (release) and installs it under PREFIX:
#   PREFIX/include/signet.h
#   PREFIX/lib/libsignet.a, PREFIX/lib/libsignet.so
#   PREFIX/lib/pkgconfig/signet.pc (shared), signet-static.pc (static)
#   PREFIX/lib/cmake/signet/signetConfig.cmake, signetConfigVersion.cmake
# Usage: scripts/ffi-install.sh PREFIX     (e.g. /usr/local, or $HOME/.local)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
prefix=${1:?usage: ffi-install.sh PREFIX}
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd) # .pc and CMake files need an absolute prefix
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

(cd "$ROOT" && cargo build -q -p signet-ffi --release)
version=$(awk -F'"' '/^\[workspace.package\]/{p=1} p && /^version/{print $2; exit}' "$ROOT/Cargo.toml")

install -d "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/signet"
install -m 0644 "$ROOT/ffi-c/include/signet.h" "$prefix/include/signet.h"
install -m 0644 "$TARGET/release/libsignet.a" "$prefix/lib/libsignet.a"
install -m 0755 "$TARGET/release/libsignet.so" "$prefix/lib/libsignet.so"
"$ROOT/scripts/ffi-pkgconfig.sh" "$prefix" "$prefix/lib/pkgconfig"
install -m 0644 "$ROOT/ffi-c/cmake/signetConfig.cmake" "$prefix/lib/cmake/signet/signetConfig.cmake"
sed -e "s|@VERSION@|$version|g" "$ROOT/ffi-c/cmake/signetConfigVersion.cmake.in" \
    >"$prefix/lib/cmake/signet/signetConfigVersion.cmake"
echo "installed signet $version under $prefix"

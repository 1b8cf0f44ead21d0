#!/usr/bin/env bash
# C ABI tests: header check, C99/C++17 header compile, C tests under
# ASan+UBSan (static lib) and Valgrind (shared lib), README examples,
# pkg-config and CMake consumers. Idempotent installs; works on a fresh clone.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export ROOT
# shellcheck source=lib/deps.sh
source "$ROOT/scripts/lib/deps.sh"
ensure_apt gcc g++ valgrind libssl-dev openssl pkg-config cmake make

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$TARGET/c-test"
rm -rf "$OUT"
mkdir -p "$OUT"

echo "== cargo: library, header check, result table, vector expectations, scenario steps"
cargo build -p signet-ffi --release
SIGNET_C_VECTORS="$OUT/order-vectors.tsv" SIGNET_C_KEY_VECTORS="$OUT/key-vectors.tsv" \
    SIGNET_C_SCENARIOS="$OUT/scenarios.tsv" cargo test -p signet-ffi
LIBDIR="$TARGET/release"
INC="$ROOT/ffi-c/include"

echo "== header compiles as C99 and C++17"
printf '#include "signet.h"\nint main(void) { return signet_version() == 0; }\n' >"$OUT/h.c"
gcc -std=c99 -Wall -Wextra -Werror -pedantic -I"$INC" -c "$OUT/h.c" -o "$OUT/h_c.o"
cp "$OUT/h.c" "$OUT/h.cpp"
g++ -std=c++17 -Wall -Wextra -Werror -pedantic -I"$INC" -c "$OUT/h.cpp" -o "$OUT/h_cpp.o"

CFLAGS=(-std=c99 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -pedantic -g -I"$INC")
SYS=(-lpthread -ldl -lm)
TESTS=(test_api test_openssl_token test_state test_pkcs11_state test_scenarios test_vectors test_key_vectors)
KEYS="$ROOT/tests/vectors/keys"
ORDERS="$ROOT/tests/vectors/orders"
run() { # run NAME WRAPPER... BINARY
    local name=$1
    shift
    case $name in
    test_api) "$@" "$KEYS" ;;
    test_vectors) "$@" "$ORDERS" "$OUT/order-vectors.tsv" ;;
    test_key_vectors) "$@" "$KEYS" "$OUT/key-vectors.tsv" ;;
    test_scenarios) "$@" "$OUT/scenarios.tsv" ;;
    *) "$@" ;;
    esac
}
libs_for() { case $1 in test_openssl_token | test_state) echo "-lcrypto" ;; esac; }

echo "== C tests under AddressSanitizer + UBSan (static library)"
for t in "${TESTS[@]}"; do
    # shellcheck disable=SC2046
    gcc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        "$ROOT/ffi-c/tests/c/$t.c" "$LIBDIR/libsignet.a" $(libs_for "$t") "${SYS[@]}" -o "$OUT/$t.asan"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run "$t" "$OUT/$t.asan"
done

echo "== C tests under Valgrind (shared library)"
for t in "${TESTS[@]}"; do
    # shellcheck disable=SC2046
    gcc "${CFLAGS[@]}" "$ROOT/ffi-c/tests/c/$t.c" -L"$LIBDIR" -lsignet $(libs_for "$t") -Wl,-rpath,"$LIBDIR" \
        -o "$OUT/$t.vg"
    # "Possibly lost" is not shown: host keeps each PKCS#11 module it
    # initialised for the life of the process (C_Initialize once per module).
    run "$t" valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-possibly-lost=no "$OUT/$t.vg"
done

echo "== README examples compile as written and run"
# Each ```c block is one program: readme_example_1.c (orders), _2.c (the state).
awk -v out="$OUT/readme_example_" '/^```c$/{n++; p=1; next} /^```$/{p=0} p{print > (out n ".c")}' \
    "$ROOT/ffi-c/README.md"
for n in 1 2; do
    test -s "$OUT/readme_example_$n.c"
    gcc "${CFLAGS[@]}" "$OUT/readme_example_$n.c" "$LIBDIR/libsignet.a" "${SYS[@]}" -o "$OUT/readme_example_$n"
done
test ! -e "$OUT/readme_example_3.c"
"$OUT/readme_example_1" | grep -q "required"
# The state example: first use makes the state, the second signature is counter index 1,
# and OpenSSL verifies the detached CMS signature.
echo "a release artifact" >"$OUT/readme-artifact.bin"
"$OUT/readme_example_2" "$OUT/readme-state" "$OUT/readme-artifact.bin" | grep -q '^created a development state; .*"counter_index":0,'
"$OUT/readme_example_2" "$OUT/readme-state" "$OUT/readme-artifact.bin" | grep -q '^{.*"counter_index":1,.*"remaining":998,'
openssl cms -verify -binary -inform DER -noverify -in "$OUT/readme-artifact.bin.p7s" \
    -content "$OUT/readme-artifact.bin" -out /dev/null 2>/dev/null

# The example exits 1 for an invalid order and prints the finding count.
expect_invalid() {
    local out rc=0
    out=$("$1" '{}') || rc=$?
    [ "$rc" -eq 1 ] && [[ $out == "valid=0 findings="* ]] || { echo "$1: rc=$rc output=$out"; return 1; }
}

echo "== README install: scripts/ffi-install.sh, pkg-config (shared, static), CMake, as written"
# The one ```sh block of the README's "Install and link", run from the checkout.
awk '/^## Install and link/{s=1} s && /^```sh$/{p=1; next} p && /^```$/{exit} p' "$ROOT/ffi-c/README.md" \
    >"$OUT/readme_install.sh"
grep -q 'ffi-install.sh' "$OUT/readme_install.sh"
PREFIX="$OUT/prefix" BUILD="$OUT/build"
mkdir -p "$BUILD"
(cd "$ROOT" && PREFIX="$PREFIX" BUILD="$BUILD" bash -euo pipefail "$OUT/readme_install.sh") >"$OUT/readme_install.log"
for f in include/signet.h lib/libsignet.a lib/libsignet.so lib/pkgconfig/signet.pc lib/pkgconfig/signet-static.pc \
    lib/cmake/signet/signetConfig.cmake lib/cmake/signet/signetConfigVersion.cmake; do
    test -s "$PREFIX/$f" || { echo "install: $f missing"; exit 1; }
done
# Each program printed the valid order's answer.
[ "$(grep -c '^valid=1 findings=0$' "$OUT/readme_install.log")" -eq 5 ] || { cat "$OUT/readme_install.log"; exit 1; }
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
pkg-config --libs signet | grep -q -- '-lsignet'
pkg-config --static --libs signet | grep -q -- '-ldl'
pkg-config --libs signet-static | grep -q -- "$PREFIX/lib/libsignet.a"
needed() { readelf -d "$1" | awk '/NEEDED/{print $NF}'; }
# The shared programs load libsignet.so from the prefix; the static ones need no libsignet.
for b in "$BUILD/validate_shared" "$BUILD/validate_env" "$BUILD/cmake-shared/validate_order"; do
    needed "$b" | grep -q 'libsignet.so' || { echo "$b: does not need libsignet.so"; exit 1; }
done
ldd "$BUILD/validate_shared" | grep -q "$PREFIX/lib/libsignet.so"
for b in "$BUILD/validate_static" "$BUILD/cmake-static/validate_order"; do
    if needed "$b" | grep -q libsignet; then echo "$b: links libsignet.so"; exit 1; fi
done
# Without the rpath or LD_LIBRARY_PATH the shared library is not found (what the README warns of).
rc=0
env -u LD_LIBRARY_PATH "$BUILD/validate_env" '{}' 2>"$OUT/noenv.err" || rc=$?
[ "$rc" -ne 0 ] && grep -q 'libsignet.so: cannot open shared object file' "$OUT/noenv.err"
# The static programs still run with the prefix gone; the example exits 1 for an invalid order.
mv "$PREFIX/lib" "$PREFIX/lib.moved"
expect_invalid "$BUILD/validate_static"
expect_invalid "$BUILD/cmake-static/validate_order"
mv "$PREFIX/lib.moved" "$PREFIX/lib"
expect_invalid "$BUILD/validate_shared"
echo "c-test: all sections passed"

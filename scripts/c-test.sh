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
mkdir -p "$OUT/prefix/include" "$OUT/prefix/lib/cmake/signet" "$OUT/prefix/lib/pkgconfig"

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

echo "== install layout, pkg-config, CMake"
cp "$INC/signet.h" "$OUT/prefix/include/"
cp "$LIBDIR/libsignet.a" "$LIBDIR/libsignet.so" "$OUT/prefix/lib/"
cp "$ROOT/ffi-c/cmake/signetConfig.cmake" "$OUT/prefix/lib/cmake/signet/"
"$ROOT/scripts/ffi-pkgconfig.sh" "$OUT/prefix" "$OUT/prefix/lib/pkgconfig/signet.pc"
# shellcheck disable=SC2046
gcc "${CFLAGS[@]}" "$ROOT/ffi-c/examples/cmake/main.c" $(PKG_CONFIG_PATH="$OUT/prefix/lib/pkgconfig" pkg-config --cflags --static --libs signet) \
    -Wl,-rpath,"$OUT/prefix/lib" -o "$OUT/pkgconfig_example"
expect_invalid "$OUT/pkgconfig_example"
cmake -S "$ROOT/ffi-c/examples/cmake" -B "$OUT/cmake-build" -DCMAKE_PREFIX_PATH="$OUT/prefix" >/dev/null
cmake --build "$OUT/cmake-build" >/dev/null
expect_invalid "$OUT/cmake-build/validate_order"
echo "c-test: all sections passed"

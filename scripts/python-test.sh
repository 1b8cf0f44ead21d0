#!/usr/bin/env bash
# Python bindings, tested as a user installs them:
#   1. builds the abi3 wheel (`maturin build --release`: one wheel for every
#      CPython >= 3.9) in a build venv that has cargo;
#   2. installs it into a fresh venv, with a PATH that has no cargo or rustc, so
#      nothing can be compiled at install time;
#   3. checks that `pip install ./bindings-python` without cargo fails at once
#      with the build backend's message (no toolchain download);
#   4. runs mypy.stubtest and the pytest suite against that install (README
#      examples, mypy --strict on the stubs, PKCS#11 through SoftHSM2).
#
# Idempotent: the build venv and a local wheelhouse of the pinned test tools
# are reused when present at the right versions, so the fresh venv installs
# offline in seconds; the Rust build shares the workspace target dir.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BUILD_VENV="$CARGO_TARGET_DIR/python-venv"
# Recreated on every run; scripts/shared-state-test.sh uses it afterwards.
TEST_VENV="$CARGO_TARGET_DIR/python-test-venv"
WHEELHOUSE="$CARGO_TARGET_DIR/python-wheelhouse"
WHEELS="$CARGO_TARGET_DIR/wheels/signet"
PYTHON="${PYTHON:-python3}"

# Pinned tools (all install as wheels). maturin builds (and is the backend the
# package declares, maturin>=1.16,<2); the others run the tests.
MATURIN=maturin==1.16.0
TEST_TOOLS=(pytest==9.2.0 mypy==2.4.1 cryptography==50.0.2)

# shellcheck source=lib/deps.sh
source "$ROOT/scripts/lib/deps.sh"
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)'; then
    echo "python-test: needs CPython >= 3.9 ($PYTHON)" >&2
    exit 2
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
    # Debian splits venv/ensurepip out of the interpreter package.
    ensure_apt python3-venv
fi
# The README's PKCS#11 example runs against a throwaway SoftHSM2 token.
ensure_pkcs11_tools

pip_q() { "$@" --quiet --disable-pip-version-check; }

# 1. The build venv (maturin) and the wheel.
[ -x "$BUILD_VENV/bin/python" ] || "$PYTHON" -m venv "$BUILD_VENV"
if [ "$("$BUILD_VENV/bin/python" -c 'import importlib.metadata as m
try: print(m.version("maturin"))
except m.PackageNotFoundError: pass')" != "${MATURIN#*==}" ]; then
    pip_q "$BUILD_VENV/bin/python" -m pip install "$MATURIN"
fi
echo "python-test: maturin build --release (abi3 wheel)"
rm -rf "$WHEELS"
(cd "$ROOT/bindings-python" && "$BUILD_VENV/bin/maturin" build --release --out "$WHEELS" \
    --interpreter "$BUILD_VENV/bin/python") >"$CARGO_TARGET_DIR/maturin-build.log" 2>&1 ||
    { cat "$CARGO_TARGET_DIR/maturin-build.log" >&2; exit 1; }
wheels=("$WHEELS"/signet-*.whl)
[ ${#wheels[@]} -eq 1 ] || { echo "python-test: expected one wheel, got: ${wheels[*]}" >&2; exit 1; }
WHEEL=${wheels[0]}
case $(basename "$WHEEL") in
*-cp39-abi3-*.whl) echo "python-test: built $(basename "$WHEEL")" ;;
*) echo "python-test: $(basename "$WHEEL") is not a cp39-abi3 wheel" >&2; exit 1 ;;
esac

# The pinned tools as local wheels (downloaded once), so the fresh venv below
# installs without the network. maturin is there for step 3.
stamp="$WHEELHOUSE/.tools"
want="$MATURIN ${TEST_TOOLS[*]}"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "python-test: filling $WHEELHOUSE"
    rm -rf "$WHEELHOUSE"
    pip_q "$BUILD_VENV/bin/python" -m pip download --only-binary=:all: -d "$WHEELHOUSE" "$MATURIN" "${TEST_TOOLS[@]}"
    echo "$want" >"$stamp"
fi

# A PATH without cargo or rustc: one directory of links to every program on
# PATH except the Rust toolchain's (/usr/bin may hold a cargo too, so whole
# directories cannot simply be dropped).
NOCARGO_BIN="$CARGO_TARGET_DIR/python-nocargo-bin"
rm -rf "$NOCARGO_BIN"
mkdir -p "$NOCARGO_BIN"
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
    [ -d "$d" ] || continue
    for f in "$d"/*; do
        n=${f##*/}
        case $n in cargo | cargo-* | rustc | rustdoc | rustup | rust-* | clippy-driver | maturin) continue ;; esac
        if [ -x "$f" ] && [ ! -e "$NOCARGO_BIN/$n" ]; then ln -s "$f" "$NOCARGO_BIN/$n"; fi
    done
done
nocargo() { env -u CARGO -u RUSTC -u RUSTUP_TOOLCHAIN PATH="$TEST_VENV/bin:$NOCARGO_BIN" "$@"; }
if ! nocargo sh -c '! command -v cargo && ! command -v rustc && command -v openssl' >/dev/null; then
    echo "python-test: could not make a PATH without cargo" >&2
    exit 1
fi

# 2. A fresh venv: the wheel and the test tools, offline, with no cargo.
echo "python-test: fresh venv $TEST_VENV, PATH without cargo: pip install $(basename "$WHEEL")"
rm -rf "$TEST_VENV"
nocargo "$PYTHON" -m venv "$TEST_VENV"
PY="$TEST_VENV/bin/python"
nocargo "$PY" -m pip install --quiet --disable-pip-version-check --no-index --find-links "$WHEELHOUSE" "${TEST_TOOLS[@]}" "$WHEEL"

# 3. From source without cargo: a clear error at once, no toolchain download.
echo "python-test: pip install ./bindings-python without cargo fails fast"
t=$SECONDS
rc=0
out=$(cd "$ROOT" && nocargo "$PY" -m pip install --disable-pip-version-check --no-index --find-links "$WHEELHOUSE" \
    --dry-run ./bindings-python 2>&1) || rc=$?
if [ $rc -eq 0 ] || ! grep -q 'cargo` (Rust 1.89 or' <<<"$out" || grep -qi 'installing into a temporary' <<<"$out"; then
    echo "python-test: expected the no-cargo error, got (exit $rc):" >&2
    echo "$out" >&2
    exit 1
fi
echo "python-test: refused in $((SECONDS - t))s with the build backend's message"

# 4. Against the installed wheel (not the source tree), still without cargo.
cd "$ROOT/bindings-python/tests"
echo "python-test: mypy.stubtest signet._native"
nocargo "$PY" -m mypy.stubtest signet._native

echo "python-test: pytest"
set +e
nocargo "$PY" -m pytest -q -p no:cacheprovider "$@"
status=$?
set -e
if [ $status -eq 5 ]; then
    echo "python-test: pytest collected no tests" >&2
    exit 1
fi
exit $status

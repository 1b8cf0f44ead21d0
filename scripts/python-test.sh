#!/usr/bin/env bash
# Python bindings: builds and installs the package exactly as a user would
# (`pip install ./bindings-python`), checks the type stubs against the built
# module (mypy.stubtest) and runs the pytest suite.
#
# Idempotent: the venv (target/python-venv) and the pinned tools are reused
# when present at the right versions; the Rust build shares the workspace
# target dir.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${SIGNET_PY_VENV:-$CARGO_TARGET_DIR/python-venv}"
PYTHON="${PYTHON:-python3}"

# Pinned test tools (all install as wheels). maturin is also the PEP 517
# backend the package declares (maturin>=1.16,<2).
TOOLS=(maturin==1.16.0 pytest==9.2.0 mypy==2.4.1 cryptography==50.0.2)

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)'; then
    echo "python-test: needs CPython >= 3.9 ($PYTHON)" >&2
    exit 2
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
    # Debian splits venv/ensurepip out of the interpreter package.
    source "$ROOT/scripts/lib/deps.sh"
    ensure_apt python3-venv
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "python-test: creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"

missing=()
for req in "${TOOLS[@]}"; do
    name="${req%%==*}" want="${req#*==}"
    have="$("$PY" -c "import importlib.metadata as m, sys
try: print(m.version(sys.argv[1]))
except m.PackageNotFoundError: pass" "$name")"
    [ "$have" = "$want" ] || missing+=("$req")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "python-test: installing ${missing[*]}"
    "$PY" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
fi

# The PKCS#11 tests open states on throwaway SoftHSM2 tokens.
source "$ROOT/scripts/lib/deps.sh"
ensure_pkcs11_tools

# The real install path: pip runs the declared build backend (maturin, in
# pip's isolated build environment) on the source tree. --force-reinstall so
# an unchanged version number still picks up the fresh build.
echo "python-test: pip install ./bindings-python"
(cd "$ROOT" && "$PY" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps ./bindings-python)

# Run from the tests directory, against the installed package (not the source tree).
cd "$ROOT/bindings-python/tests"
echo "python-test: mypy.stubtest signet._native"
"$PY" -m mypy.stubtest signet._native

echo "python-test: pytest"
set +e
"$PY" -m pytest -q -p no:cacheprovider "$@"
status=$?
set -e
if [ $status -eq 5 ]; then
    echo "python-test: pytest collected no tests" >&2
    exit 1
fi
exit $status

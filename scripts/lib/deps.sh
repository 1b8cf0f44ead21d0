# shellcheck shell=bash
# Idempotent install helpers for the project's scripts. Source after setting ROOT to the repo root:
#   ROOT=$PWD; . scripts/lib/deps.sh
# Every helper is quick when the thing is already present, so scripts call them unconditionally.

: "${ROOT:?ROOT must be set to the repository root before sourcing scripts/lib/deps.sh}"

_deps_apt_updated=${_deps_apt_updated:-0}

_deps_sudo() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_apt PKG...: installs the Debian packages that are not installed yet.
ensure_apt() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "deps: installing apt packages: ${missing[*]}" >&2
    if [ "$_deps_apt_updated" -eq 0 ]; then
        _deps_sudo apt-get update -qq
        _deps_apt_updated=1
    fi
    _deps_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# ensure_pkcs11_tools: SoftHSM2 (the PKCS#11 module the Rust tests sign with, and softhsm2-util
# that makes their throwaway tokens), OpenSC's pkcs11-tool (writes outside keys onto a token),
# and the OpenSSL CLI (the independent verifier).
ensure_pkcs11_tools() {
    ensure_apt softhsm2 opensc openssl
}

# ensure_cargo_tool BIN CRATE VERSION: installs CRATE at exactly VERSION unless `BIN --version` already reports it.
ensure_cargo_tool() {
    local bin=$1 crate=$2 version=$3
    if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -qw -- "$version"; then
        return 0
    fi
    echo "deps: installing $crate $version (provides $bin)" >&2
    # --locked first for reproducibility; a tool whose own lockfile pins a since-yanked crate
    # (wasm-bindgen-cli 0.2.130 does) is retried with fresh resolution.
    cargo install --locked --quiet "$crate" --version "$version" 2>/dev/null ||
        cargo install --quiet "$crate" --version "$version"
}

# lock_version CRATE: prints the version of CRATE recorded in $ROOT/Cargo.lock (fails if absent or ambiguous).
lock_version() {
    local crate=$1 versions
    versions=$(awk -v name="$crate" '
        $0 == "[[package]]" { in_pkg = 1; next }
        in_pkg && $1 == "name" { pkg = $3; gsub(/"/, "", pkg); next }
        in_pkg && $1 == "version" { v = $3; gsub(/"/, "", v); if (pkg == name) print v; in_pkg = 0 }
    ' "$ROOT/Cargo.lock" | sort -u)
    if [ -z "$versions" ]; then
        echo "deps: $crate is not in $ROOT/Cargo.lock" >&2
        return 1
    fi
    if [ "$(printf '%s\n' "$versions" | wc -l)" -ne 1 ]; then
        echo "deps: several versions of $crate in Cargo.lock: $versions" >&2
        return 1
    fi
    printf '%s\n' "$versions"
}

# ensure_postgresql: the PostgreSQL server (initdb, pg_ctl) and client, for the shared-store
# tests and benchmarks (Debian's `postgresql` also creates the `postgres` user the server runs as).
ensure_postgresql() {
    ensure_apt postgresql postgresql-client openssl
}

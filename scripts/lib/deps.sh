# Installers used by scripts/test.sh. Each is idempotent and returns quickly when
# the tool is already present. Sourced, not run.

apt_updated=0
# ensure_apt PKG... : installs Debian packages that are missing.
ensure_apt() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if [ $apt_updated -eq 0 ]; then
        $sudo apt-get update -qq
        apt_updated=1
    fi
    echo "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# lock_version CRATE : the version of CRATE recorded in Cargo.lock.
lock_version() {
    awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# ensure_cargo_tool BIN CRATE VERSION : cargo install a pinned tool unless present at that version.
ensure_cargo_tool() {
    local bin=$1 crate=$2 version=$3
    if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -qF "$version"; then
        return 0
    fi
    echo "installing $crate $version (cargo install; first time only)"
    # --locked first for reproducibility; a tool whose lockfile pins a yanked crate
    # (wasm-bindgen-cli 0.2.130 does) is retried with fresh resolution.
    cargo install --quiet --locked "$crate" --version "$version" 2>/dev/null ||
        cargo install --quiet "$crate" --version "$version"
}

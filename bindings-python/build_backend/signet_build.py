"""PEP 517 build backend for ``pip install ./bindings-python``: maturin's,
except that it never downloads a Rust toolchain.

When ``cargo`` is not on PATH, maturin's backend would fetch a Rust toolchain
(about 900 MB) into a temporary directory; offline it fails only after trying.
This wrapper stops at once with what to do instead: install Rust, or install
a prebuilt wheel (``scripts/python-test.sh`` builds one: an abi3 wheel for
every CPython >= 3.9, installable without Rust).
"""

from __future__ import annotations

import os
import shutil
from typing import Any, Mapping, Optional

# maturin reads it before deciding to download Rust.
os.environ["MATURIN_NO_INSTALL_RUST"] = "1"

_NO_CARGO = """
signet: building this package from source needs Rust: `cargo` (Rust 1.89 or
later) is not on PATH, and this build does not download a toolchain.
Either install Rust (https://rustup.rs, or your system's `cargo` package) and
retry, or install a prebuilt wheel instead:
    pip install signet-*.whl
(build one where Rust is installed with `maturin build --release` in
bindings-python/, or run scripts/python-test.sh: target/wheels/).
"""


def _need_cargo() -> None:
    if shutil.which("cargo") is None:
        raise SystemExit(_NO_CARGO)


def get_requires_for_build_wheel(config_settings: Optional[Mapping[str, Any]] = None) -> list[str]:
    _need_cargo()
    import maturin

    return list(maturin.get_requires_for_build_wheel(config_settings))


def get_requires_for_build_sdist(config_settings: Optional[Mapping[str, Any]] = None) -> list[str]:
    _need_cargo()
    import maturin

    return list(maturin.get_requires_for_build_sdist(config_settings))


get_requires_for_build_editable = get_requires_for_build_wheel


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: Optional[Mapping[str, Any]] = None) -> str:
    _need_cargo()
    import maturin

    return str(maturin.prepare_metadata_for_build_wheel(metadata_directory, config_settings))


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Mapping[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    _need_cargo()
    import maturin

    return str(maturin.build_wheel(wheel_directory, config_settings, metadata_directory))


def build_editable(
    wheel_directory: str,
    config_settings: Optional[Mapping[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    _need_cargo()
    import maturin

    return str(maturin.build_editable(wheel_directory, config_settings, metadata_directory))


def build_sdist(sdist_directory: str, config_settings: Optional[Mapping[str, Any]] = None) -> str:
    _need_cargo()
    import maturin

    return str(maturin.build_sdist(sdist_directory, config_settings))

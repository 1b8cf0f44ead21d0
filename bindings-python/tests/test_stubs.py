"""The type stubs match the built module (mypy.stubtest), and the package type-checks."""

from __future__ import annotations

import pathlib
import subprocess
import sys


def test_stubtest_native_module():
    out = subprocess.run([sys.executable, "-m", "mypy.stubtest", "signet._native"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_tests_type_check_against_the_stubs():
    here = pathlib.Path(__file__).parent
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--ignore-missing-imports", str(here / "test_typing_usage.py")],
        capture_output=True, text=True, cwd=here,
    )
    assert out.returncode == 0, out.stdout + out.stderr

"""The type stubs match the built module (mypy.stubtest), the typed API use
type-checks under mypy --strict, and misspelled names are type errors."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).parent


def mypy_strict(*files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null",
         *(str(HERE / f) for f in files)],
        capture_output=True, text=True, cwd=HERE,
    )


def test_stubtest_native_module():
    out = subprocess.run([sys.executable, "-m", "mypy.stubtest", "signet._native"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_typed_use_passes_mypy_strict():
    out = mypy_strict("test_typing_usage.py")
    assert out.returncode == 0, out.stdout + out.stderr


def test_misspelled_names_fail_mypy_strict():
    source = (HERE / "typing_bad_names.py").read_text().splitlines()
    marked = {n for n, line in enumerate(source, 1) if line.endswith("# rejected")}
    assert len(marked) == 8
    out = mypy_strict("typing_bad_names.py")
    assert out.returncode == 1, out.stdout + out.stderr
    errors = {int(m.group(1)) for m in re.finditer(r"typing_bad_names\.py:(\d+): error:", out.stdout)}
    # Exactly the misspelled lines, each as an incompatible argument type.
    assert errors == marked, out.stdout
    assert out.stdout.count("[arg-type]") == len(marked), out.stdout

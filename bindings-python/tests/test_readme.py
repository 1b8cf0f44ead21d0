"""The README's Python examples run, in order, as written."""

from __future__ import annotations

import re

from conftest import ROOT


def test_readme_examples_run(tmp_path, monkeypatch, capsys):
    text = (ROOT / "bindings-python" / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 5
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "sign_grant_required"
    assert (tmp_path / "app.bin.p7s").is_file()

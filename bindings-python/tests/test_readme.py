"""The README's Python examples run, in order, as written, in an empty directory.

What the README says the reader already has is made here first: `request.csr` by the
`openssl req` command the README quotes, and a SoftHSM2 token labelled `signing` (PIN
1234) in a throwaway token directory, as the Rust PKCS#11 tests do.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess

from conftest import ROOT

README = ROOT / "bindings-python" / "README.md"
def test_readme_examples_run(tmp_path, monkeypatch, capsys, softhsm):
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 8
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    # The CSR, made by the command the README quotes.
    command = re.search(r"`(openssl req -new [^`]*)`", text).group(1)
    subprocess.run(shlex.split(command), check=True, capture_output=True)
    monkeypatch.delenv("SIGNET_PKCS11_PIN", raising=False)

    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    out = capsys.readouterr().out.splitlines()

    # What the comments in the README say each print shows.
    assert out[:5] == [
        "False 3",
        "error organization required",
        "warning cs_provisioning_method provisioning_method_missing",
        "error certificate.signature_hash invalid_value",
        "error order_validity.years out_of_range",
    ]
    assert "True []" in out                                   # the P-384 CSR on a 5110 FIPS
    assert "ec P-384" in out
    assert "False pkcs11 ecc-p384" in out                     # the token state
    assert "ecdsa-sha384 9" in out
    assert out[-2:] == ["SignError sign_grant_required", "unknown_product"]
    assert (work / "app.bin.p7s").is_file()
    # The 5110 CC finding is a key-policy code, not an empty list.
    cc = out[out.index("True []") + 1]
    assert cc.startswith("['") and cc != "[]", cc
    # The token state's key is on the token, not in the state directory.
    assert not (work / "hsm-state" / "signer" / "key.p8").exists()
    assert (work / "demo-state" / "signer" / "key.p8").exists()
    assert os.environ["SIGNET_PKCS11_PIN"] == "1234"

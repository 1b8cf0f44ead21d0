"""RFC 3161 timestamps through the binding: `tsa=` passes through to the host,
against the shared test TSA (`tests/tsa/tsa_server.py`: `openssl ts -reply`
with a throwaway CA)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import signet
from conftest import ROOT, raises


@pytest.fixture
def tsa(tmp_path):
    """The test TSA on 127.0.0.1: a function from a path (`good`, `reject`, ...) to a URL."""
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "tsa" / "tsa_server.py"), str(tmp_path / "tsa")],
        stdout=subprocess.PIPE,
    )
    try:
        port = int(proc.stdout.readline())
        yield lambda path: f"http://127.0.0.1:{port}/{path}"
    finally:
        proc.kill()
        proc.wait()


def test_sign_file_with_tsa_embeds_a_timestamp_that_verify_reports(state, tmp_path, tsa):
    artifact = tmp_path / "app.bin"
    artifact.write_bytes(b"release 1.0")
    signed = state.sign_file(artifact, tsa=[tsa("good")])
    assert isinstance(signed["timestamp"], int)
    out = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-noverify", "-in", signed["signature"],
         "-content", artifact, "-out", os.devnull],
        capture_output=True,
    )
    assert out.returncode == 0, out.stderr
    verified = state.verify_file(artifact)
    assert verified["timestamp"] is not None
    assert verified["timestamp"]["time"] == signed["timestamp"]
    assert verified["timestamp"]["tsa"] == "CN=Signet Test TSA"
    # Without tsa (and none in signet.toml): no timestamp.
    plain = state.sign_files([artifact], output_dir=tmp_path)
    assert plain["signed"][0]["timestamp"] is None
    assert state.verify_file(artifact)["timestamp"] is None


def test_a_rejected_timestamp_writes_nothing_and_the_signature_stays_counted(state, tmp_path, tsa):
    artifact = tmp_path / "app.bin"
    artifact.write_bytes(b"release 1.0")
    e = raises(signet.SignError, "timestamp_failed", state.sign_file, artifact, tsa=[tsa("reject")])
    assert "tsp_rejected" in e.message and "counted but not written" in e.message
    assert not (tmp_path / "app.bin.p7s").exists()
    assert state.status()["budget"]["used"] == 1
    raises(signet.InvalidRequestError, "timestamp_url_invalid", state.sign_file, artifact, tsa=["https://x"])
    assert state.status()["budget"]["used"] == 1

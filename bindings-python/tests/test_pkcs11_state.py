"""A state whose key is on a PKCS#11 token (SoftHSM2, a throwaway token made
for this run): made from Python with the token's URI, opened with a PIN,
signing files that OpenSSL verifies, with the key-protection evidence in the
status and the PKCS#11 errors raised with their codes. The host does the
PKCS#11 work; the binding only passes the URI and the PIN through."""

from __future__ import annotations

import os
import subprocess

import pytest

import signet
import conftest
from conftest import raises

PIN = "1234"


@pytest.fixture
def tokens(softhsm):
    """The suite's SoftHSM2 tokens (conftest.softhsm): py-p256, py-rsa, py-badpin."""
    return softhsm


def uri(token: str, pin: str | None = None) -> str:
    query = f"module-path={conftest.SOFTHSM_MODULE}" + (f"&pin-value={pin}" if pin else "")
    return f"pkcs11:token={token};object=signing;type=private?{query}"


def openssl_verifies(content, p7s):
    out = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-content", content,
         "-noverify", "-out", os.devnull],
        capture_output=True,
    )
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("token,key_type", [("py-p256", "ecc-p256"), ("py-rsa", "rsa-3072")])
def test_a_token_key_signs_from_python(tokens, tmp_path, token, key_type):
    state_dir = tmp_path / "state"
    st = signet.init_state(state_dir, token=uri(token, PIN), generate=True, key_type=key_type, budget=2)
    status = st.status()
    assert status["token"] == "pkcs11" and status["development"] is False
    key = status["key"]
    assert key["kind"] == "pkcs11" and key["token_label"] == token and key["protection"] == "hardware"
    assert key["evidence"]["generated_on_token_never_left"] is True and key["signing_allowed"] is True
    del st

    # The stored URI holds no PIN: opening needs one.
    again = signet.open_state(state_dir, pin=PIN)
    artifact = tmp_path / "app.bin"
    artifact.write_bytes(b"built on CI")
    signed = again.sign_file(artifact)
    openssl_verifies(artifact, signed["signature"])
    assert signed["remaining"] == 1
    # A production state acts as the OS user, on the system clock.
    raises(signet.StateError, "state_production_clock", signet.open_state, state_dir, pin=PIN, now=1_780_000_000)


def test_pkcs11_errors_have_codes(tokens, tmp_path):
    state_dir = tmp_path / "state"
    signet.init_state(state_dir, token=uri("py-badpin", PIN), generate=True)
    e = raises(signet.TokenError, "pkcs11_pin_incorrect", signet.open_state, state_dir, pin="0000")
    assert "0000" not in str(e) and PIN not in str(e), "a PIN never appears in an error"
    missing = tmp_path / "missing"
    raises(signet.TokenError, "pkcs11_module_missing", signet.init_state, missing,
           token=f"pkcs11:token=py-p256;object=x;type=private?module-path=/nonexistent/libnone.so&pin-value={PIN}",
           generate=True)
    raises(signet.TokenError, "pkcs11_token_missing", signet.init_state, missing,
           token=uri("no-such-token", PIN), generate=True)
    raises(signet.InvalidRequestError, "conflicting_arguments", signet.init_state, missing,
           token=uri("py-p256", PIN), development=True)
    raises(signet.InvalidRequestError, "conflicting_arguments", signet.init_state, missing, generate=True)
    # A PIN for a software key is refused, not ignored.
    soft = tmp_path / "soft"
    signet.init_state(soft, user="alice", now=1_780_000_000)
    e = raises(signet.StateError, "state_pin_unexpected", signet.open_state, soft, pin=PIN, user="alice",
               now=1_780_000_000)
    assert PIN not in str(e)

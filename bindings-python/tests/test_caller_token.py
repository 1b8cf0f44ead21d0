"""States whose key is held by a token written in Python: every signature goes
through the enforced path (budget, grant, key protection, verify before
release), OpenSSL verifies the results, the token may read the state while it
signs (no lock is held across it), and its own exception is the cause of the
error it leads to."""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading

import pytest

import signet
from conftest import NOW, raises

DIGEST = hashlib.sha256(b"release.tar.gz").digest()


class WrappedToken:
    """A token in Python in front of a software token: what an integrator
    writes around an HSM SDK. It vouches for `protection` and records what
    it saw of the state while signing."""

    def __init__(self, protection: str = "software") -> None:
        self.inner = signet.SoftwareToken()
        self.key = self.inner.generate(signet.KeyAttributes("ecc-p256", "ecdsa-sha256"))
        self.protection = protection
        self.state: signet.State | None = None
        self.seen: list[int] = []
        self.fail_with: Exception | None = None

    def key_attributes(self, handle: int) -> signet.KeyAttributes:
        a = self.inner.key_attributes(handle)
        return signet.KeyAttributes(a.key_type, a.algorithm, protection=self.protection)

    def public_key(self, handle: int) -> bytes:
        return self.inner.public_key(handle)

    def sign_digest(self, handle: int, algorithm: str, digest: bytes) -> bytes:
        if self.fail_with is not None:
            raise self.fail_with
        if self.state is not None:
            # Reading the state from inside a signature must not deadlock.
            self.seen.append(self.state.status()["budget"]["used"])
        return self.inner.sign_digest(handle, algorithm, digest)


def openssl_verifies(content, p7s):
    out = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-content", content,
         "-noverify", "-out", os.devnull],
        capture_output=True,
    )
    assert out.returncode == 0, out.stderr


def test_a_python_token_signs_through_the_enforced_path(state_dir, tmp_path):
    token = WrappedToken()
    st = signet.init_state(state_dir, budget=3, user="alice", now=NOW, token=token, key=token.key, development=True)
    status = st.status()
    assert status["token"] == "caller" and status["key"]["kind"] == "caller"
    assert status["key"]["protection"] == "software" and status["development"] is True

    artifact = tmp_path / "app.bin"
    artifact.write_bytes(b"app")
    token.state = st
    signed = st.sign_file(artifact)
    openssl_verifies(artifact, signed["signature"])
    # The token read the status while it signed, and the signature it was
    # making was already counted: counted before it exists.
    assert token.seen == [1]
    assert st.sign_digest(DIGEST)["remaining"] == 1

    # Without its token the state does not open; another key is not its key.
    raises(signet.StateError, "state_caller_token_required", signet.open_state, state_dir, user="alice", now=NOW)
    other = WrappedToken()
    raises(signet.SignError, "sign_key_mismatch", signet.open_state, state_dir, user="alice", now=NOW,
           token=other, key=other.key)
    again = signet.open_state(state_dir, user="alice", now=NOW, token=token, key=token.key)
    assert again.sign_digest(DIGEST)["remaining"] == 0
    raises(signet.BudgetExhaustedError, "sign_budget_exhausted", again.sign_digest, DIGEST)

    # The token's own exception is the cause; nothing is counted.
    fresh = signet.init_state(tmp_path / "fresh", budget=3, user="alice", now=NOW, token=token, key=token.key,
                              development=True)
    token.state = None
    token.fail_with = RuntimeError("the HSM is offline")
    e = raises(signet.SignError, "sign_token", fresh.sign_digest, DIGEST)
    assert isinstance(e.__cause__, RuntimeError) and "offline" in str(e.__cause__)
    assert fresh.budget_show()["used"] == 0


def test_a_production_state_needs_the_token_to_vouch_for_hardware(state_dir):
    soft = WrappedToken("software")
    raises(signet.StateError, "state_production_user", signet.init_state, state_dir, user="alice",
           token=soft, key=soft.key)
    st = signet.init_state(state_dir, token=soft, key=soft.key)
    assert st.status()["development"] is False
    raises(signet.KeyPolicyError, "key_software", st.sign_digest, DIGEST)
    hardware = WrappedToken("hardware")
    hardware.inner, hardware.key = soft.inner, soft.key
    st = signet.open_state(state_dir, token=hardware, key=hardware.key)
    assert st.status()["key"]["signing_allowed"] is True
    assert st.sign_digest(DIGEST)["remaining"] == 999
    raises(signet.UnknownRequestError if hasattr(signet, "UnknownRequestError") else signet.InvalidRequestError,
           "unknown_key_protection", signet.KeyAttributes, "ecc-p256", "ecdsa-sha256", protection="tpm")


def test_arguments_and_threads(state_dir, tmp_path):
    token = WrappedToken()
    raises(signet.InvalidRequestError, "conflicting_arguments", signet.init_state, state_dir, token=token)
    raises(signet.InvalidRequestError, "conflicting_arguments", signet.init_state, state_dir, development=False)
    with pytest.raises(TypeError):
        signet.init_state(state_dir, token=object(), key=1)
    st = signet.init_state(state_dir, budget=40, user="alice", now=NOW, token=token, key=token.key,
                           development=True)
    token.state = st
    errors: list[BaseException] = []

    def sign_some() -> None:
        try:
            for _ in range(10):
                st.sign_digest(DIGEST)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=sign_some) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a signature deadlocked"
    assert errors == []
    assert st.budget_show()["used"] == 40 and len(token.seen) == 40
    raises(signet.BudgetExhaustedError, "sign_budget_exhausted", st.sign_digest, DIGEST)

"""Shared fixtures and helpers: paths to the shared vectors, a certificate on a
software token, a development state on a fixed clock, and the exception class
each error code must raise (derived here from the table, independently of the
binding's own mapping)."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

import signet

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"

# 2026-01-01 .. 2027-01-01 UTC, and a time inside.
NOT_BEFORE = 1_767_225_600
NOT_AFTER = NOT_BEFORE + 365 * 86_400
NOW = NOT_BEFORE + 30 * 86_400

DOMAIN_CLASS = {
    "invalid_request": signet.InvalidRequestError,
    "key_policy": signet.KeyPolicyError,
    "budget": signet.BudgetError,
    "grant": signet.GrantError,
    "counter": signet.CounterError,
    "token": signet.TokenError,
    "sign": signet.SignError,
    "verification": signet.VerificationError,
    "state": signet.StateError,
    "usage": signet.UsageError,
}
CODES = {row["code"]: row for row in signet.error_codes()}


def expected_class(code: str) -> type[signet.SignetError]:
    """The class a code must raise: its domain's, or BudgetExhaustedError."""
    if code in ("budget_exhausted", "sign_budget_exhausted"):
        return signet.BudgetExhaustedError
    return DOMAIN_CLASS[CODES[code]["domain"]]


def raises(cls, code, fn, *args, **kwargs):
    """Calls fn, which must raise exactly `cls` with `code` (and `cls` must be
    the class the table derives for `code`)."""
    with pytest.raises(signet.SignetError) as info:
        fn(*args, **kwargs)
    e = info.value
    assert e.code == code, f"{e.code} != {code}: {e}"
    assert type(e) is cls, f"{type(e).__name__} is not exactly {cls.__name__}"
    assert cls is expected_class(code), f"{code} is in domain {CODES[code]['domain']}"
    assert str(e) and e.message == str(e)
    return e


@pytest.fixture
def p256_setup():
    """A software token with a P-256 key and its self-signed certificate."""
    token = signet.SoftwareToken()
    handle = token.generate(signet.KeyAttributes("ecc-p256", "ecdsa-sha256"))
    cert = signet.self_signed_certificate(token, handle, "py-test", NOT_BEFORE, NOT_AFTER, serial=7)
    return token, handle, cert


@pytest.fixture
def state_dir(tmp_path):
    """A path for a state directory (not created)."""
    return tmp_path / "state"


@pytest.fixture
def state(state_dir):
    """A development state: P-256, 10 signatures for alice, clock fixed at NOW."""
    return signet.init_state(state_dir, budget=10, user="alice", now=NOW)


# Every SoftHSM2 token the suite uses, made once before the PKCS#11 module
# is first loaded: a process keeps a module it initialised (signet-host's
# module cache), and SoftHSM2 reads its token directory once.
SOFTHSM_TOKENS = ("signing", "py-p256", "py-rsa", "py-badpin")
SOFTHSM_MODULE = pathlib.Path(os.environ.get("SIGNET_TEST_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so"))


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory):
    """A throwaway SoftHSM2 token directory with every token of the suite
    (PIN 1234); `SOFTHSM2_CONF` names it for the whole session."""
    assert SOFTHSM_MODULE.exists() and shutil.which("softhsm2-util"), "SoftHSM2 is required (scripts/lib/deps.sh)"
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    for label in SOFTHSM_TOKENS:
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", "1234", "--so-pin", "5678"],
            check=True, capture_output=True,
        )
    yield SOFTHSM_MODULE
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous

"""Every exception class is raised by a real failing call, with the core's code."""

from __future__ import annotations

import hashlib
import pickle

import pytest

import signet
from conftest import NOT_AFTER, NOT_BEFORE, NOW

FP = bytes(range(32))
OTHER_FP = bytes(32)


def budget(allotment=1):
    return signet.Budget(FP, NOT_BEFORE, NOT_AFTER, "alice", allotment=allotment)


def raises(cls, code, fn, *args, **kwargs):
    with pytest.raises(cls) as info:
        fn(*args, **kwargs)
    assert type(info.value) is cls, f"{type(info.value).__name__} is not exactly {cls.__name__}"
    assert info.value.code == code
    assert isinstance(info.value, signet.SignetError)
    assert str(info.value)
    return info.value


def test_tree():
    assert issubclass(signet.InvalidRequestError, ValueError)
    assert issubclass(signet.KeyPolicyError, ValueError)
    assert issubclass(signet.BudgetExhaustedError, signet.BudgetError)
    assert issubclass(signet.VerificationError, signet.SignError)
    for cls in (signet.InvalidRequestError, signet.KeyPolicyError, signet.BudgetError, signet.GrantError,
                signet.CounterError, signet.TokenError, signet.SignError):
        assert issubclass(cls, signet.SignetError)


@pytest.mark.parametrize(
    "code,call",
    [
        ("unknown_product", lambda: signet.validate_order("{}", product="code_signing_xl")),
        ("date_out_of_range", lambda: signet.validate_order("{}", at="2025-02-30")),
        ("date_format", lambda: signet.validate_order("{}", at="01.06.2025")),
        ("unknown_device_profile", lambda: signet.check_csr(b"", device="yubikey")),
        ("unknown_role", lambda: signet.Actor("bob", "boss")),
        ("user_id_empty", lambda: signet.Actor("", "manager")),
        ("unknown_key_type", lambda: signet.KeyAttributes("ecc-p521", "ecdsa-sha512")),
        ("unknown_signature_algorithm", lambda: signet.KeyAttributes("ecc-p256", "ecdsa-md5")),
    ],
)
def test_invalid_request(code, call):
    e = raises(signet.InvalidRequestError, code, call)
    assert isinstance(e, ValueError)


def test_key_policy():
    raises(signet.KeyPolicyError, "key_malformed", signet.key_info, b"\x30\x03junk")
    raises(signet.KeyPolicyError, "certificate_malformed", signet.Budget.for_certificate, b"\x30\x03abc", "alice")


def test_budget_errors():
    b = budget()
    raises(signet.BudgetError, "budget_fingerprint_mismatch", b.revoke, OTHER_FP)
    raises(signet.BudgetError, "budget_purchase_not_permitted", b.buy,
           signet.Actor("sam", "standard_user"), FP, 1000, NOW)
    raises(signet.BudgetError, "budget_invalid_validity", signet.Budget, FP, NOT_AFTER, NOT_BEFORE, "alice")
    store = signet.MemoryCounterStore()
    raises(signet.BudgetError, "budget_not_assigned_signer", b.reserve, store, "mallory", FP, NOW)


def test_budget_exhausted():
    b, store = budget(allotment=1), signet.MemoryCounterStore()
    r = b.reserve(store, "alice", FP, NOW)
    report = b.commit(store, r)
    assert (report.index, report.used, report.remaining, report.level) == (0, 1, 0, "exhausted")
    raises(signet.BudgetExhaustedError, "budget_exhausted", b.reserve, store, "alice", FP, NOW)


def test_grant_error():
    raises(signet.GrantError, "grant_no_approvers", signet.ApprovalStep, [], 1)
    step = signet.ApprovalStep(["carol"], 1)
    policy = signet.SignerPolicy("alice", [step], max_request_ttl_secs=3600, max_signings=5)
    req = signet.SigningRequest.open(1, "bob", policy, NOW)
    raises(signet.GrantError, "grant_own_request", req.approve, "bob", NOW)


def test_counter_errors(tmp_path):
    raises(signet.CounterError, "counter_zero_block_size", signet.FileCounterStore, tmp_path / "a", block=0)
    with signet.FileCounterStore(tmp_path / "b") as first:
        assert first.usage().used == 0
        raises(signet.CounterError, "counter_locked", signet.FileCounterStore, tmp_path / "b", wait_for_lock=False)
    # Closed: the lock is released.
    signet.FileCounterStore(tmp_path / "b", wait_for_lock=False).close()
    with pytest.raises(ValueError):
        first.usage()


def test_token_errors(p256_setup):
    token, handle, _ = p256_setup
    raises(signet.TokenError, "token_invalid_handle", token.sign_digest, 99, "ecdsa-sha256", bytes(32))
    raises(signet.TokenError, "token_not_permitted", token.sign_digest, handle, "ecdsa-sha384", bytes(48))
    raises(signet.TokenError, "token_invalid_digest", token.sign_digest, handle, "ecdsa-sha256", bytes(31))
    raises(signet.TokenError, "token_not_supported", signet.KeyAttributes, "rsa-3072", "ecdsa-sha256")
    raises(signet.TokenError, "token_invalid_key", token.import_pkcs8, b"not a key", "ecdsa-sha256")


def test_sign_errors(p256_setup):
    token, handle, cert = p256_setup
    other = token.generate(signet.KeyAttributes("ecc-p256", "ecdsa-sha256"))
    b = signet.Budget.for_certificate(cert, "alice")
    store = signet.MemoryCounterStore()
    digest = hashlib.sha256(b"x").digest()
    wrong_key = signet.Signer(cert, token, other, b, store)
    raises(signet.SignError, "sign_key_mismatch", wrong_key.sign_digest, "alice", "ecdsa-sha256", digest, now=NOW)
    signer = signet.Signer(cert, token, handle, b, store)
    raises(signet.SignError, "sign_certificate_expired", signer.sign_digest, "alice", "ecdsa-sha256", digest,
           now=NOT_AFTER + 1)
    raises(signet.BudgetError, "sign_not_assigned_signer", signer.sign_digest, "bob", "ecdsa-sha256", digest, now=NOW)
    raises(signet.TokenError, "sign_token", signer.sign_digest, "alice", "ecdsa-sha384", hashlib.sha384().digest(),
           now=NOW)
    strict = signet.Signer(cert, token, handle, b, store, require_grant=True)
    raises(signet.GrantError, "sign_grant_required", strict.sign_digest, "alice", "ecdsa-sha256", digest, now=NOW)
    # Nothing above consumed a signature.
    assert store.usage().used == 0


def test_verification_error(p256_setup):
    token, handle, _ = p256_setup
    digest = hashlib.sha256(b"m").digest()
    sig = token.sign_digest(handle, "ecdsa-sha256", digest)
    spki = token.public_key(handle)
    signet.verify_digest(spki, "ecdsa-sha256", digest, sig)
    raises(signet.VerificationError, "verify_bad_signature", signet.verify_digest, spki, "ecdsa-sha256",
           hashlib.sha256(b"other").digest(), sig)


def test_exceptions_pickle():
    e = signet.BudgetExhaustedError("used up", code="budget_exhausted")
    back = pickle.loads(pickle.dumps(e))
    assert (type(back), back.code, str(back)) == (signet.BudgetExhaustedError, "budget_exhausted", "used up")

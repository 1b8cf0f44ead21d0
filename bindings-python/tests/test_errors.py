"""Exception classes: the class follows from the code's domain in core's
table, for every row (checked on the binding's own mapping), and real failing
calls raise their class with their code. No API call can raise a counter
error (the host reports ledger failures as state_*) or python_internal_error
(a bug), so those two classes are checked through the table only."""

from __future__ import annotations

import hashlib
import pickle

import pytest

import signet
from conftest import CODES, DOMAIN_CLASS, NOT_AFTER, NOT_BEFORE, NOW, expected_class, raises
from signet import _native


def test_tree():
    assert issubclass(signet.InvalidRequestError, ValueError)
    assert issubclass(signet.KeyPolicyError, ValueError)
    assert issubclass(signet.BudgetExhaustedError, signet.BudgetError)
    assert issubclass(signet.BudgetExhaustedError, signet.SignError)
    assert issubclass(signet.VerificationError, signet.SignError)
    for cls in DOMAIN_CLASS.values():
        assert issubclass(cls, signet.SignetError)
    for cls in (signet.StateError, signet.UsageError, signet.BudgetError, signet.SignError):
        assert not issubclass(cls, (ValueError, RuntimeError))


def test_the_table():
    rows = signet.error_codes()
    assert len(rows) == len(CODES) > 150
    assert {r["domain"] for r in rows} == set(DOMAIN_CLASS)
    assert len({r["number"] for r in rows}) == len(rows)
    assert CODES["state_ledger_missing"] == {
        "code": "state_ledger_missing",
        "number": 8007,
        "domain": "state",
        "description": "A signature ledger is missing; usage cannot be known.",
    }
    # The Python binding's own rows, in its ranges.
    assert CODES["unknown_input_kind"]["number"] in range(1100, 1120)
    assert CODES["conflicting_arguments"]["number"] in range(1100, 1120)
    assert CODES["python_internal_error"]["number"] in range(9100, 9120)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_raises_the_class_of_its_domain(code):
    e = _native._exception_for(code, "m")
    assert type(e) is expected_class(code)
    assert isinstance(e, DOMAIN_CLASS[CODES[code]["domain"]])
    assert (e.code, e.message, e.hint) == (code, "m", None)


def test_a_code_without_a_row_is_still_coded():
    e = _native._exception_for("no_such_code", "m")
    assert type(e) is signet.SignetError and e.code == "no_such_code"


@pytest.mark.parametrize(
    "code,call",
    [
        ("unknown_product", lambda: signet.validate_order("{}", product="code_signing_xl")),
        ("date_out_of_range", lambda: signet.validate_order("{}", at="2025-02-30")),
        ("date_format", lambda: signet.validate_order("{}", at="01.06.2025")),
        ("unknown_device_profile", lambda: signet.check_csr(b"", device="yubikey")),
        ("unknown_key_type", lambda: signet.KeyAttributes("ecc-p521", "ecdsa-sha512")),
        ("unknown_signature_algorithm", lambda: signet.KeyAttributes("ecc-p256", "ecdsa-md5")),
        ("unknown_input_kind", lambda: signet.key_info(b"", kind="jwk")),  # type: ignore[arg-type]
    ],
)
def test_invalid_request(code, call):
    e = raises(signet.InvalidRequestError, code, call)
    assert isinstance(e, ValueError)


def test_key_policy():
    raises(signet.KeyPolicyError, "key_malformed", signet.key_info, b"\x30\x03junk")
    raises(signet.KeyPolicyError, "certificate_malformed", signet.key_info, b"\x30\x03abc", kind="certificate")


def test_budget_errors(state):
    raises(signet.BudgetError, "budget_purchase_not_permitted", state.budget_buy, 1000, role="standard_user")
    raises(signet.BudgetError, "budget_subaccount_purchase", state.budget_buy, 1000, role="manager", subaccount=True)
    raises(signet.BudgetError, "budget_not_found", state.budget_revoke, "ab" * 32)
    state.budget_revoke()
    raises(signet.BudgetError, "budget_revoked", state.budget_buy, 1000, role="administrator")


def test_budget_exhausted(state):
    state.budget_use(10)
    e = raises(signet.BudgetExhaustedError, "budget_exhausted", state.budget_use, 1)
    assert isinstance(e, signet.BudgetError)
    e = raises(signet.BudgetExhaustedError, "sign_budget_exhausted", state.sign_digest, hashlib.sha256().digest())
    assert isinstance(e, signet.SignError)


def test_grant_errors(state):
    raises(signet.GrantError, "grant_no_approvers", state.grant_policy, ttl=60, steps=[([], 1)])
    raises(signet.GrantError, "grant_no_limit", state.grant_policy, ttl=60, steps=[(["carol"], 1)])
    raises(signet.GrantError, "grant_zero_ttl", state.grant_policy, ttl=0, steps=[(["carol"], 1)], max_ops=1)
    raises(signet.GrantError, "grant_no_policy", state.grant_request)
    state.grant_policy(ttl=60, steps=[(["carol"], 1)], max_ops=2)
    raises(signet.GrantError, "grant_operations_above_ceiling", state.grant_request, ops=3)
    request = state.grant_request(ops=1)
    raises(signet.GrantError, "grant_own_request", state.grant_approve, request["id"])


def test_token_errors(p256_setup):
    token, handle, _ = p256_setup
    raises(signet.TokenError, "token_invalid_handle", token.sign_digest, 99, "ecdsa-sha256", bytes(32))
    raises(signet.TokenError, "token_not_permitted", token.sign_digest, handle, "ecdsa-sha384", bytes(48))
    raises(signet.TokenError, "token_invalid_digest", token.sign_digest, handle, "ecdsa-sha256", bytes(31))
    raises(signet.TokenError, "token_not_supported", signet.KeyAttributes, "rsa-3072", "ecdsa-sha256")
    raises(signet.TokenError, "token_invalid_key", token.import_pkcs8, b"not a key", "ecdsa-sha256")


def test_sign_errors(state):
    digest = hashlib.sha256(b"x").digest()
    raises(signet.SignError, "sign_not_assigned_signer", signet.open_state(state.dir, user="bob", now=NOW).sign_digest,
           digest)
    late = signet.open_state(state.dir, user="alice", now=NOW + 366 * 86_400)
    raises(signet.SignError, "sign_certificate_expired", late.sign_digest, digest)
    state.budget_revoke()
    raises(signet.SignError, "sign_revoked", state.sign_digest, digest)
    assert state.budget_show()["used"] == 0


def test_verification_errors(p256_setup, state, tmp_path):
    token, handle, _ = p256_setup
    digest = hashlib.sha256(b"m").digest()
    sig = token.sign_digest(handle, "ecdsa-sha256", digest)
    spki = token.public_key(handle)
    signet.verify_digest(spki, "ecdsa-sha256", digest, sig)
    raises(signet.VerificationError, "verify_bad_signature", signet.verify_digest, spki, "ecdsa-sha256",
           hashlib.sha256(b"other").digest(), sig)
    f = tmp_path / "f"
    f.write_bytes(b"content")
    state.sign_file(f)
    f.write_bytes(b"changed")
    raises(signet.VerificationError, "cms_content_digest_mismatch", state.verify_file, f)
    (tmp_path / "f.p7s").write_bytes(b"\x30\x00")
    raises(signet.VerificationError, "cms_malformed", state.verify_file, f)


def test_state_errors(state, tmp_path):
    raises(signet.StateError, "state_not_initialised", signet.open_state, tmp_path / "nothing", user="a")
    raises(signet.StateError, "state_exists", signet.init_state, state.dir, user="alice")
    (state.dir / "signet.toml").write_text("format = 99\n")
    raises(signet.StateError, "state_config_invalid", signet.open_state, state.dir, user="alice")


def test_self_signed_certificate_errors(p256_setup):
    token, handle, _ = p256_setup
    raises(signet.TokenError, "token_invalid_handle", signet.self_signed_certificate, token, 42, "x", NOT_BEFORE,
           NOT_AFTER)
    raises(signet.SignError, "cert_invalid_validity", signet.self_signed_certificate, token, handle, "x", NOT_AFTER,
           NOT_BEFORE)


def test_exceptions_pickle():
    e = signet.StateError("ledger gone", code="state_ledger_missing", hint="restore it")
    back = pickle.loads(pickle.dumps(e))
    assert (type(back), back.code, str(back), back.hint) == (signet.StateError, "state_ledger_missing",
                                                             "ledger gone", "restore it")
    e2 = signet.BudgetExhaustedError("used up", code="budget_exhausted")
    back2 = pickle.loads(pickle.dumps(e2))
    assert (type(back2), back2.code, back2.hint) == (signet.BudgetExhaustedError, "budget_exhausted", None)
    assert repr(back) == "StateError('ledger gone', code='state_ledger_missing', hint='restore it')"

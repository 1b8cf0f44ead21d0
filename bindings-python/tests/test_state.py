"""The state API over signet-host: signatures checked by independent verifiers
(the OpenSSL CLI and `cryptography`), status and budgets, damaged states,
many threads on one budget, grants on the sign path, and no lock or GIL held
where it must not be."""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import threading
import time
import typing

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

import signet
from conftest import NOW, raises

DIGEST = hashlib.sha256(b"release.tar.gz").digest()


def openssl_verify(content, p7s, tmp_path):
    """`openssl cms -verify -binary -inform DER -noverify`; returns (ok, signer cert DER)."""
    assert shutil.which("openssl") is not None, "the OpenSSL CLI is required"
    signer = tmp_path / "signer.pem"
    out = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-content", content,
         "-noverify", "-signer", signer, "-out", os.devnull],
        capture_output=True,
    )
    if out.returncode != 0:
        return False, None
    return True, x509.load_pem_x509_certificate(signer.read_bytes()).public_bytes(serialization.Encoding.DER)


def test_sign_file_verified_by_openssl(state, tmp_path):
    artifact = tmp_path / "app.bin"
    artifact.write_bytes(b"the signed file\n" * 1000)
    signed = state.sign_file(artifact)
    # The receipt: the signature's record in the audit log (record 1 is the state's creation).
    audit = signed.pop("audit")
    assert audit["seq"] == 2 and len(audit["hash"]) == 64
    assert signed == {
        "file": str(artifact),
        "signature": str(artifact) + ".p7s",
        "counter_index": 0,
        "grant": None,
        "remaining": 9,
        "level": "normal",
        "timestamp": None,
    }
    ok, signer = openssl_verify(artifact, signed["signature"], tmp_path)
    assert ok and signer == state.certificate_der
    verified = state.verify_file(artifact)
    assert verified["signer_check"] == "state_certificate"
    assert verified["certificate_fingerprint"] == state.fingerprint == hashlib.sha256(state.certificate_der).hexdigest()
    # Tampered: OpenSSL and the state both refuse.
    artifact.write_bytes(b"tampered\n")
    assert openssl_verify(artifact, signed["signature"], tmp_path) == (False, None)
    with pytest.raises(signet.SignetError) as e:
        state.verify_file(artifact)
    assert isinstance(e.value, signet.SignError) and e.value.code.startswith("cms_")


def test_output_file_and_batch_output_dir(state, tmp_path):
    files = []
    for i in range(3):
        f = tmp_path / f"f{i}.bin"
        f.write_bytes(bytes([i]) * 100)
        files.append(f)
    one = state.sign_file(files[0], output=tmp_path / "one.sig")
    assert one["signature"] == str(tmp_path / "one.sig")
    out = tmp_path / "sigs"
    out.mkdir()
    batch = state.sign_files(files, output_dir=out)
    assert [s["signature"] for s in batch["signed"]] == [str(out / f"f{i}.bin.p7s") for i in range(3)]
    assert [s["counter_index"] for s in batch["signed"]] == [1, 2, 3]
    assert batch["remaining"] == 6
    for f in files:
        assert openssl_verify(f, out / (f.name + ".p7s"), tmp_path)[0]
        assert state.verify_file(f, signature=out / (f.name + ".p7s"))["file"] == str(f)
    # All or nothing: an unreadable input signs and counts nothing.
    raises(signet.InvalidRequestError, "input_unreadable", state.sign_files, [files[0], tmp_path / "missing"])
    assert state.status()["budget"]["used"] == 4


@pytest.mark.parametrize(
    "key_type,check",
    [
        ("ecc-p256", lambda k, s, d: k.verify(s, d, ec.ECDSA(Prehashed(hashes.SHA256())))),
        ("ecc-p384", lambda k, s, d: k.verify(s, d, ec.ECDSA(Prehashed(hashes.SHA384())))),
        ("rsa-3072", lambda k, s, d: k.verify(s, d, padding.PKCS1v15(), Prehashed(hashes.SHA256()))),
    ],
)
def test_sign_digest_verified_by_cryptography(tmp_path, key_type, check):
    st = signet.init_state(tmp_path / "s", key_type=key_type, user="alice", now=NOW)
    status = st.status()
    assert status["key_type"] == key_type
    digest = hashlib.new(status["algorithm"].rsplit("-", 1)[1], b"payload").digest()
    signed = st.sign_digest(digest)
    assert isinstance(signed["signature"], bytes) and signed["algorithm"] == status["algorithm"]
    public = x509.load_der_x509_certificate(st.certificate_der).public_key()
    check(public, signed["signature"], digest)
    with pytest.raises(Exception):
        check(public, signed["signature"], hashlib.new(status["algorithm"].rsplit("-", 1)[1], b"other").digest())


def test_status_after_n_signatures(state, tmp_path):
    status = state.status()
    assert status["development"] is True and status["signer"] == "alice" and status["grant_required"] is False
    assert (status["key_type"], status["algorithm"], status["token"]) == ("ecc-p256", "ecdsa-sha256", "software")
    assert status["certificate"]["fingerprint"] == state.fingerprint
    assert status["certificate"]["not_before"] <= NOW <= status["certificate"]["not_after"]
    assert status["state_dir"] == str(state.dir)
    crossed = []
    for i in range(8):
        r = state.sign_digest(hashlib.sha256(bytes([i])).digest())
        assert r["counter_index"] == i and r["remaining"] == 10 - i - 1
        if r["crossed"]:
            crossed.append((i + 1, r["crossed"]))
    assert crossed == [(8, "warn80")]
    budget = state.status()["budget"]
    assert (budget["used"], budget["committed"], budget["remaining"], budget["total"]) == (8, 8, 2, 10)
    assert (budget["level"], budget["state"], budget["lost_in_crashes"]) == ("warn80", "valid", 0)
    # Another process's view (a fresh open) agrees: the count is durable.
    again = signet.open_state(state.dir, user="alice", now=NOW)
    assert again.budget_show() == state.budget_show() == budget


def test_refusal_raises_the_class_of_its_domain(state):
    bob = signet.open_state(state.dir, user="bob", now=NOW)
    raises(signet.SignError, "sign_not_assigned_signer", bob.sign_digest, DIGEST)
    raises(signet.BudgetError, "budget_purchase_not_permitted", state.budget_buy, 1000)
    raises(signet.GrantError, "grant_no_policy", state.grant_request, ops=1)
    expired = signet.open_state(state.dir, user="alice", now=NOW + 400 * 86_400)
    raises(signet.SignError, "sign_certificate_expired", expired.sign_digest, DIGEST)
    raises(signet.SignError, "sign_token", state.sign_digest, DIGEST[:31])
    assert state.status()["budget"]["used"] == 0, "no refusal consumed a signature"


def test_deleted_ledger_is_a_state_error(state):
    ledger = state.dir / "budgets" / state.fingerprint / "ledger"
    assert (ledger / "ledger.bin").exists()
    shutil.rmtree(ledger)
    e = raises(signet.StateError, "state_ledger_missing", signet.open_state, state.dir, user="alice", now=NOW)
    assert isinstance(e, signet.SignetError) and not isinstance(e, ValueError)
    # The state opened before the damage fails closed too, and signs nothing.
    raises(signet.StateError, "state_ledger_missing", state.sign_digest, DIGEST)
    raises(signet.StateError, "state_ledger_missing", state.status)


def test_other_damage_and_missing_states(state, tmp_path):
    raises(signet.StateError, "state_not_initialised", signet.open_state, tmp_path / "none", user="alice")
    raises(signet.StateError, "state_exists", signet.init_state, state.dir, user="alice", now=NOW)
    key = state.dir / "signer" / "key.p8"
    secret = key.read_bytes()
    key.write_bytes(secret[: len(secret) // 2])
    with pytest.raises(signet.SignetError) as e:
        signet.open_state(state.dir, user="alice", now=NOW)
    # Secrets never appear in errors.
    text = repr(e.value) + str(e.value.hint)
    assert secret.hex() not in text and secret[-16:].hex() not in text
    key.unlink()
    e = raises(signet.StateError, "state_incomplete", signet.open_state, state.dir, user="alice", now=NOW)
    assert e.hint


def test_eight_threads_never_overspend(tmp_path):
    limit, threads, per_thread = 50, 8, 10
    st = signet.init_state(tmp_path / "s", budget=limit, user="alice", now=NOW)
    public = x509.load_der_x509_certificate(st.certificate_der).public_key()
    results, refusals, lock = [], [], threading.Lock()
    start = threading.Barrier(threads)

    def work(n):
        start.wait()
        for i in range(per_thread):
            digest = hashlib.sha256(f"{n}-{i}".encode()).digest()
            try:
                r = st.sign_digest(digest)
            except signet.SignetError as e:
                with lock:
                    refusals.append((type(e), e.code))
            else:
                with lock:
                    results.append((digest, r))

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert len(results) == limit
    assert refusals == [(signet.BudgetExhaustedError, "sign_budget_exhausted")] * (threads * per_thread - limit)
    assert issubclass(signet.BudgetExhaustedError, signet.SignError)
    assert sorted(r["counter_index"] for _, r in results) == list(range(limit))
    for digest, r in results:
        public.verify(r["signature"], digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    budget = signet.open_state(st.dir, user="alice", now=NOW).budget_show()
    assert (budget["used"], budget["committed"], budget["remaining"], budget["level"]) == (limit, limit, 0, "exhausted")


def test_grants_gate_signing(state, tmp_path):
    def as_user(name):
        return signet.open_state(state.dir, user=name, now=NOW)

    policy = state.grant_policy(ttl=3600, steps=[(["carol", "dave"], 2)], max_ops=5, max_window=86_400)
    assert policy["signer"] == "alice" and policy["steps"] == [{"approvers": ["carol", "dave"], "threshold": 2}]
    assert state.status()["grant_required"] is True
    artifact = tmp_path / "app.bin"
    artifact.write_bytes(b"app")
    bob = as_user("bob")
    e = raises(signet.SignError, "sign_grant_required", bob.sign_file, artifact)
    assert e.hint
    raises(signet.SignError, "sign_grant_required", state.sign_file, artifact)

    request = bob.grant_request(ops=2, justification="release 1.0")
    assert (request["id"], request["status"], request["requester"], request["signer"]) == (1, "open", "bob", "alice")
    assert request["grant"] is None and request["justification"] == "release 1.0"
    raises(signet.GrantError, "grant_own_request", bob.grant_approve, 1)
    raises(signet.GrantError, "grant_not_eligible", as_user("mallory").grant_approve, 1)
    first = as_user("carol").grant_approve(1)
    assert first["status"] == "open" and first["approvals"] == [{"step": 0, "by": "carol"}]
    raises(signet.SignError, "sign_grant_required", bob.sign_file, artifact)
    granted = as_user("dave").grant_approve(1)
    assert granted["status"] == "approved"
    grant = granted["grant"]
    assert grant is not None
    assert (grant["id"], grant["status"], grant["grantee"], grant["used"], grant["remaining"]) == (1, "active", "bob", 0, 2)

    signed = bob.sign_file(artifact)
    assert signed["grant"] == 1
    ok, signer = openssl_verify(artifact, signed["signature"], tmp_path)
    assert ok and signer == state.certificate_der
    assert bob.sign_digest(DIGEST, grant=1)["grant"] == 1
    shown = bob.grant_show(1)["grant"]
    assert shown is not None and (shown["used"], shown["remaining"], shown["status"]) == (2, 0, "used_up")
    raises(signet.SignError, "sign_grant_exhausted", bob.sign_digest, DIGEST)
    raises(signet.GrantError, "grant_not_found", bob.sign_digest, DIGEST, grant=7)
    # Alice holds no grant: the policy binds the assigned signer too.
    raises(signet.SignError, "sign_grant_required", state.sign_digest, DIGEST)
    assert state.budget_show()["used"] == 2

    # Reject and cancel.
    second = bob.grant_request(ops=1)
    rejected = as_user("carol").grant_reject(second["id"], "not now")
    assert rejected["status"] == "rejected" and rejected["rejection"] == {"by": "carol", "comment": "not now"}
    third = bob.grant_request()
    raises(signet.GrantError, "grant_not_requester", as_user("carol").grant_cancel, third["id"])
    assert bob.grant_cancel(third["id"])["status"] == "cancelled"
    assert [r["status"] for r in state.grant_list()] == ["approved", "rejected", "cancelled"]
    raises(signet.GrantError, "grant_unknown_request", state.grant_show, 99)


def test_budgets_of_other_certificates(state, tmp_path, p256_setup):
    _, _, cert = p256_setup  # 2026-01-01 .. 2027-01-01
    fp = hashlib.sha256(cert).hexdigest()
    created = state.budget_init(cert, signer="bob", allotment=3, not_after="2026-06-01T00:00:00Z")
    assert (created["fingerprint"], created["signer"], created["total"]) == (fp, "bob", 3)
    assert created["not_after"] == 1_780_272_000
    raises(signet.BudgetError, "budget_exists", state.budget_init, cert, signer="bob")
    raises(signet.BudgetError, "budget_validity_outside_certificate", state.budget_init, state.certificate_der,
           signer="bob", not_after="2099-01-01T00:00:00Z")
    bob = signet.open_state(state.dir, user="bob", now=NOW)
    used = bob.budget_use(2, fingerprint=fp)
    assert (used["used"], used["remaining"]) == (2, 1)
    e = raises(signet.BudgetExhaustedError, "budget_exhausted", bob.budget_use, 2, fingerprint=fp)
    assert isinstance(e, signet.BudgetError) and "nothing was counted" in e.message
    bought = bob.budget_buy(1000, role="manager", fingerprint=fp)
    assert (bought["purchased"], bought["remaining"]) == (1000, 1001)
    raises(signet.BudgetError, "budget_not_keylocker_lead", bob.budget_assign, "carol", fingerprint=fp)
    assert bob.budget_assign("carol", keylocker_lead=True, fingerprint=fp)["signer"] == "carol"
    assert state.budget_revoke(fingerprint=fp)["state"] == "revoked"
    assert state.budget_show(fp)["remaining"] == 0
    assert state.budget_show()["fingerprint"] == state.fingerprint
    raises(signet.BudgetError, "budget_not_found", state.budget_show, "00" * 32)
    raises(signet.InvalidRequestError, "fingerprint_invalid", state.budget_show, "abc")
    raises(signet.InvalidRequestError, "certificate_invalid", state.budget_init, b"junk", signer="bob")


def test_verify_names_the_signer(state, tmp_path):
    other = signet.init_state(tmp_path / "other", user="zed", now=NOW)
    artifact = tmp_path / "a.bin"
    artifact.write_bytes(b"a")
    other.sign_file(artifact)
    e = raises(signet.VerificationError, "verify_unexpected_signer", state.verify_file, artifact)
    assert other.fingerprint in e.message and e.hint
    assert state.verify_file(artifact, cert=other.certificate_der)["signer_check"] == "certificate"
    assert state.verify_file(artifact, any_signer=True)["signer_check"] == "any_signer"
    raises(signet.InvalidRequestError, "conflicting_arguments", state.verify_file, artifact,
           cert=other.certificate_der, any_signer=True)


def test_open_or_create_agrees_on_one_signer(tmp_path):
    path = tmp_path / "first-use"
    out, lock = [], threading.Lock()

    def first_use():
        st, created = signet.open_or_create_state(path, user="alice", now=NOW, budget=7)
        with lock:
            out.append((st.fingerprint, created))

    pool = [threading.Thread(target=first_use) for _ in range(6)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert len({fp for fp, _ in out}) == 1
    assert sorted(c for _, c in out) == [False] * 5 + [True]
    st, created = signet.open_or_create_state(path, user="alice", now=NOW)
    assert not created and st.budget_show()["total"] == 7


def test_times_users_and_properties(state):
    # NOW as UNIX seconds, RFC 3339 text and an aware datetime: one clock.
    assert NOW == 1_769_817_600  # 2026-01-31T00:00:00Z
    aware = datetime.datetime.fromtimestamp(NOW, tz=datetime.timezone(datetime.timedelta(hours=2)))
    state.grant_policy(ttl=60, steps=[(["carol"], 1)], max_ops=1)
    for now in (NOW, "2026-01-31T00:00:00Z", "2026-01-31T02:00:00+02:00", aware):
        st = signet.open_state(state.dir, user="alice", now=now)
        assert st.grant_request()["created_at"] == NOW
    raises(signet.InvalidRequestError, "time_invalid", signet.open_state, state.dir, user="alice", now="yesterday")
    with pytest.raises(TypeError):
        signet.open_state(state.dir, user="alice", now=datetime.datetime(2026, 1, 1))
    raises(signet.InvalidRequestError, "user_id_empty", signet.open_state, state.dir, user="")
    raises(signet.InvalidRequestError, "unknown_role", state.budget_buy, 1000, role="boss")
    raises(signet.InvalidRequestError, "unknown_key_type", signet.init_state, state.dir / "x", key_type="ecc-p521")
    assert state.user == "alice" and state.dir.name == "state" and state.dir.is_dir()
    assert repr(state) == f'State(dir="{state.dir}", user="alice")'


def test_gil_is_released_while_the_host_waits(state):
    """The main thread holds the budget ledger's lock; a signing thread waits
    for it inside the host. If the host held the GIL while waiting, the main
    thread could never release the lock."""
    lock_path = state.dir / "budgets" / state.fingerprint / "ledger" / "ledger.lock"
    done = threading.Event()
    # Were the GIL held, no Python code (not even a timeout) could run: the
    # default SIGALRM action ends the process instead of hanging the suite.
    previous = signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(120)
    with open(lock_path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        worker = threading.Thread(target=lambda: (state.sign_digest(DIGEST), done.set()), daemon=True)
        worker.start()
        time.sleep(0.3)
        assert not done.is_set(), "signed without the ledger lock"
        fcntl.flock(f, fcntl.LOCK_UN)
    worker.join(timeout=30)
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
    assert done.is_set()
    assert state.budget_show()["used"] == 1


class ReentrantToken:
    """A token written in Python whose sign_digest calls back into Signet:
    reads a grant's use, signs through the state, and uses a SoftwareToken
    (the one it delegates to). Completes only if no Rust lock is held while
    Python code runs."""

    def __init__(self, state: signet.State, grant_id: int):
        self.state, self.grant_id = state, grant_id
        self.soft = signet.SoftwareToken()
        self.handle = self.soft.generate(signet.KeyAttributes("ecc-p256", "ecdsa-sha256"))
        self.seen: list[int] = []

    def key_attributes(self, handle: int) -> signet.KeyAttributes:
        return self.soft.key_attributes(handle)

    def public_key(self, handle: int) -> bytes:
        return self.soft.public_key(handle)

    def sign_digest(self, handle: int, algorithm: str, digest: bytes) -> bytes:
        grant = self.state.grant_show(self.grant_id)["grant"]
        assert grant is not None
        self.seen.append(grant["used"])
        self.state.sign_digest(digest, grant=self.grant_id)
        self.seen.append(typing.cast(signet.GrantReport, self.state.grant_show(self.grant_id)["grant"])["used"])
        self.soft.public_key(handle)
        return self.soft.sign_digest(handle, algorithm, digest)


def test_no_lock_is_held_across_python_code(state):
    state.grant_policy(ttl=3600, steps=[(["carol"], 1)], max_ops=10)
    state.grant_request(ops=10)
    signet.open_state(state.dir, user="carol", now=NOW).grant_approve(1)
    token = ReentrantToken(state, 1)
    assert isinstance(token, signet.Token)
    out: dict[str, bytes] = {}

    def run():
        out["cert"] = signet.self_signed_certificate(token, token.handle, "reentrant", NOW - 1, NOW + 86_400)

    # Another thread signs with the same state meanwhile.
    other = threading.Thread(target=lambda: [state.sign_digest(DIGEST, grant=1) for _ in range(3)])
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    other.start()
    worker.join(timeout=60)
    other.join(timeout=60)
    assert not worker.is_alive(), "deadlock: a lock was held while the Python token ran"
    cert = x509.load_der_x509_certificate(out["cert"])
    cert.verify_directly_issued_by(cert)
    assert len(token.seen) == 2 and token.seen[1] > token.seen[0]
    assert state.grant_show(1)["grant"]["used"] == 4  # type: ignore[index]


def test_generate_needs_a_token(tmp_path):
    # generate=True makes the key on a PKCS#11 token; without token= it is refused, nothing made.
    raises(signet.InvalidRequestError, "conflicting_arguments", signet.init_state, tmp_path / "s", generate=True)
    assert not (tmp_path / "s").exists()
    raises(signet.InvalidRequestError, "unknown_signature_algorithm", signet.init_state, tmp_path / "s",
           algorithm="ecdsa-md5")

"""The enforced sign primitive: signatures checked by `cryptography` (an
independent verifier), many threads on one budget, a token written in Python."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import threading

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

import signet
from conftest import NOT_AFTER, NOT_BEFORE, NOW, VECTORS


def test_sign_digest_verified_by_cryptography(p256_setup):
    token, handle, cert_der = p256_setup
    budget = signet.Budget.for_certificate(cert_der, "alice", allotment=3)
    store = signet.MemoryCounterStore()
    signer = signet.Signer(cert_der, token, handle, budget, store)
    assert signer.cert_fingerprint == hashlib.sha256(cert_der).digest() == budget.fingerprint
    digest = hashlib.sha256(b"release.tar.gz").digest()
    sig, receipt = signer.sign_digest("alice", "ecdsa-sha256", digest, now=NOW)
    cert = x509.load_der_x509_certificate(cert_der)
    cert.public_key().verify(sig, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    with pytest.raises(InvalidSignature):
        cert.public_key().verify(sig, hashlib.sha256(b"other").digest(), ec.ECDSA(Prehashed(hashes.SHA256())))
    assert (receipt.counter_index, receipt.signatures_remaining, receipt.level) == (0, 2, "normal")
    assert receipt.cert_fingerprint == budget.fingerprint
    assert receipt.grant_id is None
    # The certificate itself is the token key's, self-signed: cryptography agrees.
    assert cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == token.public_key(handle)
    cert.verify_directly_issued_by(cert)


def test_rsa_pss_software_token_verified_by_cryptography():
    token = signet.SoftwareToken()
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    handle = token.import_pkcs8(pem, "rsa-pss-sha256")
    attrs = token.key_attributes(handle)
    assert (attrs.key_type, attrs.algorithm, attrs.sign, attrs.exportable) == ("rsa-3072", "rsa-pss-sha256", True, False)
    cert_der = signet.self_signed_certificate(token, handle, "rsa", NOT_BEFORE, NOT_AFTER)
    budget = signet.Budget.for_certificate(cert_der, "alice")
    signer = signet.Signer(cert_der, token, handle, budget, signet.MemoryCounterStore())
    digest = hashlib.sha256(b"payload").digest()
    sig, _ = signer.sign_digest("alice", "rsa-pss-sha256", digest, now=NOW)
    key.public_key().verify(sig, digest, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                            Prehashed(hashes.SHA256()))


def test_eight_threads_never_overspend(p256_setup, tmp_path):
    token, handle, cert_der = p256_setup
    limit, threads, per_thread = 50, 8, 10
    budget = signet.Budget.for_certificate(cert_der, "alice", allotment=limit)
    store = signet.FileCounterStore(tmp_path / "ledger")
    signer = signet.Signer(cert_der, token, handle, budget, store)
    public = x509.load_der_x509_certificate(cert_der).public_key()
    results, refusals, lock = [], [], threading.Lock()
    start = threading.Barrier(threads)

    def work(n):
        start.wait()
        for i in range(per_thread):
            digest = hashlib.sha256(f"{n}-{i}".encode()).digest()
            try:
                sig, receipt = signer.sign_digest("alice", "ecdsa-sha256", digest, now=NOW)
            except signet.BudgetExhaustedError as e:
                with lock:
                    refusals.append(e.code)
            else:
                with lock:
                    results.append((digest, sig, receipt.counter_index))

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert len(results) == limit
    assert refusals == ["sign_budget_exhausted"] * (threads * per_thread - limit)
    assert sorted(r[2] for r in results) == list(range(limit))
    for digest, sig, _ in results:
        public.verify(sig, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    usage = store.usage()
    assert (usage.used, usage.committed, usage.pending) == (limit, limit, 0)
    assert budget.remaining(store, NOW) == 0
    assert budget.level(store) == "exhausted"
    final = store.close()
    assert final is not None and final.committed == limit
    # The ledger survives: reopened, it is still at the limit.
    with signet.FileCounterStore(tmp_path / "ledger") as again:
        assert again.usage().used == limit
        with pytest.raises(signet.BudgetExhaustedError):
            budget.reserve(again, "alice", budget.fingerprint, NOW)


class CryptographyToken:
    """A token written in Python (think PKCS#11 or a cloud KMS), backed by `cryptography`."""

    def __init__(self):
        self.keys: dict[int, tuple[ec.EllipticCurvePrivateKey, signet.KeyAttributes]] = {}
        self.calls = 0
        self.fail_with: Exception | None = None

    def add(self, key: ec.EllipticCurvePrivateKey, algorithm: str) -> int:
        handle = len(self.keys) + 1
        self.keys[handle] = (key, signet.KeyAttributes("ecc-p256", algorithm))
        return handle

    def _key(self, handle):
        try:
            return self.keys[handle]
        except KeyError:
            raise signet.TokenError(f"no key {handle}", code="token_invalid_handle") from None

    def key_attributes(self, handle: int) -> signet.KeyAttributes:
        return self._key(handle)[1]

    def public_key(self, handle: int) -> bytes:
        return self._key(handle)[0].public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign_digest(self, handle: int, algorithm: str, digest: bytes) -> bytes:
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with
        assert algorithm == "ecdsa-sha256"
        return self._key(handle)[0].sign(digest, ec.ECDSA(Prehashed(hashes.SHA256())))


def test_python_token_through_the_sign_primitive():
    token = CryptographyToken()
    key = ec.generate_private_key(ec.SECP256R1())
    handle = token.add(key, "ecdsa-sha256")
    assert isinstance(token, signet.Token)
    cert_der = signet.self_signed_certificate(token, handle, "kms", NOT_BEFORE, NOT_AFTER)
    budget = signet.Budget.for_certificate(cert_der, "alice", allotment=20)
    store = signet.MemoryCounterStore()
    signer = signet.Signer(cert_der, token, handle, budget, store)

    digest = hashlib.sha256(b"app.exe").digest()
    sig, receipt = signer.sign_digest("alice", "ecdsa-sha256", digest, now=NOW)
    key.public_key().verify(sig, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    assert receipt.counter_index == 0

    # The attributes are enforced in Rust before the Python token is asked.
    before = token.calls
    with pytest.raises(signet.TokenError) as e:
        signer.sign_digest("alice", "ecdsa-sha256", digest[:31], now=NOW)
    assert e.value.code == "sign_token" and token.calls == before

    # A token failure: the core's code, the token's own exception as the cause; nothing consumed.
    token.fail_with = RuntimeError("HSM unplugged")
    with pytest.raises(signet.TokenError) as e:
        signer.sign_digest("alice", "ecdsa-sha256", digest, now=NOW)
    assert e.value.code == "sign_token"
    assert isinstance(e.value.__cause__, RuntimeError)
    token.fail_with = signet.TokenError("device fault", code="token_hardware")
    with pytest.raises(signet.TokenError) as e:
        signer.sign_digest("alice", "ecdsa-sha256", digest, now=NOW)
    assert e.value.__cause__.code == "token_hardware"
    assert "token hardware failure" in str(e.value)
    token.fail_with = None
    assert store.usage().used == 1

    # Many threads through a Python token (the GIL is re-acquired per call).
    def work():
        for i in range(5):
            signer.sign_digest("alice", "ecdsa-sha256", hashlib.sha256(bytes([i])).digest(), now=NOW)

    pool = [threading.Thread(target=work) for _ in range(3)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert store.usage().committed == 16


def test_python_token_invalid_handle_keeps_its_code():
    token = CryptographyToken()
    with pytest.raises(signet.TokenError) as e:
        signet.self_signed_certificate(token, 5, "x", NOT_BEFORE, NOT_AFTER)
    assert e.value.code == "token_invalid_handle"
    with pytest.raises(TypeError):
        cert = (VECTORS / "keys" / "p256.cert.der").read_bytes()
        signet.Signer(cert, object(), 1, signet.Budget(bytes(32), 0, 1, "a"), signet.MemoryCounterStore())


def test_grant_pays_for_signatures(p256_setup):
    token, handle, cert_der = p256_setup
    budget = signet.Budget.for_certificate(cert_der, "alice")
    store = signet.MemoryCounterStore()
    policy = signet.SignerPolicy("alice", [signet.ApprovalStep(["carol", "dave"], 2)],
                                 max_request_ttl_secs=3600, max_signings=2)
    request = signet.SigningRequest.open(42, "alice", policy, NOW, allowed_ops=1, justification="v1.0")
    first = request.approve("carol", NOW)
    assert (first.kind, first.approvals, first.threshold) == ("recorded", 1, 2)
    second = request.approve("dave", NOW)
    assert second.kind == "granted" and request.status(NOW) == "approved"
    grant = second.grant
    assert (grant.id, grant.grantee, grant.allowed_ops) == (42, "alice", 1)
    signer = signet.Signer(cert_der, token, handle, budget, store, require_grant=True)
    digest = hashlib.sha256(b"g").digest()
    _, receipt = signer.sign_digest("alice", "ecdsa-sha256", digest, now=NOW, grant=grant)
    assert receipt.grant_id == 42 and grant.used == 1 and grant.status(NOW) == "used_up"
    with pytest.raises(signet.GrantError) as e:
        signer.sign_digest("alice", "ecdsa-sha256", digest, now=NOW, grant=grant)
    assert e.value.code == "sign_grant_exhausted"
    assert store.usage().used == 1


def test_cms_verified_by_openssl(p256_setup, tmp_path):
    # OpenSSL is the independent verifier here; the test suite requires it.
    assert shutil.which("openssl") is not None, "the OpenSSL CLI is required"
    token, handle, cert_der = p256_setup
    budget = signet.Budget.for_certificate(cert_der, "alice")
    signer = signet.Signer(cert_der, token, handle, budget, signet.MemoryCounterStore())
    content = b"the signed file\n"
    p7s, receipt = signer.sign_cms("alice", "ecdsa-sha256", hashlib.sha256(content).digest(), now=NOW)
    (tmp_path / "content").write_bytes(content)
    (tmp_path / "sig.p7s").write_bytes(p7s)
    ok = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", tmp_path / "sig.p7s",
                         "-content", tmp_path / "content", "-noverify", "-out", "/dev/null"], capture_output=True)
    assert ok.returncode == 0, ok.stderr
    (tmp_path / "content").write_bytes(b"tampered\n")
    bad = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", tmp_path / "sig.p7s",
                          "-content", tmp_path / "content", "-noverify", "-out", "/dev/null"], capture_output=True)
    assert bad.returncode != 0
    assert receipt.counter_index == 0

"""Typed use of the public API (checked by mypy in test_stubs.py, and run by pytest)."""

from __future__ import annotations

import hashlib

import signet


def use_api() -> int:
    report: signet.Report = signet.validate_order({"certificate": {}}, at="2025-06-01")
    codes: list[str] = [f.code for f in report]
    token = signet.SoftwareToken()
    handle: int = token.generate(signet.KeyAttributes("ecc-p256", "ecdsa-sha256"))
    cert: bytes = signet.self_signed_certificate(token, handle, "t", 1_767_225_600, 1_798_761_600)
    tok: signet.Token = token
    budget = signet.Budget.for_certificate(cert, "alice", allotment=2)
    signer = signet.Signer(cert, tok, handle, budget, signet.MemoryCounterStore())
    sig, receipt = signer.sign_digest("alice", "ecdsa-sha256", hashlib.sha256(b"").digest(), now=1_770_000_000)
    return len(codes) + len(sig) + receipt.counter_index


def test_use_api() -> None:
    assert use_api() > 0

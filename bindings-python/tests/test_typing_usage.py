"""Typed use of the public API (checked by mypy in test_stubs.py, and run by pytest)."""

from __future__ import annotations

import hashlib
import pathlib
import tempfile

import signet


def use_api(root: pathlib.Path) -> int:
    report: signet.Report = signet.validate_order({"certificate": {}}, at="2025-06-01")
    codes: list[str] = [f.code for f in report]
    token = signet.SoftwareToken()
    handle: int = token.generate(signet.KeyAttributes("ecc-p256", "ecdsa-sha256"))
    tok: signet.Token = token
    cert: bytes = signet.self_signed_certificate(tok, handle, "t", 1_767_225_600, 1_798_761_600)

    state: signet.State = signet.init_state(root / "s", budget=5, user="alice", now="2026-02-01T00:00:00Z")
    status: signet.StatusReport = state.status()
    level: signet.UsageLevel = status["budget"]["level"]
    signed: signet.SignedDigest = state.sign_digest(hashlib.sha256(b"").digest())
    sig: bytes = signed["signature"]
    (root / "a.bin").write_bytes(b"a")
    batch: signet.SignedBatch = state.sign_files([root / "a.bin"], output_dir=root)
    verified: signet.Verified = state.verify_file(root / "a.bin")
    check: signet.SignerCheck = verified["signer_check"]
    budget: signet.BudgetReport = state.budget_init(cert, signer="bob", allotment=3)
    again, created = signet.open_or_create_state(root / "s", user="alice", now=1_770_000_000)
    policy: signet.PolicyReport = again.grant_policy(ttl=60, steps=[(["carol"], 1)], max_ops=1)
    request: signet.RequestReport = again.grant_request(ops=1)
    grant = signet.open_state(root / "s", user="carol", now=1_770_000_000).grant_approve(request["id"])["grant"]
    status_of_grant: signet.GrantStatus = grant["status"] if grant else "revoked"
    try:
        state.sign_digest(b"short")
    except signet.SignetError as e:
        codes.append(e.code)
    info: list[signet.CodeInfo] = signet.error_codes()
    return (len(codes) + len(sig) + len(batch["signed"]) + budget["total"] + len(policy["steps"]) + len(info)
            + len(level) + len(check) + len(status_of_grant) + int(not created))


def test_use_api() -> None:
    with tempfile.TemporaryDirectory() as d:
        assert use_api(pathlib.Path(d)) > 0

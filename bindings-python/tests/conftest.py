"""Shared fixtures: paths to the shared vectors, a certificate on a software token."""

from __future__ import annotations

import pathlib

import pytest

import signet

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"

# 2026-01-01 .. 2027-01-01 UTC, and a time inside.
NOT_BEFORE = 1_767_225_600
NOT_AFTER = NOT_BEFORE + 365 * 86_400
NOW = NOT_BEFORE + 30 * 86_400


@pytest.fixture
def p256_setup():
    """A software token with a P-256 key and its self-signed certificate."""
    token = signet.SoftwareToken()
    handle = token.generate(signet.KeyAttributes("ecc-p256", "ecdsa-sha256"))
    cert = signet.self_signed_certificate(token, handle, "py-test", NOT_BEFORE, NOT_AFTER, serial=7)
    return token, handle, cert

"""One spelling of each name: every value of the stubs' Literal types is
accepted at run time and comes back unchanged; core's documented aliases are
accepted and answered with the canonical name; anything else is refused."""

from __future__ import annotations

import hashlib
import typing

import pytest

import signet
from conftest import NOW, raises


def test_products_and_devices_of_the_literals_are_core_names():
    for product in typing.get_args(signet.Product):
        signet.validate_order("{}", product=product, at="2026-03-01")
    raises(signet.InvalidRequestError, "unknown_product", signet.validate_order, "{}", product="ev")
    for device in typing.get_args(signet.Device):
        assert signet.check_public_key(b"x", device=device, at="2026-03-01").valid is False
    raises(signet.InvalidRequestError, "unknown_device_profile", signet.check_csr, b"x", device="hsmm")


def test_algorithms_of_the_literal_are_core_names():
    key_type = {"ecdsa": "ecc-p384", "rsa": "rsa-3072"}
    for algorithm in typing.get_args(signet.Algorithm):
        attributes = signet.KeyAttributes(key_type[algorithm.split("-")[0]], algorithm)
        assert attributes.algorithm == algorithm
    raises(signet.InvalidRequestError, "unknown_signature_algorithm", signet.KeyAttributes, "ecc-p256", "ecdsa_sha256")
    # One of them end to end: a P-384 key signs with ecdsa-sha384 and the signature verifies.
    token = signet.SoftwareToken()
    handle = token.generate(signet.KeyAttributes("ecc-p384", "ecdsa-sha384"))
    digest = hashlib.sha384(b"x").digest()
    signature = token.sign_digest(handle, "ecdsa-sha384", digest)
    signet.verify_digest(token.public_key(handle), "ecdsa-sha384", digest, signature)


@pytest.mark.parametrize("key_type", typing.get_args(signet.KeyType))
def test_key_types_of_the_literal(tmp_path, key_type):
    state = signet.init_state(tmp_path / "s", key_type=key_type, user="alice", now=NOW, budget=1)
    assert state.status()["key_type"] == key_type


def test_aliases_are_answered_with_the_canonical_name(tmp_path):
    state = signet.init_state(tmp_path / "s", key_type="p384", user="alice", now=NOW, budget=1)
    assert state.status()["key_type"] == "ecc-p384"
    assert signet.KeyAttributes("rsa4096", "rsa-pss-sha384").key_type == "rsa-4096"  # type: ignore[arg-type]
    # A standard user may not buy: the same refusal under either spelling of the role.
    for role in ("standard_user", "standard-user"):
        raises(signet.BudgetError, "budget_purchase_not_permitted", state.budget_buy, 5, role=role)
    for bad in ("P256", "ecc_p256", "ECC-P256"):
        raises(signet.InvalidRequestError, "unknown_key_type", signet.KeyAttributes, bad, "ecdsa-sha256")
    raises(signet.InvalidRequestError, "unknown_role", state.budget_buy, 5, role="Standard_User")

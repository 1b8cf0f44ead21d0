"""The shared key vectors: key info and the exact codes of every check."""

from __future__ import annotations

import json

import pytest

import signet
from conftest import VECTORS

KEYS = VECTORS / "keys"
VECTORS_LIST = json.loads((KEYS / "index.json").read_text())["vectors"]

KIND = {"csr": "csr", "cert": "certificate", "spki": "spki"}


def checks():
    for v in VECTORS_LIST:
        for i, c in enumerate(v["checks"]):
            yield pytest.param(v, c, id=f"{v['file']}#{i}")


def run_check(kind: str, data, device, at):
    if kind == "csr":
        return signet.check_csr(data, device=device, at=at)
    if kind == "cert":
        assert device is None
        return signet.check_certificate(data, at=at)
    if kind == "spki":
        return signet.check_public_key(data, device=device, at=at)
    raise AssertionError(kind)


def test_enough_vectors():
    assert len(VECTORS_LIST) >= 70
    assert sum(len(v["checks"]) for v in VECTORS_LIST) >= 150


@pytest.mark.parametrize("vector,check", list(checks()))
def test_key_vector_check(vector, check):
    raw = (KEYS / vector["file"]).read_bytes()
    kind = check.get("as", vector["kind"])
    for data in [raw] + ([raw.decode()] if vector["format"] == "pem" else []):
        report = run_check(kind, data, check["device"], check["at"])
        assert sorted(f.code for f in report) == check["codes"]
        assert report.valid == all(f.severity == "warning" for f in report)
        assert all(f.path in ("", "key", "signature", "validity") for f in report)


@pytest.mark.parametrize("vector", [v for v in VECTORS_LIST if v["kind"] != "other"], ids=lambda v: v["file"])
def test_key_vector_info(vector):
    raw = (KEYS / vector["file"]).read_bytes()
    want = vector["key"]
    if want is None:
        with pytest.raises(signet.KeyPolicyError) as e:
            signet.key_info(raw, kind=KIND[vector["kind"]])
        assert e.value.code in signet_policy_codes()
        return
    info = signet.key_info(raw, kind=KIND[vector["kind"]])
    assert info.type == want["type"]
    if want["type"] == "rsa":
        assert (info.modulus_bits, info.exponent) == (want["modulus_bits"], want["exponent"])
        assert info.curve is None
    elif want["type"] == "ec":
        assert info.curve == want["curve"]
    else:
        assert (info.algorithm, info.parameters) == (want["algorithm"], want["parameters"])


def signet_policy_codes():
    return {"key_malformed", "certificate_malformed", "csr_malformed", "pem_invalid", "trailing_data",
            "not_a_csr", "not_a_certificate"}


def test_key_checks_json_has_the_order_report_shape():
    report = signet.check_public_key((KEYS / "rsa3072-e3.spki.der").read_bytes(), device="hsm", at="2025-06-01")
    doc = json.loads(report.to_json())
    assert doc["valid"] is True
    assert [(f["severity"], f["path"], f["code"]) for f in doc["findings"]] == [("warning", "key", "exponent_small")]

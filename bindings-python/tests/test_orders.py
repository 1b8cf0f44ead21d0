"""The shared order vectors: every case, verdict and exact (severity, path, code) list."""

from __future__ import annotations

import json

import pytest

import signet
from conftest import VECTORS

ORDERS = VECTORS / "orders"
CASES = json.loads((ORDERS / "index.json").read_text())["cases"]


def test_the_index_lists_every_case():
    on_disk = {p.name[: -len(".expect.json")] for p in ORDERS.glob("*.expect.json")}
    assert len(CASES) >= 140
    assert set(CASES) == on_disk


@pytest.mark.parametrize("case", CASES)
def test_order_vector(case: str):
    expect = json.loads((ORDERS / f"{case}.expect.json").read_text())
    body = (ORDERS / f"{case}.json").read_bytes()
    report = signet.validate_order(body, product=expect["product"], at=expect["at"])
    got = [(f.severity, f.path, f.code) for f in report]
    want = [(f["severity"], f["path"], f["code"]) for f in expect["findings"]]
    assert got == want
    assert report.valid is expect["valid"]
    assert len(report) == len(want)
    # The JSON is the core's, and agrees with the objects.
    doc = json.loads(report.to_json())
    assert doc["valid"] is expect["valid"]
    assert [(f["severity"], f["path"], f["code"]) for f in doc["findings"]] == want
    assert [f["message"] for f in doc["findings"]] == [f.message for f in report.findings]


def test_str_bytes_and_dict_bodies_agree():
    body = (ORDERS / "doc_ship_token.json").read_text()
    as_str = signet.validate_order(body, at="2025-06-01")
    as_bytes = signet.validate_order(body.encode(), at="2025-06-01")
    as_dict = signet.validate_order(json.loads(body), at="2025-06-01")
    assert as_str.to_json() == as_bytes.to_json()
    assert [(f.path, f.code) for f in as_dict] == [(f.path, f.code) for f in as_str]
    assert as_str.valid


def test_dates_as_date_objects_and_report_access():
    import datetime

    body = b'{"certificate": 1}'
    r = signet.validate_order(body, at=datetime.date(2025, 6, 1))
    assert not r.valid
    assert r.error_count == len([f for f in r if f.severity == "error"])
    assert r.warning_count == len(r) - r.error_count
    assert r[0] == r.findings[0]
    assert r[-1] == r.findings[-1]
    with pytest.raises(IndexError):
        r[len(r)]


def test_duplicate_keys_are_reported_for_raw_bodies():
    r = signet.validate_order('{"a": 1, "a": 2}', at="2025-06-01")
    assert [(f.path, f.code) for f in r] == [("a", "json_duplicate_key")]

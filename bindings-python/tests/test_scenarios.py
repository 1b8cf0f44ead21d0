"""The scenario vectors (tests/vectors/scenarios/) through the state API, as
tests/integration/scenarios.rs runs them through signet-host: a fresh
development state per case, each step opened as its user on the case's fixed
clock, and each step's outcome code the one the vector expects. A refusal
must also raise the class of its code's domain."""

from __future__ import annotations

import json
from typing import Any

import pytest

import signet
from conftest import VECTORS, expected_class

SCENARIOS = VECTORS / "scenarios"
CASES = json.loads((SCENARIOS / "index.json").read_text())["cases"]


class Run:
    def __init__(self, state_dir, work, now: int, signer: str):
        self.state_dir, self.work, self.now, self.signer = state_dir, work, now, signer
        self.files = 0

    def open(self, user: str) -> signet.State:
        return signet.open_state(self.state_dir, user=user, now=self.now)

    def act(self, step: dict[str, Any]) -> None:
        """One acting step; raises SignetError on refusal."""
        state = self.open(step.get("user", self.signer))
        action = step["action"]
        actor = {
            "role": step.get("role", "standard_user"),
            "subaccount": step.get("subaccount", False),
            "keylocker_lead": step.get("keylocker_lead", False),
        }
        if action == "sign":
            files = []
            for _ in range(step.get("count", 1)):
                self.files += 1
                f = self.work / f"artifact-{self.files}.bin"
                f.write_text(f"scenario artifact {self.files}")
                files.append(f)
            state.sign_files(files, grant=step.get("grant"))
        elif action == "budget_use":
            state.budget_use(step["count"])
        elif action == "budget_buy":
            state.budget_buy(step["signatures"], **actor)
        elif action == "budget_revoke":
            state.budget_revoke()
        elif action == "budget_assign":
            state.budget_assign(step["signer"], **actor)
        elif action == "grant_policy":
            steps = [(s["approvers"], s["threshold"]) for s in step["steps"]]
            state.grant_policy(ttl=step["ttl"], steps=steps, max_window=step.get("max_window"),
                               max_ops=step.get("max_ops"))
        elif action == "grant_request":
            window = step.get("window")
            state.grant_request(ops=step.get("ops"), valid_until=None if window is None else self.now + window)
        elif action == "grant_approve":
            state.grant_approve(step["id"])
        elif action == "grant_cancel":
            state.grant_cancel(step["id"])
        elif action == "grant_reject":
            state.grant_reject(step["id"], step.get("comment"))
        else:
            raise AssertionError(f"unknown action {action}")

    def check(self, step: dict[str, Any], what: str) -> None:
        state = self.open(self.signer)
        if step["action"] == "check_budget":
            actual: Any = state.budget_show()
        else:
            actual = state.grant_show(step["id"])["grant"]
            assert actual is not None, f"{what}: the request issued no grant"
        for key in ("used", "remaining", "state", "status"):
            if key in step:
                assert actual[key] == step[key], f"{what}: {key} in {actual}"


def test_enough_cases():
    assert len(CASES) >= 7


@pytest.mark.parametrize("name", CASES)
def test_scenario(name, tmp_path):
    v = json.loads((SCENARIOS / f"{name}.json").read_text())
    signer = v["init"]["signer"]
    run = Run(tmp_path / "state", tmp_path, v["start"], signer)
    signet.init_state(run.state_dir, budget=v["init"]["budget"], days=v["init"]["days"], signer=signer,
                      user=signer, now=run.now)
    acted = 0
    for i, step in enumerate(v["steps"]):
        what = f"{name} step {i} ({step})"
        action = step["action"]
        if action == "advance":
            run.now += step["seconds"]
        elif action in ("check_budget", "check_grant"):
            run.check(step, what)
        else:
            try:
                run.act(step)
                got = "ok"
            except signet.SignetError as e:
                got = e.code
                assert type(e) is expected_class(e.code), f"{what}: {type(e).__name__} for {e.code}"
            assert got == step["expect"], what
            acted += 1
    assert acted > 0

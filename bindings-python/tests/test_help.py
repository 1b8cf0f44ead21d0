"""help(signet) is a page about the API: the functions and the classes with
behaviour, not the dict and exception methods every TypedDict and exception
subclass inherits (4,005 lines before, about 620 now)."""

from __future__ import annotations

import pydoc

import signet


def test_help_is_short_and_lists_the_api():
    text = pydoc.render_doc(signet, renderer=pydoc.plaintext)
    lines = text.splitlines()
    assert len(lines) < 700, len(lines)
    for name in ("validate_order", "check_public_key", "open_state", "init_state", "State", "SignetError"):
        assert any(line.strip().startswith((f"{name}(", f"class {name}")) for line in lines), name
    # The exception tree is in the module docstring; no subclass gets its own inherited-method listing.
    assert "└── UsageError" in text
    assert "class SignError" not in text and "class StatusReport" not in text


def test_everything_left_out_of_all_is_still_public():
    for name in ("SignError", "BudgetExhaustedError", "VerificationError", "StatusReport", "SignedFile", "CodeInfo"):
        assert hasattr(signet, name), name
    assert issubclass(signet.BudgetExhaustedError, (signet.BudgetError, signet.SignError))
    assert set(signet.__all__) <= set(dir(signet))

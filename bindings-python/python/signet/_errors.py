"""Signet's exception classes.

Every exception the package raises for a refusal or failure is a
:class:`SignetError` carrying a stable ``code`` (the same string the CLI, the C
library and the other bindings report) and, where there is one, a ``hint``
(what to do about it). The class is derived from the code alone: the code's
row in the core's table names its domain, and each domain has one class, so
the same code raises the same class everywhere. Match on ``code``; messages
may change between releases. ``signet.error_codes()`` lists every code with
its domain.

::

    SignetError                                 domain
    ├── InvalidRequestError (also ValueError)   invalid_request: names, dates, times, user ids, inputs
    ├── KeyPolicyError (also ValueError)        key_policy: a key, CSR or certificate refused or unreadable
    ├── BudgetError                             budget: revoked, expired, not the signer, who may buy, ...
    │   └── BudgetExhaustedError                budget_exhausted, sign_budget_exhausted (also a SignError)
    ├── GrantError                              grant: signer policies, requests, approvals, grants
    ├── CounterError                            counter: the signature ledger failed or is exhausted
    ├── TokenError                              token: the token refused or failed
    ├── SignError                               sign: the enforced sign path refused or failed
    │   └── VerificationError                   verification: a signature does not verify, or not from the expected signer
    ├── StateError                              state: the state directory is missing, damaged or not writable
    └── UsageError                              usage: the binding was misused or failed internally (a bug)
"""

from __future__ import annotations

from typing import Optional

__all__ = [
    "SignetError",
    "InvalidRequestError",
    "KeyPolicyError",
    "BudgetError",
    "BudgetExhaustedError",
    "GrantError",
    "CounterError",
    "TokenError",
    "SignError",
    "VerificationError",
    "StateError",
    "UsageError",
]


class SignetError(Exception):
    """Base class: a refusal or failure with a stable machine-readable ``code``."""

    code: str
    message: str
    hint: Optional[str]

    def __init__(self, message: str, *, code: str, hint: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.hint = hint

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Keyword-only ``code`` and ``hint`` would otherwise be lost when pickling.
        return (_rebuild, (type(self), self.message, self.code, self.hint))

    def __repr__(self) -> str:
        hint = "" if self.hint is None else f", hint={self.hint!r}"
        return f"{type(self).__name__}({self.message!r}, code={self.code!r}{hint})"


def _rebuild(cls: type[SignetError], message: str, code: str, hint: Optional[str] = None) -> SignetError:
    return cls(message, code=code, hint=hint)


class InvalidRequestError(SignetError, ValueError):
    """A request refused as malformed: unknown name, bad date or time, bad
    user id or fingerprint, unreadable input, conflicting arguments."""


class KeyPolicyError(SignetError, ValueError):
    """A public key, CSR or certificate that cannot be read."""


class BudgetError(SignetError):
    """The signature budget refuses the operation."""


class GrantError(SignetError):
    """A signer policy, signing request or grant refuses the operation."""


class CounterError(SignetError):
    """The signature counter store failed (fail closed)."""


class TokenError(SignetError):
    """The token refused or failed.

    A token written in Python may raise it with one of the core's token codes
    (``token_not_permitted``, ``token_invalid_handle``, ``token_hardware``,
    ...) so that callers see the right kind; any other exception counts as
    ``token_other`` and is kept as ``__cause__``.
    """


class SignError(SignetError):
    """The enforced sign path refused (not the signer, expired, revoked, no
    grant, ...) or signing, CMS or certificate assembly failed."""


class VerificationError(SignError):
    """A signature does not verify, or was not made by the expected signer."""


class BudgetExhaustedError(BudgetError, SignError):
    """Every signature of the budget is used: ``budget_exhausted`` (budget
    domain) or ``sign_budget_exhausted`` (sign domain), so it is both a
    :class:`BudgetError` and a :class:`SignError`."""


class StateError(SignetError):
    """The state directory is missing, incomplete, damaged or not writable
    (``state_*``, ``output_unwritable``)."""


class UsageError(SignetError):
    """The binding was misused or failed internally (``python_internal_error``: a bug)."""

"""Signet's exception classes.

Every exception the package raises for a refusal or failure reported by the
core is a :class:`SignetError` carrying the core's stable ``code`` (the same
string the CLI, the C library and the other bindings report). Match on
``code``; messages may change between releases.

::

    SignetError
    ├── InvalidRequestError (also ValueError)   unknown product/profile/role/algorithm/key type, bad date or user id
    ├── KeyPolicyError (also ValueError)        a key, CSR or certificate that does not parse
    ├── BudgetError                             budget refusals (revoked, expired, not the signer, ...)
    │   └── BudgetExhaustedError                every signature of the budget is used
    ├── GrantError                              signer policies, requests, approvals, grants
    ├── CounterError                            counter store failures (locked, corrupt, storage)
    ├── TokenError                              the token refused or failed
    └── SignError                               signing, CMS and certificate assembly
        └── VerificationError                   a signature does not verify
"""

from __future__ import annotations

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
]


class SignetError(Exception):
    """Base class: a refusal or failure with a stable machine-readable ``code``."""

    code: str
    message: str

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Keyword-only ``code`` would otherwise be lost when pickling.
        return (_rebuild, (type(self), self.message, self.code))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


def _rebuild(cls: type[SignetError], message: str, code: str) -> SignetError:
    return cls(message, code=code)


class InvalidRequestError(SignetError, ValueError):
    """An argument the core refuses: unknown name, bad date, bad user id."""


class KeyPolicyError(SignetError, ValueError):
    """A public key, CSR or certificate that cannot be read."""


class BudgetError(SignetError):
    """The signature budget refuses the operation."""


class BudgetExhaustedError(BudgetError):
    """Every signature of the budget is used (``budget_exhausted``)."""


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
    """Signing, CMS or certificate assembly failed."""


class VerificationError(SignError):
    """A signature does not verify against the public key."""

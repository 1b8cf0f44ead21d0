"""Signet: order validation, key policy, signature budgets and grants, and
enforced signing for code-signing keys.

A thin layer over the Rust crates (``signet._native``): every rule lives in
the core, and the state directory, its budgets, grants, ledgers and the sign
path in the host layer, reached through :class:`State` (``open_state``,
``init_state``, ``open_or_create_state``), the same system as the ``signet``
command. Errors are :class:`SignetError` subclasses with a stable ``code``;
the class follows from the code's domain.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
from typing import Any, Mapping, Protocol, Union, runtime_checkable

from . import _native
from ._errors import (
    BudgetError,
    BudgetExhaustedError,
    CounterError,
    GrantError,
    InvalidRequestError,
    KeyPolicyError,
    SignError,
    SignetError,
    StateError,
    TokenError,
    UsageError,
    VerificationError,
)
from ._native import (
    CORE_VERSION,
    Finding,
    KeyAttributes,
    KeyInfo,
    Report,
    SoftwareToken,
    State,
    check_certificate,
    check_csr,
    check_public_key,
    error_codes,
    init_state,
    key_info,
    open_or_create_state,
    open_state,
    self_signed_certificate,
    verify_digest,
)
from ._types import (
    ApprovalReport,
    BudgetReport,
    BudgetState,
    CertificateReport,
    CodeInfo,
    Crossing,
    Domain,
    GrantReport,
    GrantStatus,
    KeyType,
    PolicyReport,
    PolicyStep,
    RejectionReport,
    RequestReport,
    RequestStatus,
    Role,
    SignedBatch,
    SignedDigest,
    AuditReceipt,
    SignedFile,
    SignerCheck,
    StatusReport,
    TimeLike,
    UsageLevel,
    TimestampReport,
    Verified,
)

__version__ = CORE_VERSION

Body = Union[str, bytes, Mapping[str, Any]]
DateLike = Union[_dt.date, str, None]


def validate_order(body: Body, product: str = "code_signing", at: DateLike = None) -> Report:
    """Validate a CertCentral code-signing order body for ``product``
    (``code_signing`` or ``code_signing_ev``) as of ``at`` (a ``date``, an ISO
    ``YYYY-MM-DD`` string, or None for today in UTC).

    ``body`` is the raw request body (``str`` or ``bytes``), checked exactly as
    sent: duplicate keys, encoding and syntax errors are findings. A ``dict``
    is serialized with ``json.dumps`` first; a dict cannot hold duplicate
    keys, so that class of finding cannot occur for it.

    Never raises for a bad body (that is what the report is for); raises
    :class:`InvalidRequestError` for an unknown ``product`` or a bad ``at``.
    """
    if isinstance(body, Mapping):
        body = _json.dumps(body, ensure_ascii=False, allow_nan=False)
    return _native.validate_order(body, product, at)


@runtime_checkable
class Token(Protocol):
    """What Signet needs from a token (an HSM, PKCS#11 module, cloud KMS...),
    for :func:`self_signed_certificate`.

    Any object with these three methods can be passed where a token is
    expected. Keys are referred to by integer handle and never leave the
    token. Before ``sign_digest`` is called, Signet checks the request against
    ``key_attributes(handle)`` (usage flag, the one permitted algorithm,
    digest length), so a token need not repeat that check. No lock of
    Signet's is held while these methods run: they may call into Signet.

    To report a failure with a specific kind, raise :class:`TokenError` with a
    token code (e.g. ``code="token_hardware"``); any other exception is
    reported as ``token_other`` with the original as ``__cause__``.
    """

    def key_attributes(self, handle: int) -> KeyAttributes:
        """The key's type, usage flags and permitted algorithm."""
        ...

    def public_key(self, handle: int) -> bytes:
        """The key's DER SubjectPublicKeyInfo."""
        ...

    def sign_digest(self, handle: int, algorithm: str, digest: bytes) -> bytes:
        """Sign a precomputed ``digest`` with ``algorithm`` (e.g. ``ecdsa-sha256``:
        DER signature; ``ecdsa-sha256-fixed``: r||s; ``rsa-pss-sha256``:
        salt of the hash's length)."""
        ...


__all__ = [
    "ApprovalReport",
    "Body",
    "BudgetError",
    "BudgetExhaustedError",
    "BudgetReport",
    "BudgetState",
    "CertificateReport",
    "check_certificate",
    "check_csr",
    "check_public_key",
    "CodeInfo",
    "CORE_VERSION",
    "CounterError",
    "Crossing",
    "DateLike",
    "Domain",
    "error_codes",
    "Finding",
    "GrantError",
    "GrantReport",
    "GrantStatus",
    "init_state",
    "InvalidRequestError",
    "key_info",
    "KeyAttributes",
    "KeyInfo",
    "KeyPolicyError",
    "KeyType",
    "open_or_create_state",
    "open_state",
    "PolicyReport",
    "PolicyStep",
    "RejectionReport",
    "Report",
    "RequestReport",
    "RequestStatus",
    "Role",
    "self_signed_certificate",
    "SignedBatch",
    "SignedDigest",
    "AuditReceipt",
    "SignedFile",
    "SignerCheck",
    "SignError",
    "SignetError",
    "SoftwareToken",
    "State",
    "StateError",
    "StatusReport",
    "TimeLike",
    "Token",
    "TokenError",
    "UsageError",
    "UsageLevel",
    "validate_order",
    "VerificationError",
    "TimestampReport",
    "Verified",
    "verify_digest",
]

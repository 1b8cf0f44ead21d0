"""Signet: order validation, key policy, signature budgets and grants, and
enforced signing for code-signing keys, over the Rust core (``signet._native``).

Checks without a state: ``validate_order``, ``check_csr``, ``check_public_key``,
``check_certificate`` and ``key_info`` return a ``Report`` of findings.
Signing: ``open_state``/``init_state``/``open_or_create_state`` give a ``State``
(the state directory the ``signet`` command uses: key, certificate, budgets,
grants, ledgers); its methods return plain dicts typed by TypedDicts
(``signet.StatusReport``, ``signet.SignedFile``, ...; see ``signet._types``).

Errors: every refusal or failure raises a ``SignetError`` with a stable
``.code`` (``signet.error_codes()`` lists them); the class follows from the
code's domain:

    SignetError
    ├── InvalidRequestError (also ValueError)   invalid_request
    ├── KeyPolicyError (also ValueError)        key_policy
    ├── BudgetError                             budget
    │   └── BudgetExhaustedError                (also a SignError)
    ├── GrantError                              grant
    ├── CounterError                            counter
    ├── TokenError                              token
    ├── SignError                               sign
    │   └── VerificationError                   verification
    ├── StateError                              state
    └── UsageError                              usage

The subclasses and the TypedDicts are ``signet.<Name>`` attributes; they are
left out of ``__all__`` so that this page lists the API, not the attributes
every exception and dict inherits. Guide: bindings-python/README.md.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
from typing import Any, Mapping, Protocol, Union, runtime_checkable

from . import _native
from ._errors import BudgetError as BudgetError
from ._errors import BudgetExhaustedError as BudgetExhaustedError
from ._errors import CounterError as CounterError
from ._errors import GrantError as GrantError
from ._errors import InvalidRequestError as InvalidRequestError
from ._errors import KeyPolicyError as KeyPolicyError
from ._errors import SignError as SignError
from ._errors import SignetError
from ._errors import StateError as StateError
from ._errors import TokenError as TokenError
from ._errors import UsageError as UsageError
from ._errors import VerificationError as VerificationError
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
# Names of closed sets (Literal types): in __all__.
from ._types import (
    Algorithm,
    BudgetState,
    Device,
    Domain,
    GrantStatus,
    KeyType,
    Product,
    RequestStatus,
    Role,
    SignerCheck,
    TimeLike,
    UsageLevel,
)

# Report types (TypedDicts): public attributes, not in __all__ (see above).
from ._types import ApprovalReport as ApprovalReport
from ._types import AuditReceipt as AuditReceipt
from ._types import BudgetReport as BudgetReport
from ._types import CertificateReport as CertificateReport
from ._types import CodeInfo as CodeInfo
from ._types import Crossing as Crossing
from ._types import GrantReport as GrantReport
from ._types import PolicyReport as PolicyReport
from ._types import PolicyStep as PolicyStep
from ._types import RejectionReport as RejectionReport
from ._types import RequestReport as RequestReport
from ._types import SignedBatch as SignedBatch
from ._types import SignedDigest as SignedDigest
from ._types import SignedFile as SignedFile
from ._types import StatusReport as StatusReport
from ._types import TimestampReport as TimestampReport
from ._types import Verified as Verified

__version__ = CORE_VERSION

Body = Union[str, bytes, Mapping[str, Any]]
DateLike = Union[_dt.date, str, None]


def validate_order(body: Body, product: Product = "code_signing", at: DateLike = None) -> Report:
    """Validate a CertCentral code-signing order body for ``product`` as of
    ``at`` (a ``date``, ``YYYY-MM-DD``, or None: today, UTC).

    ``body`` (``str``/``bytes``) is checked exactly as sent, so duplicate keys
    and syntax errors are findings; a ``dict`` is ``json.dumps``-ed first. A
    bad body gives findings, never an exception; an unknown ``product`` or bad
    ``at`` raises :class:`InvalidRequestError`.
    """
    if isinstance(body, Mapping):
        body = _json.dumps(body, ensure_ascii=False, allow_nan=False)
    return _native.validate_order(body, product, at)


@runtime_checkable
class Token(Protocol):
    """A token for :func:`self_signed_certificate`: any object with these
    three methods. Keys are integer handles and never leave the token; Signet
    checks each request against ``key_attributes`` before ``sign_digest``. To
    fail with a specific kind raise ``TokenError(msg, code="token_hardware")``;
    any other exception becomes ``token_other`` (kept as ``__cause__``).
    """

    def key_attributes(self, handle: int) -> KeyAttributes:
        """The key's type, usage flags and permitted algorithm."""
        ...

    def public_key(self, handle: int) -> bytes:
        """The key's DER SubjectPublicKeyInfo."""
        ...

    def sign_digest(self, handle: int, algorithm: Algorithm, digest: bytes) -> bytes:
        """Sign a precomputed ``digest`` (``ecdsa-*``: DER; ``*-fixed``: r||s;
        ``rsa-pss-*``: salt of the hash's length)."""
        ...


__all__ = [
    # functions
    "validate_order",
    "check_csr",
    "check_public_key",
    "check_certificate",
    "key_info",
    "open_state",
    "init_state",
    "open_or_create_state",
    "error_codes",
    "verify_digest",
    "self_signed_certificate",
    # classes
    "State",
    "Report",
    "Finding",
    "KeyInfo",
    "KeyAttributes",
    "SoftwareToken",
    "Token",
    "SignetError",
    # names and type aliases
    "Algorithm",
    "Body",
    "BudgetState",
    "DateLike",
    "Device",
    "Domain",
    "GrantStatus",
    "KeyType",
    "Product",
    "RequestStatus",
    "Role",
    "SignerCheck",
    "TimeLike",
    "UsageLevel",
    "CORE_VERSION",
]

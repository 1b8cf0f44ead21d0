"""Types of what the state API takes and returns.

:class:`signet.State` returns plain dicts and lists converted from the host
layer's reports (the same keys as the CLI's ``--json``); these ``TypedDict``
classes describe them for type checkers. Times are UNIX seconds.
"""

from __future__ import annotations

import datetime
from typing import List, Literal, Optional, TypedDict, Union

__all__ = [
    "KeyType",
    "Algorithm",
    "Device",
    "Product",
    "Role",
    "BudgetState",
    "UsageLevel",
    "GrantStatus",
    "RequestStatus",
    "SignerCheck",
    "Domain",
    "TimeLike",
    "Crossing",
    "BudgetReport",
    "CertificateReport",
    "StatusReport",
    "SignedDigest",
    "SignedFile",
    "SignedBatch",
    "TimestampReport",
    "Verified",
    "PolicyStep",
    "PolicyReport",
    "GrantReport",
    "ApprovalReport",
    "RejectionReport",
    "RequestReport",
    "CodeInfo",
]

# The closed sets of names are core's canonical spellings (the same on every
# surface); core also accepts a few documented aliases (``p256``,
# ``standard-user``...), which type checkers flag on purpose.

#: Key types Signet makes (software token, PKCS#11 generation).
KeyType = Literal["ecc-p256", "ecc-p384", "rsa-3072", "rsa-4096"]
#: Signature algorithms (a key permits exactly one).
Algorithm = Literal[
    "ecdsa-sha256",
    "ecdsa-sha384",
    "ecdsa-sha512",
    "ecdsa-sha256-fixed",
    "ecdsa-sha384-fixed",
    "ecdsa-sha512-fixed",
    "rsa-pkcs1v15-sha256",
    "rsa-pkcs1v15-sha384",
    "rsa-pkcs1v15-sha512",
    "rsa-pss-sha256",
    "rsa-pss-sha384",
    "rsa-pss-sha512",
]
#: Key-storage device profiles (``etoken-5110``: either 5110 model).
Device = Literal["etoken-5110-cc", "etoken-5110-fips", "etoken-5110", "hsm", "keylocker"]
#: Products that can be ordered.
Product = Literal["code_signing", "code_signing_ev"]
#: Account roles (who may buy signatures).
Role = Literal["administrator", "manager", "standard_user", "limited_user", "finance_manager"]
#: A budget's state now.
BudgetState = Literal["valid", "not_yet_valid", "expired", "revoked"]
#: Usage levels: below 80 %, from 80 %, from 90 %, 100 %.
UsageLevel = Literal["normal", "warn80", "warn90", "exhausted"]
#: A grant's status now.
GrantStatus = Literal["not_yet_active", "active", "window_ended", "used_up", "revoked"]
#: A signing request's status now.
RequestStatus = Literal["open", "approved", "rejected", "cancelled", "expired"]
#: How ``verify_file`` checked the signer (``any_signer``: it did not).
SignerCheck = Literal["state_certificate", "certificate", "trust_anchor", "any_signer"]
#: The domain of an error code; it decides the exception class.
Domain = Literal[
    "invalid_request", "key_policy", "budget", "grant", "counter", "token", "sign", "verification", "state", "usage"
]
#: A time: UNIX seconds, RFC 3339 text (``2026-03-01T12:00:00Z``), or a timezone-aware datetime.
TimeLike = Union[int, str, datetime.datetime]


class Crossing(TypedDict):
    """A usage level crossed: signatures used when it was crossed."""

    used: int
    level: UsageLevel


class BudgetReport(TypedDict):
    """A certificate's budget now."""

    fingerprint: str
    signer: str
    not_before: int
    not_after: int
    state: BudgetState
    allotment: int
    purchased: int
    total: int
    used: int
    committed: int
    lost_in_crashes: int
    remaining: int
    level: UsageLevel
    crossed: List[Crossing]


class CertificateReport(TypedDict):
    """The signing certificate."""

    subject: str
    fingerprint: str
    not_before: int
    not_after: int


class StatusReport(TypedDict):
    """``State.status()``: the state's signer, certificate and budget."""

    state_dir: str
    development: bool
    token: str
    certificate: CertificateReport
    key_type: str
    algorithm: Algorithm
    signer: str
    grant_required: bool
    budget: BudgetReport


class AuditReceipt(TypedDict):
    """Where a signature's record landed in the hash-chained audit log."""

    seq: int
    hash: str


class SignedDigest(TypedDict):
    """``State.sign_digest()``: the signature (bytes) and what it cost."""

    audit: AuditReceipt
    signature: bytes
    algorithm: Algorithm
    counter_index: int
    grant: Optional[int]
    remaining: int
    level: UsageLevel
    crossed: Optional[UsageLevel]


class SignedFile(TypedDict):
    """One signed file and the detached CMS signature written for it."""

    audit: AuditReceipt
    file: str
    signature: str
    counter_index: int
    grant: Optional[int]
    remaining: int
    level: UsageLevel
    timestamp: Optional[int]
    """The embedded RFC 3161 timestamp (UNIX seconds), when one was asked for."""


class SignedBatch(TypedDict):
    """``State.sign_files()``: one entry per input, in order."""

    signed: List[SignedFile]
    crossed: List[Crossing]
    remaining: int


class TimestampReport(TypedDict):
    """An RFC 3161 timestamp in a signature."""

    time: int
    tsa: str
    tsa_fingerprint: str
    serial_number: str


class Verified(TypedDict):
    """``State.verify_file()``: an intact signature and who made it."""

    file: str
    signature: str
    certificate_fingerprint: str
    subject: str
    algorithm: Algorithm
    signer_check: SignerCheck
    timestamp: Optional[TimestampReport]
    """The RFC 3161 timestamp, checked over the signature value (the TSA's chain is not judged)."""


class PolicyStep(TypedDict):
    """One approval step: eligible approvers and how many must approve."""

    approvers: List[str]
    threshold: int


class PolicyReport(TypedDict):
    """``State.grant_policy()``: the signer policy bound to the certificate."""

    fingerprint: str
    signer: str
    max_window_secs: Optional[int]
    max_signings: Optional[int]
    max_request_ttl_secs: int
    steps: List[PolicyStep]


class GrantReport(TypedDict):
    """A grant (its id is its request's) and its use."""

    id: int
    status: GrantStatus
    grantee: str
    signer: str
    fingerprint: str
    valid_from: int
    valid_until: Optional[int]
    allowed_ops: Optional[int]
    used: int
    remaining: Optional[int]


class ApprovalReport(TypedDict):
    """An approval: the step (0-based) and who approved."""

    step: int
    by: str


class RejectionReport(TypedDict):
    """A rejection: who and why."""

    by: str
    comment: Optional[str]


class RequestReport(TypedDict):
    """A signing request, its status, and the grant it issued."""

    id: int
    status: RequestStatus
    requester: str
    signer: str
    fingerprint: str
    created_at: int
    expires_at: int
    valid_from: int
    valid_until: Optional[int]
    allowed_ops: Optional[int]
    justification: str
    current_step: int
    steps: int
    approvals: List[ApprovalReport]
    rejection: Optional[RejectionReport]
    grant: Optional[GrantReport]


class CodeInfo(TypedDict):
    """A row of the table of error codes."""

    code: str
    number: int
    domain: Domain
    description: str

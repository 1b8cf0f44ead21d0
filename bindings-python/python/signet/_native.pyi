"""Type stubs for the native module ``signet._native`` (checked with mypy.stubtest)."""

import datetime
import os
import pathlib
from collections.abc import Iterator, Sequence
from typing import Literal, Optional, Union, final

from ._types import (
    Algorithm,
    BudgetReport,
    CodeInfo,
    Device,
    KeyType,
    Product,
    PolicyReport,
    RequestReport,
    Role,
    SignedBatch,
    SignedDigest,
    SignedFile,
    StatusReport,
    TimeLike,
    Verified,
)

_Bytes = Union[bytes, bytearray, str]
_Date = Union[datetime.date, str, None]
_Time = Union[int, datetime.datetime]
_OptTime = Union[int, datetime.datetime, None]
_Path = Union[str, os.PathLike[str]]

__all__ = [
    "CORE_VERSION",
    "Finding",
    "Report",
    "KeyInfo",
    "validate_order",
    "check_csr",
    "check_public_key",
    "check_certificate",
    "key_info",
    "KeyAttributes",
    "SoftwareToken",
    "verify_digest",
    "self_signed_certificate",
    "State",
    "open_state",
    "init_state",
    "open_or_create_state",
    "error_codes",
    "_exception_for",
]

CORE_VERSION: str

@final
class Finding:
    @property
    def severity(self) -> Literal["error", "warning"]: ...
    @property
    def path(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Report:
    @property
    def valid(self) -> bool: ...
    @property
    def findings(self) -> list[Finding]: ...
    @property
    def error_count(self) -> int: ...
    @property
    def warning_count(self) -> int: ...
    def to_json(self) -> str: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> Finding: ...
    def __iter__(self) -> Iterator[Finding]: ...

@final
class KeyInfo:
    @property
    def type(self) -> Literal["rsa", "ec", "unsupported"]: ...
    @property
    def modulus_bits(self) -> Optional[int]: ...
    @property
    def exponent(self) -> Optional[int]: ...
    @property
    def curve(self) -> Optional[str]: ...
    @property
    def algorithm(self) -> Optional[str]: ...
    @property
    def parameters(self) -> Optional[str]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

def validate_order(body: _Bytes, product: Product = "code_signing", at: _Date = None) -> Report: ...
def check_csr(csr: _Bytes, device: Optional[Device] = None, at: _Date = None) -> Report: ...
def check_public_key(spki: _Bytes, device: Optional[Device] = None, at: _Date = None) -> Report: ...
def check_certificate(certificate: _Bytes, at: Union[_OptTime, datetime.date, str] = None) -> Report: ...
def key_info(data: _Bytes, kind: Literal["spki", "csr", "certificate"] = "spki") -> KeyInfo: ...

@final
class KeyAttributes:
    def __new__(
        cls,
        key_type: KeyType,
        algorithm: Algorithm,
        *,
        sign: bool = True,
        verify: bool = False,
        protection: Literal["unknown", "software", "hardware"] = "unknown",
    ) -> KeyAttributes: ...
    @property
    def key_type(self) -> str: ...
    @property
    def bits(self) -> int: ...
    @property
    def algorithm(self) -> Algorithm: ...
    @property
    def sign(self) -> bool: ...
    @property
    def verify(self) -> bool: ...
    @property
    def exportable(self) -> bool: ...
    @property
    def protection(self) -> Literal["unknown", "software", "hardware"]: ...
    @property
    def signature_len(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class SoftwareToken:
    def __new__(cls) -> SoftwareToken: ...
    def generate(self, attributes: KeyAttributes) -> int: ...
    def import_pkcs8(self, key: _Bytes, algorithm: Algorithm, *, sign: bool = True, verify: bool = False) -> int: ...
    def destroy(self, handle: int) -> None: ...
    def key_attributes(self, handle: int) -> KeyAttributes: ...
    def public_key(self, handle: int) -> bytes: ...
    def sign_digest(self, handle: int, algorithm: Algorithm, digest: bytes) -> bytes: ...

def verify_digest(public_key: bytes, algorithm: Algorithm, digest: bytes, signature: bytes) -> None: ...
def self_signed_certificate(
    token: object,
    handle: int,
    subject_cn: str,
    not_before: _Time,
    not_after: _Time,
    serial: int = 1,
) -> bytes: ...

@final
class State:
    @property
    def dir(self) -> pathlib.Path: ...
    @property
    def user(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def certificate_der(self) -> bytes: ...
    def status(self) -> StatusReport: ...
    def sign_digest(self, digest: bytes, *, grant: Optional[int] = None) -> SignedDigest: ...
    def sign_file(
        self,
        path: _Path,
        *,
        output: Optional[_Path] = None,
        grant: Optional[int] = None,
        tsa: Optional[Sequence[str]] = None,
    ) -> SignedFile: ...
    def sign_files(
        self,
        paths: Sequence[_Path],
        *,
        output_dir: Optional[_Path] = None,
        grant: Optional[int] = None,
        tsa: Optional[Sequence[str]] = None,
    ) -> SignedBatch: ...
    def verify_file(
        self,
        path: _Path,
        *,
        signature: Optional[_Path] = None,
        cert: Optional[_Bytes] = None,
        any_signer: bool = False,
    ) -> Verified: ...
    def budget_show(self, fingerprint: Optional[str] = None) -> BudgetReport: ...
    def budget_init(
        self,
        cert: _Bytes,
        *,
        signer: str,
        allotment: int = 1000,
        not_before: Optional[TimeLike] = None,
        not_after: Optional[TimeLike] = None,
    ) -> BudgetReport: ...
    def budget_buy(
        self,
        signatures: int,
        *,
        role: Role = "standard_user",
        subaccount: bool = False,
        keylocker_lead: bool = False,
        fingerprint: Optional[str] = None,
    ) -> BudgetReport: ...
    def budget_revoke(self, fingerprint: Optional[str] = None) -> BudgetReport: ...
    def budget_assign(
        self,
        signer: str,
        *,
        role: Role = "standard_user",
        subaccount: bool = False,
        keylocker_lead: bool = False,
        fingerprint: Optional[str] = None,
    ) -> BudgetReport: ...
    def budget_use(self, count: int, *, fingerprint: Optional[str] = None) -> BudgetReport: ...
    def grant_policy(
        self,
        *,
        ttl: int,
        steps: Sequence[tuple[Sequence[str], int]],
        max_window: Optional[int] = None,
        max_ops: Optional[int] = None,
    ) -> PolicyReport: ...
    def grant_request(
        self,
        *,
        ops: Optional[int] = None,
        valid_from: Optional[TimeLike] = None,
        valid_until: Optional[TimeLike] = None,
        justification: Optional[str] = None,
    ) -> RequestReport: ...
    def grant_approve(self, id: int) -> RequestReport: ...
    def grant_reject(self, id: int, comment: Optional[str] = None) -> RequestReport: ...
    def grant_cancel(self, id: int) -> RequestReport: ...
    def grant_show(self, id: int) -> RequestReport: ...
    def grant_list(self) -> list[RequestReport]: ...

def open_state(
    path: Optional[_Path] = None,
    *,
    user: Optional[str] = None,
    now: Optional[TimeLike] = None,
    token: Optional[object] = None,
    key: Optional[int] = None,
    pin: Optional[str] = None,
) -> State: ...
def init_state(
    path: _Path,
    *,
    key_type: KeyType = "ecc-p256",
    budget: int = 1000,
    days: int = 365,
    signer: Optional[str] = None,
    force: bool = False,
    user: Optional[str] = None,
    now: Optional[TimeLike] = None,
    token: Union[str, object, None] = None,
    key: Optional[int] = None,
    development: Optional[bool] = None,
    generate: bool = False,
    algorithm: Optional[Algorithm] = None,
) -> State: ...
def open_or_create_state(
    path: Optional[_Path] = None,
    *,
    key_type: KeyType = "ecc-p256",
    budget: int = 1000,
    days: int = 365,
    signer: Optional[str] = None,
    user: Optional[str] = None,
    now: Optional[TimeLike] = None,
) -> tuple[State, bool]: ...
def error_codes() -> list[CodeInfo]: ...
def _exception_for(code: str, message: str) -> Exception: ...

//! Every error code the crate's error types can return, for bindings that
//! map codes to their own numbers or classes (the C ABI numbers them).
//!
//! One list per error type. A type that wraps another (`BudgetError::Counter`,
//! `CertError::Token`, `ResponseError::Json`, `SoftTokenError`) passes the
//! inner code through and lists only its own. No code appears twice. The
//! lists are plain strings, so they exist in every build, also where the
//! error type itself needs `alloc`. Finding codes of order validation
//! (`required`, `too_long`, ...) are report contents, not errors, and are not
//! listed here (see the order module).

/// `time::DateError`.
pub const DATE: [&str; 2] = ["date_format", "date_out_of_range"];
/// `json::JsonError`.
pub const JSON: [&str; 7] = [
    "json_too_large",
    "json_invalid_utf8",
    "json_bom",
    "json_syntax",
    "json_lone_surrogate",
    "json_too_deep",
    "json_duplicate_key",
];
/// `order::ResponseError` (its `Json` variant passes [`JSON`] codes through).
pub const RESPONSE: [&str; 6] = [
    "json_not_object",
    "response_missing_field",
    "response_wrong_type",
    "response_unknown_status",
    "response_certificate_without_approval",
    "response_approved_without_certificate",
];
/// `order::UnknownProduct`.
pub const PRODUCT: [&str; 1] = ["unknown_product"];
/// `policy::UnknownDeviceProfile`.
pub const DEVICE_PROFILE: [&str; 1] = ["unknown_device_profile"];
/// `budget::UserIdError`.
pub const USER_ID: [&str; 3] = ["user_id_empty", "user_id_too_long", "user_id_control_character"];
/// `budget::BudgetError` (its `Counter` variant passes [`COUNTER`] codes through).
pub const BUDGET: [&str; 12] = [
    "budget_fingerprint_mismatch",
    "budget_revoked",
    "budget_not_yet_valid",
    "budget_expired",
    "budget_invalid_validity",
    "budget_purchase_not_permitted",
    "budget_subaccount_purchase",
    "budget_zero_purchase",
    "budget_overflow",
    "budget_not_assigned_signer",
    "budget_not_keylocker_lead",
    "budget_exhausted",
];
/// `counter::CounterError`.
pub const COUNTER: [&str; 11] = [
    "counter_exhausted",
    "counter_foreign_reservation",
    "counter_unknown_reservation",
    "counter_too_many_outstanding",
    "counter_overflow",
    "counter_storage",
    "counter_corrupt",
    "counter_locked",
    "counter_poisoned",
    "counter_invalid_geometry",
    "counter_zero_block_size",
];
/// `grant::GrantError`.
pub const GRANT: [&str; 24] = [
    "grant_no_approvers",
    "grant_too_many_approvers",
    "grant_duplicate_approver",
    "grant_threshold_out_of_range",
    "grant_no_limit",
    "grant_zero_limit",
    "grant_zero_ttl",
    "grant_no_approval_steps",
    "grant_too_many_steps",
    "grant_invalid_window",
    "grant_window_too_long",
    "grant_zero_operations",
    "grant_operations_above_ceiling",
    "grant_text_too_long",
    "grant_request_not_open",
    "grant_own_request",
    "grant_not_eligible",
    "grant_already_approved",
    "grant_not_requester",
    "grant_not_grantee",
    "grant_wrong_signer",
    "grant_not_active",
    "grant_foreign_reservation",
    "grant_before_request",
];
/// `token::ErrorKind` (also every `token::soft::SoftTokenError` code).
pub const TOKEN: [&str; 10] = [
    "token_not_permitted",
    "token_invalid_handle",
    "token_buffer_too_small",
    "token_invalid_digest",
    "token_not_supported",
    "token_invalid_key",
    "token_insufficient_storage",
    "token_rng_failure",
    "token_hardware",
    "token_other",
];
/// `verify::VerifyError`.
pub const VERIFY: [&str; 8] = [
    "verify_digest_length",
    "verify_malformed_public_key",
    "verify_key_algorithm_mismatch",
    "verify_unsupported_key",
    "verify_algorithm_not_compiled",
    "verify_malformed_signature",
    "verify_bad_signature",
    "verify_buffer_too_small",
];
/// `cert::CertError` (its `Token` variant passes [`TOKEN`] codes through).
pub const CERT: [&str; 4] = [
    "cert_invalid_serial",
    "cert_invalid_validity",
    "cert_signature_invalid",
    "cert_encoding",
];
/// `cms::CmsError`.
pub const CMS: [&str; 6] = [
    "cms_malformed_certificate",
    "cms_digest_length",
    "cms_key_algorithm_mismatch",
    "cms_signing_time_out_of_range",
    "cms_signature_invalid",
    "cms_encoding",
];
/// `sign::SignError` (`sign_cms` needs feature `alloc`; wrapped errors are
/// summarised by the variant's own code).
pub const SIGN: [&str; 16] = [
    "sign_key_mismatch",
    "sign_key_policy",
    "sign_budget_mismatch",
    "sign_certificate_not_yet_valid",
    "sign_certificate_expired",
    "sign_revoked",
    "sign_not_assigned_signer",
    "sign_grant_required",
    "sign_grant_mismatch",
    "sign_grant_inactive",
    "sign_grant_exhausted",
    "sign_budget_exhausted",
    "sign_token",
    "sign_verify_failed",
    "sign_counter",
    "sign_cms",
];

/// Errors of the std host layer (`signet-host`): the state directory, its
/// records and ledgers, inputs and outputs, and the lookups the surfaces
/// share. Listed here so that this table stays the one source of codes.
pub const HOST: [&str; 27] = [
    "state_not_initialised",
    "state_exists",
    "state_incomplete",
    "state_format_unsupported",
    "state_config_invalid",
    "state_record_damaged",
    "state_ledger_missing",
    "state_ledger_damaged",
    "state_ledger_rolled_back",
    "state_ledger_foreign",
    "state_permissions",
    "state_io",
    "input_unreadable",
    "input_too_large",
    "output_unwritable",
    "time_invalid",
    "user_unknown",
    "fingerprint_invalid",
    "certificate_invalid",
    "budget_not_found",
    "budget_exists",
    "budget_validity_outside_certificate",
    "grant_unknown_request",
    "grant_no_policy",
    "grant_ambiguous",
    "grant_not_found",
    "verify_unexpected_signer",
];

/// Every list, with the error type it belongs to.
pub const ERROR_CODE_LISTS: [(&str, &[&str]); 16] = [
    ("time::DateError", &DATE),
    ("json::JsonError", &JSON),
    ("order::ResponseError", &RESPONSE),
    ("order::UnknownProduct", &PRODUCT),
    ("policy::PolicyError", &crate::policy::PolicyError::CODES),
    ("policy::UnknownDeviceProfile", &DEVICE_PROFILE),
    ("budget::UserIdError", &USER_ID),
    ("budget::BudgetError", &BUDGET),
    ("counter::CounterError", &COUNTER),
    ("grant::GrantError", &GRANT),
    ("token::ErrorKind", &TOKEN),
    ("verify::VerifyError", &VERIFY),
    ("cert::CertError", &CERT),
    ("cms::CmsError", &CMS),
    ("sign::SignError", &SIGN),
    ("signet-host", &HOST),
];

/// Every error code, in [`ERROR_CODE_LISTS`] order.
pub fn all() -> impl Iterator<Item = &'static str> {
    ERROR_CODE_LISTS
        .into_iter()
        .flat_map(|(_, list)| list.iter().copied())
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    extern crate std;
    use std::vec::Vec;

    use crate::ErrorCode;
    use crate::budget::{BudgetError, Role, UserIdError};
    use crate::counter::{CorruptReason, CounterError, GeometryProblem, StorageDetail, StorageOp};
    use crate::grant::{GrantError, GrantStatus, RequestStatus};
    use crate::time::{DateError, UnixTime};
    use crate::token::{ErrorKind, HashAlgorithm, SignatureAlgorithm};
    use crate::verify::VerifyError;

    #[test]
    fn no_code_twice() {
        let all: Vec<_> = super::all().collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(a), "{a} listed twice");
            assert!(
                !a.is_empty()
                    && a.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            );
        }
    }

    /// Lists are exactly the codes of the variants (each variant built once).
    fn check(list: &[&str], produced: &[&str]) {
        for c in produced {
            assert!(list.contains(c), "{c} missing from its CODES list");
        }
        for c in list {
            assert!(produced.contains(c), "{c} listed but not produced");
        }
    }

    #[test]
    fn lists_match_variants() {
        let t = UnixTime(0);
        let alg = SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256);
        check(
            &super::DATE,
            &[DateError::Format.code(), DateError::OutOfRange.code()],
        );
        check(
            &super::USER_ID,
            &[
                UserIdError::Empty.code(),
                UserIdError::TooLong { max: 1, actual: 2 }.code(),
                UserIdError::ControlCharacter.code(),
            ],
        );
        let budget = [
            BudgetError::FingerprintMismatch,
            BudgetError::Revoked,
            BudgetError::NotYetValid {
                now: t,
                not_before: t,
            },
            BudgetError::Expired { now: t, not_after: t },
            BudgetError::InvalidValidity,
            BudgetError::PurchaseNotPermitted { role: Role::Manager },
            BudgetError::SubaccountPurchase,
            BudgetError::ZeroPurchase,
            BudgetError::Overflow,
            BudgetError::NotAssignedSigner,
            BudgetError::NotKeyLockerLead,
            BudgetError::Exhausted { total: 1, used: 1 },
        ];
        check(&super::BUDGET, &budget.map(|e| e.code()));
        let counter = [
            CounterError::Exhausted { limit: 1, used: 1 },
            CounterError::ForeignReservation { index: 0 },
            CounterError::UnknownReservation { index: 0 },
            CounterError::TooManyOutstanding { max: 1 },
            CounterError::Overflow,
            CounterError::Storage {
                op: StorageOp::Read,
                detail: StorageDetail::Flash(embedded_storage::nor_flash::NorFlashErrorKind::Other),
            },
            CounterError::Corrupt {
                reason: CorruptReason::NoValidRecord,
            },
            CounterError::Locked,
            CounterError::Poisoned,
            CounterError::InvalidGeometry {
                problem: GeometryProblem::TooFewSectors,
            },
            CounterError::ZeroBlockSize,
        ];
        check(&super::COUNTER, &counter.map(|e| e.code()));
        // A wrapped counter error passes its code through.
        assert_eq!(
            BudgetError::Counter(CounterError::Locked).code(),
            "counter_locked"
        );
        let grant = [
            GrantError::NoApprovers,
            GrantError::TooManyApprovers { max: 1 },
            GrantError::DuplicateApprover,
            GrantError::ThresholdOutOfRange {
                threshold: 0,
                eligible: 1,
            },
            GrantError::NoLimit,
            GrantError::ZeroLimit,
            GrantError::ZeroTtl,
            GrantError::NoApprovalSteps,
            GrantError::TooManySteps { max: 1 },
            GrantError::InvalidWindow,
            GrantError::WindowTooLong {
                max_secs: 1,
                requested_secs: 2,
            },
            GrantError::ZeroOperations,
            GrantError::OperationsAboveCeiling { max: 1, requested: 2 },
            GrantError::TextTooLong { max: 1 },
            GrantError::NotOpen {
                status: RequestStatus::Open,
            },
            GrantError::OwnRequest,
            GrantError::NotEligible { step: 0 },
            GrantError::AlreadyApproved,
            GrantError::NotRequester,
            GrantError::NotGrantee,
            GrantError::WrongSigner,
            GrantError::GrantNotActive {
                status: GrantStatus::Revoked,
            },
            GrantError::ForeignReservation,
            GrantError::BeforeRequest {
                created_at: t,
                at: t,
            },
        ];
        check(&super::GRANT, &grant.map(|e| e.code()));
        let kinds = [
            ErrorKind::NotPermitted,
            ErrorKind::InvalidHandle,
            ErrorKind::BufferTooSmall,
            ErrorKind::InvalidDigest,
            ErrorKind::NotSupported,
            ErrorKind::InvalidKey,
            ErrorKind::InsufficientStorage,
            ErrorKind::Rng,
            ErrorKind::Hardware,
            ErrorKind::Other,
        ];
        check(&super::TOKEN, &kinds.map(|e| e.code()));
        let verify = [
            VerifyError::DigestLength {
                expected: 1,
                actual: 2,
            },
            VerifyError::MalformedPublicKey,
            VerifyError::KeyAlgorithmMismatch { algorithm: alg },
            VerifyError::UnsupportedKey,
            VerifyError::AlgorithmNotCompiled { algorithm: alg },
            VerifyError::MalformedSignature,
            VerifyError::BadSignature,
            VerifyError::BufferTooSmall,
        ];
        check(&super::VERIFY, &verify.map(|e| e.code()));
        check(
            &super::DEVICE_PROFILE,
            &[crate::policy::UnknownDeviceProfile.code()],
        );
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn alloc_lists_match_variants() {
        use crate::json::{JsonError, Position};
        use crate::order::{ResponseError, UnknownProduct};
        use alloc::string::String;
        let at = Position {
            offset: 0,
            line: 1,
            column: 1,
        };
        let json = [
            JsonError::TooLarge { size: 2, max_size: 1 },
            JsonError::InvalidUtf8 { at },
            JsonError::ByteOrderMark,
            JsonError::Syntax { at, reason: "x" },
            JsonError::LoneSurrogate { at },
            JsonError::TooDeep { at, max_depth: 1 },
            JsonError::DuplicateKey {
                at,
                path: String::new(),
            },
        ];
        check(&super::JSON, &json.map(|e| e.code()));
        let response = [
            ResponseError::NotObject,
            ResponseError::Missing { path: String::new() },
            ResponseError::WrongType {
                path: String::new(),
                expected: "x",
            },
            ResponseError::UnknownStatus {
                path: String::new(),
                status: String::new(),
            },
            ResponseError::CertificateWithoutApproval { certificate_id: 1 },
            ResponseError::ApprovedWithoutCertificate { request_id: 1 },
        ];
        check(&super::RESPONSE, &response.map(|e| e.code()));
        assert_eq!(ResponseError::Json(JsonError::ByteOrderMark).code(), "json_bom");
        check(&super::PRODUCT, &[UnknownProduct.code()]);
        use crate::cms::CmsError;
        let cms = [
            CmsError::MalformedCertificate,
            CmsError::DigestLength {
                expected: 1,
                actual: 2,
            },
            CmsError::KeyAlgorithmMismatch {
                algorithm: SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256),
            },
            CmsError::SigningTimeOutOfRange { time: UnixTime(0) },
            CmsError::Signature(VerifyError::BadSignature),
            CmsError::Encoding,
        ];
        check(&super::CMS, &cms.map(|e| e.code()));
        use crate::sign::SignError;
        let sign = [
            SignError::KeyMismatch,
            SignError::KeyPolicy(crate::policy::PolicyError::KeyTooSmall {
                min_bits: 3072,
                actual_bits: 2048,
            }),
            SignError::BudgetMismatch,
            SignError::CertificateNotYetValid {
                not_before: UnixTime(1),
                now: UnixTime(0),
            },
            SignError::CertificateExpired {
                not_after: UnixTime(0),
                now: UnixTime(1),
            },
            SignError::Revoked,
            SignError::NotAssignedSigner,
            SignError::GrantRequired,
            SignError::GrantMismatch(GrantError::NotGrantee),
            SignError::GrantInactive {
                status: GrantStatus::Revoked,
            },
            SignError::GrantExhausted { allowed: 1 },
            SignError::BudgetExhausted { total: 1, used: 1 },
            SignError::Token(ErrorKind::Hardware),
            SignError::VerifyFailed {
                error: VerifyError::BadSignature,
                counter_index: 0,
            },
            SignError::Counter(CounterError::Locked),
            SignError::Cms(CmsError::Encoding),
        ];
        check(&super::SIGN, &sign.map(|e| e.code()));
    }

    #[cfg(all(feature = "alloc", feature = "soft-token"))]
    #[test]
    fn cert_list_matches_variants() {
        use crate::cert::CertError;
        let cert = [
            CertError::InvalidSerial,
            CertError::InvalidValidity {
                not_before: UnixTime(1),
                not_after: UnixTime(0),
            },
            CertError::Signature(VerifyError::BadSignature),
            CertError::Encoding,
        ];
        check(&super::CERT, &cert.map(|e| e.code()));
        assert_eq!(CertError::Token(ErrorKind::Hardware).code(), "token_hardware");
    }
}

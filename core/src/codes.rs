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
pub const CERT: [&str; 5] = [
    "cert_invalid_serial",
    "cert_invalid_validity",
    "cert_signature_invalid",
    "cert_encoding",
    "cert_invalid_subject",
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
pub const HOST: [&str; 57] = [
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
    "verify_untrusted_signer",
    "audit_chain_broken",
    "audit_ledger_mismatch",
    "state_caller_token_required",
    "state_caller_token_unexpected",
    "state_pin_unexpected",
    "pkcs11_module_missing",
    "pkcs11_token_missing",
    "pkcs11_pin_incorrect",
    "pkcs11_pin_locked",
    "pkcs11_key_missing",
    "pkcs11_mechanism_unsupported",
    "pkcs11_uri_invalid",
    "pkcs11_pin_missing",
    "pkcs11_key_ambiguous",
    "pkcs11_key_exists",
    "pkcs11_device_error",
    "state_production_user",
    "state_production_clock",
    "cert_key_mismatch",
    "timestamp_failed",
    "timestamp_url_invalid",
    "store_unavailable",
    "store_conflict",
    "store_schema_unsupported",
    "store_url_invalid",
    "store_user_not_role",
    "store_clock_fixed",
    "store_reservation_unknown",
    "store_permission_denied",
];

/// Errors of the PKCS#11 module (`signet-pkcs11`): what it writes to its log
/// beside host's codes (the `CKR_` value is what the application sees).
pub const PKCS11_MODULE: [&str; 2] = ["pkcs11_module_config", "pkcs11_module_mechanism"];

/// What a code is about: every surface derives its error class from it, so
/// the same code raises the same class in Python, Node and the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Domain {
    /// The request itself is malformed: JSON, dates, names, user ids,
    /// fingerprints, unreadable or oversized inputs, binding options.
    InvalidRequest,
    /// The key policy refuses a key, CSR or certificate.
    KeyPolicy,
    /// A budget rule.
    Budget,
    /// A grant or signing-request rule.
    Grant,
    /// A signature counter (ledger) failed or is exhausted.
    Counter,
    /// The token refused or failed.
    Token,
    /// The enforced sign path refused (or made a certificate that failed).
    Sign,
    /// A signature did not verify, or not from the expected signer.
    Verification,
    /// The host's state directory is missing, damaged or not writable.
    State,
    /// A binding's API was misused (NULL pointer, closed object, ...).
    Usage,
}

impl Domain {
    /// The snake_case name bindings show.
    pub const fn name(self) -> &'static str {
        match self {
            Domain::InvalidRequest => "invalid_request",
            Domain::KeyPolicy => "key_policy",
            Domain::Budget => "budget",
            Domain::Grant => "grant",
            Domain::Counter => "counter",
            Domain::Token => "token",
            Domain::Sign => "sign",
            Domain::Verification => "verification",
            Domain::State => "state",
            Domain::Usage => "usage",
        }
    }
}

/// One row of the table of codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The stable snake_case code.
    pub code: &'static str,
    /// Its number in the C ABI (`signet_result`): grouped by domain (1000s
    /// order, JSON and dates; 2000s key policy; 3000s budgets; 4000s grants;
    /// 5000s counters; 6000s tokens, verification, certificates, CMS; 7000s
    /// sign; 8000s host; 9000s misuse of a binding), never reused.
    pub number: u32,
    /// What it is about.
    pub domain: Domain,
    /// A short fixed description.
    pub description: &'static str,
}

const fn code(code: &'static str, number: u32, domain: Domain, description: &'static str) -> Code {
    Code {
        code,
        number,
        domain,
        description,
    }
}

/// The table of codes: the single source of truth for every error code of
/// every surface (core, host, the CLI, C, Python, Node, the browser). A
/// retired row is commented out, not deleted, so that its number is never
/// reused.
pub const TABLE: &[Code] = &[
    code(
        "json_too_large",
        1001,
        Domain::InvalidRequest,
        "The JSON document is larger than the limit.",
    ),
    code(
        "json_invalid_utf8",
        1002,
        Domain::InvalidRequest,
        "The JSON document is not UTF-8.",
    ),
    code(
        "json_bom",
        1003,
        Domain::InvalidRequest,
        "The JSON document starts with a byte order mark.",
    ),
    code("json_syntax", 1004, Domain::InvalidRequest, "Not JSON."),
    code(
        "json_lone_surrogate",
        1005,
        Domain::InvalidRequest,
        "A JSON escape encodes a lone surrogate.",
    ),
    code(
        "json_too_deep",
        1006,
        Domain::InvalidRequest,
        "The JSON document is nested too deep.",
    ),
    code(
        "json_duplicate_key",
        1007,
        Domain::InvalidRequest,
        "A key appears twice in one JSON object.",
    ),
    code(
        "json_not_object",
        1020,
        Domain::InvalidRequest,
        "The JSON document is not an object.",
    ),
    code(
        "response_missing_field",
        1021,
        Domain::InvalidRequest,
        "A response field is missing.",
    ),
    code(
        "response_wrong_type",
        1022,
        Domain::InvalidRequest,
        "A response field has the wrong type.",
    ),
    code(
        "response_unknown_status",
        1023,
        Domain::InvalidRequest,
        "A response has an unknown request status.",
    ),
    code(
        "response_certificate_without_approval",
        1024,
        Domain::InvalidRequest,
        "A response has a certificate but no approved request.",
    ),
    code(
        "response_approved_without_certificate",
        1025,
        Domain::InvalidRequest,
        "A response has an approved request but no certificate.",
    ),
    code(
        "unknown_product",
        1040,
        Domain::InvalidRequest,
        "Unknown product (expected code_signing or code_signing_ev).",
    ),
    code(
        "unknown_role",
        1041,
        Domain::InvalidRequest,
        "Unknown account role (administrator, manager, standard_user, limited_user or finance_manager).",
    ),
    code(
        "unknown_key_type",
        1042,
        Domain::InvalidRequest,
        "Unknown key type (rsa-<bits>, ecc-p256 or ecc-p384).",
    ),
    code(
        "unknown_signature_algorithm",
        1043,
        Domain::InvalidRequest,
        "Unknown signature algorithm name.",
    ),
    code(
        "date_format",
        1050,
        Domain::InvalidRequest,
        "The date is not in the expected format.",
    ),
    code(
        "date_out_of_range",
        1051,
        Domain::InvalidRequest,
        "The date does not exist in the calendar.",
    ),
    code(
        "unknown_key_protection",
        1060,
        Domain::InvalidRequest,
        "Unknown key protection (unknown, software or hardware).",
    ),
    // 1100-1119: request errors of the Python binding.
    code(
        "unknown_input_kind",
        1100,
        Domain::InvalidRequest,
        "Unknown kind of key input (spki, csr or certificate).",
    ),
    code(
        "conflicting_arguments",
        1101,
        Domain::InvalidRequest,
        "Two arguments that exclude each other were both given.",
    ),
    // 1120-1149: request errors of the JavaScript bindings (Node and the browser).
    code(
        "invalid_input_type",
        1120,
        Domain::InvalidRequest,
        "An input is not a string, Buffer or Uint8Array.",
    ),
    code(
        "invalid_options",
        1121,
        Domain::InvalidRequest,
        "The options argument is not an object (or could not be read).",
    ),
    code(
        "unknown_option",
        1122,
        Domain::InvalidRequest,
        "An option the function does not take (a misspelt option is not ignored).",
    ),
    code(
        "invalid_option_type",
        1123,
        Domain::InvalidRequest,
        "An option or argument has the wrong type.",
    ),
    code(
        "invalid_number",
        1124,
        Domain::InvalidRequest,
        "A number is not a whole number in the allowed range (NaN, Infinity, fractions and negatives included).",
    ),
    code(
        "conflicting_options",
        1125,
        Domain::InvalidRequest,
        "Two options that exclude each other were both given.",
    ),
    code(
        "key_malformed",
        2001,
        Domain::KeyPolicy,
        "The public key is malformed.",
    ),
    code(
        "certificate_malformed",
        2002,
        Domain::KeyPolicy,
        "The certificate is malformed.",
    ),
    code("csr_malformed", 2003, Domain::KeyPolicy, "The CSR is malformed."),
    code(
        "pem_invalid",
        2004,
        Domain::KeyPolicy,
        "The PEM encoding is invalid.",
    ),
    code(
        "trailing_data",
        2005,
        Domain::KeyPolicy,
        "Data follows the DER structure.",
    ),
    code("not_a_csr", 2006, Domain::KeyPolicy, "The input is not a CSR."),
    code(
        "not_a_certificate",
        2007,
        Domain::KeyPolicy,
        "The input is not a certificate.",
    ),
    code(
        "unsupported_key",
        2008,
        Domain::KeyPolicy,
        "The key algorithm is not supported.",
    ),
    code(
        "key_too_small",
        2009,
        Domain::KeyPolicy,
        "The key is smaller than the rule in force allows.",
    ),
    code(
        "exponent_invalid",
        2010,
        Domain::KeyPolicy,
        "The RSA exponent is invalid.",
    ),
    code(
        "exponent_small",
        2011,
        Domain::KeyPolicy,
        "The RSA exponent is small (warning).",
    ),
    code(
        "curve_not_allowed",
        2012,
        Domain::KeyPolicy,
        "The curve is not allowed.",
    ),
    code(
        "key_size_not_supported_by_device",
        2013,
        Domain::KeyPolicy,
        "The device cannot hold a key of this size.",
    ),
    code(
        "device_profile_unknown",
        2014,
        Domain::KeyPolicy,
        "No device profile: hardware storage cannot be checked (warning).",
    ),
    code(
        "hash_not_allowed",
        2015,
        Domain::KeyPolicy,
        "The hash algorithm is not allowed.",
    ),
    code(
        "csr_sha1",
        2016,
        Domain::KeyPolicy,
        "The CSR is signed with SHA-1.",
    ),
    code(
        "csr_signature_invalid",
        2017,
        Domain::KeyPolicy,
        "The CSR self-signature does not verify.",
    ),
    code(
        "csr_signature_unverifiable",
        2018,
        Domain::KeyPolicy,
        "The CSR self-signature cannot be verified.",
    ),
    code(
        "signature_key_mismatch",
        2019,
        Domain::KeyPolicy,
        "The signature algorithm does not fit the key.",
    ),
    code(
        "certificate_not_yet_valid",
        2020,
        Domain::KeyPolicy,
        "The certificate is not valid yet.",
    ),
    code(
        "certificate_expired",
        2021,
        Domain::KeyPolicy,
        "The certificate has expired.",
    ),
    code(
        "legacy_key_size",
        2022,
        Domain::KeyPolicy,
        "The key size is below today's minimum but allowed for this certificate (warning).",
    ),
    code(
        "key_ever_extractable",
        2023,
        Domain::KeyPolicy,
        "Under the hardware-key rule, the token key was imported or was once extractable or readable.",
    ),
    code(
        "key_software",
        2024,
        Domain::KeyPolicy,
        "Under the hardware-key rule, a software key signs only in a development state.",
    ),
    code(
        "key_protection_unknown",
        2025,
        Domain::KeyPolicy,
        "Under the hardware-key rule, the token gives no evidence of how the key is kept.",
    ),
    code(
        "unknown_device_profile",
        2050,
        Domain::InvalidRequest,
        "Unknown device profile name.",
    ),
    code(
        "budget_fingerprint_mismatch",
        3001,
        Domain::Budget,
        "The budget belongs to another certificate.",
    ),
    code(
        "budget_revoked",
        3002,
        Domain::Budget,
        "The certificate is revoked.",
    ),
    code(
        "budget_not_yet_valid",
        3003,
        Domain::Budget,
        "The certificate is not valid yet.",
    ),
    code(
        "budget_expired",
        3004,
        Domain::Budget,
        "The certificate has expired.",
    ),
    code(
        "budget_invalid_validity",
        3005,
        Domain::Budget,
        "The validity ends before it begins.",
    ),
    code(
        "budget_purchase_not_permitted",
        3006,
        Domain::Budget,
        "This role may not buy signatures.",
    ),
    code(
        "budget_subaccount_purchase",
        3007,
        Domain::Budget,
        "Subaccounts cannot buy signatures.",
    ),
    code(
        "budget_zero_purchase",
        3008,
        Domain::Budget,
        "A purchase must add at least one signature.",
    ),
    code(
        "budget_overflow",
        3009,
        Domain::Budget,
        "The signature total would overflow.",
    ),
    code(
        "budget_not_assigned_signer",
        3010,
        Domain::Budget,
        "Only the assigned signer may sign.",
    ),
    code(
        "budget_not_keylocker_lead",
        3011,
        Domain::Budget,
        "Only a KeyLocker lead may reassign the signer.",
    ),
    code(
        "budget_exhausted",
        3012,
        Domain::Budget,
        "All signatures are used.",
    ),
    code(
        "user_id_empty",
        3050,
        Domain::InvalidRequest,
        "The user id is empty.",
    ),
    code(
        "user_id_too_long",
        3051,
        Domain::InvalidRequest,
        "The user id is too long.",
    ),
    code(
        "user_id_control_character",
        3052,
        Domain::InvalidRequest,
        "The user id contains a control character.",
    ),
    code(
        "grant_no_approvers",
        4001,
        Domain::Grant,
        "An approval step names no approvers.",
    ),
    code(
        "grant_too_many_approvers",
        4002,
        Domain::Grant,
        "An approval step names too many approvers.",
    ),
    code(
        "grant_duplicate_approver",
        4003,
        Domain::Grant,
        "An approval step names an approver twice.",
    ),
    code(
        "grant_threshold_out_of_range",
        4004,
        Domain::Grant,
        "A step threshold is 0 or above its approvers.",
    ),
    code(
        "grant_no_limit",
        4005,
        Domain::Grant,
        "A policy needs a window or a signing-count limit.",
    ),
    code("grant_zero_limit", 4006, Domain::Grant, "A limit of zero."),
    code("grant_zero_ttl", 4007, Domain::Grant, "A request TTL of zero."),
    code(
        "grant_no_approval_steps",
        4008,
        Domain::Grant,
        "A policy with no approval step.",
    ),
    code(
        "grant_too_many_steps",
        4009,
        Domain::Grant,
        "Too many approval steps.",
    ),
    code(
        "grant_invalid_window",
        4010,
        Domain::Grant,
        "valid_until is not after valid_from.",
    ),
    code(
        "grant_window_too_long",
        4011,
        Domain::Grant,
        "The window is longer than the policy allows.",
    ),
    code(
        "grant_zero_operations",
        4012,
        Domain::Grant,
        "Zero sign operations asked for.",
    ),
    code(
        "grant_operations_above_ceiling",
        4013,
        Domain::Grant,
        "More sign operations than the policy allows.",
    ),
    code(
        "grant_text_too_long",
        4014,
        Domain::Grant,
        "Justification or comment too long.",
    ),
    code(
        "grant_request_not_open",
        4015,
        Domain::Grant,
        "The request is no longer open.",
    ),
    code(
        "grant_own_request",
        4016,
        Domain::Grant,
        "Requesters cannot approve or reject their own request.",
    ),
    code(
        "grant_not_eligible",
        4017,
        Domain::Grant,
        "Not an eligible approver of the current step.",
    ),
    code(
        "grant_already_approved",
        4018,
        Domain::Grant,
        "Already approved this request.",
    ),
    code(
        "grant_not_requester",
        4019,
        Domain::Grant,
        "Only the requester may cancel.",
    ),
    code(
        "grant_not_grantee",
        4020,
        Domain::Grant,
        "Only the grantee may use the grant.",
    ),
    code(
        "grant_wrong_signer",
        4021,
        Domain::Grant,
        "The grant is for another signer.",
    ),
    code(
        "grant_not_active",
        4022,
        Domain::Grant,
        "The grant cannot be used now.",
    ),
    code(
        "grant_foreign_reservation",
        4023,
        Domain::Grant,
        "The reservation belongs to another grant or is not pending.",
    ),
    code(
        "grant_before_request",
        4024,
        Domain::Grant,
        "An approval, rejection or cancellation dated before the request was opened.",
    ),
    code(
        "counter_exhausted",
        5001,
        Domain::Counter,
        "The counter limit is reached.",
    ),
    code(
        "counter_foreign_reservation",
        5002,
        Domain::Counter,
        "The reservation was issued by another store.",
    ),
    code(
        "counter_unknown_reservation",
        5003,
        Domain::Counter,
        "The reservation is not outstanding in this store.",
    ),
    code(
        "counter_too_many_outstanding",
        5004,
        Domain::Counter,
        "Too many reservations outstanding.",
    ),
    code("counter_overflow", 5005, Domain::Counter, "Counter overflow."),
    code(
        "counter_storage",
        5006,
        Domain::Counter,
        "The storage medium failed; the store is poisoned.",
    ),
    code(
        "counter_corrupt",
        5007,
        Domain::Counter,
        "The storage holds no usable counter state.",
    ),
    code(
        "counter_locked",
        5008,
        Domain::Counter,
        "Another process holds the ledger.",
    ),
    code(
        "counter_poisoned",
        5009,
        Domain::Counter,
        "The store failed earlier and must be reopened.",
    ),
    code(
        "counter_invalid_geometry",
        5010,
        Domain::Counter,
        "The flash region cannot hold the counter log.",
    ),
    code(
        "counter_zero_block_size",
        5011,
        Domain::Counter,
        "A reservation block size of zero.",
    ),
    code(
        "token_not_permitted",
        6001,
        Domain::Token,
        "The key's attributes do not permit this operation.",
    ),
    code(
        "token_invalid_handle",
        6002,
        Domain::Token,
        "No key with this handle.",
    ),
    code(
        "token_buffer_too_small",
        6003,
        Domain::Token,
        "The token's output buffer is too small.",
    ),
    code(
        "token_invalid_digest",
        6004,
        Domain::Token,
        "The digest length does not match the algorithm's hash.",
    ),
    code(
        "token_not_supported",
        6005,
        Domain::Token,
        "Key type or algorithm not supported by this token.",
    ),
    code(
        "token_invalid_key",
        6006,
        Domain::Token,
        "Malformed or unsupported key material.",
    ),
    code(
        "token_insufficient_storage",
        6007,
        Domain::Token,
        "No free key slot.",
    ),
    code(
        "token_rng_failure",
        6008,
        Domain::Token,
        "Random number generator failure.",
    ),
    code("token_hardware", 6009, Domain::Token, "Token hardware failure."),
    code("token_other", 6010, Domain::Token, "Token failure."),
    code(
        "verify_digest_length",
        6101,
        Domain::Verification,
        "The digest length does not match the algorithm.",
    ),
    code(
        "verify_malformed_public_key",
        6102,
        Domain::Verification,
        "The public key is malformed.",
    ),
    code(
        "verify_key_algorithm_mismatch",
        6103,
        Domain::Verification,
        "The algorithm does not fit the key.",
    ),
    code(
        "verify_unsupported_key",
        6104,
        Domain::Verification,
        "The key type is not supported.",
    ),
    code(
        "verify_algorithm_not_compiled",
        6105,
        Domain::Verification,
        "The algorithm is not compiled in.",
    ),
    code(
        "verify_malformed_signature",
        6106,
        Domain::Verification,
        "The signature is malformed.",
    ),
    code(
        "verify_bad_signature",
        6107,
        Domain::Verification,
        "The signature does not verify.",
    ),
    code(
        "verify_buffer_too_small",
        6108,
        Domain::Verification,
        "The verifier's buffer is too small.",
    ),
    code(
        "cert_invalid_serial",
        6201,
        Domain::Sign,
        "Invalid certificate serial.",
    ),
    code(
        "cert_invalid_validity",
        6202,
        Domain::Sign,
        "Invalid certificate validity.",
    ),
    code(
        "cert_signature_invalid",
        6203,
        Domain::Sign,
        "The certificate signature does not verify.",
    ),
    code(
        "cert_encoding",
        6204,
        Domain::Sign,
        "Certificate encoding failed.",
    ),
    code(
        "cert_invalid_subject",
        6205,
        Domain::InvalidRequest,
        "The subject is not an RFC 4514 distinguished name.",
    ),
    code(
        "cms_malformed_certificate",
        6301,
        Domain::Verification,
        "The CMS signing certificate is malformed.",
    ),
    code(
        "cms_digest_length",
        6302,
        Domain::Verification,
        "The CMS digest length is wrong.",
    ),
    code(
        "cms_key_algorithm_mismatch",
        6303,
        Domain::Verification,
        "The algorithm does not fit the certificate key.",
    ),
    code(
        "cms_signing_time_out_of_range",
        6304,
        Domain::Verification,
        "The signing time cannot be encoded.",
    ),
    code(
        "cms_signature_invalid",
        6305,
        Domain::Verification,
        "The CMS signature does not verify.",
    ),
    code("cms_encoding", 6306, Domain::Verification, "CMS encoding failed."),
    code(
        "cms_malformed",
        6307,
        Domain::Verification,
        "The input is not a DER CMS ContentInfo holding a SignedData.",
    ),
    code(
        "cms_no_signer",
        6308,
        Domain::Verification,
        "The SignedData has no SignerInfo.",
    ),
    code(
        "cms_signer_certificate_missing",
        6309,
        Domain::Verification,
        "The signer's certificate is not embedded in the signature.",
    ),
    code(
        "cms_unsupported_algorithm",
        6310,
        Domain::Verification,
        "The digest or signature algorithm is not one Signet verifies.",
    ),
    code(
        "cms_missing_message_digest",
        6311,
        Domain::Verification,
        "The signed attributes lack messageDigest.",
    ),
    code(
        "cms_content_digest_mismatch",
        6312,
        Domain::Verification,
        "The content does not match the signed messageDigest: the file changed.",
    ),
    code(
        "sign_key_mismatch",
        7001,
        Domain::Sign,
        "The token key is not the certificate's key.",
    ),
    code(
        "sign_key_policy",
        7002,
        Domain::Sign,
        "The key policy refuses the certificate's key.",
    ),
    code(
        "sign_budget_mismatch",
        7003,
        Domain::Sign,
        "The budget belongs to another certificate.",
    ),
    code(
        "sign_certificate_not_yet_valid",
        7004,
        Domain::Sign,
        "The certificate is not valid yet.",
    ),
    code(
        "sign_certificate_expired",
        7005,
        Domain::Sign,
        "The certificate has expired.",
    ),
    code("sign_revoked", 7006, Domain::Sign, "The certificate is revoked."),
    code(
        "sign_not_assigned_signer",
        7007,
        Domain::Sign,
        "Only the assigned signer may sign.",
    ),
    code(
        "sign_grant_required",
        7008,
        Domain::Sign,
        "The signer's policy requires a grant.",
    ),
    code(
        "sign_grant_mismatch",
        7009,
        Domain::Sign,
        "The grant is not the acting user's grant for this signer.",
    ),
    code(
        "sign_grant_inactive",
        7010,
        Domain::Sign,
        "The grant cannot be used now.",
    ),
    code(
        "sign_grant_exhausted",
        7011,
        Domain::Sign,
        "The grant's sign operations are used up.",
    ),
    code(
        "sign_budget_exhausted",
        7012,
        Domain::Sign,
        "The budget has no signature left.",
    ),
    code(
        "sign_token",
        7013,
        Domain::Sign,
        "The token refused or failed; nothing was consumed.",
    ),
    code(
        "sign_verify_failed",
        7014,
        Domain::Sign,
        "The token's signature did not verify; it was not released and counts as used.",
    ),
    code("sign_counter", 7015, Domain::Sign, "The counter store failed."),
    code(
        "sign_cms",
        7016,
        Domain::Sign,
        "Building the CMS structure failed.",
    ),
    code(
        "state_not_initialised",
        8001,
        Domain::State,
        "There is no Signet state here; run `signet init`.",
    ),
    code(
        "state_exists",
        8002,
        Domain::State,
        "The state already has a signing key; pass force to replace it.",
    ),
    code(
        "state_incomplete",
        8003,
        Domain::State,
        "Part of the state is missing (signer, key, certificate or budget record).",
    ),
    code(
        "state_format_unsupported",
        8004,
        Domain::State,
        "The state was written in a format this version does not read.",
    ),
    code(
        "state_config_invalid",
        8005,
        Domain::State,
        "signet.toml is not a valid configuration.",
    ),
    code(
        "state_record_damaged",
        8006,
        Domain::State,
        "A state record is unreadable, inconsistent or was edited outside Signet.",
    ),
    code(
        "state_ledger_missing",
        8007,
        Domain::State,
        "A signature ledger is missing; usage cannot be known.",
    ),
    code(
        "state_ledger_damaged",
        8008,
        Domain::State,
        "A signature ledger is truncated or has no valid record.",
    ),
    code(
        "state_ledger_rolled_back",
        8009,
        Domain::State,
        "A signature ledger is older than its record has seen (restored from a copy).",
    ),
    code(
        "state_ledger_foreign",
        8010,
        Domain::State,
        "A signature ledger belongs to another budget or grant.",
    ),
    code(
        "state_permissions",
        8011,
        Domain::State,
        "The state directory or key file is writable (or the key readable) by other users.",
    ),
    code(
        "state_io",
        8012,
        Domain::State,
        "Reading or writing the state failed.",
    ),
    code(
        "input_unreadable",
        8013,
        Domain::InvalidRequest,
        "An input file cannot be read.",
    ),
    code(
        "input_too_large",
        8014,
        Domain::InvalidRequest,
        "An input is larger than its limit.",
    ),
    code(
        "output_unwritable",
        8015,
        Domain::State,
        "An output file cannot be written.",
    ),
    code(
        "time_invalid",
        8016,
        Domain::InvalidRequest,
        "A time is not RFC 3339 or UNIX seconds.",
    ),
    code(
        "user_unknown",
        8017,
        Domain::InvalidRequest,
        "No acting user could be determined.",
    ),
    code(
        "fingerprint_invalid",
        8018,
        Domain::InvalidRequest,
        "A certificate fingerprint is not 64 hex digits.",
    ),
    code(
        "certificate_invalid",
        8019,
        Domain::InvalidRequest,
        "A certificate is not PEM or DER X.509.",
    ),
    code(
        "budget_not_found",
        8020,
        Domain::Budget,
        "The certificate has no budget in this state.",
    ),
    code(
        "budget_exists",
        8021,
        Domain::Budget,
        "The certificate already has a budget.",
    ),
    code(
        "budget_validity_outside_certificate",
        8022,
        Domain::Budget,
        "A budget's validity may narrow the certificate's, never widen it.",
    ),
    code(
        "grant_unknown_request",
        8023,
        Domain::Grant,
        "There is no signing request with that id.",
    ),
    code(
        "grant_no_policy",
        8024,
        Domain::Grant,
        "The certificate has no signer policy.",
    ),
    code(
        "grant_ambiguous",
        8025,
        Domain::Grant,
        "The user holds several active grants; name one.",
    ),
    code(
        "grant_not_found",
        8026,
        Domain::Grant,
        "There is no grant with that id.",
    ),
    code(
        "verify_unexpected_signer",
        8027,
        Domain::Verification,
        "The signature was made by another signer than the expected one.",
    ),
    code(
        "verify_untrusted_signer",
        8028,
        Domain::Verification,
        "The signer's certificate is not issued by any of the trust anchors.",
    ),
    code(
        "audit_chain_broken",
        8029,
        Domain::State,
        "The audit log was edited, reordered or cut: a record does not follow the one before it.",
    ),
    code(
        "audit_ledger_mismatch",
        8030,
        Domain::State,
        "A budget's ledger and the audit log disagree on the signatures made.",
    ),
    code(
        "state_caller_token_required",
        8031,
        Domain::State,
        "The state's key is held by a token the caller implements: open it with that token.",
    ),
    code(
        "state_caller_token_unexpected",
        8032,
        Domain::State,
        "A caller's token was given for a state whose key is kept elsewhere.",
    ),
    code(
        "state_pin_unexpected",
        8033,
        Domain::State,
        "A PIN was given for a state whose key is not on a PKCS#11 token.",
    ),
    // 8100-8149: PKCS#11 tokens.
    code(
        "pkcs11_module_missing",
        8101,
        Domain::Token,
        "The PKCS#11 module cannot be loaded.",
    ),
    code(
        "pkcs11_token_missing",
        8102,
        Domain::Token,
        "No token matches the PKCS#11 URI.",
    ),
    code(
        "pkcs11_pin_incorrect",
        8103,
        Domain::Token,
        "The token refused the PIN.",
    ),
    code(
        "pkcs11_pin_locked",
        8104,
        Domain::Token,
        "The token's user PIN is locked.",
    ),
    code(
        "pkcs11_key_missing",
        8105,
        Domain::Token,
        "No private key (or no public key for it) matches the PKCS#11 URI.",
    ),
    code(
        "pkcs11_mechanism_unsupported",
        8106,
        Domain::Token,
        "The token does not support the signature mechanism.",
    ),
    code(
        "pkcs11_uri_invalid",
        8107,
        Domain::InvalidRequest,
        "The PKCS#11 URI is not valid (RFC 7512) or names no private key.",
    ),
    code(
        "pkcs11_pin_missing",
        8108,
        Domain::Token,
        "No PIN: give pin-source or pin-value in the URI, or SIGNET_PKCS11_PIN.",
    ),
    code(
        "pkcs11_key_ambiguous",
        8109,
        Domain::Token,
        "Several private keys match the PKCS#11 URI.",
    ),
    code(
        "pkcs11_key_exists",
        8110,
        Domain::Token,
        "A key with this label or id is already on the token.",
    ),
    code(
        "pkcs11_device_error",
        8111,
        Domain::Token,
        "The PKCS#11 module or token failed.",
    ),
    code(
        "state_production_user",
        8112,
        Domain::State,
        "A production state acts as the OS user only.",
    ),
    code(
        "state_production_clock",
        8113,
        Domain::State,
        "A production state uses the system clock only.",
    ),
    code(
        "cert_key_mismatch",
        8114,
        Domain::KeyPolicy,
        "The certificate is not for the state's key.",
    ),
    // 8200-8229: the PKCS#11 module.
    code(
        "pkcs11_module_config",
        8200,
        Domain::State,
        "The PKCS#11 module has no usable configuration: SIGNET_STATE or SIGNET_PKCS11_CONFIG is missing or wrong, or the state's certificate cannot be served.",
    ),
    code(
        "pkcs11_module_mechanism",
        8201,
        Domain::InvalidRequest,
        "The PKCS#11 mechanism, its parameters or its input do not fit the state's one signature algorithm.",
    ),
    // 8150-8169: RFC 3161 timestamps.
    code(
        "tsp_malformed",
        8150,
        Domain::Verification,
        "The timestamp response or token is not DER of its RFC 3161 structure.",
    ),
    code(
        "tsp_rejected",
        8151,
        Domain::Verification,
        "The TSA did not grant the timestamp (status other than granted or grantedWithMods).",
    ),
    code(
        "tsp_no_token",
        8152,
        Domain::Verification,
        "The TSA granted the timestamp but sent no token.",
    ),
    code(
        "tsp_imprint_mismatch",
        8153,
        Domain::Verification,
        "The timestamp token's message imprint is not the hash of the signature value.",
    ),
    code(
        "tsp_nonce_mismatch",
        8154,
        Domain::Verification,
        "The timestamp token's nonce is not the one sent.",
    ),
    code(
        "tsp_unsupported_algorithm",
        8155,
        Domain::Verification,
        "The timestamp token uses a hash or signature algorithm Signet does not verify.",
    ),
    code(
        "tsp_signer_certificate_missing",
        8156,
        Domain::Verification,
        "The TSA's certificate is not in the timestamp token.",
    ),
    code(
        "tsp_certificate_not_for_timestamping",
        8157,
        Domain::Verification,
        "The TSA's certificate lacks a critical extendedKeyUsage of timeStamping only.",
    ),
    code(
        "tsp_message_digest_mismatch",
        8158,
        Domain::Verification,
        "The timestamp token's signed messageDigest or contentType does not match its TSTInfo.",
    ),
    code(
        "tsp_signature_invalid",
        8159,
        Domain::Verification,
        "The timestamp token's signature does not verify with the TSA's certificate.",
    ),
    code(
        "tsp_encoding",
        8160,
        Domain::Verification,
        "Encoding the timestamp request failed.",
    ),
    code(
        "timestamp_failed",
        8161,
        Domain::Sign,
        "No timestamp authority gave a usable timestamp: the signature was counted but not written.",
    ),
    code(
        "timestamp_url_invalid",
        8162,
        Domain::InvalidRequest,
        "A timestamp authority URL is not an http:// URL.",
    ),
    // 8170-8199: the PostgreSQL store.
    code(
        "store_unavailable",
        8170,
        Domain::State,
        "The shared store (PostgreSQL) cannot be reached or a transaction failed; nothing is signed.",
    ),
    code(
        "store_conflict",
        8171,
        Domain::State,
        "Another host changed the same record at the same time; nothing was changed, retry.",
    ),
    code(
        "store_schema_unsupported",
        8172,
        Domain::State,
        "The database schema is newer than this Signet, or damaged.",
    ),
    code(
        "store_url_invalid",
        8173,
        Domain::InvalidRequest,
        "The store URL or connection settings do not parse.",
    ),
    code(
        "store_user_not_role",
        8174,
        Domain::State,
        "On a shared store the acting user is the database role only.",
    ),
    code(
        "store_clock_fixed",
        8175,
        Domain::State,
        "A shared store uses the real clock only (no fixed time).",
    ),
    code(
        "store_reservation_unknown",
        8176,
        Domain::Budget,
        "There is no open reservation with this id.",
    ),
    code(
        "store_permission_denied",
        8177,
        Domain::State,
        "The database role may not do this.",
    ),
    code(
        "ffi_null_pointer",
        9001,
        Domain::Usage,
        "A required pointer argument is NULL.",
    ),
    code(
        "ffi_invalid_utf8",
        9002,
        Domain::Usage,
        "A text argument is not UTF-8.",
    ),
    code(
        "ffi_panic",
        9003,
        Domain::Usage,
        "Internal error: a panic was caught at the C boundary.",
    ),
    code(
        "ffi_buffer_too_small",
        9004,
        Domain::Usage,
        "The caller's output buffer is too small.",
    ),
    code(
        "ffi_invalid_argument",
        9005,
        Domain::Usage,
        "An argument is out of range (enum value, length, kind of handle).",
    ),
    code(
        "ffi_index_out_of_range",
        9006,
        Domain::Usage,
        "The index is past the end.",
    ),
    code(
        "ffi_unmapped_core_error",
        9007,
        Domain::Usage,
        "A core error code without a number (a bug: the table test prevents it).",
    ),
    // 9100-9119: misuse of the Python binding.
    code(
        "python_internal_error",
        9100,
        Domain::Usage,
        "Internal error in the Python binding (a lock poisoned by an earlier panic, a report that did not convert).",
    ),
    // 9120-9149: misuse of the JavaScript bindings.
    code(
        "state_closed",
        9120,
        Domain::Usage,
        "The State was closed; open the state again.",
    ),
    code(
        "state_busy",
        9121,
        Domain::Usage,
        "The State cannot be closed while an operation on it is in flight.",
    ),
    code(
        "task_reused",
        9122,
        Domain::Usage,
        "Internal error: an asynchronous task ran twice.",
    ),
    code(
        "js_panic",
        9123,
        Domain::Usage,
        "Internal error in the JavaScript bindings: a panic was caught, or a report could not be converted.",
    ),
    code(
        "native_error",
        9124,
        Domain::Usage,
        "The native addon raised an error without a code (a wrong argument given to it directly).",
    ),
];

/// The row of a code.
pub fn lookup(code: &str) -> Option<&'static Code> {
    TABLE.iter().find(|c| c.code == code)
}

/// The row with a C number.
pub fn by_number(number: u32) -> Option<&'static Code> {
    TABLE.iter().find(|c| c.number == number)
}

/// Every list, with the error type it belongs to.
pub const ERROR_CODE_LISTS: [(&str, &[&str]); 17] = [
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
    ("signet-pkcs11", &PKCS11_MODULE),
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
    fn the_table_covers_every_code_once_with_distinct_numbers() {
        for code in super::all() {
            assert!(super::lookup(code).is_some(), "{code} has no row in TABLE");
        }
        for (i, row) in super::TABLE.iter().enumerate() {
            assert!(row.number > 0 && !row.description.is_empty(), "{}", row.code);
            for other in &super::TABLE[i + 1..] {
                assert_ne!(row.code, other.code);
                assert_ne!(row.number, other.number, "{} and {}", row.code, other.code);
            }
            assert_eq!(super::by_number(row.number).map(|r| r.code), Some(row.code));
        }
        assert_eq!(
            super::lookup("sign_revoked").map(|r| r.domain),
            Some(super::Domain::Sign)
        );
        assert_eq!(
            super::lookup("budget_revoked").map(|r| r.domain),
            Some(super::Domain::Budget)
        );
    }

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
            GrantError::BeforeRequest { created_at: t, at: t },
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
        // Names that do not parse: not in a list (the C result enum is
        // built from the lists), but rows of the table for the bindings.
        for code in [
            crate::budget::UnknownRole.code(),
            crate::token::UnknownKeyType.code(),
            crate::token::UnknownAlgorithm.code(),
        ] {
            assert_eq!(
                super::lookup(code).map(|r| r.domain),
                Some(super::Domain::InvalidRequest),
                "{code}"
            );
        }
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
        // Verification errors: not in the list (the C result enum is built
        // from the lists), but rows of the table for the bindings.
        for e in [
            CmsError::Malformed,
            CmsError::NoSigner,
            CmsError::SignerCertificateMissing,
            CmsError::UnsupportedAlgorithm,
            CmsError::MissingMessageDigest,
            CmsError::ContentDigestMismatch,
        ] {
            assert_eq!(
                super::lookup(e.code()).map(|r| r.domain),
                Some(super::Domain::Verification),
                "{}",
                e.code()
            );
        }
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

    /// Codes that no list names (the `FromStr` errors, CMS verification)
    /// still have rows: every surface raises them.
    #[cfg(feature = "alloc")]
    #[test]
    fn unlisted_codes_have_rows() {
        use crate::cms::CmsError;
        let codes = [
            crate::budget::UnknownRole.code(),
            crate::token::UnknownKeyType.code(),
            crate::token::UnknownAlgorithm.code(),
            CmsError::Malformed.code(),
            CmsError::NoSigner.code(),
            CmsError::SignerCertificateMissing.code(),
            CmsError::UnsupportedAlgorithm.code(),
            CmsError::MissingMessageDigest.code(),
            CmsError::ContentDigestMismatch.code(),
        ];
        use crate::tsp::TspError;
        let tsp = [
            TspError::Malformed,
            TspError::Rejected {
                status: 2,
                text: None,
            },
            TspError::NoToken,
            TspError::ImprintMismatch,
            TspError::NonceMismatch,
            TspError::UnsupportedAlgorithm,
            TspError::SignerCertificateMissing,
            TspError::NotTimestampingCertificate,
            TspError::MessageDigestMismatch,
            TspError::SignatureInvalid,
            TspError::Encoding,
        ];
        // A timestamp error inside a CMS verification keeps its code.
        assert_eq!(CmsError::Timestamp(TspError::NoToken).code(), "tsp_no_token");
        let codes = codes.into_iter().chain(tsp.iter().map(|e| e.code()));
        for code in codes {
            let row = super::lookup(code).unwrap_or_else(|| panic!("{code} has no row in TABLE"));
            assert!(matches!(
                row.domain,
                super::Domain::InvalidRequest | super::Domain::Verification
            ));
        }
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
            CertError::InvalidSubject,
        ];
        check(&super::CERT, &cert.map(|e| e.code()));
        assert_eq!(CertError::Token(ErrorKind::Hardware).code(), "token_hardware");
    }
}

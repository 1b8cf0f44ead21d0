//! `signet_result`: the one table that numbers every result.
//!
//! Each row is `Name = number, "code", "description"`. The code is the core's
//! `ErrorCode::code()` string (or an `ffi_*` code for misuse of the C API), so
//! a C caller sees the same code strings as every other binding. Numbers are
//! grouped by domain and never reused; a retired row is commented out, not
//! deleted. The C `enum` in `include/signet.h` is generated from this table
//! (`header_support::result_enum_c`), not written by hand.

use core::ffi::{CStr, c_char};

macro_rules! results {
    ($( $name:ident = $num:literal, $code:literal, $msg:literal; )*) => {
        /// The result of every fallible call: `SIGNET_RESULT_OK` (0) or an
        /// error number from the table in `result.rs`. In C it is a
        /// `uint32_t`; the Rust side only ever *returns* it, and every
        /// function that takes a result number takes a plain `u32`.
        #[repr(u32)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(non_camel_case_types)]
        pub enum signet_result {
            $( #[doc = $msg] $name = $num, )*
        }

        impl signet_result {
            /// Every result, in table order.
            pub const ALL: &'static [signet_result] = &[$( signet_result::$name, )*];

            /// The stable code string (`"key_too_small"`, `"ffi_null_pointer"`).
            pub const fn code(self) -> &'static str {
                match self { $( signet_result::$name => $code, )* }
            }

            /// The code as a NUL-terminated static string.
            pub const fn code_c(self) -> &'static CStr {
                match self { $( signet_result::$name => {
                    // SAFETY: the literal is NUL-terminated by concat! and has no interior NUL
                    // (codes are snake_case ASCII; a unit test checks every code).
                    unsafe { CStr::from_bytes_with_nul_unchecked(concat!($code, "\0").as_bytes()) }
                } )* }
            }

            /// A short fixed description.
            pub const fn description(self) -> &'static str {
                match self { $( signet_result::$name => $msg, )* }
            }

            /// The variant name, for the header generator.
            pub const fn rust_name(self) -> &'static str {
                match self { $( signet_result::$name => stringify!($name), )* }
            }

            /// The result with number `n`, if there is one.
            pub const fn from_u32(n: u32) -> Option<signet_result> {
                match n { $( $num => Some(signet_result::$name), )* _ => None }
            }

            /// The result for a core error code.
            pub fn from_code(code: &str) -> Option<signet_result> {
                match code { $( $code => Some(signet_result::$name), )* _ => None }
            }
        }
    };
}

results! {
    Ok = 0, "ok", "Success.";

    // 1000s: order requests, JSON, responses, products, dates.
    JsonTooLarge = 1001, "json_too_large", "The JSON document is larger than the limit.";
    JsonInvalidUtf8 = 1002, "json_invalid_utf8", "The JSON document is not UTF-8.";
    JsonBom = 1003, "json_bom", "The JSON document starts with a byte order mark.";
    JsonSyntax = 1004, "json_syntax", "Not JSON.";
    JsonLoneSurrogate = 1005, "json_lone_surrogate", "A JSON escape encodes a lone surrogate.";
    JsonTooDeep = 1006, "json_too_deep", "The JSON document is nested too deep.";
    JsonDuplicateKey = 1007, "json_duplicate_key", "A key appears twice in one JSON object.";
    JsonNotObject = 1020, "json_not_object", "The JSON document is not an object.";
    ResponseMissingField = 1021, "response_missing_field", "A response field is missing.";
    ResponseWrongType = 1022, "response_wrong_type", "A response field has the wrong type.";
    ResponseUnknownStatus = 1023, "response_unknown_status", "A response has an unknown request status.";
    ResponseCertificateWithoutApproval = 1024, "response_certificate_without_approval", "A response has a certificate but no approved request.";
    ResponseApprovedWithoutCertificate = 1025, "response_approved_without_certificate", "A response has an approved request but no certificate.";
    UnknownProduct = 1040, "unknown_product", "Unknown product (expected code_signing or code_signing_ev).";
    DateFormat = 1050, "date_format", "The date is not in the expected format.";
    DateOutOfRange = 1051, "date_out_of_range", "The date does not exist in the calendar.";

    // 2000s: key, CSR and certificate policy.
    KeyMalformed = 2001, "key_malformed", "The public key is malformed.";
    CertificateMalformed = 2002, "certificate_malformed", "The certificate is malformed.";
    CsrMalformed = 2003, "csr_malformed", "The CSR is malformed.";
    PemInvalid = 2004, "pem_invalid", "The PEM encoding is invalid.";
    TrailingData = 2005, "trailing_data", "Data follows the DER structure.";
    NotACsr = 2006, "not_a_csr", "The input is not a CSR.";
    NotACertificate = 2007, "not_a_certificate", "The input is not a certificate.";
    UnsupportedKey = 2008, "unsupported_key", "The key algorithm is not supported.";
    KeyTooSmall = 2009, "key_too_small", "The key is smaller than the rule in force allows.";
    ExponentInvalid = 2010, "exponent_invalid", "The RSA exponent is invalid.";
    ExponentSmall = 2011, "exponent_small", "The RSA exponent is small (warning).";
    CurveNotAllowed = 2012, "curve_not_allowed", "The curve is not allowed.";
    KeySizeNotSupportedByDevice = 2013, "key_size_not_supported_by_device", "The device cannot hold a key of this size.";
    DeviceProfileUnknown = 2014, "device_profile_unknown", "No device profile: hardware storage cannot be checked (warning).";
    HashNotAllowed = 2015, "hash_not_allowed", "The hash algorithm is not allowed.";
    CsrSha1 = 2016, "csr_sha1", "The CSR is signed with SHA-1.";
    CsrSignatureInvalid = 2017, "csr_signature_invalid", "The CSR self-signature does not verify.";
    CsrSignatureUnverifiable = 2018, "csr_signature_unverifiable", "The CSR self-signature cannot be verified.";
    SignatureKeyMismatch = 2019, "signature_key_mismatch", "The signature algorithm does not fit the key.";
    CertificateNotYetValid = 2020, "certificate_not_yet_valid", "The certificate is not valid yet.";
    CertificateExpired = 2021, "certificate_expired", "The certificate has expired.";
    LegacyKeySize = 2022, "legacy_key_size", "The key size is below today's minimum but allowed for this certificate (warning).";
    KeyEverExtractable = 2023, "key_ever_extractable", "Under the hardware-key rule, the token key was imported or was once extractable or readable.";
    KeySoftware = 2024, "key_software", "Under the hardware-key rule, a software key signs only in a development state.";
    KeyProtectionUnknown = 2025, "key_protection_unknown", "Under the hardware-key rule, the token gives no evidence of how the key is kept.";
    UnknownDeviceProfile = 2050, "unknown_device_profile", "Unknown device profile name.";

    // 3000s: budgets and user ids.
    BudgetFingerprintMismatch = 3001, "budget_fingerprint_mismatch", "The budget belongs to another certificate.";
    BudgetRevoked = 3002, "budget_revoked", "The certificate is revoked.";
    BudgetNotYetValid = 3003, "budget_not_yet_valid", "The certificate is not valid yet.";
    BudgetExpired = 3004, "budget_expired", "The certificate has expired.";
    BudgetInvalidValidity = 3005, "budget_invalid_validity", "The validity ends before it begins.";
    BudgetPurchaseNotPermitted = 3006, "budget_purchase_not_permitted", "This role may not buy signatures.";
    BudgetSubaccountPurchase = 3007, "budget_subaccount_purchase", "Subaccounts cannot buy signatures.";
    BudgetZeroPurchase = 3008, "budget_zero_purchase", "A purchase must add at least one signature.";
    BudgetOverflow = 3009, "budget_overflow", "The signature total would overflow.";
    BudgetNotAssignedSigner = 3010, "budget_not_assigned_signer", "Only the assigned signer may sign.";
    BudgetNotKeylockerLead = 3011, "budget_not_keylocker_lead", "Only a KeyLocker lead may reassign the signer.";
    BudgetExhausted = 3012, "budget_exhausted", "All signatures are used.";
    UserIdEmpty = 3050, "user_id_empty", "The user id is empty.";
    UserIdTooLong = 3051, "user_id_too_long", "The user id is too long.";
    UserIdControlCharacter = 3052, "user_id_control_character", "The user id contains a control character.";

    // 4000s: signer policies, signing requests, grants.
    GrantNoApprovers = 4001, "grant_no_approvers", "An approval step names no approvers.";
    GrantTooManyApprovers = 4002, "grant_too_many_approvers", "An approval step names too many approvers.";
    GrantDuplicateApprover = 4003, "grant_duplicate_approver", "An approval step names an approver twice.";
    GrantThresholdOutOfRange = 4004, "grant_threshold_out_of_range", "A step threshold is 0 or above its approvers.";
    GrantNoLimit = 4005, "grant_no_limit", "A policy needs a window or a signing-count limit.";
    GrantZeroLimit = 4006, "grant_zero_limit", "A limit of zero.";
    GrantZeroTtl = 4007, "grant_zero_ttl", "A request TTL of zero.";
    GrantNoApprovalSteps = 4008, "grant_no_approval_steps", "A policy with no approval step.";
    GrantTooManySteps = 4009, "grant_too_many_steps", "Too many approval steps.";
    GrantInvalidWindow = 4010, "grant_invalid_window", "valid_until is not after valid_from.";
    GrantWindowTooLong = 4011, "grant_window_too_long", "The window is longer than the policy allows.";
    GrantZeroOperations = 4012, "grant_zero_operations", "Zero sign operations asked for.";
    GrantOperationsAboveCeiling = 4013, "grant_operations_above_ceiling", "More sign operations than the policy allows.";
    GrantTextTooLong = 4014, "grant_text_too_long", "Justification or comment too long.";
    GrantRequestNotOpen = 4015, "grant_request_not_open", "The request is no longer open.";
    GrantOwnRequest = 4016, "grant_own_request", "Requesters cannot approve or reject their own request.";
    GrantNotEligible = 4017, "grant_not_eligible", "Not an eligible approver of the current step.";
    GrantAlreadyApproved = 4018, "grant_already_approved", "Already approved this request.";
    GrantNotRequester = 4019, "grant_not_requester", "Only the requester may cancel.";
    GrantNotGrantee = 4020, "grant_not_grantee", "Only the grantee may use the grant.";
    GrantWrongSigner = 4021, "grant_wrong_signer", "The grant is for another signer.";
    GrantNotActive = 4022, "grant_not_active", "The grant cannot be used now.";
    GrantForeignReservation = 4023, "grant_foreign_reservation", "The reservation belongs to another grant or is not pending.";
    GrantBeforeRequest = 4024, "grant_before_request", "An approval, rejection or cancellation dated before the request was opened.";

    // 5000s: counter stores.
    CounterExhausted = 5001, "counter_exhausted", "The counter limit is reached.";
    CounterForeignReservation = 5002, "counter_foreign_reservation", "The reservation was issued by another store.";
    CounterUnknownReservation = 5003, "counter_unknown_reservation", "The reservation is not outstanding in this store.";
    CounterTooManyOutstanding = 5004, "counter_too_many_outstanding", "Too many reservations outstanding.";
    CounterOverflow = 5005, "counter_overflow", "Counter overflow.";
    CounterStorage = 5006, "counter_storage", "The storage medium failed; the store is poisoned.";
    CounterCorrupt = 5007, "counter_corrupt", "The storage holds no usable counter state.";
    CounterLocked = 5008, "counter_locked", "Another process holds the ledger.";
    CounterPoisoned = 5009, "counter_poisoned", "The store failed earlier and must be reopened.";
    CounterInvalidGeometry = 5010, "counter_invalid_geometry", "The flash region cannot hold the counter log.";
    CounterZeroBlockSize = 5011, "counter_zero_block_size", "A reservation block size of zero.";

    // 6000s: tokens (6000s), verification (6100s), certificates (6200s), CMS (6300s).
    TokenNotPermitted = 6001, "token_not_permitted", "The key's attributes do not permit this operation.";
    TokenInvalidHandle = 6002, "token_invalid_handle", "No key with this handle.";
    TokenBufferTooSmall = 6003, "token_buffer_too_small", "The token's output buffer is too small.";
    TokenInvalidDigest = 6004, "token_invalid_digest", "The digest length does not match the algorithm's hash.";
    TokenNotSupported = 6005, "token_not_supported", "Key type or algorithm not supported by this token.";
    TokenInvalidKey = 6006, "token_invalid_key", "Malformed or unsupported key material.";
    TokenInsufficientStorage = 6007, "token_insufficient_storage", "No free key slot.";
    TokenRngFailure = 6008, "token_rng_failure", "Random number generator failure.";
    TokenHardware = 6009, "token_hardware", "Token hardware failure.";
    TokenOther = 6010, "token_other", "Token failure.";
    VerifyDigestLength = 6101, "verify_digest_length", "The digest length does not match the algorithm.";
    VerifyMalformedPublicKey = 6102, "verify_malformed_public_key", "The public key is malformed.";
    VerifyKeyAlgorithmMismatch = 6103, "verify_key_algorithm_mismatch", "The algorithm does not fit the key.";
    VerifyUnsupportedKey = 6104, "verify_unsupported_key", "The key type is not supported.";
    VerifyAlgorithmNotCompiled = 6105, "verify_algorithm_not_compiled", "The algorithm is not compiled in.";
    VerifyMalformedSignature = 6106, "verify_malformed_signature", "The signature is malformed.";
    VerifyBadSignature = 6107, "verify_bad_signature", "The signature does not verify.";
    VerifyBufferTooSmall = 6108, "verify_buffer_too_small", "The verifier's buffer is too small.";
    CertInvalidSerial = 6201, "cert_invalid_serial", "Invalid certificate serial.";
    CertInvalidValidity = 6202, "cert_invalid_validity", "Invalid certificate validity.";
    CertSignatureInvalid = 6203, "cert_signature_invalid", "The certificate signature does not verify.";
    CertEncoding = 6204, "cert_encoding", "Certificate encoding failed.";
    CertInvalidSubject = 6205, "cert_invalid_subject", "The subject is not an RFC 4514 distinguished name.";
    CmsMalformedCertificate = 6301, "cms_malformed_certificate", "The CMS signing certificate is malformed.";
    CmsDigestLength = 6302, "cms_digest_length", "The CMS digest length is wrong.";
    CmsKeyAlgorithmMismatch = 6303, "cms_key_algorithm_mismatch", "The algorithm does not fit the certificate key.";
    CmsSigningTimeOutOfRange = 6304, "cms_signing_time_out_of_range", "The signing time cannot be encoded.";
    CmsSignatureInvalid = 6305, "cms_signature_invalid", "The CMS signature does not verify.";
    CmsEncoding = 6306, "cms_encoding", "CMS encoding failed.";

    // 7000s: the enforced sign primitive.
    SignKeyMismatch = 7001, "sign_key_mismatch", "The token key is not the certificate's key.";
    SignKeyPolicy = 7002, "sign_key_policy", "The key policy refuses the certificate's key.";
    SignBudgetMismatch = 7003, "sign_budget_mismatch", "The budget belongs to another certificate.";
    SignCertificateNotYetValid = 7004, "sign_certificate_not_yet_valid", "The certificate is not valid yet.";
    SignCertificateExpired = 7005, "sign_certificate_expired", "The certificate has expired.";
    SignRevoked = 7006, "sign_revoked", "The certificate is revoked.";
    SignNotAssignedSigner = 7007, "sign_not_assigned_signer", "Only the assigned signer may sign.";
    SignGrantRequired = 7008, "sign_grant_required", "The signer's policy requires a grant.";
    SignGrantMismatch = 7009, "sign_grant_mismatch", "The grant is not the acting user's grant for this signer.";
    SignGrantInactive = 7010, "sign_grant_inactive", "The grant cannot be used now.";
    SignGrantExhausted = 7011, "sign_grant_exhausted", "The grant's sign operations are used up.";
    SignBudgetExhausted = 7012, "sign_budget_exhausted", "The budget has no signature left.";
    SignToken = 7013, "sign_token", "The token refused or failed; nothing was consumed.";
    SignVerifyFailed = 7014, "sign_verify_failed", "The token's signature did not verify; it was not released and counts as used.";
    SignCounter = 7015, "sign_counter", "The counter store failed.";
    SignCms = 7016, "sign_cms", "Building the CMS structure failed.";

    // 8000s: the host layer (state directory, inputs, stores).
    StateNotInitialised = 8001, "state_not_initialised", "There is no Signet state here; run `signet init`.";
    StateExists = 8002, "state_exists", "The state already has a signing key; pass force to replace it.";
    StateIncomplete = 8003, "state_incomplete", "Part of the state is missing (signer, key, certificate or budget record).";
    StateFormatUnsupported = 8004, "state_format_unsupported", "The state was written in a format this version does not read.";
    StateConfigInvalid = 8005, "state_config_invalid", "signet.toml is not a valid configuration.";
    StateRecordDamaged = 8006, "state_record_damaged", "A state record is unreadable, inconsistent or was edited outside Signet.";
    StateLedgerMissing = 8007, "state_ledger_missing", "A signature ledger is missing; usage cannot be known.";
    StateLedgerDamaged = 8008, "state_ledger_damaged", "A signature ledger is truncated or has no valid record.";
    StateLedgerRolledBack = 8009, "state_ledger_rolled_back", "A signature ledger is older than its record has seen (restored from a copy).";
    StateLedgerForeign = 8010, "state_ledger_foreign", "A signature ledger belongs to another budget or grant.";
    StatePermissions = 8011, "state_permissions", "The state directory or key file is writable (or the key readable) by other users.";
    StateIo = 8012, "state_io", "Reading or writing the state failed.";
    InputUnreadable = 8013, "input_unreadable", "An input file cannot be read.";
    InputTooLarge = 8014, "input_too_large", "An input is larger than its limit.";
    OutputUnwritable = 8015, "output_unwritable", "An output file cannot be written.";
    TimeInvalid = 8016, "time_invalid", "A time is not RFC 3339 or UNIX seconds.";
    UserUnknown = 8017, "user_unknown", "No acting user could be determined.";
    FingerprintInvalid = 8018, "fingerprint_invalid", "A certificate fingerprint is not 64 hex digits.";
    CertificateInvalid = 8019, "certificate_invalid", "A certificate is not PEM or DER X.509.";
    BudgetNotFound = 8020, "budget_not_found", "The certificate has no budget in this state.";
    BudgetExists = 8021, "budget_exists", "The certificate already has a budget.";
    BudgetValidityOutsideCertificate = 8022, "budget_validity_outside_certificate", "A budget's validity may narrow the certificate's, never widen it.";
    GrantUnknownRequest = 8023, "grant_unknown_request", "There is no signing request with that id.";
    GrantNoPolicy = 8024, "grant_no_policy", "The certificate has no signer policy.";
    GrantAmbiguous = 8025, "grant_ambiguous", "The user holds several active grants; name one.";
    GrantNotFound = 8026, "grant_not_found", "There is no grant with that id.";
    VerifyUnexpectedSigner = 8027, "verify_unexpected_signer", "The signature was made by another signer than the expected one.";
    VerifyUntrustedSigner = 8028, "verify_untrusted_signer", "The signer's certificate is not issued by any of the trust anchors.";

    // 8100-8149: PKCS#11 tokens.
    Pkcs11ModuleMissing = 8101, "pkcs11_module_missing", "The PKCS#11 module cannot be loaded.";
    Pkcs11TokenMissing = 8102, "pkcs11_token_missing", "No token matches the PKCS#11 URI.";
    Pkcs11PinIncorrect = 8103, "pkcs11_pin_incorrect", "The token refused the PIN.";
    Pkcs11PinLocked = 8104, "pkcs11_pin_locked", "The token's user PIN is locked.";
    Pkcs11KeyMissing = 8105, "pkcs11_key_missing", "No private key (or no public key for it) matches the PKCS#11 URI.";
    Pkcs11MechanismUnsupported = 8106, "pkcs11_mechanism_unsupported", "The token does not support the signature mechanism.";
    Pkcs11UriInvalid = 8107, "pkcs11_uri_invalid", "The PKCS#11 URI is not valid (RFC 7512) or names no private key.";
    Pkcs11PinMissing = 8108, "pkcs11_pin_missing", "No PIN: give pin-source or pin-value in the URI, or SIGNET_PKCS11_PIN.";
    Pkcs11KeyAmbiguous = 8109, "pkcs11_key_ambiguous", "Several private keys match the PKCS#11 URI.";
    Pkcs11KeyExists = 8110, "pkcs11_key_exists", "A key with this label or id is already on the token.";
    Pkcs11DeviceError = 8111, "pkcs11_device_error", "The PKCS#11 module or token failed.";
    StateProductionUser = 8112, "state_production_user", "A production state acts as the OS user only.";
    StateProductionClock = 8113, "state_production_clock", "A production state uses the system clock only.";
    CertKeyMismatch = 8114, "cert_key_mismatch", "The certificate is not for the state's key.";

    // 9000s: misuse of the C API.
    NullPointer = 9001, "ffi_null_pointer", "A required pointer argument is NULL.";
    InvalidUtf8 = 9002, "ffi_invalid_utf8", "A text argument is not UTF-8.";
    Panic = 9003, "ffi_panic", "Internal error: a panic was caught at the C boundary.";
    BufferTooSmall = 9004, "ffi_buffer_too_small", "The caller's output buffer is too small.";
    InvalidArgument = 9005, "ffi_invalid_argument", "An argument is out of range (enum value, length, kind of handle).";
    IndexOutOfRange = 9006, "ffi_index_out_of_range", "The index is past the end.";
    UnmappedCoreError = 9007, "ffi_unmapped_core_error", "A core error code without a number (a bug: the table test prevents it).";
}

/// The code string for a result number (static, NUL-terminated; the caller
/// must not free it), or NULL for a number that is not in the table.
#[unsafe(no_mangle)]
pub extern "C" fn signet_result_code_str(result: u32) -> *const c_char {
    match signet_result::from_u32(result) {
        Some(r) => r.code_c().as_ptr(),
        None => core::ptr::null(),
    }
}

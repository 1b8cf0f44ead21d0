//! Signet's codes as PKCS#11 return values (the table in the README).
//!
//! PKCS#11 2.40 (section 5.1) gives a refused signature few words:
//! `CKR_FUNCTION_REJECTED` ("the signature request is rejected by the
//! user") for a request the policy turns down because of *who* asks or *how
//! many* were made, and `CKR_KEY_FUNCTION_NOT_PERMITTED` ("the key's
//! attributes are not set to allow it") for a key that may not sign at all
//! now (key policy, revoked or outside its validity). The reason and
//! Signet's code go to the module's log, never into the return value.

use cryptoki_sys::*;

/// The return value for a Signet error code. `refusal`: the error is a
/// refusal (a check said no) rather than a failure.
pub fn ckr_for(code: &str, refusal: bool) -> CK_RV {
    match code {
        // How many: the budget or the grant is used up.
        "sign_budget_exhausted" | "budget_exhausted" | "counter_exhausted" | "sign_grant_exhausted" => {
            CKR_FUNCTION_REJECTED
        }
        // Who: not the assigned signer, no (usable) grant.
        "sign_not_assigned_signer"
        | "budget_not_assigned_signer"
        | "sign_grant_required"
        | "sign_grant_mismatch"
        | "sign_grant_inactive"
        | "grant_not_found"
        | "grant_ambiguous"
        | "grant_not_grantee"
        | "grant_not_active"
        | "grant_wrong_signer" => CKR_FUNCTION_REJECTED,
        // The key may not sign: policy, revoked, outside the certificate's
        // or budget's validity.
        "sign_key_policy"
        | "key_ever_extractable"
        | "key_software"
        | "sign_revoked"
        | "budget_revoked"
        | "sign_certificate_expired"
        | "sign_certificate_not_yet_valid"
        | "budget_expired"
        | "budget_not_yet_valid"
        | "sign_budget_mismatch"
        | "sign_key_mismatch" => CKR_KEY_FUNCTION_NOT_PERMITTED,
        // A wrapped hardware token's answers.
        "pkcs11_pin_incorrect" => CKR_PIN_INCORRECT,
        "pkcs11_pin_locked" => CKR_PIN_LOCKED,
        "pkcs11_pin_missing" => CKR_USER_NOT_LOGGED_IN,
        "pkcs11_token_missing" => CKR_TOKEN_NOT_PRESENT,
        // The mechanism does not fit the state's one algorithm.
        "pkcs11_module_mechanism" => CKR_MECHANISM_INVALID,
        // The token (or the state behind it) could not do it: the state's
        // ledgers, audit log, the signing key, a signature that failed its
        // check before release.
        c if c.starts_with("state_")
            || c.starts_with("audit_")
            || c.starts_with("pkcs11_")
            || c.starts_with("counter_")
            || c == "sign_token"
            || c == "sign_verify_failed"
            || c == "sign_counter" =>
        {
            CKR_DEVICE_ERROR
        }
        _ if refusal => CKR_FUNCTION_REJECTED,
        _ => CKR_FUNCTION_FAILED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the table names exists in core's table (a typo would
    /// silently fall through to the default).
    #[test]
    fn named_codes_exist() {
        let text = include_str!("refusal.rs");
        let body = text.split("#[cfg(test)]").next().unwrap();
        let mut seen = 0;
        for part in body.split('"').skip(1).step_by(2) {
            if part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && part.contains('_')
            {
                if part.ends_with('_') {
                    continue; // a prefix
                }
                assert!(
                    signet_core::codes::lookup(part).is_some(),
                    "{part} is not a Signet code"
                );
                seen += 1;
            }
        }
        assert!(seen > 25, "only {seen} codes seen");
    }

    #[test]
    fn the_readme_table_matches() {
        let readme = include_str!("../README.md");
        let mut rows = 0;
        for line in readme.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (Some(codes), Some(ckr)) = (cells.get(1), cells.get(2)) else {
                continue;
            };
            let Some(ckr) = ckr.strip_prefix('`').and_then(|c| c.strip_suffix('`')) else {
                continue;
            };
            let want = match ckr {
                "CKR_FUNCTION_REJECTED" => CKR_FUNCTION_REJECTED,
                "CKR_KEY_FUNCTION_NOT_PERMITTED" => CKR_KEY_FUNCTION_NOT_PERMITTED,
                "CKR_PIN_INCORRECT" => CKR_PIN_INCORRECT,
                "CKR_PIN_LOCKED" => CKR_PIN_LOCKED,
                "CKR_USER_NOT_LOGGED_IN" => CKR_USER_NOT_LOGGED_IN,
                "CKR_TOKEN_NOT_PRESENT" => CKR_TOKEN_NOT_PRESENT,
                "CKR_MECHANISM_INVALID" => CKR_MECHANISM_INVALID,
                "CKR_DEVICE_ERROR" => CKR_DEVICE_ERROR,
                _ => continue,
            };
            // The codes are the cell's `quoted` words; `prefix_*` are families.
            for code in codes.split('`').skip(1).step_by(2) {
                if code.ends_with('*') {
                    continue;
                }
                assert_eq!(ckr_for(code, true), want, "{code}");
                rows += 1;
            }
        }
        assert!(rows > 20, "only {rows} codes in the README table");
    }
}

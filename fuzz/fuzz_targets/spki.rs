//! `SubjectPublicKeyInfo` parsing and the key-size policy, on arbitrary bytes
//! as DER and as PEM text.
//!
//! Invariants: never panics; the same bytes wrapped as `PUBLIC KEY` PEM read
//! exactly as the DER does; the PEM-or-DER entry point agrees with the DER one
//! on non-PEM input; a parsed key can be checked against every device profile
//! on any date (findings bounded by `MAX_FINDINGS`, allowed == no error).
#![no_main]

use der::pem::LineEnding;
use libfuzzer_sys::fuzz_target;
use signet_core::ErrorCode;
use signet_core::policy::{
    DeviceProfile, KeyInfo, MAX_FINDINGS, Severity, check_key, check_signing, key_info_from_spki_der,
    key_info_from_spki_pem_or_der,
};
use signet_core::time::{Date, UnixTime};

fuzz_target!(|data: &[u8]| {
    let der = key_info_from_spki_der(data);
    let either = key_info_from_spki_pem_or_der(data);
    if !looks_like_pem(data) {
        assert_eq!(der, either, "PEM-or-DER disagrees with DER on DER input");
    }
    // Non-empty: pem-rfc7468 refuses the empty body its own encoder writes for no bytes.
    if !data.is_empty() {
        let pem = der::pem::encode_string("PUBLIC KEY", LineEnding::LF, data).unwrap();
        assert_eq!(
            key_info_from_spki_pem_or_der(pem.as_bytes()),
            der,
            "PEM-wrapped DER reads differently"
        );
    }
    for result in [der, either] {
        match result {
            Ok(key) => check_policy(&key, data),
            Err(e) => {
                assert!(!e.code().is_empty());
                let _ = e.to_string();
            }
        }
    }
});

fn looks_like_pem(data: &[u8]) -> bool {
    let start = data
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(data.len());
    data[start..].starts_with(b"-----BEGIN ")
}

fn check_policy(key: &KeyInfo, data: &[u8]) {
    // Dates on both sides of the 2021-05-28 and 2023-05-16 rule changes.
    let pick = data.last().copied().unwrap_or(0);
    let at = Date::from_ymd(2020, 1, 1)
        .unwrap()
        .add_days(i64::from(pick) * 10)
        .unwrap();
    let profiles = DeviceProfile::ALL.map(Some);
    for profile in profiles.iter().copied().chain([None]) {
        let outcome = check_key(key, profile, at);
        assert!(outcome.findings().len() <= MAX_FINDINGS);
        assert_eq!(outcome.is_allowed(), outcome.errors().next().is_none());
        assert_eq!(
            outcome.errors().count() + outcome.warnings().count(),
            outcome.findings().len()
        );
        for f in outcome.findings() {
            assert!(!f.code().is_empty());
            assert_eq!(f.severity() == Severity::Error, outcome.errors().any(|e| e == f));
        }
    }
    let issued = at.start();
    let outcome = check_signing(
        key,
        issued,
        UnixTime(issued.0 + 86_400 * 365),
        UnixTime(issued.0 + 86_400),
    );
    assert!(outcome.findings().len() <= MAX_FINDINGS);
}

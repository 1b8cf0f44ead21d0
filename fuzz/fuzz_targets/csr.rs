//! CSR parsing, self-signature verification and the CSR policy check, on
//! arbitrary bytes as DER and as PEM text.
//!
//! Invariants: never panics; the same bytes wrapped as `CERTIFICATE REQUEST`
//! PEM parse exactly as the DER does; a parsed CSR re-parses from its own DER
//! to the same value; its key info equals the key info of its SPKI; a
//! verified signature has the algorithm `signature_algorithm` reports;
//! `check_csr` reports a parse error as its only finding and otherwise puts
//! the signature finding (if any) before the key findings.
#![no_main]

use der::pem::LineEnding;
use libfuzzer_sys::fuzz_target;
use signet_core::ErrorCode;
use signet_core::policy::{DeviceProfile, check_csr, key_info_from_spki_der, parse_csr};
use signet_core::time::Date;

fuzz_target!(|data: &[u8]| {
    let parsed = parse_csr(data);
    // Non-empty: pem-rfc7468 refuses the empty body its own encoder writes for no bytes.
    if !data.is_empty() && !looks_like_pem(data) {
        let pem = der::pem::encode_string("CERTIFICATE REQUEST", LineEnding::LF, data).unwrap();
        assert_eq!(
            parse_csr(pem.as_bytes()),
            parsed,
            "PEM-wrapped DER parses differently"
        );
    }
    let profile = data
        .last()
        .and_then(|&b| DeviceProfile::ALL.get(usize::from(b) % 6).copied());
    let at = Date::from_ymd(2025, 6, 1).unwrap();
    let findings = check_csr(data, profile, at);
    match &parsed {
        Err(e) => {
            assert!(!e.code().is_empty());
            assert_eq!(findings.len(), 1);
            assert_eq!(findings[0].path, "");
            assert_eq!(findings[0].error, *e);
        }
        Ok(csr) => {
            assert_eq!(
                parse_csr(csr.der()).as_ref(),
                Ok(csr),
                "re-parsing the CSR's DER differs"
            );
            assert_eq!(key_info_from_spki_der(csr.spki_der()), Ok(csr.key_info()));
            let verified = csr.verify_signature();
            if let Ok(alg) = verified {
                assert_eq!(csr.signature_algorithm(), Ok(alg));
            }
            let signature_first = findings.first().is_some_and(|f| f.path == "signature");
            assert_eq!(signature_first, verified.is_err());
            let rest = if signature_first {
                &findings[1..]
            } else {
                &findings[..]
            };
            assert!(rest.iter().all(|f| f.path == "key"), "{findings:?}");
            for f in &findings {
                assert_eq!(f.code, f.error.code());
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

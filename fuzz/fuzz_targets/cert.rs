//! Certificate parsing (the heap-free `CertificateRef`) and the signing-time
//! check, on arbitrary bytes as DER and as PEM text.
//!
//! Invariants: never panics; the same bytes wrapped as `CERTIFICATE` PEM read
//! exactly as the DER does; a parsed certificate's parts are slices of the
//! input in order (TBS inside the certificate, SPKI inside the TBS), its key
//! info equals the key info of its SPKI, its fingerprint matches itself and
//! no other; `check_certificate` agrees with `CertificateRef::check_signing`.
#![no_main]

use der::pem::LineEnding;
use libfuzzer_sys::fuzz_target;
use signet_core::ErrorCode;
use signet_core::policy::{
    CertificateRef, MAX_FINDINGS, certificate_der_from_pem_or_der, check_certificate, key_info_from_spki_der,
};
use signet_core::time::UnixTime;

fuzz_target!(|data: &[u8]| {
    let der = CertificateRef::from_der(data);
    // Non-empty: pem-rfc7468 refuses the empty body its own encoder writes for no bytes.
    if !data.is_empty() && !looks_like_pem(data) {
        assert_eq!(certificate_der_from_pem_or_der(data).as_deref(), Ok(data));
        let pem = der::pem::encode_string("CERTIFICATE", LineEnding::LF, data).unwrap();
        let decoded = certificate_der_from_pem_or_der(pem.as_bytes()).unwrap();
        assert_eq!(decoded, data, "PEM round trip changed the bytes");
        assert_eq!(
            check_certificate(pem.as_bytes(), UnixTime(1_750_000_000)),
            check_certificate(data, UnixTime(1_750_000_000)),
            "PEM-wrapped DER checks differently"
        );
    }
    match der {
        Ok(cert) => check_cert(&cert, data),
        Err(e) => assert!(!e.code().is_empty()),
    }
    if let Ok(bytes) = certificate_der_from_pem_or_der(data)
        && let Ok(cert) = CertificateRef::from_der(&bytes)
    {
        check_cert(&cert, &bytes);
    }
});

fn check_cert(cert: &CertificateRef<'_>, input: &[u8]) {
    assert!(contains(input, cert.der()));
    assert!(contains(cert.der(), cert.tbs_der()));
    assert!(contains(cert.tbs_der(), cert.spki_der()));
    assert!(contains(cert.tbs_der(), cert.serial()));
    assert_eq!(key_info_from_spki_der(cert.spki_der()), Ok(cert.key_info()));
    let fp = cert.fingerprint_sha256();
    assert!(cert.fingerprint_matches(&fp));
    let mut other = fp;
    other[31] ^= 1;
    assert!(!cert.fingerprint_matches(&other));
    let (nb, na) = (cert.not_before(), cert.not_after());
    for at in [
        nb,
        na,
        UnixTime(nb.0.saturating_sub(1)),
        UnixTime(na.0.saturating_add(1)),
    ] {
        let outcome = cert.check_signing(at);
        assert!(outcome.findings().len() <= MAX_FINDINGS);
        let findings = check_certificate(cert.der(), at);
        let errors: Vec<_> = findings.iter().map(|f| f.error).collect();
        assert_eq!(
            errors,
            outcome.findings(),
            "check_certificate disagrees with check_signing"
        );
    }
}

/// Whether `part` is a sub-slice of `whole` (same memory, not just equal bytes).
fn contains(whole: &[u8], part: &[u8]) -> bool {
    let (w, p) = (whole.as_ptr_range(), part.as_ptr_range());
    w.start <= p.start && p.end <= w.end
}

fn looks_like_pem(data: &[u8]) -> bool {
    let start = data
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(data.len());
    data[start..].starts_with(b"-----BEGIN ")
}

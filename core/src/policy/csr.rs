//! PKCS#10 CSRs: parsing (PEM or DER) and self-signature verification, and
//! the owned-report entry points used by the order validator and the CLI.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode, Reader, SliceReader};
use x509_cert::request::CertReq;

use super::cert::{CertificateRef, certificate_der_from_pem_or_der, single_sequence};
use super::error::{HashAlgorithm, InputKind, PolicyError, Severity, Structure};
use super::key::{Curve, KeyInfo, key_info_from_spki_der};
use super::pem::{self, Label};
use super::rules::{DeviceProfile, check_key, profile_for_provisioning_method};
use crate::ErrorCode;
use crate::time::{Date, UnixTime};

const OID_MD5: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.2.5");
const OID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const OID_SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.4");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const OID_MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");

/// `*WithRSAEncryption` (PKCS#1 v1.5) signature OIDs and their hashes.
const RSA_PKCS1: [(&str, HashAlgorithm); 6] = [
    ("1.2.840.113549.1.1.4", HashAlgorithm::Md5),
    ("1.2.840.113549.1.1.5", HashAlgorithm::Sha1),
    ("1.2.840.113549.1.1.14", HashAlgorithm::Sha224),
    ("1.2.840.113549.1.1.11", HashAlgorithm::Sha256),
    ("1.2.840.113549.1.1.12", HashAlgorithm::Sha384),
    ("1.2.840.113549.1.1.13", HashAlgorithm::Sha512),
];
/// `ecdsa-with-*` signature OIDs and their hashes.
const ECDSA: [(&str, HashAlgorithm); 5] = [
    ("1.2.840.10045.4.1", HashAlgorithm::Sha1),
    ("1.2.840.10045.4.3.1", HashAlgorithm::Sha224),
    ("1.2.840.10045.4.3.2", HashAlgorithm::Sha256),
    ("1.2.840.10045.4.3.3", HashAlgorithm::Sha384),
    ("1.2.840.10045.4.3.4", HashAlgorithm::Sha512),
];

fn hash_from_oid(oid: &ObjectIdentifier) -> Option<HashAlgorithm> {
    [
        (OID_MD5, HashAlgorithm::Md5),
        (OID_SHA1, HashAlgorithm::Sha1),
        (OID_SHA224, HashAlgorithm::Sha224),
        (OID_SHA256, HashAlgorithm::Sha256),
        (OID_SHA384, HashAlgorithm::Sha384),
        (OID_SHA512, HashAlgorithm::Sha512),
    ]
    .into_iter()
    .find(|(known, _)| known == oid)
    .map(|(_, h)| h)
}

fn lookup(table: &[(&str, HashAlgorithm)], oid: &ObjectIdentifier) -> Option<HashAlgorithm> {
    table
        .iter()
        .find(|(text, _)| ObjectIdentifier::new(text).is_ok_and(|known| known == *oid))
        .map(|(_, h)| *h)
}

/// A CSR signature algorithm, as far as verification cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// RSA PKCS#1 v1.5 (`sha256WithRSAEncryption`, ...).
    RsaPkcs1v15 {
        /// Message hash.
        hash: HashAlgorithm,
    },
    /// RSASSA-PSS with its parameters (RFC 4055).
    RsaPss {
        /// Message hash.
        hash: HashAlgorithm,
        /// Hash inside MGF1.
        mgf1_hash: HashAlgorithm,
        /// Salt length in bytes.
        salt_len: u8,
    },
    /// ECDSA (`ecdsa-with-SHA256`, ...).
    Ecdsa {
        /// Message hash.
        hash: HashAlgorithm,
    },
    /// Anything else (Ed25519, unknown OIDs): cannot be verified here.
    Other {
        /// The algorithm OID.
        algorithm: ObjectIdentifier,
    },
}

impl SignatureAlgorithm {
    /// The message hash, when the algorithm has one.
    pub fn hash(&self) -> Option<HashAlgorithm> {
        match self {
            SignatureAlgorithm::RsaPkcs1v15 { hash }
            | SignatureAlgorithm::RsaPss { hash, .. }
            | SignatureAlgorithm::Ecdsa { hash } => Some(*hash),
            SignatureAlgorithm::Other { .. } => None,
        }
    }
}

/// A parsed (not yet verified) certification request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csr {
    der: Vec<u8>,
    info: Vec<u8>,
    spki: Vec<u8>,
    key: KeyInfo,
    algorithm: ObjectIdentifier,
    algorithm_params: Option<Vec<u8>>,
    signature: Vec<u8>,
}

fn malformed(e: der::Error) -> PolicyError {
    PolicyError::Malformed {
        what: Structure::Csr,
        reason: e.kind(),
    }
}

/// Parses a CSR from PEM (`CERTIFICATE REQUEST` or `NEW CERTIFICATE
/// REQUEST`) or DER.
///
/// # Errors
/// [`PolicyError::PemInvalid`] for broken PEM; [`PolicyError::NotACsr`] for
/// a certificate, other PEM, or bytes that are not a DER `SEQUENCE`;
/// [`PolicyError::TrailingData`] when bytes follow the CSR (in DER, or inside
/// the PEM body); [`PolicyError::Malformed`] for broken DER (truncation
/// included) or a broken public key.
pub fn parse_csr(input: &[u8]) -> Result<Csr, PolicyError> {
    let der = match pem::decode(input, Structure::Csr)? {
        None => input.to_vec(),
        Some((Label::Csr, der)) => der,
        Some((Label::Certificate, _)) => {
            return Err(PolicyError::NotACsr {
                found: InputKind::Certificate,
            });
        }
        Some((Label::PublicKey | Label::Other, _)) => {
            return Err(PolicyError::NotACsr {
                found: InputKind::OtherPem,
            });
        }
    };
    let tlv = single_sequence(&der, Structure::Csr).map_err(|e| {
        e.unwrap_or(PolicyError::NotACsr {
            found: InputKind::NotDer,
        })
    })?;
    let req = match CertReq::from_der(tlv) {
        Ok(req) => req,
        Err(e) if CertificateRef::from_der(tlv).is_ok() => {
            let _ = e;
            return Err(PolicyError::NotACsr {
                found: InputKind::Certificate,
            });
        }
        Err(e) => return Err(malformed(e)),
    };
    // The signed bytes exactly as received (not re-encoded).
    let mut outer = SliceReader::new(tlv).map_err(malformed)?;
    let info = outer
        .sequence(|r| {
            let info = r.tlv_bytes()?;
            let rest = r.remaining_len();
            r.read_slice(rest)?;
            Ok::<_, der::Error>(info)
        })
        .map_err(malformed)?;
    let spki = req.info.public_key.to_der().map_err(malformed)?;
    let key = key_info_from_spki_der(&spki)?;
    let algorithm_params = match &req.algorithm.parameters {
        Some(p) => Some(p.to_der().map_err(malformed)?),
        None => None,
    };
    let signature = req
        .signature
        .as_bytes()
        .ok_or(PolicyError::CsrSignatureInvalid)?
        .to_vec();
    Ok(Csr {
        der: tlv.to_vec(),
        info: info.to_vec(),
        spki,
        key,
        algorithm: req.algorithm.oid,
        algorithm_params,
        signature,
    })
}

impl Csr {
    /// The CSR, DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The `SubjectPublicKeyInfo`, DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// What the requested key is.
    pub fn key_info(&self) -> KeyInfo {
        self.key
    }

    /// The signature algorithm OID.
    pub fn signature_algorithm_oid(&self) -> ObjectIdentifier {
        self.algorithm
    }

    /// Classifies the signature algorithm, parsing RSA-PSS parameters.
    ///
    /// # Errors
    /// [`PolicyError::Malformed`] for broken PSS parameters;
    /// [`PolicyError::CsrSignatureUnverifiable`] for a PSS hash or mask
    /// generation function this policy does not know.
    pub fn signature_algorithm(&self) -> Result<SignatureAlgorithm, PolicyError> {
        self.signed().classify()
    }

    fn signed(&self) -> Signed<'_> {
        Signed {
            message: &self.info,
            spki: &self.spki,
            key: self.key,
            algorithm: self.algorithm,
            algorithm_params: self.algorithm_params.as_deref(),
            signature: &self.signature,
        }
    }

    /// Verifies the self-signature (proof of possession).
    ///
    /// Supported: RSA PKCS#1 v1.5 and RSA-PSS (MGF1 with the message hash),
    /// ECDSA on P-256 and P-384, each with SHA-256/384/512.
    ///
    /// # Errors
    /// [`PolicyError::CsrSha1`] for SHA-1 (checked before verifying);
    /// [`PolicyError::HashNotAllowed`] for MD5 or SHA-224;
    /// [`PolicyError::CsrSignatureUnverifiable`] for ECDSA on P-521 or
    /// secp256k1, Ed25519/Ed448, unknown algorithms, PSS whose MGF1 hash differs
    /// from its message hash, and RSA moduli outside 1024-16384 bits;
    /// [`PolicyError::SignatureKeyMismatch`] when algorithm and key disagree;
    /// [`PolicyError::CsrSignatureInvalid`] when the signature is wrong.
    pub fn verify_signature(&self) -> Result<SignatureAlgorithm, PolicyError> {
        self.signed().verify()
    }
}

/// A signature over `message` by the key `spki`, with the algorithm named
/// by an `AlgorithmIdentifier`: a CSR's self-signature, or a certificate's
/// signature by its issuer. One verification path for both.
struct Signed<'a> {
    message: &'a [u8],
    spki: &'a [u8],
    key: KeyInfo,
    algorithm: ObjectIdentifier,
    algorithm_params: Option<&'a [u8]>,
    signature: &'a [u8],
}

impl Signed<'_> {
    fn classify(&self) -> Result<SignatureAlgorithm, PolicyError> {
        let oid = self.algorithm;
        if let Some(hash) = lookup(&RSA_PKCS1, &oid) {
            return Ok(SignatureAlgorithm::RsaPkcs1v15 { hash });
        }
        if let Some(hash) = lookup(&ECDSA, &oid) {
            return Ok(SignatureAlgorithm::Ecdsa { hash });
        }
        if oid != super::key::OID_RSASSA_PSS {
            return Ok(SignatureAlgorithm::Other { algorithm: oid });
        }
        let unverifiable = PolicyError::CsrSignatureUnverifiable { algorithm: oid };
        // Absent parameters mean all defaults: SHA-1, MGF1-SHA-1, salt 20 (RFC 4055).
        let (hash_oid, mgf_oid, mgf_hash_oid, salt_len) = match &self.algorithm_params {
            Some(p) => {
                let params = pkcs1::RsaPssParams::<der::asn1::Any>::from_der(p).map_err(malformed)?;
                (
                    params.hash.oid,
                    params.mask_gen.oid,
                    params.mask_gen.parameters.as_ref().map(|p| p.oid),
                    params.salt_len,
                )
            }
            None => (OID_SHA1, OID_MGF1, Some(OID_SHA1), 20),
        };
        let hash = hash_from_oid(&hash_oid).ok_or(unverifiable)?;
        if mgf_oid != OID_MGF1 {
            return Err(unverifiable);
        }
        let mgf1_hash = mgf_hash_oid
            .as_ref()
            .and_then(hash_from_oid)
            .ok_or(unverifiable)?;
        Ok(SignatureAlgorithm::RsaPss {
            hash,
            mgf1_hash,
            salt_len,
        })
    }

    fn verify(&self) -> Result<SignatureAlgorithm, PolicyError> {
        let alg = self.classify()?;
        match alg.hash() {
            Some(HashAlgorithm::Sha1) => return Err(PolicyError::CsrSha1),
            Some(hash) if !hash.is_allowed() => return Err(PolicyError::HashNotAllowed { hash }),
            _ => {}
        }
        let unverifiable = PolicyError::CsrSignatureUnverifiable {
            algorithm: self.algorithm,
        };
        let mismatch = PolicyError::SignatureKeyMismatch {
            algorithm: self.algorithm,
        };
        // Verification itself is `crate::verify`'s, shared with the sign path.
        use crate::token::{self, EcdsaEncoding};
        use crate::verify::{VerifyError, verify_digest_with_pss_salt};
        let to_token_hash = |hash: HashAlgorithm| match hash {
            HashAlgorithm::Sha256 => Some(token::HashAlgorithm::Sha256),
            HashAlgorithm::Sha384 => Some(token::HashAlgorithm::Sha384),
            HashAlgorithm::Sha512 => Some(token::HashAlgorithm::Sha512),
            HashAlgorithm::Md5 | HashAlgorithm::Sha1 | HashAlgorithm::Sha224 => None,
        };
        let (verify_alg, salt) = match (alg, self.key) {
            (SignatureAlgorithm::Other { .. }, _) => return Err(unverifiable),
            (SignatureAlgorithm::RsaPkcs1v15 { hash }, KeyInfo::Rsa { .. }) => (
                token::SignatureAlgorithm::RsaPkcs1v15(to_token_hash(hash).ok_or(unverifiable)?),
                None,
            ),
            (
                SignatureAlgorithm::RsaPss {
                    hash,
                    mgf1_hash,
                    salt_len,
                },
                KeyInfo::Rsa { .. },
            ) => {
                // The `rsa` crate uses the message hash inside MGF1 too.
                if mgf1_hash != hash {
                    return Err(unverifiable);
                }
                (
                    token::SignatureAlgorithm::RsaPss(to_token_hash(hash).ok_or(unverifiable)?),
                    Some(usize::from(salt_len)),
                )
            }
            (SignatureAlgorithm::Ecdsa { hash }, KeyInfo::Ec { curve }) => {
                if curve == Curve::P521 {
                    return Err(unverifiable);
                }
                (
                    token::SignatureAlgorithm::Ecdsa {
                        hash: to_token_hash(hash).ok_or(unverifiable)?,
                        encoding: EcdsaEncoding::Der,
                    },
                    None,
                )
            }
            (SignatureAlgorithm::Ecdsa { .. }, KeyInfo::Unsupported { algorithm, .. })
                if algorithm == super::key::OID_EC_PUBLIC_KEY =>
            {
                // ECDSA on a curve we cannot verify (secp256k1, explicit parameters).
                return Err(unverifiable);
            }
            _ => return Err(mismatch),
        };
        let digest = verify_alg.hash().digest(self.message);
        match verify_digest_with_pss_salt(self.spki, verify_alg, salt, digest.as_bytes(), self.signature) {
            Ok(()) => Ok(alg),
            Err(VerifyError::BadSignature | VerifyError::MalformedSignature) => {
                Err(PolicyError::CsrSignatureInvalid)
            }
            Err(VerifyError::KeyAlgorithmMismatch { .. }) => Err(mismatch),
            Err(VerifyError::MalformedPublicKey) => Err(PolicyError::Malformed {
                what: Structure::PublicKey,
                reason: der::ErrorKind::Value {
                    tag: der::Tag::BitString,
                },
            }),
            Err(_) => Err(unverifiable),
        }
    }
}

/// Verifies a certificate's signature with its issuer's public key
/// (`issuer_spki_der`, a DER `SubjectPublicKeyInfo`), over the certificate's
/// `tbsCertificate` exactly as encoded. Names, validity and extensions are
/// the caller's to judge. Same algorithms as [`Csr::verify_signature`].
///
/// # Errors
/// [`PolicyError::Malformed`] for a certificate or key that does not parse;
/// otherwise as [`Csr::verify_signature`] (`csr_signature_invalid` names
/// the shared "signature does not verify" outcome).
pub fn verify_certificate_signature(
    cert_der: &[u8],
    issuer_spki_der: &[u8],
) -> Result<SignatureAlgorithm, PolicyError> {
    let cert_ref = CertificateRef::from_der(cert_der)?;
    let cert = x509_cert::Certificate::from_der(cert_der).map_err(|e| PolicyError::Malformed {
        what: Structure::Certificate,
        reason: e.kind(),
    })?;
    let algorithm_params = match &cert.signature_algorithm().parameters {
        Some(p) => Some(p.to_der().map_err(malformed)?),
        None => None,
    };
    Signed {
        message: cert_ref.tbs_der(),
        spki: issuer_spki_der,
        key: key_info_from_spki_der(issuer_spki_der)?,
        algorithm: cert.signature_algorithm().oid,
        algorithm_params: algorithm_params.as_deref(),
        signature: cert
            .signature()
            .as_bytes()
            .ok_or(PolicyError::CsrSignatureInvalid)?,
    }
    .verify()
}

/// One finding with an owned message, ready for a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFinding {
    /// Error or warning.
    pub severity: Severity,
    /// Where, relative to the checked document: `""` for the document as a
    /// whole (parse errors), `"key"` for the public key, `"signature"` for the
    /// CSR self-signature, `"validity"` for a certificate's dates.
    pub path: &'static str,
    /// The stable code ([`ErrorCode::code`] of `error`).
    pub code: &'static str,
    /// A human message (no key material).
    pub message: String,
    /// The typed error.
    pub error: PolicyError,
}

impl PolicyFinding {
    /// Builds a finding from an error.
    pub fn new(path: &'static str, error: PolicyError) -> Self {
        PolicyFinding {
            severity: error.severity(),
            path,
            code: error.code(),
            message: error.to_string(),
            error,
        }
    }
}

fn key_path(e: &PolicyError) -> &'static str {
    match e {
        PolicyError::CertificateExpired { .. } | PolicyError::CertificateNotYetValid { .. } => "validity",
        _ => "key",
    }
}

/// Checks a CSR (PEM or DER): parses it, verifies its self-signature, and
/// checks its key with [`check_key`] for `profile` on `at`. A parse error is
/// the only finding; otherwise the signature finding (if any) comes first,
/// then the key findings.
pub fn check_csr(input: &[u8], profile: Option<DeviceProfile>, at: Date) -> Vec<PolicyFinding> {
    let csr = match parse_csr(input) {
        Ok(csr) => csr,
        Err(e) => return alloc::vec![PolicyFinding::new("", e)],
    };
    let mut findings = Vec::new();
    if let Err(e) = csr.verify_signature() {
        findings.push(PolicyFinding::new("signature", e));
    }
    let outcome = check_key(&csr.key_info(), profile, at);
    findings.extend(outcome.findings().iter().map(|e| PolicyFinding::new("key", *e)));
    findings
}

/// The order validator's entry point for `certificate.csr`: [`check_csr`]
/// with the device implied by `cs_provisioning_method`
/// ([`profile_for_provisioning_method`]). An absent or unknown method means
/// no profile (the order validator reports unknown methods itself).
pub fn check_order_csr(csr_text: &str, provisioning_method: Option<&str>, at: Date) -> Vec<PolicyFinding> {
    let profile = provisioning_method.and_then(profile_for_provisioning_method);
    check_csr(csr_text.as_bytes(), profile, at)
}

/// Checks a public key (`SubjectPublicKeyInfo`, PEM `PUBLIC KEY` or DER)
/// against the key rules on `at` for `device`: a parse error at `""`, key
/// findings at `"key"` (the same paths as [`check_csr`]).
pub fn check_spki(input: &[u8], device: Option<DeviceProfile>, at: Date) -> Vec<PolicyFinding> {
    match super::key::key_info_from_spki_pem_or_der(input) {
        Err(e) => alloc::vec![PolicyFinding::new("", e)],
        Ok(key) => check_key(&key, device, at)
            .findings()
            .iter()
            .map(|e| PolicyFinding::new("key", *e))
            .collect(),
    }
}

/// Checks a certificate (PEM or DER) for signing at `at`: its validity and
/// the signing-time key rule, with warnings (see [`super::check_signing`]).
pub fn check_certificate(input: &[u8], at: UnixTime) -> Vec<PolicyFinding> {
    let der = match certificate_der_from_pem_or_der(input) {
        Ok(der) => der,
        Err(e) => return alloc::vec![PolicyFinding::new("", e)],
    };
    match CertificateRef::from_der(&der) {
        Ok(cert) => cert
            .check_signing(at)
            .findings()
            .iter()
            .map(|e| PolicyFinding::new(key_path(e), *e))
            .collect(),
        // A DER CSR given as a certificate: say so rather than "malformed".
        Err(PolicyError::Malformed { .. }) if parse_csr(&der).is_ok() => alloc::vec![PolicyFinding::new(
            "",
            PolicyError::NotACertificate {
                found: InputKind::Csr
            }
        )],
        Err(e) => alloc::vec![PolicyFinding::new("", e)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSA3072_PEM: &str = include_str!("../../../tests/vectors/keys/rsa3072.csr.pem");
    const P256_PEM: &str = include_str!("../../../tests/vectors/keys/p256.csr.pem");
    const PSS_DER: &[u8] = include_bytes!("../../../tests/vectors/keys/rsa4096-pss-sha384.csr.der");
    const CERT_PEM: &[u8] = include_bytes!("../../../tests/vectors/keys/p256.cert.pem");

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    fn codes(f: &[PolicyFinding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code).collect()
    }

    #[test]
    fn spki_checks_report_at_key_or_document() {
        let p256 = include_bytes!("../../../tests/vectors/keys/p256.spki.pem");
        let rsa2048 = include_bytes!("../../../tests/vectors/keys/rsa2048.spki.der");
        assert!(check_spki(p256, Some(DeviceProfile::Hsm), d("2025-01-01")).is_empty());
        assert_eq!(
            codes(&check_spki(rsa2048, None, d("2021-05-28"))),
            ["key_too_small"]
        );
        // From 2023-05-16 a key with no device profile also warns (hardware required).
        let small = check_spki(rsa2048, None, d("2023-05-16"));
        assert_eq!(codes(&small), ["key_too_small", "device_profile_unknown"]);
        assert!(small.iter().all(|f| f.path == "key"));
        assert_eq!(
            codes(&check_spki(rsa2048, None, d("2021-05-27"))),
            Vec::<&str>::new()
        );
        let garbage = check_spki(b"not a key", None, d("2025-01-01"));
        assert_eq!(garbage.len(), 1);
        assert_eq!(garbage[0].path, "");
        // The shared report shape: severity, path and code carried over unchanged.
        let report = crate::order::Report::from_policy_findings(small);
        assert!(!report.is_valid());
        assert_eq!(report.findings()[0].path, "key");
        assert_eq!(report.findings()[1].severity, Severity::Warning);
    }

    #[test]
    fn order_csr_uses_the_provisioning_method() {
        let at = d("2025-06-01");
        assert!(check_order_csr(RSA3072_PEM, Some("email"), at).is_empty());
        assert!(check_order_csr(RSA3072_PEM, Some("keylocker"), at).is_empty());
        let shipped = check_order_csr(RSA3072_PEM, Some("ship_token"), at);
        assert_eq!(codes(&shipped), ["key_size_not_supported_by_device"]);
        assert_eq!(shipped[0].path, "key");
        assert_eq!(shipped[0].severity, Severity::Error);
        assert!(shipped[0].message.contains("eToken"));
        assert_eq!(
            codes(&check_order_csr(RSA3072_PEM, Some("client_app"), at)),
            ["key_size_not_supported_by_device"]
        );
        for method in [None, Some("unknown_method")] {
            let f = check_order_csr(RSA3072_PEM, method, at);
            assert_eq!(codes(&f), ["device_profile_unknown"]);
            assert_eq!(f[0].severity, Severity::Warning);
        }
        assert!(check_order_csr(RSA3072_PEM, None, d("2023-05-15")).is_empty());
        assert!(check_order_csr(P256_PEM, Some("ship_token"), at).is_empty());
        let garbage = check_order_csr("not a csr", Some("email"), at);
        assert_eq!(codes(&garbage), ["not_a_csr"]);
        assert_eq!(garbage[0].path, "");
        let broken_pem = "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n";
        assert_eq!(codes(&check_order_csr(broken_pem, None, at)), ["pem_invalid"]);
    }

    #[test]
    fn pss_parameters_are_parsed() {
        let csr = parse_csr(PSS_DER).unwrap();
        assert_eq!(
            csr.signature_algorithm(),
            Ok(SignatureAlgorithm::RsaPss {
                hash: HashAlgorithm::Sha384,
                mgf1_hash: HashAlgorithm::Sha384,
                salt_len: 48
            })
        );
        assert_eq!(csr.verify_signature(), csr.signature_algorithm());
        assert_eq!(csr.signature_algorithm_oid(), crate::policy::key::OID_RSASSA_PSS);
        assert!(csr.der().len() > csr.spki_der().len());
    }

    #[test]
    fn certificates_and_csrs_are_told_apart() {
        assert_eq!(
            parse_csr(CERT_PEM),
            Err(PolicyError::NotACsr {
                found: InputKind::Certificate
            })
        );
        assert_eq!(
            codes(&check_certificate(
                RSA3072_PEM.as_bytes(),
                d("2025-01-01").start()
            )),
            ["not_a_certificate"]
        );
        assert!(check_certificate(CERT_PEM, d("2025-01-01").start()).is_empty());
        let expired = check_certificate(CERT_PEM, d("2030-01-01").start());
        assert_eq!(codes(&expired), ["certificate_expired"]);
        assert_eq!(expired[0].path, "validity");
    }

    #[test]
    fn public_keys_are_checked_like_csrs() {
        let spki = include_bytes!("../../../tests/vectors/keys/rsa2048.spki.pem");
        assert!(check_spki(spki, None, d("2021-05-27")).is_empty());
        let small = check_spki(spki, Some(DeviceProfile::Hsm), d("2025-06-01"));
        assert_eq!(
            codes(&small),
            ["key_too_small", "key_size_not_supported_by_device"]
        );
        assert!(small.iter().all(|f| f.path == "key"));
        let garbage = check_spki(b"not a key", None, d("2025-06-01"));
        assert_eq!(codes(&garbage), ["key_malformed"]);
        assert_eq!(garbage[0].path, "");
    }

    #[test]
    fn hash_names() {
        for h in HashAlgorithm::ALLOWED {
            assert_eq!(HashAlgorithm::from_name(h.name()), Some(h));
            assert!(h.is_allowed());
        }
        assert!(!HashAlgorithm::Sha1.is_allowed());
        assert_eq!(HashAlgorithm::from_name("SHA256"), None);
    }

    #[test]
    fn spki_checks_key_rules_and_parse_errors() {
        const RSA2048_SPKI: &[u8] = include_bytes!("../../../tests/vectors/keys/rsa2048.spki.pem");
        assert!(check_spki(RSA2048_SPKI, None, d("2021-05-27")).is_empty());
        let small = check_spki(RSA2048_SPKI, None, d("2021-05-28"));
        assert_eq!(codes(&small), ["key_too_small"]);
        assert_eq!(small[0].path, "key");
        assert_eq!(small[0].severity, Severity::Error);
        assert_eq!(
            codes(&check_spki(
                RSA2048_SPKI,
                Some(DeviceProfile::Hsm),
                d("2021-05-27")
            )),
            ["key_size_not_supported_by_device"]
        );
        let garbage = check_spki(b"not a key", None, d("2025-01-01"));
        assert_eq!(garbage.len(), 1);
        assert_eq!(garbage[0].path, "");
        assert_eq!(garbage[0].severity, Severity::Error);
    }
}

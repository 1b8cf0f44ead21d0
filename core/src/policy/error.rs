//! The policy's one error enum: every violation and every parse failure.

use core::fmt;

use der::asn1::ObjectIdentifier;

use super::key::{Curve, KeyInfo, RsaExponent};
use super::rules::DeviceProfile;
use crate::time::{Date, UnixTime};
use crate::token::KeyEvidence;

pub use crate::Severity;

/// Which structure a parse error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Structure {
    /// A `SubjectPublicKeyInfo` or the key inside it.
    PublicKey,
    /// An X.509 certificate.
    Certificate,
    /// A PKCS#10 certification request.
    Csr,
}

impl Structure {
    const fn name(self) -> &'static str {
        match self {
            Structure::PublicKey => "public key",
            Structure::Certificate => "certificate",
            Structure::Csr => "CSR",
        }
    }
}

/// What an input turned out to be when it was not what was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// An X.509 certificate (DER, or PEM labelled `CERTIFICATE`).
    Certificate,
    /// A PKCS#10 CSR (PEM labelled `CERTIFICATE REQUEST`).
    Csr,
    /// PEM with some other label (a key, a PKCS#7 bundle, ...).
    OtherPem,
    /// Not PEM, and not a DER `SEQUENCE` either (random bytes, text).
    NotDer,
}

impl InputKind {
    const fn describe(self) -> &'static str {
        match self {
            InputKind::Certificate => "a certificate",
            InputKind::Csr => "a certificate signing request",
            InputKind::OtherPem => "PEM of another kind",
            InputKind::NotDer => "neither PEM nor DER",
        }
    }
}

/// A hash algorithm seen in a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// MD5: never allowed.
    Md5,
    /// SHA-1: never allowed for CSRs (its own code, [`PolicyError::CsrSha1`]).
    Sha1,
    /// SHA-224: not in the allowed list.
    Sha224,
    /// SHA-256: allowed.
    Sha256,
    /// SHA-384: allowed.
    Sha384,
    /// SHA-512: allowed.
    Sha512,
}

impl HashAlgorithm {
    /// The hashes the current order pages allow for `certificate.signature_hash`
    /// (the older page said sha256 only; the seeds README says the current pages win).
    pub const ALLOWED: [HashAlgorithm; 3] = [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ];

    /// The API's spelling: `md5`, `sha1`, `sha224`, `sha256`, `sha384`, `sha512`.
    pub const fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Md5 => "md5",
            HashAlgorithm::Sha1 => "sha1",
            HashAlgorithm::Sha224 => "sha224",
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
        }
    }

    /// Parses the API's spelling (exact, lower case, as the order pages list it).
    pub fn from_name(name: &str) -> Option<HashAlgorithm> {
        [
            HashAlgorithm::Md5,
            HashAlgorithm::Sha1,
            HashAlgorithm::Sha224,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ]
        .into_iter()
        .find(|h| h.name() == name)
    }

    /// Whether the policy allows this hash (sha256, sha384, sha512).
    pub fn is_allowed(self) -> bool {
        HashAlgorithm::ALLOWED.contains(&self)
    }
}

/// Every way a key, CSR or certificate can fail (or draw a warning from) the
/// key-size policy. Each variant has a stable code ([`crate::ErrorCode`]) and
/// a [`Severity`]; messages never contain key material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    // --- parsing -------------------------------------------------------------
    /// `*_malformed`: broken DER (truncated, bad lengths, wrong structure).
    /// Codes: `key_malformed`, `certificate_malformed`, `csr_malformed`.
    Malformed {
        /// What was being read.
        what: Structure,
        /// The DER decoder's reason.
        reason: der::ErrorKind,
    },
    /// `pem_invalid`: text that starts like PEM but does not decode.
    PemInvalid {
        /// What was being read.
        what: Structure,
    },
    /// `trailing_data`: bytes follow the complete DER structure.
    TrailingData {
        /// What was being read.
        what: Structure,
        /// Length of the structure itself.
        decoded_bytes: u32,
        /// Bytes after it.
        extra_bytes: u32,
    },
    /// `not_a_csr`: the input is something else (a certificate, random bytes).
    NotACsr {
        /// What it looks like instead.
        found: InputKind,
    },
    /// `not_a_certificate`: the input is something else (a CSR, random bytes).
    NotACertificate {
        /// What it looks like instead.
        found: InputKind,
    },
    // --- key rules -----------------------------------------------------------
    /// `unsupported_key`: Ed25519, Ed448, DSA, secp256k1, unknown algorithms.
    UnsupportedKey {
        /// The SPKI algorithm OID.
        algorithm: ObjectIdentifier,
        /// Its parameters when they are an OID (the curve of an EC key).
        parameters: Option<ObjectIdentifier>,
    },
    /// `key_too_small`: RSA modulus below the minimum in force.
    KeyTooSmall {
        /// The minimum in force at the date checked.
        min_bits: u32,
        /// The key's modulus size.
        actual_bits: u32,
    },
    /// `exponent_invalid`: RSA exponent even, below 3, or over 64 bits
    /// (CSBR 6.1.6 "MUST be an odd number equal to 3 or more").
    ExponentInvalid {
        /// The exponent.
        exponent: RsaExponent,
    },
    /// `exponent_small` (warning): odd exponent below 65537 (CSBR 6.1.6 "SHOULD").
    ExponentSmall {
        /// The exponent.
        exponent: u64,
    },
    /// `curve_not_allowed`: a curve the rules (or the device) do not allow.
    CurveNotAllowed {
        /// The key's curve.
        curve: Curve,
        /// The device profile that refused it, `None` for the general rule.
        profile: Option<DeviceProfile>,
    },
    /// `key_size_not_supported_by_device`: an RSA size the device cannot hold.
    KeySizeNotSupportedByDevice {
        /// The key's modulus size.
        modulus_bits: u32,
        /// The device profile.
        profile: DeviceProfile,
    },
    /// `device_profile_unknown` (warning): from the date hardware key storage
    /// became mandatory, a check without a device profile cannot confirm it.
    DeviceProfileUnknown {
        /// When hardware storage became mandatory.
        required_from: Date,
    },
    /// `hash_not_allowed`: a signature hash outside sha256/sha384/sha512 (SHA-1 has its own code).
    HashNotAllowed {
        /// The hash.
        hash: HashAlgorithm,
    },
    // --- CSR signature -------------------------------------------------------
    /// `csr_sha1`: the CSR is signed with SHA-1.
    CsrSha1,
    /// `csr_signature_invalid`: the self-signature does not verify.
    CsrSignatureInvalid,
    /// `csr_signature_unverifiable`: a signature this policy cannot check
    /// (ECDSA on P-521 or secp256k1, Ed25519, RSA-PSS with an MGF1 hash
    /// different from the message hash, unknown algorithms). Refused: without
    /// a verified self-signature there is no proof of possession.
    CsrSignatureUnverifiable {
        /// The signature algorithm OID.
        algorithm: ObjectIdentifier,
    },
    /// `signature_key_mismatch`: the signature algorithm does not fit the key
    /// (e.g. ECDSA with an RSA key).
    SignatureKeyMismatch {
        /// The signature algorithm OID.
        algorithm: ObjectIdentifier,
    },
    // --- signing time --------------------------------------------------------
    /// `certificate_not_yet_valid`: signing before `notBefore`.
    CertificateNotYetValid {
        /// The certificate's `notBefore`.
        not_before: UnixTime,
        /// The signing time checked.
        at: UnixTime,
    },
    /// `certificate_expired`: signing after `notAfter`.
    CertificateExpired {
        /// The certificate's `notAfter`.
        not_after: UnixTime,
        /// The signing time checked.
        at: UnixTime,
    },
    /// `legacy_key_size` (warning): an RSA key below today's minimum, usable
    /// only because its certificate was issued before the minimum rose.
    LegacyKeySize {
        /// The key's modulus size.
        modulus_bits: u32,
        /// The minimum for certificates issued today.
        current_min_bits: u32,
        /// The certificate's `notAfter`: the key is unusable after it.
        usable_until: UnixTime,
    },
    // --- key protection (signing time) ----------------------------------------
    /// `key_ever_extractable`: under the hardware-key rule, a token key that
    /// was not generated on the token and kept there (imported, or ever
    /// extractable or readable).
    KeyEverExtractable {
        /// What the token reports.
        evidence: KeyEvidence,
        /// When hardware storage became mandatory.
        required_from: Date,
    },
    /// `key_software`: under the hardware-key rule, a software key outside a
    /// development state.
    KeySoftware {
        /// When hardware storage became mandatory.
        required_from: Date,
    },
    /// `key_protection_unknown`: under the hardware-key rule, a token that
    /// gives no evidence of how the key is kept.
    KeyProtectionUnknown {
        /// When hardware storage became mandatory.
        required_from: Date,
    },
}

impl PolicyError {
    /// Errors refuse; warnings inform.
    pub const fn severity(&self) -> Severity {
        match self {
            PolicyError::ExponentSmall { .. }
            | PolicyError::DeviceProfileUnknown { .. }
            | PolicyError::LegacyKeySize { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Every code this enum can produce, for documentation and binding tests.
    pub const CODES: [&'static str; 25] = [
        "key_malformed",
        "certificate_malformed",
        "csr_malformed",
        "pem_invalid",
        "trailing_data",
        "not_a_csr",
        "not_a_certificate",
        "unsupported_key",
        "key_too_small",
        "exponent_invalid",
        "exponent_small",
        "curve_not_allowed",
        "key_size_not_supported_by_device",
        "device_profile_unknown",
        "hash_not_allowed",
        "csr_sha1",
        "csr_signature_invalid",
        "csr_signature_unverifiable",
        "signature_key_mismatch",
        "certificate_not_yet_valid",
        "certificate_expired",
        "legacy_key_size",
        "key_ever_extractable",
        "key_software",
        "key_protection_unknown",
    ];

    pub(crate) fn unsupported(key: &KeyInfo) -> Option<PolicyError> {
        match *key {
            KeyInfo::Unsupported {
                algorithm,
                parameters,
            } => Some(PolicyError::UnsupportedKey {
                algorithm,
                parameters,
            }),
            _ => None,
        }
    }
}

impl crate::ErrorCode for PolicyError {
    fn code(&self) -> &'static str {
        match self {
            PolicyError::Malformed { what, .. } => match what {
                Structure::PublicKey => "key_malformed",
                Structure::Certificate => "certificate_malformed",
                Structure::Csr => "csr_malformed",
            },
            PolicyError::PemInvalid { .. } => "pem_invalid",
            PolicyError::TrailingData { .. } => "trailing_data",
            PolicyError::NotACsr { .. } => "not_a_csr",
            PolicyError::NotACertificate { .. } => "not_a_certificate",
            PolicyError::UnsupportedKey { .. } => "unsupported_key",
            PolicyError::KeyTooSmall { .. } => "key_too_small",
            PolicyError::ExponentInvalid { .. } => "exponent_invalid",
            PolicyError::ExponentSmall { .. } => "exponent_small",
            PolicyError::CurveNotAllowed { .. } => "curve_not_allowed",
            PolicyError::KeySizeNotSupportedByDevice { .. } => "key_size_not_supported_by_device",
            PolicyError::DeviceProfileUnknown { .. } => "device_profile_unknown",
            PolicyError::HashNotAllowed { .. } => "hash_not_allowed",
            PolicyError::CsrSha1 => "csr_sha1",
            PolicyError::CsrSignatureInvalid => "csr_signature_invalid",
            PolicyError::CsrSignatureUnverifiable { .. } => "csr_signature_unverifiable",
            PolicyError::SignatureKeyMismatch { .. } => "signature_key_mismatch",
            PolicyError::CertificateNotYetValid { .. } => "certificate_not_yet_valid",
            PolicyError::CertificateExpired { .. } => "certificate_expired",
            PolicyError::LegacyKeySize { .. } => "legacy_key_size",
            PolicyError::KeyEverExtractable { .. } => "key_ever_extractable",
            PolicyError::KeySoftware { .. } => "key_software",
            PolicyError::KeyProtectionUnknown { .. } => "key_protection_unknown",
        }
    }
}

/// Writes a UNIX time as an RFC 3339 UTC date-time, or raw seconds when out of range.
pub(crate) struct DisplayTime(pub UnixTime);

impl fmt::Display for DisplayTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs();
        match self.0.date() {
            Ok(date) => {
                let s = secs.rem_euclid(crate::time::SECONDS_PER_DAY);
                write!(f, "{date}T{:02}:{:02}:{:02}Z", s / 3600, (s / 60) % 60, s % 60)
            }
            Err(_) => write!(f, "@{secs}"),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::Malformed { what, reason } => {
                write!(f, "the {} is malformed: {reason}", what.name())
            }
            PolicyError::PemInvalid { what } => {
                write!(f, "the {} is not valid PEM (RFC 7468)", what.name())
            }
            PolicyError::TrailingData {
                what,
                decoded_bytes,
                extra_bytes,
            } => write!(
                f,
                "{extra_bytes} byte(s) of trailing data follow the {decoded_bytes}-byte {}",
                what.name()
            ),
            PolicyError::NotACsr { found } => {
                write!(
                    f,
                    "expected a certificate signing request, found {}",
                    found.describe()
                )
            }
            PolicyError::NotACertificate { found } => {
                write!(f, "expected a certificate, found {}", found.describe())
            }
            PolicyError::UnsupportedKey {
                algorithm,
                parameters,
            } => write!(
                f,
                "unsupported {}: only RSA and ECC P-256/P-384 keys are accepted",
                KeyInfo::Unsupported {
                    algorithm: *algorithm,
                    parameters: *parameters
                }
            ),
            PolicyError::KeyTooSmall {
                min_bits,
                actual_bits,
            } => write!(
                f,
                "RSA key of {actual_bits} bits is below the {min_bits}-bit minimum"
            ),
            PolicyError::ExponentInvalid { exponent } => write!(
                f,
                "RSA public exponent {exponent} is invalid: it must be odd, at least 3 and fit in 64 bits"
            ),
            PolicyError::ExponentSmall { exponent } => write!(
                f,
                "RSA public exponent {exponent} is below 65537 (CSBR 6.1.6 recommends at least 2^16+1)"
            ),
            PolicyError::CurveNotAllowed { curve, profile } => match profile {
                Some(p) => write!(
                    f,
                    "curve {curve} is not supported by the {} profile",
                    p.description()
                ),
                None => write!(f, "curve {curve} is not allowed (allowed: P-256, P-384)"),
            },
            PolicyError::KeySizeNotSupportedByDevice {
                modulus_bits,
                profile,
            } => write!(
                f,
                "RSA-{modulus_bits} is not supported by the {} profile",
                profile.description()
            ),
            PolicyError::DeviceProfileUnknown { required_from } => write!(
                f,
                "keys must be stored on FIPS 140-2 Level 2 / Common Criteria EAL4+ hardware from \
                 {required_from}; no device profile given, so only the general key rules were checked"
            ),
            PolicyError::HashNotAllowed { hash } => write!(
                f,
                "signature hash {} is not allowed (allowed: sha256, sha384, sha512)",
                hash.name()
            ),
            PolicyError::CsrSha1 => f.write_str("the CSR is signed with SHA-1, which is not allowed"),
            PolicyError::CsrSignatureInvalid => f.write_str("the CSR's self-signature does not verify"),
            PolicyError::CsrSignatureUnverifiable { algorithm } => write!(
                f,
                "the CSR's self-signature (algorithm {algorithm}) cannot be verified by this policy"
            ),
            PolicyError::SignatureKeyMismatch { algorithm } => write!(
                f,
                "the signature algorithm {algorithm} does not match the public key's type"
            ),
            PolicyError::CertificateNotYetValid { not_before, at } => write!(
                f,
                "the certificate is not valid before {} (checked at {})",
                DisplayTime(*not_before),
                DisplayTime(*at)
            ),
            PolicyError::CertificateExpired { not_after, at } => write!(
                f,
                "the certificate expired at {} (checked at {})",
                DisplayTime(*not_after),
                DisplayTime(*at)
            ),
            PolicyError::LegacyKeySize {
                modulus_bits,
                current_min_bits,
                usable_until,
            } => write!(
                f,
                "RSA-{modulus_bits} is below the {current_min_bits}-bit minimum now in force; allowed only because \
                 the certificate was issued before the minimum rose, until it expires at {}",
                DisplayTime(*usable_until)
            ),
            PolicyError::KeyEverExtractable {
                evidence,
                required_from,
            } => {
                f.write_str("the key was not generated on the token and kept there (")?;
                let mut sep = "";
                for (bad, what) in [
                    (!evidence.local, "it was imported, CKA_LOCAL is false"),
                    (evidence.extractable, "it is extractable"),
                    (
                        !evidence.never_extractable && !evidence.extractable,
                        "it was extractable once, CKA_NEVER_EXTRACTABLE is false",
                    ),
                    (!evidence.sensitive, "it is not sensitive (readable)"),
                    (
                        !evidence.always_sensitive && evidence.sensitive,
                        "it was readable once, CKA_ALWAYS_SENSITIVE is false",
                    ),
                ] {
                    if bad {
                        write!(f, "{sep}{what}")?;
                        sep = "; ";
                    }
                }
                write!(
                    f,
                    "); code-signing keys must be generated and kept on hardware from {required_from}"
                )
            }
            PolicyError::KeySoftware { required_from } => write!(
                f,
                "the key is a software key; code-signing keys must be kept on hardware from {required_from}, \
                 so only a development state signs with it"
            ),
            PolicyError::KeyProtectionUnknown { required_from } => write!(
                f,
                "the token gives no evidence of how the key is kept; code-signing keys must be kept on \
                 hardware from {required_from}"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for PolicyError {}

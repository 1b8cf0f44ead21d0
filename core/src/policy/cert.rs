//! A heap-free view of an X.509 certificate for the sign path.
//!
//! `x509-cert`'s owned types need `alloc` (names are vectors), so this walks
//! the `TBSCertificate` with `der`'s borrowed reader instead and keeps only
//! slices into the caller's buffer.

use der::asn1::{AnyRef, BitStringRef, GeneralizedTime, IntRef, UtcTime};
use der::{Decode, Reader, SliceReader, Tag, TagNumber, Tagged};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use subtle::ConstantTimeEq;

use super::error::{InputKind, PolicyError, Structure};
use super::key::{KeyInfo, key_info_from_spki};
use super::rules::{PolicyOutcome, check_signing};
use crate::time::UnixTime;

/// A parsed certificate borrowing the caller's DER bytes. `Copy`, no heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateRef<'a> {
    der: &'a [u8],
    tbs: &'a [u8],
    serial: &'a [u8],
    spki: &'a [u8],
    key: KeyInfo,
    not_before: UnixTime,
    not_after: UnixTime,
}

fn malformed(e: der::Error) -> PolicyError {
    PolicyError::Malformed {
        what: Structure::Certificate,
        reason: e.kind(),
    }
}

/// Splits `input` into one outer DER `SEQUENCE` TLV, refusing trailing bytes.
/// Input that does not start with a `SEQUENCE` tag is `Err(None)`.
pub(crate) fn single_sequence(input: &[u8], what: Structure) -> Result<&[u8], Option<PolicyError>> {
    if input.first() != Some(&0x30) {
        return Err(None);
    }
    let bad = |e: der::Error| PolicyError::Malformed {
        what,
        reason: e.kind(),
    };
    let mut reader = SliceReader::new(input).map_err(|e| Some(bad(e)))?;
    let tlv = reader.tlv_bytes().map_err(|e| Some(bad(e)))?;
    let extra = u32::from(reader.remaining_len());
    if extra != 0 {
        return Err(Some(PolicyError::TrailingData {
            what,
            decoded_bytes: u32::try_from(tlv.len()).unwrap_or(u32::MAX),
            extra_bytes: extra,
        }));
    }
    Ok(tlv)
}

fn read_time(reader: &mut SliceReader<'_>) -> der::Result<UnixTime> {
    let duration = match Tag::peek(reader)? {
        Tag::UtcTime => UtcTime::decode(reader)?.to_unix_duration(),
        Tag::GeneralizedTime => GeneralizedTime::decode(reader)?.to_unix_duration(),
        tag => return Err(reader.error(tag.unexpected_error(Some(Tag::UtcTime)))),
    };
    // `der` date-times are 1970..=9999, so the seconds always fit.
    i64::try_from(duration.as_secs())
        .map(UnixTime)
        .map_err(|_| reader.error(der::ErrorKind::DateTime))
}

impl<'a> CertificateRef<'a> {
    /// Parses a DER certificate. Works without `alloc`.
    ///
    /// # Errors
    /// [`PolicyError::NotACertificate`] when the input is not a DER
    /// `SEQUENCE`, [`PolicyError::TrailingData`] when bytes follow it,
    /// [`PolicyError::Malformed`] when its structure is broken (including the
    /// public key inside).
    pub fn from_der(der: &'a [u8]) -> Result<Self, PolicyError> {
        let der = single_sequence(der, Structure::Certificate).map_err(|e| {
            e.unwrap_or(PolicyError::NotACertificate {
                found: InputKind::NotDer,
            })
        })?;
        let mut outer = SliceReader::new(der).map_err(malformed)?;
        let tbs = outer
            .sequence(|r| {
                let tbs = r.tlv_bytes()?;
                AlgorithmIdentifierRef::decode(r)?;
                BitStringRef::decode(r)?;
                Ok::<_, der::Error>(tbs)
            })
            .map_err(malformed)?;
        outer.finish().map_err(malformed)?;

        let mut reader = SliceReader::new(tbs).map_err(malformed)?;
        let (serial, spki, not_before, not_after) = reader
            .sequence(|r| {
                let explicit_version = Tag::ContextSpecific {
                    constructed: true,
                    number: TagNumber(0),
                };
                if Tag::peek(r)? == explicit_version {
                    AnyRef::decode(r)?;
                }
                let serial = IntRef::decode(r)?.as_bytes();
                AlgorithmIdentifierRef::decode(r)?;
                let issuer = AnyRef::decode(r)?;
                issuer.tag().assert_eq(Tag::Sequence)?;
                let (not_before, not_after) =
                    r.sequence(|v| Ok::<_, der::Error>((read_time(v)?, read_time(v)?)))?;
                let subject = AnyRef::decode(r)?;
                subject.tag().assert_eq(Tag::Sequence)?;
                let spki = r.tlv_bytes()?;
                // issuerUniqueID, subjectUniqueID, extensions: not needed here.
                let rest = r.remaining_len();
                r.read_slice(rest)?;
                Ok::<_, der::Error>((serial, spki, not_before, not_after))
            })
            .map_err(malformed)?;
        reader.finish().map_err(malformed)?;

        let spki_ref = SubjectPublicKeyInfoRef::from_der(spki).map_err(malformed)?;
        let key = key_info_from_spki(&spki_ref)?;
        Ok(CertificateRef {
            der,
            tbs,
            serial,
            spki,
            key,
            not_before,
            not_after,
        })
    }

    /// The whole certificate, DER.
    pub fn der(&self) -> &'a [u8] {
        self.der
    }

    /// The `TBSCertificate`, DER (the signed part).
    pub fn tbs_der(&self) -> &'a [u8] {
        self.tbs
    }

    /// The `SubjectPublicKeyInfo`, DER.
    pub fn spki_der(&self) -> &'a [u8] {
        self.spki
    }

    /// The serial number's content octets (two's complement, big-endian, as encoded).
    pub fn serial(&self) -> &'a [u8] {
        self.serial
    }

    /// What the subject key is.
    pub fn key_info(&self) -> KeyInfo {
        self.key
    }

    /// `notBefore`.
    pub fn not_before(&self) -> UnixTime {
        self.not_before
    }

    /// `notAfter`.
    pub fn not_after(&self) -> UnixTime {
        self.not_after
    }

    /// SHA-256 of the whole DER certificate (the usual certificate thumbprint).
    pub fn fingerprint_sha256(&self) -> [u8; 32] {
        Sha256::digest(self.der).into()
    }

    /// Compares the fingerprint with `expected` in constant time.
    pub fn fingerprint_matches(&self, expected: &[u8; 32]) -> bool {
        self.fingerprint_sha256().ct_eq(expected).into()
    }

    /// The signing-time rule for this certificate at `at`, with warnings
    /// (see [`super::check_signing_key`] and [`super::check_signing`]).
    pub fn check_signing(&self, at: UnixTime) -> PolicyOutcome {
        check_signing(&self.key, self.not_before, self.not_after, at)
    }
}

/// Decodes a PEM certificate (label `CERTIFICATE`) to DER; DER input is
/// returned unchanged.
///
/// # Errors
/// [`PolicyError::PemInvalid`] for broken PEM, [`PolicyError::NotACertificate`]
/// for PEM with another label (a CSR is reported as such).
#[cfg(feature = "alloc")]
pub fn certificate_der_from_pem_or_der(input: &[u8]) -> Result<alloc::vec::Vec<u8>, PolicyError> {
    match super::pem::decode(input, Structure::Certificate)? {
        None => Ok(input.to_vec()),
        Some((label, der)) => match label {
            super::pem::Label::Certificate => Ok(der),
            super::pem::Label::Csr => Err(PolicyError::NotACertificate {
                found: InputKind::Csr,
            }),
            super::pem::Label::PublicKey | super::pem::Label::Other => Err(PolicyError::NotACertificate {
                found: InputKind::OtherPem,
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    //! These run without `alloc` too (`cargo test -p signet-core --no-default-features`).
    use super::*;
    use crate::policy::{Curve, RsaExponent, key_info_from_spki_der};
    use crate::time::Date;

    const P256_SPKI: &[u8] = include_bytes!("../../../tests/vectors/keys/p256.spki.der");
    const RSA_E3_SPKI: &[u8] = include_bytes!("../../../tests/vectors/keys/rsa3072-e3.spki.der");
    const ED25519_SPKI: &[u8] = include_bytes!("../../../tests/vectors/keys/ed25519.spki.der");
    const SECP256K1_SPKI: &[u8] = include_bytes!("../../../tests/vectors/keys/secp256k1.spki.der");
    const LEGACY_CERT: &[u8] = include_bytes!("../../../tests/vectors/keys/rsa2048-legacy.cert.der");
    const P384_CERT: &[u8] = include_bytes!("../../../tests/vectors/keys/p384.cert.der");
    const TRAILING_CERT: &[u8] = include_bytes!("../../../tests/vectors/keys/p256-trailing.cert.der");
    const CSR_DER: &[u8] = include_bytes!("../../../tests/vectors/keys/rsa3072.csr.der");

    #[test]
    fn spki_without_heap() {
        assert_eq!(
            key_info_from_spki_der(P256_SPKI),
            Ok(KeyInfo::Ec { curve: Curve::P256 })
        );
        assert_eq!(
            key_info_from_spki_der(RSA_E3_SPKI),
            Ok(KeyInfo::Rsa {
                modulus_bits: 3072,
                exponent: RsaExponent::Value(3)
            })
        );
        assert!(matches!(
            key_info_from_spki_der(ED25519_SPKI),
            Ok(KeyInfo::Unsupported { parameters: None, .. })
        ));
        assert!(matches!(
            key_info_from_spki_der(SECP256K1_SPKI),
            Ok(KeyInfo::Unsupported {
                parameters: Some(_),
                ..
            })
        ));
        let mut trailing = [0u8; 200];
        let n = P256_SPKI.len();
        trailing[..n].copy_from_slice(P256_SPKI);
        assert!(matches!(
            key_info_from_spki_der(&trailing[..n + 1]),
            Err(PolicyError::TrailingData { extra_bytes: 1, .. })
        ));
        for cut in 0..n {
            assert!(key_info_from_spki_der(&P256_SPKI[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn certificate_without_heap() {
        let cert = CertificateRef::from_der(LEGACY_CERT).unwrap();
        assert_eq!(
            cert.key_info(),
            KeyInfo::Rsa {
                modulus_bits: 2048,
                exponent: RsaExponent::Value(65_537)
            }
        );
        assert_eq!(cert.not_before(), Date::from_ymd(2021, 1, 15).unwrap().start());
        assert_eq!(cert.not_after(), Date::from_ymd(2023, 1, 15).unwrap().start());
        assert_eq!(key_info_from_spki_der(cert.spki_der()), Ok(cert.key_info()));
        assert_eq!(cert.der(), LEGACY_CERT);
        assert!(!cert.serial().is_empty());
        assert!(cert.tbs_der().len() < LEGACY_CERT.len());
        assert!(cert.fingerprint_matches(&cert.fingerprint_sha256()));
        let at = Date::from_ymd(2022, 1, 1).unwrap().start();
        assert!(cert.check_signing(at).is_allowed());
        assert_eq!(cert.check_signing(at).warnings().count(), 1);

        let p384 = CertificateRef::from_der(P384_CERT).unwrap();
        assert_eq!(p384.key_info(), KeyInfo::Ec { curve: Curve::P384 });
        assert_ne!(p384.fingerprint_sha256(), cert.fingerprint_sha256());
    }

    #[test]
    fn certificate_errors() {
        assert!(matches!(
            CertificateRef::from_der(TRAILING_CERT),
            Err(PolicyError::TrailingData { extra_bytes: 2, .. })
        ));
        assert_eq!(
            CertificateRef::from_der(b"hello"),
            Err(PolicyError::NotACertificate {
                found: InputKind::NotDer
            })
        );
        assert!(matches!(
            CertificateRef::from_der(CSR_DER),
            Err(PolicyError::Malformed {
                what: Structure::Certificate,
                ..
            })
        ));
        for cut in [1, 2, 10, 100, LEGACY_CERT.len() - 1] {
            assert!(matches!(
                CertificateRef::from_der(&LEGACY_CERT[..cut]),
                Err(PolicyError::Malformed { .. })
            ));
        }
    }
}

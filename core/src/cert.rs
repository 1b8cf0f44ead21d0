//! Self-signed test certificates and PKCS#10 certificate signing requests
//! for a token key (features `soft-token` and `alloc`).
//!
//! [`certification_request`] builds a CSR (RFC 2986) for the token key the
//! same way: the `CertificationRequestInfo` is encoded here, its digest is
//! signed through the [`Token`] trait, and the self-signature is verified
//! before the CSR is returned. It is an encoding step with no rule in it;
//! whether the CSR's key is acceptable is [`crate::policy::check_csr`]'s call.
//!
//! `signet sign` on first use, and the tests, need "a self-issued test
//! certificate" for a token key. [`self_signed`] makes one through the
//! [`Token`] trait, so the private key never leaves the token.
//!
//! The certificate is X.509 v3 with subject = issuer = `CN=<subject_cn>`,
//! the token key's SPKI, and the extensions of a code-signing leaf:
//! basicConstraints (critical, cA FALSE), keyUsage (critical,
//! digitalSignature), extKeyUsage (id-kp-codeSigning) and a
//! subjectKeyIdentifier (RFC 7093 method 1: leftmost 160 bits of the SHA-256
//! of the subjectPublicKey). It is signed with the key's permitted algorithm
//! (`x509_algorithm_identifier_der`), and the signature is verified before the
//! certificate is returned.
//!
//! Encoded with `der` directly: x509-cert 0.3 keeps `TbsCertificate`'s fields
//! crate-private and its builder signs with an in-process `signature::Signer`,
//! which a token behind a handle is not.

use alloc::vec::Vec;
use core::fmt;

use der::asn1::{AnyRef, BitStringRef, OctetString, UintRef, Utf8StringRef};
use der::{Decode, Encode, Tag, TagNumber};

use crate::time::UnixTime;
use crate::token::{EcdsaEncoding, ErrorKind, HashAlgorithm, KeyHandle, MAX_SIGNATURE_LEN, MAX_SPKI_LEN};
use crate::token::{Error as _, SignatureAlgorithm, Token};
use crate::verify::{VerifyError, ecdsa_fixed_to_der, verify_digest};

/// Why a test certificate could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertError {
    /// The token refused or failed.
    Token(ErrorKind),
    /// The serial number is zero (RFC 5280 requires a positive serial).
    InvalidSerial,
    /// A validity time is before 1970, after 9999, or not_after < not_before.
    InvalidValidity {
        /// notBefore given.
        not_before: UnixTime,
        /// notAfter given.
        not_after: UnixTime,
    },
    /// The token's signature did not verify against its own public key.
    Signature(VerifyError),
    /// DER encoding failed.
    Encoding,
    /// The subject is not an RFC 4514 distinguished name (or is empty).
    InvalidSubject,
}

impl crate::ErrorCode for CertError {
    fn code(&self) -> &'static str {
        match self {
            CertError::Token(k) => crate::ErrorCode::code(k),
            CertError::InvalidSerial => "cert_invalid_serial",
            CertError::InvalidValidity { .. } => "cert_invalid_validity",
            CertError::Signature(_) => "cert_signature_invalid",
            CertError::Encoding => "cert_encoding",
            CertError::InvalidSubject => "cert_invalid_subject",
        }
    }
}

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertError::Token(k) => write!(f, "token: {k}"),
            CertError::InvalidSerial => f.write_str("serial number must be positive"),
            CertError::InvalidValidity {
                not_before,
                not_after,
            } => write!(
                f,
                "invalid validity {}..{}",
                not_before.as_secs(),
                not_after.as_secs()
            ),
            CertError::Signature(e) => write!(f, "certificate signature rejected: {e}"),
            CertError::Encoding => f.write_str("DER encoding failed"),
            CertError::InvalidSubject => f.write_str(
                "the subject is not an RFC 4514 distinguished name (e.g. CN=Example Corp,O=Example Corp,C=US)",
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CertError {}

fn enc(_: der::Error) -> CertError {
    CertError::Encoding
}

/// TLV with `tag` around `body`.
fn wrap(tag: Tag, body: &[u8]) -> Result<Vec<u8>, CertError> {
    AnyRef::new(tag, body).map_err(enc)?.to_der().map_err(enc)
}

fn explicit(number: u32, body: &[u8]) -> Result<Vec<u8>, CertError> {
    wrap(
        Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(number),
        },
        body,
    )
}

fn cn_name(cn: &str) -> Result<Vec<u8>, CertError> {
    let mut atv = const_oid_cn().to_der().map_err(enc)?;
    atv.extend(Utf8StringRef::new(cn).map_err(enc)?.to_der().map_err(enc)?);
    let atv = wrap(Tag::Sequence, &atv)?;
    let rdn = wrap(Tag::Set, &atv)?;
    wrap(Tag::Sequence, &rdn)
}

fn const_oid_cn() -> der::asn1::ObjectIdentifier {
    der::asn1::ObjectIdentifier::new_unwrap("2.5.4.3")
}

fn extension(oid: &str, critical: bool, value: &[u8]) -> Result<Vec<u8>, CertError> {
    x509_cert::ext::Extension {
        extn_id: der::asn1::ObjectIdentifier::new(oid).map_err(|_| CertError::Encoding)?,
        critical,
        extn_value: OctetString::new(value).map_err(enc)?,
    }
    .to_der()
    .map_err(enc)
}

/// Issues a self-signed X.509 v3 certificate for the token key `handle`,
/// signed by the token with the key's permitted algorithm. Returns DER.
///
/// # Errors
/// [`CertError::Token`] when the token refuses (e.g. the key lacks
/// `SIGN_HASH`) or fails, [`CertError::InvalidSerial`] for serial 0,
/// [`CertError::InvalidValidity`], [`CertError::Signature`] when the token's
/// signature does not verify, [`CertError::Encoding`].
pub fn self_signed<T: Token>(
    token: &mut T,
    handle: KeyHandle,
    subject_cn: &str,
    not_before: UnixTime,
    not_after: UnixTime,
    serial: u64,
) -> Result<Vec<u8>, CertError> {
    if serial == 0 {
        return Err(CertError::InvalidSerial);
    }
    let bad_validity = CertError::InvalidValidity {
        not_before,
        not_after,
    };
    if not_after.as_secs() < not_before.as_secs() {
        return Err(bad_validity);
    }
    let nb = crate::cms::time_any(not_before).ok_or(bad_validity)?;
    let na = crate::cms::time_any(not_after).ok_or(bad_validity)?;

    let attrs = token
        .key_attributes(handle)
        .map_err(|e| CertError::Token(e.kind()))?;
    let alg = attrs.algorithm();
    let mut spki_buf = [0u8; MAX_SPKI_LEN];
    let spki_len = token
        .public_key(handle, &mut spki_buf)
        .map_err(|e| CertError::Token(e.kind()))?;
    let spki_der = spki_buf.get(..spki_len).ok_or(CertError::Encoding)?;
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der).map_err(enc)?;

    let serial_bytes = serial.to_be_bytes();
    let name = cn_name(subject_cn)?;
    let ski = HashAlgorithm::Sha256.digest(spki.subject_public_key.raw_bytes());
    let ski = OctetString::new(ski.as_bytes().get(..20).ok_or(CertError::Encoding)?)
        .map_err(enc)?
        .to_der()
        .map_err(enc)?;
    let mut exts = Vec::new();
    exts.extend(extension("2.5.29.19", true, &[0x30, 0x00])?);
    exts.extend(extension("2.5.29.15", true, &[0x03, 0x02, 0x07, 0x80])?);
    exts.extend(extension(
        "2.5.29.37",
        false,
        &[
            0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03,
        ],
    )?);
    exts.extend(extension("2.5.29.14", false, &ski)?);
    let exts = wrap(Tag::Sequence, &exts)?;

    let mut tbs = explicit(0, &UintRef::new(&[2]).map_err(enc)?.to_der().map_err(enc)?)?;
    tbs.extend(UintRef::new(&serial_bytes).map_err(enc)?.to_der().map_err(enc)?);
    tbs.extend_from_slice(alg.x509_algorithm_identifier_der());
    tbs.extend_from_slice(&name);
    let mut validity = nb.to_der().map_err(enc)?;
    validity.extend(na.to_der().map_err(enc)?);
    tbs.extend(wrap(Tag::Sequence, &validity)?);
    tbs.extend_from_slice(&name);
    tbs.extend_from_slice(spki_der);
    tbs.extend(explicit(3, &exts)?);
    let tbs = wrap(Tag::Sequence, &tbs)?;

    let cert = signed_sequence(token, handle, alg, spki_der, tbs)?;
    // Round-trip through the x509-cert parser as a final shape check.
    x509_cert::Certificate::from_der(&cert).map_err(enc)?;
    Ok(cert)
}

/// The DER `Name` of an RFC 4514 string (`CN=Example Corp,O=Example Corp,C=US`,
/// most specific first, as RFC 4514 writes it).
///
/// # Errors
/// [`CertError::InvalidSubject`] for an empty or unparseable name.
pub fn subject_der(subject: &str) -> Result<Vec<u8>, CertError> {
    use core::str::FromStr;
    if subject.trim().is_empty() {
        return Err(CertError::InvalidSubject);
    }
    let name = x509_cert::name::Name::from_str(subject).map_err(|_| CertError::InvalidSubject)?;
    if name.is_empty() {
        return Err(CertError::InvalidSubject);
    }
    name.to_der().map_err(enc)
}

/// Builds a PKCS#10 certificate signing request (RFC 2986) for the token key
/// `handle`, with `subject` (an RFC 4514 string) and no attributes, signed by
/// the token with the key's permitted algorithm. Returns DER.
///
/// # Errors
/// [`CertError::InvalidSubject`], [`CertError::Token`] when the token refuses
/// or fails, [`CertError::Signature`] when the token's signature does not
/// verify against its own public key, [`CertError::Encoding`].
pub fn certification_request<T: Token>(
    token: &mut T,
    handle: KeyHandle,
    subject: &str,
) -> Result<Vec<u8>, CertError> {
    let name = subject_der(subject)?;
    let attrs = token
        .key_attributes(handle)
        .map_err(|e| CertError::Token(e.kind()))?;
    let alg = attrs.algorithm();
    let mut spki_buf = [0u8; MAX_SPKI_LEN];
    let spki_len = token
        .public_key(handle, &mut spki_buf)
        .map_err(|e| CertError::Token(e.kind()))?;
    let spki_der = spki_buf.get(..spki_len).ok_or(CertError::Encoding)?;
    spki::SubjectPublicKeyInfoRef::from_der(spki_der).map_err(enc)?;

    // CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) },
    //   subject Name, subjectPKInfo SubjectPublicKeyInfo,
    //   attributes [0] IMPLICIT SET OF Attribute }  -- empty here
    let mut info = UintRef::new(&[0]).map_err(enc)?.to_der().map_err(enc)?;
    info.extend_from_slice(&name);
    info.extend_from_slice(spki_der);
    info.extend(wrap(
        Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(0),
        },
        &[],
    )?);
    let info = wrap(Tag::Sequence, &info)?;

    let csr = signed_sequence(token, handle, alg, spki_der, info)?;
    // Round-trip through the x509-cert parser as a final shape check.
    x509_cert::request::CertReq::from_der(&csr).map_err(enc)?;
    Ok(csr)
}

/// `SEQUENCE { body, signatureAlgorithm, signature BIT STRING }` with the
/// signature over `body` made (and checked) by the token: the shape of a
/// certificate and of a certification request alike.
fn signed_sequence<T: Token>(
    token: &mut T,
    handle: KeyHandle,
    alg: SignatureAlgorithm,
    spki_der: &[u8],
    body: Vec<u8>,
) -> Result<Vec<u8>, CertError> {
    let sig = sign_and_check(token, handle, alg, spki_der, &body)?;
    let mut out = body;
    out.extend_from_slice(alg.x509_algorithm_identifier_der());
    out.extend(
        BitStringRef::from_bytes(&sig)
            .map_err(enc)?
            .to_der()
            .map_err(enc)?,
    );
    wrap(Tag::Sequence, &out)
}

/// Signs `tbs` with the token, verifies the signature against `spki_der`,
/// and returns it in its X.509 form (DER for ECDSA).
fn sign_and_check<T: Token>(
    token: &mut T,
    handle: KeyHandle,
    alg: SignatureAlgorithm,
    spki_der: &[u8],
    tbs: &[u8],
) -> Result<Vec<u8>, CertError> {
    let digest = alg.hash().digest(tbs);
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    let n = token
        .sign_digest(handle, alg, digest.as_bytes(), &mut sig)
        .map_err(|e| CertError::Token(e.kind()))?;
    let sig = sig.get(..n).ok_or(CertError::Encoding)?;
    verify_digest(spki_der, alg, digest.as_bytes(), sig).map_err(CertError::Signature)?;
    let mut der_sig = [0u8; MAX_SIGNATURE_LEN];
    let sig = match alg {
        SignatureAlgorithm::Ecdsa {
            encoding: EcdsaEncoding::Fixed,
            ..
        } => {
            let m = ecdsa_fixed_to_der(sig, &mut der_sig).map_err(CertError::Signature)?;
            der_sig.get(..m).ok_or(CertError::Encoding)?
        }
        _ => sig,
    };
    Ok(sig.to_vec())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::token::soft::SoftToken;
    use crate::token::{KeyAttributes, KeyType, KeyUsage};

    #[test]
    fn csr_passes_the_policy_check_for_every_key_type() {
        let at = crate::time::Date::parse_iso("2026-03-01").unwrap();
        let mut token: SoftToken<_, 4> = SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng));
        for (key_type, alg) in [
            (KeyType::EccP256, KeyType::EccP256.default_algorithm()),
            (KeyType::EccP384, KeyType::EccP384.default_algorithm()),
            (
                KeyType::Rsa { bits: 3072 },
                SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256),
            ),
        ] {
            let attrs = KeyAttributes::new(key_type, KeyUsage::SIGN_HASH, alg).unwrap();
            let key = token.generate(attrs).unwrap();
            let csr = certification_request(&mut token, key, "CN=Example Corp,O=Example Corp,C=US").unwrap();
            let findings = crate::policy::check_csr(&csr, Some(crate::policy::DeviceProfile::Hsm), at);
            assert!(findings.is_empty(), "{key_type}: {findings:?}");
            let parsed = crate::policy::parse_csr(&csr).unwrap();
            let mut spki = [0u8; MAX_SPKI_LEN];
            let n = token.public_key(key, &mut spki).unwrap();
            assert_eq!(parsed.spki_der(), &spki[..n]);
            let req = x509_cert::request::CertReq::from_der(&csr).unwrap();
            assert_eq!(
                alloc::string::ToString::to_string(&req.info.subject),
                "CN=Example Corp,O=Example Corp,C=US"
            );
        }
        // Untrusted subjects: an error or a CSR, never a panic.
        for odd in [
            "CN=\\",
            "CN=#zz",
            "CN=#",
            "=x",
            "CN=a+",
            "CN=a,,O=b",
            "CN=\u{e9},O=\u{fc}",
            "CN=a\\",
            "2.5.4.3=x",
            "CN=a+O=b",
            "CN=\\2",
            "C=DEU",
            "C=\u{e9}",
            ",",
            "+",
            "CN=\u{0}",
        ] {
            let _ = certification_request(&mut token, KeyHandle(0), odd);
        }
        for bad in ["", "   ", "no equals sign", "CN"] {
            assert_eq!(
                certification_request(&mut token, KeyHandle(0), bad)
                    .unwrap_err()
                    .code(),
                "cert_invalid_subject",
                "{bad:?}"
            );
        }
    }
}

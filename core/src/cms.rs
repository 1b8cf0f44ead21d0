//! Detached CMS `SignedData` (RFC 5652) for a signature made by a token.
//!
//! Signing is split in two so that the token, not this module, holds the key:
//!
//! ```text
//! let prep = cms::prepare(cert_der, alg, content_digest, signing_time)?;
//! let n = token.sign_digest(handle, alg, prep.digest_to_sign(), &mut sig)?;
//! let p7s = prep.finish(&sig[..n])?;
//! ```
//!
//! The output is a DER `ContentInfo` holding a `SignedData` (version 1) with no
//! encapsulated content (detached), the signing certificate, and one
//! `SignerInfo` (version 1, `issuerAndSerialNumber`) whose signed attributes are
//! `contentType` (id-data), `signingTime` (the caller's [`UnixTime`]; UTCTime for
//! 1950-2049, GeneralizedTime otherwise, RFC 5652 section 11.3) and
//! `messageDigest`. The digest to sign is the algorithm's hash over the DER
//! `SET OF` encoding of the signed attributes (RFC 5652 section 5.4).
//!
//! Algorithm identifiers: `digestAlgorithm` is the hash with absent parameters
//! (RFC 5754); `signatureAlgorithm` is `rsaEncryption` for PKCS#1 v1.5 (the
//! conventional choice, RFC 3370), `id-RSASSA-PSS` with parameters (RFC 4056),
//! or `ecdsa-with-SHA*` (RFC 5753). A fixed-size ECDSA signature is re-encoded
//! as DER, as CMS requires.
//!
//! Why the `cms` crate's types but not its `SignedDataBuilder`: the builder asks
//! for an in-process `signature::Signer` keypair and signs inside `build()`,
//! which a token behind a handle (PKCS#11, C, hardware) is not; it also pulls in
//! AES, SHA-1 and SHA-3. The crate's ASN.1 types give correct DER encoding and
//! `SET OF` ordering, and this module assembles them.
//!
//! [`Prepared::finish`] verifies the signature against the certificate's key
//! before producing output (fault-attack countermeasure, fail closed): with a
//! verification family compiled out (e.g. feature `rsa` off) it refuses.

use alloc::vec::Vec;
use core::fmt;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedAttributes, SignedData, SignerIdentifier, SignerInfo,
    SignerInfos,
};
use der::asn1::{Any, OctetString, SetOfVec};
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use crate::time::UnixTime;
use crate::token::{AlgorithmFamily, Digest, EcdsaEncoding, SignatureAlgorithm, oids};
use crate::verify::{VerifyError, ecdsa_fixed_to_der, verify_digest};

/// Why a CMS structure could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CmsError {
    /// The signing certificate is not valid DER X.509.
    MalformedCertificate,
    /// The content digest's length does not match the algorithm's hash.
    DigestLength {
        /// Length of the algorithm's hash.
        expected: usize,
        /// Length given.
        actual: usize,
    },
    /// The certificate's key cannot make signatures of this algorithm.
    KeyAlgorithmMismatch {
        /// The algorithm asked for.
        algorithm: SignatureAlgorithm,
    },
    /// The signing time cannot be encoded (before 1970 or after 9999).
    SigningTimeOutOfRange {
        /// The time given.
        time: UnixTime,
    },
    /// The signature does not verify against the certificate's key.
    Signature(VerifyError),
    /// DER encoding failed (sizes out of range).
    Encoding,
    /// The input is not a DER CMS `ContentInfo` holding a `SignedData`.
    Malformed,
    /// The `SignedData` has no `SignerInfo`.
    NoSigner,
    /// The signer's certificate (by issuer and serial number) is not embedded.
    SignerCertificateMissing,
    /// The digest or signature algorithm is not one this crate verifies.
    UnsupportedAlgorithm,
    /// The signed attributes lack `messageDigest` (or have no signed attributes).
    MissingMessageDigest,
    /// The content's digest is not the signed `messageDigest`: the file changed.
    ContentDigestMismatch,
    /// A timestamp token is not good for this signature (its code passes
    /// through: `tsp_*`).
    Timestamp(crate::tsp::TspError),
}

impl crate::ErrorCode for CmsError {
    fn code(&self) -> &'static str {
        match self {
            CmsError::MalformedCertificate => "cms_malformed_certificate",
            CmsError::DigestLength { .. } => "cms_digest_length",
            CmsError::KeyAlgorithmMismatch { .. } => "cms_key_algorithm_mismatch",
            CmsError::SigningTimeOutOfRange { .. } => "cms_signing_time_out_of_range",
            CmsError::Signature(_) => "cms_signature_invalid",
            CmsError::Encoding => "cms_encoding",
            CmsError::Malformed => "cms_malformed",
            CmsError::NoSigner => "cms_no_signer",
            CmsError::SignerCertificateMissing => "cms_signer_certificate_missing",
            CmsError::UnsupportedAlgorithm => "cms_unsupported_algorithm",
            CmsError::MissingMessageDigest => "cms_missing_message_digest",
            CmsError::ContentDigestMismatch => "cms_content_digest_mismatch",
            CmsError::Timestamp(e) => crate::ErrorCode::code(e),
        }
    }
}

impl fmt::Display for CmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmsError::MalformedCertificate => f.write_str("signing certificate is not valid DER X.509"),
            CmsError::DigestLength { expected, actual } => {
                write!(
                    f,
                    "content digest is {actual} bytes, the algorithm's hash gives {expected}"
                )
            }
            CmsError::KeyAlgorithmMismatch { algorithm } => {
                write!(f, "the certificate's key cannot sign with {algorithm}")
            }
            CmsError::SigningTimeOutOfRange { time } => {
                write!(f, "signing time {} cannot be encoded", time.as_secs())
            }
            CmsError::Signature(e) => write!(f, "signature rejected: {e}"),
            CmsError::Encoding => f.write_str("DER encoding failed"),
            CmsError::Malformed => f.write_str("not a DER CMS SignedData"),
            CmsError::NoSigner => f.write_str("the SignedData has no signer"),
            CmsError::SignerCertificateMissing => {
                f.write_str("the signer's certificate is not embedded in the SignedData")
            }
            CmsError::UnsupportedAlgorithm => f.write_str("unsupported digest or signature algorithm"),
            CmsError::MissingMessageDigest => f.write_str("no messageDigest signed attribute"),
            CmsError::ContentDigestMismatch => {
                f.write_str("the content does not match the signed messageDigest")
            }
            CmsError::Timestamp(e) => write!(f, "timestamp: {e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CmsError {}

fn enc(_: der::Error) -> CmsError {
    CmsError::Encoding
}

/// A `SignedData` waiting for its signature. See the module docs.
#[derive(Debug, Clone)]
pub struct Prepared {
    cert: Certificate,
    spki_der: Vec<u8>,
    algorithm: SignatureAlgorithm,
    signed_attrs: SignedAttributes,
    signed_attrs_der: Vec<u8>,
    to_sign: Digest,
}

/// Starts a detached `SignedData` for `content_digest` (the `alg`'s hash of the
/// content), signed with the key certified by `cert_der`, at `signing_time`.
///
/// # Errors
/// [`CmsError::MalformedCertificate`], [`CmsError::DigestLength`],
/// [`CmsError::KeyAlgorithmMismatch`] (certificate key family differs from
/// `alg`'s), [`CmsError::SigningTimeOutOfRange`], [`CmsError::Encoding`].
pub fn prepare(
    cert_der: &[u8],
    alg: SignatureAlgorithm,
    content_digest: &[u8],
    signing_time: UnixTime,
) -> Result<Prepared, CmsError> {
    let cert = Certificate::from_der(cert_der).map_err(|_| CmsError::MalformedCertificate)?;
    if content_digest.len() != alg.digest_len() {
        return Err(CmsError::DigestLength {
            expected: alg.digest_len(),
            actual: content_digest.len(),
        });
    }
    let spki = cert.tbs_certificate().subject_public_key_info();
    let key_family_oid = match alg.family() {
        AlgorithmFamily::Rsa => oids::RSA_ENCRYPTION,
        AlgorithmFamily::Ecdsa => oids::EC_PUBLIC_KEY,
    };
    if spki.algorithm.oid != key_family_oid {
        return Err(CmsError::KeyAlgorithmMismatch { algorithm: alg });
    }
    let spki_der = spki.to_der().map_err(enc)?;

    let time = signing_time_value(signing_time)?;
    let attrs = [
        attribute(oids::CONTENT_TYPE, Any::encode_from(&oids::ID_DATA).map_err(enc)?)?,
        attribute(oids::SIGNING_TIME, time)?,
        attribute(
            oids::MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(content_digest).map_err(enc)?).map_err(enc)?,
        )?,
    ];
    // SetOfVec sorts into DER order, which the signed encoding must use.
    let signed_attrs: SignedAttributes = SetOfVec::try_from(Vec::from(attrs)).map_err(enc)?;
    let signed_attrs_der = signed_attrs.to_der().map_err(enc)?;
    let to_sign = alg.hash().digest(&signed_attrs_der);
    Ok(Prepared {
        cert,
        spki_der,
        algorithm: alg,
        signed_attrs,
        signed_attrs_der,
        to_sign,
    })
}

fn attribute(oid: der::asn1::ObjectIdentifier, value: Any) -> Result<Attribute, CmsError> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(enc)?;
    Ok(Attribute { oid, values })
}

fn signing_time_value(t: UnixTime) -> Result<Any, CmsError> {
    time_any(t).ok_or(CmsError::SigningTimeOutOfRange { time: t })
}

/// `Time ::= CHOICE { utcTime, generalTime }` with the RFC 5280 / RFC 5652
/// rule: UTCTime for 1950-2049, GeneralizedTime otherwise. `None` before 1970
/// or after 9999.
pub(crate) fn time_any(t: UnixTime) -> Option<Any> {
    let secs = u64::try_from(t.as_secs()).ok()?;
    let dt = der::DateTime::from_unix_duration(core::time::Duration::from_secs(secs)).ok()?;
    if (1950..2050).contains(&dt.year()) {
        Any::encode_from(&der::asn1::UtcTime::from_date_time(dt).ok()?).ok()
    } else {
        Any::encode_from(&der::asn1::GeneralizedTime::from_date_time(dt)).ok()
    }
}

impl Prepared {
    /// The digest the token must sign with the same algorithm: the algorithm's
    /// hash over the DER signed attributes.
    pub fn digest_to_sign(&self) -> &[u8] {
        self.to_sign.as_bytes()
    }

    /// The DER (`SET OF`) encoding of the signed attributes that
    /// [`digest_to_sign`](Self::digest_to_sign) hashes.
    pub fn signed_attributes_der(&self) -> &[u8] {
        &self.signed_attrs_der
    }

    /// The algorithm given to [`prepare`].
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// Verifies `signature` over [`digest_to_sign`](Self::digest_to_sign) with
    /// the certificate's key and returns the DER `ContentInfo`
    /// (`SignedData`, detached), i.e. the bytes of a `.p7s` file.
    ///
    /// # Errors
    /// [`CmsError::Signature`] when the signature does not verify (or its
    /// algorithm family is not compiled in), [`CmsError::Encoding`].
    pub fn finish(self, signature: &[u8]) -> Result<Vec<u8>, CmsError> {
        verify_digest(&self.spki_der, self.algorithm, self.to_sign.as_bytes(), signature)
            .map_err(CmsError::Signature)?;
        let mut der_sig = [0u8; crate::token::MAX_SIGNATURE_LEN];
        let signature = match self.algorithm {
            SignatureAlgorithm::Ecdsa {
                encoding: EcdsaEncoding::Fixed,
                ..
            } => {
                let n = ecdsa_fixed_to_der(signature, &mut der_sig).map_err(CmsError::Signature)?;
                der_sig.get(..n).ok_or(CmsError::Encoding)?
            }
            _ => signature,
        };

        let digest_alg = AlgorithmIdentifierOwned::from_der(self.algorithm.hash().algorithm_identifier_der())
            .map_err(enc)?;
        let signature_algorithm =
            AlgorithmIdentifierOwned::from_der(self.algorithm.cms_algorithm_identifier_der()).map_err(enc)?;
        let tbs = self.cert.tbs_certificate();
        let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        });
        let signer_info = SignerInfo {
            version: CmsVersion::V1,
            sid,
            digest_alg: digest_alg.clone(),
            signed_attrs: Some(self.signed_attrs),
            signature_algorithm,
            signature: OctetString::new(signature).map_err(enc)?,
            unsigned_attrs: None,
        };
        let mut digest_algorithms = SetOfVec::new();
        digest_algorithms.insert(digest_alg).map_err(enc)?;
        let certificates =
            CertificateSet::try_from(alloc::vec![CertificateChoices::Certificate(self.cert)]).map_err(enc)?;
        let signed_data = SignedData {
            version: CmsVersion::V1,
            digest_algorithms,
            encap_content_info: EncapsulatedContentInfo {
                econtent_type: oids::ID_DATA,
                econtent: None,
            },
            certificates: Some(certificates),
            crls: None,
            signer_infos: SignerInfos::try_from(alloc::vec![signer_info]).map_err(enc)?,
        };
        ContentInfo {
            content_type: oids::ID_SIGNED_DATA,
            content: Any::encode_from(&signed_data).map_err(enc)?,
        }
        .to_der()
        .map_err(enc)
    }
}

/// What [`verify_detached`] established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signer's certificate (DER), taken from the `SignedData`. Its trust
    /// (chain, validity, revocation) is the caller's decision.
    pub certificate_der: Vec<u8>,
    /// The signature algorithm of the signer.
    pub algorithm: SignatureAlgorithm,
    /// The signer's RFC 3161 timestamp, checked over its signature value
    /// (the first, when there are several).
    pub timestamp: Option<crate::tsp::TimeStamp>,
}

fn hash_from_oid(oid: &der::asn1::ObjectIdentifier) -> Option<crate::token::HashAlgorithm> {
    use crate::token::HashAlgorithm;
    [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ]
    .into_iter()
    .find(|h| h.oid() == *oid)
}

/// The first signer of `sd`, its certificate (found by issuer and serial
/// number among `sd`'s certificates), its signature algorithm and digest
/// algorithm.
pub(crate) fn signer(
    sd: &SignedData,
) -> Result<
    (
        &SignerInfo,
        &Certificate,
        SignatureAlgorithm,
        crate::token::HashAlgorithm,
    ),
    CmsError,
> {
    let si = sd.signer_infos.0.iter().next().ok_or(CmsError::NoSigner)?;
    let SignerIdentifier::IssuerAndSerialNumber(ias) = &si.sid else {
        return Err(CmsError::SignerCertificateMissing);
    };
    let cert = sd
        .certificates
        .as_ref()
        .and_then(|set| {
            set.0.iter().find_map(|c| match c {
                CertificateChoices::Certificate(c)
                    if c.tbs_certificate().issuer() == &ias.issuer
                        && c.tbs_certificate().serial_number() == &ias.serial_number =>
                {
                    Some(c)
                }
                _ => None,
            })
        })
        .ok_or(CmsError::SignerCertificateMissing)?;
    let hash = hash_from_oid(&si.digest_alg.oid).ok_or(CmsError::UnsupportedAlgorithm)?;
    let sig_oid = si.signature_algorithm.oid;
    let algorithm = if sig_oid == oids::RSA_ENCRYPTION
        || sig_oid == oids::SHA256_WITH_RSA
        || sig_oid == oids::SHA384_WITH_RSA
        || sig_oid == oids::SHA512_WITH_RSA
    {
        SignatureAlgorithm::RsaPkcs1v15(hash)
    } else if sig_oid == oids::RSASSA_PSS {
        SignatureAlgorithm::RsaPss(hash)
    } else if sig_oid == oids::ECDSA_WITH_SHA256
        || sig_oid == oids::ECDSA_WITH_SHA384
        || sig_oid == oids::ECDSA_WITH_SHA512
        || sig_oid == oids::EC_PUBLIC_KEY
    {
        SignatureAlgorithm::Ecdsa {
            hash,
            encoding: EcdsaEncoding::Der,
        }
    } else {
        return Err(CmsError::UnsupportedAlgorithm);
    };
    Ok((si, cert, algorithm, hash))
}

/// Checks that `si`'s signed `messageDigest` is `content_digest` and that its
/// signature over the DER signed attributes verifies with `cert`'s key.
pub(crate) fn check_signed(
    si: &SignerInfo,
    cert: &Certificate,
    algorithm: SignatureAlgorithm,
    hash: crate::token::HashAlgorithm,
    content_digest: &[u8],
) -> Result<(), CmsError> {
    let attrs = si.signed_attrs.as_ref().ok_or(CmsError::MissingMessageDigest)?;
    let signed_digest = attrs
        .iter()
        .find(|a| a.oid == oids::MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or(CmsError::MissingMessageDigest)?;
    let same: bool = subtle::ConstantTimeEq::ct_eq(signed_digest.as_bytes(), content_digest).into();
    if !same {
        return Err(CmsError::ContentDigestMismatch);
    }
    let attrs_der = attrs.to_der().map_err(enc)?;
    let spki_der = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(enc)?;
    verify_digest(
        &spki_der,
        algorithm,
        hash.digest(&attrs_der).as_bytes(),
        si.signature.as_bytes(),
    )
    .map_err(CmsError::Signature)
}

fn signed_data(p7s_der: &[u8]) -> Result<SignedData, CmsError> {
    let info = ContentInfo::from_der(p7s_der).map_err(|_| CmsError::Malformed)?;
    if info.content_type != oids::ID_SIGNED_DATA {
        return Err(CmsError::Malformed);
    }
    info.content.decode_as().map_err(|_| CmsError::Malformed)
}

/// Every timestamp token in `si`'s unsigned attributes, checked over its
/// signature value; the first one's findings. `None` without one.
fn timestamp_of(si: &SignerInfo) -> Result<Option<crate::tsp::TimeStamp>, CmsError> {
    let mut first = None;
    let tokens = si
        .unsigned_attrs
        .iter()
        .flat_map(|attrs| attrs.iter())
        .filter(|a| a.oid == crate::tsp::ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
        .flat_map(|a| a.values.iter());
    for token in tokens {
        let der = token.to_der().map_err(enc)?;
        let (stamp, _) =
            crate::tsp::check_token(&der, si.signature.as_bytes()).map_err(CmsError::Timestamp)?;
        first.get_or_insert(stamp);
    }
    Ok(first)
}

/// Verifies a detached CMS `SignedData` (DER `ContentInfo`, a `.p7s` file)
/// over `content` with the certificate embedded in it: the first signer's
/// certificate is found by issuer and serial number, the content's digest must
/// equal the signed `messageDigest` attribute, and the signature over the DER
/// signed attributes must verify with the certificate's key. Works for files
/// made by [`Prepared::finish`] and by `openssl cms -sign` (SHA-2, RSA PKCS#1
/// v1.5 or PSS with the hash's salt length, ECDSA). An RFC 3161 timestamp
/// token in the signer's unsigned attributes is checked too (see
/// [`crate::tsp::check_token`]). It does not judge the certificate's trust,
/// nor the TSA's.
///
/// # Errors
/// [`CmsError::Malformed`], [`CmsError::NoSigner`],
/// [`CmsError::SignerCertificateMissing`], [`CmsError::UnsupportedAlgorithm`],
/// [`CmsError::MissingMessageDigest`], [`CmsError::ContentDigestMismatch`],
/// [`CmsError::Signature`], [`CmsError::Encoding`], [`CmsError::Timestamp`].
pub fn verify_detached(p7s_der: &[u8], content: &[u8]) -> Result<Verified, CmsError> {
    let sd = signed_data(p7s_der)?;
    let (si, cert, algorithm, hash) = signer(&sd)?;
    check_signed(si, cert, algorithm, hash, hash.digest(content).as_bytes())?;
    let timestamp = timestamp_of(si)?;
    Ok(Verified {
        certificate_der: cert.to_der().map_err(enc)?,
        algorithm,
        timestamp,
    })
}

/// The signature octets of the first signer of a `.p7s`: what an RFC 3161
/// timestamp is requested over.
///
/// # Errors
/// [`CmsError::Malformed`], [`CmsError::NoSigner`].
pub fn signature_value(p7s_der: &[u8]) -> Result<Vec<u8>, CmsError> {
    let sd = signed_data(p7s_der)?;
    let si = sd.signer_infos.0.iter().next().ok_or(CmsError::NoSigner)?;
    Ok(si.signature.as_bytes().to_vec())
}

/// Adds a timestamp token (DER, as the TSA sent it) to the first signer of a
/// `.p7s` as its `id-aa-signatureTimeStampToken` unsigned attribute, after
/// checking it over that signer's signature value. The signed attributes and
/// the signature are untouched (unsigned attributes are outside what is
/// signed), so the signature stays valid.
///
/// # Errors
/// [`CmsError::Malformed`], [`CmsError::NoSigner`], [`CmsError::Timestamp`]
/// (the token is not good for this signature), [`CmsError::Encoding`].
pub fn attach_timestamp(p7s_der: &[u8], token_der: &[u8]) -> Result<Vec<u8>, CmsError> {
    let mut sd = signed_data(p7s_der)?;
    let mut infos = sd.signer_infos.0.into_vec();
    let si = infos.first_mut().ok_or(CmsError::NoSigner)?;
    crate::tsp::check_token(token_der, si.signature.as_bytes()).map_err(CmsError::Timestamp)?;
    let token = Any::from_der(token_der).map_err(|_| CmsError::Timestamp(crate::tsp::TspError::Malformed))?;
    let attr = attribute(crate::tsp::ID_AA_SIGNATURE_TIME_STAMP_TOKEN, token)?;
    let mut unsigned = si.unsigned_attrs.take().unwrap_or_default();
    unsigned.insert(attr).map_err(enc)?;
    si.unsigned_attrs = Some(unsigned);
    sd.signer_infos = SignerInfos::try_from(infos).map_err(enc)?;
    ContentInfo {
        content_type: oids::ID_SIGNED_DATA,
        content: Any::encode_from(&sd).map_err(enc)?,
    }
    .to_der()
    .map_err(enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_time_uses_utc_then_generalized() {
        // 2026-03-01T00:00:00Z -> UTCTime "260301000000Z"
        let t = signing_time_value(UnixTime(1_772_323_200)).unwrap();
        assert_eq!(t.to_der().unwrap(), b"\x17\x0d260301000000Z");
        // 2050-01-01T00:00:00Z -> GeneralizedTime
        let t = signing_time_value(UnixTime(2_524_608_000)).unwrap();
        assert_eq!(t.to_der().unwrap(), b"\x18\x0f20500101000000Z");
        assert_eq!(
            signing_time_value(UnixTime(-1)),
            Err(CmsError::SigningTimeOutOfRange { time: UnixTime(-1) })
        );
    }

    #[test]
    fn prepare_refuses_bad_inputs() {
        let alg = SignatureAlgorithm::RsaPss(crate::token::HashAlgorithm::Sha256);
        assert_eq!(
            prepare(b"not a cert", alg, &[0; 32], UnixTime(0)).err(),
            Some(CmsError::MalformedCertificate)
        );
    }
}

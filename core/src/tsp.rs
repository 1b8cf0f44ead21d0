//! RFC 3161 timestamps over a signature value: the request, and the checks of
//! the response and of the token (feature `alloc`).
//!
//! A signature is timestamped by asking a time-stamping authority (TSA) for a
//! token over the SHA-256 of the `SignerInfo`'s signature octets (RFC 3161
//! appendix A); the token goes into the `SignerInfo` as the unsigned
//! attribute `id-aa-signatureTimeStampToken` (see
//! [`cms::attach_timestamp`](crate::cms::attach_timestamp)). Networking is the
//! host's; every rule about what a usable answer is lives here:
//!
//! * the status is granted (0) or grantedWithMods (1), and a token is present;
//! * the token is a `SignedData` over a `TSTInfo` whose message imprint is the
//!   hash of our signature value, and (for a response) whose nonce is the one
//!   sent;
//! * the token's `SignerInfo` signature verifies with the TSA certificate
//!   embedded in the token (the request asks for it), its `messageDigest`
//!   matches the `TSTInfo`, and that certificate's extendedKeyUsage is
//!   critical and timeStamping only (RFC 3161 section 2.3).
//!
//! Whether the TSA's certificate chains to a trusted root is the verifier's
//! decision (`openssl ts -verify -CAfile`); these checks establish the token's
//! integrity and that it is about this signature.
//!
//! Why these structures are defined here: the RustCrypto `x509-tsp` crate
//! (0.1, the only release) is built on `der` 0.7 / `cms` 0.2 / `x509-cert`
//! 0.2, and this tree uses `der` 0.8 / `cms` 0.3 / `x509-cert` 0.3; taking it
//! would put two versions of each in the tree. The few structures RFC 3161
//! needs are defined below with `der`'s derives.
//!
//! Every input is untrusted: a malformed or hostile response is an error,
//! never a panic.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{Any, Int, ObjectIdentifier as Oid, OctetString, Uint};
use der::{Decode, Encode, Sequence, Tag, Tagged};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::ext::pkix::name::GeneralName;

use crate::time::{Date, UnixTime};
use crate::token::{HashAlgorithm, oids};

/// `id-aa-signatureTimeStampToken` (RFC 3161 appendix A): the unsigned
/// attribute that holds a token over the signature value.
pub const ID_AA_SIGNATURE_TIME_STAMP_TOKEN: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
/// `id-ct-TSTInfo`: the content type of a timestamp token.
pub const ID_CT_TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// `id-kp-timeStamping`.
pub const ID_KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
/// `id-ce-extKeyUsage`.
const ID_CE_EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");

/// The hash of the message imprint Signet asks for.
pub const IMPRINT_HASH: HashAlgorithm = HashAlgorithm::Sha256;

/// `MessageImprint ::= SEQUENCE { hashAlgorithm, hashedMessage }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct MessageImprint {
    /// The hash algorithm.
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// The hash of the data timestamped.
    pub hashed_message: OctetString,
}

/// `TimeStampReq` (RFC 3161 section 2.4.1).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TimeStampReq {
    /// `v1(1)`.
    pub version: u8,
    /// What to timestamp.
    pub message_imprint: MessageImprint,
    /// The policy asked for.
    #[asn1(optional = "true")]
    pub req_policy: Option<Oid>,
    /// A random number the token must repeat.
    #[asn1(optional = "true")]
    pub nonce: Option<Uint>,
    /// Whether the TSA must put its certificate in the token.
    #[asn1(default = "Default::default")]
    pub cert_req: bool,
    /// Extensions.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// `PKIStatusInfo` (RFC 3161 section 2.4.2).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct PkiStatusInfo {
    /// `granted(0)`, `grantedWithMods(1)`, `rejection(2)`, `waiting(3)`,
    /// `revocationWarning(4)`, `revocationNotification(5)`.
    pub status: u32,
    /// `PKIFreeText`: the TSA's words.
    #[asn1(optional = "true")]
    pub status_string: Option<Vec<String>>,
    /// `PKIFailureInfo`.
    #[asn1(optional = "true")]
    pub fail_info: Option<der::asn1::BitString>,
}

/// `TimeStampResp` (RFC 3161 section 2.4.2). The token is kept as the TSA
/// sent it, so that exactly those bytes are embedded.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TimeStampResp {
    /// The status.
    pub status: PkiStatusInfo,
    /// `TimeStampToken ::= ContentInfo`.
    #[asn1(optional = "true")]
    pub time_stamp_token: Option<Any>,
}

/// `Accuracy` (RFC 3161 section 2.4.2).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct Accuracy {
    /// Seconds.
    #[asn1(optional = "true")]
    pub seconds: Option<u64>,
    /// Milliseconds (1..999).
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub millis: Option<u16>,
    /// Microseconds (1..999).
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub micros: Option<u16>,
}

/// `TSTInfo` (RFC 3161 section 2.4.2).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TstInfo {
    /// `v1(1)`.
    pub version: u8,
    /// The TSA's policy.
    pub policy: Oid,
    /// What was timestamped.
    pub message_imprint: MessageImprint,
    /// The token's serial number.
    pub serial_number: Int,
    /// `GeneralizedTime`, kept raw: RFC 3161 allows fractional seconds, which
    /// `der`'s `GeneralizedTime` refuses. [`parse_gen_time`] reads it.
    pub gen_time: Any,
    /// How accurate `gen_time` is.
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    /// Whether tokens of this TSA can be ordered by `gen_time` alone.
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    /// The request's nonce.
    #[asn1(optional = "true")]
    pub nonce: Option<Uint>,
    /// The TSA's name.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<GeneralName>,
    /// Extensions.
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// Why a timestamp response or token is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TspError {
    /// Not DER of the RFC 3161 / RFC 5652 structure it must be.
    Malformed,
    /// The TSA did not grant the request.
    Rejected {
        /// The `PKIStatus`.
        status: u32,
        /// The TSA's status text (untrusted; shown sanitised).
        text: Option<String>,
    },
    /// Granted, but no token.
    NoToken,
    /// The token's message imprint is not the hash of the signature value.
    ImprintMismatch,
    /// The token's nonce is not the one sent (or is missing).
    NonceMismatch,
    /// A hash or signature algorithm this crate does not verify.
    UnsupportedAlgorithm,
    /// The TSA's certificate is not in the token.
    SignerCertificateMissing,
    /// The TSA's certificate is not for timestamping only (critical
    /// extendedKeyUsage of timeStamping, RFC 3161 section 2.3).
    NotTimestampingCertificate,
    /// The token's signed `messageDigest` (or `contentType`) does not match
    /// its `TSTInfo`.
    MessageDigestMismatch,
    /// The token's signature does not verify with the TSA's certificate.
    SignatureInvalid,
    /// Encoding the request failed.
    Encoding,
}

impl crate::ErrorCode for TspError {
    fn code(&self) -> &'static str {
        match self {
            TspError::Malformed => "tsp_malformed",
            TspError::Rejected { .. } => "tsp_rejected",
            TspError::NoToken => "tsp_no_token",
            TspError::ImprintMismatch => "tsp_imprint_mismatch",
            TspError::NonceMismatch => "tsp_nonce_mismatch",
            TspError::UnsupportedAlgorithm => "tsp_unsupported_algorithm",
            TspError::SignerCertificateMissing => "tsp_signer_certificate_missing",
            TspError::NotTimestampingCertificate => "tsp_certificate_not_for_timestamping",
            TspError::MessageDigestMismatch => "tsp_message_digest_mismatch",
            TspError::SignatureInvalid => "tsp_signature_invalid",
            TspError::Encoding => "tsp_encoding",
        }
    }
}

/// Longest TSA status text shown.
const MAX_TEXT: usize = 200;

impl fmt::Display for TspError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TspError::Malformed => f.write_str("the answer is not a DER RFC 3161 response or token"),
            TspError::Rejected { status, text } => {
                let name = match status {
                    2 => "rejection",
                    3 => "waiting",
                    4 => "revocationWarning",
                    5 => "revocationNotification",
                    _ => "unknown",
                };
                write!(f, "the TSA did not grant the timestamp (status {status}, {name})")?;
                if let Some(text) = text {
                    // The TSA's text is untrusted: no control characters
                    // (terminal escapes) and bounded length.
                    f.write_str(": \"")?;
                    for c in text.chars().take(MAX_TEXT) {
                        let c = if c.is_control() { '?' } else { c };
                        write!(f, "{c}")?;
                    }
                    f.write_str("\"")?;
                }
                Ok(())
            }
            TspError::NoToken => f.write_str("the TSA granted the request but sent no token"),
            TspError::ImprintMismatch => {
                f.write_str("the token's message imprint is not the hash of this signature")
            }
            TspError::NonceMismatch => f.write_str("the token's nonce is not the one sent"),
            TspError::UnsupportedAlgorithm => {
                f.write_str("the token uses a hash or signature algorithm Signet does not verify")
            }
            TspError::SignerCertificateMissing => f.write_str("the TSA's certificate is not in the token"),
            TspError::NotTimestampingCertificate => f.write_str(
                "the TSA's certificate does not have a critical extendedKeyUsage of timeStamping only",
            ),
            TspError::MessageDigestMismatch => {
                f.write_str("the token's signed messageDigest does not match its TSTInfo")
            }
            TspError::SignatureInvalid => {
                f.write_str("the token's signature does not verify with the TSA's certificate")
            }
            TspError::Encoding => f.write_str("DER encoding of the timestamp request failed"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for TspError {}

/// A checked timestamp token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeStamp {
    /// `genTime`, in whole seconds (fractions dropped).
    pub time: UnixTime,
    /// The TSA's certificate (DER), from the token. Its trust is the caller's
    /// decision.
    pub tsa_certificate_der: Vec<u8>,
    /// The token (DER `ContentInfo`), as the TSA sent it.
    pub token_der: Vec<u8>,
    /// The token's serial number (big-endian bytes).
    pub serial_number: Vec<u8>,
}

/// A DER `TimeStampReq` for `signature_value`: SHA-256 imprint of those
/// octets, the nonce, `certReq` true.
///
/// # Errors
/// [`TspError::Encoding`] (a nonce that is empty or over 64 bytes).
pub fn request(signature_value: &[u8], nonce: &[u8]) -> Result<Vec<u8>, TspError> {
    if nonce.is_empty() || nonce.len() > 64 {
        return Err(TspError::Encoding);
    }
    let hash_algorithm = AlgorithmIdentifierOwned::from_der(IMPRINT_HASH.algorithm_identifier_der())
        .map_err(|_| TspError::Encoding)?;
    TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm,
            hashed_message: OctetString::new(IMPRINT_HASH.digest(signature_value).as_bytes())
                .map_err(|_| TspError::Encoding)?,
        },
        req_policy: None,
        nonce: Some(Uint::new(nonce).map_err(|_| TspError::Encoding)?),
        cert_req: true,
        extensions: None,
    }
    .to_der()
    .map_err(|_| TspError::Encoding)
}

/// Checks a DER `TimeStampResp` to the request [`request`] made for
/// `signature_value` and `nonce`: status, token (see [`check_token`]) and
/// nonce.
///
/// # Errors
/// [`TspError::Malformed`], [`TspError::Rejected`], [`TspError::NoToken`],
/// [`TspError::NonceMismatch`], and [`check_token`]'s errors.
pub fn check_response(
    response_der: &[u8],
    signature_value: &[u8],
    nonce: &[u8],
) -> Result<TimeStamp, TspError> {
    let resp = TimeStampResp::from_der(response_der).map_err(|_| TspError::Malformed)?;
    if resp.status.status > 1 {
        let text = resp
            .status
            .status_string
            .and_then(|texts| texts.into_iter().next());
        return Err(TspError::Rejected {
            status: resp.status.status,
            text,
        });
    }
    let token = resp.time_stamp_token.ok_or(TspError::NoToken)?;
    let token_der = token.to_der().map_err(|_| TspError::Malformed)?;
    let (stamp, info) = check_token(&token_der, signature_value)?;
    let sent = Uint::new(nonce).map_err(|_| TspError::Encoding)?;
    match info.nonce {
        Some(n) if n == sent => Ok(stamp),
        _ => Err(TspError::NonceMismatch),
    }
}

/// Checks a DER timestamp token (`ContentInfo` / `SignedData` over a
/// `TSTInfo`) over `signature_value`: the imprint, the TSA certificate's
/// extendedKeyUsage, `contentType` and `messageDigest`, and the token's
/// signature. See the module docs for what it does not judge.
///
/// # Errors
/// Every [`TspError`] but `Rejected`, `NoToken`, `NonceMismatch` and
/// `Encoding`.
pub fn check_token(token_der: &[u8], signature_value: &[u8]) -> Result<(TimeStamp, TstInfo), TspError> {
    let info = ContentInfo::from_der(token_der).map_err(|_| TspError::Malformed)?;
    if info.content_type != oids::ID_SIGNED_DATA {
        return Err(TspError::Malformed);
    }
    let sd: SignedData = info.content.decode_as().map_err(|_| TspError::Malformed)?;
    if sd.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(TspError::Malformed);
    }
    let content = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or(TspError::Malformed)?
        .decode_as::<OctetString>()
        .map_err(|_| TspError::Malformed)?;
    let tst = TstInfo::from_der(content.as_bytes()).map_err(|_| TspError::Malformed)?;
    if tst.version != 1 {
        return Err(TspError::Malformed);
    }

    // The imprint first: a token about something else is the most telling
    // answer, whatever else is wrong with it.
    let imprint = &tst.message_imprint;
    let hash = hash_of(&imprint.hash_algorithm).ok_or(TspError::UnsupportedAlgorithm)?;
    let ours = hash.digest(signature_value);
    let same: bool = subtle::ConstantTimeEq::ct_eq(imprint.hashed_message.as_bytes(), ours.as_bytes()).into();
    if !same {
        return Err(TspError::ImprintMismatch);
    }

    let (si, cert, algorithm, signer_hash) = crate::cms::signer(&sd).map_err(|e| match e {
        crate::cms::CmsError::UnsupportedAlgorithm => TspError::UnsupportedAlgorithm,
        crate::cms::CmsError::Malformed => TspError::Malformed,
        _ => TspError::SignerCertificateMissing,
    })?;
    check_timestamping_usage(cert)?;
    // RFC 5652 section 11.1: the signed contentType must be the content's.
    let attrs = si.signed_attrs.as_ref().ok_or(TspError::MessageDigestMismatch)?;
    let content_type = attrs
        .iter()
        .find(|a| a.oid == oids::CONTENT_TYPE)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<Oid>().ok());
    if content_type != Some(ID_CT_TST_INFO) {
        return Err(TspError::MessageDigestMismatch);
    }
    let content_digest = signer_hash.digest(content.as_bytes());
    crate::cms::check_signed(si, cert, algorithm, signer_hash, content_digest.as_bytes()).map_err(
        |e| match e {
            crate::cms::CmsError::MissingMessageDigest | crate::cms::CmsError::ContentDigestMismatch => {
                TspError::MessageDigestMismatch
            }
            crate::cms::CmsError::Encoding => TspError::Malformed,
            _ => TspError::SignatureInvalid,
        },
    )?;

    let time = parse_gen_time(&tst.gen_time).ok_or(TspError::Malformed)?;
    let stamp = TimeStamp {
        time,
        tsa_certificate_der: cert.to_der().map_err(|_| TspError::Malformed)?,
        token_der: token_der.to_vec(),
        serial_number: tst.serial_number.as_bytes().to_vec(),
    };
    Ok((stamp, tst))
}

/// The SHA-2 hash an `AlgorithmIdentifier` names, with absent or NULL
/// parameters (both are seen in the wild).
fn hash_of(alg: &AlgorithmIdentifierOwned) -> Option<HashAlgorithm> {
    let params_ok = match &alg.parameters {
        None => true,
        Some(p) => p.tag() == Tag::Null && p.value().is_empty(),
    };
    if !params_ok {
        return None;
    }
    [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ]
    .into_iter()
    .find(|h| h.oid() == alg.oid)
}

/// RFC 3161 section 2.3: the TSA's certificate has exactly one
/// extendedKeyUsage, timeStamping, and the extension is critical.
fn check_timestamping_usage(cert: &Certificate) -> Result<(), TspError> {
    let ext = cert
        .tbs_certificate()
        .extensions()
        .and_then(|exts| exts.iter().find(|e| e.extn_id == ID_CE_EXT_KEY_USAGE))
        .ok_or(TspError::NotTimestampingCertificate)?;
    if !ext.critical {
        return Err(TspError::NotTimestampingCertificate);
    }
    let eku = ExtendedKeyUsage::from_der(ext.extn_value.as_bytes())
        .map_err(|_| TspError::NotTimestampingCertificate)?;
    if eku.0.as_slice() != [ID_KP_TIME_STAMPING] {
        return Err(TspError::NotTimestampingCertificate);
    }
    Ok(())
}

/// `GeneralizedTime` as RFC 3161 allows it: `YYYYMMDDhhmmss[.f+]Z`, whole
/// seconds returned. `None` for anything else.
pub fn parse_gen_time(time: &Any) -> Option<UnixTime> {
    if time.tag() != Tag::GeneralizedTime {
        return None;
    }
    let s = time.value();
    let (body, rest) = (s.get(..14)?, s.get(14..)?);
    let rest = match rest.strip_prefix(b".") {
        // RFC 3161: no trailing zeros in the fraction, and at least one digit.
        Some(frac) => {
            let digits = frac.strip_suffix(b"Z")?;
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) || digits.last() == Some(&b'0') {
                return None;
            }
            b"Z".as_slice()
        }
        None => rest,
    };
    if rest != b"Z" || !body.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |range: core::ops::Range<usize>| -> Option<u32> {
        body.get(range)?.iter().try_fold(0u32, |acc, d| {
            acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        })
    };
    let year = u16::try_from(num(0..4)?).ok()?;
    let month = u8::try_from(num(4..6)?).ok()?;
    let day = u8::try_from(num(6..8)?).ok()?;
    let (h, m, sec) = (num(8..10)?, num(10..12)?, num(12..14)?);
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let date = Date::from_ymd(year, month, day).ok()?;
    Some(date.start().saturating_add(i64::from(h * 3600 + m * 60 + sec)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generalized(s: &str) -> Any {
        Any::new(Tag::GeneralizedTime, s.as_bytes()).unwrap()
    }

    #[test]
    fn gen_time_with_and_without_fractions() {
        // 2026-03-01T00:00:00Z
        assert_eq!(
            parse_gen_time(&generalized("20260301000000Z")),
            Some(UnixTime(1_772_323_200))
        );
        assert_eq!(
            parse_gen_time(&generalized("20260301000001.25Z")),
            Some(UnixTime(1_772_323_201))
        );
        for bad in [
            "20260301000000",
            "20260301000000.Z",
            "20260301000000.10Z",
            "20261301000000Z",
            "20260301240000Z",
            "2026030100000Z",
            "20260301000000+0100",
            "",
        ] {
            assert_eq!(parse_gen_time(&generalized(bad)), None, "{bad}");
        }
        let utc = Any::new(Tag::UtcTime, b"260301000000Z".as_slice()).unwrap();
        assert_eq!(parse_gen_time(&utc), None);
    }

    #[test]
    fn request_is_der_with_imprint_nonce_and_cert_req() {
        let der = request(b"signature", &[0x80, 1, 2, 3]).unwrap();
        let req = TimeStampReq::from_der(&der).unwrap();
        assert_eq!(req.version, 1);
        assert!(req.cert_req);
        assert_eq!(
            req.message_imprint.hashed_message.as_bytes(),
            HashAlgorithm::Sha256.digest(b"signature").as_bytes()
        );
        assert_eq!(req.message_imprint.hash_algorithm.oid, oids::SHA256);
        // A nonce with its high bit set stays positive.
        assert_eq!(req.nonce.unwrap().as_bytes(), [0x80, 1, 2, 3]);
        assert_eq!(request(b"s", &[]), Err(TspError::Encoding));
    }

    #[test]
    fn hostile_responses_are_errors() {
        // A rejection: status 2 with a text holding a terminal escape.
        let rejection = b"\x30\x0c\x30\x0a\x02\x01\x02\x30\x05\x0c\x03\x1b[m";
        let e = check_response(rejection, b"sig", &[1]).unwrap_err();
        assert_eq!(
            e,
            TspError::Rejected {
                status: 2,
                text: Some("\u{1b}[m".into())
            }
        );
        assert!(!alloc::format!("{e}").contains('\u{1b}'));
        // Granted without a token.
        assert_eq!(
            check_response(b"\x30\x05\x30\x03\x02\x01\x00", b"sig", &[1]),
            Err(TspError::NoToken)
        );
        for junk in [
            &b""[..],
            b"\x30",
            b"\x30\x80\x00\x00",
            b"\x30\x03\x02\x01\x00trailing",
            &[0xff; 64],
        ] {
            assert_eq!(check_response(junk, b"sig", &[1]), Err(TspError::Malformed));
            assert_eq!(check_token(junk, b"sig").err(), Some(TspError::Malformed));
        }
    }
}

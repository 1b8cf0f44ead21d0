//! The signing key: a development state's software key in
//! `signer/key.p8`, or a key on a PKCS#11 token ([`Backend`]); its
//! certificate, and the certificate files users pass in.
//!
//! The key is generated here (the token never exports keys), written once as
//! PKCS#8 with mode 0600, and imported into core's software token for every
//! use. Production keys live on hardware tokens behind the same `Token`
//! trait; the software key is for development (RUSTSEC-2023-0071 applies to
//! its RSA, see `core/README.md`).

use der::SecretDocument;
use signet_core::budget::CertFingerprint;
use signet_core::policy::CertificateRef;
use signet_core::time::UnixTime;
use signet_core::token::soft::{SoftToken, SoftTokenError};
use signet_core::token::{ErrorKind, KeyAttributes, KeyHandle, KeyType, KeyUsage, SignatureAlgorithm, Token};

use crate::caller::CallerError;
use crate::pkcs11::{Pkcs11Error, Pkcs11Token};

use crate::error::{Error, Result};

/// The random generator of the software token and of key generation.
pub type Rng = rand_core::UnwrapErr<getrandom::SysRng>;

fn rng() -> Rng {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// The software token holding one signing key.
pub type SoftSigner = SoftToken<Rng, 1>;

/// Makes a new key of `key_type` as PKCS#8 DER (zeroized on drop).
///
/// # Errors
/// `token_not_supported` for a key type the software token does not make,
/// `token_other` if generation or encoding fails.
pub fn generate_pkcs8(key_type: KeyType) -> Result<SecretDocument> {
    use p256::elliptic_curve::Generate;
    use p256::pkcs8::EncodePrivateKey;
    let mut rng = rng();
    let failed = |what: &str| Error::failed("token_other", format!("key generation failed: {what}"));
    let doc = match key_type {
        KeyType::EccP256 => p256::SecretKey::generate_from_rng(&mut rng).to_pkcs8_der(),
        KeyType::EccP384 => p384::SecretKey::generate_from_rng(&mut rng).to_pkcs8_der(),
        KeyType::Rsa {
            bits: bits @ (3072 | 4096),
        } => {
            let key = rsa::RsaPrivateKey::new(&mut rng, usize::from(bits)).map_err(|_| failed("RSA"))?;
            rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&key)
        }
        other => {
            return Err(Error::failed(
                "token_not_supported",
                format!(
                    "the software token makes rsa-3072, rsa-4096, ecc-p256 and ecc-p384 keys, not {other}"
                ),
            ));
        }
    };
    doc.map_err(|_| failed("PKCS#8 encoding"))
}

/// Imports a PKCS#8 key into a fresh software token.
///
/// # Errors
/// The token's code (`token_invalid_key`, ...), prefixed with `what`.
pub fn import(pkcs8: &[u8], alg: SignatureAlgorithm, what: &str) -> Result<(SoftSigner, KeyHandle)> {
    let mut token = SoftSigner::new(rng());
    let handle = token
        .import_pkcs8_der(pkcs8, KeyUsage::SIGN_HASH, alg)
        .map_err(|e| {
            Error::from_core_in(what, &e).with_hint("the key file is damaged; restore it from a backup")
        })?;
    Ok((token, handle))
}

/// A self-issued certificate for the token's key (a development state's
/// certificate, or the bootstrap certificate of a key on a PKCS#11 token).
///
/// # Errors
/// The core's `cert_*` codes.
pub fn self_signed<T: Token>(
    token: &mut T,
    handle: KeyHandle,
    common_name: &str,
    not_before: UnixTime,
    days: u32,
) -> Result<Vec<u8>> {
    let not_after = not_before.saturating_add(i64::from(days) * 86_400);
    let serial = u64::try_from(not_before.as_secs()).unwrap_or(1).max(1);
    signet_core::cert::self_signed(token, handle, common_name, not_before, not_after, serial)
        .map_err(|e| Error::from_core_in("certificate", &e))
}

/// The DER of a certificate given as PEM or DER.
///
/// # Errors
/// `certificate_invalid` when it is neither.
pub fn certificate_der(bytes: &[u8], name: &str) -> Result<Vec<u8>> {
    let der = signet_core::policy::certificate_der_from_pem_or_der(bytes)
        .map_err(|e| Error::failed("certificate_invalid", format!("{name}: {e}")))?;
    CertificateRef::from_der(&der).map_err(|e| {
        Error::failed(
            "certificate_invalid",
            format!("{name}: not an X.509 certificate ({e})"),
        )
    })?;
    Ok(der)
}

/// The SHA-256 fingerprint of a DER certificate.
///
/// # Errors
/// `certificate_invalid`.
pub fn fingerprint(cert_der: &[u8]) -> Result<CertFingerprint> {
    let cert = CertificateRef::from_der(cert_der)
        .map_err(|e| Error::failed("certificate_invalid", format!("not an X.509 certificate ({e})")))?;
    Ok(CertFingerprint(cert.fingerprint_sha256()))
}

/// Parses a fingerprint: 64 hex digits, `:` separators allowed.
///
/// # Errors
/// `fingerprint_invalid`.
pub fn parse_fingerprint(s: &str) -> Result<CertFingerprint> {
    let bad = || {
        Error::failed(
            "fingerprint_invalid",
            format!("invalid fingerprint {s:?}: expected the certificate's SHA-256 as 64 hex digits"),
        )
    };
    let clean: Vec<u8> = s.bytes().filter(|c| *c != b':').collect();
    if clean.len() != 64 {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(clean.chunks_exact(2)) {
        let text = std::str::from_utf8(pair).map_err(|_| bad())?;
        *byte = u8::from_str_radix(text, 16).map_err(|_| bad())?;
    }
    Ok(CertFingerprint(out))
}

/// The certificate's subject, as an RFC 4514 string.
pub fn subject(cert_der: &[u8]) -> String {
    use der::Decode;
    x509_cert::Certificate::from_der(cert_der)
        .map(|c| c.tbs_certificate().subject().to_string())
        .unwrap_or_default()
}

/// The certificate as PEM.
pub fn certificate_pem(cert_der: &[u8]) -> String {
    der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, cert_der).unwrap_or_default()
}

/// A certificate signing request as PEM (`CERTIFICATE REQUEST`, RFC 7468).
pub fn csr_pem(csr_der: &[u8]) -> String {
    der::pem::encode_string("CERTIFICATE REQUEST", der::pem::LineEnding::LF, csr_der).unwrap_or_default()
}

/// The token holding a state's signing key: core's software token (a
/// development key in `signer/key.p8`), a PKCS#11 token, or a token the
/// caller implements. Each implements core's [`Token`]; everything that
/// signs goes through it.
pub enum Backend {
    /// The software token (boxed: it holds its key slots inline).
    Software(Box<SoftSigner>),
    /// A PKCS#11 token.
    Pkcs11(Pkcs11Token),
    /// A token the caller implements (a Python object, C callbacks).
    Caller(Box<dyn crate::caller::CallerToken>),
}

impl core::fmt::Debug for Backend {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Backend::Software(t) => f.debug_tuple("Software").field(t).finish(),
            Backend::Pkcs11(t) => f.debug_tuple("Pkcs11").field(t).finish(),
            Backend::Caller(_) => f.write_str("Caller"),
        }
    }
}

/// A [`Backend`]'s error: the software token's or the PKCS#11 token's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendError {
    /// From the software token.
    Software(SoftTokenError),
    /// From the PKCS#11 token.
    Pkcs11(Pkcs11Error),
    /// From the caller's token.
    Caller(CallerError),
}

impl signet_core::token::Error for BackendError {
    fn kind(&self) -> ErrorKind {
        match self {
            BackendError::Software(e) => e.kind(),
            BackendError::Pkcs11(e) => e.kind(),
            BackendError::Caller(e) => e.kind(),
        }
    }
}

impl signet_core::ErrorCode for BackendError {
    fn code(&self) -> &'static str {
        match self {
            BackendError::Software(e) => e.code(),
            BackendError::Pkcs11(e) => e.code(),
            BackendError::Caller(e) => e.code(),
        }
    }
}

impl core::fmt::Display for BackendError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BackendError::Software(e) => e.fmt(f),
            BackendError::Pkcs11(e) => e.fmt(f),
            BackendError::Caller(e) => e.fmt(f),
        }
    }
}

impl From<BackendError> for Error {
    fn from(e: BackendError) -> Error {
        match e {
            BackendError::Software(e) => Error::from_core_in("the software key", &e),
            BackendError::Pkcs11(e) => e.into(),
            BackendError::Caller(e) => Error::from_core_in("the caller's token", &e),
        }
    }
}

impl Backend {
    /// `software`, `pkcs11` or `caller`.
    pub fn kind(&self) -> &'static str {
        match self {
            Backend::Software(_) => "software",
            Backend::Pkcs11(_) => "pkcs11",
            Backend::Caller(_) => "caller",
        }
    }
}

impl Token for Backend {
    type Error = BackendError;

    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, BackendError> {
        match self {
            Backend::Software(t) => t.key_attributes(handle).map_err(BackendError::Software),
            Backend::Pkcs11(t) => t.key_attributes(handle).map_err(BackendError::Pkcs11),
            Backend::Caller(t) => Token::key_attributes(t, handle).map_err(BackendError::Caller),
        }
    }

    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, BackendError> {
        match self {
            Backend::Software(t) => t.public_key(handle, out).map_err(BackendError::Software),
            Backend::Pkcs11(t) => t.public_key(handle, out).map_err(BackendError::Pkcs11),
            Backend::Caller(t) => Token::public_key(t, handle, out).map_err(BackendError::Caller),
        }
    }

    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, BackendError> {
        match self {
            Backend::Software(t) => t
                .sign_digest(handle, alg, digest, out)
                .map_err(BackendError::Software),
            Backend::Pkcs11(t) => t
                .sign_digest(handle, alg, digest, out)
                .map_err(BackendError::Pkcs11),
            Backend::Caller(t) => {
                Token::sign_digest(t, handle, alg, digest, out).map_err(BackendError::Caller)
            }
        }
    }
}

/// The key's public key (DER `SubjectPublicKeyInfo`).
///
/// # Errors
/// The token's code.
pub fn spki<T: Token>(token: &T, handle: KeyHandle) -> Result<Vec<u8>>
where
    T::Error: signet_core::ErrorCode + core::fmt::Display,
{
    let mut buf = [0u8; signet_core::token::MAX_SPKI_LEN];
    let n = token
        .public_key(handle, &mut buf)
        .map_err(|e| Error::from_core_in("the signing key", &e))?;
    Ok(buf.get(..n).unwrap_or_default().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_and_certificates() {
        assert_eq!(parse_fingerprint(&"ab".repeat(32)).unwrap().0, [0xab; 32]);
        let colons = vec!["AB"; 32].join(":");
        assert_eq!(parse_fingerprint(&colons).unwrap().0, [0xab; 32]);
        assert_eq!(parse_fingerprint("ab").unwrap_err().code(), "fingerprint_invalid");
        assert_eq!(
            parse_fingerprint(&"zz".repeat(32)).unwrap_err().code(),
            "fingerprint_invalid"
        );
        let key = generate_pkcs8(KeyType::EccP256).unwrap();
        let alg = KeyType::EccP256.default_algorithm();
        let (mut token, handle) = import(key.as_bytes(), alg, "key").unwrap();
        let der = self_signed(&mut token, handle, "t", UnixTime(1_767_225_600), 30).unwrap();
        let pem = certificate_pem(&der);
        assert_eq!(certificate_der(pem.as_bytes(), "c").unwrap(), der);
        assert_eq!(certificate_der(&der, "c").unwrap(), der);
        assert_eq!(
            certificate_der(b"junk", "c").unwrap_err().code(),
            "certificate_invalid"
        );
        assert_eq!(subject(&der), "CN=t");
    }
}

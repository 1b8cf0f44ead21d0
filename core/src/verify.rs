//! Signature verification against a DER `SubjectPublicKeyInfo`.
//!
//! The sign primitive verifies every signature before releasing it, as a
//! countermeasure against fault attacks on the token (a faulty RSA-CRT or ECDSA
//! signature can leak the private key). [`verify_digest`] is that check.
//!
//! Heap use, stated plainly:
//! - ECDSA (features `p256`, `p384`): no heap. The key is parsed from the SPKI
//!   into stack values and the signature is decoded in place.
//! - **RSA (feature `rsa`) allocates.** The `rsa` crate (0.10.0-rc.20) keeps
//!   moduli and exponents in heap-backed `crypto_bigint::BoxedUint`s, and its
//!   verification decodes the public key into an `RsaPublicKey` (boxed limbs)
//!   and produces the encoded message as a `Vec<u8>`. That is why the `rsa`
//!   feature implies `alloc`; an embedded build without a heap leaves `rsa` off
//!   and then [`verify_digest`] refuses RSA with
//!   [`VerifyError::AlgorithmNotCompiled`] (fail closed).

use core::fmt;

use der::Decode;
use spki::SubjectPublicKeyInfoRef;

use crate::token::{AlgorithmFamily, EcdsaEncoding, SignatureAlgorithm, oids};

/// Why a signature did not verify.
///
/// Deliberately coarse about the signature itself ([`BadSignature`](Self::BadSignature)
/// covers every mathematical failure), as RustCrypto's `signature::Error` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The digest's length does not match the algorithm's hash.
    DigestLength {
        /// Length of the algorithm's hash.
        expected: usize,
        /// Length given.
        actual: usize,
    },
    /// The `SubjectPublicKeyInfo` is not valid DER or not a valid key.
    MalformedPublicKey,
    /// The key is not of the algorithm's family (e.g. an EC key with RSA-PSS).
    KeyAlgorithmMismatch {
        /// The algorithm asked for.
        algorithm: SignatureAlgorithm,
    },
    /// The key's curve or size is not supported.
    UnsupportedKey,
    /// Support for this algorithm family was not compiled in (cargo feature off).
    AlgorithmNotCompiled {
        /// The algorithm asked for.
        algorithm: SignatureAlgorithm,
    },
    /// The signature is not well-formed for the algorithm (length, DER).
    MalformedSignature,
    /// The signature does not verify.
    BadSignature,
    /// An output buffer is too small.
    BufferTooSmall,
}

impl crate::ErrorCode for VerifyError {
    fn code(&self) -> &'static str {
        match self {
            VerifyError::DigestLength { .. } => "verify_digest_length",
            VerifyError::MalformedPublicKey => "verify_malformed_public_key",
            VerifyError::KeyAlgorithmMismatch { .. } => "verify_key_algorithm_mismatch",
            VerifyError::UnsupportedKey => "verify_unsupported_key",
            VerifyError::AlgorithmNotCompiled { .. } => "verify_algorithm_not_compiled",
            VerifyError::MalformedSignature => "verify_malformed_signature",
            VerifyError::BadSignature => "verify_bad_signature",
            VerifyError::BufferTooSmall => "verify_buffer_too_small",
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::DigestLength { expected, actual } => {
                write!(
                    f,
                    "digest is {actual} bytes, the algorithm's hash gives {expected}"
                )
            }
            VerifyError::MalformedPublicKey => f.write_str("malformed SubjectPublicKeyInfo"),
            VerifyError::KeyAlgorithmMismatch { algorithm } => {
                write!(f, "public key cannot be used with {algorithm}")
            }
            VerifyError::UnsupportedKey => f.write_str("unsupported public key curve or size"),
            VerifyError::AlgorithmNotCompiled { algorithm } => {
                write!(f, "{algorithm} verification is not compiled into this build")
            }
            VerifyError::MalformedSignature => f.write_str("malformed signature"),
            VerifyError::BadSignature => f.write_str("signature does not verify"),
            VerifyError::BufferTooSmall => f.write_str("output buffer too small"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VerifyError {}

/// Verifies `signature` over `digest` (already hashed with `alg`'s hash) with
/// the public key in `spki_der`.
///
/// RSA-PSS expects a salt of the hash's length and MGF1 with the same hash.
/// ECDSA accepts either `s` (high or low). Heap: none for ECDSA; RSA allocates
/// (see the module docs).
///
/// # Errors
/// [`VerifyError::DigestLength`], [`VerifyError::MalformedPublicKey`],
/// [`VerifyError::KeyAlgorithmMismatch`], [`VerifyError::UnsupportedKey`],
/// [`VerifyError::AlgorithmNotCompiled`], [`VerifyError::MalformedSignature`],
/// [`VerifyError::BadSignature`].
pub fn verify_digest(
    spki_der: &[u8],
    alg: SignatureAlgorithm,
    digest: &[u8],
    signature: &[u8],
) -> Result<(), VerifyError> {
    verify_digest_with_pss_salt(spki_der, alg, None, digest, signature)
}

/// [`verify_digest`] with an explicit RSA-PSS salt length (`None`: the hash's
/// length). A CSR's `RSASSA-PSS-params` may state any salt length; the
/// policy's CSR check verifies through here so that every signature check in
/// the crate runs the same code.
pub(crate) fn verify_digest_with_pss_salt(
    spki_der: &[u8],
    alg: SignatureAlgorithm,
    pss_salt_len: Option<usize>,
    digest: &[u8],
    signature: &[u8],
) -> Result<(), VerifyError> {
    if digest.len() != alg.digest_len() {
        return Err(VerifyError::DigestLength {
            expected: alg.digest_len(),
            actual: digest.len(),
        });
    }
    let spki = SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|_| VerifyError::MalformedPublicKey)?;
    match alg.family() {
        AlgorithmFamily::Rsa => {
            if spki.algorithm.oid != oids::RSA_ENCRYPTION {
                return Err(VerifyError::KeyAlgorithmMismatch { algorithm: alg });
            }
            verify_rsa(spki_der, alg, pss_salt_len, digest, signature)
        }
        AlgorithmFamily::Ecdsa => {
            if spki.algorithm.oid != oids::EC_PUBLIC_KEY {
                return Err(VerifyError::KeyAlgorithmMismatch { algorithm: alg });
            }
            let curve = spki
                .algorithm
                .parameters_oid()
                .map_err(|_| VerifyError::MalformedPublicKey)?;
            let point = spki
                .subject_public_key
                .as_bytes()
                .ok_or(VerifyError::MalformedPublicKey)?;
            let encoding = match alg {
                SignatureAlgorithm::Ecdsa { encoding, .. } => encoding,
                _ => return Err(VerifyError::KeyAlgorithmMismatch { algorithm: alg }),
            };
            if curve == oids::SECP256R1 {
                verify_p256(point, encoding, alg, digest, signature)
            } else if curve == oids::SECP384R1 {
                verify_p384(point, encoding, alg, digest, signature)
            } else {
                Err(VerifyError::UnsupportedKey)
            }
        }
    }
}

#[cfg(feature = "rsa")]
fn verify_rsa(
    spki_der: &[u8],
    alg: SignatureAlgorithm,
    pss_salt_len: Option<usize>,
    digest: &[u8],
    sig: &[u8],
) -> Result<(), VerifyError> {
    use crate::token::HashAlgorithm;
    use rsa::{Pkcs1v15Sign, Pss};
    use sha2::{Sha256, Sha384, Sha512};

    let key = rsa_public_key(spki_der).ok_or(VerifyError::UnsupportedKey)?;
    fn pss<D: sha2::Digest>(salt: Option<usize>) -> Pss<D> {
        match salt {
            Some(len) => Pss::<D>::new_with_salt(len),
            None => Pss::<D>::new(),
        }
    }
    let result = match alg {
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256) => {
            key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, sig)
        }
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha384) => {
            key.verify(Pkcs1v15Sign::new::<Sha384>(), digest, sig)
        }
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha512) => {
            key.verify(Pkcs1v15Sign::new::<Sha512>(), digest, sig)
        }
        SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256) => {
            key.verify(pss::<Sha256>(pss_salt_len), digest, sig)
        }
        SignatureAlgorithm::RsaPss(HashAlgorithm::Sha384) => {
            key.verify(pss::<Sha384>(pss_salt_len), digest, sig)
        }
        SignatureAlgorithm::RsaPss(HashAlgorithm::Sha512) => {
            key.verify(pss::<Sha512>(pss_salt_len), digest, sig)
        }
        _ => return Err(VerifyError::KeyAlgorithmMismatch { algorithm: alg }),
    };
    result.map_err(|_| VerifyError::BadSignature)
}

/// The `rsa` crate's key from a DER SPKI, for moduli of 1024 to 16384 bits
/// (wider than the crate's default 4096-bit cap, so that a CSR with a larger
/// key is still verified and then refused by policy, not reported unverifiable).
#[cfg(feature = "rsa")]
fn rsa_public_key(spki_der: &[u8]) -> Option<rsa::RsaPublicKey> {
    use der::asn1::UintRef;
    let spki = SubjectPublicKeyInfoRef::from_der(spki_der).ok()?;
    let key = pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(spki.subject_public_key.as_bytes()?).ok()?;
    let n = key.modulus.as_bytes();
    let e = key.public_exponent.as_bytes();
    let precision = |bytes: &[u8]| u32::try_from(bytes.len()).ok()?.checked_mul(8);
    let n = rsa::BoxedUint::from_be_slice(n, precision(n)?).ok()?;
    let e = rsa::BoxedUint::from_be_slice(e, precision(e)?).ok()?;
    rsa::RsaPublicKey::new_with_size_limits(n, e, 1024..=16_384).ok()
}

#[cfg(not(feature = "rsa"))]
fn verify_rsa(
    _: &[u8],
    alg: SignatureAlgorithm,
    _: Option<usize>,
    _: &[u8],
    _: &[u8],
) -> Result<(), VerifyError> {
    Err(VerifyError::AlgorithmNotCompiled { algorithm: alg })
}

macro_rules! verify_ecdsa {
    ($name:ident, $feature:literal, $curve:ident) => {
        #[cfg(feature = $feature)]
        fn $name(
            point: &[u8],
            encoding: EcdsaEncoding,
            _alg: SignatureAlgorithm,
            digest: &[u8],
            sig: &[u8],
        ) -> Result<(), VerifyError> {
            use $curve::ecdsa::{Signature, VerifyingKey, signature::hazmat::PrehashVerifier};
            let key = VerifyingKey::from_sec1_bytes(point).map_err(|_| VerifyError::MalformedPublicKey)?;
            let sig = match encoding {
                EcdsaEncoding::Der => Signature::from_der(sig),
                EcdsaEncoding::Fixed => Signature::from_slice(sig),
            }
            .map_err(|_| VerifyError::MalformedSignature)?;
            key.verify_prehash(digest, &sig)
                .map_err(|_| VerifyError::BadSignature)
        }

        #[cfg(not(feature = $feature))]
        fn $name(
            _: &[u8],
            _: EcdsaEncoding,
            alg: SignatureAlgorithm,
            _: &[u8],
            _: &[u8],
        ) -> Result<(), VerifyError> {
            Err(VerifyError::AlgorithmNotCompiled { algorithm: alg })
        }
    };
}

verify_ecdsa!(verify_p256, "p256", p256);
verify_ecdsa!(verify_p384, "p384", p384);

/// Re-encodes a fixed-size ECDSA signature (`r || s`, equal halves, as PKCS#11
/// and WebCrypto give it) as a DER `Ecdsa-Sig-Value` (RFC 3279) into `out` and
/// returns the length written. No heap; curve-independent.
///
/// # Errors
/// [`VerifyError::MalformedSignature`] when `fixed` is empty or of odd length,
/// [`VerifyError::BufferTooSmall`] when `out` cannot hold the result.
pub fn ecdsa_fixed_to_der(fixed: &[u8], out: &mut [u8]) -> Result<usize, VerifyError> {
    use der::Encode;
    if fixed.is_empty() || !fixed.len().is_multiple_of(2) {
        return Err(VerifyError::MalformedSignature);
    }
    let (r, s) = fixed.split_at(fixed.len() / 2);
    let r = der::asn1::UintRef::new(r).map_err(|_| VerifyError::MalformedSignature)?;
    let s = der::asn1::UintRef::new(s).map_err(|_| VerifyError::MalformedSignature)?;
    let body_len = r
        .encoded_len()
        .and_then(|a| s.encoded_len().and_then(|b| a + b))
        .map_err(|_| VerifyError::MalformedSignature)?;
    let mut writer = der::SliceWriter::new(out);
    writer
        .sequence(body_len, |w| {
            r.encode(w)?;
            s.encode(w)
        })
        .map_err(|_| VerifyError::BufferTooSmall)?;
    let written = writer.finish().map_err(|_| VerifyError::BufferTooSmall)?;
    Ok(written.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::HashAlgorithm;

    #[test]
    fn fixed_to_der_strips_and_pads() {
        // r has its high bit set (needs a 0x00 pad), s has leading zeros (stripped).
        let mut fixed = [0u8; 64];
        fixed[0] = 0x80;
        fixed[63] = 0x01;
        let mut out = [0u8; 72];
        let n = ecdsa_fixed_to_der(&fixed, &mut out).unwrap();
        let mut expected = [0u8; 2 + 35 + 3];
        expected[..4].copy_from_slice(&[0x30, 38, 0x02, 33]);
        expected[5] = 0x80;
        expected[37..].copy_from_slice(&[0x02, 0x01, 0x01]);
        assert_eq!(&out[..n], &expected[..]);
        assert_eq!(
            ecdsa_fixed_to_der(&fixed, &mut out[..10]),
            Err(VerifyError::BufferTooSmall)
        );
        assert_eq!(
            ecdsa_fixed_to_der(&fixed[..3], &mut out),
            Err(VerifyError::MalformedSignature)
        );
    }

    #[test]
    fn refuses_before_parsing() {
        let alg = SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256);
        assert_eq!(
            verify_digest(&[], alg, &[0; 31], &[]),
            Err(VerifyError::DigestLength {
                expected: 32,
                actual: 31
            })
        );
        assert_eq!(
            verify_digest(&[0x30, 0x00], alg, &[0; 32], &[]),
            Err(VerifyError::MalformedPublicKey)
        );
    }
}

//! Signature and hash algorithms, their sizes and their ASN.1 identifiers.
//!
//! The `AlgorithmIdentifier` encodings are kept as DER byte constants so that
//! they are available without a heap and without any algorithm feature: a
//! hardware token may sign with RSA even when this build cannot verify RSA.
//! Each constant is checked in the unit tests against an encoding built with
//! the `der`/`spki` types (and, for PSS, against the `rsa` crate), and the
//! integration tests have OpenSSL verify signatures and CMS that carry them.

use core::fmt;

/// The largest signature any supported algorithm produces, in bytes
/// (RSA 4096: 512 bytes). Enough for a stack buffer for every algorithm.
pub const MAX_SIGNATURE_LEN: usize = 512;

/// The longest digest of any supported hash (SHA-512: 64 bytes).
pub const MAX_DIGEST_LEN: usize = 64;

/// A hash function from the SHA-2 family (FIPS 180-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// The digest length in bytes.
    pub const fn digest_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }

    /// The hash's object identifier (RFC 5754 / NIST CSOR).
    pub const fn oid(self) -> der::asn1::ObjectIdentifier {
        match self {
            HashAlgorithm::Sha256 => oids::SHA256,
            HashAlgorithm::Sha384 => oids::SHA384,
            HashAlgorithm::Sha512 => oids::SHA512,
        }
    }

    /// DER `AlgorithmIdentifier` for the hash with absent parameters, as RFC 5754
    /// section 2 requires for the CMS `digestAlgorithm`.
    pub const fn algorithm_identifier_der(self) -> &'static [u8] {
        match self {
            HashAlgorithm::Sha256 => der_consts::SHA256_ALG_ID,
            HashAlgorithm::Sha384 => der_consts::SHA384_ALG_ID,
            HashAlgorithm::Sha512 => der_consts::SHA512_ALG_ID,
        }
    }

    /// Hashes `data` (no heap).
    pub fn digest(self, data: &[u8]) -> Digest {
        use sha2::Digest as _;
        let mut out = Digest {
            bytes: [0u8; MAX_DIGEST_LEN],
            len: self.digest_len(),
        };
        match self {
            HashAlgorithm::Sha256 => copy_prefix(&mut out.bytes, &sha2::Sha256::digest(data)),
            HashAlgorithm::Sha384 => copy_prefix(&mut out.bytes, &sha2::Sha384::digest(data)),
            HashAlgorithm::Sha512 => copy_prefix(&mut out.bytes, &sha2::Sha512::digest(data)),
        }
        out
    }

    /// Lower-case name as OpenSSL and the CLI spell it (`"sha256"`).
    pub const fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
        }
    }
}

fn copy_prefix(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A digest value held on the stack, as returned by [`HashAlgorithm::digest`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    bytes: [u8; MAX_DIGEST_LEN],
    len: usize,
}

impl Digest {
    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Digest(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// How an ECDSA signature is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EcdsaEncoding {
    /// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279), as used
    /// by X.509, CMS and `openssl dgst`.
    Der,
    /// Fixed-size `r || s`, each big-endian and padded to the field size
    /// (PKCS#11 `CKM_ECDSA`, JOSE, WebCrypto).
    Fixed,
}

/// A signature algorithm, independent of key size (as in the PSA Crypto API:
/// the key's type fixes the size, the algorithm fixes padding and hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2) with the given hash.
    RsaPkcs1v15(HashAlgorithm),
    /// RSASSA-PSS (RFC 8017 section 8.1) with the given hash, MGF1 with the same
    /// hash, and a random salt of the hash's length (RFC 4055 recommendation).
    RsaPss(HashAlgorithm),
    /// ECDSA (FIPS 186-5) on the key's curve, over a digest of the given hash.
    Ecdsa {
        /// The hash that produced the digest.
        hash: HashAlgorithm,
        /// The signature's encoding.
        encoding: EcdsaEncoding,
    },
}

/// The algorithm family, which must match the key type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AlgorithmFamily {
    /// RSA (PKCS#1 v1.5 or PSS).
    Rsa,
    /// ECDSA.
    Ecdsa,
}

impl SignatureAlgorithm {
    /// Every algorithm this crate knows, for tables and tests.
    pub const ALL: [SignatureAlgorithm; 12] = {
        use EcdsaEncoding::{Der, Fixed};
        use HashAlgorithm::{Sha256, Sha384, Sha512};
        [
            SignatureAlgorithm::RsaPkcs1v15(Sha256),
            SignatureAlgorithm::RsaPkcs1v15(Sha384),
            SignatureAlgorithm::RsaPkcs1v15(Sha512),
            SignatureAlgorithm::RsaPss(Sha256),
            SignatureAlgorithm::RsaPss(Sha384),
            SignatureAlgorithm::RsaPss(Sha512),
            SignatureAlgorithm::Ecdsa {
                hash: Sha256,
                encoding: Der,
            },
            SignatureAlgorithm::Ecdsa {
                hash: Sha384,
                encoding: Der,
            },
            SignatureAlgorithm::Ecdsa {
                hash: Sha512,
                encoding: Der,
            },
            SignatureAlgorithm::Ecdsa {
                hash: Sha256,
                encoding: Fixed,
            },
            SignatureAlgorithm::Ecdsa {
                hash: Sha384,
                encoding: Fixed,
            },
            SignatureAlgorithm::Ecdsa {
                hash: Sha512,
                encoding: Fixed,
            },
        ]
    };

    /// The hash whose digest this algorithm signs.
    pub const fn hash(self) -> HashAlgorithm {
        match self {
            SignatureAlgorithm::RsaPkcs1v15(h) | SignatureAlgorithm::RsaPss(h) => h,
            SignatureAlgorithm::Ecdsa { hash, .. } => hash,
        }
    }

    /// The digest length `sign_digest` expects, in bytes.
    pub const fn digest_len(self) -> usize {
        self.hash().digest_len()
    }

    /// RSA or ECDSA.
    pub const fn family(self) -> AlgorithmFamily {
        match self {
            SignatureAlgorithm::RsaPkcs1v15(_) | SignatureAlgorithm::RsaPss(_) => AlgorithmFamily::Rsa,
            SignatureAlgorithm::Ecdsa { .. } => AlgorithmFamily::Ecdsa,
        }
    }

    /// The longest signature this algorithm produces with any supported key:
    /// 512 for RSA (4096-bit keys), 104 for ECDSA DER (P-384), 96 for fixed
    /// ECDSA (P-384). [`KeyType::signature_len`](super::KeyType::signature_len)
    /// gives the exact size for one key.
    pub const fn max_signature_len(self) -> usize {
        match self {
            SignatureAlgorithm::RsaPkcs1v15(_) | SignatureAlgorithm::RsaPss(_) => MAX_SIGNATURE_LEN,
            SignatureAlgorithm::Ecdsa {
                encoding: EcdsaEncoding::Der,
                ..
            } => ecdsa_der_max_len(48),
            SignatureAlgorithm::Ecdsa {
                encoding: EcdsaEncoding::Fixed,
                ..
            } => 96,
        }
    }

    /// DER `AlgorithmIdentifier` for an X.509 certificate or CSR signature:
    /// `sha256WithRSAEncryption` etc. (RFC 4055, NULL parameters), `RSASSA-PSS`
    /// with explicit parameters (RFC 4055), `ecdsa-with-SHA256` etc. (RFC 5758,
    /// absent parameters).
    pub const fn x509_algorithm_identifier_der(self) -> &'static [u8] {
        use HashAlgorithm::{Sha256, Sha384, Sha512};
        match self {
            SignatureAlgorithm::RsaPkcs1v15(Sha256) => der_consts::SHA256_WITH_RSA,
            SignatureAlgorithm::RsaPkcs1v15(Sha384) => der_consts::SHA384_WITH_RSA,
            SignatureAlgorithm::RsaPkcs1v15(Sha512) => der_consts::SHA512_WITH_RSA,
            SignatureAlgorithm::RsaPss(h) => pss_alg_id(h),
            SignatureAlgorithm::Ecdsa { hash, .. } => ecdsa_alg_id(hash),
        }
    }

    /// DER `AlgorithmIdentifier` for a CMS `SignerInfo.signatureAlgorithm`:
    /// `rsaEncryption` with NULL parameters for PKCS#1 v1.5 (the conventional
    /// choice, RFC 3370 section 3.2 / RFC 5754), `RSASSA-PSS` with parameters
    /// (RFC 4056), `ecdsa-with-SHA256` etc. (RFC 5753 / RFC 5754).
    pub const fn cms_algorithm_identifier_der(self) -> &'static [u8] {
        match self {
            SignatureAlgorithm::RsaPkcs1v15(_) => der_consts::RSA_ENCRYPTION,
            other => other.x509_algorithm_identifier_der(),
        }
    }

    /// A stable name, e.g. `"rsa-pss-sha256"`, `"ecdsa-sha384"`, `"ecdsa-sha256-fixed"`.
    pub const fn name(self) -> &'static str {
        use EcdsaEncoding::{Der, Fixed};
        use HashAlgorithm::{Sha256, Sha384, Sha512};
        match self {
            SignatureAlgorithm::RsaPkcs1v15(Sha256) => "rsa-pkcs1v15-sha256",
            SignatureAlgorithm::RsaPkcs1v15(Sha384) => "rsa-pkcs1v15-sha384",
            SignatureAlgorithm::RsaPkcs1v15(Sha512) => "rsa-pkcs1v15-sha512",
            SignatureAlgorithm::RsaPss(Sha256) => "rsa-pss-sha256",
            SignatureAlgorithm::RsaPss(Sha384) => "rsa-pss-sha384",
            SignatureAlgorithm::RsaPss(Sha512) => "rsa-pss-sha512",
            SignatureAlgorithm::Ecdsa {
                hash: Sha256,
                encoding: Der,
            } => "ecdsa-sha256",
            SignatureAlgorithm::Ecdsa {
                hash: Sha384,
                encoding: Der,
            } => "ecdsa-sha384",
            SignatureAlgorithm::Ecdsa {
                hash: Sha512,
                encoding: Der,
            } => "ecdsa-sha512",
            SignatureAlgorithm::Ecdsa {
                hash: Sha256,
                encoding: Fixed,
            } => "ecdsa-sha256-fixed",
            SignatureAlgorithm::Ecdsa {
                hash: Sha384,
                encoding: Fixed,
            } => "ecdsa-sha384-fixed",
            SignatureAlgorithm::Ecdsa {
                hash: Sha512,
                encoding: Fixed,
            } => "ecdsa-sha512-fixed",
        }
    }

    /// The inverse of [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// The name given to [`SignatureAlgorithm::from_str`](core::str::FromStr::from_str)
/// is not an algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownAlgorithm;

impl crate::ErrorCode for UnknownAlgorithm {
    fn code(&self) -> &'static str {
        "unknown_signature_algorithm"
    }
}

impl fmt::Display for UnknownAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown signature algorithm (e.g. rsa-pss-sha256, rsa-pkcs1v15-sha384, ecdsa-sha256)")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UnknownAlgorithm {}

impl core::str::FromStr for SignatureAlgorithm {
    type Err = UnknownAlgorithm;

    /// [`SignatureAlgorithm::from_name`] as a `Result`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_name(s).ok_or(UnknownAlgorithm)
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Longest DER `Ecdsa-Sig-Value` for a field of `field_len` bytes: two INTEGERs
/// of up to `field_len + 1` bytes (leading zero), each with a 2-byte header,
/// inside a SEQUENCE with a 2-byte header (all lengths < 128 for P-256/P-384).
pub(crate) const fn ecdsa_der_max_len(field_len: usize) -> usize {
    2 + 2 * (2 + field_len + 1)
}

const fn pss_alg_id(h: HashAlgorithm) -> &'static [u8] {
    match h {
        HashAlgorithm::Sha256 => der_consts::PSS_SHA256,
        HashAlgorithm::Sha384 => der_consts::PSS_SHA384,
        HashAlgorithm::Sha512 => der_consts::PSS_SHA512,
    }
}

const fn ecdsa_alg_id(h: HashAlgorithm) -> &'static [u8] {
    match h {
        HashAlgorithm::Sha256 => der_consts::ECDSA_SHA256,
        HashAlgorithm::Sha384 => der_consts::ECDSA_SHA384,
        HashAlgorithm::Sha512 => der_consts::ECDSA_SHA512,
    }
}

/// Object identifiers used by the token, verifier and CMS code.
pub mod oids {
    use der::asn1::ObjectIdentifier as Oid;

    /// id-sha256 (2.16.840.1.101.3.4.2.1).
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    /// id-sha384 (2.16.840.1.101.3.4.2.2).
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    /// id-sha512 (2.16.840.1.101.3.4.2.3).
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
    /// rsaEncryption (1.2.840.113549.1.1.1).
    pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    /// id-RSASSA-PSS (1.2.840.113549.1.1.10).
    pub const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    /// id-mgf1 (1.2.840.113549.1.1.8).
    pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
    /// sha256WithRSAEncryption (1.2.840.113549.1.1.11).
    pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    /// sha384WithRSAEncryption (1.2.840.113549.1.1.12).
    pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    /// sha512WithRSAEncryption (1.2.840.113549.1.1.13).
    pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    /// id-ecPublicKey (1.2.840.10045.2.1).
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    /// secp256r1 / P-256 (1.2.840.10045.3.1.7).
    pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    /// secp384r1 / P-384 (1.3.132.0.34).
    pub const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
    /// ecdsa-with-SHA256 (1.2.840.10045.4.3.2).
    pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    /// ecdsa-with-SHA384 (1.2.840.10045.4.3.3).
    pub const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    /// ecdsa-with-SHA512 (1.2.840.10045.4.3.4).
    pub const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
    /// id-data (1.2.840.113549.1.7.1).
    pub const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
    /// id-signedData (1.2.840.113549.1.7.2).
    pub const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
    /// id-contentType (1.2.840.113549.1.9.3).
    pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
    /// id-messageDigest (1.2.840.113549.1.9.4).
    pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
    /// id-signingTime (1.2.840.113549.1.9.5).
    pub const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
}

/// Hand-assembled DER, checked byte-for-byte by the unit tests below.
mod der_consts {
    pub(super) const SHA256_ALG_ID: &[u8] = &[
        0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    ];
    pub(super) const SHA384_ALG_ID: &[u8] = &[
        0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02,
    ];
    pub(super) const SHA512_ALG_ID: &[u8] = &[
        0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03,
    ];
    pub(super) const RSA_ENCRYPTION: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    pub(super) const SHA256_WITH_RSA: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
    ];
    pub(super) const SHA384_WITH_RSA: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00,
    ];
    pub(super) const SHA512_WITH_RSA: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00,
    ];
    pub(super) const ECDSA_SHA256: &[u8] = &[
        0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
    ];
    pub(super) const ECDSA_SHA384: &[u8] = &[
        0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03,
    ];
    pub(super) const ECDSA_SHA512: &[u8] = &[
        0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04,
    ];

    /// `AlgorithmIdentifier { id-RSASSA-PSS, RSASSA-PSS-params { [0] hash (NULL params),
    /// [1] mgf1(hash), [2] saltLength = hash length } }` (trailerField default omitted).
    macro_rules! pss {
        ($h:literal, $salt:literal) => {
            &[
                0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34,
                // [0] hashAlgorithm
                0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, $h, 0x05,
                0x00, // [1] maskGenAlgorithm
                0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08,
                0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, $h, 0x05, 0x00,
                // [2] saltLength
                0xa2, 0x03, 0x02, 0x01, $salt,
            ]
        };
    }
    pub(super) const PSS_SHA256: &[u8] = pss!(0x01, 0x20);
    pub(super) const PSS_SHA384: &[u8] = pss!(0x02, 0x30);
    pub(super) const PSS_SHA512: &[u8] = pss!(0x03, 0x40);
}

#[cfg(test)]
#[cfg(feature = "alloc")]
mod tests {
    use super::*;
    use der::{Encode, asn1::AnyRef};
    use spki::AlgorithmIdentifierRef;

    fn alg_id(oid: der::asn1::ObjectIdentifier, null: bool) -> alloc::vec::Vec<u8> {
        AlgorithmIdentifierRef {
            oid,
            parameters: if null { Some(AnyRef::NULL) } else { None },
        }
        .to_der()
        .unwrap()
    }

    #[test]
    fn hash_identifiers_match_der_encoder() {
        for (h, oid) in [
            (HashAlgorithm::Sha256, oids::SHA256),
            (HashAlgorithm::Sha384, oids::SHA384),
            (HashAlgorithm::Sha512, oids::SHA512),
        ] {
            assert_eq!(h.algorithm_identifier_der(), alg_id(oid, false));
            assert_eq!(h.oid(), oid);
            assert_eq!(h.digest(b"abc").as_bytes().len(), h.digest_len());
        }
    }

    #[test]
    fn signature_identifiers_match_der_encoder() {
        use HashAlgorithm::*;
        let der = EcdsaEncoding::Der;
        let cases = [
            (
                SignatureAlgorithm::RsaPkcs1v15(Sha256),
                alg_id(oids::SHA256_WITH_RSA, true),
            ),
            (
                SignatureAlgorithm::RsaPkcs1v15(Sha384),
                alg_id(oids::SHA384_WITH_RSA, true),
            ),
            (
                SignatureAlgorithm::RsaPkcs1v15(Sha512),
                alg_id(oids::SHA512_WITH_RSA, true),
            ),
            (
                SignatureAlgorithm::Ecdsa {
                    hash: Sha256,
                    encoding: der,
                },
                alg_id(oids::ECDSA_WITH_SHA256, false),
            ),
            (
                SignatureAlgorithm::Ecdsa {
                    hash: Sha384,
                    encoding: der,
                },
                alg_id(oids::ECDSA_WITH_SHA384, false),
            ),
            (
                SignatureAlgorithm::Ecdsa {
                    hash: Sha512,
                    encoding: der,
                },
                alg_id(oids::ECDSA_WITH_SHA512, false),
            ),
        ];
        for (alg, expected) in cases {
            assert_eq!(alg.x509_algorithm_identifier_der(), expected, "{alg}");
        }
        assert_eq!(
            SignatureAlgorithm::RsaPkcs1v15(Sha384).cms_algorithm_identifier_der(),
            alg_id(oids::RSA_ENCRYPTION, true)
        );
    }

    /// Short-form TLV (all lengths here are < 128).
    fn tlv(tag: u8, body: &[u8]) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![tag, u8::try_from(body.len()).unwrap()];
        assert!(body.len() < 128);
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn pss_identifiers_have_hash_mgf1_and_salt() {
        // Decode our constant with the spki types and check every field.
        use der::Decode;
        for h in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let bytes = SignatureAlgorithm::RsaPss(h).x509_algorithm_identifier_der();
            let id = AlgorithmIdentifierRef::from_der(bytes).unwrap();
            assert_eq!(id.oid, oids::RSASSA_PSS);
            let params = id.parameters.unwrap().to_der().unwrap();
            let expected = {
                // Build RSASSA-PSS-params with the der encoder.
                let hash = alg_id(h.oid(), true);
                let mgf_inner = {
                    let mut v = alloc::vec::Vec::new();
                    v.extend(oids::MGF1.to_der().unwrap());
                    v.extend(&hash);
                    tlv(0x30, &v)
                };
                let salt = der::asn1::Uint::new(&[u8::try_from(h.digest_len()).unwrap()])
                    .unwrap()
                    .to_der()
                    .unwrap();
                let mut body = alloc::vec::Vec::new();
                for (tag, inner) in [(0xa0u8, hash), (0xa1, mgf_inner), (0xa2, salt)] {
                    body.extend(tlv(tag, &inner));
                }
                tlv(0x30, &body)
            };
            assert_eq!(params, expected, "{h}");
        }
    }

    #[cfg(feature = "rsa")]
    #[test]
    fn pss_identifier_matches_rsa_crate() {
        let ours = SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256).x509_algorithm_identifier_der();
        let theirs = rsa::pss::get_default_pss_signature_algo_id::<sha2::Sha256>()
            .unwrap()
            .to_der()
            .unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn names_round_trip_and_sizes() {
        for alg in SignatureAlgorithm::ALL {
            assert_eq!(SignatureAlgorithm::from_name(alg.name()), Some(alg));
            assert!(alg.max_signature_len() <= MAX_SIGNATURE_LEN);
            assert_eq!(alg.digest_len(), alg.hash().digest_len());
        }
        assert_eq!(SignatureAlgorithm::from_name("md5"), None);
        assert_eq!(
            "ecdsa-sha256".parse::<SignatureAlgorithm>(),
            Ok(SignatureAlgorithm::ALL[6])
        );
        assert_eq!("md5".parse::<SignatureAlgorithm>(), Err(UnknownAlgorithm));
        assert_eq!(ecdsa_der_max_len(48), 104);
        assert_eq!(ecdsa_der_max_len(32), 72);
    }
}

//! The token: where the private key lives, and the only thing that signs.
//!
//! Shaped after embedded-hal and the PSA Crypto API:
//! - keys are referred to by [`KeyHandle`]; a private key never leaves the token
//!   (there is no export call, and [`KeyAttributes::exportable`] is always
//!   `false`);
//! - each key carries [`KeyAttributes`]: its [`KeyType`], its [`KeyUsage`]
//!   flags and exactly one permitted [`SignatureAlgorithm`], and the token's
//!   evidence of how the key is kept ([`KeyProtection`]);
//! - any request outside those attributes is refused *before* signing, by the
//!   shared check [`KeyAttributes::check_sign`], which every implementation
//!   (software token, the C, Python and PKCS#11 tokens) calls;
//! - an implementation's error type implements [`Error`], whose
//!   [`kind`](Error::kind) maps it to the `#[non_exhaustive]` [`ErrorKind`], so
//!   generic code matches on kinds while drivers keep rich errors;
//! - all outputs go into caller buffers (`out: &mut [u8] -> Result<usize, _>`):
//!   the trait needs no heap.
//!
//! Sizes for stack buffers: [`MAX_SIGNATURE_LEN`] (512, RSA 4096) and
//! [`MAX_SPKI_LEN`] (550, an RSA 4096 `SubjectPublicKeyInfo`).

mod alg;
#[cfg(feature = "soft-token")]
pub mod soft;

pub use alg::{
    AlgorithmFamily, Digest, EcdsaEncoding, HashAlgorithm, MAX_DIGEST_LEN, MAX_SIGNATURE_LEN,
    SignatureAlgorithm, UnknownAlgorithm, oids,
};

use core::fmt;

/// The largest DER `SubjectPublicKeyInfo` of a supported key, in bytes (RSA 4096
/// with a 4-byte exponent: 550; P-384: 120).
pub const MAX_SPKI_LEN: usize = 550;

/// Refers to a key inside a token. Opaque: only the token that issued it knows
/// what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyHandle(pub u32);

/// The type and size of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// An RSA key pair of `bits` modulus bits. Signet uses 3072 and 4096.
    Rsa {
        /// Modulus size in bits.
        bits: u16,
    },
    /// An ECC key pair on NIST P-256 (secp256r1).
    EccP256,
    /// An ECC key pair on NIST P-384 (secp384r1).
    EccP384,
}

impl KeyType {
    /// The key types Signet makes (software token, PKCS#11 generation), in
    /// the order every surface lists them. Their canonical names are the
    /// [`Display`](fmt::Display) form: `ecc-p256`, `ecc-p384`, `rsa-3072`,
    /// `rsa-4096`.
    pub const STANDARD: [KeyType; 4] = [
        KeyType::EccP256,
        KeyType::EccP384,
        KeyType::Rsa { bits: 3072 },
        KeyType::Rsa { bits: 4096 },
    ];

    /// Other spellings [`from_str`](core::str::FromStr::from_str) accepts
    /// (alias, key type): the `signet` command's earlier `p256`, `p384`,
    /// `rsa3072`, `rsa4096`, and the curve names `P-256`, `P-384`. Every
    /// surface answers with the canonical name only.
    pub const ALIASES: [(&'static str, KeyType); 6] = [
        ("p256", KeyType::EccP256),
        ("p384", KeyType::EccP384),
        ("rsa3072", KeyType::Rsa { bits: 3072 }),
        ("rsa4096", KeyType::Rsa { bits: 4096 }),
        ("P-256", KeyType::EccP256),
        ("P-384", KeyType::EccP384),
    ];

    /// Key size in bits (modulus size for RSA, field size for ECC).
    pub const fn bits(self) -> u16 {
        match self {
            KeyType::Rsa { bits } => bits,
            KeyType::EccP256 => 256,
            KeyType::EccP384 => 384,
        }
    }

    /// The algorithm family the key can be used with.
    pub const fn family(self) -> AlgorithmFamily {
        match self {
            KeyType::Rsa { .. } => AlgorithmFamily::Rsa,
            KeyType::EccP256 | KeyType::EccP384 => AlgorithmFamily::Ecdsa,
        }
    }

    /// The algorithm Signet signs with by default for this key type: ECDSA
    /// with the curve's matching hash (DER signatures, as CMS and X.509 want
    /// them), RSA PKCS#1 v1.5 with SHA-256 up to 3072 bits and SHA-384 above.
    pub const fn default_algorithm(self) -> SignatureAlgorithm {
        match self {
            KeyType::EccP256 => SignatureAlgorithm::Ecdsa {
                hash: HashAlgorithm::Sha256,
                encoding: EcdsaEncoding::Der,
            },
            KeyType::EccP384 => SignatureAlgorithm::Ecdsa {
                hash: HashAlgorithm::Sha384,
                encoding: EcdsaEncoding::Der,
            },
            KeyType::Rsa { bits } if bits <= 3072 => SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
            KeyType::Rsa { .. } => SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha384),
        }
    }

    /// The exact (RSA, fixed ECDSA) or largest (DER ECDSA) signature length
    /// this key produces with `alg`, or `None` when `alg` is of another family.
    pub const fn signature_len(self, alg: SignatureAlgorithm) -> Option<usize> {
        let field = (self.bits() as usize).div_ceil(8);
        match (self.family(), alg) {
            (AlgorithmFamily::Rsa, SignatureAlgorithm::RsaPkcs1v15(_) | SignatureAlgorithm::RsaPss(_)) => {
                Some(field)
            }
            (
                AlgorithmFamily::Ecdsa,
                SignatureAlgorithm::Ecdsa {
                    encoding: EcdsaEncoding::Fixed,
                    ..
                },
            ) => Some(2 * field),
            (
                AlgorithmFamily::Ecdsa,
                SignatureAlgorithm::Ecdsa {
                    encoding: EcdsaEncoding::Der,
                    ..
                },
            ) => Some(alg::ecdsa_der_max_len(field)),
            _ => None,
        }
    }
}

impl fmt::Display for KeyType {
    /// `rsa-3072`, `rsa-4096` (`rsa-<bits>`), `ecc-p256`, `ecc-p384`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyType::Rsa { bits } => write!(f, "rsa-{bits}"),
            KeyType::EccP256 => f.write_str("ecc-p256"),
            KeyType::EccP384 => f.write_str("ecc-p384"),
        }
    }
}

/// The name given to [`KeyType::from_str`](core::str::FromStr::from_str) is
/// not a key type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownKeyType;

impl crate::ErrorCode for UnknownKeyType {
    fn code(&self) -> &'static str {
        "unknown_key_type"
    }
}

impl fmt::Display for UnknownKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown key type (expected rsa-<bits>, ecc-p256 or ecc-p384)")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UnknownKeyType {}

impl core::str::FromStr for KeyType {
    type Err = UnknownKeyType;

    /// Parses the canonical [`Display`](fmt::Display) form (exactly, lower
    /// case) or one of the documented [`KeyType::ALIASES`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some((_, t)) = KeyType::ALIASES.iter().find(|(alias, _)| *alias == s) {
            return Ok(*t);
        }
        match s {
            "ecc-p256" => Ok(KeyType::EccP256),
            "ecc-p384" => Ok(KeyType::EccP384),
            _ => {
                let bits = s.strip_prefix("rsa-").ok_or(UnknownKeyType)?;
                // Digits only: `u16::from_str` would also take a leading `+`.
                if bits.is_empty() || !bits.bytes().all(|b| b.is_ascii_digit()) || bits.starts_with('0') {
                    return Err(UnknownKeyType);
                }
                let bits = bits.parse::<u16>().map_err(|_| UnknownKeyType)?;
                Ok(KeyType::Rsa { bits })
            }
        }
    }
}

/// Usage flags of a key (PSA `psa_key_usage_t`, reduced to what Signet needs).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyUsage(u32);

impl KeyUsage {
    /// No usage at all.
    pub const NONE: KeyUsage = KeyUsage(0);
    /// May sign a precomputed hash (PSA `SIGN_HASH`).
    pub const SIGN_HASH: KeyUsage = KeyUsage(1 << 12);
    /// May verify a signature over a precomputed hash (PSA `VERIFY_HASH`).
    pub const VERIFY_HASH: KeyUsage = KeyUsage(1 << 13);

    /// Both flags set.
    pub const fn union(self, other: KeyUsage) -> KeyUsage {
        KeyUsage(self.0 | other.0)
    }

    /// True when every flag of `other` is set in `self`.
    pub const fn contains(self, other: KeyUsage) -> bool {
        self.0 & other.0 == other.0
    }

    /// The raw PSA-compatible bits.
    pub const fn bits(self) -> u32 {
        self.0
    }
}

impl fmt::Debug for KeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyUsage(")?;
        let mut first = true;
        for (flag, name) in [
            (KeyUsage::SIGN_HASH, "SIGN_HASH"),
            (KeyUsage::VERIFY_HASH, "VERIFY_HASH"),
        ] {
            if self.contains(flag) {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        f.write_str(")")
    }
}

/// What a token reports about how a key was made and kept: the PKCS#11
/// attributes `CKA_SENSITIVE`, `CKA_EXTRACTABLE`, `CKA_ALWAYS_SENSITIVE`,
/// `CKA_NEVER_EXTRACTABLE`, `CKA_LOCAL` and `CKA_SIGN` (PKCS#11 v2.40 / 3.0,
/// section 4.9 "Private key objects" and 4.4 "Storage objects").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyEvidence {
    /// `CKA_SENSITIVE`: the key's value cannot be read in plaintext.
    pub sensitive: bool,
    /// `CKA_EXTRACTABLE`: the key can be wrapped (exported encrypted).
    pub extractable: bool,
    /// `CKA_ALWAYS_SENSITIVE`: the key has always been sensitive.
    pub always_sensitive: bool,
    /// `CKA_NEVER_EXTRACTABLE`: the key has never been extractable.
    pub never_extractable: bool,
    /// `CKA_LOCAL`: the key was generated on the token (not imported).
    pub local: bool,
    /// `CKA_SIGN`: the key may sign.
    pub sign: bool,
}

impl KeyEvidence {
    /// Whether the key was generated on the token and never left it: it is
    /// local, has always been sensitive, has never been extractable, and is
    /// sensitive and not extractable now.
    pub const fn generated_on_token_never_left(&self) -> bool {
        self.local && self.always_sensitive && self.never_extractable && self.sensitive && !self.extractable
    }
}

/// Where a key lives, with the evidence its token gives. Rules that depend on
/// it are in [`policy::check_key_protection`](crate::policy::check_key_protection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyProtection {
    /// The token gave no evidence (the default of [`KeyAttributes::new`]).
    Unknown,
    /// A software token: the key is in process memory (development only).
    Software,
    /// A hardware token (PKCS#11), with what it reports about the key.
    Hardware(KeyEvidence),
}

impl KeyProtection {
    /// `unknown`, `software` or `hardware`.
    pub const fn name(&self) -> &'static str {
        match self {
            KeyProtection::Unknown => "unknown",
            KeyProtection::Software => "software",
            KeyProtection::Hardware(_) => "hardware",
        }
    }
}

/// A key's policy: type and size, usage flags, and its one permitted
/// algorithm; and the evidence of how the key is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyAttributes {
    key_type: KeyType,
    usage: KeyUsage,
    algorithm: SignatureAlgorithm,
    protection: KeyProtection,
}

impl KeyAttributes {
    /// Builds a key policy.
    ///
    /// # Errors
    /// [`ErrorKind::NotSupported`] when `algorithm` cannot be used with
    /// `key_type` (ECDSA with an RSA key, or the reverse), or the key is larger
    /// than [`MAX_SIGNATURE_LEN`] allows.
    pub const fn new(
        key_type: KeyType,
        usage: KeyUsage,
        algorithm: SignatureAlgorithm,
    ) -> Result<Self, ErrorKind> {
        match key_type.signature_len(algorithm) {
            Some(len) if len <= MAX_SIGNATURE_LEN && len > 0 => Ok(KeyAttributes {
                key_type,
                usage,
                algorithm,
                protection: KeyProtection::Unknown,
            }),
            _ => Err(ErrorKind::NotSupported),
        }
    }

    /// The same attributes with the token's evidence of how the key is kept.
    #[must_use]
    pub const fn with_protection(mut self, protection: KeyProtection) -> Self {
        self.protection = protection;
        self
    }

    /// How the key is kept, as its token reports it.
    pub const fn protection(&self) -> KeyProtection {
        self.protection
    }

    /// The key's type and size.
    pub const fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The key's usage flags.
    pub const fn usage(&self) -> KeyUsage {
        self.usage
    }

    /// The one algorithm the key may be used with.
    pub const fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// Always `false`: Signet tokens never export private keys. Kept so the
    /// attribute set reads like PSA's, where export is a policy bit.
    pub const fn exportable(&self) -> bool {
        false
    }

    /// The buffer size `sign_digest` needs for this key's algorithm.
    pub const fn signature_len(&self) -> usize {
        match self.key_type.signature_len(self.algorithm) {
            Some(n) => n,
            None => MAX_SIGNATURE_LEN,
        }
    }

    /// Whether this key may sign a `digest_len`-byte digest with `alg`.
    ///
    /// # Errors
    /// - [`ErrorKind::NotPermitted`] when the key lacks [`KeyUsage::SIGN_HASH`]
    ///   or `alg` is not the key's permitted algorithm;
    /// - [`ErrorKind::InvalidDigest`] when `digest_len` is not the length of
    ///   `alg`'s hash.
    pub fn permits(&self, alg: SignatureAlgorithm, digest_len: usize) -> Result<(), ErrorKind> {
        if !self.usage.contains(KeyUsage::SIGN_HASH) || alg != self.algorithm {
            return Err(ErrorKind::NotPermitted);
        }
        if digest_len != alg.digest_len() {
            return Err(ErrorKind::InvalidDigest);
        }
        Ok(())
    }

    /// The full pre-signing check every token implementation runs:
    /// [`permits`](Self::permits), then the output buffer size.
    ///
    /// # Errors
    /// As [`permits`](Self::permits), plus [`ErrorKind::BufferTooSmall`] when
    /// `out_len` is less than [`signature_len`](Self::signature_len).
    pub fn check_sign(
        &self,
        alg: SignatureAlgorithm,
        digest_len: usize,
        out_len: usize,
    ) -> Result<(), ErrorKind> {
        self.permits(alg, digest_len)?;
        if out_len < self.signature_len() {
            return Err(ErrorKind::BufferTooSmall);
        }
        Ok(())
    }
}

/// What went wrong in a token, in terms generic code can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request is outside the key's attributes (usage flag missing, or not
    /// its permitted algorithm). PSA `NOT_PERMITTED`.
    NotPermitted,
    /// No key has this handle.
    InvalidHandle,
    /// The output buffer is too small.
    BufferTooSmall,
    /// The digest's length does not match the algorithm's hash.
    InvalidDigest,
    /// The token does not support this key type or algorithm.
    NotSupported,
    /// The key material given to the token is malformed or of the wrong kind.
    InvalidKey,
    /// The token has no free key slot.
    InsufficientStorage,
    /// The random number generator failed.
    Rng,
    /// The device failed or reported a fault.
    Hardware,
    /// Any other failure.
    Other,
}

impl ErrorKind {
    /// Every kind, for tables and for bindings that map a code back to a kind.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::NotPermitted,
        ErrorKind::InvalidHandle,
        ErrorKind::BufferTooSmall,
        ErrorKind::InvalidDigest,
        ErrorKind::NotSupported,
        ErrorKind::InvalidKey,
        ErrorKind::InsufficientStorage,
        ErrorKind::Rng,
        ErrorKind::Hardware,
        ErrorKind::Other,
    ];

    /// The kind whose [`code`](crate::ErrorCode::code) is `code` (a token
    /// written in another language reports its failure by code).
    pub fn from_code(code: &str) -> Option<ErrorKind> {
        use crate::ErrorCode;
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A short, fixed description (never contains key material).
    pub const fn message(self) -> &'static str {
        match self {
            ErrorKind::NotPermitted => "the key's attributes do not permit this operation",
            ErrorKind::InvalidHandle => "no key with this handle",
            ErrorKind::BufferTooSmall => "output buffer too small",
            ErrorKind::InvalidDigest => "digest length does not match the algorithm's hash",
            ErrorKind::NotSupported => "key type or algorithm not supported by this token",
            ErrorKind::InvalidKey => "malformed or unsupported key material",
            ErrorKind::InsufficientStorage => "no free key slot",
            ErrorKind::Rng => "random number generator failure",
            ErrorKind::Hardware => "token hardware failure",
            ErrorKind::Other => "token failure",
        }
    }
}

impl crate::ErrorCode for ErrorKind {
    fn code(&self) -> &'static str {
        match self {
            ErrorKind::NotPermitted => "token_not_permitted",
            ErrorKind::InvalidHandle => "token_invalid_handle",
            ErrorKind::BufferTooSmall => "token_buffer_too_small",
            ErrorKind::InvalidDigest => "token_invalid_digest",
            ErrorKind::NotSupported => "token_not_supported",
            ErrorKind::InvalidKey => "token_invalid_key",
            ErrorKind::InsufficientStorage => "token_insufficient_storage",
            ErrorKind::Rng => "token_rng_failure",
            ErrorKind::Hardware => "token_hardware",
            ErrorKind::Other => "token_other",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ErrorKind {}

/// A token implementation's error: any rich type that can say its [`ErrorKind`].
pub trait Error: fmt::Debug {
    /// The generic kind of this error.
    fn kind(&self) -> ErrorKind;
}

impl Error for ErrorKind {
    fn kind(&self) -> ErrorKind {
        *self
    }
}

/// A key store that signs digests with keys it never releases.
///
/// Implementations must call [`KeyAttributes::check_sign`] before signing.
/// Generic code takes `T: Token` (the blanket impl makes `&mut T` a token too).
pub trait Token {
    /// The implementation's error type.
    type Error: Error;

    /// The attributes (policy) of the key behind `handle`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidHandle`] for an unknown handle; device errors.
    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, Self::Error>;

    /// Writes the key's DER `SubjectPublicKeyInfo` into `out` and returns its
    /// length. [`MAX_SPKI_LEN`] bytes are always enough.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidHandle`], [`ErrorKind::BufferTooSmall`]; device errors.
    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, Self::Error>;

    /// Signs `digest` (already hashed with `alg`'s hash) with the key behind
    /// `handle`, writes the signature into `out` and returns its length.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidHandle`]; [`ErrorKind::NotPermitted`],
    /// [`ErrorKind::InvalidDigest`] or [`ErrorKind::BufferTooSmall`] from
    /// [`KeyAttributes::check_sign`], checked before any signing; device errors.
    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Self::Error>;

    /// The buffer size [`sign_digest`](Self::sign_digest) needs for this key.
    ///
    /// # Errors
    /// As [`key_attributes`](Self::key_attributes).
    fn signature_len(&self, handle: KeyHandle) -> Result<usize, Self::Error> {
        Ok(self.key_attributes(handle)?.signature_len())
    }
}

impl<T: Token + ?Sized> Token for &mut T {
    type Error = T::Error;

    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, Self::Error> {
        T::key_attributes(self, handle)
    }

    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, Self::Error> {
        T::public_key(self, handle, out)
    }

    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Self::Error> {
        T::sign_digest(self, handle, alg, digest, out)
    }

    fn signature_len(&self, handle: KeyHandle) -> Result<usize, Self::Error> {
        T::signature_len(self, handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use HashAlgorithm::*;

    const ES256: SignatureAlgorithm = SignatureAlgorithm::Ecdsa {
        hash: Sha256,
        encoding: EcdsaEncoding::Der,
    };

    #[test]
    fn attributes_refuse_mismatched_family() {
        assert_eq!(
            KeyAttributes::new(
                KeyType::EccP256,
                KeyUsage::SIGN_HASH,
                SignatureAlgorithm::RsaPss(Sha256)
            ),
            Err(ErrorKind::NotSupported)
        );
        assert_eq!(
            KeyAttributes::new(KeyType::Rsa { bits: 3072 }, KeyUsage::SIGN_HASH, ES256),
            Err(ErrorKind::NotSupported)
        );
        assert_eq!(
            KeyAttributes::new(
                KeyType::Rsa { bits: 8192 },
                KeyUsage::SIGN_HASH,
                SignatureAlgorithm::RsaPss(Sha256)
            ),
            Err(ErrorKind::NotSupported)
        );
    }

    #[test]
    fn permits_checks_usage_algorithm_digest_and_buffer() {
        let a = KeyAttributes::new(KeyType::EccP256, KeyUsage::SIGN_HASH, ES256).unwrap();
        assert_eq!(a.permits(ES256, 32), Ok(()));
        assert_eq!(a.permits(ES256, 48), Err(ErrorKind::InvalidDigest));
        let other = SignatureAlgorithm::Ecdsa {
            hash: Sha384,
            encoding: EcdsaEncoding::Der,
        };
        assert_eq!(a.permits(other, 48), Err(ErrorKind::NotPermitted));
        assert_eq!(a.check_sign(ES256, 32, 71), Err(ErrorKind::BufferTooSmall));
        assert_eq!(a.check_sign(ES256, 32, 72), Ok(()));
        let verify_only = KeyAttributes::new(KeyType::EccP256, KeyUsage::VERIFY_HASH, ES256).unwrap();
        assert_eq!(verify_only.permits(ES256, 32), Err(ErrorKind::NotPermitted));
        assert!(!a.exportable());
    }

    #[test]
    fn signature_lengths() {
        let rsa = KeyType::Rsa { bits: 4096 };
        assert_eq!(rsa.signature_len(SignatureAlgorithm::RsaPss(Sha512)), Some(512));
        assert_eq!(
            KeyType::Rsa { bits: 3072 }.signature_len(SignatureAlgorithm::RsaPkcs1v15(Sha256)),
            Some(384)
        );
        let fixed = SignatureAlgorithm::Ecdsa {
            hash: Sha256,
            encoding: EcdsaEncoding::Fixed,
        };
        assert_eq!(KeyType::EccP384.signature_len(fixed), Some(96));
        assert_eq!(KeyType::EccP256.signature_len(ES256), Some(72));
        assert_eq!(rsa.signature_len(ES256), None);
    }

    #[test]
    fn error_codes_are_distinct() {
        let kinds = ErrorKind::ALL;
        for k in kinds {
            assert_eq!(ErrorKind::from_code(k.code()), Some(k));
        }
        assert_eq!(ErrorKind::from_code("token_nope"), None);
        for (i, a) in kinds.iter().enumerate() {
            assert_eq!(a.kind(), *a);
            for b in kinds.iter().skip(i + 1) {
                assert_ne!(a.code(), b.code());
            }
        }
    }

    #[test]
    fn key_type_names_round_trip() {
        extern crate std;
        use std::string::ToString;
        for (t, name) in [
            (KeyType::Rsa { bits: 3072 }, "rsa-3072"),
            (KeyType::Rsa { bits: 4096 }, "rsa-4096"),
            (KeyType::EccP256, "ecc-p256"),
            (KeyType::EccP384, "ecc-p384"),
        ] {
            assert_eq!(t.to_string(), name);
            assert_eq!(name.parse::<KeyType>(), Ok(t));
        }
        for bad in [
            "",
            "rsa-",
            "rsa-+3072",
            "rsa-03072",
            "rsa-99999",
            "RSA-3072",
            "P256",
            "p-256",
            "ecc-p521",
        ] {
            assert_eq!(bad.parse::<KeyType>(), Err(UnknownKeyType), "{bad}");
        }
        // Aliases parse to the key type, which always prints its canonical name.
        for (alias, t) in KeyType::ALIASES {
            assert_eq!(alias.parse::<KeyType>(), Ok(t), "{alias}");
            assert!(KeyType::STANDARD.contains(&t));
            assert_ne!(t.to_string(), alias);
        }
        assert_eq!(
            "p256".parse::<KeyType>().map(|t| t.to_string()).as_deref(),
            Ok("ecc-p256")
        );
    }
}

//! An in-memory software token, for tests and development only.
//!
//! Feature `soft-token` (implies `p256`). A fixed number of key slots
//! (`SoftToken<R, N>`), no heap for ECDSA keys; RSA keys (feature `rsa`) live
//! in the `rsa` crate's heap-backed big integers.
//!
//! - **Keys**: generated inside the token (P-256, P-384, RSA 3072/4096) with the
//!   caller's RNG, or imported from PKCS#8 (DER; PEM with feature `alloc`).
//!   The caller picks the key's one permitted algorithm and usage flags.
//! - **No export**: no method returns private key material, and `Debug` prints
//!   handles and attributes only. Keys report [`KeyProtection::Software`]:
//!   the key policy refuses them for signing under the hardware-key rule
//!   unless the caller runs a development state.
//! - **Zeroize on drop**: the key objects are RustCrypto types that wipe
//!   themselves when dropped: `ecdsa::SigningKey` zeroizes its scalar in `Drop`
//!   (and implements `ZeroizeOnDrop`), and `rsa::RsaPrivateKey`'s `Drop` zeroizes
//!   `d`, the primes and the CRT values. PKCS#8 input decoded from PEM is held
//!   in a `der::SecretDocument`, which zeroizes too. The caller's own input
//!   buffer is the caller's to wipe.
//! - **RSA**: signing always uses the blinded path, `RsaPrivateKey::sign_with_rng`
//!   with the token's RNG. PSS uses a random salt of the hash's length.
//!
//!   **RUSTSEC-2023-0071 ("Marvin")**: the `rsa` crate has a known timing side
//!   channel in its private-key operation with no fixed release. Blinding
//!   reduces but does not remove the exposure. Never use this token for
//!   production RSA keys: production keys belong in hardware (HSM, smart card,
//!   secure element) behind a [`Token`](super::Token) implementation.
//! - **ECDSA**: hedged nonces, `RandomizedPrehashSigner`: RFC 6979 deterministic
//!   derivation with the RNG's output mixed in (RFC 6979 section 3.6), so a bad
//!   RNG degrades to RFC 6979 and a fault cannot be replayed on a fixed nonce.
//!
//! The RNG must be a `rand_core` 0.10 [`CryptoRng`] (the version `rsa` 0.10 and
//! `p256` 0.14 use). In a `std` program, `rand_core::UnwrapErr(getrandom::SysRng)`
//! (getrandom 0.4 with feature `sys_rng`) is one; it panics only if the OS RNG fails.

use core::fmt;

use rand_core::CryptoRng;

use super::{
    EcdsaEncoding, Error, ErrorKind, KeyAttributes, KeyHandle, KeyProtection, KeyType, KeyUsage,
    SignatureAlgorithm, Token, oids,
};

/// A software token's error, with context. Messages never contain key material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SoftTokenError {
    /// No key has this handle.
    InvalidHandle {
        /// The handle asked for.
        handle: KeyHandle,
    },
    /// The key does not have the usage flag [`KeyUsage::SIGN_HASH`].
    UsageNotPermitted {
        /// The key's usage flags.
        usage: KeyUsage,
    },
    /// The algorithm asked for is not the key's permitted algorithm.
    AlgorithmNotPermitted {
        /// The algorithm asked for.
        requested: SignatureAlgorithm,
        /// The key's one permitted algorithm.
        permitted: SignatureAlgorithm,
    },
    /// The digest's length does not match the algorithm's hash.
    InvalidDigest {
        /// Length of the algorithm's hash.
        expected: usize,
        /// Length given.
        actual: usize,
    },
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        actual: usize,
    },
    /// The key type is not supported by this token (or its feature is off),
    /// or the algorithm does not fit the key type.
    NotSupported {
        /// The key type.
        key_type: KeyType,
    },
    /// The PKCS#8 input is malformed or holds an unsupported key.
    InvalidKey,
    /// All key slots are in use.
    SlotsFull {
        /// Number of slots.
        slots: usize,
    },
    /// The cryptographic library failed to generate or sign (includes RNG failure).
    CryptoFailure,
}

impl Error for SoftTokenError {
    fn kind(&self) -> ErrorKind {
        match self {
            SoftTokenError::InvalidHandle { .. } => ErrorKind::InvalidHandle,
            SoftTokenError::UsageNotPermitted { .. } | SoftTokenError::AlgorithmNotPermitted { .. } => {
                ErrorKind::NotPermitted
            }
            SoftTokenError::InvalidDigest { .. } => ErrorKind::InvalidDigest,
            SoftTokenError::BufferTooSmall { .. } => ErrorKind::BufferTooSmall,
            SoftTokenError::NotSupported { .. } => ErrorKind::NotSupported,
            SoftTokenError::InvalidKey => ErrorKind::InvalidKey,
            SoftTokenError::SlotsFull { .. } => ErrorKind::InsufficientStorage,
            SoftTokenError::CryptoFailure => ErrorKind::Other,
        }
    }
}

impl crate::ErrorCode for SoftTokenError {
    fn code(&self) -> &'static str {
        self.kind().code()
    }
}

impl fmt::Display for SoftTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SoftTokenError::InvalidHandle { handle } => write!(f, "no key with handle {}", handle.0),
            SoftTokenError::UsageNotPermitted { usage } => {
                write!(f, "key usage {usage:?} does not permit signing")
            }
            SoftTokenError::AlgorithmNotPermitted { requested, permitted } => {
                write!(f, "key permits only {permitted}, not {requested}")
            }
            SoftTokenError::InvalidDigest { expected, actual } => {
                write!(
                    f,
                    "digest is {actual} bytes, the algorithm's hash gives {expected}"
                )
            }
            SoftTokenError::BufferTooSmall { needed, actual } => {
                write!(f, "output buffer is {actual} bytes, {needed} needed")
            }
            SoftTokenError::NotSupported { key_type } => {
                write!(f, "key type {key_type:?} or its algorithm is not supported")
            }
            SoftTokenError::InvalidKey => f.write_str("malformed or unsupported PKCS#8 private key"),
            SoftTokenError::SlotsFull { slots } => write!(f, "all {slots} key slots are in use"),
            SoftTokenError::CryptoFailure => f.write_str("key generation or signing failed"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SoftTokenError {}

/// Private key material. Each variant zeroizes on drop (see module docs).
enum SoftKey {
    #[cfg(feature = "rsa")]
    Rsa(rsa::RsaPrivateKey),
    P256(p256::ecdsa::SigningKey),
    #[cfg(feature = "p384")]
    P384(p384::ecdsa::SigningKey),
}

impl SoftKey {
    fn key_type(&self) -> KeyType {
        match self {
            #[cfg(feature = "rsa")]
            SoftKey::Rsa(k) => {
                use rsa::traits::PublicKeyParts;
                KeyType::Rsa {
                    bits: u16::try_from(k.n_bits_precision()).unwrap_or(u16::MAX),
                }
            }
            SoftKey::P256(_) => KeyType::EccP256,
            #[cfg(feature = "p384")]
            SoftKey::P384(_) => KeyType::EccP384,
        }
    }
}

impl fmt::Debug for SoftKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SoftKey({:?}, <redacted>)", self.key_type())
    }
}

struct Slot {
    attributes: KeyAttributes,
    key: SoftKey,
}

/// An in-memory token with `N` key slots and its own RNG `R`.
pub struct SoftToken<R, const N: usize> {
    rng: R,
    slots: [Option<Slot>; N],
}

impl<R, const N: usize> fmt::Debug for SoftToken<R, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (i, slot) in self.slots.iter().enumerate() {
            if let Some(slot) = slot {
                list.entry(&(i, &slot.attributes, &slot.key));
            }
        }
        list.finish()
    }
}

impl<R: CryptoRng, const N: usize> SoftToken<R, N> {
    /// An empty token that draws randomness from `rng`.
    pub fn new(rng: R) -> Self {
        SoftToken {
            rng,
            slots: [const { None }; N],
        }
    }

    /// Generates a key with the given attributes inside the token.
    ///
    /// RSA sizes 3072 and 4096 are supported (feature `rsa`), and P-256, P-384
    /// (feature `p384`).
    ///
    /// # Errors
    /// [`SoftTokenError::NotSupported`] for another key type or size,
    /// [`SoftTokenError::SlotsFull`], [`SoftTokenError::CryptoFailure`].
    pub fn generate(&mut self, attributes: KeyAttributes) -> Result<KeyHandle, SoftTokenError> {
        use p256::elliptic_curve::Generate;
        let index = self.free_slot()?;
        let key_type = attributes.key_type();
        let key = match key_type {
            #[cfg(feature = "rsa")]
            KeyType::Rsa {
                bits: bits @ (3072 | 4096),
            } => SoftKey::Rsa(
                rsa::RsaPrivateKey::new(&mut self.rng, usize::from(bits))
                    .map_err(|_| SoftTokenError::CryptoFailure)?,
            ),
            KeyType::EccP256 => SoftKey::P256(p256::ecdsa::SigningKey::generate_from_rng(&mut self.rng)),
            #[cfg(feature = "p384")]
            KeyType::EccP384 => SoftKey::P384(p384::ecdsa::SigningKey::generate_from_rng(&mut self.rng)),
            _ => return Err(SoftTokenError::NotSupported { key_type }),
        };
        self.store(index, key, attributes.usage(), attributes.algorithm())
    }

    /// Imports an unencrypted PKCS#8 `PrivateKeyInfo` (DER). The key type comes
    /// from the key; the caller sets its usage flags and permitted algorithm.
    ///
    /// # Errors
    /// [`SoftTokenError::InvalidKey`] for malformed input or an unknown key
    /// algorithm, [`SoftTokenError::NotSupported`] for an RSA size other than
    /// 3072/4096 or an algorithm that does not fit the key,
    /// [`SoftTokenError::SlotsFull`].
    pub fn import_pkcs8_der(
        &mut self,
        der: &[u8],
        usage: KeyUsage,
        algorithm: SignatureAlgorithm,
    ) -> Result<KeyHandle, SoftTokenError> {
        use der::Decode;
        let index = self.free_slot()?;
        let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|_| SoftTokenError::InvalidKey)?;
        let oid = info.algorithm.oid;
        let key = if oid == oids::EC_PUBLIC_KEY {
            let curve = info
                .algorithm
                .parameters_oid()
                .map_err(|_| SoftTokenError::InvalidKey)?;
            if curve == oids::SECP256R1 {
                let secret = p256::SecretKey::try_from(info).map_err(|_| SoftTokenError::InvalidKey)?;
                SoftKey::P256(p256::ecdsa::SigningKey::from(secret))
            } else {
                import_p384(info, curve)?
            }
        } else if oid == oids::RSA_ENCRYPTION {
            import_rsa(info)?
        } else {
            return Err(SoftTokenError::InvalidKey);
        };
        self.store(index, key, usage, algorithm)
    }

    /// Imports an unencrypted PKCS#8 key from PEM (`-----BEGIN PRIVATE KEY-----`,
    /// as `openssl genpkey` writes it). The decoded DER is zeroized after use.
    ///
    /// # Errors
    /// [`SoftTokenError::InvalidKey`] for bad PEM or a wrong label; otherwise as
    /// [`import_pkcs8_der`](Self::import_pkcs8_der).
    #[cfg(feature = "alloc")]
    pub fn import_pkcs8_pem(
        &mut self,
        pem: &str,
        usage: KeyUsage,
        algorithm: SignatureAlgorithm,
    ) -> Result<KeyHandle, SoftTokenError> {
        let (label, doc) = der::SecretDocument::from_pem(pem).map_err(|_| SoftTokenError::InvalidKey)?;
        if label != "PRIVATE KEY" {
            return Err(SoftTokenError::InvalidKey);
        }
        self.import_pkcs8_der(doc.as_bytes(), usage, algorithm)
    }

    /// Removes the key behind `handle`; its material is zeroized as it drops.
    ///
    /// # Errors
    /// [`SoftTokenError::InvalidHandle`].
    pub fn destroy(&mut self, handle: KeyHandle) -> Result<(), SoftTokenError> {
        let slot = self.slot_mut(handle)?;
        *slot = None;
        Ok(())
    }

    fn free_slot(&self) -> Result<usize, SoftTokenError> {
        self.slots
            .iter()
            .position(Option::is_none)
            .ok_or(SoftTokenError::SlotsFull { slots: N })
    }

    fn store(
        &mut self,
        index: usize,
        key: SoftKey,
        usage: KeyUsage,
        algorithm: SignatureAlgorithm,
    ) -> Result<KeyHandle, SoftTokenError> {
        let key_type = key.key_type();
        let attributes = KeyAttributes::new(key_type, usage, algorithm)
            .map_err(|_| SoftTokenError::NotSupported { key_type })?
            .with_protection(KeyProtection::Software);
        let handle = KeyHandle(u32::try_from(index).map_err(|_| SoftTokenError::SlotsFull { slots: N })?);
        let slot = self
            .slots
            .get_mut(index)
            .ok_or(SoftTokenError::SlotsFull { slots: N })?;
        *slot = Some(Slot { attributes, key });
        Ok(handle)
    }

    fn slot_mut(&mut self, handle: KeyHandle) -> Result<&mut Option<Slot>, SoftTokenError> {
        usize::try_from(handle.0)
            .ok()
            .and_then(|i| self.slots.get_mut(i))
            .filter(|s| s.is_some())
            .ok_or(SoftTokenError::InvalidHandle { handle })
    }
}

impl<R, const N: usize> SoftToken<R, N> {
    fn slot(&self, handle: KeyHandle) -> Result<&Slot, SoftTokenError> {
        usize::try_from(handle.0)
            .ok()
            .and_then(|i| self.slots.get(i))
            .and_then(Option::as_ref)
            .ok_or(SoftTokenError::InvalidHandle { handle })
    }
}

#[cfg(feature = "p384")]
fn import_p384(
    info: pkcs8::PrivateKeyInfoRef<'_>,
    curve: der::asn1::ObjectIdentifier,
) -> Result<SoftKey, SoftTokenError> {
    if curve != oids::SECP384R1 {
        return Err(SoftTokenError::InvalidKey);
    }
    let secret = p384::SecretKey::try_from(info).map_err(|_| SoftTokenError::InvalidKey)?;
    Ok(SoftKey::P384(p384::ecdsa::SigningKey::from(secret)))
}

#[cfg(not(feature = "p384"))]
fn import_p384(
    _: pkcs8::PrivateKeyInfoRef<'_>,
    curve: der::asn1::ObjectIdentifier,
) -> Result<SoftKey, SoftTokenError> {
    if curve == oids::SECP384R1 {
        Err(SoftTokenError::NotSupported {
            key_type: KeyType::EccP384,
        })
    } else {
        Err(SoftTokenError::InvalidKey)
    }
}

#[cfg(feature = "rsa")]
fn import_rsa(info: pkcs8::PrivateKeyInfoRef<'_>) -> Result<SoftKey, SoftTokenError> {
    use rsa::traits::PublicKeyParts;
    let key = rsa::RsaPrivateKey::try_from(info).map_err(|_| SoftTokenError::InvalidKey)?;
    let bits = key.n_bits_precision();
    if bits != 3072 && bits != 4096 {
        return Err(SoftTokenError::NotSupported {
            key_type: KeyType::Rsa {
                bits: u16::try_from(bits).unwrap_or(u16::MAX),
            },
        });
    }
    Ok(SoftKey::Rsa(key))
}

#[cfg(not(feature = "rsa"))]
fn import_rsa(_: pkcs8::PrivateKeyInfoRef<'_>) -> Result<SoftKey, SoftTokenError> {
    Err(SoftTokenError::NotSupported {
        key_type: KeyType::Rsa { bits: 0 },
    })
}

/// Turns a refusal from [`KeyAttributes::check_sign`] into a rich error.
fn refusal(
    kind: ErrorKind,
    attrs: &KeyAttributes,
    alg: SignatureAlgorithm,
    digest_len: usize,
    out_len: usize,
) -> SoftTokenError {
    match kind {
        ErrorKind::InvalidDigest => SoftTokenError::InvalidDigest {
            expected: alg.digest_len(),
            actual: digest_len,
        },
        ErrorKind::BufferTooSmall => SoftTokenError::BufferTooSmall {
            needed: attrs.signature_len(),
            actual: out_len,
        },
        _ if !attrs.usage().contains(KeyUsage::SIGN_HASH) => {
            SoftTokenError::UsageNotPermitted { usage: attrs.usage() }
        }
        _ => SoftTokenError::AlgorithmNotPermitted {
            requested: alg,
            permitted: attrs.algorithm(),
        },
    }
}

fn copy_out(sig: &[u8], out: &mut [u8]) -> Result<usize, SoftTokenError> {
    let actual = out.len();
    let dst = out.get_mut(..sig.len()).ok_or(SoftTokenError::BufferTooSmall {
        needed: sig.len(),
        actual,
    })?;
    dst.copy_from_slice(sig);
    Ok(sig.len())
}

macro_rules! ecdsa_sign {
    ($curve:ident, $key:expr, $rng:expr, $alg:expr, $digest:expr, $out:expr) => {{
        use $curve::ecdsa::{Signature, signature::hazmat::RandomizedPrehashSigner};
        let sig: Signature = $key
            .sign_prehash_with_rng($rng, $digest)
            .map_err(|_| SoftTokenError::CryptoFailure)?;
        match $alg {
            SignatureAlgorithm::Ecdsa {
                encoding: EcdsaEncoding::Fixed,
                ..
            } => copy_out(&sig.to_bytes(), $out),
            _ => copy_out(sig.to_der().as_bytes(), $out),
        }
    }};
}

#[cfg(feature = "rsa")]
fn rsa_sign<R: CryptoRng>(
    key: &rsa::RsaPrivateKey,
    rng: &mut R,
    alg: SignatureAlgorithm,
    digest: &[u8],
    out: &mut [u8],
) -> Result<usize, SoftTokenError> {
    use super::HashAlgorithm;
    use rsa::{Pkcs1v15Sign, Pss};
    use sha2::{Sha256, Sha384, Sha512};
    // `sign_with_rng` is the blinded private-key operation; `Pss::new` salts
    // with the hash length from the same RNG.
    let sig = match alg {
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256) => {
            key.sign_with_rng(rng, Pkcs1v15Sign::new::<Sha256>(), digest)
        }
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha384) => {
            key.sign_with_rng(rng, Pkcs1v15Sign::new::<Sha384>(), digest)
        }
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha512) => {
            key.sign_with_rng(rng, Pkcs1v15Sign::new::<Sha512>(), digest)
        }
        SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256) => {
            key.sign_with_rng(rng, Pss::<Sha256>::new(), digest)
        }
        SignatureAlgorithm::RsaPss(HashAlgorithm::Sha384) => {
            key.sign_with_rng(rng, Pss::<Sha384>::new(), digest)
        }
        SignatureAlgorithm::RsaPss(HashAlgorithm::Sha512) => {
            key.sign_with_rng(rng, Pss::<Sha512>::new(), digest)
        }
        _ => return Err(SoftTokenError::CryptoFailure),
    }
    .map_err(|_| SoftTokenError::CryptoFailure)?;
    copy_out(&sig, out)
}

fn encode_ec_spki(
    curve: der::asn1::ObjectIdentifier,
    point: &[u8],
    out: &mut [u8],
) -> Result<usize, SoftTokenError> {
    use der::Encode;
    let spki = spki::SubjectPublicKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: oids::EC_PUBLIC_KEY,
            parameters: Some(der::asn1::AnyRef::from(&curve)),
        },
        subject_public_key: der::asn1::BitStringRef::from_bytes(point)
            .map_err(|_| SoftTokenError::CryptoFailure)?,
    };
    let needed = spki
        .encoded_len()
        .ok()
        .and_then(|l| usize::try_from(l).ok())
        .ok_or(SoftTokenError::CryptoFailure)?;
    let actual = out.len();
    let written = spki
        .encode_to_slice(out)
        .map_err(|_| SoftTokenError::BufferTooSmall { needed, actual })?;
    Ok(written.len())
}

impl<R: CryptoRng, const N: usize> Token for SoftToken<R, N> {
    type Error = SoftTokenError;

    fn key_attributes(&self, handle: KeyHandle) -> Result<KeyAttributes, Self::Error> {
        Ok(self.slot(handle)?.attributes)
    }

    fn public_key(&self, handle: KeyHandle, out: &mut [u8]) -> Result<usize, Self::Error> {
        match &self.slot(handle)?.key {
            #[cfg(feature = "rsa")]
            SoftKey::Rsa(k) => {
                use rsa::pkcs8::EncodePublicKey;
                let doc = k
                    .to_public_key()
                    .to_public_key_der()
                    .map_err(|_| SoftTokenError::CryptoFailure)?;
                let bytes = doc.as_bytes();
                let actual = out.len();
                let dst = out.get_mut(..bytes.len()).ok_or(SoftTokenError::BufferTooSmall {
                    needed: bytes.len(),
                    actual,
                })?;
                dst.copy_from_slice(bytes);
                Ok(bytes.len())
            }
            SoftKey::P256(k) => encode_ec_spki(
                oids::SECP256R1,
                k.verifying_key().to_sec1_point(false).as_bytes(),
                out,
            ),
            #[cfg(feature = "p384")]
            SoftKey::P384(k) => encode_ec_spki(
                oids::SECP384R1,
                k.verifying_key().to_sec1_point(false).as_bytes(),
                out,
            ),
        }
    }

    fn sign_digest(
        &mut self,
        handle: KeyHandle,
        alg: SignatureAlgorithm,
        digest: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Self::Error> {
        let Self { rng, slots } = self;
        let slot = usize::try_from(handle.0)
            .ok()
            .and_then(|i| slots.get(i))
            .and_then(Option::as_ref)
            .ok_or(SoftTokenError::InvalidHandle { handle })?;
        let attrs = &slot.attributes;
        attrs
            .check_sign(alg, digest.len(), out.len())
            .map_err(|kind| refusal(kind, attrs, alg, digest.len(), out.len()))?;
        // check_sign guarantees alg == the key's algorithm, whose family matches the key.
        match &slot.key {
            #[cfg(feature = "rsa")]
            SoftKey::Rsa(k) => rsa_sign(k, rng, alg, digest, out),
            SoftKey::P256(k) => ecdsa_sign!(p256, k, rng, alg, digest, out),
            #[cfg(feature = "p384")]
            SoftKey::P384(k) => ecdsa_sign!(p384, k, rng, alg, digest, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::HashAlgorithm;
    use super::*;
    use crate::verify::verify_digest;

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    const ES256: SignatureAlgorithm = SignatureAlgorithm::Ecdsa {
        hash: HashAlgorithm::Sha256,
        encoding: EcdsaEncoding::Der,
    };

    #[test]
    fn generate_sign_verify_p256() {
        let mut t: SoftToken<_, 2> = SoftToken::new(rng());
        let attrs = KeyAttributes::new(KeyType::EccP256, KeyUsage::SIGN_HASH, ES256).unwrap();
        let h = t.generate(attrs).unwrap();
        assert_eq!(
            t.key_attributes(h).unwrap(),
            attrs.with_protection(KeyProtection::Software)
        );
        let mut spki = [0u8; super::super::MAX_SPKI_LEN];
        let n = t.public_key(h, &mut spki).unwrap();
        let digest = HashAlgorithm::Sha256.digest(b"hello");
        let mut sig = [0u8; 72];
        let m = t.sign_digest(h, ES256, digest.as_bytes(), &mut sig).unwrap();
        verify_digest(&spki[..n], ES256, digest.as_bytes(), &sig[..m]).unwrap();
        let other = HashAlgorithm::Sha256.digest(b"hellO");
        assert_eq!(
            verify_digest(&spki[..n], ES256, other.as_bytes(), &sig[..m]),
            Err(crate::verify::VerifyError::BadSignature)
        );
    }

    #[test]
    fn slots_fill_and_free() {
        let mut t: SoftToken<_, 1> = SoftToken::new(rng());
        let attrs = KeyAttributes::new(KeyType::EccP256, KeyUsage::SIGN_HASH, ES256).unwrap();
        let h = t.generate(attrs).unwrap();
        assert_eq!(t.generate(attrs), Err(SoftTokenError::SlotsFull { slots: 1 }));
        t.destroy(h).unwrap();
        assert_eq!(
            t.key_attributes(h),
            Err(SoftTokenError::InvalidHandle { handle: h })
        );
        assert_eq!(t.destroy(h), Err(SoftTokenError::InvalidHandle { handle: h }));
        t.generate(attrs).unwrap();
    }

    #[test]
    fn unsupported_rsa_size_is_refused() {
        let mut t: SoftToken<_, 1> = SoftToken::new(rng());
        let attrs = KeyAttributes::new(
            KeyType::Rsa { bits: 2048 },
            KeyUsage::SIGN_HASH,
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256),
        )
        .unwrap();
        assert_eq!(
            t.generate(attrs),
            Err(SoftTokenError::NotSupported {
                key_type: KeyType::Rsa { bits: 2048 }
            })
        );
    }
}

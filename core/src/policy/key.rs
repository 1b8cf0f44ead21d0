//! What a public key is, read from a `SubjectPublicKeyInfo` without the heap.

use core::fmt;

use der::Decode;
use der::asn1::{ObjectIdentifier, UintRef};
use spki::SubjectPublicKeyInfoRef;

use super::error::{PolicyError, Structure};

/// `rsaEncryption` (RFC 8017).
pub const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-RSASSA-PSS` used as a key algorithm (RFC 4055): still an RSA key.
pub const OID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
/// `id-ecPublicKey` (RFC 5480).
pub const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `secp256r1` / P-256.
pub const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// `secp384r1` / P-384.
pub const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// `secp521r1` / P-521.
pub const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
/// `secp256k1` (recognised only to name it in messages; never allowed).
pub const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
/// `id-Ed25519` (RFC 8410).
pub const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// `id-Ed448` (RFC 8410).
pub const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
/// `id-dsa` (RFC 3279).
pub const OID_DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");

/// A NIST curve the policy knows. Other curves are [`KeyInfo::Unsupported`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256 (`secp256r1`).
    P256,
    /// NIST P-384 (`secp384r1`).
    P384,
    /// NIST P-521 (`secp521r1`).
    P521,
}

impl Curve {
    /// Every known curve, smallest first.
    pub const ALL: [Curve; 3] = [Curve::P256, Curve::P384, Curve::P521];

    /// The curve's usual name, `P-256`, `P-384` or `P-521`.
    pub const fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// The named-curve OID.
    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => OID_P256,
            Curve::P384 => OID_P384,
            Curve::P521 => OID_P521,
        }
    }

    /// The curve with this named-curve OID, if known.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Curve> {
        Curve::ALL.into_iter().find(|c| c.oid() == *oid)
    }

    /// Size of one field element in bytes (for checking encoded points).
    const fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

impl fmt::Display for Curve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An RSA public exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsaExponent {
    /// The exponent, when it fits in 64 bits.
    Value(u64),
    /// Longer than 64 bits. The policy refuses it (see
    /// [`PolicyError::ExponentInvalid`]): real keys never use one, and a huge
    /// exponent only makes verification slow.
    TooLarge,
}

impl fmt::Display for RsaExponent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RsaExponent::Value(e) => write!(f, "{e}"),
            RsaExponent::TooLarge => f.write_str("(more than 64 bits)"),
        }
    }
}

/// What a public key is, as far as the key-size policy cares. `Copy`, no heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyInfo {
    /// An RSA key (`rsaEncryption` or `id-RSASSA-PSS`).
    Rsa {
        /// Bits in the modulus (position of its highest set bit).
        modulus_bits: u32,
        /// The public exponent.
        exponent: RsaExponent,
    },
    /// An EC key on a known NIST curve.
    Ec {
        /// The named curve.
        curve: Curve,
    },
    /// Any other key: Ed25519, Ed448, DSA, an EC key on another curve
    /// (e.g. secp256k1) or with explicit curve parameters, unknown algorithms.
    Unsupported {
        /// The SPKI algorithm OID.
        algorithm: ObjectIdentifier,
        /// The parameters when they are an OID (the curve, for EC keys).
        parameters: Option<ObjectIdentifier>,
    },
}

/// A readable name for an algorithm or curve OID the policy does not support.
pub fn unsupported_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    [
        (OID_ED25519, "Ed25519"),
        (OID_ED448, "Ed448"),
        (OID_DSA, "DSA"),
        (OID_SECP256K1, "secp256k1"),
        (OID_EC_PUBLIC_KEY, "EC"),
    ]
    .into_iter()
    .find(|(known, _)| known == oid)
    .map(|(_, name)| name)
}

impl fmt::Display for KeyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyInfo::Rsa {
                modulus_bits,
                exponent,
            } => write!(f, "RSA-{modulus_bits} (e={exponent})"),
            KeyInfo::Ec { curve } => write!(f, "ECC {curve}"),
            KeyInfo::Unsupported {
                algorithm,
                parameters,
            } => {
                let named = parameters
                    .as_ref()
                    .and_then(unsupported_name)
                    .or_else(|| unsupported_name(algorithm));
                match (named, parameters) {
                    (Some(name), _) if *algorithm == OID_EC_PUBLIC_KEY && parameters.is_none() => {
                        write!(f, "{name} key with explicit curve parameters")
                    }
                    (Some(name), _) => write!(f, "{name} key ({})", parameters.unwrap_or(*algorithm)),
                    (None, Some(p)) => write!(f, "key of algorithm {algorithm} with parameters {p}"),
                    (None, None) => write!(f, "key of algorithm {algorithm}"),
                }
            }
        }
    }
}

fn malformed(e: der::Error) -> PolicyError {
    PolicyError::Malformed {
        what: Structure::PublicKey,
        reason: e.kind(),
    }
}

fn malformed_value() -> PolicyError {
    PolicyError::Malformed {
        what: Structure::PublicKey,
        reason: der::ErrorKind::Value {
            tag: der::Tag::BitString,
        },
    }
}

/// Reads a DER `SubjectPublicKeyInfo`. Works without `alloc`.
///
/// # Errors
/// [`PolicyError::Malformed`] when the DER is broken, the RSA key inside
/// is not a valid `RSAPublicKey`, or an EC point has the wrong length for its
/// curve; [`PolicyError::TrailingData`] when bytes follow the structure.
/// An algorithm the policy does not know is **not** an error: it is
/// [`KeyInfo::Unsupported`].
pub fn key_info_from_spki_der(der: &[u8]) -> Result<KeyInfo, PolicyError> {
    let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|e| match e.kind() {
        der::ErrorKind::TrailingData { decoded, remaining } => PolicyError::TrailingData {
            what: Structure::PublicKey,
            extra_bytes: u32::from(remaining),
            decoded_bytes: u32::from(decoded),
        },
        _ => malformed(e),
    })?;
    key_info_from_spki(&spki)
}

/// Reads a `SubjectPublicKeyInfo` from PEM (label `PUBLIC KEY`) or DER.
///
/// # Errors
/// As [`key_info_from_spki_der`], plus [`PolicyError::PemInvalid`] for
/// broken PEM or PEM with another label.
#[cfg(feature = "alloc")]
pub fn key_info_from_spki_pem_or_der(input: &[u8]) -> Result<KeyInfo, PolicyError> {
    match super::pem::decode(input, Structure::PublicKey)? {
        None => key_info_from_spki_der(input),
        Some((super::pem::Label::PublicKey, der)) => key_info_from_spki_der(&der),
        Some(_) => Err(PolicyError::PemInvalid {
            what: Structure::PublicKey,
        }),
    }
}

/// Classifies an already-decoded `SubjectPublicKeyInfo`.
pub(crate) fn key_info_from_spki(spki: &SubjectPublicKeyInfoRef<'_>) -> Result<KeyInfo, PolicyError> {
    let algorithm = spki.algorithm.oid;
    // An unused-bits count other than 0 is not a valid key encoding for any algorithm here.
    let key_bytes = spki.subject_public_key.as_bytes();
    if algorithm == OID_RSA_ENCRYPTION || algorithm == OID_RSASSA_PSS {
        let key_bytes = key_bytes.ok_or_else(malformed_value)?;
        let (modulus_bits, exponent) = rsa_components(key_bytes)?;
        return Ok(KeyInfo::Rsa {
            modulus_bits,
            exponent,
        });
    }
    let parameters = spki.algorithm.parameters_oid().ok();
    if algorithm == OID_EC_PUBLIC_KEY
        && let Some(curve) = parameters.as_ref().and_then(Curve::from_oid)
    {
        let point = key_bytes.ok_or_else(malformed_value)?;
        check_point_encoding(curve, point)?;
        return Ok(KeyInfo::Ec { curve });
    }
    Ok(KeyInfo::Unsupported {
        algorithm,
        parameters,
    })
}

/// Parses `RSAPublicKey` (RFC 8017 A.1.1) and returns (modulus bits, exponent).
pub(crate) fn rsa_components(rsa_public_key_der: &[u8]) -> Result<(u32, RsaExponent), PolicyError> {
    let key = pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(rsa_public_key_der).map_err(malformed)?;
    let modulus_bits = bit_length(key.modulus.as_bytes()).ok_or_else(malformed_value)?;
    if modulus_bits == 0 {
        return Err(malformed_value());
    }
    // `UintRef` strips leading zero bytes, so the length is the magnitude's length.
    let e = key.public_exponent.as_bytes();
    let exponent = if e.len() > 8 {
        RsaExponent::TooLarge
    } else {
        RsaExponent::Value(e.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    };
    Ok((modulus_bits, exponent))
}

/// Bits in a big-endian unsigned magnitude without leading zero bytes.
fn bit_length(magnitude: &[u8]) -> Option<u32> {
    let Some((first, _)) = magnitude.split_first() else {
        return Some(0);
    };
    let full_bytes = u32::try_from(magnitude.len()).ok()?.checked_sub(1)?;
    full_bytes.checked_mul(8)?.checked_add(8 - first.leading_zeros())
}

/// SEC 1 point encoding: uncompressed (`04 || X || Y`) or compressed (`02|03 || X`).
fn check_point_encoding(curve: Curve, point: &[u8]) -> Result<(), PolicyError> {
    let n = curve.coordinate_len();
    let ok = match point.first() {
        Some(0x04) => point.len() == 1 + 2 * n,
        Some(0x02 | 0x03) => point.len() == 1 + n,
        _ => false,
    };
    if ok { Ok(()) } else { Err(malformed_value()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_length_counts_from_highest_set_bit() {
        assert_eq!(bit_length(&[]), Some(0));
        assert_eq!(bit_length(&[0x01]), Some(1));
        assert_eq!(bit_length(&[0x80]), Some(8));
        assert_eq!(bit_length(&[0x7f, 0x00]), Some(15));
        let mut n = [0u8; 384];
        n[0] = 0xc0;
        assert_eq!(bit_length(&n), Some(3072));
        n[0] = 0x40;
        assert_eq!(bit_length(&n), Some(3071));
    }

    fn rsa_public_key_der(modulus: &[u8], exponent: &[u8]) -> ([u8; 600], usize) {
        use der::Encode;
        let key = pkcs1::RsaPublicKey {
            modulus: UintRef::new(modulus).unwrap(),
            public_exponent: UintRef::new(exponent).unwrap(),
        };
        let mut buf = [0u8; 600];
        let len = key.encode_to_slice(&mut buf).unwrap().len();
        (buf, len)
    }

    #[test]
    fn rsa_exponent_and_size() {
        let mut modulus = [0xffu8; 256];
        modulus[255] = 0xfd;
        let (buf, len) = rsa_public_key_der(&modulus, &[0x01, 0x00, 0x01]);
        assert_eq!(
            rsa_components(&buf[..len]).unwrap(),
            (2048, RsaExponent::Value(65_537))
        );
        let (buf, len) = rsa_public_key_der(&modulus, &[1, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(
            rsa_components(&buf[..len]).unwrap(),
            (2048, RsaExponent::TooLarge)
        );
        let (buf, len) = rsa_public_key_der(&modulus, &[0xff; 8]);
        assert_eq!(
            rsa_components(&buf[..len]).unwrap(),
            (2048, RsaExponent::Value(u64::MAX))
        );
        let (buf, len) = rsa_public_key_der(&[0], &[3]);
        assert!(matches!(
            rsa_components(&buf[..len]),
            Err(PolicyError::Malformed { .. })
        ));
    }

    #[test]
    fn point_lengths_are_checked() {
        assert!(check_point_encoding(Curve::P256, &[4; 65]).is_ok());
        assert!(check_point_encoding(Curve::P256, &[2; 33]).is_ok());
        assert!(check_point_encoding(Curve::P256, &[4; 64]).is_err());
        assert!(check_point_encoding(Curve::P384, &[4; 97]).is_ok());
        assert!(check_point_encoding(Curve::P521, &[3; 67]).is_ok());
        assert!(check_point_encoding(Curve::P521, &[5; 67]).is_err());
        assert!(check_point_encoding(Curve::P521, &[]).is_err());
    }
}

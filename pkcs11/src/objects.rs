//! The token's three objects, made from the state's certificate: the
//! signing key's private-key object (a handle to the state's key, never its
//! value), its public key and its certificate, all with one `CKA_ID` and one
//! `CKA_LABEL`, so tools that pair objects by id (SunPKCS11, libp11) or find
//! them by label or URI see one key.

use cryptoki_sys::*;
use der::{Decode, Encode};
use sha2::Digest as _;

/// The object handles. Fixed: the token holds exactly these three objects.
pub const PRIVATE_KEY: CK_OBJECT_HANDLE = 1;
/// The public key.
pub const PUBLIC_KEY: CK_OBJECT_HANDLE = 2;
/// The certificate.
pub const CERTIFICATE: CK_OBJECT_HANDLE = 3;
/// Every handle, in the order `C_FindObjects` returns them.
pub const ALL: [CK_OBJECT_HANDLE; 3] = [PRIVATE_KEY, PUBLIC_KEY, CERTIFICATE];

/// An attribute that exists but is never revealed (`CKR_ATTRIBUTE_SENSITIVE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sensitive;

/// The key as PKCS#11 describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyInfo {
    /// An EC key: the curve's DER OID (`CKA_EC_PARAMS`), the uncompressed
    /// point, and the field size in bytes (the half of `r || s`).
    Ec {
        /// `CKA_EC_PARAMS`: the named curve's OID, DER.
        params: Vec<u8>,
        /// The uncompressed point (`04 || X || Y`).
        point: Vec<u8>,
        /// Bytes of one coordinate.
        field_len: usize,
    },
    /// An RSA key.
    Rsa {
        /// Big-endian, without leading zeros.
        modulus: Vec<u8>,
        /// Big-endian, without leading zeros.
        exponent: Vec<u8>,
    },
}

impl KeyInfo {
    /// The exact length of a PKCS#11 signature with this key: `r || s`, or
    /// the modulus length. Known without signing, so a length query never
    /// consumes a signature.
    pub fn signature_len(&self) -> usize {
        match self {
            KeyInfo::Ec { field_len, .. } => 2 * field_len,
            KeyInfo::Rsa { modulus, .. } => modulus.len(),
        }
    }

    /// Key size in bits, for `CKA_MODULUS_BITS` and `CK_MECHANISM_INFO`.
    pub fn bits(&self) -> usize {
        match self {
            KeyInfo::Ec { field_len, .. } => field_len * 8,
            KeyInfo::Rsa { modulus, .. } => {
                let lead = modulus.first().copied().unwrap_or(0);
                modulus.len() * 8 - lead.leading_zeros() as usize
            }
        }
    }
}

/// The certificate's parts the objects show.
#[derive(Debug, Clone)]
pub struct Objects {
    /// `CKA_ID` of all three objects.
    pub id: Vec<u8>,
    /// `CKA_LABEL` of all three objects.
    pub label: Vec<u8>,
    /// The certificate, DER.
    pub cert: Vec<u8>,
    subject: Vec<u8>,
    issuer: Vec<u8>,
    serial: Vec<u8>,
    /// The key.
    pub key: KeyInfo,
}

const OID_EC: &str = "1.2.840.10045.2.1";
const OID_RSA: &str = "1.2.840.113549.1.1.1";
/// The named curves' OIDs, DER (`CKA_EC_PARAMS`): 1.2.840.10045.3.1.7 and
/// 1.3.132.0.34.
const P256_PARAMS: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384_PARAMS: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];

impl Objects {
    /// The objects of a certificate, labelled `label`.
    ///
    /// # Errors
    /// A description when the certificate or its key cannot be shown.
    pub fn new(cert_der: &[u8], label: &str) -> Result<Objects, String> {
        let cert = x509_cert::Certificate::from_der(cert_der).map_err(|e| format!("the certificate: {e}"))?;
        let tbs = cert.tbs_certificate();
        let spki = tbs.subject_public_key_info();
        let key_bits = spki.subject_public_key.raw_bytes();
        let alg = spki.algorithm.oid.to_string();
        let key = if alg == OID_EC {
            let params = spki
                .algorithm
                .parameters
                .as_ref()
                .ok_or("the EC key names no curve")?
                .to_der()
                .map_err(|e| format!("the EC curve: {e}"))?;
            let field_len = match params.as_slice() {
                P256_PARAMS => 32,
                P384_PARAMS => 48,
                _ => return Err("the EC curve is not P-256 or P-384".into()),
            };
            if key_bits.len() != 1 + 2 * field_len || key_bits.first() != Some(&4) {
                return Err("the EC point is not uncompressed".into());
            }
            KeyInfo::Ec {
                params,
                point: key_bits.to_vec(),
                field_len,
            }
        } else if alg == OID_RSA {
            let rsa = pkcs1::RsaPublicKeyRef::from_der(key_bits).map_err(|e| format!("the RSA key: {e}"))?;
            KeyInfo::Rsa {
                modulus: rsa.modulus.as_bytes().to_vec(),
                exponent: rsa.public_exponent.as_bytes().to_vec(),
            }
        } else {
            return Err(format!("key algorithm {alg} is not served"));
        };
        let spki_der = spki.to_der().map_err(|e| e.to_string())?;
        // The id: the first 20 bytes of the key's SHA-256, stable across
        // certificates for the same key (a re-imported certificate keeps
        // its tools' configuration working).
        let id = sha2::Sha256::digest(&spki_der)
            .get(..20)
            .unwrap_or_default()
            .to_vec();
        Ok(Objects {
            id,
            label: label.as_bytes().to_vec(),
            cert: cert_der.to_vec(),
            subject: tbs.subject().to_der().map_err(|e| e.to_string())?,
            issuer: tbs.issuer().to_der().map_err(|e| e.to_string())?,
            serial: tbs.serial_number().to_der().map_err(|e| e.to_string())?,
            key,
        })
    }

    /// The value of attribute `t` of object `h`: `Ok(Some)` a value,
    /// `Ok(None)` no such attribute.
    ///
    /// # Errors
    /// [`Sensitive`]: the attribute exists but is never revealed.
    pub fn attribute(
        &self,
        h: CK_OBJECT_HANDLE,
        t: CK_ATTRIBUTE_TYPE,
        private_flag: bool,
    ) -> Result<Option<Vec<u8>>, Sensitive> {
        let ul = |v: CK_ULONG| Some(v.to_ne_bytes().to_vec());
        let b = |v: bool| Some(vec![if v { CK_TRUE } else { CK_FALSE }]);
        let is_key = h == PRIVATE_KEY || h == PUBLIC_KEY;
        let common = match t {
            CKA_CLASS => ul(match h {
                PRIVATE_KEY => CKO_PRIVATE_KEY,
                PUBLIC_KEY => CKO_PUBLIC_KEY,
                _ => CKO_CERTIFICATE,
            }),
            CKA_TOKEN => b(true),
            CKA_PRIVATE => b(h == PRIVATE_KEY && private_flag),
            CKA_MODIFIABLE | CKA_COPYABLE | CKA_DESTROYABLE => b(false),
            CKA_LABEL => Some(self.label.clone()),
            CKA_ID => Some(self.id.clone()),
            CKA_SUBJECT => Some(self.subject.clone()),
            _ => None,
        };
        if common.is_some() {
            return Ok(common);
        }
        if h == CERTIFICATE {
            return Ok(match t {
                CKA_CERTIFICATE_TYPE => ul(CKC_X_509),
                CKA_VALUE => Some(self.cert.clone()),
                CKA_ISSUER => Some(self.issuer.clone()),
                CKA_SERIAL_NUMBER => Some(self.serial.clone()),
                CKA_TRUSTED => b(false),
                CKA_CERTIFICATE_CATEGORY => ul(0),
                _ => None,
            });
        }
        if !is_key {
            return Ok(None);
        }
        let private = h == PRIVATE_KEY;
        let value = match t {
            CKA_KEY_TYPE => ul(match self.key {
                KeyInfo::Ec { .. } => CKK_EC,
                KeyInfo::Rsa { .. } => CKK_RSA,
            }),
            // Sign-only: the key does nothing else through this module.
            CKA_SIGN => b(private),
            CKA_VERIFY => b(!private),
            CKA_DECRYPT
            | CKA_ENCRYPT
            | CKA_UNWRAP
            | CKA_WRAP
            | CKA_DERIVE
            | CKA_SIGN_RECOVER
            | CKA_VERIFY_RECOVER
            | CKA_ALWAYS_AUTHENTICATE => b(false),
            CKA_LOCAL => b(false),
            CKA_SENSITIVE | CKA_ALWAYS_SENSITIVE | CKA_NEVER_EXTRACTABLE if private => b(true),
            CKA_EXTRACTABLE if private => b(false),
            CKA_KEY_GEN_MECHANISM => ul(CK_UNAVAILABLE_INFORMATION),
            _ => match (&self.key, t) {
                (KeyInfo::Ec { params, .. }, CKA_EC_PARAMS) => Some(params.clone()),
                (KeyInfo::Ec { point, .. }, CKA_EC_POINT) if !private => Some(octet_string(point)),
                (KeyInfo::Ec { .. }, CKA_VALUE) if private => return Err(Sensitive),
                (KeyInfo::Rsa { modulus, .. }, CKA_MODULUS) => Some(modulus.clone()),
                (KeyInfo::Rsa { exponent, .. }, CKA_PUBLIC_EXPONENT) => Some(exponent.clone()),
                (KeyInfo::Rsa { .. }, CKA_MODULUS_BITS) if !private => ul(self.key.bits() as CK_ULONG),
                (
                    KeyInfo::Rsa { .. },
                    CKA_PRIVATE_EXPONENT | CKA_PRIME_1 | CKA_PRIME_2 | CKA_EXPONENT_1 | CKA_EXPONENT_2
                    | CKA_COEFFICIENT,
                ) if private => return Err(Sensitive),
                _ => None,
            },
        };
        Ok(value)
    }
}

/// DER OCTET STRING around `bytes` (`CKA_EC_POINT` is the point so wrapped,
/// as PKCS#11 2.40 section 2.3.3 says).
fn octet_string(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0x04];
    let len = bytes.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.extend([0x81, len as u8]);
    }
    out.extend_from_slice(bytes);
    out
}

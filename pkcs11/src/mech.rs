//! Mechanisms: which PKCS#11 mechanisms the state's one algorithm serves,
//! and how a mechanism's input becomes the digest host's `sign_digest`
//! takes.
//!
//! A state signs with exactly one algorithm (`signet.toml`'s `algorithm`,
//! PSA-style: one permitted algorithm per key), over a digest of that
//! algorithm's hash. So:
//! - `CKM_ECDSA` takes a raw digest; its length names the hash (32 bytes
//!   SHA-256, 48 SHA-384, 64 SHA-512) and it must be the state's hash;
//!   another length is `CKR_DATA_LEN_RANGE`.
//! - `CKM_RSA_PKCS` takes a DER `DigestInfo`; it is parsed, and its hash must
//!   be the state's (`CKR_DATA_INVALID` otherwise). Raw PKCS#1 padding of
//!   anything else is refused: the module signs digests, never arbitrary
//!   blocks.
//! - `CKM_RSA_PKCS_PSS` takes the digest, with parameters that must be the
//!   state's (hash, MGF1 of the same hash, salt = hash length).
//! - `CKM_ECDSA_SHAx`, `CKM_SHAx_RSA_PKCS`, `CKM_SHAx_RSA_PKCS_PSS` hash the
//!   data here (single- or multi-part); x must be the state's hash.
//!
//! A mechanism the state's algorithm cannot serve is `CKR_MECHANISM_INVALID`.

use cryptoki_sys::*;
use sha2::Digest as _;
use signet_core::token::{HashAlgorithm, SignatureAlgorithm};

/// How a sign operation turns its input into the digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The input is the digest itself.
    Digest,
    /// The input is a DER `DigestInfo` (`CKM_RSA_PKCS`).
    DigestInfo,
    /// The input is the data; the module hashes it.
    Data,
}

/// The mechanisms the state's algorithm serves, with how each takes input.
pub fn served(alg: SignatureAlgorithm) -> Vec<(CK_MECHANISM_TYPE, Input)> {
    let h = alg.hash();
    match alg {
        SignatureAlgorithm::Ecdsa { .. } => vec![(CKM_ECDSA, Input::Digest), (ecdsa_with(h), Input::Data)],
        SignatureAlgorithm::RsaPkcs1v15(_) => {
            vec![(CKM_RSA_PKCS, Input::DigestInfo), (rsa_with(h), Input::Data)]
        }
        SignatureAlgorithm::RsaPss(_) => {
            vec![(CKM_RSA_PKCS_PSS, Input::Digest), (pss_with(h), Input::Data)]
        }
        // A future algorithm: nothing is served rather than something wrong.
        _ => Vec::new(),
    }
}

fn ecdsa_with(h: HashAlgorithm) -> CK_MECHANISM_TYPE {
    match h {
        HashAlgorithm::Sha256 => CKM_ECDSA_SHA256,
        HashAlgorithm::Sha384 => CKM_ECDSA_SHA384,
        _ => CKM_ECDSA_SHA512,
    }
}

fn rsa_with(h: HashAlgorithm) -> CK_MECHANISM_TYPE {
    match h {
        HashAlgorithm::Sha256 => CKM_SHA256_RSA_PKCS,
        HashAlgorithm::Sha384 => CKM_SHA384_RSA_PKCS,
        _ => CKM_SHA512_RSA_PKCS,
    }
}

fn pss_with(h: HashAlgorithm) -> CK_MECHANISM_TYPE {
    match h {
        HashAlgorithm::Sha256 => CKM_SHA256_RSA_PKCS_PSS,
        HashAlgorithm::Sha384 => CKM_SHA384_RSA_PKCS_PSS,
        _ => CKM_SHA512_RSA_PKCS_PSS,
    }
}

/// The PSS parameters a state signs with: its hash, MGF1 of the same hash,
/// a salt of the hash's length.
pub fn pss_params(h: HashAlgorithm) -> (CK_MECHANISM_TYPE, CK_RSA_PKCS_MGF_TYPE, CK_ULONG) {
    match h {
        HashAlgorithm::Sha256 => (CKM_SHA256, CKG_MGF1_SHA256, 32),
        HashAlgorithm::Sha384 => (CKM_SHA384, CKG_MGF1_SHA384, 48),
        _ => (CKM_SHA512, CKG_MGF1_SHA512, 64),
    }
}

/// A running hash for the `Data` mechanisms.
#[derive(Clone)]
pub enum Hasher {
    /// SHA-256.
    S256(sha2::Sha256),
    /// SHA-384.
    S384(sha2::Sha384),
    /// SHA-512.
    S512(sha2::Sha512),
}

impl Hasher {
    /// A fresh hash of `h`.
    pub fn new(h: HashAlgorithm) -> Hasher {
        match h {
            HashAlgorithm::Sha256 => Hasher::S256(sha2::Sha256::new()),
            HashAlgorithm::Sha384 => Hasher::S384(sha2::Sha384::new()),
            _ => Hasher::S512(sha2::Sha512::new()),
        }
    }

    /// Adds data.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::S256(h) => h.update(data),
            Hasher::S384(h) => h.update(data),
            Hasher::S512(h) => h.update(data),
        }
    }

    /// The digest.
    pub fn finish(self) -> Vec<u8> {
        match self {
            Hasher::S256(h) => h.finalize().to_vec(),
            Hasher::S384(h) => h.finalize().to_vec(),
            Hasher::S512(h) => h.finalize().to_vec(),
        }
    }
}

/// The DER `DigestInfo` prefix of each hash (RFC 8017 section 9.2, note 1).
const DIGEST_INFO_PREFIXES: [(HashAlgorithm, &[u8]); 3] = [
    (
        HashAlgorithm::Sha256,
        &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
            0x00, 0x04, 0x20,
        ],
    ),
    (
        HashAlgorithm::Sha384,
        &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
            0x00, 0x04, 0x30,
        ],
    ),
    (
        HashAlgorithm::Sha512,
        &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
            0x00, 0x04, 0x40,
        ],
    ),
];

/// Parses a `DigestInfo` into its hash and digest. Only the DER encodings
/// RFC 8017 gives are accepted (with the NULL parameters), which is exactly
/// what PKCS#1 v1.5 signing pads; the hash is then the state's check.
pub fn parse_digest_info(input: &[u8]) -> Option<(HashAlgorithm, &[u8])> {
    DIGEST_INFO_PREFIXES.iter().find_map(|(h, prefix)| {
        let digest = input.strip_prefix(*prefix)?;
        (digest.len() == h.digest_len()).then_some((*h, digest))
    })
}

/// The hash a raw ECDSA digest of `len` bytes names.
pub fn hash_of_len(len: usize) -> Option<HashAlgorithm> {
    [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ]
    .into_iter()
    .find(|h| h.digest_len() == len)
}

/// An ECDSA signature as PKCS#11 returns it: `r || s`, each `field_len`
/// bytes. The state's signature is DER (`der`: CMS wants it) or already fixed.
pub fn ecdsa_fixed(sig: &[u8], field_len: usize, der: bool) -> Option<Vec<u8>> {
    if !der {
        return (sig.len() == 2 * field_len).then(|| sig.to_vec());
    }
    match field_len {
        32 => p256::ecdsa::Signature::from_der(sig)
            .ok()
            .map(|s| s.to_bytes().to_vec()),
        48 => p384::ecdsa::Signature::from_der(sig)
            .ok()
            .map(|s| s.to_bytes().to_vec()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_info_round_trips_and_refuses_others() {
        let d = [7u8; 32];
        let mut di = DIGEST_INFO_PREFIXES[0].1.to_vec();
        di.extend_from_slice(&d);
        assert_eq!(parse_digest_info(&di), Some((HashAlgorithm::Sha256, &d[..])));
        // One byte short, one too many, and a bare digest: refused.
        assert_eq!(parse_digest_info(&di[..di.len() - 1]), None);
        di.push(0);
        assert_eq!(parse_digest_info(&di), None);
        assert_eq!(parse_digest_info(&d), None);
    }

    #[test]
    fn ecdsa_der_becomes_fixed() {
        // r = 1, s = 2 (DER drops leading zeros; PKCS#11 pads them back).
        let der = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02];
        let fixed = ecdsa_fixed(&der, 32, true).unwrap();
        assert_eq!(fixed.len(), 64);
        assert_eq!(fixed[31], 1);
        assert_eq!(fixed[63], 2);
        assert!(ecdsa_fixed(&der[..7], 32, true).is_none());
        assert!(ecdsa_fixed(&fixed, 32, false).is_some());
        assert!(ecdsa_fixed(&fixed[1..], 32, false).is_none());
    }
}

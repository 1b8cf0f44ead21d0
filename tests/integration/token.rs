//! The token trait and the software token, checked against OpenSSL.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use signet_core::ErrorCode;
use signet_core::token::soft::{SoftToken, SoftTokenError};
use signet_core::token::{
    EcdsaEncoding, Error, ErrorKind, HashAlgorithm, KeyAttributes, KeyHandle, KeyProtection, KeyType,
    KeyUsage, MAX_SIGNATURE_LEN, MAX_SPKI_LEN, SignatureAlgorithm, Token,
};
use signet_core::verify::{VerifyError, ecdsa_fixed_to_der, verify_digest};
use signet_tests::{openssl, openssl_ok, scratch_dir};

pub type Rng = rand_core::UnwrapErr<getrandom::SysRng>;

pub fn new_token<const N: usize>() -> SoftToken<Rng, N> {
    SoftToken::new(rand_core::UnwrapErr(getrandom::SysRng))
}

/// Keys made once by `openssl genpkey`: p256.pem, p384.pem, rsa3072.pem.
pub fn keys() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch_dir("keys");
        for (name, opt) in [
            ("p256", "ec_paramgen_curve:P-256"),
            ("p384", "ec_paramgen_curve:P-384"),
        ] {
            openssl_ok(
                &dir,
                &[
                    "genpkey",
                    "-algorithm",
                    "EC",
                    "-pkeyopt",
                    opt,
                    "-out",
                    &format!("{name}.pem"),
                ],
            );
        }
        openssl_ok(
            &dir,
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:3072",
                "-out",
                "rsa3072.pem",
            ],
        );
        for name in ["p256", "p384", "rsa3072"] {
            openssl_ok(
                &dir,
                &[
                    "pkey",
                    "-in",
                    &format!("{name}.pem"),
                    "-pubout",
                    "-out",
                    &format!("{name}.pub.pem"),
                ],
            );
            openssl_ok(
                &dir,
                &[
                    "pkey",
                    "-in",
                    &format!("{name}.pem"),
                    "-pubout",
                    "-outform",
                    "DER",
                    "-out",
                    &format!("{name}.pub.der"),
                ],
            );
        }
        dir
    })
}

pub fn key_pem(name: &str) -> String {
    std::fs::read_to_string(keys().join(format!("{name}.pem"))).unwrap()
}

pub fn ecdsa(hash: HashAlgorithm, encoding: EcdsaEncoding) -> SignatureAlgorithm {
    SignatureAlgorithm::Ecdsa { hash, encoding }
}

const HASHES: [HashAlgorithm; 3] = [
    HashAlgorithm::Sha256,
    HashAlgorithm::Sha384,
    HashAlgorithm::Sha512,
];

fn algorithms_for(key: &str) -> Vec<SignatureAlgorithm> {
    let mut v = Vec::new();
    for h in HASHES {
        if key.starts_with("rsa") {
            v.push(SignatureAlgorithm::RsaPkcs1v15(h));
            v.push(SignatureAlgorithm::RsaPss(h));
        } else {
            v.push(ecdsa(h, EcdsaEncoding::Der));
            v.push(ecdsa(h, EcdsaEncoding::Fixed));
        }
    }
    v
}

/// `openssl dgst -verify` of a raw signature over `data`.
fn openssl_verify_raw(
    dir: &Path,
    key: &str,
    alg: SignatureAlgorithm,
    data: &[u8],
    sig: &[u8],
) -> (bool, String) {
    std::fs::write(dir.join("data.bin"), data).unwrap();
    std::fs::write(dir.join("sig.bin"), sig).unwrap();
    let pubkey = keys().join(format!("{key}.pub.pem"));
    let hash = format!("-{}", alg.hash().name());
    let mut args = vec![
        "dgst",
        hash.as_str(),
        "-verify",
        pubkey.to_str().unwrap(),
        "-signature",
        "sig.bin",
    ];
    if let SignatureAlgorithm::RsaPss(_) = alg {
        // Salt length must equal the digest length.
        args.extend([
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:digest",
        ]);
    }
    args.push("data.bin");
    openssl(dir, &args)
}

#[test]
fn every_algorithm_signs_what_openssl_verifies() {
    let dir = scratch_dir("raw");
    let data = b"signet: raw signature check\n";
    for key in ["p256", "p384", "rsa3072"] {
        let pem = key_pem(key);
        for alg in algorithms_for(key) {
            let mut token = new_token::<1>();
            let h = token.import_pkcs8_pem(&pem, KeyUsage::SIGN_HASH, alg).unwrap();
            let digest = alg.hash().digest(data);
            let mut sig = [0u8; MAX_SIGNATURE_LEN];
            let n = token.sign_digest(h, alg, digest.as_bytes(), &mut sig).unwrap();
            let sig = &sig[..n];
            assert!(n <= token.signature_len(h).unwrap(), "{key} {alg}");

            // Our verifier accepts it with the token's own SPKI, which equals OpenSSL's.
            let mut spki = [0u8; MAX_SPKI_LEN];
            let spki_len = token.public_key(h, &mut spki).unwrap();
            let openssl_spki = std::fs::read(keys().join(format!("{key}.pub.der"))).unwrap();
            assert_eq!(&spki[..spki_len], &openssl_spki[..], "{key} SPKI");
            verify_digest(&openssl_spki, alg, digest.as_bytes(), sig).unwrap();

            // OpenSSL accepts it (fixed-size r||s converted to DER first).
            let mut der = [0u8; 128];
            let for_openssl = match alg {
                SignatureAlgorithm::Ecdsa {
                    encoding: EcdsaEncoding::Fixed,
                    ..
                } => {
                    assert_eq!(n, if key == "p256" { 64 } else { 96 });
                    let m = ecdsa_fixed_to_der(sig, &mut der).unwrap();
                    &der[..m]
                }
                _ => sig,
            };
            let (ok, text) = openssl_verify_raw(&dir, key, alg, data, for_openssl);
            assert!(ok && text.contains("Verified OK"), "{key} {alg}: {text}");

            // A different message must fail with OpenSSL and with our verifier.
            let (ok, _) = openssl_verify_raw(&dir, key, alg, b"another message", for_openssl);
            assert!(!ok, "{key} {alg}: OpenSSL accepted a wrong message");
            let other = alg.hash().digest(b"another message");
            assert_eq!(
                verify_digest(&openssl_spki, alg, other.as_bytes(), sig),
                Err(VerifyError::BadSignature)
            );
        }
    }
}

#[test]
fn generated_keys_verify_with_openssl() {
    let dir = scratch_dir("gen");
    let cases = [
        (KeyType::EccP256, ecdsa(HashAlgorithm::Sha256, EcdsaEncoding::Der)),
        (KeyType::EccP384, ecdsa(HashAlgorithm::Sha384, EcdsaEncoding::Der)),
        (
            KeyType::Rsa { bits: 3072 },
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256),
        ),
    ];
    let mut token = new_token::<3>();
    for (key_type, alg) in cases {
        let attrs = KeyAttributes::new(key_type, KeyUsage::SIGN_HASH, alg).unwrap();
        let h = token.generate(attrs).unwrap();
        assert_eq!(
            token.key_attributes(h).unwrap(),
            attrs.with_protection(KeyProtection::Software)
        );
        let mut spki = [0u8; MAX_SPKI_LEN];
        let n = token.public_key(h, &mut spki).unwrap();
        std::fs::write(dir.join("pub.der"), &spki[..n]).unwrap();
        let text = openssl_ok(
            &dir,
            &[
                "pkey", "-pubin", "-inform", "DER", "-in", "pub.der", "-text", "-noout",
            ],
        );
        let expected = match key_type {
            KeyType::EccP256 => "NIST CURVE: P-256",
            KeyType::EccP384 => "NIST CURVE: P-384",
            _ => "Public-Key: (3072 bit)",
        };
        assert!(text.contains(expected), "{text}");
        openssl_ok(
            &dir,
            &[
                "pkey", "-pubin", "-inform", "DER", "-in", "pub.der", "-out", "pub.pem",
            ],
        );

        let data = b"generated key";
        let digest = alg.hash().digest(data);
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        let m = sign_generic(&mut token, h, alg, digest.as_bytes(), &mut sig).unwrap();
        std::fs::write(dir.join("data.bin"), data).unwrap();
        std::fs::write(dir.join("sig.bin"), &sig[..m]).unwrap();
        let hash = format!("-{}", alg.hash().name());
        let mut args = vec![
            "dgst",
            hash.as_str(),
            "-verify",
            "pub.pem",
            "-signature",
            "sig.bin",
        ];
        if let SignatureAlgorithm::RsaPss(_) = alg {
            args.extend([
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:digest",
            ]);
        }
        args.push("data.bin");
        let text = openssl_ok(&dir, &args);
        assert!(text.contains("Verified OK"));
    }
}

/// A generic user of the trait, called with `&mut SoftToken` (blanket impl).
fn sign_generic<T: Token>(
    mut token: T,
    h: KeyHandle,
    alg: SignatureAlgorithm,
    digest: &[u8],
    out: &mut [u8],
) -> Result<usize, ErrorKind> {
    token.sign_digest(h, alg, digest, out).map_err(|e| e.kind())
}

#[test]
fn token_refuses_everything_outside_the_key_attributes() {
    let es256 = ecdsa(HashAlgorithm::Sha256, EcdsaEncoding::Der);
    let mut token = new_token::<2>();
    let h = token
        .import_pkcs8_pem(&key_pem("p256"), KeyUsage::SIGN_HASH, es256)
        .unwrap();
    let verify_only = token
        .import_pkcs8_pem(&key_pem("p256"), KeyUsage::VERIFY_HASH, es256)
        .unwrap();
    let d32 = [7u8; 32];
    let mut out = [0u8; MAX_SIGNATURE_LEN];

    // Wrong algorithm: another hash, another encoding, another family.
    for alg in [
        ecdsa(HashAlgorithm::Sha384, EcdsaEncoding::Der),
        ecdsa(HashAlgorithm::Sha256, EcdsaEncoding::Fixed),
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
    ] {
        let digest = vec![7u8; alg.digest_len()];
        let e = token.sign_digest(h, alg, &digest, &mut out).unwrap_err();
        assert_eq!(
            e,
            SoftTokenError::AlgorithmNotPermitted {
                requested: alg,
                permitted: es256
            }
        );
        assert_eq!(e.kind(), ErrorKind::NotPermitted);
        assert_eq!(e.code(), "token_not_permitted");
    }
    // Usage flag missing.
    let e = token.sign_digest(verify_only, es256, &d32, &mut out).unwrap_err();
    assert_eq!(
        e,
        SoftTokenError::UsageNotPermitted {
            usage: KeyUsage::VERIFY_HASH
        }
    );
    assert_eq!(e.kind(), ErrorKind::NotPermitted);
    // Digest length not the algorithm's hash length.
    for len in [0, 20, 31, 33, 48, 64] {
        let e = token
            .sign_digest(h, es256, &vec![1u8; len], &mut out)
            .unwrap_err();
        assert_eq!(
            e,
            SoftTokenError::InvalidDigest {
                expected: 32,
                actual: len
            }
        );
        assert_eq!(e.kind(), ErrorKind::InvalidDigest);
    }
    // Unknown handles.
    for bad in [KeyHandle(2), KeyHandle(99), KeyHandle(u32::MAX)] {
        let e = token.sign_digest(bad, es256, &d32, &mut out).unwrap_err();
        assert_eq!(e, SoftTokenError::InvalidHandle { handle: bad });
        assert_eq!(e.kind(), ErrorKind::InvalidHandle);
        assert_eq!(
            token.key_attributes(bad).unwrap_err().kind(),
            ErrorKind::InvalidHandle
        );
        assert_eq!(
            token.public_key(bad, &mut out).unwrap_err().kind(),
            ErrorKind::InvalidHandle
        );
    }
    // Output buffers too small: signature (72 bytes max for P-256 DER) and SPKI (91 bytes).
    let e = token.sign_digest(h, es256, &d32, &mut out[..71]).unwrap_err();
    assert_eq!(
        e,
        SoftTokenError::BufferTooSmall {
            needed: 72,
            actual: 71
        }
    );
    assert_eq!(e.kind(), ErrorKind::BufferTooSmall);
    let e = token.public_key(h, &mut out[..90]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BufferTooSmall);
    assert_eq!(token.public_key(h, &mut out[..91]).unwrap(), 91);
    // And the permitted request still works.
    assert!(token.sign_digest(h, es256, &d32, &mut out[..72]).is_ok());
}

#[test]
fn import_refuses_bad_keys_and_mismatched_algorithms() {
    let mut token = new_token::<4>();
    let es256 = ecdsa(HashAlgorithm::Sha256, EcdsaEncoding::Der);
    // An RSA algorithm for an EC key.
    let e = token
        .import_pkcs8_pem(
            &key_pem("p256"),
            KeyUsage::SIGN_HASH,
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256),
        )
        .unwrap_err();
    assert_eq!(
        e,
        SoftTokenError::NotSupported {
            key_type: KeyType::EccP256
        }
    );
    // An ECDSA algorithm for an RSA key.
    let e = token
        .import_pkcs8_pem(&key_pem("rsa3072"), KeyUsage::SIGN_HASH, es256)
        .unwrap_err();
    assert_eq!(
        e,
        SoftTokenError::NotSupported {
            key_type: KeyType::Rsa { bits: 3072 }
        }
    );
    // Garbage, a public key PEM, and truncated DER.
    assert_eq!(
        token.import_pkcs8_der(b"garbage", KeyUsage::SIGN_HASH, es256),
        Err(SoftTokenError::InvalidKey)
    );
    let pubpem = std::fs::read_to_string(keys().join("p256.pub.pem")).unwrap();
    assert_eq!(
        token.import_pkcs8_pem(&pubpem, KeyUsage::SIGN_HASH, es256),
        Err(SoftTokenError::InvalidKey)
    );
    // A 2048-bit RSA key is refused (Signet uses 3072/4096).
    let dir = scratch_dir("rsa2048");
    openssl_ok(
        &dir,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "k.pem",
        ],
    );
    // `genpkey -outform DER` writes PKCS#1, not PKCS#8: refused as malformed input.
    openssl_ok(
        &dir,
        &[
            "pkey",
            "-in",
            "k.pem",
            "-traditional",
            "-outform",
            "DER",
            "-out",
            "k1.der",
        ],
    );
    let pkcs1 = std::fs::read(dir.join("k1.der")).unwrap();
    let pss = SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256);
    assert_eq!(
        token.import_pkcs8_der(&pkcs1, KeyUsage::SIGN_HASH, pss),
        Err(SoftTokenError::InvalidKey)
    );
    openssl_ok(
        &dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", "k.pem", "-outform", "DER", "-out", "k.der",
        ],
    );
    let der = std::fs::read(dir.join("k.der")).unwrap();
    let e = token
        .import_pkcs8_der(
            &der,
            KeyUsage::SIGN_HASH,
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256),
        )
        .unwrap_err();
    assert_eq!(
        e,
        SoftTokenError::NotSupported {
            key_type: KeyType::Rsa { bits: 2048 }
        }
    );
    assert_eq!(e.kind(), ErrorKind::NotSupported);
}

fn hex(bytes: &[u8], upper: bool) -> String {
    bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect()
}

#[test]
fn debug_output_contains_no_key_material() {
    let es256 = ecdsa(HashAlgorithm::Sha256, EcdsaEncoding::Der);
    let mut token = new_token::<2>();
    let dir = keys();
    // Private scalar as OpenSSL prints it ("priv:" block of `pkey -text`).
    let text = openssl_ok(dir, &["pkey", "-in", "p256.pem", "-text", "-noout"]);
    let priv_hex: String = text
        .split("priv:")
        .nth(1)
        .unwrap()
        .split("pub:")
        .next()
        .unwrap()
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect();
    assert!(priv_hex.len() >= 64, "{text}");
    let scalar: Vec<u8> = (0..priv_hex.len() / 2)
        .map(|i| u8::from_str_radix(&priv_hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let h = token
        .import_pkcs8_pem(&key_pem("p256"), KeyUsage::SIGN_HASH, es256)
        .unwrap();
    let generated = token
        .generate(
            KeyAttributes::new(
                KeyType::EccP384,
                KeyUsage::SIGN_HASH,
                ecdsa(HashAlgorithm::Sha384, EcdsaEncoding::Der),
            )
            .unwrap(),
        )
        .unwrap();
    let dbg = format!("{token:?} {token:#?}");
    // The scalar in any common rendering: hex (both cases), Rust byte-array Debug.
    let scalar = scalar
        .iter()
        .skip_while(|b| **b == 0)
        .copied()
        .collect::<Vec<_>>();
    for window in [&scalar[..8], &scalar[scalar.len() - 8..]] {
        assert!(!dbg.contains(&hex(window, false)), "{dbg}");
        assert!(!dbg.contains(&hex(window, true)), "{dbg}");
        let list = format!("{:?}", window);
        assert!(!dbg.contains(&list[1..list.len() - 1]), "{dbg}");
    }
    assert!(
        dbg.contains("redacted") && dbg.contains("EccP256") && dbg.contains("EccP384"),
        "{dbg}"
    );
    // The token is usable after printing, and the handles are distinct.
    assert_ne!(h, generated);
    let mut out = [0u8; 72];
    token.sign_digest(h, es256, &[0u8; 32], &mut out).unwrap();
}

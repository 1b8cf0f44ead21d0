//! CMS SignedData and self-signed test certificates, verified by OpenSSL.

use std::path::Path;

use der::{Decode, Encode};
use signet_core::ErrorCode;
use signet_core::cms::{self, CmsError};
use signet_core::time::UnixTime;
use signet_core::token::{
    EcdsaEncoding, HashAlgorithm, KeyAttributes, KeyType, KeyUsage, MAX_SIGNATURE_LEN, MAX_SPKI_LEN,
    SignatureAlgorithm, Token,
};
use signet_core::verify::VerifyError;
use signet_tests::{openssl, openssl_ok, scratch_dir};

use crate::token::{ecdsa, key_pem, keys, new_token};

const CONTENT: &[u8] = b"#!/bin/sh\necho 'a signed build artifact'\n";

/// Self-signed certificate for `keys()/<key>.pem`, made by OpenSSL (`req -x509`), as DER.
fn openssl_cert(dir: &Path, key: &str, hash: HashAlgorithm, pss: bool) -> Vec<u8> {
    let keyfile = keys().join(format!("{key}.pem"));
    let digest = format!("-{}", hash.name());
    let mut args = vec![
        "req",
        "-x509",
        "-new",
        "-key",
        keyfile.to_str().unwrap(),
        digest.as_str(),
        "-subj",
        "/CN=Signet test signer",
        "-days",
        "30",
        "-outform",
        "DER",
        "-out",
        "cert.der",
    ];
    if pss {
        args.extend([
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:digest",
        ]);
    }
    openssl_ok(dir, &args);
    std::fs::read(dir.join("cert.der")).unwrap()
}

fn sign_cms(key: &str, alg: SignatureAlgorithm, cert: &[u8], content: &[u8]) -> Vec<u8> {
    let mut token = new_token::<1>();
    let h = token
        .import_pkcs8_pem(&key_pem(key), KeyUsage::SIGN_HASH, alg)
        .unwrap();
    let content_digest = alg.hash().digest(content);
    let prep = cms::prepare(cert, alg, content_digest.as_bytes(), UnixTime(1_772_323_200)).unwrap();
    assert_eq!(
        prep.digest_to_sign(),
        alg.hash().digest(prep.signed_attributes_der()).as_bytes()
    );
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    let n = token
        .sign_digest(h, alg, prep.digest_to_sign(), &mut sig)
        .unwrap();
    prep.finish(&sig[..n]).unwrap()
}

fn openssl_cms_verify(dir: &Path, p7s: &[u8], content: &[u8]) -> (bool, String) {
    std::fs::write(dir.join("sig.p7s"), p7s).unwrap();
    std::fs::write(dir.join("content.bin"), content).unwrap();
    openssl(
        dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "sig.p7s",
            "-content",
            "content.bin",
            "-noverify",
            "-out",
            "/dev/null",
        ],
    )
}

#[test]
fn detached_cms_verifies_with_openssl() {
    let cases = [
        ("p256", ecdsa(HashAlgorithm::Sha256, EcdsaEncoding::Der), false),
        ("p256", ecdsa(HashAlgorithm::Sha256, EcdsaEncoding::Fixed), false),
        ("p384", ecdsa(HashAlgorithm::Sha384, EcdsaEncoding::Der), false),
        (
            "rsa3072",
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
            false,
        ),
        ("rsa3072", SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256), true),
        ("rsa3072", SignatureAlgorithm::RsaPss(HashAlgorithm::Sha512), true),
    ];
    for (key, alg, pss) in cases {
        let dir = scratch_dir("cms");
        let cert = openssl_cert(&dir, key, alg.hash(), pss);
        let p7s = sign_cms(key, alg, &cert, CONTENT);
        let (ok, text) = openssl_cms_verify(&dir, &p7s, CONTENT);
        assert!(
            ok && text.contains("Verification successful"),
            "{key} {alg}: {text}"
        );

        // Tampered content must fail.
        let (ok, text) = openssl_cms_verify(&dir, &p7s, b"tampered");
        assert!(!ok, "{key} {alg}: OpenSSL accepted tampered content: {text}");

        // Structure as OpenSSL reads it: detached, certificate embedded, signing time present.
        let printed = openssl_ok(
            &dir,
            &["cms", "-cmsout", "-print", "-inform", "DER", "-in", "sig.p7s"],
        );
        assert!(printed.contains("eContent: <ABSENT>"), "{printed}");
        assert!(printed.contains("Signet test signer"), "{printed}");
        assert!(printed.contains("signingTime"), "{printed}");
        assert!(
            printed.contains("Mar  1 00:00:00 2026 GMT") || printed.contains("260301000000Z"),
            "{printed}"
        );
        let sig_oid = match alg {
            SignatureAlgorithm::RsaPkcs1v15(_) => "rsaEncryption",
            SignatureAlgorithm::RsaPss(_) => "rsassaPss",
            _ => "ecdsa-with-",
        };
        assert!(printed.contains(sig_oid), "{alg}: {printed}");
    }
}

#[test]
fn cms_refuses_mismatches_and_bad_signatures() {
    let dir = scratch_dir("cms-bad");
    let es256 = ecdsa(HashAlgorithm::Sha256, EcdsaEncoding::Der);
    let cert = openssl_cert(&dir, "p256", HashAlgorithm::Sha256, false);
    let digest = HashAlgorithm::Sha256.digest(CONTENT);
    let t = UnixTime(1_772_323_200);
    // RSA algorithm with an EC certificate.
    let rsa = SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256);
    let e = cms::prepare(&cert, rsa, digest.as_bytes(), t).unwrap_err();
    assert_eq!(e, CmsError::KeyAlgorithmMismatch { algorithm: rsa });
    assert_eq!(e.code(), "cms_key_algorithm_mismatch");
    // Digest length not the hash's.
    assert_eq!(
        cms::prepare(&cert, es256, &[0u8; 48], t).unwrap_err(),
        CmsError::DigestLength {
            expected: 32,
            actual: 48
        }
    );
    assert_eq!(
        cms::prepare(&cert[1..], es256, digest.as_bytes(), t).unwrap_err(),
        CmsError::MalformedCertificate
    );

    // A signature by another key (P-256 key generated in the token) is refused by finish().
    let mut token = new_token::<1>();
    let h = token
        .generate(KeyAttributes::new(KeyType::EccP256, KeyUsage::SIGN_HASH, es256).unwrap())
        .unwrap();
    let prep = cms::prepare(&cert, es256, digest.as_bytes(), t).unwrap();
    let mut sig = [0u8; 72];
    let n = token
        .sign_digest(h, es256, prep.digest_to_sign(), &mut sig)
        .unwrap();
    assert_eq!(
        prep.finish(&sig[..n]).unwrap_err(),
        CmsError::Signature(VerifyError::BadSignature)
    );
}

#[test]
fn self_signed_test_certificates_are_accepted_by_openssl() {
    let cases = [
        (KeyType::EccP256, ecdsa(HashAlgorithm::Sha256, EcdsaEncoding::Der)),
        (
            KeyType::EccP384,
            ecdsa(HashAlgorithm::Sha384, EcdsaEncoding::Fixed),
        ),
        (
            KeyType::Rsa { bits: 3072 },
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
        ),
        (
            KeyType::Rsa { bits: 3072 },
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha384),
        ),
    ];
    let mut token = new_token::<4>();
    for (key_type, alg) in cases {
        let dir = scratch_dir("selfsigned");
        let h = token
            .generate(KeyAttributes::new(key_type, KeyUsage::SIGN_HASH, alg).unwrap())
            .unwrap();
        let not_before = UnixTime(1_772_323_200); // 2026-03-01
        let not_after = UnixTime(1_772_323_200 + 30 * 86_400);
        let der = signet_core::cert::self_signed(
            &mut token,
            h,
            "Signet test, key #1",
            not_before,
            not_after,
            0x1234_5678,
        )
        .unwrap();
        std::fs::write(dir.join("c.der"), &der).unwrap();
        openssl_ok(&dir, &["x509", "-inform", "DER", "-in", "c.der", "-out", "c.pem"]);
        let text = openssl_ok(&dir, &["x509", "-in", "c.pem", "-noout", "-text"]);
        for needle in [
            "Version: 3 (0x2)",
            "Serial Number: 305419896 (0x12345678)",
            "Issuer: CN = \"Signet test, key #1\"",
            "Subject: CN = \"Signet test, key #1\"",
            "Not Before: Mar  1 00:00:00 2026 GMT",
            "Not After : Mar 31 00:00:00 2026 GMT",
            "Code Signing",
            "Digital Signature",
            "CA:FALSE",
            "X509v3 Subject Key Identifier",
        ] {
            assert!(text.contains(needle), "{alg}: missing {needle:?} in\n{text}");
        }
        // The certificate's key is the token's key.
        let mut spki = [0u8; MAX_SPKI_LEN];
        let n = token.public_key(h, &mut spki).unwrap();
        openssl_ok(
            &dir,
            &["x509", "-in", "c.pem", "-noout", "-pubkey", "-out", "pub.pem"],
        );
        openssl_ok(
            &dir,
            &[
                "pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "pub.der",
            ],
        );
        assert_eq!(std::fs::read(dir.join("pub.der")).unwrap(), &spki[..n]);

        // OpenSSL verifies the self-signature: TBS bytes and signature extracted, checked with dgst.
        let cert = x509_cert::Certificate::from_der(&der).unwrap();
        std::fs::write(dir.join("tbs.der"), cert.tbs_certificate().to_der().unwrap()).unwrap();
        std::fs::write(dir.join("sig.bin"), cert.signature().raw_bytes()).unwrap();
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
        args.push("tbs.der");
        assert!(openssl_ok(&dir, &args).contains("Verified OK"), "{alg}");
        // And as a trust anchor for itself, at a time inside its validity.
        let out = openssl_ok(
            &dir,
            &["verify", "-attime", "1773000000", "-CAfile", "c.pem", "c.pem"],
        );
        assert!(out.contains("c.pem: OK"), "{out}");
        // Outside its validity OpenSSL refuses it (the dates are real).
        let (ok, out) = openssl(
            &dir,
            &["verify", "-attime", "1780000000", "-CAfile", "c.pem", "c.pem"],
        );
        assert!(!ok && out.contains("expired"), "{out}");

        // And it can sign a CMS that OpenSSL verifies.
        let content_digest = alg.hash().digest(CONTENT);
        let prep = cms::prepare(&der, alg, content_digest.as_bytes(), not_before).unwrap();
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        let m = token
            .sign_digest(h, alg, prep.digest_to_sign(), &mut sig)
            .unwrap();
        let p7s = prep.finish(&sig[..m]).unwrap();
        let (ok, text) = openssl_cms_verify(&dir, &p7s, CONTENT);
        assert!(ok, "{alg}: {text}");
    }
}

#[test]
fn self_signed_refuses_bad_requests() {
    use signet_core::cert::{CertError, self_signed};
    use signet_core::token::{ErrorKind, KeyHandle};
    let es256 = ecdsa(HashAlgorithm::Sha256, EcdsaEncoding::Der);
    let mut token = new_token::<2>();
    let h = token
        .generate(KeyAttributes::new(KeyType::EccP256, KeyUsage::SIGN_HASH, es256).unwrap())
        .unwrap();
    let no_sign = token
        .generate(KeyAttributes::new(KeyType::EccP256, KeyUsage::VERIFY_HASH, es256).unwrap())
        .unwrap();
    let (a, b) = (UnixTime(1_772_323_200), UnixTime(1_772_323_200 + 86_400));
    assert_eq!(
        self_signed(&mut token, h, "x", a, b, 0),
        Err(CertError::InvalidSerial)
    );
    assert_eq!(
        self_signed(&mut token, h, "x", b, a, 1),
        Err(CertError::InvalidValidity {
            not_before: b,
            not_after: a
        })
    );
    assert_eq!(
        self_signed(&mut token, KeyHandle(7), "x", a, b, 1),
        Err(CertError::Token(ErrorKind::InvalidHandle))
    );
    assert_eq!(
        self_signed(&mut token, no_sign, "x", a, b, 1),
        Err(CertError::Token(ErrorKind::NotPermitted))
    );
}

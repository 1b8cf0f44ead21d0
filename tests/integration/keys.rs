//! Runs `tests/vectors/keys/index.json` (OpenSSL-made CSRs, certificates and
//! public keys) through the key policy, and cross-checks CSR signature
//! verification against `openssl req -verify`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use signet_core::ErrorCode;
use signet_core::policy::{
    CertificateRef, Csr, DeviceProfile, KeyInfo, PolicyError, RsaExponent, certificate_der_from_pem_or_der,
    check_certificate, check_csr, check_key, key_info_from_spki_pem_or_der, parse_csr,
};
use signet_core::time::Date;

fn dir() -> PathBuf {
    signet_tests::vectors_dir().join("keys")
}

fn index() -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join("index.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["vectors"].as_array().unwrap().clone()
}

fn expected_key(v: &Value) -> Option<KeyInfo> {
    if v.is_null() {
        return None;
    }
    Some(match v["type"].as_str().unwrap() {
        "rsa" => KeyInfo::Rsa {
            modulus_bits: u32::try_from(v["modulus_bits"].as_u64().unwrap()).unwrap(),
            exponent: RsaExponent::Value(v["exponent"].as_u64().unwrap()),
        },
        "ec" => KeyInfo::Ec {
            curve: signet_core::policy::Curve::ALL
                .into_iter()
                .find(|c| c.name() == v["curve"].as_str().unwrap())
                .unwrap(),
        },
        "unsupported" => KeyInfo::Unsupported {
            algorithm: v["algorithm"].as_str().unwrap().parse().unwrap(),
            parameters: v["parameters"].as_str().map(|p| p.parse().unwrap()),
        },
        other => panic!("unknown key type {other}"),
    })
}

fn key_of(kind: &str, bytes: &[u8]) -> Result<KeyInfo, PolicyError> {
    match kind {
        "csr" => parse_csr(bytes).map(|c| c.key_info()),
        "cert" => {
            let der = certificate_der_from_pem_or_der(bytes)?;
            CertificateRef::from_der(&der).map(|c| c.key_info())
        }
        "spki" => key_info_from_spki_pem_or_der(bytes),
        other => panic!("no key reader for {other}"),
    }
}

#[test]
fn every_vector_gives_the_expected_key_and_codes() {
    let vectors = index();
    assert!(vectors.len() >= 70, "index.json lists {} vectors", vectors.len());
    let mut checks = 0;
    for v in &vectors {
        let file = v["file"].as_str().unwrap();
        let kind = v["kind"].as_str().unwrap();
        let bytes = std::fs::read(dir().join(file)).unwrap();
        let format = v["format"].as_str().unwrap();
        assert_eq!(
            bytes.starts_with(b"-----BEGIN"),
            format == "pem",
            "{file}: format"
        );

        if kind != "other" {
            let got = key_of(kind, &bytes).ok();
            assert_eq!(got, expected_key(&v["key"]), "{file}: key info");
        }
        for c in v["checks"].as_array().unwrap() {
            let at = Date::parse_iso(c["at"].as_str().unwrap()).unwrap();
            let device: Option<DeviceProfile> = c["device"].as_str().map(|d| d.parse().unwrap());
            let as_kind = c["as"].as_str().unwrap_or(kind);
            let mut got: Vec<&str> = match as_kind {
                "csr" => check_csr(&bytes, device, at).iter().map(|f| f.code).collect(),
                "cert" => {
                    assert!(device.is_none(), "{file}: certificate checks take no device");
                    check_certificate(&bytes, at.start())
                        .iter()
                        .map(|f| f.code)
                        .collect()
                }
                "spki" => {
                    let key = key_info_from_spki_pem_or_der(&bytes).unwrap();
                    check_key(&key, device, at)
                        .findings()
                        .iter()
                        .map(ErrorCode::code)
                        .collect()
                }
                other => panic!("unknown check kind {other}"),
            };
            got.sort_unstable();
            let want: Vec<&str> = c["codes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            assert_eq!(got, want, "{file} as {as_kind}, device {device:?}, at {at}");
            checks += 1;
        }
    }
    assert!(checks >= 150, "only {checks} checks ran");
}

/// OpenSSL is the independent verifier: wherever this policy can verify a
/// CSR's signature (RSA PKCS#1 v1.5 / PSS, ECDSA P-256 / P-384), its verdict
/// must equal `openssl req -verify`. SHA-1 CSRs are refused before
/// verification, so they are compared on a SHA-1-free basis: OpenSSL must
/// still call them valid.
#[test]
fn csr_signature_verdicts_match_openssl() {
    let mut compared = 0;
    for v in index() {
        let file = v["file"].as_str().unwrap();
        if v["kind"] != "csr" || v["key"].is_null() {
            continue;
        }
        let path = dir().join(file);
        let csr: Csr = parse_csr(&std::fs::read(&path).unwrap()).unwrap();
        let ours = csr.verify_signature();
        let inform = if v["format"] == "pem" { "PEM" } else { "DER" };
        let status = Command::new("openssl")
            .args(["req", "-verify", "-noout", "-inform", inform, "-in"])
            .arg(&path)
            .output()
            .expect("the OpenSSL CLI is required by these tests");
        let openssl_ok = status.status.success()
            && String::from_utf8_lossy(&status.stdout).contains("verify OK")
            || String::from_utf8_lossy(&status.stderr).contains("verify OK");
        match ours {
            Ok(_) => assert!(openssl_ok, "{file}: we verify, OpenSSL does not"),
            Err(PolicyError::CsrSignatureInvalid) => assert!(!openssl_ok, "{file}: OpenSSL verifies"),
            Err(PolicyError::CsrSha1) => assert!(openssl_ok, "{file}: SHA-1 but valid"),
            Err(PolicyError::CsrSignatureUnverifiable { .. }) => {
                assert!(openssl_ok, "{file}: OpenSSL verifies what we cannot")
            }
            Err(e) => panic!("{file}: unexpected {e:?}"),
        }
        compared += 1;
    }
    assert!(compared >= 30, "only {compared} CSRs compared");
}

/// The heap-free certificate view agrees with OpenSSL on the dates, the
/// serial and the SHA-256 fingerprint.
#[test]
fn certificate_view_matches_openssl() {
    for name in ["rsa2048-legacy", "p256", "rsa3072"] {
        let pem_path = dir().join(format!("{name}.cert.pem"));
        let der = std::fs::read(dir().join(format!("{name}.cert.der"))).unwrap();
        let cert = CertificateRef::from_der(&der).unwrap();
        let out = Command::new("openssl")
            .args([
                "x509",
                "-noout",
                "-fingerprint",
                "-sha256",
                "-serial",
                "-startdate",
                "-enddate",
                "-in",
            ])
            .arg(&pem_path)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let fp: String = cert
            .fingerprint_sha256()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":");
        assert!(text.contains(&format!("Fingerprint={fp}")), "{name}: {text}");
        let serial: String = cert.serial().iter().map(|b| format!("{b:02X}")).collect();
        assert!(text.contains(&format!("serial={serial}")), "{name}: {text}");
        assert!(cert.fingerprint_matches(&cert.fingerprint_sha256()));
        let mut wrong = cert.fingerprint_sha256();
        wrong[31] ^= 1;
        assert!(!cert.fingerprint_matches(&wrong));
        // The SPKI slice is the key OpenSSL extracts.
        let spki = Command::new("openssl")
            .args(["x509", "-noout", "-pubkey", "-in"])
            .arg(&pem_path)
            .output()
            .unwrap();
        let spki_der = Command::new("openssl")
            .args(["pkey", "-pubin", "-outform", "DER"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(&spki.stdout)?;
                child.wait_with_output()
            })
            .unwrap();
        assert_eq!(cert.spki_der(), spki_der.stdout.as_slice(), "{name}: SPKI");
    }
    let legacy = std::fs::read(dir().join("rsa2048-legacy.cert.der")).unwrap();
    let cert = CertificateRef::from_der(&legacy).unwrap();
    assert_eq!(cert.not_before(), Date::parse_iso("2021-01-15").unwrap().start());
    assert_eq!(cert.not_after(), Date::parse_iso("2023-01-15").unwrap().start());
}

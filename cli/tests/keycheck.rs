//! `signet csr check` / `signet cert check`: exit codes and the JSON shape.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn vector(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/keys")
        .join(name)
}

fn signet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signet"))
        .args(args)
        .output()
        .unwrap()
}

fn run(args: &[&str], file: &str) -> Output {
    let path = vector(file);
    let mut all: Vec<&str> = args.to_vec();
    all.insert(2, path.to_str().unwrap());
    signet(&all)
}

/// Parses the JSON and checks it has exactly the documented shape.
fn json(out: &Output) -> Value {
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 3, "{v}");
    assert_eq!(obj["ok"], true);
    assert!(obj["valid"].is_boolean());
    for f in obj["findings"].as_array().unwrap() {
        let f = f.as_object().unwrap();
        let mut keys: Vec<&str> = f.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "message", "path", "severity"]);
        assert!(["error", "warning"].contains(&f["severity"].as_str().unwrap()));
        assert!(f["path"].is_string() && f["code"].is_string() && f["message"].is_string());
    }
    v
}

fn codes(v: &Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

#[test]
fn valid_csr_exits_0() {
    let out = run(
        &["csr", "check", "--device", "hsm", "--at", "2025-06-01", "--json"],
        "rsa3072.csr.pem",
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["valid"], true);
    assert!(codes(&v).is_empty());
}

#[test]
fn warnings_only_is_still_valid() {
    let out = run(
        &["csr", "check", "--device", "hsm", "--at", "2025-06-01", "--json"],
        "rsa3072-e3.csr.der",
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["valid"], true);
    assert_eq!(codes(&v), ["exponent_small"]);
    assert_eq!(v["findings"][0]["severity"], "warning");
    assert_eq!(v["findings"][0]["path"], "key");
    // Without a device, hardware storage is required from 2023-05-16 (seed 001): a warning.
    let before = json(&run(
        &["csr", "check", "--at", "2023-05-15", "--json"],
        "rsa3072.csr.pem",
    ));
    assert!(codes(&before).is_empty());
    let out = run(
        &["csr", "check", "--at", "2023-05-16", "--json"],
        "rsa3072.csr.pem",
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(codes(&json(&out)), ["device_profile_unknown"]);
}

#[test]
fn refused_csr_exits_1_with_errors_before_warnings() {
    // No device from 2023-05-16 adds a warning; the 2048-bit key is an error.
    let out = run(
        &["csr", "check", "--at", "2023-06-01", "--json"],
        "rsa2048.csr.pem",
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["valid"], false);
    assert_eq!(codes(&v), ["key_too_small", "device_profile_unknown"]);
    // The day before the 3072 rule (2021-05-28, seed 001), the same CSR passes.
    let out = run(
        &["csr", "check", "--at", "2021-05-27", "--json"],
        "rsa2048.csr.pem",
    );
    assert_eq!(out.status.code(), Some(0));
    for at in ["2021-05-28", "2021-05-31"] {
        let out = run(&["csr", "check", "--at", at, "--json"], "rsa2048.csr.pem");
        assert_eq!(out.status.code(), Some(1), "{at}");
        assert_eq!(codes(&json(&out)), ["key_too_small"], "{at}");
    }
}

#[test]
fn unparseable_and_wrong_inputs_exit_1() {
    for (file, code) in [
        ("rsa3072-truncated.csr.der", "csr_malformed"),
        ("rsa3072-trailing.csr.der", "trailing_data"),
        ("not-der.bin", "not_a_csr"),
        ("p256.cert.pem", "not_a_csr"),
        ("rsa3072-tampered.csr.pem", "csr_signature_invalid"),
        ("rsa3072-sha1.csr.pem", "csr_sha1"),
    ] {
        let out = run(&["csr", "check", "--device", "hsm", "--json"], file);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let v = json(&out);
        assert_eq!(codes(&v), [code], "{file}");
    }
    let v = json(&run(&["csr", "check", "--json"], "not-der.bin"));
    assert_eq!(v["findings"][0]["path"], "");
}

#[test]
fn device_changes_the_verdict() {
    let cc = run(
        &["csr", "check", "--device", "etoken-5110-cc", "--json"],
        "p384.csr.pem",
    );
    assert_eq!(cc.status.code(), Some(1));
    assert_eq!(codes(&json(&cc)), ["curve_not_allowed"]);
    let fips = run(
        &["csr", "check", "--device", "etoken-5110-fips", "--json"],
        "p384.csr.pem",
    );
    assert_eq!(fips.status.code(), Some(0));
}

#[test]
fn cert_check_applies_the_signing_rule() {
    let legacy = run(
        &["cert", "check", "--at", "2022-06-01", "--json"],
        "rsa2048-legacy.cert.der",
    );
    assert_eq!(legacy.status.code(), Some(0));
    assert_eq!(codes(&json(&legacy)), ["legacy_key_size"]);
    let expired = run(
        &["cert", "check", "--at", "2023-01-16", "--json"],
        "rsa2048-legacy.cert.pem",
    );
    assert_eq!(expired.status.code(), Some(1));
    let v = json(&expired);
    assert_eq!(codes(&v), ["certificate_expired"]);
    assert_eq!(v["findings"][0]["path"], "validity");
    // The signing-time rule keeps 2021-06-01: issued 2021-05-31, it still signs.
    let issued_may_31 = run(
        &["cert", "check", "--at", "2021-05-31", "--json"],
        "rsa2048-2021-05-31.cert.pem",
    );
    assert_eq!(issued_may_31.status.code(), Some(0));
    assert!(codes(&json(&issued_may_31)).is_empty());
    let new_2048 = run(
        &["cert", "check", "--at", "2022-01-01", "--json"],
        "rsa2048-2021-06-01.cert.pem",
    );
    assert_eq!(new_2048.status.code(), Some(1));
    assert_eq!(codes(&json(&new_2048)), ["key_too_small"]);
    let csr = run(&["cert", "check", "--json"], "rsa3072.csr.der");
    assert_eq!(csr.status.code(), Some(1));
    assert_eq!(codes(&json(&csr)), ["not_a_certificate"]);
}

#[test]
fn human_output_has_a_summary() {
    let out = run(&["csr", "check", "--at", "2023-06-01"], "rsa2048.csr.pem");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first(), Some(&"key: RSA-2048 (e=65537)"));
    assert!(lines[1].starts_with("error[key_too_small] at key: "), "{text}");
    assert!(
        lines[2].starts_with("warning[device_profile_unknown] at key: "),
        "{text}"
    );
    assert_eq!(lines.last(), Some(&"invalid: 1 error(s), 1 warning(s)"));
}

#[test]
fn stdin_is_read_with_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_signet"))
        .args([
            "csr",
            "check",
            "-",
            "--device",
            "keylocker",
            "--at",
            "2025-01-01",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let bytes = std::fs::read(vector("p256.csr.der")).unwrap();
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["valid"], true);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let missing = signet(&["csr", "check", "/nonexistent/signet-test.csr"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
    assert!(missing.stdout.is_empty());
    let bad_device = run(&["csr", "check", "--device", "yubikey"], "p256.csr.pem");
    assert_eq!(bad_device.status.code(), Some(2));
    let bad_date = run(&["cert", "check", "--at", "2025-02-30"], "p256.cert.pem");
    assert_eq!(bad_date.status.code(), Some(2));
    assert_eq!(signet(&["csr", "check"]).status.code(), Some(2));
}

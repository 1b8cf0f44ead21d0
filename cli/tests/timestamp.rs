//! `signet sign --tsa URL`: RFC 3161 timestamps from a real TSA (`openssl ts
//! -reply` behind `tests/tsa/tsa_server.py` on 127.0.0.1, with a throwaway CA
//! and TSA certificate made by OpenSSL), checked by OpenSSL (`openssl cms
//! -verify` for the signature, `openssl ts -verify` for the token) and by
//! `signet verify`; and every way a TSA can fail, each with its code.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{json, ok, openssl_verifies, scratch, signet, stderr, stdout, used};

/// The test TSA, stopped when dropped.
struct Tsa {
    child: Child,
    port: u16,
    /// Where its `ca.pem` and `tsa.pem` are.
    pki: PathBuf,
}

impl Tsa {
    fn start(dir: &Path) -> Tsa {
        use std::io::BufRead;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tsa/tsa_server.py");
        let pki = dir.join("tsa");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(&pki)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the test TSA");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the test TSA did not start: {line:?}"));
        Tsa { child, port, pki }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for Tsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An http URL where nothing listens: a port the OS gave and took back.
fn down_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}/")
}

/// `(offset, header length, length, text)` of each element `openssl
/// asn1parse` lists.
fn asn1parse(dir: &Path, der: &str) -> Vec<(usize, usize, usize, String)> {
    let o = Command::new("openssl")
        .args(["asn1parse", "-inform", "DER", "-in", der])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            let (off, rest) = l.split_once(':').unwrap();
            let field = |name: &str| -> usize {
                let at = rest.find(name).unwrap() + name.len();
                rest[at..]
                    .trim_start()
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            (
                off.trim().parse().unwrap(),
                field("hl="),
                field(" l="),
                rest.to_string(),
            )
        })
        .collect()
}

/// Writes the embedded token and the signature value it is over, found with
/// `openssl asn1parse` (not with Signet's code): the SET after the
/// `id-smime-aa-timeStampToken` OID holds the token; the OCTET STRING just
/// before the SignerInfo's `[1]` unsigned attributes is the signature.
fn extract_token(dir: &Path, p7s: &str) -> (PathBuf, PathBuf) {
    let der = std::fs::read(dir.join(p7s)).unwrap();
    let items = asn1parse(dir, p7s);
    let oid = items
        .iter()
        .position(|i| i.3.contains("id-smime-aa-timeStampToken"))
        .expect("the .p7s holds an id-aa-signatureTimeStampToken attribute");
    let contents = |i: &(usize, usize, usize, String)| der[i.0 + i.1..i.0 + i.1 + i.2].to_vec();
    let set = &items[oid + 1];
    assert!(set.3.contains("SET"), "{}", set.3);
    let unsigned = items[..oid]
        .iter()
        .rposition(|i| i.3.contains("cont [ 1 ]"))
        .unwrap();
    let sig = &items[unsigned - 1];
    assert!(sig.3.contains("OCTET STRING"), "{}", sig.3);
    let token = dir.join(format!("{p7s}.token.der"));
    let value = dir.join(format!("{p7s}.sigvalue"));
    std::fs::write(&token, contents(set)).unwrap();
    std::fs::write(&value, contents(sig)).unwrap();
    (token, value)
}

/// `openssl ts -verify` of a token over the data it timestamps, against the
/// test TSA's CA.
fn openssl_ts_verifies(tsa: &Tsa, token: &Path, data: &Path) -> (bool, String) {
    let o = Command::new("openssl")
        .args(["ts", "-verify", "-token_in", "-in"])
        .arg(token)
        .arg("-data")
        .arg(data)
        .arg("-CAfile")
        .arg(tsa.pki.join("ca.pem"))
        .arg("-untrusted")
        .arg(tsa.pki.join("tsa.pem"))
        .output()
        .unwrap();
    (o.status.success(), format!("{}{}", stdout(&o), stderr(&o)))
}

#[test]
fn a_timestamped_signature_passes_openssl_cms_and_ts_verify_and_signet_verify() {
    let dir = scratch("tsa-good");
    let tsa = Tsa::start(&dir);
    std::fs::write(dir.join("app.bin"), b"the artifact").unwrap();
    let signed = ok(
        &dir,
        &["sign", "app.bin", "--state", "st", "--tsa", &tsa.url("good")],
    );
    let stamped = signed["signed"][0]["timestamp"]
        .as_i64()
        .expect("a timestamp time");
    // The signed attributes and the signature are untouched by the unsigned
    // attribute: OpenSSL still verifies the CMS signature.
    assert!(openssl_verifies(&dir, "app.bin", "app.bin.p7s"));
    let (token, value) = extract_token(&dir, "app.bin.p7s");
    let (verified, out) = openssl_ts_verifies(&tsa, &token, &value);
    assert!(verified, "openssl ts -verify: {out}");
    // The token is over this signature: not over other bytes.
    std::fs::write(dir.join("other"), b"other bytes").unwrap();
    let (verified, _) = openssl_ts_verifies(&tsa, &token, &dir.join("other"));
    assert!(!verified, "openssl ts -verify accepted a token for other data");

    let v = ok(&dir, &["verify", "app.bin", "--state", "st"]);
    assert_eq!(v["timestamp"]["time"].as_i64(), Some(stamped), "{v}");
    assert_eq!(v["timestamp"]["tsa"], "CN=Signet Test TSA", "{v}");
    let text = stdout(&signet(&dir, &["verify", "app.bin", "--state", "st"]));
    assert!(
        text.contains("timestamp 20") && text.contains("CN=Signet Test TSA"),
        "{text}"
    );

    // A token whose imprint was changed (the hash of the signature value in
    // its TSTInfo, one bit flipped): the CMS signature still verifies, as the
    // token is an unsigned attribute, but the token is no longer about this
    // signature, and both OpenSSL and Signet refuse it.
    let digest = Command::new("openssl")
        .args(["dgst", "-sha256", "-binary"])
        .arg(&value)
        .output()
        .unwrap()
        .stdout;
    assert_eq!(digest.len(), 32);
    let mut p7s = std::fs::read(dir.join("app.bin.p7s")).unwrap();
    let at = p7s
        .windows(32)
        .position(|w| w == digest)
        .expect("the imprint is in the token");
    p7s[at] ^= 0x01;
    std::fs::write(dir.join("tampered.p7s"), &p7s).unwrap();
    assert!(openssl_verifies(&dir, "app.bin", "tampered.p7s"));
    let (bad_token, _) = extract_token(&dir, "tampered.p7s");
    assert!(!openssl_ts_verifies(&tsa, &bad_token, &value).0);
    let o = signet(
        &dir,
        &[
            "verify",
            "app.bin",
            "--signature",
            "tampered.p7s",
            "--state",
            "st",
            "--json",
        ],
    );
    assert_eq!(common::error_code(&o, 1), "tsp_imprint_mismatch");
}

#[test]
fn signet_toml_names_the_tsa() {
    let dir = scratch("tsa-config");
    let tsa = Tsa::start(&dir);
    std::fs::write(dir.join("f"), b"artifact").unwrap();
    ok(&dir, &["init", "--state", "st"]);
    let toml = dir.join("st/signet.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(&format!(
        "\n[timestamp]\nurls = [\"{}\", \"{}\"]\n",
        down_url(),
        tsa.url("good")
    ));
    std::fs::write(&toml, text).unwrap();
    let signed = ok(&dir, &["sign", "f", "--state", "st"]);
    assert!(signed["signed"][0]["timestamp"].is_i64(), "{signed}");
    let (token, value) = extract_token(&dir, "f.p7s");
    assert!(openssl_ts_verifies(&tsa, &token, &value).0);
}

/// Signs `f` with these TSAs, which must all fail: `timestamp_failed`, the
/// message naming each URL's reason, nothing written, one signature counted,
/// and a coherent audit log. Returns the message.
fn fails_to_timestamp(dir: &Path, urls: &[String]) -> String {
    std::fs::write(dir.join("f"), b"artifact").unwrap();
    ok(dir, &["init", "--state", "st"]);
    let mut args = vec!["sign", "f", "--state", "st", "--json"];
    for u in urls {
        args.extend(["--tsa", u.as_str()]);
    }
    let o = signet(dir, &args);
    assert_eq!(common::error_code(&o, 2), "timestamp_failed");
    let message = json(&o)["error"]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("the signature of f was made and counted but not written"),
        "{message}"
    );
    for u in urls {
        assert!(message.contains(u.as_str()), "{message}");
    }
    assert!(
        !dir.join("f.p7s").exists(),
        "a signature without its timestamp was written"
    );
    // Fail closed: the signature was made, so it stays counted.
    assert_eq!(used(dir, "st"), 1);
    let records = ok(dir, &["audit", "show", "--state", "st"])["records"]
        .as_array()
        .unwrap()
        .clone();
    let last = records.last().unwrap();
    assert_eq!(last["action"], "sign", "{last}");
    assert_eq!(last["outcome"], "timestamp_failed", "{last}");
    assert_eq!(last["counted"], 1, "{last}");
    // The log and the ledger agree on what was counted.
    ok(dir, &["audit", "verify", "--state", "st"]);
    message
}

#[test]
fn a_token_over_another_imprint_is_refused() {
    let dir = scratch("tsa-imprint");
    let tsa = Tsa::start(&dir);
    let m = fails_to_timestamp(&dir, &[tsa.url("wrong-imprint")]);
    assert!(m.contains("[tsp_imprint_mismatch]"), "{m}");
}

#[test]
fn a_token_with_another_nonce_is_refused() {
    let dir = scratch("tsa-nonce");
    let tsa = Tsa::start(&dir);
    let m = fails_to_timestamp(&dir, &[tsa.url("wrong-nonce")]);
    assert!(m.contains("[tsp_nonce_mismatch]"), "{m}");
}

#[test]
fn a_rejection_is_refused_with_the_tsa_text() {
    let dir = scratch("tsa-reject");
    let tsa = Tsa::start(&dir);
    let m = fails_to_timestamp(&dir, &[tsa.url("reject")]);
    assert!(m.contains("[tsp_rejected]") && m.contains("status 2"), "{m}");
    assert!(m.contains("refused by the test TSA"), "{m}");
}

#[test]
fn a_token_with_a_broken_signature_is_refused() {
    let dir = scratch("tsa-badsig");
    let tsa = Tsa::start(&dir);
    let m = fails_to_timestamp(&dir, &[tsa.url("bad-signature")]);
    assert!(m.contains("[tsp_signature_invalid]"), "{m}");
}

#[test]
fn every_tsa_down_writes_nothing_and_the_signature_stays_counted() {
    let dir = scratch("tsa-down");
    let (a, b) = (down_url(), down_url());
    let m = fails_to_timestamp(&dir, &[a.clone(), b.clone()]);
    // Two attempts per URL, then the next.
    for u in [&a, &b] {
        for attempt in ["attempt 1", "attempt 2"] {
            assert!(m.contains(&format!("{u}: {attempt}")), "{m}");
        }
    }
    let status = ok(&dir, &["status", "--state", "st"]);
    assert_eq!(status["budget"]["committed"], 1, "{status}");
}

#[test]
fn a_tsa_that_is_down_or_failing_falls_back_to_the_next() {
    let dir = scratch("tsa-fallback");
    let tsa = Tsa::start(&dir);
    std::fs::write(dir.join("f"), b"artifact").unwrap();
    let signed = ok(
        &dir,
        &[
            "sign",
            "f",
            "--state",
            "st",
            "--tsa",
            &down_url(),
            "--tsa",
            &tsa.url("http-500"),
            "--tsa",
            &tsa.url("good"),
        ],
    );
    assert!(signed["signed"][0]["timestamp"].is_i64(), "{signed}");
    assert!(openssl_verifies(&dir, "f", "f.p7s"));
    let (token, value) = extract_token(&dir, "f.p7s");
    assert!(openssl_ts_verifies(&tsa, &token, &value).0);
    assert_eq!(used(&dir, "st"), 1);
}

#[test]
fn https_and_malformed_urls_are_refused_before_anything_is_counted() {
    let dir = scratch("tsa-url");
    std::fs::write(dir.join("f"), b"artifact").unwrap();
    ok(&dir, &["init", "--state", "st"]);
    for url in [
        "https://timestamp.digicert.com",
        "ftp://x",
        "http://user:secret@host/",
    ] {
        let o = signet(&dir, &["sign", "f", "--state", "st", "--tsa", url, "--json"]);
        assert_eq!(common::error_code(&o, 2), "timestamp_url_invalid", "{url}");
        assert!(!stdout(&o).contains("secret"), "a password in a URL was repeated");
    }
    assert_eq!(used(&dir, "st"), 0);
    assert!(!dir.join("f.p7s").exists());
}

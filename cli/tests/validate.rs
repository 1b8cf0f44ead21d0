//! Runs the `signet` binary: exit codes and the exact `--json` report shape.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/orders")
}

fn signet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signet"))
        .args(args)
        .output()
        .unwrap()
}

/// Checks the exact report shape and returns it.
fn report(out: &Output) -> Value {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        text.ends_with('\n') && text.matches('\n').count() == 1,
        "{text:?}"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&String> = obj.keys().collect();
    keys.sort();
    assert_eq!(keys, ["findings", "ok", "valid"]);
    assert_eq!(obj["ok"], Value::Bool(true));
    assert!(obj["valid"].is_boolean());
    for f in obj["findings"].as_array().unwrap() {
        let f = f.as_object().unwrap();
        let mut keys: Vec<&String> = f.keys().collect();
        keys.sort();
        assert_eq!(keys, ["code", "message", "path", "severity"]);
        assert!(["error", "warning"].contains(&f["severity"].as_str().unwrap()));
        for k in ["code", "message", "path"] {
            assert!(f[k].is_string());
        }
    }
    // Key order as documented (a map may reorder keys, so check the text too).
    assert!(text.starts_with("{\"ok\": true, \"valid\": "), "{text}");
    v
}

fn codes(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn valid_order_exits_0() {
    let path = examples().join("ship_token.json");
    let out = signet(&["validate", "--json", "--at", "2026-06-01", path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = report(&out);
    assert_eq!(v["valid"], Value::Bool(true));
    assert!(codes(&v).is_empty());
    // Default output is the human report with a summary line.
    let out = signet(&["validate", "--at", "2026-06-01", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("valid: 0 errors, 0 warnings"), "{text}");
}

#[test]
fn invalid_order_exits_1_with_every_finding() {
    let path = examples().join("invalid.json");
    let out = signet(&["validate", "--json", "--at", "2026-06-01", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v = report(&out);
    assert_eq!(v["valid"], Value::Bool(false));
    let got = codes(&v);
    let want = [
        ("certificate.signature_hash", "invalid_value"),
        ("certificate.csr", "pem_invalid"),
        ("certificate.csr", "csr_not_allowed"),
        ("order_validity.years", "validity_too_long"),
        ("organization.country", "invalid_country"),
        // A new organization: its only contact is a verified one (ev_approver).
        ("organization.contacts", "organization_contact_missing"),
        ("organization.contacts[0].job_title", "required"),
        ("organization.contacts[0].telephone", "required"),
        ("organization.contacts[0].contact_type", "legacy_contact_type"),
        ("organization.contacts[0].email", "invalid_email"),
        ("comments", "unknown_field"),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
    assert_eq!(got, want);
    // Before the 2026-03-01 cap, three years are allowed.
    let out = signet(&["validate", "--json", "--at", "2026-02-28", path.to_str().unwrap()]);
    assert!(!codes(&report(&out)).iter().any(|(_, c)| c == "validity_too_long"));
    // Human output: groups with errors first, warnings last, then the summary.
    let out = signet(&["validate", "--at", "2026-06-01", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "certificate.signature_hash:");
    assert!(lines.last().unwrap().starts_with("invalid: 9 errors, 2 warnings"));
    let last_error = lines.iter().rposition(|l| l.starts_with("  error")).unwrap();
    let first_warning = lines.iter().position(|l| l.starts_with("  warning")).unwrap();
    assert!(last_error < first_warning, "{text}");
}

#[test]
fn malformed_json_exits_1_from_stdin() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_signet"))
        .args(["validate", "--json", "--product", "code_signing_ev", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"certificate\": }")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = report(&out);
    assert_eq!(codes(&v), [(String::new(), "json_syntax".to_owned())]);
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 1, column 17")
    );
}

#[test]
fn unreadable_input_and_bad_usage_exit_2() {
    let dir = std::env::temp_dir().join(format!("signet-validate-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A directory cannot be read as a file.
    // With --json the error is JSON on stdout too.
    let out = signet(&["validate", "--json", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["ok"].as_bool(), v["error"]["code"].as_str()),
        (Some(false), Some("input_unreadable"))
    );
    assert!(v["error"]["message"].as_str().unwrap().contains("cannot read"));
    let out = signet(&["validate", dir.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("IsADirectory"));
    let missing = dir.join("missing.json");
    assert_eq!(
        signet(&["validate", missing.to_str().unwrap()]).status.code(),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let ship = examples().join("ship_token.json");
    for bad in [
        vec!["validate", "--product", "ev", ship.to_str().unwrap()],
        vec!["validate", "--at", "2026-13-01", ship.to_str().unwrap()],
        vec!["validate"],
    ] {
        assert_eq!(signet(&bad).status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn every_example_but_invalid_json_is_valid() {
    for entry in std::fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        let expect = if path.file_name().unwrap() == "invalid.json" {
            1
        } else {
            0
        };
        let out = signet(&["validate", "--at", "2026-06-01", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(expect), "{}", path.display());
    }
}

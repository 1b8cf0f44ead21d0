//! `signet budget` and `signet grant` end to end, with fixed `--now` times.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn state(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("signet-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn signet(state: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signet"))
        .args(args)
        .arg("--state")
        .arg(state)
        .env_remove("SIGNET_STATE")
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

const FP: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const NOW: &str = "2026-06-01T00:00:00Z";

fn init(s: &Path, allotment: &str) {
    let out = signet(
        s,
        &[
            "budget",
            "init",
            "--cert-fingerprint",
            FP,
            "--not-before",
            "2026-03-01T00:00:00Z",
            "--not-after",
            "2027-03-01T00:00:00Z",
            "--signer",
            "alice",
            "--allotment",
            allotment,
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn budget_levels_exhaustion_purchase_and_revocation() {
    let s = state("budget");
    init(&s, "10");
    let again = signet(
        &s,
        &[
            "budget",
            "init",
            "--cert-fingerprint",
            FP,
            "--not-before",
            "0",
            "--not-after",
            "10",
            "--signer",
            "x",
            "--json",
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(json(&again)["code"], "budget_exists");

    let used = signet(
        &s,
        &[
            "budget",
            "use",
            "--cert-fingerprint",
            FP,
            "--user",
            "alice",
            "--count",
            "9",
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(used.status.code(), Some(0));
    let v = json(&used);
    assert_eq!((v["used"].as_u64(), v["remaining"].as_u64()), (Some(9), Some(1)));
    assert_eq!(v["level"], "warn90");
    assert_eq!(
        v["crossed"],
        serde_json::json!([{"used": 8, "level": "warn80"}, {"used": 9, "level": "warn90"}])
    );

    let not_signer = signet(
        &s,
        &[
            "budget",
            "use",
            "--cert-fingerprint",
            FP,
            "--user",
            "bob",
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(not_signer.status.code(), Some(1));
    assert_eq!(json(&not_signer)["code"], "budget_not_assigned_signer");

    let over = signet(
        &s,
        &[
            "budget",
            "use",
            "--cert-fingerprint",
            FP,
            "--user",
            "alice",
            "--count",
            "2",
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(over.status.code(), Some(1));
    assert_eq!(json(&over)["code"], "budget_exhausted");

    for role in ["standard-user", "limited-user", "finance-manager"] {
        let out = signet(
            &s,
            &[
                "budget",
                "buy",
                "--cert-fingerprint",
                FP,
                "--user",
                "u",
                "--role",
                role,
                "--signatures",
                "1000",
                "--now",
                NOW,
                "--json",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{role}");
        assert_eq!(json(&out)["code"], "budget_purchase_not_permitted");
    }
    let sub = signet(
        &s,
        &[
            "budget",
            "buy",
            "--cert-fingerprint",
            FP,
            "--user",
            "u",
            "--role",
            "administrator",
            "--subaccount",
            "--signatures",
            "1000",
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(json(&sub)["code"], "budget_subaccount_purchase");
    let zero = signet(
        &s,
        &[
            "budget",
            "buy",
            "--cert-fingerprint",
            FP,
            "--user",
            "u",
            "--role",
            "manager",
            "--signatures",
            "0",
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(json(&zero)["code"], "budget_zero_purchase");
    let bought = signet(
        &s,
        &[
            "budget",
            "buy",
            "--cert-fingerprint",
            FP,
            "--user",
            "m",
            "--role",
            "manager",
            "--signatures",
            "5000",
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(bought.status.code(), Some(0));
    let v = json(&bought);
    assert_eq!(
        (v["total"].as_u64(), v["remaining"].as_u64()),
        (Some(5010), Some(5000))
    );
    assert_eq!(
        v["used"].as_u64(),
        Some(10),
        "the refused use consumed nothing beyond the limit"
    );

    let expired = signet(
        &s,
        &[
            "budget",
            "show",
            "--cert-fingerprint",
            FP,
            "--now",
            "2027-03-02T00:00:00Z",
            "--json",
        ],
    );
    let v = json(&expired);
    assert_eq!(
        (v["state"].as_str(), v["remaining"].as_u64()),
        (Some("expired"), Some(0))
    );

    let lead_only = signet(
        &s,
        &[
            "budget",
            "assign",
            "--cert-fingerprint",
            FP,
            "--user",
            "m",
            "--signer",
            "bob",
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(json(&lead_only)["code"], "budget_not_keylocker_lead");
    let assigned = signet(
        &s,
        &[
            "budget",
            "assign",
            "--cert-fingerprint",
            FP,
            "--user",
            "lead",
            "--keylocker-lead",
            "--signer",
            "bob",
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(json(&assigned)["signer"], "bob");

    let revoked = signet(
        &s,
        &[
            "budget",
            "revoke",
            "--cert-fingerprint",
            FP,
            "--now",
            NOW,
            "--json",
        ],
    );
    let v = json(&revoked);
    assert_eq!(
        (v["state"].as_str(), v["remaining"].as_u64(), v["total"].as_u64()),
        (Some("revoked"), Some(0), Some(0))
    );
    let after = signet(
        &s,
        &[
            "budget",
            "use",
            "--cert-fingerprint",
            FP,
            "--user",
            "bob",
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(json(&after)["code"], "budget_revoked");
    let twice = signet(
        &s,
        &[
            "budget",
            "revoke",
            "--cert-fingerprint",
            FP,
            "--now",
            NOW,
            "--json",
        ],
    );
    assert_eq!(twice.status.code(), Some(1));

    let other = signet(
        &s,
        &["budget", "show", "--cert-fingerprint", &"ff".repeat(32), "--json"],
    );
    assert_eq!(
        (other.status.code(), json(&other)["code"].as_str()),
        (Some(1), Some("budget_not_found"))
    );
    let bad = signet(&s, &["budget", "show", "--cert-fingerprint", "xyz"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad_time = signet(
        &s,
        &["budget", "show", "--cert-fingerprint", FP, "--now", "yesterday"],
    );
    assert_eq!(bad_time.status.code(), Some(2));
    std::fs::remove_dir_all(&s).unwrap();
}

#[test]
fn cert_file_fingerprint_matches_openssl() {
    let s = state("cert");
    let key = s.join("k.pem");
    let pem = s.join("c.pem");
    let der = s.join("c.der");
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
        ])
        .args(["-subj", "/CN=signet-test", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&pem)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let conv = Command::new("openssl")
        .args(["x509", "-outform", "DER", "-in"])
        .arg(&pem)
        .arg("-out")
        .arg(&der)
        .output()
        .unwrap();
    assert!(conv.status.success());
    let fp = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&pem)
        .output()
        .unwrap();
    let text = String::from_utf8(fp.stdout).unwrap();
    let colon_hex = text.trim().split('=').nth(1).unwrap().to_string();
    let hex = colon_hex.replace(':', "").to_lowercase();
    let out = signet(
        &s,
        &[
            "budget",
            "init",
            "--cert",
            pem.to_str().unwrap(),
            "--not-before",
            "0",
            "--not-after",
            "4000000000",
            "--signer",
            "alice",
            "--now",
            "100",
            "--json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["fingerprint"], hex.as_str());
    // The same budget through the DER file and through OpenSSL's colon form.
    for sel in [
        ["--cert", der.to_str().unwrap()],
        ["--cert-fingerprint", colon_hex.as_str()],
    ] {
        let show = signet(&s, &["budget", "show", sel[0], sel[1], "--now", "100", "--json"]);
        assert_eq!(json(&show)["fingerprint"], hex.as_str());
    }
    assert!(
        s.join("budgets")
            .join(&hex)
            .join("ledger")
            .join("ledger.bin")
            .exists()
    );
    std::fs::remove_dir_all(&s).unwrap();
}

#[test]
fn grant_request_approval_flow() {
    let s = state("grant");
    let g = |args: &[&str]| signet(&s, &[&["grant"], args, &["--json"]].concat());
    let bad_policy = g(&["policy", "--signer", "rel", "--ttl", "60", "--step", "a:1"]);
    assert_eq!(json(&bad_policy)["code"], "grant_no_limit");
    let bad_step = g(&[
        "policy",
        "--signer",
        "rel",
        "--max-ops",
        "3",
        "--ttl",
        "60",
        "--step",
        "a:2",
    ]);
    assert_eq!(json(&bad_step)["code"], "grant_threshold_out_of_range");
    let policy = g(&[
        "policy",
        "--signer",
        "rel",
        "--max-ops",
        "3",
        "--max-window",
        "3600",
        "--ttl",
        "600",
        "--step",
        "a,b:2",
        "--step",
        "c:1",
    ]);
    assert_eq!(policy.status.code(), Some(0));

    let too_many = g(&[
        "request", "--user", "req", "--signer", "rel", "--ops", "4", "--now", "1000",
    ]);
    assert_eq!(json(&too_many)["code"], "grant_operations_above_ceiling");
    let too_long = g(&[
        "request", "--user", "req", "--signer", "rel", "--until", "5000", "--now", "1000",
    ]);
    assert_eq!(json(&too_long)["code"], "grant_window_too_long");
    let unknown = g(&["request", "--user", "req", "--signer", "nobody", "--now", "1000"]);
    assert_eq!(json(&unknown)["code"], "grant_unknown_signer");

    let r = json(&g(&[
        "request",
        "--user",
        "req",
        "--signer",
        "rel",
        "--justification",
        "Release v2.4.0 signing",
        "--now",
        "1000",
    ]));
    assert_eq!((r["id"].as_u64(), r["status"].as_str()), (Some(1), Some("open")));
    assert_eq!(
        (r["allowed_ops"].as_u64(), r["valid_until"].as_i64()),
        (Some(3), Some(4600))
    );

    assert_eq!(
        json(&g(&["approve", "1", "--user", "req", "--now", "1100"]))["code"],
        "grant_own_request"
    );
    assert_eq!(
        json(&g(&["approve", "1", "--user", "c", "--now", "1100"]))["code"],
        "grant_not_eligible"
    );
    assert_eq!(
        json(&g(&["approve", "1", "--user", "a", "--now", "1100"]))["current_step"],
        0
    );
    assert_eq!(
        json(&g(&["approve", "1", "--user", "a", "--now", "1100"]))["code"],
        "grant_already_approved"
    );
    assert_eq!(
        json(&g(&["approve", "1", "--user", "b", "--now", "1200"]))["current_step"],
        1
    );
    assert_eq!(
        json(&g(&["cancel", "1", "--user", "a", "--now", "1200"]))["code"],
        "grant_not_requester"
    );
    let done = json(&g(&["approve", "1", "--user", "c", "--now", "1300"]));
    assert_eq!(done["status"], "approved");
    assert_eq!(
        (done["grant"]["id"].as_u64(), done["grant"]["status"].as_str()),
        (Some(1), Some("active"))
    );
    let late = json(&g(&["show", "1", "--now", "4600"]));
    assert_eq!(
        (late["status"].as_str(), late["grant"]["status"].as_str()),
        (Some("approved"), Some("window_ended"))
    );

    // Rejection with a comment, cancellation, expiry.
    json(&g(&[
        "request", "--user", "req", "--signer", "rel", "--now", "2000",
    ]));
    let rej = json(&g(&[
        "reject",
        "2",
        "--user",
        "b",
        "--comment",
        "not now",
        "--now",
        "2100",
    ]));
    assert_eq!(
        (rej["status"].as_str(), rej["rejection"]["comment"].as_str()),
        (Some("rejected"), Some("not now"))
    );
    assert_eq!(
        json(&g(&["approve", "2", "--user", "a", "--now", "2100"]))["code"],
        "grant_request_not_open"
    );
    json(&g(&[
        "request", "--user", "req", "--signer", "rel", "--now", "3000",
    ]));
    assert_eq!(
        json(&g(&["cancel", "3", "--user", "req", "--now", "3001"]))["status"],
        "cancelled"
    );
    json(&g(&[
        "request", "--user", "req", "--signer", "rel", "--now", "4000",
    ]));
    assert_eq!(json(&g(&["show", "4", "--now", "4599"]))["status"], "open");
    assert_eq!(json(&g(&["show", "4", "--now", "4600"]))["status"], "expired");
    assert_eq!(
        json(&g(&["approve", "4", "--user", "a", "--now", "4600"]))["code"],
        "grant_request_not_open"
    );

    let all = json(&g(&["show", "--now", "4600"]));
    let statuses: Vec<_> = all["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["approved", "rejected", "cancelled", "expired"]);
    assert_eq!(json(&g(&["show", "9"]))["code"], "grant_unknown_request");
    std::fs::remove_dir_all(&s).unwrap();
}

//! `signet budget ...` and `signet grant ...` end to end: budgets bound to
//! their certificate, purchases and revocation, and grants that gate signing
//! with a durable operation count.

mod common;

use common::{fails, ok, scratch, signet, stderr, used};

/// A development state whose assigned signer is `alice`, with `budget`
/// signatures, at a fixed clock.
fn state(name: &str, budget: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join("f"), b"artifact").unwrap();
    ok(
        &dir,
        &[
            "init", "--state", "st", "--budget", budget, "--signer", "alice", "--user", "alice",
        ],
    );
    dir
}

#[test]
fn levels_purchases_and_revocation_on_the_state_certificate() {
    let dir = state("levels", "10");
    let show = ok(&dir, &["budget", "show", "--state", "st"]);
    assert_eq!(
        (show["total"].as_u64(), show["state"].as_str()),
        (Some(10), Some("valid"))
    );
    // Eight signatures cross 80 %.
    let v = ok(
        &dir,
        &[
            "budget", "use", "--count", "8", "--state", "st", "--user", "alice",
        ],
    );
    assert_eq!(v["crossed"][0]["level"], "warn80");
    assert_eq!(v["remaining"], 2);
    // All or nothing: 3 asked, 2 left.
    assert_eq!(
        fails(
            &dir,
            &[
                "budget", "use", "--count", "3", "--state", "st", "--user", "alice"
            ],
            1
        ),
        "budget_exhausted"
    );
    assert_eq!(used(&dir, "st"), 8);
    // Only administrators and managers buy.
    assert_eq!(
        fails(
            &dir,
            &["budget", "buy", "--signatures", "1000", "--state", "st"],
            1
        ),
        "budget_purchase_not_permitted"
    );
    let v = ok(
        &dir,
        &[
            "budget",
            "buy",
            "--signatures",
            "1000",
            "--role",
            "administrator",
            "--state",
            "st",
        ],
    );
    assert_eq!(
        (v["total"].as_u64(), v["purchased"].as_u64()),
        (Some(1010), Some(1000))
    );
    // Signing as someone else than the assigned signer is refused.
    assert_eq!(
        fails(&dir, &["sign", "f", "--state", "st", "--user", "bob"], 1),
        "sign_not_assigned_signer"
    );
    ok(&dir, &["sign", "f", "--state", "st", "--user", "alice"]);
    // Reassignment needs the KeyLocker lead role.
    assert_eq!(
        fails(&dir, &["budget", "assign", "--signer", "bob", "--state", "st"], 1),
        "budget_not_keylocker_lead"
    );
    ok(
        &dir,
        &[
            "budget",
            "assign",
            "--signer",
            "bob",
            "--keylocker-lead",
            "--state",
            "st",
        ],
    );
    ok(&dir, &["sign", "f", "--state", "st", "--user", "bob"]);
    // Revocation nullifies what is left.
    let v = ok(&dir, &["budget", "revoke", "--state", "st"]);
    assert_eq!(
        (v["state"].as_str(), v["remaining"].as_u64()),
        (Some("revoked"), Some(0))
    );
    assert_eq!(
        fails(&dir, &["sign", "f", "--state", "st", "--user", "bob"], 1),
        "sign_revoked"
    );
    assert_eq!(used(&dir, "st"), 10);
}

#[test]
fn a_budget_never_outlives_its_certificate() {
    let dir = state("validity", "5");
    // Another certificate: OpenSSL makes one valid for 30 days.
    let o = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .args([
            "-keyout",
            "o.key",
            "-out",
            "o.pem",
            "-subj",
            "/CN=other",
            "-days",
            "30",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(
        fails(
            &dir,
            &[
                "budget",
                "init",
                "--cert",
                "o.pem",
                "--signer",
                "alice",
                "--not-after",
                "2090-01-01T00:00:00Z",
                "--state",
                "st"
            ],
            1
        ),
        "budget_validity_outside_certificate"
    );
    let v = ok(
        &dir,
        &[
            "budget", "init", "--cert", "o.pem", "--signer", "alice", "--state", "st",
        ],
    );
    let span = v["not_after"].as_i64().unwrap() - v["not_before"].as_i64().unwrap();
    assert_eq!(span, 30 * 86_400, "the certificate's own validity");
    // Narrowing is allowed.
    let fp = v["fingerprint"].as_str().unwrap().to_string();
    let v = ok(
        &dir,
        &["budget", "show", "--cert-fingerprint", &fp, "--state", "st"],
    );
    assert_eq!(v["total"], 1000);
    assert_eq!(
        fails(
            &dir,
            &[
                "budget", "init", "--cert", "o.pem", "--signer", "alice", "--state", "st"
            ],
            1
        ),
        "budget_exists"
    );
    assert_eq!(
        fails(
            &dir,
            &[
                "budget",
                "show",
                "--cert-fingerprint",
                &"ff".repeat(32),
                "--state",
                "st"
            ],
            1
        ),
        "budget_not_found"
    );
    assert_eq!(
        fails(
            &dir,
            &["budget", "show", "--cert-fingerprint", "xyz", "--state", "st"],
            2
        ),
        "fingerprint_invalid"
    );
    // The budget expires with the certificate.
    let later = (v["not_after"].as_i64().unwrap() + 1).to_string();
    let v = ok(
        &dir,
        &[
            "budget", "show", "--cert", "o.pem", "--state", "st", "--now", &later,
        ],
    );
    assert_eq!(
        (v["state"].as_str(), v["remaining"].as_u64()),
        (Some("expired"), Some(0))
    );
}

#[test]
fn grants_gate_signing_and_count_durably() {
    let dir = state("grants", "100");
    let at = |args: &[&str], user: &str| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend(["--state", "st", "--user", user].map(String::from));
        all
    };
    let run_ok = |args: &[&str], user: &str| {
        let all = at(args, user);
        ok(&dir, &all.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let run_fails = |args: &[&str], user: &str, exit: i32| {
        let all = at(args, user);
        fails(&dir, &all.iter().map(String::as_str).collect::<Vec<_>>(), exit)
    };
    // Before a policy, the assigned signer signs; nobody else does.
    run_ok(&["sign", "f"], "alice");
    assert_eq!(
        run_fails(&["grant", "request", "--ops", "1"], "bob", 1),
        "grant_no_policy"
    );
    run_ok(
        &[
            "grant",
            "policy",
            "--max-ops",
            "3",
            "--ttl",
            "3600",
            "--step",
            "carol,dave:1",
            "--step",
            "erin:1",
        ],
        "admin",
    );
    // Now every signature needs a grant, the assigned signer's included.
    assert_eq!(run_fails(&["sign", "f"], "alice", 1), "sign_grant_required");
    assert_eq!(ok(&dir, &["status", "--state", "st"])["grant_required"], true);
    let r = run_ok(
        &["grant", "request", "--ops", "2", "--justification", "release 1.0"],
        "bob",
    );
    let id = r["id"].as_u64().unwrap().to_string();
    assert_eq!(r["status"], "open");
    assert_eq!(
        run_fails(&["grant", "approve", &id], "bob", 1),
        "grant_own_request"
    );
    assert_eq!(
        run_fails(&["grant", "approve", &id], "erin", 1),
        "grant_not_eligible"
    );
    run_ok(&["grant", "approve", &id], "carol");
    assert_eq!(
        run_fails(&["sign", "f"], "bob", 1),
        "sign_grant_required",
        "not approved yet"
    );
    let r = run_ok(&["grant", "approve", &id], "erin");
    assert_eq!(
        (r["status"].as_str(), r["grant"]["status"].as_str()),
        (Some("approved"), Some("active"))
    );
    // The grant stands in for the assignment: bob signs although alice is
    // the assigned signer; each signature uses one operation, durably.
    let v = run_ok(&["sign", "f"], "bob");
    assert_eq!(v["signed"][0]["grant"], 1);
    let g = run_ok(&["grant", "show", &id], "bob");
    assert_eq!(
        (g["grant"]["used"].as_u64(), g["grant"]["remaining"].as_u64()),
        (Some(1), Some(1))
    );
    // A batch larger than what the grant has left signs nothing.
    std::fs::write(dir.join("g"), b"other").unwrap();
    assert_eq!(
        run_fails(&["sign", "f", "g", "f"], "bob", 1),
        "sign_grant_exhausted"
    );
    run_ok(&["sign", "g"], "bob");
    assert_eq!(run_fails(&["sign", "f"], "bob", 1), "sign_grant_exhausted");
    let g = run_ok(&["grant", "show", &id], "bob");
    assert_eq!(
        (g["grant"]["used"].as_u64(), g["grant"]["status"].as_str()),
        (Some(2), Some("used_up"))
    );
    // Someone else cannot use bob's grant.
    assert_eq!(
        run_fails(&["sign", "f", "--grant", &id], "mallory", 1),
        "sign_grant_mismatch"
    );
    assert_eq!(
        run_fails(&["sign", "f", "--grant", "99"], "bob", 1),
        "grant_not_found"
    );
    // Two active grants: the signer must name one.
    for _ in 0..2 {
        let r = run_ok(&["grant", "request", "--ops", "1"], "bob");
        let id = r["id"].as_u64().unwrap().to_string();
        run_ok(&["grant", "approve", &id], "dave");
        run_ok(&["grant", "approve", &id], "erin");
    }
    assert_eq!(run_fails(&["sign", "f"], "bob", 1), "grant_ambiguous");
    let v = run_ok(&["sign", "f", "--grant", "3"], "bob");
    assert_eq!(v["signed"][0]["grant"], 3);
    // Every signature is also in the budget: 1 before the policy, 3 with grants.
    assert_eq!(used(&dir, "st"), 4);
    let all = run_ok(&["grant", "show"], "bob");
    assert_eq!(all["requests"].as_array().unwrap().len(), 3);
}

#[test]
fn grant_ledgers_fail_closed_too() {
    let dir = state("grant-ledger", "100");
    ok(
        &dir,
        &[
            "grant",
            "policy",
            "--max-ops",
            "5",
            "--ttl",
            "3600",
            "--step",
            "carol:1",
            "--state",
            "st",
        ],
    );
    ok(&dir, &["grant", "request", "--state", "st", "--user", "bob"]);
    ok(
        &dir,
        &["grant", "approve", "1", "--state", "st", "--user", "carol"],
    );
    ok(&dir, &["sign", "f", "--state", "st", "--user", "bob"]);
    std::fs::remove_file(dir.join("st/grants/ledgers/1/ledger.bin")).unwrap();
    assert_eq!(
        fails(&dir, &["sign", "f", "--state", "st", "--user", "bob"], 2),
        "state_ledger_missing"
    );
    assert_eq!(
        fails(&dir, &["grant", "show", "1", "--state", "st"], 2),
        "state_ledger_missing"
    );
}

#[test]
fn decisions_dated_before_the_request_are_refused() {
    let dir = state("before", "100");
    ok(
        &dir,
        &[
            "grant",
            "policy",
            "--max-ops",
            "5",
            "--ttl",
            "3600",
            "--step",
            "carol:1",
            "--state",
            "st",
        ],
    );
    let now: i64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let r = ok(
        &dir,
        &[
            "grant",
            "request",
            "--state",
            "st",
            "--user",
            "bob",
            "--now",
            &now.to_string(),
        ],
    );
    let earlier = (now - 60).to_string();
    assert_eq!(
        fails(
            &dir,
            &[
                "grant", "approve", "1", "--state", "st", "--user", "carol", "--now", &earlier
            ],
            1
        ),
        "grant_before_request"
    );
    assert_eq!(r["status"], "open");
}

#[test]
fn empty_listings_say_so() {
    let dir = state("empty", "1");
    let out = signet(&dir, &["grant", "show", "--state", "st"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "no signing requests\n");
    assert_eq!(
        ok(&dir, &["grant", "show", "--state", "st"])["requests"],
        serde_json::json!([])
    );
}

#[test]
fn a_deleted_policy_is_damage_not_freedom() {
    let dir = state("policy-deleted", "100");
    ok(
        &dir,
        &[
            "grant",
            "policy",
            "--max-ops",
            "5",
            "--ttl",
            "3600",
            "--step",
            "carol:1",
            "--state",
            "st",
            "--user",
            "admin",
        ],
    );
    assert_eq!(
        fails(&dir, &["sign", "f", "--state", "st", "--user", "alice"], 1),
        "sign_grant_required"
    );
    let policies = dir.join("st/grants/policies");
    for entry in std::fs::read_dir(&policies).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    assert_eq!(
        fails(&dir, &["sign", "f", "--state", "st", "--user", "alice"], 2),
        "state_incomplete"
    );
    assert_eq!(fails(&dir, &["status", "--state", "st"], 2), "state_incomplete");
}

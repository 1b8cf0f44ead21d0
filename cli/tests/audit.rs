//! `signet audit`: every event is recorded in a hash chain that `verify`
//! checks, and that agrees with the ledgers.

mod common;

use common::{fails, ok, scratch, signet, stdout};

fn records(dir: &std::path::Path) -> Vec<serde_json::Value> {
    ok(dir, &["audit", "show", "--state", "st"])["records"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_event_is_recorded_with_its_outcome() {
    let dir = scratch("audit-events");
    std::fs::write(dir.join("f"), b"artifact").unwrap();
    let as_user = |user: &str, args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend(["--state", "st", "--user", user].map(String::from));
        all
    };
    let run = |user: &str, args: &[&str]| {
        let all = as_user(user, args);
        ok(&dir, &all.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let refuse = |user: &str, args: &[&str], exit| {
        let all = as_user(user, args);
        fails(&dir, &all.iter().map(String::as_str).collect::<Vec<_>>(), exit)
    };
    run("alice", &["init", "--budget", "2"]);
    let signed = run("alice", &["sign", "f"]);
    refuse("bob", &["sign", "f"], 1);
    refuse("sam", &["budget", "buy", "--signatures", "10"], 1);
    run(
        "adm",
        &["budget", "buy", "--signatures", "10", "--role", "administrator"],
    );
    run("alice", &["budget", "use", "--count", "2"]);
    run(
        "lead",
        &["budget", "assign", "--signer", "bob", "--keylocker-lead"],
    );
    run(
        "admin",
        &[
            "grant",
            "policy",
            "--max-ops",
            "2",
            "--ttl",
            "600",
            "--step",
            "carol:1",
        ],
    );
    run("bob", &["grant", "request", "--justification", "release"]);
    run("carol", &["grant", "approve", "1"]);
    run("bob", &["sign", "f"]);
    run("bob", &["grant", "request"]);
    run("carol", &["grant", "reject", "2", "--comment", "no"]);
    run("bob", &["grant", "request"]);
    run("bob", &["grant", "cancel", "3"]);
    run("adm", &["budget", "revoke"]);
    let all = records(&dir);
    let summary: Vec<(String, String, String)> = all
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().into(),
                r["actor"].as_str().unwrap().into(),
                r["outcome"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("init", "alice", "ok"),
        ("sign", "alice", "ok"),
        ("sign", "bob", "sign_not_assigned_signer"),
        ("budget_buy", "sam", "budget_purchase_not_permitted"),
        ("budget_buy", "adm", "ok"),
        ("budget_use", "alice", "ok"),
        ("budget_assign", "lead", "ok"),
        ("grant_policy", "admin", "ok"),
        ("grant_request", "bob", "ok"),
        ("grant_issue", "carol", "ok"),
        ("grant_approve", "carol", "ok"),
        ("sign", "bob", "ok"),
        ("grant_request", "bob", "ok"),
        ("grant_reject", "carol", "ok"),
        ("grant_request", "bob", "ok"),
        ("grant_cancel", "bob", "ok"),
        ("budget_revoke", "adm", "ok"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(summary, expected);
    // A signature's record: what was signed, by whom, which grant; its
    // receipt in the sign result is the record's place and hash.
    let sign = &all[1];
    assert_eq!(sign["counted"], 1);
    assert_eq!(sign["artifact"].as_str().unwrap().len(), 64);
    assert_eq!(signed["signed"][0]["audit"]["seq"], 2);
    assert_eq!(all[2]["prev"], signed["signed"][0]["audit"]["hash"]);
    assert_eq!(all[11]["grant"], 1);
    assert_eq!(all[8]["grant"], 1, "the request's id");
    let v = ok(&dir, &["audit", "verify", "--state", "st"]);
    assert_eq!(
        (v["records"].as_u64(), v["budgets_checked"].as_u64()),
        (Some(17), Some(1))
    );
    let head = signet(&dir, &["audit", "head", "--state", "st"]);
    assert_eq!(stdout(&head).trim(), v["head"].as_str().unwrap());
}

/// A state with 6 records, and its log's lines.
fn logged_state(name: &str) -> (std::path::PathBuf, Vec<String>) {
    let dir = scratch(name);
    std::fs::write(dir.join("f"), b"artifact").unwrap();
    for _ in 0..5 {
        ok(&dir, &["sign", "f", "--state", "st"]);
    }
    let text = std::fs::read_to_string(dir.join("st/audit/log.jsonl")).unwrap();
    (dir, text.lines().map(str::to_string).collect())
}

fn tampered(name: &str, change: impl FnOnce(&mut Vec<String>) -> String) -> String {
    let (dir, mut lines) = logged_state(name);
    let joined = change(&mut lines);
    std::fs::write(dir.join("st/audit/log.jsonl"), joined).unwrap();
    let out = signet(&dir, &["audit", "verify", "--state", "st", "--json"]);
    assert_eq!(common::error_code(&out, 1), "audit_chain_broken", "{name}");
    common::json(&out)["error"]["message"]
        .as_str()
        .unwrap()
        .to_string()
}

fn join(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn verify_names_the_first_bad_record_for_each_kind_of_tampering() {
    let m = tampered("audit-edit", |l| {
        l[2] = l[2].replace("\"outcome\":\"ok\"", "\"outcome\":\"no\"");
        join(l)
    });
    assert!(m.contains("record 4 does not follow record 3"), "{m}");
    let m = tampered("audit-delete", |l| {
        l.remove(2);
        join(l)
    });
    assert!(m.contains("record 3 is missing"), "{m}");
    let m = tampered("audit-reorder", |l| {
        l.swap(1, 2);
        join(l)
    });
    assert!(m.contains("record 2 is missing or out of order"), "{m}");
    let m = tampered("audit-truncate", |l| {
        let all = join(l);
        all[..all.len() - 40].to_string()
    });
    assert!(m.contains("cut off"), "{m}");
    // Signing refuses to extend a log whose end is cut off.
    let (dir, lines) = logged_state("audit-torn");
    let all = join(&lines);
    std::fs::write(dir.join("st/audit/log.jsonl"), &all[..all.len() - 5]).unwrap();
    std::fs::remove_file(dir.join("f.p7s")).unwrap();
    assert_eq!(
        fails(&dir, &["sign", "f", "--state", "st"], 2),
        "audit_chain_broken"
    );
    assert!(!dir.join("f.p7s").exists(), "no signature without its record");
    assert_eq!(common::used(&dir, "st"), 5, "nothing counted");
    // A deleted log is a missing part of the state.
    std::fs::remove_file(dir.join("st/audit/log.jsonl")).unwrap();
    assert_eq!(fails(&dir, &["status", "--state", "st"], 2), "state_incomplete");
}

#[test]
fn a_ledger_rolled_back_with_its_record_is_caught_by_the_log() {
    let dir = scratch("audit-rollback");
    std::fs::write(dir.join("f"), b"artifact").unwrap();
    ok(&dir, &["sign", "f", "--state", "st"]);
    let budgets = dir.join("st/budgets");
    let fp = std::fs::read_dir(&budgets)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    // A copy of the whole budget directory, ledger and record together:
    // their bindings agree, so only the log can tell.
    let copy = dir.join("copy");
    assert!(
        std::process::Command::new("cp")
            .arg("-a")
            .arg(budgets.join(&fp))
            .arg(&copy)
            .status()
            .unwrap()
            .success()
    );
    ok(&dir, &["sign", "f", "--state", "st"]);
    ok(&dir, &["sign", "f", "--state", "st"]);
    std::fs::remove_dir_all(budgets.join(&fp)).unwrap();
    assert!(
        std::process::Command::new("cp")
            .arg("-a")
            .arg(&copy)
            .arg(budgets.join(&fp))
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(ok(&dir, &["status", "--state", "st"])["budget"]["used"], 1);
    let out = signet(&dir, &["audit", "verify", "--state", "st", "--json"]);
    assert_eq!(common::error_code(&out, 1), "audit_ledger_mismatch");
    assert!(
        stdout(&out).contains("committed 1 signatures, the audit log records 3"),
        "{}",
        stdout(&out)
    );
}

//! `signet init | sign | verify | status | cert` end to end in temporary
//! state directories, with OpenSSL as the independent verifier; and every
//! way a state can be missing or damaged, each refused with its code.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::{error_code, fails, ok, openssl_verifies, scratch, signet, stderr, stdout, used};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn first_use_signs_files_that_openssl_and_signet_verify() {
    let dir = scratch("three");
    for (i, name) in ["a.bin", "b.bin", "c.bin"].iter().enumerate() {
        std::fs::write(dir.join(name), format!("artifact {i}\n").repeat(100)).unwrap();
    }
    // --state after the subcommand, and with a permissive umask: the state
    // is still private.
    let out = Command::new("sh")
        .args([
            "-c",
            &format!(
                "umask 000; exec {} sign a.bin b.bin c.bin --state st",
                env!("CARGO_BIN_EXE_signet")
            ),
        ])
        .current_dir(&dir)
        .env("USER", "tester")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("997 signatures remaining"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("initialised st"), "{}", stderr(&out));
    for d in ["st", "st/signer", "st/budgets"] {
        assert_eq!(mode(&dir.join(d)), 0o700, "{d}");
    }
    for f in ["st/signer/key.p8", "st/signer/cert.der", "st/signet.toml"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    for name in ["a.bin", "b.bin", "c.bin"] {
        assert!(openssl_verifies(&dir, name, &format!("{name}.p7s")), "{name}");
        // --state before the subcommand works too.
        let v = ok(&dir, &["--state", "st", "verify", name]);
        assert_eq!(v["signer_check"], "state_certificate");
    }
    let status = ok(&dir, &["status", "--state", "st"]);
    assert_eq!(status["budget"]["used"], 3);
    assert_eq!(status["budget"]["remaining"], 997);
    assert_eq!(status["signer"], "tester");
    assert_eq!(status["development"], true);
    // The certificate printed is the one in every signature.
    let pem = signet(&dir, &["cert", "--state", "st"]);
    std::fs::write(dir.join("signer.pem"), stdout(&pem)).unwrap();
    let v = ok(&dir, &["verify", "a.bin", "--cert", "signer.pem"]);
    assert_eq!(v["signer_check"], "certificate");
    // A certificate made a moment ago checks valid now (not as of midnight).
    let v = ok(&dir, &["cert", "check", "signer.pem"]);
    assert_eq!(v["valid"], true, "{v}");
}

#[test]
fn a_missing_state_is_reported_and_never_created_except_by_sign() {
    let dir = scratch("missing");
    for args in [
        &["status", "--state", "none"][..],
        &["budget", "show", "--state", "none"],
        &["grant", "show", "--state", "none"],
        &["verify", "x", "--state", "none"],
        &["cert", "--state", "none"],
    ] {
        assert_eq!(fails(&dir, args, 2), "state_not_initialised", "{args:?}");
        assert!(!dir.join("none").exists(), "{args:?} created the state");
    }
    // Without --json the error is text with its code and a hint.
    let out = signet(&dir, &["status", "--state", "none"]);
    assert!(
        stderr(&out).contains("[state_not_initialised]") && stderr(&out).contains("hint: run `signet init`")
    );
    // An existing empty directory is not created by `sign`, only by `init`.
    std::fs::create_dir(dir.join("empty")).unwrap();
    std::fs::write(dir.join("f"), b"x").unwrap();
    assert_eq!(
        fails(&dir, &["sign", "f", "--state", "empty"], 2),
        "state_not_initialised"
    );
    ok(&dir, &["init", "--state", "empty", "--budget", "5"]);
    assert_eq!(fails(&dir, &["init", "--state", "empty"], 1), "state_exists");
}

/// Makes a state with one signature, then damages it with `damage`; the
/// next signature must be refused with `code` and nothing written or counted.
fn refuses_damaged(name: &str, code: &str, damage: impl FnOnce(&Path, &Path)) {
    let dir = scratch(name);
    std::fs::write(dir.join("f"), b"content").unwrap();
    ok(&dir, &["sign", "f", "--state", "st"]);
    std::fs::remove_file(dir.join("f.p7s")).unwrap();
    let fp = std::fs::read_dir(dir.join("st/budgets"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    damage(&dir.join("st"), &fp);
    assert_eq!(fails(&dir, &["sign", "f", "--state", "st"], 2), code, "{name}");
    assert!(!dir.join("f.p7s").exists(), "{name}: a signature was written");
    assert_eq!(
        fails(&dir, &["status", "--state", "st"], 2),
        code,
        "{name}: status"
    );
}

#[test]
fn a_deleted_ledger_is_missing_not_zero() {
    refuses_damaged("ledger-deleted", "state_ledger_missing", |_, fp| {
        std::fs::remove_file(fp.join("ledger/ledger.bin")).unwrap();
    });
}

#[test]
fn a_truncated_ledger_is_damaged() {
    refuses_damaged("ledger-truncated", "state_ledger_damaged", |_, fp| {
        let l = fp.join("ledger/ledger.bin");
        let bytes = std::fs::read(&l).unwrap();
        std::fs::write(&l, &bytes[..100]).unwrap();
    });
}

#[test]
fn a_rolled_back_ledger_is_caught() {
    let dir = scratch("ledger-rollback");
    std::fs::write(dir.join("f"), b"content").unwrap();
    ok(&dir, &["sign", "f", "--state", "st"]);
    let fp = std::fs::read_dir(dir.join("st/budgets"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let ledger = fp.join("ledger/ledger.bin");
    let old = std::fs::read(&ledger).unwrap();
    ok(&dir, &["sign", "f", "--state", "st"]);
    ok(&dir, &["sign", "f", "--state", "st"]);
    std::fs::write(&ledger, &old).unwrap();
    assert_eq!(
        fails(&dir, &["sign", "f", "--state", "st"], 2),
        "state_ledger_rolled_back"
    );
    assert_eq!(
        fails(&dir, &["status", "--state", "st"], 2),
        "state_ledger_rolled_back"
    );
}

#[test]
fn a_ledger_from_another_budget_is_foreign() {
    let dir = scratch("ledger-swap");
    std::fs::write(dir.join("f"), b"content").unwrap();
    ok(&dir, &["sign", "f", "--state", "a"]);
    ok(&dir, &["sign", "f", "--state", "b"]);
    let ledger = |s: &str| {
        let fp = std::fs::read_dir(dir.join(s).join("budgets"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        fp.join("ledger/ledger.bin")
    };
    std::fs::copy(ledger("b"), ledger("a")).unwrap();
    assert_eq!(
        fails(&dir, &["sign", "f", "--state", "a"], 2),
        "state_ledger_foreign"
    );
}

#[test]
fn a_deleted_signer_is_incomplete_not_a_new_key() {
    refuses_damaged("signer-deleted", "state_incomplete", |st, _| {
        std::fs::remove_dir_all(st.join("signer")).unwrap();
    });
}

#[test]
fn an_edited_budget_record_is_refused() {
    refuses_damaged("record-edited", "state_record_damaged", |_, fp| {
        let p = fp.join("budget.json");
        let text = std::fs::read_to_string(&p)
            .unwrap()
            .replace("\"allotment\": 1000", "\"allotment\": 900000");
        std::fs::write(&p, text).unwrap();
    });
}

#[test]
fn a_deleted_budget_record_is_incomplete() {
    refuses_damaged("record-deleted", "state_incomplete", |_, fp| {
        std::fs::remove_file(fp.join("budget.json")).unwrap();
    });
}

#[test]
fn others_may_not_write_the_state_or_read_the_key() {
    refuses_damaged("perm-dir", "state_permissions", |st, _| {
        std::fs::set_permissions(st, std::fs::Permissions::from_mode(0o777)).unwrap();
    });
    refuses_damaged("perm-key", "state_permissions", |st, _| {
        std::fs::set_permissions(st.join("signer/key.p8"), std::fs::Permissions::from_mode(0o666)).unwrap();
    });
}

#[test]
fn concurrent_first_uses_agree_on_one_signer() {
    let dir = scratch("concurrent");
    std::fs::write(dir.join("f"), b"content").unwrap();
    for i in 0..4 {
        std::fs::write(dir.join(format!("f{i}")), format!("file {i}")).unwrap();
    }
    let children: Vec<_> = (0..4)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_signet"))
                .args(["sign", &format!("f{i}"), "--state", "st"])
                .current_dir(&dir)
                .env("USER", "tester")
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(used(&dir, "st"), 4);
    for i in 0..4 {
        // Every signature verifies against the one state certificate.
        let v = ok(&dir, &["verify", &format!("f{i}"), "--state", "st"]);
        assert_eq!(v["signer_check"], "state_certificate");
    }
    // No staging directory is left behind.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names.iter().all(|n| !n.to_string_lossy().contains("signet-tmp")),
        "{names:?}"
    );
}

#[test]
fn batches_are_all_or_nothing() {
    let dir = scratch("batch");
    for n in ["x", "y", "z", "a.bin", "b.bin"] {
        std::fs::write(dir.join(n), n).unwrap();
    }
    ok(&dir, &["init", "--state", "st", "--budget", "2"]);
    // Two left, three asked: nothing is signed, and the error says why.
    let out = signet(&dir, &["sign", "x", "y", "z", "--state", "st", "--json"]);
    assert_eq!(error_code(&out, 1), "sign_budget_exhausted");
    assert!(
        stdout(&out).contains("3 signatures needed, 2 remaining"),
        "{}",
        stdout(&out)
    );
    assert_eq!(used(&dir, "st"), 0);
    assert!(!dir.join("x.p7s").exists());
    // A missing input: nothing is counted, not even the files before it.
    assert_eq!(
        fails(
            &dir,
            &["sign", "a.bin", "missing.bin", "b.bin", "--state", "st"],
            2
        ),
        "input_unreadable"
    );
    assert_eq!(used(&dir, "st"), 0);
    // An output directory that cannot be written: nothing is counted.
    assert_eq!(
        fails(
            &dir,
            &["sign", "a.bin", "--state", "st", "--output-dir", "no/such/dir"],
            2
        ),
        "output_unwritable"
    );
    assert_eq!(used(&dir, "st"), 0);
    // --output-dir and --output put the signatures where asked.
    std::fs::create_dir(dir.join("sigs")).unwrap();
    let v = ok(
        &dir,
        &["sign", "a.bin", "b.bin", "--state", "st", "--output-dir", "sigs"],
    );
    assert_eq!(v["signed"].as_array().unwrap().len(), 2);
    assert_eq!(v["remaining"], 0);
    assert_eq!(
        v["crossed"].as_array().unwrap().last().unwrap()["level"],
        "exhausted"
    );
    assert!(openssl_verifies(&dir, "a.bin", "sigs/a.bin.p7s"));
    assert!(openssl_verifies(&dir, "b.bin", "sigs/b.bin.p7s"));
    assert_eq!(
        fails(&dir, &["sign", "x", "--state", "st"], 1),
        "sign_budget_exhausted"
    );
}

#[test]
fn a_symlink_planted_at_the_output_is_replaced_not_followed() {
    let dir = scratch("symlink");
    std::fs::write(dir.join("f"), b"content").unwrap();
    std::fs::write(dir.join("victim"), b"keep me").unwrap();
    std::os::unix::fs::symlink(dir.join("victim"), dir.join("f.p7s")).unwrap();
    ok(&dir, &["sign", "f", "--state", "st"]);
    assert_eq!(std::fs::read(dir.join("victim")).unwrap(), b"keep me");
    assert!(openssl_verifies(&dir, "f", "f.p7s"));
}

#[test]
fn verify_checks_who_signed() {
    let dir = scratch("verify-signer");
    std::fs::write(dir.join("f"), b"content").unwrap();
    ok(&dir, &["sign", "f", "--state", "st"]);
    // OpenSSL signs the same file with an unrelated self-signed certificate.
    let openssl = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "o.key",
        "-out",
        "o.pem",
        "-subj",
        "/CN=other",
        "-days",
        "2",
    ]);
    openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-in",
        "f",
        "-signer",
        "o.pem",
        "-inkey",
        "o.key",
        "-outform",
        "DER",
        "-out",
        "other.p7s",
    ]);
    let out = signet(
        &dir,
        &[
            "verify",
            "f",
            "--signature",
            "other.p7s",
            "--state",
            "st",
            "--json",
        ],
    );
    assert_eq!(error_code(&out, 1), "verify_unexpected_signer");
    let v = ok(&dir, &["verify", "f", "--signature", "other.p7s", "--any-signer"]);
    assert_eq!(v["signer_check"], "any_signer");
    let text = signet(&dir, &["verify", "f", "--signature", "other.p7s", "--any-signer"]);
    assert!(stdout(&text).contains("signer NOT checked"), "{}", stdout(&text));
    ok(
        &dir,
        &["verify", "f", "--signature", "other.p7s", "--cert", "o.pem"],
    );
    // --ca: a signer issued by a trust anchor is accepted; others are not.
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=Test CA",
        "-days",
        "2",
    ]);
    openssl(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-384",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=leaf",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "1",
        "-sha384",
    ]);
    openssl(&[
        "cms", "-sign", "-binary", "-in", "f", "-signer", "leaf.pem", "-inkey", "leaf.key", "-outform",
        "DER", "-out", "leaf.p7s",
    ]);
    let v = ok(
        &dir,
        &["verify", "f", "--signature", "leaf.p7s", "--ca", "ca.pem"],
    );
    assert_eq!(v["signer_check"], "trust_anchor");
    std::fs::write(
        dir.join("bundle.pem"),
        [
            std::fs::read(dir.join("o.pem")).unwrap(),
            std::fs::read(dir.join("ca.pem")).unwrap(),
        ]
        .concat(),
    )
    .unwrap();
    ok(
        &dir,
        &["verify", "f", "--signature", "leaf.p7s", "--ca", "bundle.pem"],
    );
    let out = signet(
        &dir,
        &[
            "verify",
            "f",
            "--signature",
            "leaf.p7s",
            "--ca",
            "o.pem",
            "--json",
        ],
    );
    assert_eq!(error_code(&out, 1), "verify_untrusted_signer");
    let out = signet(
        &dir,
        &[
            "verify",
            "f",
            "--signature",
            "other.p7s",
            "--ca",
            "ca.pem",
            "--json",
        ],
    );
    assert_eq!(error_code(&out, 1), "verify_untrusted_signer");
    // A tampered file fails whoever signed.
    std::fs::write(dir.join("f"), b"contenT").unwrap();
    assert!(fails(&dir, &["verify", "f", "--state", "st"], 1).starts_with("cms_"));
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_usual_status() {
    let dir = scratch("pipe");
    std::fs::write(dir.join("o.json"), "{}").unwrap();
    let out = Command::new("sh")
        .args([
            "-c",
            &format!(
                "{} validate --json o.json | true; echo \"status ${{PIPESTATUS:-x}}\"",
                env!("CARGO_BIN_EXE_signet")
            ),
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    let out = Command::new("bash")
        .args([
            "-c",
            &format!(
                "{} validate --json o.json | true; echo ${{PIPESTATUS[0]}}",
                env!("CARGO_BIN_EXE_signet")
            ),
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), "1", "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn inputs_are_limited_while_reading() {
    let dir = scratch("limits");
    ok(&dir, &["init", "--state", "st"]);
    for args in [
        &["validate", "/dev/zero"][..],
        &["csr", "check", "/dev/zero"],
        &["cert", "check", "/dev/zero"],
        &["verify", "x", "--cert", "/dev/zero"],
        &[
            "budget",
            "init",
            "--cert",
            "/dev/zero",
            "--signer",
            "a",
            "--state",
            "st",
        ],
    ] {
        assert_eq!(fails(&dir, args, 2), "input_too_large", "{args:?}");
    }
}

#[test]
fn waiting_for_a_lock_says_what_it_waits_for() {
    let dir = scratch("lock-wait");
    std::fs::write(dir.join("f"), b"content").unwrap();
    ok(&dir, &["sign", "f", "--state", "st"]);
    let fp = std::fs::read_dir(dir.join("st/budgets"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // Another holder of the ledger's lock for 2.5 s (flock(1) takes the same
    // flock(2) lock as Signet).
    let mut holder = Command::new("flock")
        .arg(fp.join("ledger/ledger.lock"))
        .args(["sleep", "2.5"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let out = signet(&dir, &["sign", "f", "--state", "st"]);
    holder.wait().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let waits = stderr(&out)
        .matches("signet: waiting for the budget ledger")
        .count();
    assert_eq!(waits, 1, "one line naming what is waited for: {}", stderr(&out));
    assert_eq!(used(&dir, "st"), 2);
}

#[test]
fn read_only_commands_work_on_a_read_only_state() {
    let dir = scratch("read-only");
    std::fs::write(dir.join("f"), b"content").unwrap();
    ok(&dir, &["sign", "f", "--state", "st"]);
    ok(
        &dir,
        &[
            "grant",
            "policy",
            "--max-ops",
            "2",
            "--ttl",
            "60",
            "--step",
            "carol:1",
            "--state",
            "st",
        ],
    );
    // Root ignores permission bits, so as root the state is handed to an
    // unprivileged user, who may read but not write it.
    let root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let st = dir.join("st");
    if root {
        assert!(
            Command::new("chown")
                .args(["-R", "nobody"])
                .arg(&st)
                .status()
                .unwrap()
                .success()
        );
    }
    assert!(
        Command::new("chmod")
            .args(["-R", "a-w"])
            .arg(&st)
            .status()
            .unwrap()
            .success()
    );
    let run = |args: &[&str]| {
        let mut c = if root {
            let mut c = Command::new("setpriv");
            c.args([
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                env!("CARGO_BIN_EXE_signet"),
            ]);
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_signet"))
        };
        c.args(args)
            .args(["--state", st.to_str().unwrap(), "--user", "tester", "--json"])
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    for args in [
        &["status"][..],
        &["budget", "show"],
        &["grant", "show"],
        &["verify", "f"],
        &["cert"],
    ] {
        let out = run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {} {}",
            stdout(&out),
            stderr(&out)
        );
    }
    // A command that changes the state fails with a code, and changes nothing.
    let out = run(&["budget", "revoke"]);
    assert_eq!(error_code(&out, 2), "state_io");
    let _ = Command::new("chmod").args(["-R", "u+w"]).arg(&st).status();
}

#[test]
fn a_write_that_fails_after_signing_names_what_was_signed_and_counted() {
    let dir = scratch("late-write");
    for n in ["a.bin", "b.bin"] {
        std::fs::write(dir.join(n), n).unwrap();
    }
    ok(&dir, &["init", "--state", "st", "--budget", "10"]);
    std::fs::create_dir(dir.join("out")).unwrap();
    // An output that is a directory is refused before anything is counted.
    std::fs::create_dir(dir.join("a.bin.p7s")).unwrap();
    assert_eq!(
        fails(&dir, &["sign", "a.bin", "--state", "st"], 2),
        "output_unwritable"
    );
    assert_eq!(used(&dir, "st"), 0);
    // The output directory disappears after the checks, while signet waits
    // for the ledger: both signatures are made, counted and recorded, the
    // writes fail, and the error says exactly that.
    let fp = std::fs::read_dir(dir.join("st/budgets"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut holder = Command::new("flock")
        .arg(fp.join("ledger/ledger.lock"))
        .args(["sleep", "1.5"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let child = Command::new(env!("CARGO_BIN_EXE_signet"))
        .args([
            "sign",
            "a.bin",
            "b.bin",
            "--state",
            "st",
            "--output-dir",
            "out",
            "--json",
        ])
        .current_dir(&dir)
        .env("USER", "tester")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(600));
    std::fs::remove_dir(dir.join("out")).unwrap();
    holder.wait().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(error_code(&out, 2), "output_unwritable");
    let message = common::json(&out)["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    // Both were signed and counted before writing; none was written.
    assert!(message.contains("signatures written: none"), "{message}");
    assert!(message.contains("signed and counted: a.bin, b.bin"), "{message}");
    assert_eq!(used(&dir, "st"), 2);
}

#[test]
fn a_batch_costs_two_ledger_writes_not_two_per_file() {
    let dir = scratch("batch-writes");
    ok(&dir, &["init", "--state", "st", "--budget", "100"]);
    let names: Vec<String> = (0..50).map(|i| format!("f{i}")).collect();
    for n in &names {
        std::fs::write(dir.join(n), n).unwrap();
    }
    let sequence = || {
        let fp = std::fs::read_dir(dir.join("st/budgets"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(fp.join("budget.json")).unwrap()).unwrap();
        record["record"]["ledger"]["sequence"].as_u64().unwrap()
    };
    let before = sequence();
    let mut args = vec!["sign", "--state", "st"];
    args.extend(names.iter().map(String::as_str));
    let v = ok(&dir, &args);
    assert_eq!(v["signed"].as_array().unwrap().len(), 50);
    // One write reserves the batch, one settles it: each write is a new
    // ledger record, and the budget record notes the sequence reached.
    assert_eq!(sequence() - before, 2);
    assert_eq!(used(&dir, "st"), 50);
    for n in ["f0", "f49"] {
        assert!(openssl_verifies(&dir, n, &format!("{n}.p7s")));
    }
    // The log took all 50 in order.
    let log = ok(&dir, &["audit", "verify", "--state", "st"]);
    assert_eq!(log["records"], 51);
}

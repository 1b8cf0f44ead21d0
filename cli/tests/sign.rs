//! `signet init | sign | verify | status | cert` end to end in temp state dirs,
//! with OpenSSL as the independent verifier.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("signet-cli-sign-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn signet(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signet"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SIGNET_STATE")
        .env("USER", "tester")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn openssl(cwd: &Path, args: &[&str]) -> Output {
    Command::new("openssl")
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

#[test]
fn first_use_signs_three_files_that_openssl_and_signet_verify() {
    let dir = scratch("three");
    for (i, name) in ["a.bin", "b.bin", "c.bin"].iter().enumerate() {
        std::fs::write(dir.join(name), format!("artifact {i}\n").repeat(100)).unwrap();
    }
    let out = signet(&dir, &["sign", "a.bin", "b.bin", "c.bin", "--state", "st"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("997 signatures remaining"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("[3/3] c.bin -> c.bin.p7s (997 remaining)"),
        "{}",
        stderr(&out)
    );
    // The key is private to its owner.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join("st/signer/key.p8"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    for name in ["a.bin", "b.bin", "c.bin"] {
        let p7s = format!("{name}.p7s");
        let o = openssl(
            &dir,
            &[
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                &p7s,
                "-content",
                name,
                "-noverify",
                "-out",
                "/dev/null",
            ],
        );
        assert!(o.status.success(), "openssl: {}", stderr(&o));
        let v = signet(&dir, &["verify", name]);
        assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
        assert!(stdout(&v).contains("signature OK"));
    }
    // A changed file no longer verifies (exit 1, with the code).
    std::fs::write(dir.join("b.bin"), b"changed").unwrap();
    let v = signet(&dir, &["verify", "b.bin"]);
    assert_eq!(v.status.code(), Some(1));
    assert!(
        stderr(&v).contains("cms_content_digest_mismatch"),
        "{}",
        stderr(&v)
    );
    // A missing signature is an I/O error.
    std::fs::write(dir.join("d.bin"), b"unsigned").unwrap();
    assert_eq!(signet(&dir, &["verify", "d.bin"]).status.code(), Some(2));
}

#[test]
fn small_budget_is_exhausted_with_exit_1() {
    let dir = scratch("budget");
    let init = signet(&dir, &["init", "--budget", "2", "--state", "st"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    for name in ["a", "b", "c"] {
        std::fs::write(dir.join(name), name).unwrap();
    }
    let ok = signet(&dir, &["sign", "a", "b", "--state", "st"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("0 signatures remaining"));
    let refused = signet(&dir, &["sign", "c", "--state", "st"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("sign_budget_exhausted"),
        "{}",
        stderr(&refused)
    );
    assert!(!dir.join("c.p7s").exists());
    let st = signet(&dir, &["status", "--json", "--state", "st"]);
    let v: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap();
    assert_eq!(v["budget"]["used"], 2);
    assert_eq!(v["budget"]["remaining"], 0);
    assert_eq!(v["budget"]["level"], "exhausted");
    // init refuses to replace the state without --force.
    let again = signet(&dir, &["init", "--state", "st"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("state_exists"));
}

#[test]
fn status_json_shape_and_cert_pem() {
    let dir = scratch("status");
    let init = signet(
        &dir,
        &["init", "--key-type", "p384", "--budget", "10", "--state", "st"],
    );
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let st = signet(&dir, &["status", "--json", "--state", "st"]);
    assert_eq!(st.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["key_type"], "p384");
    assert_eq!(v["signer"], "tester");
    assert_eq!(v["budget"]["total"], 10);
    assert_eq!(v["budget"]["used"], 0);
    assert_eq!(v["budget"]["remaining"], 10);
    assert_eq!(v["budget"]["level"], "normal");
    assert_eq!(v["certificate"]["fingerprint"].as_str().unwrap().len(), 64);
    assert!(v["certificate"]["subject"].as_str().unwrap().contains("tester"));
    let nb = v["certificate"]["not_before"].as_i64().unwrap();
    assert_eq!(v["certificate"]["not_after"].as_i64().unwrap() - nb, 365 * 86_400);
    assert!(v["state_dir"].as_str().unwrap().ends_with("st"));

    let cert = signet(&dir, &["cert", "--state", "st"]);
    assert_eq!(cert.status.code(), Some(0));
    std::fs::write(dir.join("c.pem"), &cert.stdout).unwrap();
    let o = openssl(
        &dir,
        &["x509", "-in", "c.pem", "-noout", "-fingerprint", "-sha256"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let fp: String = stdout(&o)
        .split('=')
        .nth(1)
        .unwrap()
        .trim()
        .replace(':', "")
        .to_lowercase();
    assert_eq!(fp, v["certificate"]["fingerprint"].as_str().unwrap());

    // keygen refuses to overwrite without --force, then replaces the key.
    let k = signet(&dir, &["keygen", "--state", "st"]);
    assert_eq!(k.status.code(), Some(1));
    assert!(stderr(&k).contains("key_exists"));
    let k = signet(
        &dir,
        &[
            "keygen",
            "--force",
            "--key-type",
            "p256",
            "--json",
            "--state",
            "st",
        ],
    );
    assert_eq!(k.status.code(), Some(0), "{}", stderr(&k));
    let v2: serde_json::Value = serde_json::from_slice(&k.stdout).unwrap();
    assert_eq!(v2["key_type"], "p256");
    assert_ne!(v2["certificate"]["fingerprint"], v["certificate"]["fingerprint"]);
}

#[test]
fn uninitialised_state_is_refused() {
    let dir = scratch("empty");
    let st = signet(&dir, &["status", "--state", "st"]);
    assert_eq!(st.status.code(), Some(1));
    assert!(stderr(&st).contains("state_not_initialised"));
}

#[test]
fn without_user_variables_the_account_name_is_the_signer() {
    let dir = scratch("account");
    std::fs::write(dir.join("a.bin"), b"payload").unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_signet"))
            .args(args)
            .current_dir(&dir)
            .env_remove("SIGNET_STATE")
            .env_remove("USER")
            .env_remove("LOGNAME")
            .output()
            .unwrap()
    };
    let signed = run(&["sign", "--state", "state", "a.bin"]);
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    let id = Command::new("id").arg("-un").output().unwrap();
    let account = String::from_utf8_lossy(&id.stdout).trim().to_owned();
    let status = run(&["status", "--state", "state", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["signer"], serde_json::Value::String(account));
}

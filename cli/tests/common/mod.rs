//! Helpers the CLI test files share: scratch directories, running `signet`,
//! reading its JSON envelope, and OpenSSL as the independent verifier.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("signet-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `signet ARGS` in `cwd`, as user `tester`, without `$SIGNET_STATE`.
pub fn signet(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signet"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SIGNET_STATE")
        .env("USER", "tester")
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON envelope on stdout: one object with `ok`.
pub fn json(o: &Output) -> serde_json::Value {
    let text = stdout(o);
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?} / {}", stderr(o)));
    assert!(v["ok"].is_boolean(), "{v}");
    v
}

/// The error code of a failed `--json` run, checking its exit status.
pub fn error_code(o: &Output, exit: i32) -> String {
    assert_eq!(o.status.code(), Some(exit), "{} / {}", stdout(o), stderr(o));
    let v = json(o);
    assert_eq!(v["ok"], false, "{v}");
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    v["error"]["code"].as_str().unwrap().to_string()
}

/// Runs a `--json` command that must succeed; returns its envelope.
pub fn ok(cwd: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    let o = signet(cwd, &all);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {} / {}",
        stdout(&o),
        stderr(&o)
    );
    let v = json(&o);
    assert_eq!(v["ok"], true);
    v
}

/// Runs a `--json` command that must fail with `exit`; returns its code.
pub fn fails(cwd: &Path, args: &[&str], exit: i32) -> String {
    let mut all = args.to_vec();
    all.push("--json");
    error_code(&signet(cwd, &all), exit)
}

/// `openssl cms -verify` of a detached signature (`-noverify`: the
/// development certificate is self-issued).
pub fn openssl_verifies(cwd: &Path, content: &str, p7s: &str) -> bool {
    Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-noverify",
            "-out",
            "/dev/null",
        ])
        .args(["-in", p7s, "-content", content])
        .current_dir(cwd)
        .output()
        .unwrap()
        .status
        .success()
}

/// The budget's used count, from `signet status --json`.
pub fn used(cwd: &Path, state: &str) -> u64 {
    ok(cwd, &["status", "--state", state])["budget"]["used"]
        .as_u64()
        .unwrap()
}

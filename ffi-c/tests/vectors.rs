//! Derives a tab-separated expectation file from the shared order vectors
//! (`tests/vectors/orders/*.expect.json`) for the C vector test, which reads
//! the raw `<case>.json` bodies itself. Written to `$SIGNET_C_VECTORS` when set
//! (scripts/c-test.sh sets it); the parse and shape checks run every time.

use std::fmt::Write as _;
use std::path::PathBuf;

#[test]
fn derive_order_expectations() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/orders");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let cases = index["cases"].as_array().unwrap();
    assert!(cases.len() > 100);
    let mut out = String::new();
    for case in cases {
        let case = case.as_str().unwrap();
        let expect: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{case}.expect.json"))).unwrap())
                .unwrap();
        let findings = expect["findings"].as_array().unwrap();
        let field = |v: &serde_json::Value| {
            let s = v.as_str().unwrap().to_owned();
            assert!(!s.contains(['\t', '\n']), "{case}: tab or newline in {s:?}");
            s
        };
        write!(
            out,
            "{case}\t{}\t{}\t{}\t{}",
            field(&expect["product"]),
            field(&expect["at"]),
            u8::from(expect["valid"].as_bool().unwrap()),
            findings.len()
        )
        .unwrap();
        for f in findings {
            write!(
                out,
                "\t{}\t{}\t{}",
                field(&f["severity"]),
                field(&f["path"]),
                field(&f["code"])
            )
            .unwrap();
        }
        out.push('\n');
    }
    if let Some(path) = std::env::var_os("SIGNET_C_VECTORS") {
        std::fs::write(path, out).unwrap();
    }
}

/// The key vectors (`tests/vectors/keys/index.json`) list, per check, only the
/// expected codes (order ignored). The C test asserts the exact report: this
/// derives each check's verdict and ordered (severity, path, code) list from
/// core's policy functions and first asserts that those codes are exactly the
/// ones index.json lists, so the codes stay anchored to the OpenSSL-made
/// vectors while severity, path and order are core's (which the C binding must
/// reproduce unchanged). One line per check: file, check (csr|cert|spki),
/// device ("" for none), date, valid, n, then n × severity, path, code; tabs.
/// Written to `$SIGNET_C_KEY_VECTORS` when set.
#[test]
fn derive_key_expectations() {
    use signet_core::policy::{DeviceProfile, check_certificate, check_csr, check_spki};
    use signet_core::time::Date;

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/keys");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let vectors = index["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 70, "index.json lists {} vectors", vectors.len());
    let field = |s: &str| {
        assert!(!s.contains(['\t', '\n']), "tab or newline in {s:?}");
        s.to_owned()
    };
    let mut out = String::new();
    let mut checks = 0;
    for v in vectors {
        let file = v["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(file)).unwrap();
        for c in v["checks"].as_array().unwrap() {
            let check = c["as"].as_str().or_else(|| v["kind"].as_str()).unwrap();
            let device = c["device"].as_str();
            let at_text = c["at"].as_str().unwrap();
            let at = Date::parse_iso(at_text).unwrap();
            let profile: Option<DeviceProfile> = device.map(|d| d.parse().unwrap());
            let findings = match check {
                "csr" => check_csr(&bytes, profile, at),
                "spki" => check_spki(&bytes, profile, at),
                "cert" => {
                    assert!(device.is_none(), "{file}: a certificate check takes no device");
                    check_certificate(&bytes, at.start())
                }
                other => panic!("{file}: no check for {other}"),
            };
            let mut got: Vec<&str> = findings.iter().map(|f| f.code).collect();
            let mut want: Vec<&str> = c["codes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap())
                .collect();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "{file} as {check} device={device:?} at={at_text}");
            let valid = !findings.iter().any(|f| f.severity.as_str() == "error");
            write!(
                out,
                "{}\t{check}\t{}\t{}\t{}\t{}",
                field(file),
                field(device.unwrap_or("")),
                field(at_text),
                u8::from(valid),
                findings.len()
            )
            .unwrap();
            for f in &findings {
                write!(
                    out,
                    "\t{}\t{}\t{}",
                    f.severity.as_str(),
                    field(f.path),
                    field(f.code)
                )
                .unwrap();
            }
            out.push('\n');
            checks += 1;
        }
    }
    assert!(checks > 150, "{checks} key checks");
    if let Some(path) = std::env::var_os("SIGNET_C_KEY_VECTORS") {
        std::fs::write(path, out).unwrap();
    }
}

/// The scenario vectors (`tests/vectors/scenarios/`) flattened for the C
/// runner (`tests/c/test_scenarios.c`), which reads lines of tab-separated
/// fields instead of JSON:
///
/// - `case NAME START SIGNER BUDGET DAYS`
/// - `ACTION USER EXPECT [KEY=VALUE]...` for each step (USER and EXPECT are
///   `-` for `advance` and the checks); a value is the JSON scalar as text
///   (booleans as 0/1), a policy step is `step=THRESHOLD:A,B,...`, and a
///   check's expectation is `want=` and the `"key":value` fragment the
///   report's compact JSON must contain (e.g. `want="used":1`)
/// - `end`
///
/// Every key of a step must be one the C runner handles: a vector that
/// grows a field fails here rather than being ignored in C. Written to
/// `$SIGNET_C_SCENARIOS` when set.
#[test]
fn derive_scenario_steps() {
    use serde_json::Value;

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/scenarios");
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let field = |s: &str| {
        assert!(
            !s.is_empty() && !s.contains(['\t', '\n']),
            "empty, tab or newline in {s:?}"
        );
        s.to_owned()
    };
    let scalar = |v: &Value| match v {
        Value::String(s) => field(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => u8::from(*b).to_string(),
        other => panic!("not a scalar: {other}"),
    };
    let mut out = String::new();
    let mut steps = 0;
    for case in index["cases"].as_array().unwrap() {
        let name = case.as_str().unwrap();
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap())
                .unwrap();
        let init = &v["init"];
        let signer = init["signer"].as_str().unwrap();
        writeln!(
            out,
            "case\t{}\t{}\t{}\t{}\t{}",
            field(name),
            v["start"].as_i64().unwrap(),
            field(signer),
            init["budget"].as_u64().unwrap(),
            init["days"].as_u64().unwrap()
        )
        .unwrap();
        for step in v["steps"].as_array().unwrap() {
            let step = step.as_object().unwrap();
            let action = step["action"].as_str().unwrap();
            let known: &[&str] = match action {
                "sign" => &["count", "grant"],
                "budget_use" => &["count"],
                "budget_buy" => &["signatures", "role", "subaccount"],
                "budget_revoke" => &[],
                "budget_assign" => &["signer", "keylocker_lead"],
                "grant_policy" => &["max_window", "max_ops", "ttl", "steps"],
                "grant_request" => &["ops", "window"],
                "grant_approve" | "grant_cancel" => &["id"],
                "grant_reject" => &["id", "comment"],
                "advance" => &["seconds"],
                "check_budget" => &["used", "remaining", "state"],
                "check_grant" => &["id", "used", "status"],
                other => panic!("{name}: the C runner has no action {other}"),
            };
            let acting = !matches!(action, "advance" | "check_budget" | "check_grant");
            let mut line = if acting {
                format!(
                    "{action}\t{}\t{}",
                    field(step.get("user").and_then(Value::as_str).unwrap_or(signer)),
                    field(step["expect"].as_str().unwrap())
                )
            } else {
                assert!(!step.contains_key("user") && !step.contains_key("expect"));
                format!("{action}\t-\t-")
            };
            for (key, value) in step {
                if matches!(key.as_str(), "action" | "user" | "expect") {
                    continue;
                }
                assert!(known.contains(&key.as_str()), "{name}: {action} has {key}");
                if key == "steps" {
                    for s in value.as_array().unwrap() {
                        let approvers: Vec<String> = s["approvers"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|a| {
                                let a = field(a.as_str().unwrap());
                                assert!(!a.contains([',', ':']));
                                a
                            })
                            .collect();
                        write!(line, "\tstep={}:{}", s["threshold"], approvers.join(",")).unwrap();
                    }
                } else if action.starts_with("check_") && key != "id" {
                    write!(line, "\twant={}:{}", Value::String(key.clone()), value).unwrap();
                } else {
                    write!(line, "\t{key}={}", scalar(value)).unwrap();
                }
            }
            out.push_str(&line);
            out.push('\n');
            steps += 1;
        }
        out.push_str("end\n");
    }
    assert!(steps > 60, "{steps} steps");
    if let Some(path) = std::env::var_os("SIGNET_C_SCENARIOS") {
        std::fs::write(path, out).unwrap();
    }
}

use super::*;
use alloc::format;
use alloc::string::ToString;
use alloc::vec;

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

const BASE: &str = r#"{"certificate": {"signature_hash": "sha256"}, "order_validity": {"years": 1},
 "organization": {"id": 12345}, "cs_provisioning_method": "keylocker"}"#;

fn codes(body: &str, product: Product, at: &str) -> Vec<(Severity, String, &'static str)> {
    validate(body.as_bytes(), product, d(at))
        .findings()
        .iter()
        .map(|f| (f.severity, f.path.clone(), f.code))
        .collect()
}

fn with(extra: &str) -> String {
    let mut s = BASE.trim_end_matches('}').to_string();
    s.push_str(", ");
    s.push_str(extra);
    s.push('}');
    s
}

#[test]
fn base_is_valid() {
    assert_eq!(codes(BASE, Product::CodeSigning, "2025-06-01"), vec![]);
}

use Severity::{Error as E, Warning as W};

fn one(body: &str, product: Product, at: &str) -> Vec<(Severity, String, &'static str)> {
    codes(body, product, at)
}

fn f(sev: Severity, path: &str, code: &'static str) -> (Severity, String, &'static str) {
    (sev, path.to_string(), code)
}

#[test]
fn malformed_bodies_give_one_finding() {
    for (body, code, path) in [
        (&b"{"[..], "json_syntax", ""),
        (b"[]", "json_not_object", ""),
        (b"\xff", "json_invalid_utf8", ""),
        (
            b"{\"organization\": {\"id\": 1, \"id\": 2}}",
            "json_duplicate_key",
            "organization.id",
        ),
    ] {
        let r = validate(body, Product::CodeSigning, d("2025-01-01"));
        assert_eq!(r.findings().len(), 1);
        assert_eq!(
            (r.findings()[0].code, r.findings()[0].path.as_str()),
            (code, path)
        );
        assert!(!r.is_valid());
    }
}

#[test]
fn findings_follow_document_order_and_missing_members_sit_at_their_parent() {
    let body = r#"{"zzz": 1, "certificate": {"signature_hash": "md5"}, "organization": {"id": 0}}"#;
    assert_eq!(
        one(body, Product::CodeSigning, "2025-01-01"),
        vec![
            f(E, "order_validity", "required"),
            f(W, "zzz", "unknown_field"),
            f(E, "certificate.signature_hash", "invalid_value"),
            f(E, "organization.id", "out_of_range"),
        ]
    );
}

#[test]
fn validity_cap_switches_on_2026_03_01() {
    let days = |n: u32| with(r#""x": 0"#).replace(r#""years": 1"#, &format!(r#""days": {n}"#));
    let strip = |v: Vec<(Severity, String, &'static str)>| -> Vec<&'static str> {
        v.into_iter().filter(|x| x.1 != "x").map(|x| x.2).collect()
    };
    assert_eq!(
        strip(one(&days(459), Product::CodeSigning, "2026-03-01")),
        Vec::<&str>::new()
    );
    assert_eq!(
        strip(one(&days(460), Product::CodeSigning, "2026-03-01")),
        vec!["validity_too_long"]
    );
    assert_eq!(
        strip(one(&days(460), Product::CodeSigning, "2026-02-28")),
        Vec::<&str>::new()
    );
    // Three years from 2026-02-28 is 1096 days (2028 is a leap year).
    assert_eq!(
        strip(one(&days(1096), Product::CodeSigning, "2026-02-28")),
        Vec::<&str>::new()
    );
    assert_eq!(
        strip(one(&days(1097), Product::CodeSigning, "2026-02-28")),
        vec!["validity_too_long"]
    );
    let years2 = BASE.replace(r#""years": 1"#, r#""years": 2"#);
    assert_eq!(one(&years2, Product::CodeSigning, "2026-02-28"), vec![]);
    assert_eq!(
        one(&years2, Product::CodeSigning, "2026-03-01"),
        vec![f(E, "order_validity.years", "validity_too_long")]
    );
    assert_eq!(cap_for_test(d("2026-02-28")), ValidityLimit::Years(3));
    assert_eq!(cap_for_test(d("2026-03-01")), ValidityLimit::Days(459));
}

fn cap_for_test(at: Date) -> ValidityLimit {
    VALIDITY_CAPS.iter().rev().find(|c| c.from <= at).unwrap().limit
}

#[test]
fn overriding_validity_values_warn_and_only_the_effective_one_is_capped() {
    let body = BASE.replace(
        r#""years": 1"#,
        r#""years": 3, "days": 100, "custom_expiration_date": "01 JAN 2027""#,
    );
    assert_eq!(
        one(&body, Product::CodeSigning, "2026-06-01"),
        vec![
            f(W, "order_validity.years", "validity_overridden"),
            f(W, "order_validity.days", "validity_overridden"),
        ]
    );
    let past = BASE.replace(r#""years": 1"#, r#""custom_expiration_date": "01 JAN 2026""#);
    assert_eq!(
        one(&past, Product::CodeSigning, "2026-01-01"),
        vec![f(
            E,
            "order_validity.custom_expiration_date",
            "expiration_not_in_future"
        )]
    );
    let legacy = r#"{"certificate": {"signature_hash": "sha256"}, "organization": {"id": 1},
        "validity_years": 1, "custom_expiration_date": "2025-12-31", "cs_provisioning_method": "keylocker"}"#;
    assert_eq!(
        one(legacy, Product::CodeSigning, "2025-06-01"),
        vec![
            f(W, "validity_years", "deprecated_field"),
            f(W, "validity_years", "validity_overridden"),
            f(W, "custom_expiration_date", "deprecated_field"),
        ]
    );
}

#[test]
fn provisioning_and_csr_rules() {
    let email_no_csr = BASE.replace("keylocker", "email");
    assert_eq!(
        one(&email_no_csr, Product::CodeSigning, "2025-01-01"),
        vec![f(E, "certificate.csr", "required")]
    );
    let p256_csr = include_str!("../../../tests/vectors/keys/p256.csr.pem").replace('\n', "\\n");
    let csr_keylocker = BASE.replace(
        r#""signature_hash""#,
        &format!(r#""csr": "{p256_csr}", "signature_hash""#),
    );
    assert_eq!(
        one(&csr_keylocker, Product::CodeSigning, "2025-01-01"),
        vec![f(E, "certificate.csr", "csr_not_allowed")]
    );
    assert_eq!(one(&csr_keylocker, Product::CodeSigningEv, "2025-01-01"), vec![]);
    // The content is checked even where the CSR is not allowed: both problems are reported.
    let garbage = BASE.replace(r#""signature_hash""#, r#""csr": "x", "signature_hash""#);
    assert_eq!(
        one(&garbage, Product::CodeSigning, "2025-01-01"),
        vec![
            f(E, "certificate.csr", "not_a_csr"),
            f(E, "certificate.csr", "csr_not_allowed")
        ]
    );
    let no_method = BASE.replace(r#", "cs_provisioning_method": "keylocker""#, "");
    assert_eq!(one(&no_method, Product::CodeSigning, "2025-01-01"), vec![]);
    assert_eq!(
        one(&no_method, Product::CodeSigningEv, "2025-01-01"),
        vec![f(W, "cs_provisioning_method", "provisioning_method_missing")]
    );
    let client_app = BASE.replace("keylocker", "client_app");
    assert_eq!(
        one(&client_app, Product::CodeSigning, "2025-01-01"),
        vec![f(E, "certificate.server_platform", "required")]
    );
    let bad_method = BASE.replace("keylocker", "usb");
    assert_eq!(
        one(&bad_method, Product::CodeSigning, "2025-01-01"),
        vec![f(E, "cs_provisioning_method", "invalid_value")]
    );
}

#[test]
fn code_signing_csr_rule_starts_on_2023_05_16() {
    assert!(CODE_SIGNING_KEY_STORAGE.windows(2).all(|w| w[0].from < w[1].from));
    assert!(key_storage_rule_at(d("2023-05-15")).accepts_csr_without_email);
    assert!(!key_storage_rule_at(d("2023-05-16")).accepts_csr_without_email);
    assert!(key_storage_rule_at(d("2023-05-29")).issues_csr_without_email);
    assert!(!key_storage_rule_at(d("2023-05-30")).issues_csr_without_email);
    assert!(key_storage_rule_at(Date::MIN_SUPPORTED).accepts_csr_without_email);

    let p256_csr = include_str!("../../../tests/vectors/keys/p256.csr.pem").replace('\n', "\\n");
    let body = |method: &str| {
        BASE.replace(
            r#""signature_hash""#,
            &format!(r#""csr": "{p256_csr}", "signature_hash""#),
        )
        .replace(r#""keylocker""#, method)
    };
    let ship = body(r#""ship_token""#);
    let none = BASE
        .replace(
            r#""signature_hash""#,
            &format!(r#""csr": "{p256_csr}", "signature_hash""#),
        )
        .replace(r#", "cs_provisioning_method": "keylocker""#, "");
    let refused = vec![f(E, "certificate.csr", "csr_not_allowed")];
    // Without a method there is also no device profile: from the same date
    // (hardware storage required) that is a warning.
    let refused_no_device = vec![
        f(W, "certificate.csr", "device_profile_unknown"),
        f(E, "certificate.csr", "csr_not_allowed"),
    ];
    for (body, refused) in [(&ship, &refused), (&none, &refused_no_device)] {
        assert_eq!(one(body, Product::CodeSigning, "2023-05-15"), vec![]);
        assert_eq!(&one(body, Product::CodeSigning, "2023-05-16"), refused);
        // 2023-05-30 is an issuance date: the request rule does not change on it.
        assert_eq!(&one(body, Product::CodeSigning, "2023-05-29"), refused);
        assert_eq!(&one(body, Product::CodeSigning, "2023-05-30"), refused);
    }
    // The key-storage rule and the hardware requirement start on the same day.
    assert_eq!(
        CODE_SIGNING_KEY_STORAGE
            .iter()
            .find(|r| !r.accepts_csr_without_email)
            .map(|r| r.from),
        Some(crate::policy::HARDWARE_REQUIRED_FROM)
    );
    assert_eq!(one(&ship, Product::CodeSigningEv, "2023-05-16"), vec![]);
    assert_eq!(
        one(&body(r#""email""#), Product::CodeSigning, "2023-05-16"),
        vec![]
    );
    let r = validate(ship.as_bytes(), Product::CodeSigning, d("2024-01-01"));
    assert!(
        r.findings()[0].message.contains("2023-05-16"),
        "{}",
        r.findings()[0].message
    );
}

#[test]
fn new_organization_limits_and_country() {
    let org = r#"{"name": "N", "assumed_name": "A", "country": "zz", "address": "a", "city": "c",
        "state": "s", "zip": "z", "telephone": "t", "contacts": [
        {"contact_type": "organization_contact", "user_id": 1},
        {"contact_type": "verified_contact", "user_id": 2}]}"#;
    let body = BASE.replace(r#"{"id": 12345}"#, org);
    assert_eq!(
        one(&body, Product::CodeSigning, "2025-01-01"),
        vec![f(E, "organization.country", "invalid_country")]
    );
    let long = body
        .replace(r#""zz""#, r#""US""#)
        .replace(r#""N""#, &format!("\"{}\"", "é".repeat(61)));
    assert_eq!(
        one(&long, Product::CodeSigning, "2025-01-01"),
        vec![f(E, "organization.assumed_name", "too_long")]
    );
    let ok = long.replace(&"é".repeat(61), &"é".repeat(60));
    assert_eq!(one(&ok, Product::CodeSigning, "2025-01-01"), vec![]);
}

#[test]
fn new_organization_contacts() {
    let org = |contacts: &str| {
        let org = format!(
            r#"{{"name": "N", "country": "us", "address": "a", "city": "c", "state": "s", "zip": "z",
            "telephone": "t"{contacts}}}"#
        );
        BASE.replace(r#"{"id": 12345}"#, &org)
    };
    let at = "2025-01-01";
    let ok_contact = |ty: &str| format!(r#"{{"contact_type": "{ty}", "user_id": 7}}"#);
    let both = format!(
        r#", "contacts": [{}, {}]"#,
        ok_contact("organization_contact"),
        ok_contact("verified_contact")
    );
    assert_eq!(one(&org(&both), Product::CodeSigning, at), vec![]);
    let missing = vec![
        f(E, "organization.contacts", "organization_contact_missing"),
        f(W, "organization.contacts", "verified_contact_missing"),
    ];
    for p in [Product::CodeSigning, Product::CodeSigningEv] {
        let got = one(&org(""), p, at);
        let got: Vec<_> = got
            .into_iter()
            .filter(|x| x.2 != "provisioning_method_missing")
            .collect();
        assert_eq!(got, missing, "{p}");
    }
    assert_eq!(
        one(&org(r#", "contacts": []"#), Product::CodeSigning, at),
        missing
    );
    // Only a verified contact: error. Only an organization contact: warning (valid).
    let only_verified = format!(r#", "contacts": [{}]"#, ok_contact("verified_contact"));
    assert_eq!(
        one(&org(&only_verified), Product::CodeSigning, at),
        vec![f(E, "organization.contacts", "organization_contact_missing")]
    );
    let only_org = format!(r#", "contacts": [{}]"#, ok_contact("organization_contact"));
    let r = validate(org(&only_org).as_bytes(), Product::CodeSigning, d(at));
    assert!(r.is_valid());
    assert_eq!(
        one(&org(&only_org), Product::CodeSigning, at),
        vec![f(W, "organization.contacts", "verified_contact_missing")]
    );
    // ev_approver is the legacy label of verified_contact.
    let legacy = format!(
        r#", "contacts": [{}, {}]"#,
        ok_contact("organization_contact"),
        ok_contact("ev_approver")
    );
    assert_eq!(
        one(&org(&legacy), Product::CodeSigning, at),
        vec![f(
            W,
            "organization.contacts[1].contact_type",
            "legacy_contact_type"
        )]
    );
    // Not an array: one wrong_type, no guess about the contacts.
    assert_eq!(
        one(&org(r#", "contacts": {}"#), Product::CodeSigning, at),
        vec![f(E, "organization.contacts", "wrong_type")]
    );
    // The order-level organization_contact does not stand in for the organization's.
    let root_contact = org(&only_verified).replacen(
        "{",
        r#"{"organization_contact": {"first_name": "J", "last_name": "D", "email": "j@example.com"}, "#,
        1,
    );
    assert_eq!(
        one(&root_contact, Product::CodeSigning, at),
        vec![f(E, "organization.contacts", "organization_contact_missing")]
    );
    // An existing organization needs no contacts.
    assert_eq!(one(BASE, Product::CodeSigning, at), vec![]);
}

#[test]
fn emails() {
    for ok in [
        "a@b.co",
        "john.doe+x@mail.example.com",
        "o'brien@xn--bcher-kva.de",
        "a_b@a-b.io",
    ] {
        assert!(is_valid_email(ok), "{ok}");
    }
    for bad in [
        "",
        "a",
        "@b.co",
        "a@",
        "a@b",
        "a@@b.co",
        "a@b@c.co",
        "a b@c.co",
        "a@b .co",
        ".a@b.co",
        "a.@b.co",
        "a..b@c.co",
        "a@-b.co",
        "a@b-.co",
        "a@b..co",
        "a@b.123",
        "é@b.co",
        "a@[1.2.3.4]",
        "\"a\"@b.co",
    ] {
        assert!(!is_valid_email(bad), "{bad}");
    }
    let long_local = format!("{}@b.co", "a".repeat(65));
    assert!(!is_valid_email(&long_local));
    assert!(is_valid_email(&format!("{}@b.co", "a".repeat(64))));
}

#[test]
fn luhn() {
    assert!(luhn_valid("4111111111111111"));
    assert!(luhn_valid("5555555555554444"));
    assert!(luhn_valid("378282246310005"));
    assert!(!luhn_valid("4111111111111112"));
    assert!(!luhn_valid(""));
    assert!(!luhn_valid("4111 1111 1111 1111"));
}

#[test]
fn report_json_escapes() {
    let r = Report {
        findings: vec![Finding {
            severity: Severity::Warning,
            path: "a\"b".to_string(),
            code: "unknown_field",
            message: "x\\y\n\u{1}é".to_string(),
        }],
    };
    assert_eq!(
        r.to_json(),
        r#"{"valid": true, "findings": [{"severity": "warning", "path": "a\"b", "code": "unknown_field", "message": "x\\y\n\u0001é"}]}"#
    );
    assert_eq!(Report::default().to_json(), r#"{"valid": true, "findings": []}"#);
    let json = r.to_json();
    let parsed = crate::json::parse(json.as_bytes()).unwrap();
    let msg = parsed
        .as_object()
        .unwrap()
        .get("findings")
        .unwrap()
        .as_array()
        .unwrap()[0]
        .as_object()
        .unwrap()
        .get("message")
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(msg, "x\\y\n\u{1}é");
}

#[test]
fn product_round_trip() {
    for p in [Product::CodeSigning, Product::CodeSigningEv] {
        assert_eq!(p.as_str().parse::<Product>(), Ok(p));
    }
    assert!("code_signing_EV".parse::<Product>().is_err());
}

#[test]
fn policy_findings_become_a_report() {
    let spki = include_bytes!("../../../tests/vectors/keys/rsa3072-e3.spki.der");
    let at = Date::parse_iso("2025-06-01").unwrap();
    let warn_only = Report::from_policy_findings(crate::policy::check_spki(spki, None, at));
    assert!(warn_only.is_valid());
    let codes: alloc::vec::Vec<_> = warn_only.findings().iter().map(|f| f.code).collect();
    assert_eq!(codes, ["exponent_small", "device_profile_unknown"]);
    assert_eq!(warn_only.findings()[0].path, "key");
    let bad = Report::from_policy_findings(crate::policy::check_spki(b"x", None, at));
    assert!(!bad.is_valid());
    assert_eq!(bad.findings()[0].path, "");
    assert!(bad.to_json().starts_with(
        r#"{"valid": false, "findings": [{"severity": "error", "path": "", "code": "key_malformed""#
    ));
}

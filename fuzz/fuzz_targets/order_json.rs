//! `order::validate` on arbitrary bodies, for both products.
//!
//! Input: the order body, optionally followed by a NUL byte and the order date
//! as `YYYY-MM-DD` (JSON never contains a raw NUL, so the split is
//! unambiguous; scripts/fuzz-seed.sh appends each vector's `at` date this
//! way). Without a valid date suffix the date is derived from a hash of the
//! input, between 2019 and 2028.
//!
//! Invariants: never panics; `to_json()` is JSON that the strict parser
//! accepts and that says exactly what the report says; `valid` is "no error
//! finding"; the same input gives the same findings in the same order;
//! malformed JSON gives exactly one finding, the parser's error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signet_core::ErrorCode;
use signet_core::json::{self, Kind, Value};
use signet_core::order::{self, Product, Report, Severity};
use signet_core::time::Date;

fuzz_target!(|data: &[u8]| {
    let (body, at) = split(data);
    for product in [Product::CodeSigning, Product::CodeSigningEv] {
        let report = order::validate(body, product, at);
        let again = order::validate(body, product, at);
        assert_eq!(report, again, "findings are not deterministic");
        check_report(&report);
        if let Err(e) = json::parse(body) {
            let [only] = report.findings() else {
                panic!("malformed JSON must give exactly one finding: {report:?}");
            };
            assert_eq!(only.code, e.code());
            assert_eq!(only.path, e.path());
            assert_eq!(only.severity, Severity::Error);
        }
    }
});

fn split(data: &[u8]) -> (&[u8], Date) {
    if let Some(nul) = data.iter().rposition(|&b| b == 0) {
        let (body, rest) = data.split_at(nul);
        let date = rest.get(1..).and_then(|d| core::str::from_utf8(d).ok());
        if let Some(at) = date.and_then(|d| Date::parse_iso(d).ok()) {
            return (body, at);
        }
    }
    // FNV-1a: cheap, stable across runs, spreads dates over ten years.
    let hash = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let base = Date::from_ymd(2019, 1, 1).unwrap();
    let at = base.add_days(i64::try_from(hash % 3653).unwrap()).unwrap();
    (data, at)
}

/// The report's JSON, parsed by the strict parser, matches the report.
fn check_report(report: &Report) {
    let errors = report.count(Severity::Error);
    assert_eq!(report.is_valid(), errors == 0);
    assert_eq!(errors + report.count(Severity::Warning), report.findings().len());
    let text = report.to_json();
    // No size limit: a report on a large body may exceed the parser's default 1 MiB.
    let limits = json::Limits {
        max_size: usize::MAX,
        ..json::Limits::DEFAULT
    };
    let value = json::parse_with_limits(text.as_bytes(), limits)
        .unwrap_or_else(|e| panic!("to_json is not JSON ({e}): {text}"));
    let root = value.as_object().unwrap();
    let keys: Vec<&str> = root.members().iter().map(|m| m.key.as_ref()).collect();
    assert_eq!(keys, ["valid", "findings"]);
    assert_eq!(
        root.get("valid").and_then(Value::as_bool),
        Some(report.is_valid())
    );
    let findings = root.get("findings").and_then(Value::as_array).unwrap();
    assert_eq!(findings.len(), report.findings().len());
    for (json, f) in findings.iter().zip(report.findings()) {
        let obj = json.as_object().unwrap();
        let field = |k| match obj.get(k).map(|v| &v.kind) {
            Some(Kind::String(s)) => s.as_ref(),
            other => panic!("finding member {k}: {other:?}"),
        };
        assert_eq!(field("severity"), f.severity.as_str());
        assert_eq!(field("path"), f.path);
        assert_eq!(field("code"), f.code);
        assert_eq!(field("message"), f.message);
        assert!(
            !f.code.is_empty()
                && f.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "code is not snake_case: {:?}",
            f.code
        );
    }
}

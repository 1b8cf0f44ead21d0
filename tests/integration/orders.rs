//! Runs every order vector in `tests/vectors/orders/` through `order::validate`
//! and compares the findings exactly (severity, path, code, order).

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Value, json};
use signet_core::order::{self, Product};
use signet_core::time::Date;

fn orders_dir() -> PathBuf {
    signet_tests::vectors_dir().join("orders")
}

fn case_names() -> Vec<String> {
    let index: Value =
        serde_json::from_slice(&std::fs::read(orders_dir().join("index.json")).unwrap()).unwrap();
    index["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_order_vector_gives_exactly_the_expected_findings() {
    let names = case_names();
    assert!(names.len() >= 70, "only {} cases", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let body = std::fs::read(orders_dir().join(format!("{name}.json"))).unwrap();
        let expect: Value =
            serde_json::from_slice(&std::fs::read(orders_dir().join(format!("{name}.expect.json"))).unwrap())
                .unwrap();
        let product: Product = expect["product"].as_str().unwrap().parse().unwrap();
        let at = Date::parse_iso(expect["at"].as_str().unwrap()).unwrap();
        let report = order::validate(&body, product, at);

        let got: Vec<Value> = report
            .findings()
            .iter()
            .map(|f| json!({"severity": f.severity.as_str(), "path": f.path, "code": f.code}))
            .collect();
        let want = expect["findings"].as_array().unwrap();
        if &got != want || report.is_valid() != expect["valid"].as_bool().unwrap() {
            failures.push(format!(
                "{name}: expected valid={} {}\n   got valid={} {}",
                expect["valid"],
                serde_json::to_string(want).unwrap(),
                report.is_valid(),
                serde_json::to_string(&got).unwrap()
            ));
        }

        // The JSON report is what every binding emits: check it against the findings.
        let out: Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(out["valid"], json!(report.is_valid()), "{name}");
        let items = out["findings"].as_array().unwrap();
        assert_eq!(items.len(), report.findings().len(), "{name}");
        for (item, f) in items.iter().zip(report.findings()) {
            let keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys.len(), 4, "{name}");
            assert_eq!(item["code"], json!(f.code));
            assert_eq!(item["path"], json!(f.path));
            assert_eq!(item["message"], json!(f.message));
            assert!(!f.message.is_empty(), "{name}: empty message");
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_case_file_is_listed_in_the_index() {
    let listed: BTreeSet<String> = case_names().into_iter().collect();
    let mut on_disk = BTreeSet::new();
    for entry in std::fs::read_dir(orders_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "index.json" {
            continue;
        }
        if let Some(case) = name.strip_suffix(".expect.json") {
            assert!(
                orders_dir().join(format!("{case}.json")).exists(),
                "{name} without a body"
            );
        } else if let Some(case) = name.strip_suffix(".json") {
            assert!(
                orders_dir().join(format!("{case}.expect.json")).exists(),
                "{name} without expectations"
            );
            on_disk.insert(case.to_owned());
        } else {
            panic!("unexpected file {name}");
        }
    }
    assert_eq!(on_disk, listed);
}

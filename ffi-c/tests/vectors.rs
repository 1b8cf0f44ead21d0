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

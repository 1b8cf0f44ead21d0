//! The result numbers come from core's table: every core error code has
//! exactly one number, in its owner's range, `signet_result_code_str` returns
//! the core's string and `signet_result_domain_str` its domain, and the C
//! names of the header are the codes.

use std::ffi::CStr;

use signet::header_support::c_name;
use signet::result::{signet_result, signet_result_code_str, signet_result_domain_str};

fn c_str(p: *const core::ffi::c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL results point to static NUL-terminated strings.
    Some(unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
}

#[test]
fn every_core_code_has_a_distinct_number() {
    let mut seen = std::collections::HashMap::new();
    for (owner, list) in signet_core::codes::ERROR_CODE_LISTS {
        for code in list {
            let r = signet_result::from_code(code).unwrap_or_else(|| panic!("{owner}: {code} has no number"));
            let n = r.number();
            assert_eq!(c_str(signet_result_code_str(n)).as_deref(), Some(*code));
            assert!(seen.insert(n, *code).is_none(), "{code} shares a number");
            let range = match owner {
                o if o.starts_with("json") || o.starts_with("order") || o.starts_with("time") => 1000..2000,
                o if o.starts_with("policy") => 2000..3000,
                o if o.starts_with("budget") => 3000..4000,
                o if o.starts_with("grant") => 4000..5000,
                o if o.starts_with("counter") => 5000..6000,
                o if o.starts_with("sign::") => 7000..8000,
                "signet-host" | "signet-pkcs11" => 8000..9000,
                _ => 6000..7000,
            };
            assert!(range.contains(&n), "{owner}: {code} = {n} outside {range:?}");
        }
    }
    // Every number is a core code or an FFI code, never two rows alike.
    let all = signet_result::ALL;
    for (i, r) in all.iter().enumerate() {
        assert!(
            all[i + 1..]
                .iter()
                .all(|o| o.number() != r.number() && o.code() != r.code())
        );
        // Every result is a row of core's table (binding codes included), or OK.
        assert!(
            signet_core::codes::lookup(r.code()).is_some_and(|row| row.number == r.number())
                || *r == signet_result::OK,
            "{} is not a row of the table",
            r.code()
        );
        if r.code().starts_with("ffi_") {
            assert!((9000..10000).contains(&r.number()));
        }
        assert_eq!(signet_result::from_u32(r.number()), Some(*r));
        assert!(
            r.code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
        );
        let domain = c_str(signet_result_domain_str(r.number()));
        assert_eq!(domain.as_deref(), r.domain().map(|d| d.name()));
    }
    assert_eq!(all.len(), signet_core::codes::TABLE.len() + 1);
    assert_eq!(c_str(signet_result_code_str(0)).as_deref(), Some("ok"));
    assert_eq!(c_str(signet_result_domain_str(0)), None);
    assert_eq!(c_str(signet_result_code_str(1)), None);
    assert_eq!(c_str(signet_result_code_str(9999)), None);
    assert_eq!(c_str(signet_result_domain_str(9999)), None);
    let state = signet_result::from_code("state_ledger_missing").unwrap();
    assert_eq!(state.number(), 8007);
    assert_eq!(c_str(signet_result_domain_str(8007)).as_deref(), Some("state"));
    assert_eq!(c_str(signet_result_domain_str(9001)).as_deref(), Some("usage"));
}

/// The C names: the code in upper case, `ffi_` dropped, all distinct, and
/// the names C code already uses are there with their numbers.
#[test]
fn c_names_are_the_codes() {
    let names: Vec<String> = signet_result::ALL.iter().map(|r| c_name(*r)).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "two results share a C name");
    let number = |name: &str| {
        signet_result::ALL
            .iter()
            .find(|r| c_name(**r) == name)
            .map(|r| r.number())
    };
    for (name, n) in [
        ("SIGNET_RESULT_OK", 0),
        ("SIGNET_RESULT_KEY_TOO_SMALL", 2009),
        ("SIGNET_RESULT_NOT_A_CSR", 2006),
        ("SIGNET_RESULT_SIGN_GRANT_EXHAUSTED", 7011),
        ("SIGNET_RESULT_STATE_LEDGER_MISSING", 8007),
        ("SIGNET_RESULT_NULL_POINTER", 9001),
        ("SIGNET_RESULT_INVALID_UTF8", 9002),
        ("SIGNET_RESULT_PANIC", 9003),
        ("SIGNET_RESULT_BUFFER_TOO_SMALL", 9004),
        ("SIGNET_RESULT_INVALID_ARGUMENT", 9005),
        ("SIGNET_RESULT_INDEX_OUT_OF_RANGE", 9006),
        ("SIGNET_RESULT_UNMAPPED_CORE_ERROR", 9007),
    ] {
        assert_eq!(number(name), Some(n), "{name}");
    }
}

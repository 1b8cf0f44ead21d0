//! The result table: every core error code has exactly one number, in its
//! domain's range, and `signet_result_code_str` returns the core's string.

use std::ffi::CStr;

use signet::result::{signet_result, signet_result_code_str};

fn code_str(n: u32) -> Option<String> {
    let p = signet_result_code_str(n);
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
            assert_eq!(code_str(r as u32).as_deref(), Some(*code));
            assert!(seen.insert(r as u32, *code).is_none(), "{code} shares a number");
            let range = match owner {
                o if o.starts_with("json") || o.starts_with("order") || o.starts_with("time") => 1000..2000,
                o if o.starts_with("policy") => 2000..3000,
                o if o.starts_with("budget") => 3000..4000,
                o if o.starts_with("grant") => 4000..5000,
                o if o.starts_with("counter") => 5000..6000,
                // The host layer (its list is named after the crate, which also starts with "sign").
                "signet-host" => 8000..9000,
                o if o.starts_with("sign") => 7000..8000,
                _ => 6000..7000,
            };
            assert!(
                range.contains(&(r as u32)),
                "{code} = {} outside {range:?}",
                r as u32
            );
        }
    }
    // Every number in the table is a core code or an FFI code, never two rows alike.
    for (i, r) in signet_result::ALL.iter().enumerate() {
        assert!(
            signet_result::ALL[i + 1..]
                .iter()
                .all(|o| (*o as u32) != (*r as u32) && o.code() != r.code())
        );
        let core = signet_core::codes::all().any(|c| c == r.code());
        assert!(
            core || r.code().starts_with("ffi_") || *r == signet_result::Ok,
            "{} is neither",
            r.code()
        );
        if r.code().starts_with("ffi_") {
            assert!((9000..10000).contains(&(*r as u32)));
        }
        assert_eq!(signet_result::from_u32(*r as u32), Some(*r));
        assert!(
            r.code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
        );
    }
    assert_eq!(code_str(0).as_deref(), Some("ok"));
    assert_eq!(code_str(1), None);
    assert_eq!(code_str(9999), None);
}

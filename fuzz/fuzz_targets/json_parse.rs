//! The strict JSON parser alone.
//!
//! Invariants: never panics; an error's position lies inside the input and
//! its line/column agree with `Position::locate`; an accepted input is UTF-8
//! without a BOM; every value's offset points at the first byte of that value
//! in the input (numbers: their literal is exactly the source text there),
//! children come after their container and siblings in increasing order;
//! object keys are unique; `as_i64` agrees with the literal; the nesting
//! limit is exact (accepted at the document's depth, refused one below).
#![no_main]

use libfuzzer_sys::fuzz_target;
use signet_core::ErrorCode;
use signet_core::json::{self, JsonError, Kind, Limits, Position, Value};

fuzz_target!(|data: &[u8]| {
    match json::parse(data) {
        Err(e) => check_error(data, &e),
        Ok(value) => {
            let text = core::str::from_utf8(data).expect("accepted input must be UTF-8");
            assert!(!text.starts_with('\u{feff}'), "accepted a BOM");
            let first = data.iter().position(|b| !b" \t\n\r".contains(b)).unwrap();
            assert_eq!(value.offset, first, "root offset");
            let depth = check_value(data, &value, None);
            let at_depth = Limits {
                max_depth: depth,
                ..Limits::DEFAULT
            };
            assert_eq!(json::parse_with_limits(data, at_depth).as_ref(), Ok(&value));
            if depth > 0 {
                let below = Limits {
                    max_depth: depth - 1,
                    ..Limits::DEFAULT
                };
                let refused = json::parse_with_limits(data, below);
                assert!(
                    matches!(refused, Err(JsonError::TooDeep { .. })),
                    "depth {depth} accepted with max_depth {}: {refused:?}",
                    depth - 1
                );
            }
        }
    }
});

fn check_error(data: &[u8], e: &JsonError) {
    assert!(!e.code().is_empty());
    let _ = e.to_string();
    let at = match e {
        JsonError::TooLarge { size, max_size } => {
            assert!(size > max_size && *size == data.len());
            return;
        }
        JsonError::ByteOrderMark => {
            assert!(data.starts_with("\u{feff}".as_bytes()));
            return;
        }
        JsonError::InvalidUtf8 { at } => {
            let valid = core::str::from_utf8(data).unwrap_err().valid_up_to();
            assert_eq!(at.offset, valid);
            at
        }
        JsonError::Syntax { at, .. }
        | JsonError::LoneSurrogate { at }
        | JsonError::TooDeep { at, .. }
        | JsonError::DuplicateKey { at, .. } => {
            assert!(
                core::str::from_utf8(data).is_ok(),
                "{e:?} on input that is not UTF-8"
            );
            at
        }
        other => panic!("new error variant, extend the harness: {other:?}"),
    };
    assert!(
        at.offset <= data.len(),
        "error offset {} past the input ({})",
        at.offset,
        data.len()
    );
    assert_eq!(
        *at,
        Position::locate(data, at.offset),
        "line/column disagree with the offset"
    );
    if let JsonError::TooDeep { at, .. } | JsonError::LoneSurrogate { at } = e {
        // Both point at a character of the input: a container opener or a backslash.
        let expected: &[u8] = if matches!(e, JsonError::TooDeep { .. }) {
            b"[{"
        } else {
            b"\\"
        };
        assert!(data.get(at.offset).is_some_and(|b| expected.contains(b)), "{e:?}");
    }
    if let JsonError::DuplicateKey { at, path } = e {
        assert_eq!(data.get(at.offset), Some(&b'"'));
        assert!(!path.is_empty() || data.get(at.offset + 1) == Some(&b'"'));
    }
}

/// Checks `value` (which must start after `after`); returns its nesting depth.
fn check_value(data: &[u8], value: &Value, after: Option<usize>) -> usize {
    assert!(value.offset < data.len());
    if let Some(parent) = after {
        assert!(
            value.offset > parent,
            "offset {} not after {parent}",
            value.offset
        );
    }
    let first = data[value.offset];
    match &value.kind {
        Kind::Null => assert!(data[value.offset..].starts_with(b"null")),
        Kind::Bool(true) => assert!(data[value.offset..].starts_with(b"true")),
        Kind::Bool(false) => assert!(data[value.offset..].starts_with(b"false")),
        Kind::String(_) => assert_eq!(first, b'"'),
        Kind::Number(n) => {
            let lit = n.literal().as_bytes();
            assert!(
                data[value.offset..].starts_with(lit),
                "literal {:?} is not the source text",
                n.literal()
            );
            let next = data.get(value.offset + lit.len());
            assert!(
                !next.is_some_and(|b| b"0123456789.eE+-".contains(b)),
                "literal cut short"
            );
            match n.as_i64() {
                Some(i) => {
                    assert!(n.is_integer_literal());
                    assert_eq!(n.literal().parse::<i64>().ok(), Some(i));
                }
                None => assert!(!n.is_integer_literal() || n.literal().parse::<i64>().is_err()),
            }
        }
        Kind::Array(items) => {
            assert_eq!(first, b'[');
            let mut prev = value.offset;
            let mut depth = 0;
            for item in items {
                depth = depth.max(check_value(data, item, Some(prev)));
                prev = item.offset;
            }
            return depth + 1;
        }
        Kind::Object(obj) => {
            assert_eq!(first, b'{');
            let mut prev = value.offset;
            let mut depth = 0;
            for (i, m) in obj.members().iter().enumerate() {
                assert!(
                    obj.members()[..i].iter().all(|o| o.key != m.key),
                    "duplicate key {:?} accepted",
                    m.key
                );
                assert!(obj.get(&m.key).is_some_and(|v| std::ptr::eq(v, &m.value)));
                depth = depth.max(check_value(data, &m.value, Some(prev)));
                prev = m.value.offset;
            }
            return depth + 1;
        }
    }
    0
}

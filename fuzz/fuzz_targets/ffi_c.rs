//! The C ABI (`signet-ffi`, lib `signet`), called through its `extern "C"`
//! functions exactly as C calls them: raw pointers, caller lengths, caller
//! buffers, out-parameters and handles.
//!
//! Input: a [`HDR`]-byte header, then the body (order JSON, or key/CSR/
//! certificate bytes). Header bytes:
//! - 0: product (`code_signing`, `code_signing_ev`, a body prefix as the
//!   product text, NULL) in bits 0-1; device profile (NULL, a known name, a
//!   body prefix, a known name) in bits 2-3
//! - 1-2 year (LE), 3 month, 4 day: the date, passed as is (invalid too)
//! - 5-6: JSON buffer size: bits 14-15 pick exact-minus-(0..3), 0, the low
//!   14 bits, or plenty
//! - 7-10: finding index (below 2^31: reduced to `0..=count`, else raw)
//! - 11-12: result number (below 0x8000: a number of the table, else
//!   arbitrary, 0xffff = `u32::MAX`)
//! - 13: misuse (NULL body / out-parameter / JSON buffer / `out_n`)
//! - 14: body-prefix length for product/device text, known-name index
//! - 15: message buffer size
//! - 16-19: counter sequence: operation count, limit, 2 bits per operation
//!
//! Invariants: no call panics (a panic would be `SIGNET_RESULT_PANIC`; under
//! libFuzzer the panic hook aborts first); out-parameters are untouched on
//! failure (sentinels); text goes into a caller buffer only when it fits
//! (guard bytes around it stay intact), NUL-terminated, UTF-8 JSON of
//! `signet_report_json_len` bytes; findings are consistent with the report;
//! result codes and messages agree; every handle is freed (LeakSanitizer).
#![no_main]

use core::ffi::c_char;

use libfuzzer_sys::fuzz_target;
use signet::counter::{
    signet_counter_reservation, signet_counter_reservation_free, signet_counter_reservation_index,
    signet_counter_store, signet_counter_store_abort, signet_counter_store_commit,
    signet_counter_store_free, signet_counter_store_memory_new, signet_counter_store_reserve,
    signet_counter_store_usage, signet_usage,
};
use signet::report::{
    signet_certificate_check, signet_csr_check, signet_date, signet_finding, signet_order_validate,
    signet_report, signet_report_finding, signet_report_finding_count, signet_report_free,
    signet_report_is_valid, signet_report_json_len, signet_report_to_json, signet_severity,
    signet_spki_check,
};
use signet::result::{signet_result, signet_result_code_str};

// Exported by the library but defined in its private `util` module, so not
// reachable by path: declared here as the C header declares them (the
// result as the `uint32_t` C sees, converted with `result`).
unsafe extern "C" {
    #[link_name = "signet_result_message"]
    fn signet_result_message_raw(result: u32, buf: *mut c_char, len: usize, out_n: *mut usize) -> u32;
    #[link_name = "signet_last_error_message"]
    fn signet_last_error_message_raw(buf: *mut c_char, len: usize, out_n: *mut usize) -> u32;
}

/// A result number from the library as the enum (every number it returns is in the table).
fn result(n: u32) -> signet_result {
    signet_result::from_u32(n).unwrap_or_else(|| panic!("result {n} is not in the table"))
}

unsafe fn signet_result_message(
    number: u32,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> signet_result {
    result(unsafe { signet_result_message_raw(number, buf, len, out_n) })
}

unsafe fn signet_last_error_message(buf: *mut c_char, len: usize, out_n: *mut usize) -> signet_result {
    result(unsafe { signet_last_error_message_raw(buf, len, out_n) })
}

const HDR: usize = 20;
const GUARD: usize = 16;
const FILL: u8 = 0xa5;
const PRODUCTS: [&str; 2] = ["code_signing", "code_signing_ev"];
const DEVICES: [&str; 5] = [
    "etoken-5110-cc",
    "etoken-5110-fips",
    "etoken-5110",
    "hsm",
    "keylocker",
];

fuzz_target!(|data: &[u8]| {
    let Some((h, body)) = data.split_first_chunk::<HDR>() else {
        return;
    };
    let h = *h;
    let at = signet_date {
        year: u16::from_le_bytes([h[1], h[2]]),
        month: h[3],
        day: h[4],
    };
    let misuse = h[13] % 16;
    let prefix = &body[..body.len().min(usize::from(h[14] % 24))];

    let product: Option<&[u8]> = match h[0] & 3 {
        0 | 1 => Some(PRODUCTS[usize::from(h[0] & 1)].as_bytes()),
        2 => Some(prefix),
        _ => None,
    };
    let device: Option<&[u8]> = match (h[0] >> 2) & 3 {
        0 => None,
        2 => Some(prefix),
        _ => Some(DEVICES[usize::from(h[14]) % DEVICES.len()].as_bytes()),
    };
    let body_ptr = if misuse == 1 {
        core::ptr::null()
    } else {
        body.as_ptr()
    };

    // signet_order_validate
    let r = call_report(misuse, |out| unsafe {
        signet_order_validate(body_ptr, body.len(), ptr(product), len(product), at, out)
    });
    if let Some(report) = r {
        check_report(report, &h, misuse);
    }

    // The key checks on the same bytes, with the device and date.
    let r = call_report(misuse, |out| unsafe {
        signet_csr_check(body_ptr, body.len(), ptr(device), len(device), at, out)
    });
    if let Some(report) = r {
        check_report(report, &h, misuse);
    }
    let r = call_report(misuse, |out| unsafe {
        signet_spki_check(body_ptr, body.len(), ptr(device), len(device), at, out)
    });
    if let Some(report) = r {
        check_report(report, &h, misuse);
    }
    let unix = i64::from_le_bytes([h[7], h[8], h[9], h[10], h[1], h[2], h[3], h[4]]);
    let r = call_report(misuse, |out| unsafe {
        signet_certificate_check(body_ptr, body.len(), unix, out)
    });
    if let Some(report) = r {
        check_report(report, &h, misuse);
    }

    check_results(&h, misuse);
    counter_sequence(&h);
});

fn ptr(s: Option<&[u8]>) -> *const u8 {
    s.map_or(core::ptr::null(), <[u8]>::as_ptr)
}

fn len(s: Option<&[u8]>) -> usize {
    s.map_or(0, <[u8]>::len)
}

fn sentinel<T>() -> *mut T {
    core::ptr::without_provenance_mut(0x5157)
}

/// Runs a report-making call; on success returns the report (to be freed by
/// the caller), on failure checks that the out-parameter is untouched.
fn call_report(
    misuse: u8,
    f: impl FnOnce(*mut *mut signet_report) -> signet_result,
) -> Option<*mut signet_report> {
    let mut out: *mut signet_report = sentinel();
    let out_ptr: *mut *mut signet_report = if misuse == 2 {
        core::ptr::null_mut()
    } else {
        &mut out
    };
    let r = f(out_ptr);
    assert_ne!(r, signet_result::PANIC);
    if misuse == 1 || misuse == 2 {
        assert_eq!(r, signet_result::NULL_POINTER);
    }
    if r == signet_result::OK {
        assert!(!out.is_null() && out != sentinel());
        Some(out)
    } else {
        assert_eq!(out, sentinel(), "out_report written on failure {r:?}");
        assert!(!last_error().is_empty(), "failure {r:?} without a message");
        None
    }
}

/// The last-error message of this thread (and that reading it works).
fn last_error() -> String {
    let mut n = usize::MAX;
    let mut probe = [0u8; 1];
    let r = unsafe { signet_last_error_message(probe.as_mut_ptr().cast(), 0, &mut n) };
    assert_eq!(r, signet_result::BUFFER_TOO_SMALL);
    assert_eq!(n, usize::MAX);
    let mut buf = vec![FILL; 4096];
    let r = unsafe { signet_last_error_message(buf.as_mut_ptr().cast(), buf.len(), &mut n) };
    assert_eq!(r, signet_result::OK);
    text_out(&buf, n)
}

/// Checks a successful text output: `n` bytes of UTF-8, a NUL, then the fill.
fn text_out(buf: &[u8], n: usize) -> String {
    assert_eq!(buf[n], 0, "no NUL after {n} bytes");
    assert!(buf[n + 1..].iter().all(|&b| b == FILL), "written past the NUL");
    String::from_utf8(buf[..n].to_vec()).expect("text output is UTF-8")
}

fn check_report(report: *mut signet_report, h: &[u8; HDR], misuse: u8) {
    let mut count = usize::MAX;
    assert_eq!(
        unsafe { signet_report_finding_count(report, &mut count) },
        signet_result::OK
    );
    assert!(count < 1 << 20);
    let mut valid = false;
    assert_eq!(
        unsafe { signet_report_is_valid(report, &mut valid) },
        signet_result::OK
    );

    // Every finding, then the one the input picks (maybe out of range).
    let mut errors = 0;
    let mut codes = Vec::with_capacity(count);
    for i in 0..count {
        let f = finding(report, i).expect("index below the count");
        let code = borrowed(f.code, f.code_len);
        let code = String::from_utf8(code.to_vec()).expect("code is UTF-8");
        assert!(
            !code.is_empty()
                && code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "code {code:?} is not snake_case"
        );
        let path = borrowed(f.path, f.path_len);
        assert!(core::str::from_utf8(path).is_ok(), "path is not UTF-8");
        let message = borrowed(f.message, f.message_len);
        assert!(core::str::from_utf8(message).is_ok(), "message is not UTF-8");
        if f.severity == signet_severity::Error {
            errors += 1;
        }
        codes.push(code);
    }
    assert_eq!(valid, errors == 0, "valid disagrees with the findings");
    let raw = u32::from_le_bytes([h[7], h[8], h[9], h[10]]);
    let index = if raw < 1 << 31 {
        raw as usize % (count + 1)
    } else {
        raw as usize
    };
    let f = finding(report, index);
    assert_eq!(f.is_some(), index < count);

    // JSON: the length, then a caller buffer of the size the input picks.
    let mut json_len = usize::MAX;
    assert_eq!(
        unsafe { signet_report_json_len(report, &mut json_len) },
        signet_result::OK
    );
    let spec = u16::from_le_bytes([h[5], h[6]]);
    let size = match spec >> 14 {
        0 => (json_len + 1).saturating_sub(usize::from(spec & 3)),
        1 => 0,
        2 => usize::from(spec & 0x3fff),
        _ => json_len + 1 + usize::from(spec & 0xff),
    };
    let mut buf = vec![FILL; size + GUARD];
    let buf_ptr: *mut c_char = if misuse == 4 {
        core::ptr::null_mut()
    } else {
        buf.as_mut_ptr().cast()
    };
    let mut n = usize::MAX;
    let n_ptr: *mut usize = if misuse == 3 {
        core::ptr::null_mut()
    } else {
        &mut n
    };
    let r = unsafe { signet_report_to_json(report, buf_ptr, size, n_ptr) };
    assert_ne!(r, signet_result::PANIC);
    let expected = if misuse == 3 || (misuse == 4 && size > 0) {
        signet_result::NULL_POINTER
    } else if size < json_len + 1 {
        signet_result::BUFFER_TOO_SMALL
    } else {
        signet_result::OK
    };
    assert_eq!(r, expected, "to_json with {size} bytes for {json_len}");
    if r == signet_result::OK {
        assert_eq!(n, json_len);
        let json = text_out(&buf, n);
        assert!(
            json.starts_with('{') && json.ends_with('}'),
            "not a JSON object: {json}"
        );
        for code in &codes {
            assert!(
                json.contains(&format!("\"{code}\"")),
                "code {code} missing from the JSON"
            );
        }
    } else {
        assert_eq!(n, usize::MAX, "out_n written on failure");
        assert!(buf.iter().all(|&b| b == FILL), "buffer written on failure");
    }

    unsafe { signet_report_free(report) };
}

fn finding(report: *mut signet_report, index: usize) -> Option<signet_finding> {
    let mut f = signet_finding {
        severity: signet_severity::Warning,
        path: sentinel(),
        path_len: usize::MAX,
        code: sentinel(),
        code_len: usize::MAX,
        message: sentinel(),
        message_len: usize::MAX,
    };
    let r = unsafe { signet_report_finding(report, index, &mut f) };
    assert_ne!(r, signet_result::PANIC);
    if r == signet_result::OK {
        Some(f)
    } else {
        assert_eq!(r, signet_result::INDEX_OUT_OF_RANGE);
        assert!(f.path == sentinel() && f.code == sentinel() && f.message == sentinel());
        assert!(f.path_len == usize::MAX && f.code_len == usize::MAX && f.message_len == usize::MAX);
        assert_eq!(f.severity, signet_severity::Warning);
        None
    }
}

/// A borrowed finding string: `len` bytes followed by a NUL.
fn borrowed<'a>(p: *const c_char, len: usize) -> &'a [u8] {
    assert!(!p.is_null());
    let s = unsafe { core::slice::from_raw_parts(p.cast::<u8>(), len + 1) };
    assert_eq!(s[len], 0, "finding string not NUL-terminated");
    &s[..len]
}

fn check_results(h: &[u8; HDR], misuse: u8) {
    let raw = u16::from_le_bytes([h[11], h[12]]);
    let number = match raw {
        0xffff => u32::MAX,
        0x8000.. => u32::from(raw) * 3,
        _ => signet_result::ALL[usize::from(raw) % signet_result::ALL.len()].number(),
    };
    let code = signet_result_code_str(number);
    let known = signet_result::from_u32(number);
    assert_eq!(code.is_null(), known.is_none());
    if let Some(known) = known {
        let s = unsafe { core::ffi::CStr::from_ptr(code) };
        assert_eq!(s.to_str().ok(), Some(known.code()));
    }

    // The message: its full length first, then the buffer size the input picks.
    let mut full = vec![FILL; 512];
    let mut n = usize::MAX;
    let r = unsafe { signet_result_message(number, full.as_mut_ptr().cast(), full.len(), &mut n) };
    assert_eq!(r, signet_result::OK);
    let message = text_out(&full, n);
    assert_eq!(known.is_none(), message == "unknown result");

    let size = usize::from(h[15]);
    let mut buf = vec![FILL; size + GUARD];
    let buf_ptr: *mut c_char = if misuse == 4 {
        core::ptr::null_mut()
    } else {
        buf.as_mut_ptr().cast()
    };
    let mut m = usize::MAX;
    let m_ptr: *mut usize = if misuse == 3 {
        core::ptr::null_mut()
    } else {
        &mut m
    };
    let r = unsafe { signet_result_message(number, buf_ptr, size, m_ptr) };
    let expected = if misuse == 3 || (misuse == 4 && size > 0) {
        signet_result::NULL_POINTER
    } else if size < n + 1 {
        signet_result::BUFFER_TOO_SMALL
    } else {
        signet_result::OK
    };
    assert_eq!(r, expected, "result_message with {size} bytes for {n}");
    if r == signet_result::OK {
        assert_eq!(m, n);
        assert_eq!(text_out(&buf, m), message);
    } else {
        assert_eq!(m, usize::MAX, "out_n written on failure");
        assert!(buf.iter().all(|&b| b == FILL), "buffer written on failure");
        assert!(!last_error().is_empty());
    }
}

/// A memory counter store with a limit: reserve, then commit / abort / free
/// the reservation unsettled; the model is "used = reserved - aborted", and
/// a reservation at the limit is refused with nothing written.
fn counter_sequence(h: &[u8; HDR]) {
    let ops = h[16] % 9;
    let limit = u64::from(h[17] % 6);
    let bits = u16::from_le_bytes([h[18], h[19]]);
    if ops == 0 {
        return;
    }
    let exhausted = signet_result::from_code("counter_exhausted").unwrap();

    let mut store: *mut signet_counter_store = sentinel();
    assert_eq!(
        unsafe { signet_counter_store_memory_new(&mut store) },
        signet_result::OK
    );

    let mut used = 0u64;
    let mut next = 0u64;
    for i in 0..ops {
        let mut res: *mut signet_counter_reservation = sentinel();
        let r = unsafe { signet_counter_store_reserve(store, limit, &mut res) };
        if used >= limit {
            assert_eq!(r, exhausted);
            assert_eq!(res, sentinel());
            continue;
        }
        assert_eq!(r, signet_result::OK);
        let mut index = u64::MAX;
        assert_eq!(
            unsafe { signet_counter_reservation_index(res, &mut index) },
            signet_result::OK
        );
        assert_eq!(index, next);
        next += 1;
        used += 1;
        match (bits >> (2 * i)) & 3 {
            0 | 3 => {
                let mut committed = u64::MAX;
                assert_eq!(
                    unsafe { signet_counter_store_commit(store, res, &mut committed) },
                    signet_result::OK
                );
                assert_eq!(committed, index);
            }
            1 => {
                assert_eq!(
                    unsafe { signet_counter_store_abort(store, res) },
                    signet_result::OK
                );
                used -= 1;
            }
            _ => unsafe { signet_counter_reservation_free(res) },
        }
        let mut usage = signet_usage::default();
        assert_eq!(
            unsafe { signet_counter_store_usage(store, &mut usage) },
            signet_result::OK
        );
        assert_eq!(usage.next_index, next);
        assert_eq!(usage.used, used);
    }
    unsafe { signet_counter_store_free(store) };
}

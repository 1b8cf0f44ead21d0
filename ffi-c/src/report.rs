//! Order validation and key/CSR/certificate policy checks: one report shape.

use core::ffi::c_char;

use signet_core::Severity;
use signet_core::order::{self, Product};
use signet_core::policy::{self, DeviceProfile, PolicyFinding};
use signet_core::time::{Date, UnixTime};

use crate::result::signet_result;
use crate::util::{
    FfiError, FfiResult, as_ref, boundary, boundary_void, bytes, copy_out, free_handle, into_handle,
    opt_text, out_ptr, text, write,
};

/// How serious a finding is.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum signet_severity {
    /// Refused: the order is invalid, the key or certificate not allowed.
    Error = 1,
    /// Accepted, but worth a look.
    Warning = 2,
}

/// A calendar date (UTC), for rules evaluated per day.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_date {
    /// 1-9999.
    pub year: u16,
    /// 1-12.
    pub month: u8,
    /// 1-31.
    pub day: u8,
}

/// One finding, borrowed from its report: the strings stay valid until the
/// report is freed. Each is NUL-terminated for convenience, but may contain
/// a NUL (a JSON key may): use the lengths.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct signet_finding {
    /// Error or warning.
    pub severity: signet_severity,
    /// Where: `organization.contacts[0].job_title`, `key`, or "" for the whole input.
    pub path: *const c_char,
    /// Length of `path` in bytes.
    pub path_len: usize,
    /// The stable code (`required`, `key_too_small`).
    pub code: *const c_char,
    /// Length of `code` in bytes.
    pub code_len: usize,
    /// A human message (may change between releases; match on `code`).
    pub message: *const c_char,
    /// Length of `message` in bytes.
    pub message_len: usize,
}

/// Text with a trailing NUL that is not part of it.
struct CText(Vec<u8>);

impl CText {
    fn new(s: &str) -> Self {
        let mut v = Vec::with_capacity(s.len() + 1);
        v.extend_from_slice(s.as_bytes());
        v.push(0);
        CText(v)
    }
    fn ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }
    fn len(&self) -> usize {
        self.0.len() - 1
    }
}

struct Finding {
    severity: signet_severity,
    path: CText,
    code: CText,
    message: CText,
}

/// A validation report (opaque): findings in document order, and the core's
/// JSON rendering. Free with `signet_report_free`.
pub struct signet_report {
    valid: bool,
    findings: Vec<Finding>,
    json: String,
}

fn severity(s: Severity) -> signet_severity {
    match s {
        Severity::Error => signet_severity::Error,
        Severity::Warning => signet_severity::Warning,
    }
}

impl signet_report {
    fn from_order(r: &order::Report) -> Self {
        signet_report {
            valid: r.is_valid(),
            findings: r
                .findings()
                .iter()
                .map(|f| Finding {
                    severity: severity(f.severity),
                    path: CText::new(&f.path),
                    code: CText::new(f.code),
                    message: CText::new(&f.message),
                })
                .collect(),
            json: r.to_json(),
        }
    }

    fn from_policy(findings: Vec<PolicyFinding>) -> Self {
        Self::from_order(&order::Report::from_policy_findings(findings))
    }
}

fn date(d: signet_date) -> FfiResult<Date> {
    Date::from_ymd(d.year, d.month, d.day).map_err(|e| FfiError::core(&e))
}

/// # Safety
/// As `util::opt_text`.
unsafe fn device_profile(ptr: *const u8, len: usize) -> FfiResult<Option<DeviceProfile>> {
    // SAFETY: forwarded caller contract.
    match unsafe { opt_text(ptr, len, "device")? } {
        None => Ok(None),
        Some(name) => name.parse().map(Some).map_err(|e| FfiError::core(&e)),
    }
}

fn give(out: *mut *mut signet_report, report: signet_report) {
    // SAFETY: `out` was checked non-NULL by the caller of `give`.
    unsafe { write(out, into_handle(report)) }
}

/// Validates an order request body for `product` (`code_signing` or
/// `code_signing_ev`) as of the order date `at`. Every finding is reported;
/// malformed JSON is a single `json_*` finding, not an error result.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8` (product),
/// `SIGNET_RESULT_UNKNOWN_PRODUCT`, `SIGNET_RESULT_DATE_OUT_OF_RANGE`.
///
/// # Safety
/// `body` and `product` must point to `body_len` / `product_len` readable
/// bytes; `out_report` must be valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_order_validate(
    body: *const u8,
    body_len: usize,
    product: *const u8,
    product_len: usize,
    at: signet_date,
    out_report: *mut *mut signet_report,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_report, "out_report")?;
        // SAFETY: caller contract above.
        let body = unsafe { bytes(body, body_len, "body")? };
        // SAFETY: caller contract above.
        let product: Product = unsafe { text(product, product_len, "product")? }
            .parse()
            .map_err(|e| FfiError::core(&e))?;
        let report = order::validate(body, product, date(at)?);
        give(out, signet_report::from_order(&report));
        Ok(())
    })
}

/// Checks a CSR (PEM or DER): parse, self-signature, key rules on `at` for
/// the device profile named by `device` (`etoken-5110`, `hsm`, `keylocker`, ...; NULL for
/// none). Findings use the paths "", "signature" and "key".
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INVALID_UTF8`,
/// `SIGNET_RESULT_UNKNOWN_DEVICE_PROFILE`, `SIGNET_RESULT_DATE_OUT_OF_RANGE`.
///
/// # Safety
/// `input` must point to `input_len` readable bytes, `device` to
/// `device_len` bytes or be NULL; `out_report` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_csr_check(
    input: *const u8,
    input_len: usize,
    device: *const u8,
    device_len: usize,
    at: signet_date,
    out_report: *mut *mut signet_report,
) -> signet_result {
    // SAFETY: the caller's contract above is `keyed_check`'s.
    unsafe {
        keyed_check(
            input,
            input_len,
            device,
            device_len,
            at,
            out_report,
            policy::check_csr,
        )
    }
}

/// Checks a public key (`SubjectPublicKeyInfo`, PEM or DER) against the key
/// rules on `at` for the device profile `device` (NULL for none). The same
/// check as Python's `check_public_key` and Node's `checkPublicKey`.
///
/// # Errors
/// As `signet_csr_check`.
///
/// # Safety
/// As `signet_csr_check`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_public_key_check(
    input: *const u8,
    input_len: usize,
    device: *const u8,
    device_len: usize,
    at: signet_date,
    out_report: *mut *mut signet_report,
) -> signet_result {
    // SAFETY: the caller's contract above is `keyed_check`'s.
    unsafe {
        keyed_check(
            input,
            input_len,
            device,
            device_len,
            at,
            out_report,
            policy::check_spki,
        )
    }
}

/// Deprecated: the earlier name of `signet_public_key_check`, kept so that
/// existing programs still link; new code uses `signet_public_key_check`.
///
/// # Errors
/// As `signet_public_key_check`.
///
/// # Safety
/// As `signet_public_key_check`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_spki_check(
    input: *const u8,
    input_len: usize,
    device: *const u8,
    device_len: usize,
    at: signet_date,
    out_report: *mut *mut signet_report,
) -> signet_result {
    // SAFETY: the same contract.
    unsafe { signet_public_key_check(input, input_len, device, device_len, at, out_report) }
}

/// The body shared by the key checks that take a device profile and a date
/// (`signet_csr_check`, `signet_public_key_check`): they differ only in the core check.
///
/// # Safety
/// As `signet_csr_check`.
unsafe fn keyed_check(
    input: *const u8,
    input_len: usize,
    device: *const u8,
    device_len: usize,
    at: signet_date,
    out_report: *mut *mut signet_report,
    check: fn(&[u8], Option<policy::DeviceProfile>, Date) -> Vec<policy::PolicyFinding>,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_report, "out_report")?;
        // SAFETY: caller contract above.
        let input = unsafe { bytes(input, input_len, "input")? };
        // SAFETY: caller contract above.
        let profile = unsafe { device_profile(device, device_len)? };
        give(out, signet_report::from_policy(check(input, profile, date(at)?)));
        Ok(())
    })
}

/// Checks a certificate (PEM or DER) for signing at `at` (UNIX seconds):
/// validity and the signing-time key rule.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `input` must point to `input_len` readable bytes; `out_report` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_certificate_check(
    input: *const u8,
    input_len: usize,
    at: i64,
    out_report: *mut *mut signet_report,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_report, "out_report")?;
        // SAFETY: caller contract above.
        let input = unsafe { bytes(input, input_len, "input")? };
        let findings = policy::check_certificate(input, UnixTime(at));
        give(out, signet_report::from_policy(findings));
        Ok(())
    })
}

/// Frees a report. NULL does nothing.
///
/// # Safety
/// `report` must be NULL or a report not yet freed; its findings' strings
/// are invalid afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_report_free(report: *mut signet_report) {
    // SAFETY: caller contract above.
    boundary_void(|| unsafe { free_handle(report) })
}

/// Whether the report has no error (warnings allowed).
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `report` must be a live report, `out_valid` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_report_is_valid(
    report: *const signet_report,
    out_valid: *mut bool,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_valid, "out_valid")?;
        // SAFETY: caller contract above.
        let r = unsafe { as_ref(report, "report")? };
        // SAFETY: checked non-NULL.
        unsafe { write(out, r.valid) };
        Ok(())
    })
}

/// The number of findings.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `report` must be a live report, `out_count` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_report_finding_count(
    report: *const signet_report,
    out_count: *mut usize,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_count, "out_count")?;
        // SAFETY: caller contract above.
        let r = unsafe { as_ref(report, "report")? };
        // SAFETY: checked non-NULL.
        unsafe { write(out, r.findings.len()) };
        Ok(())
    })
}

/// Finding number `index` (0-based, in document order). The strings are
/// borrowed from the report.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `report` must be a live report, `out_finding` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_report_finding(
    report: *const signet_report,
    index: usize,
    out_finding: *mut signet_finding,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_finding, "out_finding")?;
        // SAFETY: caller contract above.
        let r = unsafe { as_ref(report, "report")? };
        let f = r.findings.get(index).ok_or_else(|| {
            FfiError::new(
                signet_result::INDEX_OUT_OF_RANGE,
                format!("finding {index} of {}", r.findings.len()),
            )
        })?;
        let finding = signet_finding {
            severity: f.severity,
            path: f.path.ptr(),
            path_len: f.path.len(),
            code: f.code.ptr(),
            code_len: f.code.len(),
            message: f.message.ptr(),
            message_len: f.message.len(),
        };
        // SAFETY: checked non-NULL.
        unsafe { write(out, finding) };
        Ok(())
    })
}

/// The length in bytes of the report's JSON (without a NUL): a buffer of
/// this plus one fits `signet_report_to_json`.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`.
///
/// # Safety
/// `report` must be a live report, `out_len` valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_report_json_len(
    report: *const signet_report,
    out_len: *mut usize,
) -> signet_result {
    boundary(|| {
        let out = out_ptr(out_len, "out_len")?;
        // SAFETY: caller contract above.
        let r = unsafe { as_ref(report, "report")? };
        // SAFETY: checked non-NULL.
        unsafe { write(out, r.json.len()) };
        Ok(())
    })
}

/// Writes the report as JSON, exactly as the CLI's `--json` and every
/// binding print it (`{"valid": bool, "findings": [...]}`), NUL-terminated;
/// `*out_n` gets the length without the NUL.
///
/// # Errors
/// `SIGNET_RESULT_NULL_POINTER`, `SIGNET_RESULT_BUFFER_TOO_SMALL` (nothing written).
///
/// # Safety
/// `report` must be a live report, `buf` valid for `len` bytes, `out_n` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn signet_report_to_json(
    report: *const signet_report,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> signet_result {
    boundary(|| {
        // SAFETY: caller contract above.
        let r = unsafe { as_ref(report, "report")? };
        // SAFETY: caller contract above.
        unsafe { copy_out(r.json.as_bytes(), buf.cast(), len, out_n, true) }
    })
}

//! Browser bindings for `signet-core` (wasm-bindgen).
//!
//! A binding converts types and maps errors, nothing more: every rule lives in
//! `signet-core`. This crate only
//! - turns a JS `string | Uint8Array` into bytes and an options object into
//!   core types (`Product`, `Date`), defaulting the date to today (UTC) from the
//!   browser clock, because the core never reads a clock;
//! - returns the core report as a plain JS object built from
//!   `Report::to_json()`, so the browser sees exactly the shape every other
//!   binding and the CLI emit;
//! - throws a `SignetError` subclass (an `Error`) with a stable `code` when
//!   the request itself is unusable. The class is the one of the code's
//!   domain in the table of codes (`signet_core::codes`), chosen in one place
//!   (`From<RequestError> for JsValue`), so a code is the same class here, in
//!   Node and in Python.
//!
//! The JS API and its TypeScript types are documented in `bindings-wasm/README.md`.

mod request;

use js_sys::{Array, Date as JsDate, Object, Reflect, Uint8Array};
use signet_core::order;
use signet_core::policy::{self, PolicyFinding};
use signet_core::time::Date;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

pub use request::RequestError;

/// The version of the core these bindings wrap.
pub const CORE_VERSION: &str = env!("CARGO_PKG_VERSION");

// The declarations of everything this package exports are the ones the Node package shares
// (js/shared.d.ts, written once for both); every export below is `skip_typescript`.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("../../js/shared.d.ts");

// `./errors.js` beside the generated module: the repository's js/errors.js, copied into pkg/ by
// scripts/wasm-build.sh (the Node package copies the same file), so the classes are written once.
#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    /// `errorFor(domain, code, message)`: the class of the domain (js/errors.js).
    #[wasm_bindgen(js_name = errorFor)]
    fn error_for(domain: &str, code: &str, message: &str) -> JsValue;

    // Re-exported from the generated module so callers can `instanceof` them. Imported as
    // functions (a class is one) because only function imports honour `skip_typescript`;
    // their precise types are in js/shared.d.ts.
    #[wasm_bindgen(reexport, skip_typescript, js_name = SignetError)]
    fn reexport_signet_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = InvalidRequestError)]
    fn reexport_invalid_request_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = KeyPolicyError)]
    fn reexport_key_policy_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = BudgetError)]
    fn reexport_budget_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = GrantError)]
    fn reexport_grant_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = CounterError)]
    fn reexport_counter_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = TokenError)]
    fn reexport_token_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = SignError)]
    fn reexport_sign_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = VerificationError)]
    fn reexport_verification_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = StateError)]
    fn reexport_state_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = UsageError)]
    fn reexport_usage_error();
    #[wasm_bindgen(reexport, skip_typescript, js_name = CLASS_BY_DOMAIN)]
    fn reexport_class_by_domain();
}

/// The one place a request error becomes a JS error: the class of its
/// code's domain in the table of codes.
impl From<RequestError> for JsValue {
    fn from(e: RequestError) -> JsValue {
        error_for(e.domain().name(), e.code, &e.message)
    }
}

/// Validates a certificate order request body.
///
/// `body` is the JSON text or its UTF-8 bytes, or an object (serialised with
/// `JSON.stringify`, as the Node package does). Returns the report; a body
/// that is not JSON is a finding, not an exception.
///
/// # Errors
/// Throws `InvalidRequestError` for an input that is neither a string nor a
/// `Uint8Array`, an options value that is not an object, an unknown option,
/// an unknown product or a date that is not a valid `YYYY-MM-DD`.
#[wasm_bindgen(js_name = validateOrder, skip_typescript)]
pub fn validate_order(body: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let opts = read_options(&options, &["product", "at"])?;
    let body = body_bytes(&body)?;
    let product = request::product(opts.get("product"))?;
    let at = date_or_today(opts.get("at"))?;
    let report = order::validate(&body, product, at);
    let findings = report.findings().iter().map(|f| FindingRef {
        severity: f.severity.as_str(),
        path: &f.path,
        code: f.code,
        message: &f.message,
    });
    report_object(report.is_valid(), findings)
}

/// Checks a CSR (PEM or DER): parse, self-signature, key type and size on the
/// date, for the device given by `device` or implied by `provisioningMethod`.
/// Finding paths are relative to the CSR: `""` (parse), `"signature"`, `"key"`.
///
/// # Errors
/// Throws `InvalidRequestError` as `validateOrder`, plus `unknown_device_profile`
/// and `conflicting_options` (both `device` and `provisioningMethod`).
#[wasm_bindgen(js_name = checkCsr, skip_typescript)]
pub fn check_csr(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let opts = read_options(&options, &["device", "provisioningMethod", "at"])?;
    let input = input_bytes(&input)?;
    let at = date_or_today(opts.get("at"))?;
    let findings = match (opts.get("device"), opts.get("provisioningMethod")) {
        (Some(_), Some(_)) => {
            return Err(RequestError::conflicting("device", "provisioningMethod").into());
        }
        // `policy::check_order_csr` for text; the same profile mapping serves DER.
        (None, Some(method)) => {
            policy::check_csr(&input, policy::profile_for_provisioning_method(method), at)
        }
        (device, None) => policy::check_csr(&input, request::device(device)?, at),
    };
    policy_report(&findings)
}

/// Checks a certificate (PEM or DER) for signing at midnight UTC of `at`:
/// validity dates and the signing-time key rule.
///
/// # Errors
/// Throws `InvalidRequestError` as `validateOrder`.
#[wasm_bindgen(js_name = checkCertificate, skip_typescript)]
pub fn check_certificate(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let opts = read_options(&options, &["at"])?;
    let input = input_bytes(&input)?;
    let at = date_or_today(opts.get("at"))?;
    policy_report(&policy::check_certificate(&input, at.start()))
}

/// Checks a public key (`SubjectPublicKeyInfo`, PEM `PUBLIC KEY` or DER) with
/// the key rules on `at` for `device`. Paths: `""` (parse), `"key"`.
///
/// # Errors
/// Throws `InvalidRequestError` as `validateOrder`, plus `unknown_device_profile`.
#[wasm_bindgen(js_name = checkPublicKey, skip_typescript)]
pub fn check_public_key(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let opts = read_options(&options, &["device", "at"])?;
    let input = input_bytes(&input)?;
    let device = request::device(opts.get("device"))?;
    let at = date_or_today(opts.get("at"))?;
    let findings = policy::check_spki(&input, device, at);
    policy_report(&findings)
}

/// The earlier name of `checkPublicKey` (deprecated; the same words as
/// Python's `check_public_key` and C's `signet_public_key_check` now).
///
/// # Errors
/// As `checkPublicKey`.
#[wasm_bindgen(js_name = checkSpki, skip_typescript)]
pub fn check_spki(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    check_public_key(input, options)
}

/// One finding, borrowed from either core report type.
struct FindingRef<'a> {
    severity: &'static str,
    path: &'a str,
    code: &'static str,
    message: &'a str,
}

/// `{valid, findings: [{severity, path, code, message}]}`: the shape of the
/// core's `Report::to_json()`, as a plain JS object.
fn report_object<'a>(
    valid: bool,
    findings: impl Iterator<Item = FindingRef<'a>>,
) -> Result<JsValue, JsValue> {
    let list = Array::new();
    for f in findings {
        let item = Object::new();
        Reflect::set(&item, &"severity".into(), &f.severity.into())?;
        Reflect::set(&item, &"path".into(), &f.path.into())?;
        Reflect::set(&item, &"code".into(), &f.code.into())?;
        Reflect::set(&item, &"message".into(), &f.message.into())?;
        list.push(&item);
    }
    let report = Object::new();
    Reflect::set(&report, &"valid".into(), &valid.into())?;
    Reflect::set(&report, &"findings".into(), &list)?;
    Ok(report.into())
}

/// A key-policy report: valid when no finding is an error, findings in the
/// core's order.
fn policy_report(findings: &[PolicyFinding]) -> Result<JsValue, JsValue> {
    let valid = !findings.iter().any(|f| f.severity == policy::Severity::Error);
    report_object(
        valid,
        findings.iter().map(|f| FindingRef {
            severity: f.severity.as_str(),
            path: f.path,
            code: f.code,
            message: &f.message,
        }),
    )
}

/// Option values read from a JS options object, by name.
struct Options(Vec<(&'static str, String)>);

impl Options {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }
}

/// Reads the string options `allowed` from `options` (`undefined`/`null`
/// means none). Unknown keys are refused so a misspelt option is not ignored.
fn read_options(options: &JsValue, allowed: &[&'static str]) -> Result<Options, RequestError> {
    if options.is_undefined() || options.is_null() {
        return Ok(Options(Vec::new()));
    }
    let Some(object) = options
        .dyn_ref::<Object>()
        .filter(|_| options.is_object() && !Array::is_array(options))
    else {
        return Err(RequestError::options_not_object());
    };
    let mut out = Vec::new();
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        let Some(name) = allowed.iter().copied().find(|a| *a == key) else {
            return Err(RequestError::unknown_option(&key, allowed));
        };
        let value = Reflect::get(object, &JsValue::from_str(name))?;
        if value.is_undefined() {
            continue;
        }
        match (value.as_string(), value.dyn_ref::<JsDate>()) {
            (Some(s), _) => out.push((name, s)),
            // A `Date` for a day, as in the Node package: its UTC day.
            (None, Some(d)) if name == "at" => out.push((name, utc_day(d)?)),
            (None, _) if name == "at" => return Err(RequestError::at_not_a_day()),
            (None, _) => return Err(RequestError::option_not_string(name)),
        }
    }
    Ok(Options(out))
}

impl From<JsValue> for RequestError {
    /// A getter on the options object threw: reported as an unusable request.
    fn from(_: JsValue) -> Self {
        RequestError::options_unreadable()
    }
}

/// The bytes of a `string` (UTF-8) or `Uint8Array` input.
fn input_bytes(input: &JsValue) -> Result<Vec<u8>, RequestError> {
    if let Some(s) = input.as_string() {
        return Ok(s.into_bytes());
    }
    match input.dyn_ref::<Uint8Array>() {
        Some(bytes) => Ok(bytes.to_vec()),
        None => Err(RequestError::input_type()),
    }
}

/// The bytes of an order body: `input_bytes`, or an object serialised to JSON.
fn body_bytes(body: &JsValue) -> Result<Vec<u8>, RequestError> {
    if body.is_object() && !body.is_instance_of::<Uint8Array>() {
        let text = js_sys::JSON::stringify(body).map_err(|_| RequestError::body_not_json())?;
        return text
            .as_string()
            .map(String::into_bytes)
            .ok_or_else(RequestError::body_not_json);
    }
    input_bytes(body)
}

/// A `Date`'s UTC day as `YYYY-MM-DD`, for the core's date parser.
fn utc_day(d: &JsDate) -> Result<String, RequestError> {
    if d.get_time().is_nan() {
        return Err(RequestError::at_not_a_day());
    }
    let date = request::date_from_utc_parts(d.get_utc_full_year(), d.get_utc_month(), d.get_utc_date())?;
    Ok(date.to_string())
}

/// The `at` option, or today's date in UTC from the browser clock.
fn date_or_today(at: Option<&str>) -> Result<Date, RequestError> {
    match at {
        Some(s) => request::date(s),
        None => {
            let now = JsDate::new_0();
            request::date_from_utc_parts(now.get_utc_full_year(), now.get_utc_month(), now.get_utc_date())
        }
    }
}

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

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Products an order can be validated for. */
export type Product = "code_signing" | "code_signing_ev";

/** Input accepted by every check: text (JSON, PEM) or raw bytes (JSON, PEM or DER). */
export type Input = string | Uint8Array;

/** One problem found. Match on `code` (stable); `message` is for people and may change. */
export interface Finding {
  severity: "error" | "warning";
  /** Where: `organization.contacts[0].job_title`; `""` is the whole document. */
  path: string;
  code: string;
  message: string;
}

/** Every finding of one check, in document order. `valid` is false when any finding is an error. */
export interface Report {
  valid: boolean;
  findings: Finding[];
}

/** Options of `validateOrder`. */
export interface ValidateOrderOptions {
  /** Default `"code_signing"`. */
  product?: Product;
  /** Effective date, `YYYY-MM-DD` (UTC). Default: today (UTC), read from the browser clock. */
  at?: string;
}

/** Key-storage device profiles (`device` option). */
export type DeviceProfile = "etoken-5110-cc" | "etoken-5110-fips" | "etoken-5110" | "hsm" | "keylocker";

/** Options of `checkCsr`. Give `device`, or `provisioningMethod` to use the device it implies; not both. */
export interface CheckCsrOptions {
  device?: DeviceProfile;
  /** An order's `cs_provisioning_method` (`email`, `keylocker`, `ship_token`, `client_app`). */
  provisioningMethod?: string;
  /** Date the key rules are evaluated on, `YYYY-MM-DD` (UTC). Default: today (UTC). */
  at?: string;
}

/** Options of `checkSpki`. */
export interface CheckSpkiOptions {
  device?: DeviceProfile;
  /** Date the key rules are evaluated on, `YYYY-MM-DD` (UTC). Default: today (UTC). */
  at?: string;
}

/** Options of `checkCertificate`. */
export interface CheckCertificateOptions {
  /** Check for signing at midnight UTC starting this date, `YYYY-MM-DD`. Default: today (UTC). */
  at?: string;
}

/** Domains of the table of codes; each has its error class. */
export type Domain =
  | "invalid_request" | "key_policy" | "budget" | "grant" | "counter"
  | "token" | "sign" | "verification" | "state" | "usage";

/** Base class of every error the bindings throw. */
export class SignetError extends Error {
  constructor(code: string, message: string);
  /** Stable snake_case identifier, e.g. `"unknown_product"`. */
  readonly code: string;
  /** The code's domain in the table of codes (set on every error the bindings throw). */
  readonly domain?: Domain;
}

/** The request is unusable (wrong input type, unknown option or product, bad date); nothing was checked. */
export class InvalidRequestError extends SignetError {}
/** The key policy refuses a key, CSR or certificate. */
export class KeyPolicyError extends SignetError {}
/** A budget rule refused. */
export class BudgetError extends SignetError {}
/** A signer policy, signing request or grant rule refused. */
export class GrantError extends SignetError {}
/** A signature counter (ledger) failed or is exhausted. */
export class CounterError extends SignetError {}
/** The token refused or failed. */
export class TokenError extends SignetError {}
/** The enforced sign path refused. */
export class SignError extends SignetError {}
/** A signature did not verify, or not from the expected signer. */
export class VerificationError extends SignetError {}
/** The state directory is missing, damaged or not writable. */
export class StateError extends SignetError {}
/** The bindings' API was misused. */
export class UsageError extends SignetError {}

/** The class of each domain (the same table as the Node package's). */
export const CLASS_BY_DOMAIN: Readonly<Record<Domain, typeof SignetError>>;
"#;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// `errorFor(domain, code, message)`: the class of the domain (js/errors.js).
    #[wasm_bindgen(js_name = errorFor)]
    fn error_for(domain: &str, code: &str, message: &str) -> JsValue;

    // Re-exported from the generated module so callers can `instanceof` them. Imported as
    // functions (a class is one) because only function imports honour `skip_typescript`;
    // their precise types are in the TypeScript section above.
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
/// `body` is the JSON text or its UTF-8 bytes. Returns the report; a body that
/// is not JSON is a finding, not an exception.
///
/// # Errors
/// Throws `InvalidRequestError` for an input that is neither a string nor a
/// `Uint8Array`, an options value that is not an object, an unknown option,
/// an unknown product or a date that is not a valid `YYYY-MM-DD`.
#[wasm_bindgen(js_name = validateOrder, unchecked_return_type = "Report")]
pub fn validate_order(
    #[wasm_bindgen(unchecked_param_type = "Input")] body: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOrderOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let opts = read_options(&options, &["product", "at"])?;
    let body = input_bytes(&body)?;
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
#[wasm_bindgen(js_name = checkCsr, unchecked_return_type = "Report")]
pub fn check_csr(
    #[wasm_bindgen(unchecked_param_type = "Input")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CheckCsrOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
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
#[wasm_bindgen(js_name = checkCertificate, unchecked_return_type = "Report")]
pub fn check_certificate(
    #[wasm_bindgen(unchecked_param_type = "Input")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CheckCertificateOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
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
#[wasm_bindgen(js_name = checkSpki, unchecked_return_type = "Report")]
pub fn check_spki(
    #[wasm_bindgen(unchecked_param_type = "Input")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CheckSpkiOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let opts = read_options(&options, &["device", "at"])?;
    let input = input_bytes(&input)?;
    let device = request::device(opts.get("device"))?;
    let at = date_or_today(opts.get("at"))?;
    let findings = policy::check_spki(&input, device, at);
    policy_report(&findings)
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
    let Some(object) = options.dyn_ref::<Object>().filter(|_| options.is_object()) else {
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
        match value.as_string() {
            Some(s) => out.push((name, s)),
            None => return Err(RequestError::option_not_string(name)),
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

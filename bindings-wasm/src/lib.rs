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
//! - throws `InvalidRequestError` (a `SignetError`, an `Error`) with a stable
//!   `code` when the request itself is unusable.
//!
//! The JS API and its TypeScript types are documented in `bindings-wasm/README.md`.

mod request;

use js_sys::{Date as JsDate, JSON, Object, Reflect, Uint8Array};
use signet_core::order;
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

/** Base class of every error the bindings throw. */
export class SignetError extends Error {
  constructor(code: string, message: string);
  /** Stable snake_case identifier, e.g. `"unknown_product"`. */
  readonly code: string;
}

/** The request is unusable (wrong input type, unknown option or product, bad date); nothing was checked. */
export class InvalidRequestError extends SignetError {}
"#;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// `InvalidRequestError extends SignetError extends Error` (js/errors.js).
    type InvalidRequestError;

    #[wasm_bindgen(constructor)]
    fn new(code: &str, message: &str) -> InvalidRequestError;

    // Re-exported from the generated module so callers can `instanceof` them. Imported as
    // functions (a class is one) because only function imports honour `skip_typescript`;
    // their precise types are in the TypeScript section above.
    #[wasm_bindgen(reexport, skip_typescript, js_name = SignetError)]
    fn reexport_signet_error();

    #[wasm_bindgen(reexport, skip_typescript, js_name = InvalidRequestError)]
    fn reexport_invalid_request_error();
}

impl From<RequestError> for JsValue {
    fn from(e: RequestError) -> JsValue {
        InvalidRequestError::new(e.code, &e.message).into()
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
    report_object(&order::validate(&body, product, at).to_json())
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

/// The core's report JSON as a plain JS object.
fn report_object(json: &str) -> Result<JsValue, JsValue> {
    JSON::parse(json)
}

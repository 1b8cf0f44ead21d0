//! Request conversion that does not touch JS values, so it is unit-tested on
//! the host: option strings to core types, and the errors for unusable requests.

use signet_core::ErrorCode;
use signet_core::codes::{self, Domain};
use signet_core::order::Product;
use signet_core::policy::DeviceProfile;
use signet_core::time::Date;

/// Why a request could not be run: thrown to JS as the class of its code's
/// domain (`InvalidRequestError` for every code this crate raises today)
/// with `code` and `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// Stable snake_case code. The core's codes where the core decided
    /// (`unknown_product`, `date_format`, `date_out_of_range`); the binding's
    /// rows of the JavaScript bindings for JS-level problems
    /// (`invalid_input_type`, `invalid_options`, `unknown_option`,
    /// `invalid_option_type`, `conflicting_options`).
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
}

impl RequestError {
    fn new(code: &'static str, message: String) -> Self {
        RequestError { code, message }
    }

    /// The code's domain in the table of codes. A code missing from the
    /// table is a bug (`every_code_raised_is_in_the_table`); it would be
    /// reported as misuse rather than guessed.
    pub fn domain(&self) -> Domain {
        codes::lookup(self.code).map_or(Domain::Usage, |row| row.domain)
    }

    pub(crate) fn input_type() -> Self {
        Self::new(
            "invalid_input_type",
            "input must be a string or a Uint8Array".into(),
        )
    }

    pub(crate) fn options_not_object() -> Self {
        Self::new(
            "invalid_options",
            "options must be an object (or undefined)".into(),
        )
    }

    pub(crate) fn options_unreadable() -> Self {
        Self::new(
            "invalid_options",
            "an option could not be read from the options object".into(),
        )
    }

    pub(crate) fn unknown_option(name: &str, allowed: &[&str]) -> Self {
        Self::new(
            "unknown_option",
            format!("unknown option {name:?} (allowed: {})", allowed.join(", ")),
        )
    }

    pub(crate) fn conflicting(a: &str, b: &str) -> Self {
        Self::new(
            "conflicting_options",
            format!("give either {a:?} or {b:?}, not both"),
        )
    }

    pub(crate) fn option_not_string(name: &str) -> Self {
        Self::new("invalid_option_type", format!("option {name:?} must be a string"))
    }

    pub(crate) fn at_not_a_day() -> Self {
        Self::new(
            "invalid_option_type",
            "at must be a YYYY-MM-DD string or a valid Date".into(),
        )
    }

    pub(crate) fn body_not_json() -> Self {
        Self::new(
            "invalid_input_type",
            "the body object could not be serialised to JSON".into(),
        )
    }
}

/// The `product` option; `code_signing` when absent.
///
/// # Errors
/// `unknown_product` (the core's code) for anything but the two product ids.
pub(crate) fn product(value: Option<&str>) -> Result<Product, RequestError> {
    let value = value.unwrap_or("code_signing");
    value
        .parse::<Product>()
        .map_err(|e| RequestError::new(e.code(), format!("product {value:?}: {e}")))
}

/// The `device` option: a device profile name, or none.
///
/// # Errors
/// `unknown_device_profile` (the core's code) for another name.
pub(crate) fn device(value: Option<&str>) -> Result<Option<DeviceProfile>, RequestError> {
    value
        .map(|v| {
            v.parse::<DeviceProfile>()
                .map_err(|e| RequestError::new(e.code(), format!("device {v:?}: {e}")))
        })
        .transpose()
}

/// An `at` option, `YYYY-MM-DD`.
///
/// # Errors
/// The core's `date_format` / `date_out_of_range`.
pub(crate) fn date(value: &str) -> Result<Date, RequestError> {
    Date::parse_iso(value).map_err(|e| RequestError::new(e.code(), format!("date {value:?}: {e}")))
}

/// A date from the parts JS `Date` reports in UTC (`month` counts from 0).
///
/// # Errors
/// `date_out_of_range` when the clock is outside years 1-9999 (a host with a
/// broken clock), so the caller sees an error rather than a wrong date.
pub(crate) fn date_from_utc_parts(year: u32, month0: u32, day: u32) -> Result<Date, RequestError> {
    let parts = (
        u16::try_from(year),
        u8::try_from(month0.saturating_add(1)),
        u8::try_from(day),
    );
    let date = match parts {
        (Ok(y), Ok(m), Ok(d)) => Date::from_ymd(y, m, d),
        _ => Err(signet_core::time::DateError::OutOfRange),
    };
    date.map_err(|e| RequestError::new(e.code(), format!("today's date from the clock: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_defaults_to_code_signing_and_parses_both() {
        assert_eq!(product(None), Ok(Product::CodeSigning));
        assert_eq!(product(Some("code_signing")), Ok(Product::CodeSigning));
        assert_eq!(product(Some("code_signing_ev")), Ok(Product::CodeSigningEv));
    }

    #[test]
    fn unknown_product_keeps_the_core_code() {
        let e = product(Some("Code_Signing")).unwrap_err();
        assert_eq!(e.code, "unknown_product");
        assert!(e.message.contains("Code_Signing"), "{}", e.message);
    }

    #[test]
    fn devices_parse_by_core_name() {
        assert_eq!(device(None), Ok(None));
        assert_eq!(device(Some("hsm")), Ok(Some(DeviceProfile::Hsm)));
        assert_eq!(device(Some("keylocker")), Ok(Some(DeviceProfile::KeyLocker)));
        let e = device(Some("yubikey")).unwrap_err();
        assert_eq!(e.code, "unknown_device_profile");
        assert!(e.message.contains("yubikey"));
    }

    #[test]
    fn dates_use_the_core_parser_and_codes() {
        assert_eq!(
            date("2026-03-01"),
            Date::from_ymd(2026, 3, 1).map_err(|_| unreachable!())
        );
        assert_eq!(date("2026-3-1").unwrap_err().code, "date_format");
        assert_eq!(date("2025-02-29").unwrap_err().code, "date_out_of_range");
    }

    #[test]
    fn clock_parts_convert_from_zero_based_months() {
        assert_eq!(
            date_from_utc_parts(2024, 1, 29),
            Date::from_ymd(2024, 2, 29).map_err(|_| unreachable!())
        );
        assert_eq!(
            date_from_utc_parts(70000, 0, 1).unwrap_err().code,
            "date_out_of_range"
        );
        assert_eq!(
            date_from_utc_parts(2025, 1, 29).unwrap_err().code,
            "date_out_of_range"
        );
    }

    /// Every code this crate raises as a literal is a row of the table, so
    /// JS can class it; today all are request errors.
    #[test]
    fn every_code_raised_is_in_the_table() {
        let text = include_str!("request.rs");
        let code = text.split("#[cfg(test)]").next().unwrap();
        let mut seen = 0;
        for (i, _) in code.match_indices("Self::new(") {
            let rest = code[i + "Self::new(".len()..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                continue;
            };
            let c = &rest[..rest.find('"').unwrap()];
            let e = RequestError::new(c, String::new());
            assert_eq!(e.domain(), Domain::InvalidRequest, "{c}");
            seen += 1;
        }
        assert!(seen >= 6, "{seen}");
        for e in [
            product(Some("x")).unwrap_err(),
            device(Some("x")).unwrap_err(),
            date("x").unwrap_err(),
        ] {
            assert_eq!(e.domain(), Domain::InvalidRequest, "{}", e.code);
        }
        assert_eq!(
            RequestError::new("no_such_code", String::new()).domain(),
            Domain::Usage
        );
    }

    #[test]
    fn js_level_errors_have_distinct_stable_codes() {
        assert_eq!(RequestError::input_type().code, "invalid_input_type");
        assert_eq!(RequestError::options_not_object().code, "invalid_options");
        let e = RequestError::unknown_option("prodcut", &["product", "at"]);
        assert_eq!(e.code, "unknown_option");
        assert!(e.message.contains("prodcut") && e.message.contains("product, at"));
        assert_eq!(RequestError::option_not_string("at").code, "invalid_option_type");
        assert_eq!(RequestError::at_not_a_day().code, "invalid_option_type");
        assert_eq!(RequestError::body_not_json().code, "invalid_input_type");
        assert_eq!(RequestError::conflicting("a", "b").code, "conflicting_options");
    }
}

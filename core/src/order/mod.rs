//! Validation of CertCentral code-signing order requests
//! (`POST /services/v2/order/certificate/{code_signing|code_signing_ev}`),
//! before they are sent, and parsing of the documented responses.
//!
//! [`validate`] parses the body with the strict [`crate::json`] parser and
//! checks every rule below, reporting **every** finding, not just the first.
//! Where the source documents disagree, the project's seed notes decide
//! (current pages win; EV orders without a provisioning method get a warning;
//! `server_platform.id` 51-57 is a warning; validity is capped by date).
//!
//! # Finding order
//!
//! Findings are sorted by the byte offset, in the body, of the value they
//! concern; a missing member is reported at the offset of the object that
//! should contain it. Findings at the same offset keep the order in which the
//! rules run, which is the order of the rule table below (fields in table
//! order, then unknown fields). So the order is deterministic and follows the
//! document from top to bottom. Malformed JSON gives exactly one error.
//!
//! # Paths
//!
//! `organization.contacts[0].job_title`: keys joined by `.`, array indices in
//! brackets, keys written as they are. The whole document is `""`.
//!
//! # Types
//!
//! *int* means a JSON number written as an integer (no fraction, no exponent)
//! that fits an `i64`; `1.0`, `"1"` and `true` are `wrong_type`, an integer
//! literal outside `i64` is `out_of_range`. *string* means a JSON string; a
//! required string must not be empty. `null` is never accepted in place of a
//! value (`wrong_type`). Lengths count Unicode scalar values, not bytes.
//!
//! # Rules
//!
//! | path | rule | finding |
//! |---|---|---|
//! | (body) | a JSON object | `json_*` errors, `json_not_object` |
//! | `certificate` | required object | `required`, `wrong_type` |
//! | `certificate.csr` | string; see [`check_csr`] | `wrong_type`, `empty_value` |
//! | `certificate.csr` | parses (PEM or DER), self-signature verifies, key allowed for the method's device profile as of the order date ([`crate::policy::check_order_csr`]) | the policy codes: `csr_malformed`, `pem_invalid`, `trailing_data`, `not_a_csr`, `csr_sha1`, `csr_signature_invalid`, `csr_signature_unverifiable`, `unsupported_key`, `key_too_small`, `exponent_invalid`, `curve_not_allowed`, `key_size_not_supported_by_device`; warnings `exponent_small`, `device_profile_unknown` |
//! | `certificate.csr` | required when `cs_provisioning_method` is `email` | `required` |
//! | `certificate.csr` | `code_signing` only, orders dated 2023-05-16 or later (table [`CODE_SIGNING_KEY_STORAGE`]): not allowed unless the method is `email` (also when the method is omitted); before 2023-05-16 a CSR is allowed with any method. 2023-05-30, from which the CA no longer issues such requests, is an issuance date and draws no finding | `csr_not_allowed` |
//! | `certificate.signature_hash` | required; `sha256`, `sha384` or `sha512` | `required`, `invalid_value` |
//! | `certificate.ca_cert_id` | string | `wrong_type` |
//! | `certificate.server_platform` | object; required when the method is `client_app` | `required` |
//! | `certificate.server_platform.id` | required int inside `server_platform`; 51-57 become -1 | `required`, warning `server_platform_converted` |
//! | `certificate.organization_units` | array of strings | `wrong_type` |
//! | `auto_renew` | int ≥ 0 | `out_of_range` |
//! | `additional_emails` | array of valid addresses | `wrong_type`, `invalid_email` |
//! | `renewal_of_order_id` | int ≥ 1 | `out_of_range` |
//! | `skip_approval` | bool | `wrong_type` |
//! | `organization_contact`, `technical_contact` | object: `first_name`, `last_name` (128), `email` (255, valid) required; `job_title` (64), `telephone` (32), `telephone_extension` (16) optional | `required`, `too_long`, `invalid_email` |
//! | `organization` | required object | `required` |
//! | `organization.id` | int ≥ 1: an existing organization; then new-organization fields are not allowed | `out_of_range`, `conflicting_fields` |
//! | `organization` (no `id`) | a new organization: `name`, `country`, `address`, `city`, `state`, `zip`, `telephone` required | `required` |
//! | `organization.name` | 64 characters | `too_long` |
//! | `organization.assumed_name` | `name` + `assumed_name` ≤ 61 characters | `too_long` |
//! | `organization.country` | ISO 3166-1 alpha-2, officially assigned, any case | `invalid_country` |
//! | `organization.address`, `.address2`, `.city`, `.state` | 64 characters | `too_long` |
//! | `organization.zip` / `.telephone` | 128 / 32 characters | `too_long` |
//! | `organization.skip_duplicate_org_check` | bool | `wrong_type` |
//! | `organization.contacts[i]` | object; `contact_type` required: `organization_contact`, `technical_contact`, `verified_contact`; legacy `ev_approver` | `invalid_value`, warning `legacy_contact_type` |
//! | `organization.contacts[i]` | `user_id` (int ≥ 1 or non-empty string), or details: `first_name`, `last_name`, `email` required; `job_title`, `telephone` also for verified contacts; limits as for order-level contacts | `required`, `too_long`, `invalid_email` |
//! | `organization.contacts` (new organization) | at least one `organization_contact` (seed 001, "Use a new organization"; the root-level `organization_contact` does not count); at least one `verified_contact` (or `ev_approver`), else a warning: the CA adds the API key's owner by default. Not checked when `contacts` is not an array | `organization_contact_missing`, warning `verified_contact_missing` |
//! | `container.id` | required int ≥ 1 | `required`, `out_of_range` |
//! | `order_validity` | required object, unless a deprecated root validity field is given | `required` |
//! | `order_validity.years` | int 1-3 | `out_of_range` |
//! | `order_validity.days` | int ≥ 1; overrides `years` | `out_of_range`, warning `validity_overridden` on `years` |
//! | `order_validity.custom_expiration_date` | `dd MMM YYYY`, after the order date; overrides `days` and `years` | `invalid_date`, `expiration_not_in_future`, warning `validity_overridden` |
//! | `order_validity` | one of `years`, `days`, `custom_expiration_date` | `required` at `order_validity.years` |
//! | `validity_years` (root) | deprecated; int 1-3 | warning `deprecated_field`, `out_of_range` |
//! | `custom_expiration_date` (root) | deprecated; `yyyy-MM-dd`, after the order date; overrides `validity_years` | warning `deprecated_field`, `invalid_date`, `expiration_not_in_future` |
//! | root validity fields | overridden by `order_validity` when both are given | warning `validity_overridden` |
//! | effective validity | at most the cap in force on the order date (table [`VALIDITY_CAPS`]): 3 years, and 459 days from 2026-03-01 | `validity_too_long` |
//! | `cs_provisioning_method` | `ship_token`, `client_app`, `email`, `keylocker`; `code_signing_ev` orders should set it | `invalid_value`, warning `provisioning_method_missing` |
//! | `ship_info` | object; with a method other than `ship_token` it is ignored (warning, contents not checked) | warning `field_ignored` |
//! | `ship_info.*` | `name`, `addr1`, `city`, `state`, `zip`, `country`, `method` required, `addr2` optional; `method` is `STANDARD` or `EXPEDITED` | `required`, `invalid_value` |
//! | `subject.email` | valid address; ignored for `code_signing_ev` | `invalid_email`, warning `field_ignored` |
//! | `custom_fields` | array of objects with `metadata_id` (int ≥ 1) and `value` (string) | `wrong_type`, `required` |
//! | `payment_method` | `balance`, `card`, `profile` | `invalid_value` |
//! | `credit_card` | required object when the method is `card`; ignored otherwise | `required`, warning `field_ignored` |
//! | `credit_card.number` | digits only; 12-19 digits passing the Luhn check | `invalid_format`, `invalid_card_number` |
//! | `credit_card.expiration_month` / `.expiration_year` | int 1-12 / four-digit int; not before the order month | `out_of_range`, `card_expired` |
//! | `credit_card.cvv`, `.cardholder_name` | 3-4 digit int; string | `out_of_range`, `required` |
//! | `billing_address` | required object when the method is `card` (`address`, `city`, `country` required; `address2`, `state`, `zip` optional); ignored otherwise | `required`, warning `field_ignored` |
//! | `vat_number` | string; only used with `card` or `profile` | warning `field_ignored` |
//! | `alternative_order_id` | 1-64 ASCII letters and digits | `too_long`, `invalid_format` |
//! | `enable_guest_access` | int 0 or 1 | `invalid_value` |
//! | any object | members the documentation does not list | warning `unknown_field` |
//!
//! A field reported as `field_ignored` is not validated further: the CA will
//! not read it. Ignored fields and overridden validity values are warnings, so
//! the documentation's own examples stay valid.
//!
//! # Effective dates
//!
//! Rules that changed over time are evaluated on the order date `at` given to
//! [`validate`] (days start at midnight UTC, the date is inclusive). Each date
//! is data in a table, not a condition in a check.
//!
//! | from | governs | table | source |
//! |---|---|---|---|
//! | 2021-05-28 | `certificate.csr`: RSA keys below 3072 bits are `key_too_small`, on both products | [`crate::policy::KEY_RULES`] ([`crate::policy::RSA_3072_FROM`]) | seed 001 |
//! | 2023-05-16 | `certificate.csr` on `code_signing`: only with the `email` method (`csr_not_allowed`) | [`CODE_SIGNING_KEY_STORAGE`] | seed 001 |
//! | 2023-05-16 | `certificate.csr` with no device profile (method omitted or invalid), on both products: warning `device_profile_unknown` (keys must be on certified hardware) | [`crate::policy::KEY_RULES`] ([`crate::policy::HARDWARE_REQUIRED_FROM`]) | seed 001 |
//! | 2023-05-30 | nothing in `validate`: the CA stops issuing requests that were accepted without meeting the key-storage rule (an issuance date) | [`CODE_SIGNING_KEY_STORAGE`] | seed 001 |
//! | 2026-03-01 | effective validity at most 459 days (`validity_too_long`) | [`VALIDITY_CAPS`] | CA/B Forum CSC-31 |
//!
//! 2021-06-01 is not an order date: it is the signing-time rule (RSA-2048
//! certificates issued before it stay usable until they expire, seed 003),
//! [`crate::policy::SIGNING_KEY_RULES`], used by `cert check` and the sign path.
//!
//! # Finding codes
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `json_syntax` | error | not JSON (RFC 8259 grammar) |
//! | `json_invalid_utf8` | error | not UTF-8 |
//! | `json_bom` | error | starts with a byte order mark |
//! | `json_lone_surrogate` | error | a `\u` escape encodes a lone surrogate |
//! | `json_duplicate_key` | error | a key appears twice in one object (path of the duplicate) |
//! | `json_too_deep` | error | nested deeper than 64 |
//! | `json_too_large` | error | larger than 1 MiB |
//! | `json_not_object` | error | the body is JSON but not an object |
//! | `required` | error | a required (or conditionally required) field is missing |
//! | `wrong_type` | error | a value of the wrong JSON type |
//! | `empty_value` | error | a required string is empty |
//! | `invalid_value` | error | not one of the allowed values |
//! | `out_of_range` | error | a number outside its range |
//! | `too_long` | error | a string over its character limit |
//! | `invalid_format` | error | a string not in its format |
//! | `invalid_email` | error | not an email address (see [`is_valid_email`]) |
//! | `invalid_country` | error | not an ISO 3166-1 alpha-2 code |
//! | `invalid_date` | error | a date not in its format, or not in the calendar |
//! | `invalid_card_number` | error | card number length or Luhn check fails |
//! | `card_expired` | error | card expires before the order date |
//! | `expiration_not_in_future` | error | a custom expiration date on or before the order date |
//! | `validity_too_long` | error | effective validity over the cap in force |
//! | `csr_not_allowed` | error | `code_signing` CSR without the `email` method, order dated 2023-05-16 or later |
//! | `conflicting_fields` | error | existing organization `id` with new-organization details |
//! | `organization_contact_missing` | error | a new organization without an `organization_contact` in `organization.contacts` |
//! | `unknown_field` | warning | a field the documentation does not list |
//! | `deprecated_field` | warning | root `validity_years` / `custom_expiration_date` |
//! | `validity_overridden` | warning | a validity value another one overrides |
//! | `legacy_contact_type` | warning | `ev_approver` (use `verified_contact`) |
//! | `server_platform_converted` | warning | `server_platform.id` 51-57, converted to -1 by the CA |
//! | `provisioning_method_missing` | warning | EV order without `cs_provisioning_method` (account default applies) |
//! | `field_ignored` | warning | a field the CA ignores for this order |
//! | `verified_contact_missing` | warning | a new organization without a `verified_contact` (the CA adds the API key's owner) |

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;

use crate::json;
use crate::time::Date;

mod countries;
mod response;
mod rules;

pub use response::{OrderResponse, RequestInfo, RequestStatus, ResponseError, parse_response};
pub use rules::{
    CODE_SIGNING_KEY_STORAGE, KeyStorageRule, VALIDITY_CAPS, ValidityCap, ValidityLimit, check_csr,
    is_valid_email, key_storage_rule_at, luhn_valid,
};

/// The product being ordered (the last segment of the order URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Product {
    /// OV code signing, `code_signing`.
    CodeSigning,
    /// EV code signing, `code_signing_ev`.
    CodeSigningEv,
}

impl Product {
    /// Every product. Product names have no aliases.
    pub const ALL: [Product; 2] = [Product::CodeSigning, Product::CodeSigningEv];

    /// The product identifier, `code_signing` or `code_signing_ev`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Product::CodeSigning => "code_signing",
            Product::CodeSigningEv => "code_signing_ev",
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown product identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownProduct;

impl crate::ErrorCode for UnknownProduct {
    fn code(&self) -> &'static str {
        "unknown_product"
    }
}

impl fmt::Display for UnknownProduct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown product (expected code_signing or code_signing_ev)")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for UnknownProduct {}

impl FromStr for Product {
    type Err = UnknownProduct;

    /// Parses `code_signing` or `code_signing_ev` (exactly; identifiers are case-sensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "code_signing" => Ok(Product::CodeSigning),
            "code_signing_ev" => Ok(Product::CodeSigningEv),
            _ => Err(UnknownProduct),
        }
    }
}

pub use crate::Severity;

/// One problem found in an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Where: `organization.contacts[0].job_title`; `""` for the whole document.
    pub path: String,
    /// Stable code from the table in the module docs.
    pub code: &'static str,
    /// Human-readable explanation (may change between releases; match on `code`).
    pub message: String,
}

/// Every finding for one order, in the documented order.
///
/// This is also the report shape of the key-policy checks
/// ([`crate::policy::check_csr`], [`crate::policy::check_certificate`],
/// [`crate::policy::check_spki`]): collect their findings into a `Report` with
/// [`Report::from_policy_findings`], so the CLI and every binding emit one shape.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    findings: Vec<Finding>,
}

impl From<crate::policy::PolicyFinding> for Finding {
    fn from(f: crate::policy::PolicyFinding) -> Self {
        Finding {
            severity: f.severity,
            path: String::from(f.path),
            code: f.code,
            message: f.message,
        }
    }
}

impl FromIterator<Finding> for Report {
    fn from_iter<I: IntoIterator<Item = Finding>>(iter: I) -> Self {
        Report {
            findings: iter.into_iter().collect(),
        }
    }
}

impl Report {
    /// A report of key-policy findings, in the order the policy gave them
    /// (paths relative to the checked file: `""`, `key`, `signature`, `validity`).
    pub fn from_policy_findings(findings: Vec<crate::policy::PolicyFinding>) -> Report {
        findings.into_iter().map(Finding::from).collect()
    }

    /// The findings, in document order (see the module docs).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// True when there is no error (warnings allowed).
    pub fn is_valid(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Number of findings with `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    /// The report as JSON, exactly
    /// `{"valid": bool, "findings": [{"severity": "error"|"warning", "path": string, "code": string, "message": string}, ...]}`
    /// (one space after each `:` and `,`, no newlines). The CLI and every binding emit this.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"valid\": ");
        out.push_str(if self.is_valid() { "true" } else { "false" });
        out.push_str(", \"findings\": [");
        for (i, f) in self.findings.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str("{\"severity\": ");
            push_json_string(&mut out, f.severity.as_str());
            out.push_str(", \"path\": ");
            push_json_string(&mut out, &f.path);
            out.push_str(", \"code\": ");
            push_json_string(&mut out, f.code);
            out.push_str(", \"message\": ");
            push_json_string(&mut out, &f.message);
            out.push('}');
        }
        out.push_str("]}");
        out
    }
}

/// Appends `s` as a JSON string literal (RFC 8259 §7: quote, backslash and
/// control characters escaped; everything else as UTF-8).
fn push_json_string(out: &mut String, s: &str) {
    use core::fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Validates an order request body for `product`, as of the order date `at`
/// (the date rules such as the validity cap are evaluated on it).
///
/// Never fails and never panics: malformed input is reported as a single
/// `json_*` finding at path `""` (or at the duplicate's path for
/// `json_duplicate_key`).
pub fn validate(body: &[u8], product: Product, at: Date) -> Report {
    let value = match json::parse(body) {
        Ok(v) => v,
        Err(e) => {
            use crate::ErrorCode;
            return Report {
                findings: alloc::vec![Finding {
                    severity: Severity::Error,
                    path: String::from(e.path()),
                    code: e.code(),
                    message: alloc::format!("{e}"),
                }],
            };
        }
    };
    let Some(root) = value.as_object() else {
        return Report {
            findings: alloc::vec![Finding {
                severity: Severity::Error,
                path: String::new(),
                code: "json_not_object",
                message: alloc::format!("the order must be a JSON object, not {}", value.type_name()),
            }],
        };
    };
    let mut ctx = rules::Ctx::new(product, at);
    rules::check_order(&mut ctx, root, value.offset);
    Report {
        findings: ctx.finish(),
    }
}

#[cfg(test)]
mod tests;

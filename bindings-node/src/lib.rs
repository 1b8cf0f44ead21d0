//! Node bindings for Signet (napi-rs): a state directory through
//! `signet-host` (the `State` class: signing files and digests, verifying,
//! budgets, grants), the checks of `signet-core` (orders, CSRs,
//! certificates, public keys) and its in-memory budget and grant objects.
//!
//! A binding converts types and maps errors, nothing more: every rule lives
//! in `signet-core`, every file, ledger and clock concern in `signet-host`.
//! This crate turns JS values into Rust ones (numbers range-checked,
//! [`num`]), calls the core or the host, and turns results into JS values and
//! errors into JS `Error`s carrying a code from the one table of codes and
//! its domain ([`error`]). The idiomatic API (option objects, `Date`s, error
//! classes by domain) is the `index.js` wrapper; `index.d.ts` types it.
//!
//! Every export is `#[napi(catch_unwind)]`, and every asynchronous task
//! catches panics itself: a panic becomes a thrown error, never an abort of
//! the Node process.

mod error;
mod num;
mod objects;
mod policy;
mod state;

pub use error::{Failure, Field, domain_of};
pub use objects::{Budget, Grant, SignerPolicy, SigningRequest};
pub use policy::{check_certificate, check_csr, check_public_key};
pub use state::{State, init_state, open_or_create_state, open_state, verify_file};

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use error::{OrThrow, Res};
use signet_core::time::Date;
use signet_core::{ErrorCode, order};

/// The version of the core these bindings wrap.
#[napi(catch_unwind)]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// One finding of a report.
#[napi(object)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `"error"` or `"warning"`.
    pub severity: String,
    /// Where (`organization.contacts[0].job_title`, `key`, `""`).
    pub path: String,
    /// The core's stable code.
    pub code: String,
    /// A human message.
    pub message: String,
}

/// A validation or key-policy report.
#[napi(object)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// False when any finding is an error.
    pub valid: bool,
    /// Every finding, in the core's order.
    pub findings: Vec<Finding>,
}

/// `YYYY-MM-DD` → core date (core codes `date_format`, `date_out_of_range`).
pub(crate) fn date(s: &str) -> Res<Date> {
    Ok(Date::parse_iso(s)?)
}

/// Validates a certificate order body (JSON bytes) for `product` on `at`.
#[napi(catch_unwind)]
pub fn validate_order(env: Env, body: Buffer, product: Option<String>, at: String) -> napi::Result<Report> {
    let run = || -> Res<Report> {
        let product = product.as_deref().unwrap_or("code_signing");
        let product = product
            .parse::<order::Product>()
            .map_err(|e| Failure::new(e.code(), format!("product {product:?}: {e}")))?;
        let report = order::validate(&body, product, date(&at)?);
        Ok(Report {
            valid: report.is_valid(),
            findings: report
                .findings()
                .iter()
                .map(|f| Finding {
                    severity: f.severity.as_str().into(),
                    path: f.path.clone(),
                    code: f.code.into(),
                    message: f.message.clone(),
                })
                .collect(),
        })
    };
    run().or_throw(&env)
}

/// One row of the table of codes.
#[napi(object)]
pub struct CodeInfo {
    /// The stable snake_case code.
    pub code: String,
    /// Its number in the C ABI.
    pub number: u32,
    /// What it is about (`invalid_request`, `budget`, `sign`, ...): the JS
    /// error class follows from it.
    pub domain: String,
    /// A short fixed description.
    pub description: String,
}

fn code_info(row: &signet_core::codes::Code) -> CodeInfo {
    CodeInfo {
        code: row.code.into(),
        number: row.number,
        domain: row.domain.name().into(),
        description: row.description.into(),
    }
}

/// Every row of the table of codes (`signet_core::codes::TABLE`).
#[napi(catch_unwind)]
pub fn codes() -> Vec<CodeInfo> {
    signet_core::codes::TABLE.iter().map(code_info).collect()
}

/// The row of one code, or `null`.
#[napi(catch_unwind)]
pub fn code_info_of(code: String) -> Option<CodeInfo> {
    signet_core::codes::lookup(&code).map(code_info)
}

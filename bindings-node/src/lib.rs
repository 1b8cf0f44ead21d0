//! Node bindings for `signet-core` (napi-rs).
//!
//! A binding converts types and maps errors, nothing more: every rule lives in
//! `signet-core`. This crate turns JS values (Buffers, strings, numbers of
//! seconds, option objects) into core types, calls the core, and turns core
//! results and errors back into plain JS objects and JS `Error`s carrying the
//! core's `code` ([`error`]). The idiomatic API (option objects, `Date`s,
//! error classes) is the `index.js` wrapper; `index.d.ts` types it.
//!
//! Every export is `#[napi(catch_unwind)]`: a panic becomes a thrown error,
//! never an abort of the Node process.

mod error;
mod objects;
mod policy;
mod sign;
mod token;

pub use error::{Failure, Field, Kind};
pub use objects::{Budget, CounterStore, Grant, SignerPolicy, SigningRequest};
pub use policy::{check_certificate, check_csr, check_spki};
pub use sign::Signer;
pub use token::SoftwareToken;

use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use error::{OrThrow, Res};
use signet_core::order;
use signet_core::time::{Date, UnixTime};

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

/// Whole seconds since the epoch, as given by JS.
pub(crate) fn time(secs: i64) -> UnixTime {
    UnixTime(secs)
}

/// Validates a certificate order body (JSON bytes) for `product` on `at`.
#[napi(catch_unwind)]
pub fn validate_order(env: Env, body: Buffer, product: Option<String>, at: String) -> napi::Result<Report> {
    let run = || -> Res<Report> {
        let product = product.as_deref().unwrap_or("code_signing");
        let product = product.parse::<order::Product>().map_err(|e| {
            Failure::request(
                signet_core::ErrorCode::code(&e),
                format!("product {product:?}: {e}"),
            )
        })?;
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

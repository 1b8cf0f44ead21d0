//! `signet validate`: check a code-signing order request before it is sent.

use std::path::PathBuf;

use clap::Args;
use signet_core::order::{self, Finding, Product, Report, Severity};

use crate::Global;
use crate::output::{Outcome, Run};

/// Largest input the CLI reads for a check. Order bodies are limited to
/// 1 MiB by the JSON parser; CSRs and certificates are far smaller.
pub const INPUT_LIMIT: u64 = 1024 * 1024;

/// The date to check at: `--at`, else today (UTC).
pub fn date_at(
    at: Option<signet_core::time::Date>,
    g: &Global,
) -> signet_host::Result<signet_core::time::Date> {
    match at {
        Some(d) => Ok(d),
        None => {
            let now = g.open_options()?.clock.now();
            now.date().map_err(|e| {
                signet_host::Error::failed("time_invalid", format!("the clock is out of range: {e}"))
            })
        }
    }
}

/// Parses `--at YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<signet_core::time::Date, String> {
    signet_core::time::Date::parse_iso(s)
        .map_err(|e| format!("invalid date {s:?} (expected YYYY-MM-DD): {e}"))
}

/// Prints a check report: `{"ok": true, "valid": ..., "findings": [...]}`
/// with `--json` (core's encoding, keys in the documented order), else `text()`.
pub fn print_report(json_out: bool, report: &Report, text: impl FnOnce() -> String) {
    if json_out {
        let body = report.to_json();
        crate::output::line(&format!(
            "{{\"ok\": true, {}",
            body.strip_prefix('{').unwrap_or(&body)
        ));
    } else {
        crate::output::out(&text());
    }
}

/// Arguments of `signet validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Product being ordered.
    #[arg(long, value_name = "PRODUCT", default_value = "code_signing", value_parser = crate::names::product())]
    product: Product,
    /// Order date the date-dependent rules are evaluated on (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    at: Option<signet_core::time::Date>,
    /// The order request body, or `-` for standard input.
    #[arg(value_name = "FILE|-")]
    input: PathBuf,
}

/// Runs the subcommand.
pub fn run(args: &ValidateArgs, g: &Global) -> Run {
    let body = signet_host::fsio::read_limited(&args.input, INPUT_LIMIT)?;
    let at = date_at(args.at, g)?;
    let report = order::validate(&body, args.product, at);
    print_report(g.json, &report, || human(&report, args.product, at));
    Ok(if report.is_valid() {
        Outcome::Ok
    } else {
        Outcome::Refused
    })
}

/// Text report: findings grouped by path (paths with errors first, each in
/// report order), errors before warnings inside a group, then a summary line.
fn human(report: &Report, product: Product, at: signet_core::time::Date) -> String {
    let mut paths: Vec<&str> = Vec::new();
    for f in report.findings() {
        if !paths.contains(&f.path.as_str()) {
            paths.push(&f.path);
        }
    }
    let has_error = |p: &str| {
        report
            .findings()
            .iter()
            .any(|f| f.path == p && f.severity == Severity::Error)
    };
    // Stable sort keeps report order within each class.
    paths.sort_by_key(|p| !has_error(p));
    let mut out = String::new();
    for path in paths {
        let label = if path.is_empty() { "(document)" } else { path };
        out.push_str(label);
        out.push_str(":\n");
        let group: Vec<&Finding> = report.findings().iter().filter(|f| f.path == path).collect();
        for sev in [Severity::Error, Severity::Warning] {
            for f in group.iter().filter(|f| f.severity == sev) {
                out.push_str(&format!("  {:<7} {}: {}\n", sev.as_str(), f.code, f.message));
            }
        }
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    out.push_str(&format!(
        "{}: {} error{}, {} warning{} ({product}, order date {at})\n",
        if report.is_valid() { "valid" } else { "invalid" },
        errors,
        if errors == 1 { "" } else { "s" },
        warnings,
        if warnings == 1 { "" } else { "s" },
    ));
    out
}

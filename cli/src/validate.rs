//! `signet validate`: check a code-signing order request before it is sent.

use std::path::PathBuf;

use clap::Args;
use signet_core::order::{self, Finding, Product, Report, Severity};

use crate::common::{self, Outcome};

/// Arguments of `signet validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Product being ordered.
    #[arg(long, value_name = "PRODUCT", default_value = "code_signing", value_parser = parse_product)]
    product: Product,
    /// Order date the date-dependent rules are evaluated on (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = common::parse_date)]
    at: Option<signet_core::time::Date>,
    /// Print the report as JSON (`{"valid": ..., "findings": [...]}`) instead of text.
    #[arg(long)]
    json: bool,
    /// The order request body, or `-` for standard input.
    #[arg(value_name = "FILE|-")]
    input: PathBuf,
}

fn parse_product(s: &str) -> Result<Product, String> {
    s.parse::<Product>().map_err(|e| e.to_string())
}

/// Runs the subcommand.
pub fn run(args: &ValidateArgs) -> Outcome {
    let body = match common::read_input(&args.input) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(e),
    };
    let at = args.at.unwrap_or_else(common::today);
    let report = order::validate(&body, args.product, at);
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", human(&report, args.product, at));
    }
    if report.is_valid() {
        Outcome::Ok
    } else {
        Outcome::Refused
    }
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

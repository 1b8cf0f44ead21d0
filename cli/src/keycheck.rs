//! `signet csr check` and `signet cert check`: the key-size policy from a shell.
//!
//! Output has the same shape as `signet validate --json`:
//! `{"valid": bool, "findings": [{"severity", "path", "code", "message"}]}`.
//! `path` is `""` for the file as a whole (unparseable input), `"key"` for
//! the public key, `"signature"` for a CSR's self-signature and `"validity"`
//! for a certificate's dates. Errors come before warnings.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use signet_core::order::Report;
use signet_core::policy::{self, DeviceProfile, PolicyFinding, Severity};
use signet_core::time::{Date, UnixTime};

use crate::Global;
use crate::output::{Outcome, Run};
use crate::validate::{INPUT_LIMIT, date_at, parse_date, print_report};

/// `signet csr ...`
#[derive(Debug, Subcommand)]
pub enum CsrCommand {
    /// Check a CSR (PEM or DER): self-signature, key type and size for a device on a date.
    Check(CsrCheckArgs),
}

/// `signet cert ...`
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Check a certificate (PEM or DER) for signing: validity and key rules at a date.
    Check(CertCheckArgs),
}

/// Arguments of `signet csr check`.
#[derive(Debug, Args)]
pub struct CsrCheckArgs {
    /// The CSR file, or - for standard input.
    file: PathBuf,
    /// Key-storage device: etoken-5110-cc, etoken-5110-fips, etoken-5110 (either model), hsm, keylocker.
    #[arg(long, value_name = "PROFILE", value_parser = parse_device)]
    device: Option<DeviceProfile>,
    /// Check as of this date (YYYY-MM-DD, UTC). Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    at: Option<Date>,
}

/// Arguments of `signet cert check`.
#[derive(Debug, Args)]
pub struct CertCheckArgs {
    /// The certificate file, or - for standard input.
    file: PathBuf,
    /// Check for signing at this time: YYYY-MM-DD (its first second, UTC),
    /// RFC 3339 or UNIX seconds. Default: now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

fn parse_device(s: &str) -> Result<DeviceProfile, String> {
    s.parse::<DeviceProfile>().map_err(|e| e.to_string())
}

/// Runs `signet csr ...`.
pub fn run_csr(command: CsrCommand, g: &Global) -> Run {
    let CsrCommand::Check(args) = command;
    let input = signet_host::fsio::read_limited(&args.file, INPUT_LIMIT)?;
    let at = date_at(args.at, g)?;
    let key = policy::parse_csr(&input)
        .ok()
        .map(|csr| csr.key_info().to_string());
    Ok(report(policy::check_csr(&input, args.device, at), key, g.json))
}

/// Runs `signet cert ...`.
pub fn run_cert(command: CertCommand, g: &Global) -> Run {
    let CertCommand::Check(args) = command;
    let input = signet_host::fsio::read_limited(&args.file, INPUT_LIMIT)?;
    let at: UnixTime = match &args.at {
        Some(t) => signet_host::clock::parse_date_or_time(t)?,
        None => g.open_options()?.clock.now(),
    };
    let key = policy::certificate_der_from_pem_or_der(&input)
        .ok()
        .and_then(|der| {
            policy::CertificateRef::from_der(&der)
                .ok()
                .map(|c| c.key_info().to_string())
        });
    Ok(report(policy::check_certificate(&input, at), key, g.json))
}

fn report(findings: Vec<PolicyFinding>, key: Option<String>, as_json: bool) -> Outcome {
    let report = Report::from_policy_findings(findings);
    print_report(as_json, &report, || {
        let mut out = String::new();
        if let Some(key) = key {
            out.push_str(&format!("key: {key}\n"));
        }
        // Errors first, each group in the order found.
        for severity in [Severity::Error, Severity::Warning] {
            for f in report.findings().iter().filter(|f| f.severity == severity) {
                let path = if f.path.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", f.path)
                };
                out.push_str(&format!("{}[{}]{path}: {}\n", f.severity, f.code, f.message));
            }
        }
        let verdict = if report.is_valid() { "valid" } else { "invalid" };
        out.push_str(&format!(
            "{verdict}: {} error(s), {} warning(s)\n",
            report.count(Severity::Error),
            report.count(Severity::Warning)
        ));
        out
    });
    if report.is_valid() {
        Outcome::Ok
    } else {
        Outcome::Refused
    }
}

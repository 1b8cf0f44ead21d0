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

use serde_json::json;
use signet_host::ImportOptions;

use crate::Global;
use crate::output::{Outcome, Run, answer, line, out, to_value};
use crate::validate::{INPUT_LIMIT, date_at, parse_date, print_report};

/// `signet csr ...`
#[derive(Debug, Subcommand)]
pub enum CsrCommand {
    /// Check a CSR (PEM or DER): self-signature, key type and size for a device on a date.
    Check(CsrCheckArgs),
    /// Make a PKCS#10 CSR for the state's key, signed by it (on its token).
    New(CsrNewArgs),
}

/// `signet cert ...`
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Check a certificate (PEM or DER) for signing: validity and key rules at a date.
    Check(CertCheckArgs),
    /// Install the certificate the CA issued for the state's key (it gets its own budget).
    Import(CertImportArgs),
}

/// Arguments of `signet csr new`.
#[derive(Debug, Args)]
pub struct CsrNewArgs {
    /// The subject, RFC 4514: "CN=Example Corp,O=Example Corp,C=US".
    #[arg(long, value_name = "DN")]
    subject: String,
    /// Write the CSR here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// DER instead of PEM.
    #[arg(long)]
    der: bool,
}

/// Arguments of `signet cert import`.
#[derive(Debug, Args)]
pub struct CertImportArgs {
    /// The certificate (PEM or DER), or - for standard input.
    file: PathBuf,
    /// Signatures in its budget (default 1,000).
    #[arg(long)]
    budget: Option<u64>,
    /// Its assigned signer (default: the current certificate's).
    #[arg(long, value_name = "NAME")]
    signer: Option<String>,
}

/// Arguments of `signet csr check`.
#[derive(Debug, Args)]
pub struct CsrCheckArgs {
    /// The CSR file, or - for standard input.
    file: PathBuf,
    /// Key-storage device: etoken-5110-cc, etoken-5110-fips, etoken-5110 (either model), hsm, keylocker.
    #[arg(long, value_name = "PROFILE", value_parser = crate::names::device())]
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

/// Runs `signet csr ...`.
pub fn run_csr(command: CsrCommand, g: &Global) -> Run {
    let args = match command {
        CsrCommand::Check(args) => args,
        CsrCommand::New(args) => return run_csr_new(&args, g),
    };
    let input = signet_host::fsio::read_limited(&args.file, INPUT_LIMIT)?;
    let at = date_at(args.at, g)?;
    let key = policy::parse_csr(&input)
        .ok()
        .map(|csr| csr.key_info().to_string());
    Ok(report(policy::check_csr(&input, args.device, at), key, g.json))
}

/// `signet csr new`.
fn run_csr_new(a: &CsrNewArgs, g: &Global) -> Run {
    let der = g.open()?.certification_request(&a.subject)?;
    let pem = signet_host::key::csr_pem(&der);
    let bytes = if a.der {
        der.clone()
    } else {
        pem.clone().into_bytes()
    };
    match &a.out {
        Some(path) => {
            signet_host::fsio::write_output(path, &bytes)?;
            answer(
                g.json,
                json!({ "out": path.display().to_string(), "csr_pem": pem }),
                || format!("{}\n", path.display()),
            );
        }
        None if g.json => line(&json!({ "ok": true, "csr_pem": pem }).to_string()),
        None if a.der => {
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(&der);
        }
        None => out(&pem),
    }
    Ok(Outcome::Ok)
}

/// `signet cert import`.
fn run_cert_import(a: &CertImportArgs, g: &Global) -> Run {
    let input = signet_host::fsio::read_limited(&a.file, INPUT_LIMIT)?;
    let options = ImportOptions {
        budget: a.budget,
        signer: a.signer.clone(),
    };
    let (_state, report) = g.open()?.import_certificate(&input, &options)?;
    answer(g.json, to_value(&report), || {
        format!(
            "installed {} ({})\n  budget    {} signatures{}\n  replaces  {} (its budget stays)\n",
            report.certificate.subject,
            report.certificate.fingerprint,
            report.budget.total,
            if report.budget_created {
                ""
            } else {
                " (its existing budget)"
            },
            report.previous_fingerprint
        )
    });
    Ok(Outcome::Ok)
}

/// Runs `signet cert ...`.
pub fn run_cert(command: CertCommand, g: &Global) -> Run {
    let args = match command {
        CertCommand::Check(args) => args,
        CertCommand::Import(args) => return run_cert_import(&args, g),
    };
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

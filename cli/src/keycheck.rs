//! `signet csr check` and `signet cert check`: the key-size policy from a shell.
//!
//! Output has the same shape as `signet validate --json`:
//! `{"valid": bool, "findings": [{"severity", "path", "code", "message"}]}`.
//! `path` is `""` for the file as a whole (unparseable input), `"key"` for
//! the public key, `"signature"` for a CSR's self-signature and `"validity"`
//! for a certificate's dates. Errors come before warnings.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use signet_core::policy::{self, DeviceProfile, PolicyFinding, Severity};
use signet_core::time::Date;

use crate::common::{self, Outcome};

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
    #[arg(long, value_name = "DATE", value_parser = common::parse_date)]
    at: Option<Date>,
    /// Print JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// Arguments of `signet cert check`.
#[derive(Debug, Args)]
pub struct CertCheckArgs {
    /// The certificate file, or - for standard input.
    file: PathBuf,
    /// Check for signing at midnight UTC starting this date (YYYY-MM-DD). Default: today.
    #[arg(long, value_name = "DATE", value_parser = common::parse_date)]
    at: Option<Date>,
    /// Print JSON on stdout.
    #[arg(long)]
    json: bool,
}

fn parse_device(s: &str) -> Result<DeviceProfile, String> {
    s.parse::<DeviceProfile>().map_err(|e| e.to_string())
}

/// Runs `signet csr ...`.
pub fn run_csr(command: CsrCommand) -> Outcome {
    let CsrCommand::Check(args) = command;
    let input = match common::read_input(&args.file) {
        Ok(bytes) => bytes,
        Err(message) => return Outcome::Failed(message),
    };
    let at = args.at.unwrap_or_else(common::today);
    let key = policy::parse_csr(&input)
        .ok()
        .map(|csr| csr.key_info().to_string());
    report(policy::check_csr(&input, args.device, at), key, args.json)
}

/// Runs `signet cert ...`.
pub fn run_cert(command: CertCommand) -> Outcome {
    let CertCommand::Check(args) = command;
    let input = match common::read_input(&args.file) {
        Ok(bytes) => bytes,
        Err(message) => return Outcome::Failed(message),
    };
    let at = args.at.unwrap_or_else(common::today);
    let key = policy::certificate_der_from_pem_or_der(&input)
        .ok()
        .and_then(|der| {
            policy::CertificateRef::from_der(&der)
                .ok()
                .map(|c| c.key_info().to_string())
        });
    report(policy::check_certificate(&input, at.start()), key, args.json)
}

fn report(mut findings: Vec<PolicyFinding>, key: Option<String>, as_json: bool) -> Outcome {
    // Stable: errors first, each group in the order found.
    findings.sort_by_key(|f| f.severity);
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    let valid = errors == 0;
    if as_json {
        // The fixed shape of `signet validate --json`, written by hand so the
        // key order is `valid`, `findings` and each finding's keys are in the
        // documented order.
        let list: Vec<String> = findings
            .iter()
            .map(|f| {
                format!(
                    "{{\"severity\":{},\"path\":{},\"code\":{},\"message\":{}}}",
                    json_string(f.severity.as_str()),
                    json_string(f.path),
                    json_string(f.code),
                    json_string(&f.message)
                )
            })
            .collect();
        println!("{{\"valid\":{valid},\"findings\":[{}]}}", list.join(","));
    } else {
        if let Some(key) = key {
            println!("key: {key}");
        }
        for f in &findings {
            let path = if f.path.is_empty() {
                String::new()
            } else {
                format!(" at {}", f.path)
            };
            println!("{}[{}]{path}: {}", f.severity, f.code, f.message);
        }
        let verdict = if valid { "valid" } else { "invalid" };
        println!("{verdict}: {errors} error(s), {warnings} warning(s)");
    }
    if valid { Outcome::Ok } else { Outcome::Refused }
}

/// A JSON string literal (RFC 8259: quote, backslash and control characters escaped).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::json_string;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("plain"), "\"plain\"");
        assert_eq!(json_string("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\u0001é\"");
        let parsed: String = serde_json::from_str(&json_string("x\"\\\t\u{7}y")).unwrap();
        assert_eq!(parsed, "x\"\\\t\u{7}y");
    }
}

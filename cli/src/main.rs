//! `signet`: Signet's engine from a shell.
//!
//! Exit codes are the same for every subcommand:
//! - 0: success (a valid order, an allowed key, a signature made);
//! - 1: the input was checked and refused (invalid order, key not allowed,
//!   budget exhausted, ...), malformed input included;
//! - 2: a usage or I/O error (bad flag, unreadable file, broken state).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod budget;
mod common;
mod grant;
mod keycheck;
mod sign;
mod validate;

/// Signet: policy engine and enforced sign primitive for code-signing keys.
#[derive(Debug, Parser)]
#[command(name = "signet", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    // Each subcommand lives in its own module and adds one variant here.
    /// Check a code-signing order request body against the CertCentral rules.
    Validate(validate::ValidateArgs),
    /// Certificate signing requests: check against the key policy.
    #[command(subcommand)]
    Csr(keycheck::CsrCommand),
    /// Certificates: without a subcommand, print the signing certificate (PEM);
    /// `check` checks one against the key policy.
    Cert(CertArgs),
    /// Signature budgets: show, buy, revoke, assign the signer.
    Budget(budget::BudgetArgs),
    /// Signing access: policies, requests, approvals, grants.
    Grant(grant::GrantArgs),
    /// Sign files: FILE.p7s (detached CMS) for each, counted against the budget.
    Sign(sign::SignArgs),
    /// Verify FILE against FILE.p7s and its embedded certificate.
    Verify(sign::VerifyArgs),
    /// The signing key, certificate, signer and budget.
    Status(sign::StatusArgs),
    /// First-time setup: key, self-issued certificate, budget (`sign` does this on first use).
    Init(sign::InitArgs),
    /// Make a new signing key (and certificate and budget); --force to replace one.
    Keygen(sign::InitArgs),
}

#[derive(Debug, clap::Args)]
struct CertArgs {
    #[command(subcommand)]
    command: Option<keycheck::CertCommand>,
    #[command(flatten)]
    state: common::StateArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome: common::Outcome = match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Csr(command) => keycheck::run_csr(command),
        Command::Cert(CertArgs {
            command: Some(command),
            ..
        }) => keycheck::run_cert(command),
        Command::Cert(CertArgs { command: None, state }) => sign::run_cert_pem(&state),
        Command::Budget(args) => budget::run(args),
        Command::Grant(args) => grant::run(args),
        Command::Sign(args) => sign::run_sign(args),
        Command::Verify(args) => sign::run_verify(args),
        Command::Status(args) => sign::run_status(args),
        Command::Init(args) => sign::run_init(args, "state"),
        Command::Keygen(args) => sign::run_init(args, "key"),
    };
    common::finish(outcome)
}

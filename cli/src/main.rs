//! `signet`: Signet's engine from a shell.
//!
//! Exit codes are the same for every subcommand:
//! - 0: success (a valid order, an allowed key, a signature made);
//! - 1: the input was checked and refused (invalid order, key not allowed,
//!   budget exhausted, ...), malformed input included;
//! - 2: a usage or I/O error (bad flag, unreadable file, broken state).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[allow(dead_code)] // StateArgs is for the stateful subcommands still to come
mod common;
mod keycheck;
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
    /// Certificates: check for signing against the key policy.
    #[command(subcommand)]
    Cert(keycheck::CertCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome: common::Outcome = match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Csr(command) => keycheck::run_csr(command),
        Command::Cert(command) => keycheck::run_cert(command),
    };
    common::finish(outcome)
}

//! `signet`: Signet's engine from a shell. This crate parses arguments and
//! prints answers; every rule is in `signet-core` and every state, file and
//! clock concern in `signet-host`. Exit codes and the JSON envelope: see
//! `output`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use signet_host::{Clock, OpenOptions};

mod audit;
mod budget;
mod grant;
mod keycheck;
mod names;
mod output;
mod sign;
mod store;
mod validate;

/// Signet: policy engine and enforced sign primitive for code-signing keys.
#[derive(Debug, Parser)]
#[command(name = "signet", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes, before or after the subcommand.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// State directory. Default: $SIGNET_STATE, else $XDG_DATA_HOME/signet,
    /// else ~/.local/share/signet.
    #[arg(long, value_name = "DIR", global = true)]
    pub state: Option<PathBuf>,
    /// The acting user (development states). Default: the OS user.
    #[arg(long, value_name = "NAME", global = true)]
    pub user: Option<String>,
    /// Act at this time (development states): RFC 3339 or UNIX seconds.
    /// Default: the system clock.
    #[arg(long, value_name = "TIME", global = true)]
    pub now: Option<String>,
    /// One JSON object on stdout, also for errors.
    #[arg(long, global = true)]
    pub json: bool,
    /// A shared store instead of the state's own: a PostgreSQL URL or
    /// key=value string (libpq conventions; the password from PGPASSWORD or
    /// ~/.pgpass). Default: $SIGNET_STORE, else what signet.toml names.
    #[arg(
        long,
        value_name = "URL",
        global = true,
        env = "SIGNET_STORE",
        hide_env_values = true
    )]
    pub store: Option<String>,
}

impl Global {
    /// The state directory to use.
    pub fn state_dir(&self) -> signet_host::Result<PathBuf> {
        signet_host::layout::resolve_state_dir(self.state.as_deref())
    }

    /// How to open the state.
    pub fn open_options(&self) -> signet_host::Result<OpenOptions> {
        let clock = match &self.now {
            Some(t) => Clock::Fixed(signet_host::clock::parse_time(t)?),
            None => Clock::System,
        };
        let notice: signet_host::fsio::WaitNotice = std::sync::Arc::new(|what: &str| {
            output::note(&format!("signet: waiting for {what} (held by another signet)"))
        });
        Ok(OpenOptions {
            user: self.user.clone(),
            clock,
            notice: Some(notice),
            store: self.store.clone().filter(|s| !s.is_empty()),
        })
    }

    /// Opens the existing state.
    pub fn open(&self) -> signet_host::Result<signet_host::State> {
        signet_host::State::open(&self.state_dir()?, self.open_options()?)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
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
    /// The hash-chained audit log: show, verify, head.
    Audit(audit::AuditArgs),
    /// The shared store (PostgreSQL): apply its schema.
    #[command(subcommand)]
    Store(store::StoreCommand),
    /// Sign files: FILE.p7s (detached CMS) for each, counted against the budget.
    Sign(sign::SignArgs),
    /// Verify FILE against FILE.p7s, and that the state's certificate signed it.
    Verify(sign::VerifyArgs),
    /// The signing key, certificate, signer and budget.
    Status,
    /// First-time setup: key, self-issued certificate, budget (`sign` does this on first use).
    Init(sign::InitArgs),
    /// Make a new signing key (and certificate and budget); --force to replace one.
    Keygen(sign::InitArgs),
}

#[derive(Debug, Args)]
struct CertArgs {
    #[command(subcommand)]
    command: Option<keycheck::CertCommand>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let g = &cli.global;
    let run = match cli.command {
        Command::Validate(args) => validate::run(&args, g),
        Command::Csr(command) => keycheck::run_csr(command, g),
        Command::Cert(CertArgs {
            command: Some(command),
        }) => keycheck::run_cert(command, g),
        Command::Cert(CertArgs { command: None }) => sign::run_cert_pem(g),
        Command::Budget(args) => budget::run(args, g),
        Command::Grant(args) => grant::run(args, g),
        Command::Audit(args) => audit::run(args, g),
        Command::Store(command) => store::run(command, g),
        Command::Sign(args) => sign::run_sign(args, g),
        Command::Verify(args) => sign::run_verify(args, g),
        Command::Status => sign::run_status(g),
        Command::Init(args) => sign::run_init(args, g),
        Command::Keygen(args) => sign::run_init(args, g),
    };
    output::finish(run, g.json)
}

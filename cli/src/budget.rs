//! `signet budget ...`: signature budgets of certificates in the state.
//! Every command defaults to the state's signing certificate.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use signet_core::budget::{Actor, CertFingerprint, Role};
use signet_host::report::BudgetReport;
use signet_host::{BudgetInit, State};

use crate::Global;
use crate::output::{Outcome, Run, answer, note, to_value};

/// `signet budget`.
#[derive(Debug, Args)]
pub struct BudgetArgs {
    #[command(subcommand)]
    command: BudgetCommand,
}

#[derive(Debug, Subcommand)]
enum BudgetCommand {
    /// Create the budget of a certificate (its validity is the certificate's).
    Init(InitArgs),
    /// Show a budget: total, used, remaining, usage level.
    Show(Which),
    /// Buy more signatures (administrators and managers only).
    Buy(BuyArgs),
    /// Record the certificate's revocation: remaining signatures are nullified.
    Revoke(Which),
    /// Assign the certificate to another signer (KeyLocker lead only).
    Assign(AssignArgs),
    /// Count signatures made outside Signet (all or nothing).
    Use(UseArgs),
    /// Open reservations of the hosts sharing the store (host, pid, time, count).
    Reservations,
    /// Settle a reservation a crashed host left: its signatures stay used
    /// (fail closed) unless --returned says they were never made.
    Settle(SettleArgs),
}

#[derive(Debug, Args)]
struct SettleArgs {
    /// The reservation's id (`signet budget reservations`).
    id: u64,
    /// Give the signatures back to the budget (only when the host certainly made none).
    #[arg(long)]
    returned: bool,
}

/// Which certificate's budget: the state's signing certificate by default.
#[derive(Debug, Clone, Args)]
pub struct Which {
    /// The certificate's SHA-256 fingerprint (64 hex digits, `:` allowed).
    #[arg(long, value_name = "HEX", conflicts_with = "cert")]
    cert_fingerprint: Option<String>,
    /// The certificate (PEM or DER).
    #[arg(long, value_name = "FILE")]
    cert: Option<PathBuf>,
}

impl Which {
    fn fingerprint(&self, state: &State) -> signet_host::Result<CertFingerprint> {
        match (&self.cert_fingerprint, &self.cert) {
            (Some(hex), _) => signet_host::key::parse_fingerprint(hex),
            (None, Some(path)) => signet_host::key::fingerprint(&cert_der(path)?),
            (None, None) => Ok(state.fingerprint()),
        }
    }
}

fn cert_der(path: &std::path::Path) -> signet_host::Result<Vec<u8>> {
    let bytes = signet_host::fsio::read_limited(path, crate::validate::INPUT_LIMIT)?;
    signet_host::key::certificate_der(&bytes, &path.display().to_string())
}

/// The acting user's account role and flags (the acting user is `--user`).
#[derive(Debug, Clone, Args)]
pub struct ActorArgs {
    /// The acting user's account role.
    #[arg(long, value_name = "ROLE", default_value = "standard_user", value_parser = crate::names::role())]
    role: Role,
    /// Acting from a subaccount.
    #[arg(long)]
    subaccount: bool,
    /// The acting user has the KeyLocker lead role.
    #[arg(long)]
    keylocker_lead: bool,
}

impl ActorArgs {
    fn actor(&self, state: &State) -> Actor {
        Actor {
            id: state.user().clone(),
            role: self.role,
            subaccount: self.subaccount,
            keylocker_lead: self.keylocker_lead,
        }
    }
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The certificate (PEM or DER).
    #[arg(long, value_name = "FILE")]
    cert: PathBuf,
    /// Start of use, if later than the certificate's notBefore (RFC 3339 or UNIX seconds).
    #[arg(long, value_name = "TIME")]
    not_before: Option<String>,
    /// End of use, if earlier than the certificate's notAfter.
    #[arg(long, value_name = "TIME")]
    not_after: Option<String>,
    /// The assigned signer.
    #[arg(long, value_name = "NAME")]
    signer: String,
    /// Signatures included.
    #[arg(long, default_value_t = signet_core::budget::DEFAULT_ALLOTMENT)]
    allotment: u64,
}

#[derive(Debug, Args)]
struct BuyArgs {
    #[command(flatten)]
    which: Which,
    #[command(flatten)]
    actor: ActorArgs,
    /// Signatures to buy: 1000, 5000, 10000, or any positive number (custom).
    #[arg(long, value_name = "N")]
    signatures: u64,
}

#[derive(Debug, Args)]
struct AssignArgs {
    #[command(flatten)]
    which: Which,
    #[command(flatten)]
    actor: ActorArgs,
    /// The new assigned signer.
    #[arg(long, value_name = "NAME")]
    signer: String,
}

#[derive(Debug, Args)]
struct UseArgs {
    #[command(flatten)]
    which: Which,
    /// How many signatures.
    #[arg(long, default_value_t = 1)]
    count: u64,
}

fn print(json_out: bool, r: &BudgetReport) {
    for c in &r.crossed {
        if !json_out {
            note(&format!(
                "signet: notice: signature usage reached {} ({} of {} used)",
                c.level, c.used, r.total
            ));
        }
    }
    answer(json_out, to_value(r), || {
        format!(
            "certificate {}\n  signer     {}\n  state      {}\n  signatures {} used of {} ({} remaining, level {})\n",
            r.fingerprint, r.signer, r.state, r.used, r.total, r.remaining, r.level
        )
    });
}

fn time(arg: Option<&String>) -> signet_host::Result<Option<signet_core::time::UnixTime>> {
    arg.map(|t| signet_host::clock::parse_time(t)).transpose()
}

/// Runs `signet budget ...`.
pub fn run(args: BudgetArgs, g: &Global) -> Run {
    let state = g.open()?;
    let report = match args.command {
        BudgetCommand::Reservations => {
            let list = state.budget_reservations()?;
            answer(
                g.json,
                serde_json::json!({ "reservations": to_value(&list) }),
                || {
                    let mut text = String::from("id\thost\tpid\tstarted\theld\tfor\n");
                    for r in &list {
                        let what = match (&r.fingerprint, r.grant) {
                            (Some(fp), _) => format!("budget {fp}"),
                            (None, Some(g)) => format!("grant {g}"),
                            (None, None) => "?".into(),
                        };
                        text.push_str(&format!(
                            "{}\t{}\t{}\t{}\t{}\t{what}\n",
                            r.id,
                            r.host,
                            r.pid,
                            signet_host::clock::format_rfc3339(signet_core::time::UnixTime(r.started_at)),
                            r.held
                        ));
                    }
                    text
                },
            );
            return Ok(Outcome::Ok);
        }
        BudgetCommand::Settle(a) => {
            let r = state.budget_settle(a.id, a.returned)?;
            let how = if a.returned { "returned" } else { "used" };
            answer(
                g.json,
                serde_json::json!({ "settled": to_value(&r), "as": how }),
                || {
                    format!(
                        "reservation {} of {} pid {}: {} settled as {how}\n",
                        r.id, r.host, r.pid, r.held
                    )
                },
            );
            return Ok(Outcome::Ok);
        }
        BudgetCommand::Init(a) => state.budget_init(
            &cert_der(&a.cert)?,
            &BudgetInit {
                not_before: time(a.not_before.as_ref())?,
                not_after: time(a.not_after.as_ref())?,
                signer: a.signer,
                allotment: a.allotment,
            },
        )?,
        BudgetCommand::Show(w) => state.budget_show(&w.fingerprint(&state)?)?,
        BudgetCommand::Buy(a) => state.budget_buy(
            &a.which.fingerprint(&state)?,
            &a.actor.actor(&state),
            a.signatures,
        )?,
        BudgetCommand::Revoke(w) => state.budget_revoke(&w.fingerprint(&state)?)?,
        BudgetCommand::Assign(a) => {
            state.budget_assign(&a.which.fingerprint(&state)?, &a.actor.actor(&state), &a.signer)?
        }
        BudgetCommand::Use(a) => state.budget_use(&a.which.fingerprint(&state)?, state.user(), a.count)?,
    };
    print(g.json, &report);
    Ok(Outcome::Ok)
}

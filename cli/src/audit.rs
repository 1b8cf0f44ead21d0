//! `signet audit show | verify | head`: the hash-chained audit log.

use clap::{Args, Subcommand};
use serde_json::json;

use crate::Global;
use crate::output::{Outcome, Run, answer, to_value};

/// `signet audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// The records, oldest first (the whole chain is checked first).
    Show {
        /// From this record on (its `seq`).
        #[arg(long, value_name = "SEQ", default_value_t = 1)]
        since: u64,
    },
    /// Check the chain and that every budget's ledger agrees with the log
    /// (exit 1 naming the first bad record or the budget).
    Verify,
    /// The hash of the last record, to anchor elsewhere.
    Head,
}

/// Runs `signet audit ...`.
pub fn run(args: AuditArgs, g: &Global) -> Run {
    let state = g.open()?;
    match args.command {
        AuditCommand::Show { since } => {
            let records = state.audit_records(since)?;
            answer(g.json, json!({ "records": to_value(&records) }), || {
                if records.is_empty() {
                    return "no audit records\n".to_string();
                }
                records
                    .iter()
                    .map(|r| {
                        format!(
                            "{:>6} {} {:<14} {:<10} {}{}{}\n",
                            r.seq,
                            signet_host::clock::format_rfc3339(signet_core::time::UnixTime(r.time)),
                            r.action,
                            r.actor,
                            r.outcome,
                            r.grant.map(|g| format!(" grant {g}")).unwrap_or_default(),
                            r.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default(),
                        )
                    })
                    .collect()
            });
        }
        AuditCommand::Verify => {
            let report = state.audit_verify()?;
            answer(g.json, to_value(&report), || {
                format!(
                    "audit log OK: {} records, {} budget(s) agree with it; head {}\n",
                    report.records, report.budgets_checked, report.head
                )
            });
        }
        AuditCommand::Head => {
            let report = state.audit_verify()?;
            answer(
                g.json,
                json!({ "seq": report.records, "head": report.head }),
                || format!("{}\n", report.head),
            );
        }
    }
    Ok(Outcome::Ok)
}

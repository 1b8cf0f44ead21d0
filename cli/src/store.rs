//! `signet store ...`: the shared store's schema.

use clap::Subcommand;

use crate::Global;
use crate::output::{Outcome, Run, answer};

/// `signet store`.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Apply the schema migrations the database lacks (in one transaction).
    /// The store is --store, else $SIGNET_STORE, else what the state's
    /// signet.toml names.
    Migrate,
}

/// Runs `signet store ...`.
pub fn run(command: StoreCommand, g: &Global) -> Run {
    match command {
        StoreCommand::Migrate => {
            let setting = match &g.store {
                Some(s) if !s.is_empty() => s.clone(),
                _ => signet_host::store::postgres::state_setting(&g.state_dir()?)?,
            };
            let (version, applied) = signet_host::store::PgStore::migrate_setting(&setting)?;
            answer(
                g.json,
                serde_json::json!({ "schema_version": version, "applied": applied }),
                || format!("schema version {version} ({applied} migration(s) applied)\n"),
            );
            Ok(Outcome::Ok)
        }
    }
}

//! The shared store: budgets, grants, their ledgers, open reservations and the
//! audit log in a PostgreSQL database, so that several hosts (each with its
//! own state directory holding the same key and certificate) count against
//! one budget.
//!
//! - A reservation is one transaction whose conditional `UPDATE` takes a
//!   block of up to `block` signatures only while
//!   `next_index - released < limit`, and records it in the host's
//!   reservation row (host name, pid, time, held). Other hosts never wait on
//!   a lock to sign.
//! - Commits and aborts are written at once with `block = 1`; with a larger
//!   block they are settled (and the unused rest handed back) when the
//!   ledger is closed, in one transaction. A crash leaves the reservation row
//!   and the whole block counted as used (fail closed) until an operator
//!   settles it.
//! - Any database error is `store_unavailable` (a refusal to sign, never a
//!   fresh count); a record changed by another host since it was read is
//!   `store_conflict`.
//! - Rows are untrusted input: a value out of range is `state_record_damaged`.
//! - The schema is applied from plain SQL files (`host/migrations`, embedded
//!   with `include_str!`) in one transaction: the SQL is the reviewable
//!   artefact a database administrator reads and grants from, and a
//!   migration crate would add a dependency tree for a loop of a few lines.
//!
//! The connection settings never appear in messages: only host and
//! database names do, never the password.

use std::sync::Mutex;

use ::postgres::error::SqlState;
use ::postgres::{Client, Transaction};
use signet_core::budget::CertFingerprint;
use signet_core::counter::{
    CounterError, CounterStore, Reservation, ReservationBook, StorageDetail, StorageOp, Usage,
};

use super::pg_tls::{self, Connector};
use super::record::{BudgetRecord, GrantRecord, LedgerBinding, PolicyRecord, PurchaseRecord, RequestRecord};
use super::{GrantsLock, OpenBudget, OpenGrant, OpenLedger, OpenReservation, Store, WithUsage};
use crate::error::{Error, Result};

/// The migrations, in order: (version, SQL).
const MIGRATIONS: [(i32, &str); 1] = [(1, include_str!("../../migrations/0001_shared_store.sql"))];

/// The advisory lock key under which migrations run (any constant; "signet").
const MIGRATION_LOCK: i64 = 0x7369_676e_6574;
/// The advisory lock key of requests, policies and grants.
const GRANTS_LOCK: i64 = 0x7369_676e_6574 + 1;

/// A block of reservations a host holds between sessions (`block` > 1):
/// indices `next..end` reserved and not handed out, and the settlements not
/// yet written.
#[derive(Debug, Clone, Copy, Default)]
struct Block {
    next: u64,
    end: u64,
    commits: u64,
    aborts: u64,
    reservation: Option<i64>,
}

/// A PostgreSQL store.
pub struct PgStore {
    config: ::postgres::Config,
    connector: Connector,
    /// Where, for messages: hosts and database, never the password.
    target: String,
    pool: Mutex<Vec<Client>>,
    role: String,
    host: String,
    pid: u32,
    /// Signatures reserved per database round trip (`[store] block`).
    block: u64,
    /// This host's blocks, by ledger id: kept from one session to the next
    /// and handed back when the store is dropped (a clean close).
    blocks: Mutex<std::collections::HashMap<i64, Block>>,
    /// The database error behind each thread's last failed reservation or
    /// settlement: core's sign path sees only a counter error, and the
    /// caller should see `store_unavailable` (`Store::take_counter_failure`).
    counter_failures: Mutex<Vec<(std::thread::ThreadId, Error)>>,
}

impl core::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PgStore")
            .field("target", &self.target)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// Whether a store setting names a PostgreSQL database.
pub fn is_postgres_url(setting: &str) -> bool {
    setting.starts_with("postgresql://") || setting.starts_with("postgres://")
}

/// Connection settings the libpq way: the URL (or `key=value` string), then
/// the `PG*` environment variables for what it leaves out; and the connector
/// its TLS settings ask for (`store::pg_tls`).
///
/// # Errors
/// `store_url_invalid`.
fn connection(setting: &str) -> Result<(::postgres::Config, Connector)> {
    let (setting, tls) = pg_tls::split(setting)?;
    let connector = Connector::new(&tls)?;
    // The parser's message may quote the input, which may hold a password.
    let mut config: ::postgres::Config = setting.parse().map_err(|_| {
        Error::failed(
            "store_url_invalid",
            "the store setting is not a PostgreSQL URL or key=value string",
        )
        .with_hint("e.g. postgresql://signet@db.example/signet (the password from PGPASSWORD or ~/.pgpass)")
    })?;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        let host = env("PGHOST").unwrap_or_else(|| "/var/run/postgresql".into());
        for h in host.split(',') {
            config.host(h);
        }
    }
    if config.get_ports().is_empty()
        && let Some(port) = env("PGPORT")
    {
        for p in port.split(',') {
            let p = p
                .parse()
                .map_err(|_| Error::failed("store_url_invalid", "PGPORT is not a port number"))?;
            config.port(p);
        }
    }
    if config.get_user().is_none() {
        match env("PGUSER").or_else(crate::user::os_user) {
            Some(u) => config.user(&u),
            None => {
                return Err(Error::failed(
                    "store_url_invalid",
                    "no database user: set one in the URL or PGUSER",
                ));
            }
        };
    }
    if config.get_dbname().is_none()
        && let Some(db) = env("PGDATABASE")
    {
        config.dbname(&db);
    }
    if config.get_password().is_none()
        && let Some(pw) = env("PGPASSWORD")
    {
        config.password(pw);
    }
    config.ssl_mode(tls.mode.ssl_mode());
    if config.get_application_name().is_none() {
        config.application_name("signet");
    }
    if config.get_connect_timeout().is_none() {
        let secs = env("PGCONNECT_TIMEOUT").and_then(|s| s.parse().ok()).unwrap_or(5);
        config.connect_timeout(std::time::Duration::from_secs(secs));
    }
    Ok((config, connector))
}

fn describe(config: &::postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            ::postgres::config::Host::Tcp(name) => name.clone(),
            ::postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    format!(
        "database {} on {}",
        config.get_dbname().or(config.get_user()).unwrap_or("?"),
        hosts.join(",")
    )
}

/// This machine's name, for reservation rows.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

impl PgStore {
    /// Connects, applies missing migrations, and learns the acting database
    /// role. With `block` > 1 a host reserves that many signatures per
    /// round trip and keeps what is left for its next signatures.
    ///
    /// # Errors
    /// `store_url_invalid`, `store_unavailable`, `store_schema_unsupported`,
    /// `store_permission_denied`.
    pub fn connect(setting: &str, block: u32) -> Result<PgStore> {
        let mut store = PgStore::unconnected(setting)?;
        store.block = u64::from(block.max(1));
        store.migrate()?;
        store.role = store.with_client(|c| {
            let row = c
                .query_one("SELECT current_user::text", &[])
                .map_err(db("read the role"))?;
            row.try_get::<_, String>(0).map_err(db("read the role"))
        })?;
        Ok(store)
    }

    /// `signet store migrate`: applies what the database lacks; returns the
    /// schema version reached and how many migrations were applied.
    ///
    /// # Errors
    /// As [`connect`](Self::connect).
    pub fn migrate_setting(setting: &str) -> Result<(i32, usize)> {
        PgStore::unconnected(setting)?.migrate()
    }

    fn unconnected(setting: &str) -> Result<PgStore> {
        let (config, connector) = connection(setting)?;
        let target = describe(&config);
        Ok(PgStore {
            config,
            connector,
            target,
            pool: Mutex::new(Vec::new()),
            role: String::new(),
            host: host_name(),
            pid: std::process::id(),
            block: 1,
            blocks: Mutex::new(std::collections::HashMap::new()),
            counter_failures: Mutex::new(Vec::new()),
        })
    }

    /// The database role this store acts as.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// Where it is (no password).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Applies every migration the database lacks, in one transaction; returns
    /// the schema version reached and how many were applied.
    ///
    /// # Errors
    /// `store_schema_unsupported` when the database is newer than this build,
    /// `store_unavailable`, `store_permission_denied`.
    pub fn migrate(&self) -> Result<(i32, usize)> {
        let latest = MIGRATIONS.last().map_or(0, |m| m.0);
        self.with_client(|c| {
            // Quick path for every open: no lock when the schema is current.
            if let Some(v) = schema_version(c)?
                && v >= latest
            {
                return check_version(v, latest).map(|()| (v, 0));
            }
            let mut tx = c.transaction().map_err(db("begin the migration"))?;
            // Hosts starting together on an empty database migrate one at a time.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
                .map_err(db("lock the schema"))?;
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS signet_schema_version (
                     version integer PRIMARY KEY,
                     applied_at timestamptz NOT NULL DEFAULT now())",
            )
            .map_err(db("create signet_schema_version"))?;
            let current: i32 = tx
                .query_one("SELECT coalesce(max(version), 0) FROM signet_schema_version", &[])
                .and_then(|r| r.try_get(0))
                .map_err(db("read the schema version"))?;
            check_version(current, latest)?;
            let mut applied = 0;
            for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
                tx.batch_execute(sql).map_err(db("apply a migration"))?;
                tx.execute(
                    "INSERT INTO signet_schema_version (version) VALUES ($1)",
                    &[version],
                )
                .map_err(db("record the schema version"))?;
                applied += 1;
            }
            tx.commit().map_err(db("commit the migration"))?;
            Ok((latest, applied))
        })
    }

    /// Runs `f` with a pooled connection (connecting when none is free). A
    /// connection that broke is dropped, so the next call reconnects.
    fn with_client<T>(&self, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        let pooled = self.pool.lock().ok().and_then(|mut p| p.pop());
        let mut client = match pooled {
            Some(c) if !c.is_closed() => c,
            _ => self
                .connector
                .connect(&self.config)
                .map_err(|e| self.unavailable("connect", &e))?,
        };
        let out = f(&mut client).map_err(|e| self.name_target(e));
        if !client.is_closed()
            && let Ok(mut pool) = self.pool.lock()
        {
            pool.push(client);
        }
        out
    }

    /// Runs `f` in one transaction, committed when it succeeds.
    fn in_tx<T>(&self, what: &'static str, f: impl FnOnce(&mut Transaction<'_>) -> Result<T>) -> Result<T> {
        self.with_client(|c| {
            let mut tx = c.transaction().map_err(db(what))?;
            let out = f(&mut tx)?;
            tx.commit().map_err(db(what))?;
            Ok(out)
        })
    }

    fn unavailable(&self, what: &str, e: &::postgres::Error) -> Error {
        // The causes too: a TLS failure says why only there ("certificate
        // verify failed"). None of them carries the password.
        let mut why = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            why.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        Error::failed(
            "store_unavailable",
            format!(
                "the shared store ({}) is unavailable: cannot {what}: {why}; nothing is signed",
                self.target
            ),
        )
        .with_hint("check that the database is up and reachable; signing resumes when it is")
    }

    /// Names the database in a `store_unavailable` message.
    fn name_target(&self, e: Error) -> Error {
        if e.code() == "store_unavailable" && !e.message().contains(&self.target) {
            let hint = e.hint().map(str::to_string);
            let out = Error::failed(
                e.code(),
                format!("the shared store ({}): {}", self.target, e.message()),
            );
            return match hint {
                Some(h) => out.with_hint(h),
                None => out,
            };
        }
        e
    }

    /// Every open reservation (oldest first).
    ///
    /// # Errors
    /// `store_unavailable`, `state_record_damaged`.
    pub fn reservations(&self) -> Result<Vec<OpenReservation>> {
        self.with_client(|c| {
            let rows = c
                .query(
                    "SELECT r.id, r.host, r.pid, extract(epoch FROM r.started_at)::bigint, r.held,
                            b.fingerprint, g.id
                     FROM signet_reservation r
                     LEFT JOIN signet_budget b ON b.ledger_id = r.ledger_id
                     LEFT JOIN signet_grant g ON g.ledger_id = r.ledger_id
                     WHERE r.held > 0 ORDER BY r.id",
                    &[],
                )
                .map_err(db("list reservations"))?;
            rows.iter().map(reservation_row).collect()
        })
    }

    /// Settles an open reservation a crashed host left: its signatures stay
    /// used (`returned` false: fail closed, they may have been made) or go
    /// back to the budget.
    ///
    /// # Errors
    /// `store_reservation_unknown`, `store_unavailable`.
    pub fn settle(&self, id: u64, returned: bool) -> Result<OpenReservation> {
        let rid = to_i64(id)?;
        self.in_tx("settle a reservation", |tx| {
            let row = tx
                .query_opt(
                    "SELECT r.id, r.host, r.pid, extract(epoch FROM r.started_at)::bigint, r.held,
                            b.fingerprint, g.id
                     FROM signet_reservation r
                     LEFT JOIN signet_budget b ON b.ledger_id = r.ledger_id
                     LEFT JOIN signet_grant g ON g.ledger_id = r.ledger_id
                     WHERE r.id = $1 AND r.held > 0 FOR UPDATE OF r",
                    &[&rid],
                )
                .map_err(db("read the reservation"))?
                .ok_or_else(|| {
                    Error::refused(
                        "store_reservation_unknown",
                        format!("there is no open reservation {id}"),
                    )
                    .with_hint("`signet budget reservations` lists them")
                })?;
            let open = reservation_row(&row)?;
            // Settling is the operator's: a role that may change budgets
            // (signers move ledger counts only through their own reservations).
            let operator: bool = tx
                .query_one("SELECT has_table_privilege('signet_budget', 'UPDATE')", &[])
                .and_then(|r| r.try_get(0))
                .map_err(db("check the role"))?;
            if !operator {
                return Err(Error::refused(
                    "store_permission_denied",
                    "settling a reservation needs a role that may change budgets (signet_admin)",
                ));
            }
            let held = to_i64(open.held)?;
            let sql = if returned {
                "UPDATE signet_ledger SET released = released + $2
                 WHERE id = (SELECT ledger_id FROM signet_reservation WHERE id = $1)"
            } else {
                "UPDATE signet_ledger SET committed = committed + $2
                 WHERE id = (SELECT ledger_id FROM signet_reservation WHERE id = $1)"
            };
            tx.execute(sql, &[&rid, &held])
                .map_err(db("settle the reservation"))?;
            tx.execute("DELETE FROM signet_reservation WHERE id = $1", &[&rid])
                .map_err(db("settle the reservation"))?;
            Ok(open)
        })
    }
}

fn check_version(found: i32, latest: i32) -> Result<()> {
    if found > latest {
        return Err(Error::failed(
            "store_schema_unsupported",
            format!("the database has schema version {found}; this Signet knows up to {latest}"),
        )
        .with_hint("upgrade Signet on this host"));
    }
    Ok(())
}

fn schema_version(c: &mut Client) -> Result<Option<i32>> {
    let exists: bool = c
        .query_one("SELECT to_regclass('signet_schema_version') IS NOT NULL", &[])
        .and_then(|r| r.try_get(0))
        .map_err(db("read the schema version"))?;
    if !exists {
        return Ok(None);
    }
    c.query_one("SELECT coalesce(max(version), 0) FROM signet_schema_version", &[])
        .and_then(|r| r.try_get(0))
        .map(Some)
        .map_err(db("read the schema version"))
}

/// A database error in the host's terms.
fn db(what: &'static str) -> impl Fn(::postgres::Error) -> Error {
    move |e| match e.code() {
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => Error::refused(
            "store_permission_denied",
            format!(
                "the database role may not {what}: {}",
                e.as_db_error().map_or("", |d| d.message())
            ),
        )
        .with_hint("ask the database administrator for the signet_signer or signet_admin role"),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED => {
            Error::failed(
                "store_conflict",
                format!("another host got in the way: cannot {what}; nothing was changed"),
            )
            .with_hint("retry")
        }
        _ => Error::failed(
            "store_unavailable",
            format!("cannot {what}: {e}; nothing is signed"),
        )
        .with_hint("check that the database is up and reachable; signing resumes when it is"),
    }
}

fn damaged(what: &str) -> Error {
    Error::failed(
        "state_record_damaged",
        format!("the shared store holds an invalid {what}"),
    )
    .with_hint("the database was edited outside Signet; restore it from a backup")
}

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| {
        Error::refused(
            "state_record_damaged",
            format!("{n} is out of range for the database"),
        )
    })
}

/// A non-negative bigint column as u64 (rows are untrusted).
fn get_u64(row: &::postgres::Row, idx: usize, what: &str) -> Result<u64> {
    let v: i64 = row.try_get(idx).map_err(|_| damaged(what))?;
    u64::try_from(v).map_err(|_| damaged(what))
}

fn get<'a, T: ::postgres::types::FromSql<'a>>(row: &'a ::postgres::Row, idx: usize, what: &str) -> Result<T> {
    row.try_get(idx).map_err(|_| damaged(what))
}

fn reservation_row(row: &::postgres::Row) -> Result<OpenReservation> {
    let grant: Option<i64> = get(row, 6, "reservation")?;
    Ok(OpenReservation {
        id: get_u64(row, 0, "reservation")?,
        host: get(row, 1, "reservation")?,
        pid: get_u64(row, 2, "reservation")?,
        started_at: get(row, 3, "reservation")?,
        held: get_u64(row, 4, "reservation")?,
        fingerprint: get(row, 5, "reservation")?,
        grant: grant
            .map(|g| u64::try_from(g).map_err(|_| damaged("reservation")))
            .transpose()?,
    })
}

/// A ledger's counts from `next_index, committed, released` at `at`.
fn usage_at(row: &::postgres::Row, at: usize) -> Result<Usage> {
    let usage = Usage {
        next_index: get_u64(row, at, "ledger")?,
        committed: get_u64(row, at + 1, "ledger")?,
        released: get_u64(row, at + 2, "ledger")?,
    };
    if !usage.is_consistent() {
        return Err(damaged("ledger"));
    }
    Ok(usage)
}

fn pg_binding(ledger_id: i64, usage: &Usage) -> LedgerBinding {
    LedgerBinding {
        id: format!("postgresql:{ledger_id}"),
        sequence: 0,
        used: usage.used(),
    }
}

const BUDGET_SELECT: &str =
    "SELECT b.fingerprint, b.not_before, b.not_after, b.allotment, b.revoked, b.signer,
        b.policy, b.ledger_id, b.version, l.next_index, l.committed, l.released
    FROM signet_budget b JOIN signet_ledger l ON l.id = b.ledger_id WHERE b.fingerprint = $1";

const GRANT_SELECT: &str = "SELECT g.id, g.fingerprint, g.signer, g.grantee, g.valid_from, g.valid_until,
        g.allowed_ops, g.revoked, g.ledger_id, g.version, l.next_index, l.committed, l.released
    FROM signet_grant g JOIN signet_ledger l ON l.id = g.ledger_id WHERE g.id = $1";

/// A row read with its ledger: (record, ledger id, version, usage).
type Loaded<R> = (R, i64, i64, Usage);

fn load_budget(
    c: &mut impl ::postgres::GenericClient,
    fp: &CertFingerprint,
) -> Result<Option<Loaded<BudgetRecord>>> {
    let hex = crate::hex(&fp.0);
    let Some(row) = c.query_opt(BUDGET_SELECT, &[&hex]).map_err(db("read a budget"))? else {
        return Ok(None);
    };
    let what = "budget";
    let ledger_id: i64 = get(&row, 7, what)?;
    let usage = usage_at(&row, 9)?;
    let purchases = c
        .query(
            "SELECT at, by_user, signatures FROM signet_purchase WHERE fingerprint = $1 ORDER BY position",
            &[&hex],
        )
        .map_err(db("read purchases"))?
        .iter()
        .map(|p| {
            Ok(PurchaseRecord {
                at: get(p, 0, "purchase")?,
                by: get(p, 1, "purchase")?,
                signatures: get_u64(p, 2, "purchase")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let record = BudgetRecord {
        fingerprint: get(&row, 0, what)?,
        not_before: get(&row, 1, what)?,
        not_after: get(&row, 2, what)?,
        allotment: get_u64(&row, 3, what)?,
        purchases,
        revoked: get(&row, 4, what)?,
        signer: get(&row, 5, what)?,
        policy: get(&row, 6, what)?,
        ledger: pg_binding(ledger_id, &usage),
    };
    // Core's rules judge the values as they would a file record.
    record.to_budget().map_err(|_| damaged("budget"))?;
    Ok(Some((record, ledger_id, get(&row, 8, what)?, usage)))
}

fn load_grant(c: &mut impl ::postgres::GenericClient, id: u64) -> Result<Option<Loaded<GrantRecord>>> {
    let Some(row) = c
        .query_opt(GRANT_SELECT, &[&to_i64(id)?])
        .map_err(db("read a grant"))?
    else {
        return Ok(None);
    };
    let what = "grant";
    let ledger_id: i64 = get(&row, 8, what)?;
    let usage = usage_at(&row, 10)?;
    let allowed: Option<i64> = get(&row, 6, what)?;
    let record = GrantRecord {
        id: get_u64(&row, 0, what)?,
        fingerprint: get(&row, 1, what)?,
        signer: get(&row, 2, what)?,
        grantee: get(&row, 3, what)?,
        valid_from: get(&row, 4, what)?,
        valid_until: get(&row, 5, what)?,
        allowed_ops: allowed
            .map(|n| u32::try_from(n).map_err(|_| damaged(what)))
            .transpose()?,
        revoked: get(&row, 7, what)?,
        ledger: pg_binding(ledger_id, &usage),
    };
    record.to_core(usage.used()).map_err(|_| damaged("grant"))?;
    Ok(Some((record, ledger_id, get(&row, 9, what)?, usage)))
}

/// A record kind with a ledger.
trait PgRecord: Clone + Send {
    /// Writes `record` if the row is still at `version`.
    fn save(&self, tx: &mut Transaction<'_>, version: i64) -> Result<u64>;
}

impl PgRecord for BudgetRecord {
    fn save(&self, tx: &mut Transaction<'_>, version: i64) -> Result<u64> {
        let n = tx
            .execute(
                "UPDATE signet_budget SET not_before = $2, not_after = $3, allotment = $4, revoked = $5,
                     signer = $6, policy = $7, version = version + 1
                 WHERE fingerprint = $1 AND version = $8",
                &[
                    &self.fingerprint,
                    &self.not_before,
                    &self.not_after,
                    &to_i64(self.allotment)?,
                    &self.revoked,
                    &self.signer,
                    &self.policy,
                    &version,
                ],
            )
            .map_err(db("save a budget"))?;
        if n == 1 {
            tx.execute(
                "DELETE FROM signet_purchase WHERE fingerprint = $1",
                &[&self.fingerprint],
            )
            .map_err(db("save purchases"))?;
            for (i, p) in self.purchases.iter().enumerate() {
                let position = i32::try_from(i).map_err(|_| damaged("purchase"))?;
                tx.execute(
                    "INSERT INTO signet_purchase (fingerprint, position, at, by_user, signatures)
                     VALUES ($1, $2, $3, $4, $5)",
                    &[&self.fingerprint, &position, &p.at, &p.by, &to_i64(p.signatures)?],
                )
                .map_err(db("save purchases"))?;
            }
        }
        Ok(n)
    }
}

impl PgRecord for GrantRecord {
    fn save(&self, tx: &mut Transaction<'_>, version: i64) -> Result<u64> {
        tx.execute(
            "UPDATE signet_grant SET revoked = $2, version = version + 1 WHERE id = $1 AND version = $3",
            &[&to_i64(self.id)?, &self.revoked, &version],
        )
        .map_err(db("save a grant"))
    }
}

/// A budget's or grant's ledger, opened by one session of a host. The
/// host's block for the ledger lives in the store, shared by its sessions
/// (threads), so that a host holds one block per ledger at a time.
struct PgLedger<'s, R> {
    store: &'s PgStore,
    record: R,
    version: i64,
    ledger_id: i64,
    /// Signatures to reserve per round trip: the session's batch or the
    /// store's block, whichever is larger.
    block: u64,
    /// The counts the database returned last (its `next_index` includes the
    /// host's unused block).
    db: Usage,
    book: ReservationBook,
    poisoned: bool,
}

fn storage_error() -> CounterError {
    CounterError::Storage {
        op: StorageOp::Write,
        detail: StorageDetail::Io(std::io::ErrorKind::ConnectionAborted),
    }
}

impl PgStore {
    /// Reserves a new block for `held` in one transaction (writing its
    /// pending settlements with it); returns the ledger's counts and whether
    /// anything was left to take.
    fn take_block(&self, ledger_id: i64, block: u64, limit: u64, held: &mut Block) -> Result<(Usage, bool)> {
        let (block, commits, aborts, limit) = (
            to_i64(block)?,
            to_i64(held.commits)?,
            to_i64(held.aborts)?,
            to_i64(limit)?,
        );
        let (host, pid, reservation) = (self.host.clone(), i64::from(self.pid), held.reservation);
        let (usage, n, rid) = self.in_tx("reserve signatures", |tx| {
            // The one conditional UPDATE: the block is capped by what is left,
            // and nothing is taken when nothing is.
            let row = tx
                .query_opt(
                    "UPDATE signet_ledger
                     SET next_index = next_index + LEAST($2, $3 - (next_index - released)),
                         last_block = LEAST($2, $3 - (next_index - released)),
                         committed = committed + $4,
                         released = released + $5
                     WHERE id = $1 AND next_index - released < $3
                     RETURNING next_index, committed, released, last_block",
                    &[&ledger_id, &block, &limit, &commits, &aborts],
                )
                .map_err(db("reserve signatures"))?;
            let Some(row) = row else {
                let row = tx
                    .query_one(
                        "SELECT next_index, committed, released FROM signet_ledger WHERE id = $1",
                        &[&ledger_id],
                    )
                    .map_err(db("read a ledger"))?;
                return Ok((usage_at(&row, 0)?, 0, reservation));
            };
            let usage = usage_at(&row, 0)?;
            let n: i64 = get(&row, 3, "ledger")?;
            let settled = commits.saturating_add(aborts);
            let rid = match reservation {
                Some(rid) => {
                    tx.execute(
                        "UPDATE signet_reservation SET held = held + $2 - $3 WHERE id = $1",
                        &[&rid, &n, &settled],
                    )
                    .map_err(db("record the reservation"))?;
                    rid
                }
                None => tx
                    .query_one(
                        "INSERT INTO signet_reservation (ledger_id, host, pid, held) VALUES ($1, $2, $3, $4)
                         RETURNING id",
                        &[&ledger_id, &host, &pid, &n],
                    )
                    .and_then(|r| r.try_get(0))
                    .map_err(db("record the reservation"))?,
            };
            Ok((usage, u64::try_from(n).map_err(|_| damaged("ledger"))?, Some(rid)))
        })?;
        if n == 0 {
            return Ok((usage, false));
        }
        *held = Block {
            next: usage.next_index.saturating_sub(n),
            end: usage.next_index,
            commits: 0,
            aborts: 0,
            reservation: rid,
        };
        Ok((usage, true))
    }

    /// Writes one settlement at once (block 1).
    fn settle_now(&self, ledger_id: i64, rid: Option<i64>, commit: bool) -> Result<Usage> {
        self.in_tx("settle a signature", |tx| {
            let sql = if commit {
                "UPDATE signet_ledger SET committed = committed + 1 WHERE id = $1
                 RETURNING next_index, committed, released"
            } else {
                "UPDATE signet_ledger SET released = released + 1 WHERE id = $1
                 RETURNING next_index, committed, released"
            };
            let row = tx
                .query_one(sql, &[&ledger_id])
                .map_err(db("settle a signature"))?;
            if let Some(rid) = rid {
                tx.execute(
                    "UPDATE signet_reservation SET held = held - 1 WHERE id = $1 AND held > 0",
                    &[&rid],
                )
                .map_err(db("settle a signature"))?;
            }
            usage_at(&row, 0)
        })
    }

    /// Hands back what a block did not use and writes its settlements.
    fn hand_back(&self, ledger_id: i64, held: Block) -> Result<Usage> {
        let unused = held.end.saturating_sub(held.next);
        let (commits, aborts) = (to_i64(held.commits)?, to_i64(held.aborts.saturating_add(unused))?);
        self.in_tx("close a ledger", |tx| {
            let row = tx
                .query_one(
                    "UPDATE signet_ledger SET committed = committed + $2, released = released + $3
                     WHERE id = $1 RETURNING next_index, committed, released",
                    &[&ledger_id, &commits, &aborts],
                )
                .map_err(db("close a ledger"))?;
            if let Some(rid) = held.reservation {
                tx.execute("DELETE FROM signet_reservation WHERE id = $1", &[&rid])
                    .map_err(db("close a ledger"))?;
            }
            usage_at(&row, 0)
        })
    }

    /// Keeps `e` as this thread's last counter failure (one per thread).
    fn note_counter_failure(&self, e: Error) {
        if let Ok(mut failures) = self.counter_failures.lock() {
            let me = std::thread::current().id();
            failures.retain(|(t, _)| *t != me);
            failures.push((me, e));
        }
    }

    fn ledger<R>(&self, loaded: Loaded<R>, block: u32) -> PgLedger<'_, R> {
        let (record, ledger_id, version, usage) = loaded;
        PgLedger {
            store: self,
            record,
            version,
            ledger_id,
            block: u64::from(block.max(1)).max(self.block),
            db: usage,
            book: ReservationBook::new(),
            poisoned: false,
        }
    }
}

impl<R> PgLedger<'_, R> {
    fn held(&self) -> Block {
        self.store
            .blocks
            .lock()
            .ok()
            .and_then(|b| b.get(&self.ledger_id).copied())
            .unwrap_or_default()
    }

    /// Counts a settlement: at once with block 1, else with the block.
    fn settle(&mut self, commit: bool) -> core::result::Result<(), CounterError> {
        let mut blocks = self.store.blocks.lock().map_err(|_| CounterError::Poisoned)?;
        let held = blocks.entry(self.ledger_id).or_default();
        if self.block == 1 {
            let rid = held.reservation;
            drop(blocks);
            let usage = self.store.settle_now(self.ledger_id, rid, commit).map_err(|e| {
                self.poisoned = true;
                self.store.note_counter_failure(e);
                storage_error()
            })?;
            self.db = usage;
        } else if commit {
            held.commits = held.commits.saturating_add(1);
        } else {
            held.aborts = held.aborts.saturating_add(1);
        }
        Ok(())
    }
}

impl<R: PgRecord> CounterStore for PgLedger<'_, R> {
    fn usage(&self) -> Usage {
        let held = self.held();
        Usage {
            next_index: self
                .db
                .next_index
                .saturating_sub(held.end.saturating_sub(held.next)),
            committed: self.db.committed.saturating_add(held.commits),
            released: self.db.released.saturating_add(held.aborts),
        }
    }

    fn reserve(&mut self, limit: u64) -> core::result::Result<Reservation, CounterError> {
        if self.poisoned {
            return Err(CounterError::Poisoned);
        }
        let mut blocks = self.store.blocks.lock().map_err(|_| CounterError::Poisoned)?;
        let held = blocks.entry(self.ledger_id).or_default();
        if held.next >= held.end {
            // The host's other sessions wait here while the block is refilled.
            match self.store.take_block(self.ledger_id, self.block, limit, held) {
                Ok((usage, true)) => self.db = usage,
                Ok((usage, false)) => {
                    self.db = usage;
                    let used = usage.used();
                    return Err(CounterError::Exhausted { limit, used });
                }
                Err(e) => {
                    self.poisoned = true;
                    drop(blocks);
                    self.store.note_counter_failure(e);
                    return Err(storage_error());
                }
            }
        }
        let index = held.next;
        held.next = held.next.saturating_add(1);
        let unused = held.end.saturating_sub(held.next);
        let used = self
            .db
            .next_index
            .saturating_sub(unused)
            .saturating_sub(self.db.released.saturating_add(held.aborts));
        drop(blocks);
        self.book.issue(index, used)
    }

    fn commit(&mut self, reservation: Reservation) -> core::result::Result<u64, CounterError> {
        if self.poisoned {
            return Err(CounterError::Poisoned);
        }
        let index = self.book.settle(reservation)?;
        self.settle(true)?;
        Ok(index)
    }

    fn abort(&mut self, reservation: Reservation) -> core::result::Result<(), CounterError> {
        if self.poisoned {
            return Err(CounterError::Poisoned);
        }
        self.book.settle(reservation)?;
        self.settle(false)
    }
}

impl<R: PgRecord> OpenLedger<R> for PgLedger<'_, R> {
    fn record(&self) -> &R {
        &self.record
    }

    fn save(&mut self, record: R) -> Result<()> {
        let version = self.version;
        self.store.in_tx("save a record", |tx| {
            if record.save(tx, version)? != 1 {
                return Err(Error::refused(
                    "store_conflict",
                    "another host changed this record since it was read; nothing was changed",
                )
                .with_hint("run the command again"));
            }
            Ok(())
        })?;
        self.version = version.saturating_add(1);
        self.record = record;
        Ok(())
    }

    fn counter(&mut self) -> &mut dyn CounterStore {
        self
    }

    fn lost(&self) -> u64 {
        0
    }

    fn close(self: Box<Self>) -> Result<Usage> {
        if self.poisoned {
            // What the database holds stays counted; the row stays for an operator.
            return Err(Error::failed(
                "store_unavailable",
                "the shared store failed during signing; what was reserved stays counted as used",
            ));
        }
        if self.store.block > 1 || self.book.outstanding() > 0 {
            // The block stays for the host's next signatures (handed back when
            // the store closes); reservations still out stay counted as used.
            return Ok(self.usage());
        }
        // Block 1: hand back what this session's batch did not use. A
        // session of another thread still signing starts a block of its own.
        let held = self
            .store
            .blocks
            .lock()
            .ok()
            .and_then(|mut b| b.remove(&self.ledger_id))
            .unwrap_or_default();
        if held.reservation.is_none() && held.commits == 0 && held.aborts == 0 {
            return Ok(self.usage());
        }
        self.store.hand_back(self.ledger_id, held)
    }
}

fn budget_not_found(fp: &CertFingerprint) -> Error {
    Error::refused(
        "budget_not_found",
        format!(
            "certificate {} has no budget in the shared store",
            crate::hex(&fp.0)
        ),
    )
    .with_hint("create one with `signet budget init --cert FILE`")
}

fn decode<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| damaged(what))
}

fn encode<T: serde::Serialize>(record: &T) -> Result<String> {
    serde_json::to_string(record)
        .map_err(|e| Error::failed("state_io", format!("cannot encode a record: {e}")))
}

impl Drop for PgStore {
    /// A clean close: every block goes back (what it did not use is
    /// released). When this fails, or the process dies first, the blocks stay
    /// counted as used (fail closed) until an operator settles them.
    fn drop(&mut self) {
        let blocks: Vec<(i64, Block)> = match self.blocks.lock() {
            Ok(mut b) => b.drain().collect(),
            Err(_) => return,
        };
        for (ledger_id, held) in blocks {
            let _ = self.hand_back(ledger_id, held);
        }
    }
}

/// Holds the grants lock: a session-level advisory lock on its own
/// connection, released when the connection closes (also when the process dies).
struct AdvisoryLock(#[allow(dead_code)] Client);

impl Store for PgStore {
    fn budget_fingerprints(&self) -> Result<Vec<CertFingerprint>> {
        self.with_client(|c| {
            let rows = c
                .query("SELECT fingerprint FROM signet_budget ORDER BY fingerprint", &[])
                .map_err(db("list budgets"))?;
            rows.iter()
                .map(|r| {
                    let hex: String = get(r, 0, "budget")?;
                    crate::key::parse_fingerprint(&hex).map_err(|_| damaged("budget fingerprint"))
                })
                .collect()
        })
    }

    fn read_budget(&self, fp: &CertFingerprint) -> Result<WithUsage<BudgetRecord>> {
        let (record, _, _, usage) = self
            .with_client(|c| load_budget(c, fp))?
            .ok_or_else(|| budget_not_found(fp))?;
        Ok(WithUsage { record, usage })
    }

    fn create_budget(&self, record: BudgetRecord) -> Result<()> {
        let fp = record.fingerprint()?;
        self.in_tx("create a budget", |tx| {
            let ledger_id: i64 = tx
                .query_one("INSERT INTO signet_ledger DEFAULT VALUES RETURNING id", &[])
                .and_then(|r| r.try_get(0))
                .map_err(db("create a ledger"))?;
            let n = tx
                .execute(
                    "INSERT INTO signet_budget (fingerprint, not_before, not_after, allotment, revoked, signer,
                         policy, ledger_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (fingerprint) DO NOTHING",
                    &[
                        &record.fingerprint,
                        &record.not_before,
                        &record.not_after,
                        &to_i64(record.allotment)?,
                        &record.revoked,
                        &record.signer,
                        &record.policy,
                        &ledger_id,
                    ],
                )
                .map_err(db("create a budget"))?;
            if n == 0 {
                return Err(Error::refused(
                    "budget_exists",
                    format!("certificate {} already has a budget", crate::hex(&fp.0)),
                )
                .with_hint("a renewed certificate has a new fingerprint and gets its own budget"));
            }
            Ok(())
        })
    }

    fn open_budget(&self, fp: &CertFingerprint, block: u32) -> Result<OpenBudget<'_>> {
        let loaded = self
            .with_client(|c| load_budget(c, fp))?
            .ok_or_else(|| budget_not_found(fp))?;
        Ok(Box::new(self.ledger(loaded, block)))
    }

    fn lock_grants(&self) -> Result<GrantsLock> {
        let mut client = self
            .connector
            .connect(&self.config)
            .map_err(|e| self.unavailable("connect", &e))?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&GRANTS_LOCK])
            .map_err(db("take the grants lock"))
            .map_err(|e| self.name_target(e))?;
        Ok(Box::new(AdvisoryLock(client)))
    }

    fn read_policy(&self, fp: &CertFingerprint) -> Result<Option<PolicyRecord>> {
        let hex = crate::hex(&fp.0);
        let text: Option<String> = self.with_client(|c| {
            c.query_opt("SELECT record FROM signet_policy WHERE fingerprint = $1", &[&hex])
                .map_err(db("read a policy"))?
                .map(|r| get(&r, 0, "signer policy"))
                .transpose()
        })?;
        text.map(|t| decode(&t, "signer policy")).transpose()
    }

    fn write_policy(&self, record: &PolicyRecord) -> Result<()> {
        let text = encode(record)?;
        self.with_client(|c| {
            c.execute(
                "INSERT INTO signet_policy (fingerprint, record) VALUES ($1, $2)
                 ON CONFLICT (fingerprint) DO UPDATE SET record = EXCLUDED.record",
                &[&record.fingerprint, &text],
            )
            .map_err(db("write a policy"))
            .map(|_| ())
        })
    }

    fn request_ids(&self) -> Result<Vec<u64>> {
        self.with_client(|c| {
            c.query("SELECT id FROM signet_request ORDER BY id", &[])
                .map_err(db("list requests"))?
                .iter()
                .map(|r| get_u64(r, 0, "request id"))
                .collect()
        })
    }

    fn read_request(&self, id: u64) -> Result<RequestRecord> {
        let rid = to_i64(id)?;
        let text: Option<String> = self.with_client(|c| {
            c.query_opt("SELECT record FROM signet_request WHERE id = $1", &[&rid])
                .map_err(db("read a request"))?
                .map(|r| get(&r, 0, "signing request"))
                .transpose()
        })?;
        let text = text.ok_or_else(|| {
            Error::refused(
                "grant_unknown_request",
                format!("there is no signing request {id}"),
            )
        })?;
        let record: RequestRecord = decode(&text, "signing request")?;
        if record.id != id {
            return Err(damaged("signing request"));
        }
        Ok(record)
    }

    fn write_request(&self, record: &RequestRecord) -> Result<()> {
        let text = encode(record)?;
        let rid = to_i64(record.id)?;
        self.with_client(|c| {
            c.execute(
                "INSERT INTO signet_request (id, record) VALUES ($1, $2)
                 ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record",
                &[&rid, &text],
            )
            .map_err(db("write a request"))
            .map(|_| ())
        })
    }

    fn read_grant(&self, id: u64) -> Result<Option<WithUsage<GrantRecord>>> {
        Ok(self
            .with_client(|c| load_grant(c, id))?
            .map(|(record, _, _, usage)| WithUsage { record, usage }))
    }

    fn create_grant(&self, record: GrantRecord) -> Result<()> {
        let allowed = record.allowed_ops.map(i64::from);
        let id = to_i64(record.id)?;
        self.in_tx("create a grant", |tx| {
            let ledger_id: i64 = tx
                .query_one("INSERT INTO signet_ledger DEFAULT VALUES RETURNING id", &[])
                .and_then(|r| r.try_get(0))
                .map_err(db("create a ledger"))?;
            tx.execute(
                "INSERT INTO signet_grant (id, fingerprint, signer, grantee, valid_from, valid_until,
                     allowed_ops, revoked, ledger_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    &id,
                    &record.fingerprint,
                    &record.signer,
                    &record.grantee,
                    &record.valid_from,
                    &record.valid_until,
                    &allowed,
                    &record.revoked,
                    &ledger_id,
                ],
            )
            .map_err(db("create a grant"))?;
            Ok(())
        })
    }

    fn open_grant(&self, id: u64, block: u32) -> Result<OpenGrant<'_>> {
        let loaded = self
            .with_client(|c| load_grant(c, id))?
            .ok_or_else(|| Error::refused("grant_not_found", format!("there is no grant {id}")))?;
        Ok(Box::new(self.ledger(loaded, block)))
    }

    fn append_audit_batch(
        &self,
        events: &[crate::audit::Event],
        time: i64,
        actor: &str,
    ) -> Result<Vec<crate::audit::Receipt>> {
        self.in_tx("append to the audit log", |tx| {
            // The head row's lock orders every append: the chain stays linear.
            let head = tx
                .query_one(
                    "SELECT seq, hash FROM signet_audit_head WHERE id = 1 FOR UPDATE",
                    &[],
                )
                .map_err(db("lock the audit log"))?;
            let seq: Option<i64> = get(&head, 0, "audit head")?;
            let hash: Option<String> = get(&head, 1, "audit head")?;
            let mut prev = match (seq, hash) {
                (None, None) => None,
                (Some(seq), Some(hash)) => Some(crate::audit::Receipt {
                    seq: u64::try_from(seq).map_err(|_| damaged("audit head"))?,
                    hash,
                }),
                _ => return Err(damaged("audit head")),
            };
            let mut receipts = Vec::with_capacity(events.len());
            for event in events {
                let record = crate::audit::Record::new(event, prev.as_ref(), time, actor);
                let line = record.line();
                let receipt = crate::audit::Receipt {
                    seq: record.seq,
                    hash: crate::audit::hash(line.as_bytes()),
                };
                tx.execute(
                    "INSERT INTO signet_audit (seq, line) VALUES ($1, $2)",
                    &[&to_i64(receipt.seq)?, &line],
                )
                .map_err(db("append to the audit log"))?;
                prev = Some(receipt.clone());
                receipts.push(receipt);
            }
            if let Some(last) = &prev {
                tx.execute(
                    "UPDATE signet_audit_head SET seq = $1, hash = $2 WHERE id = 1",
                    &[&to_i64(last.seq)?, &last.hash],
                )
                .map_err(db("append to the audit log"))?;
            }
            Ok(receipts)
        })
    }

    fn check_audit(&self) -> Result<()> {
        self.with_client(|c| {
            c.query_opt("SELECT seq FROM signet_audit_head WHERE id = 1", &[])
                .map_err(db("read the audit log"))?
                .ok_or_else(|| damaged("audit head"))
                .map(|_| ())
        })
    }

    fn create_audit(&self) -> Result<()> {
        // The migration creates it.
        Ok(())
    }

    fn read_audit(&self) -> Result<Vec<u8>> {
        self.with_client(|c| {
            let mut out = Vec::new();
            for row in c
                .query("SELECT line FROM signet_audit ORDER BY seq", &[])
                .map_err(db("read the audit log"))?
            {
                let line: String = get(&row, 0, "audit record")?;
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
            }
            Ok(out)
        })
    }

    fn shared_role(&self) -> Option<&str> {
        Some(&self.role)
    }

    fn take_counter_failure(&self) -> Option<Error> {
        let mut failures = self.counter_failures.lock().ok()?;
        let me = std::thread::current().id();
        let i = failures.iter().position(|(t, _)| *t == me)?;
        Some(failures.swap_remove(i).1)
    }

    fn reservations(&self) -> Result<Vec<OpenReservation>> {
        PgStore::reservations(self)
    }

    fn settle_reservation(&self, id: u64, returned: bool) -> Result<OpenReservation> {
        self.settle(id, returned)
    }
}

/// The shared store a state's `signet.toml` names.
///
/// # Errors
/// `state_not_initialised`, `state_config_invalid` (the state's store is not
/// shared), `state_io`.
pub fn state_setting(dir: &std::path::Path) -> Result<String> {
    let path = crate::layout::Layout::new(dir).config();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::failed(
                "state_not_initialised",
                format!("there is no Signet state in {} to name a store", dir.display()),
            )
            .with_hint("pass --store URL or set SIGNET_STORE"));
        }
        Err(e) => return Err(Error::io("state_io", "read", &path, &e)),
    };
    crate::config::Config::parse(&text)?
        .store
        .postgres()
        .ok_or_else(|| {
            Error::failed(
                "state_config_invalid",
                format!("the state in {} keeps its own store (no database)", dir.display()),
            )
            .with_hint("pass --store URL or set SIGNET_STORE")
        })
}

#[cfg(test)]
mod tests {
    use super::connection;

    #[cfg(not(feature = "postgres-tls"))]
    #[test]
    fn a_setting_that_demands_tls_is_refused_by_a_build_without_it() {
        for setting in [
            "postgresql://signet@db.example/signet?sslmode=require",
            "postgresql://signet@db.example/signet?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca-certificates.crt",
            "host=db.example user=signet sslmode=verify-ca sslrootcert=/etc/ssl/certs/ca-certificates.crt",
        ] {
            let e = connection(setting).unwrap_err();
            assert_eq!(e.code(), "store_url_invalid", "{setting}");
            assert!(e.message().contains("without TLS"), "{}", e.message());
            assert!(e.hint().unwrap_or("").contains("postgres-tls"));
        }
        for setting in [
            "postgresql://signet@db.example/signet?sslmode=disable",
            "postgresql://signet@db.example/signet?sslmode=prefer",
        ] {
            connection(setting).unwrap();
        }
    }

    #[test]
    fn the_password_never_reaches_the_message() {
        let e = connection("postgresql://signet:hunter2-secret@db.example/x?sslmode=sometimes").unwrap_err();
        assert!(!e.message().contains("hunter2") && !e.hint().unwrap_or("").contains("hunter2"));
        let e = connection("postgresql://signet:hunter2-secret@db.example/x?bogus=1").unwrap_err();
        assert!(!e.message().contains("hunter2"), "{}", e.message());
    }
}

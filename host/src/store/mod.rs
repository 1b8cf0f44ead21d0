//! Where budgets, grants and their ledgers are kept.
//!
//! [`Store`] is the one interface the session uses, so that another store
//! (a shared database) plugs in without touching the CLI or the bindings.
//! [`FileStore`] keeps everything in the state directory.
//!
//! Reading is lock-free ([`Store::read_budget`], [`Store::read_grant`]):
//! status displays work while another process signs, and on a read-only
//! state. Changing a budget or a grant's count goes through an
//! [`OpenLedger`], which holds the ledger's lock until it is closed.

use signet_core::budget::CertFingerprint;
use signet_core::counter::{CounterStore, Usage};

use crate::error::Result;

mod file;
mod pg_tls;
pub mod postgres;
pub mod record;

pub use file::FileStore;
pub use postgres::PgStore;
pub use record::{
    BudgetRecord, EventRecord, GrantRecord, LedgerBinding, PolicyRecord, PurchaseRecord, RequestRecord,
    StepRecord,
};

/// A record read together with its ledger's usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithUsage<R> {
    /// The record.
    pub record: R,
    /// The ledger's durable usage.
    pub usage: Usage,
}

/// A record and its ledger, locked against every other writer until closed.
pub trait OpenLedger<R> {
    /// The record, as read after the lock was taken.
    fn record(&self) -> &R;
    /// Replaces the record durably.
    ///
    /// # Errors
    /// `state_io`.
    fn save(&mut self, record: R) -> Result<()>;
    /// The ledger, for core's reserve/commit/abort.
    fn counter(&mut self) -> &mut dyn CounterStore;
    /// Reservations a crash left uncommitted when the ledger was opened
    /// (they count as used).
    fn lost(&self) -> u64;
    /// Closes the ledger (handing back an unused block) and records the
    /// sequence it reached, so that a later rollback is caught.
    ///
    /// # Errors
    /// `state_io`; the ledger then still counts every reservation.
    fn close(self: Box<Self>) -> Result<Usage>;
}

/// A budget opened for a change or a signature.
pub type OpenBudget<'s> = Box<dyn OpenLedger<BudgetRecord> + Send + 's>;
/// A grant opened to count an operation.
pub type OpenGrant<'s> = Box<dyn OpenLedger<GrantRecord> + Send + 's>;

/// A reservation a host holds in a shared store (a crashed host's stays
/// until an operator settles it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpenReservation {
    /// Its id (for `settle`).
    pub id: u64,
    /// The host that made it.
    pub host: String,
    /// Its process id there.
    pub pid: u64,
    /// When (UNIX seconds).
    pub started_at: i64,
    /// Signatures (or grant operations) reserved and not settled: counted as used.
    pub held: u64,
    /// The budget's certificate, when it is a budget's.
    pub fingerprint: Option<String>,
    /// The grant, when it is a grant's.
    pub grant: Option<u64>,
}

/// Held while requests, policies and grants change; released on drop.
pub type GrantsLock = Box<dyn Send>;

/// Budgets, signer policies, requests, grants and their ledgers.
pub trait Store: Send + Sync {
    /// Every certificate with a budget.
    ///
    /// # Errors
    /// `state_io`, `state_record_damaged`.
    fn budget_fingerprints(&self) -> Result<Vec<CertFingerprint>>;
    /// Reads a budget and its ledger's usage without locking.
    ///
    /// # Errors
    /// `budget_not_found`, `state_record_damaged`, `state_ledger_*`.
    fn read_budget(&self, fp: &CertFingerprint) -> Result<WithUsage<BudgetRecord>>;
    /// Creates a budget and its empty ledger. `record.ledger` is filled in.
    ///
    /// # Errors
    /// `budget_exists`, `state_incomplete` (a ledger without a record), `state_io`.
    fn create_budget(&self, record: BudgetRecord) -> Result<()>;
    /// Opens a budget for a change or `block` signatures: a batch of
    /// `block` is made durable in one ledger write when it is reserved, and
    /// settled in one more when it is closed (what a crash leaves in
    /// between counts as used).
    ///
    /// # Errors
    /// As [`read_budget`](Self::read_budget).
    fn open_budget(&self, fp: &CertFingerprint, block: u32) -> Result<OpenBudget<'_>>;

    /// Takes the lock under which requests, policies and grants change.
    ///
    /// # Errors
    /// `state_io`.
    fn lock_grants(&self) -> Result<GrantsLock>;
    /// The signer policy bound to a certificate, if any.
    ///
    /// # Errors
    /// `state_record_damaged`, `state_io`.
    fn read_policy(&self, fp: &CertFingerprint) -> Result<Option<PolicyRecord>>;
    /// Binds a policy to its certificate (replacing one).
    ///
    /// # Errors
    /// `state_io`.
    fn write_policy(&self, record: &PolicyRecord) -> Result<()>;
    /// Every request id, ascending.
    ///
    /// # Errors
    /// `state_io`.
    fn request_ids(&self) -> Result<Vec<u64>>;
    /// A request.
    ///
    /// # Errors
    /// `grant_unknown_request`, `state_record_damaged`.
    fn read_request(&self, id: u64) -> Result<RequestRecord>;
    /// Writes a request.
    ///
    /// # Errors
    /// `state_io`.
    fn write_request(&self, record: &RequestRecord) -> Result<()>;
    /// A grant and its ledger's usage, if the request issued one.
    ///
    /// # Errors
    /// `state_record_damaged`, `state_ledger_*`.
    fn read_grant(&self, id: u64) -> Result<Option<WithUsage<GrantRecord>>>;
    /// Creates a grant and its empty operation ledger. `record.ledger` is filled in.
    ///
    /// # Errors
    /// `state_io`.
    fn create_grant(&self, record: GrantRecord) -> Result<()>;
    /// Opens a grant to count `block` operations (see
    /// [`open_budget`](Self::open_budget)).
    ///
    /// # Errors
    /// `grant_not_found`, `state_record_damaged`, `state_ledger_*`.
    fn open_grant(&self, id: u64, block: u32) -> Result<OpenGrant<'_>>;

    /// Appends an event to the audit log, chained to the last record, and
    /// makes it durable before returning its receipt. Appends are
    /// serialised, so the chain stays linear under concurrent writers.
    ///
    /// # Errors
    /// `state_incomplete` when the log is missing, `audit_chain_broken`
    /// when its last record is damaged, `state_io`.
    fn append_audit(
        &self,
        event: &crate::audit::Event,
        time: i64,
        actor: &str,
    ) -> Result<crate::audit::Receipt> {
        let mut receipts = self.append_audit_batch(core::slice::from_ref(event), time, actor)?;
        receipts
            .pop()
            .ok_or_else(|| crate::Error::failed("state_io", "the audit log took no record"))
    }
    /// Appends several events in order, made durable together (one write).
    ///
    /// # Errors
    /// As [`append_audit`](Self::append_audit).
    fn append_audit_batch(
        &self,
        events: &[crate::audit::Event],
        time: i64,
        actor: &str,
    ) -> Result<Vec<crate::audit::Receipt>>;
    /// Checks that a record can be appended (the log exists and its last
    /// record is whole), before anything is counted.
    ///
    /// # Errors
    /// As [`append_audit`](Self::append_audit), as failures.
    fn check_audit(&self) -> Result<()>;
    /// Creates an empty audit log (a new state).
    ///
    /// # Errors
    /// `state_io`.
    fn create_audit(&self) -> Result<()>;
    /// Why this thread's last ledger reservation or settlement failed, when
    /// the store knows more than core's counter error carries (a database
    /// that went away: `store_unavailable`). Taken once; `None` by default.
    fn take_counter_failure(&self) -> Option<crate::Error> {
        None
    }
    /// The database role every action is taken as, on a shared store (the
    /// acting user is then that role); `None` for a store of one host.
    fn shared_role(&self) -> Option<&str> {
        None
    }
    /// Open reservations of hosts (a shared store; none in a file store,
    /// where a crashed process's reservation is reported as lost).
    ///
    /// # Errors
    /// `store_unavailable`.
    fn reservations(&self) -> Result<Vec<OpenReservation>> {
        Ok(Vec::new())
    }
    /// Settles an open reservation: its signatures stay used, or with
    /// `returned` go back.
    ///
    /// # Errors
    /// `store_reservation_unknown`, `store_unavailable`.
    fn settle_reservation(&self, id: u64, returned: bool) -> Result<OpenReservation> {
        let _ = returned;
        Err(crate::Error::refused(
            "store_reservation_unknown",
            format!("there is no open reservation {id}: this state's store is not shared"),
        ))
    }
    /// The whole audit log, as its lines.
    ///
    /// # Errors
    /// `state_incomplete` when the log is missing, `state_io`.
    fn read_audit(&self) -> Result<Vec<u8>>;
}

//! The file store: records and ledgers in the state directory (see
//! `layout` for the paths).

use std::path::{Path, PathBuf};

use serde::{Serialize, de::DeserializeOwned};
use signet_core::budget::CertFingerprint;
use signet_core::counter::{
    CorruptReason, CounterError, CounterStore, FileCounterStore, FileStoreOptions, LEDGER_ID_LEN, Usage,
};

use super::record::{BudgetRecord, GrantRecord, LedgerBinding, PolicyRecord, RequestRecord, seal, unseal};
use super::{GrantsLock, OpenBudget, OpenGrant, OpenLedger, Store, WithUsage};
use crate::error::{Error, Result};
use crate::fsio::{self, WaitNotice};
use crate::layout::Layout;

/// Budgets, grants and ledgers under a state directory.
pub struct FileStore {
    layout: Layout,
    notice: Option<WaitNotice>,
}

impl core::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FileStore")
            .field("layout", &self.layout)
            .finish_non_exhaustive()
    }
}

impl FileStore {
    /// Whether the state has an audit log yet.
    pub fn audit_exists(&self) -> bool {
        self.layout.audit_log().exists()
    }

    /// The store of the state at `layout`; `notice` is told what a lock
    /// waits for after a second.
    pub fn new(layout: Layout, notice: Option<WaitNotice>) -> Self {
        FileStore { layout, notice }
    }
}

/// A record that names its ledger.
trait Bound: Serialize + DeserializeOwned + Clone + Send {
    const WHAT: &'static str;
    fn binding(&self) -> &LedgerBinding;
    fn binding_mut(&mut self) -> &mut LedgerBinding;
}

impl Bound for BudgetRecord {
    const WHAT: &'static str = "budget";
    fn binding(&self) -> &LedgerBinding {
        &self.ledger
    }
    fn binding_mut(&mut self) -> &mut LedgerBinding {
        &mut self.ledger
    }
}

impl Bound for GrantRecord {
    const WHAT: &'static str = "grant";
    fn binding(&self) -> &LedgerBinding {
        &self.ledger
    }
    fn binding_mut(&mut self) -> &mut LedgerBinding {
        &mut self.ledger
    }
}

fn read_record<T: Serialize + DeserializeOwned>(path: &Path, what: &str) -> Result<Option<T>> {
    match std::fs::read(path) {
        Ok(bytes) => unseal(&bytes, &format!("{what} ({})", path.display())).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("state_io", "read", path, &e)),
    }
}

fn write_record<T: Serialize + Clone>(path: &Path, record: &T) -> Result<()> {
    if let Some(dir) = path.parent() {
        fsio::create_private_dir(dir)?;
    }
    fsio::write_private(path, &seal(record)?)
}

/// A ledger error in the host's terms.
fn ledger_error(what: &str, dir: &Path, e: CounterError) -> Error {
    let at = dir.display();
    match e {
        CounterError::Corrupt {
            reason: CorruptReason::Missing,
        } => Error::failed(
            "state_ledger_missing",
            format!("the {what} ledger in {at} is missing: its usage cannot be known, so nothing is signed"),
        )
        .with_hint("restore the ledger from a backup"),
        CounterError::Corrupt { reason } => Error::failed(
            "state_ledger_damaged",
            format!("the {what} ledger in {at} is damaged ({reason}); nothing is signed"),
        )
        .with_hint("restore the ledger from a backup"),
        other => Error::failed("state_io", format!("the {what} ledger in {at}: {other}")),
    }
}

/// Refuses a ledger that is not the record's (swapped in) or older than the
/// record has seen (rolled back).
fn check_binding(
    what: &str,
    dir: &Path,
    binding: &LedgerBinding,
    id: [u8; LEDGER_ID_LEN],
    seq: u64,
    used: u64,
) -> Result<()> {
    if crate::hex(&id) != binding.id {
        return Err(Error::failed(
            "state_ledger_foreign",
            format!(
                "the {what} ledger in {} belongs to another {what}; nothing is signed",
                dir.display()
            ),
        )
        .with_hint("restore this budget's own ledger from a backup"));
    }
    if seq < binding.sequence || used < binding.used {
        return Err(Error::failed(
            "state_ledger_rolled_back",
            format!(
                "the {what} ledger in {} is at record {seq} with {used} used, but was already seen at record {} with {} used: it was rolled back to an older copy, so nothing is signed",
                dir.display(),
                binding.sequence,
                binding.used
            ),
        )
        .with_hint("restore the newest copy of the ledger"));
    }
    Ok(())
}

/// Reads a record and its ledger without locking.
fn peek<R: Bound>(record_path: &Path, ledger_dir: &Path) -> Result<Option<WithUsage<R>>> {
    let Some(record) = read_record::<R>(record_path, R::WHAT)? else {
        return Ok(None);
    };
    let (seq, id, usage) =
        FileCounterStore::peek(ledger_dir).map_err(|e| ledger_error(R::WHAT, ledger_dir, e))?;
    check_binding(R::WHAT, ledger_dir, record.binding(), id, seq, usage.used())?;
    Ok(Some(WithUsage { record, usage }))
}

/// Creates a ledger with a fresh identity.
fn create_ledger(what: &str, dir: &Path) -> Result<LedgerBinding> {
    if dir.join("ledger.bin").exists() {
        // A creation interrupted after the ledger and before its record: an
        // unused ledger is taken over (nothing was counted in it). A used
        // one without a record is damage, never a fresh start.
        let (seq, id, usage) = FileCounterStore::peek(dir).map_err(|e| ledger_error(what, dir, e))?;
        if usage == Usage::default() {
            return Ok(LedgerBinding::new(id, seq, 0));
        }
        return Err(Error::failed(
            "state_incomplete",
            format!("{} holds a {what} ledger without its record", dir.display()),
        )
        .with_hint(
            "a creation was interrupted or the record was deleted; restore the record from a backup",
        ));
    }
    fsio::create_private_dir(dir)?;
    let mut id = [0u8; LEDGER_ID_LEN];
    getrandom::fill(&mut id)
        .map_err(|e| Error::failed("state_io", format!("the system random generator failed: {e}")))?;
    let options = FileStoreOptions {
        ledger_id: id,
        ..FileStoreOptions::default()
    };
    let (store, _) = FileCounterStore::open(dir, options).map_err(|e| ledger_error(what, dir, e))?;
    Ok(LedgerBinding::new(store.ledger_id(), store.sequence(), 0))
}

struct FileLedger<R> {
    record_path: PathBuf,
    record: R,
    store: FileCounterStore,
    lost: u64,
}

fn open_ledger<R: Bound>(
    record_path: &Path,
    ledger_dir: &Path,
    block: u32,
    notice: Option<&WaitNotice>,
    not_found: impl FnOnce() -> Error,
) -> Result<FileLedger<R>> {
    if !record_path.exists() {
        return Err(not_found());
    }
    let options = FileStoreOptions {
        block: block.max(1),
        create: false,
        wait_for_lock: false,
        ..FileStoreOptions::default()
    };
    let what = format!("the {} ledger in {}", R::WHAT, ledger_dir.display());
    let (store, recovery) = fsio::wait_for(&what, notice, || {
        match FileCounterStore::open(ledger_dir, options) {
            Ok(opened) => Ok(Some(opened)),
            Err(CounterError::Locked) => Ok(None),
            Err(e) => Err(ledger_error(R::WHAT, ledger_dir, e)),
        }
    })?;
    // Read under the ledger lock: every writer of this record holds it.
    let record = read_record::<R>(record_path, R::WHAT)?.ok_or_else(not_found)?;
    check_binding(
        R::WHAT,
        ledger_dir,
        record.binding(),
        store.ledger_id(),
        store.sequence(),
        store.durable().used(),
    )?;
    Ok(FileLedger {
        record_path: record_path.to_path_buf(),
        record,
        store,
        lost: recovery.lost,
    })
}

impl<R: Bound> OpenLedger<R> for FileLedger<R> {
    fn record(&self) -> &R {
        &self.record
    }

    fn save(&mut self, mut record: R) -> Result<()> {
        // What the ledger has durably recorded: never more than it counts.
        let binding = record.binding_mut();
        binding.sequence = self.store.sequence();
        binding.used = self.store.durable().used();
        write_record(&self.record_path, &record)?;
        self.record = record;
        Ok(())
    }

    fn counter(&mut self) -> &mut dyn CounterStore {
        &mut self.store
    }

    fn lost(&self) -> u64 {
        self.lost
    }

    fn close(mut self: Box<Self>) -> Result<Usage> {
        let dir = self.store.dir().to_path_buf();
        let usage = self.store.flush().map_err(|e| ledger_error(R::WHAT, &dir, e))?;
        // Still under the ledger lock: record the sequence reached, so that a
        // later rollback of the ledger is caught.
        let binding = self.record.binding();
        if self.store.sequence() != binding.sequence || self.store.durable().used() != binding.used {
            let record = self.record.clone();
            self.save(record)?;
        }
        Ok(usage)
    }
}

impl Store for FileStore {
    fn budget_fingerprints(&self) -> Result<Vec<CertFingerprint>> {
        let dir = self.layout.budgets();
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(Error::io("state_io", "list", &dir, &e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("state_io", "list", &dir, &e))?;
            let name = entry.file_name();
            let Some(fp) = name.to_str().and_then(|n| crate::key::parse_fingerprint(n).ok()) else {
                continue;
            };
            if self.layout.budget_record(&fp).exists() {
                out.push(fp);
            }
        }
        out.sort_by_key(|fp| fp.0);
        Ok(out)
    }

    fn read_budget(&self, fp: &CertFingerprint) -> Result<WithUsage<BudgetRecord>> {
        peek(&self.layout.budget_record(fp), &self.layout.budget_ledger(fp))?
            .ok_or_else(|| budget_not_found(fp))
    }

    fn create_budget(&self, mut record: BudgetRecord) -> Result<()> {
        let fp = record.fingerprint()?;
        let path = self.layout.budget_record(&fp);
        if path.exists() {
            return Err(Error::refused(
                "budget_exists",
                format!("certificate {} already has a budget", crate::hex(&fp.0)),
            )
            .with_hint("a renewed certificate has a new fingerprint and gets its own budget"));
        }
        fsio::create_private_dir(&self.layout.budget_dir(&fp))?;
        record.ledger = create_ledger("budget", &self.layout.budget_ledger(&fp))?;
        write_record(&path, &record)
    }

    fn open_budget(&self, fp: &CertFingerprint, block: u32) -> Result<OpenBudget<'_>> {
        let ledger = open_ledger::<BudgetRecord>(
            &self.layout.budget_record(fp),
            &self.layout.budget_ledger(fp),
            block,
            self.notice.as_ref(),
            || budget_not_found(fp),
        )?;
        Ok(Box::new(ledger))
    }

    fn lock_grants(&self) -> Result<GrantsLock> {
        fsio::create_private_dir(&self.layout.grants())?;
        let guard = fsio::lock_file(
            &self.layout.grants_lock(),
            "the grants lock",
            self.notice.as_ref(),
        )?;
        Ok(Box::new(guard))
    }

    fn read_policy(&self, fp: &CertFingerprint) -> Result<Option<PolicyRecord>> {
        read_record(&self.layout.policy(fp), "signer policy")
    }

    fn write_policy(&self, record: &PolicyRecord) -> Result<()> {
        let fp = crate::key::parse_fingerprint(&record.fingerprint)?;
        write_record(&self.layout.policy(&fp), record)
    }

    fn request_ids(&self) -> Result<Vec<u64>> {
        let dir = self.layout.requests();
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(Error::io("state_io", "list", &dir, &e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("state_io", "list", &dir, &e))?;
            if let Some(id) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .and_then(|n| n.parse().ok())
            {
                out.push(id);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    fn read_request(&self, id: u64) -> Result<RequestRecord> {
        read_record(&self.layout.request(id), "signing request")?.ok_or_else(|| {
            Error::refused(
                "grant_unknown_request",
                format!("there is no signing request {id}"),
            )
        })
    }

    fn write_request(&self, record: &RequestRecord) -> Result<()> {
        write_record(&self.layout.request(record.id), record)
    }

    fn read_grant(&self, id: u64) -> Result<Option<WithUsage<GrantRecord>>> {
        peek(&self.layout.grant(id), &self.layout.grant_ledger(id))
    }

    fn create_grant(&self, mut record: GrantRecord) -> Result<()> {
        record.ledger = create_ledger("grant", &self.layout.grant_ledger(record.id))?;
        write_record(&self.layout.grant(record.id), &record)
    }

    fn append_audit_batch(
        &self,
        events: &[crate::audit::Event],
        time: i64,
        actor: &str,
    ) -> Result<Vec<crate::audit::Receipt>> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.layout.audit_log();
        if !path.exists() {
            return Err(audit_missing(&path));
        }
        let _lock = fsio::lock_file(&self.layout.audit_lock(), "the audit log", self.notice.as_ref())?;
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .mode(fsio::FILE_MODE)
            .open(&path)
            .map_err(|e| Error::io("state_io", "open", &path, &e))?;
        let prev = match last_line(&mut file, &path)? {
            None => None,
            Some(line) => {
                let record: crate::audit::Record = serde_json::from_slice(&line).map_err(|e| {
                    Error::refused(
                        "audit_chain_broken",
                        format!("the last record of {} is damaged: {e}", path.display()),
                    )
                })?;
                Some(crate::audit::Receipt {
                    seq: record.seq,
                    hash: crate::audit::hash(&line),
                })
            }
        };
        let mut lines = String::new();
        let mut receipts = Vec::with_capacity(events.len());
        let mut prev = prev;
        for event in events {
            let record = crate::audit::Record::new(event, prev.as_ref(), time, actor);
            let line = record.line();
            let receipt = crate::audit::Receipt {
                seq: record.seq,
                hash: crate::audit::hash(line.as_bytes()),
            };
            lines.push_str(&line);
            lines.push('\n');
            prev = Some(receipt.clone());
            receipts.push(receipt);
        }
        // One write of the whole line, then fsync: a crash leaves the line
        // whole or cut off, and a cut-off line is reported, never extended.
        file.write_all(lines.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| Error::io("state_io", "append to", &path, &e))?;
        Ok(receipts)
    }

    fn check_audit(&self) -> Result<()> {
        let path = self.layout.audit_log();
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(audit_missing(&path)),
            Err(e) => return Err(Error::io("state_io", "open", &path, &e)),
        };
        let damaged = |e: Error| {
            let hint = e.hint().map(str::to_string);
            let failed = Error::failed(e.code(), format!("{}; nothing is signed", e.message()));
            match hint {
                Some(h) => failed.with_hint(h),
                None => failed,
            }
        };
        if let Some(line) = last_line(&mut file, &path).map_err(damaged)? {
            serde_json::from_slice::<crate::audit::Record>(&line).map_err(|e| {
                damaged(Error::refused(
                    "audit_chain_broken",
                    format!("the last record of {} is damaged: {e}", path.display()),
                ))
            })?;
        }
        Ok(())
    }

    fn create_audit(&self) -> Result<()> {
        let path = self.layout.audit_log();
        if let Some(dir) = path.parent() {
            fsio::create_private_dir(dir)?;
        }
        fsio::write_private(&path, b"")
    }

    fn read_audit(&self) -> Result<Vec<u8>> {
        let path = self.layout.audit_log();
        match std::fs::read(&path) {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(audit_missing(&path)),
            Err(e) => Err(Error::io("state_io", "read", &path, &e)),
        }
    }

    fn open_grant(&self, id: u64, block: u32) -> Result<OpenGrant<'_>> {
        let ledger = open_ledger::<GrantRecord>(
            &self.layout.grant(id),
            &self.layout.grant_ledger(id),
            block,
            self.notice.as_ref(),
            || Error::refused("grant_not_found", format!("there is no grant {id}")),
        )?;
        Ok(Box::new(ledger))
    }
}

/// The last line of the log (without its newline), read from the end.
fn last_line(file: &mut std::fs::File, path: &Path) -> Result<Option<Vec<u8>>> {
    use std::io::{Read, Seek, SeekFrom};
    let io = |e: std::io::Error| Error::io("state_io", "read", path, &e);
    let len = file.metadata().map_err(io)?.len();
    if len == 0 {
        return Ok(None);
    }
    // Records are far below this; a longer last line is damage.
    const TAIL: u64 = 64 * 1024;
    let start = len.saturating_sub(TAIL);
    file.seek(SeekFrom::Start(start)).map_err(io)?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).map_err(io)?;
    let Some(body) = tail.strip_suffix(b"\n") else {
        return Err(Error::refused(
            "audit_chain_broken",
            format!(
                "the last record of {} is cut off (a torn write or a truncation)",
                path.display()
            ),
        )
        .with_hint("run `signet audit verify`; restore the log from a copy"));
    };
    let line = match body.iter().rposition(|&b| b == b'\n') {
        Some(i) => body.get(i + 1..).unwrap_or_default(),
        None if start == 0 => body,
        None => {
            return Err(Error::refused(
                "audit_chain_broken",
                format!("the last record of {} is longer than any record", path.display()),
            ));
        }
    };
    Ok(Some(line.to_vec()))
}

fn audit_missing(path: &Path) -> Error {
    Error::failed(
        "state_incomplete",
        format!(
            "the audit log {} is missing; nothing is done without a record",
            path.display()
        ),
    )
    .with_hint("restore the audit log from a backup")
}

fn budget_not_found(fp: &CertFingerprint) -> Error {
    Error::refused(
        "budget_not_found",
        format!("certificate {} has no budget in this state", crate::hex(&fp.0)),
    )
    .with_hint("create one with `signet budget init --cert FILE`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_refuse_other_ledgers_older_sequences_and_lower_counts() {
        let dir = Path::new("/x");
        let b = LedgerBinding::new([1; LEDGER_ID_LEN], 5, 3);
        check_binding("budget", dir, &b, [1; LEDGER_ID_LEN], 5, 3).unwrap();
        check_binding("budget", dir, &b, [1; LEDGER_ID_LEN], 9, 4).unwrap();
        let code = |id, seq, used| {
            check_binding("budget", dir, &b, id, seq, used)
                .unwrap_err()
                .code()
        };
        assert_eq!(code([2; LEDGER_ID_LEN], 5, 3), "state_ledger_foreign");
        assert_eq!(code([1; LEDGER_ID_LEN], 4, 3), "state_ledger_rolled_back");
        // A newer record that counts fewer: forged from an older one.
        assert_eq!(code([1; LEDGER_ID_LEN], 6, 2), "state_ledger_rolled_back");
    }
}

//! A counter ledger in a file, safe against `kill -9` at any point.
//!
//! On-disk layout, in the ledger directory:
//! - `ledger.lock`: empty; held with an exclusive `flock` ([`File::lock`]) for
//!   the lifetime of the store, so two processes never share a ledger. The
//!   kernel drops the lock when the holder dies, even by `kill -9`.
//! - `ledger.bin`: exactly two [records](super::record) (128 bytes). Record
//!   number `seq` goes to slot `seq % 2`, overwriting the record before the
//!   previous one; the state is the valid record with the higher sequence
//!   number. Each write is followed by `fdatasync` before the operation
//!   returns (write-ahead: a reservation is durable before the caller can
//!   sign with it). A torn write can only damage the slot being written, and
//!   the other slot still holds the last acknowledged state.
//! - `ledger.bin.tmp`: only while creating: the first record is written and
//!   synced here, renamed into place, and the directory is synced, so
//!   `ledger.bin` either does not exist or is complete.
//!
//! ## Block reservation
//! With [`FileStoreOptions::block`] = *n* > 1, a reservation that finds no
//! durably pre-reserved index left persists `next_index` *n* ahead (capped so
//! that the durable count never exceeds the limit), and the next *n* − 1
//! reservations need no write; commits are then not written individually
//! (aborts always are). A crash therefore wastes at most one block (*n* − 1
//! unissued indices, which recovery counts as used) and never over-spends:
//! the durable count is always ≥ the real one. The default *n* = 1 writes
//! and syncs every reserve, commit and abort: strict, two `fsync`s per
//! signature. [`FileCounterStore::close`] hands an unused block back.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::record::{LEDGER_ID_LEN, RECORD_LEN, decode, encode};
use super::{
    CorruptReason, CounterError, CounterStore, Recovery, Reservation, StorageDetail, StorageOp, Tracker,
    Usage,
};

const LEDGER: &str = "ledger.bin";
const LEDGER_TMP: &str = "ledger.bin.tmp";
const LOCK: &str = "ledger.lock";
const FILE_LEN: usize = 2 * RECORD_LEN;

/// How a [`FileCounterStore`] is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStoreOptions {
    /// Reservations made durable per write (≥ 1). Default 1 (strict).
    pub block: u32,
    /// Wait for another process to release the ledger (`true`, default) or
    /// fail at once with [`CounterError::Locked`].
    pub wait_for_lock: bool,
    /// Create the ledger when `ledger.bin` does not exist (`true`, default).
    /// With `false` a missing ledger is [`CorruptReason::Missing`]: a host
    /// that already created this ledger must never get a fresh zero count.
    pub create: bool,
    /// The identity written into every record of a ledger created by this
    /// open (ignored when the ledger exists; read it back with
    /// [`FileCounterStore::ledger_id`]). Lets a host detect a ledger swapped
    /// in from elsewhere. Default: all zero.
    pub ledger_id: [u8; LEDGER_ID_LEN],
}

impl Default for FileStoreOptions {
    fn default() -> Self {
        FileStoreOptions {
            block: 1,
            wait_for_lock: true,
            create: true,
            ledger_id: [0; LEDGER_ID_LEN],
        }
    }
}

fn io(op: StorageOp) -> impl Fn(std::io::Error) -> CounterError {
    move |e| CounterError::Storage {
        op,
        detail: StorageDetail::Io(e.kind()),
    }
}

/// Syncs a directory so that a file created or renamed in it survives a
/// crash. Directories cannot be opened for syncing on every platform.
fn sync_dir(dir: &Path) -> Result<(), CounterError> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io(StorageOp::Sync))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A fail-closed counter in a ledger directory. See the module docs.
#[derive(Debug)]
pub struct FileCounterStore {
    file: File,
    // Held for the lifetime of the store; closing it releases the flock.
    _lock: File,
    dir: PathBuf,
    id: [u8; LEDGER_ID_LEN],
    seq: u64,
    durable: Usage,
    block: u32,
    tracker: Tracker,
}

impl FileCounterStore {
    /// Opens (creating if needed) the ledger in `dir`, takes its lock and
    /// recovers the durable state.
    ///
    /// # Errors
    /// [`CounterError::ZeroBlockSize`], [`CounterError::Locked`] (only with
    /// `wait_for_lock: false`), [`CounterError::Corrupt`] for a damaged
    /// ledger, or an I/O error.
    pub fn open(dir: &Path, options: FileStoreOptions) -> Result<(Self, Recovery), CounterError> {
        if options.block == 0 {
            return Err(CounterError::ZeroBlockSize);
        }
        if !dir.is_dir() {
            if !options.create {
                return Err(CounterError::Corrupt {
                    reason: CorruptReason::Missing,
                });
            }
            std::fs::create_dir_all(dir).map_err(io(StorageOp::Open))?;
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                sync_dir(parent)?;
            }
        }
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK))
            .map_err(io(StorageOp::Open))?;
        // `File::lock`/`try_lock` (flock), stable since Rust 1.89 (the workspace
        // MSRV). Using std's lock avoids a libc dependency and `unsafe`.
        if options.wait_for_lock {
            lock.lock().map_err(io(StorageOp::Lock))?;
        } else {
            match lock.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Err(CounterError::Locked),
                Err(TryLockError::Error(e)) => return Err(io(StorageOp::Lock)(e)),
            }
        }
        let path = dir.join(LEDGER);
        if !path.exists() {
            if !options.create {
                return Err(CounterError::Corrupt {
                    reason: CorruptReason::Missing,
                });
            }
            let tmp = dir.join(LEDGER_TMP);
            let mut image = [0u8; FILE_LEN];
            if let Some(slot1) = image.get_mut(RECORD_LEN..) {
                slot1.copy_from_slice(&encode(1, &options.ledger_id, &Usage::default()));
            }
            let mut f = File::create(&tmp).map_err(io(StorageOp::Open))?;
            f.write_all(&image).map_err(io(StorageOp::Write))?;
            f.sync_all().map_err(io(StorageOp::Sync))?;
            drop(f);
            std::fs::rename(&tmp, &path).map_err(io(StorageOp::Rename))?;
            sync_dir(dir)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io(StorageOp::Open))?;
        let (seq, id, durable) = read_image(&mut file)?;
        let store = FileCounterStore {
            file,
            _lock: lock,
            dir: dir.to_path_buf(),
            id,
            seq,
            durable,
            block: options.block,
            tracker: Tracker::new(durable),
        };
        Ok((
            store,
            Recovery {
                usage: durable,
                lost: durable.pending(),
            },
        ))
    }

    /// Reads a ledger's newest durable record without taking its lock or
    /// writing anything: `(sequence, ledger id, usage)`. For status displays
    /// and read-only states; a writer may be between two records, so the
    /// result may be one write behind (never ahead).
    ///
    /// # Errors
    /// [`CorruptReason::Missing`] when there is no ledger,
    /// [`CounterError::Corrupt`] for a damaged one, or an I/O error.
    pub fn peek(dir: &Path) -> Result<(u64, [u8; LEDGER_ID_LEN], Usage), CounterError> {
        let mut file = match File::open(dir.join(LEDGER)) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CounterError::Corrupt {
                    reason: CorruptReason::Missing,
                });
            }
            Err(e) => return Err(io(StorageOp::Open)(e)),
        };
        read_image(&mut file)
    }

    /// The ledger directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The identity written into the ledger when it was created
    /// ([`FileStoreOptions::ledger_id`]).
    pub fn ledger_id(&self) -> [u8; LEDGER_ID_LEN] {
        self.id
    }

    /// The sequence number of the newest durable record: it grows with every
    /// write, so a host that remembers it can tell a ledger rolled back to an
    /// older copy (a lower sequence) from the live one.
    pub fn sequence(&self) -> u64 {
        self.seq
    }

    /// The durable state (with block reservation, ahead of [`CounterStore::usage`]).
    pub fn durable(&self) -> Usage {
        self.durable
    }

    /// Writes the exact live state (handing back an unused block) and closes
    /// the store. Outstanding reservations stay counted as used.
    ///
    /// # Errors
    /// [`CounterError::Poisoned`] or an I/O error; the durable state is then
    /// still the previous, never lower than the real count.
    pub fn close(mut self) -> Result<Usage, CounterError> {
        self.flush()
    }

    /// Writes the exact live state (handing back an unused block) and keeps
    /// the store open, with its lock: a host can then record
    /// [`sequence`](Self::sequence) elsewhere before releasing the ledger.
    ///
    /// # Errors
    /// As [`close`](Self::close).
    pub fn flush(&mut self) -> Result<Usage, CounterError> {
        if self.tracker.poisoned {
            return Err(CounterError::Poisoned);
        }
        let live = self.tracker.live;
        if live != self.durable {
            self.persist(live)?;
        }
        Ok(live)
    }

    fn persist(&mut self, durable: Usage) -> Result<(), CounterError> {
        let result = self.try_persist(durable);
        if result.is_err() {
            self.tracker.poisoned = true;
        }
        result
    }

    fn try_persist(&mut self, durable: Usage) -> Result<(), CounterError> {
        let seq = self.seq.checked_add(1).ok_or(CounterError::Overflow)?;
        let offset = (seq % 2).saturating_mul(RECORD_LEN as u64);
        self.file
            .seek(SeekFrom::Start(offset))
            .map_err(io(StorageOp::Write))?;
        self.file
            .write_all(&encode(seq, &self.id, &durable))
            .map_err(io(StorageOp::Write))?;
        // The file size never changes, so data sync is enough.
        self.file.sync_data().map_err(io(StorageOp::Sync))?;
        self.seq = seq;
        self.durable = durable;
        Ok(())
    }
}

/// Reads and decodes the whole ledger file: the valid record with the
/// highest sequence number.
fn read_image(file: &mut File) -> Result<(u64, [u8; LEDGER_ID_LEN], Usage), CounterError> {
    // One byte more than a ledger, so that a longer file is seen as such
    // without reading all of it.
    let mut image = std::vec::Vec::new();
    Read::by_ref(file)
        .take(FILE_LEN as u64 + 1)
        .read_to_end(&mut image)
        .map_err(io(StorageOp::Read))?;
    if image.len() != FILE_LEN {
        let actual = match file.metadata() {
            Ok(m) => m.len(),
            Err(_) => image.len() as u64,
        };
        return Err(CounterError::Corrupt {
            reason: CorruptReason::BadFileSize {
                expected: FILE_LEN as u64,
                actual,
            },
        });
    }
    image
        .chunks_exact(RECORD_LEN)
        .filter_map(|c| <&[u8; RECORD_LEN]>::try_from(c).ok().and_then(decode))
        .max_by_key(|(seq, _, _)| *seq)
        .ok_or(CounterError::Corrupt {
            reason: CorruptReason::NoValidRecord,
        })
}

impl CounterStore for FileCounterStore {
    fn usage(&self) -> Usage {
        self.tracker.live
    }

    fn reserve(&mut self, limit: u64) -> Result<Reservation, CounterError> {
        let index = self.tracker.plan_reserve(limit)?;
        if index >= self.durable.next_index {
            let live = self.tracker.live;
            let headroom = limit.saturating_sub(live.used()).max(1);
            let ahead = headroom.min(u64::from(self.block));
            let durable = Usage {
                next_index: index.checked_add(ahead).ok_or(CounterError::Overflow)?,
                ..live
            };
            self.persist(durable)?;
        }
        self.tracker.apply_reserve(index)
    }

    fn commit(&mut self, reservation: Reservation) -> Result<u64, CounterError> {
        let position = self.tracker.locate(&reservation)?;
        let live = self.tracker.after_commit();
        if self.block == 1 {
            self.persist(Usage {
                next_index: self.durable.next_index,
                ..live
            })?;
        }
        self.tracker.settle(position, live);
        Ok(reservation.index)
    }

    fn abort(&mut self, reservation: Reservation) -> Result<(), CounterError> {
        let position = self.tracker.locate(&reservation)?;
        let live = self.tracker.after_abort();
        self.persist(Usage {
            next_index: self.durable.next_index,
            ..live
        })?;
        self.tracker.settle(position, live);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::CounterErrorKind;
    use super::*;
    use crate::ErrorCode;
    use std::format;

    fn tempdir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("signet-filestore-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn strict_store_persists_every_step() {
        let dir = tempdir("strict");
        let (mut s, rec) = FileCounterStore::open(&dir, FileStoreOptions::default()).unwrap();
        assert_eq!(rec.usage, Usage::default());
        let a = s.reserve(3).unwrap();
        let b = s.reserve(3).unwrap();
        s.commit(a).unwrap();
        s.abort(b).unwrap();
        let kept = s.reserve(3).unwrap();
        assert_eq!(kept.index(), 2);
        drop(kept); // crash before commit: dropping settles nothing
        drop(s);
        let (mut s, rec) = FileCounterStore::open(&dir, FileStoreOptions::default()).unwrap();
        assert_eq!(
            rec.usage,
            Usage {
                next_index: 3,
                committed: 1,
                released: 1
            }
        );
        assert_eq!(rec.lost, 1);
        let c = s.reserve(3).unwrap();
        assert_eq!(c.index(), 3);
        s.commit(c).unwrap();
        assert_eq!(s.reserve(3).unwrap_err().kind(), CounterErrorKind::Exhausted);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn block_mode_wastes_at_most_one_block_and_respects_the_limit() {
        let dir = tempdir("block");
        let opts = FileStoreOptions {
            block: 16,
            ..FileStoreOptions::default()
        };
        let (mut s, _) = FileCounterStore::open(&dir, opts).unwrap();
        for _ in 0..20 {
            let r = s.reserve(25).unwrap();
            s.commit(r).unwrap();
        }
        // Second block capped by the limit: 20 used, 5 headroom.
        assert_eq!(s.durable().next_index, 25);
        drop(s); // crash: no close
        let (mut s, rec) = FileCounterStore::open(&dir, opts).unwrap();
        assert_eq!(rec.usage.used(), 25, "fail closed: the whole block counts");
        assert!(rec.usage.used() - 20 < 16);
        assert_eq!(s.reserve(25).unwrap_err().kind(), CounterErrorKind::Exhausted);
        // close() hands an unused block back.
        let r = s.reserve(100).unwrap();
        assert_eq!(r.index(), 25);
        s.commit(r).unwrap();
        assert_eq!(s.durable().next_index, 25 + 16);
        let live = s.close().unwrap();
        let (_, rec) = FileCounterStore::open(&dir, opts).unwrap();
        assert_eq!(rec.usage, live);
        assert_eq!(rec.usage.next_index, 26);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn second_opener_is_locked_out() {
        let dir = tempdir("lock");
        let no_wait = FileStoreOptions {
            wait_for_lock: false,
            ..FileStoreOptions::default()
        };
        let (s, _) = FileCounterStore::open(&dir, no_wait).unwrap();
        assert_eq!(
            FileCounterStore::open(&dir, no_wait).unwrap_err(),
            CounterError::Locked
        );
        drop(s);
        FileCounterStore::open(&dir, no_wait).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn damaged_ledgers_are_refused_and_one_torn_slot_is_survived() {
        let dir = tempdir("damage");
        let (mut s, _) = FileCounterStore::open(&dir, FileStoreOptions::default()).unwrap();
        let r = s.reserve(10).unwrap();
        s.commit(r).unwrap(); // seq 3 → slot 1; slot 0 holds seq 2
        drop(s);
        let path = dir.join(LEDGER);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[RECORD_LEN + 10] ^= 0xFF; // tear the newest record
        std::fs::write(&path, &bytes).unwrap();
        let (_, rec) = FileCounterStore::open(&dir, FileStoreOptions::default()).unwrap();
        assert_eq!(rec.usage.next_index, 1, "falls back to the previous record");
        assert_eq!(rec.usage.used(), 1, "the reservation still counts");
        bytes[10] ^= 0xFF;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            FileCounterStore::open(&dir, FileStoreOptions::default()).unwrap_err(),
            CounterError::Corrupt {
                reason: CorruptReason::NoValidRecord
            }
        );
        std::fs::write(&path, &bytes[..5]).unwrap();
        assert_eq!(
            FileCounterStore::open(&dir, FileStoreOptions::default())
                .unwrap_err()
                .code(),
            "counter_corrupt"
        );
        assert_eq!(
            FileCounterStore::open(
                &dir,
                FileStoreOptions {
                    block: 0,
                    ..FileStoreOptions::default()
                }
            )
            .unwrap_err(),
            CounterError::ZeroBlockSize
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn identity_sequence_and_no_create() {
        let dir = tempdir("identity");
        let no_create = FileStoreOptions {
            create: false,
            ..FileStoreOptions::default()
        };
        assert_eq!(
            FileCounterStore::open(&dir, no_create).unwrap_err(),
            CounterError::Corrupt {
                reason: CorruptReason::Missing
            }
        );
        assert!(!dir.exists(), "nothing is created");
        let opts = FileStoreOptions {
            ledger_id: [9; LEDGER_ID_LEN],
            ..FileStoreOptions::default()
        };
        let (mut s, _) = FileCounterStore::open(&dir, opts).unwrap();
        assert_eq!((s.ledger_id(), s.sequence()), ([9; LEDGER_ID_LEN], 1));
        let r = s.reserve(5).unwrap();
        s.commit(r).unwrap();
        assert_eq!(s.sequence(), 3);
        drop(s);
        // Reopening keeps the stored id whatever the options say.
        let (s, _) = FileCounterStore::open(&dir, no_create).unwrap();
        assert_eq!((s.ledger_id(), s.sequence()), ([9; LEDGER_ID_LEN], 3));
        drop(s);
        std::fs::remove_file(dir.join(LEDGER)).unwrap();
        assert_eq!(
            FileCounterStore::open(&dir, no_create).unwrap_err(),
            CounterError::Corrupt {
                reason: CorruptReason::Missing
            }
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

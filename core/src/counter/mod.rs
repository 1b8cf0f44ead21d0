//! Signature counters that survive crashes and fail closed.
//!
//! A [`CounterStore`] hands out numbered [`Reservation`]s against a limit. The
//! sign path is *reserve → sign → commit* (or *abort* when signing was
//! refused, so that a refusal consumes nothing). A reservation is made durable
//! **before** it is handed out, so if the process dies between reserve and
//! commit the signature still counts as used: after a crash, reserved but
//! uncommitted = used ([`Recovery::lost`]).
//!
//! The counter index of a reservation ([`Reservation::index`]) is the
//! monotonic serial of the signature it pays for: it never repeats, not even
//! after an abort or a crash, so a sign receipt can include it.
//!
//! Implementations:
//! - [`MemoryCounterStore`]: in memory (tests, or a device that keeps the
//!   counter elsewhere); `no_std`, allocation-free.
//! - [`FlashCounterStore`]: an append log over any `embedded-storage`
//!   [`NorFlash`](embedded_storage::nor_flash::NorFlash); `no_std`,
//!   allocation-free, power-loss safe at any byte.
//! - `FileCounterStore` (feature `std`): write-ahead file with `fsync`, safe
//!   against `kill -9`, locked against other processes.
//!
//! Stores take `&mut self`: one owner at a time. To share one store between
//! threads use `SharedCounterStore` (feature `std`), a mutex wrapper that
//! itself implements [`CounterStore`] through `&SharedCounterStore`.

use core::fmt;

use crate::ErrorCode;

mod flash;
pub use flash::{FlashCounterStore, GeometryProblem, RECORD_LEN};

#[cfg(feature = "std")]
mod file;
#[cfg(feature = "std")]
pub use file::{FileCounterStore, FileStoreOptions};
pub use record::LEDGER_ID_LEN;

#[cfg(feature = "std")]
mod shared;
#[cfg(feature = "std")]
pub use shared::SharedCounterStore;

#[cfg(any(test, feature = "flash-sim"))]
pub mod sim;

mod record;

/// How many reservations one store may have outstanding (reserved, not yet
/// committed or aborted) at once. Bounded so that the store needs no heap.
pub const MAX_OUTSTANDING: usize = 32;

/// A snapshot of a counter. All three numbers only ever grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Usage {
    /// The index the next reservation will get; equals the number of
    /// reservations ever made (or, for a block-reserving store, durably
    /// pre-reserved).
    pub next_index: u64,
    /// Reservations committed (signatures produced).
    pub committed: u64,
    /// Reservations aborted (signing refused; nothing consumed).
    pub released: u64,
}

impl Usage {
    /// Signatures counted against the limit: every reservation not aborted,
    /// committed or not (fail closed).
    pub const fn used(&self) -> u64 {
        self.next_index.saturating_sub(self.released)
    }

    /// Reservations neither committed nor aborted: in flight while running,
    /// lost (and counted as used) after a crash.
    pub const fn pending(&self) -> u64 {
        self.next_index
            .saturating_sub(self.committed)
            .saturating_sub(self.released)
    }

    /// True when the numbers are consistent (committed + released ≤ next_index).
    pub const fn is_consistent(&self) -> bool {
        match self.committed.checked_add(self.released) {
            Some(done) => done <= self.next_index,
            None => false,
        }
    }
}

/// What a store found when it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recovery {
    /// The durable counter state.
    pub usage: Usage,
    /// Reservations that were made durable but never committed or aborted
    /// (the process died in between). They stay counted as used.
    pub lost: u64,
}

/// A reserved signature. Commit it after signing, abort it if signing was
/// refused. It cannot be copied, cloned or built outside this module, and
/// [`CounterStore::commit`] / [`CounterStore::abort`] consume it, so it can be
/// settled at most once; the store also checks that it issued it.
#[must_use = "a reservation counts as used until it is committed or aborted"]
#[derive(Debug, PartialEq, Eq)]
pub struct Reservation {
    instance: u32,
    index: u64,
    used: u64,
}

impl Reservation {
    /// The monotonic serial of the signature this reservation pays for.
    pub const fn index(&self) -> u64 {
        self.index
    }

    /// Signatures counted as used right after this reservation was made
    /// (this one included); exact even when threads share a store.
    pub const fn used_after(&self) -> u64 {
        self.used
    }
}

/// A durable, fail-closed signature counter.
///
/// Blanket-implemented for `&mut T`.
pub trait CounterStore {
    /// The current counter state.
    fn usage(&self) -> Usage;

    /// Reserves the next signature if fewer than `limit` are used, making the
    /// reservation durable before returning it.
    ///
    /// # Errors
    /// [`CounterError::Exhausted`] when `limit` is reached (nothing is
    /// written), [`CounterError::TooManyOutstanding`],
    /// [`CounterError::Poisoned`] after an earlier storage failure, or a
    /// storage error (the store is then poisoned).
    fn reserve(&mut self, limit: u64) -> Result<Reservation, CounterError>;

    /// Records that the reserved signature was produced; returns its index.
    ///
    /// # Errors
    /// [`CounterError::ForeignReservation`] /
    /// [`CounterError::UnknownReservation`] for a reservation this store did
    /// not issue (or issued before a reopen), [`CounterError::Poisoned`], or a
    /// storage error. On any error the signature stays counted as used.
    fn commit(&mut self, reservation: Reservation) -> Result<u64, CounterError>;

    /// Gives a reserved signature back (signing was refused).
    ///
    /// # Errors
    /// As [`CounterStore::commit`]; on any error the signature stays counted
    /// as used (fail closed).
    fn abort(&mut self, reservation: Reservation) -> Result<(), CounterError>;
}

impl<T: CounterStore + ?Sized> CounterStore for &mut T {
    fn usage(&self) -> Usage {
        (**self).usage()
    }
    fn reserve(&mut self, limit: u64) -> Result<Reservation, CounterError> {
        (**self).reserve(limit)
    }
    fn commit(&mut self, reservation: Reservation) -> Result<u64, CounterError> {
        (**self).commit(reservation)
    }
    fn abort(&mut self, reservation: Reservation) -> Result<(), CounterError> {
        (**self).abort(reservation)
    }
}

/// The storage operation that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageOp {
    /// Reading records.
    Read,
    /// Writing a record.
    Write,
    /// Erasing a flash sector.
    Erase,
    /// Flushing to stable storage (`fsync`).
    Sync,
    /// Opening or creating files.
    Open,
    /// Renaming a file into place.
    Rename,
    /// Taking the cross-process lock.
    Lock,
}

impl fmt::Display for StorageOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StorageOp::Read => "read",
            StorageOp::Write => "write",
            StorageOp::Erase => "erase",
            StorageOp::Sync => "sync",
            StorageOp::Open => "open",
            StorageOp::Rename => "rename",
            StorageOp::Lock => "lock",
        })
    }
}

/// The medium's own description of a storage failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageDetail {
    /// A NOR flash driver error.
    Flash(embedded_storage::nor_flash::NorFlashErrorKind),
    /// An operating-system I/O error.
    #[cfg(feature = "std")]
    Io(std::io::ErrorKind),
}

/// Why a store found no usable counter state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CorruptReason {
    /// No record with a valid checksum: unformatted or foreign storage.
    NoValidRecord,
    /// The ledger does not exist and the store was told not to create it.
    Missing,
    /// The ledger file has the wrong size.
    BadFileSize {
        /// Expected size in bytes.
        expected: u64,
        /// Actual size in bytes.
        actual: u64,
    },
}

impl fmt::Display for CorruptReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CorruptReason::NoValidRecord => f.write_str("no record with a valid checksum"),
            CorruptReason::Missing => f.write_str("the ledger is missing"),
            CorruptReason::BadFileSize { expected, actual } => {
                write!(f, "the ledger is {actual} bytes long, expected {expected}")
            }
        }
    }
}

impl fmt::Display for StorageDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageDetail::Flash(kind) => write!(f, "flash error {kind:?}"),
            #[cfg(feature = "std")]
            StorageDetail::Io(kind) => write!(f, "{kind}"),
        }
    }
}

/// The coarse class of a [`CounterError`], for generic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CounterErrorKind {
    /// The limit is reached.
    Exhausted,
    /// A reservation was not issued by this store (or not in this session).
    InvalidReservation,
    /// Too many reservations are outstanding.
    Busy,
    /// A counter would overflow.
    Overflow,
    /// The storage medium failed.
    Storage,
    /// The storage holds no usable counter state.
    Corrupt,
    /// Another process holds the ledger.
    Locked,
    /// An earlier failure left the store unusable until reopened.
    Poisoned,
    /// The store's configuration is unusable.
    Configuration,
}

/// Errors of the counter stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CounterError {
    /// `used` signatures are counted and the limit is `limit`.
    Exhausted {
        /// The limit that was passed in.
        limit: u64,
        /// Signatures counted as used.
        used: u64,
    },
    /// The reservation was issued by another store instance.
    ForeignReservation {
        /// Its index.
        index: u64,
    },
    /// The reservation is not outstanding in this store.
    UnknownReservation {
        /// Its index.
        index: u64,
    },
    /// [`MAX_OUTSTANDING`] reservations are already outstanding.
    TooManyOutstanding {
        /// The bound.
        max: usize,
    },
    /// The counter index space is exhausted (`u64`).
    Overflow,
    /// The storage medium failed; the store is now poisoned.
    Storage {
        /// What was being done.
        op: StorageOp,
        /// The medium's error.
        detail: StorageDetail,
    },
    /// The storage holds no usable counter state.
    Corrupt {
        /// Why.
        reason: CorruptReason,
    },
    /// Another process holds the ledger lock.
    Locked,
    /// An earlier storage failure (or a poisoned mutex) made the in-memory
    /// state untrustworthy; reopen the store to recover from storage.
    Poisoned,
    /// The flash region cannot hold the log.
    InvalidGeometry {
        /// What is wrong with it.
        problem: GeometryProblem,
    },
    /// A block size of zero was configured.
    ZeroBlockSize,
}

impl CounterError {
    /// The coarse class of this error.
    pub const fn kind(&self) -> CounterErrorKind {
        match self {
            CounterError::Exhausted { .. } => CounterErrorKind::Exhausted,
            CounterError::ForeignReservation { .. } | CounterError::UnknownReservation { .. } => {
                CounterErrorKind::InvalidReservation
            }
            CounterError::TooManyOutstanding { .. } => CounterErrorKind::Busy,
            CounterError::Overflow => CounterErrorKind::Overflow,
            CounterError::Storage { .. } => CounterErrorKind::Storage,
            CounterError::Corrupt { .. } => CounterErrorKind::Corrupt,
            CounterError::Locked => CounterErrorKind::Locked,
            CounterError::Poisoned => CounterErrorKind::Poisoned,
            CounterError::InvalidGeometry { .. } | CounterError::ZeroBlockSize => {
                CounterErrorKind::Configuration
            }
        }
    }
}

impl ErrorCode for CounterError {
    fn code(&self) -> &'static str {
        match self {
            CounterError::Exhausted { .. } => "counter_exhausted",
            CounterError::ForeignReservation { .. } => "counter_foreign_reservation",
            CounterError::UnknownReservation { .. } => "counter_unknown_reservation",
            CounterError::TooManyOutstanding { .. } => "counter_too_many_outstanding",
            CounterError::Overflow => "counter_overflow",
            CounterError::Storage { .. } => "counter_storage",
            CounterError::Corrupt { .. } => "counter_corrupt",
            CounterError::Locked => "counter_locked",
            CounterError::Poisoned => "counter_poisoned",
            CounterError::InvalidGeometry { .. } => "counter_invalid_geometry",
            CounterError::ZeroBlockSize => "counter_zero_block_size",
        }
    }
}

impl fmt::Display for CounterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CounterError::Exhausted { limit, used } => {
                write!(f, "signature limit reached: {used} of {limit} used")
            }
            CounterError::ForeignReservation { index } => {
                write!(f, "reservation {index} was issued by another counter store")
            }
            CounterError::UnknownReservation { index } => {
                write!(f, "reservation {index} is not outstanding in this counter store")
            }
            CounterError::TooManyOutstanding { max } => {
                write!(f, "too many outstanding reservations (at most {max})")
            }
            CounterError::Overflow => f.write_str("counter overflow"),
            CounterError::Storage { op, detail } => {
                write!(f, "counter storage failed during {op}: {detail}")
            }
            CounterError::Corrupt { reason } => write!(f, "counter storage unusable: {reason}"),
            CounterError::Locked => f.write_str("the counter ledger is locked by another process"),
            CounterError::Poisoned => f.write_str("the counter store failed earlier and must be reopened"),
            CounterError::InvalidGeometry { problem } => {
                write!(f, "flash region unusable for the counter log: {problem:?}")
            }
            CounterError::ZeroBlockSize => f.write_str("reservation block size must be at least 1"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CounterError {}

/// A process-wide instance number, so that a reservation from one store is
/// refused by another. Without 32-bit atomics every store gets 0 and only the
/// outstanding-set check remains.
pub(crate) fn next_instance() -> u32 {
    #[cfg(target_has_atomic = "32")]
    {
        use core::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(1);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }
    #[cfg(not(target_has_atomic = "32"))]
    {
        0
    }
}

/// The bookkeeping every store shares: the live counter, the outstanding
/// reservations and the poison flag. Storage is the implementation's job.
#[derive(Debug)]
struct Tracker {
    instance: u32,
    live: Usage,
    outstanding: heapless::Vec<u64, MAX_OUTSTANDING>,
    poisoned: bool,
}

impl Tracker {
    fn new(live: Usage) -> Self {
        Tracker {
            instance: next_instance(),
            live,
            outstanding: heapless::Vec::new(),
            poisoned: false,
        }
    }

    /// Checks a reservation against `limit`; returns the index it would get.
    fn plan_reserve(&self, limit: u64) -> Result<u64, CounterError> {
        if self.poisoned {
            return Err(CounterError::Poisoned);
        }
        let used = self.live.used();
        if used >= limit {
            return Err(CounterError::Exhausted { limit, used });
        }
        if self.outstanding.is_full() {
            return Err(CounterError::TooManyOutstanding { max: MAX_OUTSTANDING });
        }
        let index = self.live.next_index;
        index.checked_add(1).ok_or(CounterError::Overflow)?;
        Ok(index)
    }

    /// Records a planned reservation once it is durable.
    fn apply_reserve(&mut self, index: u64) -> Result<Reservation, CounterError> {
        self.outstanding
            .push(index)
            .map_err(|_| CounterError::TooManyOutstanding { max: MAX_OUTSTANDING })?;
        self.live.next_index = index.saturating_add(1);
        Ok(Reservation {
            instance: self.instance,
            index,
            used: self.live.used(),
        })
    }

    /// Finds an outstanding reservation.
    fn locate(&self, reservation: &Reservation) -> Result<usize, CounterError> {
        if self.poisoned {
            return Err(CounterError::Poisoned);
        }
        if reservation.instance != self.instance {
            return Err(CounterError::ForeignReservation {
                index: reservation.index,
            });
        }
        self.outstanding
            .iter()
            .position(|&i| i == reservation.index)
            .ok_or(CounterError::UnknownReservation {
                index: reservation.index,
            })
    }

    fn after_commit(&self) -> Usage {
        Usage {
            committed: self.live.committed.saturating_add(1),
            ..self.live
        }
    }

    fn after_abort(&self) -> Usage {
        Usage {
            released: self.live.released.saturating_add(1),
            ..self.live
        }
    }

    /// Applies a durable commit or abort.
    fn settle(&mut self, position: usize, new_live: Usage) {
        self.outstanding.swap_remove(position);
        self.live = new_live;
    }
}

/// The reservations a store implemented outside this crate has handed out
/// (a database ledger in the host): [`Reservation`] cannot be built outside
/// this module, so that a reservation is only ever one a store issued; this
/// book issues them for such a store and checks them when they are settled.
/// The store itself keeps the counts and does the durable writes.
#[derive(Debug)]
pub struct ReservationBook {
    instance: u32,
    outstanding: heapless::Vec<u64, MAX_OUTSTANDING>,
}

impl ReservationBook {
    /// An empty book with its own instance number.
    pub fn new() -> Self {
        ReservationBook {
            instance: next_instance(),
            outstanding: heapless::Vec::new(),
        }
    }

    /// Issues the reservation of signature `index`, `used_after` counted as
    /// used with it. Call only once the reservation is durable.
    ///
    /// # Errors
    /// [`CounterError::TooManyOutstanding`].
    pub fn issue(&mut self, index: u64, used_after: u64) -> Result<Reservation, CounterError> {
        self.outstanding
            .push(index)
            .map_err(|_| CounterError::TooManyOutstanding { max: MAX_OUTSTANDING })?;
        Ok(Reservation {
            instance: self.instance,
            index,
            used: used_after,
        })
    }

    /// Takes a reservation back (to commit or abort it); returns its index.
    /// It is gone from the book even if the store's write then fails, so
    /// that it stays counted as used (fail closed).
    ///
    /// # Errors
    /// [`CounterError::ForeignReservation`], [`CounterError::UnknownReservation`].
    pub fn settle(&mut self, reservation: Reservation) -> Result<u64, CounterError> {
        if reservation.instance != self.instance {
            return Err(CounterError::ForeignReservation {
                index: reservation.index,
            });
        }
        let position = self
            .outstanding
            .iter()
            .position(|&i| i == reservation.index)
            .ok_or(CounterError::UnknownReservation {
                index: reservation.index,
            })?;
        self.outstanding.swap_remove(position);
        Ok(reservation.index)
    }

    /// Reservations issued and not settled.
    pub fn outstanding(&self) -> usize {
        self.outstanding.len()
    }
}

impl Default for ReservationBook {
    fn default() -> Self {
        Self::new()
    }
}

/// A counter kept in memory only: for tests, and for devices that persist it
/// by other means. A "crash" is modelled by [`MemoryCounterStore::crash`].
#[derive(Debug)]
pub struct MemoryCounterStore {
    tracker: Tracker,
}

impl MemoryCounterStore {
    /// A fresh counter at zero.
    pub fn new() -> Self {
        Self::from_usage(Usage::default())
    }

    /// A counter resuming from a saved state.
    pub fn from_usage(usage: Usage) -> Self {
        MemoryCounterStore {
            tracker: Tracker::new(usage),
        }
    }

    /// Models a crash and restart: outstanding reservations become
    /// unusable and stay counted as used.
    pub fn crash(self) -> (Self, Recovery) {
        let usage = self.tracker.live;
        (
            Self::from_usage(usage),
            Recovery {
                usage,
                lost: usage.pending(),
            },
        )
    }
}

impl Default for MemoryCounterStore {
    fn default() -> Self {
        Self::new()
    }
}

impl CounterStore for MemoryCounterStore {
    fn usage(&self) -> Usage {
        self.tracker.live
    }

    fn reserve(&mut self, limit: u64) -> Result<Reservation, CounterError> {
        let index = self.tracker.plan_reserve(limit)?;
        self.tracker.apply_reserve(index)
    }

    fn commit(&mut self, reservation: Reservation) -> Result<u64, CounterError> {
        let position = self.tracker.locate(&reservation)?;
        let new_live = self.tracker.after_commit();
        self.tracker.settle(position, new_live);
        Ok(reservation.index)
    }

    fn abort(&mut self, reservation: Reservation) -> Result<(), CounterError> {
        let position = self.tracker.locate(&reservation)?;
        let new_live = self.tracker.after_abort();
        self.tracker.settle(position, new_live);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_issues_and_settles_only_its_own_reservations() {
        let mut a = ReservationBook::new();
        let mut b = ReservationBook::new();
        let r = a.issue(7, 3).unwrap();
        assert_eq!((r.index(), r.used_after()), (7, 3));
        let foreign = b.issue(7, 3).unwrap();
        assert_eq!(
            a.settle(foreign),
            Err(CounterError::ForeignReservation { index: 7 })
        );
        assert_eq!(a.settle(r), Ok(7));
        assert_eq!(a.outstanding(), 0);
        let held: alloc::vec::Vec<Reservation> = (0u64..)
            .take(MAX_OUTSTANDING)
            .map(|i| a.issue(i, i).unwrap())
            .collect();
        assert_eq!(
            a.issue(99, 99).unwrap_err(),
            CounterError::TooManyOutstanding { max: MAX_OUTSTANDING }
        );
        for r in held {
            a.settle(r).unwrap();
        }
        assert_eq!(a.outstanding(), 0);
    }

    #[test]
    fn reserve_commit_abort_and_limit() {
        let mut s = MemoryCounterStore::new();
        let a = s.reserve(2).unwrap();
        let b = s.reserve(2).unwrap();
        assert_eq!((a.index(), b.index()), (0, 1));
        assert_eq!(
            s.reserve(2).unwrap_err(),
            CounterError::Exhausted { limit: 2, used: 2 }
        );
        s.abort(b).unwrap();
        assert_eq!(s.usage().used(), 1);
        // Indices never repeat, even after an abort.
        let c = s.reserve(2).unwrap();
        assert_eq!(c.index(), 2);
        assert_eq!(s.commit(a).unwrap(), 0);
        assert_eq!(s.commit(c).unwrap(), 2);
        let u = s.usage();
        assert_eq!((u.next_index, u.committed, u.released, u.used()), (3, 2, 1, 2));
        assert!(u.is_consistent());
    }

    #[test]
    fn refusal_consumes_nothing() {
        let mut s = MemoryCounterStore::new();
        let before = s.usage();
        assert_eq!(s.reserve(0).unwrap_err().kind(), CounterErrorKind::Exhausted);
        assert_eq!(s.usage(), before);
    }

    #[test]
    fn foreign_and_stale_reservations_are_refused() {
        let mut a = MemoryCounterStore::new();
        let mut b = MemoryCounterStore::new();
        let ra = a.reserve(10).unwrap();
        let _rb = b.reserve(10).unwrap();
        assert_eq!(
            b.commit(ra).unwrap_err(),
            CounterError::ForeignReservation { index: 0 }
        );
        // The refused commit consumed the token; a stays fail-closed.
        assert_eq!(a.usage().used(), 1);
        let r = a.reserve(10).unwrap();
        let (mut a2, rec) = a.crash();
        assert_eq!(rec.lost, 2);
        assert_eq!(rec.usage.used(), 2);
        assert_eq!(
            a2.commit(r).unwrap_err().kind(),
            CounterErrorKind::InvalidReservation
        );
        assert_eq!(a2.reserve(10).unwrap().index(), 2);
    }

    #[test]
    fn outstanding_is_bounded() {
        let mut s = MemoryCounterStore::new();
        let mut held = heapless::Vec::<Reservation, MAX_OUTSTANDING>::new();
        for _ in 0..MAX_OUTSTANDING {
            held.push(s.reserve(1000).unwrap()).unwrap();
        }
        let err = s.reserve(1000).unwrap_err();
        assert_eq!(err.code(), "counter_too_many_outstanding");
        assert_eq!(s.usage().next_index, MAX_OUTSTANDING as u64);
        for r in held {
            s.commit(r).unwrap();
        }
        assert_eq!(s.usage().committed, MAX_OUTSTANDING as u64);
    }

    #[test]
    fn overflow_is_refused() {
        let mut s = MemoryCounterStore::from_usage(Usage {
            next_index: u64::MAX,
            committed: 0,
            released: u64::MAX,
        });
        assert_eq!(s.reserve(u64::MAX).unwrap_err(), CounterError::Overflow);
    }

    #[test]
    fn codes_are_unique() {
        let all = [
            CounterError::Exhausted { limit: 1, used: 1 },
            CounterError::ForeignReservation { index: 0 },
            CounterError::UnknownReservation { index: 0 },
            CounterError::TooManyOutstanding { max: 1 },
            CounterError::Overflow,
            CounterError::Storage {
                op: StorageOp::Write,
                detail: StorageDetail::Flash(embedded_storage::nor_flash::NorFlashErrorKind::Other),
            },
            CounterError::Corrupt {
                reason: CorruptReason::NoValidRecord,
            },
            CounterError::Locked,
            CounterError::Poisoned,
            CounterError::InvalidGeometry {
                problem: GeometryProblem::TooFewSectors,
            },
            CounterError::ZeroBlockSize,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.code(), b.code());
            }
        }
    }
}

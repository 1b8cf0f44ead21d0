//! A counter log on NOR flash.
//!
//! The region is `sectors` erase sectors starting at `base`. Each sector holds
//! `ERASE_SIZE / RECORD_LEN` record slots. Every state change appends one
//! [record](super::record) with the next sequence number in the next erased
//! slot; the state is the valid record with the highest sequence number.
//!
//! Power loss at any byte is safe:
//! - a torn record fails its CRC and is skipped (its slot is never reused
//!   until the sector is erased), so the state falls back to the previous
//!   record, which is the last one acknowledged: the count never rolls back
//!   past an acknowledged state;
//! - when the current sector is full the log moves to the next sector in
//!   circular order (wear levelling), erasing it first; a sector holding the
//!   newest valid record is never erased, so there is always a newer valid
//!   record elsewhere before the oldest sector is erased, and a torn erase
//!   only loses records that were already superseded.

use embedded_storage::nor_flash::{NorFlash, NorFlashError};

use super::record::{decode, encode, is_erased};
use super::{
    CorruptReason, CounterError, CounterStore, Recovery, Reservation, StorageDetail, StorageOp, Tracker,
    Usage,
};

pub use super::record::RECORD_LEN;

/// What is wrong with a flash region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GeometryProblem {
    /// `RECORD_LEN` is not a multiple of the flash's write or read size.
    RecordAlignment,
    /// The erase size is not a multiple of `RECORD_LEN`.
    SectorSize,
    /// Fewer than two sectors: the log could not rotate safely.
    TooFewSectors,
    /// `base` is not on a sector boundary.
    BaseUnaligned,
    /// The region extends past the end of the flash.
    OutOfBounds,
}

/// Where the next record goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cursor {
    /// This slot of this sector is erased and may be written.
    At { sector: u32, slot: u32 },
    /// This sector is full; the next write rotates.
    Full { sector: u32 },
}

/// A fail-closed counter over a NOR flash region. See the module docs.
///
/// Pass `&mut flash` to keep ownership of the driver (`NorFlash` is
/// implemented for `&mut T`).
#[derive(Debug)]
pub struct FlashCounterStore<F: NorFlash> {
    flash: F,
    base: u32,
    sectors: u32,
    slots: u32,
    seq: u64,
    latest_sector: u32,
    cursor: Cursor,
    tracker: Tracker,
}

fn storage<E: NorFlashError>(op: StorageOp, e: &E) -> CounterError {
    CounterError::Storage {
        op,
        detail: StorageDetail::Flash(e.kind()),
    }
}

impl<F: NorFlash> FlashCounterStore<F> {
    fn geometry(flash: &F, base: u32, sectors: u32) -> Result<u32, CounterError> {
        let problem = |problem| CounterError::InvalidGeometry { problem };
        if F::WRITE_SIZE == 0
            || F::READ_SIZE == 0
            || !RECORD_LEN.is_multiple_of(F::WRITE_SIZE)
            || !RECORD_LEN.is_multiple_of(F::READ_SIZE)
        {
            return Err(problem(GeometryProblem::RecordAlignment));
        }
        if F::ERASE_SIZE < RECORD_LEN || F::ERASE_SIZE % RECORD_LEN != 0 {
            return Err(problem(GeometryProblem::SectorSize));
        }
        if sectors < 2 {
            return Err(problem(GeometryProblem::TooFewSectors));
        }
        let erase = u32::try_from(F::ERASE_SIZE).map_err(|_| problem(GeometryProblem::SectorSize))?;
        if !base.is_multiple_of(erase) {
            return Err(problem(GeometryProblem::BaseUnaligned));
        }
        let end = sectors
            .checked_mul(erase)
            .and_then(|len| base.checked_add(len))
            .ok_or(problem(GeometryProblem::OutOfBounds))?;
        if usize::try_from(end).map_or(true, |end| end > flash.capacity()) {
            return Err(problem(GeometryProblem::OutOfBounds));
        }
        u32::try_from(F::ERASE_SIZE / RECORD_LEN).map_err(|_| problem(GeometryProblem::SectorSize))
    }

    fn sector_addr(&self, sector: u32) -> u32 {
        let erase = u32::try_from(F::ERASE_SIZE).unwrap_or(u32::MAX);
        self.base.saturating_add(sector.saturating_mul(erase))
    }

    fn slot_addr(&self, sector: u32, slot: u32) -> u32 {
        let len = u32::try_from(RECORD_LEN).unwrap_or(u32::MAX);
        self.sector_addr(sector).saturating_add(slot.saturating_mul(len))
    }

    fn read_slot(&mut self, sector: u32, slot: u32) -> Result<[u8; RECORD_LEN], CounterError> {
        let mut buf = [0u8; RECORD_LEN];
        let addr = self.slot_addr(sector, slot);
        if let Err(e) = self.flash.read(addr, &mut buf) {
            return Err(storage(StorageOp::Read, &e));
        }
        Ok(buf)
    }

    /// Erases the whole region and writes an initial record (count zero).
    ///
    /// # Errors
    /// [`CounterError::InvalidGeometry`] for an unusable region, or a storage
    /// error (format again).
    pub fn format(flash: F, base: u32, sectors: u32) -> Result<Self, CounterError> {
        let slots = Self::geometry(&flash, base, sectors)?;
        let mut store = FlashCounterStore {
            flash,
            base,
            sectors,
            slots,
            seq: 0,
            latest_sector: 0,
            cursor: Cursor::At { sector: 0, slot: 0 },
            tracker: Tracker::new(Usage::default()),
        };
        let from = store.sector_addr(0);
        let to = store.sector_addr(sectors);
        if let Err(e) = store.flash.erase(from, to) {
            return Err(storage(StorageOp::Erase, &e));
        }
        store.persist(Usage::default())?;
        Ok(store)
    }

    /// Opens a formatted region, recovering the newest valid record.
    /// Reservations that were durable but never settled stay counted
    /// ([`Recovery::lost`]).
    ///
    /// # Errors
    /// [`CounterError::InvalidGeometry`], a read error, or
    /// [`CounterError::Corrupt`] when no valid record exists (unformatted).
    pub fn open(flash: F, base: u32, sectors: u32) -> Result<(Self, Recovery), CounterError> {
        let slots = Self::geometry(&flash, base, sectors)?;
        let mut store = FlashCounterStore {
            flash,
            base,
            sectors,
            slots,
            seq: 0,
            latest_sector: 0,
            cursor: Cursor::Full { sector: 0 },
            tracker: Tracker::new(Usage::default()),
        };
        let mut best: Option<(u64, Usage, u32, u32)> = None;
        for sector in 0..sectors {
            for slot in 0..slots {
                let buf = store.read_slot(sector, slot)?;
                if let Some((seq, _, usage)) = decode(&buf)
                    && best.is_none_or(|(s, ..)| seq > s)
                {
                    best = Some((seq, usage, sector, slot));
                }
            }
        }
        let Some((seq, usage, sector, slot)) = best else {
            return Err(CounterError::Corrupt {
                reason: CorruptReason::NoValidRecord,
            });
        };
        store.seq = seq;
        store.latest_sector = sector;
        store.tracker = Tracker::new(usage);
        store.cursor = store.next_free(sector, slot.saturating_add(1))?;
        Ok((
            store,
            Recovery {
                usage,
                lost: usage.pending(),
            },
        ))
    }

    /// The first erased slot at or after `slot` in `sector`. Slots holding
    /// anything (e.g. a torn record) are skipped, never rewritten.
    fn next_free(&mut self, sector: u32, mut slot: u32) -> Result<Cursor, CounterError> {
        while slot < self.slots {
            if is_erased(&self.read_slot(sector, slot)?) {
                return Ok(Cursor::At { sector, slot });
            }
            slot = slot.saturating_add(1);
        }
        Ok(Cursor::Full { sector })
    }

    /// Gives back the flash driver.
    pub fn into_inner(self) -> F {
        self.flash
    }

    /// Appends a record for `usage`; on any failure the store is poisoned.
    fn persist(&mut self, usage: Usage) -> Result<(), CounterError> {
        let result = self.try_persist(usage);
        if result.is_err() {
            self.tracker.poisoned = true;
        }
        result
    }

    fn try_persist(&mut self, usage: Usage) -> Result<(), CounterError> {
        let seq = self.seq.checked_add(1).ok_or(CounterError::Overflow)?;
        let (sector, slot) = match self.cursor {
            Cursor::At { sector, slot } => (sector, slot),
            Cursor::Full { sector: full } => {
                // Next sector in circular order that does not hold the newest
                // valid record (with two or more sectors there always is one).
                let target = (1..=self.sectors)
                    .map(|k| full.saturating_add(k) % self.sectors)
                    .find(|&t| t != self.latest_sector)
                    .ok_or(CounterError::InvalidGeometry {
                        problem: GeometryProblem::TooFewSectors,
                    })?;
                let (from, to) = (
                    self.sector_addr(target),
                    self.sector_addr(target.saturating_add(1)),
                );
                if let Err(e) = self.flash.erase(from, to) {
                    return Err(storage(StorageOp::Erase, &e));
                }
                (target, 0)
            }
        };
        let buf = encode(seq, &[0; super::record::LEDGER_ID_LEN], &usage);
        let addr = self.slot_addr(sector, slot);
        if let Err(e) = self.flash.write(addr, &buf) {
            return Err(storage(StorageOp::Write, &e));
        }
        self.seq = seq;
        self.latest_sector = sector;
        self.cursor = self.next_free(sector, slot.saturating_add(1))?;
        Ok(())
    }
}

impl<F: NorFlash> CounterStore for FlashCounterStore<F> {
    fn usage(&self) -> Usage {
        self.tracker.live
    }

    fn reserve(&mut self, limit: u64) -> Result<Reservation, CounterError> {
        let index = self.tracker.plan_reserve(limit)?;
        let new = Usage {
            next_index: index.saturating_add(1),
            ..self.tracker.live
        };
        self.persist(new)?;
        self.tracker.apply_reserve(index)
    }

    fn commit(&mut self, reservation: Reservation) -> Result<u64, CounterError> {
        let position = self.tracker.locate(&reservation)?;
        let new = self.tracker.after_commit();
        self.persist(new)?;
        self.tracker.settle(position, new);
        Ok(reservation.index)
    }

    fn abort(&mut self, reservation: Reservation) -> Result<(), CounterError> {
        let position = self.tracker.locate(&reservation)?;
        let new = self.tracker.after_abort();
        self.persist(new)?;
        self.tracker.settle(position, new);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::CounterErrorKind;
    use super::super::sim::SimFlash;
    use super::*;
    extern crate std;
    use std::vec::Vec;

    type Sim = SimFlash<4, 256>; // 4 slots per sector

    const LIMIT: u64 = 40;

    /// One scripted step of a workload.
    #[derive(Debug, Clone, Copy)]
    enum Op {
        Reserve,
        Commit,
        Abort,
    }

    fn script() -> Vec<Op> {
        // Mixed, with aborts and more reserves than the limit allows.
        (0..70)
            .map(|i| match i % 7 {
                0 | 2 | 4 => Op::Reserve,
                1 | 3 => Op::Commit,
                5 => Op::Abort,
                _ => Op::Reserve,
            })
            .collect()
    }

    /// Runs `ops` against a store, tracking the last acknowledged state.
    /// Returns the acknowledged usage, the usage being attempted when a
    /// storage error hit, and the number of commits acknowledged.
    fn run(store: &mut FlashCounterStore<&mut Sim>, ops: &[Op]) -> (Usage, Option<Usage>) {
        let mut held: Vec<Reservation> = Vec::new();
        let mut acked = store.usage();
        for op in ops {
            let before = store.usage();
            let (result, attempted) = match op {
                Op::Reserve => {
                    let attempted = Usage {
                        next_index: before.next_index + 1,
                        ..before
                    };
                    (store.reserve(LIMIT).map(|r| held.push(r)), attempted)
                }
                Op::Commit | Op::Abort if held.is_empty() => continue,
                Op::Commit => {
                    let attempted = Usage {
                        committed: before.committed + 1,
                        ..before
                    };
                    (store.commit(held.remove(0)).map(|_| ()), attempted)
                }
                Op::Abort => {
                    let attempted = Usage {
                        released: before.released + 1,
                        ..before
                    };
                    (store.abort(held.remove(0)), attempted)
                }
            };
            match result {
                Ok(()) => {
                    acked = store.usage();
                    assert_eq!(acked, attempted);
                }
                Err(e) if e.kind() == CounterErrorKind::Exhausted => {
                    assert_eq!(store.usage(), before, "a refusal consumes nothing");
                }
                Err(e) => {
                    assert_eq!(e.kind(), CounterErrorKind::Storage, "{e:?}");
                    // Poisoned from now on.
                    assert_eq!(store.reserve(LIMIT).unwrap_err(), CounterError::Poisoned);
                    return (acked, Some(attempted));
                }
            }
            assert!(acked.used() <= LIMIT);
        }
        (acked, None)
    }

    #[test]
    fn power_loss_at_every_step_never_rolls_back_or_overspends() {
        // Count the steps of the full workload (plus a second round after reopening).
        let mut flash = Sim::new(3);
        FlashCounterStore::format(&mut flash, 0, 3).unwrap();
        let after_format = flash.steps();
        {
            let (mut store, _) = FlashCounterStore::open(&mut flash, 0, 3).unwrap();
            run(&mut store, &script());
        }
        let total = flash.steps() - after_format;
        assert!(total > 3000, "workload too small to rotate: {total}");
        let mut cuts = 0u64;
        for cut in 0..=total {
            let mut flash = Sim::new(3);
            FlashCounterStore::format(&mut flash, 0, 3).unwrap();
            flash.cut_power_after(cut);
            let (acked, attempted) = {
                let (mut store, _) = FlashCounterStore::open(&mut flash, 0, 3).unwrap();
                run(&mut store, &script())
            };
            flash.restore_power();
            let (mut store, recovery) = FlashCounterStore::open(&mut flash, 0, 3).unwrap();
            let got = recovery.usage;
            if let Some(attempted) = attempted {
                cuts += 1;
                // The recovered state is the last acknowledged one or the
                // one being written; never anything older.
                assert!(
                    got == acked || got == attempted,
                    "cut {cut}: {got:?} {acked:?} {attempted:?}"
                );
            } else {
                assert_eq!(got, acked);
            }
            assert!(got.next_index >= acked.next_index && got.committed >= acked.committed);
            assert!(
                got.used() >= got.committed && got.used() <= LIMIT,
                "cut {cut}: {got:?}"
            );
            // The recovered store keeps working and never goes below what it recovered.
            let (after, none) = run(&mut store, &script());
            assert!(none.is_none());
            assert!(after.next_index >= got.next_index && after.used() <= LIMIT);
            drop(store);
            let (_, again) = FlashCounterStore::open(&mut flash, 0, 3).unwrap();
            assert_eq!(again.usage, after);
        }
        assert!(cuts >= total, "every cut point must hit a write or erase");
    }

    #[test]
    fn rotation_spreads_erases_and_recovers_state() {
        let mut flash = Sim::new(2);
        let mut store = FlashCounterStore::format(&mut flash, 0, 2).unwrap();
        for _ in 0..100 {
            let r = store.reserve(1000).unwrap();
            store.commit(r).unwrap();
        }
        drop(store);
        let counts = flash.erase_counts().to_vec();
        // 201 records over 4-slot sectors: both sectors erased many times, evenly.
        assert!(counts.iter().all(|&c| c >= 20), "{counts:?}");
        assert!(counts[0].abs_diff(counts[1]) <= 1, "{counts:?}");
        let (store, rec) = FlashCounterStore::open(&mut flash, 0, 2).unwrap();
        assert_eq!(rec.usage.committed, 100);
        assert_eq!(rec.lost, 0);
        assert_eq!(store.usage().used(), 100);
    }

    #[test]
    fn crash_between_reserve_and_commit_counts_as_used() {
        let mut flash = SimFlash::<1, 128>::new(4);
        let mut store = FlashCounterStore::format(&mut flash, 128, 3).unwrap();
        let r = store.reserve(5).unwrap();
        drop(r); // the process dies holding it: dropping settles nothing
        drop(store);
        let (mut store, rec) = FlashCounterStore::open(&mut flash, 128, 3).unwrap();
        assert_eq!((rec.usage.used(), rec.lost), (1, 1));
        let next = store.reserve(5).unwrap();
        assert_eq!(next.index(), 1);
        store.commit(next).unwrap();
    }

    #[test]
    fn unformatted_and_bad_geometry_are_refused() {
        let mut flash = Sim::new(2);
        assert_eq!(
            FlashCounterStore::open(&mut flash, 0, 2).unwrap_err(),
            CounterError::Corrupt {
                reason: CorruptReason::NoValidRecord
            }
        );
        let geo = |r: Result<_, CounterError>| match r {
            Err(CounterError::InvalidGeometry { problem }) => problem,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            geo(FlashCounterStore::format(&mut flash, 0, 1).map(|_| ())),
            GeometryProblem::TooFewSectors
        );
        assert_eq!(
            geo(FlashCounterStore::format(&mut flash, 0, 3).map(|_| ())),
            GeometryProblem::OutOfBounds
        );
        assert_eq!(
            geo(FlashCounterStore::format(&mut flash, 4, 1).map(|_| ())),
            GeometryProblem::TooFewSectors
        );
        assert_eq!(
            geo(FlashCounterStore::format(&mut flash, 64, 2).map(|_| ())),
            GeometryProblem::BaseUnaligned
        );
        let mut odd = SimFlash::<128, 256>::new(2);
        assert_eq!(
            geo(FlashCounterStore::format(&mut odd, 0, 2).map(|_| ())),
            GeometryProblem::RecordAlignment
        );
        let mut tiny = SimFlash::<4, 32>::new(4);
        assert_eq!(
            geo(FlashCounterStore::format(&mut tiny, 0, 2).map(|_| ())),
            GeometryProblem::SectorSize
        );
    }

    #[test]
    fn simulator_has_nor_semantics() {
        use embedded_storage::nor_flash::ReadNorFlash;
        let mut f = SimFlash::<1, 16>::new(1);
        f.write(0, &[0b1010_1010]).unwrap();
        f.write(0, &[0b0101_0101]).unwrap(); // can only clear bits
        let mut b = [0u8; 1];
        f.read(0, &mut b).unwrap();
        assert_eq!(b[0], 0);
        f.write(1, &[0x00; 4]).unwrap();
        f.cut_power_after(3);
        assert!(f.erase(0, 16).is_err());
        assert_eq!(&f.data()[..3], &[0xFF; 3]);
        assert_eq!(f.data()[3], 0x0F, "the cut byte is half-erased");
        assert_eq!(f.data()[4], 0x00, "bytes after the cut keep their value");
        assert!(f.read(0, &mut b).is_err());
        f.restore_power();
        f.read(5, &mut b).unwrap();
    }
}

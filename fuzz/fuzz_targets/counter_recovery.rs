//! Recovery of the NOR-flash counter log from arbitrary flash contents, and
//! reserve/commit/abort after it, with power cuts.
//!
//! The flash image is either arbitrary bytes, or the log a real store left
//! after an arbitrary history (with an optional power cut, so torn records and
//! half-erased sectors occur), then corrupted by arbitrary XOR patches.
//!
//! Invariants: never panics; opening is deterministic; it either recovers a
//! consistent state with `lost == pending`, or reports the region corrupt (no
//! other error on a healthy flash); an unpatched history recovers exactly the
//! last acknowledged state or the one being written when power was cut;
//! every reserve succeeds only below its limit and adds exactly one use
//! (never over-spends); a refusal changes nothing; after a clean reopen the
//! recovered state equals the acknowledged one; reservations from before a
//! reopen are refused; after a storage failure the store is poisoned.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use signet_core::counter::sim::SimFlash;
use signet_core::counter::{
    CorruptReason, CounterError, CounterStore, FlashCounterStore, MAX_OUTSTANDING, Recovery, Reservation,
    Usage,
};

/// 4-byte writes, 256-byte sectors: 4 record slots per sector.
type Sim = SimFlash<4, 256>;
const SECTOR: usize = 256;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Region size: 2 + (sectors % 4) sectors.
    sectors: u8,
    /// Region starts at sector 1 instead of 0 (sector 0 then holds `image` garbage too).
    offset: bool,
    start: Start,
    /// XOR patches applied to the image before recovery: (byte offset, mask).
    patches: Vec<(u16, u8)>,
    ops: Vec<Op>,
    /// Power cut after this many byte program/erase steps of `ops`.
    cut: Option<u16>,
}

#[derive(Arbitrary, Debug)]
enum Start {
    Raw(Vec<u8>),
    History { ops: Vec<Op>, cut: Option<u16> },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Op {
    /// Reserve with limit `used + headroom - 2` (so sometimes below `used`).
    Reserve {
        headroom: u8,
    },
    /// Reserve with an absolute limit.
    ReserveLimit(u64),
    Commit(u8),
    Abort(u8),
    /// Close and reopen the store (power restored, as after a reboot).
    Reopen,
}

type Store<'a> = FlashCounterStore<&'a mut Sim>;

/// The harness's view of the store: what was acknowledged, what was in flight.
struct Run<'a> {
    store: Option<Store<'a>>,
    base: u32,
    sectors: u32,
    acked: Usage,
    attempted: Option<Usage>,
    failed: bool,
    held: Vec<Reservation>,
    stale: Vec<Reservation>,
}

impl<'a> Run<'a> {
    fn open(flash: &'a mut Sim, base: u32, sectors: u32) -> Result<(Self, Recovery), CounterError> {
        let (store, recovery) = FlashCounterStore::open(flash, base, sectors)?;
        assert!(recovery.usage.is_consistent());
        assert_eq!(recovery.lost, recovery.usage.pending());
        assert_eq!(store.usage(), recovery.usage);
        let run = Run {
            store: Some(store),
            base,
            sectors,
            acked: recovery.usage,
            attempted: None,
            failed: false,
            held: Vec::new(),
            stale: Vec::new(),
        };
        Ok((run, recovery))
    }

    fn store(&mut self) -> &mut Store<'a> {
        self.store.as_mut().unwrap()
    }

    /// Checks a refused operation: nothing changed, and it was for a good
    /// reason. `next` is the state the operation tried to write.
    fn refused(&mut self, e: CounterError, next: Usage) {
        assert_eq!(
            self.store().usage(),
            self.acked,
            "a refusal changed the count: {e:?}"
        );
        match e {
            CounterError::Storage { .. } => {
                assert!(!self.failed, "storage error on a poisoned store");
                self.failed = true;
                self.attempted = Some(next);
            }
            CounterError::Poisoned => assert!(self.failed, "poisoned without a storage failure"),
            CounterError::Exhausted { .. }
            | CounterError::TooManyOutstanding { .. }
            | CounterError::Overflow
            | CounterError::ForeignReservation { .. }
            | CounterError::UnknownReservation { .. } => {}
            other => panic!("unexpected error on a healthy region: {other:?}"),
        }
    }

    fn step(&mut self, op: Op) {
        let before = self.store().usage();
        assert_eq!(before, self.acked);
        match op {
            Op::Reserve { .. } | Op::ReserveLimit(_) => {
                let limit = match op {
                    Op::Reserve { headroom } => before
                        .used()
                        .saturating_add(u64::from(headroom))
                        .saturating_sub(2),
                    Op::ReserveLimit(limit) => limit,
                    _ => unreachable!(),
                };
                let next = Usage {
                    next_index: before.next_index.saturating_add(1),
                    ..before
                };
                match self.store().reserve(limit) {
                    Ok(r) => {
                        assert!(!self.failed, "a poisoned store reserved");
                        assert!(
                            before.used() < limit,
                            "reserved at {} of limit {limit}",
                            before.used()
                        );
                        let after = self.store().usage();
                        assert_eq!(r.index(), before.next_index);
                        assert_eq!(after.next_index, before.next_index + 1);
                        assert_eq!(after.used(), before.used() + 1);
                        assert!(after.used() <= limit, "over-spent");
                        assert_eq!(r.used_after(), after.used());
                        self.acked = after;
                        self.held.push(r);
                    }
                    Err(e) => {
                        if let CounterError::Exhausted { limit: l, used } = e {
                            assert_eq!((l, used), (limit, before.used()));
                            assert!(used >= limit);
                        }
                        if let CounterError::TooManyOutstanding { .. } = e {
                            assert_eq!(self.held.len(), MAX_OUTSTANDING);
                        }
                        self.refused(e, next);
                    }
                }
            }
            Op::Commit(which) | Op::Abort(which) => {
                let commit = matches!(op, Op::Commit(_));
                // Odd `which` picks a reservation from before the last reopen.
                let from_stale = which % 2 == 1 && !self.stale.is_empty();
                let pool = if from_stale {
                    &mut self.stale
                } else {
                    &mut self.held
                };
                if pool.is_empty() {
                    return;
                }
                let r = pool.swap_remove(usize::from(which / 2) % pool.len());
                let index = r.index();
                let next = if commit {
                    Usage {
                        committed: before.committed + 1,
                        ..before
                    }
                } else {
                    Usage {
                        released: before.released + 1,
                        ..before
                    }
                };
                let result = if commit {
                    self.store().commit(r).map(|i| assert_eq!(i, index))
                } else {
                    self.store().abort(r)
                };
                match result {
                    Ok(()) => {
                        assert!(!from_stale, "a reservation from before the reopen was accepted");
                        assert!(!self.failed);
                        self.acked = next;
                        assert_eq!(self.store().usage(), self.acked);
                    }
                    Err(e) => {
                        if !from_stale {
                            assert!(
                                matches!(e, CounterError::Storage { .. } | CounterError::Poisoned),
                                "own reservation refused: {e:?}"
                            );
                        }
                        self.refused(e, next);
                    }
                }
            }
            Op::Reopen => self.reopen(),
        }
    }

    /// Reboots: power back, reopen; the state is the acknowledged one, or the
    /// one in flight when the power was cut.
    fn reopen(&mut self) {
        let flash = self.store.take().unwrap().into_inner();
        flash.restore_power();
        let (base, sectors) = (self.base, self.sectors);
        let (acked, attempted, failed) = (self.acked, self.attempted, self.failed);
        let mut stale = core::mem::take(&mut self.stale);
        stale.append(&mut self.held);
        let (mut next, recovery) = Run::open(flash, base, sectors).unwrap();
        let got = recovery.usage;
        let ok = got == acked || (failed && Some(got) == attempted);
        assert!(
            ok,
            "recovered {got:?}; acknowledged {acked:?}, in flight {attempted:?}"
        );
        stale.truncate(64);
        next.stale = stale;
        *self = next;
    }
}

fuzz_target!(|input: Input| {
    let sectors = 2 + u32::from(input.sectors % 4);
    let first = u32::from(input.offset);
    let base = first * SECTOR as u32;
    let total = usize::try_from(first + sectors + 1).unwrap();
    let mut flash = Sim::new(total);

    // The image, and the state an unpatched history must recover to.
    let mut expect: Option<(Usage, Option<Usage>, bool)> = None;
    match &input.start {
        Start::Raw(bytes) => {
            let mut image = vec![0xFF; total * SECTOR];
            for (dst, src) in image.iter_mut().zip(bytes) {
                *dst = *src;
            }
            load(&mut flash, &image);
        }
        Start::History { ops, cut } => {
            let store = FlashCounterStore::format(&mut flash, base, sectors).unwrap();
            let mut run = Run {
                store: Some(store),
                base,
                sectors,
                acked: Usage::default(),
                attempted: None,
                failed: false,
                held: Vec::new(),
                stale: Vec::new(),
            };
            if let Some(n) = cut {
                let flash = run.store.take().unwrap().into_inner();
                flash.cut_power_after(u64::from(*n));
                run.store = Some(FlashCounterStore::open(flash, base, sectors).unwrap().0);
            }
            for op in ops.iter().take(64) {
                if matches!(op, Op::Reopen) {
                    continue;
                }
                run.step(*op);
            }
            expect = Some((run.acked, run.attempted, run.failed));
            run.store.take().unwrap().into_inner().restore_power();
        }
    }
    if !input.patches.is_empty() {
        let mut image = flash.data().to_vec();
        for &(at, mask) in input.patches.iter().take(32) {
            let len = image.len();
            image[usize::from(at) % len] ^= mask;
        }
        flash = Sim::new(total);
        load(&mut flash, &image);
        expect = None;
    }

    // Recovery is deterministic.
    let mut twin = flash.clone();
    let first_open = FlashCounterStore::open(&mut twin, base, sectors).map(|(_, r)| r);
    let (mut run, recovery) = match Run::open(&mut flash, base, sectors) {
        Ok(opened) => opened,
        Err(e) => {
            assert_eq!(Err(e), first_open, "recovery is not deterministic");
            assert_eq!(
                e,
                CounterError::Corrupt {
                    reason: CorruptReason::NoValidRecord
                },
                "unexpected open error on a healthy flash"
            );
            assert!(expect.is_none(), "a store's own log did not recover");
            return;
        }
    };
    assert_eq!(Ok(recovery), first_open, "recovery is not deterministic");
    if let Some((acked, attempted, failed)) = expect {
        let got = recovery.usage;
        assert!(
            got == acked || (failed && Some(got) == attempted),
            "recovered {got:?}; acknowledged {acked:?}, in flight {attempted:?}"
        );
    }

    if let Some(n) = input.cut {
        let flash = run.store.take().unwrap().into_inner();
        flash.cut_power_after(u64::from(n));
        run.store = Some(FlashCounterStore::open(flash, base, sectors).unwrap().0);
    }
    for op in input.ops.iter().take(256) {
        run.step(*op);
    }
    run.reopen();
});

/// Programs `image` into an erased flash (erased & byte = byte).
fn load(flash: &mut Sim, image: &[u8]) {
    use embedded_storage::nor_flash::NorFlash;
    flash.write(0, image).unwrap();
}

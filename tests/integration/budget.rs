//! Budgets and counters end to end: kill -9 against the file ledger, threads
//! sharing one budget, power cuts under a budget on simulated NOR flash.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use signet_core::budget::{Budget, BudgetError, CertFingerprint, UserId, Validity};
use signet_core::counter::sim::SimFlash;
use signet_core::counter::{
    CounterStore, FileCounterStore, FileStoreOptions, FlashCounterStore, SharedCounterStore,
};
use signet_core::time::UnixTime;

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("signet-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small xorshift generator: the kill points vary per run; the seed is
/// printed so a failure can be replayed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn produced(path: &Path) -> Vec<u64> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect()
}

fn kill_loop(block: u32, limit: u64) {
    let dir = tempdir(&format!("kill{block}"));
    let ledger = dir.join("ledger");
    let out = dir.join("produced.txt");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("kill test seed {seed}");
    let mut rng = Rng(seed);
    let child = |n: u64| {
        Command::new(env!("CARGO_BIN_EXE_ledger_child"))
            .args([
                ledger.to_str().unwrap(),
                out.to_str().unwrap(),
                &n.to_string(),
                &block.to_string(),
            ])
            .spawn()
            .unwrap()
    };
    let mut kills = 0;
    let mut last_used = 0;
    for _ in 0..8 {
        let mut c = child(limit);
        std::thread::sleep(Duration::from_millis(5 + rng.next() % 40));
        if c.try_wait().unwrap().is_none() {
            c.kill().unwrap(); // SIGKILL on Unix
            kills += 1;
        }
        c.wait().unwrap();
        // After every kill: recorded usage covers every signature produced,
        // never decreases, and never exceeds the limit.
        let (store, rec) = FileCounterStore::open(&ledger, FileStoreOptions::default()).unwrap();
        let made = produced(&out);
        assert!(
            rec.usage.used() >= made.len() as u64,
            "{:?} < {}",
            rec.usage,
            made.len()
        );
        assert!(rec.usage.used() >= last_used);
        assert!(rec.usage.used() <= limit);
        last_used = rec.usage.used();
        drop(store);
    }
    assert!(kills > 0, "no child was killed mid-loop");
    // Finish: run until the budget is exhausted.
    let status = child(limit).wait().unwrap();
    assert!(status.success());
    let made = produced(&out);
    let unique: HashSet<u64> = made.iter().copied().collect();
    assert_eq!(
        unique.len(),
        made.len(),
        "a counter index was reused after a crash"
    );
    assert!(made.iter().all(|&i| i < limit), "an index beyond the limit");
    eprintln!("block {block}: {kills} kills, {} produced of {limit}", made.len());
    let (_, rec) = FileCounterStore::open(&ledger, FileStoreOptions::default()).unwrap();
    assert_eq!(rec.usage.used(), limit, "exhausted at exactly the limit");
    assert!(made.len() as u64 <= limit, "over-spent: {} > {limit}", made.len());
    // Each crash may waste at most the pending reservation plus one block.
    assert!(
        limit - made.len() as u64 <= kills * u64::from(block.max(1)),
        "{} wasted",
        limit - made.len() as u64
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn kill_9_never_loses_or_overspends_strict() {
    kill_loop(1, 400);
}

#[test]
fn kill_9_never_loses_or_overspends_blocks_of_16() {
    kill_loop(16, 30_000);
}

const FP: CertFingerprint = CertFingerprint([0x42; 32]);
const VALIDITY: Validity = Validity {
    not_before: UnixTime(0),
    not_after: UnixTime(1_000_000),
};

#[test]
fn threads_sharing_one_budget_never_overspend() {
    let dir = tempdir("threads");
    let (store, _) = FileCounterStore::open(&dir, FileStoreOptions::default()).unwrap();
    let shared = SharedCounterStore::new(store);
    let signer = UserId::new("ci").unwrap();
    let budget = Budget::with_allotment(FP, VALIDITY, signer.clone(), 150).unwrap();
    let results: Vec<(u64, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let (shared, budget, signer) = (&shared, &budget, &signer);
                s.spawn(move || {
                    let mut store = shared;
                    let (mut made, mut crossings) = (Vec::new(), 0);
                    for _ in 0..40 {
                        match budget.reserve(&mut store, signer, &FP, UnixTime(5)) {
                            Ok(r) => {
                                let report = budget.commit(&mut store, r).unwrap();
                                crossings += usize::from(report.crossed.is_some());
                                made.push(report.index);
                            }
                            Err(e) => assert!(matches!(e, BudgetError::Exhausted { total: 150, .. })),
                        }
                    }
                    made.into_iter().map(move |i| (i, crossings)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let indices: HashSet<u64> = results.iter().map(|(i, _)| *i).collect();
    assert_eq!(indices.len(), 150);
    assert_eq!(results.len(), 150);
    let store = shared.into_inner().unwrap();
    assert_eq!(store.usage().committed, 150);
    drop(store);
    let (_, rec) = FileCounterStore::open(&dir, FileStoreOptions::default()).unwrap();
    assert_eq!(rec.usage.used(), 150);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn threads_see_each_level_crossing_once() {
    let shared = SharedCounterStore::new(signet_core::counter::MemoryCounterStore::new());
    let signer = UserId::new("ci").unwrap();
    let budget = Budget::with_allotment(FP, VALIDITY, signer.clone(), 100).unwrap();
    let crossings: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let (shared, budget, signer) = (&shared, &budget, &signer);
                s.spawn(move || {
                    let mut store = shared;
                    let mut seen = Vec::new();
                    while let Ok(r) = budget.reserve(&mut store, signer, &FP, UnixTime(5)) {
                        if let Some(c) = budget.commit(&mut store, r).unwrap().crossed {
                            seen.push(c);
                        }
                    }
                    seen
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut names: Vec<_> = crossings.iter().map(|c| c.name()).collect();
    names.sort_unstable();
    assert_eq!(names, ["exhausted", "warn80", "warn90"]);
}

#[test]
fn power_cut_at_every_step_under_a_budget_on_flash() {
    type Sim = SimFlash<8, 512>;
    let signer = UserId::new("dev").unwrap();
    let budget = Budget::with_allotment(FP, VALIDITY, signer.clone(), 12).unwrap();
    let workload = |store: &mut FlashCounterStore<&mut Sim>| -> u64 {
        let mut acked = 0;
        for i in 0..20 {
            let Ok(r) = budget.reserve(store, &signer, &FP, UnixTime(5)) else {
                if store.usage().used() == 12 {
                    continue;
                }
                return acked;
            };
            let ok = if i % 4 == 3 {
                budget.abort(store, r).is_ok()
            } else {
                budget.commit(store, r).map(|_| acked += 1).is_ok()
            };
            if !ok {
                return acked;
            }
        }
        acked
    };
    let mut flash = Sim::new(2);
    FlashCounterStore::format(&mut flash, 0, 2).unwrap();
    let start = flash.steps();
    workload(&mut FlashCounterStore::open(&mut flash, 0, 2).unwrap().0);
    let total = flash.steps() - start;
    for cut in 0..total {
        let mut flash = Sim::new(2);
        FlashCounterStore::format(&mut flash, 0, 2).unwrap();
        flash.cut_power_after(cut);
        let committed = workload(&mut FlashCounterStore::open(&mut flash, 0, 2).unwrap().0);
        flash.restore_power();
        let (_, rec) = FlashCounterStore::open(&mut flash, 0, 2).unwrap();
        assert!(rec.usage.committed >= committed, "cut {cut}");
        assert!(
            rec.usage.used() >= rec.usage.committed && rec.usage.used() <= 12,
            "cut {cut}"
        );
    }
}

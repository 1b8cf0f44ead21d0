//! Sharing one store between threads.

use std::sync::{Mutex, PoisonError};

use super::{CounterError, CounterStore, Reservation, Usage};

/// A store behind a mutex, for many threads drawing on one budget.
///
/// `&SharedCounterStore<S>` implements [`CounterStore`], so each thread
/// passes `&mut &shared` wherever a store is expected. Each call holds the
/// lock only for the one counter update (signing happens between reserve
/// and commit, outside the lock).
#[derive(Debug, Default)]
pub struct SharedCounterStore<S> {
    inner: Mutex<S>,
}

impl<S: CounterStore> SharedCounterStore<S> {
    /// Wraps a store.
    pub fn new(store: S) -> Self {
        SharedCounterStore {
            inner: Mutex::new(store),
        }
    }

    /// Unwraps the store.
    ///
    /// # Errors
    /// [`CounterError::Poisoned`] if a thread panicked while holding the lock.
    pub fn into_inner(self) -> Result<S, CounterError> {
        self.inner.into_inner().map_err(|_| CounterError::Poisoned)
    }

    fn with<R>(&self, f: impl FnOnce(&mut S) -> Result<R, CounterError>) -> Result<R, CounterError> {
        let mut guard = self.inner.lock().map_err(|_| CounterError::Poisoned)?;
        f(&mut guard)
    }
}

impl<S: CounterStore> CounterStore for &SharedCounterStore<S> {
    fn usage(&self) -> Usage {
        // Stores change their in-memory state only after a successful write,
        // so the state behind a poisoned lock is still a true snapshot.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).usage()
    }

    fn reserve(&mut self, limit: u64) -> Result<Reservation, CounterError> {
        self.with(|s| s.reserve(limit))
    }

    fn commit(&mut self, reservation: Reservation) -> Result<u64, CounterError> {
        self.with(|s| s.commit(reservation))
    }

    fn abort(&mut self, reservation: Reservation) -> Result<(), CounterError> {
        self.with(|s| s.abort(reservation))
    }
}

#[cfg(test)]
mod tests {
    use super::super::MemoryCounterStore;
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn threads_never_overspend() {
        let shared = SharedCounterStore::new(MemoryCounterStore::new());
        let produced = std::thread::scope(|scope| {
            let handles: std::vec::Vec<_> = (0..8)
                .map(|t| {
                    let shared = &shared;
                    scope.spawn(move || {
                        let mut store = shared;
                        let mut mine = std::vec::Vec::new();
                        for i in 0..200 {
                            match store.reserve(500) {
                                Ok(r) if (i + t) % 10 == 0 => store.abort(r).unwrap(),
                                Ok(r) => mine.push(store.commit(r).unwrap()),
                                Err(e) => assert_eq!(e.code(), "counter_exhausted"),
                            }
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect::<std::vec::Vec<u64>>()
        });
        let mut sorted = produced.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), produced.len(), "indices are unique");
        assert_eq!(produced.len(), 500);
        let usage = (&shared).usage();
        assert_eq!((usage.used(), usage.committed), (500, 500));
    }
}

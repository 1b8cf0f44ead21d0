//! Counter stores: the core's memory and file stores, each behind the core's
//! `SharedCounterStore` so many Python threads can draw on one store.

use std::path::PathBuf;
use std::sync::RwLock;

use pyo3::prelude::*;
use signet_core::counter::{self as core_counter, CounterStore, FileStoreOptions, SharedCounterStore};

use crate::errors::{closed, err};

/// A snapshot of a counter.
#[pyclass(frozen, module = "signet._native", eq)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    inner: core_counter::Usage,
}

#[pymethods]
impl Usage {
    /// Index of the next reservation (= reservations ever made).
    #[getter]
    fn next_index(&self) -> u64 {
        self.inner.next_index
    }
    /// Reservations committed (signatures produced).
    #[getter]
    fn committed(&self) -> u64 {
        self.inner.committed
    }
    /// Reservations aborted (nothing consumed).
    #[getter]
    fn released(&self) -> u64 {
        self.inner.released
    }
    /// Signatures counted against the limit (committed or pending).
    #[getter]
    fn used(&self) -> u64 {
        self.inner.used()
    }
    /// Reserved, neither committed nor aborted.
    #[getter]
    fn pending(&self) -> u64 {
        self.inner.pending()
    }
    fn __repr__(&self) -> String {
        format!(
            "Usage(next_index={}, committed={}, released={})",
            self.inner.next_index, self.inner.committed, self.inner.released
        )
    }
}

impl From<core_counter::Usage> for Usage {
    fn from(inner: core_counter::Usage) -> Self {
        Usage { inner }
    }
}

/// A counter kept in memory (lost when the process ends).
#[pyclass(frozen, module = "signet._native")]
pub struct MemoryCounterStore {
    inner: SharedCounterStore<core_counter::MemoryCounterStore>,
}

#[pymethods]
impl MemoryCounterStore {
    #[new]
    fn new() -> Self {
        MemoryCounterStore {
            inner: SharedCounterStore::new(core_counter::MemoryCounterStore::new()),
        }
    }

    /// The current counter state.
    fn usage(&self) -> Usage {
        (&self.inner).usage().into()
    }
}

/// A fail-closed counter in a ledger directory (fsync'd, locked against other
/// processes). Use as a context manager or call `close()`.
#[pyclass(frozen, module = "signet._native")]
pub struct FileCounterStore {
    inner: RwLock<Option<SharedCounterStore<core_counter::FileCounterStore>>>,
    path: PathBuf,
    lost: u64,
}

#[pymethods]
impl FileCounterStore {
    /// Opens (creating if needed) the ledger in `path`. `block` > 1 makes
    /// `block` reservations durable per write; `wait_for_lock=False` fails at
    /// once with `CounterError` (`counter_locked`) when another process holds it.
    #[new]
    #[pyo3(signature = (path, *, block = 1, wait_for_lock = true))]
    fn new(py: Python<'_>, path: PathBuf, block: u32, wait_for_lock: bool) -> PyResult<Self> {
        let options = FileStoreOptions {
            block,
            wait_for_lock,
            ..FileStoreOptions::default()
        };
        let (store, recovery) = py
            .detach(|| core_counter::FileCounterStore::open(&path, options))
            .map_err(err)?;
        Ok(FileCounterStore {
            inner: RwLock::new(Some(SharedCounterStore::new(store))),
            path,
            lost: recovery.lost,
        })
    }

    /// The ledger directory.
    #[getter]
    fn path(&self) -> PathBuf {
        self.path.clone()
    }

    /// Reservations found pending when the ledger was opened (a crash between
    /// reserve and commit); they stay counted as used.
    #[getter]
    fn lost(&self) -> u64 {
        self.lost
    }

    /// The current counter state.
    fn usage(&self, py: Python<'_>) -> PyResult<Usage> {
        let store = StoreRef::File(&self.inner);
        py.detach(|| store.with(|s| s.usage()))
            .map(Usage::from)
            .map_err(StoreUnavailable::into_py)
    }

    /// Hands back an unused block, releases the lock; returns the final usage.
    /// Closing twice is allowed; using a closed store raises `ValueError`.
    fn close(&self, py: Python<'_>) -> PyResult<Option<Usage>> {
        let taken = py.detach(|| self.inner.write().map(|mut g| g.take()).map_err(|_| ()));
        let Ok(Some(shared)) = taken else {
            return Ok(None);
        };
        let usage = py
            .detach(|| {
                shared
                    .into_inner()
                    .and_then(core_counter::FileCounterStore::close)
            })
            .map_err(err)?;
        Ok(Some(usage.into()))
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }
}

/// Either store, as a function argument.
#[derive(FromPyObject)]
pub(crate) enum StoreArg<'py> {
    Memory(Bound<'py, MemoryCounterStore>),
    File(Bound<'py, FileCounterStore>),
}

/// A borrowed store that can cross into `py.detach` (it is `Send`).
pub(crate) enum StoreRef<'a> {
    Memory(&'a SharedCounterStore<core_counter::MemoryCounterStore>),
    File(&'a RwLock<Option<SharedCounterStore<core_counter::FileCounterStore>>>),
}

impl StoreArg<'_> {
    pub(crate) fn get(&self) -> StoreRef<'_> {
        match self {
            StoreArg::Memory(m) => StoreRef::Memory(&m.get().inner),
            StoreArg::File(f) => StoreRef::File(&f.get().inner),
        }
    }
}

/// Why a store could not be used.
pub(crate) enum StoreUnavailable {
    Closed,
    Poisoned,
}

impl StoreUnavailable {
    pub(crate) fn into_py(self) -> PyErr {
        match self {
            StoreUnavailable::Closed => closed("FileCounterStore"),
            StoreUnavailable::Poisoned => err(core_counter::CounterError::Poisoned),
        }
    }
}

impl StoreRef<'_> {
    /// Runs `f` with the store (call inside `py.detach`: the file store's
    /// read lock may wait for a `close`).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut dyn CounterStore) -> R) -> Result<R, StoreUnavailable> {
        match self {
            StoreRef::Memory(shared) => {
                let mut handle: &SharedCounterStore<_> = shared;
                Ok(f(&mut handle))
            }
            StoreRef::File(lock) => {
                let guard = lock.read().map_err(|_| StoreUnavailable::Poisoned)?;
                let shared = guard.as_ref().ok_or(StoreUnavailable::Closed)?;
                let mut handle = shared;
                Ok(f(&mut handle))
            }
        }
    }
}

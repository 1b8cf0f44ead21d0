//! Signature budgets: the core `Budget`, reservations and use reports.

use std::sync::{Mutex, RwLock};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use signet_core::budget::{self as core_budget, CertFingerprint, Purchase, Role, UserId, Validity};
use signet_core::policy;

use crate::args;
use crate::counter::StoreArg;
use crate::errors::err;

// The `allotment = 1000` defaults below are written as literals so Python sees
// them in the signatures; they must stay the core's default.
const _: () = assert!(core_budget::DEFAULT_ALLOTMENT == 1000);

pub(crate) fn fingerprint(obj: &Bound<'_, PyAny>) -> PyResult<CertFingerprint> {
    let bytes = obj.cast::<PyBytes>()?.as_bytes();
    let arr: [u8; 32] = bytes.try_into().map_err(|_| {
        PyValueError::new_err(format!(
            "a fingerprint is 32 bytes (SHA-256), not {}",
            bytes.len()
        ))
    })?;
    Ok(CertFingerprint(arr))
}

pub(crate) fn user(id: &str) -> PyResult<UserId> {
    UserId::new(id).map_err(err)
}

pub(crate) fn lock_poisoned() -> PyErr {
    PyRuntimeError::new_err("internal lock poisoned by an earlier panic")
}

/// Who is acting on a budget.
#[pyclass(frozen, module = "signet._native", from_py_object)]
#[derive(Clone)]
pub struct Actor {
    inner: core_budget::Actor,
}

#[pymethods]
impl Actor {
    /// `role`: administrator, manager, standard_user, limited_user, finance_manager.
    #[new]
    #[pyo3(signature = (id, role, *, subaccount = false, keylocker_lead = false))]
    fn new(id: &str, role: &str, subaccount: bool, keylocker_lead: bool) -> PyResult<Self> {
        Ok(Actor {
            inner: core_budget::Actor {
                id: user(id)?,
                role: args::parse::<Role>(role)?,
                subaccount,
                keylocker_lead,
            },
        })
    }
    #[getter]
    fn id(&self) -> &str {
        self.inner.id.as_str()
    }
    #[getter]
    fn role(&self) -> &'static str {
        self.inner.role.name()
    }
    #[getter]
    fn subaccount(&self) -> bool {
        self.inner.subaccount
    }
    #[getter]
    fn keylocker_lead(&self) -> bool {
        self.inner.keylocker_lead
    }
}

/// What one signature did to the budget.
#[pyclass(frozen, module = "signet._native")]
#[derive(Clone, Copy)]
pub struct UseReport {
    inner: core_budget::UseReport,
}

#[pymethods]
impl UseReport {
    /// The signature's serial (counter index).
    #[getter]
    fn index(&self) -> u64 {
        self.inner.index
    }
    /// Signatures used, this one included.
    #[getter]
    fn used(&self) -> u64 {
        self.inner.used
    }
    /// Signatures left.
    #[getter]
    fn remaining(&self) -> u64 {
        self.inner.remaining
    }
    /// `normal`, `warn80`, `warn90` or `exhausted`.
    #[getter]
    fn level(&self) -> &'static str {
        self.inner.level.name()
    }
    /// The level this use crossed into, if any.
    #[getter]
    fn crossed(&self) -> Option<&'static str> {
        self.inner.crossed.map(core_budget::UsageLevel::name)
    }
    fn __repr__(&self) -> String {
        format!(
            "UseReport(index={}, used={}, remaining={}, level={:?})",
            self.inner.index,
            self.inner.used,
            self.inner.remaining,
            self.inner.level.name()
        )
    }
}

impl From<core_budget::UseReport> for UseReport {
    fn from(inner: core_budget::UseReport) -> Self {
        UseReport { inner }
    }
}

/// One reserved signature: commit it after signing, abort it if signing was
/// refused. Settled at most once.
#[pyclass(frozen, module = "signet._native")]
pub struct BudgetReservation {
    inner: Mutex<Option<core_budget::BudgetReservation>>,
    index: u64,
}

#[pymethods]
impl BudgetReservation {
    /// The signature's serial.
    #[getter]
    fn index(&self) -> u64 {
        self.index
    }
}

impl BudgetReservation {
    fn take(&self) -> PyResult<core_budget::BudgetReservation> {
        self.inner
            .lock()
            .map_err(|_| lock_poisoned())?
            .take()
            .ok_or_else(|| PyValueError::new_err("this reservation was already committed or aborted"))
    }
}

/// The signature budget of one certificate.
#[pyclass(frozen, module = "signet._native")]
pub struct Budget {
    inner: RwLock<core_budget::Budget>,
}

impl Budget {
    /// A copy of the current state (the sign path works on a snapshot so no
    /// lock is held while a token signs).
    pub(crate) fn snapshot(&self) -> PyResult<core_budget::Budget> {
        Ok(self.inner.read().map_err(|_| lock_poisoned())?.clone())
    }
}

fn wrap(b: core_budget::Budget) -> Budget {
    Budget {
        inner: RwLock::new(b),
    }
}

#[pymethods]
impl Budget {
    /// A budget for the certificate with SHA-256 `fingerprint`, valid from
    /// `not_before` to `not_after` (inclusive), for the one assigned `signer`.
    #[new]
    #[pyo3(signature = (fingerprint, not_before, not_after, signer, *, allotment = 1000))]
    fn new(
        fingerprint: &Bound<'_, PyAny>,
        not_before: &Bound<'_, PyAny>,
        not_after: &Bound<'_, PyAny>,
        signer: &str,
        allotment: u64,
    ) -> PyResult<Self> {
        let validity = Validity {
            not_before: args::unix_time(not_before)?,
            not_after: args::unix_time(not_after)?,
        };
        core_budget::Budget::with_allotment(
            self::fingerprint(fingerprint)?,
            validity,
            user(signer)?,
            allotment,
        )
        .map(wrap)
        .map_err(err)
    }

    /// A budget bound to `certificate` (PEM or DER): its fingerprint and validity.
    #[staticmethod]
    #[pyo3(signature = (certificate, signer, *, allotment = 1000))]
    fn for_certificate(certificate: &Bound<'_, PyAny>, signer: &str, allotment: u64) -> PyResult<Self> {
        let der = policy::certificate_der_from_pem_or_der(&args::bytes_or_str(certificate)?).map_err(err)?;
        let cert = policy::CertificateRef::from_der(&der).map_err(err)?;
        let validity = Validity {
            not_before: cert.not_before(),
            not_after: cert.not_after(),
        };
        core_budget::Budget::with_allotment(
            CertFingerprint(cert.fingerprint_sha256()),
            validity,
            user(signer)?,
            allotment,
        )
        .map(wrap)
        .map_err(err)
    }

    /// Restores a budget from saved fields.
    #[staticmethod]
    #[pyo3(signature = (fingerprint, not_before, not_after, signer, allotment, purchased, revoked))]
    fn restore(
        fingerprint: &Bound<'_, PyAny>,
        not_before: &Bound<'_, PyAny>,
        not_after: &Bound<'_, PyAny>,
        signer: &str,
        allotment: u64,
        purchased: u64,
        revoked: bool,
    ) -> PyResult<Self> {
        let validity = Validity {
            not_before: args::unix_time(not_before)?,
            not_after: args::unix_time(not_after)?,
        };
        core_budget::Budget::restore(
            self::fingerprint(fingerprint)?,
            validity,
            user(signer)?,
            allotment,
            purchased,
            revoked,
        )
        .map(wrap)
        .map_err(err)
    }

    /// The renewed certificate's budget: fresh allotment, same signer.
    #[pyo3(signature = (fingerprint, not_before, not_after, *, allotment = 1000))]
    fn renew(
        &self,
        fingerprint: &Bound<'_, PyAny>,
        not_before: &Bound<'_, PyAny>,
        not_after: &Bound<'_, PyAny>,
        allotment: u64,
    ) -> PyResult<Budget> {
        let validity = Validity {
            not_before: args::unix_time(not_before)?,
            not_after: args::unix_time(not_after)?,
        };
        let fp = self::fingerprint(fingerprint)?;
        self.snapshot()?
            .renew(fp, validity, allotment)
            .map(wrap)
            .map_err(err)
    }

    #[getter]
    fn fingerprint<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.snapshot()?.fingerprint().0))
    }
    #[getter]
    fn not_before(&self) -> PyResult<i64> {
        Ok(self.snapshot()?.validity().not_before.as_secs())
    }
    #[getter]
    fn not_after(&self) -> PyResult<i64> {
        Ok(self.snapshot()?.validity().not_after.as_secs())
    }
    #[getter]
    fn allotment(&self) -> PyResult<u64> {
        Ok(self.snapshot()?.allotment())
    }
    #[getter]
    fn purchased(&self) -> PyResult<u64> {
        Ok(self.snapshot()?.purchased())
    }
    /// Allotment plus purchases; 0 once revoked.
    #[getter]
    fn total(&self) -> PyResult<u64> {
        Ok(self.snapshot()?.total())
    }
    #[getter]
    fn revoked(&self) -> PyResult<bool> {
        Ok(self.snapshot()?.is_revoked())
    }
    /// The assigned signer.
    #[getter]
    fn signer(&self) -> PyResult<String> {
        Ok(self.snapshot()?.signer().as_str().to_owned())
    }

    /// Signatures left given `store`'s usage, at `now` (0 when revoked or outside validity).
    #[pyo3(signature = (store, now = None))]
    fn remaining(
        &self,
        py: Python<'_>,
        store: StoreArg<'_>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let now = args::unix_time_or_now(py, now)?;
        let budget = self.snapshot()?;
        let store = store.get();
        let usage = py.detach(|| store.with(|s| s.usage())).map_err(|e| e.into_py())?;
        Ok(budget.remaining(&usage, now))
    }

    /// `normal`, `warn80`, `warn90` or `exhausted` for `store`'s usage.
    fn level(&self, py: Python<'_>, store: StoreArg<'_>) -> PyResult<&'static str> {
        let budget = self.snapshot()?;
        let store = store.get();
        let usage = py.detach(|| store.with(|s| s.usage())).map_err(|e| e.into_py())?;
        Ok(budget.level(&usage).name())
    }

    /// Buys `count` more signatures (1000, 5000, 10000 or any positive number); returns the new total.
    #[pyo3(signature = (actor, fingerprint, count, now = None))]
    fn buy(
        &self,
        py: Python<'_>,
        actor: &Actor,
        fingerprint: &Bound<'_, PyAny>,
        count: u64,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let fp = self::fingerprint(fingerprint)?;
        let now = args::unix_time_or_now(py, now)?;
        let purchase = match count {
            1_000 => Purchase::Block1000,
            5_000 => Purchase::Block5000,
            10_000 => Purchase::Block10000,
            n => Purchase::Custom(n),
        };
        let mut b = self.inner.write().map_err(|_| lock_poisoned())?;
        b.buy(&actor.inner, &fp, purchase, now).map_err(err)
    }

    /// Revokes the certificate's budget (irreversible).
    fn revoke(&self, fingerprint: &Bound<'_, PyAny>) -> PyResult<()> {
        let fp = self::fingerprint(fingerprint)?;
        let mut b = self.inner.write().map_err(|_| lock_poisoned())?;
        b.revoke(&fp).map_err(err)
    }

    /// Reassigns the signer (KeyLocker leads only).
    fn assign_signer(&self, actor: &Actor, fingerprint: &Bound<'_, PyAny>, signer: &str) -> PyResult<()> {
        let fp = self::fingerprint(fingerprint)?;
        let signer = user(signer)?;
        let mut b = self.inner.write().map_err(|_| lock_poisoned())?;
        b.assign_signer(&actor.inner, &fp, signer).map_err(err)
    }

    /// Checks everything and reserves one signature in `store`.
    #[pyo3(signature = (store, signer, fingerprint, now = None))]
    fn reserve(
        &self,
        py: Python<'_>,
        store: StoreArg<'_>,
        signer: &str,
        fingerprint: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<BudgetReservation> {
        let signer = user(signer)?;
        let fp = self::fingerprint(fingerprint)?;
        let now = args::unix_time_or_now(py, now)?;
        let budget = self.snapshot()?;
        let store = store.get();
        let reservation = py
            .detach(|| store.with(|mut s| budget.reserve(&mut s, &signer, &fp, now)))
            .map_err(|e| e.into_py())?
            .map_err(err)?;
        Ok(BudgetReservation {
            index: reservation.index(),
            inner: Mutex::new(Some(reservation)),
        })
    }

    /// Commits a reserved signature; returns the use report.
    fn commit(
        &self,
        py: Python<'_>,
        store: StoreArg<'_>,
        reservation: &BudgetReservation,
    ) -> PyResult<UseReport> {
        let r = reservation.take()?;
        let budget = self.snapshot()?;
        let store = store.get();
        py.detach(|| store.with(|mut s| budget.commit(&mut s, r)))
            .map_err(|e| e.into_py())?
            .map(UseReport::from)
            .map_err(err)
    }

    /// Gives back a reservation whose signing was refused.
    fn abort(&self, py: Python<'_>, store: StoreArg<'_>, reservation: &BudgetReservation) -> PyResult<()> {
        let r = reservation.take()?;
        let budget = self.snapshot()?;
        let store = store.get();
        py.detach(|| store.with(|mut s| budget.abort(&mut s, r)))
            .map_err(|e| e.into_py())?
            .map_err(err)
    }

    fn __repr__(&self) -> PyResult<String> {
        let b = self.snapshot()?;
        Ok(format!(
            "Budget(signer={:?}, total={}, revoked={})",
            b.signer().as_str(),
            b.total(),
            if b.is_revoked() { "True" } else { "False" }
        ))
    }
}

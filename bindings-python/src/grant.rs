//! Signer policies, signing requests with approvals, and grants.

use std::sync::Mutex;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use signet_core::grant::{self as core_grant, GrantId, RequestId, RequestParams};

use crate::args;
use crate::budget::{lock_poisoned, user};
use crate::errors::err;

/// One approval step: eligible approvers and how many must approve.
#[pyclass(frozen, module = "signet._native", from_py_object)]
#[derive(Clone)]
pub struct ApprovalStep {
    inner: core_grant::ApprovalStep,
}

#[pymethods]
impl ApprovalStep {
    #[new]
    fn new(approvers: Vec<String>, threshold: u8) -> PyResult<Self> {
        let ids = approvers.iter().map(|a| user(a)).collect::<PyResult<Vec<_>>>()?;
        core_grant::ApprovalStep::new(&ids, threshold)
            .map(|inner| ApprovalStep { inner })
            .map_err(err)
    }
    #[getter]
    fn approvers(&self) -> Vec<String> {
        self.inner
            .approvers()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect()
    }
    #[getter]
    fn threshold(&self) -> u8 {
        self.inner.threshold()
    }
}

/// A signer's policy: window and/or signing-count ceilings, request TTL, steps.
#[pyclass(frozen, module = "signet._native", from_py_object)]
#[derive(Clone)]
pub struct SignerPolicy {
    inner: core_grant::SignerPolicy,
}

#[pymethods]
impl SignerPolicy {
    #[new]
    #[pyo3(signature = (signer, steps, *, max_request_ttl_secs, max_window_secs = None, max_signings = None))]
    fn new(
        signer: &str,
        steps: Vec<ApprovalStep>,
        max_request_ttl_secs: u64,
        max_window_secs: Option<u64>,
        max_signings: Option<u32>,
    ) -> PyResult<Self> {
        let steps: Vec<_> = steps.into_iter().map(|s| s.inner).collect();
        core_grant::SignerPolicy::new(
            user(signer)?,
            max_window_secs,
            max_signings,
            max_request_ttl_secs,
            &steps,
        )
        .map(|inner| SignerPolicy { inner })
        .map_err(err)
    }
    #[getter]
    fn signer(&self) -> &str {
        self.inner.signer().as_str()
    }
    #[getter]
    fn max_window_secs(&self) -> Option<u64> {
        self.inner.max_window_secs()
    }
    #[getter]
    fn max_signings(&self) -> Option<u32> {
        self.inner.max_signings()
    }
    #[getter]
    fn max_request_ttl_secs(&self) -> u64 {
        self.inner.max_request_ttl_secs()
    }
}

/// What an approval did: `kind` is `"recorded"`, `"step_complete"` or `"granted"`.
#[pyclass(frozen, module = "signet._native")]
pub struct Approval {
    #[pyo3(get)]
    kind: &'static str,
    /// The step approved (0-based), for `recorded`.
    #[pyo3(get)]
    step: Option<usize>,
    /// Approvals so far in the step, for `recorded`.
    #[pyo3(get)]
    approvals: Option<u8>,
    /// Approvals needed in the step, for `recorded`.
    #[pyo3(get)]
    threshold: Option<u8>,
    /// The new current step, for `step_complete`.
    #[pyo3(get)]
    next_step: Option<usize>,
    /// The grant issued, for `granted`.
    #[pyo3(get)]
    grant: Option<Py<Grant>>,
}

/// A request for signing access.
#[pyclass(frozen, module = "signet._native")]
pub struct SigningRequest {
    inner: Mutex<core_grant::SigningRequest>,
}

impl SigningRequest {
    fn with<R>(&self, f: impl FnOnce(&mut core_grant::SigningRequest) -> R) -> PyResult<R> {
        Ok(f(&mut *self.inner.lock().map_err(|_| lock_poisoned())?))
    }
}

#[pymethods]
impl SigningRequest {
    /// Opens request `id` by `requester` under `policy`.
    #[staticmethod]
    #[pyo3(signature = (id, requester, policy, now = None, *, valid_from = None, valid_until = None, allowed_ops = None, justification = None))]
    #[allow(clippy::too_many_arguments)]
    fn open(
        py: Python<'_>,
        id: u64,
        requester: &str,
        policy: &SignerPolicy,
        now: Option<&Bound<'_, PyAny>>,
        valid_from: Option<&Bound<'_, PyAny>>,
        valid_until: Option<&Bound<'_, PyAny>>,
        allowed_ops: Option<u32>,
        justification: Option<&str>,
    ) -> PyResult<Self> {
        let params = RequestParams {
            valid_from: valid_from.map(args::unix_time).transpose()?,
            valid_until: valid_until.map(args::unix_time).transpose()?,
            allowed_ops,
            justification,
        };
        let now = args::unix_time_or_now(py, now)?;
        core_grant::SigningRequest::open(RequestId(id), user(requester)?, &policy.inner, params, now)
            .map(|r| SigningRequest { inner: Mutex::new(r) })
            .map_err(err)
    }

    #[getter]
    fn id(&self) -> PyResult<u64> {
        self.with(|r| r.id().0)
    }
    #[getter]
    fn requester(&self) -> PyResult<String> {
        self.with(|r| r.requester().as_str().to_owned())
    }
    #[getter]
    fn current_step(&self) -> PyResult<usize> {
        self.with(|r| r.current_step())
    }
    #[getter]
    fn allowed_ops(&self) -> PyResult<Option<u32>> {
        self.with(|r| r.allowed_ops())
    }
    #[getter]
    fn valid_from(&self) -> PyResult<i64> {
        self.with(|r| r.valid_from().as_secs())
    }
    #[getter]
    fn valid_until(&self) -> PyResult<Option<i64>> {
        self.with(|r| r.valid_until().map(|t| t.as_secs()))
    }
    #[getter]
    fn expires_at(&self) -> PyResult<i64> {
        self.with(|r| r.expires_at().as_secs())
    }
    #[getter]
    fn justification(&self) -> PyResult<String> {
        self.with(|r| r.justification().to_owned())
    }

    /// `open`, `approved`, `rejected`, `cancelled` or `expired` at `now`.
    #[pyo3(signature = (now = None))]
    fn status(&self, py: Python<'_>, now: Option<&Bound<'_, PyAny>>) -> PyResult<&'static str> {
        let now = args::unix_time_or_now(py, now)?;
        self.with(|r| r.status(now).name())
    }

    /// Approves the current step as `approver`.
    #[pyo3(signature = (approver, now = None))]
    fn approve(&self, py: Python<'_>, approver: &str, now: Option<&Bound<'_, PyAny>>) -> PyResult<Approval> {
        let approver = user(approver)?;
        let now = args::unix_time_or_now(py, now)?;
        let outcome = self.with(|r| r.approve(&approver, now))?.map_err(err)?;
        let none = Approval {
            kind: "recorded",
            step: None,
            approvals: None,
            threshold: None,
            next_step: None,
            grant: None,
        };
        Ok(match outcome {
            core_grant::ApprovalOutcome::Recorded {
                step,
                approvals,
                threshold,
            } => Approval {
                step: Some(step),
                approvals: Some(approvals),
                threshold: Some(threshold),
                ..none
            },
            core_grant::ApprovalOutcome::StepComplete { next_step } => Approval {
                kind: "step_complete",
                next_step: Some(next_step),
                ..none
            },
            core_grant::ApprovalOutcome::Granted(g) => Approval {
                kind: "granted",
                grant: Some(Py::new(py, Grant { inner: Mutex::new(g) })?),
                ..none
            },
        })
    }

    /// Rejects the request as an eligible approver of the current step.
    #[pyo3(signature = (approver, comment = None, now = None))]
    fn reject(
        &self,
        py: Python<'_>,
        approver: &str,
        comment: Option<&str>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let approver = user(approver)?;
        let now = args::unix_time_or_now(py, now)?;
        self.with(|r| r.reject(&approver, comment, now))?.map_err(err)
    }

    /// Cancels the request as its requester.
    #[pyo3(signature = (requester, now = None))]
    fn cancel(&self, py: Python<'_>, requester: &str, now: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let requester = user(requester)?;
        let now = args::unix_time_or_now(py, now)?;
        self.with(|r| r.cancel(&requester, now))?.map_err(err)
    }
}

/// One reserved operation of a grant.
#[pyclass(frozen, module = "signet._native")]
pub struct GrantReservation {
    inner: Mutex<Option<core_grant::GrantReservation>>,
}

impl GrantReservation {
    fn take(&self) -> PyResult<core_grant::GrantReservation> {
        self.inner
            .lock()
            .map_err(|_| lock_poisoned())?
            .take()
            .ok_or_else(|| PyValueError::new_err("this reservation was already committed or aborted"))
    }
}

/// Signing access issued by an approved request.
#[pyclass(frozen, module = "signet._native")]
pub struct Grant {
    pub(crate) inner: Mutex<core_grant::Grant>,
}

impl Grant {
    /// Runs `f` on the grant. The lock is taken with the GIL released: a sign
    /// call holds it while a Python token (which needs the GIL) signs.
    pub(crate) fn with<R: Send>(&self, f: impl FnOnce(&mut core_grant::Grant) -> R + Send) -> PyResult<R> {
        Python::attach(|py| {
            py.detach(|| self.inner.lock().map(|mut g| f(&mut g)).map_err(|_| ()))
                .map_err(|()| lock_poisoned())
        })
    }
}

#[pymethods]
impl Grant {
    /// Restores a saved grant (pass `consumed` as `used`: fail closed).
    #[staticmethod]
    #[pyo3(signature = (id, signer, grantee, valid_from, valid_until, allowed_ops, used, revoked))]
    #[allow(clippy::too_many_arguments)]
    fn restore(
        id: u64,
        signer: &str,
        grantee: &str,
        valid_from: &Bound<'_, PyAny>,
        valid_until: Option<&Bound<'_, PyAny>>,
        allowed_ops: Option<u32>,
        used: u32,
        revoked: bool,
    ) -> PyResult<Self> {
        let saved = core_grant::SavedGrant {
            id: GrantId(id),
            signer: user(signer)?,
            grantee: user(grantee)?,
            valid_from: args::unix_time(valid_from)?,
            valid_until: valid_until
                .filter(|v| !v.is_none())
                .map(args::unix_time)
                .transpose()?,
            allowed_ops,
            used,
            revoked,
        };
        Ok(Grant {
            inner: Mutex::new(core_grant::Grant::restore(saved)),
        })
    }

    #[getter]
    fn id(&self) -> PyResult<u64> {
        self.with(|g| g.id().0)
    }
    #[getter]
    fn signer(&self) -> PyResult<String> {
        self.with(|g| g.signer().as_str().to_owned())
    }
    #[getter]
    fn grantee(&self) -> PyResult<String> {
        self.with(|g| g.grantee().as_str().to_owned())
    }
    #[getter]
    fn valid_from(&self) -> PyResult<i64> {
        self.with(|g| g.valid_from().as_secs())
    }
    #[getter]
    fn valid_until(&self) -> PyResult<Option<i64>> {
        self.with(|g| g.valid_until().map(|t| t.as_secs()))
    }
    #[getter]
    fn allowed_ops(&self) -> PyResult<Option<u32>> {
        self.with(|g| g.allowed_ops())
    }
    /// Operations committed.
    #[getter]
    fn used(&self) -> PyResult<u32> {
        self.with(|g| g.used())
    }
    /// Operations reserved, not settled.
    #[getter]
    fn pending(&self) -> PyResult<u32> {
        self.with(|g| g.pending())
    }
    /// Committed plus pending: what to save.
    #[getter]
    fn consumed(&self) -> PyResult<u32> {
        self.with(|g| g.consumed())
    }
    #[getter]
    fn revoked(&self) -> PyResult<bool> {
        self.with(|g| g.is_revoked())
    }

    /// `not_yet_active`, `active`, `window_ended`, `used_up` or `revoked` at `now`.
    #[pyo3(signature = (now = None))]
    fn status(&self, py: Python<'_>, now: Option<&Bound<'_, PyAny>>) -> PyResult<&'static str> {
        let now = args::unix_time_or_now(py, now)?;
        self.with(|g| g.status(now).name())
    }

    /// Revokes the grant (irreversible).
    fn revoke(&self) -> PyResult<()> {
        self.with(|g| g.revoke())
    }

    /// Reserves one sign operation for `grantee` on `signer`.
    #[pyo3(signature = (grantee, signer, now = None))]
    fn reserve(
        &self,
        py: Python<'_>,
        grantee: &str,
        signer: &str,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<GrantReservation> {
        let (grantee, signer) = (user(grantee)?, user(signer)?);
        let now = args::unix_time_or_now(py, now)?;
        let r = self.with(|g| g.reserve(&grantee, &signer, now))?.map_err(err)?;
        Ok(GrantReservation {
            inner: Mutex::new(Some(r)),
        })
    }

    /// Commits a reserved operation; returns the operations used.
    fn commit(&self, reservation: &GrantReservation) -> PyResult<u32> {
        let r = reservation.take()?;
        self.with(|g| g.commit(r))?.map_err(err)
    }

    /// Gives a reserved operation back.
    fn abort(&self, reservation: &GrantReservation) -> PyResult<()> {
        let r = reservation.take()?;
        self.with(|g| g.abort(r))?.map_err(err)
    }
}

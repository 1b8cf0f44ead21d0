//! The one place where errors become Python exceptions.
//!
//! The exception classes are defined in Python (`signet/_errors.py`, so they
//! are ordinary, picklable, documented classes) and imported here once. The
//! class of an error is derived from its code alone: the row of the code in
//! core's table (`signet_core::codes::lookup`) names its domain, and each
//! domain has one class, so the same code raises the same class in every
//! binding. The exception carries the code, the message and, from the host
//! layer, a hint.

use core::fmt::Display;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use signet_core::ErrorCode;
use signet_core::codes::{Domain, lookup};

/// Codes raised as `BudgetExhaustedError`, a subclass of both `BudgetError`
/// and `SignError`: the budget's own refusal and the sign path's.
const BUDGET_EXHAUSTED: [&str; 2] = ["budget_exhausted", "sign_budget_exhausted"];

/// The name of the `signet._errors` class for `code`.
pub(crate) fn class_name(code: &str) -> &'static str {
    if BUDGET_EXHAUSTED.contains(&code) {
        return "BudgetExhaustedError";
    }
    match lookup(code).map(|row| row.domain) {
        Some(Domain::InvalidRequest) => "InvalidRequestError",
        Some(Domain::KeyPolicy) => "KeyPolicyError",
        Some(Domain::Budget) => "BudgetError",
        Some(Domain::Grant) => "GrantError",
        Some(Domain::Counter) => "CounterError",
        Some(Domain::Token) => "TokenError",
        Some(Domain::Sign) => "SignError",
        Some(Domain::Verification) => "VerificationError",
        Some(Domain::State) => "StateError",
        Some(Domain::Usage) => "UsageError",
        // A code without a row (a bug the table tests guard against) or a
        // domain added later: still a SignetError with its code.
        _ => "SignetError",
    }
}

static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(MODULE
        .get_or_try_init(py, || py.import("signet._errors").map(Bound::unbind))?
        .bind(py))
}

/// The Python class object named `name` in `signet._errors`.
pub(crate) fn class_object<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyType>> {
    Ok(errors_module(py)?.getattr(name)?.cast_into::<PyType>()?)
}

/// The exception instance `Class(message, code=code, hint=hint)`.
pub(crate) fn exception<'py>(
    py: Python<'py>,
    code: &str,
    message: &str,
    hint: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let cls = class_object(py, class_name(code))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", code)?;
    kwargs.set_item("hint", hint)?;
    cls.call((message,), Some(&kwargs))
}

/// The exception for `code`, as a `PyErr`.
pub(crate) fn raise(code: &str, message: &str, hint: Option<&str>) -> PyErr {
    Python::attach(|py| match exception(py, code, message, hint) {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    })
}

/// A core error as its Python exception.
pub(crate) fn err<E: ErrorCode + Display>(e: E) -> PyErr {
    raise(e.code(), &e.to_string(), None)
}

/// A host error as its Python exception, with its hint.
pub(crate) fn host(e: signet_host::Error) -> PyErr {
    raise(e.code(), e.message(), e.hint())
}

/// An internal failure of the binding (a bug, never the caller's input).
pub(crate) fn internal(what: &str) -> PyErr {
    raise("python_internal_error", what, None)
}

/// An internal lock was poisoned by an earlier panic.
pub(crate) fn lock_poisoned() -> PyErr {
    internal("an internal lock was poisoned by an earlier panic")
}

/// `signet._native._exception_for(code, message)`: the exception the
/// binding raises for `code` (not raised), so that tests can check the
/// mapping for every row of the table.
#[pyfunction]
#[pyo3(name = "_exception_for")]
pub fn exception_for<'py>(py: Python<'py>, code: &str, message: &str) -> PyResult<Bound<'py, PyAny>> {
    exception(py, code, message, None)
}

/// Core's table of codes, one dict per row: `code`, `number` (the C ABI's),
/// `domain`, `description`.
#[pyfunction]
pub fn error_codes(py: Python<'_>) -> PyResult<Bound<'_, pyo3::types::PyList>> {
    let rows = signet_core::codes::TABLE.iter().map(|row| {
        let d = PyDict::new(py);
        d.set_item("code", row.code)?;
        d.set_item("number", row.number)?;
        d.set_item("domain", row.domain.name())?;
        d.set_item("description", row.description)?;
        Ok(d)
    });
    pyo3::types::PyList::new(py, rows.collect::<PyResult<Vec<_>>>()?)
}

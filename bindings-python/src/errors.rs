//! The one place where core errors become Python exceptions.
//!
//! The exception classes are defined in Python (`signet/_errors.py`, so they
//! are ordinary, picklable, documented classes) and imported here once. Each
//! core error type says which class it belongs to ([`Classify`]); the
//! exception carries the core's stable `code()` and its `Display` message.

use core::fmt::Display;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use signet_core::ErrorCode;

/// The Python exception classes of `signet._errors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    InvalidRequest,
    KeyPolicy,
    Budget,
    BudgetExhausted,
    Grant,
    Counter,
    Token,
    Sign,
    Verification,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::InvalidRequest => "InvalidRequestError",
            Class::KeyPolicy => "KeyPolicyError",
            Class::Budget => "BudgetError",
            Class::BudgetExhausted => "BudgetExhaustedError",
            Class::Grant => "GrantError",
            Class::Counter => "CounterError",
            Class::Token => "TokenError",
            Class::Sign => "SignError",
            Class::Verification => "VerificationError",
        }
    }
}

/// Which exception class a core error is raised as.
pub(crate) trait Classify: ErrorCode + Display {
    fn class(&self) -> Class;
}

macro_rules! classify {
    ($($ty:ty => $class:expr),* $(,)?) => {
        $(impl Classify for $ty {
            fn class(&self) -> Class {
                $class
            }
        })*
    };
}

use signet_core::{budget, cert, cms, counter, grant, order, policy, time, token, verify};

classify! {
    order::UnknownProduct => Class::InvalidRequest,
    time::DateError => Class::InvalidRequest,
    policy::UnknownDeviceProfile => Class::InvalidRequest,
    budget::UserIdError => Class::InvalidRequest,
    budget::UnknownRole => Class::InvalidRequest,
    token::UnknownAlgorithm => Class::InvalidRequest,
    token::UnknownKeyType => Class::InvalidRequest,
    policy::PolicyError => Class::KeyPolicy,
    grant::GrantError => Class::Grant,
    counter::CounterError => Class::Counter,
    token::ErrorKind => Class::Token,
    token::soft::SoftTokenError => Class::Token,
    verify::VerifyError => Class::Verification,
    cms::CmsError => Class::Sign,
}

impl Classify for budget::BudgetError {
    fn class(&self) -> Class {
        match self {
            budget::BudgetError::Exhausted { .. } => Class::BudgetExhausted,
            budget::BudgetError::Counter(_) => Class::Counter,
            _ => Class::Budget,
        }
    }
}

impl Classify for cert::CertError {
    fn class(&self) -> Class {
        match self {
            cert::CertError::Token(_) => Class::Token,
            cert::CertError::Signature(_) => Class::Verification,
            _ => Class::Sign,
        }
    }
}

/// The sign path's refusals go to the class of the rule that refused (a
/// budget refusal is a `BudgetError`, ...); the code stays the core's
/// `sign_*` code.
impl Classify for signet_core::sign::SignError {
    fn class(&self) -> Class {
        use signet_core::sign::SignError as E;
        match self {
            E::KeyPolicy(_) => Class::KeyPolicy,
            E::BudgetMismatch | E::Revoked | E::NotAssignedSigner => Class::Budget,
            E::BudgetExhausted { .. } => Class::BudgetExhausted,
            E::GrantRequired | E::GrantMismatch(_) | E::GrantInactive { .. } | E::GrantExhausted { .. } => {
                Class::Grant
            }
            E::Token(_) => Class::Token,
            E::VerifyFailed { .. } => Class::Verification,
            E::Counter(_) => Class::Counter,
            _ => Class::Sign,
        }
    }
}

static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(MODULE
        .get_or_try_init(py, || py.import("signet._errors").map(Bound::unbind))?
        .bind(py))
}

/// The Python class object for `class`.
pub(crate) fn class_object<'py>(py: Python<'py>, class: Class) -> PyResult<Bound<'py, PyType>> {
    Ok(errors_module(py)?.getattr(class.name())?.cast_into::<PyType>()?)
}

/// Builds `class(message, code=code)`.
pub(crate) fn raise(class: Class, code: &str, message: &str) -> PyErr {
    Python::attach(|py| {
        let built = class_object(py, class).and_then(|cls| {
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("code", code)?;
            cls.call((message,), Some(&kwargs))
        });
        match built {
            Ok(exc) => PyErr::from_value(exc),
            Err(e) => e,
        }
    })
}

/// A core error as its Python exception.
pub(crate) fn err<E: Classify>(e: E) -> PyErr {
    raise(e.class(), e.code(), &e.to_string())
}

/// `map_err` helper: `.map_err(err)` reads well at call sites; this is for
/// results that need the class forced (none today) or a closed resource.
pub(crate) fn closed(what: &str) -> PyErr {
    PyValueError::new_err(format!("operation on a closed {what}"))
}

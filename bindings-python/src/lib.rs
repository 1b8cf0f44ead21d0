//! Python bindings for Signet (pyo3, built by maturin as `signet._native`).
//!
//! A binding converts types and maps errors, nothing more: every rule lives
//! in `signet-core`, and the state directory, its budgets, grants, ledgers
//! and the sign path in `signet-host` (the `State` class). Errors are mapped
//! in one place, [`errors`], by the domain of their code. The GIL is released
//! around every operation that may take time (I/O, validation, signing); a
//! token written in Python re-acquires it for each call, and no Rust lock is
//! held while Python code runs.

mod args;
mod errors;
mod report;
mod state;
mod token;

use pyo3::prelude::*;

/// The native module `signet._native`; the public API is the `signet` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("CORE_VERSION", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<report::Finding>()?;
    m.add_class::<report::Report>()?;
    m.add_class::<report::KeyInfo>()?;
    m.add_function(wrap_pyfunction!(report::validate_order, m)?)?;
    m.add_function(wrap_pyfunction!(report::check_csr, m)?)?;
    m.add_function(wrap_pyfunction!(report::check_public_key, m)?)?;
    m.add_function(wrap_pyfunction!(report::check_certificate, m)?)?;
    m.add_function(wrap_pyfunction!(report::key_info, m)?)?;
    m.add_class::<token::KeyAttributes>()?;
    m.add_class::<token::SoftwareToken>()?;
    m.add_function(wrap_pyfunction!(token::verify_digest, m)?)?;
    m.add_function(wrap_pyfunction!(token::self_signed_certificate, m)?)?;
    m.add_class::<state::State>()?;
    m.add_function(wrap_pyfunction!(state::open_state, m)?)?;
    m.add_function(wrap_pyfunction!(state::init_state, m)?)?;
    m.add_function(wrap_pyfunction!(state::open_or_create_state, m)?)?;
    m.add_function(wrap_pyfunction!(errors::error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(errors::exception_for, m)?)?;
    Ok(())
}

//! Python bindings for `signet-core` (pyo3, built by maturin as `signet._native`).
//!
//! A binding converts types and maps errors, nothing more: every rule lives in
//! the core. Errors are mapped in one place, [`errors`]. The GIL is released
//! around every operation that may take time (validation, signing, counter
//! writes); a token written in Python re-acquires it for each call.

mod args;
mod budget;
mod counter;
mod errors;
mod grant;
mod report;
mod sign;
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
    m.add_class::<counter::Usage>()?;
    m.add_class::<counter::MemoryCounterStore>()?;
    m.add_class::<counter::FileCounterStore>()?;
    m.add_class::<budget::Actor>()?;
    m.add_class::<budget::UseReport>()?;
    m.add_class::<budget::BudgetReservation>()?;
    m.add_class::<budget::Budget>()?;
    m.add_class::<grant::ApprovalStep>()?;
    m.add_class::<grant::SignerPolicy>()?;
    m.add_class::<grant::Approval>()?;
    m.add_class::<grant::SigningRequest>()?;
    m.add_class::<grant::GrantReservation>()?;
    m.add_class::<grant::Grant>()?;
    m.add_class::<token::KeyAttributes>()?;
    m.add_class::<token::SoftwareToken>()?;
    m.add_function(wrap_pyfunction!(token::verify_digest, m)?)?;
    m.add_function(wrap_pyfunction!(token::self_signed_certificate, m)?)?;
    m.add_class::<sign::Receipt>()?;
    m.add_class::<sign::Signer>()?;
    Ok(())
}
